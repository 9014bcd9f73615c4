// One question of the SKM survey: where we are ("Pertanyaan 3 dari 9 · Waktu Penyelesaian"), the
// question, its answers as large buttons numbered for the keys 1..n, and back / skip / finish later.
// The answers are drawn in one neutral style; the one chosen before (after going back) is marked.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

#include <string>

namespace skm::ui {

namespace {

class SurveyScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const Snapshot::SurveyView& v = s.survey;
        const HeaderLayout header = layoutHeader(display, t);
        const float wrap = display.x - 2 * header.margin;
        const float questionH = t.question->CalcTextSizeA(t.question->FontSize, FLT_MAX, wrap, v.question.c_str()).y;
        const SurveyLayout L = layoutSurvey(display, t, v.options.size(), questionH);
        beginFullscreen("##survey");
        Intent intent = drawHeader(s, t);
        ImDrawList* dl = ImGui::GetWindowDrawList();

        // Progress: the section line and a thin bar under the header.
        const float barY = L.sectionTop - header.margin * 0.1f;
        const float frac = v.steps > 0 ? static_cast<float>(v.step) / static_cast<float>(v.steps) : 0.0f;
        dl->AddRectFilled(ImVec2(header.margin, barY), ImVec2(display.x - header.margin, barY + 6.0f * t.scale), t.textMuted & 0x40FFFFFF, 3.0f);
        dl->AddRectFilled(ImVec2(header.margin, barY), ImVec2(header.margin + (display.x - 2 * header.margin) * frac, barY + 6.0f * t.scale), t.text, 3.0f);
        const std::string section = fitWithEllipsis(t.body, v.section, wrap);
        dl->AddText(t.body, t.body->FontSize, ImVec2(header.margin, L.sectionTop + 8.0f * t.scale), t.textMuted, section.c_str());
        drawCenteredWrapped(dl, t.question, v.question.c_str(), display.x * 0.5f, L.questionTop + 8.0f * t.scale, L.wrap, t.text);

        for (size_t i = 0; i < v.options.size() && i < L.options.size(); ++i) {
            const ReasonChip& o = v.options[i];
            const std::string label = std::to_string(i + 1) + "   " + o.label;
            const bool chosen = o.code == v.selected;
            if (touchButton("answer." + o.code, L.options[i], label.c_str(), t.label, chosen ? primaryButton(t) : chipButton(t))) {
                intent = Intent::of(Intent::Kind::Answer, o.code);
            }
        }
        if (v.canBack && touchButton("survey.back", L.back, s.t("survey.back").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Back);
        if (v.canSkip && touchButton("skip", L.skip, s.t("common.skip").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Skip);
        if (touchButton("survey.quit", L.quit, s.t("survey.quit").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Quit);
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeSurveyScreen() { return std::make_unique<SurveyScreen>(); }

} // namespace skm::ui
