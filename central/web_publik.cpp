// The public pages (issue 19): /publik and /publik/layar, no sign-in, cacheable.

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

void registerPublicPages(http::Server& httpServer, CentralStore& store, const std::filesystem::path& dataDir, std::function<int64_t()> now)
{
    struct Guarded {
        http::Server& server;
        void get(const std::string& pattern, http::Handler h) { server.get(pattern, storageGuarded(std::move(h))); }
        void post(const std::string& pattern, http::Handler h) { server.post(pattern, storageGuarded(std::move(h))); }
    } server{httpServer};
    // The public pages: no sign-in, no personal data, cacheable for five minutes.
    auto publicUnits = [&dataDir](sql::Connection& db, const std::vector<std::pair<std::string, Period>>& periods, ikm::Weighting weighting) {
        const auto officers = publishedOfficers(dataDir);
        std::map<std::string, std::vector<Score>> byUnit;
        std::set<std::string> units;
        for (const auto& [nip, o] : officers) units.insert(o.unit);
        for (const auto& [name, period] : periods) {
            const ScoreReport r = computeScores(db, period, officers, weighting);
            for (const std::string& u : units) {
                const auto it = r.units.find(u);
                byUnit[u].push_back(it != r.units.end() ? it->second : Score{});
            }
        }
        return byUnit;
    };
    auto sendPublic = [](httplib::Response& res, const std::string& body, const std::string& policy) {
        res.status = 200;
        res.set_header("Content-Security-Policy", policy);
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Cache-Control", "public, max-age=300");
        res.set_content(body, "text/html; charset=utf-8");
    };
    server.get("/publik", [&store, &dataDir, now, publicUnits, sendPublic](const httplib::Request& req, httplib::Response& res) {
        const html::Lang lang = langOf(req);
        const int thisYear = std::stoi(localDate(now()).substr(0, 4));
        int year = thisYear;
        if (req.has_param("tahun")) {
            const std::string t = req.get_param_value("tahun");
            if (!std::regex_match(t, std::regex(R"(\d{4})")) || std::stoi(t) < 2000 || std::stoi(t) > thisYear) {
                send(res, 400, html::errorPage(lang, 400, lang == html::Lang::En ? "A year is four digits, up to this year." : "Tahun ditulis empat angka, sampai tahun ini."));
                return;
            }
            year = std::stoi(t);
        }
        const config::SurveyDefinition survey = publishedSurvey(dataDir);
        html::PublicPage p;
        try {
            p.office = laporan::loadTemplate(dataDir).office;
        } catch (const std::exception& e) {
            spdlog::warn("the public page's office name: {}", e.what());
        }
        p.year = year;
        p.weight = survey.weighting == ikm::Weighting::Exact ? ikm::weightLabel(survey.weighting) : config::formatNumber(0.111, 3, lang);
        for (int y = thisYear; y > thisYear - 6; --y) p.years.push_back(y);
        const std::string y = std::to_string(year);
        std::vector<std::pair<std::string, Period>> periods;
        for (const std::string& label : {"semester:" + y + "-S1", "semester:" + y + "-S2", "year:" + y}) periods.push_back({label, *parsePeriod(label, nullptr)});
        for (int k = 3; k >= 1; --k) {
            p.trendYears.push_back(year - k);
            periods.push_back({"", *parsePeriod("year:" + std::to_string(year - k), nullptr)});
        }
        p.trendYears.push_back(year);
        store.readSnapshot([&](sql::Connection& db) {
            for (auto& [unit, scores] : publicUnits(db, periods, survey.weighting)) {
                html::PublicUnit u;
                u.name = unit;
                u.s1 = scores[0];
                u.s2 = scores[1];
                u.year = scores[2];
                u.trend = {scores[3], scores[4], scores[5], scores[2]};
                for (size_t i = 0; i < 3; ++i) {
                    for (Followup f : listFollowups(db, unit, periods[i].first)) {
                        f.responsible.clear(); // who is a person: not published
                        f.evidence.clear();
                        u.followups.push_back(std::move(f));
                    }
                }
                p.units.push_back(std::move(u));
            }
            return 0;
        });
        sendPublic(res, html::publicPage(lang, p), html::contentSecurityPolicy());
    });
    server.get("/publik/layar", [&store, &dataDir, now, publicUnits, sendPublic](const httplib::Request& req, httplib::Response& res) {
        html::PublicScreen p;
        try {
            p.office = laporan::loadTemplate(dataDir).office;
        } catch (const std::exception& e) {
            spdlog::warn("the waiting-room screen's office name: {}", e.what());
        }
        if (req.has_param("refresh")) {
            const std::string t = req.get_param_value("refresh");
            if (std::regex_match(t, std::regex(R"(\d{2,4})"))) p.refreshSeconds = std::clamp(std::stoi(t), 30, 3600);
        }
        const Period month = *parsePeriod(currentMonth(now()), nullptr);
        p.weight = ikm::weightLabel(publishedSurvey(dataDir).weighting);
        if (p.weight == "0.111") p.weight = "0,111";
        p.monthTitle = html::periodTitle(html::Lang::Id, month);
        const config::SurveyDefinition survey = publishedSurvey(dataDir);
        store.readSnapshot([&](sql::Connection& db) {
            for (auto& [unit, scores] : publicUnits(db, {{"", month}}, survey.weighting)) {
                html::PublicUnit u;
                u.name = unit;
                u.month = scores[0];
                p.units.push_back(std::move(u));
            }
            return 0;
        });
        sendPublic(res, html::waitingRoomPage(p), html::waitingRoomPolicy());
    });

}

} // namespace skm::central
