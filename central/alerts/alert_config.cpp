#include "alert_config.hpp"

#include <core/config_error.hpp>
#include <core/text_controls.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace skm::central::alerts {

namespace {

using config::ConfigError;

int lineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// Reads one table's keys; each key it knows is taken by `take`, any other is refused.
struct Reader {
    const std::string& file;
    std::string prefix; // "alerts." or "alerts.unit.\"X\"."

    [[noreturn]] void fail(const toml::node& n, const std::string& key, const std::string& why) const { throw ConfigError(file, lineOf(n), prefix + key, why); }
    double real(const toml::node& n, const std::string& key, double lo, double hi, bool open) const
    {
        std::optional<double> v = n.value<double>();
        if (!v || (n.type() != toml::node_type::floating_point && n.type() != toml::node_type::integer) || !std::isfinite(*v)) fail(n, key, "must be a number");
        if (open ? (*v <= lo || *v >= hi) : (*v < lo || *v > hi)) {
            std::ostringstream why;
            why << "must be " << (open ? "between " : "from ") << lo << (open ? " and " : " to ") << hi << (open ? ", exclusive" : "");
            fail(n, key, why.str());
        }
        return *v;
    }
    int integer(const toml::node& n, const std::string& key, int lo, int hi) const
    {
        const auto v = n.value<int64_t>();
        if (n.type() != toml::node_type::integer || !v) fail(n, key, "must be a whole number");
        if (*v < lo || *v > hi) fail(n, key, "must be from " + std::to_string(lo) + " to " + std::to_string(hi));
        return static_cast<int>(*v);
    }
    bool boolean(const toml::node& n, const std::string& key) const
    {
        if (n.type() != toml::node_type::boolean) fail(n, key, "must be true or false");
        return *n.value<bool>();
    }
    std::string text(const toml::node& n, const std::string& key, size_t max) const
    {
        if (n.type() != toml::node_type::string) fail(n, key, "must be a string");
        std::string s = *n.value<std::string>();
        if (s.size() > max) fail(n, key, "is longer than " + std::to_string(max) + " bytes");
        if (text::hasControl(s)) fail(n, key, "holds a control or bidirectional character");
        return s;
    }
    std::vector<std::string> list(const toml::node& n, const std::string& key, size_t maxItems) const
    {
        const toml::array* a = n.as_array();
        if (!a) fail(n, key, "must be a list of strings, e.g. [\"a\", \"b\"]");
        if (a->size() > maxItems) fail(n, key, "holds more than " + std::to_string(maxItems) + " entries");
        std::vector<std::string> out;
        for (const toml::node& item : *a) out.push_back(text(item, key, 254));
        return out;
    }
    std::vector<std::string> emails(const toml::node& n, const std::string& key) const
    {
        std::vector<std::string> out = list(n, key, 50);
        for (const std::string& e : out) {
            if (!plausibleEmail(e)) fail(n, key, "'" + e + "' is not an e-mail address (local@domain)");
        }
        return out;
    }
    std::string url(const toml::node& n, const std::string& key, const std::vector<std::string>& schemes) const
    {
        const std::string u = text(n, key, 500);
        if (u.find(' ') != std::string::npos) fail(n, key, "holds a space (write it as %20)");
        const bool ok = std::any_of(schemes.begin(), schemes.end(), [&](const std::string& s) { return u.rfind(s + "://", 0) == 0 && u.size() > s.size() + 3; });
        if (!ok) {
            std::string names;
            for (const auto& s : schemes) names += (names.empty() ? "" : " or ") + s + "://";
            fail(n, key, "must start with " + names);
        }
        return u;
    }
    std::string secretFile(const toml::node& n, const std::string& key) const
    {
        const std::string path = text(n, key, 500);
        std::ifstream in(path, std::ios::binary);
        if (!in) fail(n, key, "cannot read " + path);
        std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
        if (s.empty()) fail(n, key, path + " is empty");
        return s;
    }
};

// The minutes after midnight of "HH:MM-HH:MM", start before end.
std::pair<int, int> officeHours(const Reader& r, const toml::node& n, const std::string& key)
{
    const std::string s = r.text(n, key, 20);
    int h1 = -1, m1 = -1, h2 = -1, m2 = -1;
    char dash = 0, c1 = 0, c2 = 0;
    std::istringstream in(s);
    in >> h1 >> c1 >> m1 >> dash >> h2 >> c2 >> m2;
    if (!in || in.peek() != std::char_traits<char>::eof() || c1 != ':' || c2 != ':' || dash != '-' || h1 < 0 || h1 > 23 || h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 ||
        h1 * 60 + m1 >= h2 * 60 + m2 || h2 * 60 + m2 > 24 * 60) {
        r.fail(n, key, "must be \"HH:MM-HH:MM\", the start before the end, e.g. \"08:00-16:00\"");
    }
    return {h1 * 60 + m1, h2 * 60 + m2};
}

// A rule key of the office's table or of an override; false if `key` is not one.
bool ruleKey(const Reader& r, const std::string& key, const toml::node& n, Override& o)
{
    if (key == "unhappy_share") o.unhappyShare = r.real(n, key, 0, 1, true);
    else if (key == "unhappy_window_minutes") o.unhappyWindowMinutes = r.integer(n, key, 1, 1440);
    else if (key == "unhappy_min_count") o.unhappyMinCount = r.integer(n, key, 1, 10000);
    else if (key == "silent_hours") o.silentHours = r.integer(n, key, 0, 168);
    else if (key == "reasons") {
        o.reasons = r.list(n, key, 20);
        for (const std::string& code : *o.reasons) {
            const bool ok = !code.empty() && code.size() <= 32 && std::all_of(code.begin(), code.end(), [](char ch) {
                return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
            });
            if (!ok) r.fail(n, key, "'" + code + "' is not a reason code (1-32 of a-z, 0-9, _ or -, as in the reason list: pungutan)");
        }
    }
    else if (key == "chain_break") o.chainBreak = r.boolean(n, key);
    else if (key == "email_to") o.recipients.emailTo = r.emails(n, key);
    else if (key == "integrity_to") o.recipients.integrityTo = r.emails(n, key);
    else if (key == "webhook_url") o.recipients.webhooks = {r.url(n, key, {"http", "https"})};
    else return false;
    return true;
}

void apply(const Override& o, Rules& rules)
{
    if (o.unhappyShare) rules.unhappyShare = *o.unhappyShare;
    if (o.unhappyWindowMinutes) rules.unhappyWindowMinutes = *o.unhappyWindowMinutes;
    if (o.unhappyMinCount) rules.unhappyMinCount = *o.unhappyMinCount;
    if (o.silentHours) rules.silentHours = *o.silentHours;
    if (o.reasons) rules.reasons = *o.reasons;
    if (o.chainBreak) rules.chainBreak = *o.chainBreak;
}

void add(std::vector<std::string>& to, const std::vector<std::string>& more)
{
    for (const auto& m : more) {
        if (std::find(to.begin(), to.end(), m) == to.end()) to.push_back(m);
    }
}

const char* const kOfficeKeys = "unhappy_share, unhappy_window_minutes, unhappy_min_count, reasons, silent_hours, chain_break, email_to, integrity_to, "
                                "webhook_url, webhook_secret_file, webhook_ca_file, office_hours, office_days, smtp_url, smtp_from, smtp_user, "
                                "smtp_password_file, smtp_ca_file, smtp_plaintext, report_url, retry_seconds, retry_max_seconds, scan_seconds, unit, counter";

} // namespace

