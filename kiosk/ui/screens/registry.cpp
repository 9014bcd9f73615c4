// The registry: every screen of the citizen's flow, made in one place, and the catalogue keys they use.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

#include <algorithm>

namespace skm::ui {

const char* screenName(ScreenId id)
{
    switch (id) {
    case ScreenId::Attract: return "attract";
    case ScreenId::FollowUp: return "followup";
    case ScreenId::Comment: return "comment";
    case ScreenId::Thanks: return "thanks";
    case ScreenId::Notice: return "notice";
    case ScreenId::SignIn: return "signin";
    case ScreenId::Officer: return "officer";
    case ScreenId::Admin: return "admin";
    case ScreenId::Survey: return "survey";
    }
    return "unknown";
}

const char* confirmKey(Confirm c)
{
    switch (c) {
    case Confirm::QuitSurvey: return "survey.quit";
    case Confirm::SignOut: return "officer.sign_out";
    case Confirm::LeaveKiosk: return "admin.leave";
    case Confirm::None: break;
    }
    return "";
}

bool isCitizenScreen(ScreenId id) { return id != ScreenId::SignIn && id != ScreenId::Officer && id != ScreenId::Admin; }

std::unique_ptr<Screen> makeScreen(ScreenId id)
{
    switch (id) {
    case ScreenId::Attract: return makeAttractScreen();
    case ScreenId::FollowUp: return makeFollowUpScreen();
    case ScreenId::Comment: return makeCommentScreen();
    case ScreenId::Thanks: return makeThanksScreen();
    case ScreenId::Notice: return makeNoticeScreen();
    case ScreenId::SignIn: return makeSignInScreen();
    case ScreenId::Officer: return makeOfficerScreen();
    case ScreenId::Admin: return makeAdminScreen();
    case ScreenId::Survey: return makeSurveyScreen();
    }
    return nullptr;
}

HeaderLayout headerFor(const Snapshot& s, const Theme& t, bool speaker)
{
    return layoutHeader(ImGui::GetIO().DisplaySize, t, s.officeName, s.counter, s.t("lang.switch"), speaker && s.voice);
}

bool speakerButton(const Rect& r, const Theme& t)
{
    const bool tapped = touchButton("speaker", r, "", t.label, secondaryButton(t));
    // A loudspeaker and two sound waves, in the text's colour, centred in the button.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float u = std::min(r.width(), r.height()) * 0.13f; // one unit of the drawing
    const ImVec2 c = r.center();
    const float x0 = c.x - 2.6f * u;
    dl->AddRectFilled(ImVec2(x0, c.y - 0.9f * u), ImVec2(x0 + 1.3f * u, c.y + 0.9f * u), t.text);
    const ImVec2 cone[4] = {ImVec2(x0 + 1.2f * u, c.y - 0.9f * u), ImVec2(x0 + 2.6f * u, c.y - 2.2f * u), ImVec2(x0 + 2.6f * u, c.y + 2.2f * u),
                            ImVec2(x0 + 1.2f * u, c.y + 0.9f * u)};
    dl->AddConvexPolyFilled(cone, 4, t.text);
    const float w = std::max(1.5f, u * 0.45f);
    for (float radius : {1.4f * u, 2.6f * u}) {
        dl->PathArcTo(ImVec2(x0 + 2.6f * u, c.y), radius, -0.9f, 0.9f, 12);
        dl->PathStroke(t.text, ImDrawFlags_None, w);
    }
    return tapped;
}

Intent drawHeader(const Snapshot& s, const Theme& t, const HeaderLayout& h)
{
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    drawLines(dl, h.office, h.officePos, Align::Left, h.status ? t.textMuted : t.text);
    if (h.showCounter) drawText(dl, t.body, h.counterPos, t.textMuted, s.counter);
    // The discreet ways in from the touch side: a long press on the office's name (the officer), on the
    // counter's name (the technician). Not on a status header: nobody signs in in the middle of a rating.
    if (!h.status) {
        (void)touchArea("gesture.officer", h.officerGesture);
        if (h.showCounter) (void)touchArea("gesture.admin", h.adminGesture);
    }
    dl->AddLine(ImVec2(h.margin, h.bottom), ImVec2(display.x - h.margin, h.bottom), t.border, 1.0f);
    Intent intent = Intent::none();
    if (h.speaker.width() > 0 && speakerButton(h.speaker, t)) intent = Intent::of(Intent::Kind::Speak);
    if (h.language.width() > 0 && touchButton("language", h.language, s.t("lang.switch").c_str(), t.label, secondaryButton(t))) {
        intent = Intent::of(Intent::Kind::ToggleLanguage);
    }
    return intent;
}

Intent drawConfirm(const Snapshot& s, const Theme& t, ImFont* titleFont, ImFont* bodyFont)
{
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    // The texts of each confirmation the screens ask for (literal keys, so the catalogue test sees them).
    struct Texts {
        std::string title, detail, no, yes;
    } x;
    switch (s.confirm) {
    case Confirm::QuitSurvey: x = {s.t("survey.quit_title"), s.t("survey.quit_detail"), s.t("survey.quit_no"), s.t("survey.quit_yes")}; break;
    case Confirm::SignOut: x = {s.t("officer.sign_out_title"), s.t("officer.sign_out_detail"), s.t("officer.sign_out_no"), s.t("officer.sign_out_yes")}; break;
    case Confirm::LeaveKiosk: x = {s.t("admin.leave_title"), s.t("admin.leave_detail"), s.t("admin.leave_no"), s.t("admin.leave_yes")}; break;
    case Confirm::None: break;
    }
    const ConfirmLayout L = layoutConfirm(display, t, titleFont, bodyFont, x.title, x.detail, x.no, x.yes);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(0, 0), display, IM_COL32(0x1F, 0x29, 0x33, 0xB0)); // the screen behind, dimmed
    const float rounding = titleFont->FontSize * 0.4f;
    dl->AddRectFilled(L.panel.min, L.panel.max, t.surface, rounding);
    dl->AddRect(L.panel.min, L.panel.max, t.border, rounding, 0, 2.0f);
    drawLines(dl, L.title, ImVec2(L.panel.center().x, L.titleTop), Align::Center, t.text);
    drawLines(dl, L.detail, ImVec2(L.panel.center().x, L.detailTop), Align::Center, t.textMuted);
    Intent intent;
    if (touchButton("confirm.no", L.cancel, x.no.c_str(), t.label, secondaryButton(t))) intent = Intent::of(ConfirmCommand::No);
    if (touchButton("confirm.yes", L.confirm, x.yes.c_str(), t.label, primaryButton(t))) intent = Intent::of(ConfirmCommand::Yes);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) intent = Intent::of(ConfirmCommand::No);
    cycleFocusOnTab();
    return intent;
}

} // namespace skm::ui
