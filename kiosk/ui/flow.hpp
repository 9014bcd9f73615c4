#pragma once
// What a flow is given. The kiosk's UI is one small flow per person (citizen_flow, survey_flow,
// officer_desk, technician_panel), each with its own state, its slice of the snapshot (screen.hpp) and
// its typed commands, under the router (controller.hpp) that owns the screens, the touch gate, the
// deadlines and the snapshot's shared part. A flow changes its own slice only; what reaches past it
// (another screen, the start, a confirmation, the language) it asks of the router.

#include "screen.hpp"

#include <core/clock.hpp>
#include <kiosk/config/config.hpp>
#include <kiosk/store/rating_store.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace skm::ui {

struct UiSettings {
    std::string officeName;
    std::string counter;
    int64_t thanksMs = 4000;
    int64_t qrThanksMs = 15000;        // the thanks screen while it shows the phone questionnaire's QR code
    int64_t complaintThanksMs = 30000; // the thanks screen while it shows the complaint hand-off (SP4N-LAPOR!)
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
    std::string laporUrl;      // the complaint hand-off's QR code after a complaint reason; "": none ([complaint] enabled = false)
    std::string adminPinHash;  // Argon2id of the technician's PIN; empty: no admin screen
    std::string exportDir;     // "export to USB"
    std::string version;       // shown on the admin screen

    // The settings a kiosk configuration asks for.
    static UiSettings from(const config::KioskConfig& c);
};

// What a flow may ask of the router. Every call runs on the UI thread, from inside a flow's handler.
class Router {
public:
    virtual ~Router() = default;
    virtual void show(ScreenId id) = 0;            // another screen: touch guard, keyboard focus, its timer
    virtual void viewChanged() = 0;                // the same screen, a new view: presses from before it do nothing
    virtual void toAttract() = 0;                  // back to the start: every flow closes what it had open
    virtual void leaveCitizenFlow() = 0;           // for the staff's screens: the comment saved, the questionnaire closed
    virtual void notice(bool diskFull) = 0;        // a write was refused: the notice screen
    virtual void setLanguage(config::Lang lang) = 0;
    virtual void ask(Confirm question) = 0;        // a confirmation over the screen; the router acts on its answer
    virtual void openAdmin() = 0;                  // the technician's PIN was right
    virtual void surveyCompleted() = 0;            // the questionnaire's last answer is in: its thanks
    virtual void servingChanged() = 0;             // a rating or a case changed who serves the citizen
};

// The parts every flow shares; each outlives the flows (the router owns them or is given them).
struct FlowContext {
    store::RatingStore& store;
    const UiSettings& settings;
    const store::Clock& clock;
    const Snapshot& shared; // read only: the screen, the language, the catalogue
    Router& router;
};

// The line under the staff's controls, in Indonesian: set by key from the catalogue.
inline void say(StaffMessage& m, const Snapshot& s, const char* key, bool error) { m = {key, s.catalog->text(config::Lang::Id, key), error}; }
inline void sayFault(StaffMessage& m, const Snapshot& s, const std::string& detail)
{
    m = {"common.fault", s.catalog->format(config::Lang::Id, "common.fault", {{"detail", detail}}), true};
}

} // namespace skm::ui
