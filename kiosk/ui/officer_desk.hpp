#pragma once
// The officer's desk: F2 or the long press on the office name, the sign-in (NIP and PIN, or the
// technician's PIN for the technician panel), the officer's screen (service, ticket, hand-over, break,
// sign-out) and who serves the citizen (the attract screen's serving line). Its slice is DeskView.
// Which side of the counter a sign-in came from (roster::SignInChannel) is judged here: the keyboard
// channel is a sign-in opened with F2/F12 and typed on the keyboard only.

#include "flow.hpp"

#include <kiosk/roster/auth.hpp>
#include <kiosk/roster/duty.hpp>

#include <functional>
#include <optional>
#include <string>

namespace skm::ui {

// The officer's photo file, or empty: set by the app (DATA_DIR/photos) once the roster carries photos.
using PhotoLocator = std::function<std::string(const roster::Officer&)>;

class OfficerDesk {
public:
    OfficerDesk(FlowContext ctx, DeskView& view);

    // The sign-in and the duty (both must outlive the desk). Without them the desk is closed.
    void attach(roster::Authenticator& auth, roster::Duty& duty);
    [[nodiscard]] bool attached() const noexcept { return m_duty != nullptr; }
    [[nodiscard]] roster::Duty* duty() const noexcept { return m_duty; }
    void setPhotoLocator(PhotoLocator locate) { m_photoLocator = std::move(locate); }
    // The link to the phone questionnaire for an open case, shown on the attract screen for a citizen
    // who would rather answer later (made once per case: the app signs it). Without it none is shown.
    using CaseLinkMaker = std::function<std::string(const roster::CaseInfo&)>;
    void setCaseLinkMaker(CaseLinkMaker make) { m_caseLink = std::move(make); m_caseLinkFor.clear(); }

    // F2: the officer's screen if a session is in force (the keyboard is on the officer's side of the
    // counter), else the sign-in.
    void officerKey();
    // The sign-in for an officer, or for the technician's PIN. `byKey`: opened with F2/F12.
    void openSignIn(bool byKey);
    void openTechnicianSignIn(bool byKey);
    // A digit from a numeric keypad on the sign-in (the citizens' 4-key keypad is one): the public side.
    void keypadDigit();
    // The sign-in's intents: digits, Backspace and SignInCommand.
    void handleSignIn(const Intent& in);
    // The officer screen's: ticket characters, Backspace and DeskCommand.
    void handle(const Intent& in);
    // Whether the officer's screen still has its session; counts as the officer's activity.
    [[nodiscard]] bool sessionInForce();
    // Sign-out, confirmed.
    void signOut();
    // Back to the start: the PIN, NIP, lock-out and technician mode of the sign-in are forgotten.
    void resetSignIn();
    // Who serves the citizen, from the duty, in the language now shown.
    void refreshServing();
    // The duty's timers (end of day, inactivity); true if anything visible changed.
    bool tick();
    // The lock-out's countdown, as it runs; true if the text changed.
    bool refreshLockMessage();
    // The next time something here changes (the duty's deadline, the lock-out's next second).
    [[nodiscard]] int64_t nextDeadlineMs() const;

private:
    void submitSignIn();
    [[nodiscard]] std::string photo(const roster::Officer& officer) const { return m_photoLocator ? m_photoLocator(officer) : std::string(); }
    void say(const char* key, bool error) { ui::say(m_view.message, m_ctx.shared, key, error); }

    FlowContext m_ctx;
    DeskView& m_view;
    roster::Authenticator* m_auth = nullptr;
    roster::Duty* m_duty = nullptr;
    PhotoLocator m_photoLocator;
    CaseLinkMaker m_caseLink;
    std::string m_caseLinkFor, m_caseLinkUrl; // the case whose link was made, and the link
    std::optional<roster::Roster> m_roster;
    std::string m_pin;                      // typed on the sign-in; never in the snapshot
    bool m_pinByTouch = false;              // a PIN digit came from the screen's pad (the public side)
    bool m_signInByKey = false;             // the sign-in was opened with F2/F12 (the officer's side)
    bool m_nipByTouch = false;              // a NIP digit came from the screen's pad
    std::optional<int64_t> m_lockUntilMono; // the sign-in is locked out until then
};

} // namespace skm::ui
