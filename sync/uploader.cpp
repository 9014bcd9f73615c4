#include "uploader.hpp"

#include "protocol.hpp"

#include <store/rating_json.hpp>

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

namespace skm::sync {

namespace {

void recordResult(store::RatingStore& st, const SyncResult& r)
{
    const nlohmann::json j = {{"at_ms", st.clock().wallMs()}, {"ok", r.ok}, {"sent", r.sent}, {"rejected", r.rejected},
                              {"pending_left", r.pendingLeft}, {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)}};
    try {
        store::Statement m(st.database(), "INSERT INTO meta (key, value) VALUES ('last_sync', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        m.bind(1, std::string_view(j.dump()));
        (void)m.next();
    } catch (const std::exception& e) {
        spdlog::error("cannot record the sync result: {}", e.what());
    }
}

// Marks one batch's answers in one transaction.
void markResults(store::RatingStore& st, const nlohmann::json& results, const std::string& batchId, SyncResult& out)
{
    store::Database& db = st.database();
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start marking: " + message);
    store::Statement sent(db, "UPDATE ratings SET upload_status = 'sent', sent_at_ms = ?2, batch_id = ?3, attempts = attempts + 1, last_error = NULL"
                              " WHERE id = ?1 AND upload_status = 'pending'");
    store::Statement rejected(db, "UPDATE ratings SET upload_status = 'rejected', batch_id = ?3, attempts = attempts + 1, last_error = ?2"
                                  " WHERE id = ?1 AND upload_status = 'pending'");
    const int64_t now = st.clock().wallMs();
    for (const nlohmann::json& r : results) {
        if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) continue;
        const std::string status = r.value("status", "");
        if (status == "stored" || status == "duplicate" || status == "updated") {
            sent.reset();
            sent.bind(1, std::string_view(r["id"].get_ref<const std::string&>()));
            sent.bind(2, now);
            sent.bind(3, std::string_view(batchId));
            (void)sent.next();
            out.sent += sqlite3_changes(db.handle());
        } else if (status == "rejected") {
            // Kept, with the reason, shown on the admin screen; never deleted.
            rejected.reset();
            rejected.bind(1, std::string_view(r["id"].get_ref<const std::string&>()));
            rejected.bind(2, std::string_view(r.value("reason", "rejected by the central office")));
            rejected.bind(3, std::string_view(batchId));
            (void)rejected.next();
            out.rejected += sqlite3_changes(db.handle());
        }
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "marking did not commit: " + message);
}

} // namespace

std::optional<int64_t> retryAfterMs(const std::string& value, int64_t nowWallMs)
{
    if (value.empty()) return std::nullopt;
    if (value.find_first_not_of("0123456789") == std::string::npos && value.size() < 10) return std::stoll(value) * 1000;
    tm t{};
    if (!strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &t)) return std::nullopt; // RFC 9110 IMF-fixdate
    return std::max<int64_t>(0, static_cast<int64_t>(timegm(&t)) * 1000 - nowWallMs);
}

namespace {

// One run's state: the clocks, the backoff, the result.
struct Run {
    store::RatingStore& st;
    const Provisioning& p;
    const Sender& send;
    const SyncOptions& o;
    SyncResult& result;
    int64_t deadline = 0;
    int64_t clockOffsetMs = 0; // server time minus ours, learned from a clock_skew answer
    bool offsetLearned = false;
    int attempt = 0;

