// The attract screen: who serves the citizen (while an officer's case or session is open), the
// question, and the four faces. A tap on a face is the rating.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../faces.hpp"
#include "../images.hpp"
#include "../layout.hpp"
#include "../qr_code.hpp"
#include "../speech.hpp"
#include "../widgets.hpp"

#include <optional>
#include <utility>
#include <string>

namespace skm::ui {

namespace {

// What the serving panel says, or nullopt when nobody is on duty.
std::optional<ServingTexts> servingTexts(const Snapshot& s)
{
    using Mode = DeskView::Serving::Mode;
    const DeskView::Serving& v = s.desk.serving;
    if (v.mode == Mode::None) return std::nullopt;
    ServingTexts out;
    out.name = v.officerName;
    out.photo = !v.photo.empty() && loadImage(v.photo).texture != nullptr;
    switch (v.mode) {
    case Mode::Case:
        out.caption = s.t("attract.serving_case");
        out.detail = v.ticket.empty() ? v.service : s.catalog->format(s.lang, "attract.service_ticket", {{"service", v.service}, {"ticket", v.ticket}});
        break;
    case Mode::OnDuty:
        out.caption = s.t("attract.serving_on_duty");
        out.detail = s.t("attract.counter_rating");
        break;
    case Mode::Break:
        out.caption = s.t("attract.serving_break");
        out.detail = s.t("attract.counter_rating");
        break;
    case Mode::None: break;
    }
    return out;
}

class AttractScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        // A short panel: the counter's name moves from the header to the footer, in the hint's place.
        const bool compact = shortPanel(display, t);
        const bool retries = s.pendingRetries > 0;
        std::optional<ServingTexts> serving = servingTexts(s);
        const bool caseOpen = s.desk.serving.mode == DeskView::Serving::Mode::Case;
        // While a case is open, its QR code: the phone questionnaire for a citizen who would rather
        // answer later (the layouts leave it out when the faces need the room).
        const std::string& phoneUrl = caseOpen ? s.desk.serving.phoneUrl : std::string();
        if (phoneUrl != m_qrText) {
            m_qrText = phoneUrl;
            m_qr = makeQrCode(m_qrText);
        }
        if (serving && m_qr.modules > 0) {
            serving->qrModules = m_qr.modules + 8; // the quiet zone
            serving->qrCaption = s.t("attract.phone_qr");
        }
        // The question names the officer only when the rating will be theirs (an open case).
        const std::string question = attractQuestion(s);
        const std::string retriesLine =
            s.catalog->format(s.lang, "attract.retries_pending", {{"n", formatCount(static_cast<long long>(s.pendingRetries), s.lang)}});

        // Stacked: header, who serves, the question, the faces in a row, the footer. On a short panel
        // the counter's name moves from the header to the footer, in the hint's place.
        // The speaker button (the kiosk has a voice): beside the language button, reads the question and the faces.
        const bool speaker = s.voice;
        HeaderLayout header = !compact ? headerFor(s, t, speaker) : layoutHeader(display, t, s.officeName, "", s.t("lang.switch"), speaker);
        // The IKM line the central office publishes, after the hint (on a short panel after the counter's
        // name, in short): shown only while there is one.
        std::string hint = compact ? s.counter : s.t("attract.hint");
        if (s.publishedIkm) {
            const config::PublishedIkm& p = *s.publishedIkm;
            const std::string score = formatNumber(p.ikm, 2, s.lang), mutu(1, p.mutu);
            hint += "  ·  " + (compact ? s.catalog->format(s.lang, "attract.ikm_short", {{"score", score}, {"mutu", mutu}})
                                       : s.catalog->format(s.lang, "attract.ikm_line",
                                                           {{"unit", p.unit},
                                                            {"period", s.lang == config::Lang::En ? p.periodEn : p.periodId},
                                                            {"score", score},
                                                            {"mutu", mutu}}));
        }
        FooterLayout footer = layoutFooter(display, t, header.margin, retries ? retriesLine : hint, s.t("survey.start"), s.citizen.surveyOffered);
        AttractLayout L = layoutAttract(display, t, header, question, serving ? &*serving : nullptr, footer, compact && caseOpen);
        // Side by side when someone serves and the faces would come out small (a short landscape panel):
        // who serves and the question on the left, the faces on the right. The header keeps to one
        // line, the office's name cut if it must, beside the counter's.
        const bool sideBySide = serving && display.x > display.y && (compact || L.faceRadius < t.minTarget() * 1.2f);
        if (sideBySide) {
            // The office's and the counter's names on one line; else the office's alone (who serves says
            // more than the counter); else the office's cut to leave the counter's room.
            const HeaderLayout probe = layoutHeader(display, t, "", s.counter, s.t("lang.switch"), speaker);
            const float officeRoom = probe.counterPos.x - probe.margin - t.body->FontSize * 1.5f;
            const float aloneRoom = (speaker ? probe.speaker.min.x : probe.language.min.x) - 2 * probe.margin;
            const float officeW = textWidth(t.title, s.officeName);
            const bool withCounter = officeW <= officeRoom || officeW > aloneRoom;
            const std::string office = withCounter ? fitWithEllipsis(t.title, s.officeName, officeRoom) : s.officeName;
            header = layoutHeader(display, t, office, withCounter ? s.counter : "", s.t("lang.switch"), speaker);
            // Without the counter's name in the header, the footer says it if the column leaves room; the
            // officer's photo and the QR code go first (a face the citizen recognises says more than the
            // counter).
            const FooterLayout withName = layoutFooter(display, t, header.margin, retries ? retriesLine : withCounter ? "" : s.counter, s.t("survey.start"), s.citizen.surveyOffered);
            const FooterLayout without = layoutFooter(display, t, header.margin, retries ? retriesLine : "", s.t("survey.start"), s.citizen.surveyOffered);
            const AttractLayout a = layoutAttractSideBySide(display, t, header, question, *serving, withName, caseOpen);
            const AttractLayout b = layoutAttractSideBySide(display, t, header, question, *serving, without, caseOpen);
            // The photo first, then the case's QR code, then the counter's name in the footer.
            const auto shown = [](const AttractLayout& x) { return std::make_pair(x.servingPanel.photo.width() > 0, x.servingPanel.qr.width() > 0); };
            const bool useA = a.fits && !(b.fits && shown(b) > shown(a));
            footer = useA ? withName : without;
            L = useA ? a : b;
        }
        beginFullscreen("##attract");
        Intent intent = drawHeader(s, t, header);
        ImDrawList* dl = ImGui::GetWindowDrawList();

