#pragma once
// Translation catalogues: assets/i18n/<lang>.toml, flat "section.key" = text, edited by translators
// without touching code. Indonesian is the default; a key missing in English falls back to Indonesian,
// and one missing in both shows its key (and the test suite fails on it).

#include "config_error.hpp"

#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skm::config {

enum class Lang { Id, En };
[[nodiscard]] const char* langCode(Lang lang);

class Catalog {
public:
    // Reads DIR/i18n/id.toml and DIR/i18n/en.toml. Throws ConfigError naming file, line and key for a
    // malformed file or a value that is not a string.
    [[nodiscard]] static Catalog load(const std::filesystem::path& assetsDir);
    // The same from TOML text (tests).
    [[nodiscard]] static Catalog fromText(const std::string& idText, const std::string& enText);

    // The text for `key`, with fallbacks as above. The reference stays valid for the catalogue's life.
    [[nodiscard]] const std::string& text(Lang lang, std::string_view key) const;
    // text() with each "{name}" replaced by its value.
    [[nodiscard]] std::string format(Lang lang, std::string_view key,
                                     std::initializer_list<std::pair<std::string_view, std::string>> values) const;
    // The keys of `required` that `lang`'s own file lacks, and the keys it has that are not required.
    [[nodiscard]] std::vector<std::string> missing(Lang lang, const std::vector<std::string>& required) const;
    [[nodiscard]] std::vector<std::string> unused(Lang lang, const std::vector<std::string>& required) const;
    // Every key of `lang`'s own file, sorted.
    [[nodiscard]] std::vector<std::string> keys(Lang lang) const;

private:
    std::map<std::string, std::string, std::less<>> m_text[2];
    mutable std::map<std::string, std::string, std::less<>> m_missing; // "key" shown for unknown keys
};

// Numbers as each language writes them: Indonesian 82,45 and 1.234; English 82.45 and 1,234.
// `decimals` digits after the decimal sign, rounded half away from zero; thousands always grouped.
[[nodiscard]] std::string formatNumber(double value, int decimals, Lang lang);
[[nodiscard]] std::string formatCount(long long value, Lang lang);

// The assets directory: `configured` if set; else the first of BIN/../share/skm-kiosk/assets and
// BIN/../../assets (the build tree) and the source tree's assets/ that holds i18n/id.toml.
// Throws ConfigError if none does.
[[nodiscard]] std::filesystem::path findAssetsDir(const std::string& configured);

} // namespace skm::config
