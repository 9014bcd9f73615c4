#pragma once
// Export of unsent ratings to a file, for sites without network: a technician copies it from a USB
// stick to the central office, which imports it (docs/export-format.md). Exporting changes nothing in
// the store: the ratings stay pending, and since the central office de-duplicates on the rating id, a
// later sync of the same ratings is harmless.

#include "rating_store.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace skm::store {

struct ExportResult {
    std::filesystem::path file;
    int64_t ratings = 0;
};

class ExportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Writes every pending and rejected rating to DIR/skm-export-DEVICE-YYYYMMDDTHHMMSSZ.jsonl (written to
// a temporary name, fsynced, then renamed: a file that exists is complete) and records an audit event.
// Throws ExportError naming the directory when it is missing or not writable.
ExportResult exportUnsent(RatingStore& store, const std::filesystem::path& dir);

} // namespace skm::store
