#include "pg_schema.hpp"

#include "central_store.hpp"
#include "schema.hpp"

#include <spdlog/spdlog.h>

namespace skm::central {

namespace {
// pg_advisory_xact_lock's key: "SKMC" as an integer; held until the migration's transaction ends.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(1397443907)";
} // namespace

const std::vector<PgMigration>& pgCentralMigrations()
{
    // Version 1 is central.db's schema 6 (schema.cpp) in PostgreSQL's types: times in ms as bigint,
    // flags as smallint 0/1 (reports sum them), bodies as the text the device sent.
    static const std::vector<PgMigration> all = {
        {1, "the central office's records, devices, nonces and accounts", R"sql(
CREATE TABLE devices (
    id          text PRIMARY KEY,
    secret      text NOT NULL,                 -- hex, 32 bytes; the HMAC key of this device
    added_at_ms bigint NOT NULL
);
-- Recent requests' nonces (replay protection), shared by every replica.
CREATE TABLE nonces (
    device_id text NOT NULL,
    nonce     text NOT NULL,
    at_s      bigint NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE INDEX nonces_by_age ON nonces (at_s);
CREATE TABLE ratings (
    id              text PRIMARY KEY,          -- the kiosk's UUIDv7: the de-duplication key
    device_id       text NOT NULL REFERENCES devices (id),
    score           smallint NOT NULL CHECK (score BETWEEN 1 AND 4),
    created_wall_ms bigint NOT NULL,
    created_mono_ms bigint NOT NULL,
    boot_id         text NOT NULL,
    counter         text NOT NULL,
    officer_nip     text,
    case_id         text,
    service_code    text,
    reasons         text,
    comment         text,
    suppressed      smallint NOT NULL CHECK (suppressed IN (0, 1)),
    language        text NOT NULL,
    scope           text NOT NULL,
    received_at_ms  bigint NOT NULL,
    updated_at_ms   bigint,
    chain_seq       bigint,
    prev_hash       text,
    hash            text,
    time_suspect    smallint NOT NULL DEFAULT 0 CHECK (time_suspect IN (0, 1))
);
CREATE INDEX ratings_chain ON ratings (device_id, chain_seq);
CREATE INDEX ratings_by_time ON ratings (created_wall_ms, suppressed, score, officer_nip);
CREATE INDEX ratings_time_suspect ON ratings (device_id) WHERE time_suspect = 1;
CREATE TABLE sessions (
    id              text PRIMARY KEY,
    device_id       text NOT NULL REFERENCES devices (id),
    nip             text NOT NULL,
    counter         text NOT NULL,
    state           text NOT NULL,
    started_wall_ms bigint NOT NULL,
    ended_wall_ms   bigint,
    body            text NOT NULL,
    received_at_ms  bigint NOT NULL,
    updated_at_ms   bigint
);
CREATE TABLE cases (
    id             text PRIMARY KEY,
    device_id      text NOT NULL REFERENCES devices (id),
    session_id     text NOT NULL,
    nip            text NOT NULL,
    counter        text NOT NULL,
    service_code   text NOT NULL,
    status         text NOT NULL,
    opened_wall_ms bigint NOT NULL,
    rating_id      text,
    body           text NOT NULL,
    received_at_ms bigint NOT NULL,
    updated_at_ms  bigint
);
CREATE INDEX cases_by_officer ON cases (nip, opened_wall_ms);
CREATE TABLE audit_events (
    id             text PRIMARY KEY,
    device_id      text NOT NULL REFERENCES devices (id),
    kind           text NOT NULL,
    nip            text,
    at_wall_ms     bigint NOT NULL,
    body           text NOT NULL,
    received_at_ms bigint NOT NULL,
    updated_at_ms  bigint
);
CREATE TABLE survey_responses (
    id              text PRIMARY KEY,
    device_id       text NOT NULL REFERENCES devices (id),
    survey_version  text NOT NULL,
    counter         text NOT NULL,
    status          text NOT NULL,           -- complete or incomplete (only finished ones are sent)
    service_code    text,
    officer_nip     text,
    started_wall_ms bigint NOT NULL,
    body            text NOT NULL,           -- with "answers": {"U1": 1-4, ...} and "profile"
    received_at_ms  bigint NOT NULL,
    updated_at_ms   bigint
);
CREATE INDEX survey_by_time ON survey_responses (status, started_wall_ms);
CREATE TABLE ingest_conflicts (
    seq                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id           text NOT NULL,
    kind                text NOT NULL,       -- ratings, sessions, cases, audit, surveys
    record_id           text NOT NULL,
    fields              text NOT NULL,       -- JSON array: the fields that differ
    stored              text NOT NULL,       -- the record as stored when the conflict arrived (JSON)
    offered             text NOT NULL,       -- the version refused (JSON)
    offered_sha256      text NOT NULL,
    received_at_ms      bigint NOT NULL,
    last_received_at_ms bigint NOT NULL,
    times               bigint NOT NULL DEFAULT 1,
    UNIQUE (device_id, kind, record_id, offered_sha256)
);
-- People who may read the reports, their web sessions and one-time sign-in links: in the database,
-- so that any replica answers any request.
CREATE TABLE users (
    name          text PRIMARY KEY,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'unit_head')),
    unit          text,
    created_at_ms bigint NOT NULL
);
CREATE TABLE web_sessions (
    token_hash    text PRIMARY KEY,
    user_name     text NOT NULL REFERENCES users (name),
    expires_at_ms bigint NOT NULL
);
CREATE TABLE signin_links (
    token_hash    text PRIMARY KEY,
    user_name     text NOT NULL REFERENCES users (name),
    expires_at_ms bigint NOT NULL
);
)sql"},
        {2, "the report sign-in throttle in the database", R"sql(
-- Wrong report passwords per account ('account:NAME') and per client address ('address:IP'): shared
-- by every replica (central.db's schema 7).
CREATE TABLE login_throttle (
    key              text PRIMARY KEY,
    failures         bigint NOT NULL,
    last_failure_ms  bigint NOT NULL,
    blocked_until_ms bigint NOT NULL
);
CREATE INDEX login_throttle_by_age ON login_throttle (last_failure_ms);
)sql"},
        {3, "daily rollups and the chain state of each rating (central.db's schema 8)", kRollupSchemaSql},
        {4, "monthly rollups (central.db's schema 9)", kMonthRollupSchemaSql},
        {5, "the follow-up plan and the populations of the laporan (central.db's schema 10)", kFollowupSchemaSql},
        {6, "cases a queue system opens with no officer on duty; session-level ratings apart in the rollups (central.db's schema 11)", R"sql(
ALTER TABLE cases ALTER COLUMN session_id DROP NOT NULL;
ALTER TABLE cases ALTER COLUMN nip DROP NOT NULL;
ALTER TABLE survey_responses ADD COLUMN channel text;
ALTER TABLE rollup_groups ADD COLUMN s1 BIGINT NOT NULL DEFAULT 0, ADD COLUMN s2 BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN s3 BIGINT NOT NULL DEFAULT 0, ADD COLUMN s4 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_month_groups ADD COLUMN s1 BIGINT NOT NULL DEFAULT 0, ADD COLUMN s2 BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN s3 BIGINT NOT NULL DEFAULT 0, ADD COLUMN s4 BIGINT NOT NULL DEFAULT 0;
)sql"},
        {7, "alerts: device contacts, alerts, their deliveries and history (central.db's schema 12)", kAlertSchemaSql},
    };
    return all;
}

int latestPgCentralSchema() { return static_cast<int>(pgCentralMigrations().size()); }

PgMigrateReport migratePg(sql::Connection& c, const std::vector<PgMigration>& steps)
{
    if (c.engine() != sql::Engine::Postgres) throw CentralError("migratePg: " + c.name() + " is not a PostgreSQL database");
    PgMigrateReport report;
    sql::Transaction tx(c);
    c.exec(kMigrationLock); // another replica migrating waits here, then finds the work done
    c.exec("CREATE TABLE IF NOT EXISTS skm_schema (one boolean PRIMARY KEY DEFAULT true CHECK (one), version integer NOT NULL)");
    c.exec("INSERT INTO skm_schema (version) VALUES (0) ON CONFLICT DO NOTHING");
    report.from = static_cast<int>(c.queryInt("SELECT version FROM skm_schema"));
    const int latest = steps.empty() ? 0 : steps.back().version;
    if (report.from > latest) {
        throw CentralError(c.name() + " has schema version " + std::to_string(report.from) + ", newer than this skm-central knows (" +
                           std::to_string(latest) + "): upgrade skm-central; the database was left as it is");
    }
    for (const PgMigration& m : steps) {
        if (m.version <= report.from) continue;
        try {
            c.exec(m.sql);
        } catch (const sql::Error& e) {
            throw sql::Error(e.kind(), "migration " + std::to_string(m.version) + " (" + m.description + ") failed, nothing of it kept: " + e.what(), e.sqlstate());
        }
        c.query("UPDATE skm_schema SET version = $1", {int64_t{m.version}});
    }
    tx.commit();
    report.to = std::max(report.from, latest);
    if (report.to != report.from) spdlog::info("{} schema {} -> {}", c.name(), report.from, report.to);
    return report;
}

} // namespace skm::central
