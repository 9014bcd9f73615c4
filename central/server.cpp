#include "server.hpp"

#include <net/http_server.hpp>
#include "publish.hpp"
#include "web.hpp"

#include <central/alerts/engine.hpp>
#include <central/store/records.hpp>
#include <core/pg.hpp>
#include <core/protocol.hpp>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
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
    // Never throws: a text that is not UTF-8 (an echoed field) is written with U+FFFD in its place.
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

// A device id as `skm-central device add` accepts it (letters, digits, '.', '_', '-'; 1-64): checked
// before anything else, so that no header byte reaches the log or the answer unescaped.
bool plausibleDeviceId(const std::string& id)
{
    if (id.empty() || id.size() > 64 || id[0] == '.' || id[0] == '-') return false;
    return std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; });
}

// Checks a device request's protocol, time window, device, signature and nonce. Returns the device
// id, or "" after answering the refusal. An unknown device and a wrong signature get the same
// answer (401 `unauthorized`) after the same work, so that ids cannot be probed; the log says which.
std::string authenticate(CentralStore& store, int64_t nowMs, const httplib::Request& req, httplib::Response& res)
{
    namespace p = protocol;
    const int64_t nowS = nowMs / 1000;
    auto refuse = [&](int status, const std::string& error, const std::string& detail) {
        reply(res, status, {{"protocol", p::kVersion}, {"error", error}, {"detail", detail}, {"server_time", nowS}});
        return std::string();
    };
    if (req.get_header_value(p::kHeaderProtocol) != std::to_string(p::kVersion)) {
        spdlog::warn("{} {} from {}: refused (400 protocol)", req.method, req.path, req.remote_addr);
        return refuse(400, "protocol", "this server speaks protocol " + std::to_string(p::kVersion) + " (header " + p::kHeaderProtocol + ")");
    }
    const std::string device = req.get_header_value(p::kHeaderDevice);
    if (!plausibleDeviceId(device)) {
        spdlog::warn("{} {} from {}: refused (400 device): not a device id", req.method, req.path, req.remote_addr);
        return refuse(400, "device", std::string(p::kHeaderDevice) + " must be 1-64 letters, digits, '.', '_' or '-'");
    }
    const std::string tsText = req.get_header_value(p::kHeaderTimestamp);
    if (tsText.empty() || tsText.size() > 12 || !std::all_of(tsText.begin(), tsText.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        spdlog::warn("{} {} from {} ({}): refused (400 timestamp)", req.method, req.path, req.remote_addr, device);
        return refuse(400, "timestamp", std::string(p::kHeaderTimestamp) + " must be Unix seconds (decimal digits)");
    }
    const int64_t ts = std::stoll(tsText);
    // The device corrects its clock offset from server_time and signs again.
    if (ts < nowS - p::kClockWindowSeconds || ts > nowS + p::kClockWindowSeconds) {
        spdlog::warn("{} {} from {} ({}): refused (401 clock_skew): {} s off", req.method, req.path, req.remote_addr, device, ts - nowS);
        return refuse(401, "clock_skew", "the request time is more than 5 minutes from the server's");
    }
    const std::string nonce = req.get_header_value(p::kHeaderNonce);
    if (nonce.size() < 16 || nonce.size() > 64 ||
        !std::all_of(nonce.begin(), nonce.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; })) {
        spdlog::warn("{} {} from {} ({}): refused (400 nonce)", req.method, req.path, req.remote_addr, device);
        return refuse(400, "nonce", std::string(p::kHeaderNonce) + " must be 16-64 letters, digits, '-' or '_'");
    }
    // (The office's poster device never syncs: its secret signs posters only.)
    const std::optional<std::string> secret = device == kPosterDevice ? std::nullopt : store.deviceSecret(device);
    // The same work for an unknown device: a signature checked against a key nobody has.
    static const std::string nobody = p::newSecret();
    const std::string message = p::canonicalRequest(req.method, req.path, ts, nonce, req.body);
    const bool signatureOk = p::verify(secret ? *secret : nobody, message, req.get_header_value(p::kHeaderSignature));
    if (!secret || !signatureOk) {
        spdlog::warn("{} {} from {} ({}): refused (401 unauthorized): {}", req.method, req.path, req.remote_addr, device,
                     secret ? "the signature does not match" : "no such device");
        return refuse(401, "unauthorized", "unknown device or wrong signature");
    }
    if (!store.recordNonce(device, nonce, nowS)) {
        spdlog::warn("{} {} from {} ({}): refused (409 replay)", req.method, req.path, req.remote_addr, device);
        return refuse(409, "replay", "this request was already received");
    }
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

void unavailable(httplib::Response& res, int64_t nowMs)
{
    res.set_header("Retry-After", "2");
    reply(res, 503, {{"protocol", protocol::kVersion}, {"error", "unavailable"}, {"detail", "storage failure; retry"}, {"server_time", nowMs / 1000}});
}

void handleUpload(CentralStore& store, const std::function<int64_t()>& now, const std::function<void()>& stored, const httplib::Request& req,
                  httplib::Response& res)
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
    // Compared as JSON values, never read with json::value(), which throws on a field of another type
    // (a 500 instead of this 400) and would take 1.7 for protocol 1.
    const bool shaped = body.is_object() && body.contains("protocol") && body.at("protocol").is_number_integer() && body.at("protocol") == p::kVersion &&
                        body.contains("device_id") && body.at("device_id") == device && body.contains("ratings") && body.at("ratings").is_array();
    if (!shaped) {
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
        size_t received = 0, fresh = 0;
        for (const auto& [kind, list] : results) {
            nlohmann::json answers = nlohmann::json::array();
            for (const auto& r : list) {
                nlohmann::json item = {{"id", r.id}, {"status", r.status}};
                if (!r.reason.empty()) item["reason"] = r.reason;
                fresh += r.status == "stored" ? 1 : 0;
                answers.push_back(std::move(item));
            }
            received += list.size();
            out[kind == "ratings" ? "results" : kind] = std::move(answers);
        }
        spdlog::info("device {}: {} items received, {} new", device, received, fresh);
        reply(res, 200, out);
        stored(); // the alert engine looks soon (it never makes this upload wait)
    } catch (const std::exception& e) {
        spdlog::error("device {}: ingest failed: {}", device, e.what());
        unavailable(res, nowMs);
    }
}

