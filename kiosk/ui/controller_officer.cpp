// The controller's officer desk: F2 and the long press, sign-in, the officer's actions.
// (The class is declared in controller.hpp; the citizen flow is in controller.cpp.)

#include "controller.hpp"

#include "widgets.hpp"

#include <roster/roster.hpp>

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
        m_duty->noteActivity();
        refreshOfficer();
        m_state.officerMessage.clear();
        show(ScreenId::Officer);
    } else {
        openSignIn();
    }
}

void Controller::openSignIn()
{
    m_state.signInTechnician = false;
    if (m_state.screen == ScreenId::Comment) saveDraft();
    m_current.reset();
    m_pin.clear();
    m_state.signInNip.clear();
    m_state.signInPinLength = 0;
    m_state.signInField = 0;
    m_state.officerMessage.clear();
    try {
        m_roster = roster::readRoster(m_store.database());
    } catch (const std::exception& e) {
        spdlog::error("cannot read the roster: {}", e.what());
        m_roster.reset();
    }
    if (!m_roster) officerMessage(m_state.t("signin.no_roster"), true);
    show(ScreenId::SignIn);
}

void Controller::officerMessage(const std::string& text, bool error)
{
    m_state.officerMessage = text;
    m_state.officerMessageIsError = error;
}

void Controller::refreshOfficer()
{
    m_state.servedBy.clear();
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
    std::string openService;
    if (m_roster) {
        for (const roster::Service& svc : m_roster->services) {
            m_state.services.push_back({svc.code, svc.nameId});
            if (m_duty->openCase() && m_duty->openCase()->serviceCode == svc.code) openService = svc.nameId;
        }
    }
    if (m_duty->openCase()) {
        m_state.servedBy = m_state.catalog->format(config::Lang::Id, "attract_case.served_by", {{"name", s.officer.name}, {"service", openService}});
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
    roster::SignInResult r;
    try {
        if (m_state.signInTechnician) {
            if (m_settings.adminPinHash.empty()) return officerMessage(m_state.t("admin.disabled"), true);
            r = m_auth->checkTechnician(m_settings.adminPinHash, m_pin, roster::SignInChannel::Touch);
            if (r.status == S::SignedIn) {
                m_pin.clear();
                m_state.signInPinLength = 0;
                m_state.officerMessage.clear();
                m_state.screenTest = 0;
                refreshAdmin();
                show(ScreenId::Admin);
                return;
            }
        } else {
            r = m_auth->signIn(m_state.signInNip, m_pin, roster::SignInChannel::Touch);
        }
    } catch (const std::exception& e) {
        spdlog::error("sign-in failed: {}", e.what());
        officerMessage(e.what(), true);
        return;
    }
    m_pin.clear();
    m_state.signInPinLength = 0;
    switch (r.status) {
    case S::SignedIn:
        try {
            // The same officer signing in again keeps their session; another officer replaces it.
            if (!m_duty->session() || m_duty->session()->officer.nip != r.officer->nip) m_duty->start(*r.officer);
            m_duty->noteActivity();
        } catch (const std::exception& e) {
            officerMessage(e.what(), true);
            return;
        }
        m_state.signInNip.clear();
        m_state.signInField = 0;
        m_state.selectedService.clear();
        m_state.ticket.clear();
        m_state.officerMessage.clear();
        refreshOfficer();
        show(ScreenId::Officer);
        return;
    case S::WrongPin:
        officerMessage(m_state.catalog->format(config::Lang::Id, "signin.wrong_pin", {{"n", std::to_string(r.failuresLeft)}}), true);
        break;
    case S::LockedOut:
        officerMessage(m_state.catalog->format(config::Lang::Id, "signin.locked", {{"s", std::to_string((r.lockedForMs + 999) / 1000)}}), true);
        break;
    case S::UnknownNip: officerMessage(m_state.t("signin.unknown"), true); break;
    case S::Malformed: officerMessage(m_state.t("signin.malformed"), true); break;
    }
    m_state.signInField = m_state.signInTechnician || m_state.signInNip.size() == 18 ? 1 : 0;
}

void Controller::handleOfficer(const Intent& in)
{
    using K = Intent::Kind;
    if (!m_duty || !m_duty->session()) return returnToAttract();
    m_duty->noteActivity();
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
                m_state.officerMessage.clear();
            } else if (c == "officer.hand_over") {
                if (m_state.selectedService.empty()) return officerMessage(m_state.t("officer.choose_service"), true);
                const std::optional<std::string> ticket = m_state.ticket.empty() ? std::nullopt : std::optional<std::string>(m_state.ticket);
                (void)m_duty->logCase(m_state.selectedService, ticket);
                refreshOfficer();
                m_state.selectedService.clear();
                m_state.ticket.clear();
                m_state.officerMessage.clear();
                m_current.reset();
                show(ScreenId::Attract); // the screen is the citizen's now
            } else if (c == "officer.break") {
                m_duty->takeBreak();
                refreshOfficer();
            } else if (c == "officer.resume") {
                m_duty->resume();
                refreshOfficer();
            } else if (c == "officer.sign_out") {
                m_duty->end("signed_out");
                refreshOfficer();
                returnToAttract();
            } else if (c == "officer.citizen") {
                returnToAttract();
            }
        }
    } catch (const std::exception& e) {
        spdlog::error("officer action failed: {}", e.what());
        officerMessage(e.what(), true);
    }
}

} // namespace skm::ui
