// The attract screen: the question and the four faces. A tap on a face is the rating.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../faces.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

#include <string>

namespace skm::ui {

namespace {

class AttractScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const std::string& question = s.t("attract.question");
        const AttractLayout L = layoutAttract(display, t, question.c_str());
        beginFullscreen("##attract");
        Intent intent = drawHeader(s, t);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        drawCenteredWrapped(dl, t.question, question.c_str(), display.x * 0.5f, L.questionTop, L.questionWrap, t.text);

        for (int score = 4; score >= 1; --score) {
            bool held = false;
            if (touchArea("face." + std::to_string(score), L.target[score - 1], &held)) intent = Intent::rate(score);
            drawFace(dl, L.faceCenter[score - 1], L.faceRadius, score, held);
            const std::string& label = s.t("face." + std::to_string(score));
            const ImVec2 lw = t.label->CalcTextSizeA(t.label->FontSize, FLT_MAX, 0, label.c_str());
            const ImVec2 lc = L.labelCenter[score - 1];
            dl->AddText(t.label, t.label->FontSize, ImVec2(lc.x - lw.x * 0.5f, lc.y - lw.y * 0.5f), t.text, label.c_str());
        }

        if (s.surveyOffered && touchButton("survey.start", surveyButtonRect(display, t), s.t("survey.start").c_str(), t.body, secondaryButton(t))) {
            intent = Intent::of(Intent::Kind::StartSurvey);
        }
        const float statusY = display.y - L.header.margin - t.body->FontSize * 1.2f;
        if (s.pendingRetries > 0) {
            const std::string line = s.catalog->format(s.lang, "attract.retries_pending", {{"n", std::to_string(s.pendingRetries)}});
            const ImVec2 w = t.body->CalcTextSizeA(t.body->FontSize, FLT_MAX, 0, line.c_str());
            const ImVec2 p(display.x * 0.5f - w.x * 0.5f, statusY);
            dl->AddRectFilled(ImVec2(p.x - 12, p.y - 4), ImVec2(p.x + w.x + 12, p.y + w.y + 4), t.warningBg, 6.0f);
            dl->AddText(t.body, t.body->FontSize, p, t.warning, line.c_str());
        } else if (!s.servedBy.empty()) {
            drawCenteredWrapped(dl, t.label, s.servedBy.c_str(), display.x * 0.5f, statusY, display.x - 2 * L.header.margin, t.text);
        } else {
            drawCenteredWrapped(dl, t.body, s.t("attract.hint").c_str(), display.x * 0.5f, statusY, display.x, t.textMuted);
        }
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeAttractScreen() { return std::make_unique<AttractScreen>(); }

} // namespace skm::ui
