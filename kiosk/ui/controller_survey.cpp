// The SKM questionnaire on the kiosk (issue 6): opted into from the attract or thanks screen ("Isi
// survei lengkap", key S); the service received (unless an officer's case is open, which gives it),
// the nine unsur one per screen, then the respondent profile; a closing thank-you. Every answer is
// committed as it is given; an idle timeout, "finish later" or a new citizen's tap leaves the response
// incomplete, kept and uploaded like everything else.

#include "controller.hpp"

#include <kiosk/roster/roster_store.hpp>
#include <kiosk/store/survey_store.hpp>

#include <spdlog/spdlog.h>

namespace skm::ui {

void Controller::surveyKey()
{
    if (m_state.screen == ScreenId::Attract || m_state.screen == ScreenId::Thanks) {
        noteActivity();
        startSurvey();
    }
}

void Controller::backKey()
{
    if (m_state.screen != ScreenId::Survey || !m_state.confirm.empty()) return;
    noteActivity();
    surveyBack();
}

void Controller::startSurvey()
{
    if (m_current) saveDraft(); // a rating's follow-up on screen is left as it stands
    m_current.reset();
    if (m_survey) endSurvey("incomplete"); // (one left open cannot be: but never two in progress)
    SurveyRun run;
    run.def = m_surveySource ? m_surveySource->current() : config::defaultSurvey();
    if (m_surveySource && !m_surveySource->error().empty()) spdlog::error("survey definition refused, the previous one stays: {}", m_surveySource->error());

    store::SurveyStart start;
    start.surveyVersion = run.def.version;
    start.language = config::langCode(m_state.lang);
    if (m_duty && m_duty->openCase() && m_duty->session()) {
        // The officer's open case: its officer, case and service are the response's.
        start.officerNip = m_duty->session()->officer.nip;
        start.caseId = m_duty->openCase()->id;
        start.serviceCode = m_duty->openCase()->serviceCode;
    } else {
        try {
            if (const auto r = roster::readRoster(m_store.database())) {
                for (const auto& svc : r->services) run.services.push_back({svc.code, svc.code});
            }
        } catch (const std::exception& e) {
            spdlog::warn("cannot read the service catalogue for the survey: {}", e.what());
        }
        if (!run.services.empty()) run.steps.push_back({SurveyStep::Kind::Service, 0});
    }
    for (size_t i = 0; i < run.def.unsur.size(); ++i) run.steps.push_back({SurveyStep::Kind::Unsur, i});
    for (size_t i = 0; i < run.def.profile.size(); ++i) run.steps.push_back({SurveyStep::Kind::Profile, i});

    const store::CommitResult r = store::beginSurvey(m_store, start, run.id);
    if (!r.ok) {
        spdlog::error("survey not started: {}", r.error);
        m_state.noticeDiskFull = r.diskFull;
        show(ScreenId::Notice);
        return;
    }
    spdlog::info("survey {} started ({} questions)", run.id, run.steps.size());
    m_survey = std::move(run);
    refreshSurvey();
    show(ScreenId::Survey);
}

void Controller::refreshSurvey()
{
    if (!m_survey) return;
    SurveyRun& run = *m_survey;
    Snapshot::SurveyView v;
    const config::Lang lang = m_state.lang;
    const SurveyStep& step = run.steps[run.at];
    v.step = static_cast<int>(run.at);
    v.steps = static_cast<int>(run.steps.size());
    v.canBack = run.at > 0;
    std::string item;
    switch (step.kind) {
    case SurveyStep::Kind::Service: {
        item = "service";
        v.section = m_state.t("survey.service_of");
        v.sectionShort = v.section;
        v.question = m_state.t("survey.service");
        std::map<std::string, std::string> names;
        try {
            if (const auto r = roster::readRoster(m_store.database())) {
                for (const auto& svc : r->services) names[svc.code] = lang == config::Lang::En ? svc.nameEn : svc.nameId;
            }
        } catch (const std::exception&) {
        }
        for (const auto& svc : run.services) v.options.push_back({svc.code, names.count(svc.code) ? names[svc.code] : svc.code});
        break;
    }
    case SurveyStep::Kind::Unsur: {
        const config::SurveyUnsur& u = run.def.unsur[step.index];
        item = u.code;
        v.section = m_state.catalog->format(lang, "survey.question_of",
                                            {{"n", std::to_string(step.index + 1)}, {"total", std::to_string(run.def.unsur.size())}, {"name", u.name.in(lang)}});
        v.sectionShort = m_state.catalog->format(lang, "survey.question_of_short",
                                                 {{"n", std::to_string(step.index + 1)}, {"total", std::to_string(run.def.unsur.size())}, {"name", u.name.in(lang)}});
        v.question = u.question.in(lang);
        // In the faces' direction: the best answer (4) first, on the left (docs/survey.md).
        for (size_t k = 4; k-- > 0;) v.options.push_back({std::to_string(k + 1), u.answers[k].in(lang)});
        v.scale = true;
        break;
    }
    case SurveyStep::Kind::Profile: {
        const config::SurveyProfileItem& p = run.def.profile[step.index];
        item = p.code;
        v.section = m_state.catalog->format(lang, "survey.profile_of",
                                            {{"n", std::to_string(step.index + 1)}, {"total", std::to_string(run.def.profile.size())}});
        v.sectionShort = v.section;
        v.question = p.question.in(lang);
        for (const auto& o : p.options) v.options.push_back({o.code, o.label.in(lang)});
        v.canSkip = true;
        break;
    }
    }
    if (const auto it = run.answers.find(item); it != run.answers.end()) v.selected = it->second;
    m_state.survey = std::move(v);
}

void Controller::handleSurvey(const Intent& in)
{
    using K = Intent::Kind;
    switch (in.kind) {
    case K::Answer: surveyAnswer(in.text); break;
    case K::Back: surveyBack(); break;
    case K::Skip: surveySkip(); break;
    case K::Quit: // "stop here?": the answers given stay either way
        m_state.confirm = "survey.quit";
        viewChanged();
        break;
    case K::Command:
        if (in.text == "survey.more" && m_state.confirm.empty()) {
            ++m_state.survey.page; // the screen wraps it to the pages it has
            viewChanged();
            break;
        }
        if (m_state.confirm.empty()) break;
        if (in.text == "confirm.yes") {
            returnToAttract(); // incomplete, kept
        } else if (in.text == "confirm.no") {
            m_state.confirm.clear();
            viewChanged();
        }
        break;
    case K::ToggleLanguage: toggleLanguage(); break;
    default: break;
    }
}

void Controller::surveyAnswer(const std::string& code)
{
    if (!m_survey) return;
    SurveyRun& run = *m_survey;
    const SurveyStep& step = run.steps[run.at];
    std::string item;
    store::CommitResult r;
    switch (step.kind) {
    case SurveyStep::Kind::Service:
        item = "service";
        r = store::setSurveyService(m_store, run.id, code);
        break;
    case SurveyStep::Kind::Unsur:
        item = run.def.unsur[step.index].code;
        if (code.size() != 1 || code[0] < '1' || code[0] > '4') return;
        r = store::answerSurvey(m_store, run.id, item, code);
        break;
    case SurveyStep::Kind::Profile: {
        const config::SurveyProfileItem& p = run.def.profile[step.index];
        item = p.code;
        const bool known = std::any_of(p.options.begin(), p.options.end(), [&](const config::SurveyOption& o) { return o.code == code; });
        if (!known) return;
        r = store::answerSurvey(m_store, run.id, item, code);
        break;
    }
    }
    if (!r.ok) {
        // Nothing half-written: the answers before this one are on disk; the response ends here.
        spdlog::error("survey answer not saved: {}", r.error);
        endSurvey("incomplete");
        m_state.noticeDiskFull = r.diskFull;
        show(ScreenId::Notice);
        return;
    }
    run.answers[item] = code;
    surveyNext();
}

void Controller::surveyNext()
{
    if (!m_survey) return;
    if (m_survey->at + 1 < m_survey->steps.size()) {
        ++m_survey->at;
        refreshSurvey();
        viewChanged(); // the next question's answers lie where this one's were
        return;
    }
    endSurvey("complete");
    m_state.thanksForSurvey = true;
    m_state.surveyOffered = false; // no second questionnaire offered to the same citizen
    show(ScreenId::Thanks);
}

void Controller::surveyBack()
{
    if (!m_survey || m_survey->at == 0) return;
    --m_survey->at;
    refreshSurvey();
    viewChanged();
}

void Controller::surveySkip()
{
    if (!m_survey) return;
    SurveyRun& run = *m_survey;
    const SurveyStep& step = run.steps[run.at];
    if (step.kind != SurveyStep::Kind::Profile) return; // the unsur are answered or the response stays incomplete
    const std::string item = run.def.profile[step.index].code;
    if (run.answers.count(item)) {
        if (store::clearSurveyAnswer(m_store, run.id, item).ok) run.answers.erase(item);
    }
    surveyNext();
}

void Controller::endSurvey(const char* status)
{
    if (!m_survey) return;
    // Complete means every unsur answered; a response left before that is incomplete.
    size_t unsurAnswered = 0;
    for (const auto& u : m_survey->def.unsur) unsurAnswered += m_survey->answers.count(u.code);
    const std::string final = std::string(status) == "complete" && unsurAnswered == m_survey->def.unsur.size() ? "complete" : "incomplete";
    const store::CommitResult r = store::finishSurvey(m_store, m_survey->id, final);
    if (!r.ok) spdlog::error("survey {} not closed ({}); it will be closed as incomplete at the next start", m_survey->id, r.error);
    spdlog::info("survey {} {} ({} of {} unsur answered)", m_survey->id, final, unsurAnswered, m_survey->def.unsur.size());
    m_survey.reset();
}

} // namespace skm::ui
