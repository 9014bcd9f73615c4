#pragma once
// The screen contract (after ImHex's view registry): a screen reads a snapshot of state, draws it with
// ImGui, and returns what the person asked for. Only the Controller changes state or touches the store.

#include "theme.hpp"

#include <core/catalog.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
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

// What a screen may read. It deliberately holds no score: the follow-up screen shows the chips the
// controller chose, laid out the same way for low and high scores, and no screen shows a face's colour
// after the tap, so nothing visible from the counter tells which face was chosen.
struct Snapshot {
    ScreenId screen = ScreenId::Attract;
    std::string officeName;
    std::string counter;
    config::Lang lang = config::Lang::Id;
    const config::Catalog* catalog = nullptr;
    std::vector<ReasonChip> reasons; // FollowUp
    std::string comment;             // Comment: the draft
    size_t commentChars = 0;         // its length in characters
    int commentMax = 200;
    bool keyboardDigits = false;     // Comment: the digits-and-punctuation layer is showing
    bool noticeDiskFull = false;     // Notice: the last commit failed because the disk is full
    size_t pendingRetries = 0;       // writes not yet on disk, being retried
    // Attract: who serves the citizen. Case: an officer's case is open (the rating will be theirs);
    // OnDuty: an officer's session, no case (the rating is the counter's); Break: the officer is on a
    // break (no case can be handed over; the rating is the counter's).
    struct Serving {
        enum class Mode { None, OnDuty, Case, Break } mode = Mode::None;
        std::string officerName;
        std::string service;    // the open case's service, in the snapshot's language
        std::string ticket;     // the open case's queue ticket, or empty
        std::string photo;      // the officer's photo file, or empty
    } serving;
    int countdownSeconds = -1;       // FollowUp, Comment: seconds until the screen returns to the start (-1: none)
    // A confirmation over the screen ("survey.quit", "officer.sign_out", "admin.leave"), or empty. Its
    // buttons are the targets "confirm.no" and "confirm.yes".
    std::string confirm;
    bool surveyOffered = true;       // Attract, Thanks: the "Isi survei lengkap" button is shown
    bool thanksForSurvey = false;    // Thanks: after a whole questionnaire

    // The survey's current question (Survey screen), in the snapshot's language.
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
    } survey;

    // The officer's screens. They never hold a score or a face either.
    std::string signInNip;
    size_t signInPinLength = 0;      // the PIN itself is never in the snapshot
    int signInField = 0;             // 0: NIP, 1: PIN
    std::string officerMessage;      // the last result, for the officer (in the officer's language)
    std::string officerMessageKey;   // its catalogue key (tests check the key, never the wording)
    bool officerMessageIsError = false;
    std::string officerName;
    std::string officerUnit;
    bool officerOnBreak = false;
    struct ServiceChoice {
        std::string code;
        std::string label;
    };
    std::vector<ServiceChoice> services;
    std::string selectedService;     // code; the last one handed over stays chosen for the next case
    std::string ticket;

    // The technician's screens.
    bool signInTechnician = false;   // SignIn asks for the technician's PIN only
    struct AdminLine {
        std::string key;   // the catalogue key of its label (tests find a line by it)
        std::string label;
        std::string value;
    };
    std::vector<AdminLine> adminLines;
    int screenTest = 0;              // Admin: 0 off, 1.. the step of the screen test

    // The catalogue text for `key` in the current language.
    [[nodiscard]] const std::string& t(std::string_view key) const { return catalog->text(lang, key); }
};

struct Intent {
    enum class Kind { None, Rate, Reason, Skip, Done, Type, Backspace, Send, ToggleLanguage, ToggleKeyboardLayer, Command, Answer, Back, StartSurvey, Quit };
    Kind kind = Kind::None;
    int score = 0;    // Rate
    std::string text; // Reason, Answer: its code; Type: the characters; Command: its name (e.g. "officer.hand_over")
    bool keyboard = false; // Type, Backspace: from a physical keyboard or badge scanner (the officer's side), not the screen

    static Intent none() { return {}; }
    static Intent rate(int score) { return {Kind::Rate, score, {}}; }
    static Intent of(Kind kind, std::string text = {}) { return {kind, 0, std::move(text)}; }
    static Intent command(std::string name) { return {Kind::Command, 0, std::move(name)}; }
    static Intent typed(std::string chars) { return {Kind::Type, 0, std::move(chars), true}; }
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