bool plausibleEmail(const std::string& a)
{
    const size_t at = a.find('@');
    if (a.size() > 254 || at == 0 || at == std::string::npos || at + 1 >= a.size() || a.find('@', at + 1) != std::string::npos) return false;
    if (a.find('.', at) == std::string::npos || a.back() == '.') return false;
    return std::all_of(a.begin(), a.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && std::string_view("<>,;\"\\()[]:").find(c) == std::string_view::npos;
    });
}

Rules AlertConfig::rulesFor(const std::string& unit, const std::string& counter) const
{
    Rules r = rules;
    if (const auto u = units.find(unit); !unit.empty() && u != units.end()) apply(u->second, r);
    if (const auto c = counters.find(counter); c != counters.end()) apply(c->second, r);
    return r;
}

Recipients AlertConfig::recipientsFor(const std::string& unit, const std::string& counter) const
{
    Recipients out = recipients;
    const auto merge = [&](const Override& o) {
        add(out.emailTo, o.recipients.emailTo);
        add(out.integrityTo, o.recipients.integrityTo);
        add(out.webhooks, o.recipients.webhooks);
    };
    if (const auto u = units.find(unit); !unit.empty() && u != units.end()) merge(u->second);
    if (const auto c = counters.find(counter); c != counters.end()) merge(c->second);
    return out;
}

