#include "server.hpp"

#include "publish.hpp"
#include "web.hpp"

#include <protocol.hpp>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <iostream>
#include <thread>

namespace skm::central {

namespace {

int64_t systemNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void reply(httplib::Response& res, int status, nlohmann::json body)
{
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

// Checks a device request's protocol, device, time window, signature and nonce. Returns the device
// id, or "" after answering the refusal.
std::string authenticate(CentralStore& store, int64_t nowMs, const httplib::Request& req, httplib::Response& res)
{
    namespace p = protocol;
    const int64_t nowS = nowMs / 1000;
    auto refuse = [&](int status, const std::string& error, const std::string& detail) {
        spdlog::warn("{} {} refused ({} {}): {}", req.method, req.path, status, error, detail);
        reply(res, status, {{"protocol", p::kVersion}, {"error", error}, {"detail", detail}, {"server_time", nowS}});
        return std::string();
    };
    if (req.get_header_value(p::kHeaderProtocol) != std::to_string(p::kVersion)) {
        return refuse(400, "protocol", "this server speaks protocol " + std::to_string(p::kVersion));
    }
    const std::string device = req.get_header_value(p::kHeaderDevice);
    const std::optional<std::string> secret = store.deviceSecret(device);
    if (!secret) return refuse(401, "unknown_device", "device '" + device + "' is not registered");
    int64_t ts = 0;
    try {
        ts = std::stoll(req.get_header_value(p::kHeaderTimestamp));
    } catch (...) {
        return refuse(400, "timestamp", "X-SKM-Timestamp must be Unix seconds");
    }
    // The device corrects its clock offset from server_time and signs again.
    if (ts < nowS - p::kClockWindowSeconds || ts > nowS + p::kClockWindowSeconds) {
        return refuse(401, "clock_skew", "the request time is more than 5 minutes from the server's");
    }
    const std::string nonce = req.get_header_value(p::kHeaderNonce);
    if (nonce.size() < 16 || nonce.size() > 64) return refuse(400, "nonce", "X-SKM-Nonce must be 16-64 characters");
    const std::string message = p::canonicalRequest(req.method, req.path, ts, nonce, req.body);
    if (!p::verify(*secret, message, req.get_header_value(p::kHeaderSignature))) return refuse(401, "bad_signature", "the signature does not match");
    if (!store.recordNonce(device, nonce, nowS)) return refuse(409, "replay", "this request was already received");
    return device;
}

// GET /v1/config: the device's configuration, or 304 when its If-None-Match is current. The answer
// is signed with the device's secret, so a roster cannot be slipped in on the way.
void handleConfig(CentralStore& store, const std::filesystem::path& dataDir, const std::function<int64_t()>& now, const httplib::Request& req,
                  httplib::Response& res)
{
    namespace p = protocol;
    const int64_t nowMs = now();
    const std::string device = authenticate(store, nowMs, req, res);
    if (device.empty()) return;
    const Published pub = loadPublished(dataDir, device);
    if (!pub.error.empty()) {
        spdlog::error("configuration for {} not served: {}", device, pub.error);
        reply(res, 503, {{"protocol", p::kVersion}, {"error", "config_invalid"}, {"detail", pub.error}, {"server_time", nowMs / 1000}});
        return;
    }
    const std::string nonce = req.get_header_value(p::kHeaderNonce);
    const std::string secret = *store.deviceSecret(device);
    res.set_header("ETag", pub.etag);
    if (req.get_header_value("If-None-Match") == pub.etag) {
        res.status = 304;
        res.set_header(p::kHeaderSignature, p::sign(secret, p::canonicalResponse(nonce, pub.etag, "")));
        return;
    }
    const std::string body = packPublished(pub);
    res.status = 200;
    res.set_header(p::kHeaderSignature, p::sign(secret, p::canonicalResponse(nonce, pub.etag, body)));
    res.set_content(body, p::kContentType);
    spdlog::info("device {}: configuration {} sent ({} files, {} photos)", device, pub.etag, pub.files.size(), pub.photos.size());
}

void handleUpload(CentralStore& store, const std::function<int64_t()>& now, const httplib::Request& req, httplib::Response& res)
{
    namespace p = protocol;
    const int64_t nowMs = now();
    const int64_t nowS = nowMs / 1000;
    auto refuse = [&](int status, const std::string& error, const std::string& detail) {
        spdlog::warn("upload refused ({} {}): {}", status, error, detail);
        reply(res, status, {{"protocol", p::kVersion}, {"error", error}, {"detail", detail}, {"server_time", nowS}});
    };
    const std::string device = authenticate(store, nowMs, req, res);
    if (device.empty()) return;
    if (req.get_header_value("Content-Type") != p::kContentType || req.has_header("Content-Encoding")) {
        return refuse(415, "encoding", "the body must be gzip JSON sent as Content-Type: application/gzip");
    }

    nlohmann::json body;
    try {
        body = p::parseJson(p::gunzip(req.body));
    } catch (const std::exception& e) {
        return refuse(400, "malformed", e.what());
    }
    if (!body.is_object() || body.value("protocol", 0) != p::kVersion || body.value("device_id", "") != device || !body.contains("ratings") ||
        !body["ratings"].is_array()) {
        return refuse(400, "malformed", "the body must be {protocol, device_id, ratings: [...]} for the signing device");
    }
    size_t items = body["ratings"].size();
    for (const char* kind : {"sessions", "cases", "audit", "surveys"}) {
        if (!body.contains(kind)) continue;
        if (!body[kind].is_array()) return refuse(400, "malformed", std::string(kind) + " must be an array");
        items += body[kind].size();
    }
    if (items > p::kMaxItems) return refuse(413, "too_many", "at most " + std::to_string(p::kMaxItems) + " items per request");
    try {
        const UploadResults results = store.ingest(device, body, nowMs);
        nlohmann::json out = {{"protocol", p::kVersion}, {"server_time", nowS}};
        size_t received = 0, stored = 0;
        for (const auto& [kind, list] : results) {
            nlohmann::json answers = nlohmann::json::array();
            for (const auto& r : list) {
                nlohmann::json item = {{"id", r.id}, {"status", r.status}};
                if (!r.reason.empty()) item["reason"] = r.reason;
                stored += r.status == "stored" ? 1 : 0;
                answers.push_back(std::move(item));
            }
            received += list.size();
            out[kind == "ratings" ? "results" : kind] = std::move(answers);
        }
        spdlog::info("device {}: {} items received, {} new", device, received, stored);
        reply(res, 200, out);
    } catch (const std::exception& e) {
        spdlog::error("device {}: ingest failed: {}", device, e.what());
        reply(res, 503, {{"protocol", p::kVersion}, {"error", "unavailable"}, {"detail", "storage failure; retry"}, {"server_time", nowS}});
    }
}

constexpr size_t kWorkerThreads = 128;

} // namespace

int serve(CentralStore& store, const ServeOptions& options)
{
    const std::function<int64_t()> now = options.nowMs ? options.nowMs : systemNowMs;
    const bool tls = !options.tlsCert.empty();
    std::unique_ptr<httplib::Server> owned;
    if (tls) {
        auto ssl = std::make_unique<httplib::SSLServer>(options.tlsCert.c_str(), options.tlsKey.c_str());
        if (!ssl->is_valid()) {
            spdlog::critical("cannot use the TLS certificate {} and key {}", options.tlsCert, options.tlsKey);
            return 1;
        }
        owned = std::move(ssl);
    } else {
        owned = std::make_unique<httplib::Server>();
    }
    httplib::Server& server = *owned;
    server.set_payload_max_length(protocol::kMaxBodyBytes);
    // A client that trickles its request (slowloris) holds a worker for as long as it sends a byte
    // within every read timeout; httplib's default of 8 workers would let 8 such connections stop
    // every kiosk's sync. 128 workers (idle threads cost no CPU) and a 5 s read timeout; past that,
    // a reverse proxy with per-client limits in front (docs/operations.md, docs/reliability.md).
    server.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
    server.set_read_timeout(5, 0);
    server.set_keep_alive_timeout(5);
    server.Post(protocol::kUploadPath, [&](const httplib::Request& req, httplib::Response& res) { handleUpload(store, now, req, res); });
    server.Get(protocol::kConfigPath, [&](const httplib::Request& req, httplib::Response& res) { handleConfig(store, options.dataDir, now, req, res); });
    registerWeb(server, store, options.dataDir, now, tls);
    server.Get("/v1/health", [&](const httplib::Request&, httplib::Response& res) { reply(res, 200, {{"ok", true}, {"protocol", protocol::kVersion}}); });

    int port = options.port;
    if (port == 0) port = server.bind_to_any_port(options.host.c_str());
    else if (!server.bind_to_port(options.host.c_str(), port)) port = -1;
    if (port < 0) {
        spdlog::critical("cannot listen on {}:{}", options.host, options.port);
        return 1;
    }

    // SIGTERM/SIGINT stop the server from a watcher thread (no work in a signal handler).
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread watcher([&] {
        int sig = 0;
        sigwait(&set, &sig);
        server.stop();
    });

    std::cout << "skm-central listening on " << (tls ? "https" : "http") << "://" << options.host << ":" << port << std::endl;
    spdlog::info("listening on {}:{}", options.host, port);
    server.listen_after_bind();
    pthread_kill(watcher.native_handle(), SIGUSR1);
    watcher.join();
    spdlog::info("stopped");
    return 0;
}

} // namespace skm::central
