#include "published_ikm.hpp"

#include "config_error.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace skm::config {

PublishedIkm parsePublishedIkm(const std::string& text, const std::string& name)
{
    toml::table doc;
    try {
        doc = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        throw ConfigError(name, static_cast<int>(e.source().begin.line), "", std::string(e.description()));
    }
    static const std::set<std::string> keys = {"unit", "period_id", "period_en", "ikm", "mutu", "respondents"};
    for (const auto& [k, v] : doc) {
        if (!keys.count(std::string(k.str()))) throw ConfigError(name, static_cast<int>(v.source().begin.line), std::string(k.str()), "unknown key");
    }
    auto text_ = [&](const char* key, size_t max) {
        const auto v = doc[key].value<std::string>();
        if (!v || v->empty() || v->size() > max) throw ConfigError(name, 1, key, "must be a non-empty string of at most " + std::to_string(max) + " bytes");
        return *v;
    };
    PublishedIkm p;
    p.unit = text_("unit", 120);
    p.periodId = text_("period_id", 60);
    p.periodEn = text_("period_en", 60);
    const auto ikm = doc["ikm"].value<double>();
    if (!ikm || !std::isfinite(*ikm) || *ikm < 25 || *ikm > 100) throw ConfigError(name, 1, "ikm", "must be a number from 25 to 100");
    p.ikm = ikm::round2(*ikm);
    const std::string mutu = text_("mutu", 1);
    if (mutu[0] != static_cast<char>(ikm::mutuLetter(ikm::mutuOf(p.ikm)))) throw ConfigError(name, 1, "mutu", "is not the mutu of " + std::to_string(p.ikm));
    p.mutu = mutu[0];
    const auto n = doc["respondents"].value<int64_t>();
    if (!n || *n < 1) throw ConfigError(name, 1, "respondents", "must be a whole number of at least 1");
    p.respondents = *n;
    return p;
}

std::string publishedIkmText(const PublishedIkm& p)
{
    toml::table t{{"unit", p.unit}, {"period_id", p.periodId}, {"period_en", p.periodEn}, {"ikm", p.ikm}, {"mutu", std::string(1, p.mutu)},
                  {"respondents", p.respondents}};
    std::ostringstream o;
    o << "# The IKM line the kiosks show on their attract screen (skm-central publish-ikm; delete to withdraw).\n" << t << '\n';
    return o.str();
}

bool PublishedIkmSource::refresh()
{
    std::error_code ec;
    const auto when = std::filesystem::last_write_time(m_file, ec);
    if (ec) { // no file: nothing is shown
        const bool changed = m_current.has_value();
        m_current.reset();
        m_seen.reset();
        return changed;
    }
    if (m_seen && *m_seen == when) return false;
    m_seen = when;
    std::ifstream in(m_file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::optional<PublishedIkm> next;
    try {
        next = parsePublishedIkm(text.str(), m_file.string());
        m_error.clear();
    } catch (const ConfigError& e) {
        m_error = e.what();
    }
    const bool changed = next != m_current;
    m_current = std::move(next);
    return changed;
}

} // namespace skm::config
