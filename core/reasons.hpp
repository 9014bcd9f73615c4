#pragma once
// The reasons a citizen may give on the follow-up screen, and the TOML form of a list of them, shared
// by the kiosk configuration and the roster:
// an array of tables { code = "...", id = "...", en = "...", complaint = true|false }, 1 to 8 of them,
// codes unique. `complaint` is optional: without it only the code "pungutan" (an unofficial fee) is one.

#include <toml++/toml.h>

#include <functional>
#include <string>
#include <vector>

namespace skm::config {

// A reason chip on the follow-up screen: a stable code (stored with the rating) and its labels.
struct Reason {
    std::string code;
    std::string labelId;
    std::string labelEn;
    // After a low score, choosing it offers the national complaint channel SP4N-LAPOR! (docs/complaints.md).
    bool complaint = false;
    bool operator==(const Reason&) const = default;
};

// What `complaint` is when a list leaves it out: true for "pungutan" only.
[[nodiscard]] bool complaintByDefault(const std::string& code);

// The built-in lists (the kiosk's defaults when neither its configuration nor the roster gives any;
// the central office's labels for their codes).
[[nodiscard]] const std::vector<Reason>& defaultReasonsLow();
[[nodiscard]] const std::vector<Reason>& defaultReasonsHigh();

// Parses `node`; on a problem calls `fail` with a message naming the entry and its line. `fail` must
// throw (it names the file and key in its exception).
[[nodiscard]] std::vector<Reason> parseReasonList(const toml::node& node, const std::function<void(const std::string&)>& fail);

} // namespace skm::config
