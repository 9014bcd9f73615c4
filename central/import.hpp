#pragma once
// `skm-central import FILE`: a kiosk's USB export (docs/export-format.md, version 2) applied as if the
// kiosk had uploaded it. The file's signature is checked against the registered device's secret
// before anything is read further; then its records go through CentralStore::ingest, the upload's own
// path, in batches no larger than an upload's: the same checks per record, the same answers
// (stored, duplicate, updated, rejected), and a record that arrives again later, by file or by sync,
// is a duplicate.

#include <central/store/central_store.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace skm::central {

// A file refused whole, before anything was stored; what() says why, for a person.
class ImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An export file is read whole, so it is refused above this size (a kiosk offline for a year holds
// a few tens of MB).
inline constexpr uintmax_t kMaxImportBytes = 256ull * 1024 * 1024;

struct ImportSummary {
    std::string deviceId;
    int64_t exportedAtMs = 0;
    // Per kind ("ratings", "sessions", "cases", "audit", "surveys"), per answer status: how many.
    std::map<std::string, std::map<std::string, int64_t>> counts;
    struct Refusal {
        std::string kind, id, status, reason; // status: rejected, or any other answer but stored/duplicate/updated
    };
    std::vector<Refusal> refused; // every record not accepted, with the reason, in the file's order
};

// Verifies and applies the export `file`. Throws ImportError (nothing stored) for a file that is not a
// complete, well-formed version 2 export signed by a registered device with its own secret.
[[nodiscard]] ImportSummary importExport(CentralStore& store, const std::filesystem::path& file, int64_t nowMs);

// `skm-central import FILE --data-dir DIR`: importExport on DIR's central.db (which must exist: a wrong
// --data-dir creates nothing), the summary on stdout (per kind: stored, duplicate, updated, rejected and
// any other answer, then every record not accepted with its reason), a refusal on stderr. Returns the
// exit status: 0 every record accepted, 3 applied but some records refused, 1 the file refused
// (nothing stored) or failed.
int runImport(const std::filesystem::path& file, const StoreLocation& where, int64_t nowMs);

} // namespace skm::central
