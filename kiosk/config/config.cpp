#include "config.hpp"

#include <core/complaint_ref.hpp>

#include <toml++/toml.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace skm::config {

namespace {

using Setter = std::function<void(KioskConfig&, const toml::node&, const std::function<void(const std::string&)>& fail)>;

Setter text(std::string KioskConfig::*field, size_t maxLen = 200)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        auto v = n.value<std::string>();
        if (!n.is_string() || !v) return fail("must be a string");
        if (v->size() > maxLen) return fail("is longer than " + std::to_string(maxLen) + " characters");
        c.*field = *v;
    };
}

Setter integer(int KioskConfig::*field, int lo, int hi)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        if (!n.is_integer()) return fail("must be an integer");
        int64_t v = *n.value<int64_t>();
        if (v < lo || v > hi) return fail("must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (found " + std::to_string(v) + ")");
        c.*field = static_cast<int>(v);
    };
}

// "HH:MM" (24-hour) or "" for none.
Setter timeOfDay(std::string KioskConfig::*field)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        auto v = n.value<std::string>();
        if (!n.is_string() || !v) return fail("must be a string \"HH:MM\" or \"\"");
        if (!v->empty() && endOfDayMinutes(*v) < 0) return fail("must be a time \"HH:MM\" (00:00 to 23:59) or \"\" (found \"" + *v + "\")");
        c.*field = *v;
    };
}

Setter boolean(bool KioskConfig::*field)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        if (!n.is_boolean()) return fail("must be true or false");
        c.*field = *n.value<bool>();
    };
}

Setter real(double KioskConfig::*field, double lo, double hi)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        if (!n.is_number()) return fail("must be a number");
        double v = *n.value<double>();
        if (!(v >= lo && v <= hi)) {
            std::ostringstream msg;
            msg << "must be between " << lo << " and " << hi << " (found " << v << ")";
            return fail(msg.str());
        }
        c.*field = v;
    };
}

// "HOST:PORT" with a port 1..65535, or "" for off.
Setter hostPort(std::string KioskConfig::*field)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        auto v = n.value<std::string>();
        if (!n.is_string() || !v) return fail("must be a string \"HOST:PORT\" or \"\"");
        if (!v->empty()) {
            const size_t colon = v->rfind(':');
            const std::string port = colon == std::string::npos ? "" : v->substr(colon + 1);
            const bool digits = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
            if (colon == 0 || colon == std::string::npos || !digits || std::stoi(port) > 65535) {
                return fail("must be \"HOST:PORT\" (an address of this kiosk on the office LAN and a port 1..65535, or 0 for any free one, said in the log), found \"" + *v + "\"");
            }
        }
        c.*field = *v;
    };
}

// A JSON pointer ("/ticket", "/counters/3/current") or "".
Setter pointer(std::string KioskConfig::*field)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        auto v = n.value<std::string>();
        if (!n.is_string() || !v) return fail("must be a string");
        if (!v->empty() && ((*v)[0] != '/' || v->size() > 200)) return fail("must be a JSON pointer such as \"/ticket\" (RFC 6901), found \"" + *v + "\"");
        c.*field = *v;
    };
}

// An ALSA device name ("default", "plughw:0,0"): printable, no spaces.
Setter deviceName(std::string KioskConfig::*field)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        auto v = n.value<std::string>();
        if (!n.is_string() || !v) return fail("must be a string, an ALSA device such as \"default\" or \"plughw:0,0\"");
        bool printable = !v->empty() && v->size() <= 200;
        for (unsigned char ch : *v) printable = printable && ch > ' ' && ch < 0x7f;
        if (!printable) return fail("must be an ALSA device such as \"default\" or \"plughw:0,0\" (1 to 200 characters, no spaces), found \"" + *v + "\"");
        c.*field = *v;
    };
}

// The complaint channel's address: https only (core/complaint_ref.hpp).
Setter httpsUrl(std::string KioskConfig::*field)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        auto v = n.value<std::string>();
        if (!n.is_string() || !v) return fail("must be a string, an https:// address such as \"https://www.lapor.go.id\"");
        if (const std::string why = complaint::laporUrlProblem(*v); !why.empty()) return fail(why);
        c.*field = *v;
    };
}

