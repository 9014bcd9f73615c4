#pragma once
// A stand-in for systemd's notify socket, shared by skm-notify-listen and the session tests: a Unix
// datagram socket that receives each message with its sender's pid (SO_PASSCRED), as systemd
// attributes a message to a unit by that pid.

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>

namespace skm::test {

// Binds a datagram socket at `path` (replacing a stale one) with SO_PASSCRED on; -1 on failure.
inline int bindNotifySocket(const std::string& path, bool nonBlocking)
{
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0), 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    unlink(path.c_str());
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    return fd;
}

struct Notification {
    pid_t sender = -1; // -1 when the kernel passed no credentials
    std::string text;
};

// One message, or nullopt when none is waiting (non-blocking socket) or on an error.
inline std::optional<Notification> receiveNotification(int fd)
{
    char buf[4096];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
    iovec iov{buf, sizeof buf};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    const ssize_t n = recvmsg(fd, &mh, 0);
    if (n <= 0) return std::nullopt;
    Notification out;
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            ucred cred{};
            std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
            out.sender = cred.pid;
        }
    }
    out.text.assign(buf, static_cast<size_t>(n));
    return out;
}

} // namespace skm::test
