// skm-kiosk: the citizen-feedback kiosk, and its maintenance commands.
//
//   skm-kiosk [--config FILE] [--data-dir DIR] [--windowed WxH] [--screenshot FILE] [--screenshot-dir DIR]
//   skm-kiosk status [--json] [--data-dir DIR] [--config FILE]
//   skm-kiosk roster import FILE [--data-dir DIR] [--config FILE]
//   skm-kiosk export DIR [--data-dir DIR] [--config FILE]
//   skm-kiosk provision FILE [--data-dir DIR]
//   skm-kiosk hash-pin            (PIN on stdin)
//   skm-kiosk queue-key [--show] [--data-dir DIR] [--config FILE]
//   skm-kiosk maintenance start [--reason TEXT] [--by NAME] [--keep-after-reboot] [--data-dir DIR] [--config FILE]
//   skm-kiosk maintenance end [--by NAME] [--data-dir DIR] [--config FILE]
//   skm-kiosk maintenance check [--tty] [--data-dir DIR] [--config FILE]
//   skm-kiosk session check|needs [--data-dir DIR] [--config FILE]
//   skm-kiosk session run [--stop-timeout SECONDS] -- COMMAND...

#include "kiosk_window.hpp"
#include "maintenance_cli.hpp"
#include "queue_hook.hpp"
#include "roster_cli.hpp"
#include "status.hpp"

#include <kiosk/config/config.hpp>
#include <kiosk/session/session.hpp>
#include <kiosk/ui/background_sync.hpp>
#include <core/complaint_ref.hpp>
#include <core/clock.hpp>

#include <core/cli.hpp>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <regex>

namespace {

struct Args {
    std::string configFile;
    std::string dataDir;
    std::string windowed;
    std::string screenshot;
    std::string screenshotDir;
    std::string uiMap;
    std::string frameLog;
    std::string startupLog;
    std::string rosterFile;
    std::string exportDir;
    std::string provisionFile;
    bool renderContinuously = false;
    bool json = false;
    std::string maintenanceBy;
    std::string maintenanceReason;
    bool keepAfterReboot = false;
    bool showKey = false;
    bool tty = false;
    int stopTimeoutS = 20;
    std::vector<std::string> command;
};

// Loads the configuration file if one was named. Throws ConfigError.
skm::config::KioskConfig loadConfig(const Args& a)
{
    if (a.configFile.empty()) return {};
    skm::config::LoadResult r = skm::config::loadFile(a.configFile);
    for (const std::string& w : r.warnings) spdlog::warn("{}", w);
    return r.config;
}

} // namespace