Setter textMap(std::map<std::string, std::string> KioskConfig::*field)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) {
        const toml::table* t = n.as_table();
        if (!t) return fail("must be a table of \"code\" = \"CATALOGUE_CODE\"");
        std::map<std::string, std::string> out;
        for (const auto& [k, v] : *t) {
            const auto code = v.template value<std::string>();
            if (!v.is_string() || !code || code->empty() || code->size() > 32 || k.str().size() > 64) {
                return fail("'" + std::string(k.str()) + "' must map to a service code of 1 to 32 characters");
            }
            out[std::string(k.str())] = *code;
        }
        c.*field = std::move(out);
    };
}

Setter reasons(std::vector<Reason> KioskConfig::*field)
{
    return [=](KioskConfig& c, const toml::node& n, const auto& fail) { c.*field = parseReasonList(n, fail); };
}

const std::map<std::string, Setter>& schema()
{
    static const std::map<std::string, Setter> keys = {
        {"kiosk.office_name", text(&KioskConfig::officeName)},
        {"kiosk.counter", text(&KioskConfig::counter, 40)},
        {"kiosk.thanks_seconds", integer(&KioskConfig::thanksSeconds, 1, 60)},
        {"kiosk.error_seconds", integer(&KioskConfig::errorSeconds, 1, 120)},
        {"kiosk.idle_seconds", integer(&KioskConfig::idleSeconds, 5, 600)},
        {"kiosk.followup_idle_seconds", integer(&KioskConfig::followupIdleSeconds, 5, 600)},
        {"kiosk.survey_idle_seconds", integer(&KioskConfig::surveyIdleSeconds, 10, 1200)},
        {"kiosk.touch_guard_ms", integer(&KioskConfig::touchGuardMs, 0, 2000)},
        {"kiosk.response_interval_seconds", integer(&KioskConfig::responseIntervalSeconds, 0, 60)},
        {"kiosk.comment_max_chars", integer(&KioskConfig::commentMaxChars, 10, 1000)},
        {"kiosk.assets_dir", text(&KioskConfig::assetsDir, 4096)},
        {"reasons.low", reasons(&KioskConfig::reasonsLow)},
        {"reasons.high", reasons(&KioskConfig::reasonsHigh)},
        {"officer.case_expiry_minutes", integer(&KioskConfig::caseExpiryMinutes, 1, 24 * 60)},
        {"officer.session_idle_minutes", integer(&KioskConfig::sessionIdleMinutes, 5, 24 * 60)},
        {"officer.end_of_day", timeOfDay(&KioskConfig::endOfDay)},
        {"officer.session_ratings", boolean(&KioskConfig::sessionRatings)},
        {"queue.listen", hostPort(&KioskConfig::queueListen)},
        {"queue.key_file", text(&KioskConfig::queueKeyFile, 4096)},
        {"queue.counter", text(&KioskConfig::queueCounter, 40)},
        {"queue.poll_url", text(&KioskConfig::queuePollUrl, 2048)},
        {"queue.poll_interval_ms", integer(&KioskConfig::queuePollIntervalMs, 250, 60'000)},
        {"queue.poll_ticket", pointer(&KioskConfig::queuePollTicket)},
        {"queue.poll_service", pointer(&KioskConfig::queuePollService)},
        {"queue.poll_nip", pointer(&KioskConfig::queuePollNip)},
        {"queue.default_service", text(&KioskConfig::queueDefaultService, 32)},
        {"queue.services", textMap(&KioskConfig::queueServices)},
        {"phone.survey_qr", boolean(&KioskConfig::phoneSurveyQr)},
        {"phone.attract_qr", boolean(&KioskConfig::phoneAttractQr)},
        {"phone.base_url", text(&KioskConfig::phoneBaseUrl, 200)},
        {"phone.link_hours", integer(&KioskConfig::phoneLinkHours, 1, 168)},
        {"phone.qr_seconds", integer(&KioskConfig::phoneQrSeconds, 5, 120)},
        {"complaint.enabled", boolean(&KioskConfig::complaintEnabled)},
        {"complaint.lapor_url", httpsUrl(&KioskConfig::laporUrl)},
        {"complaint.qr_seconds", integer(&KioskConfig::complaintQrSeconds, 5, 180)},
        {"sync.interval_minutes", integer(&KioskConfig::syncIntervalMinutes, 1, 1440)},
        {"voice.enabled", boolean(&KioskConfig::voiceEnabled)},
        {"voice.volume", integer(&KioskConfig::voiceVolume, 0, 100)},
        {"voice.rate", integer(&KioskConfig::voiceRate, 80, 300)},
        {"voice.device", deviceName(&KioskConfig::voiceDevice)},
        {"voice.wav_dir", text(&KioskConfig::voiceWavDir, 4096)},
        {"admin.pin_hash", text(&KioskConfig::adminPinHash, 200)},
        {"admin.export_dir", text(&KioskConfig::exportDir, 4096)},
        {"device.id", text(&KioskConfig::deviceId, 64)},
        {"store.data_dir", text(&KioskConfig::dataDir, 4096)},
        {"store.busy_timeout_ms", integer(&KioskConfig::busyTimeoutMs, 0, 600'000)},
        {"display.fullscreen", boolean(&KioskConfig::fullscreen)},
        {"display.width", integer(&KioskConfig::width, 320, 7680)},
        {"display.height", integer(&KioskConfig::height, 240, 7680)},
        {"display.ui_scale", real(&KioskConfig::uiScale, 0.25, 4.0)},
        {"display.diagonal_inches", real(&KioskConfig::diagonalInches, 0.0, 100.0)},
        {"display.large_text", boolean(&KioskConfig::largeText)},
        {"display.font", text(&KioskConfig::font, 4096)},
        {"display.font_bold", text(&KioskConfig::fontBold, 4096)},
    };
    return keys;
}

int lineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

void walk(const toml::table& table, const std::string& prefix, const std::string& name, LoadResult& out)
{
    for (const auto& [k, node] : table) {
        const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (const toml::table* sub = node.as_table(); sub && prefix.empty()) {
            walk(*sub, key, name, out);
            continue;
        }
        auto it = schema().find(key);
        if (it == schema().end()) {
            out.warnings.push_back(name + ":" + std::to_string(lineOf(node)) + ": unknown key '" + key + "' ignored");
            continue;
        }
        const int line = lineOf(node); // (a structured binding cannot be captured before C++20 in clang 14)
        it->second(out.config, node, [&](const std::string& message) { throw ConfigError(name, line, key, message); });
    }
}

} // namespace

int endOfDayMinutes(const std::string& hhmm)
{
    if (hhmm.size() != 5 || hhmm[2] != ':') return -1;
    for (int i : {0, 1, 3, 4}) {
        if (hhmm[i] < '0' || hhmm[i] > '9') return -1;
    }
    const int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0'), m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

LoadResult loadText(const std::string& text, const std::string& name)
{
    toml::table doc;
    try {
        doc = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        throw ConfigError(name, static_cast<int>(e.source().begin.line), "", std::string(e.description()));
    }
    LoadResult out;
    walk(doc, "", name, out);
    return out;
}

LoadResult loadFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path.string(), 0, "", "cannot read the configuration file");
    std::ostringstream buf;
    buf << in.rdbuf();
    return loadText(buf.str(), path.string());
}

namespace {
std::string reasonCodes(const std::vector<Reason>& reasons)
{
    std::string out = "[";
    for (const Reason& r : reasons) out += (out.size() > 1 ? ", " : "") + r.code + " (" + r.labelId + " / " + r.labelEn + (r.complaint ? ", complaint" : "") + ")";
    return out + "]";
}
std::string services(const std::map<std::string, std::string>& map)
{
    std::string out = "{";
    for (const auto& [from, to] : map) out += (out.size() > 1 ? ", " : "") + from + " = " + to;
    return out + "}";
}
} // namespace

std::vector<std::string> describe(const KioskConfig& c)
{
    std::ostringstream scale, diagonal;
    scale << c.uiScale;
    diagonal << c.diagonalInches;
    return {
        "kiosk.office_name = \"" + c.officeName + "\"",
        "kiosk.counter = \"" + c.counter + "\"",
        "kiosk.thanks_seconds = " + std::to_string(c.thanksSeconds),
        "kiosk.error_seconds = " + std::to_string(c.errorSeconds),
        "kiosk.idle_seconds = " + std::to_string(c.idleSeconds),
        "kiosk.followup_idle_seconds = " + std::to_string(c.followupIdleSeconds),
        "kiosk.survey_idle_seconds = " + std::to_string(c.surveyIdleSeconds),
        "kiosk.touch_guard_ms = " + std::to_string(c.touchGuardMs),
        "kiosk.response_interval_seconds = " + std::to_string(c.responseIntervalSeconds),
        "kiosk.comment_max_chars = " + std::to_string(c.commentMaxChars),
        "kiosk.assets_dir = \"" + c.assetsDir + "\"",
        "officer.case_expiry_minutes = " + std::to_string(c.caseExpiryMinutes),
        "officer.session_idle_minutes = " + std::to_string(c.sessionIdleMinutes),
        "officer.end_of_day = \"" + c.endOfDay + "\"",
        std::string("officer.session_ratings = ") + (c.sessionRatings ? "true" : "false"),
        "queue.listen = \"" + c.queueListen + "\"",
        "queue.key_file = \"" + c.queueKeyFile + "\"",
        "queue.counter = \"" + c.queueCounter + "\"",
        "queue.poll_url = \"" + c.queuePollUrl + "\"",
        "queue.poll_interval_ms = " + std::to_string(c.queuePollIntervalMs),
        "queue.poll_ticket = \"" + c.queuePollTicket + "\"",
        "queue.poll_service = \"" + c.queuePollService + "\"",
        "queue.poll_nip = \"" + c.queuePollNip + "\"",
        "queue.default_service = \"" + c.queueDefaultService + "\"",
        "queue.services = " + services(c.queueServices),
        std::string("phone.survey_qr = ") + (c.phoneSurveyQr ? "true" : "false"),
        std::string("phone.attract_qr = ") + (c.phoneAttractQr ? "true" : "false"),
        "phone.base_url = \"" + c.phoneBaseUrl + "\"",
        "phone.link_hours = " + std::to_string(c.phoneLinkHours),
        "phone.qr_seconds = " + std::to_string(c.phoneQrSeconds),
        std::string("complaint.enabled = ") + (c.complaintEnabled ? "true" : "false"),
        "complaint.lapor_url = \"" + c.laporUrl + "\"",
        "complaint.qr_seconds = " + std::to_string(c.complaintQrSeconds),
        "sync.interval_minutes = " + std::to_string(c.syncIntervalMinutes),
        std::string("voice.enabled = ") + (c.voiceEnabled ? "true" : "false"),
        "voice.volume = " + std::to_string(c.voiceVolume),
        "voice.rate = " + std::to_string(c.voiceRate),
        "voice.device = \"" + c.voiceDevice + "\"",
        "voice.wav_dir = \"" + c.voiceWavDir + "\"",
        std::string("admin.pin_hash = ") + (c.adminPinHash.empty() ? "\"\" (no admin screen)" : "(set)"),
        "admin.export_dir = \"" + c.exportDir + "\"",
        "device.id = \"" + c.deviceId + "\"",
        "store.data_dir = \"" + c.dataDir + "\"",
        "store.busy_timeout_ms = " + std::to_string(c.busyTimeoutMs),
        std::string("display.fullscreen = ") + (c.fullscreen ? "true" : "false"),
        "display.width = " + std::to_string(c.width),
        "display.height = " + std::to_string(c.height),
        "display.ui_scale = " + scale.str(),
        "display.diagonal_inches = " + diagonal.str(),
        std::string("display.large_text = ") + (c.largeText ? "true" : "false"),
        "display.font = \"" + c.font + "\"",
        "display.font_bold = \"" + c.fontBold + "\"",
        "reasons.low = " + reasonCodes(c.reasonsLow),
        "reasons.high = " + reasonCodes(c.reasonsHigh),
    };
}

} // namespace skm::config
