#include "delivery.hpp"

#include <central/reports/period.hpp>
#include <core/protocol.hpp>

#include <curl/curl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>

namespace skm::central::alerts {

namespace {

std::string twoDigits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string localTime(int64_t ms)
{
    const time_t t = static_cast<time_t>(ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    return localDate(ms) + " " + twoDigits(tm.tm_hour) + ":" + twoDigits(tm.tm_min);
}

// RFC 5322 date of `ms` in local time, e.g. "Fri, 04 Dec 2026 09:15:00 +0700".
std::string rfcDate(int64_t ms)
{
    const time_t t = static_cast<time_t>(ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S %z", &tm);
    return buf;
}

// No CR, LF or other control characters in a header's text.
std::string oneLine(const std::string& s)
{
    std::string out;
    for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    return out;
}

// A header's text: as it is when short printable ASCII, else RFC 2047 encoded words of at most 75
// characters each, folded onto lines of their own (a character's UTF-8 bytes never split).
std::string encodedWord(const std::string& s)
{
    const bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f; });
    if (ascii && s.size() <= 66) return s; // "Subject: " and the text within 78
    std::string out;
    size_t at = 0;
    while (at < s.size()) {
        size_t end = std::min(s.size(), at + 39); // 39 bytes: 52 of base64, 64 with "=?UTF-8?B?" and "?=", 73 after "Subject: "
        while (end < s.size() && end > at + 1 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + protocol::base64Encode(s.substr(at, end - at)) + "?=";
        at = end;
    }
    return out;
}

// A chat system reads its text as markup: the citizen's own words carry no mention (@channel,
// <!here>), link or emphasis there, their signs shown by look-alikes.
std::string chatSafe(const std::string& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '@': out += "\uFF20"; break;
        case '<': out += "\u2039"; break;
        case '>': out += "\u203A"; break;
        case '[': out += "\uFF3B"; break;
        case ']': out += "\uFF3D"; break;
        case '*': out += "\uFF0A"; break;
        case '_': out += "\uFF3F"; break;
        case '~': out += "\uFF5E"; break;
        case '`': out += "\u02CB"; break;
        case '|': out += "\uFF5C"; break;
        case '#': out += "\uFF03"; break;
        case '&': out += "\uFF06"; break;
        case ':': out += "\uFF1A"; break;
        default: out += c;
        }
    }
    return out;
}

std::string fieldsText(const Alert& a, bool chat)
{
    const nlohmann::json& d = a.detail;
    auto text = [&](const char* k) { return d.contains(k) && d[k].is_string() ? d[k].get<std::string>() : std::string(); };
    auto num = [&](const char* k) { return d.contains(k) && d[k].is_number() ? d[k].get<int64_t>() : int64_t{0}; };
    std::string out;
    if (a.rule == "unhappy") {
        out += "Jendela / Window: " + localTime(num("from_ms")) + " - " + localTime(num("to_ms")) + "\n";
        out += "Penilaian dihitung / Counted ratings: " + std::to_string(num("counted")) + ", Kurang Baik/Tidak Baik: " + std::to_string(num("unhappy")) + "\n";
        if (d.contains("officers") && d["officers"].is_array()) {
            for (const auto& o : d["officers"]) {
                out += "Petugas / Officer: " + o.value("name", std::string()) + " (NIP " + o.value("nip", std::string()) + ")\n";
            }
        }
    } else if (a.rule == "reason") {
        out += "Alasan / Reason: " + text("reason") + "\n";
        out += "Waktu penilaian / Rated at: " + localTime(num("at_ms")) + ", nilai / score " + std::to_string(num("score")) + "\n";
        if (!text("officer_nip").empty()) out += "Petugas / Officer: " + text("officer_name") + " (NIP " + text("officer_nip") + ")\n";
        if (!text("service").empty()) out += "Layanan / Service: " + (chat ? chatSafe(text("service")) : text("service")) + "\n";
        if (!text("comment").empty()) out += "Komentar warga / Citizen's comment: " + (chat ? chatSafe(text("comment")) : text("comment")) + "\n";
        out += "Penilaian / Rating: " + text("rating_id") + "\n";
        if (!text("complaint_ref").empty()) {
            out += "Kode referensi bila warga melapor ke SP4N-LAPOR! / Reference if the citizen files with SP4N-LAPOR!: " + text("complaint_ref") + "\n";
        }
    } else if (a.rule == "silent") {
        out += "Terakhir terhubung / Last heard from: " + localTime(num("last_seen_ms")) + "\n";
    } else if (a.rule == "chain") {
        out += "Penilaian / Rating: " + text("rating_id") + " (posisi / position " + std::to_string(num("chain_seq")) + ")\n";
        out += "Periksa: skm-central report (chain) / Check: skm-central report (chain)\n";
    }
    return out;
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

// libcurl asks about once a second (and on every transfer of data): non-zero ends the transfer.
int checkCancel(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0; }

void cancellable(CURL* c, const std::atomic<bool>* cancel)
{
    if (!cancel) return;
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, checkCancel);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
}

struct Upload {
    const std::string& bytes;
    size_t at = 0;
};

size_t readUpload(char* buf, size_t size, size_t n, void* user)
{
    auto* u = static_cast<Upload*>(user);
    const size_t take = std::min(size * n, u->bytes.size() - u->at);
    std::memcpy(buf, u->bytes.data() + u->at, take);
    u->at += take;
    return take;
}

std::string curlEmail(const AlertConfig& config, const std::string& to, const std::string& bytes, const std::atomic<bool>* cancel)
{
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> c(curl_easy_init(), curl_easy_cleanup);
    if (!c) return "curl_easy_init failed";
    char error[CURL_ERROR_SIZE] = {};
    Upload upload{bytes};
    const std::string from = "<" + config.smtpFrom + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcptGuard(rcpt, curl_slist_free_all);
    curl_easy_setopt(c.get(), CURLOPT_URL, config.smtpUrl.c_str());
    curl_easy_setopt(c.get(), CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c.get(), CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c.get(), CURLOPT_READFUNCTION, readUpload);
    curl_easy_setopt(c.get(), CURLOPT_READDATA, &upload);
    curl_easy_setopt(c.get(), CURLOPT_UPLOAD, 1L);
    // smtp://: STARTTLS required (a relay that does not offer it is a failure), unless plaintext is allowed for a local relay.
    curl_easy_setopt(c.get(), CURLOPT_USE_SSL, config.smtpPlaintext ? CURLUSESSL_TRY : CURLUSESSL_ALL);
    if (!config.smtpCaFile.empty()) curl_easy_setopt(c.get(), CURLOPT_CAINFO, config.smtpCaFile.c_str());
    if (!config.smtpUser.empty()) {
        curl_easy_setopt(c.get(), CURLOPT_USERNAME, config.smtpUser.c_str());
        curl_easy_setopt(c.get(), CURLOPT_PASSWORD, config.smtpPassword.c_str());
    }
    curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, error);
    cancellable(c.get(), cancel);
    const CURLcode rc = curl_easy_perform(c.get());
    if (rc != CURLE_OK) return std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : std::string());
    return "";
}

