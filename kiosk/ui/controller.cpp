#include "controller.hpp"

#include "screens/common.hpp"
#include "widgets.hpp"

#include <roster/roster.hpp>
#include <store/export.hpp>

#include <sys/statvfs.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace skm::ui {

namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

size_t indexOf(ScreenId id) { return static_cast<size_t>(id); }

size_t utf8Length(const std::string& s)
{
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

const std::string& idOf(const std::variant<store::PendingRating, store::RatingUpdate>& w)
{
    return std::visit([](const auto& x) -> const std::string& { return x.id; }, w);
}
} // namespace

UiSettings UiSettings::from(const config::KioskConfig& c)
{
    UiSettings s;
    s.officeName = c.officeName;
    s.counter = c.counter;
    s.thanksMs = c.thanksSeconds * 1000LL;
    s.noticeMs = c.errorSeconds * 1000LL;
    s.idleMs = c.idleSeconds * 1000LL;
    s.responseIntervalMs = c.responseIntervalSeconds * 1000LL;
    s.commentMax = c.commentMaxChars;
    s.reasonsLow = c.reasonsLow;
    s.reasonsHigh = c.reasonsHigh;
    s.adminPinHash = c.adminPinHash;
    s.exportDir = c.exportDir;
    s.version = SKM_VERSION;
    return s;
}

Controller::Controller(store::RatingStore& store, UiSettings settings, const store::Clock& clock, const config::Catalog& catalog)
    : m_store(store), m_settings(std::move(settings)), m_clock(clock)
{
    for (ScreenId id : kAllScreens) m_screens[indexOf(id)] = makeScreen(id);
    m_state.officeName = m_settings.officeName;
    m_state.counter = m_settings.counter;
    m_state.catalog = &catalog;
    m_state.commentMax = m_settings.commentMax;
    m_state.screen = ScreenId::Attract;
    m_lastActivity = m_clock.monoMs();
    current().onEnter(m_state);
}

Screen& Controller::current() { return *m_screens[indexOf(m_state.screen)]; }

void Controller::show(ScreenId id)
{
    const bool changed = id != m_state.screen;
    if (changed) current().onLeave();
    m_state.screen = id;
    switch (id) {
    case ScreenId::Thanks: m_screenDeadline = m_clock.monoMs() + m_settings.thanksMs; break;
    case ScreenId::Notice: m_screenDeadline = m_clock.monoMs() + m_settings.noticeMs; break;
    default: m_screenDeadline = kNever; break;
    }
    if (changed) {
        clearKeyboardFocus();
        current().onEnter(m_state);
        if (onScreenChanged) onScreenChanged(id);
    }
}

void Controller::noteActivity() { m_lastActivity = m_clock.monoMs(); }

void Controller::drawFrame(const Theme& theme)
{
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MouseDown[0] || io.MouseReleased[0] || io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f) noteActivity();
    beginTargetFrame();
    const Intent intent = current().draw(m_state, theme);
    endTargetFrame();
    handle(intent);
    checkGesture();
}

void Controller::checkGesture()
{
    const ImGuiIO& io = ImGui::GetIO();
    std::string held;
    if (m_state.screen == ScreenId::Attract && io.MouseDown[0]) {
        for (const char* name : {"gesture.officer", "gesture.admin"}) {
            const Target* area = findTarget(name);
            if (area && io.MousePos.x >= area->rect.min.x && io.MousePos.x < area->rect.max.x && io.MousePos.y >= area->rect.min.y &&
                io.MousePos.y < area->rect.max.y) {
                held = name;
            }
        }
    }
    if (held.empty() || !m_duty || held != m_gestureTarget) {
        m_gestureStart.reset();
        m_gestureTarget = held;
        if (held.empty() || !m_duty) return;
    }
    if (!m_gestureStart) m_gestureStart = m_clock.monoMs();
    if (m_clock.monoMs() >= gestureDueMs()) {
        m_gestureStart.reset();
        // The touch side always asks for the PIN.
        if (m_gestureTarget == "gesture.admin") openTechnicianSignIn();
        else openSignIn();
    }
}

