#pragma once
// The controller owns the citizen's flow and is the only path from the UI to the store:
//   attract --tap--> [rating committed] --> follow-up (reasons) --> comment --> thanks --> attract
// Every step after the tap can be skipped; the follow-up and the comment update the committed rating
// in their own transactions; an idle timeout returns any step to the attract screen and resets the
// language for the next citizen. Everything here runs on the UI thread.

#include "background_sync.hpp"
#include "screen.hpp"
#include "sync_summary.hpp"
#include "theme.hpp"
#include "touch_gate.hpp"

#include <core/catalog.hpp>
#include <kiosk/roster/auth.hpp>
#include <kiosk/roster/duty.hpp>
#include <kiosk/config/config.hpp>
#include <core/survey.hpp>
#include <core/clock.hpp>
#include <kiosk/store/export.hpp>
#include <kiosk/store/rating_store.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

namespace skm::ui {

struct UiSettings {
    std::string officeName;
    std::string counter;
    int64_t thanksMs = 4000;
    int64_t noticeMs = 8000;
    int64_t idleMs = 30000;            // an English attract screen returns to Indonesian; officer screens: twice this
    int64_t followupIdleMs = 15000;    // the follow-up and the comment keyboard return to the attract screen
    int64_t surveyIdleMs = 60000;      // a questionnaire question
    int64_t responseIntervalMs = 3000; // presses closer than this are stored as suppressed (0: off)
    int64_t touchGuardMs = 400;        // a new view ignores presses for this long after it appears (TouchGate)
    int64_t retryEveryMs = 5000;
    size_t maxRetries = 1000;          // writes held in memory while the disk refuses them
    int commentMax = 200;
    std::vector<config::Reason> reasonsLow;  // after scores 1-2
    std::vector<config::Reason> reasonsHigh; // after scores 3-4
    std::string adminPinHash;  // Argon2id of the technician's PIN; empty: no admin screen
    std::string exportDir;     // "export to USB"
    std::string version;       // shown on the admin screen

    // The settings a kiosk configuration asks for.
    static UiSettings from(const config::KioskConfig& c);
};


// The officer's photo file, or empty: set by the app (DATA_DIR/photos) once the roster carries photos.
using PhotoLocator = std::function<std::string(const roster::Officer&)>;

// A key the kiosk acts on itself (the window collects them from GLFW, in the order pressed).
struct KeyPress {
    enum class Action { Face, Officer, Admin, Survey, Back } action;
    int digit = 0;       // Face: 1-4 are the faces; on a survey question 1..8 choose its answers
    bool keypad = false; // Face: from a numeric keypad (the citizens' 4-key keypad is one): the public side
};

class Controller {
public:
    // `store`, `clock` and `catalog` must outlive the controller.
    Controller(store::RatingStore& store, UiSettings settings, const store::Clock& clock, const config::Catalog& catalog);
    ~Controller(); // cancels a running "sync now" and waits for it a moment (BackgroundSync::stop)

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
    void setSurveySource(config::SurveySource* source) { m_surveySource = source; }
    // Key S on the attract or thanks screen: the full questionnaire.
    void surveyKey();
    // Backspace: the previous survey question (on the survey screen only).
    void backKey();
    // Gives the controller the officer's desk: sign-in and duty. Without it, F2 and the gesture do nothing.
    void attachOfficerDesk(roster::Authenticator& auth, roster::Duty& duty);
    // Where officers' photos are; without it no photo is shown.
    void setPhotoLocator(PhotoLocator locate) { m_photoLocator = std::move(locate); }
    // F2 on a keyboard: the officer's screen if a session is in force (the keyboard is on the officer's
    // side of the counter), else the sign-in.
    void officerKey();
    // F12 on a keyboard: the technician's PIN, then the admin screen.
    void adminKey();
    // "Sync now" on the admin screen: `run` performs one sync (skm-sync's code, its own store
    // connection), watching its cancel flag, and returns what it did; it runs on a worker thread
    // (background_sync.hpp). `wake` is called from that thread when it ends (glfwPostEmptyEvent in the
    // app). Without a runner the button says sync is not set up.
    void setSyncRunner(BackgroundSync::Runner run, std::function<void()> wake) { m_sync.setRunner(std::move(run), std::move(wake)); }
    // "Export to USB" signs the file with the device's key (the provisioning's id and secret), which
    // `key` gives when asked, on the UI thread; it throws when the device is not provisioned. Without
    // one the button says the export is not available.
    void setExportKey(std::function<store::ExportKey()> key) { m_exportKey = std::move(key); }
    // Called from the frame loop: takes the results posted by background work (one path across threads).
    bool drainBackground();
    [[nodiscard]] bool syncRunning() const noexcept { return m_sync.running(); }
    // The technician chose "leave the kiosk": the app should exit (status 0) for maintenance.
    [[nodiscard]] bool quitRequested() const noexcept { return m_quit; }
    // Runs what is due (screen resets, idle timeout, retries). Returns true if anything visible changed.
    bool tick();
    // The monotonic time (ms) of the next scheduled change; INT64_MAX when nothing is scheduled.
    [[nodiscard]] int64_t nextDeadlineMs() const;

