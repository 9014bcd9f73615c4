#include "survey.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <set>

namespace skm::config {

namespace {

int lineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

struct Entry {
    const toml::table& table;
    std::string where;
    std::set<std::string> allowed;

    [[noreturn]] void fail(const std::string& problem) const { throw SurveyError(where + ": " + problem); }
    std::string text(const std::string& key, size_t maxLen) const
    {
        const toml::node* n = table.get(key);
        if (!n) fail("'" + key + "' is missing");
        const auto v = n->value<std::string>();
        if (!n->is_string() || !v) fail("'" + key + "' must be a string");
        if (v->empty()) fail("'" + key + "' is empty");
        if (v->size() > maxLen) fail("'" + key + "' is longer than " + std::to_string(maxLen) + " characters");
        return *v;
    }
    std::vector<std::string> labels(const std::string& key, size_t count, size_t maxLen) const
    {
        const toml::node* n = table.get(key);
        if (!n) fail("'" + key + "' is missing");
        const toml::array* a = n->as_array();
        if (!a || a->size() != count) fail("'" + key + "' must list " + std::to_string(count) + " labels");
        std::vector<std::string> out;
        for (const auto& item : *a) {
            const auto v = item.value<std::string>();
            if (!item.is_string() || !v || v->empty() || v->size() > maxLen) fail("'" + key + "' must hold non-empty strings of at most " + std::to_string(maxLen) + " characters");
            out.push_back(*v);
        }
        return out;
    }
    void checkFields() const
    {
        for (const auto& [k, v] : table) {
            if (!allowed.count(std::string(k.str()))) fail("unknown field '" + std::string(k.str()) + "'");
        }
    }
};

const toml::array& tables(const toml::table& doc, const char* key, const std::string& name)
{
    static const toml::array empty;
    const toml::node* n = doc.get(key);
    if (!n) return empty;
    const toml::array* a = n->as_array();
    if (!a || !a->is_array_of_tables()) throw SurveyError(name + ":" + std::to_string(lineOf(*n)) + ": '" + key + "' must be [[" + key + "]] tables");
    return *a;
}

} // namespace

SurveyDefinition parseSurvey(const std::string& text, const std::string& name)
{
    toml::table doc;
    try {
        doc = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        throw SurveyError(name + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    }
    Entry top{doc, name, {"version", "ikm", "unsur", "profile", "saran"}};
    top.checkFields();
    SurveyDefinition d;
    d.version = top.text("version", 64);
    if (const toml::node* n = doc.get("ikm")) {
        if (!n->is_table()) throw SurveyError(name + ":" + std::to_string(lineOf(*n)) + ": 'ikm' must be an [ikm] table");
        Entry e{*n->as_table(), name + ":" + std::to_string(lineOf(*n)) + ": ikm", {"weighting"}};
        e.checkFields();
        if (e.table.get("weighting")) {
            const std::string w = e.text("weighting", 16);
            const auto parsed = ikm::parseWeighting(w);
            if (!parsed) e.fail("weighting must be \"exact\" (1/9) or \"0.111\" (as the regulation prints it); got '" + w + "'");
            d.weighting = *parsed;
        }
    }

    const toml::array& unsur = tables(doc, "unsur", name);
    if (unsur.size() != 9) throw SurveyError(name + ": the survey must have the nine [[unsur]] of Permen PANRB 14/2017 (it has " + std::to_string(unsur.size()) + ")");
    for (size_t i = 0; i < 9; ++i) {
        Entry e{*unsur[i].as_table(), name + ":" + std::to_string(lineOf(unsur[i])) + ": unsur[" + std::to_string(i + 1) + "]",
                {"code", "name_id", "name_en", "question_id", "question_en", "answers_id", "answers_en"}};
        e.checkFields();
        SurveyUnsur& u = d.unsur[i];
        u.code = e.text("code", 8);
        const std::string expected = "U" + std::to_string(i + 1);
        if (u.code != expected) e.fail("code must be " + expected + " (the unsur are fixed, in the regulation's order; got '" + u.code + "')");
        e.where += " (" + u.code + ")";
        u.name = {e.text("name_id", 80), e.text("name_en", 80)};
        u.question = {e.text("question_id", 300), e.text("question_en", 300)};
        const auto id = e.labels("answers_id", 4, 60), en = e.labels("answers_en", 4, 60);
        for (size_t k = 0; k < 4; ++k) u.answers[k] = {id[k], en[k]};
    }

    const toml::array& profile = tables(doc, "profile", name);
    if (profile.size() > 8) throw SurveyError(name + ": at most 8 [[profile]] questions");
    std::set<std::string> codes;
    for (size_t i = 0; i < profile.size(); ++i) {
        Entry e{*profile[i].as_table(), name + ":" + std::to_string(lineOf(profile[i])) + ": profile[" + std::to_string(i + 1) + "]",
                {"code", "question_id", "question_en", "options"}};
        e.checkFields();
        SurveyProfileItem p;
        p.code = e.text("code", 32);
        if (!std::regex_match(p.code, std::regex("[a-z0-9_]+"))) e.fail("code must be lower-case letters, digits and _");
        if (p.code.size() == 2 && p.code[0] == 'u' && std::isdigit(static_cast<unsigned char>(p.code[1]))) e.fail("code '" + p.code + "' is kept for the unsur");
        if (p.code == "saran" || p.code == "service") e.fail("code '" + p.code + "' is kept for the questionnaire's own steps");
        if (!codes.insert(p.code).second) e.fail("code '" + p.code + "' appears twice");
        e.where += " (" + p.code + ")";
        p.question = {e.text("question_id", 120), e.text("question_en", 120)};
        const toml::node* opts = e.table.get("options");
        const toml::array* a = opts ? opts->as_array() : nullptr;
        if (!a || a->size() < 2 || a->size() > 8) e.fail("'options' must list 2 to 8 { code, id, en } entries");
        std::set<std::string> optionCodes;
        for (size_t k = 0; k < a->size(); ++k) {
            const toml::table* t = (*a)[k].as_table();
            if (!t) e.fail("options[" + std::to_string(k + 1) + "] must be { code, id, en }");
            Entry o{*t, e.where + ": options[" + std::to_string(k + 1) + "]", {"code", "id", "en"}};
            o.checkFields();
            SurveyOption opt{o.text("code", 32), {o.text("id", 60), o.text("en", 60)}};
            if (!optionCodes.insert(opt.code).second) o.fail("code '" + opt.code + "' appears twice");
            p.options.push_back(std::move(opt));
        }
        d.profile.push_back(std::move(p));
    }

    if (const toml::node* n = doc.get("saran")) {
        if (!n->is_table()) throw SurveyError(name + ":" + std::to_string(lineOf(*n)) + ": 'saran' must be a [saran] table");
        Entry e{*n->as_table(), name + ":" + std::to_string(lineOf(*n)) + ": saran", {"question_id", "question_en", "hint_id", "hint_en", "max_chars"}};
        e.checkFields();
        SurveySaran saran;
        saran.question = {e.text("question_id", 200), e.text("question_en", 200)};
        saran.hint = {e.text("hint_id", 200), e.text("hint_en", 200)};
        if (const toml::node* m = e.table.get("max_chars")) {
            const auto v = m->value<int64_t>();
            if (!m->is_integer() || !v || *v < 20 || *v > 1000) e.fail("max_chars must be a whole number from 20 to 1000");
            saran.maxChars = static_cast<int>(*v);
        }
        d.saran = std::move(saran);
    }
    return d;
}

SurveySource::SurveySource(std::filesystem::path file) : m_file(std::move(file)), m_definition(defaultSurvey()) {}

const SurveyDefinition& SurveySource::current()
{
    std::error_code ec;
    const auto when = std::filesystem::last_write_time(m_file, ec);
    if (ec) return m_definition; // no file: what is in force stays (the built-in one at first)
    if (m_haveFile && when == m_seen) return m_definition;
    m_haveFile = true;
    m_seen = when;
    std::ifstream in(m_file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    try {
        m_definition = parseSurvey(text.str(), m_file.string());
        m_error.clear();
        m_origin = m_file.string();
    } catch (const SurveyError& e) {
        m_error = e.what(); // the previous definition stays in force
    }
    return m_definition;
}

} // namespace skm::config
