// The controller's citizen flow; the officer's desk is in controller_officer.cpp, the technician's
// screen in controller_admin.cpp.

#include "controller.hpp"

#include "widgets.hpp"

#include <kiosk/store/survey_store.hpp>

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
    s.followupIdleMs = c.followupIdleSeconds * 1000LL;
    s.surveyIdleMs = c.surveyIdleSeconds * 1000LL;
    s.responseIntervalMs = c.responseIntervalSeconds * 1000LL;
    s.touchGuardMs = c.touchGuardMs;
    s.commentMax = c.commentMaxChars;
    s.reasonsLow = c.reasonsLow;
    s.reasonsHigh = c.reasonsHigh;
    s.adminPinHash = c.adminPinHash;
    s.exportDir = c.exportDir;
    s.version = SKM_VERSION;
    return s;
}

Controller::Controller(store::RatingStore& store, UiSettings settings, const store::Clock& clock, const config::Catalog& catalog)
    : m_store(store), m_settings(std::move(settings)), m_clock(clock), m_gate(m_settings.touchGuardMs)
{
    for (ScreenId id : kAllScreens) m_screens[indexOf(id)] = makeScreen(id);
    m_state.officeName = m_settings.officeName;
    m_state.counter = m_settings.counter;
    m_state.catalog = &catalog;
    m_state.commentMax = m_settings.commentMax;
    m_state.screen = ScreenId::Attract;
    m_lastActivity = m_clock.monoMs();
    // A questionnaire a previous run left open (power cut, restart) is closed as incomplete.
    if (const int stale = store::closeStaleSurveys(m_store); stale > 0) spdlog::info("{} survey response(s) left open closed as incomplete", stale);
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
        viewChanged();
        clearKeyboardFocus();
        current().onEnter(m_state);
        if (onScreenChanged) onScreenChanged(id);
    }
}

void Controller::noteActivity() { m_lastActivity = m_clock.monoMs(); }

void Controller::viewChanged() { m_gate.viewChanged(m_clock.monoMs()); }

void Controller::drawFrame(const Theme& theme)
{
    const ImGuiIO& io = ImGui::GetIO();
    const int64_t now = m_clock.monoMs();
    if (io.MouseDown[0] || io.MouseReleased[0] || io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f) noteActivity();
    if (io.MouseClicked[0]) {
        if (m_gate.pressBegan(now)) {
            m_burstScore.reset(); // a deliberate touch ends any burst
        } else {
            spdlog::debug("press on {} ignored (the view is {} ms old or a burst is going on)", screenName(m_state.screen), m_gate.guardMs());
            if (m_burstScore) recordBurstPress(*m_burstScore);
        }
    }
    setPointerLive(m_gate.live());
    refreshCountdown();
    (void)refreshLockMessage();
    beginTargetFrame();
    const Intent intent = current().draw(m_state, theme);
    endTargetFrame();
    handle(intent);
    // A face rated by touch: a burst of presses that follows it is counted against that face.
    if (intent.kind == Intent::Kind::Rate && io.MouseReleased[0] && m_state.screen != ScreenId::Notice) m_burstScore = intent.score;
    checkGesture();
    if (io.MouseReleased[0]) m_gate.pressEnded(now);
}

