// "Terima kasih": shown only after the rating is on disk, the same for every face. After a complaint
// reason (which the citizen chose on their own step) the code it shows is SP4N-LAPOR!'s, with the
// rating's reference code under it, instead of the phone questionnaire's (docs/complaints.md).

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../qr_code.hpp"
#include "../widgets.hpp"

#include <cmath>

namespace skm::ui {

namespace {

class ThanksScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const float m = marginFor(display); // (no header: the thanks is all the screen says)
        const FooterLayout footer = layoutFooter(display, t, m, "", s.t("survey.start"), s.citizen.surveyOffered);
        beginFullscreen("##thanks");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        // With the phone questionnaire's QR code the thanks moves to the left half and the code takes
        // the right (on a portrait panel: the code below). The code carries a link, not the face: the
        // screen still tells nobody nearby which face was chosen.
        const bool complaint = !s.citizen.complaintUrl.empty();
        const std::string& qrText = complaint ? s.citizen.complaintUrl : s.citizen.phoneUrl;
        if (qrText != m_qrText) {
            m_qrText = qrText;
            m_qr = makeQrCode(m_qrText);
        }
        const bool portrait = display.y > display.x;
        // The code as large as the room above the footer allows (two pixels a module
        // at least), its caption under it; in portrait under the thanks, whose height is known only
        // after it is drawn: measured first.
        const float r = t.huge->FontSize * 0.9f;
        const char* detailKey = s.citizen.thanksForSurvey ? "thanks.survey_detail" : "thanks.detail";
        const float columnW = portrait ? display.x * 0.8f : display.x * 0.34f;
        const float gap = t.body->FontSize * 0.4f;
        const char* const captionKeys[2] = {complaint ? "thanks.complaint_qr" : "thanks.phone_qr", complaint ? "thanks.complaint_qr_short" : "thanks.phone_qr_short"};
        TextBlock caption = fitText(s.t(captionKeys[0]), columnW, {t.body}, 99);
        // The reference code in bold on a line of its own where it fits (the code itself never wraps).
        const TextBlock ref = complaint ? fitText(s.catalog->format(s.lang, "thanks.complaint_ref", {{"code", s.citizen.complaintRef}}), columnW, {t.title, t.body}, 1)
                                        : TextBlock{};
        const float refRoom = complaint ? gap * 0.5f + ref.height() : 0.0f;
        const float total = static_cast<float>(m_qr.modules + 8);
        float qrTop = m, side = 0;
        if (m_qr.modules > 0) {
            if (portrait) {
                const TextBlock title = fitText(s.t("thanks.title"), display.x * 0.9f, {t.huge}, 99);
                const TextBlock detail = fitText(s.t(detailKey), display.x * 0.9f, {t.title}, 99);
                qrTop = display.y * 0.18f + r + t.huge->FontSize * 0.4f + title.height() + t.body->FontSize * 0.5f + detail.height() + t.body->FontSize;
            }
            // (At three pixels a module, or on a short panel at two with the caption's short form.)
            for (const char* key : captionKeys) {
                caption = fitText(s.t(key), columnW, {t.body}, 99);
                const float room = std::min(columnW, footer.top - m - qrTop - gap - caption.height() - refRoom);
                side = room >= 2 * total ? std::floor(room / total) * total : 0.0f;
                if (side >= 3 * total) break;
            }
        }
        const bool qr = side > 0;
        const float centreX = qr && !portrait ? display.x * 0.32f : display.x * 0.5f;
        // A neutral check mark: the same for every face, so nobody nearby learns which was chosen.
        const ImVec2 c(centreX, display.y * (qr && portrait ? 0.18f : 0.30f));
        dl->AddCircleFilled(c, r, t.text, 48);
        const float k = r * 0.5f;
        const ImVec2 tick[3] = {ImVec2(c.x - k, c.y), ImVec2(c.x - k * 0.25f, c.y + k * 0.7f), ImVec2(c.x + k, c.y - k * 0.6f)};
        dl->AddPolyline(tick, 3, IM_COL32_WHITE, ImDrawFlags_None, r * 0.16f);
        const float wrap = qr && !portrait ? display.x * 0.56f : display.x * 0.9f;
        float y = c.y + r + t.huge->FontSize * 0.4f;
        y += drawCenteredWrapped(dl, t.huge, s.t("thanks.title").c_str(), centreX, y, wrap, t.text);
        y += t.body->FontSize * 0.5f;
        y += drawCenteredWrapped(dl, t.title, s.t(detailKey).c_str(), centreX, y, wrap, t.textMuted);
        if (qr) {
            const float qx = portrait ? display.x * 0.5f : display.x * 0.78f;
            drawQrCode(dl, m_qr, ImVec2(std::round(qx - side * 0.5f), qrTop), side);
            drawLines(dl, caption, ImVec2(qx, qrTop + side + gap), Align::Center, t.text);
            if (complaint) drawLines(dl, ref, ImVec2(qx, qrTop + side + gap + caption.height() + gap * 0.5f), Align::Center, t.text);
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
