#pragma once
// A unit's poster (issue 20, docs/phone-survey.md "Posters"): `skm-central poster-qr`. A QR code with
// a link to the phone questionnaire that is not tied to a case: signed with the office's own poster
// key (kPosterDevice's secret, made here the first time), for a unit (and optionally a service), valid
// for a number of days, answered as often as citizens scan it. Its responses are marked unverified and
// kept apart from the case-tied ones in every score.

#include <central/store/central_store.hpp>
#include <core/phone_link.hpp>
#include <core/qr.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace skm::central {

class PosterError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PosterRequest {
    std::string unit;          // as in the roster's officers (checked against the published roster)
    std::string serviceCode;   // "" for none
    std::string baseUrl;       // the central office as phones reach it
    int days = 365;
};

struct Poster {
    phone::Link link;
    std::string url;
    qr::Matrix code;
    std::string serviceName;   // the published roster's, "" without a service
};

// Checks the request (the unit and service against DATA_DIR/publish/roster.toml when there is one) and
// signs the link. Throws PosterError with what to change.
[[nodiscard]] Poster makePoster(CentralStore& store, const std::filesystem::path& dataDir, const PosterRequest& request, int64_t nowMs);

// An A4 page to print: the title, the unit, the code (12 cm), what to do, the link and its last day.
[[nodiscard]] std::string posterSvg(const Poster& poster);
// The code alone, `pixelsPerModule` a module with its quiet zone, as an 8-bit greyscale PNG.
[[nodiscard]] std::string posterPng(const Poster& poster, int pixelsPerModule);

} // namespace skm::central
