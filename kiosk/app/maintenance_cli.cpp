#include "maintenance_cli.hpp"

#include "roster_cli.hpp"

#include <kiosk/maintenance/maintenance.hpp>
#include <kiosk/store/rating_store.hpp>

#include <nlohmann/json.hpp>

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace fs = std::filesystem;

namespace skm::app {

namespace {

std::string userName(uid_t uid)
{
    if (const passwd* pw = ::getpwuid(uid); pw && pw->pw_name) return pw->pw_name;
    return "uid " + std::to_string(uid);
}

// How to end maintenance: the two commands to type (with this command's data directory), joined by `then`.
std::string wayBack(const fs::path& dataDir, const std::string& then = "\n    ")
{
    // The commands run as the data directory's user (the unit's User=skm); root types sudo -u.
    const std::string as = ::geteuid() == 0 ? "" : "sudo -u " + userName(::geteuid()) + " ";
    return as + "skm-kiosk maintenance end --data-dir " + dataDir.string() + then + "sudo systemctl start skm-kiosk";
}

std::string describe(const maintenance::Marker& m)
{
    return "since " + m.since + " by " + m.by + (m.reason.empty() ? "" : " (" + m.reason + ")");
}

// Records an audit event in DATA_DIR's store; a failure is a warning on stderr, never fatal.
void audit(const fs::path& dataDir, const std::string& counter, const std::string& deviceId, const std::string& kind, const nlohmann::json& detail)
{
    try {
        auto st = openCliStore(dataDir, counter, deviceId);
        if (const int rc = st->recordAudit(kind, std::nullopt, detail.dump()); rc != 0) {
            std::cerr << "skm-kiosk: warning: the audit event " << kind << " was not recorded (SQLite error " << rc << ")\n";
        }
    } catch (const std::exception& e) {
        std::cerr << "skm-kiosk: warning: the audit event " << kind << " was not recorded: " << e.what() << '\n';
    }
}

// The notice for the kiosk's own screen (a Linux console: plain text, both languages).
std::string screenNotice(const maintenance::Marker& m, const fs::path& dataDir)
{
    std::string t = "\033[H\033[2J\n"; // home, clear: the console may still hold the compositor's last lines
    t += "  SKM Kiosk\n\n";
    t += "  KIOSK DALAM PEMELIHARAAN  /  KIOSK UNDER MAINTENANCE\n\n";
    t += "  sejak / since     " + m.since + "\n";
    t += "  oleh / by         " + m.by + "\n";
    if (!m.reason.empty()) t += "  alasan / reason   " + m.reason + "\n";
    t += "\n  Untuk kembali / To return (shell: Ctrl+Alt+F2 or ssh):\n    " + wayBack(dataDir) + "\n";
    t += m.keepAfterReboot ? "  Pemeliharaan ini tetap berlaku setelah perangkat dinyalakan ulang.\n"
                             "  This maintenance stays in force when the device restarts.\n"
                           : "  Menyalakan ulang perangkat juga mengembalikan kiosk.\n"
                             "  Restarting the device also brings the kiosk back.\n";
    return t;
}

} // namespace

std::string shellUser()
{
    if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo) return sudo;
    return userName(::geteuid());
}

