#include "technician_panel.hpp"

#include "screens/common.hpp"

#include <core/ikm.hpp>
#include <kiosk/store/export.hpp>
#include <kiosk/store/record_json.hpp>
#include <kiosk/store/survey_store.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <sys/statvfs.h>

namespace skm::ui {

std::string syncProblemKey(const std::string& problemName)
{
    static const std::pair<const char*, const char*> keys[] = {
        {"network", "admin.problem_network"}, {"tls", "admin.problem_tls"}, {"refused", "admin.problem_refused"}, {"busy", "admin.problem_busy"}};
    for (const auto& [name, key] : keys) {
        if (problemName == name) return key;
    }
    return "admin.problem_other";
}

TechnicianPanel::TechnicianPanel(FlowContext ctx, AdminView& view) : m_ctx(ctx), m_view(view) {}

void TechnicianPanel::open()
{
    m_view.screenTest = 0;
    m_view.message = {};
    refresh();
}

bool TechnicianPanel::drainBackground()
{
    const std::optional<SyncSummary> result = m_sync.take();
    if (!result) return false;
    const SyncSummary& r = *result;
    const Snapshot& s = m_ctx.shared;
    const config::Lang lang = config::Lang::Id;
    if (r.notProvisioned) {
        say("admin.sync_unavailable", true);
    } else if (r.storeDamaged) {
        // The sync's own connection found the file damaged and left it: this kiosk salvages it when it
        // starts again (store::StoreDamaged). The journal gets the whole reason.
        spdlog::error("sync now: {}", r.error);
        say("admin.sync_damaged", true);
    } else if (r.ok) {
        m_view.message = {"admin.sync_done",
                          s.catalog->format(lang, "admin.sync_done",
                                            {{"sent", config::formatCount(r.sent, lang)},
                                             {"rejected", config::formatCount(r.rejected, lang)},
                                             {"left", config::formatCount(r.pendingLeft, lang)}}),
                          false};
    } else {
        const std::string problem = s.catalog->text(lang, r.problemKey.empty() ? "admin.problem_other" : r.problemKey);
        m_view.message = {"admin.sync_failed",
                          s.catalog->format(lang, "admin.sync_failed", {{"problem", problem}, {"detail", r.error}, {"left", config::formatCount(r.pendingLeft, lang)}}),
                          true};
    }
    if (s.screen == ScreenId::Admin) refresh();
    return true;
}

TechnicianPanel::IkmLines TechnicianPanel::counterIkmLines()
{
    // This counter's IKM (9 unsur) over the current calendar month (local time), from its complete
    // responses, weighed as the office's survey definition says; the sample size is Krejcie-Morgan's
    // for the cases logged at the counter in the month, against the complete responses.
    const Snapshot& s = m_ctx.shared;
    const time_t now = static_cast<time_t>(m_ctx.clock.wallMs() / 1000);
    tm t{};
    localtime_r(&now, &t);
    t.tm_mday = 1;
    t.tm_hour = t.tm_min = t.tm_sec = 0;
    t.tm_isdst = -1;
    const int64_t from = static_cast<int64_t>(mktime(&t)) * 1000;
    t.tm_mon += 1;
    t.tm_isdst = -1;
    const int64_t to = static_cast<int64_t>(mktime(&t)) * 1000;
    try {
        const store::CounterSurveyTally tally = store::counterSurveyTally(m_ctx.store.database(), m_ctx.settings.counter, from, to);
        std::array<ikm::Tally, ikm::kUnsurCount> unsur{};
        for (size_t i = 0; i < unsur.size(); ++i) unsur[i] = {tally.unsur[i].first, tally.unsur[i].second};
        const ikm::Weighting weighting = m_survey ? m_survey->current().weighting : config::defaultSurvey().weighting;
        const ikm::Result r = ikm::compute(unsur, weighting);
        const config::Lang lang = s.lang;
        const int64_t sample = ikm::sampleSize(tally.casesLogged);
        // No services logged is not "enough": there is nothing to judge the sample by.
        const std::string sampleLine =
            tally.casesLogged == 0 ? s.t("admin.sample_no_data")
                                   : s.catalog->format(lang, "admin.sample_value",
                                                             {{"sample", config::formatCount(sample, lang)},
                                                              {"cases", config::formatCount(tally.casesLogged, lang)},
                                                              {"n", config::formatCount(tally.complete, lang)},
                                                              {"enough", s.t(tally.complete >= sample ? "admin.sample_enough" : "admin.sample_short")}});
        if (!r.converted) return {s.t("admin.ikm_none"), s.t("admin.ikm_none"), sampleLine};
        // The weakest and the strongest unsur, with their NRR as the reports print it (4 decimals).
        size_t low = ikm::kUnsurCount, high = ikm::kUnsurCount;
        for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
            if (!r.nrr[i]) continue;
            if (low == ikm::kUnsurCount || *r.nrr[i] < *r.nrr[low]) low = i;
            if (high == ikm::kUnsurCount || *r.nrr[i] > *r.nrr[high]) high = i;
        }
        const std::string nrrLine = s.catalog->format(lang, "admin.nrr_value",
                                                      {{"low", "U" + std::to_string(low + 1)},
                                                       {"low_nrr", config::formatNumber(*r.nrr[low], ikm::kNrrDecimals, lang)},
                                                       {"high", "U" + std::to_string(high + 1)},
                                                       {"high_nrr", config::formatNumber(*r.nrr[high], ikm::kNrrDecimals, lang)}});
        return {s.catalog->format(lang, "admin.ikm_value",
                                  {{"score", config::formatNumber(*r.converted, 2, lang)},
                                   {"mutu", std::string(1, ikm::mutuLetter(*r.mutu))},
                                   {"weight", ikm::weightLabel(weighting, r.unsurUsed)},
                                   {"n", config::formatCount(tally.complete, lang)}}),
                nrrLine, sampleLine};
    } catch (const std::exception& e) {
        return {std::string("? ") + e.what(), "?", "?"};
    }
}

