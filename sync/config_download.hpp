#pragma once
// The device's half of GET /v1/config: fetches the configuration its central office publishes
// (roster with services, reason lists and officers' photos, survey definition) when it changed
// (If-None-Match with the ETag last applied), checks the answer's signature (a 304's too), then every
// file and photo (the roster's own parser), and only then applies it: the roster replaced in one
// transaction with its photos in DATA_DIR/photos/, the survey definition written to
// DATA_DIR/survey.toml. Anything refused leaves what is in force untouched and is recorded (audit
// event config_refused).

#include "http.hpp"
#include "outcome.hpp"
#include "provisioning.hpp"

#include <kiosk/store/rating_store.hpp>

#include <optional>
#include <string>
#include <vector>

namespace skm::sync {

struct ConfigOutcome {
    Outcome outcome;                 // ok: the configuration in force is the office's (applied now, or unchanged)
    std::string etag;                // the configuration in force after the run ("" if none yet)
    std::vector<std::string> files;  // the files applied this time
    bool changed = false;            // a new configuration was applied (else: unchanged, or not done)
    [[nodiscard]] bool applied() const { return outcome.ok() && changed; }
    [[nodiscard]] bool unchanged() const { return outcome.ok() && !changed; }
    // "applied", "unchanged", "retry" or "error" (the last_sync record).
    [[nodiscard]] std::string label() const { return applied() ? "applied" : unchanged() ? "unchanged" : outcome.kindName(); }
    // The office answered 503 or 429: how long it asked the device to stay away (Retry-After, or 0 if
    // it did not say); the uploads of the same run wait at least that long.
    std::optional<int64_t> busyForMs;
};

// `clockOffsetMs` is the offset to the central office's clock, as the upload learned it.
[[nodiscard]] ConfigOutcome downloadConfig(store::RatingStore& store, const Provisioning& p, const Sender& send, int64_t clockOffsetMs);

} // namespace skm::sync
