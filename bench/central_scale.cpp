// skm-bench-central-scale: many kiosks uploading at once to one or more skm-central replicas, with
// or without people reading report pages at the same time (bench/central_scale.sh runs it). Every
// upload is a real signed request of `--batch` new ratings from one of `--devices` devices (ids
// bench-0 .. bench-N-1, all registered with `--secret`), sent round-robin to the `--url`s by
// `--threads` senders; `--readers` threads fetch `--page` with `--cookie` meanwhile. Prints one JSON
// line: uploads, their latency p50/p99 (ms), ratings per second, report pages served and their p50.

#include <core/chain.hpp>
#include <core/cli.hpp>
#include <core/protocol.hpp>
#include <core/uuid.hpp>
#include <sync/http_sender.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t wallMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"skm-bench-central-scale: concurrent kiosk uploads (and report readers) against skm-central replicas."};
    std::vector<std::string> urls;
    std::string secret, page = "/report", cookie;
    int devices = 1000, uploads = 2000, batch = 50, threads = 16, readers = 0;
    int64_t firstSeq = 1'000'000; // above any chain position the preloaded data uses
    app.add_option("--url", urls, "a replica's URL (repeat for several)")->required();
    app.add_option("--secret", secret, "the devices' shared secret (hex)")->required();
    app.add_option("--devices", devices, "devices bench-0 .. bench-N-1");
    app.add_option("--uploads", uploads, "uploads in all");
    app.add_option("--batch", batch, "ratings per upload");
    app.add_option("--threads", threads, "concurrent senders");
    app.add_option("--readers", readers, "concurrent report readers");
    app.add_option("--page", page, "the report page the readers fetch");
    app.add_option("--cookie", cookie, "the readers' session cookie (skm_session=...)");
    app.add_option("--first-seq", firstSeq, "the chain position of the first uploaded rating per device");
    if (const auto stop = skm::cli::parse(app, argc, argv, "skm-bench-central-scale")) return *stop;

    std::atomic<int> next{0}, failed{0}, rejected{0};
    std::atomic<bool> sending{true};
    std::mutex mutex;
    std::vector<double> uploadMs, pageMs;
    std::vector<int64_t> seq(static_cast<size_t>(devices), firstSeq);
    std::vector<std::string> prev(static_cast<size_t>(devices), skm::store::kChainGenesis); // each device's chain, as a kiosk keeps it
    std::vector<std::mutex> deviceLocks(static_cast<size_t>(devices));

    auto sender = [&] {
        skm::store::UuidV7Generator gen;
        for (int n; (n = next++) < uploads;) {
            const int d = n % devices;
            const std::string device = "bench-" + std::to_string(d);
            // As a counter's kiosk sends them: nine in ten ratings close a case the officer logged 40 s
            // before (the case travels in the same upload, rated), one in ten is counter-level; a survey
            // response for one rating in twenty; a session record in one upload of ten.
            nlohmann::json ratings = nlohmann::json::array(), cases = nlohmann::json::array(), surveys = nlohmann::json::array(),
                           sessions = nlohmann::json::array();
            {
                std::lock_guard lock(deviceLocks[static_cast<size_t>(d)]);
                const int64_t t = wallMs();
                const std::string sessionId = "s-" + device;
                if (n % 10 == 0) {
                    sessions.push_back({{"id", gen.next(t).str()}, {"nip", "198001012005011000"}, {"counter", "Loket 1"}, {"boot_id", "bench"},
                                        {"started_wall_ms", t - 3'600'000}, {"started_mono_ms", 1}, {"state", "active"}, {"ended_wall_ms", nullptr},
                                        {"end_reason", nullptr}, {"events", nlohmann::json::array()}});
                }
                for (int i = 0; i < batch; ++i) {
                    const std::string id = gen.next(t).str();
                    const bool counterLevel = (n + i) % 10 == 0;
                    const std::optional<std::string> nip =
                        counterLevel ? std::nullopt : std::optional<std::string>("19800101200501" + std::to_string(1000 + (d * 5 + i % 5) % 500).substr(0, 4));
                    const std::optional<std::string> service = counterLevel ? std::nullopt : std::optional<std::string>(i % 3 == 0 ? "nib" : i % 3 == 1 ? "kk" : "ktp");
                    std::optional<std::string> caseId;
                    const int score = 1 + (n + i) % 4;
                    const int64_t when = t - (batch - i) * 1000;
                    if (!counterLevel) {
                        caseId = gen.next(when - 40'000).str();
                        cases.push_back({{"id", *caseId}, {"session_id", sessionId}, {"nip", *nip}, {"counter", "Loket 1"}, {"service_code", *service},
                                         {"ticket", nullptr}, {"boot_id", "bench"}, {"opened_wall_ms", when - 40'000}, {"opened_mono_ms", seq[d]},
                                         {"status", "rated"}, {"close_reason", nullptr}, {"rating_id", id}, {"closed_wall_ms", when}});
                    }
                    if ((n + i) % 20 == 0) {
                        nlohmann::json answers = nlohmann::json::object();
                        for (int u = 1; u <= 9; ++u) answers["U" + std::to_string(u)] = 1 + (n + i + u) % 4;
                        surveys.push_back({{"id", gen.next(when).str()}, {"survey_version", "bench"}, {"counter", "Loket 1"}, {"boot_id", "bench"},
                                           {"started_wall_ms", when}, {"started_mono_ms", seq[d]}, {"language", "id"},
                                           {"service_code", service ? nlohmann::json(*service) : nlohmann::json(nullptr)},
                                           {"officer_nip", nip ? nlohmann::json(*nip) : nlohmann::json(nullptr)},
                                           {"case_id", caseId ? nlohmann::json(*caseId) : nlohmann::json(nullptr)}, {"status", "complete"},
                                           {"finished_wall_ms", when + 90'000}, {"answers", answers}, {"profile", nlohmann::json::object()}});
                    }
                    std::string& p = prev[static_cast<size_t>(d)];
                    ratings.push_back({{"id", id}, {"score", score}, {"created_wall_ms", when}, {"created_mono_ms", seq[d]}, {"boot_id", "bench"},
                                       {"device_id", device}, {"counter", "Loket 1"}, {"officer_nip", nip ? nlohmann::json(*nip) : nlohmann::json(nullptr)},
                                       {"case_id", caseId ? nlohmann::json(*caseId) : nlohmann::json(nullptr)},
                                       {"service_code", service ? nlohmann::json(*service) : nlohmann::json(nullptr)}, {"reasons", nullptr},
                                       {"comment", nullptr}, {"suppressed", false}, {"language", "id"}, {"scope", counterLevel ? "counter" : "case"},
                                       {"chain_seq", seq[d]}, {"prev_hash", p}});
                    p = skm::store::chainHash(p, skm::store::ChainFields{id, score, when, seq[d], "bench", "Loket 1", nip, caseId, service, false, "id",
                                                                         counterLevel ? "counter" : "case"});
                    ++seq[d];
                }
            }
            const std::string body = skm::protocol::gzip(nlohmann::json{{"protocol", 1}, {"device_id", device}, {"ratings", ratings}, {"cases", cases},
                                                                        {"surveys", surveys}, {"sessions", sessions}}
                                                             .dump());
            const int64_t ts = wallMs() / 1000;
            const std::string nonce = skm::protocol::randomHex(16);
            skm::sync::HttpRequest req;
            req.url = urls[static_cast<size_t>(n) % urls.size()] + skm::protocol::kUploadPath;
            req.body = body;
            req.headers = {{"Content-Type", skm::protocol::kContentType}, {skm::protocol::kHeaderProtocol, "1"}, {skm::protocol::kHeaderDevice, device},
                           {skm::protocol::kHeaderTimestamp, std::to_string(ts)}, {skm::protocol::kHeaderNonce, nonce},
                           {skm::protocol::kHeaderSignature,
                            skm::protocol::sign(secret, skm::protocol::canonicalRequest("POST", skm::protocol::kUploadPath, ts, nonce, body))}};
            const auto start = Clock::now();
            const auto res = skm::sync::curlSend(req);
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            if (res.status != 200) {
                if (failed++ < 3) std::cerr << "upload answered " << res.status << ": " << res.body.substr(0, 200) << '\n';
                continue;
            }
            if (res.body.find("\"rejected\"") != std::string::npos && rejected++ < 3) std::cerr << "an upload had records rejected: " << res.body.substr(0, 400) << '\n';
            std::lock_guard lock(mutex);
            uploadMs.push_back(ms);
        }
    };
    auto reader = [&](int r) {
        while (sending) {
            skm::sync::HttpRequest req;
            req.method = "GET";
            req.url = urls[static_cast<size_t>(r) % urls.size()] + page;
            req.headers = {{"Cookie", cookie}};
            const auto start = Clock::now();
            const auto res = skm::sync::curlSend(req);
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            if (res.status != 200) {
                std::cerr << "report page answered " << res.status << '\n';
                return;
            }
            std::lock_guard lock(mutex);
            pageMs.push_back(ms);
        }
    };
    const auto start = Clock::now();
    std::vector<std::thread> readersRunning;
    for (int r = 0; r < readers; ++r) readersRunning.emplace_back(reader, r);
    std::vector<std::thread> senders;
    for (int t = 0; t < threads; ++t) senders.emplace_back(sender);
    for (auto& t : senders) t.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    sending = false;
    for (auto& t : readersRunning) t.join();
    nlohmann::json out = {{"uploads", uploadMs.size()},
                          {"failed", failed.load()},
                          {"with_rejected_records", rejected.load()},
                          {"p50_ms", percentile(uploadMs, 0.50)},
                          {"p99_ms", percentile(uploadMs, 0.99)},
                          {"ratings_per_s", seconds > 0 ? static_cast<double>(uploadMs.size()) * batch / seconds : 0},
                          {"pages", pageMs.size()},
                          {"page_p50_ms", percentile(pageMs, 0.50)}};
    std::cout << out.dump() << '\n';
    return failed > 0 ? 1 : 0;
}