std::string curlWebhook(const AlertConfig& config, const std::string& url, const std::string& body, const std::string& alertId,
                        const std::atomic<bool>* cancel)
{
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> c(curl_easy_init(), curl_easy_cleanup);
    if (!c) return "curl_easy_init failed";
    char error[CURL_ERROR_SIZE] = {};
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, ("X-SKM-Alert-Id: " + alertId).c_str());
    if (!config.webhookSecret.empty()) {
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(config.webhookSecret.data()), config.webhookSecret.size());
        crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
        crypto_auth_hmacsha256_final(&st, mac);
        char hex[2 * sizeof mac + 1];
        sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
        headers = curl_slist_append(headers, (std::string("X-SKM-Signature: sha256=") + hex).c_str());
    }
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headerGuard(headers, curl_slist_free_all);
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 0L);
    if (!config.webhookCaFile.empty()) curl_easy_setopt(c.get(), CURLOPT_CAINFO, config.webhookCaFile.c_str());
    curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, error);
    cancellable(c.get(), cancel);
    const CURLcode rc = curl_easy_perform(c.get());
    if (rc != CURLE_OK) return std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : std::string());
    long status = 0;
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) return "HTTP " + std::to_string(status);
    return "";
}

// For the log and the history: an address as it is, a webhook by its scheme and host only (its path may be a secret token).
std::string targetName(const std::string& channel, const std::string& target)
{
    if (channel != "webhook") return target;
    const size_t host = target.find("://");
    const size_t end = host == std::string::npos ? std::string::npos : target.find('/', host + 3);
    return end == std::string::npos ? target : target.substr(0, end) + "/...";
}

} // namespace

