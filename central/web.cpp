#include "web.hpp"

#include "accounts.hpp"
#include "html_report.hpp"
#include <net/http_server.hpp>
#include "web_util.hpp"

#include <core/sql.hpp>
#include <central/reports/listings.hpp>
#include <central/reports/scores.hpp>
#include <central/followups.hpp>
#include <central/laporan.hpp>

#include <sodium.h>

#include <cctype>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <set>
#include <memory>
#include <mutex>
#include <regex>

namespace skm::central {

namespace web {

html::Lang langOf(const httplib::Request& req) { return req.get_param_value("lang") == "en" ? html::Lang::En : html::Lang::Id; }

std::string cookieToken(const httplib::Request& req)
{
    const std::string cookies = req.get_header_value("Cookie");
    std::smatch m;
    if (std::regex_search(cookies, m, std::regex(R"((?:^|;\s*)skm_session=([0-9a-f]{64}))"))) return m[1];
    return {};
}

void send(httplib::Response& res, int status, const std::string& body)
{
    res.status = status;
    // Nothing from outside, no script at all: the page is its own HTML, CSS and SVG.
    res.set_header("Content-Security-Policy", html::contentSecurityPolicy());
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    res.set_content(body, "text/html; charset=utf-8");
}

void redirect(httplib::Response& res, const std::string& to)
{
    res.status = 303;
    res.set_header("Location", to);
    res.set_header("Cache-Control", "no-store");
}

std::string lowerCase(std::string s)
{
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A state-changing form must come from this server's own pages (no cross-site request forgery):
// its Origin, or without one its Referer, names the host the request was sent to. Browsers send
// Origin with every form POST; a request with neither is refused too.
bool sameOrigin(const httplib::Request& req)
{
    const std::string host = lowerCase(req.get_header_value("Host"));
    if (host.empty()) return false;
    std::string from = req.get_header_value("Origin");
    if (from.empty()) from = req.get_header_value("Referer");
    const size_t scheme = from.find("://");
    if (scheme == std::string::npos) return false; // also Origin: null
    std::string authority = from.substr(scheme + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    return lowerCase(authority) == host;
}

// Refuses a form that is not from our own pages, or whose body is encoded (never inflated here).
bool formAccepted(const httplib::Request& req, httplib::Response& res)
{
    if (req.has_header("Content-Encoding")) {
        send(res, 415, html::errorPage(langOf(req), 415, "Content-Encoding"));
        return false;
    }
    if (sameOrigin(req)) return true;
    spdlog::warn("{} {} from {}: refused, not from this server's pages (Origin '{}', Referer '{}')", req.method, req.path, req.remote_addr,
                 req.get_header_value("Origin"), req.get_header_value("Referer"));
    send(res, 403, html::errorPage(langOf(req), 403, langOf(req) == html::Lang::En ? "This form must be sent from this server's own page."
                                                                                   : "Formulir ini harus dikirim dari halaman server ini."));
    return false;
}

// The form token of a session: an HMAC of a fixed text under the session's own token, so that only a
// page served to that session can carry it (a forged form from elsewhere has the cookie, never this).
std::string csrfToken(const std::string& sessionToken)
{
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    crypto_hash_sha256(key, reinterpret_cast<const unsigned char*>(sessionToken.data()), sessionToken.size());
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    static const std::string what = "skm-central form token v1";
    crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(what.data()), what.size(), key);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : mac) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

bool csrfAccepted(const httplib::Request& req)
{
    const std::string token = cookieToken(req), given = req.get_param_value("csrf");
    if (token.empty()) return false;
    const std::string expected = csrfToken(token);
    return given.size() == expected.size() && sodium_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

std::string currentMonth(int64_t nowMs) { return "month:" + localDate(nowMs).substr(0, 7); }

// A page whose storage failed (the database restarting or unreachable, the hot standby gone): 503
// with Retry-After and a page that says to try again, never a 500.
std::string clientAddress(const httplib::Request& req, const std::vector<std::string>& trustedProxies)
{
    std::string address = req.remote_addr;
    if (std::find(trustedProxies.begin(), trustedProxies.end(), address) != trustedProxies.end()) {
        const std::string forwarded = req.get_header_value("X-Forwarded-For");
        const size_t comma = forwarded.rfind(',');
        std::string last = comma == std::string::npos ? forwarded : forwarded.substr(comma + 1);
        while (!last.empty() && last.front() == ' ') last.erase(0, 1);
        while (!last.empty() && last.back() == ' ') last.pop_back();
        in_addr v4{};
        in6_addr v6{};
        if (inet_pton(AF_INET, last.c_str(), &v4) == 1 || inet_pton(AF_INET6, last.c_str(), &v6) == 1) address = last;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
        char prefix[40];
        std::snprintf(prefix, sizeof prefix, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", v6.s6_addr[0], v6.s6_addr[1], v6.s6_addr[2], v6.s6_addr[3],
                      v6.s6_addr[4], v6.s6_addr[5], v6.s6_addr[6], v6.s6_addr[7]);
        return prefix;
    }
    return address;
}

http::Handler storageGuarded(http::Handler handler)
{
    return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        try {
            handler(req, res);
        } catch (const config::SurveyError& e) {
            // The office's published survey definition does not parse: the pages say so, with where.
            spdlog::error("{} {}: the published survey definition: {}", req.method, req.path, e.what());
            res = httplib::Response();
            const html::Lang lang = langOf(req);
            send(res, 500, html::errorPage(lang, 500, std::string(lang == html::Lang::En ? "The office's survey definition cannot be read (fix it, then reload): "
                                                                                         : "Definisi survei kantor tidak dapat dibaca (perbaiki, lalu muat ulang): ") + e.what()));
        } catch (const sql::Error& e) {
            spdlog::error("{} {} from {}: storage failure: {}", req.method, req.path, req.remote_addr, e.what());
            res = httplib::Response();
            res.set_header("Retry-After", "5");
            const html::Lang lang = langOf(req);
            send(res, 503,
                 html::errorPage(lang, 503, lang == html::Lang::En ? "The records cannot be reached just now (the database is restarting or out of reach). Try again in a few seconds."
                                                                   : "Data tidak dapat dijangkau saat ini (basis data sedang dimulai ulang atau tidak terjangkau). Coba lagi dalam beberapa detik."));
        }
    };
}

} // namespace web

using namespace web;

void registerWeb(http::Server& httpServer, CentralStore& store, const std::filesystem::path& dataDir, std::function<int64_t()> now, bool tls,
                 const std::vector<std::string>& trustedProxies)
{
    // Every page and form, its storage failures answered 503 (storageGuarded).
    struct Guarded {
        http::Server& server;
        void get(const std::string& pattern, http::Handler h) { server.get(pattern, storageGuarded(std::move(h))); }
        void post(const std::string& pattern, http::Handler h) { server.post(pattern, storageGuarded(std::move(h))); }
    } server{httpServer};
    // The signed-in user, or a redirect to /login (then nullopt).
    auto requireUser = [&store, now](const httplib::Request& req, httplib::Response& res) -> std::optional<User> {
        const std::string token = cookieToken(req);
        std::optional<User> user;
        if (!token.empty()) user = store.withDatabase([&](sql::Connection& db) { return sessionUser(db, token, now()); });
        if (!user) redirect(res, "/login?next=" + html::urlEncode(req.path + (req.get_param_value("lang") == "en" ? "?lang=en" : "")) + (langOf(req) == html::Lang::En ? "&lang=en" : ""));
        return user;
    };
    auto periodOf = [now](const httplib::Request& req, html::Lang lang, httplib::Response& res) -> std::optional<Period> {
        const std::string text = req.has_param("period") ? req.get_param_value("period") : currentMonth(now());
        std::string why;
        auto p = parsePeriod(text, &why);
        if (!p) send(res, 400, html::errorPage(lang, 400, why));
        return p;
    };

    registerPublicPages(httpServer, store, dataDir, now);
    registerPhonePages(httpServer, store, dataDir, now, trustedProxies);

    server.get("/", [](const httplib::Request&, httplib::Response& res) { redirect(res, "/report"); });
    server.get("/login", [](const httplib::Request& req, httplib::Response& res) { send(res, 200, html::loginPage(langOf(req), req.get_param_value("next"), false)); });
    server.post("/login", [&store, now, tls](const httplib::Request& req, httplib::Response& res) {
        if (!formAccepted(req, res)) return;
        const std::string password = req.get_param_value("password");
        // No account name is longer than 64 characters (`user add`): a longer one, which can never sign
        // in, is cut there before it is kept by the throttle or printed in the log (4 MiB names from
        // many addresses would otherwise pile up in the throttle's table), and only the characters of
        // a name are printed.
        std::string name = req.get_param_value("username").substr(0, 64);
        for (char& ch : name) {
            if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-' && ch != '@') ch = '?';
        }
        std::string next = req.get_param_value("next");
        if (next.rfind("/report", 0) != 0 || next.find_first_of("\r\n") != std::string::npos) next = "/report"; // only our own pages: no open redirect
        const html::Lang lang = langOf(req);
        if (const int64_t wait = store.withDatabase([&](sql::Connection& db) { return login::waitMs(db, name, req.remote_addr, now()); }); wait > 0) {
            const int64_t seconds = (wait + 999) / 1000;
            spdlog::warn("report sign-in for '{}' from {} refused: {} s to wait after repeated wrong passwords", name, req.remote_addr, seconds);
            res.set_header("Retry-After", std::to_string(seconds));
            send(res, 429, html::loginPage(lang, next, true, seconds));
            return;
        }
        // The account's hash under the store's lock; Argon2id outside it (uploads never wait for it).
        const StoredCredentials stored = store.withDatabase([&](sql::Connection& db) { return readCredentials(db, name); });
        const auto user = verifyPassword(stored, password);
        if (!user) {
            store.withDatabase([&](sql::Connection& db) { login::failed(db, name, req.remote_addr, now()); });
            spdlog::warn("report sign-in refused for '{}' from {}", name, req.remote_addr);
            send(res, 401, html::loginPage(lang, next, true));
            return;
        }
        store.withDatabase([&](sql::Connection& db) { login::succeeded(db, name, req.remote_addr); });
        const std::string token = store.withDatabase([&](sql::Connection& db) { return openSession(db, *user, now()); });
        res.set_header("Set-Cookie", "skm_session=" + token + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=28800" + (tls ? "; Secure" : ""));
        spdlog::info("report sign-in: {} ({}) from {}", user->name, user->role, req.remote_addr);
        redirect(res, next);
    });
    // A one-time link from `skm-central user link`: signs in once, then is gone.
    server.get("/login/link", [&store, now, tls](const httplib::Request& req, httplib::Response& res) {
        const std::string token = req.get_param_value("token");
        const auto user = store.withDatabase([&](sql::Connection& db) { return useSigninLink(db, token, now()); });
        if (!user) {
            send(res, 401, html::loginPage(langOf(req), "/report", true));
            return;
        }
        const std::string session = store.withDatabase([&](sql::Connection& db) { return openSession(db, *user, now()); });
        res.set_header("Set-Cookie", "skm_session=" + session + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=28800" + (tls ? "; Secure" : ""));
        std::string next = req.get_param_value("next");
        if (next.rfind("/report", 0) != 0 || next.find_first_of("\r\n") != std::string::npos) next = "/report";
        spdlog::info("report sign-in by link: {}", user->name);
        redirect(res, next);
    });
    server.post("/logout", [&store](const httplib::Request& req, httplib::Response& res) {
        if (!formAccepted(req, res)) return;
        if (const std::string token = cookieToken(req); !token.empty()) store.withDatabase([&](sql::Connection& db) { closeSession(db, token); });
        res.set_header("Set-Cookie", "skm_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
        redirect(res, "/login");
    });

    server.get("/report", [&store, &dataDir, requireUser, periodOf](const httplib::Request& req, httplib::Response& res) {
        const auto user = requireUser(req, res);
        if (!user) return;
        const html::Lang lang = langOf(req);
        if (!user->isAdmin()) {
            std::string query;
            if (req.has_param("period")) query = "period=" + html::urlEncode(req.get_param_value("period"));
            if (lang == html::Lang::En) query += std::string(query.empty() ? "" : "&") + "lang=en";
            redirect(res, "/report/unit/" + html::urlEncode(user->unit) + (query.empty() ? "" : "?" + query));
            return;
        }
        const auto period = periodOf(req, lang, res);
        if (!period) return;
        const auto officers = publishedOfficers(dataDir);
        const config::SurveyDefinition survey = publishedSurvey(dataDir);
        const std::vector<config::Reason> reasons = publishedReasons(dataDir);
        const std::string body = store.readSnapshot([&](sql::Connection& db) {
            const ScoreReport r = computeScores(db, *period, officers, survey.weighting);
            const SurveyDetails details = readSurveyDetails(db, *period, officers, survey);
            return html::overviewPage(lang, *user, r, monthlyTrendAll(db, *period), {&survey, &details, nullptr, &reasons, std::nullopt});
        });
        send(res, 200, body);
    });
    // A unit's name may hold "/" (the path arrives decoded): its follow-up and laporan pages first.
    registerFollowupPages(httpServer, store, dataDir, now, requireUser, periodOf);
    registerAlertPages(httpServer, store, now, requireUser);
    server.get(R"(/report/unit/(.+))", [&store, &dataDir, requireUser, periodOf](const httplib::Request& req, httplib::Response& res) {
        const auto user = requireUser(req, res);
        if (!user) return;
        const html::Lang lang = langOf(req);
        const std::string unit = req.matches[1]; // the path is decoded once, by the server
        if (!user->mayRead(unit)) {
            spdlog::warn("report: {} may not read unit '{}'", user->name, unit);
            send(res, 403, html::errorPage(lang, 403, lang == html::Lang::En ? "This unit's report is not yours to read." : "Laporan unit ini bukan untuk Anda."));
            return;
        }
        const auto period = periodOf(req, lang, res);
        if (!period) return;
        const auto officers = publishedOfficers(dataDir);
        std::vector<std::string> nips;
        for (const auto& [nip, info] : officers) {
            if (info.unit == unit) nips.push_back(nip);
        }
        const config::SurveyDefinition survey = publishedSurvey(dataDir);
        const std::vector<config::Reason> reasons = publishedReasons(dataDir);
        const std::string body = store.readSnapshot([&](sql::Connection& db) {
            const ScoreReport r = computeScores(db, *period, officers, survey.weighting);
            const SurveyDetails details = readSurveyDetails(db, *period, officers, survey, unit);
            const std::vector<Followup> items = listFollowups(db, unit, period->label);
            return html::unitPage(lang, *user, r, unit, monthlyTrend(db, *period, nips), {&survey, &details, &items, &reasons, enteredPopulation(db, unit, period->label)});
        });
        send(res, 200, body);
    });
    server.get(R"(/report/officer/(\d{18}))", [&store, &dataDir, requireUser, periodOf](const httplib::Request& req, httplib::Response& res) {
        const auto user = requireUser(req, res);
        if (!user) return;
        const html::Lang lang = langOf(req);
        const std::string nip = req.matches[1];
        const auto period = periodOf(req, lang, res);
        if (!period) return;
        const auto officers = publishedOfficers(dataDir);
        const auto known = officers.find(nip);
        const std::string unit = known != officers.end() ? known->second.unit : "(unit tidak diketahui)";
        if (!user->mayRead(unit)) {
            send(res, 403, html::errorPage(lang, 403, lang == html::Lang::En ? "This officer's report is not yours to read." : "Laporan petugas ini bukan untuk Anda."));
            return;
        }
        std::string body;
        const bool found = store.readSnapshot([&](sql::Connection& db) {
            const ScoreReport r = computeScores(db, *period, officers, publishedSurvey(dataDir).weighting);
            for (const auto& o : r.officers) {
                if (o.nip != nip) continue;
                const std::vector<config::Reason> reasons = publishedReasons(dataDir);
                body = html::officerPage(lang, *user, r, o, monthlyTrend(db, *period, {nip}), listComments(db, *period, officers, {nip, "", "", 50}),
                                         {nullptr, nullptr, nullptr, &reasons, std::nullopt});
                return true;
            }
            return false;
        });
        if (!found) send(res, 404, html::errorPage(lang, 404, "NIP " + nip));
        else send(res, 200, body);
    });
}

} // namespace skm::central
