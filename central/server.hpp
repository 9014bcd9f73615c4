#pragma once
// skm-central's HTTP service (its own server, net/http_server.hpp): POST /v1/ratings (signed, gzip JSON uploads), GET /v1/config (the
// devices' configuration, with an ETag), GET /v1/health.

#include <central/alerts/alert_config.hpp>
#include <central/store/central_store.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace skm::central {

struct ServeOptions {
    std::string host = "127.0.0.1";
    int port = 8443; // 0: any free port
    std::function<int64_t()> nowMs; // the server's clock (tests inject one); empty: the system clock
    std::string tlsCert;            // PEM certificate chain; with tlsKey: serve HTTPS
    std::string tlsKey;             // PEM private key
    std::filesystem::path dataDir;  // where publish/ (the devices' configuration) lives
    // Proxies (their addresses as this server sees them) whose X-Forwarded-For names the client: the
    // phone questionnaire's per-address limits then count the citizen's address, not the proxy's.
    std::vector<std::string> trustedProxies;
    // The alert rules and deliveries ([alerts] of central.toml; the defaults without it): the engine
    // runs beside the server, on a connection of its own.
    alerts::AlertConfig alerts;
};

// Serves until SIGTERM or SIGINT. Prints "skm-central listening on http(s)://HOST:PORT" (the real port)
// on stdout once it accepts connections. Returns the process exit status.
int serve(CentralStore& store, const ServeOptions& options);

} // namespace skm::central
