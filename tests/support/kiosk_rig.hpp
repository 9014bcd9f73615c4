#pragma once
// The kiosk without a window, for the headless UI tests: a real ImGui context (no renderer), the real
// screens and controller, a real SQLite store in a temporary directory, a manual clock, and taps made
// of frames on the named touch targets. One rig for the citizen's, the survey's, the officer's and the
// technician's tests.

#include "imgui_driver.hpp"
#include "test_util.hpp"

#include <core/catalog.hpp>
#include <kiosk/config/config.hpp>
#include <core/survey.hpp>
#include <kiosk/roster/auth.hpp>
#include <kiosk/roster/duty.hpp>
#include <core/clock.hpp>
#include <kiosk/store/instance_lock.hpp>
#include <kiosk/store/rating_store.hpp>
#include <kiosk/ui/controller.hpp>
#include <kiosk/ui/images.hpp>

#include <memory>
#include <optional>
#include <string>

namespace skm::test {

struct RigOptions {
    ImVec2 display{1280, 800};
    std::string vfs;              // an SQLite VFS name (fault injection); empty: the default
    std::string deviceId = "ui-test";
    config::KioskConfig config = defaultConfig();
    bool demoRoster = false;      // import config/demo-roster.toml
    bool desk = false;            // attach the officer's desk (Authenticator and Duty)
    bool surveySource = false;    // DATA_DIR/survey.toml as the survey source
    bool usbStick = false;        // a USB stick for "export to USB": an empty directory in the rig's
    roster::DutyPolicy policy = [] { roster::DutyPolicy p; p.endOfDayMinutes = -1; return p; }();
    int64_t wallMs = 1'800'000'000'000;

    static config::KioskConfig defaultConfig()
    {
        config::KioskConfig c;
        c.officeName = "Kantor Uji";
        c.counter = "Loket 3";
        return c;
    }
};

// Pictures without a GPU: the size read from the file, a dummy texture id (nothing is rendered).
class StubImages final : public ui::ImageSource {
public:
    [[nodiscard]] ui::Image get(const std::string& path) override;
};

class KioskRig {
public:
    explicit KioskRig(RigOptions options = {});
    ~KioskRig();
    KioskRig(const KioskRig&) = delete;
    KioskRig& operator=(const KioskRig&) = delete;

    // Draws one frame of whatever is on screen.
    void frame();
    // A deliberate tap in the middle of target `name` of the current screen: the person looks before
    // touching, so the clock first passes the new view's touch guard (if it has not passed yet).
    void tap(const std::string& name);
    // A tap `afterMs` after the previous input, whether or not the view is armed (double taps, bursts).
    void tapAfter(int64_t afterMs, const std::string& name);
    void tapAfter(int64_t afterMs, ImVec2 at);
    // The pointer goes down at `at` (one frame) and stays down; release() lifts it (two frames).
    void press(ImVec2 at);
    void release();
    // Lets `ms` pass and runs what is due, then draws a frame.
    void wait(int64_t ms);
    // Waits until the current view takes touches (its guard has passed).
    void waitUntilArmed();
    void key(ImGuiKey k);
    void type(const std::string& chars);
    // Tab until the named target has the keyboard focus (fails the test if it never does).
    void tabTo(const std::string& name);
    // The centre of target `name` on the current screen (fails the test if there is none).
    [[nodiscard]] ImVec2 centre(const std::string& name);
    [[nodiscard]] bool has(const std::string& name) const;

    [[nodiscard]] ui::ScreenId screen() const { return controller->screen(); }
    [[nodiscard]] const ui::Snapshot& snap() const { return controller->snapshot(); }
    [[nodiscard]] std::string q(const std::string& sql);
    [[nodiscard]] int64_t count(const std::string& sqlFrom); // "ratings WHERE ..." -> count(*)
    // The catalogue's text for `key` in the snapshot's language (tests compare with it, never with wording).
    [[nodiscard]] const std::string& t(const std::string& key) const { return snap().t(key); }

    TempDir dir;
    StubImages images;
    store::ManualClock clock;
    ImGuiDriver driver;
    config::Catalog catalog;
    ui::UiSettings settings;
    std::unique_ptr<config::SurveySource> source;
    std::unique_ptr<store::InstanceLock> lock; // the kiosk's, as the app holds it (released after the store)
    std::unique_ptr<store::RatingStore> st;
    std::unique_ptr<ui::Controller> controller;
    std::unique_ptr<roster::Authenticator> auth;
    std::unique_ptr<roster::Duty> duty;
};

} // namespace skm::test
