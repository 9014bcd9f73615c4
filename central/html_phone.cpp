// The phone questionnaire's pages (web_phone.cpp serves them): one light page, no script, no image, its
// own small stylesheet (allowed by its hash alone), large touch targets, id/en.

#include "html_report.hpp"

#include "html_parts.hpp"

#include <sstream>

namespace skm::central::html {

namespace {
const char* const kPhoneStyle = R"css(
body{margin:0;font:17px/1.45 system-ui,-apple-system,"Noto Sans",sans-serif;color:#1c2430;background:#f5f7fa}
main{max-width:640px;margin:0 auto;padding:12px}
header{background:#0f4c81;color:#fff;padding:12px}
header h1{font-size:19px;margin:0 auto;max-width:640px}
header p{margin:4px auto 0;max-width:640px;font-size:15px}
header a{color:#fff}
fieldset{border:0;background:#fff;border-radius:10px;margin:0 0 12px;padding:12px}
legend{font-weight:600;padding:0;margin-bottom:8px;float:left;width:100%}
legend small{display:block;font-weight:400;color:#5a6675}
label.o{display:flex;align-items:center;gap:10px;min-height:48px;padding:4px 10px;margin:6px 0;border:1px solid #c9d1db;border-radius:8px;background:#fff;clear:both}
label.o input{width:24px;height:24px;margin:0;flex:none}
textarea{width:100%;box-sizing:border-box;min-height:96px;font:inherit;padding:8px;border:1px solid #c9d1db;border-radius:8px}
button{width:100%;min-height:52px;font:inherit;font-weight:600;color:#fff;background:#0f4c81;border:0;border-radius:10px}
.err{background:#fde8e8;color:#8a1c1c;padding:10px;border-radius:8px}
.note{color:#5a6675;font-size:15px}
)css";

const char* t(Lang lang, const char* id, const char* en) { return lang == Lang::En ? en : id; }
} // namespace

std::string phonePolicy() { return styleOnlyPolicy(kPhoneStyle); }

std::string phonePage(Lang lang, const std::string& title, const std::string& subtitle, const std::string& languageLink, const std::string& body)
{
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"" << (lang == Lang::En ? "en" : "id") << "\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>" << escape(title)
      << "</title><style>" << kPhoneStyle << "</style></head><body><header><h1>" << escape(title) << "</h1>";
    if (!subtitle.empty()) o << "<p>" << escape(subtitle) << "</p>";
    if (!languageLink.empty()) o << "<p><a href=\"" << languageLink << "\">" << t(lang, "English", "Bahasa Indonesia") << "</a></p>";
    o << "</header><main>" << body << "</main></body></html>\n";
    return o.str();
}

std::string phoneSurveyForm(Lang lang, const PhoneForm& f)
{
    std::ostringstream b;
    const config::SurveyDefinition& s = *f.survey;
    if (!f.error.empty()) b << "<p class=\"err\" role=\"alert\">" << escape(f.error) << "</p>";
    b << "<p class=\"note\">" << t(lang, "Sembilan pertanyaan tentang layanan yang Anda terima, lalu data responden dan saran (boleh dilewati). "
                                         "Jawaban Anda tidak menampilkan nama Anda.",
                                  "Nine questions about the service you received, then about you and a suggestion (both optional). "
                                  "Your answers do not show your name.")
      << "</p>";
    b << "<form method=\"post\" action=\"" << escape(f.action) << "\">";
    for (const config::SurveyUnsur& u : s.unsur) {
        b << "<fieldset><legend>" << escape(u.question.in(lang)) << "<small>" << escape(u.code) << " · " << escape(u.name.in(lang)) << "</small></legend>";
        // The best answer first, as on the kiosk: every scale runs in one direction.
        for (int v = 4; v >= 1; --v) {
            const auto chosen = f.values.find(u.code);
            b << "<label class=\"o\"><input type=\"radio\" name=\"" << u.code << "\" value=\"" << v << "\" required"
              << (chosen != f.values.end() && chosen->second == std::to_string(v) ? " checked" : "") << "> " << escape(u.answers[static_cast<size_t>(v - 1)].in(lang))
              << "</label>";
        }
        b << "</fieldset>";
    }
    for (const config::SurveyProfileItem& p : s.profile) {
        b << "<fieldset><legend>" << escape(p.question.in(lang)) << "<small>" << t(lang, "boleh dilewati", "optional") << "</small></legend>";
        for (const config::SurveyOption& o : p.options) {
            const auto chosen = f.values.find(p.code);
            b << "<label class=\"o\"><input type=\"radio\" name=\"" << escape(p.code) << "\" value=\"" << escape(o.code) << "\""
              << (chosen != f.values.end() && chosen->second == o.code ? " checked" : "") << "> " << escape(o.label.in(lang)) << "</label>";
        }
        b << "</fieldset>";
    }
    if (s.saran) {
        const auto typed = f.values.find("saran");
        b << "<fieldset><legend><label for=\"saran\">" << escape(s.saran->question.in(lang)) << "</label><small>" << escape(s.saran->hint.in(lang))
          << "</small></legend><textarea id=\"saran\" name=\"saran\" maxlength=\"" << s.saran->maxChars << "\">"
          << (typed != f.values.end() ? escape(typed->second) : std::string()) << "</textarea></fieldset>";
    }
    b << "<button type=\"submit\">" << t(lang, "Kirim jawaban", "Send my answers") << "</button></form>";
    return b.str();
}

} // namespace skm::central::html
