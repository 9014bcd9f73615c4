#include "protocol.hpp"

#include <functional>
#include <limits>

#include <sodium.h>
#include <zlib.h>

#include <vector>

namespace skm::protocol {

namespace {
void needSodium()
{
    if (sodium_init() < 0) throw ProtocolError("libsodium failed to initialise");
}

std::string hex(const unsigned char* data, size_t len)
{
    std::string out(len * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), data, len);
    out.pop_back();
    return out;
}

std::vector<unsigned char> unhex(std::string_view h)
{
    std::vector<unsigned char> out(h.size() / 2 + 1);
    size_t len = 0;
    if (sodium_hex2bin(out.data(), out.size(), h.data(), h.size(), nullptr, &len, nullptr) != 0) throw ProtocolError("not hex");
    out.resize(len);
    return out;
}
} // namespace

std::string gzip(std::string_view data)
{
    z_stream z{};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw ProtocolError("deflateInit2 failed");
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    const size_t produced = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw ProtocolError("gzip failed");
    out.resize(produced);
    return out;
}

std::string gunzip(std::string_view data, size_t limit)
{
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) throw ProtocolError("inflateInit2 failed");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buf[65536];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&z);
            throw ProtocolError("the body is not valid gzip");
        }
        out.append(buf, sizeof buf - z.avail_out);
        if (out.size() > limit) {
            inflateEnd(&z);
            throw ProtocolError("the body inflates beyond " + std::to_string(limit) + " bytes");
        }
        if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            inflateEnd(&z);
            throw ProtocolError("the gzip body is truncated");
        }
    }
    inflateEnd(&z);
    return out;
}

namespace {

// A parse error's message quotes the bytes last read, which may be anything (invalid UTF-8 above
// all): printable ASCII is kept, the rest is shown as \xNN, so that the message can go into a JSON
// answer and a log line.
std::string printable(std::string_view text)
{
    std::string out;
    for (const unsigned char c : text) {
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            static const char* digits = "0123456789abcdef";
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

} // namespace

void checkJsonShape(std::string_view text, int maxDepth, size_t maxValues)
{
    // One pass over the text, linear in its length: the nesting depth and the number of values
    // (every object, array, string, including keys, and every other scalar). Strings are skipped
    // with their escapes; what is not JSON is left for the parser to refuse.
    int depth = 0;
    size_t values = 0;
    bool inString = false, escaped = false, inScalar = false;
    for (const char c : text) {
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        const bool scalarChar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' || (c >= 'A' && c <= 'Z');
        if (scalarChar) {
            if (!inScalar) ++values;
            inScalar = true;
            continue;
        }
        inScalar = false;
        if (c == '"') {
            inString = true;
            ++values;
        } else if (c == '{' || c == '[') {
            ++values;
            if (++depth > maxDepth) throw ProtocolError("JSON nested deeper than " + std::to_string(maxDepth) + " levels");
        } else if (c == '}' || c == ']') {
            --depth;
        }
        if (values > maxValues) throw ProtocolError("JSON with more than " + std::to_string(maxValues) + " values");
    }
    if (values > maxValues) throw ProtocolError("JSON with more than " + std::to_string(maxValues) + " values");
}

nlohmann::json parseJson(std::string_view text, int maxDepth, size_t maxValues)
{
    // Checked first, in linear time, so that the parser (which keeps its own stack, not the C++ one)
    // only ever builds a bounded document. (A parse callback would check the depth as it goes, but
    // nlohmann 3.11's callback parser re-scans the parent array at every closing brace: quadratic,
    // hours of CPU for a few MiB of "[{},{},...]".)
    checkJsonShape(text, maxDepth, maxValues);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw ProtocolError("not JSON: " + printable(e.what()));
    }
    // Every integer of the protocol is a signed 64-bit one: a larger one (which nlohmann keeps as
    // unsigned) would wrap to a negative number where it is read as int64_t. The walk is bounded by
    // the shape check above.
    const std::function<void(const nlohmann::json&)> walk = [&walk](const nlohmann::json& v) {
        if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            throw ProtocolError("JSON with an integer beyond 9223372036854775807");
        }
        if (v.is_structured()) {
            for (const auto& child : v) walk(child);
        }
    };
    walk(j);
    return j;
}

std::string sha256Hex(std::string_view data)
{
    needSodium();
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return hex(h, sizeof h);
}

std::string base64Encode(std::string_view data)
{
    needSodium();
    std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(), sodium_base64_VARIANT_ORIGINAL);
    out.pop_back(); // the terminating NUL
    return out;
}

size_t base64DecodedSize(std::string_view text)
{
    size_t n = text.size() / 4 * 3 + text.size() % 4 * 3 / 4;
    for (size_t i = 0; i < 2 && i < text.size() && text[text.size() - 1 - i] == '='; ++i) --n;
    return n;
}

std::string base64Decode(std::string_view text)
{
    needSodium();
    std::string out(base64DecodedSize(text) + 1, '\0');
    size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size()) {
        throw ProtocolError("not base64");
    }
    out.resize(len);
    return out;
}

std::string randomHex(size_t bytes)
{
    needSodium();
    std::vector<unsigned char> r(bytes);
    randombytes_buf(r.data(), r.size());
    return hex(r.data(), r.size());
}

std::string newSecret() { return randomHex(32); }

std::string canonicalRequest(std::string_view method, std::string_view path, int64_t timestamp, std::string_view nonce, std::string_view body)
{
    std::string s;
    s.append(method).append("\n").append(path).append("\n").append(std::to_string(timestamp)).append("\n").append(nonce).append("\n");
    s.append(sha256Hex(body));
    return s;
}

std::string canonicalExport(std::string_view content) { return "EXPORT\n" + sha256Hex(content); }

std::string sign(std::string_view secretHex, std::string_view message)
{
    needSodium();
    const auto key = unhex(secretHex);
    if (key.size() != 32) throw ProtocolError("a device secret is 32 bytes of hex");
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key.data(), key.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    crypto_auth_hmacsha256_final(&st, mac);
    return hex(mac, sizeof mac);
}

bool verify(std::string_view secretHex, std::string_view message, std::string_view signatureHex)
{
    std::string expected;
    try {
        expected = sign(secretHex, message);
    } catch (const ProtocolError&) {
        return false;
    }
    return expected.size() == signatureHex.size() && sodium_memcmp(expected.data(), signatureHex.data(), expected.size()) == 0;
}

std::string canonicalResponse(std::string_view requestNonce, std::string_view etag, std::string_view body)
{
    std::string s = "RESPONSE\n";
    s.append(requestNonce);
    s += '\n';
    s.append(etag);
    s += '\n';
    s.append(sha256Hex(body));
    return s;
}

} // namespace skm::protocol
