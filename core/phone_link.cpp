#include "phone_link.hpp"

#include "protocol.hpp"
#include "uuid.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace skm::phone {

namespace {
constexpr uint8_t kVersion = 1;
constexpr size_t kMacBytes = 16;
constexpr std::string_view kDomain = "SKM-PHONE-1";

std::string b64url(const std::string& bytes)
{
    std::string s = protocol::base64Encode(bytes);
    while (!s.empty() && s.back() == '=') s.pop_back();
    for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return s;
}

std::optional<std::string> unb64url(std::string_view text)
{
    if (text.empty() || text.size() > 400) return std::nullopt;
    std::string s(text);
    for (char& c : s) {
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (c == '+' || c == '/' || c == '=') return std::nullopt;
    }
    while (s.size() % 4 != 0) s += '=';
    try {
        return protocol::base64Decode(s);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string mac(std::string_view body, std::string_view secretHex)
{
    std::vector<unsigned char> key(32);
    size_t len = 0;
    if (secretHex.size() != 64 || sodium_hex2bin(key.data(), key.size(), secretHex.data(), secretHex.size(), nullptr, &len, nullptr) != 0 || len != 32) {
        throw std::invalid_argument("a device secret is 64 hex digits");
    }
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key.data(), key.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(kDomain.data()), kDomain.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
    crypto_auth_hmacsha256_final(&st, out);
    return std::string(reinterpret_cast<const char*>(out), kMacBytes);
}

void putUuid(std::string& out, const std::string& text, const char* what)
{
    if (text.empty()) {
        out.append(16, '\0');
        return;
    }
    const auto u = store::Uuid::parse(text);
    if (!u) throw std::invalid_argument(std::string(what) + " must be a UUID");
    out.append(reinterpret_cast<const char*>(u->bytes.data()), 16);
}

void putText(std::string& out, const std::string& text, size_t maxLen, const char* what)
{
    if (text.size() > maxLen) throw std::invalid_argument(std::string(what) + " is longer than " + std::to_string(maxLen) + " bytes");
    out += static_cast<char>(text.size());
    out += text;
}

std::string uuidText(const std::string& bytes, size_t at)
{
    store::Uuid u;
    bool zero = true;
    for (size_t i = 0; i < 16; ++i) {
        u.bytes[i] = static_cast<uint8_t>(bytes[at + i]);
        zero = zero && u.bytes[i] == 0;
    }
    return zero ? std::string() : u.str();
}

// The link in `bytes` (MAC not checked), or nullopt.
std::optional<Link> parse(const std::string& bytes)
{
    size_t at = 0;
    auto need = [&](size_t n) { return at + n <= bytes.size(); };
    if (!need(1 + 1 + 16 + 4 + 8 + 16) || static_cast<uint8_t>(bytes[0]) != kVersion) return std::nullopt;
    Link l;
    const uint8_t kind = static_cast<uint8_t>(bytes[1]);
    if (kind < 1 || kind > 3) return std::nullopt;
    l.kind = static_cast<Kind>(kind);
    at = 2;
    l.ref = uuidText(bytes, at);
    if (l.ref.empty()) return std::nullopt;
    at += 16;
    l.expiresS = 0;
    for (int i = 0; i < 4; ++i) l.expiresS = (l.expiresS << 8) | static_cast<uint8_t>(bytes[at++]);
    uint64_t nip = 0;
    for (int i = 0; i < 8; ++i) nip = (nip << 8) | static_cast<uint8_t>(bytes[at++]);
    if (nip != 0) {
        l.nip = std::to_string(nip);
        if (l.nip.size() != 18) return std::nullopt;
    }
    l.caseId = uuidText(bytes, at);
    at += 16;
    for (auto [field, maxLen] : {std::pair{&l.serviceCode, size_t{32}}, std::pair{&l.counter, size_t{120}}, std::pair{&l.deviceId, size_t{64}}}) {
        if (!need(1)) return std::nullopt;
        const size_t n = static_cast<uint8_t>(bytes[at++]);
        if (n > maxLen || !need(n)) return std::nullopt;
        *field = bytes.substr(at, n);
        at += n;
    }
    if (l.deviceId.empty() || bytes.size() != at + kMacBytes) return std::nullopt;
    return l;
}
} // namespace

std::string encode(const Link& link, std::string_view secretHex)
{
    std::string out;
    out += static_cast<char>(kVersion);
    out += static_cast<char>(link.kind);
    if (link.ref.empty()) throw std::invalid_argument("a link needs its ref");
    putUuid(out, link.ref, "ref");
    if (link.expiresS < 0 || link.expiresS > 0xffffffffLL) throw std::invalid_argument("expiry out of range");
    for (int i = 3; i >= 0; --i) out += static_cast<char>((link.expiresS >> (8 * i)) & 0xff);
    uint64_t nip = 0;
    if (!link.nip.empty()) {
        if (link.nip.size() != 18 || link.nip.find_first_not_of("0123456789") != std::string::npos || link.nip[0] == '0') {
            throw std::invalid_argument("a NIP is 18 digits");
        }
        nip = std::stoull(link.nip);
    }
    for (int i = 7; i >= 0; --i) out += static_cast<char>((nip >> (8 * i)) & 0xff);
    putUuid(out, link.caseId, "case");
    putText(out, link.serviceCode, 32, "the service code");
    putText(out, link.counter, 120, "the counter (a poster's unit)");
    if (link.deviceId.empty()) throw std::invalid_argument("a link names its device");
    putText(out, link.deviceId, 64, "the device id");
    out += mac(out, secretHex);
    return b64url(out);
}

Decoded read(std::string_view token)
{
    Decoded d;
    const auto bytes = unb64url(token);
    if (!bytes) return d;
    const auto link = parse(*bytes);
    if (!link) return d;
    d.link = *link;
    d.problem = Problem::None;
    return d;
}

Decoded verify(std::string_view token, std::string_view secretHex, int64_t nowSeconds)
{
    Decoded d = read(token);
    if (d.problem != Problem::None) return d;
    const std::string bytes = *unb64url(token);
    const std::string body = bytes.substr(0, bytes.size() - kMacBytes);
    const std::string expected = mac(body, secretHex);
    if (sodium_memcmp(expected.data(), bytes.data() + body.size(), kMacBytes) != 0) {
        d.problem = Problem::Forged;
        return d;
    }
    // The same bytes re-encoded: a token that decodes but is not the one made (base64 slack) is refused.
    if (b64url(bytes) != token) {
        d.problem = Problem::Malformed;
        return d;
    }
    if (nowSeconds > d.link.expiresS) d.problem = Problem::Expired;
    return d;
}

} // namespace skm::phone
