// The controller's officer desk: F2 and the long press, sign-in, the officer's actions.
// (The class is declared in controller.hpp; the citizen flow is in controller.cpp.)

#include "controller.hpp"

#include "widgets.hpp"

#include <kiosk/roster/roster_store.hpp>

#include <spdlog/spdlog.h>

namespace skm::ui {

// ---- The officer's desk ---------------------------------------------------------------------------

void Controller::attachOfficerDesk(roster::Authenticator& auth, roster::Duty& duty)
{
    m_auth = &auth;
    m_duty = &duty;
    refreshOfficer();
}

void Controller::officerKey()
{
    if (!m_duty) return;
    noteActivity();
    if (m_duty->session()) {
        leaveCitizenFlow();
        m_duty->noteActivity();
        m_state.lang = config::Lang::Id; // the officer's screens are in Indonesian
        m_state.ticket.clear();          // a ticket left half-typed is not the next citizen's
        refreshOfficer();
        clearOfficerMessage();
        show(ScreenId::Officer);
    } else {
        openSignIn();
        m_signInByKey = true;
    }
}

void Controller::leaveCitizenFlow()
{
    if (m_state.screen == ScreenId::Comment) saveDraft(); // a citizen who is interrupted loses nothing typed
    if (m_survey) endSurvey("incomplete");
    m_current.reset();
    m_state.comment.clear();
    m_state.commentChars = 0;
    m_state.confirm.clear();
}

void Controller::openSignIn()
{
    m_state.signInTechnician = false;
    leaveCitizenFlow();
    m_pin.clear();
    m_pinByTouch = false;
    m_nipByTouch = false;
    m_signInByKey = false;
    m_lockUntilMono.reset();
    m_state.lang = config::Lang::Id;
    m_state.confirm.clear();
    m_state.signInNip.clear();
    m_state.signInPinLength = 0;
    m_state.signInField = 0;
    clearOfficerMessage();
    try {
        m_roster = roster::readRoster(m_store.database());
    } catch (const std::exception& e) {
        spdlog::error("cannot read the roster: {}", e.what());
        m_roster.reset();
    }
    if (!m_roster) say("signin.no_roster", true);
    show(ScreenId::SignIn);
}

void Controller::officerMessage(std::string key, std::string text, bool error)
{
    m_state.officerMessageKey = std::move(key);
    m_state.officerMessage = std::move(text);
    m_state.officerMessageIsError = error;
}

void Controller::say(const char* key, bool error) { officerMessage(key, m_state.t(key), error); }

void Controller::clearOfficerMessage() { officerMessage({}, {}, false); }

void Controller::refreshOfficer()
{
    using Mode = Snapshot::Serving::Mode;
    m_state.serving = {};
    if (!m_duty || !m_duty->session()) {
        m_state.officerName.clear();
        m_state.officerUnit.clear();
        m_state.officerOnBreak = false;
        return;
    }
    const roster::SessionInfo& s = *m_duty->session();
    m_state.officerName = s.officer.name;
    m_state.officerUnit = s.officer.unit;
    m_state.officerOnBreak = s.onBreak;
    if (!m_roster) m_roster = roster::readRoster(m_store.database());
    m_state.services.clear();
    const bool en = m_state.lang == config::Lang::En;
    std::string openService;
    if (m_roster) {
        for (const roster::Service& svc : m_roster->services) {
            m_state.services.push_back({svc.code, svc.nameId});
            if (m_duty->openCase() && m_duty->openCase()->serviceCode == svc.code) openService = en && !svc.nameEn.empty() ? svc.nameEn : svc.nameId;
        }
    }
    Snapshot::Serving& v = m_state.serving;
    v.officerName = s.officer.name;
    v.photo = officerPhoto(s.officer);
    if (s.onBreak) {
        v.mode = Mode::Break;
    } else if (const auto& c = m_duty->openCase()) {
        v.mode = Mode::Case;
        v.service = openService;
        v.ticket = c->ticket.value_or("");
    } else {
        v.mode = Mode::OnDuty;
    }
}

void Controller::handleSignIn(const Intent& in)
{
    using K = Intent::Kind;
    std::string& field = m_state.signInField == 0 ? m_state.signInNip : m_pin;
    const size_t maxLen = m_state.signInField == 0 ? 18 : 8;
    if (in.kind == K::Type) {
        for (char c : in.text) {
            if (c < '0' || c > '9' || field.size() >= maxLen) continue;
            field += c;
            // A digit from the screen's pad comes from the public side of the counter.
            if (m_state.signInField == 1 && !in.keyboard) m_pinByTouch = true;
            if (m_state.signInField == 0 && !in.keyboard) m_nipByTouch = true;
        }
        if (m_state.signInField == 0 && m_state.signInNip.size() == 18) m_state.signInField = 1;
    } else if (in.kind == K::Backspace) {
        if (!field.empty()) field.pop_back();
    } else if (in.kind == K::Command) {
        if (in.text == "signin.cancel") return returnToAttract();
        if (in.text == "signin.field_nip") m_state.signInField = 0;
        if (in.text == "signin.field_pin") m_state.signInField = 1;
        if (in.text == "signin.submit") {
            // A badge scanner's Enter after the NIP (which already moved on to the PIN) must not
            // submit an empty PIN: Enter with no PIN waits for it.
            if (m_state.signInField == 0) m_state.signInField = 1;
            else if (!m_pin.empty()) submitSignIn();
        }
    }
    m_state.signInPinLength = m_pin.size();
}

void Controller::submitSignIn()
{
    using S = roster::SignInResult::Status;
    if (!m_auth || !m_duty) return;
    // The keyboard channel is the officer's side of the counter: a sign-in opened with F2 or F12 (which
    // the citizens' 4-key keypad does not have), with the NIP and every PIN digit typed on the keyboard
    // (not on the screen's pad, not on a numeric keypad). Anything else may come from the public side.
    const bool officerSide = m_signInByKey && !m_pinByTouch && (m_state.signInTechnician || !m_nipByTouch);
    const roster::SignInChannel channel = officerSide ? roster::SignInChannel::Keyboard : roster::SignInChannel::Touch;
    roster::SignInResult r;
    try {
        if (m_state.signInTechnician) {
            if (m_settings.adminPinHash.empty()) return say("admin.disabled", true);
            r = m_auth->checkTechnician(m_settings.adminPinHash, m_pin, channel);
            if (r.status == S::SignedIn) {
                m_pin.clear();
                m_pinByTouch = false;
                m_state.signInPinLength = 0;
                clearOfficerMessage();
                m_state.screenTest = 0;
                refreshAdmin();
                show(ScreenId::Admin);
                return;
            }
        } else {
            r = m_auth->signIn(m_state.signInNip, m_pin, channel);
        }
    } catch (const std::exception& e) {
        spdlog::error("sign-in failed: {}", e.what());
        officerMessage("common.fault", m_state.catalog->format(config::Lang::Id, "common.fault", {{"detail", e.what()}}), true);
        return;
    }
    m_pin.clear();
    m_pinByTouch = false;
    m_state.signInPinLength = 0;
    m_lockUntilMono.reset();
    switch (r.status) {
    case S::SignedIn:
        try {
            // The same officer signing in again keeps their session; another officer replaces it.
            if (!m_duty->session() || m_duty->session()->officer.nip != r.officer->nip) {
                m_duty->start(*r.officer);
                m_state.selectedService.clear(); // the last service is this session's
            }
            m_duty->noteActivity();
        } catch (const std::exception& e) {
            officerMessage("common.fault", m_state.catalog->format(config::Lang::Id, "common.fault", {{"detail", e.what()}}), true);
            return;
        }
        m_state.signInNip.clear();
        m_state.signInField = 0;
        m_state.ticket.clear();
        clearOfficerMessage();
        refreshOfficer();
        show(ScreenId::Officer);
        return;
    case S::WrongPin:
        officerMessage("signin.wrong_pin", m_state.catalog->format(config::Lang::Id, "signin.wrong_pin", {{"n", std::to_string(r.failuresLeft)}}), true);
        break;
    case S::LockedOut:
        // Shown as a countdown that runs (refreshLockMessage), not the figure of the moment it was set.
        m_lockUntilMono = m_clock.monoMs() + r.lockedForMs;
        refreshLockMessage();
        break;
    case S::UnknownNip: say("signin.unknown", true); break;
    case S::Malformed: say("signin.malformed", true); break;
    }
    m_state.signInField = m_state.signInTechnician || m_state.signInNip.size() == 18 ? 1 : 0;
}

bool Controller::refreshLockMessage()
{
    if (!m_lockUntilMono || m_state.screen != ScreenId::SignIn) return false;
    const int64_t left = *m_lockUntilMono - m_clock.monoMs();
    if (left <= 0) {
        m_lockUntilMono.reset();
        say("signin.unlocked", false);
        return true;
    }
    const std::string text = m_state.catalog->format(config::Lang::Id, "signin.locked", {{"s", std::to_string((left + 999) / 1000)}});
    if (text == m_state.officerMessage) return false;
    officerMessage("signin.locked", text, true);
    return true;
}

void Controller::handleOfficer(const Intent& in)
{
    using K = Intent::Kind;
    if (!m_duty || !m_duty->session()) return returnToAttract();
    m_duty->noteActivity();
    if (!m_state.confirm.empty()) {
        if (in.kind != K::Command) return;
        const bool yes = in.text == "confirm.yes";
        if (!yes && in.text != "confirm.no") return;
        m_state.confirm.clear();
        viewChanged();
        if (yes) {
            m_duty->end("signed_out");
            refreshOfficer();
            returnToAttract();
        }
        return;
    }
    try {
        if (in.kind == K::Type) {
            for (char c : in.text) {
                const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '/';
                if (ok && m_state.ticket.size() < 16) m_state.ticket += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
            }
        } else if (in.kind == K::Backspace) {
            if (!m_state.ticket.empty()) m_state.ticket.pop_back();
        } else if (in.kind == K::Command) {
            const std::string& c = in.text;
            if (c.rfind("officer.service:", 0) == 0) {
                m_state.selectedService = c.substr(16);
                clearOfficerMessage();
                // Chosen from the keyboard: the next Enter hands over.
                if (focusedByKeyboard()) setKeyboardFocus("officer.hand_over");
            } else if (c == "officer.hand_over") {
                if (m_duty->session()->onBreak) return say("officer.no_hand_over_on_break", true);
                if (m_state.selectedService.empty()) return say("officer.choose_service", true);
                const std::optional<std::string> ticket = m_state.ticket.empty() ? std::nullopt : std::optional<std::string>(m_state.ticket);
                (void)m_duty->logCase(m_state.selectedService, ticket);
                refreshOfficer();
                // The service stays chosen for the next citizen: most counters serve one service in a row.
                m_state.ticket.clear();
                clearOfficerMessage();
                m_current.reset();
                show(ScreenId::Attract); // the screen is the citizen's now
            } else if (c == "officer.break") {
                m_duty->takeBreak();
                refreshOfficer();
                clearOfficerMessage(); // the screen says it: the hand-over is shown inert, with why
                viewChanged();         // "Lanjutkan bertugas" now lies where "Istirahat" was
            } else if (c == "officer.resume") {
                m_duty->resume();
                refreshOfficer();
                clearOfficerMessage();
                viewChanged();
            } else if (c == "officer.sign_out") {
                m_state.confirm = "officer.sign_out";
                viewChanged();
            } else if (c == "officer.citizen") {
                m_state.ticket.clear(); // not handed over: not the next citizen's ticket
                returnToAttract();
            }
        }
    } catch (const std::exception& e) {
        spdlog::error("officer action failed: {}", e.what());
        officerMessage("common.fault", m_state.catalog->format(config::Lang::Id, "common.fault", {{"detail", e.what()}}), true);
    }
}

} // namespace skm::ui
