// The phone questionnaire (issue 20, docs/phone-survey.md): GET and POST /m/TOKEN, no sign-in. The
// token is the kiosk's one-time link (core/phone_link.hpp), checked against the device's secret; the
// answers are stored through the upload's own ingest as that device's survey response, with the
// link's ref as its id (so one response per link) and "channel": "phone". A unit's poster (kind 3,
// central/poster.hpp) is checked against the office's poster device and takes many responses, each its
// own id, "channel": "poster", under per-address limits of their own.

#include "web_util.hpp"

#include <core/text_controls.hpp>

#include <central/reports/officers.hpp>
#include <central/store/records.hpp>
#include <core/phone_link.hpp>
#include <core/roster.hpp>
#include <core/uuid.hpp>
#include <net/rate_limit.hpp>

#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>

namespace skm::central {

using namespace web;

namespace {

struct LinkCheck {
    int status = 200;        // else the page to answer with
    std::string message;
    phone::Link link;
};

std::string texts(html::Lang lang, const char* id, const char* en) { return lang == html::Lang::En ? en : id; }

LinkCheck checkLink(CentralStore& store, const std::string& token, int64_t nowMs, html::Lang lang)
{
    LinkCheck c;
    const phone::Decoded read = phone::read(token);
    // A poster's link is the office's poster device's, and only a poster's is: a kiosk cannot sign one.
    const bool kindFits = (read.link.kind == phone::Kind::Poster) == (read.link.deviceId == kPosterDevice);
    const std::optional<std::string> secret = read.problem == phone::Problem::None && kindFits ? store.deviceSecret(read.link.deviceId) : std::nullopt;
    const phone::Decoded d = secret ? phone::verify(token, *secret, nowMs / 1000) : read;
    if (!secret || d.problem == phone::Problem::Malformed || d.problem == phone::Problem::Forged) {
        // Forged, altered, or of no device here: the same answer, which tells a guesser nothing.
        return {404, texts(lang, "Tautan ini tidak berlaku. Pindai kode QR sekali lagi.", "This link is not valid. Scan the QR code again."), {}};
    }
    const bool poster = d.link.kind == phone::Kind::Poster;
    if (d.problem == phone::Problem::Expired && poster) {
        return {410, texts(lang, "Kode QR pada poster ini sudah tidak berlaku. Terima kasih atas kesediaan Anda.",
                           "The QR code on this poster is no longer valid. Thank you for your willingness."),
                {}};
    }
    if (d.problem == phone::Problem::Expired) {
        return {410, texts(lang, "Tautan ini sudah kedaluwarsa. Terima kasih atas kesediaan Anda.", "This link has expired. Thank you for your willingness."),
                {}};
    }
    // A poster takes many responses (each its own id); a kiosk's link one.
    // (The case's response may have come another way too: its questionnaire on the kiosk.)
    const bool answered = !poster && store.readSnapshot([&](sql::Connection& db) {
        if (db.one("SELECT 1 FROM survey_responses WHERE id = $1", {d.link.ref})) return true;
        if (d.link.caseId.empty()) return false;
        return db.one("SELECT 1 FROM survey_responses WHERE device_id = $1 AND status = 'complete' AND started_wall_ms >= $2 AND body LIKE $3 LIMIT 1",
                      {d.link.deviceId, (d.link.expiresS - 9 * 86'400LL) * 1000, "%\"case_id\":\"" + d.link.caseId + "\"%"})
            .has_value();
    });
    if (answered) {
        return {409, texts(lang, "Survei untuk layanan ini sudah diisi. Terima kasih!", "The survey for this service was already answered. Thank you!"), {}};
    }
    c.link = d.link;
    return c;
}

// "Loket 1 · Kartu Keluarga": the counter and the service's name in the published roster.
std::string subtitle(const std::filesystem::path& dataDir, const phone::Link& link, html::Lang lang)
{
    std::string service = link.serviceCode;
    try {
        const roster::Roster r = roster::loadRosterFile((dataDir / "publish" / "roster.toml").string());
        for (const roster::Service& s : r.services) {
            if (s.code == link.serviceCode) service = lang == html::Lang::En && !s.nameEn.empty() ? s.nameEn : s.nameId;
        }
    } catch (const std::exception&) {
    }
    return link.counter + (service.empty() ? "" : " · " + service); // (a poster's counter is its unit)
}

// Text typed on a phone, as the kiosk's would be: line breaks and tabs become spaces, other control
// characters are dropped, at most `maxChars` characters (UTF-8), trimmed.
std::string cleanSaran(const std::string& in, int maxChars)
{
    std::string out;
    int chars = 0;
    for (size_t i = 0; i < in.size() && chars < maxChars; ++i) {
        const unsigned char c = static_cast<unsigned char>(in[i]);
        if (c == '\r' || c == '\n' || c == '\t') {
            if (!out.empty() && out.back() != ' ') out += ' ';
            continue;
        }
        if (c < 0x20 || c == 0x7f) continue;
        // Bidirectional controls and marks (U+200E/F, U+202A-E, U+2066-9), which the kiosk's keyboard
        // cannot type either: a suggestion shown reversed or spliced in a report misleads its reader.
        if (const size_t n = text::bidiControlAt(in, i)) {
            i += n - 1;
            continue;
        }
        if ((c & 0xc0) != 0x80) ++chars;
        out += static_cast<char>(c);
    }
    while (!out.empty() && (out.back() == ' ' || (static_cast<unsigned char>(out.back()) & 0xc0) == 0xc0)) out.pop_back();
    return out;
}

} // namespace

void registerPhonePages(http::Server& httpServer, CentralStore& store, const std::filesystem::path& dataDir, std::function<int64_t()> now,
                        std::vector<std::string> trustedProxies)
{
    // Per client address: 30 pages at once, then one a second (a citizen needs two or three, and many
    // phones share a carrier's address); all together 300, then 50 a second.
    auto limiter = std::make_shared<http::RateLimiter>(http::RateLimits{30, 1, 300, 50, 8192});
    // A poster's answers, per client address: 3, then one every 10 minutes (a family at one phone may
    // answer in turn; a script may not stuff a unit's poster figures); all together 200, then 1 a second.
    auto posterLimiter = std::make_shared<http::RateLimiter>(http::RateLimits{3, 1.0 / 600, 200, 1, 8192});
    struct Ids {
        std::mutex mutex;
        store::UuidV7Generator next;
    };
    auto ids = std::make_shared<Ids>();
    auto answer = [](httplib::Response& res, int status, const std::string& body, const char* retryAfter = "2") {
        res.status = status;
        res.set_header("Content-Security-Policy", html::phonePolicy());
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Cache-Control", "no-store");
        // same-origin, not no-referrer: under no-referrer a browser sends its form with "Origin: null", which
        // the cross-site check refuses (the end-to-end test in Chromium saw 403); the link never leaves the site.
        res.set_header("Referrer-Policy", "same-origin");
        if (status == 429) res.set_header("Retry-After", retryAfter);
        res.set_content(body, "text/html; charset=utf-8");
    };
    auto refuse = [answer](httplib::Response& res, html::Lang lang, int status, const std::string& message) {
        answer(res, status, html::phonePage(lang, texts(lang, "Survei Kepuasan Masyarakat", "Public Satisfaction Survey"), "", "", "<p class=\"err\">" + html::escape(message) + "</p>"));
    };
    auto handle = [&store, &dataDir, now, limiter, posterLimiter, ids, answer, refuse, trustedProxies](const httplib::Request& req, httplib::Response& res) {
        const html::Lang lang = langOf(req);
        const std::string client = clientAddress(req, trustedProxies);
        if (std::string why = limiter->admit(client, now()); !why.empty()) {
            return refuse(res, lang, 429, texts(lang, "Terlalu banyak permintaan. Coba lagi sebentar lagi.", "Too many requests. Try again in a moment."));
        }
        if (req.method == "POST" && !formAccepted(req, res)) return;
        const std::string token = req.matches[1];
        const LinkCheck c = checkLink(store, token, now(), lang);
        if (c.status != 200) return refuse(res, lang, c.status, c.message);
        config::SurveyDefinition survey;
        try {
            survey = publishedSurvey(dataDir);
        } catch (const std::exception& e) {
            spdlog::error("phone questionnaire: {}", e.what());
            return refuse(res, lang, 503, texts(lang, "Survei sedang tidak tersedia.", "The survey is not available now."));
        }
        const std::string self = "/m/" + token + (lang == html::Lang::En ? "?lang=en" : "");
        const std::string other = "/m/" + token + (lang == html::Lang::En ? "" : "?lang=en");
        const std::string title = texts(lang, "Survei Kepuasan Masyarakat", "Public Satisfaction Survey");
        html::PhoneForm form{&survey, self, {}, ""};
        if (req.method == "GET") return answer(res, 200, html::phonePage(lang, title, subtitle(dataDir, c.link, lang), other, html::phoneSurveyForm(lang, form)));

        // The answers: every unsur 1-4 (the kiosk's questionnaire asks all nine too); the profile and
        // the suggestion optional, each profile answer one of its options.
        nlohmann::json answers = nlohmann::json::object(), profile = nlohmann::json::object();
        std::string missing;
        for (const config::SurveyUnsur& u : survey.unsur) {
            const std::string v = req.get_param_value(u.code);
            form.values[u.code] = v;
            if (v.size() == 1 && v[0] >= '1' && v[0] <= '4') answers[u.code] = v[0] - '0';
            else missing += (missing.empty() ? "" : ", ") + u.code;
        }
        for (const config::SurveyProfileItem& p : survey.profile) {
            const std::string v = req.get_param_value(p.code);
            if (v.empty()) continue;
            bool known = false;
            for (const config::SurveyOption& o : p.options) known = known || o.code == v;
            if (known) {
                profile[p.code] = v;
                form.values[p.code] = v;
            }
        }
        const std::string saran = survey.saran ? cleanSaran(req.get_param_value("saran"), survey.saran->maxChars) : std::string();
        form.values["saran"] = saran;
        if (!missing.empty()) {
            form.error = texts(lang, "Mohon jawab semua sembilan pertanyaan. Belum dijawab: ", "Please answer all nine questions. Not answered: ") + missing;
            return answer(res, 422, html::phonePage(lang, title, subtitle(dataDir, c.link, lang), other, html::phoneSurveyForm(lang, form)));
        }
        const int64_t t = now();
        const bool poster = c.link.kind == phone::Kind::Poster;
        if (poster) {
            if (const std::string why = posterLimiter->admit(client, t); !why.empty()) {
                // (This address's allowance, or everybody's together: the poster is being answered a lot.)
                const bool mine = why.find(client) != std::string::npos;
                form.error = mine ? texts(lang, "Sudah ada beberapa jawaban dari jaringan ini baru-baru ini. Coba lagi dalam 10 menit.",
                                          "Several answers came from this network just now. Try again in 10 minutes.")
                                  : texts(lang, "Banyak jawaban sedang masuk. Coba lagi sebentar lagi.", "Many answers are coming in. Try again in a moment.");
                return answer(res, 429, html::phonePage(lang, title, subtitle(dataDir, c.link, lang), other, html::phoneSurveyForm(lang, form)),
                              mine ? "600" : "2");
            }
        }
        std::string id = c.link.ref;
        if (poster) {
            std::lock_guard lock(ids->mutex);
            id = ids->next.next(t).str();
        }
        nlohmann::json record = {{"id", id},
                                 {"survey_version", survey.version},
                                 {"counter", poster ? std::string("poster") : c.link.counter},
                                 {"boot_id", "phone"},
                                 {"started_wall_ms", t},
                                 {"started_mono_ms", 0},
                                 {"language", lang == html::Lang::En ? "en" : "id"},
                                 {"service_code", c.link.serviceCode.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.link.serviceCode)},
                                 {"officer_nip", c.link.nip.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.link.nip)},
                                 {"case_id", c.link.caseId.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.link.caseId)},
                                 {"status", "complete"},
                                 {"finished_wall_ms", t},
                                 {"answers", answers},
                                 {"profile", profile},
                                 {"saran", saran.empty() ? nlohmann::json(nullptr) : nlohmann::json(saran)},
                                 {"channel", poster ? "poster" : "phone"}};
        if (poster) record["unit"] = c.link.counter;
        const UploadResults results = store.ingest(c.link.deviceId, {{"surveys", nlohmann::json::array({record})}}, t);
        const auto& r = results.at("surveys").at(0);
        if (r.status != "stored") {
            spdlog::warn("{} questionnaire {}: {} ({})", poster ? "poster" : "phone", id, r.status, r.reason);
            // Another answer for the same link or case won the race: this one is not stored.
            if (r.status == "duplicate" || r.reason.find("already has a complete survey response") != std::string::npos) {
                return refuse(res, lang, 409, texts(lang, "Survei untuk layanan ini sudah diisi. Terima kasih!", "The survey for this service was already answered. Thank you!"));
            }
            return refuse(res, lang, 500, texts(lang, "Jawaban Anda tidak dapat disimpan. Mohon beri tahu petugas.", "Your answers could not be stored. Please tell the staff."));
        }
        if (poster) spdlog::info("poster questionnaire {} stored (poster {}, unit {})", id, c.link.ref, c.link.counter);
        else spdlog::info("phone questionnaire {} stored (device {}, counter {})", c.link.ref, c.link.deviceId, c.link.counter);
        const std::string thanks =
            poster ? texts(lang, "Terima kasih! Jawaban Anda sudah kami terima. Jawaban lewat poster dicatat terpisah dari penilaian di loket.",
                           "Thank you! Your answers were received. Answers through a poster are counted apart from those given at a counter.")
                   : texts(lang, "Terima kasih! Jawaban Anda sudah kami terima dan ikut menentukan Indeks Kepuasan Masyarakat unit ini.",
                           "Thank you! Your answers were received and count in this unit's public satisfaction index.");
        answer(res, 200, html::phonePage(lang, title, subtitle(dataDir, c.link, lang), "", "<p>" + thanks + "</p>"));
    };
    httpServer.get("/m/([A-Za-z0-9_-]{20,400})", storageGuarded(handle));
    httpServer.post("/m/([A-Za-z0-9_-]{20,400})", storageGuarded(handle));
}

} // namespace skm::central
