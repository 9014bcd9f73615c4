#pragma once
// The kiosk's session on a device: what skm-kiosk.service needs to put the citizen's screen up, and
// how it backs off when it cannot (docs/operations.md, "What a device needs").
//
// skm-kiosk.service runs `skm-kiosk session run -- cage -d -- skm-kiosk ...`. cage (Debian 12: 0.1.4,
// wlroots 0.15) is a Wayland compositor; skm-kiosk is an X11 client (Debian's GLFW 3.3.8 is an X11
// build), so cage must start XWayland, which cage's package neither depends on nor recommends; the
// OpenGL context comes from Mesa's software or hardware DRI drivers; the text from Debian's Noto
// fonts. `skm-kiosk session check` (the unit's ExecStartPre) looks for each of these before cage
// starts and names the one that is missing in one journal line, with the package that brings it;
// `skm-kiosk session needs` lists them (the package test checks that each package is among
// skm-kiosk's Depends).
//
// Back-off: every start is counted in DATA_DIR/display-starts ("BOOT_ID COUNT") until the kiosk's
// first frame is on screen, which clears it. A start after COUNT such failed starts waits
// backoffMs(COUNT) first (nothing for the first retry, then 5 s doubling to 5 minutes), so a device
// that cannot show the screen retries ever more slowly instead of every RestartSec=2, and still comes
// back by itself once the piece is installed. A new boot starts the count again.
//
// `skm-kiosk session run -- cage -d -- skm-kiosk ...` is the unit's main process, for two reasons:
// - Notifications. With PAMName=login, pam_systemd moves the main process into the login session's
//   scope, and its children with it; systemd then takes READY=1 and WATCHDOG=1 only from the main
//   process itself (systemd.exec(5), PAMName=: "not recommended … in combination with
//   NotifyAccess=all"). cage cannot send them, and the kiosk, cage's child, is not the main process.
//   So this process gives its command a notify socket of its own (NOTIFY_SOCKET; WATCHDOG_PID is
//   dropped, since the kiosk is not that pid, and the kiosk's watchdog would otherwise stay off) and
//   sends what arrives there on to systemd as its own (NotifyAccess=exec).
// - Stopping. cage 0.1.4 aborts (SIGABRT, a core dump in the journal) when it is sent SIGTERM
//   itself, but exits cleanly when its client exits first. On SIGTERM (KillMode=mixed sends it to
//   this process only) this process asks the kiosk under cage to stop and waits for cage to exit by
//   itself (stopTimeoutMs); then it kills the kiosk and signals cage. systemd's watchdog SIGABRT is
//   passed on to the kiosk, then the same stop. As the subreaper, it kills any kiosk that outlived
//   cage before it exits: under PAMName= they are beyond the unit's KillMode.
// It exits 0 after a stop that went cleanly, 1 with one line when cage ended before the kiosk said
// READY=1 (cage 0.1.4 exits 0 whatever its client did), else with cage's status.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace skm::session {

struct Need {
    std::string what;            // "XWayland (X11 inside cage)"
    std::filesystem::path found; // the file that shows it is there, or the first place looked
    std::string package;         // the Debian package that brings it
    bool present = false;
};

struct NeedsOptions {
    std::filesystem::path compositor = "/usr/bin/cage";
    std::filesystem::path xwayland;              // empty: $WLR_XWAYLAND (wlroots' own override), else /usr/bin/Xwayland
    std::vector<std::filesystem::path> driDirs;  // empty: Mesa's DRI driver directories of this machine
    std::string font;                            // display.font; empty: the kiosk's default Noto font
};

// Each piece, looked for now.
[[nodiscard]] std::vector<Need> displayNeeds(const NeedsOptions& options = {});
// One line naming every missing piece and the packages to install, or nullopt when all are there.
[[nodiscard]] std::optional<std::string> describeMissing(const std::vector<Need>& needs);

// The wait before a start that follows `failedStarts` starts that never showed the screen.
[[nodiscard]] int64_t backoffMs(int failedStarts);

// DATA_DIR/display-starts: starts since the last one that showed the screen, in this boot.
[[nodiscard]] int failedStarts(const std::filesystem::path& dataDir, const std::string& bootId);
// Counts a start (before it is known to succeed). Throws std::runtime_error when it cannot be written.
void countStart(const std::filesystem::path& dataDir, const std::string& bootId, int failedStartsBefore);
// The screen is up: the count starts again. A missing file is fine; an error is only logged.
void clearStarts(const std::filesystem::path& dataDir) noexcept;

// `session check`: waits out the back-off (telling systemd, so TimeoutStartSec does not end the
// wait), counts this start, checks the needs. 0 when the kiosk may start, 1 with one journal line
// when a piece is missing. `sleepMs` is std::this_thread::sleep_for unless a test replaces it.
struct CheckOptions {
    std::filesystem::path dataDir;
    std::string bootId;
    NeedsOptions needs;
    void (*sleepMs)(int64_t) = nullptr;
};
int runCheck(const CheckOptions& options);

// `session run -- COMMAND...`: see above. Returns the exit status for the process.
int runSession(const std::vector<std::string>& command, int64_t stopTimeoutMs);

// The processes named skm-kiosk at or under `pid` (its descendants, any depth).
[[nodiscard]] std::vector<int> kiosksUnder(int pid);

} // namespace skm::session
