#include "uploader.hpp"

#include "protocol.hpp"

#include <store/rating_json.hpp>

#include <spdlog/spdlog.h>

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

SyncResult syncOnce(store::RatingStore& st, const Provisioning& p, const Sender& send, const SyncOptions& options)
{
    SyncResult result;
    try {
        while (true) {
            const auto batch = store::selectRatingsJson(st.database(), "upload_status = 'pending'", options.batchSize);
            if (batch.empty()) break;
            const std::string batchId = st.newId();
            nlohmann::json ratings = nlohmann::json::array();
            for (const auto& r : batch) {
                nlohmann::json item = r.json;
                item.erase("upload_status");
                item.erase("last_error");
                ratings.push_back(std::move(item));
            }
            const nlohmann::json body = {{"protocol", protocol::kVersion}, {"device_id", p.deviceId}, {"batch_id", batchId}, {"ratings", ratings}};
            HttpRequest req;
            req.url = p.centralUrl + protocol::kUploadPath;
            req.body = protocol::gzip(body.dump());
            const int64_t ts = st.clock().wallMs() / 1000;
            const std::string nonce = protocol::randomHex(16);
            req.headers = {{"Content-Type", protocol::kContentType},
                           {protocol::kHeaderProtocol, std::to_string(protocol::kVersion)},
                           {protocol::kHeaderDevice, p.deviceId},
                           {protocol::kHeaderTimestamp, std::to_string(ts)},
                           {protocol::kHeaderNonce, nonce},
                           {protocol::kHeaderSignature, protocol::sign(p.secret, protocol::canonicalRequest("POST", protocol::kUploadPath, ts, nonce, req.body))}};
            const HttpResponse resp = send(req);
            if (resp.status != 200) {
                result.error = resp.status == 0 ? "network: " + resp.error : "HTTP " + std::to_string(resp.status) + ": " + resp.body.substr(0, 300);
                break;
            }
            const nlohmann::json answer = nlohmann::json::parse(resp.body, nullptr, false);
            if (answer.is_discarded() || !answer.contains("results") || !answer["results"].is_array()) {
                result.error = "the central office answered with something that is not a result list";
                break;
            }
            const int64_t before = result.sent + result.rejected;
            markResults(st, answer["results"], batchId, result);
            if (result.sent + result.rejected == before) {
                result.error = "the central office answered for none of the batch";
                break;
            }
        }
        result.pendingLeft = st.counts().pending;
    } catch (const std::exception& e) {
        result.error = e.what();
    }
    result.ok = result.error.empty() && result.pendingLeft == 0;
    recordResult(st, result);
    return result;
}

} // namespace skm::sync
