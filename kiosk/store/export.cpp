#include "export.hpp"

#include "rating_json.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace fs = std::filesystem;

namespace skm::store {

namespace {
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
    for (const RatingJson& r : selectRatingsJson(store.database(), "upload_status IN ('pending', 'rejected')")) {
        body += r.json.dump() + "\n";
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
