// One question of the SKM survey: where we are ("Pertanyaan 3 dari 9 · Waktu Penyelesaian"), the
// question, its answers as large buttons, and Kembali / Lewati / Berhenti. An unsur's four answers run
// in the faces' direction (the best on the left, value 4, down to 1 on the right) and each carries the
// face of the same value, so the scale reads the same way as the attract screen's and a citizen who
// reads poorly can answer by the faces; no digits that read as marks. Profile questions list their
// options in the definition's order. The answer chosen before (after going back) is marked. The last
// step, the saran, is typed on the comment's on-screen keyboard (drawTextEntry).

#include "common.hpp"

#include "../draw_util.hpp"
#include "../faces.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

#include <string>

namespace skm::ui {

namespace {

class SurveyScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        const SurveyView& v = s.survey;
        if (v.saran && s.confirm == Confirm::None) {
            TextEntry e;
            e.prompt = v.question;
            e.hint = v.hint;
            e.placeholder = s.t("survey.saran_placeholder");
            e.text = &v.text;
            e.chars = v.textChars;
            e.maxChars = v.textMax;
            e.digits = v.keyboardDigits;
            e.skipName = "saran.skip";
            e.sendName = "saran.send";
            e.sendLabel = s.t("survey.saran_send");
            return drawTextEntry(s, t, e, "##survey-saran");
        }
        beginFullscreen("##survey");
        if (s.confirm != Confirm::None) {
            const Intent intent = drawConfirm(s, t, t.title, t.body);
            endFullscreen();
            return intent;
        }
        // A short panel: "Pertanyaan 3 dari 9 · ..." is the header's status line.
        const bool compact = shortPanel(display, t);
        // (There, the language button goes to the bottom row, to leave the question and answers the room.)
        // The speaker button (the kiosk has a voice) reads the question and all its answers: in the
        // header; on a short panel in the bottom row beside the language button, or, where that row
        // already holds Lewati too (a profile question), at the right end of the status line.
        const bool rowSpeaker = s.voice && !v.canSkip;
        HeaderLayout header = compact ? layoutStatusHeader(display, t, v.sectionShort, "", false, s.voice && !rowSpeaker) : headerFor(s, t, true);
        std::vector<std::string> labels;
        for (const ReasonChip& o : v.options) labels.push_back(o.label);
        SurveyLayout L = layoutSurvey(display, t, header, v.question, labels, v.scale, v.canSkip, rowSpeaker);
        if (compact && v.scale && L.perPage > 0) {
            // The four answers of an unsur are never split over pages: the section line gives way
            // (the progress bar stays).
            header = layoutStatusHeader(display, t, "", "", false);
            L = layoutSurvey(display, t, header, v.question, labels, v.scale, v.canSkip, rowSpeaker);
        }
        Intent intent = drawHeader(s, t, header);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float m = header.margin;

        // Progress: a thin bar under the header, then the section line (unless the header holds it).
        const float barH = std::max(4.0f, 6.0f * t.scale);
        const float barY = header.status ? header.bottom - barH * 0.5f : L.sectionTop;
        const float frac = v.steps > 0 ? static_cast<float>(v.step) / static_cast<float>(v.steps) : 0.0f;
        dl->AddRectFilled(ImVec2(m, barY), ImVec2(display.x - m, barY + barH), t.surfacePressed, barH * 0.5f);
        dl->AddRectFilled(ImVec2(m, barY), ImVec2(m + (display.x - 2 * m) * frac, barY + barH), t.text, barH * 0.5f);
        if (!header.status) drawText(dl, t.body, ImVec2(m, barY + barH + 2.0f), t.textMuted, fitWithEllipsis(t.body, v.section, display.x - 2 * m));
        drawLines(dl, L.question, ImVec2(L.questionCenterX, L.questionTop + barH), Align::Center, t.text);

