// skm-notify-listen PATH SECONDS: a stand-in for systemd's NOTIFY_SOCKET in tests. Binds a Unix
// datagram socket at PATH and prints every message it receives for SECONDS, one line each, as
// "MILLISECONDS_SINCE_START MESSAGE [pid SENDER]" (newlines in a message shown as '|'; the sender's
// pid from the kernel's credentials, as systemd attributes a message to a unit by it).
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: skm-notify-listen PATH SECONDS\n");
        return 2;
    }
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
    unlink(argv[1]);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        std::perror("bind");
        return 1;
    }
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + std::chrono::seconds(std::stoi(argv[2]));
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    while (std::chrono::steady_clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
        if (poll(&p, 1, static_cast<int>(std::max<long long>(1, left))) <= 0) continue;
        char buf[4096];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
        iovec iov{buf, sizeof buf - 1};
        msghdr mh{};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = control;
        mh.msg_controllen = sizeof control;
        const ssize_t n = recvmsg(fd, &mh, 0);
        if (n <= 0) continue;
        long long sender = -1;
        for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                ucred cred{};
                std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
                sender = cred.pid;
            }
        }
        std::string msg(buf, static_cast<size_t>(n));
        for (char& c : msg) {
            if (c == '\n') c = '|';
        }
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
        std::printf("%lld %s [pid %lld]\n", static_cast<long long>(ms), msg.c_str(), sender);
    }
    unlink(argv[1]);
    return 0;
}