void TechnicianPanel::refresh()
{
    const Snapshot& s = m_ctx.shared;
    auto& L = m_view.lines;
    L.clear();
    const std::filesystem::path dataDir = m_ctx.store.dbPath().parent_path();
    const store::StoreStatus st = store::readStatus(dataDir, m_ctx.store.dbPath().filename().string());
    const config::Lang lang = s.lang;
    auto t = [&](const char* key) { return s.t(key); };
    auto line = [&](const char* key, std::string value) { L.push_back({key, s.t(key), std::move(value)}); };
    auto n = [&](int64_t v) { return config::formatCount(v, lang); };
    line("admin.device", m_ctx.store.deviceId());
    line("admin.counter", m_ctx.settings.counter);
    line("admin.version", m_ctx.settings.version + " / " + std::to_string(st.schemaVersion));
    line("admin.ratings", n(st.counts.total) + " / " + n(st.counts.pending) + " / " + n(st.counts.sent) + " / " + n(st.counts.rejected) + " / " +
                              n(st.counts.suppressed));
    std::string lastSync = t("admin.never");
    if (!st.lastSyncJson.empty()) {
        const nlohmann::json j = nlohmann::json::parse(st.lastSyncJson, nullptr, false);
        if (j.is_object()) {
            lastSync = store::isoUtc(j.value("at_ms", int64_t{0})).substr(0, 16) + " UTC  " + (j.value("ok", false) || j.value("problem", "") == "none" ? "OK" : "!") + "  " +
                       n(j.value("sent", 0)) + "/" + n(j.value("rejected", 0)) + "/" + n(j.value("pending_left", 0));
        }
    }
    line("admin.last_sync", lastSync);
    std::string syncError, syncProblem, config = "-";
    if (const nlohmann::json j = nlohmann::json::parse(st.lastSyncJson.empty() ? "{}" : st.lastSyncJson, nullptr, false); j.is_object()) {
        if (j.contains("error") && j["error"].is_string()) syncError = j["error"].get<std::string>();
        syncProblem = j.value("problem", "");
        if (j.contains("config") && j["config"].is_object()) {
            const nlohmann::json& c = j["config"];
            const std::string status = c.value("status", "");
            if (status == "unchanged") config = t("admin.config_unchanged");
            else if (status == "applied") config = t("admin.config_applied");
            else if (c.contains("error") && c["error"].is_string()) {
                const std::string e = c["error"].get<std::string>();
                config = s.t(syncProblemKey(c.value("problem", ""))) + " (" + e + ")";
            }
        }
    }
    // The kind of problem in Indonesian, then what the sync code said (for whoever fixes it).
    if (!syncError.empty()) line("admin.sync_error", s.t(syncProblemKey(syncProblem)) + " (" + syncError + ")");
    line("admin.config", config);
    try {
        store::Database& db = m_ctx.store.database();
        line("admin.events", n(store::countRecords(db, "pending")) + " / " + n(store::countRecords(db, "rejected")));
    } catch (const std::exception&) {
        line("admin.events", "?");
    }
    line("admin.next_sync", t("admin.not_scheduled"));
    const IkmLines ikmLines = counterIkmLines();
    line("admin.ikm", ikmLines.ikm);
    line("admin.nrr", ikmLines.nrr);
    line("admin.sample", ikmLines.sample);
    struct statvfs fs {};
    std::string free = "?";
    if (statvfs(dataDir.c_str(), &fs) == 0) {
        const double bytes = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
        free = config::formatNumber(bytes / 1e9, 1, lang) + " GB";
    }
    line("admin.storage", free + " / " + config::formatNumber(static_cast<double>(st.dbBytes) / 1e6, 1, lang) + " MB");
    std::string officer = t("admin.nobody");
    if (m_duty && m_duty->session()) officer = m_duty->session()->officer.name + " (" + m_duty->session()->officer.nip + ")";
    line("admin.officer", officer);
    line("admin.open_case", st.openCase ? st.openCase->serviceCode + (st.openCase->ticket ? " " + *st.openCase->ticket : "") : "-");
}

