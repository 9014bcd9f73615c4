// The technician's screen: the device's health at a glance and the maintenance actions (sync now,
// export to USB, screen test, leave the kiosk). Reached with F12 or a 5 s press on the counter's name,
// then the technician's PIN. Like every screen, it shows counts but never a single rating's face.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

namespace skm::ui {

namespace {

// The screen test: full-screen colours for dead pixels and colour, then a touch grid.
const ImU32 kTestColours[] = {IM_COL32_WHITE, IM_COL32_BLACK, IM_COL32(255, 0, 0, 255), IM_COL32(0, 255, 0, 255), IM_COL32(0, 0, 255, 255)};
constexpr int kTestSteps = 6;

class AdminScreen final : public Screen {
public:
    ImU32 background(const Theme& t) const override { return t.background; }

    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        beginFullscreen("##admin");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        Intent intent;
        if (s.screenTest > 0) {
            const Rect all{ImVec2(0, 0), display};
            if (touchArea("admin.screen_test_next", all)) intent = Intent::command("admin.screen_test_next");
            if (s.screenTest <= 5) {
                dl->AddRectFilled(all.min, all.max, kTestColours[s.screenTest - 1]);
            } else {
                const float step = 80.0f * t.scale;
                for (float x = 0; x < display.x; x += step) dl->AddLine(ImVec2(x, 0), ImVec2(x, display.y), t.text, 1.0f);
                for (float y = 0; y < display.y; y += step) dl->AddLine(ImVec2(0, y), ImVec2(display.x, y), t.text, 1.0f);
                const ImVec2 p = ImGui::GetIO().MousePos;
                if (p.x >= 0 && p.y >= 0) dl->AddCircleFilled(p, 24.0f * t.scale, t.accent, 24);
                drawCenteredWrapped(dl, t.title, s.t("admin.screen_test_hint").c_str(), display.x * 0.5f, display.y * 0.45f, display.x * 0.8f, t.text);
            }
            endFullscreen();
            return intent;
        }

        const HeaderLayout h = layoutHeader(display, t);
        const float m = h.margin, sc = t.scale;
        dl->AddText(t.question, t.question->FontSize, ImVec2(m, m), t.text, s.t("admin.title").c_str());
        const bool portrait = display.y > display.x * 1.1f;
        const float buttonsW = portrait ? display.x - 2 * m : 360.0f * sc;
        const float infoW = portrait ? display.x - 2 * m : display.x - 3 * m - buttonsW;
        float y = m + t.question->FontSize * 1.5f;
        // One row per line: the label on the left, the value right-aligned, a rule between rows.
        for (const auto& [label, value] : s.adminLines) {
            const std::string v = fitWithEllipsis(t.label, value, infoW * 0.5f);
            const float vw = t.label->CalcTextSizeA(t.label->FontSize, FLT_MAX, 0, v.c_str()).x;
            const std::string l = fitWithEllipsis(t.body, label, infoW - vw - t.body->FontSize);
            dl->AddText(t.body, t.body->FontSize, ImVec2(m, y + (t.label->FontSize - t.body->FontSize) * 0.5f), t.textMuted, l.c_str());
            dl->AddText(t.label, t.label->FontSize, ImVec2(m + infoW - vw, y), t.text, v.c_str());
            y += t.label->FontSize * 1.5f;
            dl->AddLine(ImVec2(m, y - t.label->FontSize * 0.25f), ImVec2(m + infoW, y - t.label->FontSize * 0.25f), t.surfacePressed, 1.0f);
        }

        const float bx = portrait ? m : display.x - m - buttonsW;
        float by = portrait ? y + m * 0.5f : m;
        const float bh = portrait ? 90.0f * sc : 100.0f * sc, gap = m * 0.4f;
        auto button = [&](const char* name, const char* key, const char* command, const ButtonStyle& style) {
            if (touchButton(name, Rect{ImVec2(bx, by), ImVec2(bx + buttonsW, by + bh)}, s.t(key).c_str(), t.label, style)) intent = Intent::command(command);
            by += bh + gap;
        };
        button("admin.sync_now", "admin.sync_now", "admin.sync_now", primaryButton(t));
        button("admin.export", "admin.export", "admin.export", secondaryButton(t));
        button("admin.screen_test", "admin.screen_test", "admin.screen_test", secondaryButton(t));
        button("admin.leave", "admin.leave", "admin.leave", secondaryButton(t));
        button("admin.close", "admin.close", "admin.close", secondaryButton(t));
        if (!s.officerMessage.empty()) {
            drawCenteredWrapped(dl, t.body, s.officerMessage.c_str(), bx + buttonsW * 0.5f, by, buttonsW, s.officerMessageIsError ? t.warning : t.text);
        }
        const KeyboardInput k = readKeyboard();
        if (k.escape) intent = Intent::command("admin.close");
        cycleFocusOnTab();
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeAdminScreen() { return std::make_unique<AdminScreen>(); }
int adminScreenTestSteps() { return kTestSteps; }

} // namespace skm::ui
