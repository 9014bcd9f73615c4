// skm-central under attack: an honest kiosk's upload time alone (the baseline), then beside 1,000
// idle and 200 slow connections that the attacker keeps open, then during a 32-thread flood of
// sign-in attempts. Each figure is the median of several syncs of 1,000 ratings (10 requests of 100)
// to a real `skm-central serve` on 127.0.0.1, with the ratio to the baseline of the same run.
// Usage: skm-bench-central-hostile [--rounds N] [--idle N] [--slow N] [--flood N]

#include "../tests/support/attacker.hpp"

#include <sync/http_sender.hpp>
#include <core/protocol.hpp>
#include <sync/provisioning.hpp>
#include <sync/uploader.hpp>

#include <kiosk/store/rating_store.hpp>

#include <CLI/CLI.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace skm;

namespace {

fs::path binDir() { return fs::read_symlink("/proc/self/exe").parent_path(); }

int connectTo(int port) { return test::connectLoopback(port); }

int runQuiet(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

struct Central {
    pid_t pid = -1;
    std::string url;
    int port = 0;
    explicit Central(const fs::path& dir)
    {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe");
        pid = fork();
        if (pid == 0) {
            dup2(fds[1], 1);
            const int null = open("/dev/null", O_WRONLY);
            dup2(null, 2);
            close(fds[0]);
            const std::string bin = (binDir() / "skm-central").string(), d = dir.string();
            execl(bin.c_str(), bin.c_str(), "serve", "--listen", "127.0.0.1:0", "--data-dir", d.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fds[1]);
        std::string line;
        char c;
        while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
        close(fds[0]);
        std::smatch m;
        if (!std::regex_search(line, m, std::regex(R"(http://127\.0\.0\.1:(\d+))"))) throw std::runtime_error("skm-central did not start: " + line);
        url = m[0];
        port = std::stoi(m[1]);
    }
    ~Central()
    {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
    }
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    int rounds = 7, idle = 1000, slow = 200, flood = 32;
    CLI::App app("skm-central under attack: an honest upload's time against its baseline");
    app.add_option("--rounds", rounds, "syncs of 1,000 ratings per condition (median)");
    app.add_option("--idle", idle, "idle connections");
    app.add_option("--slow", slow, "slow (one byte a second) connections");
    app.add_option("--flood", flood, "threads guessing passwords on /login");
    CLI11_PARSE(app, argc, argv);

    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    const fs::path work = fs::temp_directory_path() / ("skm-hostile-bench-" + std::to_string(getpid()));
    fs::create_directories(work);
    int status = 0;
    try {
        Central central(work / "central");
        const std::string bin = (binDir() / "skm-central").string();
        runQuiet("'" + bin + "' device add bench-k --out '" + (work / "p.json").string() + "' --url " + central.url + " --data-dir '" + (work / "central").string() + "'");
        runQuiet("printf 'sandi-admin-123\\n' | '" + bin + "' user add admin --data-dir '" + (work / "central").string() + "'");
        const sync::Provisioning prov = sync::readProvisioning(work / "p.json");
        sync::installProvisioning(prov, work / "kiosk");
        store::StoreOptions so;
        so.dataDir = work / "kiosk";
        so.deviceId = prov.deviceId;
        so.counter = "Loket 1";
        store::RatingStore st(so);

        // One measurement: 1,000 new ratings synced in requests of 100.
        auto measure = [&] {
            std::vector<double> ms;
            for (int r = 0; r < rounds; ++r) {
                for (int i = 0; i < 1000; ++i) (void)st.commit(st.stamp(i % 4 + 1));
                sync::SyncOptions o;
                o.batchSize = 100;
                o.deadlineMs = 120'000;
                const auto t0 = std::chrono::steady_clock::now();
                const auto res = sync::syncOnce(st, prov, [](const sync::HttpRequest& q) { return sync::curlSend(q); }, o);
                const auto t1 = std::chrono::steady_clock::now();
                if (!res.ok()) throw std::runtime_error("an honest sync failed: " + res.error());
                ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            }
            return median(ms);
        };

        const double base = measure();

        // Idle and slow connections, kept open by the attacker.
        test::ConnectionAttacker attacker(central.port, idle, slow, "bench-k");
        std::this_thread::sleep_for(std::chrono::seconds(2));
        const double underConnections = measure();
        attacker.stop();

        // A sign-in flood from many threads (each a fresh connection per attempt).
        std::atomic<bool> stop{false};
        std::atomic<long> attempts{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < flood; ++t) {
            threads.emplace_back([&, t] {
                const std::string origin = "Origin: " + central.url + "\r\n";
                for (int i = 0; !stop; ++i) {
                    const std::string body = "username=user" + std::to_string(t) + "-" + std::to_string(i) + "&password=tebakan-salah";
                    const std::string req = "POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(central.port) + "\r\n" + origin +
                                            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + std::to_string(body.size()) +
                                            "\r\nConnection: close\r\n\r\n" + body;
                    const int fd = connectTo(central.port);
                    if (fd < 0) continue;
                    (void)send(fd, req.data(), req.size(), MSG_NOSIGNAL);
                    char buf[4096];
                    while (recv(fd, buf, sizeof buf, 0) > 0) {
                    }
                    close(fd);
                    ++attempts;
                }
            });
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        const auto f0 = std::chrono::steady_clock::now();
        const double underFlood = measure();
        const double floodSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - f0).count();
        stop = true;
        for (auto& t : threads) t.join();

        std::printf("skm-central under attack: %d syncs of 1,000 ratings (10 requests of 100) per condition, median\n", rounds);
        std::printf("%-58s %10s %10s %8s\n", "figure", "measured", "baseline", "ratio");
        std::printf("%-58s %8.1f ms %8.1f ms %7.2fx\n", "honest sync, nothing else", base, base, 1.0);
        std::printf("%-58s %8.1f ms %8.1f ms %7.2fx\n", (std::to_string(idle) + " idle + " + std::to_string(slow) + " slow connections beside it").c_str(),
                    underConnections, base, underConnections / base);
        std::printf("%-58s %8.1f ms %8.1f ms %7.2fx\n", (std::to_string(flood) + "-thread sign-in flood beside it").c_str(), underFlood, base,
                    underFlood / base);
        std::printf("sign-in attempts answered during the flood: %ld (%.0f/s; all but the first few refused by the throttle)\n", attempts.load(),
                    static_cast<double>(attempts.load()) / std::max(0.001, floodSeconds));
        if (const char* table = std::getenv("SKM_BENCH_TABLE")) {
            if (FILE* f = std::fopen(table, "a")) {
                std::fprintf(f, "central: sync beside %d idle + %d slow conns (ms)\t%.1f\t%.1f\t-\n", idle, slow, underConnections, base);
                std::fprintf(f, "central: sync beside a %d-thread sign-in flood (ms)\t%.1f\t%.1f\t-\n", flood, underFlood, base);
                std::fclose(f);
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "skm-bench-central-hostile: " << e.what() << '\n';
        status = 1;
    }
    std::error_code ec;
    fs::remove_all(work, ec);
    return status;
}
