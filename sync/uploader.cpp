#include "uploader.hpp"

#include "config_download.hpp"
#include "outbox.hpp"
#include <core/protocol.hpp>


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
    auto orNull = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
    const nlohmann::json j = {{"at_ms", st.clock().wallMs()}, {"ok", r.ok()}, {"outcome", r.outcome.kindName()}, {"sent", r.sent}, {"rejected", r.rejected},
                              {"pending_left", r.pendingLeft}, {"events_sent", r.eventsSent}, {"events_rejected", r.eventsRejected},
                              {"events_pending_left", r.eventsPendingLeft}, {"conflicts", r.conflicts},
                              {"problem", r.outcome.problemName()},
                              {"config", {{"status", r.config.label()}, {"problem", r.config.outcome.problemName()}, {"error", orNull(r.config.outcome.message)}}},
                              {"error", orNull(r.outcome.wrong() ? r.error() : std::string())}};
    try {
        store::Statement m(st.database(), "INSERT INTO meta (key, value) VALUES ('last_sync', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        m.bind(1, std::string_view(j.dump()));
        (void)m.next();
    } catch (const std::exception& e) {
        spdlog::error("cannot record the sync result: {}", e.what());
    }
}

} // namespace

std::vector<int64_t> waitSteps(int64_t ms, bool cancellable)
{
    if (ms <= 0) return {};
    if (!cancellable) return {ms};
    std::vector<int64_t> steps(static_cast<size_t>(ms / 100), 100);
    if (ms % 100) steps.push_back(ms % 100);
    return steps;
}

Outcome outcomeOf(const HttpResponse& resp, std::string why)
{
    using P = Outcome::Problem;
    if (resp.cancelled) return Outcome::retry(P::Other, "cancelled: the kiosk is stopping");
    if (resp.tlsFailure) return Outcome::error(P::Tls, std::move(why));
    if (resp.status == 0) return Outcome::retry(P::Network, std::move(why));
    if (resp.status == 503 || resp.status == 429) return Outcome::retry(P::Busy, std::move(why));
    if (resp.status == 408 || resp.status == 409 || resp.status >= 500) return Outcome::retry(P::Other, std::move(why));
    if (resp.status == 401) return Outcome::error(P::Refused, std::move(why));
    return Outcome::error(P::Other, std::move(why));
}

