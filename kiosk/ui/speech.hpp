#pragma once
// What the speaker button reads aloud (issue 21, docs/voice.md): the question on screen and every
// answer it offers, in the screen's language. Built from the snapshot's texts alone, never from the
// face, reason or answer a citizen chose: the officer sits across the counter and must not hear it.
// So: nothing is read on a tap (only the speaker button asks); the follow-up, whose reason chips differ
// after a low and a high score, reads only its lines that are the same after every face; a survey
// question reads all its answers, never which one is marked. No window, no sound: the app hands the
// text to the speaker (kiosk/voice/).

#include "screen.hpp"

#include <optional>
#include <string>

namespace skm::ui {

struct Speech {
    std::string text;  // UTF-8, sentences ending in "." or "?"
    config::Lang lang; // the voice: Indonesian, or English when the citizen switched the screen to it
};

// The attract screen's question: it names the officer while a case is open (the rating is theirs).
[[nodiscard]] std::string attractQuestion(const Snapshot& s);

// What the speaker button on the screen `s` shows reads, or nullopt on a screen without one (the
// comment, the thanks, the notice, the survey's saran, a confirmation, the staff's screens).
[[nodiscard]] std::optional<Speech> speechFor(const Snapshot& s);

} // namespace skm::ui
