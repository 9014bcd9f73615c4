#include "roster.hpp"

#include "nip.hpp"
#include "pin.hpp"

#include <config/reason_list.hpp>

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace skm::roster {

namespace {

int lineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// Reads the string fields of one table entry; unknown fields and non-strings are errors.
struct Entry {
    const toml::table& table;
    std::string where; // "FILE:LINE: officers[2]"
    std::set<std::string> allowed;

    std::string get(const std::string& key, size_t maxLen, bool required = true) const
    {
        const toml::node* n = table.get(key);
        if (!n) {
            if (required) throw RosterError(where + ": '" + key + "' is missing");
            return {};
        }
        const auto v = n->value<std::string>();
        if (!n->is_string() || !v) throw RosterError(where + ": '" + key + "' must be a string");
        if (required && v->empty()) throw RosterError(where + ": '" + key + "' is empty");
        if (v->size() > maxLen) throw RosterError(where + ": '" + key + "' is longer than " + std::to_string(maxLen) + " characters");
        return *v;
    }
    void checkFields() const
    {
        for (const auto& [k, v] : table) {
            if (!allowed.count(std::string(k.str()))) throw RosterError(where + ": unknown field '" + std::string(k.str()) + "'");
        }
    }
};

const toml::array& arrayOfTables(const toml::table& doc, const std::string& key, const std::string& name, bool required)
{
    static const toml::array empty;
    const toml::node* n = doc.get(key);
    if (!n) {
        if (required) throw RosterError(name + ": no [[" + key + "]] entries");
        return empty;
    }
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) throw RosterError(name + ":" + std::to_string(lineOf(*n)) + ": '" + key + "' must be [[" + key + "]] tables");
    return *arr;
}

} // namespace

Roster parseRoster(const std::string& text, const std::string& name)
{
    toml::table doc;
    try {
        doc = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        throw RosterError(name + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    }
    for (const auto& [k, v] : doc) {
        const std::string key(k.str());
        if (key != "version" && key != "officers" && key != "services" && key != "reasons") {
            throw RosterError(name + ":" + std::to_string(lineOf(v)) + ": unknown key '" + key + "'");
        }
    }
    Roster r;
    Entry top{doc, name, {}};
    r.version = top.get("version", 64);

    const toml::array& officers = arrayOfTables(doc, "officers", name, true);
    std::set<std::string> nips;
    for (size_t i = 0; i < officers.size(); ++i) {
        const toml::table& t = *officers[i].as_table();
        Entry e{t, name + ":" + std::to_string(lineOf(officers[i])) + ": officers[" + std::to_string(i + 1) + "]", {"nip", "name", "unit", "pin_hash"}};
        e.checkFields();
        Officer o;
        o.nip = e.get("nip", 18 + 8);
        e.where += " (NIP " + o.nip + ")";
        std::string why;
        if (!parseNip(o.nip, &why)) throw RosterError(e.where + ": invalid NIP: " + why);
        if (!nips.insert(o.nip).second) throw RosterError(e.where + ": the NIP appears twice");
        o.name = e.get("name", 120);
        o.unit = e.get("unit", 120);
        o.pinHash = e.get("pin_hash", 200);
        if (!isArgon2idHash(o.pinHash)) {
            throw RosterError(e.where + ": pin_hash must be an Argon2id hash (\"$argon2id$...\"; make one with: skm-kiosk hash-pin)");
        }
        r.officers.push_back(std::move(o));
    }

    const toml::array& services = arrayOfTables(doc, "services", name, true);
    std::set<std::string> codes;
    for (size_t i = 0; i < services.size(); ++i) {
        const toml::table& t = *services[i].as_table();
        Entry e{t, name + ":" + std::to_string(lineOf(services[i])) + ": services[" + std::to_string(i + 1) + "]", {"code", "id", "en"}};
        e.checkFields();
        Service s{e.get("code", 32), e.get("id", 80), e.get("en", 80)};
        if (!codes.insert(s.code).second) throw RosterError(e.where + ": service code '" + s.code + "' appears twice");
        r.services.push_back(std::move(s));
    }

    if (const toml::node* reasons = doc.get("reasons")) {
        const toml::table* t = reasons->as_table();
        if (!t) throw RosterError(name + ":" + std::to_string(lineOf(*reasons)) + ": 'reasons' must hold [[reasons.low]] and [[reasons.high]]");
        for (const auto& [k, v] : *t) {
            const std::string key(k.str());
            const int line = lineOf(v); // (clang 14 cannot capture a structured binding)
            auto fail = [&](const std::string& message) { throw RosterError(name + ":" + std::to_string(line) + ": reasons." + key + ": " + message); };
            if (key == "low") r.reasonsLow = config::parseReasonList(v, fail);
            else if (key == "high") r.reasonsHigh = config::parseReasonList(v, fail);
            else fail("unknown list (expected low or high)");
        }
    }
    return r;
}

Roster loadRosterFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw RosterError(path + ": cannot read the roster file");
    std::ostringstream buf;
    buf << in.rdbuf();
    return parseRoster(buf.str(), path);
}

