// The router (controller.hpp): screens, the touch gate, the gestures, the timers and the
// confirmations; every intent handed to the flow whose screen is up.

#include "controller.hpp"

#include "widgets.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace skm::ui {

namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

size_t indexOf(ScreenId id) { return static_cast<size_t>(id); }
} // namespace

UiSettings UiSettings::from(const config::KioskConfig& c)
{
    UiSettings s;
    s.officeName = c.officeName;
    s.counter = c.counter;
    s.thanksMs = c.thanksSeconds * 1000LL;
    s.qrThanksMs = std::max<int64_t>(s.thanksMs, c.phoneQrSeconds * 1000LL);
    s.complaintThanksMs = std::max<int64_t>(s.thanksMs, c.complaintQrSeconds * 1000LL);
    s.noticeMs = c.errorSeconds * 1000LL;
    s.idleMs = c.idleSeconds * 1000LL;
    s.followupIdleMs = c.followupIdleSeconds * 1000LL;
    s.surveyIdleMs = c.surveyIdleSeconds * 1000LL;
    s.responseIntervalMs = c.responseIntervalSeconds * 1000LL;
    s.touchGuardMs = c.touchGuardMs;
    s.commentMax = c.commentMaxChars;
    s.reasonsLow = c.reasonsLow;
    s.reasonsHigh = c.reasonsHigh;
    s.laporUrl = c.complaintEnabled ? c.laporUrl : std::string();
    s.adminPinHash = c.adminPinHash;
    s.exportDir = c.exportDir;
    s.version = SKM_VERSION;
    return s;
}

Controller::Controller(store::RatingStore& store, UiSettings settings, const store::Clock& clock, const config::Catalog& catalog)
    : m_store(store),
      m_settings(std::move(settings)),
      m_clock(clock),
      m_gate(m_settings.touchGuardMs),
      m_writes(store, clock, m_settings.retryEveryMs, m_settings.maxRetries),
      m_ctx{store, m_settings, clock, m_state, *this},
      m_citizen(m_ctx, m_state.citizen, m_writes),
      m_survey(m_ctx, m_state.survey),
      m_desk(m_ctx, m_state.desk),
      m_admin(m_ctx, m_state.admin)
{
    for (ScreenId id : kAllScreens) m_screens[indexOf(id)] = makeScreen(id);
    m_state.officeName = m_settings.officeName;
    m_state.counter = m_settings.counter;
    m_state.catalog = &catalog;
    m_state.screen = ScreenId::Attract;
    m_lastActivity = m_clock.monoMs();
    current().onEnter(m_state);
}

Controller::~Controller() = default;

Screen& Controller::current() { return *m_screens[indexOf(m_state.screen)]; }

// ---- Router --------------------------------------------------------------------------------------

void Controller::show(ScreenId id)
{
    const bool changed = id != m_state.screen;
    if (changed) current().onLeave();
    m_state.screen = id;
    switch (id) {
    case ScreenId::Thanks: {
        const CitizenView& v = m_state.citizen;
        m_screenDeadline = m_clock.monoMs() + (!v.complaintUrl.empty() ? m_settings.complaintThanksMs : v.phoneUrl.empty() ? m_settings.thanksMs : m_settings.qrThanksMs);
        break;
    }
    case ScreenId::Notice: m_screenDeadline = m_clock.monoMs() + m_settings.noticeMs; break;
    default: m_screenDeadline = kNever; break;
    }
    if (changed) {
        m_state.confirm = Confirm::None; // a confirmation belongs to the screen that asked it
        viewChanged();
        clearKeyboardFocus();
        current().onEnter(m_state);
        if (onScreenChanged) onScreenChanged(id);
    }
}

void Controller::viewChanged()
{
    m_gate.viewChanged(m_clock.monoMs());
    if (m_silence) m_silence(); // what was being read belongs to the view that is gone
}

void Controller::leaveCitizenFlow()
{
    m_citizen.leave(); // a citizen who is interrupted loses nothing typed
    m_survey.abandon();
    m_state.confirm = Confirm::None;
}

bool Controller::refreshPublishedIkm()
{
    if (!m_ikmSource || !m_ikmSource->refresh()) return false;
    m_state.publishedIkm = m_ikmSource->current();
    if (!m_ikmSource->error().empty()) spdlog::error("the published IKM line is not shown: {}", m_ikmSource->error());
    return true;
}

void Controller::toAttract()
{
    (void)refreshPublishedIkm();
    m_admin.reset();
    m_desk.resetSignIn();
    m_state.confirm = Confirm::None;
    m_survey.abandon(); // kept, marked incomplete, uploaded
    m_citizen.reset();  // a citizen who walks away loses nothing typed
    m_state.lang = config::Lang::Id; // the next citizen starts in Bahasa Indonesia
    m_desk.refreshServing();
    show(ScreenId::Attract);
}