Message compose(const Alert& a, const AlertConfig& config)
{
    Message m;
    m.subject = oneLine("[SKM] " + std::string(ruleLabel(a.rule, false)) + ": " + a.title);
    const std::string link = config.reportUrl.empty() ? std::string() : config.reportUrl + "/report/alerts/" + a.id;
    // The chat's text: what a kiosk sent (its counter, device name, service; the citizen's comment) in
    // look-alike signs; the office's own words and link as they are.
    const auto body = [&](bool chat) {
        const auto sent = [&](const std::string& v) { return chat ? chatSafe(v) : v; };
        return sent(a.title) + "\n\n" + std::string(ruleLabel(a.rule, false)) + " / " + ruleLabel(a.rule, true) + "\n" + "Kiosk / Device: " +
               sent(a.deviceId) + (a.counter.empty() ? "" : ", loket / counter: " + sent(a.counter)) + "\n" + (a.unit.empty() ? "" : "Unit: " + sent(a.unit) + "\n") +
               "Muncul / Raised: " + localTime(a.raisedAtMs) + "\n" + fieldsText(a, chat) + "\n" +
               (link.empty() ? "Tindak lanjuti di laporan web: menu Peringatan / Follow up in the web report: Alerts\n"
                             : "Tindak lanjuti / Follow up: " + link + "\n") +
               "Peringatan / Alert: " + a.id + "\n";
    };
    const std::string chatSubject = "[SKM] " + std::string(ruleLabel(a.rule, false)) + ": " + chatSafe(oneLine(a.title));
    m.text = body(false);
    m.json = {{"id", a.id},          {"rule", a.rule},         {"title", a.title},   {"text", chatSubject + "\n" + body(true)},
              {"unit", a.unit},      {"device_id", a.deviceId}, {"counter", a.counter}, {"raised_at_ms", a.raisedAtMs},
              {"detail", a.detail},  {"url", link.empty() ? nlohmann::json(nullptr) : nlohmann::json(link)}};
    return m;
}

std::string emailBytes(const Message& m, const std::string& from, const std::string& to, const std::string& messageId, int64_t nowMs)
{
    // CRLF line ends, and no line longer than 998 bytes (RFC 5322): a long one is broken at a character's start.
    std::string text;
    size_t lineBytes = 0;
    for (char c : m.text) {
        if (c == '\r') continue;
        if (c == '\n') {
            text += "\r\n";
            lineBytes = 0;
            continue;
        }
        if (lineBytes >= 900 && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            text += "\r\n";
            lineBytes = 0;
        }
        text += c;
        ++lineBytes;
    }
    return "Date: " + rfcDate(nowMs) + "\r\nFrom: SKM Kiosk <" + oneLine(from) + ">\r\nTo: <" + oneLine(to) + ">\r\nMessage-ID: <" + oneLine(messageId) +
           ">\r\nSubject: " + encodedWord(m.subject) + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\nX-SKM-Alert-Id: " +
           oneLine(m.json.value("id", std::string())) + "\r\n\r\n" + text;
}

Transport curlTransport(const std::atomic<bool>* cancel)
{
    Transport t;
    t.email = [cancel](const AlertConfig& c, const std::string& to, const std::string& bytes) { return curlEmail(c, to, bytes, cancel); };
    t.webhook = [cancel](const AlertConfig& c, const std::string& url, const std::string& body, const std::string& id) {
        return curlWebhook(c, url, body, id, cancel);
    };
    t.cancel = cancel;
    return t;
}

int64_t retryDelayMs(const AlertConfig& config, int64_t attempts)
{
    int64_t s = config.retrySeconds;
    for (int64_t i = 1; i < attempts && s < config.retryMaxSeconds; ++i) s *= 2;
    return std::min<int64_t>(s, config.retryMaxSeconds) * 1000;
}