void Controller::handle(const Intent& in)
{
    using K = Intent::Kind;
    if (in.kind == K::None) return;
    noteActivity();
    if (m_state.screen == ScreenId::SignIn) return handleSignIn(in);
    if (m_state.screen == ScreenId::Officer) return handleOfficer(in);
    if (m_state.screen == ScreenId::Admin) return handleAdmin(in);
    switch (in.kind) {
    case K::Rate: rate(in.score); break;
    case K::ToggleLanguage: toggleLanguage(); break;
    case K::Reason:
        if (m_state.screen == ScreenId::FollowUp) chooseReason(in.text);
        break;
    case K::Skip:
        if (m_state.screen == ScreenId::FollowUp) show(ScreenId::Comment);
        else if (m_state.screen == ScreenId::Comment) {
            m_state.comment.clear(); // skip means: no comment, even if something was typed
            m_state.commentChars = 0;
            finish();
        }
        break;
    case K::Type: type(in.text); break;
    case K::Backspace: backspace(); break;
    case K::Send: sendComment(); break;
    case K::ToggleKeyboardLayer: m_state.keyboardDigits = !m_state.keyboardDigits; break;
    case K::Command: break;
    case K::None: break;
    }
}

void Controller::pressFace(int score)
{
    if (score < 1 || score > 4 || !isCitizenScreen(m_state.screen)) return;
    noteActivity();
    rate(score);
}

void Controller::rate(int score)
{
    // A new rating ends whatever flow was on screen; what the previous citizen typed is kept.
    if (m_current) saveDraft();
    m_current.reset();
    m_state.comment.clear();
    m_state.commentChars = 0;
    m_state.keyboardDigits = false;

    const int64_t now = m_clock.monoMs();
    store::PendingRating pending = m_store.stamp(score);
    // HappyOrNot's "response interval": a press too soon after the previous one is kept, but marked,
    // so that scores can leave it out. Nothing is dropped.
    pending.suppressed = m_settings.responseIntervalMs > 0 && m_lastPress && now - *m_lastPress < m_settings.responseIntervalMs;
    pending.language = config::langCode(m_state.lang);
    m_lastPress = now;
    if (m_duty) m_duty->attribute(pending); // the open case's officer, case and service; else counter-level

    const store::CommitResult result = write(pending);
    if (!result.ok) {
        m_state.noticeDiskFull = result.diskFull;
        show(ScreenId::Notice);
        return;
    }
    if (m_duty) {
        m_duty->ratingCommitted(pending); // one rating per case: the next tap is counter-level
        refreshOfficer();
    }
    // "Terima kasih" (or the follow-up) only after the commit returned: the rating is on disk.
    if (pending.suppressed) {
        finish();
        return;
    }
    m_current = Current{pending.id, score};
    refreshReasons();
    show(ScreenId::FollowUp);
}

void Controller::refreshReasons()
{
    m_state.reasons.clear();
    if (!m_current) return;
    const auto& list = m_current->score <= 2 ? m_settings.reasonsLow : m_settings.reasonsHigh;
    for (const config::Reason& r : list) m_state.reasons.push_back({r.code, m_state.lang == config::Lang::En ? r.labelEn : r.labelId});
}

void Controller::chooseReason(const std::string& code)
{
    if (!m_current) return;
    const auto known = std::find_if(m_state.reasons.begin(), m_state.reasons.end(), [&](const ReasonChip& c) { return c.code == code; });
    if (known == m_state.reasons.end()) return;
    store::RatingUpdate u{m_current->id, store::RatingUpdate::Field::Reasons, nlohmann::json::array({code}).dump(), config::langCode(m_state.lang)};
    (void)write(u); // a failure is queued and retried; the citizen goes on either way
    show(ScreenId::Comment);
}

void Controller::type(const std::string& chars)
{
    if (m_state.screen != ScreenId::Comment) return;
    if (m_state.commentChars + utf8Length(chars) > static_cast<size_t>(m_settings.commentMax)) return;
    m_state.comment += chars;
    m_state.commentChars = utf8Length(m_state.comment);
}

void Controller::backspace()
{
    if (m_state.screen != ScreenId::Comment || m_state.comment.empty()) return;
    size_t cut = m_state.comment.size() - 1;
    while (cut > 0 && (static_cast<unsigned char>(m_state.comment[cut]) & 0xC0) == 0x80) --cut; // whole UTF-8 character
    m_state.comment.erase(cut);
    m_state.commentChars = utf8Length(m_state.comment);
}

