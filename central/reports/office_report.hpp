#pragma once
// What the central office holds, over all time: the totals of every kind of record, the conflicts
// (both versions of each), and per device its counts and its chain check. The JSON of
// `skm-central report` (with the IKM and the scores beside it, main.cpp).

#include "chain_check.hpp"

#include <core/sql.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>

namespace skm::central {

// {"ratings_total": N, "sessions_total", "cases_total", "audit_total", "ingest_conflicts_total",
//  "time_suspect_total", "ingest_conflicts": [the newest 50: {device, kind, id, fields, first_received_at_ms,
//  last_received_at_ms, times, stored, offered}],
//  "devices": {ID: {"ratings": n, "suppressed": s, "cases": c, "sessions": t, "audit": a,
//                   "ingest_conflicts": k, "time_suspect": w, "chain": chainJson(...)}}}
// `chains` may already hold devices' checks (the scores' signals asked first): each is made once.
[[nodiscard]] nlohmann::json officeReport(sql::Connection& db, ChainChecks& chains);
[[nodiscard]] nlohmann::json officeReport(sql::Connection& db);

// The re-sent versions refused as conflicts (rows of ingest_conflicts), and the ratings stored with an
// implausible time (central_store.hpp, kEarliestPlausibleWallMs), over all time.
[[nodiscard]] int64_t ingestConflictCount(sql::Connection& db);
[[nodiscard]] int64_t timeSuspectCount(sql::Connection& db);

} // namespace skm::central
