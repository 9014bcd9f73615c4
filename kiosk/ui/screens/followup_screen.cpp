// The follow-up: the rating is already saved (said at the top), "Apa alasan utamanya?" with reason
// chips, Lewati (on to the comment) and Selesai (done now), and how long until the screen returns to
// the start. The chips for low and high scores are laid out alike and drawn in the same neutral
// colours, so the screen does not announce to the counter which kind of face was chosen.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

namespace skm::ui {

namespace {

// A check mark in a circle, `h` pixels tall, its top-left at `p`.
void drawCheck(ImDrawList* dl, ImVec2 p, float h, ImU32 color)
{
    const float r = h * 0.5f;
    const ImVec2 c(p.x + r, p.y + r);
    dl->AddCircleFilled(c, r, color, 24);
    const float k = r * 0.5f;
    const ImVec2 tick[3] = {ImVec2(c.x - k, c.y), ImVec2(c.x - k * 0.25f, c.y + k * 0.7f), ImVec2(c.x + k, c.y - k * 0.6f)};
    dl->AddPolyline(tick, 3, IM_COL32_WHITE, ImDrawFlags_None, std::max(2.0f, r * 0.2f));
}

class FollowUpScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        // A short panel: "already saved" is the header's status line.
        const bool compact = shortPanel(display, t);
        // The speaker button reads only what is the same after every face (speech.hpp), never the chips: in
        // the header, or on a short panel in the bottom row (the status line keeps its room).
        const HeaderLayout header = compact ? layoutStatusHeader(display, t, s.t("followup.saved"), s.t("lang.switch"), true) : headerFor(s, t, true);
        std::vector<std::string> labels;
        for (const ReasonChip& c : s.citizen.reasons) labels.push_back(c.label);
        const FollowUpLayout L =
            layoutFollowUp(display, t, header, s.t("followup.question"), s.t("followup.hint"), labels, s.t("common.skip"), s.t("followup.done"), compact && s.voice);
        beginFullscreen("##followup");
        Intent intent = drawHeader(s, t, header);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float m = header.margin;
        const float checkH = t.body->FontSize * 0.9f;
        if (header.status) {
            drawCheck(dl, ImVec2(m, header.officePos.y + (lineHeight(t.body) - checkH) * 0.5f), checkH, t.accent);
        } else {
            drawCheck(dl, ImVec2(m, L.savedTop + (lineHeight(t.body) - checkH) * 0.5f), checkH, t.accent);
            drawText(dl, t.body, ImVec2(m + checkH * 1.4f, L.savedTop), t.text, s.t("followup.saved"));
        }
        drawLines(dl, L.question, ImVec2(display.x * 0.5f, L.questionTop), Align::Center, t.text);
        drawLines(dl, L.hint, ImVec2(display.x * 0.5f, L.hintTop), Align::Center, t.textMuted);

        for (size_t i = 0; i < s.citizen.reasons.size() && i < L.chips.size(); ++i) {
            if (touchButton("reason." + s.citizen.reasons[i].code, L.chips[i], s.citizen.reasons[i].label.c_str(), L.chipFont, chipButton(t))) {
                intent = Intent::of(Intent::Kind::Reason, s.citizen.reasons[i].code);
            }
        }
        if (L.speaker.width() > 0 && speakerButton(L.speaker, t)) intent = Intent::of(Intent::Kind::Speak);
        if (touchButton("skip", L.skip, s.t("common.skip").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Skip);
        if (touchButton("followup.done", L.done, s.t("followup.done").c_str(), t.label, primaryButton(t))) intent = Intent::of(Intent::Kind::Done);
        if (s.countdownSeconds >= 0) {
            const std::string line = s.catalog->format(s.lang, "common.returns_in", {{"s", formatCount(s.countdownSeconds, s.lang)}});
            const TextBlock b = fitText(line, L.countdownWrap, {t.body}, 3);
            drawLines(dl, b, ImVec2(L.countdownPos.x, L.countdownPos.y - b.height() * 0.5f), Align::Left, t.textMuted);
        }
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeFollowUpScreen() { return std::make_unique<FollowUpScreen>(); }

} // namespace skm::ui
