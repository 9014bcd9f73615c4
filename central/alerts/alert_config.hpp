#pragma once
// The office's alert settings (issue 21): the [alerts] table of central.toml, with per-unit
// ([alerts.unit."UNIT"]) and per-counter ([alerts.counter."COUNTER"]) overrides of the rules and the
// recipients. Parsed strictly: an unknown key, a value out of range or an address that is not one is
// refused with the file, the line and the key (config::ConfigError), and skm-central does not start.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skm::central::alerts {

// The rules for one counter, after its overrides.
struct Rules {
    // Kurang Baik / Tidak Baik (1 or 2): more than `unhappyShare` of at least `unhappyMinCount`
    // counted ratings within `unhappyWindowMinutes` (HappyOrNot's default: 50 %, 4, 15 minutes).
    double unhappyShare = 0.5;
    int unhappyWindowMinutes = 15;
    int unhappyMinCount = 4;
    std::vector<std::string> reasons = {"pungutan"}; // any counted rating with one of these reason codes
    int silentHours = 2;          // a kiosk not heard from for this long within office hours (0: off)
    bool chainBreak = true;       // a rating that arrived altered (its device's chain broken)
};

// Who receives an alert: e-mail addresses and webhooks.
struct Recipients {
    std::vector<std::string> emailTo;      // every alert of the scope
    std::vector<std::string> integrityTo;  // the reason alerts (pungutan): the Inspektorat, the unit's internal control
    std::vector<std::string> webhooks;     // JSON POSTs: the office's chat or ticketing system
};

struct Override {
    std::optional<double> unhappyShare;
    std::optional<int> unhappyWindowMinutes, unhappyMinCount, silentHours;
    std::optional<std::vector<std::string>> reasons;
    std::optional<bool> chainBreak;
    Recipients recipients; // added to the office's
};

struct AlertConfig {
    Rules rules;                 // the office's
    Recipients recipients;       // the office's: receive every alert
    std::map<std::string, Override> units, counters;
    // Office hours (local time), for the silent-kiosk rule.
    int officeStartMinute = 8 * 60, officeEndMinute = 16 * 60;
    std::vector<int> officeDays = {1, 2, 3, 4, 5}; // ISO weekdays, 1 = Monday
    // Delivery.
    std::string smtpUrl;            // smtp://HOST[:PORT] (STARTTLS required) or smtps://HOST[:PORT]
    std::string smtpFrom;
    std::string smtpUser, smtpPassword; // the password from smtp_password_file
    std::string smtpCaFile;         // verify the relay against this CA ("" : the system's)
    bool smtpPlaintext = false;     // smtp:// without STARTTLS: only for a relay on this machine
    std::string webhookSecret;      // from webhook_secret_file: X-SKM-Signature = HMAC-SHA256 of the body, hex
    std::string webhookCaFile;
    std::string reportUrl;          // links in the messages: REPORT_URL/report/alerts/ID
    int retrySeconds = 30;          // the first retry of a failed delivery; doubles each time
    int retryMaxSeconds = 3600;     // up to this; retried until delivered
    int scanSeconds = 30;           // how often the rules are checked without an upload to prompt it

    // The rules for a counter whose unit is `unit` ("" unknown): the counter's override, else the unit's, else the office's.
    [[nodiscard]] Rules rulesFor(const std::string& unit, const std::string& counter) const;
    // Everyone an alert of this scope goes to: the office's recipients, the unit's and the counter's.
    [[nodiscard]] Recipients recipientsFor(const std::string& unit, const std::string& counter) const;
    // Key = value lines of the effective settings for the start-up log (no password or secret).
    [[nodiscard]] std::vector<std::string> describe() const;
};

// The [alerts] table of central.toml's text (`name` stands for the file in messages, and relative
// *_file paths are read as given); the defaults when it has none. Throws config::ConfigError.
[[nodiscard]] AlertConfig parseAlertConfig(const std::string& text, const std::string& name);
// The [alerts] table of the file at `path`: the defaults when the file does not exist. Throws config::ConfigError.
[[nodiscard]] AlertConfig loadAlertConfigFile(const std::string& path);
// An e-mail address one can put in a header: local@domain, printable ASCII, no spaces or <>,;"\ .
[[nodiscard]] bool plausibleEmail(const std::string& address);

} // namespace skm::central::alerts
