#pragma once
// The screen contract (after ImHex's view registry): a screen reads a snapshot of state, draws it with
// ImGui, and returns what the person asked for. Only the flows change state or touch the store, each its own
// slice of the snapshot, under the router (controller.hpp).

#include "theme.hpp"

#include <core/catalog.hpp>
#include <core/published_ikm.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace skm::ui {

enum class ScreenId { Attract, FollowUp, Comment, Thanks, Notice, SignIn, Officer, Admin, Survey };
inline constexpr ScreenId kAllScreens[] = {ScreenId::Attract, ScreenId::FollowUp, ScreenId::Comment, ScreenId::Thanks, ScreenId::Notice,
                                           ScreenId::SignIn,  ScreenId::Officer,  ScreenId::Admin,   ScreenId::Survey};
// The screens the citizen sees (keys 1-4 rate on these); the others are the officer's.
[[nodiscard]] bool isCitizenScreen(ScreenId id);
[[nodiscard]] const char* screenName(ScreenId id);

struct ReasonChip {
    std::string code;
    std::string label; // in the snapshot's language
};

// A confirmation drawn over the screen (its buttons are the targets "confirm.no" and "confirm.yes").
enum class Confirm { None, QuitSurvey, SignOut, LeaveKiosk };
// The catalogue key that names it ("survey.quit", "officer.sign_out", "admin.leave"; "" for None).
[[nodiscard]] const char* confirmKey(Confirm c);

// The line under the officer's and technician's controls: the last result, for the staff member (in
// Indonesian), with its catalogue key (tests check the key, never the wording).
struct StaffMessage {
    std::string key;
    std::string text;
    bool error = false;
};

// The citizen flow's slice (citizen_flow.hpp): the follow-up, the comment and the thanks. It deliberately
// holds no score: the follow-up screen shows the chips the flow chose, laid out the same way for low and
// high scores, and no screen shows a face's colour after the tap, so nothing visible from the counter
// tells which face was chosen.
struct CitizenView {
    std::vector<ReasonChip> reasons; // FollowUp
    std::string comment;             // Comment: the draft
    size_t commentChars = 0;         // its length in characters
    int commentMax = 200;
    bool keyboardDigits = false;     // Comment: the digits-and-punctuation layer is showing
    bool surveyOffered = true;       // Attract, Thanks: the "Isi survei lengkap" button is shown
    bool thanksForSurvey = false;    // Thanks: after a whole questionnaire
    std::string phoneUrl;            // Thanks: the one-time link to the questionnaire on the phone, drawn as a QR code ("": none)
    // Thanks, after a low score and a reason marked as a complaint: the complaint channel's address
    // (SP4N-LAPOR!) drawn as a QR code in place of phoneUrl's, and the rating's reference code
    // (core/complaint_ref.hpp). Both "" otherwise: nothing else on any screen depends on the face.
    std::string complaintUrl;
    std::string complaintRef;
};

// The survey flow's slice (survey_flow.hpp): the current question, in the snapshot's language.
struct SurveyView {
    std::string section;         // e.g. "Pertanyaan 3 dari 9 · Waktu Penyelesaian"
    std::string sectionShort;    // e.g. "3/9 · Waktu Penyelesaian" (a short panel's header)
    std::string question;
    std::vector<ReasonChip> options; // code and label, in the order shown
    bool scale = false;          // an unsur: options 4..1 (the faces' direction), keys 1-4 choose their value
    int page = 0;                // which page of answers, when they do not fit on one (the screen wraps it)
    std::string selected;        // the option chosen before (after going back), else empty
    int step = 0;                // 0-based, over every question of this response
    int steps = 0;
    bool canBack = false;
    bool canSkip = false;        // profile questions may be skipped
    // The last step, the saran: free text on the on-screen keyboard instead of answers (then `question`
    // is its prompt, `hint` its hint).
    bool saran = false;
    std::string hint;
    std::string text;
    size_t textChars = 0;        // in characters (UTF-8)
    int textMax = 0;
    bool keyboardDigits = false;
};

// The officer desk's slice (officer_desk.hpp): who serves the citizen, the sign-in, the officer's screen.
// It never holds a score or a face either, nor the PIN.
struct DeskView {
    // Attract: who serves the citizen. Case: an officer's case is open (the rating will be theirs);
    // OnDuty: an officer's session, no case (the rating is the counter's); Break: the officer is on a
    // break (no case can be handed over; the rating is the counter's).
    struct Serving {
        enum class Mode { None, OnDuty, Case, Break } mode = Mode::None;
        std::string officerName;
        std::string service;    // the open case's service, in the snapshot's language
        std::string ticket;     // the open case's queue ticket, or empty
        std::string photo;      // the officer's photo file, or empty
        std::string phoneUrl;   // Case: the one-time link to the phone questionnaire for that case, drawn as a QR code ("": none)
    } serving;
    std::string signInNip;
    size_t signInPinLength = 0;      // the PIN itself is never in the snapshot
    int signInField = 0;             // 0: NIP, 1: PIN
    bool signInTechnician = false;   // SignIn asks for the technician's PIN only
    StaffMessage message;            // SignIn, Officer
    std::string officerName;
    std::string officerUnit;
    bool onBreak = false;
    struct ServiceChoice {
        std::string code;
        std::string label;
    };
    std::vector<ServiceChoice> services;
    std::string selectedService;     // code; the last one handed over stays chosen for the next case
    std::string ticket;
};