std::vector<std::string> AlertConfig::describe() const
{
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
        return "[" + s + "]";
    };
    char hours[32];
    std::snprintf(hours, sizeof hours, "%02d:%02d-%02d:%02d", officeStartMinute / 60, officeStartMinute % 60, officeEndMinute / 60, officeEndMinute % 60);
    std::vector<std::string> days;
    for (int d : officeDays) days.push_back(std::to_string(d));
    std::ostringstream share;
    share << rules.unhappyShare;
    return {"alerts.unhappy: more than " + share.str() + " of at least " + std::to_string(rules.unhappyMinCount) + " in " +
                std::to_string(rules.unhappyWindowMinutes) + " min",
            "alerts.reasons = " + join(rules.reasons), "alerts.silent_hours = " + std::to_string(rules.silentHours) + " (office hours " + hours +
                                                          ", days " + join(days) + ")",
            std::string("alerts.chain_break = ") + (rules.chainBreak ? "true" : "false"), "alerts.email_to = " + join(recipients.emailTo),
            "alerts.integrity_to = " + join(recipients.integrityTo), "alerts.webhooks = " + std::to_string(recipients.webhooks.size()),
            "alerts.smtp_url = " + (smtpUrl.empty() ? std::string("(none)") : smtpUrl) + (smtpPlaintext ? " (plaintext allowed)" : ""),
            "alerts overrides: " + std::to_string(units.size()) + " units, " + std::to_string(counters.size()) + " counters"};
}

