#pragma once
// The router: the one entry from the window to the kiosk's UI. It owns the screens (the registry), the
// snapshot's shared part, the touch gate, the long-press gestures, the timers (the thanks, the notice,
// the idle timeouts, the countdowns) and the confirmations, and hands each intent to the flow whose
// screen is up:
//   citizen_flow      attract, follow-up, comment, thanks (a rating and its steps)
//   survey_flow       the questionnaire
//   officer_desk      sign-in (officer or technician PIN), the officer's screen, who serves the citizen
//   technician_panel  the admin screen, "sync now", export, leave the kiosk
// Each flow changes only its slice of the snapshot (screen.hpp) and asks the router for the rest
// (flow.hpp). An idle timeout returns any screen to the attract screen and resets the language for the
// next citizen. Everything here runs on the UI thread.

#include "citizen_flow.hpp"
#include "flow.hpp"
#include "officer_desk.hpp"
#include "speech.hpp"
#include "survey_flow.hpp"
#include "technician_panel.hpp"
#include "touch_gate.hpp"
#include "write_queue.hpp"

#include <core/catalog.hpp>
#include <core/clock.hpp>
#include <kiosk/roster/auth.hpp>
#include <kiosk/roster/duty.hpp>
#include <kiosk/store/export.hpp>
#include <kiosk/store/rating_store.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace skm::ui {

// A key the kiosk acts on itself (the window collects them from GLFW, in the order pressed).
struct KeyPress {
    enum class Action { Face, Officer, Admin, Survey, Back } action;
    int digit = 0;       // Face: 1-4 are the faces; on a survey question 1..8 choose its answers
    bool keypad = false; // Face: from a numeric keypad (the citizens' 4-key keypad is one): the public side
};

class Controller final : private Router {
public:
    // `store`, `clock` and `catalog` must outlive the controller.
    Controller(store::RatingStore& store, UiSettings settings, const store::Clock& clock, const config::Catalog& catalog);
    ~Controller() override; // cancels a running "sync now" and waits for it a moment (BackgroundSync::stop)

    // Draws the current screen into the current ImGui frame (between NewFrame and Render) and acts on
    // the intent it returns. Pointer activity in the frame counts as activity for the idle timeout.
    void drawFrame(const Theme& theme);
    // A face chosen on a keyboard or 4-key keypad (keys 1-4): a new rating from whatever citizen screen
    // is up. Ignored on the officer's screens (there the digits are typed). On the survey screen, keys
    // 1..n choose the question's n-th answer instead.
    void pressFace(int score);
    // Keys in the order they were pressed: a burst ("S 5 4" from a fast typist or a keypad macro)
    // starts the questionnaire, picks service 5 and answers 4, never a rating 4 first.
    void pressKeys(const std::vector<KeyPress>& keys);
    // The SKM survey (issue 6): the definition in force (must outlive the controller). Without it the
    // built-in definition is used.
    // DATA_DIR/ikm-line.toml, read again at each tick and return to the attract screen (must outlive the controller).
    void setPublishedIkmSource(config::PublishedIkmSource* source)
    {
        m_ikmSource = source;
        refreshPublishedIkm();
    }
    void setSurveySource(config::SurveySource* source)
    {
        m_survey.setSource(source);
        m_admin.setSurveySource(source);
    }
    // Key S on the attract or thanks screen: the full questionnaire.
    void surveyKey();
    // Backspace: the previous survey question (on the survey screen only).
    void backKey();
    // Gives the controller the officer's desk: sign-in and duty. Without it, F2 and the gesture do nothing.
    void attachOfficerDesk(roster::Authenticator& auth, roster::Duty& duty);
    // Where officers' photos are; without it no photo is shown.
    void setPhotoLocator(PhotoLocator locate) { m_desk.setPhotoLocator(std::move(locate)); }
    // F2 on a keyboard: the officer's screen if a session is in force (the keyboard is on the officer's
    // side of the counter), else the sign-in.
    void officerKey();
    // F12 on a keyboard: the technician's PIN, then the admin screen.
    void adminKey();
    // "Sync now" on the admin screen: `run` performs one sync (skm-sync's code, its own store
    // connection), watching its cancel flag, and returns what it did; it runs on a worker thread
    // (background_sync.hpp). `wake` is called from that thread when it ends (glfwPostEmptyEvent in the
    // app). Without a runner the button says sync is not set up.
    void setSyncRunner(BackgroundSync::Runner run, std::function<void()> wake) { m_admin.setSyncRunner(std::move(run), std::move(wake)); }
    // "Export to USB" signs the file with the device's key (the provisioning's id and secret), which
    // `key` gives when asked, on the UI thread; it throws when the device is not provisioned. Without
    // one the button says the export is not available.
    void setExportKey(std::function<store::ExportKey()> key) { m_admin.setExportKey(std::move(key)); }
    // The duty changed by somebody else than the officer: the queue system opened or cancelled a case
    // (kiosk/queue/). `drain` applies what waits and returns true if the open case changed; it is
    // called from drainBackground(), on the UI thread. The citizen's screen then changes as at a
    // hand-over: the attract screen shows who serves the new case, and a touch begun before it does
    // not act on it. Another screen (a follow-up, the questionnaire, the officer's) is left as it is.
    void setDutyFeed(std::function<bool()> drain) { m_dutyFeed = std::move(drain); }
    // The thanks screen's QR code: the link to the full questionnaire on the citizen's phone for the
    // rating just made (citizen_flow.hpp). Without it no code is shown.
    void setPhoneLinkMaker(CitizenFlow::PhoneLinkMaker make) { m_citizen.setPhoneLinkMaker(std::move(make)); }
    // The attract screen's QR code while a case is open: the same questionnaire, for that case, for a
    // citizen who would rather answer later (officer_desk.hpp). Without it none is shown.
    void setCaseLinkMaker(OfficerDesk::CaseLinkMaker make)
    {
        m_desk.setCaseLinkMaker(std::move(make));
        m_desk.refreshServing();
    }
    // The voice (issue 21, [voice] enabled): with it the citizen's screens show the speaker button, and
    // a tap on it hands `say` what that screen reads (speech.hpp: the question and its answers, never
    // the answer chosen). `silence` is called whenever the view changes (a new screen or question, a
    // confirmation) or the language does, so nothing goes on being read over another screen. Both are
    // called on the UI thread and must return at once (the speaker works on a thread of its own).
    void setVoice(std::function<void(const Speech&)> say, std::function<void()> silence)
    {
        m_say = std::move(say);
        m_silence = std::move(silence);
        m_state.voice = static_cast<bool>(m_say);
    }
    // Called from the frame loop: takes the results posted by background work (one path across threads).
    // A result counts as activity: the technician who waited through a long sync gets the screen's
    // whole idle time to read it.
    bool drainBackground();
    [[nodiscard]] bool syncRunning() const noexcept { return m_admin.syncRunning(); }
    // The technician chose "leave the kiosk": the app should exit (status 0) for maintenance.
    [[nodiscard]] bool quitRequested() const noexcept { return m_admin.quitRequested(); }
    // Runs what is due (screen resets, idle timeout, retries). Returns true if anything visible changed.
    bool tick();
    // The monotonic time (ms) of the next scheduled change; INT64_MAX when nothing is scheduled.
    [[nodiscard]] int64_t nextDeadlineMs() const;

