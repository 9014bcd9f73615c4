#include "speech.hpp"

#include "faces.hpp"

namespace skm::ui {

namespace {

// `line` as a sentence of its own: the synthesizer pauses after it ("Sangat Baik" -> "Sangat Baik.").
void sentence(std::string& out, const std::string& line)
{
    if (line.empty()) return;
    if (!out.empty()) out += ' ';
    out += line;
    const char last = line.back();
    if (last != '.' && last != '?' && last != '!' && last != ':') out += '.';
}

} // namespace

std::string attractQuestion(const Snapshot& s)
{
    if (s.desk.serving.mode == DeskView::Serving::Mode::Case) {
        return s.catalog->format(s.lang, "attract.question_officer", {{"name", s.desk.serving.officerName}});
    }
    return s.t("attract.question");
}

std::optional<Speech> speechFor(const Snapshot& s)
{
    if (s.confirm != Confirm::None) return std::nullopt;
    std::string text;
    switch (s.screen) {
    case ScreenId::Attract:
        // The question and the four faces, in the order drawn (Sangat Baik .. Tidak Baik).
        sentence(text, attractQuestion(s));
        sentence(text, s.t("voice.answers"));
        for (int score = 4; score >= 1; --score) sentence(text, s.t(faceKey(score)));
        break;
    case ScreenId::FollowUp:
        // The same words after every face: the reason chips (one list after a low score, another after
        // a high one) are never read.
        sentence(text, s.t("followup.saved"));
        sentence(text, s.t("followup.question"));
        sentence(text, s.t("voice.followup_hint"));
        break;
    case ScreenId::Survey:
        if (s.survey.saran) return std::nullopt;
        // The question and all its answers in the order shown; not which one is marked.
        sentence(text, s.survey.question);
        sentence(text, s.t("voice.answers"));
        for (const ReasonChip& o : s.survey.options) sentence(text, o.label);
        break;
    default: return std::nullopt;
    }
    return Speech{text, s.lang};
}

} // namespace skm::ui
