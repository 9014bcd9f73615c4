#include "photo_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace fs = std::filesystem;

namespace skm::roster {

namespace {

[[noreturn]] void fail(const std::string& what, int err = errno) { throw std::system_error(err, std::generic_category(), what); }

void syncDirectory(const fs::path& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("cannot open " + dir.string());
    const bool ok = ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) fail("cannot sync " + dir.string(), err);
}

bool isTemporaryName(std::string_view name)
{
    return name.size() > 5 && name.front() == '.' && name.substr(name.size() - 4) == ".tmp" && isPhotoFileName(name.substr(1, name.size() - 5));
}

} // namespace

fs::path photosDir(const fs::path& dataDir) { return dataDir / "photos"; }

void writePhotos(const fs::path& dir, const std::map<std::string, std::string>& photos)
{
    if (photos.empty()) return;
    std::error_code ec;
    // A new directory gets the data directory's permissions (not the umask's) and, when root
    // imports, its owner, so that the kiosk's own user can replace the photos later.
    struct stat parent {};
    const fs::path dataDir = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
    if (::stat(dataDir.c_str(), &parent) != 0) fail("cannot read " + dataDir.string());
    const bool root = ::geteuid() == 0;
    if (::mkdir(dir.c_str(), parent.st_mode & 07777) == 0) {
        if (::chmod(dir.c_str(), parent.st_mode & 07777) != 0) fail("cannot set the permissions of " + dir.string());
        if (root && ::chown(dir.c_str(), parent.st_uid, parent.st_gid) != 0) fail("cannot set the owner of " + dir.string());
    } else if (errno != EEXIST) {
        fail("cannot create " + dir.string());
    }

    bool wrote = false;
    for (const auto& [name, bytes] : photos) {
        if (!isPhotoFileName(name)) throw std::invalid_argument("not a photo file name: " + name);
        const fs::path file = dir / name;
        // Named by content: a file of that name and size is that photo already.
        if (fs::is_regular_file(file, ec) && fs::file_size(file, ec) == bytes.size() && !ec) continue;
        const fs::path tmp = dir / ("." + name + ".tmp");
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644); // nothing secret in a photo
        if (fd < 0) fail("cannot write " + tmp.string());
        const bool ok = ::fchmod(fd, 0644) == 0 && (!root || ::fchown(fd, parent.st_uid, parent.st_gid) == 0) &&
                        ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
        const int err = errno;
        ::close(fd);
        if (!ok) {
            ::unlink(tmp.c_str());
            fail("cannot write " + tmp.string(), err);
        }
        if (::rename(tmp.c_str(), file.c_str()) != 0) {
            const int renameErr = errno;
            ::unlink(tmp.c_str());
            fail("cannot write " + file.string(), renameErr);
        }
        wrote = true;
    }
    if (wrote) syncDirectory(dir);
}

void removePhotosExcept(const fs::path& dir, const std::set<std::string>& keep)
{
    std::error_code ec;
    bool removed = false;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        // Only what writePhotos makes: anything else someone put there is left alone.
        if ((isPhotoFileName(name) && !keep.count(name)) || isTemporaryName(name)) removed = fs::remove(entry.path(), ec) || removed;
    }
    if (removed) {
        try {
            syncDirectory(dir);
        } catch (const std::system_error&) {
            // A removal that did not reach the disk is redone by the next roster.
        }
    }
}

} // namespace skm::roster
