#include "chain.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

namespace skm::store {

namespace {
nlohmann::json orNull(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
} // namespace

std::string chainHash(const std::string& prevHash, const ChainFields& f)
{
    const nlohmann::json canonical = nlohmann::json::array({prevHash, f.id, f.score, f.createdWallMs, f.createdMonoMs, f.bootId, f.counter,
                                                            orNull(f.officerNip), orNull(f.caseId), orNull(f.serviceCode), f.suppressed,
                                                            f.language, f.scope});
    const std::string text = canonical.dump();
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

} // namespace skm::store
