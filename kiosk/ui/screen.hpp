#pragma once
// The screen contract (after ImHex's view registry): a screen reads a snapshot of state, draws it with
// ImGui, and returns what the person asked for. Only the Controller changes state or touches the store.

#include "theme.hpp"

#include <cstddef>
#include <memory>
#include <string>

namespace skm::ui {

enum class ScreenId { Attract, Thanks, Notice };
[[nodiscard]] const char* screenName(ScreenId id);

// What a screen may read. Deliberately holds no score: nothing on any screen can reveal the face chosen.
struct Snapshot {
    ScreenId screen = ScreenId::Attract;
    std::string officeName;
    std::string counter;
    bool noticeDiskFull = false;   // Notice screen: the last commit failed because the disk is full
    size_t pendingRetries = 0;     // taps not yet on disk, being retried
};

struct Intent {
    enum class Kind { None, Rate };
    Kind kind = Kind::None;
    int score = 0;

    static Intent none() { return {}; }
    static Intent rate(int score) { return {Kind::Rate, score}; }
};

class Screen {
public:
    virtual ~Screen() = default;
    virtual void onEnter(const Snapshot&) {}
    // Draws the whole display inside the current ImGui frame. Called on the UI thread only.
    [[nodiscard]] virtual Intent draw(const Snapshot& state, const Theme& theme) = 0;
    virtual void onLeave() {}
};

// The registry: every screen the kiosk has, made in one place.
[[nodiscard]] std::unique_ptr<Screen> makeScreen(ScreenId id);

} // namespace skm::ui
