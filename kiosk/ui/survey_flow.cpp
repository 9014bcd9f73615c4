#include "survey_flow.hpp"

#include <kiosk/roster/roster_store.hpp>
#include <kiosk/store/survey_store.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace skm::ui {

namespace {
size_t utf8Length(const std::string& s)
{
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}
} // namespace

SurveyFlow::SurveyFlow(FlowContext ctx, SurveyView& view) : m_ctx(ctx), m_view(view)
{
    // A questionnaire a previous run left open (power cut, restart) is closed as incomplete.
    if (const int stale = store::closeStaleSurveys(m_ctx.store); stale > 0) spdlog::info("{} survey response(s) left open closed as incomplete", stale);
}

void SurveyFlow::start(const roster::Duty* duty)
{
    end("incomplete"); // (one left open cannot be: but never two in progress)
    Run run;
    run.def = m_source ? m_source->current() : config::defaultSurvey();
    if (m_source && !m_source->error().empty()) spdlog::error("survey definition refused, the previous one stays: {}", m_source->error());

    store::SurveyStart start;
    start.surveyVersion = run.def.version;
    start.language = config::langCode(m_ctx.shared.lang);
    if (duty && duty->openCase() && duty->session()) {
        // The officer's open case: its officer, case and service are the response's.
        start.officerNip = duty->session()->officer.nip;
        start.caseId = duty->openCase()->id;
        start.serviceCode = duty->openCase()->serviceCode;
    } else {
        try {
            if (const auto r = roster::readRoster(m_ctx.store.database())) {
                for (const auto& svc : r->services) run.services.push_back(svc.code);
            }
        } catch (const std::exception& e) {
            spdlog::warn("cannot read the service catalogue for the survey: {}", e.what());
        }
        if (!run.services.empty()) run.steps.push_back({Step::Kind::Service, 0});
    }
    for (size_t i = 0; i < run.def.unsur.size(); ++i) run.steps.push_back({Step::Kind::Unsur, i});
    for (size_t i = 0; i < run.def.profile.size(); ++i) run.steps.push_back({Step::Kind::Profile, i});
    if (run.def.saran) run.steps.push_back({Step::Kind::Saran, 0});

    const store::CommitResult r = store::beginSurvey(m_ctx.store, start, run.id);
    if (!r.ok) {
        spdlog::error("survey not started: {}", r.error);
        return m_ctx.router.notice(r.diskFull);
    }
    spdlog::info("survey {} started ({} questions)", run.id, run.steps.size());
    m_run = std::move(run);
    refresh();
    m_ctx.router.show(ScreenId::Survey);
}

void SurveyFlow::refresh()
{
    if (!m_run) return;
    Run& run = *m_run;
    const Snapshot& s = m_ctx.shared;
    SurveyView v;
    const config::Lang lang = s.lang;
    const Step& step = run.steps[run.at];
    v.step = static_cast<int>(run.at);
    v.steps = static_cast<int>(run.steps.size());
    v.canBack = run.at > 0;
    std::string item;
    switch (step.kind) {
    case Step::Kind::Service: {
        item = "service";
        v.section = s.t("survey.service_of");
        v.sectionShort = v.section;
        v.question = s.t("survey.service");
        std::map<std::string, std::string> names;
        try {
            if (const auto r = roster::readRoster(m_ctx.store.database())) {
                for (const auto& svc : r->services) names[svc.code] = lang == config::Lang::En ? svc.nameEn : svc.nameId;
            }
        } catch (const std::exception&) {
        }
        for (const std::string& code : run.services) v.options.push_back({code, names.count(code) ? names[code] : code});
        break;
    }
    case Step::Kind::Unsur: {
        const config::SurveyUnsur& u = run.def.unsur[step.index];
        item = u.code;
        const std::string n = std::to_string(step.index + 1), total = std::to_string(run.def.unsur.size()), name = u.name.in(lang);
        v.section = s.catalog->format(lang, "survey.question_of", {{"n", n}, {"total", total}, {"name", name}});
        v.sectionShort = s.catalog->format(lang, "survey.question_of_short", {{"n", n}, {"total", total}, {"name", name}});
        v.question = u.question.in(lang);
        // In the faces' direction: the best answer (4) first, on the left (docs/survey.md).
        for (size_t k = 4; k-- > 0;) v.options.push_back({std::to_string(k + 1), u.answers[k].in(lang)});
        v.scale = true;
        break;
    }
    case Step::Kind::Profile: {
        const config::SurveyProfileItem& p = run.def.profile[step.index];
        item = p.code;
        v.section = s.catalog->format(lang, "survey.profile_of", {{"n", std::to_string(step.index + 1)}, {"total", std::to_string(run.def.profile.size())}});
        v.sectionShort = v.section;
        v.question = p.question.in(lang);
        for (const auto& o : p.options) v.options.push_back({o.code, o.label.in(lang)});
        v.canSkip = true;
        break;
    }
    case Step::Kind::Saran:
        item = "saran";
        v.section = v.sectionShort = run.def.saran->question.in(lang);
        v.question = run.def.saran->question.in(lang);
        v.hint = run.def.saran->hint.in(lang);
        v.saran = true;
        v.canSkip = true;
        v.text = run.saran;
        v.textChars = utf8Length(run.saran);
        v.textMax = run.def.saran->maxChars;
        v.keyboardDigits = run.digits;
        break;
    }
    if (const auto it = run.answers.find(item); it != run.answers.end()) v.selected = it->second;
    m_view = std::move(v);
}