void Controller::saveDraft()
{
    if (!m_current || m_state.comment.find_first_not_of(' ') == std::string::npos) return;
    store::RatingUpdate u{m_current->id, store::RatingUpdate::Field::Comment, m_state.comment, config::langCode(m_state.lang)};
    (void)write(u);
}

void Controller::sendComment()
{
    if (m_state.screen != ScreenId::Comment) return;
    saveDraft();
    finish();
}

void Controller::toggleLanguage()
{
    m_state.lang = m_state.lang == config::Lang::Id ? config::Lang::En : config::Lang::Id;
    refreshReasons();
}

void Controller::finish()
{
    m_current.reset();
    m_state.comment.clear();
    m_state.commentChars = 0;
    show(ScreenId::Thanks);
}

void Controller::returnToAttract()
{
    m_state.screenTest = 0;
    m_state.signInTechnician = false;
    m_pin.clear();
    m_state.signInNip.clear();
    m_state.signInPinLength = 0;
    if (m_state.screen == ScreenId::Comment) saveDraft(); // a citizen who walks away loses nothing typed
    m_current.reset();
    m_state.comment.clear();
    m_state.commentChars = 0;
    m_state.keyboardDigits = false;
    m_state.reasons.clear();
    m_state.lang = config::Lang::Id; // the next citizen starts in Bahasa Indonesia
    show(ScreenId::Attract);
}

store::CommitResult Controller::apply(const Write& w)
{
    if (const auto* rating = std::get_if<store::PendingRating>(&w)) return m_store.commit(*rating);
    return m_store.update(std::get<store::RatingUpdate>(w));
}

store::CommitResult Controller::write(const Write& w)
{
    const store::CommitResult r = apply(w);
    if (r.ok) return r;
    // Not on disk: keep it (same id, so a retry cannot double it) and retry later.
    spdlog::error("write for rating {} not saved: {}", idOf(w), r.error);
    if (m_retry.size() >= m_settings.maxRetries) {
        spdlog::error("retry queue full ({} writes); the oldest, for rating {}, is given up", m_retry.size(), idOf(m_retry.front()));
        m_retry.pop_front();
    }
    m_retry.push_back(w);
    m_state.pendingRetries = m_retry.size();
    m_nextRetry = std::min(m_nextRetry, m_clock.monoMs() + m_settings.retryEveryMs);
    return r;
}

bool Controller::tick()
{
    bool changed = false;
    const int64_t now = m_clock.monoMs();
    if (!m_retry.empty() && now >= m_nextRetry) {
        while (!m_retry.empty()) {
            if (!apply(m_retry.front()).ok) break;
            spdlog::info("write for rating {} saved on retry", idOf(m_retry.front()));
            m_retry.pop_front();
            changed = true;
        }
        m_state.pendingRetries = m_retry.size();
        m_nextRetry = m_retry.empty() ? kNever : now + m_settings.retryEveryMs;
    }
    if (m_duty && now >= m_duty->nextDeadlineMs()) {
        try {
            if (m_duty->tick()) {
                refreshOfficer();
                if (!m_duty->session() && !isCitizenScreen(m_state.screen)) show(ScreenId::Attract);
                changed = true;
            }
        } catch (const std::exception& e) {
            spdlog::error("duty: {}", e.what());
        }
    }
    if (m_gestureStart && now >= gestureDueMs()) {
        m_gestureStart.reset();
        if (m_gestureTarget == "gesture.admin") openTechnicianSignIn();
        else openSignIn();
        changed = true;
    }
    if (now >= screenDeadlineMs()) {
        returnToAttract();
        changed = true;
    }
    return changed;
}

int64_t Controller::screenDeadlineMs() const
{
    int64_t idle = kNever;
    const bool inFlow = m_state.screen == ScreenId::FollowUp || m_state.screen == ScreenId::Comment;
    // The officer's screens close by themselves too: nobody should find them open at the counter.
    if (!isCitizenScreen(m_state.screen)) return std::min(m_screenDeadline, m_lastActivity + 2 * m_settings.idleMs);
    const bool foreignAttract = m_state.screen == ScreenId::Attract && m_state.lang != config::Lang::Id;
    if (inFlow || foreignAttract) idle = m_lastActivity + m_settings.idleMs;
    return std::min(m_screenDeadline, idle);
}

