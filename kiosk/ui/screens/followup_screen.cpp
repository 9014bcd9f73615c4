// The follow-up: "Apa alasan utamanya?" with reason chips. One tap chooses the main reason; skip is
// always there. The chips for low and high scores are laid out alike and drawn in the same neutral
// colours, so the screen does not announce to the counter which kind of face was chosen.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

namespace skm::ui {

namespace {

class FollowUpScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const FollowUpLayout L = layoutFollowUp(display, t, s.reasons.size());
        beginFullscreen("##followup");
        Intent intent = drawHeader(s, t);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float wrap = display.x - 2 * L.header.margin;
        float y = L.questionTop;
        y += drawCenteredWrapped(dl, t.question, s.t("followup.question").c_str(), display.x * 0.5f, y, wrap, t.text);
        drawCenteredWrapped(dl, t.body, s.t("followup.hint").c_str(), display.x * 0.5f, y, wrap, t.textMuted);

        for (size_t i = 0; i < s.reasons.size() && i < L.chips.size(); ++i) {
            if (touchButton("reason." + s.reasons[i].code, L.chips[i], s.reasons[i].label.c_str(), t.label, chipButton(t))) {
                intent = Intent::of(Intent::Kind::Reason, s.reasons[i].code);
            }
        }
        if (touchButton("skip", L.skip, s.t("common.skip").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Skip);
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeFollowUpScreen() { return std::make_unique<FollowUpScreen>(); }

} // namespace skm::ui
