// libFuzzer targets for everything that reads outside input (issue 9). One binary per target, chosen
// at compile time by SKM_FUZZ_TARGET; built with clang, ASan and UBSan by tests/fuzz/run.sh. Each
// target must never crash, leak or hit undefined behaviour, whatever the bytes: a bad input is refused
// with a message (an exception of the documented type), nothing else.
#include <kiosk/config/config.hpp>
#include <core/survey.hpp>
#include <kiosk/roster/roster_store.hpp>

#include <central/store/central_store.hpp>
#include <central/store/records.hpp>
#include <core/protocol.hpp>
#include <sync/uploader.hpp>

#include <kiosk/store/rating_store.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
#if SKM_FUZZ_TARGET == 1 // the kiosk configuration (TOML)
    try {
        (void)skm::config::loadText(text, "fuzz.toml");
    } catch (const skm::config::ConfigError&) {
    }
#elif SKM_FUZZ_TARGET == 2 // the roster (TOML)
    try {
        (void)skm::roster::parseRoster(text, "fuzz.toml", [](const std::string&) { return std::optional<skm::roster::PhotoData>(); });
    } catch (const skm::roster::RosterError&) {
    }
#elif SKM_FUZZ_TARGET == 3 // the survey definition (TOML)
    try {
        (void)skm::config::parseSurvey(text, "fuzz.toml");
    } catch (const skm::config::SurveyError&) {
    }
#elif SKM_FUZZ_TARGET == 4 // the central office's side of the wire: a body, inflated, parsed, validated
    try {
        const std::string inflated = skm::protocol::gunzip(text, 1 << 20);
        const nlohmann::json body = nlohmann::json::parse(inflated, nullptr, false);
        if (body.is_object() && body.contains("ratings") && body["ratings"].is_array()) {
            for (const auto& r : body["ratings"]) (void)skm::central::validateRating(r, "fuzz-device");
        }
    } catch (const skm::protocol::ProtocolError&) {
    }
    // The same bytes as an uninflated JSON body.
    const nlohmann::json raw = nlohmann::json::parse(text, nullptr, false);
    if (raw.is_array()) {
        for (const auto& r : raw) (void)skm::central::validateRating(r, "fuzz-device");
    } else if (raw.is_object()) {
        (void)skm::central::validateRating(raw, "fuzz-device");
    }
#elif SKM_FUZZ_TARGET == 5 // the device's side: Retry-After as the server (or a proxy) sends it
    (void)skm::sync::retryAfterMs(text, 1'800'000'000'000);
#elif SKM_FUZZ_TARGET == 6 // the device's side of the wire: whatever the server (or a proxy) answers
    // A real store with pending ratings, sessions of sync against a "server" that answers these bytes:
    // byte 0 picks the status, byte 1 the headers, the rest is the body of every answer.
    static skm::store::RatingStore* store = [] {
        const auto dir = std::filesystem::path("/dev/shm") / ("skm-fuzz-device-" + std::to_string(getpid())); // fsync is free there
        std::filesystem::remove_all(dir);
        spdlog::set_level(spdlog::level::off); // thousands of "retrying" lines per second otherwise
        skm::store::StoreOptions o;
        o.dataDir = dir;
        o.deviceId = "fuzz-device";
        o.counter = "Loket 1";
        auto* s = new skm::store::RatingStore(o);
        for (int i = 0; i < 3; ++i) (void)s->commit(s->stamp(i + 1));
        return s;
    }();
    static const int kStatus[] = {200, 200, 200, 304, 400, 401, 403, 404, 409, 413, 429, 500, 503, 0};
    const int status = size > 0 ? kStatus[data[0] % std::size(kStatus)] : 200;
    const int headers = size > 1 ? data[1] : 0;
    const std::string body = size > 2 ? text.substr(2) : std::string();
    store->database().exec("UPDATE ratings SET upload_status = 'pending'"); // the same start for every input
    skm::sync::Provisioning p;
    p.centralUrl = "http://127.0.0.1:9/";
    p.deviceId = "fuzz-device";
    p.secret = std::string(64, 'a');
    skm::sync::SyncOptions options;
    int64_t now = 0;
    options.sleep = [&](int64_t ms) { now += ms; };
    options.monoNowMs = [&] { return now += 10; };
    options.random = [] { return uint64_t{0x9E3779B97F4A7C15}; }; // mid-range: a real jitter, not 0 ms
    options.deadlineMs = 30'000;
    const auto send = [&](const skm::sync::HttpRequest&) {
        skm::sync::HttpResponse r;
        r.status = status;
        r.body = body;
        if (status == 0) r.error = "fuzz: no answer";
        if (headers & 1) r.headers["retry-after"] = body.substr(0, 12);
        if (headers & 2) r.headers["etag"] = body.substr(0, 40);
        if (headers & 4) r.headers["x-skm-signature"] = body.substr(0, 64);
        if (headers & 8) r.headers["content-type"] = "application/json";
        return r;
    };
    (void)skm::sync::syncOnce(*store, p, send, options);
#else
#error "SKM_FUZZ_TARGET: 1 config, 2 roster, 3 survey, 4 wire (central), 5 Retry-After, 6 device (answers)"
#endif
    return 0;
}
