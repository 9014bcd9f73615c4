// Every screen of the citizen's flow, and the registry that makes them.

#include "draw_util.hpp"
#include "faces.hpp"
#include "layout.hpp"
#include "screen.hpp"
#include "strings.hpp"

#include <string>

namespace skm::ui {

const char* screenName(ScreenId id)
{
    switch (id) {
    case ScreenId::Attract: return "attract";
    case ScreenId::Thanks: return "thanks";
    case ScreenId::Notice: return "notice";
    }
    return "unknown";
}

namespace {

class AttractScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        Intent intent;
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const AttractLayout L = layoutAttract(display, t, text::kQuestion);
        beginFullscreen("##attract", t.background);
        ImDrawList* dl = ImGui::GetWindowDrawList();

        dl->AddText(t.title, t.title->FontSize, ImVec2(L.margin, L.margin), t.text, s.officeName.c_str());
        const ImVec2 cw = t.title->CalcTextSizeA(t.title->FontSize, FLT_MAX, 0, s.counter.c_str());
        dl->AddText(t.title, t.title->FontSize, ImVec2(display.x - L.margin - cw.x, L.margin), t.textMuted, s.counter.c_str());
        dl->AddLine(ImVec2(L.margin, L.headerBottom), ImVec2(display.x - L.margin, L.headerBottom), t.textMuted, 1.0f);

        drawCenteredWrapped(dl, t.question, text::kQuestion, display.x * 0.5f, L.questionTop, L.questionWrap, t.text);

        for (int score = 4; score >= 1; --score) {
            const Rect& r = L.target[score - 1];
            ImGui::SetCursorScreenPos(r.min);
            ImGui::PushID(score);
            if (ImGui::InvisibleButton("face", ImVec2(r.width(), r.height()))) intent = Intent::rate(score);
            const bool held = ImGui::IsItemActive() && ImGui::IsItemHovered();
            ImGui::PopID();
            drawFace(dl, L.faceCenter[score - 1], L.faceRadius, score, held);
            const char* label = faceStyle(score).labelId;
            const ImVec2 lw = t.label->CalcTextSizeA(t.label->FontSize, FLT_MAX, 0, label);
            const ImVec2 lc = L.labelCenter[score - 1];
            dl->AddText(t.label, t.label->FontSize, ImVec2(lc.x - lw.x * 0.5f, lc.y - lw.y * 0.5f), t.text, label);
        }

        const float statusY = display.y - L.margin - t.body->FontSize * 1.2f;
        if (s.pendingRetries > 0) {
            const std::string line = std::to_string(s.pendingRetries) + " " + text::kRetriesPending;
            const ImVec2 w = t.body->CalcTextSizeA(t.body->FontSize, FLT_MAX, 0, line.c_str());
            const ImVec2 p(display.x * 0.5f - w.x * 0.5f, statusY);
            dl->AddRectFilled(ImVec2(p.x - 12, p.y - 4), ImVec2(p.x + w.x + 12, p.y + w.y + 4), t.warningBg, 6.0f);
            dl->AddText(t.body, t.body->FontSize, p, t.warning, line.c_str());
        } else {
            drawCenteredWrapped(dl, t.body, text::kHint, display.x * 0.5f, statusY, display.x, t.textMuted);
        }
        endFullscreen();
        return intent;
    }
};

class ThanksScreen final : public Screen {
public:
    Intent draw(const Snapshot&, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        beginFullscreen("##thanks", t.background);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        // A neutral check mark: the same for every face, so nobody nearby learns which was chosen.
        const float r = t.huge->FontSize * 0.9f;
        const ImVec2 c(display.x * 0.5f, display.y * 0.30f);
        dl->AddCircleFilled(c, r, IM_COL32(0x1F, 0x29, 0x33, 0xFF), 48);
        const float k = r * 0.5f;
        const ImVec2 tick[3] = {ImVec2(c.x - k, c.y), ImVec2(c.x - k * 0.25f, c.y + k * 0.7f), ImVec2(c.x + k, c.y - k * 0.6f)};
        dl->AddPolyline(tick, 3, IM_COL32_WHITE, ImDrawFlags_None, r * 0.16f);
        const float wrap = display.x * 0.9f;
        float y = c.y + r + t.huge->FontSize * 0.4f;
        y += drawCenteredWrapped(dl, t.huge, text::kThanks, display.x * 0.5f, y, wrap, t.text);
        drawCenteredWrapped(dl, t.title, text::kThanksDetail, display.x * 0.5f, y + t.body->FontSize * 0.5f, wrap, t.textMuted);
        endFullscreen();
        return Intent::none();
    }
};

class NoticeScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        beginFullscreen("##notice", t.warningBg);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float wrap = display.x * 0.85f;
        float y = display.y * 0.25f;
        y += drawCenteredWrapped(dl, t.question, text::kNotSaved, display.x * 0.5f, y, wrap, t.warning);
        y += t.body->FontSize;
        y += drawCenteredWrapped(dl, t.title, s.noticeDiskFull ? text::kDiskFull : text::kStoreFault, display.x * 0.5f, y, wrap, t.text);
        drawCenteredWrapped(dl, t.body, text::kWillRetry, display.x * 0.5f, y + t.body->FontSize * 0.5f, wrap, t.text);
        endFullscreen();
        return Intent::none();
    }
};

} // namespace

std::unique_ptr<Screen> makeScreen(ScreenId id)
{
    switch (id) {
    case ScreenId::Attract: return std::make_unique<AttractScreen>();
    case ScreenId::Thanks: return std::make_unique<ThanksScreen>();
    case ScreenId::Notice: return std::make_unique<NoticeScreen>();
    }
    return nullptr;
}

} // namespace skm::ui
