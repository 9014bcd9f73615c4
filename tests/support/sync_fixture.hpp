#pragma once
// Sync tests' fixtures: a real skm-central process on 127.0.0.1 and a provisioned kiosk store.

#include "support/central_engine.hpp"
#include "support/central_proc.hpp"
#include "support/test_util.hpp"

#include <central/store/central_store.hpp>
#include <sync/http_sender.hpp>
#include <core/protocol.hpp>
#include <sync/provisioning.hpp>
#include <sync/uploader.hpp>

#include <kiosk/store/instance_lock.hpp>
#include <kiosk/store/rating_store.hpp>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace skm::test {

// skm-central serve on a free loopback port, stopped with SIGTERM at scope exit; on SQLite in
// `dataDir`, or on the PostgreSQL database of `engine` (central_engine.hpp).
class Central {
public:
    explicit Central(const std::filesystem::path& dataDir, std::vector<std::string> extra = {}, Engine engine = {})
        : m_dataDir(dataDir), m_engine(std::move(engine))
    {
        std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--data-dir", dataDir.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        for (const auto& a : m_engine.args()) args.push_back(a);
        m_pid = startServe(args, -1, &m_url);
    }
    ~Central()
    {
        kill(m_pid, SIGTERM);
        int status = 0;
        waitpid(m_pid, &status, 0);
    }
    const std::string& url() const { return m_url; }
    pid_t pid() const { return m_pid; }
    // An account for the report pages (skm-central user add, the password on stdin).
    void addUser(const std::string& name, const std::string& password, const std::string& role = "admin", const std::string& unit = "")
    {
        std::string cmd = "printf '%s\\n' '" + password + "' | '" + (binDir() / "skm-central").string() + "' user add " + name + " --role " + role +
                          (unit.empty() ? "" : " --unit '" + unit + "'") + " --data-dir '" + m_dataDir.string() + "'" +
                          (m_engine.url.empty() ? "" : " --database '" + m_engine.url + "'");
        const auto r = run({"/bin/sh", "-c", cmd});
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
    }
    // Registers a device with the CLI and returns its provisioning.
    sync::Provisioning addDevice(const std::string& id, std::vector<std::string> extra = {})
    {
        const auto file = m_dataDir / (id + ".json");
        std::vector<std::string> args = {(binDir() / "skm-central").string(), "device", "add", id, "--out", file.string(), "--url", m_url,
                                         "--data-dir", m_dataDir.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        for (const auto& a : m_engine.args()) args.push_back(a);
        const auto r = run(args);
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        return sync::readProvisioning(file);
    }
    // What skm-central stored, read in SQL both engines speak.
    std::unique_ptr<sql::Connection> db() const { return m_engine.open(m_dataDir); }
    const Engine& engine() const { return m_engine; }
    nlohmann::json report()
    {
        std::vector<std::string> args = {(binDir() / "skm-central").string(), "report", "--data-dir", m_dataDir.string(), "--format", "json"};
        for (const auto& a : m_engine.args()) args.push_back(a);
        const auto r = run(args);
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        return nlohmann::json::parse(r.out);
    }

private:
    std::filesystem::path m_dataDir;
    Engine m_engine;
    pid_t m_pid = -1;
    std::string m_url;
};

// A provisioned kiosk: its store, opened as the kiosk opens it (holding the instance lock, so that a
// damaged database is moved aside and salvaged).
struct Kiosk {
    Kiosk(const std::filesystem::path& dataDir, const sync::Provisioning& p) : prov(p)
    {
        sync::installProvisioning(p, dataDir);
        lock = std::make_unique<store::InstanceLock>(dataDir);
        store::StoreOptions o;
        o.dataDir = dataDir;
        o.deviceId = p.deviceId;
        o.counter = "Loket 1";
        o.instanceLock = lock.get();
        st = std::make_unique<store::RatingStore>(o);
    }
    std::vector<std::string> rate(int n)
    {
        std::vector<std::string> ids;
        for (int i = 0; i < n; ++i) {
            auto p = st->stamp(i % 4 + 1);
            p.suppressed = i % 17 == 0;
            REQUIRE(st->commit(p).ok);
            if (i % 5 == 0) REQUIRE(st->update({p.id, store::RatingUpdate::Field::Reasons, R"(["cepat"])", "id"}).ok);
            ids.push_back(p.id);
        }
        return ids;
    }
    sync::SyncResult sync(int64_t batch = 500)
    {
        sync::SyncOptions o;
        o.batchSize = batch;
        return sync::syncOnce(*st, prov, [](const sync::HttpRequest& r) { return sync::curlSend(r); }, o);
    }
    sync::Provisioning prov;
    std::unique_ptr<store::InstanceLock> lock; // released after the store (declared before it)
    std::unique_ptr<store::RatingStore> st;
};

// A correctly signed upload of `body` (JSON text) with the given timestamp and nonce.
inline sync::HttpRequest signedUpload(const sync::Provisioning& p, const std::string& body, int64_t ts, const std::string& nonce, bool compress = true)
{
    sync::HttpRequest req;
    req.url = p.centralUrl + protocol::kUploadPath;
    req.body = compress ? protocol::gzip(body) : body;
    req.headers = {{"Content-Type", protocol::kContentType}, {protocol::kHeaderProtocol, "1"}, {protocol::kHeaderDevice, p.deviceId},
                   {protocol::kHeaderTimestamp, std::to_string(ts)}, {protocol::kHeaderNonce, nonce},
                   {protocol::kHeaderSignature, protocol::sign(p.secret, protocol::canonicalRequest("POST", protocol::kUploadPath, ts, nonce, req.body))}};
    return req;
}

// The port of a URL like http://127.0.0.1:PORT.
inline int portOf(const std::string& url)
{
    std::smatch m;
    REQUIRE(std::regex_search(url, m, std::regex(R"(:(\d+)$)")));
    return std::stoi(m[1]);
}

inline int64_t nowSeconds() { return static_cast<int64_t>(time(nullptr)); }


} // namespace skm::test
