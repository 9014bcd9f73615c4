#include "maintenance.hpp"

#include <core/clock.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace skm::maintenance {

namespace {

constexpr std::uintmax_t kMaxMarkerBytes = 64 * 1024; // a marker is a few hundred bytes: refuse more before parsing

std::runtime_error sysError(const std::string& what, const fs::path& path)
{
    return std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

// Writes all of `text` to `fd`.
bool writeAll(int fd, const std::string& text)
{
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

bool isKernelBootId(const std::string& id) { return id.size() == 36 && id.rfind("proc-", 0) != 0; }

} // namespace

fs::path markerPath(const fs::path& dataDir) { return dataDir / "maintenance"; }

Marker makeMarker(std::string by, std::string reason, bool keepAfterReboot, int64_t wallMs)
{
    Marker m;
    m.since = store::isoUtc(wallMs);
    m.by = std::move(by);
    m.reason = std::move(reason);
    m.bootId = store::bootId();
    m.keepAfterReboot = keepAfterReboot;
    return m;
}

nlohmann::json toJson(const Marker& m)
{
    return {{"since", m.since}, {"by", m.by}, {"reason", m.reason}, {"keep_after_reboot", m.keepAfterReboot}};
}

Reading read(const fs::path& dataDir, const std::string& currentBootId)
{
    Reading r;
    const fs::path file = markerPath(dataDir);
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(file, ec);
    if (ec || st.type() == fs::file_type::not_found) {
        if (ec && ec != std::errc::no_such_file_or_directory) {
            r.state = State::Unreadable;
            r.problem = file.string() + ": " + ec.message();
        }
        return r;
    }
    r.state = State::Unreadable;
    if (st.type() != fs::file_type::regular) {
        r.problem = file.string() + ": not a regular file";
        return r;
    }
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec || size > kMaxMarkerBytes) {
        r.problem = file.string() + (ec ? ": " + ec.message() : ": larger than " + std::to_string(kMaxMarkerBytes) + " bytes");
        return r;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        r.problem = file.string() + ": " + std::strerror(errno);
        return r;
    }
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
    auto stringField = [&](const char* key, bool required, std::string& out) {
        if (!j.contains(key)) return !required;
        if (!j[key].is_string()) return false;
        out = j[key].get<std::string>();
        return true;
    };
    Marker m;
    if (!j.is_object() || !stringField("since", true, m.since) || !stringField("by", true, m.by) || !stringField("reason", false, m.reason) ||
        !stringField("boot_id", false, m.bootId) || (j.contains("keep_after_reboot") && !j["keep_after_reboot"].is_boolean())) {
        r.problem = file.string() + ": not a maintenance marker (a JSON object with the strings since and by)";
        return r;
    }
    m.keepAfterReboot = j.value("keep_after_reboot", false);
    // A marker of an earlier boot no longer holds the kiosk, unless it was meant to. Where either id
    // is not the kernel's, the boots cannot be told apart and the marker stays in force.
    const bool otherBoot = isKernelBootId(m.bootId) && isKernelBootId(currentBootId) && m.bootId != currentBootId;
    r.state = otherBoot && !m.keepAfterReboot ? State::EndedByReboot : State::InForce;
    r.marker = std::move(m);
    return r;
}

void write(const fs::path& dataDir, const Marker& m)
{
    struct stat dirStat {};
    if (::stat(dataDir.c_str(), &dirStat) != 0) throw sysError("cannot use the data directory", dataDir);
    if (!S_ISDIR(dirStat.st_mode)) throw std::runtime_error("not a directory: " + dataDir.string());
    nlohmann::json j = toJson(m);
    j["boot_id"] = m.bootId;
    const std::string text = j.dump(2) + "\n";
    const fs::path file = markerPath(dataDir);
    const fs::path tmp = file.string() + ".tmp";
    ::unlink(tmp.c_str()); // a leftover of a crash, possibly with other modes: start afresh
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) throw sysError("cannot create", tmp);
    auto fail = [&](const std::string& what) {
        const auto e = sysError(what, tmp);
        ::close(fd);
        ::unlink(tmp.c_str());
        return e;
    };
    // 0640 even under a looser umask; owned like the data directory when root writes it (a technician
    // with sudo), so that the unit's user can still read it.
    if (::fchmod(fd, 0640) != 0) throw fail("cannot set the mode of");
    if (::geteuid() == 0 && dirStat.st_uid != 0 && ::fchown(fd, dirStat.st_uid, dirStat.st_gid) != 0) throw fail("cannot set the owner of");
    if (!writeAll(fd, text)) throw fail("cannot write");
    if (::fsync(fd) != 0) throw fail("cannot sync");
    if (::close(fd) != 0) {
        const auto e = sysError("cannot close", tmp);
        ::unlink(tmp.c_str());
        throw e;
    }
    if (::rename(tmp.c_str(), file.c_str()) != 0) {
        const auto e = sysError("cannot rename into place", file);
        ::unlink(tmp.c_str());
        throw e;
    }
    // The rename itself survives a power cut only once the directory is synced.
    if (const int dfd = ::open(dataDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
}

bool clear(const fs::path& dataDir)
{
    const fs::path file = markerPath(dataDir);
    if (::unlink(file.c_str()) != 0) {
        if (errno == ENOENT) return false;
        throw sysError("cannot remove", file);
    }
    if (const int dfd = ::open(dataDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
    return true;
}

Settled settleAtStart(store::RatingStore& store, const fs::path& dataDir)
{
    Settled s;
    s.found = read(dataDir);
    if (s.found.state != State::EndedByReboot && s.found.state != State::Unreadable) return s;
    try {
        s.removed = clear(dataDir);
    } catch (const std::exception& e) {
        s.error = e.what();
        return s;
    }
    nlohmann::json detail;
    if (s.found.state == State::EndedByReboot) {
        detail = {{"by", "reboot"}, {"since", s.found.marker->since}, {"started_by", s.found.marker->by}, {"reason", s.found.marker->reason}};
    } else {
        detail = {{"by", "start"}, {"problem", s.found.problem}};
    }
    (void)store.recordAudit("maintenance_ended", std::nullopt, detail.dump());
    return s;
}

} // namespace skm::maintenance