    [[nodiscard]] ScreenId screen() const noexcept { return m_state.screen; }
    // The current screen's background colour, to clear the frame with.
    [[nodiscard]] ImU32 background(const Theme& theme) const { return m_screens[static_cast<size_t>(m_state.screen)]->background(theme); }
    [[nodiscard]] const Snapshot& snapshot() const noexcept { return m_state; }
    [[nodiscard]] size_t pendingRetries() const noexcept { return m_retry.size(); }
    // When a touch can act on the view on screen (its touch guard has passed and no burst goes on).
    [[nodiscard]] int64_t touchArmedAtMs() const noexcept { return m_gate.armedAtMs(); }
    [[nodiscard]] int64_t voidPresses() const noexcept { return m_gate.voidPresses(); }
    [[nodiscard]] uint64_t viewSerial() const noexcept { return m_gate.viewSerial(); }
    // Called after every screen change with the new screen (for screenshots and logs).
    std::function<void(ScreenId)> onScreenChanged;

private:
    using Write = std::variant<store::PendingRating, store::RatingUpdate>;

    void handle(const Intent& intent);
    void rate(int score);
    void recordBurstPress(int score); // a void press continuing a burst on a face: stored, suppressed
    void viewChanged();               // a new screen or question: presses from before it do nothing
    void chooseReason(const std::string& code);
    void type(const std::string& chars);
    void backspace();
    void sendComment();
    void toggleLanguage();
    void finish();                      // the flow is complete: thanks
    void returnToAttract();             // timeout or a new citizen: keep what was typed, reset the language
    void saveDraft();
    void handleOfficer(const Intent& intent);
    void handleSignIn(const Intent& intent);
    void submitSignIn();
    void openSignIn();
    // Leaving the citizen's flow for the officer's or technician's screens: a comment being typed is
    // saved, a questionnaire being answered is closed as incomplete (kept and uploaded).
    void leaveCitizenFlow();
    void refreshOfficer();             // the officer's part of the snapshot, from the duty
    // The line under the officer's and technician's controls: its catalogue key and its text.
    void officerMessage(std::string key, std::string text, bool error);
    void say(const char* key, bool error); // the catalogue's text for `key`
    void clearOfficerMessage();
    bool refreshLockMessage();         // the lock-out's countdown, as it runs; true if the text changed
    void refreshCountdown();           // the follow-up's and comment's "returns in N s"
    void checkGesture();               // long presses: office name -> sign-in, counter -> technician
    void openTechnicianSignIn();
    void handleAdmin(const Intent& intent);
    void leaveKiosk(); // confirmed: audited, and the app leaves for maintenance
    void refreshAdmin();
    // The admin screen's IKM of this counter this month, and its sample-size line.
    [[nodiscard]] std::pair<std::string, std::string> counterIkmLines();
    [[nodiscard]] store::CommitResult apply(const Write& w); // one attempt
    [[nodiscard]] store::CommitResult write(const Write& w); // applies now, or queues for retry on failure
    [[nodiscard]] int64_t screenDeadlineMs() const;          // thanks/notice timer or idle timeout
    void refreshReasons();
    // The survey (controller_survey.cpp).
    void startSurvey();
    void surveyAnswer(const std::string& code);
    void surveyBack();
    void surveySkip();
    void surveyNext(); // the next question, or the closing thanks after the last
    void endSurvey(const char* status); // complete or incomplete; the survey screen is left by the caller
    void refreshSurvey();
    void handleSurvey(const Intent& intent);
    void noteActivity();
    void show(ScreenId id);
    [[nodiscard]] Screen& current();

