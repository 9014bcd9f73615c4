#include "office_report.hpp"

#include "chain_check.hpp"

namespace skm::central {

int64_t ingestConflictCount(sql::Connection& db) { return db.queryInt("SELECT count(*) FROM ingest_conflicts"); }

int64_t timeSuspectCount(sql::Connection& db) { return db.queryInt("SELECT count(*) FROM ratings WHERE time_suspect = 1"); }

nlohmann::json officeReport(sql::Connection& db)
{
    ChainChecks chains(db);
    return officeReport(db, chains);
}

nlohmann::json officeReport(sql::Connection& db, ChainChecks& chains)
{
    nlohmann::json out;
    out["ratings_total"] = db.queryInt("SELECT count(*) FROM ratings");
    out["sessions_total"] = db.queryInt("SELECT count(*) FROM sessions");
    out["cases_total"] = db.queryInt("SELECT count(*) FROM cases");
    out["audit_total"] = db.queryInt("SELECT count(*) FROM audit_events");
    out["ingest_conflicts_total"] = ingestConflictCount(db);
    out["time_suspect_total"] = timeSuspectCount(db);
    // Both versions of each conflict, newest first: what the device sent first (stored) and later (offered).
    nlohmann::json conflicts = nlohmann::json::array();
    const std::string newestConflicts = "SELECT device_id, kind, record_id, fields, received_at_ms, last_received_at_ms, times, stored, offered"
                                        " FROM ingest_conflicts ORDER BY last_received_at_ms DESC, seq DESC LIMIT 50";
    auto parsed = [](const std::string& text) {
        nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
        return j.is_discarded() ? nlohmann::json(text) : j;
    };
    db.each(newestConflicts, {}, [&](const sql::Row& c) {
        conflicts.push_back({{"device", c.text(0)},
                             {"kind", c.text(1)},
                             {"id", c.text(2)},
                             {"fields", parsed(c.text(3))},
                             {"first_received_at_ms", c.integer(4)},
                             {"last_received_at_ms", c.integer(5)},
                             {"times", c.integer(6)},
                             {"stored", parsed(c.text(7))},
                             {"offered", parsed(c.text(8))}});
    });
    out["ingest_conflicts"] = conflicts;
    nlohmann::json devices = nlohmann::json::object();
    const std::string perDevice = "SELECT d.id,"
                             " (SELECT count(*) FROM ratings r WHERE r.device_id = d.id),"
                             " (SELECT coalesce(sum(r.suppressed), 0) FROM ratings r WHERE r.device_id = d.id),"
                             " (SELECT count(*) FROM sessions s WHERE s.device_id = d.id),"
                             " (SELECT count(*) FROM cases c WHERE c.device_id = d.id),"
                             " (SELECT count(*) FROM audit_events a WHERE a.device_id = d.id),"
                             " (SELECT count(*) FROM ingest_conflicts k WHERE k.device_id = d.id),"
                             " (SELECT count(*) FROM ratings r WHERE r.device_id = d.id AND r.time_suspect = 1)"
                             " FROM devices d ORDER BY d.id";
    for (const sql::Row& d : db.query(perDevice).rows) { // read whole first: the chain check below runs its own queries
        devices[d.text(0)] = {{"ratings", d.integer(1)},      {"suppressed", d.integer(2)}, {"sessions", d.integer(3)},
                              {"cases", d.integer(4)},        {"audit", d.integer(5)},      {"ingest_conflicts", d.integer(6)},
                              {"time_suspect", d.integer(7)}, {"chain", chainJson(chains.of(d.text(0)))}};
    }
    out["devices"] = devices;
    return out;
}

} // namespace skm::central
