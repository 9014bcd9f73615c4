#include "officer_desk.hpp"

#include "widgets.hpp"

#include <kiosk/roster/roster_store.hpp>

#include <spdlog/spdlog.h>

#include <limits>

namespace skm::ui {

OfficerDesk::OfficerDesk(FlowContext ctx, DeskView& view) : m_ctx(ctx), m_view(view) {}

void OfficerDesk::attach(roster::Authenticator& auth, roster::Duty& duty)
{
    m_auth = &auth;
    m_duty = &duty;
    refreshServing();
}

void OfficerDesk::officerKey()
{
    if (!m_duty) return;
    if (!m_duty->session()) return openSignIn(true);
    m_ctx.router.leaveCitizenFlow();
    resetSignIn(); // a technician's PIN half typed before F2 is not kept
    m_duty->noteActivity();
    m_ctx.router.setLanguage(config::Lang::Id); // the officer's screens are in Indonesian
    m_view.ticket.clear();                      // a ticket left half-typed is not the next citizen's
    refreshServing();
    m_view.message = {};
    m_ctx.router.show(ScreenId::Officer);
}

void OfficerDesk::openSignIn(bool byKey)
{
    if (!m_duty) return;
    m_view.signInTechnician = false;
    m_ctx.router.leaveCitizenFlow();
    m_pin.clear();
    m_pinByTouch = false;
    m_nipByTouch = false;
    m_signInByKey = byKey;
    m_lockUntilMono.reset();
    m_ctx.router.setLanguage(config::Lang::Id);
    m_view.signInNip.clear();
    m_view.signInPinLength = 0;
    m_view.signInField = 0;
    m_view.message = {};
    try {
        m_roster = roster::readRoster(m_ctx.store.database());
    } catch (const std::exception& e) {
        spdlog::error("cannot read the roster: {}", e.what());
        m_roster.reset();
    }
    if (!m_roster) say("signin.no_roster", true);
    m_ctx.router.show(ScreenId::SignIn);
}

void OfficerDesk::openTechnicianSignIn(bool byKey)
{
    if (!m_auth) return;
    openSignIn(byKey);
    m_view.signInTechnician = true;
    m_view.signInField = 1; // the PIN only
    m_view.message = {};
    if (m_ctx.settings.adminPinHash.empty()) say("admin.disabled", true);
}

void OfficerDesk::keypadDigit()
{
    if (m_view.signInField == 1) m_pinByTouch = true;
    else m_nipByTouch = true;
}

void OfficerDesk::resetSignIn()
{
    m_view.signInTechnician = false;
    m_lockUntilMono.reset();
    m_pin.clear();
    m_view.signInNip.clear();
    m_view.signInPinLength = 0;
}

void OfficerDesk::refreshServing()
{
    using Mode = DeskView::Serving::Mode;
    m_view.serving = {};
    if (!m_duty || !m_duty->session()) {
        m_view.officerName.clear();
        m_view.officerUnit.clear();
        m_view.onBreak = false;
        return;
    }
    const roster::SessionInfo& s = *m_duty->session();
    m_view.officerName = s.officer.name;
    m_view.officerUnit = s.officer.unit;
    m_view.onBreak = s.onBreak;
    if (!m_roster) m_roster = roster::readRoster(m_ctx.store.database());
    m_view.services.clear();
    const bool en = m_ctx.shared.lang == config::Lang::En;
    std::string openService;
    if (m_roster) {
        for (const roster::Service& svc : m_roster->services) {
            m_view.services.push_back({svc.code, svc.nameId});
            if (m_duty->openCase() && m_duty->openCase()->serviceCode == svc.code) openService = en && !svc.nameEn.empty() ? svc.nameEn : svc.nameId;
        }
    }
    DeskView::Serving& v = m_view.serving;
    v.officerName = s.officer.name;
    v.photo = photo(s.officer);
    if (s.onBreak) {
        v.mode = Mode::Break;
    } else if (const auto& c = m_duty->openCase()) {
        v.mode = Mode::Case;
        v.service = openService;
        v.ticket = c->ticket.value_or("");
        if (m_caseLink && m_caseLinkFor != c->id) {
            m_caseLinkFor = c->id;
            m_caseLinkUrl = m_caseLink(*c);
        }
        if (m_caseLink) v.phoneUrl = m_caseLinkUrl;
    } else {
        v.mode = Mode::OnDuty;
    }
}

void OfficerDesk::handleSignIn(const Intent& in)
{
    using K = Intent::Kind;
    std::string& field = m_view.signInField == 0 ? m_view.signInNip : m_pin;
    const size_t maxLen = m_view.signInField == 0 ? 18 : 8;
    if (in.kind == K::Type) {
        for (char c : in.text) {
            if (c < '0' || c > '9' || field.size() >= maxLen) continue;
            field += c;
            // A digit from the screen's pad comes from the public side of the counter.
            if (m_view.signInField == 1 && !in.keyboard) m_pinByTouch = true;
            if (m_view.signInField == 0 && !in.keyboard) m_nipByTouch = true;
        }
        if (m_view.signInField == 0 && m_view.signInNip.size() == 18) m_view.signInField = 1;
    } else if (in.kind == K::Backspace) {
        if (!field.empty()) field.pop_back();
    } else if (const auto c = in.as<SignInCommand>()) {
        switch (*c) {
        case SignInCommand::Cancel: return m_ctx.router.toAttract();
        case SignInCommand::NipField: m_view.signInField = 0; break;
        case SignInCommand::PinField: m_view.signInField = 1; break;
        case SignInCommand::Submit:
            // A badge scanner's Enter after the NIP (which already moved on to the PIN) must not
            // submit an empty PIN: Enter with no PIN waits for it.
            if (m_view.signInField == 0) m_view.signInField = 1;
            else if (!m_pin.empty()) submitSignIn();
            break;
        }
    }
    m_view.signInPinLength = m_pin.size();
}

void OfficerDesk::submitSignIn()
{
    using S = roster::SignInResult::Status;
    if (!m_auth || !m_duty) return;
    const Snapshot& shared = m_ctx.shared;
    // The keyboard channel is the officer's side of the counter: a sign-in opened with F2 or F12 (which
    // the citizens' 4-key keypad does not have), with the NIP and every PIN digit typed on the keyboard
    // (not on the screen's pad, not on a numeric keypad). Anything else may come from the public side.
    const bool officerSide = m_signInByKey && !m_pinByTouch && (m_view.signInTechnician || !m_nipByTouch);
    const roster::SignInChannel channel = officerSide ? roster::SignInChannel::Keyboard : roster::SignInChannel::Touch;
    roster::SignInResult r;
    try {
        if (m_view.signInTechnician) {
            if (m_ctx.settings.adminPinHash.empty()) return say("admin.disabled", true);
            r = m_auth->checkTechnician(m_ctx.settings.adminPinHash, m_pin, channel);
            if (r.status == S::SignedIn) {
                m_pin.clear();
                m_pinByTouch = false;
                m_view.signInPinLength = 0;
                m_view.message = {};
                m_ctx.router.openAdmin();
                return;
            }
        } else {
            r = m_auth->signIn(m_view.signInNip, m_pin, channel);
        }
    } catch (const std::exception& e) {
        spdlog::error("sign-in failed: {}", e.what());
        return sayFault(m_view.message, shared, e.what());
    }
    m_pin.clear();
    m_pinByTouch = false;
    m_view.signInPinLength = 0;
    m_lockUntilMono.reset();
    switch (r.status) {
    case S::SignedIn:
        try {
            // The same officer signing in again keeps their session; another officer replaces it.
            if (!m_duty->session() || m_duty->session()->officer.nip != r.officer->nip) {
                m_duty->start(*r.officer);
                m_view.selectedService.clear(); // the last service is this session's
            }
            m_duty->noteActivity();
        } catch (const std::exception& e) {
            return sayFault(m_view.message, shared, e.what());
        }
        m_view.signInNip.clear();
        m_view.signInField = 0;
        m_view.ticket.clear();
        m_view.message = {};
        refreshServing();
        m_ctx.router.show(ScreenId::Officer);
        return;
    case S::WrongPin:
        m_view.message = {"signin.wrong_pin", shared.catalog->format(config::Lang::Id, "signin.wrong_pin", {{"n", std::to_string(r.failuresLeft)}}), true};
        break;
    case S::LockedOut:
        // Shown as a countdown that runs (refreshLockMessage), not the figure of the moment it was set.
        m_lockUntilMono = m_ctx.clock.monoMs() + r.lockedForMs;
        refreshLockMessage();
        break;
    case S::UnknownNip: say("signin.unknown", true); break;
    case S::Malformed: say("signin.malformed", true); break;
    }
    m_view.signInField = m_view.signInTechnician || m_view.signInNip.size() == 18 ? 1 : 0;
}

bool OfficerDesk::refreshLockMessage()
{
    if (!m_lockUntilMono || m_ctx.shared.screen != ScreenId::SignIn) return false;
    const int64_t left = *m_lockUntilMono - m_ctx.clock.monoMs();
    if (left <= 0) {
        m_lockUntilMono.reset();
        say("signin.unlocked", false);
        return true;
    }
    const std::string text = m_ctx.shared.catalog->format(config::Lang::Id, "signin.locked", {{"s", std::to_string((left + 999) / 1000)}});
    if (text == m_view.message.text) return false;
    m_view.message = {"signin.locked", text, true};
    return true;
}

int64_t OfficerDesk::nextDeadlineMs() const
{
    int64_t next = m_duty ? m_duty->nextDeadlineMs() : std::numeric_limits<int64_t>::max();
    if (m_lockUntilMono && m_ctx.shared.screen == ScreenId::SignIn) {
        const int64_t now = m_ctx.clock.monoMs();
        const int64_t left = *m_lockUntilMono - now;
        next = std::min(next, left <= 0 ? now : *m_lockUntilMono - 1000 * ((left - 1) / 1000));
    }
    return next;
}

bool OfficerDesk::tick()
{
    if (!m_duty || m_ctx.clock.monoMs() < m_duty->nextDeadlineMs()) return false;
    try {
        if (!m_duty->tick()) return false;
        refreshServing();
        // The session ended under the staff's screens (end of day, inactivity): back to the start, with
        // whatever those screens held (a question asked, a PIN half typed) forgotten.
        if (!m_duty->session() && !isCitizenScreen(m_ctx.shared.screen)) m_ctx.router.toAttract();
        return true;
    } catch (const std::exception& e) {
        spdlog::error("duty: {}", e.what());
        return false;
    }
}

bool OfficerDesk::sessionInForce()
{
    if (!m_duty || !m_duty->session()) return false;
    m_duty->noteActivity();
    return true;
}

void OfficerDesk::signOut()
{
    m_duty->end("signed_out");
    refreshServing();
    m_ctx.router.toAttract();
}

void OfficerDesk::handle(const Intent& in)
{
    using K = Intent::Kind;
    try {
        if (in.kind == K::Type) {
            for (char c : in.text) {
                const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '/';
                if (ok && m_view.ticket.size() < 16) m_view.ticket += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
            }
            return;
        }
        if (in.kind == K::Backspace) {
            if (!m_view.ticket.empty()) m_view.ticket.pop_back();
            return;
        }
        const std::optional<DeskCommand> c = in.as<DeskCommand>();
        if (!c) return;
        switch (*c) {
        case DeskCommand::ChooseService:
            m_view.selectedService = in.text;
            m_view.message = {};
            // Chosen from the keyboard: the next Enter hands over.
            if (focusedByKeyboard()) setKeyboardFocus("officer.hand_over");
            break;
        case DeskCommand::HandOver: {
            if (m_duty->session()->onBreak) return say("officer.no_hand_over_on_break", true);
            if (m_view.selectedService.empty()) return say("officer.choose_service", true);
            const std::optional<std::string> ticket = m_view.ticket.empty() ? std::nullopt : std::optional<std::string>(m_view.ticket);
            (void)m_duty->logCase(m_view.selectedService, ticket);
            refreshServing();
            // The service stays chosen for the next citizen: most counters serve one service in a row.
            m_view.ticket.clear();
            m_view.message = {};
            m_ctx.router.show(ScreenId::Attract); // the screen is the citizen's now
            break;
        }
        case DeskCommand::Break:
        case DeskCommand::Resume:
            if (*c == DeskCommand::Break) m_duty->takeBreak();
            else m_duty->resume();
            refreshServing();
            m_view.message = {};          // the screen says it: the hand-over is shown inert, with why
            m_ctx.router.viewChanged();   // "Lanjutkan bertugas" now lies where "Istirahat" was
            break;
        case DeskCommand::SignOut: m_ctx.router.ask(Confirm::SignOut); break;
        case DeskCommand::ToCitizen:
            m_view.ticket.clear(); // not handed over: not the next citizen's ticket
            m_ctx.router.toAttract();
            break;
        }
    } catch (const std::exception& e) {
        spdlog::error("officer action failed: {}", e.what());
        sayFault(m_view.message, m_ctx.shared, e.what());
    }
}

} // namespace skm::ui
