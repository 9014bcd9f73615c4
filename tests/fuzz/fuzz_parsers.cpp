// libFuzzer targets for everything that reads outside input (issue 9). One binary per target, chosen
// at compile time by SKM_FUZZ_TARGET; built with clang, ASan and UBSan by tests/fuzz/run.sh. Each
// target must never crash, leak or hit undefined behaviour, whatever the bytes: a bad input is refused
// with a message (an exception of the documented type), nothing else.
#include <config/config.hpp>
#include <config/survey.hpp>
#include <roster/roster.hpp>

#include <central_store.hpp>
#include <protocol.hpp>
#include <uploader.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
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
        (void)skm::roster::parseRoster(text, "fuzz.toml");
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
#else
#error "SKM_FUZZ_TARGET: 1 config, 2 roster, 3 survey, 4 wire (central), 5 Retry-After"
#endif
    return 0;
}