void Controller::notice(bool diskFull)
{
    m_state.noticeDiskFull = diskFull;
    show(ScreenId::Notice);
}

void Controller::ask(Confirm question)
{
    m_state.confirm = question;
    viewChanged();
}

void Controller::openAdmin()
{
    m_admin.open();
    show(ScreenId::Admin);
}

// ---- Input ---------------------------------------------------------------------------------------

void Controller::noteActivity() { m_lastActivity = m_clock.monoMs(); }

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
            if (m_burstScore) m_citizen.burstPress(*m_burstScore);
        }
    }
    setPointerLive(m_gate.live());
    refreshCountdown();
    (void)m_desk.refreshLockMessage();
    beginTargetFrame();
    const Intent intent = current().draw(m_state, theme);
    endTargetFrame();
    handle(intent);
    m_state.pendingRetries = m_writes.held();
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
    if (held.empty() || !m_desk.attached() || held != m_gestureTarget) {
        m_gestureStart.reset();
        m_gestureTarget = held;
        if (held.empty() || !m_desk.attached()) return;
    }
    if (!m_gestureStart) m_gestureStart = m_clock.monoMs();
    if (m_clock.monoMs() >= gestureDueMs()) openGesture();
}

void Controller::openGesture()
{
    m_gestureStart.reset();
    // The touch side always asks for the PIN.
    if (m_gestureTarget == "gesture.admin") m_desk.openTechnicianSignIn(false);
    else m_desk.openSignIn(false);
}

void Controller::handle(const Intent& in)
{
    using K = Intent::Kind;
    if (in.kind == K::None) return;
    noteActivity();
    // The officer's screen belongs to a session; one that ended under it (end of day) sends it away.
    if (m_state.screen == ScreenId::Officer && !m_desk.sessionInForce()) return toAttract();
    // The speaker button: read the screen aloud. Only this asks for speech; a face, a reason or an answer
    // never does (speech.hpp).
    if (in.kind == K::Speak) {
        if (const std::optional<Speech> speech = speechFor(m_state); speech && m_say) m_say(*speech);
        return;
    }
    // A confirmation over the screen takes its answer and nothing else.
    if (m_state.confirm != Confirm::None) {
        if (const auto answer = in.as<ConfirmCommand>()) answerConfirm(*answer);
        return;
    }
    switch (m_state.screen) {
    case ScreenId::SignIn: return m_desk.handleSignIn(in);
    case ScreenId::Officer: return m_desk.handle(in);
    case ScreenId::Admin: return m_admin.handle(in);
    case ScreenId::Survey:
        if (in.kind == K::ToggleLanguage) return toggleLanguage();
        return m_survey.handle(in);
    case ScreenId::Attract:
    case ScreenId::FollowUp:
    case ScreenId::Comment:
    case ScreenId::Thanks:
    case ScreenId::Notice:
        if (in.kind == K::StartSurvey) return startSurvey();
        if (in.kind == K::Rate) return rate(in.score);
        if (in.kind == K::ToggleLanguage) return toggleLanguage();
        return m_citizen.handle(in);
    }
}

void Controller::answerConfirm(ConfirmCommand answer)
{
    const Confirm question = m_state.confirm;
    m_state.confirm = Confirm::None;
    viewChanged();
    if (answer != ConfirmCommand::Yes) return;
    switch (question) {
    case Confirm::QuitSurvey: toAttract(); break; // incomplete, kept
    case Confirm::SignOut: m_desk.signOut(); break;
    case Confirm::LeaveKiosk: m_admin.leaveKiosk(); break;
    case Confirm::None: break;
    }
}

void Controller::rate(int score)
{
    m_survey.abandon(); // a new citizen's tap: the questionnaire on screen is kept as incomplete
    m_citizen.rate(score, m_desk.duty());
    m_state.pendingRetries = m_writes.held();
}

void Controller::startSurvey()
{
    m_citizen.leave(); // a rating's follow-up on screen is left as it stands
    m_survey.start(m_desk.duty());
}

void Controller::toggleLanguage()
{
    m_state.lang = m_state.lang == config::Lang::Id ? config::Lang::En : config::Lang::Id;
    if (m_silence) m_silence(); // the other language's reading stops; the speaker button reads the new one
    m_citizen.languageChanged();
    m_desk.refreshServing(); // the open case's service, in the new language
    m_survey.languageChanged();
}