std::string signRequest(HttpRequest& req, const Provisioning& p, const std::string& method, const std::string& path, int64_t ts)
{
    req.method = method;
    req.url = p.centralUrl + path;
    req.caPem = p.caPem;
    req.pinnedKey = p.pinnedKey;
    const std::string nonce = protocol::randomHex(16);
    req.headers[protocol::kHeaderProtocol] = std::to_string(protocol::kVersion);
    req.headers[protocol::kHeaderDevice] = p.deviceId;
    req.headers[protocol::kHeaderTimestamp] = std::to_string(ts);
    req.headers[protocol::kHeaderNonce] = nonce;
    req.headers[protocol::kHeaderSignature] = protocol::sign(p.secret, protocol::canonicalRequest(method, path, ts, nonce, req.body));
    return nonce;
}

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
    [[nodiscard]] bool cancelled() const { return o.cancel && o.cancel->load(); }
    // Waits `ms`, in the steps of waitSteps, so a stop cuts a cancellable run's wait short.
    void sleep(int64_t ms) const
    {
        if (o.sleep) return o.sleep(ms);
        for (const int64_t step : waitSteps(ms, o.cancel != nullptr)) {
            if (cancelled()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(step));
        }
    }
    // Full jitter (AWS, "Exponential Backoff And Jitter"): uniform in [0, min(cap, base * 2^attempt)],
    // by multiply-shift (no modulo bias).
    int64_t backoffMs(int attempt) const
    {
        const int64_t ceiling = std::min(o.backoffCapMs, o.backoffBaseMs << std::min(attempt, 20));
        return static_cast<int64_t>((static_cast<unsigned __int128>(random()) * static_cast<uint64_t>(ceiling + 1)) >> 64);
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

HttpRequest buildRequest(Run& run, const OutboxBatch& batch, const std::string& batchId, size_t* jsonBytes = nullptr)
{
    nlohmann::json body = {{"protocol", protocol::kVersion}, {"device_id", run.p.deviceId}, {"batch_id", batchId}, {"ratings", nlohmann::json::array()}};
    for (size_t k = 0; k < kOutboxKinds.size(); ++k) {
        if (batch.items[k].empty()) continue;
        nlohmann::json& list = body[kOutboxKinds[k].key];
        list = nlohmann::json::array();
        for (const OutboxItem& item : batch.items[k]) list.push_back(item.json);
    }
    HttpRequest req;
    const std::string json = body.dump();
    if (jsonBytes) *jsonBytes = json.size();
    req.body = protocol::gzip(json);
    req.maxSendBytesPerSecond = run.o.maxSendBytesPerSecond > 0 ? run.o.maxSendBytesPerSecond : run.p.maxUploadBytesPerSecond;
    req.headers["Content-Type"] = protocol::kContentType;
    // A new nonce for every attempt: a retry is not a replay.
    (void)signRequest(req, run.p, "POST", protocol::kUploadPath, (run.st.clock().wallMs() + run.clockOffsetMs) / 1000);
    return req;
}

// Adds a marking's counts to the run's, and says each conflict: in the journal, and as an audit event
// (upload_conflict) that goes up to the office with the next batch. The row itself keeps the reason.
void addCounts(Run& run, const MarkCounts& c)
{
    SyncResult& r = run.result;
    r.sent += c.ratingsSent;
    r.rejected += c.ratingsRejected;
    r.eventsSent += c.eventsSent;
    r.eventsRejected += c.eventsRejected;
    r.conflicts += static_cast<int64_t>(c.conflicts.size());
    for (const MarkedConflict& k : c.conflicts) {
        spdlog::warn("{} {}: the central office holds another version and keeps it ({}); kept here as rejected", k.kind, k.id, k.reason);
        const std::string detail = nlohmann::json{{"kind", k.kind}, {"id", k.id}, {"reason", k.reason}}.dump();
        if (const int rc = run.st.recordAudit("upload_conflict", std::nullopt, detail); rc != SQLITE_OK) {
            spdlog::error("cannot record the audit event upload_conflict for {} {} (SQLite {})", k.kind, k.id, rc);
        }
    }
}

// Marks every item of the batch rejected with `reason` (a refusal of the whole request).
void rejectAll(Run& run, const OutboxBatch& batch, const std::string& batchId, const std::string& reason)
{
    nlohmann::json response = nlohmann::json::object();
    for (size_t k = 0; k < kOutboxKinds.size(); ++k) {
        nlohmann::json& list = response[kOutboxKinds[k].answers];
        list = nlohmann::json::array();
        for (const OutboxItem& item : batch.items[k]) list.push_back({{"id", item.id}, {"status", "rejected"}, {"reason", reason}});
    }
    addCounts(run, markAnswers(run.st.database(), batch, response, batchId, run.st.clock().wallMs()));
}

// Delivers the batch: ok when every item got an answer; otherwise the run ends with the outcome
// returned (what was not answered stays pending).
Outcome deliver(Run& run, const OutboxBatch& batch)
{
    const std::string batchId = run.st.newId(); // the same for every attempt at this batch
    for (bool first = true;; first = false) {
        size_t jsonBytes = 0;
        const HttpRequest req = buildRequest(run, batch, batchId, &jsonBytes);
        if (first && jsonBytes > run.o.maxBatchBytes && batch.size() > 1) {
            // Bounded in bytes as well as in count (long comments): halve before sending.
            const auto [a, b] = batch.halves();
            const Outcome first = deliver(run, a);
            return first.ok() ? deliver(run, b) : first;
        }
        run.result.bytesSent += static_cast<int64_t>(req.body.size());
        ++run.result.requests;
        if (run.o.onBody) run.o.onBody(req.body);
        const HttpResponse resp = run.send(req);
        // (An answer that arrived is marked even when the run was cancelled meanwhile: the loop stops after it.)
        if (resp.cancelled) return outcomeOf(resp, "cancelled");
        const nlohmann::json answer = nlohmann::json::parse(resp.body, nullptr, false);
        const std::string error = answer.is_object() ? answer.value("error", "") : "";
        const std::string detail = "HTTP " + std::to_string(resp.status) + (error.empty() ? "" : " " + error) +
                                   (answer.is_object() && answer.contains("detail") ? ": " + answer.value("detail", "") : "");
        if (resp.status == 200) {
            if (!answer.is_object() || !answer.contains("results") || !answer["results"].is_array()) {
                return Outcome::retry(Outcome::Problem::Other, "the central office answered with something that is not a result list");
            }
            const MarkCounts marked = markAnswers(run.st.database(), batch, answer, batchId, run.st.clock().wallMs());
            addCounts(run, marked);
            if (marked.answered == 0) {
                return Outcome::retry(Outcome::Problem::Other, "the central office answered for none of the batch");
            }
            run.attempt = 0;
            return Outcome::done();
        }
        if (resp.tlsFailure) {
            // A certificate or pinned key that does not verify is an alert for the technician, not a retry loop.
            return outcomeOf(resp, "TLS verification failed: " + resp.error);
        }
        if (resp.status == 413) {
            if (batch.size() == 1) {
                rejectAll(run, batch, batchId, "too large for the central office (413)");
                return Outcome::done();
            }
            const auto [first, second] = batch.halves();
            const Outcome one = deliver(run, first);
            return one.ok() ? deliver(run, second) : one;
        }
        if (resp.status == 401 && error == "clock_skew" && answer.contains("server_time") && !run.offsetLearned) {
            // No RTC, no NTP yet: take the server's time as the reference and sign again at once.
            run.clockOffsetMs = answer["server_time"].get<int64_t>() * 1000 - run.st.clock().wallMs();
            run.offsetLearned = true;
            saveOffset(run.st, run.clockOffsetMs);
            spdlog::warn("clock offset to the central office: {} ms", run.clockOffsetMs);
            continue;
        }
        const std::string why = resp.status == 0 ? "network: " + resp.error : detail;
        const Outcome outcome = outcomeOf(resp, why);
        if (outcome.kind == Outcome::Kind::Error) {
            if (outcome.problem == Outcome::Problem::Refused) {
                // The device's credentials are refused: nothing is wrong with the ratings; keep them pending.
                return Outcome::error(outcome.problem, detail + " (check the provisioning)");
            }
            rejectAll(run, batch, batchId, detail); // the office refuses the batch itself: kept on the device, marked
            return Outcome::done();
        }
        // Full jitter, never less than Retry-After.
        int64_t delay = run.backoffMs(run.attempt);
        const auto ra = retryAfterMs(resp.headers.count("retry-after") ? resp.headers.at("retry-after") : "", run.st.clock().wallMs());
        if (ra) delay = std::max(delay, *ra);
        if (run.mono() + delay > run.deadline) return Outcome::retry(outcome.problem, why + " (gave up: the run's deadline)");
        spdlog::info("{}; retrying in {} ms", why, delay);
        run.sleep(delay);
        if (run.cancelled()) return outcomeOf(HttpResponse{0, "", {}, "cancelled", false, true}, "cancelled");
        ++run.attempt;
    }
}

} // namespace

