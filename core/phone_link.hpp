#pragma once
// The one-time link a kiosk shows as a QR code, to the central office's mobile questionnaire
// (docs/phone-survey.md). The kiosk makes it offline: what the response is tied to (the case or the
// rating, the officer, the service, the counter, the device) and an expiry, signed with the device's
// secret; the central office, which knows that secret, verifies it. One response per link: the
// response takes the link's `ref` (the case's id, or the rating's when there is no case) as its id, so
// a second one is the same record, refused as already answered.
//
// A unit's poster (kind 3, made by `skm-central poster-qr`, not by a kiosk) is the same format signed
// by the central office's own key (its "office-poster" device row): `counter` holds the unit, `ref`
// names the poster, there is no officer or case, and it takes many responses, each its own id, kept
// apart from the case-tied ones (docs/phone-survey.md, "Posters").
//
// The token is base64url (RFC 4648 §5, no padding) of:
//   version 1 (1 byte) · kind (1) · ref (16, a UUID) · expires (4, Unix seconds, big-endian) ·
//   NIP (8, big-endian, 0 for none) · case (16, zeros for none) · service (at most 32), counter (or a
//   poster's unit, at most 120, as a roster's unit), device (at most 64): each 1 byte of length, then UTF-8 · MAC (16: the first half of HMAC-SHA256 under the secret of "SKM-PHONE-1"
//   and every byte before it).
// About 120 characters: a QR code of version 8 to 10 that a phone reads from a 7" panel.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skm::phone {

enum class Kind : uint8_t { Rating = 1, Case = 2, Poster = 3 };

struct Link {
    Kind kind = Kind::Rating;
    std::string ref;           // UUID (canonical form): the one response's id
    int64_t expiresS = 0;      // Unix seconds
    std::string nip;           // "" for none (a counter-level rating)
    std::string caseId;        // "" for none
    std::string serviceCode;   // "" for none; at most 32 bytes
    std::string counter;       // at most 120 bytes (a poster's: its unit)
    std::string deviceId;      // at most 64 bytes
};

inline constexpr int64_t kDefaultLifetimeSeconds = 24 * 3600;
// The central office's device row whose secret signs its posters' links (and only those), under which
// their responses are stored. No kiosk may be registered, or sync, under this id.
inline constexpr const char* kPosterDevice = "office-poster";

// The token for `link`, signed with the hex `secretHex`. Throws std::invalid_argument for a link that
// cannot be encoded (a ref or case that is not a UUID, a NIP that is not 18 digits, a text too long).
[[nodiscard]] std::string encode(const Link& link, std::string_view secretHex);

enum class Problem { None, Malformed, Forged, Expired };
struct Decoded {
    Problem problem = Problem::Malformed;
    Link link; // filled unless Malformed (for Forged: as it claims, not to be trusted)
};
// The link `token` carries, read without its signature checked (to find the device whose secret
// checks it); Problem::Malformed, or None.
[[nodiscard]] Decoded read(std::string_view token);
// The link, verified: Forged when the MAC is not the device's (or anything was altered), Expired
// after its expiry.
[[nodiscard]] Decoded verify(std::string_view token, std::string_view secretHex, int64_t nowSeconds);

} // namespace skm::phone