void Controller::pressFace(int score)
{
    if (m_state.screen == ScreenId::Survey) {
        noteActivity();
        if (m_state.confirm == Confirm::None) m_survey.key(score, m_gate.viewSerial());
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
            if (k.keypad && m_state.screen == ScreenId::SignIn) m_desk.keypadDigit();
            pressFace(k.digit);
            break;
        case KeyPress::Action::Officer: officerKey(); break;
        case KeyPress::Action::Admin: adminKey(); break;
        case KeyPress::Action::Survey: surveyKey(); break;
        case KeyPress::Action::Back: backKey(); break;
        }
    }
}

void Controller::surveyKey()
{
    if (m_state.screen != ScreenId::Attract && m_state.screen != ScreenId::Thanks) return;
    noteActivity();
    startSurvey();
}

void Controller::backKey()
{
    if (m_state.screen != ScreenId::Survey || m_state.confirm != Confirm::None) return;
    noteActivity();
    m_survey.back();
}

void Controller::attachOfficerDesk(roster::Authenticator& auth, roster::Duty& duty)
{
    m_desk.attach(auth, duty);
    m_admin.setDuty(&duty);
}

void Controller::officerKey()
{
    if (!m_desk.attached()) return;
    noteActivity();
    m_desk.officerKey();
}

void Controller::adminKey()
{
    if (!m_desk.attached()) return;
    noteActivity();
    m_desk.openTechnicianSignIn(true); // F12: the officer's side of the counter
}

bool Controller::drainBackground()
{
    bool changed = false;
    if (m_dutyFeed && m_dutyFeed()) {
        m_desk.refreshServing();
        if (m_state.screen == ScreenId::Attract) viewChanged(); // as at a hand-over: the view is the new case's
        changed = true;
    }
    if (m_admin.drainBackground()) {
        noteActivity();
        changed = true;
    }
    return changed;
}

// ---- Timers --------------------------------------------------------------------------------------

void Controller::refreshCountdown()
{
    int seconds = -1;
    if (m_state.screen == ScreenId::FollowUp || m_state.screen == ScreenId::Comment) {
        const int64_t deadline = screenDeadlineMs();
        if (deadline != kNever) seconds = static_cast<int>(std::max<int64_t>(0, (deadline - m_clock.monoMs() + 999) / 1000));
    }
    m_state.countdownSeconds = seconds;
}

bool Controller::tick()
{
    bool changed = m_writes.retryDue();
    m_state.pendingRetries = m_writes.held();
    const int64_t now = m_clock.monoMs();
    if (m_desk.tick()) changed = true;
    if (m_gestureStart && now >= gestureDueMs()) {
        openGesture();
        changed = true;
    }
    if (now >= screenDeadlineMs()) {
        toAttract();
        changed = true;
    }
    const int countdown = m_state.countdownSeconds;
    refreshCountdown();
    if (countdown != m_state.countdownSeconds) changed = true;
    if (m_desk.refreshLockMessage()) changed = true;
    if (m_state.screen == ScreenId::Attract && refreshPublishedIkm()) changed = true;
    return changed;
}

int64_t Controller::screenDeadlineMs() const
{
    int64_t idle = kNever;
    // The officer's screens close by themselves too: nobody should find them open at the counter.
    // (Not while "sync now" runs: its result is what the technician is waiting to read.)
    if (!isCitizenScreen(m_state.screen)) return m_admin.syncRunning() ? kNever : std::min(m_screenDeadline, m_lastActivity + 2 * m_settings.idleMs);
    const bool foreignAttract = m_state.screen == ScreenId::Attract && m_state.lang != config::Lang::Id;
    if (foreignAttract) idle = m_lastActivity + m_settings.idleMs;
    // The follow-up and the keyboard return soon, so the next citizen does not answer this one's
    // question; a survey question takes longer to read, then the response is kept as incomplete.
    if (m_state.screen == ScreenId::FollowUp || m_state.screen == ScreenId::Comment) idle = m_lastActivity + m_settings.followupIdleMs;
    if (m_state.screen == ScreenId::Survey) idle = m_lastActivity + m_settings.surveyIdleMs;
    return std::min(m_screenDeadline, idle);
}

int64_t Controller::nextDeadlineMs() const
{
    int64_t next = std::min({screenDeadlineMs(), m_writes.nextRetryMs(), m_desk.nextDeadlineMs()});
    if (m_gestureStart) next = std::min(next, gestureDueMs()); // wake while the press is held
    const int64_t now = m_clock.monoMs();
    // A countdown on screen changes each second: wake when its figure does.
    if (m_state.countdownSeconds > 0) {
        const int64_t deadline = screenDeadlineMs();
        next = std::min(next, deadline - 1000 * ((deadline - now - 1) / 1000));
    }
    return next;
}

} // namespace skm::ui