int main(int argc, char** argv)
{
    const int64_t startedMonoNs = skm::app::monotonicNs();
    auto logger = spdlog::stderr_color_mt("skm-kiosk");
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
    spdlog::set_default_logger(logger);

    Args a;
    CLI::App app{"SKM Kiosk: the citizen-feedback kiosk for public-service counters.\n"
                 "With no arguments it runs on its embedded defaults, keeping data in ./skm-data."};
    app.set_version_flag("--version", std::string(SKM_VERSION));
    app.add_option("--config", a.configFile, "TOML configuration file (see config/skm-kiosk.example.toml)")->check(CLI::ExistingFile);
    app.add_option("--data-dir", a.dataDir, "data directory (default: store.data_dir, else ./skm-data)");
    app.add_option("--windowed", a.windowed, "run in a WxH window instead of full-screen, e.g. 1280x800");
    app.add_option("--screenshot", a.screenshot, "write a PNG of the first complete frame to FILE");
    app.add_option("--screenshot-dir", a.screenshotDir, "write a PNG of each screen, the first time it is shown, to DIR/SCREEN-WxH.png");
    app.add_option("--ui-map", a.uiMap, "keep FILE updated with the touch targets on screen (JSON; for window tests)");
    app.add_option("--frame-log", a.frameLog, "write each frame's duration in microseconds to FILE at exit (benchmarks)");
    app.add_option("--startup-log", a.startupLog, "write the start-up milestones (CLOCK_MONOTONIC ns) to FILE after the first frame (benchmarks)");
    app.add_flag("--render-continuously", a.renderContinuously, "draw every frame without waiting for input (the idle benchmark's baseline)");

    CLI::App* status = app.add_subcommand("status", "print the queue's counts and the store's health");
    status->add_flag("--json", a.json, "one JSON object on stdout");
    status->add_option("--data-dir", a.dataDir, "data directory");
    status->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);

    CLI::App* rosterCmd = app.add_subcommand("roster", "the officers, services and reasons this kiosk knows");
    rosterCmd->require_subcommand(1);
    CLI::App* rosterImport = rosterCmd->add_subcommand("import", "validate a roster file whole and make it the roster in force");
    rosterImport->add_option("FILE", a.rosterFile, "roster TOML file (see config/demo-roster.toml)")->required();
    rosterImport->add_option("--data-dir", a.dataDir, "data directory");
    rosterImport->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);
    CLI::App* exportCmd = app.add_subcommand("export", "write everything unsent (ratings, surveys, cases, officer sessions, audit events) to a "
                                                       "file in DIR (a USB stick), signed with the device's secret, for skm-central import; "
                                                       "marks nothing as sent");
    exportCmd->add_option("DIR", a.exportDir, "directory to write skm-export-DEVICE-TIME.jsonl into")->required();
    exportCmd->add_option("--data-dir", a.dataDir, "data directory");
    exportCmd->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);
    CLI::App* provisionCmd = app.add_subcommand("provision", "install the provisioning file of skm-central device add (central URL, device id, secret)");
    provisionCmd->add_option("FILE", a.provisionFile, "provisioning file")->required();
    provisionCmd->add_option("--data-dir", a.dataDir, "data directory");
    provisionCmd->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);
    std::string ratingId;
    CLI::App* complaintRefCmd = app.add_subcommand("complaint-ref", "print the complaint reference code (SKM-XXXX-XXXX) the thanks screen shows for "
                                                                    "rating ID after a complaint reason (docs/complaints.md); reads nothing");
    complaintRefCmd->add_option("ID", ratingId, "the rating's id (a UUID, as in the ratings table)")->required();
    CLI::App* hashPin = app.add_subcommand("hash-pin", "read a PIN (4-8 digits) on stdin, print its Argon2id hash for a roster or config file");
    CLI::App* queueKey = app.add_subcommand("queue-key", "make the key the queue system signs its calls with (DATA_DIR/queue.key, or "
                                                          "[queue] key_file; mode 0600) and print it for the queue system's side "
                                                          "(docs/queue-integration.md)");
    queueKey->add_flag("--show", a.showKey, "print the key in force instead of making a new one");
    queueKey->add_option("--data-dir", a.dataDir, "data directory");
    queueKey->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);
    CLI::App* maintenanceCmd = app.add_subcommand("maintenance", "keep skm-kiosk.service from starting the kiosk while a technician works on it "
                                                                 "(\"Keluar dari kiosk\" on the admin screen sets it too)");
    maintenanceCmd->require_subcommand(1);
    CLI::App* maintenanceStart = maintenanceCmd->add_subcommand("start", "set maintenance (DATA_DIR/maintenance): the unit stops starting the kiosk until "
                                                                         "`maintenance end` or, unless --keep-after-reboot, the next reboot");
    maintenanceStart->add_option("--reason", a.maintenanceReason, "why, for the audit trail and the screen")
        ->check([](const std::string& r) { return r.size() > 500 ? std::string("at most 500 characters") : std::string(); });
    maintenanceStart->add_option("--by", a.maintenanceBy, "who (default: $SUDO_USER, else the user running the command)");
    maintenanceStart->add_flag("--keep-after-reboot", a.keepAfterReboot, "stay in force across reboots too, until `maintenance end`");
    maintenanceStart->add_option("--data-dir", a.dataDir, "data directory");
    maintenanceStart->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);
    CLI::App* maintenanceEnd = maintenanceCmd->add_subcommand("end", "end maintenance (audited); then `systemctl start skm-kiosk` starts the kiosk");
    maintenanceEnd->add_option("--by", a.maintenanceBy, "who (default: $SUDO_USER, else the user running the command)");
    maintenanceEnd->add_option("--data-dir", a.dataDir, "data directory");
    maintenanceEnd->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);
    CLI::App* maintenanceCheck = maintenanceCmd->add_subcommand("check", "exit 1 if maintenance holds the kiosk, 0 if it may start "
                                                                         "(skm-kiosk.service's ExecCondition); reads only");
    maintenanceCheck->add_flag("--tty", a.tty, "also write the notice to the terminal on standard input (in the unit: tty1, the kiosk's screen)");
    maintenanceCheck->add_option("--data-dir", a.dataDir, "data directory");
    maintenanceCheck->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);

    CLI::App* sessionCmd = app.add_subcommand("session", "what skm-kiosk.service needs to show the citizen's screen, and its start and stop "
                                                         "(docs/operations.md)");
    sessionCmd->require_subcommand(1);
    CLI::App* sessionCheck = sessionCmd->add_subcommand("check", "the unit's ExecStartPre: back off after starts that did not show the screen, "
                                                                 "then exit 1 with one line naming any missing piece (cage, XWayland, OpenGL, font)");
    sessionCheck->add_option("--data-dir", a.dataDir, "data directory");
    sessionCheck->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);
    CLI::App* sessionNeeds = sessionCmd->add_subcommand("needs", "list what the screen needs: PACKAGE, PRESENT (yes/no), FILE, WHAT (tab-separated)");
    sessionNeeds->add_option("--config", a.configFile, "TOML configuration file")->check(CLI::ExistingFile);
    CLI::App* sessionRun = sessionCmd->add_subcommand("run", "the unit's main process: run COMMAND (cage with the kiosk), pass the kiosk's "
                                                             "READY=1 and watchdog pings on to systemd, and on SIGTERM stop the kiosk before cage");
    sessionRun->add_option("--stop-timeout", a.stopTimeoutS, "seconds to wait for the kiosk and cage to stop before signalling cage (default 20)")
        ->check(CLI::Range(1, 600));
    sessionRun->add_option("COMMAND", a.command, "the command and its arguments, after --")->required();

    if (const auto stop = skm::cli::parse(app, argc, argv, "skm-kiosk")) return *stop;
    if (*sessionRun) return skm::session::runSession(a.command, int64_t{a.stopTimeoutS} * 1000);
    if (*complaintRefCmd) {
        std::cout << skm::complaint::referenceFor(ratingId) << '\n';
        return 0;
    }

    skm::app::RunOptions run;
    try {
        run.config = loadConfig(a);
    } catch (const skm::config::ConfigError& e) {
        std::cerr << "skm-kiosk: configuration error: " << e.what() << '\n';
        return skm::cli::kUsageError;
    }
    run.dataDir = a.dataDir.empty() ? run.config.dataDir : a.dataDir;

    if (*status) return skm::app::runStatus(run.dataDir, a.json);
    if (*sessionCheck || *sessionNeeds) {
        skm::session::NeedsOptions needs;
        needs.font = run.config.font;
        if (*sessionNeeds) {
            bool all = true;
            for (const auto& n : skm::session::displayNeeds(needs)) {
                std::cout << n.package << '\t' << (n.present ? "yes" : "no") << '\t' << n.found.string() << '\t' << n.what << '\n';
                all = all && n.present;
            }
            return all ? 0 : 1;
        }
        skm::session::CheckOptions check;
        check.dataDir = run.dataDir;
        check.bootId = skm::store::bootId();
        check.needs = needs;
        return skm::session::runCheck(check);
    }
    if (*rosterImport) return skm::app::runRosterImport(run.dataDir, a.rosterFile, run.config.counter, run.config.deviceId);
    if (*hashPin) return skm::app::runHashPin();
    if (*queueKey) {
        const std::filesystem::path path = skm::app::queueKeyPath(run.config, run.dataDir);
        try {
            if (a.showKey) {
                std::cout << skm::queue::readKeyFile(path.string()) << '\n';
                return 0;
            }
            std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path());
            const std::string key = skm::queue::writeNewKeyFile(path.string());
            std::cout << key << '\n';
            std::cerr << "skm-kiosk: a new queue key is in " << path.string() << " (mode 0600); give the line above to the queue system,\n"
                         "restart the kiosk to use it. A key made before no longer signs anything.\n";
            return 0;
        } catch (const std::exception& e) {
            std::cerr << "skm-kiosk: " << e.what() << '\n';
            return 1;
        }
    }
    if (*provisionCmd) return skm::app::runProvision(run.dataDir, a.provisionFile);
    if (*exportCmd) return skm::app::runExport(run.dataDir, a.exportDir, run.config.counter, run.config.deviceId);
    if (*maintenanceCheck) return skm::app::runMaintenanceCheck(run.dataDir, a.tty);
    if (*maintenanceStart) {
        return skm::app::runMaintenanceStart(run.dataDir, a.maintenanceBy.empty() ? skm::app::shellUser() : a.maintenanceBy, a.maintenanceReason,
                                             a.keepAfterReboot, run.config.counter, run.config.deviceId);
    }
    if (*maintenanceEnd) {
        return skm::app::runMaintenanceEnd(run.dataDir, a.maintenanceBy.empty() ? skm::app::shellUser() : a.maintenanceBy, run.config.counter,
                                           run.config.deviceId);
    }

    if (!a.windowed.empty()) {
        std::smatch m;
        if (!std::regex_match(a.windowed, m, std::regex(R"((\d{3,5})x(\d{3,5}))"))) {
            std::cerr << "skm-kiosk: --windowed takes WIDTHxHEIGHT, e.g. 1280x800 (got '" << a.windowed << "')\n";
            return skm::cli::kUsageError;
        }
        run.config.fullscreen = false;
        run.config.width = std::stoi(m[1]);
        run.config.height = std::stoi(m[2]);
    }
    if (!a.screenshot.empty()) run.screenshot = a.screenshot;
    if (!a.screenshotDir.empty()) run.screenshotDir = a.screenshotDir;
    if (!a.uiMap.empty()) run.uiMap = a.uiMap;
    if (!a.frameLog.empty()) run.frameLog = a.frameLog;
    if (!a.startupLog.empty()) run.startupLog = a.startupLog;
    run.startedMonoNs = startedMonoNs;
    run.renderContinuously = a.renderContinuously;

    spdlog::info("skm-kiosk {} starting; effective configuration{}:", SKM_VERSION, a.configFile.empty() ? " (embedded defaults)" : " from " + a.configFile);
    for (const std::string& line : skm::config::describe(run.config)) spdlog::info("  {}", line);
    spdlog::info("  data dir: {}", run.dataDir.string());
    curl_global_init(CURL_GLOBAL_DEFAULT); // before any thread: "sync now" uses libcurl on a worker
    const int exitStatus = skm::app::runKiosk(run);
    if (skm::ui::BackgroundSync::abandonedAny()) {
        // A "Sync now" run cancelled at the stop did not end in time and still runs: neither libcurl's
        // global state nor the loggers may be torn down under it.
        spdlog::default_logger()->flush();
        std::fflush(nullptr);
        std::_Exit(exitStatus);
    }
    curl_global_cleanup();
    return exitStatus;
}