void replaceRoster(store::Database& db, const Roster& r, int64_t nowWallMs)
{
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start the roster import: " + message);
    db.exec("DELETE FROM roster_officers; DELETE FROM roster_services; DELETE FROM roster_reasons;");
    {
        store::Statement st(db, "INSERT INTO roster_officers (nip, name, unit, pin_hash) VALUES (?1, ?2, ?3, ?4)");
        for (const Officer& o : r.officers) {
            st.reset();
            st.bind(1, std::string_view(o.nip));
            st.bind(2, std::string_view(o.name));
            st.bind(3, std::string_view(o.unit));
            st.bind(4, std::string_view(o.pinHash));
            (void)st.next();
        }
    }
    {
        store::Statement st(db, "INSERT INTO roster_services (code, name_id, name_en) VALUES (?1, ?2, ?3)");
        for (const Service& s : r.services) {
            st.reset();
            st.bind(1, std::string_view(s.code));
            st.bind(2, std::string_view(s.nameId));
            st.bind(3, std::string_view(s.nameEn));
            (void)st.next();
        }
    }
    {
        store::Statement st(db, "INSERT INTO roster_reasons (kind, position, code, label_id, label_en) VALUES (?1, ?2, ?3, ?4, ?5)");
        for (const auto& [kind, list] : {std::pair<const char*, const std::vector<config::Reason>*>{"low", &r.reasonsLow}, {"high", &r.reasonsHigh}}) {
            for (size_t i = 0; i < list->size(); ++i) {
                st.reset();
                st.bind(1, std::string_view(kind));
                st.bind(2, static_cast<int64_t>(i));
                st.bind(3, std::string_view((*list)[i].code));
                st.bind(4, std::string_view((*list)[i].labelId));
                st.bind(5, std::string_view((*list)[i].labelEn));
                (void)st.next();
            }
        }
    }
    store::Statement meta(db, "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    for (const auto& [k, v] : {std::pair<std::string, std::string>{"roster_version", r.version}, {"roster_imported_wall_ms", std::to_string(nowWallMs)}}) {
        meta.reset();
        meta.bind(1, std::string_view(k));
        meta.bind(2, std::string_view(v));
        (void)meta.next();
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "the roster import did not commit: " + message);
}

std::optional<Roster> readRoster(store::Database& db)
{
    Roster r;
    r.version = db.queryText("SELECT value FROM meta WHERE key = 'roster_version'");
    if (r.version.empty()) return std::nullopt;
    store::Statement o(db, "SELECT nip, name, unit, pin_hash FROM roster_officers ORDER BY name, nip");
    while (o.next()) r.officers.push_back({o.columnText(0), o.columnText(1), o.columnText(2), o.columnText(3)});
    store::Statement s(db, "SELECT code, name_id, name_en FROM roster_services ORDER BY code");
    while (s.next()) r.services.push_back({s.columnText(0), s.columnText(1), s.columnText(2)});
    store::Statement q(db, "SELECT kind, code, label_id, label_en FROM roster_reasons ORDER BY kind, position");
    while (q.next()) {
        config::Reason reason{q.columnText(1), q.columnText(2), q.columnText(3)};
        (q.columnText(0) == "low" ? r.reasonsLow : r.reasonsHigh).push_back(std::move(reason));
    }
    return r;
}

std::vector<config::Reason> rosterReasons(store::Database& db, const std::string& kind)
{
    std::vector<config::Reason> out;
    store::Statement q(db, "SELECT code, label_id, label_en FROM roster_reasons WHERE kind = ?1 ORDER BY position");
    q.bind(1, std::string_view(kind));
    while (q.next()) out.push_back({q.columnText(0), q.columnText(1), q.columnText(2)});
    return out;
}

std::optional<Officer> findOfficer(store::Database& db, const std::string& nip)
{
    store::Statement o(db, "SELECT nip, name, unit, pin_hash FROM roster_officers WHERE nip = ?1");
    o.bind(1, std::string_view(nip));
    if (!o.next()) return std::nullopt;
    return Officer{o.columnText(0), o.columnText(1), o.columnText(2), o.columnText(3)};
}

} // namespace skm::roster
