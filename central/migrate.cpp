#include "migrate.hpp"

#include <central/reports/chain_check.hpp>
#include <central/reports/office_report.hpp>
#include <central/reports/officers.hpp>
#include <central/reports/score_formats.hpp>
#include <central/reports/scores.hpp>
#include <central/store/pg_schema.hpp>
#include <central/rollups/rollups.hpp>

#include <core/pg.hpp>

#include <spdlog/spdlog.h>

#include <iostream>
#include <limits>
#include <set>
#include <unordered_map>

namespace skm::central {

namespace {

// What is copied, in an order the foreign keys accept, with each table's key.
struct Table {
    const char* name;
    const char* key;
};
constexpr Table kTables[] = {{"devices", "id"},         {"users", "name"}, {"ratings", "id"},          {"sessions", "id"},
                             {"cases", "id"},           {"audit_events", "id"}, {"survey_responses", "id"}, {"ingest_conflicts", "seq"},
                             {"followups", "id"},       {"followup_history", "id"}, {"populations", "id"}, {"population_history", "id"},
                             {"device_contacts", "device_id"}, {"alerts", "id"}, {"alert_events", "id"}, {"alert_deliveries", "id"}};
// (alert_scan is not copied: the alert engine on PostgreSQL starts reading at its first pass.)
constexpr size_t kBatch = 200;

std::vector<std::string> columnsOf(sql::Connection& target, const std::string& table)
{
    std::vector<std::string> out;
    for (const auto& row : target.query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1"
                                        " ORDER BY ordinal_position",
                                        {table})
                               .rows) {
        out.push_back(row.text(0));
    }
    if (out.empty()) throw MigrationError("the target has no table " + table);
    return out;
}

std::string joined(const std::vector<std::string>& v)
{
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// A PostgreSQL text[] literal of `values`, each quoted.
std::string arrayLiteral(const std::vector<std::string>& values)
{
    std::string out = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        out += i ? ",\"" : "\"";
        for (const char c : values[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

// Copies one table in batches; a row the target already has must be the same row, else the target
// holds other data. Returns the rows new in the target.
int64_t copyTable(sql::Connection& source, sql::Connection& target, const Table& t)
{
    const std::vector<std::string> cols = columnsOf(target, t.name);
    size_t keyAt = 0;
    while (keyAt < cols.size() && cols[keyAt] != t.key) ++keyAt;
    const std::string overriding = std::string(t.name) == "ingest_conflicts" ? " OVERRIDING SYSTEM VALUE" : "";
    int64_t copied = 0;
    std::vector<sql::Row> batch;
    auto flush = [&] {
        if (batch.empty()) return;
        std::string sqlText = "INSERT INTO " + std::string(t.name) + " (" + joined(cols) + ")" + overriding + " VALUES ";
        std::vector<sql::Value> params;
        params.reserve(batch.size() * cols.size());
        for (size_t r = 0; r < batch.size(); ++r) {
            sqlText += r ? ", (" : "(";
            for (size_t c = 0; c < cols.size(); ++c) {
                sqlText += (c ? ", $" : "$") + std::to_string(r * cols.size() + c + 1);
                params.push_back(batch[r].isNull(c) ? sql::null : sql::Value(batch[r].text(c)));
            }
            sqlText += ")";
        }
        sqlText += " ON CONFLICT (" + std::string(t.key) + ") DO NOTHING RETURNING " + t.key;
        std::unordered_map<std::string, const sql::Row*> existing;
        for (const sql::Row& r : batch) existing.emplace(r.text(keyAt), &r);
        for (const sql::Row& inserted : target.query(sqlText, params).rows) existing.erase(inserted.text(0));
        copied += static_cast<int64_t>(batch.size() - existing.size());
        if (!existing.empty()) { // already in the target (a rerun): the same, or the target holds other data
            std::vector<std::string> keys;
            for (const auto& [key, unused] : existing) keys.push_back(key);
            const std::string cast = std::string(t.key) == "seq" ? "bigint[]" : "text[]";
            for (const sql::Row& there : target.query("SELECT " + joined(cols) + " FROM " + t.name + " WHERE " + t.key + " = ANY($1::" + cast + ")", {arrayLiteral(keys)}).rows) {
                const sql::Row& here = *existing.at(there.text(keyAt));
                for (size_t c = 0; c < cols.size(); ++c) {
                    if (here.optText(c) != there.optText(c)) {
                        // The column, not its values: they may be a kiosk's key or a password's hash.
                        throw MigrationError(std::string(t.name) + " " + here.text(keyAt) + " is in the target with another " + cols[c] +
                                             ": the target holds other data");
                    }
                }
            }
        }
        batch.clear();
    };
    source.each("SELECT " + joined(cols) + " FROM " + t.name, {}, [&](const sql::Row& row) {
        if (row.size() != cols.size()) {
            throw MigrationError("central.db's " + std::string(t.name) + " has " + std::to_string(row.size()) + " columns, the target's " + std::to_string(cols.size()));
        }
        batch.push_back(row);
        if (batch.size() == kBatch) flush();
    });
    flush();
    if (std::string(t.name) == "ingest_conflicts") { // the next conflict numbered after the copied ones
        target.query("SELECT setval(pg_get_serial_sequence('ingest_conflicts', 'seq'), coalesce((SELECT max(seq) FROM ingest_conflicts), 0) + 1, false)");
    }
    return copied;
}

// Everything the office reads about its records, for comparing two copies of them.
nlohmann::json fullReport(sql::Connection& db, const std::map<std::string, OfficerInfo>& officers)
{
    ChainChecks chains(db);
    const Period all{0, std::numeric_limits<int64_t>::max(), "all"};
    nlohmann::json out = officeReport(db, chains);
    out["scores"] = scoresJson(computeScores(db, all, officers, chains, ikm::Weighting::Exact));
    return out;
}

// A target with tables that are not skm-central's (another application's database) is refused before
// anything is made in it: skm-central's tables are central.db's, and skm_schema.
void refuseForeignTables(sql::Connection& source, sql::Connection& target)
{
    std::set<std::string> ours = {"skm_schema"};
    source.each("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'", {}, [&](const sql::Row& r) { ours.insert(r.text(0)); });
    std::string foreign;
    target.each("SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                " ORDER BY 1, 2",
                {}, [&](const sql::Row& r) {
                    if (r.text(0) == "public" && ours.count(r.text(1))) return;
                    foreign += (foreign.empty() ? "" : ", ") + (r.text(0) == "public" ? r.text(1) : r.text(0) + "." + r.text(1));
                });
    if (!foreign.empty()) {
        throw MigrationError("the target holds tables that are not skm-central's (" + foreign.substr(0, 300) +
                             "): give skm-central a database of its own (createdb -O ROLE skm)");
    }
}

} // namespace

MigrationSummary migrateToPostgres(const std::filesystem::path& dataDir, const std::string& url)
{
    std::error_code ec;
    if (!std::filesystem::exists(dataDir / "central.db", ec)) throw MigrationError("no central.db in " + dataDir.string() + " (is --from right?)");
    MigrationSummary summary;
    CentralStore sourceStore(dataDir); // brings central.db to the schema this binary knows
    const std::unique_ptr<sql::Connection> source = sourceStore.openReader();
    sql::Transaction snapshot(*source, sql::Transaction::Mode::ReadSnapshot);

    std::unique_ptr<sql::Connection> target;
    try {
        target = sql::postgres(url);
        refuseForeignTables(*source, *target);
        (void)migratePg(*target);
    } catch (const sql::Error& e) {
        throw CentralError(std::string("cannot open the target: ") + e.what());
    }
    sql::Transaction tx(*target);
    for (const Table& t : kTables) {
        summary.sourceRows[t.name] = source->queryInt("SELECT count(*) FROM " + std::string(t.name));
        summary.copiedRows[t.name] = copyTable(*source, *target, t);
        const int64_t there = target->queryInt("SELECT count(*) FROM " + std::string(t.name));
        if (there != summary.sourceRows[t.name]) {
            throw MigrationError(std::string(t.name) + ": " + std::to_string(there) + " rows in the target against " + std::to_string(summary.sourceRows[t.name]) +
                                 " in central.db: the target holds other data");
        }
    }
    // The target's rollups and chain states from what it now holds, on central.db's day offset.
    (void)rollup::rebuild(*target, rollup::dayOffsetMs(*source));
    // The same chains, device by device (recomputed from the ratings, and as the reports read them),
    // and the same report, figure by figure.
    for (const auto& row : source->query("SELECT id FROM devices ORDER BY id").rows) {
        const nlohmann::json here = chainJson(checkChainFromRows(*source, row.text(0))), there = chainJson(checkChainFromRows(*target, row.text(0)));
        if (here != there || chainJson(checkChain(*target, row.text(0))) != there) {
            throw MigrationError("device " + row.text(0) + "'s chain differs after the copy: " + here.dump() + " against " + there.dump());
        }
        ++summary.devicesChecked;
    }
    const auto officers = publishedOfficers(dataDir);
    const nlohmann::json before = fullReport(*source, officers), after = fullReport(*target, officers);
    if (before != after) {
        const nlohmann::json diff = nlohmann::json::diff(before, after);
        throw MigrationError("the report differs after the copy: " + diff.dump().substr(0, 2000));
    }
    tx.commit();
    int64_t copied = 0;
    for (const auto& [unused, n] : summary.copiedRows) copied += n;
    summary.alreadyMigrated = copied == 0;
    return summary;
}

int runMigrate(const std::filesystem::path& dataDir, const std::string& url)
{
    if (!pg::isPostgresUrl(url)) {
        std::cerr << "skm-central: migrate --to takes postgresql://USER@HOST/DB (got " << pg::redactUrl(url) << ")\n";
        return 2;
    }
    try {
        const MigrationSummary s = migrateToPostgres(dataDir, url);
        std::cout << (s.alreadyMigrated ? "already migrated: " : "migrated ") << (dataDir / "central.db").string() << " to " << pg::redactUrl(url) << '\n';
        for (const Table& t : kTables) {
            std::cout << "  " << t.name << ": " << s.sourceRows.at(t.name) << " rows, " << s.copiedRows.at(t.name) << " copied now\n";
        }
        std::cout << "compared: the row counts, " << s.devicesChecked << " devices' chains and the full report (office, scores, IKM): identical\n"
                  << "not copied: nonces, web sessions and sign-in links (short-lived). Start skm-central with --database "
                  << pg::redactUrl(url) << '\n';
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "skm-central: migrate refused, nothing kept in the target: " << pg::redactUrl(e.what()) << '\n';
        return 1;
    }
}

} // namespace skm::central
