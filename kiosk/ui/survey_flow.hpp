#pragma once
// The SKM questionnaire on the kiosk (issue 6): opted into from the attract or thanks screen ("Isi
// survei lengkap", key S); the service received (unless an officer's case is open, which gives it),
// the nine unsur one per screen, then the respondent profile, then the saran (free text on the
// on-screen keyboard, optional, stored when sent); a closing thank-you. Every answer is
// committed as it is given; an idle timeout, "finish later" or a new citizen's tap leaves the response
// incomplete, kept and uploaded like everything else. Its slice is SurveyView.

#include "flow.hpp"

#include <core/survey.hpp>
#include <kiosk/roster/duty.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skm::ui {

class SurveyFlow {
public:
    SurveyFlow(FlowContext ctx, SurveyView& view);

    // The definition in force (must outlive the flow); without it the built-in one is used.
    void setSource(config::SurveySource* source) { m_source = source; }
    // A new response: its officer, case and service from `duty`'s open case, if any. Shows the first
    // question, or the notice when the store refuses it.
    void start(const roster::Duty* duty);
    // Answer, Back, Skip, Quit (asks to confirm) and SurveyCommand::MoreAnswers.
    void handle(const Intent& in);
    // Key k on a question: an unsur's value k (as on the faces), else the k-th answer shown. The same
    // key again right after it answered (within the touch guard of the question it answered, `view`
    // being the touch gate's view serial) is a held or mashed key and does nothing.
    void key(int digit, uint64_t view);
    // Backspace: the previous question.
    void back();
    // The response being answered, if any, is closed as incomplete (kept and uploaded).
    void abandon() { end("incomplete"); }
    // The question in the language now shown; the response's language follows.
    void languageChanged();
    [[nodiscard]] bool open() const noexcept { return m_run.has_value(); }

private:
    struct Step {
        enum class Kind { Service, Unsur, Profile, Saran } kind;
        size_t index = 0; // unsur 0..8, or the profile question
    };
    struct Run {
        std::string id;
        config::SurveyDefinition def;
        std::vector<Step> steps;
        std::vector<std::string> services; // the Service step's choices: codes, named at each refresh
        size_t at = 0;
        std::map<std::string, std::string> answers; // item -> value, as committed
        std::string saran;                          // as typed, not yet sent
        bool digits = false;                        // the keyboard's digits layer
    };

    void answer(const std::string& code);
    void next(); // the next question, or the closing thanks after the last
    void skip();
    void saranKey(const Intent& in); // Type, Backspace, ToggleKeyboardLayer on the saran step
    void sendSaran();
    void end(const char* status); // complete or incomplete; the survey screen is left by the caller
    void refresh();

    FlowContext m_ctx;
    SurveyView& m_view;
    config::SurveySource* m_source = nullptr;
    std::optional<Run> m_run;
    struct LastKey {
        int digit = 0;
        uint64_t view = 0;
        int64_t atMs = 0;
    } m_lastKey;
};

} // namespace skm::ui