int64_t Controller::nextDeadlineMs() const
{
    int64_t next = std::min(screenDeadlineMs(), m_nextRetry);
    if (m_duty) next = std::min(next, m_duty->nextDeadlineMs());
    if (m_gestureStart) next = std::min(next, gestureDueMs()); // wake while the press is held
    return next;
}

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
            r = m_auth->checkTechnician(m_settings.adminPinHash, m_pin);
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
            r = m_auth->signIn(m_state.signInNip, m_pin);
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

// ---- The technician's screen -----------------------------------------------------------------------

void Controller::adminKey()
{
    if (!m_auth) return;
    noteActivity();
    openTechnicianSignIn();
}

void Controller::openTechnicianSignIn()
{
    openSignIn();
    m_state.signInTechnician = true;
    m_state.signInField = 1; // the PIN only
    m_state.officerMessage.clear();
    if (m_settings.adminPinHash.empty()) officerMessage(m_state.t("admin.disabled"), true);
}

void Controller::refreshAdmin()
{
    auto& L = m_state.adminLines;
    L.clear();
    const std::filesystem::path dataDir = m_store.dbPath().parent_path();
    const store::StoreStatus st = store::readStatus(dataDir, m_store.dbPath().filename().string());
    auto t = [&](const char* key) { return m_state.t(key); };
    L.emplace_back(t("admin.device"), m_store.deviceId());
    L.emplace_back(t("admin.counter"), m_settings.counter);
    L.emplace_back(t("admin.version"), m_settings.version);
    L.emplace_back(t("admin.schema"), std::to_string(st.schemaVersion));
    L.emplace_back(t("admin.ratings"), std::to_string(st.counts.total) + " / " + std::to_string(st.counts.pending) + " / " + std::to_string(st.counts.sent) +
                                           " / " + std::to_string(st.counts.rejected) + " / " + std::to_string(st.counts.suppressed));
    L.emplace_back(t("admin.last_sync"), t("admin.never"));
    L.emplace_back(t("admin.next_sync"), t("admin.not_scheduled"));
    struct statvfs fs {};
    std::string free = "?";
    if (statvfs(dataDir.c_str(), &fs) == 0) free = std::to_string(static_cast<long long>(fs.f_bavail) * static_cast<long long>(fs.f_frsize) / (1024 * 1024)) + " MB";
    L.emplace_back(t("admin.disk_free"), free);
    L.emplace_back(t("admin.db_size"), std::to_string(st.dbBytes / 1024) + " KB");
    std::string officer = t("admin.nobody");
    if (m_duty && m_duty->session()) officer = m_duty->session()->officer.name + " (" + m_duty->session()->officer.nip + ")";
    L.emplace_back(t("admin.officer"), officer);
    L.emplace_back(t("admin.open_case"), st.openCase ? st.openCase->serviceCode + (st.openCase->ticket ? " " + *st.openCase->ticket : "") : "-");
}

void Controller::handleAdmin(const Intent& in)
{
    if (in.kind != Intent::Kind::Command) return;
    const std::string& c = in.text;
    if (c == "admin.close") return returnToAttract();
    if (c == "admin.screen_test") {
        m_state.screenTest = 1;
    } else if (c == "admin.screen_test_next") {
        m_state.screenTest = m_state.screenTest >= adminScreenTestSteps() ? 0 : m_state.screenTest + 1;
    } else if (c == "admin.sync_now") {
        officerMessage(m_state.t("admin.sync_unavailable"), true);
    } else if (c == "admin.export") {
        try {
            const store::ExportResult r = store::exportUnsent(m_store, m_settings.exportDir);
            officerMessage(m_state.catalog->format(config::Lang::Id, "admin.exported", {{"n", std::to_string(r.ratings)}, {"file", r.file.string()}}), false);
        } catch (const std::exception& e) {
            officerMessage(e.what(), true);
        }
        refreshAdmin();
    } else if (c == "admin.leave") {
        (void)m_store.recordAudit("kiosk_left", std::nullopt, R"({"by":"technician"})");
        spdlog::info("the technician left the kiosk for maintenance");
        m_quit = true;
    }
}

} // namespace skm::ui
