// The officer's sign-in: NIP (typed, scanned by a badge reader that types it and Enter, or tapped on
// the pad) then PIN (shown as dots only); the technician's: the PIN only. Nothing here is visible to
// the citizen's flow. On a wide display the pad stands beside the fields, on a tall one under them.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

namespace skm::ui {

namespace {

class SignInScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const float m = marginFor(display);
        const bool portrait = isPortrait(display);
        beginFullscreen("##signin");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        Intent intent;

        const float colW = portrait ? display.x - 2 * m : std::min(display.x * 0.5f - 1.5f * m, 640.0f * t.scale);
        const float x0 = portrait ? m : std::max(m, display.x * 0.5f - m * 0.5f - colW);
        float y = m;
        const TextBlock title = fitText(s.t(s.desk.signInTechnician ? "admin.signin_title" : "signin.title"), colW, {t.title}, 3);
        y += drawLines(dl, title, ImVec2(x0, y), Align::Left, t.text) + t.staff->FontSize * 0.3f;
        const TextBlock hint = fitText(s.t(s.desk.signInTechnician ? "admin.signin_hint" : "signin.hint"), colW, {t.staff}, 4);
        y += drawLines(dl, hint, ImVec2(x0, y), Align::Left, t.textMuted) + t.staff->FontSize * 0.5f;

        const float fieldH = buttonHeight(t, t.staffBold);
        const float labelW = std::max(textWidth(t.staffBold, s.t("signin.nip")), textWidth(t.staffBold, s.t("signin.pin"))) + t.staffBold->FontSize;
        auto field = [&](const char* name, const std::string& label, const std::string& value, bool active, SignInCommand command) {
            drawText(dl, t.staffBold, ImVec2(x0, y + (fieldH - t.staffBold->FontSize) * 0.5f), t.text, label);
            const Rect r{ImVec2(x0 + labelW, y), ImVec2(x0 + colW, y + fieldH)};
            if (touchArea(name, r)) intent = Intent::of(command);
            dl->AddRectFilled(r.min, r.max, t.surface, 8.0f);
            dl->AddRect(r.min, r.max, active ? t.accent : t.border, 8.0f, 0, active ? 3.0f : 1.5f);
            const ImVec2 tp(r.min.x + t.staffBold->FontSize * 0.4f, r.min.y + (fieldH - t.staffBold->FontSize) * 0.5f);
            drawText(dl, t.staffBold, tp, t.text, value);
            if (active) {
                const float w = textWidth(t.staffBold, value);
                dl->AddRectFilled(ImVec2(tp.x + w + 2, tp.y), ImVec2(tp.x + w + 4, tp.y + t.staffBold->FontSize), t.text);
            }
            y += fieldH + t.staff->FontSize * 0.5f;
        };
        if (!s.desk.signInTechnician) field("signin.nip", s.t("signin.nip"), s.desk.signInNip, s.desk.signInField == 0, SignInCommand::NipField);
        std::string dots;
        for (size_t i = 0; i < s.desk.signInPinLength; ++i) dots += "\xE2\x80\xA2 "; // U+2022 BULLET
        field("signin.pin", s.t("signin.pin"), dots, s.desk.signInField == 1, SignInCommand::PinField);

        if (!s.desk.message.text.empty()) {
            const TextBlock msg = fitText(s.desk.message.text, colW, {t.staff}, 4);
            y += drawLines(dl, msg, ImVec2(x0, y), Align::Left, s.desk.message.error ? t.warning : t.text);
        } else {
            y += lineHeight(t.staff);
        }
        y += t.staff->FontSize * 0.5f;

        const float cancelH = buttonHeight(t, t.label);
        Rect pad, cancel;
        if (portrait) {
            const float padH = std::min(display.y - m - cancelH - m * 0.5f - y, 4 * 120.0f * t.scale);
            pad = {ImVec2(x0, y), ImVec2(x0 + colW, y + std::max(padH, 4 * t.minTarget()))};
            cancel = {ImVec2(x0, pad.max.y + m * 0.5f), ImVec2(x0 + colW, pad.max.y + m * 0.5f + cancelH)};
        } else {
            const float padX = x0 + colW + m;
            const float padW = std::min(display.x - m - padX, colW);
            pad = {ImVec2(padX, m), ImVec2(padX + padW, display.y - m)};
            cancel = {ImVec2(x0, std::max(y, display.y - m - cancelH)), ImVec2(x0 + colW, std::max(y, display.y - m - cancelH) + cancelH)};
        }
        if (Intent p = drawDigitPad(s, t, pad, s.t("signin.ok"), SignInCommand::Submit); p.kind != Intent::Kind::None) intent = p;
        if (touchButton("signin.cancel", cancel, s.t("signin.cancel").c_str(), t.label, secondaryButton(t))) intent = Intent::of(SignInCommand::Cancel);

        const KeyboardInput k = readKeyboard();
        if (!k.chars.empty()) intent = Intent::typed(k.chars);
        if (k.backspaces) {
            intent = Intent::of(Intent::Kind::Backspace);
            intent.keyboard = true;
        }
        if (k.tab && !s.desk.signInTechnician) intent = Intent::of(s.desk.signInField == 0 ? SignInCommand::PinField : SignInCommand::NipField);
        if (k.enter) intent = Intent::of(SignInCommand::Submit);
        if (k.escape) intent = Intent::of(SignInCommand::Cancel);
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeSignInScreen() { return std::make_unique<SignInScreen>(); }

} // namespace skm::ui
