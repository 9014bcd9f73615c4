#include "kiosk_window.hpp"

#include "frame_loop.hpp"
#include "gl_images.hpp"
#include "notices.hpp"
#include "queue_hook.hpp"
#include "run_context.hpp"
#include "sync_now.hpp"
#include "watchdog.hpp"
#include "window.hpp"

#include <core/catalog.hpp>
#include <core/phone_link.hpp>
#include <kiosk/maintenance/maintenance.hpp>
#include <kiosk/roster/auth.hpp>
#include <kiosk/roster/duty.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/store/instance_lock.hpp>
#include <kiosk/store/rating_store.hpp>
#include <kiosk/ui/controller.hpp>
#include <kiosk/ui/images.hpp>
#include <kiosk/voice/alsa_sink.hpp>
#include <kiosk/voice/speaker.hpp>
#include <kiosk/voice/wav_sink.hpp>
#include <sync/provisioning.hpp>

#include <spdlog/spdlog.h>

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <thread>

namespace fs = std::filesystem;

namespace skm::app {

namespace {

// Signals are taken by one thread with sigwait(), which then sets `stop` and wakes the UI thread
// through GLFW's thread-safe glfwPostEmptyEvent(): no GLFW call from a signal handler.
class SignalWatcher {
public:
    explicit SignalWatcher(std::atomic<bool>& stop)
    {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGINT);
        sigaddset(&m_set, SIGTERM);
        sigaddset(&m_set, SIGUSR1); // used only to end this watcher
        pthread_sigmask(SIG_BLOCK, &m_set, nullptr);
        m_thread = std::thread([this, &stop] {
            int sig = 0;
            sigwait(&m_set, &sig);
            if (sig != SIGUSR1) spdlog::info("signal {} received, stopping", sig);
            stop = true;
            KioskWindow::wakeFromAnyThread();
        });
    }
    ~SignalWatcher()
    {
        pthread_kill(m_thread.native_handle(), SIGUSR1);
        m_thread.join();
    }
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

private:
    sigset_t m_set{};
    std::thread m_thread;
};

// What the opening of the store found: a migration, a quarantine and its salvage, in the journal.
void logOpenReport(const store::RatingStore& st, const std::string& deviceId)
{
    const store::OpenReport& rep = st.openReport();
    spdlog::info("device {}: store {} at schema {} (found {})", deviceId, st.dbPath().string(), rep.schemaVersion, rep.schemaFrom);
    if (!rep.quarantinedTo) return;
    spdlog::error("device {}: the database was corrupt ({}); it was moved to {} and a fresh one was created", deviceId, rep.quarantineReason,
                  rep.quarantinedTo->string());
    if (!rep.salvageError.empty()) {
        spdlog::error("device {}: nothing could be salvaged: {}", deviceId, rep.salvageError);
        return;
    }
    int64_t rows = 0;
    for (const auto& kv : rep.salvagedRows) rows += kv.second;
    spdlog::warn("device {}: salvaged {} ratings ({} rows in all) from the corrupt file, queued for upload; {} unreadable place(s) skipped", deviceId,
                 rep.salvagedRatings, rows, rep.unreadableRanges);
}

// Maintenance (kiosk/maintenance/): a marker of an earlier boot ended with that boot and is cleared
// here (audited). One in force means this kiosk was not started by skm-kiosk.service, whose
// ExecCondition skips the start: started by hand, it runs, and says so.
void settleMaintenance(store::RatingStore& st, const fs::path& dataDir)
{
    const maintenance::Settled m = maintenance::settleAtStart(st, dataDir);
    const auto& marker = m.found.marker;
    if (m.found.state == maintenance::State::InForce) {
        spdlog::warn("maintenance is set in {} (since {} by {}): skm-kiosk.service does not start the kiosk until "
                     "`skm-kiosk maintenance end`; this kiosk was started by hand and runs anyway",
                     maintenance::markerPath(dataDir).string(), marker->since, marker->by);
    } else if (m.found.state == maintenance::State::EndedByReboot) {
        spdlog::info("the maintenance set {} by {} ended with the reboot{}", marker->since, marker->by, m.removed ? "; marker cleared" : "");
    } else if (m.found.state == maintenance::State::Unreadable) {
        spdlog::warn("an unreadable maintenance marker does not hold the kiosk ({}){}", m.found.problem, m.removed ? "; removed" : "");
    }
    if (!m.error.empty()) spdlog::error("maintenance marker: {}", m.error);
}

// The translation catalogues; nullopt after a critical line.
std::optional<config::Catalog> loadCatalog(const config::KioskConfig& cfg)
{
    try {
        const fs::path assets = config::findAssetsDir(cfg.assetsDir);
        config::Catalog catalog = config::Catalog::load(assets);
        // A translator's English file that lacks a key falls back to Indonesian; say so once.
        for (const std::string& key : catalog.missing(config::Lang::En, catalog.keys(config::Lang::Id))) {
            spdlog::warn("translation catalogue en: key '{}' is missing; Indonesian is shown", key);
        }
        spdlog::info("translation catalogues from {}", assets.string());
        return catalog;
    } catch (const config::ConfigError& e) {
        spdlog::critical("translation catalogue: {}", e.what());
        return std::nullopt;
    }
}

// The officer's desk (sign-in and duty), or nulls when it cannot be had (logged): the kiosk still rates.
struct OfficerDesk {
    std::unique_ptr<roster::Authenticator> auth;
    std::unique_ptr<roster::Duty> duty;
};

OfficerDesk openOfficerDesk(store::RatingStore& st, const config::KioskConfig& cfg)
{
    OfficerDesk desk;
    try {
        roster::DutyPolicy policy;
        policy.caseExpiryMs = cfg.caseExpiryMinutes * 60'000LL;
        policy.sessionIdleMs = cfg.sessionIdleMinutes * 60'000LL;
        policy.endOfDayMinutes = cfg.endOfDay.empty() ? -1 : config::endOfDayMinutes(cfg.endOfDay);
        policy.sessionRatings = cfg.sessionRatings;
        desk.auth = std::make_unique<roster::Authenticator>(st);
        desk.duty = std::make_unique<roster::Duty>(st, cfg.counter, policy);
    } catch (const std::exception& e) {
        spdlog::error("the officer's desk is unavailable: {}", e.what());
        desk = {};
    }
    return desk;
}

// The voice ([voice], docs/voice.md): espeak-ng on its own thread into the sound device, or into WAV
// files when wav_dir is set; null when off. A missing sound device is a warning when it is first
// used, never a reason not to run.
std::unique_ptr<voice::Speaker> openVoice(const config::KioskConfig& cfg)
{
    if (!cfg.voiceEnabled) return nullptr;
    std::unique_ptr<voice::AudioSink> sink;
    if (!cfg.voiceWavDir.empty()) sink = std::make_unique<voice::WavDirSink>(cfg.voiceWavDir);
    else sink = std::make_unique<voice::AlsaSink>(cfg.voiceDevice);
    spdlog::info("voice: on request, into {}, volume {}, {} words a minute", sink->describe(), cfg.voiceVolume, cfg.voiceRate);
    return std::make_unique<voice::Speaker>(std::move(sink), voice::VoiceSettings{cfg.voiceVolume, cfg.voiceRate});
}

} // namespace

