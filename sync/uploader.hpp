#pragma once
// One sync run: reads what is pending from the store (the rating rows are the outbox), sends it in
// batches through an injected sender, and marks the server's per-item answers in one local
// transaction per batch. A crash anywhere leaves each rating pending or marked, never lost; the
// central office de-duplicates, so a batch sent twice counts once.
//
// This is the policy; the transport (libcurl) is in http_sender.cpp (sentry-native's split).

#include "config_download.hpp"
#include "http.hpp"
#include "outcome.hpp"
#include "provisioning.hpp"

#include <kiosk/store/rating_store.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skm::sync {

struct SyncResult {
    // ok: nothing left to send (ratings or events); retry or error: see outcome.hpp. An upload that
    // was refused item by item is ok: the refusals are counted (rejected) and kept on the device.
    Outcome outcome;
    [[nodiscard]] bool ok() const noexcept { return outcome.ok(); }
    [[nodiscard]] const std::string& error() const noexcept { return outcome.message; }
    int64_t sent = 0;       // stored, duplicate or updated
    int64_t rejected = 0;
    int64_t pendingLeft = 0;
    int64_t eventsSent = 0;     // sessions, cases and audit events acknowledged
    int64_t eventsRejected = 0;
    int64_t eventsPendingLeft = 0;
    int64_t conflicts = 0;      // of the rejected: records the central office holds in another version (each audited: upload_conflict)
    int64_t bytesSent = 0;  // request bodies as sent (compressed), every attempt
    ConfigOutcome config;   // the configuration download, first in every run (its failure does not stop the uploads)
    int64_t requests = 0;
};

struct SyncOptions {
    int64_t batchSize = 500;                // items of each kind per request
    size_t maxBatchBytes = 1024 * 1024;     // and at most this much JSON (before gzip) per request, unless one item is more
    int64_t maxSendBytesPerSecond = 0;      // upload speed cap (0: the provisioning's, if any)
    // Retries of network errors, 5xx, 408 and 429: exponential backoff with full jitter (AWS
    // architecture blog, "Exponential Backoff And Jitter"), at least Retry-After, within the deadline.
    int64_t backoffBaseMs = 1'000;
    int64_t backoffCapMs = 60'000;
    int64_t deadlineMs = 5 * 60'000;    // the whole run
    std::function<void(int64_t ms)> sleep;  // empty: really sleep
    std::function<int64_t()> monoNowMs;     // empty: the store's monotonic clock
    std::function<uint64_t()> random;       // empty: libsodium
    std::function<void(const std::string& body)> onBody; // sees each request body as sent (benchmarks)
    // When it becomes true the run stops at the next step (a transfer in flight is abandoned, a backoff
    // wait cut short) and answers retry: the kiosk is stopping. What was not answered stays pending.
    const std::atomic<bool>* cancel = nullptr;
};

// Makes `req` a signed request of this device for `method` and `path` (url, TLS settings, the
// X-SKM-* headers over its body as it stands) at `timestampS` by the central office's clock, with a
// new nonce, which it returns. Uploads and the configuration download both go through here.
std::string signRequest(HttpRequest& req, const Provisioning& p, const std::string& method, const std::string& path, int64_t timestampS);

// The delay Retry-After asks for ("120" or an HTTP date), in ms from `nowWallMs`; nullopt if absent or unreadable.
[[nodiscard]] std::optional<int64_t> retryAfterMs(const std::string& value, int64_t nowWallMs);

// How a wait of `ms` is slept: whole, or in steps of 100 ms (the last shorter) when the run can be
// cancelled, so that a stop is seen within 100 ms. The steps always add up to `ms`.
[[nodiscard]] std::vector<int64_t> waitSteps(int64_t ms, bool cancellable);

// Runs one sync and records its result in the store's meta (key last_sync, JSON). Never throws.
SyncResult syncOnce(store::RatingStore& store, const Provisioning& p, const Sender& send, const SyncOptions& options = {});

// One sync of the kiosk in `dataDir`, provisioned as `p`, on a store connection of its own. It is not
// the kiosk's connection: a damaged database is refused (an error, Problem::Damaged) and left as it is
// for the kiosk to move aside and salvage. A store that cannot be opened at all is an error too.
// `skm-sync --once` and the admin screen's "sync now" both run this. Never throws.
SyncResult syncDataDir(const std::filesystem::path& dataDir, const Provisioning& p, const Sender& send, const SyncOptions& options = {});

} // namespace skm::sync
