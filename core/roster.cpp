#include "roster.hpp"

#include "nip.hpp"
#include "pin.hpp"
#include "reasons.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace skm::roster {

namespace {

int lineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// Characters, not bytes: toml++ has already checked that the text is UTF-8.
size_t characters(const std::string& s)
{
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// A path that stays under the directory it is joined to: relative, components of letters, digits,
// '.', '_' and '-' that do not begin with '.', so no "..", no hidden files, no absolute path.
bool isPlainRelativePath(const std::string& path)
{
    if (path.empty()) return false;
    size_t begin = 0;
    while (begin <= path.size()) {
        const size_t end = std::min(path.find('/', begin), path.size());
        const std::string_view part(path.data() + begin, end - begin);
        if (part.empty() || part.front() == '.') return false;
        for (char c : part) {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
        }
        begin = end + 1;
    }
    return true;
}

std::string mib(uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

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
        if (characters(*v) > maxLen) throw RosterError(where + ": '" + key + "' is longer than " + std::to_string(maxLen) + " characters");
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

Roster parseRoster(const std::string& text, const std::string& name, const PhotoSource& photos)
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
    std::map<std::string, std::string> photoByPath; // as written -> photoFileName (a photo two officers share is read once)
    uint64_t photoBytes = 0;
    for (size_t i = 0; i < officers.size(); ++i) {
        const toml::table& t = *officers[i].as_table();
        Entry e{t, name + ":" + std::to_string(lineOf(officers[i])) + ": officers[" + std::to_string(i + 1) + "]", {"nip", "name", "unit", "pin_hash", "photo"}};
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
        // An optional photo; "" is the same as none.
        if (const std::string path = e.get("photo", kMaxPhotoPathLength, false); !path.empty()) {
            const std::string what = e.where + ": photo '" + path + "'";
            if (!isPlainRelativePath(path)) {
                throw RosterError(what + " must be a path inside the roster's directory: letters, digits, '.', '_', '-' and '/', no part beginning with '.'");
            }
            if (photos && !photoByPath.count(path)) {
                std::optional<PhotoData> d;
                try {
                    d = photos(path);
                } catch (const std::exception& e) {
                    throw RosterError(what + " cannot be read: " + e.what());
                }
                if (!d) throw RosterError(what + " is missing");
                // Limits before the bytes are looked at: the size of this one, then of all together.
                if (const std::string problem = photoSizeProblem(d->size); !problem.empty()) throw RosterError(what + " " + problem);
                photoBytes += d->size;
                if (photoBytes > kMaxPhotosBytes) throw RosterError(what + ": the roster's photos come to more than the " + mib(kMaxPhotosBytes) + " allowed in all");
                PhotoInfo info;
                if (const std::string problem = photoProblem(d->bytes, &info); !problem.empty()) throw RosterError(what + " " + problem);
                const std::string file = photoFileName(d->bytes, info);
                r.photos.emplace(file, std::move(d->bytes));
                photoByPath[path] = file;
            }
            if (photos) o.photo = photoByPath[path];
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

Roster parseRoster(const std::string& text, const std::string& name) { return parseRoster(text, name, nullptr); }

Roster loadRosterFile(const std::string& path)
{
    const fs::path dir = fs::path(path).parent_path();
    return loadRosterFile(path, photosIn({dir.empty() ? fs::path(".") : dir}));
}

Roster loadRosterFile(const std::string& path, const PhotoSource& photos)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw RosterError(path + ": cannot read the roster file");
    std::ostringstream buf;
    buf << in.rdbuf();
    return parseRoster(buf.str(), path, photos);
}

} // namespace skm::roster
