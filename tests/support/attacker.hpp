#pragma once
// Raw loopback connections for the hostile tests and the benchmark (header-only: bench/ uses it too):
// a blocking connect, one that does not wait (an attacker does not wait for a full backlog), and an
// attacker thread that keeps idle and slow connections open against a server.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace skm::test {

inline int connectLoopback(int port, bool wait = true)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (wait ? 0 : SOCK_NONBLOCK), 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && (wait || errno != EINPROGRESS)) {
        close(fd);
        return -1;
    }
    return fd;
}

// A blocking connection to 127.0.0.1:port from another loopback address (127.0.0.0/8 is all local):
// how a test plays a second client address. -1 on failure.
inline int connectLoopbackFrom(int port, const char* source)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, source, &from.sin_addr);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 || connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

// Whether the server closed (or refused) a connection.
inline bool connectionGone(int fd)
{
    char c;
    const ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOTCONN);
}

// `idle` connections that send nothing and `slow` ones that send a request line and a header name
// and then one byte a second, never finishing; any the server closes is opened again, every 100 ms
// round (10 rounds a second, a byte a second for the slow ones). Stops (closing all) on destruction.
class ConnectionAttacker {
public:
    ConnectionAttacker(int port, int idle, int slow, const std::string& device) : m_port(port)
    {
        m_thread = std::thread([this, idle, slow, device] { run(idle, slow, device); });
    }
    ~ConnectionAttacker() { stop(); }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
    }
    // Connections opened so far, re-openings included.
    [[nodiscard]] long connects() const { return m_connects; }

private:
    void run(int idle, int slow, const std::string& device)
    {
        std::vector<int> idleFds(static_cast<size_t>(idle), -1), slowFds(static_cast<size_t>(slow), -1);
        std::vector<bool> started(static_cast<size_t>(slow), false);
        const std::string start = "POST /v1/ratings HTTP/1.1\r\nHost: 127.0.0.1\r\nX-SKM-Device: " + device + "\r\n";
        auto reopen = [this](int& fd) {
            if (fd >= 0 && connectionGone(fd)) {
                close(fd);
                fd = -1;
            }
            if (fd >= 0) return false;
            fd = connectLoopback(m_port, false);
            ++m_connects;
            return true;
        };
        for (int round = 0; !m_stop; ++round) {
            for (int& fd : idleFds) (void)reopen(fd);
            for (size_t i = 0; i < slowFds.size(); ++i) {
                if (reopen(slowFds[i])) {
                    started[i] = false;
                    continue;
                }
                if (!started[i]) {
                    started[i] = send(slowFds[i], start.data(), start.size(), MSG_NOSIGNAL | MSG_DONTWAIT) == static_cast<ssize_t>(start.size());
                } else if (round % 10 == 0) {
                    (void)send(slowFds[i], "X", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        for (int fd : idleFds) close(fd);
        for (int fd : slowFds) close(fd);
    }
    int m_port;
    std::atomic<bool> m_stop{false};
    std::atomic<long> m_connects{0};
    std::thread m_thread;
};

} // namespace skm::test
