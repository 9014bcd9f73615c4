#pragma once
// What the report's pages share on the HTTP side (web.cpp, web_followups.cpp, web_publik.cpp): the
// page's language, the session cookie, answers, form checks (this server's page and the session's form
// token), and the guard that answers 503 while the records cannot be reached. Inside skm-central only.

#include "html_report.hpp"
#include <net/http_server.hpp>

#include <central/store/central_store.hpp>

#include <httplib.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace skm::central::web {

[[nodiscard]] html::Lang langOf(const httplib::Request& req);
// The session token of the request's cookie, or "".
[[nodiscard]] std::string cookieToken(const httplib::Request& req);
// A page: its status, the CSP, no caching.
void send(httplib::Response& res, int status, const std::string& body);
void redirect(httplib::Response& res, const std::string& to);
// A state-changing form from this server's own page (Origin or Referer), not encoded; else 403/415 sent.
[[nodiscard]] bool formAccepted(const httplib::Request& req, httplib::Response& res);
// The session's form token, and whether the request's "csrf" field carries it.
[[nodiscard]] std::string csrfToken(const std::string& sessionToken);
[[nodiscard]] bool csrfAccepted(const httplib::Request& req);
[[nodiscard]] std::string currentMonth(int64_t nowMs);
// The client a per-address limit counts: the peer, or, when the peer is one of `trustedProxies`, the
// last address of its X-Forwarded-For (the one that proxy saw); an IPv6 address as its /64 (one
// subscriber's network, whose addresses a client may rotate through).
[[nodiscard]] std::string clientAddress(const httplib::Request& req, const std::vector<std::string>& trustedProxies);
// Storage failures of `handler` answered 503 with Retry-After and a page.
[[nodiscard]] http::Handler storageGuarded(http::Handler handler);

// The signed-in user, or a redirect to /login sent (then nullopt).
using RequireUser = std::function<std::optional<User>(const httplib::Request&, httplib::Response&)>;
// The period asked for (?period=, default this month), or 400 sent (then nullopt).
using PeriodOf = std::function<std::optional<Period>(const httplib::Request&, html::Lang, httplib::Response&)>;

} // namespace skm::central::web

namespace skm::central {

// /report/unit/UNIT/tindak-lanjut (GET, POST) and /report/unit/UNIT/laporan (web_followups.cpp).
void registerFollowupPages(http::Server& server, CentralStore& store, const std::filesystem::path& dataDir, std::function<int64_t()> now,
                           web::RequireUser requireUser, web::PeriodOf periodOf);
// /report/alerts and /report/alerts/ID (GET, POST): the alerts and the unit head's steps (web_alerts.cpp).
void registerAlertPages(http::Server& server, CentralStore& store, std::function<int64_t()> now, web::RequireUser requireUser);
// /m/TOKEN, the phone questionnaire (web_phone.cpp).
void registerPhonePages(http::Server& server, CentralStore& store, const std::filesystem::path& dataDir, std::function<int64_t()> now,
                        std::vector<std::string> trustedProxies);
// /publik and /publik/layar (web_publik.cpp).
void registerPublicPages(http::Server& server, CentralStore& store, const std::filesystem::path& dataDir, std::function<int64_t()> now);

} // namespace skm::central
