#include "import.hpp"

#include <central/store/records.hpp>
#include <core/protocol.hpp>

#include <core/clock.hpp>

#include <fstream>
#include <optional>
#include <iostream>
#include <set>
#include <string_view>

namespace fs = std::filesystem;

namespace skm::central {

namespace {

// Records per kind in one ingest: the device's own batch size, so that an import holds the write
// lock no longer than an upload does and a running `skm-central serve` keeps answering the kiosks.
constexpr size_t kBatchPerKind = 500;

std::string readWhole(const fs::path& file)
{
    std::error_code ec;
    const uintmax_t size = fs::file_size(file, ec);
    if (ec) throw ImportError("cannot read " + file.string() + ": " + ec.message());
    if (size > kMaxImportBytes) {
        throw ImportError(file.string() + " is " + std::to_string(size / (1024 * 1024)) + " MiB, more than the " +
                          std::to_string(kMaxImportBytes / (1024 * 1024)) + " MiB an export file may be; nothing imported");
    }
    std::ifstream in(file, std::ios::binary);
    std::string text(static_cast<size_t>(size), '\0');
    if (!in || !in.read(text.data(), static_cast<std::streamsize>(text.size()))) throw ImportError("cannot read " + file.string());
    return text;
}

// One record line: {"kind": KIND, "item": {...}, "upload_status": ..., "last_error": ...}.
struct Line {
    std::string kind;
    nlohmann::json item;
};

Line parseRecord(std::string_view text, size_t lineNo)
{
    const std::set<std::string> kinds(std::begin(protocol::kItemKinds), std::end(protocol::kItemKinds));
    nlohmann::json j;
    try {
        j = protocol::parseJson(text);
    } catch (const protocol::ProtocolError& e) {
        throw ImportError("line " + std::to_string(lineNo) + " is not a record: " + e.what() + "; nothing imported");
    }
    if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string() || !kinds.count(j["kind"].get<std::string>()) || !j.contains("item") ||
        !j["item"].is_object()) {
        throw ImportError("line " + std::to_string(lineNo) + " is not a record ({\"kind\": ratings|sessions|cases|audit|surveys, \"item\": {...}}); nothing imported");
    }
    return {j["kind"].get<std::string>(), std::move(j["item"])};
}

} // namespace

