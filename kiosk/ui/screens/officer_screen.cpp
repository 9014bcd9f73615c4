// The officer's screen: who is on duty, break/resume/sign out, and logging the case just served (a
// service from the catalogue, an optional queue ticket typed or scanned), which hands the screen to the
// citizen. It never shows a score or which face anyone chose. Every action is reachable by keyboard:
// Tab/arrows move between buttons and Enter presses the one in focus; typed characters go to the
// ticket; Enter with no button in focus hands over; Escape returns to the citizen screen.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

namespace skm::ui {

namespace {

class OfficerScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const HeaderLayout h = layoutHeader(display, t);
        const float m = h.margin, sc = t.scale, gap = m * 0.4f;
        beginFullscreen("##officer");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        Intent intent;

        const std::string who = s.officerName + "  \xC2\xB7  " + s.counter;
        const float whoW = display.y > display.x * 1.1f ? display.x - 2 * m : display.x - 2 * m - 3 * 220.0f * sc - 3 * gap;
        dl->AddText(t.title, t.title->FontSize, ImVec2(m, m), t.text, fitWithEllipsis(t.title, who, whoW).c_str());
        dl->AddText(t.body, t.body->FontSize, ImVec2(m, m + t.title->FontSize * 1.2f), s.officerOnBreak ? t.warning : t.textMuted,
                    (s.officerUnit + "  \xC2\xB7  " + s.t(s.officerOnBreak ? "officer.on_break" : "officer.active")).c_str());

        // Session buttons: top right, or on a row of their own under the name on a tall display.
        const bool tall = display.y > display.x * 1.1f;
        const float bh = 80.0f * sc;
        const float bw = tall ? (display.x - 2 * m - 2 * gap) / 3 : 220.0f * sc;
        const float by = tall ? m + t.title->FontSize * 1.2f + t.body->FontSize * 1.6f : m;
        float bx = display.x - m - bw;
        auto topButton = [&](const char* name, const std::string& label, const char* command, const ButtonStyle& style) {
            if (touchButton(name, Rect{ImVec2(bx, by), ImVec2(bx + bw, by + bh)}, label.c_str(), t.label, style)) intent = Intent::command(command);
            bx -= bw + gap;
        };
        topButton("officer.sign_out", s.t("officer.sign_out"), "officer.sign_out", secondaryButton(t));
        if (s.officerOnBreak) topButton("officer.resume", s.t("officer.resume"), "officer.resume", primaryButton(t));
        else topButton("officer.break", s.t("officer.break"), "officer.break", secondaryButton(t));
        topButton("officer.citizen", s.t("officer.citizen"), "officer.citizen", secondaryButton(t));

        float y = by + bh + m;
        dl->AddLine(ImVec2(m, y - m * 0.5f), ImVec2(display.x - m, y - m * 0.5f), t.border, 1.0f);
        dl->AddText(t.label, t.label->FontSize, ImVec2(m, y), t.text, s.t("officer.service").c_str());
        y += t.label->FontSize * 1.5f;

        // Services: a grid of choices, the selected one highlighted.
        const bool portrait = tall;
        const int cols = portrait ? 2 : 3;
        const float cw = (display.x - 2 * m - (cols - 1) * gap) / cols, ch = 84.0f * sc;
        for (size_t i = 0; i < s.services.size(); ++i) {
            const float x = m + (i % cols) * (cw + gap), yy = y + (i / cols) * (ch + gap);
            const bool selected = s.services[i].code == s.selectedService;
            if (touchButton("service." + s.services[i].code, Rect{ImVec2(x, yy), ImVec2(x + cw, yy + ch)}, s.services[i].label.c_str(), t.label,
                            selected ? primaryButton(t) : chipButton(t))) {
                intent = Intent::command("officer.service:" + s.services[i].code);
            }
        }
        y += ((s.services.size() + cols - 1) / cols) * (ch + gap) + gap;

        // Ticket, the pad to type it by touch, and the hand-over.
        dl->AddText(t.label, t.label->FontSize, ImVec2(m, y), t.text, s.t("officer.ticket").c_str());
        y += t.label->FontSize * 1.4f;
        const float fieldW = std::min(display.x - 2 * m, 420.0f * sc), fieldH = t.title->FontSize * 1.8f;
        const Rect field{ImVec2(m, y), ImVec2(m + fieldW, y + fieldH)};
        dl->AddRectFilled(field.min, field.max, t.surface, 8.0f);
        dl->AddRect(field.min, field.max, t.border, 8.0f, 0, 1.5f);
        dl->AddText(t.title, t.title->FontSize, ImVec2(field.min.x + 12 * sc, field.min.y + (fieldH - t.title->FontSize) * 0.5f), t.text, s.ticket.c_str());

        const float padTop = field.max.y + gap;
        const float padH = std::max(200.0f * sc, display.y - m - padTop - (portrait ? 140.0f * sc : 0));
        const Rect pad{ImVec2(m, padTop), ImVec2(m + fieldW, padTop + std::min(padH, 4 * 80.0f * sc))};
        if (Intent p = drawDigitPad(s, t, pad, "", ""); p.kind != Intent::Kind::None) intent = p;

        const float hx = portrait ? m : m + fieldW + m;
        const float hy = portrait ? pad.max.y + gap : y;
        const Rect handOver{ImVec2(hx, hy), ImVec2(display.x - m, hy + 130.0f * sc)};
        if (touchButton("officer.hand_over", handOver, s.t("officer.hand_over").c_str(), t.question, primaryButton(t))) intent = Intent::command("officer.hand_over");
        if (!s.officerMessage.empty()) {
            const float wrap = handOver.width();
            drawCenteredWrapped(dl, t.body, s.officerMessage.c_str(), handOver.center().x, handOver.max.y + gap, wrap, s.officerMessageIsError ? t.warning : t.text);
        }

        const KeyboardInput k = readKeyboard();
        if (!k.chars.empty()) intent = Intent::of(Intent::Kind::Type, k.chars);
        if (k.backspaces) intent = Intent::of(Intent::Kind::Backspace);
        if (k.enter && intent.kind == Intent::Kind::None && !focusedByKeyboard()) intent = Intent::command("officer.hand_over");
        if (k.escape) intent = Intent::command("officer.citizen");
        cycleFocusOnTab();
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeOfficerScreen() { return std::make_unique<OfficerScreen>(); }

} // namespace skm::ui
