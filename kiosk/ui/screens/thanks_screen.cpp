// "Terima kasih": shown only after the rating is on disk, the same for every face.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

namespace skm::ui {

namespace {

class ThanksScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const HeaderLayout header = headerFor(s, t);
        const FooterLayout footer = layoutFooter(display, t, header.margin, "", s.t("survey.start"), s.citizen.surveyOffered);
        beginFullscreen("##thanks");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        // A neutral check mark: the same for every face, so nobody nearby learns which was chosen.
        const float r = t.huge->FontSize * 0.9f;
        const ImVec2 c(display.x * 0.5f, display.y * 0.30f);
        dl->AddCircleFilled(c, r, t.text, 48);
        const float k = r * 0.5f;
        const ImVec2 tick[3] = {ImVec2(c.x - k, c.y), ImVec2(c.x - k * 0.25f, c.y + k * 0.7f), ImVec2(c.x + k, c.y - k * 0.6f)};
        dl->AddPolyline(tick, 3, IM_COL32_WHITE, ImDrawFlags_None, r * 0.16f);
        const float wrap = display.x * 0.9f;
        float y = c.y + r + t.huge->FontSize * 0.4f;
        y += drawCenteredWrapped(dl, t.huge, s.t("thanks.title").c_str(), display.x * 0.5f, y, wrap, t.text);
        drawCenteredWrapped(dl, t.title, s.t(s.citizen.thanksForSurvey ? "thanks.survey_detail" : "thanks.detail").c_str(), display.x * 0.5f,
                            y + t.body->FontSize * 0.5f, wrap, t.textMuted);
        Intent intent = Intent::none();
        if (s.citizen.surveyOffered && touchButton("survey.start", footer.survey, s.t("survey.start").c_str(), t.label, secondaryButton(t))) {
            intent = Intent::of(Intent::Kind::StartSurvey);
        }
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeThanksScreen() { return std::make_unique<ThanksScreen>(); }

} // namespace skm::ui
