// skm-notify-listen PATH SECONDS: a stand-in for systemd's NOTIFY_SOCKET in tests. Binds a Unix
// datagram socket at PATH and prints every message it receives for SECONDS, one line each, as
// "MILLISECONDS_SINCE_START MESSAGE" (newlines in a message shown as '|').
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
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + std::chrono::seconds(std::stoi(argv[2]));
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    while (std::chrono::steady_clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
        if (poll(&p, 1, static_cast<int>(std::max<long long>(1, left))) <= 0) continue;
        char buf[4096];
        const ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n <= 0) continue;
        std::string msg(buf, static_cast<size_t>(n));
        for (char& c : msg) {
            if (c == '\n') c = '|';
        }
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
        std::printf("%lld %s\n", static_cast<long long>(ms), msg.c_str());
    }
    unlink(argv[1]);
    return 0;
}
