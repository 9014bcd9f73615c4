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
        if (s.confirm != Confirm::None) {
            const Intent intent = drawConfirm(s, t, t.title, t.staff);
            endFullscreen();
            return intent;
        }
        ImDrawList* dl = ImGui::GetWindowDrawList();
        Intent intent;
        if (s.admin.screenTest > 0) {
            const Rect all{ImVec2(0, 0), display};
            if (touchArea("admin.screen_test_next", all)) intent = Intent::of(AdminCommand::ScreenTestNext);
            if (s.admin.screenTest <= 5) {
                dl->AddRectFilled(all.min, all.max, kTestColours[s.admin.screenTest - 1]);
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

        const float m = marginFor(display);
        const bool portrait = isPortrait(display);
        const float gap = m * 0.4f;
        drawText(dl, t.title, ImVec2(m, m), t.text, s.t("admin.title"));
        // Each button: its target name (also its label's catalogue key) and its command.
        const std::pair<const char*, AdminCommand> buttons[5] = {{"admin.sync_now", AdminCommand::SyncNow},
                                                                 {"admin.export", AdminCommand::Export},
                                                                 {"admin.screen_test", AdminCommand::ScreenTest},
                                                                 {"admin.leave", AdminCommand::Leave},
                                                                 {"admin.close", AdminCommand::Close}};
        float buttonsW = 0;
        for (const auto& b : buttons) buttonsW = std::max(buttonsW, buttonWidth(t, t.staffBold, s.t(b.first)));
        buttonsW = portrait ? display.x - 2 * m : std::max(buttonsW, 300.0f * t.scale);
        const float infoW = portrait ? display.x - 2 * m : display.x - 3 * m - buttonsW;
        float y = m + lineHeight(t.title) + gap;
        // One row per line: the label on the left, the value right-aligned, a rule between rows. A long
        // label, and the cause of a sync or configuration problem, may take two lines when the panel
        // has the room; otherwise each is cut to one line (a 7" panel).
        const float rowPad = lineHeight(t.staffBold) * 0.2f;
        struct Row {
            TextBlock label, value;
            float h = 0;
        };
        auto rowsFor = [&](bool twoLines) {
            std::vector<Row> rows;
            float total = 0;
            for (const AdminView::Line& line : s.admin.lines) {
                Row r;
                const bool cause = line.key == "admin.sync_error" || line.key == "admin.config";
                const float valueMaxW = infoW * (cause ? 0.7f : 0.55f);
                r.value = fitText(line.value, valueMaxW, {t.staffBold}, 99);
                const size_t valueLines = twoLines && cause ? 2 : 1;
                if (r.value.lines.size() > valueLines) {
                    std::string rest;
                    for (size_t i = valueLines - 1; i < r.value.lines.size(); ++i) rest += (rest.empty() ? "" : " ") + r.value.lines[i];
                    r.value.lines.resize(valueLines);
                    r.value.lines.back() = fitWithEllipsis(t.staffBold, rest, valueMaxW);
                }
                float valueW = 0;
                for (const std::string& l : r.value.lines) valueW = std::max(valueW, textWidth(t.staffBold, l));
                const float labelW = infoW - valueW - t.staff->FontSize;
                r.label = fitText(line.label, labelW, {t.staff}, 99);
                const size_t labelLines = twoLines ? 2 : 1;
                if (r.label.lines.size() > labelLines) {
                    std::string rest;
                    for (size_t i = labelLines - 1; i < r.label.lines.size(); ++i) rest += (rest.empty() ? "" : " ") + r.label.lines[i];
                    r.label.lines.resize(labelLines);
                    r.label.lines.back() = fitWithEllipsis(t.staff, rest, labelW);
                }
                r.h = std::max(r.label.height(), r.value.height()) + rowPad;
                total += r.h;
                rows.push_back(std::move(r));
            }
            return std::make_pair(rows, total);
        };
        const float available = (portrait ? display.y * 0.6f : display.y - m) - y;
        auto [rows, total] = rowsFor(true);
        if (total > available) rows = rowsFor(false).first;
        for (const Row& r : rows) {
            drawLines(dl, r.label, ImVec2(m, y), Align::Left, t.textMuted);
            drawLines(dl, r.value, ImVec2(m + infoW, y), Align::Right, t.text);
            y += r.h;
            dl->AddLine(ImVec2(m, y - rowPad * 0.5f), ImVec2(m + infoW, y - rowPad * 0.5f), t.surfacePressed, 1.0f);
        }

        const float bx = portrait ? m : display.x - m - buttonsW;
        float by = portrait ? y + m * 0.5f : m;
        const float bh = portrait ? buttonHeight(t, t.staffBold) : std::max(buttonHeight(t, t.staffBold), std::min(100.0f * t.scale, (display.y - 2 * m - 4 * gap - lineHeight(t.staff) * 3) / 5));
        for (const auto& b : buttons) {
            const bool primary = b.second == AdminCommand::SyncNow;
            if (touchButton(b.first, Rect{ImVec2(bx, by), ImVec2(bx + buttonsW, by + bh)}, s.t(b.first).c_str(), t.staffBold, primary ? primaryButton(t) : secondaryButton(t))) {
                intent = Intent::of(b.second);
            }
            by += bh + gap;
        }
        if (!s.admin.message.text.empty()) {
            // As many lines as fit below the buttons (three on a 7" panel); a longer message, such as a
            // sync error with its detail, is cut with an ellipsis: the journal has it whole.
            const size_t fits = std::max<size_t>(1, static_cast<size_t>((display.y - m * 0.5f - by) / lineHeight(t.staff)));
            TextBlock msg = fitText(s.admin.message.text, buttonsW, {t.staff}, fits);
            if (msg.lines.size() > fits) {
                std::string rest;
                for (size_t i = fits - 1; i < msg.lines.size(); ++i) rest += (rest.empty() ? "" : " ") + msg.lines[i];
                msg.lines.resize(fits);
                msg.lines.back() = fitWithEllipsis(t.staff, rest, buttonsW);
            }
            drawLines(dl, msg, ImVec2(bx + buttonsW * 0.5f, by), Align::Center, s.admin.message.error ? t.warning : t.text);
        }
        const KeyboardInput k = readKeyboard();
        if (k.escape) intent = Intent::of(AdminCommand::Close);
        cycleFocusOnTab();
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeAdminScreen() { return std::make_unique<AdminScreen>(); }
int adminScreenTestSteps() { return kTestSteps; }

} // namespace skm::ui
