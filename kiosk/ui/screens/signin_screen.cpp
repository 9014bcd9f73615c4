// The officer's sign-in: NIP (typed, scanned by a badge reader that types it and Enter, or tapped on
// the pad) then PIN (shown as dots only). Nothing here is visible to the citizen's flow.

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
        const HeaderLayout h = layoutHeader(display, t);
        const float m = h.margin, sc = t.scale;
        beginFullscreen("##signin");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        Intent intent;
        dl->AddText(t.question, t.question->FontSize, ImVec2(m, m), t.text, s.t(s.signInTechnician ? "admin.signin_title" : "signin.title").c_str());

        const float colW = std::min(display.x - 2 * m, 620.0f * sc);
        const float x0 = (display.x - colW) * 0.5f;
        float y = m + t.question->FontSize * 1.3f;
        dl->AddText(t.body, t.body->FontSize, ImVec2(x0, y), t.textMuted, s.t("signin.hint").c_str());
        y += t.body->FontSize * 1.5f;

        const float fieldH = t.title->FontSize * 1.9f;
        auto field = [&](const char* name, const std::string& label, const std::string& value, bool active, const char* command) {
            dl->AddText(t.label, t.label->FontSize, ImVec2(x0, y + (fieldH - t.label->FontSize) * 0.5f), t.text, label.c_str());
            const float labelW = 90.0f * sc;
            const Rect r{ImVec2(x0 + labelW, y), ImVec2(x0 + colW, y + fieldH)};
            bool held = false;
            if (touchArea(name, r, &held)) intent = Intent::command(command);
            dl->AddRectFilled(r.min, r.max, t.surface, 8.0f);
            dl->AddRect(r.min, r.max, active ? t.accent : t.border, 8.0f, 0, active ? 3.0f : 1.5f);
            const ImVec2 tp(r.min.x + t.title->FontSize * 0.4f, r.min.y + (fieldH - t.title->FontSize) * 0.5f);
            dl->AddText(t.title, t.title->FontSize, tp, t.text, value.c_str());
            if (active) {
                const float w = t.title->CalcTextSizeA(t.title->FontSize, FLT_MAX, 0, value.c_str()).x;
                dl->AddRectFilled(ImVec2(tp.x + w + 2, tp.y), ImVec2(tp.x + w + 4, tp.y + t.title->FontSize), t.text);
            }
            y += fieldH + t.body->FontSize * 0.5f;
        };
        if (!s.signInTechnician) field("signin.nip", s.t("signin.nip"), s.signInNip, s.signInField == 0, "signin.field_nip");
        std::string dots;
        for (size_t i = 0; i < s.signInPinLength; ++i) dots += "\xE2\x80\xA2 "; // U+2022 BULLET
        field("signin.pin", s.t("signin.pin"), dots, s.signInField == 1, "signin.field_pin");

        if (!s.officerMessage.empty()) {
            dl->AddText(t.body, t.body->FontSize, ImVec2(x0, y), s.officerMessageIsError ? t.warning : t.text, s.officerMessage.c_str());
        }
        y += t.body->FontSize * 1.6f;

        const float padH = std::min(display.y - m - y - 100.0f * sc - m, 4 * 110.0f * sc);
        const Rect pad{ImVec2(x0, y), ImVec2(x0 + colW, y + std::max(padH, 160.0f * sc))};
        if (Intent p = drawDigitPad(s, t, pad, s.t("signin.ok"), "signin.submit"); p.kind != Intent::Kind::None) intent = p;
        const Rect cancel{ImVec2(x0, pad.max.y + m * 0.5f), ImVec2(x0 + colW, std::min(display.y - m * 0.5f, pad.max.y + m * 0.5f + 90.0f * sc))};
        if (touchButton("signin.cancel", cancel, s.t("signin.cancel").c_str(), t.label, secondaryButton(t))) intent = Intent::command("signin.cancel");

        const KeyboardInput k = readKeyboard();
        if (!k.chars.empty()) intent = Intent::of(Intent::Kind::Type, k.chars);
        if (k.backspaces) intent = Intent::of(Intent::Kind::Backspace);
        if (k.tab && !s.signInTechnician) intent = Intent::command(s.signInField == 0 ? "signin.field_pin" : "signin.field_nip");
        if (k.enter) intent = Intent::command("signin.submit");
        if (k.escape) intent = Intent::command("signin.cancel");
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeSignInScreen() { return std::make_unique<SignInScreen>(); }

} // namespace skm::ui
