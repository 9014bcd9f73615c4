#pragma once
// Sending alerts (issue 21): each pending row of alert_deliveries, by e-mail over SMTP (libcurl; the
// office's relay, STARTTLS required on smtp://, TLS from the start on smtps://) or as a JSON POST to a
// webhook (the office's chat or ticketing system). A delivery is claimed with a lease (another
// replica leaves it alone meanwhile), sent with no transaction open, then marked delivered or given
// its next attempt (backoff: retry_seconds doubling up to retry_max_seconds, until delivered). Every
// outcome is a step in alert_events. A message carries the alert's id (Message-ID, X-SKM-Alert-Id,
// "id"), the same on every attempt, so a receiver can tell a repeat.

#include "alert_config.hpp"
#include "alerts.hpp"

#include <core/sql.hpp>

#include <atomic>
#include <functional>
#include <string>

namespace skm::central::alerts {

struct Message {
    std::string subject;  // one line
    std::string text;     // plain text, lines ending in \n
    nlohmann::json json;  // the webhook's body
};

// What the alert's row says, for people (Indonesian first, then English) and for machines.
[[nodiscard]] Message compose(const Alert& alert, const AlertConfig& config);
// The e-mail as sent (RFC 5322, UTF-8, CRLF): headers with the subject as an encoded word, then the text.
[[nodiscard]] std::string emailBytes(const Message& m, const std::string& from, const std::string& to, const std::string& messageId, int64_t nowMs);

// Sends one message; "" when the receiver took it, else why not (the delivery is retried).
struct Transport {
    std::function<std::string(const AlertConfig&, const std::string& to, const std::string& bytes)> email;
    std::function<std::string(const AlertConfig&, const std::string& url, const std::string& body, const std::string& alertId)> webhook;
    // Set when skm-central stops: a send in progress is cut short (within about a second) and left pending.
    const std::atomic<bool>* cancel = nullptr;
};
// libcurl's; a send ends within about a second of `cancel` being set.
[[nodiscard]] Transport curlTransport(const std::atomic<bool>* cancel = nullptr);

struct DeliveryPass {
    int delivered = 0, failed = 0;
};
// Sends the deliveries due now of `channel` ("email", "webhook"; "" both), at most `max`, for at most
// `budgetMs`: those never tried first, the retries after; once the relay (e-mail) or a webhook's address
// fails, the rest for it wait for the next pass; each is claimed, sent and marked at the clock's time
// then. A send cut short by transport.cancel is left pending, its attempt not counted. Throws
// sql::Error on a storage failure only.
DeliveryPass deliverDue(sql::Connection& db, const AlertConfig& config, const Transport& transport, const std::function<int64_t()>& now, int max = 50,
                        int64_t budgetMs = 20'000, const std::string& channel = "");
// The delay before attempt number `attempts` + 1 (after `attempts` failures).
[[nodiscard]] int64_t retryDelayMs(const AlertConfig& config, int64_t attempts);

} // namespace skm::central::alerts
