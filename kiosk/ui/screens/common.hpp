#pragma once
// Pieces every citizen screen shares, and the factories of the registry.

#include "../screen.hpp"

#include <memory>

namespace skm::ui {

// The header band (office, counter, language button). Returns ToggleLanguage when the button is tapped.
Intent drawHeader(const Snapshot& s, const Theme& t);

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
Intent drawDigitPad(const Snapshot& s, const Theme& t, const struct Rect& area, const std::string& okLabel, const std::string& okCommand);

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
