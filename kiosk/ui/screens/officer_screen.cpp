// The officer's screen: who is on duty, and logging the case just served (a service from the
// catalogue, the last one already chosen; an optional queue ticket typed, scanned or tapped on a pad
// with the letter prefixes queue tickets use), which hands the screen to the citizen. Break/resume,
// the citizen's screen, and sign-out (asked to confirm, and kept apart from the others) at the top.
// It never shows a score or which face anyone chose.
// By keyboard: the first Tab goes to the service list (the chosen service); Enter on a service moves
// on to "Serahkan"; Enter with no button in focus hands over; typed characters go to the ticket;
// Escape returns to the citizen's screen. So a case is F2, the ticket, Enter.

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
        const float m = marginFor(display);
        const float gap = m * 0.4f;
        const bool portrait = isPortrait(display);
        beginFullscreen("##officer");
        if (s.confirm != Confirm::None) {
            const Intent intent = drawConfirm(s, t, t.title, t.staff);
            endFullscreen();
            return intent;
        }
        ImDrawList* dl = ImGui::GetWindowDrawList();
        Intent intent;

        // Top: the session's buttons on the right (on a row of their own on a tall display), sign-out
        // set apart from the others by a full button's width of space.
        const float bh = buttonHeight(t, t.staffBold);
        const std::string labels[3] = {s.t("officer.citizen"), s.t(s.desk.onBreak ? "officer.resume" : "officer.break"), s.t("officer.sign_out")};
        float bw = 0;
        for (const std::string& l : labels) bw = std::max(bw, buttonWidth(t, t.staffBold, l));
        const float apart = std::max(bw * 0.6f, t.mm(12.0f));
        const float buttonsW = 3 * bw + gap + apart;
        const bool buttonsOwnRow = portrait || buttonsW > display.x * 0.55f;
        const float nameW = buttonsOwnRow ? display.x - 2 * m : display.x - 3 * m - buttonsW;
        // The officer's name whole (a long one in the smaller face, or on two lines), then the counter,
        // the unit and whether on duty.
        const TextBlock name = fitText(s.desk.officerName, nameW, {t.title, t.staffBold}, 1);
        const float nameH = drawLines(dl, name.lines.size() > 1 ? fitText(s.desk.officerName, nameW, {t.staffBold}, 2) : name, ImVec2(m, m), Align::Left, t.text);
        const std::string status = s.counter + "  \xC2\xB7  " + s.desk.officerUnit + "  \xC2\xB7  " + s.t(s.desk.onBreak ? "officer.on_break" : "officer.active");
        const TextBlock statusLines = fitText(status, nameW, {t.staff}, 2);
        drawLines(dl, statusLines, ImVec2(m, m + nameH), Align::Left, s.desk.onBreak ? t.warning : t.textMuted);
        const float topBlock = nameH + statusLines.height();
        const float by = buttonsOwnRow ? m + topBlock + gap : m;
        const float rowW = buttonsOwnRow ? display.x - 2 * m : buttonsW;
        const float scaleW = buttonsOwnRow ? (rowW - gap - apart) / (3 * bw) : 1.0f;
        const float w = bw * scaleW;
        // Labels that wrap in a narrower button (a tall display's row) make the row taller.
        size_t buttonLines = 1;
        for (const std::string& l : labels) buttonLines = std::max(buttonLines, wrapLines(t.staffBold, l, buttonTextWrap(w, t.staffBold)).size());
        const float rowH = std::max(bh, buttonHeight(t, t.staffBold, static_cast<float>(buttonLines)));
        const float bx = display.x - m - rowW;
        const Rect citizenBtn{ImVec2(bx, by), ImVec2(bx + w, by + rowH)};
        const Rect breakBtn{ImVec2(citizenBtn.max.x + gap, by), ImVec2(citizenBtn.max.x + gap + w, by + rowH)};
        const Rect signOutBtn{ImVec2(display.x - m - w, by), ImVec2(display.x - m, by + rowH)};
        const float contentTop = std::max(by + rowH, m + topBlock) + m * 0.8f;
        dl->AddLine(ImVec2(m, contentTop - m * 0.4f), ImVec2(display.x - m, contentTop - m * 0.4f), t.border, 1.0f);

        // The case: services (left, or on top), then ticket and hand-over (right, or below).
        const float colGap = m;
        const float leftW = portrait ? display.x - 2 * m : (display.x - 2 * m - colGap) * 0.5f;
        float y = contentTop;
        drawText(dl, t.staffBold, ImVec2(m, y), t.text, s.t("officer.service"));
        y += lineHeight(t.staffBold) + gap * 0.5f;
        const int cols = 2;
        const float cw = (leftW - (cols - 1) * gap) / cols;
        auto linesIn = [&](ImFont* f) {
            size_t n = 1;
            for (const auto& svc : s.desk.services) n = std::max(n, wrapLines(f, svc.label, buttonTextWrap(cw, f)).size());
            return n;
        };
        ImFont* serviceFont = linesIn(t.staffBold) <= 2 ? t.staffBold : t.staff;
        const size_t lines = linesIn(serviceFont);
        const float rightTop = portrait ? 0.0f : contentTop;
        const float servicesBottom = portrait ? display.y * 0.45f : display.y - m;
        const size_t rows = (s.desk.services.size() + cols - 1) / cols;
        const float ch = std::max(buttonHeight(t, serviceFont, static_cast<float>(lines)),
                                  std::min(buttonHeight(t, serviceFont, 2.0f), rows ? (servicesBottom - y - (rows - 1) * gap) / rows : 0.0f));
        for (size_t i = 0; i < s.desk.services.size(); ++i) {
            const float x = m + (i % cols) * (cw + gap), yy = y + (i / cols) * (ch + gap);
            const bool selected = s.desk.services[i].code == s.desk.selectedService;
            if (touchButton("service." + s.desk.services[i].code, Rect{ImVec2(x, yy), ImVec2(x + cw, yy + ch)}, s.desk.services[i].label.c_str(), serviceFont,
                            selected ? primaryButton(t) : chipButton(t))) {
                intent = Intent::of(DeskCommand::ChooseService, s.desk.services[i].code);
            }
        }
        const float servicesEnd = y + rows * (ch + gap);

        const float rx = portrait ? m : m + leftW + colGap;
        const float rw = portrait ? display.x - 2 * m : leftW;
        float ry = portrait ? servicesEnd + gap : rightTop;
        drawText(dl, t.staffBold, ImVec2(rx, ry), t.text, s.t("officer.ticket"));
        ry += lineHeight(t.staffBold) + gap * 0.5f;
        const float fieldH = buttonHeight(t, t.staffBold);
        const Rect field{ImVec2(rx, ry), ImVec2(rx + rw, ry + fieldH)};
        dl->AddRectFilled(field.min, field.max, t.surface, 8.0f);
        dl->AddRect(field.min, field.max, t.border, 8.0f, 0, 1.5f);
        drawText(dl, t.title, ImVec2(field.min.x + t.staff->FontSize * 0.5f, field.min.y + (fieldH - t.title->FontSize) * 0.5f), t.text, s.desk.ticket);
        ry = field.max.y + gap;
        const float handH = std::max(buttonHeight(t, t.title), 110.0f * t.scale);
        // The message line: under the hand-over on a tall display, under the services on a wide one.
        const float msgH = s.desk.message.text.empty() || !portrait ? 0.0f : lineHeight(t.staff) * 2;
        const float padH = std::max(3 * t.minTarget() + 2 * gap, std::min(3 * 80.0f * t.scale, display.y - m - handH - gap - msgH - ry));
        const Rect pad{ImVec2(rx, ry), ImVec2(rx + rw, ry + padH)};
        if (Intent p = drawTicketPad(s, t, pad); p.kind != Intent::Kind::None) intent = p;
        const Rect handOver{ImVec2(rx, pad.max.y + gap), ImVec2(rx + rw, pad.max.y + gap + handH)};
        if (s.desk.onBreak) {
            // On a break nothing can be handed over: the button is shown, inert, and says why.
            dl->AddRectFilled(handOver.min, handOver.max, t.surfacePressed, handOver.height() * 0.18f);
            drawCenteredWrapped(dl, t.staffBold, s.t("officer.no_hand_over_on_break").c_str(), handOver.center().x,
                                handOver.center().y - lineHeight(t.staffBold) * 0.5f, handOver.width() - t.staffBold->FontSize, t.textMuted);
        } else if (touchButton("officer.hand_over", handOver, s.t("officer.hand_over").c_str(), t.title, primaryButton(t))) {
            intent = Intent::of(DeskCommand::HandOver);
        }
        if (!s.desk.message.text.empty()) {
            const float msgW = portrait ? handOver.width() : leftW;
            const TextBlock msg = fitText(s.desk.message.text, msgW, {t.staff}, 4);
            const ImVec2 at = portrait ? ImVec2(handOver.center().x, handOver.max.y + gap * 0.5f) : ImVec2(m + leftW * 0.5f, servicesEnd + gap);
            drawLines(dl, msg, at, Align::Center, s.desk.message.error ? t.warning : t.text);
        }

        // Drawn last so that Tab reaches them after the case's controls.
        if (touchButton("officer.citizen", citizenBtn, labels[0].c_str(), t.staffBold, secondaryButton(t))) intent = Intent::of(DeskCommand::ToCitizen);
        if (touchButton(s.desk.onBreak ? "officer.resume" : "officer.break", breakBtn, labels[1].c_str(), t.staffBold,
                        s.desk.onBreak ? primaryButton(t) : secondaryButton(t))) {
            intent = Intent::of(s.desk.onBreak ? DeskCommand::Resume : DeskCommand::Break);
        }
        if (touchButton("officer.sign_out", signOutBtn, labels[2].c_str(), t.staffBold, secondaryButton(t))) intent = Intent::of(DeskCommand::SignOut);

        const KeyboardInput k = readKeyboard();
        if (!k.chars.empty()) intent = Intent::typed(k.chars);
        if (k.backspaces) {
            intent = Intent::of(Intent::Kind::Backspace);
            intent.keyboard = true;
        }
        if (k.enter && intent.kind == Intent::Kind::None && !focusedByKeyboard()) intent = Intent::of(DeskCommand::HandOver);
        if (k.escape) intent = Intent::of(DeskCommand::ToCitizen);
        cycleFocusOnTab(s.desk.selectedService.empty() ? std::string() : "service." + s.desk.selectedService);
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeOfficerScreen() { return std::make_unique<OfficerScreen>(); }

} // namespace skm::ui