void Controller::checkGesture()
{
    const ImGuiIO& io = ImGui::GetIO();
    std::string held;
    if (m_state.screen == ScreenId::Attract && io.MouseDown[0] && m_gate.live()) {
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
    if (m_state.screen == ScreenId::Survey) return handleSurvey(in);
    switch (in.kind) {
    case K::StartSurvey: startSurvey(); break;
    case K::Rate: rate(in.score); break;
    case K::ToggleLanguage: toggleLanguage(); break;
    case K::Reason:
        if (m_state.screen == ScreenId::FollowUp) chooseReason(in.text);
        break;
    case K::Done:
        if (m_state.screen == ScreenId::FollowUp) finish(); // the rating is saved: nothing more to ask
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
    case K::Answer: break;
    case K::Back: break;
    case K::Quit: break;
    case K::None: break;
    }
}

void Controller::pressFace(int score)
{
    if (m_state.screen == ScreenId::Survey) {
        noteActivity();
        if (!m_state.confirm.empty()) return;
        // The same key again right after it answered (a held or mashed key) does not answer the next
        // question; another key does (a typist copying a paper form).
        const int64_t now = m_clock.monoMs();
        const LastKey last = m_lastSurveyKey;
        if (last.digit == score && m_gate.viewSerial() == last.view + 1 && now - last.atMs < m_settings.touchGuardMs) {
            m_lastSurveyKey.atMs = now; // a burst: the guard runs from its last key
            spdlog::debug("key {} repeated on the next survey question: ignored", score);
            return;
        }
        m_lastSurveyKey = {score, m_gate.viewSerial(), now};
        const auto& options = m_state.survey.options;
        // An unsur: key k is value k, as on the faces (4 Sangat Baik .. 1 Tidak Baik); other questions:
        // the k-th option shown.
        if (m_state.survey.scale && score >= 1 && score <= 4) surveyAnswer(std::to_string(score));
        else if (!m_state.survey.scale && score >= 1 && static_cast<size_t>(score) <= options.size()) surveyAnswer(options[static_cast<size_t>(score) - 1].code);
        return;
    }
    if (score < 1 || score > 4 || !isCitizenScreen(m_state.screen)) return;
    noteActivity();
    rate(score);
}

void Controller::pressKeys(const std::vector<KeyPress>& keys)
{
    for (const KeyPress& k : keys) {
        switch (k.action) {
        case KeyPress::Action::Face:
            // A numeric keypad's digit on the sign-in counts as the public side (the citizens' keypad).
            if (k.keypad && m_state.screen == ScreenId::SignIn) {
                if (m_state.signInField == 1) m_pinByTouch = true;
                else m_nipByTouch = true;
            }
            pressFace(k.digit);
            break;
        case KeyPress::Action::Officer: officerKey(); break;
        case KeyPress::Action::Admin: adminKey(); break;
        case KeyPress::Action::Survey: surveyKey(); break;
        case KeyPress::Action::Back: backKey(); break;
        }
    }
}

void Controller::rate(int score)
{
    m_state.thanksForSurvey = false;
    if (m_survey) endSurvey("incomplete");
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
    // One line per rating: the journal shows what was on disk when (the torture test reads it after SIGKILL).
    spdlog::info("rating {} stored: score {}{}{}", pending.id, score, pending.suppressed ? ", suppressed" : "",
                 pending.caseId ? ", case " + *pending.caseId : std::string());
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

void Controller::recordBurstPress(int score)
{
    // Counted like a repeated key press (stored, marked suppressed, left out of every score) but it
    // changes nothing on screen and is never tied to an officer's case.
    store::PendingRating pending = m_store.stamp(score);
    pending.suppressed = true;
    pending.language = config::langCode(m_state.lang);
    m_lastPress = m_clock.monoMs();
    if (write(pending).ok) spdlog::info("rating {} stored: score {}, suppressed (a burst of presses)", pending.id, score);
}

void Controller::refreshReasons()
{
    m_state.reasons.clear();
    if (!m_current) return;
    const bool low = m_current->score <= 2;
    // The roster's lists (imported, or delivered by the central office) replace the configuration's.
    std::vector<config::Reason> fromRoster;
    try {
        fromRoster = roster::rosterReasons(m_store.database(), low ? "low" : "high");
    } catch (const std::exception& e) {
        spdlog::warn("cannot read the roster's reasons, using the configuration's: {}", e.what());
    }
    const auto& list = !fromRoster.empty() ? fromRoster : (low ? m_settings.reasonsLow : m_settings.reasonsHigh);
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
    refreshOfficer(); // the open case's service, in the new language
    if (m_survey) {
        (void)store::setSurveyLanguage(m_store, m_survey->id, config::langCode(m_state.lang));
        refreshSurvey();
    }
}

void Controller::finish()
{
    m_state.thanksForSurvey = false;
    m_state.surveyOffered = true;
    m_current.reset();
    m_state.comment.clear();
    m_state.commentChars = 0;
    show(ScreenId::Thanks);
}

void Controller::returnToAttract()
{
    m_state.screenTest = 0;
    m_state.signInTechnician = false;
    m_state.confirm.clear();
    m_lockUntilMono.reset();
    m_pin.clear();
    m_state.signInNip.clear();
    m_state.signInPinLength = 0;
    if (m_state.screen == ScreenId::Comment) saveDraft(); // a citizen who walks away loses nothing typed
    if (m_survey) endSurvey("incomplete");                 // kept, marked incomplete, uploaded
    m_state.surveyOffered = true;
    m_state.thanksForSurvey = false;
    m_current.reset();
    m_state.comment.clear();
    m_state.commentChars = 0;
    m_state.keyboardDigits = false;
    m_state.reasons.clear();
    m_state.lang = config::Lang::Id; // the next citizen starts in Bahasa Indonesia
    refreshOfficer();
    show(ScreenId::Attract);
}

void Controller::refreshCountdown()
{
    int seconds = -1;
    if (m_state.screen == ScreenId::FollowUp || m_state.screen == ScreenId::Comment) {
        const int64_t deadline = screenDeadlineMs();
        if (deadline != kNever) seconds = static_cast<int>(std::max<int64_t>(0, (deadline - m_clock.monoMs() + 999) / 1000));
    }
    m_state.countdownSeconds = seconds;
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
    const int countdown = m_state.countdownSeconds;
    refreshCountdown();
    if (countdown != m_state.countdownSeconds) changed = true;
    if (refreshLockMessage()) changed = true;
    return changed;
}

int64_t Controller::screenDeadlineMs() const
{
    int64_t idle = kNever;
    const bool inFlow = m_state.screen == ScreenId::FollowUp || m_state.screen == ScreenId::Comment;
    // The officer's screens close by themselves too: nobody should find them open at the counter.
    // (Not while "sync now" runs: its result is what the technician is waiting to read.)
    if (!isCitizenScreen(m_state.screen)) return m_sync.running() ? kNever : std::min(m_screenDeadline, m_lastActivity + 2 * m_settings.idleMs);
    const bool foreignAttract = m_state.screen == ScreenId::Attract && m_state.lang != config::Lang::Id;
    if (foreignAttract) idle = m_lastActivity + m_settings.idleMs;
    // The follow-up and the keyboard return soon, so the next citizen does not answer this one's
    // question; a survey question takes longer to read, then the response is kept as incomplete.
    if (inFlow) idle = m_lastActivity + m_settings.followupIdleMs;
    if (m_state.screen == ScreenId::Survey) idle = m_lastActivity + m_settings.surveyIdleMs;
    return std::min(m_screenDeadline, idle);
}

int64_t Controller::nextDeadlineMs() const
{
    int64_t next = std::min(screenDeadlineMs(), m_nextRetry);
    if (m_duty) next = std::min(next, m_duty->nextDeadlineMs());
    if (m_gestureStart) next = std::min(next, gestureDueMs()); // wake while the press is held
    const int64_t now = m_clock.monoMs();
    // A countdown on screen changes each second: wake when its figure does.
    if (m_state.countdownSeconds > 0) {
        const int64_t deadline = screenDeadlineMs();
        next = std::min(next, deadline - 1000 * ((deadline - now - 1) / 1000));
    }
    if (m_lockUntilMono && m_state.screen == ScreenId::SignIn) {
        const int64_t left = *m_lockUntilMono - now;
        next = std::min(next, left <= 0 ? now : *m_lockUntilMono - 1000 * ((left - 1) / 1000));
    }
    return next;
}

} // namespace skm::ui