DeliveryPass deliverDue(sql::Connection& db, const AlertConfig& config, const Transport& transport, const std::function<int64_t()>& now, int max,
                        int64_t budgetMs, const std::string& channel)
{
    const auto stopping = [&] { return transport.cancel && transport.cancel->load(); };
    const int64_t passStart = now();
    DeliveryPass out;
    struct Due {
        std::string id, alertId, channel, target;
        int64_t attempts;
    };
    std::vector<Due> due;
    // New alerts before retries of old failures; a target that fails in this pass is not tried again in it
    // (a relay that hangs costs one timeout a pass, and the other channels go on).
    db.each(std::string("SELECT id, alert_id, channel, target, attempts FROM alert_deliveries WHERE status = 'pending' AND next_attempt_ms <= $1 "
                        "AND lease_until_ms <= $1 ") +
                (channel.empty() ? "AND CAST($3 AS TEXT) = '' " : "AND channel = $3 ") + "ORDER BY CASE WHEN attempts = 0 THEN 0 ELSE 1 END, next_attempt_ms LIMIT $2",
            {passStart, static_cast<int64_t>(max), channel}, [&](const sql::Row& r) { due.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.integer(4)}); });
    std::set<std::string> failing;
    // An e-mail goes through the office's one relay whatever its recipient; a webhook to its own address.
    const auto route = [](const Due& d) { return d.channel == "email" ? d.channel : d.channel + " " + d.target; };
    for (const Due& d : due) {
        if (stopping()) break;
        if (failing.count(route(d))) continue;
        const int64_t nowMs = now();
        if (nowMs - passStart > budgetMs) break; // the rules' next pass is not held up for long
        // Claimed for two minutes (a send takes at most 70 s): another replica skips it meanwhile.
        if (db.query("UPDATE alert_deliveries SET lease_until_ms = $2 WHERE id = $1 AND status = 'pending' AND lease_until_ms <= $3",
                     {d.id, nowMs + 120'000, nowMs})
                .affected != 1) {
            continue;
        }
        const auto alert = findAlert(db, d.alertId);
        std::string error;
        if (!alert) {
            error = "the alert is gone";
        } else {
            const Message m = compose(*alert, config);
            try {
                if (d.channel == "email") {
                    error = config.smtpUrl.empty() ? std::string("no smtp_url in [alerts]")
                                                   : transport.email(config, d.target, emailBytes(m, config.smtpFrom, d.target, alert->id + "." + d.id + "@skm-central", nowMs));
                } else {
                    error = transport.webhook(config, d.target, m.json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), alert->id);
                }
            } catch (const std::exception& e) {
                error = e.what();
            }
        }
        if (!error.empty() && stopping()) {
            // Cut short by the stop: not an attempt; pending for the next start (or another replica) at once.
            db.query("UPDATE alert_deliveries SET lease_until_ms = 0 WHERE id = $1", {d.id});
            spdlog::info("alert {}: {} to {} left pending (stopping)", d.alertId, d.channel, targetName(d.channel, d.target));
            break;
        }
        const int64_t doneMs = now();
        sql::Transaction tx(db);
        const int64_t attempts = d.attempts + 1;
        if (error.empty()) {
            db.query("UPDATE alert_deliveries SET status = 'delivered', attempts = $2, delivered_at_ms = $3, lease_until_ms = 0, last_error = '' WHERE id = $1",
                     {d.id, attempts, doneMs});
            recordEvent(db, d.alertId, doneMs, kServiceUser, "delivered", d.channel + " " + targetName(d.channel, d.target));
            ++out.delivered;
            spdlog::info("alert {}: {} to {} delivered (attempt {})", d.alertId, d.channel, targetName(d.channel, d.target), attempts);
        } else {
            const int64_t next = doneMs + retryDelayMs(config, attempts);
            failing.insert(route(d));
            db.query("UPDATE alert_deliveries SET attempts = $2, next_attempt_ms = $3, lease_until_ms = 0, last_error = $4 WHERE id = $1",
                     {d.id, attempts, next, error.substr(0, 500)});
            recordEvent(db, d.alertId, doneMs, kServiceUser, "delivery_failed",
                        d.channel + " " + targetName(d.channel, d.target) + ": " + error.substr(0, 300) + " (attempt " + std::to_string(attempts) + ")");
            ++out.failed;
            spdlog::warn("alert {}: {} to {} failed (attempt {}): {}; next in {} s", d.alertId, d.channel, targetName(d.channel, d.target), attempts, error,
                         (next - doneMs) / 1000);
        }
        tx.commit();
    }
    return out;
}

} // namespace skm::central::alerts
