#pragma once
// The IKM line a central office publishes to its kiosks (issue 19): a unit's (or the office's) latest
// published IKM, which the attract screen shows under the faces. The central office writes it as
// publish/ikm-line.toml (`skm-central publish-ikm`), sync delivers it with the configuration as
// DATA_DIR/ikm-line.toml; without the file (the default) the kiosk shows nothing. Parsed whole or
// refused whole.

#include "ikm.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace skm::config {

struct PublishedIkm {
    std::string unit;                 // "Bidang Perizinan Usaha", or the office
    std::string periodId, periodEn;   // "Semester I Tahun 2026", "Semester 1, 2026"
    double ikm = 0;                   // the converted score, 25-100, two decimals
    char mutu = 'A';
    int64_t respondents = 0;
    bool operator==(const PublishedIkm&) const = default;
};

// Throws config::ConfigError naming the file, line and key.
[[nodiscard]] PublishedIkm parsePublishedIkm(const std::string& text, const std::string& name);
[[nodiscard]] std::string publishedIkmText(const PublishedIkm& p);

// DATA_DIR/ikm-line.toml as it stands: refresh() reads it again when it changed (or went away) and
// says whether what is shown changes. A file that does not parse shows nothing (and error() says why).
class PublishedIkmSource {
public:
    explicit PublishedIkmSource(std::filesystem::path file) : m_file(std::move(file)) {}
    bool refresh();
    [[nodiscard]] const std::optional<PublishedIkm>& current() const noexcept { return m_current; }
    [[nodiscard]] const std::string& error() const noexcept { return m_error; }

private:
    std::filesystem::path m_file;
    std::optional<std::filesystem::file_time_type> m_seen;
    std::optional<PublishedIkm> m_current;
    std::string m_error;
};

} // namespace skm::config