AlertConfig parseAlertConfig(const std::string& text, const std::string& name)
{
    AlertConfig c;
    toml::table doc;
    try {
        doc = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        throw ConfigError(name, static_cast<int>(e.source().begin.line), "", std::string(e.description()));
    }
    const toml::node* alertsNode = doc.get("alerts");
    if (!alertsNode) return c;
    const toml::table* alerts = alertsNode->as_table();
    if (!alerts) throw ConfigError(name, lineOf(*alertsNode), "alerts", "must be a table ([alerts])");
    const Reader r{name, "alerts."};
    Override office;
    std::map<std::string, int> keyLine; // where each office key is, for a refusal that concerns two keys
    const auto lineOfKey = [&](const std::string& key) { return keyLine.count(key) ? keyLine[key] : lineOf(*alertsNode); };
    for (const auto& [k, n] : *alerts) {
        const std::string key(k.str());
        keyLine[key] = lineOf(n);
        if (ruleKey(r, key, n, office)) continue;
        if (key == "office_hours") std::tie(c.officeStartMinute, c.officeEndMinute) = officeHours(r, n, key);
        else if (key == "office_days") {
            const toml::array* a = n.as_array();
            if (!a || a->empty()) r.fail(n, key, "must be a list of weekdays, 1 (Monday) to 7 (Sunday), e.g. [1, 2, 3, 4, 5]");
            c.officeDays.clear();
            for (const toml::node& d : *a) {
                const int day = r.integer(d, key, 1, 7);
                if (std::find(c.officeDays.begin(), c.officeDays.end(), day) != c.officeDays.end()) r.fail(d, key, "names day " + std::to_string(day) + " twice");
                c.officeDays.push_back(day);
            }
        } else if (key == "smtp_url") c.smtpUrl = r.url(n, key, {"smtp", "smtps"});
        else if (key == "smtp_from") {
            c.smtpFrom = r.text(n, key, 254);
            if (!plausibleEmail(c.smtpFrom)) r.fail(n, key, "'" + c.smtpFrom + "' is not an e-mail address (local@domain)");
        } else if (key == "smtp_user") c.smtpUser = r.text(n, key, 254);
        else if (key == "smtp_password_file") c.smtpPassword = r.secretFile(n, key);
        else if (key == "smtp_ca_file") c.smtpCaFile = r.text(n, key, 500);
        else if (key == "smtp_plaintext") c.smtpPlaintext = r.boolean(n, key);
        else if (key == "webhook_secret_file") c.webhookSecret = r.secretFile(n, key);
        else if (key == "webhook_ca_file") c.webhookCaFile = r.text(n, key, 500);
        else if (key == "report_url") c.reportUrl = r.url(n, key, {"http", "https"});
        else if (key == "retry_seconds") c.retrySeconds = r.integer(n, key, 1, 3600);
        else if (key == "retry_max_seconds") c.retryMaxSeconds = r.integer(n, key, 1, 86400);
        else if (key == "scan_seconds") c.scanSeconds = r.integer(n, key, 1, 3600);
        else if (key == "unit" || key == "counter") {
            const toml::table* t = n.as_table();
            if (!t) r.fail(n, key, "must be tables: [alerts." + key + ".\"NAME\"]");
            auto& into = key == "unit" ? c.units : c.counters;
            for (const auto& [scopeName, scopeNode] : *t) {
                const std::string scope(scopeName.str());
                const Reader sr{name, "alerts." + key + ".\"" + scope + "\"."};
                const Reader whole{name, "alerts." + key + ".\"" + scope + "\""};
                const toml::table* st = scopeNode.as_table();
                if (!st) whole.fail(scopeNode, "", "must be a table: [alerts." + key + ".\"NAME\"]");
                if (scope.empty() || scope.size() > 120 || text::hasControl(scope)) {
                    whole.fail(scopeNode, "", "a " + key + "'s name is 1 to 120 bytes without control or bidirectional characters");
                }
                Override o;
                for (const auto& [sk, sn] : *st) {
                    if (key == "unit" && sk.str() == "silent_hours") {
                        sr.fail(sn, "silent_hours", "is a kiosk's, and a kiosk has no unit: set it per counter ([alerts.counter.\"NAME\"]) or for the office");
                    }
                    if (!ruleKey(sr, std::string(sk.str()), sn, o)) {
                        sr.fail(sn, std::string(sk.str()), "unknown key (known: unhappy_share, unhappy_window_minutes, unhappy_min_count, reasons, silent_hours, "
                                                           "chain_break, email_to, integrity_to, webhook_url)");
                    }
                }
                into[scope] = o;
            }
        } else {
            r.fail(n, key, std::string("unknown key (known: ") + kOfficeKeys + ")");
        }
    }
    apply(office, c.rules);
    c.recipients = office.recipients;
    if (c.retryMaxSeconds < c.retrySeconds) throw ConfigError(name, lineOfKey("retry_max_seconds"), "alerts.retry_max_seconds", "must not be less than retry_seconds");
    // E-mail needs a relay and a sender, and a relay without TLS only on this machine.
    bool anyEmail = !c.recipients.emailTo.empty() || !c.recipients.integrityTo.empty();
    for (const auto* m : {&c.units, &c.counters}) {
        for (const auto& [_, o] : *m) anyEmail = anyEmail || !o.recipients.emailTo.empty() || !o.recipients.integrityTo.empty();
    }
    if (anyEmail && (c.smtpUrl.empty() || c.smtpFrom.empty())) {
        throw ConfigError(name, keyLine.count("smtp_url") ? lineOfKey("smtp_url") : keyLine.count("email_to") ? lineOfKey("email_to") : lineOfKey("integrity_to"),
                          "alerts.smtp_url", "e-mail recipients need smtp_url and smtp_from (the office's relay and sender)");
    }
    if (c.smtpPlaintext && c.smtpUrl.empty()) throw ConfigError(name, lineOfKey("smtp_plaintext"), "alerts.smtp_plaintext", "needs smtp_url (a relay on 127.0.0.1)");
    if (c.smtpPlaintext && c.smtpUrl.rfind("smtps://", 0) != 0) {
        const std::string rest = c.smtpUrl.substr(7);
        const std::string host = rest.rfind("[", 0) == 0 ? rest.substr(0, rest.find(']') + 1) : rest.substr(0, rest.find_first_of(":/"));
        if (host != "127.0.0.1" && host != "localhost" && host != "[::1]") {
            throw ConfigError(name, lineOfKey("smtp_plaintext"), "alerts.smtp_plaintext", "is allowed only for a relay on this machine (127.0.0.1), not " + host);
        }
    }
    return c;
}

AlertConfig loadAlertConfigFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return AlertConfig{};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path, 0, "", "cannot be read");
    return parseAlertConfig(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), path);
}

} // namespace skm::central::alerts