void TechnicianPanel::handle(const Intent& in)
{
    const std::optional<AdminCommand> c = in.as<AdminCommand>();
    if (!c) return;
    switch (*c) {
    case AdminCommand::Close: return m_ctx.router.toAttract();
    case AdminCommand::ScreenTest:
        m_view.screenTest = 1;
        m_ctx.router.viewChanged();
        break;
    case AdminCommand::ScreenTestNext:
        m_view.screenTest = m_view.screenTest >= adminScreenTestSteps() ? 0 : m_view.screenTest + 1;
        m_ctx.router.viewChanged();
        break;
    case AdminCommand::SyncNow:
        if (!m_sync.available()) return say("admin.sync_unavailable", true);
        // The UI stays responsive: the sync runs on its own thread with its own store connection and
        // posts its result back; the UI thread picks it up in drainBackground().
        if (m_sync.start()) say("admin.sync_running", false);
        break;
    case AdminCommand::Export: exportToUsb(); break;
    case AdminCommand::Leave: m_ctx.router.ask(Confirm::LeaveKiosk); break;
    }
}

void TechnicianPanel::exportToUsb()
{
    const Snapshot& s = m_ctx.shared;
    const config::Lang lang = config::Lang::Id;
    std::error_code ec;
    if (!std::filesystem::is_directory(m_ctx.settings.exportDir, ec)) {
        // The usual cause: no USB stick (mounted at admin.export_dir).
        m_view.message = {"admin.export_no_usb", s.catalog->format(lang, "admin.export_no_usb", {{"dir", m_ctx.settings.exportDir}}), true};
        return;
    }
    std::optional<store::ExportKey> key;
    try {
        if (m_exportKey) key = m_exportKey();
    } catch (const std::exception& e) {
        spdlog::warn("export to USB: no device key: {}", e.what());
    }
    if (!key) return say("admin.export_unavailable", true);
    try {
        const store::ExportResult r = store::exportUnsent(m_ctx.store, m_ctx.settings.exportDir, *key);
        // What went onto the stick, kind by kind: the technician knows what the central office will get.
        auto n = [&](const char* kind) { return config::formatCount(r.count(kind), lang); };
        m_view.message = {"admin.exported",
                          s.catalog->format(lang, "admin.exported",
                                            {{"ratings", n("ratings")}, {"surveys", n("surveys")}, {"cases", n("cases")}, {"sessions", n("sessions")}, {"audit", n("audit")}}),
                          false};
        spdlog::info("exported to {}: {} records", r.file.string(), r.total());
    } catch (const std::exception& e) {
        sayFault(m_view.message, s, e.what());
    }
    refresh();
}

void TechnicianPanel::leaveKiosk()
{
    (void)m_ctx.store.recordAudit("kiosk_left", std::nullopt, R"({"by":"technician"})");
    spdlog::info("the technician left the kiosk for maintenance");
    m_quit = true;
}

} // namespace skm::ui
