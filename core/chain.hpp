#pragma once
// The tamper-evident chain of a kiosk's ratings (docs/sync-protocol.md, "Hash chain").
//
// Each rating row stores `prev_hash`, the chain hash of the rating committed just before it on this
// store (64 zeros for the first), and `hash`, its own: SHA-256 over the compact JSON array
//   [prev_hash, id, score, created_wall_ms, created_mono_ms, boot_id, counter,
//    officer_nip, case_id, service_code, suppressed, language, scope]
// (nulls as null, suppressed as true/false). The fields are those fixed at the tap; the follow-up
// reasons and comment, which may change for a while after it, and the device id, which provisioning
// may assign later, are not covered. The central office recomputes every hash from what it receives
// and reports a rating whose predecessor is missing (a gap) or does not match (a break).

#include <cstdint>
#include <optional>
#include <string>

namespace skm::store {

inline constexpr const char* kChainGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

struct ChainFields {
    std::string id;
    int64_t score = 0;
    int64_t createdWallMs = 0;
    int64_t createdMonoMs = 0;
    std::string bootId;
    std::string counter;
    std::optional<std::string> officerNip;
    std::optional<std::string> caseId;
    std::optional<std::string> serviceCode;
    bool suppressed = false;
    std::string language;
    std::string scope;
};

// The hex SHA-256 chain hash of a rating whose predecessor's hash is `prevHash`.
[[nodiscard]] std::string chainHash(const std::string& prevHash, const ChainFields& f);

} // namespace skm::store
