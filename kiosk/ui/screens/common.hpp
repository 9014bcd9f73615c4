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

} // namespace skm::ui
