// skm-sync: uploads the kiosk's pending ratings to the central office.
//
//   skm-sync --once [--data-dir DIR] [--deadline SECONDS] [--max-upload-rate BYTES_PER_S]
//   one run; exit 0 when nothing (ratings, surveys, sessions, cases, audit events) is left to send,
//   1 when something is, 2 for a usage error or a kiosk not provisioned, 3 when the kiosk's database
//   is damaged (left untouched for the kiosk to move aside and salvage; nothing sent)
//
//   skm-sync --service [--config FILE] [--data-dir DIR] [--interval-seconds N]
//   the intra-day sync: one run every [sync] interval_minutes (default 5) until SIGTERM or SIGINT

#include "http_sender.hpp"
#include "provisioning.hpp"
#include "service.hpp"
#include "uploader.hpp"

#include <kiosk/config/config.hpp>

#include <kiosk/store/rating_store.hpp>

#include <core/cli.hpp>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace {

std::atomic<bool> g_stop{false};

extern "C" void onStopSignal(int) { g_stop.store(true); } // lock-free: allowed in a handler

// --service: returns the exit status (0 after a stop by signal).
int runAsService(const std::string& configPath, const std::string& dataDir, int intervalSeconds)
{
    skm::sync::ServiceOptions o;
    o.intervalMs = 5 * 60'000LL;
    if (!configPath.empty()) {
        try {
            const auto loaded = skm::config::loadFile(configPath);
            for (const auto& w : loaded.warnings) spdlog::warn("{}", w);
            o.intervalMs = loaded.config.syncIntervalMinutes * 60'000LL;
        } catch (const std::exception& e) {
            std::cerr << "skm-sync: " << e.what() << '\n';
            return 2;
        }
    }
    if (intervalSeconds > 0) o.intervalMs = intervalSeconds * 1000LL;
    struct sigaction sa{};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    o.stop = &g_stop;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const int64_t runs = skm::sync::runService(dataDir, [](const skm::sync::HttpRequest& req) { return skm::sync::curlSend(req); }, o);
    curl_global_cleanup();
    spdlog::info("stopped after {} runs", runs);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    auto logger = spdlog::stderr_color_mt("skm-sync");
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
    spdlog::set_default_logger(logger);

    CLI::App app{"skm-sync: uploads the kiosk's pending ratings to the central office.\n"
                 "Exit status: 0 nothing left to send, 1 something left (or an error), 2 usage or not provisioned,\n"
                 "3 the kiosk's database is damaged: left untouched, nothing sent (restart the kiosk, which salvages it)."};
    bool once = false, service = false;
    std::string dataDir = "skm-data";
    auto* onceFlag = app.add_flag("--once", once, "run one sync and exit (0: nothing left to send)");
    auto* serviceFlag = app.add_flag("--service", service, "sync every [sync] interval_minutes until SIGTERM (the intra-day sync)");
    onceFlag->excludes(serviceFlag);
    std::string configPath;
    app.add_option("--config", configPath, "--service: the kiosk's configuration file ([sync] interval_minutes)")->needs(serviceFlag);
    int intervalSeconds = 0;
    app.add_option("--interval-seconds", intervalSeconds, "--service: the interval in seconds, over the configuration's (tests, benchmarks)")
        ->check(CLI::Range(1, 86400))
        ->needs(serviceFlag);
    app.add_option("--data-dir", dataDir, "the kiosk's data directory");
    int deadlineSeconds = 300;
    std::string keepBodies;
    app.add_option("--keep-bodies", keepBodies, "write each request body as sent to DIR/NNNNNN.gz (the sync benchmark's baseline)");
    app.add_option("--deadline", deadlineSeconds, "give up retrying after this many seconds (default 300)")->check(CLI::Range(1, 86400));
    int64_t maxRate = 0;
    app.add_option("--max-upload-rate", maxRate, "cap the upload at this many bytes per second (default: the provisioning's, else none)")
        ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
    if (const auto stop = skm::cli::parse(app, argc, argv, "skm-sync")) return *stop;
    if (!once && !service) {
        std::cerr << "skm-sync: say --once (one run) or --service (a run every interval); see --help\n";
        return 2;
    }
    if (service) return runAsService(configPath, dataDir, intervalSeconds);

    skm::sync::Provisioning p;
    try {
        p = skm::sync::readProvisioning(skm::sync::provisioningPath(dataDir));
    } catch (const std::exception& e) {
        std::cerr << "skm-sync: this kiosk is not provisioned (" << e.what() << "); run: skm-kiosk provision FILE --data-dir " << dataDir << '\n';
        return 2;
    }
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [" + p.deviceId + "] %v"); // every line names the device
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int status = 1;
    try {
        skm::sync::SyncOptions options;
        options.deadlineMs = deadlineSeconds * 1000LL;
        options.maxSendBytesPerSecond = maxRate;
        int bodyIndex = 0;
        if (!keepBodies.empty()) {
            std::filesystem::create_directories(keepBodies);
            options.onBody = [&](const std::string& body) {
                char name[32];
                std::snprintf(name, sizeof name, "%06d.gz", bodyIndex++);
                std::ofstream(std::filesystem::path(keepBodies) / name, std::ios::binary) << body;
            };
        }
        const auto r = skm::sync::syncDataDir(dataDir, p, [](const skm::sync::HttpRequest& req) { return skm::sync::curlSend(req); }, options);
        if (r.outcome.problem == skm::sync::Outcome::Problem::Damaged) {
            std::cerr << "skm-sync: nothing sent: " << r.error() << '\n';
            status = 3;
        } else {
            std::cout << "sent " << r.sent << ", rejected " << r.rejected << ", pending " << r.pendingLeft << ", " << r.requests << " requests, "
                      << r.bytesSent << " bytes; events sent " << r.eventsSent << ", rejected " << r.eventsRejected << ", pending " << r.eventsPendingLeft
                      << (r.ok() ? "" : std::string("; ") + r.outcome.kindName() + ": " + r.error()) << '\n';
            status = r.ok() ? 0 : 1;
        }
    } catch (const std::exception& e) {
        std::cerr << "skm-sync: " << e.what() << '\n';
    }
    curl_global_cleanup();
    return status;
}
