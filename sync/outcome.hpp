#pragma once
// What a step of the sync path came to, in one shape for every step (the configuration download, each
// batch's delivery, the whole run, `skm-sync --once` and the admin screen's "Sync now"):
//   ok     done;
//   retry  not done now, and the next run will do it by itself (the network, the office busy or
//          failing, the run's deadline, records that arrived during the run);
//   error  not done, and it will not be until someone acts (a certificate or pinned key that does not
//          verify, credentials refused, a damaged database, a configuration the device refuses).
// (An upload answer that is not a result list is a retry: the office's next answer may be whole.)
// `problem` says which, for the technician's screen and skm-sync's exit status; `message` says it in
// English for the journal. Nothing on the sync path throws to its caller.

#include <string>
#include <utility>

namespace skm::sync {

struct Outcome {
    enum class Kind { Ok, Retry, Error };
    enum class Problem {
        None,
        Network, // no answer: the link, DNS, a refused connection
        Busy,    // the office answered 503 or 429
        Tls,     // the office's certificate or pinned key did not verify
        Refused, // the office refused this device's credentials (401)
        Damaged, // the kiosk's database is damaged: left untouched for the kiosk to salvage
        Other,
    };
    Kind kind = Kind::Ok;
    Problem problem = Problem::None;
    std::string message;

    [[nodiscard]] static Outcome done() { return {}; }
    [[nodiscard]] static Outcome retry(Problem p, std::string why) { return {Kind::Retry, p, std::move(why)}; }
    [[nodiscard]] static Outcome error(Problem p, std::string why) { return {Kind::Error, p, std::move(why)}; }
    [[nodiscard]] bool ok() const noexcept { return kind == Kind::Ok; }
    // "ok", "retry" or "error" (the last_sync record, logs).
    [[nodiscard]] const char* kindName() const noexcept { return kind == Kind::Ok ? "ok" : kind == Kind::Retry ? "retry" : "error"; }
    // "none", "network", "busy", "tls", "refused", "damaged" or "other" (the last_sync record, which the
    // admin screen reads: ui::syncProblemKey).
    [[nodiscard]] const char* problemName() const noexcept
    {
        switch (problem) {
        case Problem::None: return "none";
        case Problem::Network: return "network";
        case Problem::Busy: return "busy";
        case Problem::Tls: return "tls";
        case Problem::Refused: return "refused";
        case Problem::Damaged: return "damaged";
        case Problem::Other: break;
        }
        return "other";
    }
    // Something went wrong (a retry with no problem is a run that went well while more records arrived).
    [[nodiscard]] bool wrong() const noexcept { return kind != Kind::Ok && problem != Problem::None; }
};

} // namespace skm::sync
