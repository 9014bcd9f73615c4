#include "records.hpp"

#include <core/text_controls.hpp>

#include <core/protocol.hpp>
#include <core/uuid.hpp>

#include <cstdio>

namespace skm::central {

namespace {

bool isString(const nlohmann::json& r, const char* k, size_t maxLen, bool nullable)
{
    const auto it = r.find(k);
    if (it == r.end()) return false;
    if (it->is_null()) return nullable;
    return it->is_string() && it->get_ref<const std::string&>().size() <= maxLen;
}

bool isInt(const nlohmann::json& r, const char* k) { return r.contains(k) && r[k].is_number_integer(); }



bool isHex64(const nlohmann::json& v)
{
    if (!v.is_string() || v.get_ref<const std::string&>().size() != 64) return false;
    return v.get_ref<const std::string&>().find_first_not_of("0123456789abcdef") == std::string::npos;
}

// An officer's NIP as every table and report keys it: exactly 18 ASCII digits.
bool isNip(const nlohmann::json& v)
{
    return v.is_string() && v.get_ref<const std::string&>().size() == 18 && v.get_ref<const std::string&>().find_first_not_of("0123456789") == std::string::npos;
}

// Whether `s` holds a control character (C0, DEL, C1; core/text_controls.hpp). `lineBreaks` allows
// tab, LF, CR. Bidirectional marks are not refused here: the record is kept as the kiosk sent it.
bool hasControl(std::string_view s, bool lineBreaks) { return text::hasControl(s, {lineBreaks, false}); }

// Whether any string or key anywhere in `j` holds a control character (depth is bounded by the
// upload's parse, protocol::kMaxJsonDepth).
bool anyControl(const nlohmann::json& j, bool lineBreaks)
{
    if (j.is_string()) return hasControl(j.get_ref<const std::string&>(), lineBreaks);
    if (j.is_object()) {
        for (const auto& [k, v] : j.items()) {
            if (hasControl(k, lineBreaks) || anyControl(v, lineBreaks)) return true;
        }
    }
    if (j.is_array()) {
        for (const auto& v : j) {
            if (anyControl(v, lineBreaks)) return true;
        }
    }
    return false;
}

// Free-form objects (an audit event's detail, a session event's): no NUL anywhere, and no other
// control character but tab and line breaks (an error message quoted there may span lines).
std::string detailProblem(const std::string& name, const nlohmann::json& j)
{
    return anyControl(j, true) ? name + " must not contain NUL or control characters (tab and line breaks aside)" : "";
}

std::string controlProblem(const std::string& name) { return name + " must not contain control characters"; }

bool isUuidV7(const nlohmann::json& v)
{
    if (!v.is_string() || v.get_ref<const std::string&>().size() != 36) return false;
    const auto u = store::Uuid::parse(v.get<std::string>());
    return u && u->version() == 7;
}


nlohmann::json valueOrNull(const nlohmann::json& r, const char* k)
{
    const auto it = r.find(k);
    return it == r.end() ? nlohmann::json(nullptr) : *it;
}

enum class Dir { Same, Newer, Older, Either, Conflict };

Dir direction(Change rule, const nlohmann::json& stored, const nlohmann::json& offered)
{
    if (stored == offered) return Dir::Same;
    switch (rule) {
    case Change::Fixed: return Dir::Conflict;
    case Change::Ignored: return Dir::Same;
    case Change::SetOnce: return stored.is_null() ? Dir::Newer : offered.is_null() ? Dir::Older : Dir::Conflict;
    case Change::Latest: return offered.is_null() ? Dir::Older : Dir::Newer;
    case Change::Grows: {
        if (!stored.is_array() || !offered.is_array() || stored.size() == offered.size()) return Dir::Conflict;
        const bool grew = stored.size() < offered.size();
        const nlohmann::json& shorter = grew ? stored : offered;
        const nlohmann::json& longer = grew ? offered : stored;
        for (size_t i = 0; i < shorter.size(); ++i) {
            if (shorter[i] != longer[i]) return Dir::Conflict; // an entry rewritten, not appended
        }
        return grew ? Dir::Newer : Dir::Older;
    }
    case Change::SessionState:
        if (stored == "ended") return Dir::Older;
        if (offered == "ended") return Dir::Newer;
        return Dir::Either; // active <-> break: the events tell which is newer
    case Change::CaseStatus:
        if (stored == "open") return Dir::Newer;
        if (offered == "open") return Dir::Older;
        return Dir::Conflict; // rated <-> not_rated
    }
    return Dir::Conflict;
}

} // namespace

std::optional<std::string> optString(const nlohmann::json& r, const char* k)
{
    const auto it = r.find(k);
    if (it == r.end() || it->is_null()) return std::nullopt;
    return it->get<std::string>();
}

const std::vector<RecordKind>& recordKinds()
{
    static const std::vector<RecordKind> kinds = {
        // A session: its officer, counter and start are fixed; it pauses and resumes, and ends once.
        {"sessions", "sessions",
         {{"id", Type::Id}, {"nip", Type::Nip}, {"counter", Type::Text, false, 40}, {"boot_id", Type::Text},
          {"started_wall_ms", Type::Int}, {"started_mono_ms", Type::Int},
          {"state", Type::Enum, false, 0, {"active", "break", "ended"}, Change::SessionState},
          {"ended_wall_ms", Type::Int, true, 64, {}, Change::SetOnce}, {"end_reason", Type::Text, true, 32, {}, Change::SetOnce},
          {"events", Type::Events, false, 64, {}, Change::Grows}},
         {"nip", "counter", "state", "started_wall_ms", "ended_wall_ms"},
         "state",
         {"ended"}},
        // A case: who served whom, where, for what and when are fixed; it closes once.
        {"cases", "cases",
         {{"id", Type::Id}, {"session_id", Type::Text, true, 36}, {"nip", Type::Nip, true}, {"counter", Type::Text, false, 40},
          {"service_code", Type::Text, false, 32}, {"ticket", Type::Text, true, 64}, {"boot_id", Type::Text}, {"opened_wall_ms", Type::Int},
          {"opened_mono_ms", Type::Int}, {"status", Type::Enum, false, 0, {"open", "rated", "not_rated"}, Change::CaseStatus},
          {"close_reason", Type::Text, true, 32, {}, Change::SetOnce}, {"rating_id", Type::Text, true, 36, {}, Change::SetOnce},
          {"closed_wall_ms", Type::Int, true, 64, {}, Change::SetOnce},
          // Who opened it: the officer by hand, or the queue system (kiosk schema 10); absent: the officer.
          {"source", Type::Enum, true, 0, {"officer", "queue"}, Change::Fixed, true}},
         {"session_id", "nip", "counter", "service_code", "status", "opened_wall_ms", "rating_id"},
         "status",
         {"rated", "not_rated"}},
        // A survey response travels once it is finished, and the kiosk never changes it after that.
        {"surveys", "survey_responses",
         {{"id", Type::Id}, {"survey_version", Type::Text}, {"counter", Type::Text, false, 40}, {"boot_id", Type::Text},
          {"started_wall_ms", Type::Int}, {"started_mono_ms", Type::Int}, {"language", Type::Enum, false, 0, {"id", "en"}},
          {"service_code", Type::Text, true, 32}, {"officer_nip", Type::Nip, true}, {"case_id", Type::Text, true, 36},
          {"status", Type::Enum, false, 0, {"complete", "incomplete"}}, {"finished_wall_ms", Type::Int, true}, {"answers", Type::Answers},
          {"profile", Type::Profile}, {"saran", Type::Text, true, 4000, {}, Change::Fixed, true},
          // Where it was answered: the kiosk (absent: the kiosk), the citizen's phone through the
          // kiosk's one-time link, or a unit's poster (the central office writes those two itself:
          // web_phone.cpp); a poster's names its unit.
          {"channel", Type::Enum, true, 0, {"kiosk", "phone", "poster"}, Change::Fixed, true},
          {"unit", Type::Text, true, 120, {}, Change::Fixed, true}},
         {"survey_version", "counter", "status", "service_code", "officer_nip", "started_wall_ms", "channel"}},
        // An audit event is a fact: never changed. Its `nip` is what was typed at a sign-in (an
        // officer's NIP, "technician", or a malformed attempt the kiosk keeps at most 32 characters of).
        {"audit", "audit_events",
         {{"id", Type::Id}, {"at_wall_ms", Type::Int}, {"at_mono_ms", Type::Int}, {"boot_id", Type::Text}, {"kind", Type::Text, false, 32},
          {"nip", Type::Text, true, 32}, {"detail", Type::Object}},
         {"kind", "nip", "at_wall_ms"}},
    };
    return kinds;
}

std::string validateRecord(const RecordKind& kind, const nlohmann::json& r)
{
    if (!r.is_object()) return "not an object";
    if (r.dump().size() > 64 * 1024) return "larger than 64 KiB";
    for (const Field& f : kind.fields) {
        const auto it = r.find(f.name);
        const std::string name = f.name;
        if (it == r.end()) {
            if (f.mayBeAbsent) continue;
            return name + " is missing";
        }
        if (it->is_null()) {
            if (f.nullable) continue;
            return name + " must not be null";
        }
        switch (f.type) {
        case Type::Id:
            if (!isUuidV7(*it)) return name + " must be a UUIDv7";
            break;
        case Type::Text:
            if (!it->is_string() || it->get_ref<const std::string&>().size() > f.maxLen) return name + " must be text of at most " + std::to_string(f.maxLen) + " characters";
            if (hasControl(it->get_ref<const std::string&>(), false)) return controlProblem(name);
            break;
        case Type::Nip:
            if (!isNip(*it)) return name + (f.nullable ? " must be 18 digits or null" : " must be 18 digits");
            break;
        case Type::Int:
            if (!it->is_number_integer()) return name + " must be an integer";
            break;
        case Type::Enum:
            if (!it->is_string() || std::find(f.allowed.begin(), f.allowed.end(), it->get<std::string>()) == f.allowed.end()) return name + " has an unknown value";
            break;
        case Type::Object:
            if (!it->is_object()) return name + " must be an object";
            if (std::string why = detailProblem(name, *it); !why.empty()) return why;
            break;
        case Type::Answers:
            if (!it->is_object()) return name + " must be an object of U1..U9: 1-4";
            for (const auto& [k, v] : it->items()) {
                const bool code = k.size() == 2 && k[0] == 'U' && k[1] >= '1' && k[1] <= '9';
                if (!code || !v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 4) return name + " must map U1..U9 to 1-4";
            }
            break;
        case Type::Profile:
            if (!it->is_object() || it->size() > 16) return name + " must be an object of at most 16 answers";
            for (const auto& [k, v] : it->items()) {
                if (k.size() > 32 || !v.is_string() || v.get_ref<const std::string&>().size() > 32) return name + " must map codes to codes";
                if (hasControl(k, false) || hasControl(v.get_ref<const std::string&>(), false)) return controlProblem(name);
            }
            break;
        case Type::Events:
            if (!it->is_array() || it->size() > 1000) return name + " must be an array of at most 1000 events";
            for (const auto& e : *it) {
                if (!e.is_object() || !e.contains("kind") || !e["kind"].is_string() || !isInt(e, "at_wall_ms") || !isInt(e, "at_mono_ms")) {
                    return name + " must hold {kind, at_wall_ms, at_mono_ms, detail} objects";
                }
                if (e["kind"].get_ref<const std::string&>().size() > 32) return name + " kinds must be text of at most 32 characters";
                if (hasControl(e["kind"].get_ref<const std::string&>(), false)) return controlProblem(name);
                if (e.contains("detail") && anyControl(e["detail"], true)) return detailProblem(name, e["detail"]);
            }
            break;
        }
    }
    // A case is an officer's (session and NIP) or counter-level (neither): a queue system opened it
    // with no officer on duty.
    if (std::string_view(kind.key) == "cases" && valueOrNull(r, "session_id").is_null() != valueOrNull(r, "nip").is_null()) {
        return "session_id and nip must both be set (an officer's case) or both be null (a counter-level case)";
    }
    return {};
}

// `final`: the stored record is in a final state (nothing newer is accepted).
Comparison compare(const std::vector<Field>& fields, const nlohmann::json& stored, const nlohmann::json& offered, bool final)
{
    Comparison c;
    bool newer = false, older = false, either = false, conflict = false;
    for (const Field& f : fields) {
        const nlohmann::json s = valueOrNull(stored, f.name), o = valueOrNull(offered, f.name);
        if (s == o || f.change == Change::Ignored) continue;
        c.fields.push_back(f.name);
        switch (direction(f.change, s, o)) {
        case Dir::Same: break;
        case Dir::Newer: newer = true; break;
        case Dir::Older: older = true; break;
        case Dir::Either: either = true; break;
        case Dir::Conflict: conflict = true; break;
        }
    }
    // Newer and older at once is no version the kiosk ever had; a state toggled without a new event
    // is not how the kiosk changes a session; a final record does not change any more.
    if (conflict || (newer && older) || (either && !newer && !older) || (final && newer)) c.verdict = Verdict::Conflict;
    else if (newer) c.verdict = Verdict::Newer;
    else if (older) c.verdict = Verdict::Older;
    return c;
}

std::string conflictReason(const nlohmann::json& fields)
{
    std::string list;
    for (const auto& f : fields) list += (list.empty() ? "" : ", ") + f.get<std::string>();
    return "differs from the record already received (" + list + "): history is append-only, the stored record is kept";
}

// A rating's fields under the same rules: fixed at the tap but for the follow-up's reasons and comment
// (and its language, which the kiosk records anew with them). A chain position arrives once.
const std::vector<Field>& ratingFields()
{
    static const std::vector<Field> fields = {
        {"score", Type::Int},           {"created_wall_ms", Type::Int}, {"created_mono_ms", Type::Int}, {"boot_id", Type::Text},
        {"counter", Type::Text},        {"officer_nip", Type::Nip},     {"case_id", Type::Text},         {"service_code", Type::Text},
        {"suppressed", Type::Int},      {"scope", Type::Text},
        {"chain_seq", Type::Int, true, 64, {}, Change::SetOnce},        {"prev_hash", Type::Text, true, 64, {}, Change::SetOnce},
        {"reasons", Type::Text, true, 64, {}, Change::Latest},          {"comment", Type::Text, true, 64, {}, Change::Latest},
        {"language", Type::Text, false, 64, {}, Change::Ignored},
    };
    return fields;
}

std::string validateRating(const nlohmann::json& r, const std::string& deviceId)
{
    if (!r.is_object()) return "not an object";
    if (!isString(r, "id", 36, false) || !store::Uuid::parse(r["id"].get<std::string>()) || store::Uuid::parse(r["id"].get<std::string>())->version() != 7) {
        return "id must be a UUIDv7";
    }
    if (!isInt(r, "score") || r["score"].get<int64_t>() < 1 || r["score"].get<int64_t>() > 4) return "score must be 1 to 4";
    if (!isString(r, "device_id", 64, false) || r["device_id"] != deviceId) return "device_id does not match the signing device";
    if (!isInt(r, "created_wall_ms") || !isInt(r, "created_mono_ms")) return "created_wall_ms and created_mono_ms must be integers";
    if (!isString(r, "boot_id", 64, false) || !isString(r, "counter", 40, false)) return "boot_id and counter must be strings";
    if (!isString(r, "officer_nip", 18, true) || !isString(r, "case_id", 36, true) || !isString(r, "service_code", 32, true)) {
        return "officer_nip, case_id and service_code must be strings or null";
    }
    if (!r["officer_nip"].is_null() && !isNip(r["officer_nip"])) return "officer_nip must be 18 digits or null";
    if (r.contains("reasons") && !r["reasons"].is_null()) {
        if (!r["reasons"].is_array() || r["reasons"].size() > 8) return "reasons must be an array of at most 8 codes";
        for (const auto& c : r["reasons"]) {
            if (!c.is_string() || c.get_ref<const std::string&>().size() > 32) return "reasons must be codes";
            if (hasControl(c.get_ref<const std::string&>(), false)) return controlProblem("reasons");
        }
    }
    if (!isString(r, "comment", 4000, true)) return "comment must be a string of at most 4000 bytes, or null";
    if (!r.contains("suppressed") || !r["suppressed"].is_boolean()) return "suppressed must be true or false";
    if (!r.contains("language") || (r["language"] != "id" && r["language"] != "en")) return "language must be id or en";
    if (!r.contains("scope") || (r["scope"] != "case" && r["scope"] != "counter" && r["scope"] != "session")) return "scope must be case, counter or session";
    // A session-level rating (an office's [officer] session_ratings): the officer on duty, no case.
    if (r["scope"] == "session" && (r["officer_nip"].is_null() || !r["case_id"].is_null())) return "a session-level rating names its officer and no case";
    if (!isInt(r, "chain_seq") || r["chain_seq"].get<int64_t>() < 1) return "chain_seq must be a positive integer";
    if (!r.contains("prev_hash") || !isHex64(r["prev_hash"])) return "prev_hash must be 64 lower-case hex digits";
    // Text a report prints: no NUL (it cut names short in the table report) and no other control character.
    for (const char* k : {"boot_id", "counter", "case_id", "service_code", "comment"}) {
        if (r[k].is_string() && hasControl(r[k].get_ref<const std::string&>(), false)) return controlProblem(k);
    }
    return {};
}

std::string deviceIdProblem(const std::string& id)
{
    const bool charset = !id.empty() && id.size() <= 64 &&
                         id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos;
    if (id == kPosterDevice) return std::string("device id '") + kPosterDevice + "' is reserved for the office's posters (skm-central poster-qr)";
    if (charset && id[0] != '.' && id[0] != '-') return {};
    std::string shown; // as typed, with anything unprintable written as \xNN
    for (const char c : id.substr(0, 80)) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
            shown += c;
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", u);
            shown += hex;
        }
    }
    return "a device id is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-', not starting with '.' or '-' (got '" + shown + "')";
}

} // namespace skm::central
