#pragma once
// Pieces every citizen screen shares, and the factories of the registry.

#include "../layout.hpp"
#include "../screen.hpp"

#include <memory>

namespace skm::ui {

using config::formatCount;
using config::formatNumber;

// The header band's layout for this snapshot, and the band drawn (office, counter, language button,
// the speaker button when `speaker` and the kiosk has a voice, the officer's and technician's
// long-press areas). drawHeader returns ToggleLanguage when the language button is tapped, Speak when
// the speaker button is.
[[nodiscard]] HeaderLayout headerFor(const Snapshot& s, const Theme& t, bool speaker = false);
// The speaker button (target "speaker"): a loudspeaker drawn as vectors. True when tapped.
bool speakerButton(const Rect& r, const Theme& t);
Intent drawHeader(const Snapshot& s, const Theme& t, const HeaderLayout& h);

// The confirmation s.confirm asks for, drawn in place of the screen (which draws nothing else
// touchable while it shows): the question and its detail, "keep going" (left) and the action
// (right). Returns ConfirmCommand::No or ::Yes; Escape is No.
Intent drawConfirm(const Snapshot& s, const Theme& t, ImFont* titleFont, ImFont* bodyFont);

std::unique_ptr<Screen> makeAttractScreen();
std::unique_ptr<Screen> makeFollowUpScreen();
std::unique_ptr<Screen> makeCommentScreen();
std::unique_ptr<Screen> makeThanksScreen();
std::unique_ptr<Screen> makeNoticeScreen();
std::unique_ptr<Screen> makeSignInScreen();
std::unique_ptr<Screen> makeOfficerScreen();
std::unique_ptr<Screen> makeAdminScreen();
std::unique_ptr<Screen> makeSurveyScreen();
// How many steps the admin screen's screen test has.
[[nodiscard]] int adminScreenTestSteps();

// A grid of keys for digits: 1-9, then Hapus/Delete, 0 and `okLabel` (empty: no OK key). Returns
// Type, Backspace or Command(okCommand). Target names: "pad.0".."pad.9", "pad.backspace", "pad.ok".
Intent drawDigitPad(const Snapshot& s, const Theme& t, const Rect& area, const std::string& okLabel, Command okCommand);
// The queue ticket's pad: the letter prefixes queue tickets use (A-F), the digits, "-" and Hapus, in
// three rows of six. Target names "pad.A".."pad.F", "pad.0".."pad.9", "pad.-", "pad.backspace".
Intent drawTicketPad(const Snapshot& s, const Theme& t, const Rect& area);

// A line of free text typed on the on-screen keyboard (the rating's comment, the survey's saran): the
// prompt and its hint (or the header's status line on a short panel), the text box, the character count
// and the countdown, skip and send, and the keyboard (Indonesian QWERTY, lower case, with a digits and
// punctuation layer). Returns Type, Backspace, ToggleKeyboardLayer, Skip or Send. Target names: skipName,
// sendName, "key.a".., "key.backspace", "key.space", "key.layer".
struct TextEntry {
    std::string prompt, hint, placeholder;
    const std::string* text = nullptr;
    size_t chars = 0;
    int maxChars = 0;
    bool digits = false; // the digits and punctuation layer shows
    std::string skipName, sendName, sendLabel;
};
Intent drawTextEntry(const Snapshot& s, const Theme& t, const TextEntry& e, const char* windowName);

// The keyboard's part on the officer screens: printable characters, Backspace, Enter, Escape, Tab.
struct KeyboardInput {
    std::string chars;
    int backspaces = 0;
    bool enter = false;
    bool escape = false;
    bool tab = false;
};
[[nodiscard]] KeyboardInput readKeyboard();

} // namespace skm::ui