// A device route whose storage failed anywhere (the database restarting, unreachable): 503 with
// Retry-After, which the kiosk's sync retries, never a 500.
template <class Handler>
auto deviceRoute(const std::function<int64_t()>& now, Handler handler)
{
    return [now, handler](const httplib::Request& req, httplib::Response& res) {
        try {
            handler(req, res);
        } catch (const std::exception& e) {
            spdlog::error("{} {} from {}: storage failure: {}", req.method, req.path, req.remote_addr, e.what());
            res = httplib::Response();
            unavailable(res, now());
        }
    };
}

} // namespace

int serve(CentralStore& store, const ServeOptions& options)
{
    const std::function<int64_t()> now = options.nowMs ? options.nowMs : systemNowMs;
    // SIGTERM/SIGINT are blocked before any thread starts, so every thread inherits the mask and
    // only the watcher below takes them (the alert engine's thread, started with them open, took a
    // SIGTERM now and then and the process died at once, its "stopped" line never written).
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    const bool tls = !options.tlsCert.empty();
    http::Limits limits;
    limits.maxBodyBytes = protocol::kMaxBodyBytes;
    http::Server server(limits);
    if (tls) {
        std::string error;
        if (!server.useTls(options.tlsCert, options.tlsKey, &error)) {
            spdlog::critical("cannot use the TLS certificate {} and key {}: {}", options.tlsCert, options.tlsKey, error);
            return 1;
        }
        server.addHeader("Strict-Transport-Security", "max-age=31536000");
    }
    // The alert engine: its own thread and connection; an upload only pokes it.
    std::unique_ptr<alerts::AlertEngine> alertEngine;
    try {
        alertEngine = std::make_unique<alerts::AlertEngine>([&store] { return store.openWriter(); }, options.alerts, options.dataDir, now);
    } catch (const std::exception& e) {
        spdlog::critical("cannot start the alert engine: {}", e.what());
        return 1;
    }
    const std::function<void()> stored = [&alertEngine] { alertEngine->poke(); };
    using http::Pool;
    server.post(protocol::kUploadPath,
                deviceRoute(now, [&](const httplib::Request& req, httplib::Response& res) { handleUpload(store, now, stored, req, res); }), Pool::Device);
    server.get(protocol::kConfigPath,
               deviceRoute(now, [&](const httplib::Request& req, httplib::Response& res) { handleConfig(store, options.dataDir, now, req, res); }),
               Pool::Device);
    server.get("/v1/health", [&](const httplib::Request&, httplib::Response& res) { reply(res, 200, {{"ok", true}, {"protocol", protocol::kVersion}}); },
               Pool::Device);
    registerWeb(server, store, options.dataDir, now, tls, options.trustedProxies);

    const int port = server.bind(options.host, options.port);
    if (port < 0) {
        spdlog::critical("cannot listen on {}:{}: {}", options.host, options.port, std::strerror(errno));
        return 1;
    }

    // SIGTERM/SIGINT stop the server from a watcher thread (no work in a signal handler).
    std::thread watcher([&] {
        int sig = 0;
        sigwait(&set, &sig);
        server.stop();
    });

    const http::Limits& l = server.limits();
    std::cout << "skm-central listening on " << (tls ? "https" : "http") << "://" << options.host << ":" << port << std::endl;
    spdlog::info("listening on {}:{}; limits: {} connections ({} per address), headers {} KiB within {} s, body {} MiB within {} s, idle {} s, "
                 "{} workers for devices and {} for people",
                 options.host, port, l.maxConnections, l.maxConnectionsPerAddress, l.maxHeaderBytes / 1024, l.headerDeadlineMs / 1000,
                 l.maxBodyBytes / (1024 * 1024), l.bodyDeadlineMs / 1000, l.idleMs / 1000, l.workersPerPool, l.workersPerPool);
    const StoreLocation& where = store.location();
    spdlog::info("records in {}{}; published configuration in {}", where.name(),
                 where.reportDatabaseUrl.empty() ? "" : "; reports read " + pg::redactUrl(where.reportDatabaseUrl), where.dataDir.string());
    server.run();
    pthread_kill(watcher.native_handle(), SIGUSR1);
    watcher.join();
    const http::Stats st = server.stats();
    spdlog::info("stopped: {} connections accepted, {} requests, {} evicted, {} timed out, {} refused busy, {} too large, {} malformed", st.accepted,
                 st.requests, st.evicted, st.timedOut, st.refusedFull, st.tooLarge, st.badRequests);
    return 0;
}

} // namespace skm::central
