#pragma once
// The USB export, for sites without network: everything the central office has not accepted yet
// (ratings, finished survey responses, cases, officer sessions, audit events), as the same JSON items
// an upload carries, in one file signed with the device's secret, which a technician carries to the
// central office for `skm-central import` (docs/export-format.md, version 2). Exporting changes
// nothing in the store: every record stays pending, so a later sync still delivers it, and the central
// office de-duplicates on the record id, so a record that arrives both ways counts once.

#include "rating_store.hpp"
#include "record_json.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

namespace skm::store {

// What signs the file: the provisioning's device id and secret (64 hex digits), as for an upload.
struct ExportKey {
    std::string deviceId;
    std::string secret;
};

struct ExportResult {
    std::filesystem::path file;
    std::map<std::string, int64_t> counts; // records per kind (kUnsentKinds' keys), every kind present
    [[nodiscard]] int64_t count(const std::string& kind) const
    {
        const auto it = counts.find(kind);
        return it == counts.end() ? 0 : it->second;
    }
    [[nodiscard]] int64_t total() const
    {
        int64_t n = 0;
        for (const auto& [kind, c] : counts) n += c;
        return n;
    }
};

class ExportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Writes every pending and rejected record to DIR/skm-export-DEVICE-YYYYMMDDTHHMMSSZ.jsonl, signed
// with `key` (written to a temporary name, fsynced, then renamed: a file that exists is complete),
// read in one read transaction (one moment of the store), then records the audit event
// `ratings_exported`. Marks nothing as sent. Throws ExportError naming the directory when it is
// missing or cannot be written (nothing is left behind in it, nothing changes in the store).
ExportResult exportUnsent(RatingStore& store, const std::filesystem::path& dir, const ExportKey& key);

} // namespace skm::store