    int64_t mono() const { return o.monoNowMs ? o.monoNowMs() : st.clock().monoMs(); }
    void sleep(int64_t ms) const
    {
        if (o.sleep) o.sleep(ms);
        else std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
    uint64_t random() const
    {
        if (o.random) return o.random();
        uint64_t r;
        randombytes_buf(&r, sizeof r);
        return r;
    }
};

int64_t readOffset(store::RatingStore& st)
{
    const std::string v = st.database().queryText("SELECT value FROM meta WHERE key = 'clock_offset_ms'");
    return v.empty() ? 0 : std::stoll(v);
}

void saveOffset(store::RatingStore& st, int64_t offset)
{
    store::Statement m(st.database(), "INSERT INTO meta (key, value) VALUES ('clock_offset_ms', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    m.bind(1, std::string_view(std::to_string(offset)));
    (void)m.next();
}

HttpRequest buildRequest(Run& run, const std::vector<store::RatingJson>& batch, size_t from, size_t count, const std::string& batchId)
{
    nlohmann::json ratings = nlohmann::json::array();
    for (size_t i = from; i < from + count; ++i) {
        nlohmann::json item = batch[i].json;
        item.erase("upload_status");
        item.erase("last_error");
        ratings.push_back(std::move(item));
    }
    const nlohmann::json body = {{"protocol", protocol::kVersion}, {"device_id", run.p.deviceId}, {"batch_id", batchId}, {"ratings", ratings}};
    HttpRequest req;
    req.url = run.p.centralUrl + protocol::kUploadPath;
    req.body = protocol::gzip(body.dump());
    req.caPem = run.p.caPem;
    req.pinnedKey = run.p.pinnedKey;
    const int64_t ts = (run.st.clock().wallMs() + run.clockOffsetMs) / 1000;
    const std::string nonce = protocol::randomHex(16); // new for every attempt: a retry is not a replay
    req.headers = {{"Content-Type", protocol::kContentType},
                   {protocol::kHeaderProtocol, std::to_string(protocol::kVersion)},
                   {protocol::kHeaderDevice, run.p.deviceId},
                   {protocol::kHeaderTimestamp, std::to_string(ts)},
                   {protocol::kHeaderNonce, nonce},
                   {protocol::kHeaderSignature, protocol::sign(run.p.secret, protocol::canonicalRequest("POST", protocol::kUploadPath, ts, nonce, req.body))}};
    return req;
}

// Marks every rating of the slice rejected with `reason` (a refusal of the whole request).
void rejectAll(Run& run, const std::vector<store::RatingJson>& batch, size_t from, size_t count, const std::string& batchId, const std::string& reason)
{
    nlohmann::json results = nlohmann::json::array();
    for (size_t i = from; i < from + count; ++i) results.push_back({{"id", batch[i].json["id"]}, {"status", "rejected"}, {"reason", reason}});
    markResults(run.st, results, batchId, run.result);
}

// Delivers batch[from, from + count): true when every rating got an answer, false to end the run
// (the error is in run.result; what was not answered stays pending).
bool deliver(Run& run, const std::vector<store::RatingJson>& batch, size_t from, size_t count)
{
    const std::string batchId = run.st.newId(); // the same for every attempt at this slice
    while (true) {
        const HttpRequest req = buildRequest(run, batch, from, count, batchId);
        run.result.bytesSent += static_cast<int64_t>(req.body.size());
        ++run.result.requests;
        if (run.o.onBody) run.o.onBody(req.body);
        const HttpResponse resp = run.send(req);
        const nlohmann::json answer = nlohmann::json::parse(resp.body, nullptr, false);
        const std::string error = answer.is_object() ? answer.value("error", "") : "";
        const std::string detail = "HTTP " + std::to_string(resp.status) + (error.empty() ? "" : " " + error) +
                                   (answer.is_object() && answer.contains("detail") ? ": " + answer.value("detail", "") : "");
        if (resp.status == 200) {
            if (!answer.is_object() || !answer.contains("results") || !answer["results"].is_array()) {
                run.result.error = "the central office answered with something that is not a result list";
                return false;
            }
            const int64_t before = run.result.sent + run.result.rejected;
            markResults(run.st, answer["results"], batchId, run.result);
            if (run.result.sent + run.result.rejected == before) {
                run.result.error = "the central office answered for none of the batch";
                return false;
            }
            run.attempt = 0;
            return true;
        }
        if (resp.tlsFailure) {
            // A certificate or pinned key that does not verify is an alert for the technician, not a retry loop.
            run.result.error = "TLS verification failed: " + resp.error;
            return false;
        }
        if (resp.status == 413) {
            if (count == 1) {
                rejectAll(run, batch, from, 1, batchId, "too large for the central office (413)");
                return true;
            }
            const size_t half = count / 2;
            return deliver(run, batch, from, half) && deliver(run, batch, from + half, count - half);
        }
        if (resp.status == 401 && error == "clock_skew" && answer.contains("server_time") && !run.offsetLearned) {
            // No RTC, no NTP yet: take the server's time as the reference and sign again at once.
            run.clockOffsetMs = answer["server_time"].get<int64_t>() * 1000 - run.st.clock().wallMs();
            run.offsetLearned = true;
            saveOffset(run.st, run.clockOffsetMs);
            spdlog::warn("clock offset to the central office: {} ms", run.clockOffsetMs);
            continue;
        }
        const bool retryable = resp.status == 0 || resp.status == 408 || resp.status == 429 || resp.status >= 500 || resp.status == 409;
        if (!retryable) {
            if (resp.status == 401) {
                // The device's credentials are refused: nothing is wrong with the ratings; keep them pending.
                run.result.error = detail + " (check the provisioning)";
                return false;
            }
            rejectAll(run, batch, from, count, batchId, detail);
            return true;
        }
        // Full jitter: a random delay up to min(cap, base * 2^attempt); never less than Retry-After.
        const int64_t ceiling = std::min(run.o.backoffCapMs, run.o.backoffBaseMs << std::min(run.attempt, 20));
        // Uniform in [0, ceiling] by multiply-shift (no modulo bias).
        int64_t delay = static_cast<int64_t>((static_cast<unsigned __int128>(run.random()) * static_cast<uint64_t>(ceiling + 1)) >> 64);
        const auto ra = retryAfterMs(resp.headers.count("retry-after") ? resp.headers.at("retry-after") : "", run.st.clock().wallMs());
        if (ra) delay = std::max(delay, *ra);
        const std::string why = resp.status == 0 ? "network: " + resp.error : detail;
        if (run.mono() + delay > run.deadline) {
            run.result.error = why + " (gave up: the run's deadline)";
            return false;
        }
        spdlog::info("{}; retrying in {} ms", why, delay);
        run.sleep(delay);
        ++run.attempt;
    }
}

} // namespace

SyncResult syncOnce(store::RatingStore& st, const Provisioning& p, const Sender& send, const SyncOptions& options)
{
    SyncResult result;
    Run run{st, p, send, options, result};
    try {
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
        run.deadline = run.mono() + options.deadlineMs;
        run.clockOffsetMs = readOffset(st);
        while (true) {
            const auto batch = store::selectRatingsJson(st.database(), "upload_status = 'pending'", options.batchSize);
            if (batch.empty()) break;
            if (!deliver(run, batch, 0, batch.size())) break;
        }
        result.pendingLeft = st.counts().pending;
    } catch (const std::exception& e) {
        result.error = e.what();
        try {
            result.pendingLeft = st.counts().pending;
        } catch (...) {
        }
    }
    result.ok = result.error.empty() && result.pendingLeft == 0;
    recordResult(st, result);
    return result;
}

} // namespace skm::sync
