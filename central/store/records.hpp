#pragma once
// What the central office accepts from a device, and how a re-sent record may differ from the one
// stored (docs/sync-protocol.md, "Answers"): the record kinds with their fields, each field's type and
// change rule, the checks of a rating and of every other kind, and the comparison that answers
// duplicate, updated or conflict. Pure functions over JSON: no database, no clock.

#include <core/phone_link.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace skm::central {

// The device row under which the office's own posters' responses are stored (skm-central poster-qr,
// docs/phone-survey.md): its secret signs the posters' links and never leaves the central office; no
// kiosk may be registered, or sync, under this id.
inline constexpr const char* kPosterDevice = phone::kPosterDevice;

// The record kinds that travel beside the ratings: what each field must be, how a re-send may change
// it, and the columns the central tables keep besides the whole body.
enum class Type { Id, Text, Nip, Int, Enum, Object, Events, Answers, Profile };
// How a field of a record already stored may differ in a re-send of it: only as the kiosk changes it
// (kiosk/roster/duty.cpp, kiosk/store/rating_store.cpp), never who or when.
enum class Change {
    Fixed,        // never (who, where, when it began, what was answered)
    SetOnce,      // null until set, then fixed (an end or close time, its reason, the rating of a case)
    Latest,       // a later value replaces it, and a value never goes back to null (a rating's reasons, comment)
    Ignored,      // not compared (a rating's language: the kiosk records the follow-up's)
    Grows,        // an array that is only appended to (a session's events)
    SessionState, // active <-> break, then ended for good
    CaseStatus,   // open, then rated or not_rated for good
};
struct Field {
    const char* name;
    Type type;
    bool nullable = false;
    size_t maxLen = 64;
    std::vector<std::string> allowed = {};
    Change change = Change::Fixed;
    bool mayBeAbsent = false; // a field later versions of the kiosk added: absent reads as null
};
struct RecordKind {
    const char* key;   // in the request body and the answer
    const char* table;
    std::vector<Field> fields;
    std::vector<const char*> columns; // besides id, device_id, body, received_at_ms
    // A stored record whose `finalField` holds one of `finalValues` is final (an ended session, a
    // closed case): a re-send may repeat it or be an earlier version, never add to it.
    const char* finalField = nullptr;
    std::vector<std::string> finalValues = {};
};

// The kinds that travel beside the ratings: sessions, cases, surveys, audit (in that order).
[[nodiscard]] const std::vector<RecordKind>& recordKinds();
// A rating's fields under the same rules: fixed at the tap but for the follow-up's reasons and comment
// (and its language, which the kiosk records anew with them). A chain position arrives once.
[[nodiscard]] const std::vector<Field>& ratingFields();

// Why a record of `kind` cannot be stored, or "" if it can.
[[nodiscard]] std::string validateRecord(const RecordKind& kind, const nlohmann::json& r);
// Why a rating object cannot be stored, or "" if it can. `deviceId` is the authenticated device.
[[nodiscard]] std::string validateRating(const nlohmann::json& r, const std::string& deviceId);
// Why `id` cannot be a device id, or "" if it can: 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-', not
// starting with '.' or '-' (a device id names a directory, publish/devices/ID/, and travels in a header),
// and not kPosterDevice.
[[nodiscard]] std::string deviceIdProblem(const std::string& id);

// How a re-sent record compares with the stored one, field by field under each field's Change rule.
enum class Verdict {
    Same,     // nothing the protocol carries differs: duplicate
    Newer,    // only changes the kiosk makes, forwards: updated
    Older,    // an earlier version of the stored record (the slower of two concurrent runs): duplicate, nothing changes
    Conflict, // anything else: the stored record is kept, the offered version recorded
};
struct Comparison {
    Verdict verdict = Verdict::Same;
    nlohmann::json fields = nlohmann::json::array(); // the fields that differ (the Ignored ones aside)
};

// Compares a re-sent record with the stored one under `fields`' rules. `final`: the stored record is
// in a final state (nothing newer is accepted).
[[nodiscard]] Comparison compare(const std::vector<Field>& fields, const nlohmann::json& stored, const nlohmann::json& offered, bool final);
// The answer's reason for a conflict on `fields` (a JSON array of names).
[[nodiscard]] std::string conflictReason(const nlohmann::json& fields);

// `r[k]`, or null when `r` has no `k`.
[[nodiscard]] inline nlohmann::json orNull(const nlohmann::json& r, const char* k) { return r.contains(k) ? r[k] : nlohmann::json(nullptr); }
// `r[k]` as a string, or nullopt when it is missing or null.
[[nodiscard]] std::optional<std::string> optString(const nlohmann::json& r, const char* k);

} // namespace skm::central
