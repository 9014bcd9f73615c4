#include "reasons.hpp"

#include <optional>

namespace skm::config {

bool complaintByDefault(const std::string& code) { return code == "pungutan"; }

const std::vector<Reason>& defaultReasonsLow()
{
    static const std::vector<Reason> list = {
        {"waktu_lama", "Waktu tunggu lama", "Long waiting time"},
        {"kurang_ramah", "Petugas kurang ramah", "Unfriendly officer"},
        {"info_tidak_jelas", "Informasi kurang jelas", "Unclear information"},
        {"prosedur_rumit", "Prosedur berbelit", "Complicated procedure"},
        {"pungutan", "Ada pungutan tidak resmi", "Unofficial fees asked", true},
        {"fasilitas", "Fasilitas kurang nyaman", "Poor facilities"},
    };
    return list;
}

const std::vector<Reason>& defaultReasonsHigh()
{
    static const std::vector<Reason> list = {
        {"cepat", "Pelayanan cepat", "Fast service"},
        {"ramah", "Petugas ramah", "Friendly officer"},
        {"info_jelas", "Informasi jelas", "Clear information"},
        {"prosedur_mudah", "Prosedur mudah", "Easy procedure"},
        {"tanpa_pungutan", "Tanpa pungutan", "No fees asked"},
        {"nyaman", "Tempat nyaman", "Comfortable place"},
    };
    return list;
}

namespace {
bool isCode(const std::string& s)
{
    if (s.empty() || s.size() > 32) return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    }
    return true;
}
} // namespace

std::vector<Reason> parseReasonList(const toml::node& n, const std::function<void(const std::string&)>& fail)
{
    std::vector<Reason> out;
    const toml::array* arr = n.as_array();
    if (!arr) {
        fail("must be an array of tables: [[reasons.low]] code = \"...\" id = \"...\" en = \"...\" (complaint = true)");
        return out;
    }
    if (arr->empty() || arr->size() > 8) {
        fail("must list between 1 and 8 reasons (found " + std::to_string(arr->size()) + ")");
        return out;
    }
    for (size_t i = 0; i < arr->size(); ++i) {
        const std::string where = "entry " + std::to_string(i + 1) + " (line " + std::to_string((*arr)[i].source().begin.line) + ")";
        const toml::table* t = (*arr)[i].as_table();
        if (!t) {
            fail(where + " must be a table");
            return out;
        }
        Reason r;
        std::optional<bool> complaint;
        for (const auto& [k, v] : *t) {
            const std::string key(k.str());
            if (key == "complaint") {
                if (!v.is_boolean()) fail(where + ": 'complaint' must be true or false");
                else complaint = *v.value<bool>();
                continue;
            }
            const auto value = v.value<std::string>();
            if (!v.is_string() || !value) fail(where + ": '" + key + "' must be a string");
            else if (key == "code") r.code = *value;
            else if (key == "id") r.labelId = *value;
            else if (key == "en") r.labelEn = *value;
            else fail(where + ": unknown field '" + key + "' (expected code, id, en, complaint)");
        }
        r.complaint = complaint.value_or(complaintByDefault(r.code));
        if (!isCode(r.code)) fail(where + ": code '" + r.code + "' must be 1-32 characters of a-z, 0-9, _ or -");
        if (r.labelId.empty() || r.labelEn.empty()) fail(where + ": needs both labels, id and en");
        if (r.labelId.size() > 60 || r.labelEn.size() > 60) fail(where + ": a label is longer than 60 characters");
        for (const Reason& seen : out) {
            if (seen.code == r.code) fail(where + ": code '" + r.code + "' appears twice");
        }
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace skm::config
