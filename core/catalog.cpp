#include "catalog.hpp"
#include "config_error.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace skm::config {

const char* langCode(Lang lang) { return lang == Lang::En ? "en" : "id"; }

namespace {

void flatten(const toml::table& t, const std::string& prefix, const std::string& name, std::map<std::string, std::string, std::less<>>& out)
{
    for (const auto& [k, node] : t) {
        const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (const toml::table* sub = node.as_table()) {
            flatten(*sub, key, name, out);
        } else if (auto v = node.value<std::string>(); node.is_string() && v) {
            out[key] = *v;
        } else {
            throw ConfigError(name, static_cast<int>(node.source().begin.line), key, "must be a string");
        }
    }
}

std::map<std::string, std::string, std::less<>> parse(const std::string& text, const std::string& name)
{
    std::map<std::string, std::string, std::less<>> out;
    try {
        flatten(toml::parse(text, name), "", name, out);
    } catch (const toml::parse_error& e) {
        throw ConfigError(name, static_cast<int>(e.source().begin.line), "", std::string(e.description()));
    }
    return out;
}

std::string readFile(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(file.string(), 0, "", "cannot read the translation catalogue");
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

} // namespace

Catalog Catalog::load(const fs::path& assetsDir)
{
    const fs::path id = assetsDir / "i18n" / "id.toml";
    const fs::path en = assetsDir / "i18n" / "en.toml";
    Catalog c;
    c.m_text[0] = parse(readFile(id), id.string());
    c.m_text[1] = parse(readFile(en), en.string());
    return c;
}

Catalog Catalog::fromText(const std::string& idText, const std::string& enText)
{
    Catalog c;
    c.m_text[0] = parse(idText, "id.toml");
    c.m_text[1] = parse(enText, "en.toml");
    return c;
}

const std::string& Catalog::text(Lang lang, std::string_view key) const
{
    const auto& own = m_text[lang == Lang::En ? 1 : 0];
    if (auto it = own.find(key); it != own.end()) return it->second;
    if (auto it = m_text[0].find(key); it != m_text[0].end()) return it->second;
    auto [it, inserted] = m_missing.try_emplace(std::string(key), std::string(key));
    return it->second;
}

std::string Catalog::format(Lang lang, std::string_view key, std::initializer_list<std::pair<std::string_view, std::string>> values) const
{
    std::string out = text(lang, key);
    for (const auto& [name, value] : values) {
        const std::string token = "{" + std::string(name) + "}";
        for (size_t pos = out.find(token); pos != std::string::npos; pos = out.find(token, pos + value.size())) {
            out.replace(pos, token.size(), value);
        }
    }
    return out;
}

std::vector<std::string> Catalog::keys(Lang lang) const
{
    std::vector<std::string> out;
    for (const auto& [key, text] : m_text[lang == Lang::En ? 1 : 0]) out.push_back(key);
    return out;
}

namespace {
std::string groupThousands(const std::string& digits, char separator)
{
    std::string out;
    const size_t n = digits.size();
    for (size_t i = 0; i < n; ++i) {
        if (i > 0 && (n - i) % 3 == 0) out += separator;
        out += digits[i];
    }
    return out;
}
} // namespace

std::string formatNumber(double value, int decimals, Lang lang)
{
    decimals = std::clamp(decimals, 0, 9);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(value));
    std::string text = buf;
    const size_t point = text.find('.');
    std::string whole = text.substr(0, point);
    std::string fraction = point == std::string::npos ? "" : text.substr(point + 1);
    const bool id = lang == Lang::Id;
    const bool negative = value < 0 && (std::stod(text) != 0.0);
    std::string out = (negative ? "-" : "") + groupThousands(whole, id ? '.' : ',');
    if (!fraction.empty()) out += (id ? ',' : '.') + fraction;
    return out;
}

std::string formatCount(long long value, Lang lang)
{
    const std::string digits = std::to_string(value < 0 ? -value : value);
    return (value < 0 ? "-" : "") + groupThousands(digits, lang == Lang::Id ? '.' : ',');
}

std::vector<std::string> Catalog::missing(Lang lang, const std::vector<std::string>& required) const
{
    std::vector<std::string> out;
    const auto& own = m_text[lang == Lang::En ? 1 : 0];
    for (const auto& k : required) {
        if (own.find(k) == own.end()) out.push_back(k);
    }
    return out;
}

std::vector<std::string> Catalog::unused(Lang lang, const std::vector<std::string>& required) const
{
    std::vector<std::string> out;
    for (const auto& [k, v] : m_text[lang == Lang::En ? 1 : 0]) {
        if (std::find(required.begin(), required.end(), k) == required.end()) out.push_back(k);
    }
    return out;
}

fs::path findAssetsDir(const std::string& configured)
{
    auto holdsCatalogue = [](const fs::path& dir) {
        std::error_code ec;
        return fs::exists(dir / "i18n" / "id.toml", ec);
    };
    if (!configured.empty()) {
        if (!holdsCatalogue(configured)) {
            throw ConfigError("kiosk.assets_dir", 0, "kiosk.assets_dir", configured + " holds no i18n/id.toml");
        }
        return configured;
    }
    std::vector<fs::path> candidates;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        candidates.push_back(exe.parent_path() / ".." / "share" / "skm-kiosk" / "assets");
        candidates.push_back(exe.parent_path() / ".." / ".." / "assets");
    }
#ifdef SKM_SOURCE_ASSETS_DIR
    candidates.emplace_back(SKM_SOURCE_ASSETS_DIR);
#endif
    for (const fs::path& c : candidates) {
        if (holdsCatalogue(c)) return fs::weakly_canonical(c);
    }
    std::string tried;
    for (const fs::path& c : candidates) tried += (tried.empty() ? "" : ", ") + c.string();
    throw ConfigError("assets", 0, "kiosk.assets_dir", "no translation catalogues found (tried " + tried + "); set kiosk.assets_dir");
}

} // namespace skm::config
