#include "config_download.hpp"

#include "uploader.hpp"

#include <core/protocol.hpp>

#include <core/published_ikm.hpp>
#include <core/survey.hpp>
#include <kiosk/roster/roster_store.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace skm::sync {

namespace {

std::string metaValue(store::Database& db, const char* key)
{
    store::Statement st(db, "SELECT value FROM meta WHERE key = ?1");
    st.bind(1, std::string_view(key));
    return st.next() ? st.columnText(0) : std::string();
}

void setMeta(store::Database& db, const char* key, const std::string& value)
{
    store::Statement st(db, "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    st.bind(1, std::string_view(key));
    st.bind(2, std::string_view(value));
    (void)st.next();
}

HttpRequest signedGet(store::RatingStore& st, const Provisioning& p, int64_t clockOffsetMs, const std::string& etag, std::string& nonce)
{
    HttpRequest req;
    if (!etag.empty()) req.headers["If-None-Match"] = etag;
    nonce = signRequest(req, p, "GET", protocol::kConfigPath, (st.clock().wallMs() + clockOffsetMs) / 1000);
    return req;
}

// The answer's photos (base64, keyed by the path the roster writes) as a source for the roster's
// parser, which checks them as it checks the files on the central office.
roster::PhotoSource photosFrom(const nlohmann::json& photos)
{
    return [&photos](const std::string& path) -> std::optional<roster::PhotoData> {
        const auto it = photos.find(path);
        if (it == photos.end() || !it->is_string()) return std::nullopt;
        const std::string& text = it->get_ref<const std::string&>();
        roster::PhotoData d;
        d.size = protocol::base64DecodedSize(text);
        if (d.size > roster::kMaxPhotoBytes) return d; // refused by its size, not decoded
        d.bytes = protocol::base64Decode(text);        // throws "not base64": the roster is refused
        d.size = d.bytes.size();
        return d;
    };
}

// Room in an answer for every photo a roster may have, in base64, besides the text files.
static_assert(roster::kMaxPhotosBytes / 3 * 4 + 4 * 1024 * 1024 <= protocol::kMaxConfigInflatedBytes);

ConfigOutcome refuse(store::RatingStore& st, ConfigOutcome out, const std::string& why)
{
    out.outcome = Outcome::error(Outcome::Problem::Other, why);
    spdlog::error("configuration from the central office refused: {}", why);
    (void)st.recordAudit("config_refused", std::nullopt, nlohmann::json{{"reason", why}}.dump());
    return out;
}

} // namespace

ConfigOutcome downloadConfig(store::RatingStore& st, const Provisioning& p, const Sender& send, int64_t clockOffsetMs)
{
    store::Database& db = st.database();
    ConfigOutcome out;
    out.etag = metaValue(db, "config_etag");
    std::string nonce;
    HttpResponse resp = send(signedGet(st, p, clockOffsetMs, out.etag, nonce));
    const nlohmann::json answer = nlohmann::json::parse(resp.body, nullptr, false);
    if (resp.status == 401 && answer.is_object() && answer.value("error", "") == "clock_skew" && answer.contains("server_time")) {
        const int64_t offset = answer["server_time"].get<int64_t>() * 1000 - st.clock().wallMs();
        resp = send(signedGet(st, p, offset, out.etag, nonce));
    }
    if (resp.status == 304) {
        // "Unchanged" is believed only when signed for this request (over the empty body): an old
        // 304 replayed, or an unsigned one, would keep a roster in force that the office replaced.
        const auto etagIt = resp.headers.find("etag");
        const auto sigIt = resp.headers.find("x-skm-signature");
        if (etagIt == resp.headers.end() || sigIt == resp.headers.end() ||
            !protocol::verify(p.secret, protocol::canonicalResponse(nonce, etagIt->second, resp.body), sigIt->second)) {
            return refuse(st, out, "the answer is not signed by this device's central office");
        }
        return out; // ok, no files: unchanged
    }
    if (resp.status != 200) {
        const nlohmann::json a = nlohmann::json::parse(resp.body, nullptr, false);
        const std::string why = resp.status == 0 ? "network: " + resp.error
                                                 : "HTTP " + std::to_string(resp.status) + (a.is_object() ? " " + a.value("error", "") + ": " + a.value("detail", "") : "");
        out.outcome = outcomeOf(resp, why);
        if (resp.status == 503 || resp.status == 429) {
            const auto it = resp.headers.find("retry-after");
            out.busyForMs = it == resp.headers.end() ? std::nullopt : retryAfterMs(it->second, st.clock().wallMs());
            if (!out.busyForMs) out.busyForMs = 0;
        }
        return out;
    }
    const auto etagIt = resp.headers.find("etag");
    const auto sigIt = resp.headers.find("x-skm-signature");
    if (etagIt == resp.headers.end() || sigIt == resp.headers.end() ||
        !protocol::verify(p.secret, protocol::canonicalResponse(nonce, etagIt->second, resp.body), sigIt->second)) {
        return refuse(st, out, "the answer is not signed by this device's central office");
    }
    nlohmann::json body;
    try {
        body = nlohmann::json::parse(protocol::gunzip(resp.body, protocol::kMaxConfigInflatedBytes));
    } catch (const std::exception& e) {
        return refuse(st, out, std::string("unreadable: ") + e.what());
    }
    if (!body.is_object() || !body.contains("files") || !body["files"].is_object()) return refuse(st, out, "no file list");
    const nlohmann::json& files = body["files"];
    const nlohmann::json noPhotos = nlohmann::json::object();
    if (body.contains("photos") && !body["photos"].is_object()) return refuse(st, out, "photos is not an object");
    const nlohmann::json& photos = body.contains("photos") ? body["photos"] : noPhotos;

    // Check everything first; apply only a configuration that is whole.
    std::optional<roster::Roster> newRoster;
    if (files.contains("roster.toml")) {
        if (!files["roster.toml"].is_string()) return refuse(st, out, "roster.toml is not text");
        try {
            newRoster = roster::parseRoster(files["roster.toml"].get<std::string>(), "roster.toml from the central office", photosFrom(photos));
        } catch (const std::exception& e) {
            return refuse(st, out, e.what());
        }
    }
    if (files.contains("survey.toml")) {
        if (!files["survey.toml"].is_string()) return refuse(st, out, "survey.toml is not text");
        try {
            (void)config::parseSurvey(files["survey.toml"].get<std::string>(), "survey.toml from the central office");
        } catch (const std::exception& e) {
            return refuse(st, out, e.what());
        }
    }

    if (files.contains("ikm-line.toml")) {
        if (!files["ikm-line.toml"].is_string()) return refuse(st, out, "ikm-line.toml is not text");
        try {
            (void)config::parsePublishedIkm(files["ikm-line.toml"].get<std::string>(), "ikm-line.toml from the central office");
        } catch (const std::exception& e) {
            return refuse(st, out, e.what());
        }
    }

    try {
        // The roster first: with its photos it is the larger write, and the likelier to fail (a full
        // disk); when it does, nothing of the answer is in force.
        if (newRoster) {
            roster::replaceRoster(db, *newRoster, st.clock().wallMs()); // with its photos, into DATA_DIR/photos/
            out.files.push_back("roster.toml");
            (void)st.recordAudit("roster_received", std::nullopt,
                                 nlohmann::json{{"version", newRoster->version},
                                                {"officers", newRoster->officers.size()},
                                                {"photos", newRoster->photos.size()},
                                                {"etag", etagIt->second}}
                                     .dump());
        }
        if (files.contains("survey.toml")) {
            writeAtomically(st.dbPath().parent_path() / "survey.toml", files["survey.toml"].get<std::string>(), 0644);
            out.files.push_back("survey.toml");
        }
        // The IKM line is shown only while the central office publishes it: withdrawn, it goes.
        const std::filesystem::path line = st.dbPath().parent_path() / "ikm-line.toml";
        if (files.contains("ikm-line.toml")) {
            writeAtomically(line, files["ikm-line.toml"].get<std::string>(), 0644);
            out.files.push_back("ikm-line.toml");
        } else if (std::filesystem::exists(line)) {
            std::filesystem::remove(line);
        }
        setMeta(db, "config_etag", etagIt->second);
    } catch (const std::exception& e) {
        return refuse(st, out, std::string("cannot apply: ") + e.what());
    }
    out.etag = etagIt->second;
    out.changed = true;
    spdlog::info("configuration {} applied", out.etag);
    return out;
}

} // namespace skm::sync