void SurveyFlow::handle(const Intent& in)
{
    using K = Intent::Kind;
    if (m_run && m_run->steps[m_run->at].kind == Step::Kind::Saran) {
        switch (in.kind) {
        case K::Type:
        case K::Backspace:
        case K::ToggleKeyboardLayer: return saranKey(in);
        case K::Send: return sendSaran();
        default: break;
        }
    }
    switch (in.kind) {
    case K::Answer: answer(in.text); break;
    case K::Back: back(); break;
    case K::Skip: skip(); break;
    case K::Quit: m_ctx.router.ask(Confirm::QuitSurvey); break; // "stop here?": the answers given stay either way
    case K::Command:
        if (in.as<SurveyCommand>() == SurveyCommand::MoreAnswers) {
            ++m_view.page; // the screen wraps it to the pages it has
            m_ctx.router.viewChanged();
        }
        break;
    default: break;
    }
}

void SurveyFlow::key(int digit, uint64_t view)
{
    // The same key again right after it answered (a held or mashed key) does not answer the next
    // question; another key does (a typist copying a paper form).
    const int64_t now = m_ctx.clock.monoMs();
    const LastKey last = m_lastKey;
    if (last.digit == digit && view == last.view + 1 && now - last.atMs < m_ctx.settings.touchGuardMs) {
        m_lastKey.atMs = now; // a burst: the guard runs from its last key
        spdlog::debug("key {} repeated on the next survey question: ignored", digit);
        return;
    }
    m_lastKey = {digit, view, now};
    const auto& options = m_view.options;
    // An unsur: key k is value k, as on the faces (4 Sangat Baik .. 1 Tidak Baik); other questions:
    // the k-th option shown.
    if (m_view.scale && digit >= 1 && digit <= 4) answer(std::to_string(digit));
    else if (!m_view.scale && digit >= 1 && static_cast<size_t>(digit) <= options.size()) answer(options[static_cast<size_t>(digit) - 1].code);
}

void SurveyFlow::answer(const std::string& code)
{
    if (!m_run) return;
    Run& run = *m_run;
    const Step& step = run.steps[run.at];
    std::string item;
    store::CommitResult r;
    switch (step.kind) {
    case Step::Kind::Service:
        item = "service";
        r = store::setSurveyService(m_ctx.store, run.id, code);
        break;
    case Step::Kind::Unsur:
        item = run.def.unsur[step.index].code;
        if (code.size() != 1 || code[0] < '1' || code[0] > '4') return;
        r = store::answerSurvey(m_ctx.store, run.id, item, code);
        break;
    case Step::Kind::Profile: {
        const config::SurveyProfileItem& p = run.def.profile[step.index];
        item = p.code;
        const bool known = std::any_of(p.options.begin(), p.options.end(), [&](const config::SurveyOption& o) { return o.code == code; });
        if (!known) return;
        r = store::answerSurvey(m_ctx.store, run.id, item, code);
        break;
    }
    case Step::Kind::Saran: return; // typed and sent, not chosen
    }
    if (!r.ok) {
        // Nothing half-written: the answers before this one are on disk; the response ends here.
        spdlog::error("survey answer not saved: {}", r.error);
        end("incomplete");
        return m_ctx.router.notice(r.diskFull);
    }
    run.answers[item] = code;
    next();
}

