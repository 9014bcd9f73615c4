#include "export.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace fs = std::filesystem;

namespace skm::store {

namespace {
nlohmann::json textOrNull(Statement& st, int col) { return st.columnIsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(st.columnText(col)); }
} // namespace

ExportResult exportUnsent(RatingStore& store, const fs::path& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw ExportError("no export directory at " + dir.string() + " (is the USB stick in?)");
    const int64_t now = store.clock().wallMs();
    ExportResult result;
    result.file = dir / ("skm-export-" + store.deviceId() + "-" + fileStampUtc(now) + ".jsonl");
    const fs::path tmp = result.file.string() + ".part";

    // Collect first, so the header can carry the count.
    std::string body;
    Statement st(store.database(),
                 "SELECT id, score, created_wall_ms, created_mono_ms, boot_id, device_id, counter, officer_nip, case_id, service_code,"
                 " reasons, comment, suppressed, language, scope, upload_status, last_error FROM ratings"
                 " WHERE upload_status IN ('pending', 'rejected') ORDER BY seq");
    while (st.next()) {
        nlohmann::json r = {
            {"id", st.columnText(0)}, {"score", st.columnInt(1)}, {"created_wall_ms", st.columnInt(2)}, {"created_mono_ms", st.columnInt(3)},
            {"boot_id", st.columnText(4)}, {"device_id", st.columnText(5)}, {"counter", st.columnText(6)}, {"officer_nip", textOrNull(st, 7)},
            {"case_id", textOrNull(st, 8)}, {"service_code", textOrNull(st, 9)},
            {"reasons", st.columnIsNull(10) ? nlohmann::json(nullptr) : nlohmann::json::parse(st.columnText(10), nullptr, false)},
            {"comment", textOrNull(st, 11)}, {"suppressed", st.columnInt(12) != 0}, {"language", st.columnText(13)},
            {"scope", st.columnText(14)}, {"upload_status", st.columnText(15)}, {"last_error", textOrNull(st, 16)},
        };
        body += r.dump() + "\n";
        ++result.ratings;
    }
    const nlohmann::json header = {{"format", "skm-export"}, {"version", 1}, {"device_id", store.deviceId()},
                                   {"exported_at_ms", now}, {"ratings", result.ratings}};
    const std::string content = header.dump() + "\n" + body;

    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw ExportError("cannot write to " + dir.string() + ": " + std::strerror(errno));
    size_t off = 0;
    while (off < content.size()) {
        const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw ExportError("cannot write " + tmp.string() + ": " + std::strerror(err));
        }
        off += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        throw ExportError("cannot flush " + tmp.string() + " (was the stick pulled out?)");
    }
    fs::rename(tmp, result.file, ec);
    if (ec) throw ExportError("cannot finish " + result.file.string() + ": " + ec.message());
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    (void)store.recordAudit("ratings_exported", std::nullopt,
                            nlohmann::json{{"file", result.file.string()}, {"ratings", result.ratings}}.dump());
    return result;
}

} // namespace skm::store
