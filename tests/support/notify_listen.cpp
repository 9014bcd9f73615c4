// skm-notify-listen PATH SECONDS: a stand-in for systemd's NOTIFY_SOCKET in tests. Binds a Unix
// datagram socket at PATH and prints every message it receives for SECONDS, one line each, as
// "MILLISECONDS_SINCE_START MESSAGE [pid SENDER]" (newlines in a message shown as '|'; the sender's
// pid from the kernel's credentials, as systemd attributes a message to a unit by it).
#include "notify_socket.hpp"

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
    const int fd = skm::test::bindNotifySocket(argv[1], false);
    if (fd < 0) {
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
        const auto received = skm::test::receiveNotification(fd);
        if (!received) continue;
        const long long sender = received->sender;
        std::string msg = received->text;
        for (char& c : msg) {
            if (c == '\n') c = '|';
        }
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
        std::printf("%lld %s [pid %lld]\n", static_cast<long long>(ms), msg.c_str(), sender);
    }
    unlink(argv[1]);
    return 0;
}