// The technician panel's slice (technician_panel.hpp).
struct AdminView {
    struct Line {
        std::string key;   // the catalogue key of its label (tests find a line by it)
        std::string label;
        std::string value;
    };
    std::vector<Line> lines;
    int screenTest = 0;    // 0 off, 1.. the step of the screen test
    StaffMessage message;
};

// What a screen may read: the router's part (which screen, the header, the notice, the countdown, the
// confirmation) and one slice per flow, each written by its flow only.
struct Snapshot {
    ScreenId screen = ScreenId::Attract;
    std::string officeName;
    std::string counter;
    config::Lang lang = config::Lang::Id;
    const config::Catalog* catalog = nullptr;
    bool noticeDiskFull = false;     // Notice: the last commit failed because the disk is full
    size_t pendingRetries = 0;       // writes not yet on disk, being retried
    int countdownSeconds = -1;       // FollowUp, Comment: seconds until the screen returns to the start (-1: none)
    Confirm confirm = Confirm::None;
    std::optional<config::PublishedIkm> publishedIkm; // the attract screen's IKM line, while the office publishes one
    bool voice = false;              // the speaker button is offered ([voice] enabled: the app attached a voice)

    CitizenView citizen;
    SurveyView survey;
    DeskView desk;
    AdminView admin;

    // The catalogue text for `key` in the current language.
    [[nodiscard]] const std::string& t(std::string_view key) const { return catalog->text(lang, key); }
};

// The typed commands of each flow's screens (the buttons that are not a face, an answer or a key).
enum class ConfirmCommand { No, Yes };
enum class SignInCommand { Cancel, NipField, PinField, Submit };
enum class DeskCommand { ChooseService /* Intent::text: its code */, HandOver, Break, Resume, SignOut, ToCitizen };
enum class AdminCommand { Close, ScreenTest, ScreenTestNext, SyncNow, Export, Leave };
enum class SurveyCommand { MoreAnswers };
using Command = std::variant<std::monostate, ConfirmCommand, SignInCommand, DeskCommand, AdminCommand, SurveyCommand>;

struct Intent {
    enum class Kind { None, Rate, Reason, Skip, Done, Type, Backspace, Send, ToggleLanguage, ToggleKeyboardLayer, Command, Answer, Back, StartSurvey, Quit,
                      Speak /* the speaker button: read the screen's question and answers aloud (speech.hpp) */ };
    Kind kind = Kind::None;
    int score = 0;    // Rate
    std::string text; // Reason, Answer: its code; Type: the characters; Command: DeskCommand::ChooseService's code
    bool keyboard = false; // Type, Backspace: from a physical keyboard or badge scanner (the officer's side), not the screen
    Command command;  // Command

    static Intent none() { return {}; }
    static Intent rate(int score) { return {Kind::Rate, score, {}, false, {}}; }
    static Intent of(Kind kind, std::string text = {}) { return {kind, 0, std::move(text), false, {}}; }
    static Intent of(Command c, std::string text = {}) { return {Kind::Command, 0, std::move(text), false, c}; }
    static Intent typed(std::string chars) { return {Kind::Type, 0, std::move(chars), true, {}}; }
    // The command, when it is one of `C`'s.
    template <class C> [[nodiscard]] std::optional<C> as() const
    {
        if (kind != Kind::Command) return std::nullopt;
        if (const C* c = std::get_if<C>(&command)) return *c;
        return std::nullopt;
    }
};

class Screen {
public:
    virtual ~Screen() = default;
    virtual void onEnter(const Snapshot&) {}
    // Draws the whole display inside the current ImGui frame. Called on the UI thread only.
    [[nodiscard]] virtual Intent draw(const Snapshot& state, const Theme& theme) = 0;
    virtual void onLeave() {}
    // The colour the frame is cleared to before the screen draws.
    [[nodiscard]] virtual ImU32 background(const Theme& t) const { return t.background; }
};

// The registry: every screen the kiosk has, made in one place (screens/registry.cpp).
[[nodiscard]] std::unique_ptr<Screen> makeScreen(ScreenId id);


} // namespace skm::ui