    store::RatingStore& m_store;
    UiSettings m_settings;
    const store::Clock& m_clock;
    std::array<std::unique_ptr<Screen>, std::size(kAllScreens)> m_screens;
    Snapshot m_state;
    struct Current {
        std::string id;
        int score = 0;
    };
    std::optional<Current> m_current;  // the committed rating whose follow-up is on screen
    std::optional<int64_t> m_lastPress; // monotonic ms of the previous face press
    TouchGate m_gate;
    // The score of the face a live touch just rated: void presses of the burst that follows it are
    // counted as suppressed presses of that face (as repeated key presses are), never as answers.
    std::optional<int> m_burstScore;
    int64_t m_lastActivity = 0;
    int64_t m_screenDeadline = std::numeric_limits<int64_t>::max();
    std::deque<Write> m_retry;
    int64_t m_nextRetry = std::numeric_limits<int64_t>::max();

    config::SurveySource* m_surveySource = nullptr;
    struct SurveyStep {
        enum class Kind { Service, Unsur, Profile } kind;
        size_t index = 0; // unsur 0..8, or the profile question
    };
    struct SurveyRun {
        std::string id;
        config::SurveyDefinition def;
        std::vector<SurveyStep> steps;
        std::vector<Snapshot::ServiceChoice> services; // the Service step's choices
        size_t at = 0;
        std::map<std::string, std::string> answers; // item -> value, as committed
    };
    std::optional<SurveyRun> m_survey;

    [[nodiscard]] std::string officerPhoto(const roster::Officer& officer) const { return m_photoLocator ? m_photoLocator(officer) : std::string(); }
    PhotoLocator m_photoLocator;
    roster::Authenticator* m_auth = nullptr;
    roster::Duty* m_duty = nullptr;
    std::optional<roster::Roster> m_roster;
    std::string m_pin;                            // typed on the sign-in; never in the snapshot
    bool m_pinByTouch = false;                    // a PIN digit came from the screen's pad (the public side)
    bool m_signInByKey = false;                   // the sign-in was opened with F2/F12 (the officer's side)
    bool m_nipByTouch = false;                    // a NIP digit came from the screen's pad
    // Keys on a survey question: the same key again within the touch guard of the question it answered
    // is a repeat (a held or mashed key), not an answer to the next question.
    struct LastKey {
        int digit = 0;
        uint64_t view = 0;
        int64_t atMs = 0;
    } m_lastSurveyKey;
    std::optional<int64_t> m_lockUntilMono;       // the sign-in is locked out until then
    std::optional<int64_t> m_gestureStart;        // monotonic ms the long press began
    std::string m_gestureTarget;                  // "gesture.officer" or "gesture.admin"
    bool m_quit = false;
    std::function<store::ExportKey()> m_exportKey;
    BackgroundSync m_sync; // last: destroyed first, so a run ends before anything it was given goes
    static constexpr int64_t kGestureMs = 3000;      // officer
    static constexpr int64_t kAdminGestureMs = 5000; // technician
    [[nodiscard]] int64_t gestureDueMs() const { return *m_gestureStart + (m_gestureTarget == "gesture.admin" ? kAdminGestureMs : kGestureMs); }
};

} // namespace skm::ui