ImportSummary importExport(CentralStore& store, const fs::path& file, int64_t nowMs)
{
    namespace p = protocol;
    const std::string text = readWhole(file);
    const std::string name = file.filename().string();
    const std::string cutShort = name + " was cut short (copy it from the kiosk's USB stick again, or export again); nothing imported";

    // The header: what the file says it is.
    const size_t headerEnd = text.find('\n');
    if (text.empty()) throw ImportError(name + " is empty; nothing imported");
    nlohmann::json header;
    try {
        header = p::parseJson(std::string_view(text).substr(0, headerEnd == std::string::npos ? text.size() : headerEnd));
    } catch (const p::ProtocolError&) {
        throw ImportError(name + " is not an SKM export file (its first line is not the export header); nothing imported");
    }
    if (!header.is_object() || !header.contains("format") || header["format"] != p::kExportFormat) {
        throw ImportError(name + " is not an SKM export file (its first line has no \"format\": \"skm-export\"); nothing imported");
    }
    // The header is read before the signature is checked: every field is looked at for its type first.
    auto intField = [&](const char* key) -> std::optional<int64_t> {
        const auto it = header.find(key);
        if (it == header.end() || !it->is_number_integer()) return std::nullopt;
        return it->get<int64_t>();
    };
    const int64_t version = intField("version").value_or(0);
    if (version == 1) {
        throw ImportError(name + " is a version 1 export, written before exports were signed: the central office cannot tell it from a forged "
                                 "file, so it is not imported. Export again on the kiosk (skm-kiosk export, or \"Ekspor ke USB\"), which "
                                 "writes a signed version 2 file; the ratings are still on the kiosk, and a sync also delivers them");
    }
    if (version != p::kExportVersion) {
        throw ImportError(name + " is export format version " + std::to_string(version) + "; this skm-central reads version " +
                          std::to_string(p::kExportVersion) + "; nothing imported");
    }
    if (!header.contains("device_id") || !header["device_id"].is_string() || header["device_id"].get_ref<const std::string&>().empty()) {
        throw ImportError(name + ": the export header names no device; nothing imported");
    }
    if (intField("protocol") != p::kVersion) {
        throw ImportError(name + ": its records are not of protocol " + std::to_string(p::kVersion) + ", the one this skm-central speaks; nothing imported");
    }
    ImportSummary summary;
    summary.deviceId = header["device_id"].get<std::string>();
    summary.exportedAtMs = intField("exported_at_ms").value_or(0);

    // The signature: the last line, over every byte before it.
    if (headerEnd == std::string::npos || text.back() != '\n') throw ImportError(cutShort);
    const size_t sigStart = text.rfind('\n', text.size() - 2) + 1;
    if (sigStart <= headerEnd) throw ImportError(cutShort); // the header is the last line
    nlohmann::json sig;
    try {
        sig = p::parseJson(std::string_view(text).substr(sigStart, text.size() - 1 - sigStart));
    } catch (const p::ProtocolError&) {
        throw ImportError(cutShort);
    }
    if (!sig.is_object() || !sig.contains("signature") || !sig["signature"].is_string()) throw ImportError(cutShort);
    const std::optional<std::string> secret = summary.deviceId == kPosterDevice ? std::nullopt : store.deviceSecret(summary.deviceId);
    if (!secret) {
        throw ImportError(name + " is from device '" + summary.deviceId + "', which is not registered on this central office (skm-central device add); nothing imported");
    }
    const std::string_view content = std::string_view(text).substr(0, sigStart);
    if (!p::verify(*secret, p::canonicalExport(content), sig["signature"].get<std::string>())) {
        throw ImportError(name + ": the signature does not match device '" + summary.deviceId +
                          "': the file was changed after it was exported, or it was not signed with this device's secret; nothing imported");
    }

    // Signed by the device: every record line is read (and the header's counts checked) before any is stored.
    std::vector<std::string_view> lines;
    for (size_t at = headerEnd + 1; at < sigStart;) {
        const size_t end = text.find('\n', at);
        lines.push_back(std::string_view(text).substr(at, end - at));
        at = end + 1;
    }
    std::map<std::string, int64_t> found;
    for (size_t i = 0; i < lines.size(); ++i) ++found[parseRecord(lines[i], i + 2).kind];
    const nlohmann::json declared = header.contains("counts") && header["counts"].is_object() ? header["counts"] : nlohmann::json::object();
    for (const char* kind : p::kItemKinds) {
        const int64_t said = declared.contains(kind) && declared[kind].is_number_integer() ? declared[kind].get<int64_t>() : 0;
        if (said != found[kind]) {
            throw ImportError(name + ": the header counts " + std::to_string(said) + " " + kind + " but the file holds " + std::to_string(found[kind]) +
                              "; nothing imported");
        }
    }

    // Applied as uploads are: the same ingest, in batches the size of the device's.
    nlohmann::json body;
    size_t largest = 0;
    auto flush = [&] {
        if (largest == 0) return;
        body["protocol"] = p::kVersion;
        body["device_id"] = summary.deviceId;
        for (const auto& [kind, results] : store.ingest(summary.deviceId, body, nowMs)) {
            for (const ItemResult& r : results) {
                ++summary.counts[kind][r.status];
                if (r.status != "stored" && r.status != "duplicate" && r.status != "updated") summary.refused.push_back({kind, r.id, r.status, r.reason});
            }
        }
        body = nlohmann::json::object();
        largest = 0;
    };
    for (size_t i = 0; i < lines.size(); ++i) {
        Line line = parseRecord(lines[i], i + 2);
        nlohmann::json& list = body[line.kind];
        if (!list.is_array()) list = nlohmann::json::array();
        list.push_back(std::move(line.item));
        largest = std::max(largest, list.size());
        if (largest >= kBatchPerKind) flush();
    }
    flush();
    return summary;
}

int runImport(const fs::path& file, const StoreLocation& where, int64_t nowMs)
{
    std::error_code ec;
    if (!where.postgres() && !fs::exists(where.dataDir / "central.db", ec)) {
        std::cerr << "skm-central: import refused: no central database in " << where.dataDir.string() << " (is --data-dir right?); nothing imported\n";
        return 1;
    }
    ImportSummary s;
    try {
        CentralStore store(where);
        s = importExport(store, file, nowMs);
    } catch (const ImportError& e) {
        std::cerr << "skm-central: import refused: " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        // A storage failure part-way: the batches before it are stored (once each), the rest are not;
        // the same import again stores the rest and answers the others duplicate.
        std::cerr << "skm-central: import failed: " << e.what() << "; run the same import again (what was stored is not stored twice)\n";
        return 1;
    }
    std::cout << file.filename().string() << ": device " << s.deviceId << ", exported " << store::isoUtc(s.exportedAtMs)
              << ", signature verified\n";
    for (const char* kind : protocol::kItemKinds) {
        auto c = s.counts[kind];
        std::cout << "  " << kind << ": " << c["stored"] << " stored, " << c["duplicate"] << " duplicate, " << c["updated"] << " updated, "
                  << c["rejected"] << " rejected";
        for (const auto& [status, n] : c) { // any other answer the ingest gives (e.g. a conflict with the record already here)
            if (status != "stored" && status != "duplicate" && status != "updated" && status != "rejected") std::cout << ", " << n << " " << status;
        }
        std::cout << '\n';
    }
    for (const auto& r : s.refused) std::cout << "  " << r.status << " " << r.kind << " " << r.id << ": " << r.reason << '\n';
    if (!s.refused.empty()) {
        std::cout << "records refused: " << s.refused.size() << " (listed above, with the reason); the rest are in\n";
        return 3;
    }
    return 0;
}

} // namespace skm::central