int64_t monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int runKiosk(const RunOptions& o)
{
    // Start-up milestones for --startup-log (bench/startup_bench): name and CLOCK_MONOTONIC ns.
    Milestones milestones{{"main", o.startedMonoNs}};
    const config::KioskConfig& cfg = o.config;
    ui::FontPaths fonts;
    try {
        fonts = ui::findFonts(cfg.font, cfg.fontBold);
    } catch (const ui::FontError& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }

    // Everything below is declared in the order it is needed and destroyed in the reverse: whatever
    // another object keeps a reference to (the store, the desk, the survey source, the images, the
    // window) is declared before it and so outlives it.
    store::StoreOptions so;
    so.dataDir = o.dataDir;
    so.counter = cfg.counter;
    so.busyTimeoutMs = cfg.busyTimeoutMs;
    std::unique_ptr<store::InstanceLock> lock;
    try {
        lock = std::make_unique<store::InstanceLock>(o.dataDir);
        so.instanceLock = lock.get(); // the kiosk alone may move a damaged database aside and salvage it
        so.deviceId = cfg.deviceId.empty() ? store::loadOrCreateDeviceId(o.dataDir) : cfg.deviceId;
        // From here on every line names the device (the journal of a fleet is read by device).
        spdlog::default_logger()->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [" + so.deviceId + "] %v");
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        return 1;
    }
    // The store. If it cannot be opened the kiosk says so on the screen and tries again (notices.hpp).
    std::unique_ptr<store::RatingStore> st;
    std::string storeError;
    auto openStore = [&]() -> bool {
        try {
            st = std::make_unique<store::RatingStore>(so);
            return true;
        } catch (const std::exception& e) {
            storeError = e.what();
            return false;
        }
    };
    if (!openStore()) spdlog::critical("cannot open the store: {}; the screen says so and it is tried again every {} s", storeError, kStoreRetrySeconds);
    milestones.emplace_back("store_open", monotonicNs());
    const std::optional<config::Catalog> catalog = loadCatalog(cfg);
    if (!catalog) return 2;
    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
        spdlog::critical("no display: DISPLAY and WAYLAND_DISPLAY are unset. Run the kiosk under a display server "
                         "(cage on the device), or use install/run.sh, which starts Xvfb when there is none.");
        return 1;
    }

    std::atomic<bool> stop{false};
    SignalWatcher signals(stop);
    const std::unique_ptr<KioskWindow> window = KioskWindow::open(cfg, fonts);
    if (!window) return 1;
    milestones.emplace_back("window", monotonicNs());
    Watchdog watchdog;
    RunContext run{*window, watchdog, o, stop, so.deviceId};

    if (!st && !waitForStore(run, *catalog, openStore, storeError)) {
        watchdog.stopping();
        spdlog::info("device {}: kiosk stopped (out of service)", so.deviceId);
        return 0;
    }
    logOpenReport(*st, so.deviceId);
    settleMaintenance(*st, o.dataDir);

    const store::Clock& clock = store::SystemClock::instance();
    // The survey definition: the central office's (DATA_DIR/survey.toml, delivered by sync) when there
    // is one that parses, else the built-in one; a new file is picked up at the next questionnaire.
    config::SurveySource surveySource(o.dataDir / "survey.toml");
    (void)surveySource.current();
    if (!surveySource.error().empty()) spdlog::error("survey definition refused, using the built-in one: {}", surveySource.error());
    spdlog::info("survey definition {} ({})", surveySource.current().version, surveySource.origin());
    const OfficerDesk desk = openOfficerDesk(*st, cfg);
    // Officers' photos (DATA_DIR/photos, delivered with the roster), drawn from GL textures, which go
    // before the window's GL context does.
    GlImages images;
    ui::setImageSource(&images);
    struct ImageSourceReset {
        ~ImageSourceReset() { ui::setImageSource(nullptr); }
    } imageSourceReset;

    // (Before the controller, which calls it: it outlives the controller.)
    const std::unique_ptr<voice::Speaker> speaker = openVoice(cfg);
    ui::Controller controller(*st, ui::UiSettings::from(cfg), clock, *catalog);
    controller.setSurveySource(&surveySource);
    if (speaker) {
        controller.setVoice([s = speaker.get()](const ui::Speech& speech) { s->say({speech.text, speech.lang == config::Lang::En ? "en" : "id"}); },
                            [s = speaker.get()] { s->stop(); });
    }
    // The IKM line the central office publishes (DATA_DIR/ikm-line.toml, delivered by sync): shown on the
    // attract screen while there is one.
    config::PublishedIkmSource ikmLine(o.dataDir / "ikm-line.toml");
    controller.setPublishedIkmSource(&ikmLine);
    if (desk.auth && desk.duty) controller.attachOfficerDesk(*desk.auth, *desk.duty);
    // "Sync now" on the admin screen: skm-sync's own run on the controller's worker thread, with a store
    // connection of its own (sync_now.hpp); a wake-up (thread-safe) when it ends. The provisioning is
    // read at each run: a kiosk provisioned while running syncs without a restart.
    controller.setSyncRunner(syncNowRunner(o.dataDir), [] { KioskWindow::wakeFromAnyThread(); });
    // "Export to USB" signs with the provisioning's key, read when the technician asks (a kiosk
    // provisioned while running exports without a restart).
    controller.setExportKey([dataDir = o.dataDir] {
        const sync::Provisioning p = sync::readProvisioning(sync::provisioningPath(dataDir));
        return store::ExportKey{p.deviceId, p.secret};
    });
    // The thanks screen's QR code: a one-time link to the central office's phone questionnaire, made
    // here offline and signed with the provisioning's secret (read at each rating: a kiosk provisioned
    // while running shows it without a restart). Not provisioned, or [phone] survey_qr = false: none.
    if (cfg.phoneSurveyQr) {
        ui::CitizenFlow::PhoneLinkMaker make = [dataDir = o.dataDir, &cfg, &clock, counter = cfg.counter](const ui::CitizenFlow::PhoneLinkFor& r) -> std::string {
            try {
                const std::filesystem::path path = sync::provisioningPath(dataDir);
                if (!std::filesystem::exists(path)) return {};
                const sync::Provisioning p = sync::readProvisioning(path);
                phone::Link link;
                link.kind = r.caseId ? phone::Kind::Case : phone::Kind::Rating;
                link.ref = r.caseId.value_or(r.ratingId); // one response per case (or per rating without one)
                link.caseId = r.caseId.value_or("");
                link.nip = r.nip.value_or("");
                link.serviceCode = r.serviceCode.value_or("");
                link.counter = counter;
                link.deviceId = p.deviceId;
                link.expiresS = clock.wallMs() / 1000 + cfg.phoneLinkHours * 3600LL;
                std::string base = cfg.phoneBaseUrl.empty() ? p.centralUrl : cfg.phoneBaseUrl;
                while (!base.empty() && base.back() == '/') base.pop_back();
                return base + "/m/" + phone::encode(link, p.secret);
            } catch (const std::exception& e) {
                spdlog::warn("no phone questionnaire link: {}", e.what());
                return {};
            }
        };
        // The attract screen's code while a case is open: the same link as the thanks screen's after
        // that case's rating (its ref is the case's id), so the citizen answers once either way.
        if (cfg.phoneAttractQr) {
            controller.setCaseLinkMaker([make](const roster::CaseInfo& c) {
                return make(ui::CitizenFlow::PhoneLinkFor{c.id, c.id, c.nip, c.serviceCode});
            });
        }
        controller.setPhoneLinkMaker(std::move(make));
    }
    controller.setPhotoLocator([dataDir = o.dataDir](const roster::Officer& officer) {
        const auto path = roster::photoPath(dataDir, officer);
        return path ? path->string() : std::string();
    });

    // The queue system opens the case ([queue]): its calls wait in a mailbox the frame loop drains.
    const std::unique_ptr<QueueHook> queueHook = QueueHook::open(cfg, o.dataDir, *st, desk.duty.get());
    if (queueHook) controller.setDutyFeed([hook = queueHook.get()] { return hook->drain(); });
    struct DutyFeedReset {
        ui::Controller& controller;
        ~DutyFeedReset() { controller.setDutyFeed({}); }
    } dutyFeedReset{controller};

    const auto [width, height] = window->size();
    spdlog::info("device {}: kiosk running ({}x{}{})", so.deviceId, width, height, window->fullscreen() ? ", full-screen" : "");
    const FrameLoopEnd end = runFrameLoop(run, controller, clock, milestones);
    if (end.leftForMaintenance) leaveForMaintenance(run, *catalog, clock);
    watchdog.stopping();
    spdlog::info("device {}: kiosk stopped", so.deviceId);
    return end.exitCode;
}

} // namespace skm::app