        if (serving) {
            const ServingLayout& P = L.servingPanel;
            const float rounding = t.body->FontSize * 0.4f;
            const bool onBreak = s.desk.serving.mode == DeskView::Serving::Mode::Break;
            dl->AddRectFilled(P.panel.min, P.panel.max, onBreak ? t.warningBg : t.surface, rounding);
            dl->AddRect(P.panel.min, P.panel.max, t.border, rounding, 0, 1.5f);
            if (P.photo.width() > 0) drawImageCover(dl, loadImage(s.desk.serving.photo), P.photo.min, P.photo.max, rounding * 0.5f);
            if (P.caption) drawLines(dl, P.captionText, P.captionPos, Align::Left, onBreak ? t.warning : t.textMuted);
            // (Combined: the question naming the officer, in the name's place.)
            drawLines(dl, P.name, P.namePos, Align::Left, t.text);
            drawLines(dl, P.detail, P.detailPos, Align::Left, t.text);
            if (P.qr.width() > 0) {
                drawQrCode(dl, m_qr, P.qr.min, P.qr.width());
                drawLines(dl, P.qrCaption, P.qrCaptionPos, P.qrCaptionAlign == 1 ? Align::Right : Align::Center, t.textMuted);
            }
        }
        if (!L.combined) drawLines(dl, L.question, ImVec2(L.questionCenterX, L.questionTop), Align::Center, t.text);

        for (int score = 4; score >= 1; --score) {
            bool held = false;
            if (touchArea("face." + std::to_string(score), L.target[score - 1], &held)) intent = Intent::rate(score);
            drawFace(dl, L.faceCenter[score - 1], L.faceRadius, score, held);
            const std::string& label = s.t(faceKey(score));
            const float cellW = L.target[score - 1].width();
            // A label wider than its cell (a long translation on a small panel) uses the narrower body font.
            ImFont* f = textWidth(t.label, label) <= cellW ? t.label : t.body;
            const ImVec2 lw = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, label.c_str());
            const ImVec2 lc = L.labelCenter[score - 1];
            drawText(dl, f, ImVec2(lc.x - lw.x * 0.5f, lc.y - lw.y * 0.5f), t.text, label);
        }

        if (s.citizen.surveyOffered && touchButton("survey.start", footer.survey, s.t("survey.start").c_str(), t.label, secondaryButton(t))) {
            intent = Intent::of(Intent::Kind::StartSurvey);
        }
        if (retries) {
            const float pad = t.body->FontSize * 0.3f;
            float w = 0;
            for (const std::string& line : footer.hint.lines) w = std::max(w, textWidth(t.body, line));
            dl->AddRectFilled(ImVec2(footer.hintPos.x - pad, footer.hintPos.y - pad),
                              ImVec2(footer.hintPos.x + w + pad, footer.hintPos.y + footer.hint.height() + pad), t.warningBg, pad);
        }
        drawLines(dl, footer.hint, footer.hintPos, Align::Left, retries ? t.warning : t.textMuted);
        // The technician's long press on the counter's name, where it is on a short panel.
        if (compact && !sideBySide && !retries && !footer.hint.lines.empty()) {
            (void)touchArea("gesture.admin", Rect{footer.hintPos, ImVec2(footer.hintPos.x + std::max(textWidth(t.body, s.counter), t.minTarget()),
                                                                        footer.hintPos.y + footer.hint.height())});
        }
        endFullscreen();
        return intent;
    }

private:
    std::string m_qrText;
    QrCode m_qr;
};

} // namespace

std::unique_ptr<Screen> makeAttractScreen() { return std::make_unique<AttractScreen>(); }

} // namespace skm::ui
