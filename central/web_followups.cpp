// The follow-up plan's page and forms, and the laporan's download, on the report (issue 19).

#include "web_util.hpp"

#include <central/followups.hpp>
#include <central/laporan.hpp>
#include <central/reports/officers.hpp>
#include <central/reports/scores.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>

namespace skm::central {

using namespace web;

void registerFollowupPages(http::Server& httpServer, CentralStore& store, const std::filesystem::path& dataDir, std::function<int64_t()> now,
                           RequireUser requireUser, PeriodOf periodOf)
{
    struct Guarded {
        http::Server& server;
        void get(const std::string& pattern, http::Handler h) { server.get(pattern, storageGuarded(std::move(h))); }
        void post(const std::string& pattern, http::Handler h) { server.post(pattern, storageGuarded(std::move(h))); }
    } server{httpServer};
    // The follow-up plan of a unit for a period: read by whoever may read the unit's report, written by
    // them too (an admin, or that unit's head); every change audited (followup_history).
    auto followupBody = [&store, &dataDir](const html::Lang lang, const User& user, const std::string& unit, const Period& period, const std::string& csrf,
                                           const std::string& error, const Followup& draft) {
        const auto officers = publishedOfficers(dataDir);
        const config::SurveyDefinition survey = publishedSurvey(dataDir);
        return store.readSnapshot([&](sql::Connection& db) {
            html::FollowupPage p;
            p.unit = unit;
            p.period = period;
            const ScoreReport r = computeScores(db, period, officers, survey.weighting);
            if (const auto it = r.units.find(unit); it != r.units.end()) p.score = it->second;
            p.weighting = survey.weighting;
            p.items = listFollowups(db, unit, period.label);
            p.population = enteredPopulation(db, unit, period.label);
            p.mayWrite = user.mayRead(unit);
            p.csrf = csrf;
            p.error = error;
            p.draft = draft;
            return html::followupPage(lang, user, p);
        });
    };
    server.get(R"(/report/unit/(.+)/tindak-lanjut)", [requireUser, periodOf, followupBody](const httplib::Request& req, httplib::Response& res) {
        const auto user = requireUser(req, res);
        if (!user) return;
        const html::Lang lang = langOf(req);
        const std::string unit = req.matches[1]; // the path is decoded once, by the server
        if (!user->mayRead(unit)) {
            send(res, 403, html::errorPage(lang, 403, lang == html::Lang::En ? "This unit's follow-up is not yours to read." : "Tindak lanjut unit ini bukan untuk Anda."));
            return;
        }
        const auto period = periodOf(req, lang, res);
        if (!period) return;
        send(res, 200, followupBody(lang, *user, unit, *period, csrfToken(cookieToken(req)), "", Followup{}));
    });
    server.post(R"(/report/unit/(.+)/tindak-lanjut)", [&store, &dataDir, now, requireUser, followupBody](const httplib::Request& req, httplib::Response& res) {
        if (!formAccepted(req, res)) return;
        const auto user = requireUser(req, res);
        if (!user) return;
        const html::Lang lang = langOf(req);
        const bool en = lang == html::Lang::En;
        const std::string unit = req.matches[1]; // the path is decoded once, by the server
        if (!user->mayRead(unit)) {
            spdlog::warn("follow-up: {} may not change unit '{}'", user->name, unit);
            send(res, 403, html::errorPage(lang, 403, en ? "This unit's follow-up is not yours to change." : "Tindak lanjut unit ini bukan untuk Anda ubah."));
            return;
        }
        // Only a unit of the published roster has a plan (an admin's form for a made-up unit stores nothing).
        const auto officers = publishedOfficers(dataDir);
        if (std::none_of(officers.begin(), officers.end(), [&](const auto& o) { return o.second.unit == unit; })) {
            send(res, 404, html::errorPage(lang, 404, en ? "No such unit in the published roster." : "Unit ini tidak ada dalam daftar petugas yang diterbitkan."));
            return;
        }
        if (!csrfAccepted(req)) {
            spdlog::warn("follow-up form of {} for '{}' refused: no valid form token", user->name, unit);
            send(res, 403, html::errorPage(lang, 403, en ? "This form has expired or is not from your session; reload the page and send it again."
                                                         : "Formulir ini kedaluwarsa atau bukan dari sesi Anda; muat ulang halaman lalu kirim lagi."));
            return;
        }
        std::string why;
        const auto period = parsePeriod(req.get_param_value("period"), &why);
        if (!period) {
            send(res, 400, html::errorPage(lang, 400, why));
            return;
        }
        const std::string op = req.get_param_value("op");
        Followup draft;
        try {
            store.withDatabase([&](sql::Connection& db) {
                if (op == "add") {
                    draft.unit = unit;
                    draft.period = period->label;
                    draft.unsur = req.get_param_value("unsur");
                    draft.action = req.get_param_value("action");
                    draft.responsible = req.get_param_value("responsible");
                    draft.dueDate = req.get_param_value("due_date");
                    draft.status = req.get_param_value("status");
                    draft.evidence = req.get_param_value("evidence");
                    const Followup f = addFollowup(db, draft, user->name, now());
                    spdlog::info("follow-up {} added by {} for '{}' {} ({})", f.id, user->name, unit, period->label, f.unsur);
                } else if (op == "update") {
                    const std::string id = req.get_param_value("id");
                    const auto existing = findFollowup(db, id);
                    // An item of another unit is not this form's to change, whatever its id says.
                    if (!existing || existing->unit != unit) throw FollowupError("Tindak lanjut tidak ditemukan", "No such follow-up item");
                    int64_t rev = 0;
                    try {
                        rev = std::stoll(req.get_param_value("rev"));
                    } catch (const std::exception&) {
                        throw FollowupError("Revisi tidak sah", "Bad revision");
                    }
                    const Followup f = updateFollowup(db, id, rev, req.get_param_value("status"), req.get_param_value("evidence"), user->name, now());
                    spdlog::info("follow-up {} changed by {}: {} (rev {})", f.id, user->name, f.status, f.rev);
                } else if (op == "population") {
                    int64_t n = -1;
                    try {
                        size_t used = 0;
                        const std::string text = req.get_param_value("population");
                        n = std::stoll(text, &used);
                        if (used != text.size()) n = -1;
                    } catch (const std::exception&) {
                    }
                    if (n < 0) throw FollowupError("Populasi harus bilangan bulat 0 atau lebih", "The population must be a whole number, 0 or more");
                    setPopulation(db, unit, period->label, n, user->name, now());
                    spdlog::info("population of '{}' {} set to {} by {}", unit, period->label, n, user->name);
                } else {
                    throw FollowupError("Formulir tidak dikenal", "Unknown form");
                }
            });
        } catch (const FollowupError& e) {
            send(res, 400, followupBody(lang, *user, unit, *period, csrfToken(cookieToken(req)), e.in(en), draft));
            return;
        }
        redirect(res, "/report/unit/" + html::urlEncode(unit) + "/tindak-lanjut?period=" + html::urlEncode(period->label) + (en ? "&lang=en" : ""));
    });
    // The laporan SKM of a unit (or, for an admin, the office: unit "-") as a PDF, one at a time.
    server.get(R"(/report/unit/(.+)/laporan)", [&store, &dataDir, now, requireUser, periodOf](const httplib::Request& req, httplib::Response& res) {
        const auto user = requireUser(req, res);
        if (!user) return;
        const html::Lang lang = langOf(req);
        std::string unit = req.matches[1];
        if (unit == "-" && user->isAdmin()) unit.clear();
        else if (!user->mayRead(unit)) {
            send(res, 403, html::errorPage(lang, 403, lang == html::Lang::En ? "This unit's report is not yours to read." : "Laporan unit ini bukan untuk Anda."));
            return;
        }
        const auto period = periodOf(req, lang, res);
        if (!period) return;
        const config::SurveyDefinition survey = publishedSurvey(dataDir);
        std::string bytes;
        try {
            const std::string text = store.readSnapshot([&](sql::Connection& db) {
                return laporan::html(laporan::gather(db, dataDir, unit, *period, std::nullopt, now(), survey));
            });
            static std::mutex printing; // Chromium is heavy: one laporan printed at a time
            const std::lock_guard lock(printing);
            bytes = laporan::pdfOf(text);
        } catch (const sql::Error&) {
            throw; // the 503 of storageGuarded
        } catch (const std::exception& e) {
            // The office's template refused, or Chromium missing or failing: said, not a bare 500.
            spdlog::error("laporan of '{}' {} not made: {}", unit, period->label, e.what());
            send(res, 500, html::errorPage(lang, 500, std::string(lang == html::Lang::En ? "The laporan could not be made: " : "Laporan tidak dapat dibuat: ") + e.what()));
            return;
        }
        res.status = 200;
        res.set_header("Cache-Control", "no-store");
        res.set_header("X-Content-Type-Options", "nosniff");
        std::string name = "laporan-skm-" + (unit.empty() ? std::string("kantor") : unit) + "-" + period->label.substr(period->label.find(':') + 1) + ".pdf";
        for (char& c : name) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '-';
        }
        res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        res.set_content(bytes, "application/pdf");
    });
}

} // namespace skm::central
