#pragma once
// The TOML form of a reason list, shared by the kiosk configuration and the roster:
// an array of tables { code = "...", id = "...", en = "..." }, 1 to 8 of them, codes unique.

#include "config.hpp"

#include <toml++/toml.h>

#include <functional>
#include <string>
#include <vector>

namespace skm::config {

// Parses `node`; on a problem calls `fail` with a message naming the entry and its line. `fail` must
// throw (it names the file and key in its exception).
[[nodiscard]] std::vector<Reason> parseReasonList(const toml::node& node, const std::function<void(const std::string&)>& fail);

} // namespace skm::config
