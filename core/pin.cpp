#include "pin.hpp"

#include <sodium.h>

#include <stdexcept>

namespace skm::roster {

std::string pinProblem(std::string_view pin)
{
    if (pin.size() < 4 || pin.size() > 8) return "a PIN has 4 to 8 digits";
    for (char c : pin) {
        if (c < '0' || c > '9') return "a PIN has digits only";
    }
    return {};
}

std::string hashPin(std::string_view pin)
{
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("Argon2id hashing failed (out of memory?)");
    }
    return out;
}

bool verifyPin(const std::string& hash, std::string_view pin)
{
    if (sodium_init() < 0 || !isArgon2idHash(hash)) return false;
    return crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

bool isArgon2idHash(std::string_view hash)
{
    return hash.size() < crypto_pwhash_STRBYTES && hash.rfind("$argon2id$", 0) == 0;
}

} // namespace skm::roster
