#pragma once
// The report pages on skm-central's HTTP service: /login, /logout, /report, /report/unit/UNIT,
// /report/officer/NIP. A page needs a signed-in account (cookie session); without one the browser is
// sent to /login. A unit head sees only their unit and its officers. Device credentials grant nothing.

#include <central/store/central_store.hpp>

#include <filesystem>
#include <functional>

namespace skm::http {
class Server;
}

namespace skm::central {

void registerWeb(http::Server& server, CentralStore& store, const std::filesystem::path& dataDir, std::function<int64_t()> nowMs, bool tls,
                 const std::vector<std::string>& trustedProxies = {});

} // namespace skm::central
