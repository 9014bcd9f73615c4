#pragma once
// The reference code of a complaint hand-off (docs/complaints.md): "SKM-7K3Q-9XM2", eight Crockford
// base32 characters (no I, L, O or U) made from the rating's id alone, so the kiosk stores nothing
// more and asks the citizen nothing. The kiosk draws it beside the SP4N-LAPOR! QR code; the central
// office finds the rating again from it (skm-central complaint-ref). One implementation for both.

#include <optional>
#include <string>

namespace skm::complaint {

inline constexpr const char* kDefaultLaporUrl = "https://www.lapor.go.id";
inline constexpr size_t kMaxLaporUrlLength = 200;

// "SKM-XXXX-XXXX": the first 40 bits of SHA-256("skm-complaint-ref-v1:" + ratingId), Crockford base32.
// The same id gives the same code on every machine; 40 bits, so two ratings may share a code (about
// one pair in a million ratings with a complaint reason): a lookup lists every rating that matches.
[[nodiscard]] std::string referenceFor(const std::string& ratingId);

// What a person typed or read out ("skm 7k3q-9xm2", "7K3Q9XM2", with O for 0 and I or L for 1) in the
// form referenceFor makes; nullopt when it is not eight base32 characters (with or without "SKM").
[[nodiscard]] std::optional<std::string> normalizeReference(const std::string& typed);

// Why `url` cannot be the complaint channel's address ("" when it can): https://HOST[/PATH], at most
// kMaxLaporUrlLength characters, printable ASCII without spaces, quotes or angle brackets.
[[nodiscard]] std::string laporUrlProblem(const std::string& url);

} // namespace skm::complaint
