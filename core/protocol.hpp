#pragma once
// The wire protocol between a kiosk (skm-sync) and the central office (skm-central), version 1.
// docs/sync-protocol.md is the reference; this header is its code. No GUI, no network: both sides
// and the tests link it.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace skm::protocol {

inline constexpr int kVersion = 1;
inline constexpr const char* kUploadPath = "/v1/ratings";
inline constexpr const char* kConfigPath = "/v1/config";
// The files a device's configuration is made of (docs/sync-protocol.md, "Configuration download").
inline constexpr const char* kConfigFiles[] = {"roster.toml", "survey.toml", "ikm-line.toml"};
inline constexpr int64_t kClockWindowSeconds = 300;      // a timestamp further off is refused
inline constexpr size_t kMaxBodyBytes = 4 * 1024 * 1024;  // compressed, per request
inline constexpr size_t kMaxInflatedBytes = 32 * 1024 * 1024;
inline constexpr size_t kMaxItems = 5000;                 // ratings per request
// A configuration answer (GET /v1/config) inflates to at most this: the roster and the survey
// definition as text, and the officers' photos in base64 (roster::kMaxPhotosBytes in all).
inline constexpr size_t kMaxConfigInflatedBytes = 16 * 1024 * 1024;

// The kinds of record an upload body (and an export file) carries, in the order the device sends them.
inline constexpr const char* kItemKinds[] = {"ratings", "sessions", "cases", "audit", "surveys"};

// The USB export (docs/export-format.md): a file a kiosk writes for `skm-central import`, its records
// those of an upload, signed with the device's secret.
inline constexpr const char* kExportFormat = "skm-export";
inline constexpr int kExportVersion = 2;

// The body is gzip JSON sent as Content-Type application/gzip, not Content-Encoding: gzip, so that no
// HTTP layer inflates it before the signature (over the bytes as sent) is checked, and the server
// inflates it itself under kMaxInflatedBytes.
inline constexpr const char* kContentType = "application/gzip";

// Header names.
inline constexpr const char* kHeaderProtocol = "X-SKM-Protocol";
inline constexpr const char* kHeaderDevice = "X-SKM-Device";
inline constexpr const char* kHeaderTimestamp = "X-SKM-Timestamp";
inline constexpr const char* kHeaderNonce = "X-SKM-Nonce";
inline constexpr const char* kHeaderSignature = "X-SKM-Signature";

class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// gzip (RFC 1952) of `data`.
[[nodiscard]] std::string gzip(std::string_view data);
// The inflated `data`; throws ProtocolError if it is not gzip or inflates beyond `limit` bytes.
[[nodiscard]] std::string gunzip(std::string_view data, size_t limit = kMaxInflatedBytes);

// JSON nests at most this deep anywhere in the protocol (a record is an object of scalars, arrays of
// strings and at most a few levels of objects): deeper documents are refused before they are built,
// so that nothing recursive (dump, compare, handlers) ever walks an attacker's 100,000 levels.
inline constexpr int kMaxJsonDepth = 32;
// And holds at most this many values (objects, arrays, strings including keys, numbers, literals):
// 5,000 items of some 40 fields and values each fit four times over, while the memory a document
// takes once parsed stays bounded whatever its shape (docs/reliability.md: ["","",...] inflated to
// 32 MiB would otherwise be 11 million strings, 1.5 GB).
inline constexpr size_t kMaxJsonValues = 800'000;
// Throws ProtocolError when `text` nests deeper than `maxDepth` or holds more than `maxValues`
// values. Linear in the length of `text`; does not check that it is JSON.
void checkJsonShape(std::string_view text, int maxDepth = kMaxJsonDepth, size_t maxValues = kMaxJsonValues);
// `text` parsed as JSON; throws ProtocolError when it is not JSON or fails checkJsonShape. The
// message quotes no raw bytes (invalid UTF-8 is shown as \xNN).
[[nodiscard]] nlohmann::json parseJson(std::string_view text, int maxDepth = kMaxJsonDepth, size_t maxValues = kMaxJsonValues);

[[nodiscard]] std::string sha256Hex(std::string_view data);
// Base64 (RFC 4648, standard alphabet, with padding), how binary files travel in JSON.
[[nodiscard]] std::string base64Encode(std::string_view data);
// The bytes of `text`; throws ProtocolError unless all of it is base64 as base64Encode makes it.
[[nodiscard]] std::string base64Decode(std::string_view text);
// How many bytes base64Decode(text) would give, from the length and padding alone (to check a size
// before decoding).
[[nodiscard]] size_t base64DecodedSize(std::string_view text);
[[nodiscard]] std::string randomHex(size_t bytes);
// A device secret: 32 random bytes, hex.
[[nodiscard]] std::string newSecret();

// What is signed: method, path, timestamp, nonce and the SHA-256 of the body as sent (compressed),
// one per line.
[[nodiscard]] std::string canonicalRequest(std::string_view method, std::string_view path, int64_t timestamp, std::string_view nonce,
                                           std::string_view body);
// What the central office signs in a configuration response (X-SKM-Signature), so that a device
// accepts a roster only from its own central office: "RESPONSE", the request's nonce, the ETag and
// the SHA-256 of the body, one per line.
[[nodiscard]] std::string canonicalResponse(std::string_view requestNonce, std::string_view etag, std::string_view body);
// What a device signs in an export file: "EXPORT", then the SHA-256 (hex) of `content`, every byte
// of the file before its signature line.
[[nodiscard]] std::string canonicalExport(std::string_view content);
// HMAC-SHA256 (libsodium) of `message` under the hex `secret`, as hex. Throws ProtocolError for a bad secret.
[[nodiscard]] std::string sign(std::string_view secretHex, std::string_view message);
// Constant-time comparison of a presented signature with the expected one.
[[nodiscard]] bool verify(std::string_view secretHex, std::string_view message, std::string_view signatureHex);

} // namespace skm::protocol