void SurveyFlow::next()
{
    if (!m_run) return;
    if (m_run->at + 1 < m_run->steps.size()) {
        ++m_run->at;
        refresh();
        m_ctx.router.viewChanged(); // the next question's answers lie where this one's were
        return;
    }
    end("complete");
    m_ctx.router.surveyCompleted();
}

void SurveyFlow::back()
{
    if (!m_run || m_run->at == 0) return;
    --m_run->at;
    refresh();
    m_ctx.router.viewChanged();
}

void SurveyFlow::saranKey(const Intent& in)
{
    Run& run = *m_run;
    const size_t max = static_cast<size_t>(run.def.saran->maxChars);
    switch (in.kind) {
    case Intent::Kind::Type:
        if (utf8Length(run.saran) + utf8Length(in.text) > max) return;
        run.saran += in.text;
        break;
    case Intent::Kind::Backspace:
        if (run.saran.empty()) return;
        // One character: its continuation bytes, then its first byte.
        while (!run.saran.empty() && (static_cast<unsigned char>(run.saran.back()) & 0xC0) == 0x80) run.saran.pop_back();
        if (!run.saran.empty()) run.saran.pop_back();
        break;
    case Intent::Kind::ToggleKeyboardLayer: run.digits = !run.digits; break;
    default: return;
    }
    refresh();
}

void SurveyFlow::sendSaran()
{
    Run& run = *m_run;
    // Blank is no suggestion; what is sent is stored as typed, trimmed of spaces at either end.
    const size_t first = run.saran.find_first_not_of(' ');
    if (first == std::string::npos) return skip();
    const std::string text = run.saran.substr(first, run.saran.find_last_not_of(' ') - first + 1);
    const store::CommitResult r = store::answerSurvey(m_ctx.store, run.id, "saran", text);
    if (!r.ok) {
        spdlog::error("survey saran not saved: {}", r.error);
        end("complete"); // every unsur is answered: the response counts, without its saran
        return m_ctx.router.notice(r.diskFull);
    }
    run.answers["saran"] = text;
    next();
}

void SurveyFlow::skip()
{
    if (!m_run) return;
    Run& run = *m_run;
    const Step& step = run.steps[run.at];
    if (step.kind == Step::Kind::Saran) {
        if (run.answers.count("saran") && store::clearSurveyAnswer(m_ctx.store, run.id, "saran").ok) run.answers.erase("saran");
        return next();
    }
    if (step.kind != Step::Kind::Profile) return; // the unsur are answered or the response stays incomplete
    const std::string item = run.def.profile[step.index].code;
    if (run.answers.count(item)) {
        if (store::clearSurveyAnswer(m_ctx.store, run.id, item).ok) run.answers.erase(item);
    }
    next();
}

void SurveyFlow::languageChanged()
{
    if (!m_run) return;
    (void)store::setSurveyLanguage(m_ctx.store, m_run->id, config::langCode(m_ctx.shared.lang));
    refresh();
}

void SurveyFlow::end(const char* status)
{
    if (!m_run) return;
    // Complete means every unsur answered; a response left before that is incomplete.
    size_t unsurAnswered = 0;
    for (const auto& u : m_run->def.unsur) unsurAnswered += m_run->answers.count(u.code);
    const std::string final = std::string(status) == "complete" && unsurAnswered == m_run->def.unsur.size() ? "complete" : "incomplete";
    const store::CommitResult r = store::finishSurvey(m_ctx.store, m_run->id, final);
    if (!r.ok) spdlog::error("survey {} not closed ({}); it will be closed as incomplete at the next start", m_run->id, r.error);
    spdlog::info("survey {} {} ({} of {} unsur answered)", m_run->id, final, unsurAnswered, m_run->def.unsur.size());
    m_run.reset();
}

} // namespace skm::ui