        // Pages when the answers do not fit: this page's answers, then "more choices" in the last slot.
        const size_t perPage = L.perPage > 0 ? L.perPage : v.options.size();
        const size_t pages = (v.options.size() + perPage - 1) / std::max<size_t>(1, perPage);
        const size_t first = pages > 0 ? (static_cast<size_t>(v.page) % pages) * perPage : 0;
        // One face size for the whole question: the layout's minimum, larger when every answer's button
        // has the room and no label needs more lines for it.
        float faceR = L.faceRadius;
        if (v.scale && !L.faceAbove && !L.options.empty()) {
            const float pad = answerPadding(t);
            const Rect& r0 = L.options.front();
            const float larger = std::max(L.faceRadius, std::min(r0.height() * 0.3f, r0.width() * 0.12f));
            bool fits = true;
            for (const ReasonChip& o : v.options) {
                fits = fits && wrapLines(L.answerFont, o.label, r0.width() - 3 * pad - 2 * larger).size() <=
                                   wrapLines(L.answerFont, o.label, r0.width() - 3 * pad - 2 * L.faceRadius).size();
            }
            if (fits) faceR = larger;
        }
        for (size_t slot = 0; slot < perPage && first + slot < v.options.size() && slot < L.options.size(); ++slot) {
            const ReasonChip& o = v.options[first + slot];
            const bool chosen = o.code == v.selected;
            const Rect& r = L.options[slot];
            if (v.scale) {
                // An unsur answer: its face on the left, its label beside it.
                bool held = false;
                if (touchArea("answer." + o.code, r, &held)) intent = Intent::of(Intent::Kind::Answer, o.code);
                const ButtonStyle style = chosen ? primaryButton(t) : chipButton(t);
                const float rounding = std::min(r.height(), r.width()) * 0.12f;
                dl->AddRectFilled(r.min, r.max, held ? style.fillPressed : style.fill, rounding);
                dl->AddRect(r.min, r.max, style.border, rounding, 0, std::max(1.5f, t.label->FontSize * 0.07f));
                const float pad = answerPadding(t);
                const int score = std::stoi(o.code);
                if (L.faceAbove) {
                    const float radius = L.faceRadius, p2 = pad * 0.5f;
                    drawFace(dl, ImVec2(r.center().x, r.min.y + p2 + radius), radius, score, held);
                    const TextBlock label = fitText(o.label, r.width() - 2 * p2, {L.answerFont}, 3);
                    const float textTop = r.min.y + 2 * p2 + 2 * radius;
                    drawLines(dl, label, ImVec2(r.center().x, textTop + std::max(0.0f, (r.max.y - p2 - textTop - label.height()) * 0.5f)), Align::Center,
                              style.text);
                } else {
                    const float radius = faceR;
                    const ImVec2 faceC(r.min.x + pad + radius, r.center().y);
                    drawFace(dl, faceC, radius, score, held);
                    const float textLeft = faceC.x + radius + pad;
                    const TextBlock label = fitText(o.label, r.max.x - pad - textLeft, {L.answerFont}, 2);
                    drawLines(dl, label, ImVec2(textLeft, r.center().y - label.height() * 0.5f), Align::Left, style.text);
                }
                if (!focusedByKeyboard()) continue;
                if (const Target* f = focusedTarget(); f && f->name == "answer." + o.code) {
                    const float w = std::max(3.0f, t.label->FontSize * 0.12f);
                    dl->AddRect(ImVec2(r.min.x - w, r.min.y - w), ImVec2(r.max.x + w, r.max.y + w), IM_COL32(0xE0, 0x8A, 0x00, 0xFF), rounding + w, 0, w);
                }
            } else if (touchButton("answer." + o.code, r, o.label.c_str(), L.answerFont, chosen ? primaryButton(t) : chipButton(t))) {
                intent = Intent::of(Intent::Kind::Answer, o.code);
            }
        }
        if (L.perPage > 0 && touchButton("survey.more", L.options.back(), s.t("survey.more").c_str(), t.label, secondaryButton(t))) {
            intent = Intent::of(SurveyCommand::MoreAnswers);
        }
        if (L.language.width() > 0 && touchButton("language", L.language, s.t("lang.switch").c_str(), t.label, secondaryButton(t))) {
            intent = Intent::of(Intent::Kind::ToggleLanguage);
        }
        if (L.speaker.width() > 0 && speakerButton(L.speaker, t)) intent = Intent::of(Intent::Kind::Speak);
        if (v.canBack && touchButton("survey.back", L.back, s.t("survey.back").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Back);
        if (v.canSkip && touchButton("skip", L.skip, s.t("common.skip").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Skip);
        if (touchButton("survey.quit", L.quit, s.t("survey.quit").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Quit);
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeSurveyScreen() { return std::make_unique<SurveyScreen>(); }

} // namespace skm::ui
