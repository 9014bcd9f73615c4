#include "export.hpp"

#include <core/protocol.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fs = std::filesystem;

namespace skm::store {

namespace {

// A read transaction on the store's connection, ended at scope exit.
class ReadTransaction {
public:
    explicit ReadTransaction(Database& db) : m_db(db) { m_db.exec("BEGIN"); }
    ~ReadTransaction() { (void)m_db.tryExec("COMMIT"); }
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;

private:
    Database& m_db;
};

// Writes `content` to `tmp` and fsyncs it; on failure removes it and throws ExportError.
void writeFile(const fs::path& tmp, const std::string& content)
{
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw ExportError("cannot write to " + tmp.parent_path().string() + ": " + std::strerror(errno));
    auto fail = [&](const std::string& what, int err) {
        ::close(fd);
        ::unlink(tmp.c_str());
        const std::string hint = err == ENOSPC ? " (the USB stick is full)" : err == EIO ? " (was the stick pulled out?)" : "";
        throw ExportError(what + " " + tmp.string() + ": " + std::strerror(err) + hint);
    };
    size_t off = 0;
    while (off < content.size()) {
        const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("cannot write", n < 0 ? errno : ENOSPC);
        off += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) fail("cannot flush", errno);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw ExportError("cannot flush " + tmp.string() + ": " + std::strerror(err));
    }
}

} // namespace

ExportResult exportUnsent(RatingStore& store, const fs::path& dir, const ExportKey& key)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw ExportError("no export directory at " + dir.string() + " (is the USB stick in?)");
    if (key.deviceId.empty() || key.secret.empty()) throw ExportError("no device secret to sign the export with: provision this kiosk first (skm-kiosk provision)");
    const int64_t now = store.clock().wallMs();
    ExportResult result;
    result.file = dir / ("skm-export-" + key.deviceId + "-" + fileStampUtc(now) + ".jsonl");
    const fs::path tmp = result.file.string() + ".part";

    // Every kind from one moment of the store (a case closed by its rating is in both or in neither).
    std::string records;
    {
        ReadTransaction snapshot(store.database());
        for (size_t k = 0; k < kUnsentKinds.size(); ++k) {
            int64_t& n = result.counts[kUnsentKinds[k].key];
            for (RecordJson& r : selectRecordsJson(store.database(), k, Unsent::PendingAndRejected)) {
                const nlohmann::json line = {{"kind", kUnsentKinds[k].key},
                                             {"upload_status", r.uploadStatus},
                                             {"last_error", r.lastError ? nlohmann::json(*r.lastError) : nlohmann::json(nullptr)},
                                             {"item", std::move(r.json)}};
                records += line.dump() + "\n";
                ++n;
            }
        }
    }
    const nlohmann::json header = {{"format", protocol::kExportFormat}, {"version", protocol::kExportVersion}, {"protocol", protocol::kVersion},
                                   {"device_id", key.deviceId},          {"exported_at_ms", now},                 {"counts", result.counts}};
    const std::string content = header.dump() + "\n" + records;
    std::string signature;
    try {
        signature = protocol::sign(key.secret, protocol::canonicalExport(content));
    } catch (const protocol::ProtocolError& e) {
        throw ExportError(std::string("cannot sign the export with the device's secret: ") + e.what());
    }

    writeFile(tmp, content + nlohmann::json{{"signature", signature}}.dump() + "\n");
    fs::rename(tmp, result.file, ec);
    if (ec) {
        const std::string why = ec.message();
        fs::remove(tmp, ec);
        throw ExportError("cannot finish " + result.file.string() + ": " + why);
    }
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    nlohmann::json detail = {{"file", result.file.string()}};
    for (const auto& [kind, n] : result.counts) detail[kind] = n;
    (void)store.recordAudit("ratings_exported", std::nullopt, detail.dump());
    return result;
}

} // namespace skm::store
