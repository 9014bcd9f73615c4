#include "complaint_ref.hpp"

#include <sodium.h>

#include <cctype>
#include <cstdint>
#include <stdexcept>

namespace skm::complaint {

namespace {
// Crockford's base32 (https://www.crockford.com/base32.html): the digits and the letters but I, L, O, U.
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kChars = 8; // 40 bits
} // namespace

std::string referenceFor(const std::string& ratingId)
{
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    const std::string input = "skm-complaint-ref-v1:" + ratingId;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    uint64_t bits = 0;
    for (int i = 0; i < 5; ++i) bits = (bits << 8) | h[i];
    std::string code(kChars, '0');
    for (size_t i = 0; i < kChars; ++i) code[kChars - 1 - i] = kAlphabet[(bits >> (5 * i)) & 31];
    return "SKM-" + code.substr(0, 4) + "-" + code.substr(4);
}

std::optional<std::string> normalizeReference(const std::string& typed)
{
    std::string s;
    for (const char c : typed) {
        if (c == '-' || c == ' ') continue;
        s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (s.size() == kChars + 3 && s.compare(0, 3, "SKM") == 0) s.erase(0, 3);
    if (s.size() != kChars) return std::nullopt;
    for (char& c : s) {
        if (c == 'O') c = '0'; // what Crockford's decoding reads for the letters it leaves out
        if (c == 'I' || c == 'L') c = '1';
        bool known = false;
        for (const char* a = kAlphabet; *a; ++a) known = known || *a == c;
        if (!known) return std::nullopt;
    }
    return "SKM-" + s.substr(0, 4) + "-" + s.substr(4);
}

std::string laporUrlProblem(const std::string& url)
{
    if (url.size() > kMaxLaporUrlLength) return "is longer than " + std::to_string(kMaxLaporUrlLength) + " characters";
    if (url.rfind("https://", 0) != 0) return "must be an https:// address (the citizen's phone opens it), found \"" + url + "\"";
    for (const unsigned char c : url) {
        if (c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') return "must be printable ASCII with no spaces, quotes or angle brackets";
    }
    const std::string host = url.substr(8, url.find_first_of("/?#", 8) - 8);
    if (host.empty() || host.find('@') != std::string::npos) return "must name a host after https:// (and no user@), found \"" + url + "\"";
    return "";
}

} // namespace skm::complaint
