#include "citizen_flow.hpp"

#include <core/complaint_ref.hpp>
#include <kiosk/roster/roster_store.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace skm::ui {

namespace {
size_t utf8Length(const std::string& s)
{
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
} // namespace

CitizenFlow::CitizenFlow(FlowContext ctx, CitizenView& view, WriteQueue& writes) : m_ctx(ctx), m_view(view), m_writes(writes)
{
    m_view.commentMax = m_ctx.settings.commentMax;
}

void CitizenFlow::rate(int score, roster::Duty* duty)
{
    m_view.thanksForSurvey = false;
    // A new rating ends whatever flow was on screen; what the previous citizen typed is kept.
    leave();
    m_view.keyboardDigits = false;

    const int64_t now = m_ctx.clock.monoMs();
    store::PendingRating pending = m_ctx.store.stamp(score);
    // HappyOrNot's "response interval": a press too soon after the previous one is kept, but marked,
    // so that scores can leave it out. Nothing is dropped.
    pending.suppressed = m_ctx.settings.responseIntervalMs > 0 && m_lastPress && now - *m_lastPress < m_ctx.settings.responseIntervalMs;
    pending.language = config::langCode(m_ctx.shared.lang);
    m_lastPress = now;
    if (duty) duty->attribute(pending); // the open case's officer, case and service; else counter-level

    const store::CommitResult result = m_writes.write(pending);
    if (!result.ok) return m_ctx.router.notice(result.diskFull);
    // One line per rating: the journal shows what was on disk when (the torture test reads it after SIGKILL).
    spdlog::info("rating {} stored: score {}{}{}", pending.id, score, pending.suppressed ? ", suppressed" : "",
                 pending.caseId ? ", case " + *pending.caseId : std::string());
    if (duty) {
        duty->ratingCommitted(pending); // one rating per case: the next tap is counter-level
        m_ctx.router.servingChanged();
    }
    // "Terima kasih" (or the follow-up) only after the commit returned: the rating is on disk. A
    // suppressed press gets no link of its own: it is not a citizen's answer.
    if (pending.suppressed) {
        m_lastRated.reset();
        return finish();
    }
    m_lastRated = PhoneLinkFor{pending.id, pending.caseId, pending.officerNip, pending.serviceCode};
    m_current = Current{pending.id, score};
    refreshReasons();
    m_ctx.router.show(ScreenId::FollowUp);
}

void CitizenFlow::burstPress(int score)
{
    // Counted like a repeated key press (stored, marked suppressed, left out of every score) but it
    // changes nothing on screen and is never tied to an officer's case.
    store::PendingRating pending = m_ctx.store.stamp(score);
    pending.suppressed = true;
    pending.language = config::langCode(m_ctx.shared.lang);
    m_lastPress = m_ctx.clock.monoMs();
    if (m_writes.write(pending).ok) spdlog::info("rating {} stored: score {}, suppressed (a burst of presses)", pending.id, score);
}

void CitizenFlow::handle(const Intent& in)
{
    using K = Intent::Kind;
    const ScreenId screen = m_ctx.shared.screen;
    switch (in.kind) {
    case K::Reason:
        if (screen == ScreenId::FollowUp) chooseReason(in.text);
        break;
    case K::Done:
        if (screen == ScreenId::FollowUp) finish(); // the rating is saved: nothing more to ask
        break;
    case K::Skip:
        if (screen == ScreenId::FollowUp) {
            m_ctx.router.show(ScreenId::Comment);
        } else if (screen == ScreenId::Comment) {
            clearDraft(); // skip means: no comment, even if something was typed
            finish();
        }
        break;
    case K::Type: type(in.text); break;
    case K::Backspace: backspace(); break;
    case K::Send:
        if (screen != ScreenId::Comment) break;
        saveDraft();
        finish();
        break;
    case K::ToggleKeyboardLayer: m_view.keyboardDigits = !m_view.keyboardDigits; break;
    default: break;
    }
}

void CitizenFlow::refreshReasons()
{
    m_view.reasons.clear();
    m_complaintCodes.clear();
    if (!m_current) return;
    const bool low = m_current->score <= 2;
    // The roster's lists (imported, or delivered by the central office) replace the configuration's.
    std::vector<config::Reason> fromRoster;
    try {
        fromRoster = roster::rosterReasons(m_ctx.store.database(), low ? "low" : "high");
    } catch (const std::exception& e) {
        spdlog::warn("cannot read the roster's reasons, using the configuration's: {}", e.what());
    }
    const auto& list = !fromRoster.empty() ? fromRoster : (low ? m_ctx.settings.reasonsLow : m_ctx.settings.reasonsHigh);
    const bool en = m_ctx.shared.lang == config::Lang::En;
    for (const config::Reason& r : list) {
        m_view.reasons.push_back({r.code, en ? r.labelEn : r.labelId});
        // A complaint only after a low score, whatever a high list says.
        if (low && r.complaint) m_complaintCodes.push_back(r.code);
    }
}

void CitizenFlow::chooseReason(const std::string& code)
{
    if (!m_current) return;
    const auto known = std::find_if(m_view.reasons.begin(), m_view.reasons.end(), [&](const ReasonChip& c) { return c.code == code; });
    if (known == m_view.reasons.end()) return;
    store::RatingUpdate u{m_current->id, store::RatingUpdate::Field::Reasons, nlohmann::json::array({code}).dump(), config::langCode(m_ctx.shared.lang)};
    (void)m_writes.write(u); // a failure is queued and retried; the citizen goes on either way
    m_complaint = std::find(m_complaintCodes.begin(), m_complaintCodes.end(), code) != m_complaintCodes.end();
    m_ctx.router.show(ScreenId::Comment);
}

void CitizenFlow::type(const std::string& chars)
{
    if (m_ctx.shared.screen != ScreenId::Comment) return;
    if (m_view.commentChars + utf8Length(chars) > static_cast<size_t>(m_ctx.settings.commentMax)) return;
    m_view.comment += chars;
    m_view.commentChars = utf8Length(m_view.comment);
}

void CitizenFlow::backspace()
{
    std::string& c = m_view.comment;
    if (m_ctx.shared.screen != ScreenId::Comment || c.empty()) return;
    size_t cut = c.size() - 1;
    while (cut > 0 && (static_cast<unsigned char>(c[cut]) & 0xC0) == 0x80) --cut; // whole UTF-8 character
    c.erase(cut);
    m_view.commentChars = utf8Length(c);
}

void CitizenFlow::saveDraft()
{
    if (!m_current || m_view.comment.find_first_not_of(' ') == std::string::npos) return;
    store::RatingUpdate u{m_current->id, store::RatingUpdate::Field::Comment, m_view.comment, config::langCode(m_ctx.shared.lang)};
    (void)m_writes.write(u);
}

void CitizenFlow::clearDraft()
{
    m_view.comment.clear();
    m_view.commentChars = 0;
}

void CitizenFlow::leave()
{
    saveDraft(); // a citizen who walks away or is interrupted loses nothing typed
    m_current.reset();
    m_complaint = false;
    clearDraft();
}

void CitizenFlow::reset()
{
    leave();
    m_lastRated.reset();
    m_view.surveyOffered = true;
    m_view.thanksForSurvey = false;
    m_view.keyboardDigits = false;
    m_view.reasons.clear();
    clearComplaint();
}

void CitizenFlow::finish()
{
    m_view.thanksForSurvey = false;
    m_view.surveyOffered = true;
    m_view.phoneUrl = m_lastRated && m_phoneLink ? m_phoneLink(*m_lastRated) : std::string();
    clearComplaint();
    if (m_complaint && m_current && !m_ctx.settings.laporUrl.empty()) {
        // The complaint channel takes the place of the questionnaire's code: one code to scan, and
        // the reference ties the complaint to this rating at the central office.
        m_view.complaintUrl = m_ctx.settings.laporUrl;
        m_view.complaintRef = complaint::referenceFor(m_current->id);
        m_view.phoneUrl.clear();
        spdlog::info("rating {}: complaint hand-off shown, reference {}", m_current->id, m_view.complaintRef);
    }
    m_complaint = false;
    m_lastRated.reset();
    m_current.reset();
    clearDraft();
    m_ctx.router.show(ScreenId::Thanks);
}

void CitizenFlow::clearComplaint()
{
    m_view.complaintUrl.clear();
    m_view.complaintRef.clear();
}

void CitizenFlow::thankForSurvey()
{
    clearComplaint();
    m_view.thanksForSurvey = true;
    m_view.phoneUrl.clear(); // the questionnaire is answered already
    m_view.surveyOffered = false; // no second questionnaire offered to the same citizen
    m_ctx.router.show(ScreenId::Thanks);
}

} // namespace skm::ui
