// The alerts' pages on the report (issue 21): /report/alerts lists the alerts a person may read (an
// admin every unit's, a unit head the unit's), newest first, open ones unless ?closed=1;
// /report/alerts/ID shows one with its deliveries and every step taken, and takes the unit head's
// steps (acknowledge, comment, close) as forms with the session's CSRF token. Every step is kept in
// alert_events (alerts.hpp), with who and when.

#include "html_parts.hpp"
#include "web_util.hpp"

#include <central/alerts/alerts.hpp>

#include <spdlog/spdlog.h>

#include <ctime>
#include <sstream>

namespace skm::central {

using namespace web;

namespace {

std::string when(int64_t ms)
{
    const time_t t = static_cast<time_t>(ms / 1000);
    tm tm{};
    localtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%d %H:%M", &tm);
    return b;
}

std::string hidden(const std::string& name, const std::string& value)
{
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + html::escape(value) + "\">";
}

const char* actionLabel(const std::string& action, bool en)
{
    if (action == "raised") return en ? "raised" : "muncul";
    if (action == "delivered") return en ? "delivered" : "terkirim";
    if (action == "delivery_failed") return en ? "delivery failed" : "gagal terkirim";
    if (action == "acknowledged") return en ? "acknowledged" : "diterima";
    if (action == "commented") return en ? "comment" : "catatan";
    if (action == "closed") return en ? "closed" : "ditutup";
    if (action == "cleared") return en ? "breach ended" : "kondisi berakhir";
    return "?";
}

std::string listPage(html::Lang lang, const User& user, const std::vector<alerts::Alert>& list, bool closedToo)
{
    const bool en = lang == html::Lang::En;
    const std::string q = en ? "lang=en" : "";
    std::ostringstream b;
    b << "<nav class=\"noprint\"><p><a href=\"" << (user.isAdmin() ? std::string("/report") : "/report/unit/" + html::urlEncode(user.unit)) << (en ? "?lang=en" : "")
      << "\">" << html::tr(lang, "back") << "</a> · "
      << (closedToo ? "<a href=\"/report/alerts" + std::string(en ? "?lang=en" : "") + "\">" + (en ? "Open alerts only" : "Hanya yang belum ditutup") + "</a>"
                    : "<a href=\"/report/alerts?closed=1" + std::string(en ? "&amp;lang=en" : "") + "\">" + (en ? "With closed alerts" : "Termasuk yang ditutup") +
                          "</a>")
      << "</p></nav><section><h2>" << (en ? "Alerts" : "Peringatan") << (user.isAdmin() ? "" : " · " + html::escape(user.unit)) << "</h2>";
    if (list.empty()) b << "<p class=\"note\">" << (en ? "No alerts." : "Tidak ada peringatan.") << "</p>";
    else {
        b << "<table><thead><tr><th>" << (en ? "Raised" : "Muncul") << "</th><th>" << (en ? "Kind" : "Jenis") << "</th><th>" << (en ? "Alert" : "Peringatan") << "</th><th>Unit</th><th>"
          << (en ? "Status" : "Status") << "</th></tr></thead><tbody>";
        for (const alerts::Alert& a : list) {
            b << "<tr><td>" << when(a.raisedAtMs) << "</td><td>" << alerts::ruleLabel(a.rule, en) << "</td><td><a href=\"/report/alerts/" << html::urlEncode(a.id)
              << (q.empty() ? "" : "?" + q) << "\">" << html::escape(a.title) << "</a></td><td>" << html::escape(a.unit.empty() ? "–" : a.unit)
              << "</td><td><span class=\"status " << html::escape(a.status) << "\">" << alerts::statusLabel(a.status, en) << "</span>"
              << (a.clearedAtMs || a.rule == "reason" || a.rule == "chain" ? "" : en ? " <span class=\"flag\">ongoing</span>" : " <span class=\"flag\">masih berlangsung</span>")
              << "</td></tr>";
        }
        b << "</tbody></table>";
    }
    b << "</section>";
    return html::page(lang, en ? "Alerts" : "Peringatan", html::headerLinks(lang, user, "/report/alerts"), b.str());
}

std::string alertPage(html::Lang lang, const User& user, const alerts::Alert& a, const nlohmann::json& events, const std::vector<alerts::Delivery>& deliveries,
                      const std::string& csrf, const std::string& error)
{
    const bool en = lang == html::Lang::En;
    const std::string self = "/report/alerts/" + html::urlEncode(a.id) + (en ? "?lang=en" : "");
    std::ostringstream b;
    b << "<nav class=\"noprint\"><p><a href=\"/report/alerts" << (en ? "?lang=en" : "") << "\">" << (en ? "All alerts" : "Semua peringatan") << "</a></p></nav>";
    if (!error.empty()) b << "<section><p class=\"error\" role=\"alert\">" << html::escape(error) << "</p></section>";
    b << "<section><h2>" << html::escape(a.title) << "</h2><p>" << alerts::ruleLabel(a.rule, en) << " · <span class=\"status " << html::escape(a.status) << "\">"
      << alerts::statusLabel(a.status, en) << "</span> · " << (en ? "raised " : "muncul ") << when(a.raisedAtMs)
      << (a.clearedAtMs ? std::string(en ? " · breach ended " : " · kondisi berakhir ") + when(*a.clearedAtMs) : std::string()) << "</p><p class=\"note\">"
      << (en ? "Device " : "Kiosk ") << html::escape(a.deviceId) << (a.counter.empty() ? "" : " · " + html::escape(a.counter))
      << (a.unit.empty() ? "" : " · " + html::escape(a.unit)) << " · rev " << a.rev << "</p>";
    if (a.detail.is_object() && a.detail.contains("comment") && a.detail["comment"].is_string() && !a.detail["comment"].get<std::string>().empty()) {
        b << "<p>" << (en ? "Citizen's comment: " : "Komentar warga: ") << html::escape(a.detail["comment"].get<std::string>()) << "</p>";
    }
    if (a.detail.is_object() && a.detail.contains("complaint_ref") && a.detail["complaint_ref"].is_string()) {
        b << "<p>" << (en ? "Reference if the citizen files with SP4N-LAPOR!: " : "Kode referensi bila warga melapor ke SP4N-LAPOR!: ") << "<strong>"
          << html::escape(a.detail["complaint_ref"].get<std::string>()) << "</strong></p>";
    }
    b << "</section>";
    if (a.status != "ditutup") {
        b << "<section class=\"noprint\"><h2>" << (en ? "Follow up" : "Tindak lanjut") << "</h2>";
        auto form = [&](const char* step, const std::string& label, bool note, bool noteRequired) {
            b << "<form method=\"post\" action=\"" << self << "\" class=\"inline\">" << hidden("csrf", csrf) << hidden("step", step) << hidden("rev", std::to_string(a.rev));
            if (note) b << "<label>" << (en ? "Note" : "Catatan") << " <input name=\"note\" maxlength=\"2000\"" << (noteRequired ? " required" : "") << "></label> ";
            b << "<button class=\"primary\" type=\"submit\">" << label << "</button></form>";
        };
        if (a.status == "baru") form("acknowledge", en ? "Acknowledge" : "Terima", false, false);
        form("comment", en ? "Add note" : "Tambah catatan", true, true);
        form("close", en ? "Close" : "Tutup", true, false);
        b << "</section>";
    }
    b << "<section><h2>" << (en ? "Deliveries" : "Pengiriman") << "</h2>";
    if (deliveries.empty()) b << "<p class=\"note\">" << (en ? "None configured ([alerts] of central.toml)." : "Tidak ada yang dikonfigurasi ([alerts] di central.toml).") << "</p>";
    else {
        b << "<table><thead><tr><th>" << (en ? "Channel" : "Saluran") << "</th><th>" << (en ? "To" : "Kepada") << "</th><th>Status</th><th>" << (en ? "Attempts" : "Percobaan")
          << "</th><th>" << (en ? "Last error" : "Galat terakhir") << "</th></tr></thead><tbody>";
        for (const alerts::Delivery& d : deliveries) {
            const std::string target = d.channel == "webhook" ? d.target.substr(0, d.target.find('/', d.target.find("://") + 3)) + "/..." : d.target;
            b << "<tr><td>" << html::escape(d.channel) << "</td><td>" << html::escape(target) << "</td><td>"
              << (d.status == "delivered" ? (en ? "delivered " : "terkirim ") + when(d.deliveredAtMs.value_or(0))
                                          : std::string(en ? "pending, next " : "menunggu, berikutnya ") + when(d.nextAttemptMs))
              << "</td><td>" << d.attempts << "</td><td>" << html::escape(d.lastError) << "</td></tr>";
        }
        b << "</tbody></table>";
    }
    b << "</section><section><h2>" << (en ? "History" : "Riwayat") << "</h2><table><thead><tr><th>" << (en ? "When" : "Waktu") << "</th><th>"
      << (en ? "Who" : "Oleh") << "</th><th>" << (en ? "Step" : "Langkah") << "</th><th>" << (en ? "Note" : "Catatan") << "</th></tr></thead><tbody>";
    for (const auto& e : events) {
        b << "<tr><td>" << when(e["at_ms"].get<int64_t>()) << "</td><td>" << html::escape(e["user"].get<std::string>()) << "</td><td>"
          << actionLabel(e["action"].get<std::string>(), en) << "</td><td>" << html::escape(e["note"].get<std::string>()) << "</td></tr>";
    }
    b << "</tbody></table></section>";
    return html::page(lang, en ? "Alert" : "Peringatan", html::headerLinks(lang, user, "/report/alerts/" + html::urlEncode(a.id)), b.str());
}

} // namespace

void registerAlertPages(http::Server& httpServer, CentralStore& store, std::function<int64_t()> now, RequireUser requireUser)
{
    struct Guarded {
        http::Server& server;
        void get(const std::string& pattern, http::Handler h) { server.get(pattern, storageGuarded(std::move(h))); }
        void post(const std::string& pattern, http::Handler h) { server.post(pattern, storageGuarded(std::move(h))); }
    } server{httpServer};
    server.get("/report/alerts", [&store, requireUser](const httplib::Request& req, httplib::Response& res) {
        const auto user = requireUser(req, res);
        if (!user) return;
        alerts::AlertFilter f;
        if (!user->isAdmin()) f.unit = user->unit;
        f.closedToo = req.get_param_value("closed") == "1";
        const auto list = store.readSnapshot([&](sql::Connection& db) { return alerts::listAlerts(db, f); });
        send(res, 200, listPage(langOf(req), *user, list, f.closedToo));
    });
    // One alert: read by whoever may read its unit (an alert with no unit: an admin).
    auto showAlert = [&store](const httplib::Request& req, httplib::Response& res, const User& user, const std::string& id, const std::string& error, int status) {
        const html::Lang lang = langOf(req);
        const bool en = lang == html::Lang::En;
        const std::string body = store.readSnapshot([&](sql::Connection& db) -> std::string {
            const auto a = alerts::findAlert(db, id);
            if (!a || !user.mayRead(a->unit)) return "";
            return alertPage(lang, user, *a, alerts::alertEvents(db, id), alerts::alertDeliveries(db, id), csrfToken(cookieToken(req)), error);
        });
        if (body.empty()) send(res, 404, html::errorPage(lang, 404, en ? "No such alert for you." : "Peringatan ini tidak ada untuk Anda."));
        else send(res, status, body);
    };
    server.get(R"(/report/alerts/([0-9a-f-]{36}))", [requireUser, showAlert](const httplib::Request& req, httplib::Response& res) {
        const auto user = requireUser(req, res);
        if (!user) return;
        showAlert(req, res, *user, req.matches[1], "", 200);
    });
    server.post(R"(/report/alerts/([0-9a-f-]{36}))", [&store, now, requireUser, showAlert](const httplib::Request& req, httplib::Response& res) {
        if (!formAccepted(req, res)) return;
        const auto user = requireUser(req, res);
        if (!user) return;
        const html::Lang lang = langOf(req);
        const bool en = lang == html::Lang::En;
        const std::string id = req.matches[1];
        if (!csrfAccepted(req)) {
            spdlog::warn("alert step of {} on {} refused: no valid form token", user->name, id);
            send(res, 403, html::errorPage(lang, 403, en ? "This form has expired or is not from your session; reload the page and send it again."
                                                         : "Formulir ini kedaluwarsa atau bukan dari sesi Anda; muat ulang halaman lalu kirim lagi."));
            return;
        }
        try {
            store.withDatabase([&](sql::Connection& db) {
                const auto a = alerts::findAlert(db, id);
                // An alert of another unit is not this person's to change (nor to learn of: the same answer as none).
                if (!a || !user->mayRead(a->unit)) throw alerts::AlertError("Peringatan tidak ditemukan", "No such alert");
                int64_t rev = -1;
                try {
                    size_t used = 0;
                    const std::string text = req.get_param_value("rev");
                    rev = std::stoll(text, &used);
                    if (used != text.size()) rev = -1;
                } catch (const std::exception&) {
                    throw alerts::AlertError("Revisi tidak sah", "Bad revision");
                }
                const std::string step = req.get_param_value("step");
                (void)alerts::actOnAlert(db, id, rev, step, req.get_param_value("note"), user->name, now());
                spdlog::info("alert {}: {} by {}", id, step, user->name);
            });
        } catch (const alerts::AlertError& e) {
            showAlert(req, res, *user, id, e.in(en), 400);
            return;
        }
        redirect(res, "/report/alerts/" + id + (en ? "?lang=en" : ""));
    });
}

} // namespace skm::central