SyncResult syncOnce(store::RatingStore& st, const Provisioning& p, const Sender& sender, const SyncOptions& options)
{
    SyncResult result;
    // Every request carries the run's cancel flag, and none leaves once it is set.
    const Sender send = [&](const HttpRequest& req) {
        if (options.cancel && options.cancel->load()) return HttpResponse{0, "", {}, "cancelled", false, true};
        HttpRequest r = req;
        r.cancel = options.cancel;
        return sender(r);
    };
    Run run{st, p, send, options, result};
    try {
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
        run.deadline = run.mono() + options.deadlineMs;
        run.clockOffsetMs = readOffset(st);
        // The configuration first, so that a new roster is in force at once and its audit event goes
        // up with this run's uploads. A failure here does not stop the uploads.
        result.config = downloadConfig(st, p, send, run.clockOffsetMs);
        const ConfigOutcome& config = result.config;
        if (config.busyForMs) {
            // The office is busy: the uploads wait as an upload's retry would (backoff, at least Retry-After).
            const int64_t delay = std::max(run.backoffMs(0), *config.busyForMs);
            if (run.mono() + delay > run.deadline) {
                result.outcome = Outcome::retry(Outcome::Problem::Busy, config.outcome.message + " (gave up: the run's deadline)");
            } else {
                spdlog::info("{}; uploading in {} ms", config.outcome.message, delay);
                run.sleep(delay);
            }
        }
        while (result.outcome.ok()) {
            if (run.cancelled()) {
                result.outcome = outcomeOf(HttpResponse{0, "", {}, "cancelled", false, true}, "cancelled");
                break;
            }
            const OutboxBatch batch = selectPending(st.database(), options.batchSize);
            if (batch.size() == 0) break;
            result.outcome = deliver(run, batch);
        }
        result.pendingLeft = st.counts().pending;
        result.eventsPendingLeft = pendingEvents(st.database());
        if (result.outcome.ok() && (result.pendingLeft > 0 || result.eventsPendingLeft > 0)) {
            // Everything selected went; these arrived while the run went on.
            result.outcome = Outcome::retry(Outcome::Problem::None, std::to_string(result.pendingLeft + result.eventsPendingLeft) +
                                                                        " record(s) arrived during the run; the next run sends them");
        }
    } catch (const std::exception& e) {
        result.outcome = Outcome::error(Outcome::Problem::Other, e.what()); // the device's own store failed
        try {
            result.pendingLeft = st.counts().pending;
        } catch (...) {
        }
    }
    recordResult(st, result);
    return result;
}

SyncResult syncDataDir(const std::filesystem::path& dataDir, const Provisioning& p, const Sender& send, const SyncOptions& options)
{
    std::optional<store::RatingStore> st;
    try {
        store::StoreOptions o;
        o.dataDir = dataDir;
        o.deviceId = p.deviceId;
        st.emplace(o); // no instance lock: never quarantines
    } catch (const store::StoreDamaged& e) {
        SyncResult r;
        r.outcome = Outcome::error(Outcome::Problem::Damaged, e.what());
        return r;
    } catch (const std::exception& e) {
        SyncResult r;
        r.outcome = Outcome::error(Outcome::Problem::Other, std::string("cannot open the kiosk's database: ") + e.what());
        return r;
    }
    return syncOnce(*st, p, send, options);
}

} // namespace skm::sync
