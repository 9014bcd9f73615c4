// "Terima kasih": shown only after the rating is on disk, the same for every face.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../qr_code.hpp"
#include "../widgets.hpp"

namespace skm::ui {

namespace {

class ThanksScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const HeaderLayout header = headerFor(s, t);
        const FooterLayout footer = layoutFooter(display, t, header.margin, "", s.t("survey.start"), s.citizen.surveyOffered);
        beginFullscreen("##thanks");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        // With the phone questionnaire's QR code the thanks moves to the left half and the code takes
        // the right (on a portrait panel: the code below). The code carries a link, not the face: the
        // screen still tells nobody nearby which face was chosen.
        const bool qr = !s.citizen.phoneUrl.empty();
        if (qr && s.citizen.phoneUrl != m_qrText) {
            m_qrText = s.citizen.phoneUrl;
            m_qr = makeQrCode(m_qrText);
        }
        const bool portrait = display.y > display.x;
        const float centreX = qr && !portrait ? display.x * 0.32f : display.x * 0.5f;
        // A neutral check mark: the same for every face, so nobody nearby learns which was chosen.
        const float r = t.huge->FontSize * 0.9f;
        const ImVec2 c(centreX, display.y * (qr && portrait ? 0.18f : 0.30f));
        dl->AddCircleFilled(c, r, t.text, 48);
        const float k = r * 0.5f;
        const ImVec2 tick[3] = {ImVec2(c.x - k, c.y), ImVec2(c.x - k * 0.25f, c.y + k * 0.7f), ImVec2(c.x + k, c.y - k * 0.6f)};
        dl->AddPolyline(tick, 3, IM_COL32_WHITE, ImDrawFlags_None, r * 0.16f);
        const float wrap = qr && !portrait ? display.x * 0.56f : display.x * 0.9f;
        float y = c.y + r + t.huge->FontSize * 0.4f;
        y += drawCenteredWrapped(dl, t.huge, s.t("thanks.title").c_str(), centreX, y, wrap, t.text);
        y += t.body->FontSize * 0.5f;
        y += drawCenteredWrapped(dl, t.title, s.t(s.citizen.thanksForSurvey ? "thanks.survey_detail" : "thanks.detail").c_str(), centreX, y, wrap, t.textMuted);
        if (qr && m_qr.modules > 0) {
            // The code as large as the space between the header and the footer allows, its caption below.
            const float caption = lineHeight(t.body) * 3.2f;
            const float top = portrait ? y + t.body->FontSize : header.bottom + header.margin;
            const float bottom = footer.top - header.margin;
            const float columnW = portrait ? display.x * 0.8f : display.x * 0.34f;
            const float side = std::max(0.0f, std::min(columnW, bottom - top - caption));
            const float qx = portrait ? display.x * 0.5f : display.x * 0.78f;
            drawQrCode(dl, m_qr, ImVec2(qx - side * 0.5f, top), side);
            drawCenteredWrapped(dl, t.body, s.t("thanks.phone_qr").c_str(), qx, top + side + t.body->FontSize * 0.4f, std::max(columnW, side), t.text);
        }
        Intent intent = Intent::none();
        if (s.citizen.surveyOffered && touchButton("survey.start", footer.survey, s.t("survey.start").c_str(), t.label, secondaryButton(t))) {
            intent = Intent::of(Intent::Kind::StartSurvey);
        }
        endFullscreen();
        return intent;
    }

private:
    std::string m_qrText;
    QrCode m_qr;
};

} // namespace

std::unique_ptr<Screen> makeThanksScreen() { return std::make_unique<ThanksScreen>(); }

} // namespace skm::ui
