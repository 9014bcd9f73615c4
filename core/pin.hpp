#pragma once
// PINs are stored only as Argon2id hashes (libsodium's crypto_pwhash_str, interactive limits).

#include <string>
#include <string_view>

namespace skm::roster {

// A PIN is 4 to 8 digits. Returns an empty string if `pin` is acceptable, else why not.
[[nodiscard]] std::string pinProblem(std::string_view pin);
// The Argon2id hash of `pin` ("$argon2id$v=19$m=65536,t=2,p=1$..."). Throws std::runtime_error when
// libsodium cannot allocate the memory it needs.
[[nodiscard]] std::string hashPin(std::string_view pin);
// Whether `pin` matches `hash`; false for a malformed hash. Takes ~0.1 s by design.
[[nodiscard]] bool verifyPin(const std::string& hash, std::string_view pin);
// Whether `hash` looks like an Argon2id hash string.
[[nodiscard]] bool isArgon2idHash(std::string_view hash);

} // namespace skm::roster