    [[nodiscard]] ScreenId screen() const noexcept { return m_state.screen; }
    // The current screen's background colour, to clear the frame with.
    [[nodiscard]] ImU32 background(const Theme& theme) const { return m_screens[static_cast<size_t>(m_state.screen)]->background(theme); }
    [[nodiscard]] const Snapshot& snapshot() const noexcept { return m_state; }
    [[nodiscard]] size_t pendingRetries() const noexcept { return m_writes.held(); }
    // When a touch can act on the view on screen (its touch guard has passed and no burst goes on).
    [[nodiscard]] int64_t touchArmedAtMs() const noexcept { return m_gate.armedAtMs(); }
    [[nodiscard]] int64_t voidPresses() const noexcept { return m_gate.voidPresses(); }
    [[nodiscard]] uint64_t viewSerial() const noexcept { return m_gate.viewSerial(); }
    // Called after every screen change with the new screen (for screenshots and logs).
    std::function<void(ScreenId)> onScreenChanged;

private:
    // Router (flow.hpp).
    void show(ScreenId id) override;
    void viewChanged() override;
    void toAttract() override;
    void leaveCitizenFlow() override;
    void notice(bool diskFull) override;
    void setLanguage(config::Lang lang) override { m_state.lang = lang; }
    void ask(Confirm question) override;
    void openAdmin() override;
    void surveyCompleted() override { m_citizen.thankForSurvey(); }
    void servingChanged() override { m_desk.refreshServing(); }

    void handle(const Intent& intent);
    void answerConfirm(ConfirmCommand answer);
    void rate(int score);
    void startSurvey();
    void toggleLanguage();
    void noteActivity();
    void checkGesture();         // long presses: office name -> sign-in, counter -> technician
    void openGesture();          // the held gesture's screen
    void refreshCountdown();     // the follow-up's and comment's "returns in N s"
    bool refreshPublishedIkm();  // true when the IKM line changed
    [[nodiscard]] int64_t screenDeadlineMs() const; // thanks/notice timer or idle timeout
    [[nodiscard]] Screen& current();

    store::RatingStore& m_store;
    UiSettings m_settings;
    const store::Clock& m_clock;
    std::array<std::unique_ptr<Screen>, std::size(kAllScreens)> m_screens;
    Snapshot m_state;
    TouchGate m_gate;
    // The score of the face a live touch just rated: void presses of the burst that follows it are
    // counted as suppressed presses of that face (as repeated key presses are), never as answers.
    std::optional<int> m_burstScore;
    int64_t m_lastActivity = 0;
    int64_t m_screenDeadline = std::numeric_limits<int64_t>::max();
    std::optional<int64_t> m_gestureStart; // monotonic ms the long press began
    std::string m_gestureTarget;           // "gesture.officer" or "gesture.admin"
    static constexpr int64_t kGestureMs = 3000;      // officer
    static constexpr int64_t kAdminGestureMs = 5000; // technician
    [[nodiscard]] int64_t gestureDueMs() const { return *m_gestureStart + (m_gestureTarget == "gesture.admin" ? kAdminGestureMs : kGestureMs); }

    WriteQueue m_writes;
    FlowContext m_ctx;
    CitizenFlow m_citizen;
    SurveyFlow m_survey;
    OfficerDesk m_desk;
    config::PublishedIkmSource* m_ikmSource = nullptr;
    std::function<bool()> m_dutyFeed;
    std::function<void(const Speech&)> m_say;
    std::function<void()> m_silence;
    TechnicianPanel m_admin; // last: destroyed first (its sync run ends before anything it was given goes)
};

} // namespace skm::ui
