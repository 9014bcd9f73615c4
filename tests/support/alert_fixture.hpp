#pragma once
// Alert tests' shared parts: a kiosk's ratings with its chain kept, an upload, [alerts] settings
// around the test's own lines, and a local time of this machine's zone.

#include <central/alerts/alert_config.hpp>
#include <core/chain.hpp>
#include <core/sql.hpp>
#include <core/uuid.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <ctime>
#include <string>

namespace skm::test::alerts {

constexpr int64_t kMin = 60'000;

inline std::string newId(int64_t ms)
{
    static store::UuidV7Generator gen;
    return gen.next(ms).str();
}

// One kiosk's ratings as it uploads them, its chain kept.
struct Device {
    std::string id;
    std::string counter = "Loket 3";
    int64_t seq = 0;
    std::string prev = store::kChainGenesis;
    nlohmann::json rating(int64_t wall, int score, bool suppressed = false, const char* reasons = nullptr, const std::string& nip = "198503302010011002",
                          const char* comment = nullptr)
    {
        const std::string rid = newId(wall);
        nlohmann::json r = {{"id", rid},           {"score", score},         {"created_wall_ms", wall}, {"created_mono_ms", wall - 1'700'000'000'000},
                            {"boot_id", "boot-1"}, {"device_id", id},        {"counter", counter},      {"officer_nip", nip},
                            {"case_id", nullptr},  {"service_code", "nib"},  {"reasons", reasons ? nlohmann::json::parse(reasons) : nlohmann::json(nullptr)},
                            {"comment", comment ? nlohmann::json(comment) : nlohmann::json(nullptr)},
                            {"suppressed", suppressed}, {"language", "id"},  {"scope", "session"},
                            {"chain_seq", ++seq},  {"prev_hash", prev}};
        prev = store::chainHash(prev, store::ChainFields{rid, score, wall, r["created_mono_ms"].get<int64_t>(), "boot-1", counter, nip, std::nullopt,
                                                         std::string("nib"), suppressed, "id", "session"});
        return r;
    }
};

inline nlohmann::json upload(const std::string& device, const nlohmann::json& ratings)
{
    return {{"protocol", 1}, {"device_id", device}, {"ratings", ratings}};
}

inline central::alerts::AlertConfig configWith(const std::string& extra)
{
    return central::alerts::parseAlertConfig("[alerts]\nsmtp_url = \"smtp://127.0.0.1:2525\"\nsmtp_from = \"skm@kota.example\"\n"
                                             "email_to = [\"pelayanan@kota.example\"]\nintegrity_to = [\"inspektorat@kota.example\"]\n"
                                             "webhook_url = \"http://127.0.0.1:9/hook\"\n" + extra,
                                             "central.toml");
}

inline int64_t count(sql::Connection& db, const std::string& sql) { return db.queryInt(sql); }

// Unix ms of a local time (the office's, this machine's zone).
inline int64_t local(int y, int mo, int d, int h, int mi = 0)
{
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_isdst = -1;
    return static_cast<int64_t>(mktime(&tm)) * 1000;
}

} // namespace skm::test::alerts