int runMaintenanceStart(const fs::path& dataDir, const std::string& by, const std::string& reason, bool keepAfterReboot, const std::string& counter,
                        const std::string& deviceId)
{
    std::error_code ec;
    if (!fs::is_directory(dataDir, ec)) {
        // Not created here: a mistyped --data-dir must not look like maintenance of the real kiosk.
        std::cerr << "skm-kiosk: no data directory " << dataDir.string() << " (the kiosk's is /var/lib/skm on a device: pass --data-dir)\n";
        return 1;
    }
    const maintenance::Reading before = maintenance::read(dataDir);
    if (before.state == maintenance::State::InForce && before.marker->keepAfterReboot == keepAfterReboot) {
        std::cout << "maintenance is already set in " << dataDir.string() << ", " << describe(*before.marker) << "; nothing changed.\n";
        return 0;
    }
    const maintenance::Marker m = maintenance::makeMarker(by, reason, keepAfterReboot, store::SystemClock::instance().wallMs());
    try {
        maintenance::write(dataDir, m);
    } catch (const std::exception& e) {
        std::cerr << "skm-kiosk: cannot set maintenance: " << e.what() << '\n';
        return 1;
    }
    audit(dataDir, counter, deviceId, "maintenance_started", maintenance::toJson(m));
    std::cout << "maintenance set in " << dataDir.string() << ", " << describe(m) << ".\n"
              << (keepAfterReboot ? "skm-kiosk.service will not start the kiosk, not even after a reboot, until maintenance ends:\n    "
                                  : "skm-kiosk.service will not start the kiosk until maintenance ends (or the device restarts):\n    ")
              << wayBack(dataDir) << '\n'
              << "A kiosk running now keeps running: stop it with  sudo systemctl stop skm-kiosk\n";
    return 0;
}

int runMaintenanceEnd(const fs::path& dataDir, const std::string& by, const std::string& counter, const std::string& deviceId)
{
    const maintenance::Reading found = maintenance::read(dataDir);
    bool removed = false;
    try {
        removed = maintenance::clear(dataDir);
    } catch (const std::exception& e) {
        std::cerr << "skm-kiosk: cannot end maintenance: " << e.what() << '\n';
        return 1;
    }
    if (!removed) {
        std::cout << "no maintenance was set in " << dataDir.string() << "; nothing to end. Start the kiosk with  sudo systemctl start skm-kiosk\n";
        return 0;
    }
    nlohmann::json detail = {{"by", by}};
    if (found.marker) {
        detail["since"] = found.marker->since;
        detail["started_by"] = found.marker->by;
        if (found.state == maintenance::State::EndedByReboot) detail["note"] = "already ended by a reboot";
    } else if (!found.problem.empty()) {
        detail["problem"] = found.problem;
    }
    audit(dataDir, counter, deviceId, "maintenance_ended", detail);
    std::cout << "maintenance ended in " << dataDir.string() << (found.marker ? " (it was set " + describe(*found.marker) + ")" : std::string()) << ".\n"
              << "Start the kiosk:  sudo systemctl start skm-kiosk   (a reboot starts it too)\n";
    return 0;
}

int runMaintenanceCheck(const fs::path& dataDir, bool tty)
{
    const maintenance::Reading r = maintenance::read(dataDir);
    switch (r.state) {
    case maintenance::State::None: return kMaintenanceNone;
    case maintenance::State::EndedByReboot:
        std::cout << "the maintenance set " << describe(*r.marker) << " ended with the reboot; the kiosk starts (and clears the marker)\n";
        return kMaintenanceNone;
    case maintenance::State::Unreadable:
        // Fail open: a kiosk is firmware, and a marker nobody can read holds nothing.
        std::cout << "skm-kiosk: ignoring an unreadable maintenance marker (" << r.problem << "); the kiosk starts\n";
        return kMaintenanceNone;
    case maintenance::State::InForce: break;
    }
    std::cout << "maintenance " << describe(*r.marker) << ": skm-kiosk.service does not start the kiosk. To return: " << wayBack(dataDir, ", then ")
              << (r.marker->keepAfterReboot ? "" : "  (or reboot)") << '\n';
    if (tty) {
        if (::isatty(STDIN_FILENO)) {
            // systemd opens the unit's TTYPath read-write as standard input (StandardInput=tty-fail).
            const std::string text = screenNotice(*r.marker, dataDir);
            size_t done = 0;
            while (done < text.size()) {
                const ssize_t n = ::write(STDIN_FILENO, text.data() + done, text.size() - done);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
                done += static_cast<size_t>(n);
            }
        } else {
            std::cerr << "skm-kiosk: --tty: standard input is not a terminal; the notice went to standard output only\n";
        }
    }
    return kMaintenanceInForce;
}

} // namespace skm::app
