#include "schema.hpp"

namespace skm::central {

// Schema 8, and the same text on PostgreSQL (its schema 3): types both engines take, no engine's own clauses.
const char* const kRollupSchemaSql = R"sql(
-- Daily rollups (central/rollups/rollups.hpp): per office-local day x device x counter x officer x
-- service, what the scores, the IKM and the integrity signals need, recomputed by each upload for the
-- days it touched. Built from the records when first opened (rollup_meta then holds the day's offset).
CREATE TABLE rollup_meta (
    one           INTEGER PRIMARY KEY CHECK (one = 1),
    day_offset_ms BIGINT NOT NULL              -- a day is floor((ms + day_offset_ms) / 86400000)
);
CREATE TABLE rollup_groups (
    day BIGINT NOT NULL, device_id TEXT NOT NULL, counter TEXT NOT NULL, officer_nip TEXT NOT NULL, service_code TEXT NOT NULL,
    f1 BIGINT NOT NULL, f2 BIGINT NOT NULL, f3 BIGINT NOT NULL, f4 BIGINT NOT NULL, -- counted ratings per face
    suppressed BIGINT NOT NULL, without_case BIGINT NOT NULL, fast_top BIGINT NOT NULL,
    cases_logged BIGINT NOT NULL, cases_rated BIGINT NOT NULL,
    surveys BIGINT NOT NULL,                   -- complete responses, and their answers per unsur:
    u1_n BIGINT NOT NULL, u1_sum BIGINT NOT NULL, u2_n BIGINT NOT NULL, u2_sum BIGINT NOT NULL, u3_n BIGINT NOT NULL, u3_sum BIGINT NOT NULL,
    u4_n BIGINT NOT NULL, u4_sum BIGINT NOT NULL, u5_n BIGINT NOT NULL, u5_sum BIGINT NOT NULL, u6_n BIGINT NOT NULL, u6_sum BIGINT NOT NULL,
    u7_n BIGINT NOT NULL, u7_sum BIGINT NOT NULL, u8_n BIGINT NOT NULL, u8_sum BIGINT NOT NULL, u9_n BIGINT NOT NULL, u9_sum BIGINT NOT NULL,
    PRIMARY KEY (day, device_id, counter, officer_nip, service_code)
);
-- The monthly trend's counted ratings, by day and officer, read from the index alone.
CREATE INDEX rollup_groups_faces ON rollup_groups (day, officer_nip, f1, f2, f3, f4);
CREATE TABLE rollup_reasons (
    day BIGINT NOT NULL, device_id TEXT NOT NULL, counter TEXT NOT NULL, officer_nip TEXT NOT NULL, service_code TEXT NOT NULL,
    code TEXT NOT NULL, low BIGINT NOT NULL, high BIGINT NOT NULL, -- chosen after a 1 or 2, after a 3 or 4
    PRIMARY KEY (day, device_id, counter, officer_nip, service_code, code)
);
CREATE TABLE rollup_runs (
    day BIGINT NOT NULL, device_id TEXT NOT NULL, officer_nip TEXT NOT NULL,
    longest_run BIGINT NOT NULL,               -- ratings at identical intervals, on this device that day
    PRIMARY KEY (day, device_id, officer_nip)
);
CREATE TABLE rollup_devices (
    device_id TEXT NOT NULL, day BIGINT NOT NULL,
    chained BIGINT NOT NULL, chain_starts BIGINT NOT NULL, clock_jumps BIGINT NOT NULL,
    PRIMARY KEY (device_id, day)
);
-- Each device's chain over all time (the sums of its rollup_devices rows), for the chain check.
CREATE TABLE rollup_chain_totals (
    device_id TEXT PRIMARY KEY, chained BIGINT NOT NULL, chain_starts BIGINT NOT NULL
);
-- A rating's place in its device's chain, kept by each upload: NULL (no position), 0 linked, 1 gap
-- (its predecessor never arrived; chain_missing positions before it), 2 break (it arrived altered).
ALTER TABLE ratings ADD COLUMN chain_state SMALLINT;
ALTER TABLE ratings ADD COLUMN chain_missing BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ratings_chain_problems ON ratings (device_id, chain_seq) WHERE chain_state > 0;
-- An upload recomputes its device's days: each kind of record by device and time.
CREATE INDEX ratings_by_device_time ON ratings (device_id, created_wall_ms);
CREATE INDEX cases_by_device_time ON cases (device_id, opened_wall_ms);
CREATE INDEX cases_by_time ON cases (opened_wall_ms);
CREATE INDEX survey_by_device_time ON survey_responses (device_id, started_wall_ms);
)sql";

// Schema 9, and PostgreSQL's 4: the same rollups per office-local calendar month, so that a year's
// report reads twelve months' rows, not 365 days'.
const char* const kMonthRollupSchemaSql = R"sql(
-- Monthly rollups: each month's rows are the sums of its days' rows (the longest run: their maximum),
-- recomputed with them by each upload. month = (year - 1970) * 12 + (month of the year - 1), of the
-- office-local day (rollup_meta's offset). months_built: 1 once they were built from the days.
ALTER TABLE rollup_meta ADD COLUMN months_built BIGINT NOT NULL DEFAULT 0;
CREATE TABLE rollup_month_groups (
    month BIGINT NOT NULL, device_id TEXT NOT NULL, counter TEXT NOT NULL, officer_nip TEXT NOT NULL, service_code TEXT NOT NULL,
    f1 BIGINT NOT NULL, f2 BIGINT NOT NULL, f3 BIGINT NOT NULL, f4 BIGINT NOT NULL,
    suppressed BIGINT NOT NULL, without_case BIGINT NOT NULL, fast_top BIGINT NOT NULL,
    cases_logged BIGINT NOT NULL, cases_rated BIGINT NOT NULL,
    surveys BIGINT NOT NULL,
    u1_n BIGINT NOT NULL, u1_sum BIGINT NOT NULL, u2_n BIGINT NOT NULL, u2_sum BIGINT NOT NULL, u3_n BIGINT NOT NULL, u3_sum BIGINT NOT NULL,
    u4_n BIGINT NOT NULL, u4_sum BIGINT NOT NULL, u5_n BIGINT NOT NULL, u5_sum BIGINT NOT NULL, u6_n BIGINT NOT NULL, u6_sum BIGINT NOT NULL,
    u7_n BIGINT NOT NULL, u7_sum BIGINT NOT NULL, u8_n BIGINT NOT NULL, u8_sum BIGINT NOT NULL, u9_n BIGINT NOT NULL, u9_sum BIGINT NOT NULL,
    PRIMARY KEY (month, device_id, counter, officer_nip, service_code)
);
CREATE INDEX rollup_month_groups_faces ON rollup_month_groups (month, officer_nip, f1, f2, f3, f4);
CREATE TABLE rollup_month_reasons (
    month BIGINT NOT NULL, device_id TEXT NOT NULL, counter TEXT NOT NULL, officer_nip TEXT NOT NULL, service_code TEXT NOT NULL,
    code TEXT NOT NULL, low BIGINT NOT NULL, high BIGINT NOT NULL,
    PRIMARY KEY (month, device_id, counter, officer_nip, service_code, code)
);
CREATE TABLE rollup_month_runs (
    month BIGINT NOT NULL, device_id TEXT NOT NULL, officer_nip TEXT NOT NULL,
    longest_run BIGINT NOT NULL,
    PRIMARY KEY (month, device_id, officer_nip)
);
CREATE TABLE rollup_month_devices (
    device_id TEXT NOT NULL, month BIGINT NOT NULL,
    chained BIGINT NOT NULL, chain_starts BIGINT NOT NULL, clock_jumps BIGINT NOT NULL,
    PRIMARY KEY (device_id, month)
);
-- The days of one device, for an upload's recomputation of its months.
CREATE INDEX rollup_groups_by_device ON rollup_groups (device_id, day);
CREATE INDEX rollup_reasons_by_device ON rollup_reasons (device_id, day);
CREATE INDEX rollup_runs_by_device ON rollup_runs (device_id, day);
)sql";

// Schema 10, and PostgreSQL's 5: the laporan's follow-up plan (rencana tindak lanjut) and the
// populations a unit enters per period (issue 19). Every change to an item is a new row of its history.
const char* const kFollowupSchemaSql = R"sql(
-- A follow-up item of a unit for a period: the unsur it answers, the action, who, by when, its status
-- and evidence. rev counts its changes; followup_history keeps every version, who made it and when.
CREATE TABLE followups (
    id            TEXT PRIMARY KEY,          -- UUIDv7
    unit          TEXT NOT NULL,
    period        TEXT NOT NULL,             -- the period's label: semester:2026-S1, year:2026, ...
    unsur         TEXT NOT NULL,             -- U1..U9
    action        TEXT NOT NULL,
    responsible   TEXT NOT NULL,
    due_date      TEXT NOT NULL,             -- YYYY-MM-DD
    status        TEXT NOT NULL,             -- rencana, berjalan, selesai, batal
    evidence      TEXT NOT NULL,
    rev           BIGINT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX followups_by_unit ON followups (unit, period);
CREATE TABLE followup_history (
    id          TEXT PRIMARY KEY,            -- followup_id/rev
    followup_id TEXT NOT NULL,
    rev         BIGINT NOT NULL,
    at_ms       BIGINT NOT NULL,
    username    TEXT NOT NULL,
    state       TEXT NOT NULL,               -- the item after this change (JSON)
    UNIQUE (followup_id, rev)
);
-- The service users of a unit in a period, as the unit counted them: the laporan's population.
CREATE TABLE populations (
    id            TEXT PRIMARY KEY,          -- UUIDv7
    unit          TEXT NOT NULL,
    period        TEXT NOT NULL,
    population    BIGINT NOT NULL,
    entered_by    TEXT NOT NULL,
    entered_at_ms BIGINT NOT NULL,
    UNIQUE (unit, period)
);
-- Every population entered, kept: the laporan's sample verdict rests on it.
CREATE TABLE population_history (
    id            TEXT PRIMARY KEY,          -- UUIDv7
    unit          TEXT NOT NULL,
    period        TEXT NOT NULL,
    population    BIGINT NOT NULL,
    entered_by    TEXT NOT NULL,
    entered_at_ms BIGINT NOT NULL
);
CREATE INDEX population_history_by_unit ON population_history (unit, period, entered_at_ms);
)sql";

// Schema 12, and PostgreSQL's 7: alerts (issue 21). Who was heard from when; the alerts raised, their
// deliveries and every step taken on them.
const char* const kAlertSchemaSql = R"sql(
-- The last authenticated request of each device (an upload or a configuration check), kept to the
-- minute: a kiosk silent during office hours is an alert.
CREATE TABLE device_contacts (
    device_id      TEXT PRIMARY KEY,
    last_seen_ms   BIGINT NOT NULL,
    office_seen_ms BIGINT               -- the last contact the alert engine saw fall within office hours:
);                                      -- only a kiosk that syncs during the day is watched for silence
-- The alert scan reads what arrived or changed since it last looked.
CREATE INDEX ratings_by_arrival ON ratings (received_at_ms);
CREATE INDEX ratings_by_update ON ratings (updated_at_ms);
-- An alert: raised once per breach. open_key is the rule and its scope (unhappy:DEVICE/COUNTER,
-- reason:RATING, silent:DEVICE, chain:DEVICE:DAY) while the breach lasts and NULL once it ended, so
-- that every replica's INSERT of the same breach finds the one already there.
CREATE TABLE alerts (
    id             TEXT PRIMARY KEY,          -- UUIDv7
    rule           TEXT NOT NULL,             -- unhappy, reason, silent, chain
    rule_key       TEXT NOT NULL,
    open_key       TEXT UNIQUE,
    unit           TEXT NOT NULL,             -- '' when no officer names one
    device_id      TEXT NOT NULL,
    counter        TEXT NOT NULL,
    title          TEXT NOT NULL,             -- one line, Indonesian
    detail         TEXT NOT NULL,             -- JSON: the figures behind it
    raised_at_ms   BIGINT NOT NULL,
    last_breach_ms BIGINT NOT NULL,           -- the newest moment the breach was seen
    cleared_at_ms  BIGINT,                    -- when the breach ended (the alert itself stays until closed)
    status         TEXT NOT NULL,             -- baru, diterima (acknowledged), ditutup (closed)
    rev            BIGINT NOT NULL
);
CREATE INDEX alerts_by_rule ON alerts (rule_key, last_breach_ms);
CREATE INDEX alerts_by_unit ON alerts (unit, raised_at_ms);
-- Every step on an alert, append-only: raised, delivered, delivery_failed, acknowledged, commented,
-- closed, cleared; by whom ('skm-central' for the service itself) and when.
CREATE TABLE alert_events (
    id        TEXT PRIMARY KEY,               -- UUIDv7
    alert_id  TEXT NOT NULL,
    at_ms     BIGINT NOT NULL,
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    note      TEXT NOT NULL
);
CREATE INDEX alert_events_by_alert ON alert_events (alert_id, at_ms);
-- One row per alert and destination (an e-mail address, a webhook), written with the alert: a
-- delivery pending when skm-central stops is sent after it starts again. lease_until_ms: a replica
-- sending it now; the others leave it alone until then.
CREATE TABLE alert_deliveries (
    id              TEXT PRIMARY KEY,         -- UUIDv7
    alert_id        TEXT NOT NULL,
    channel         TEXT NOT NULL,            -- email, webhook
    target          TEXT NOT NULL,            -- the address, or the webhook's URL
    status          TEXT NOT NULL,            -- pending, delivered
    attempts        BIGINT NOT NULL,
    next_attempt_ms BIGINT NOT NULL,
    lease_until_ms  BIGINT NOT NULL,
    last_error      TEXT NOT NULL,
    delivered_at_ms BIGINT,
    UNIQUE (alert_id, channel, target)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_ms);
-- How far the scan has read (ratings received or changed before this are done).
CREATE TABLE alert_scan (
    one        BIGINT PRIMARY KEY CHECK (one = 1),
    scanned_ms BIGINT NOT NULL
);
)sql";

// The central office's schema history (PRAGMA user_version), applied by the same forward-only
// migrate() as the kiosk's store (core/migrate.hpp): every pending step in one transaction.
const std::vector<store::Migration>& centralMigrations()
{
    static const std::vector<store::Migration> all = {
        {1, "devices, nonces, ratings", R"sql(
CREATE TABLE IF NOT EXISTS devices (
    id          TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,       -- hex, 32 bytes; the HMAC key of this device
    added_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nonces (
    device_id TEXT NOT NULL,
    nonce     TEXT NOT NULL,
    at_s      INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ratings (
    id              TEXT PRIMARY KEY,   -- the kiosk's UUIDv7: the de-duplication key
    device_id       TEXT NOT NULL,
    score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    created_wall_ms INTEGER NOT NULL,
    created_mono_ms INTEGER NOT NULL,
    boot_id         TEXT NOT NULL,
    counter         TEXT NOT NULL,
    officer_nip     TEXT,
    case_id         TEXT,
    service_code    TEXT,
    reasons         TEXT,
    comment         TEXT,
    suppressed      INTEGER NOT NULL,
    language        TEXT NOT NULL,
    scope           TEXT NOT NULL,
    received_at_ms  INTEGER NOT NULL,
    updated_at_ms   INTEGER
) WITHOUT ROWID;
)sql"},
        {2, "rating hash chain; officer sessions, cases and audit events", R"sql(
-- The device's chain (core/chain.hpp): its position, its predecessor's hash as the device
-- sent it, and the hash computed here from the fields received.
ALTER TABLE ratings ADD COLUMN chain_seq INTEGER;
ALTER TABLE ratings ADD COLUMN prev_hash TEXT;
ALTER TABLE ratings ADD COLUMN hash TEXT;
CREATE INDEX ratings_chain ON ratings (device_id, chain_seq);
-- Each record as the device last sent it (body, JSON), with the columns reports select on.
CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    device_id       TEXT NOT NULL,
    nip             TEXT NOT NULL,
    counter         TEXT NOT NULL,
    state           TEXT NOT NULL,
    started_wall_ms INTEGER NOT NULL,
    ended_wall_ms   INTEGER,
    body            TEXT NOT NULL,
    received_at_ms  INTEGER NOT NULL,
    updated_at_ms   INTEGER
) WITHOUT ROWID;
CREATE TABLE cases (
    id             TEXT PRIMARY KEY,
    device_id      TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    nip            TEXT NOT NULL,
    counter        TEXT NOT NULL,
    service_code   TEXT NOT NULL,
    status         TEXT NOT NULL,
    opened_wall_ms INTEGER NOT NULL,
    rating_id      TEXT,
    body           TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    updated_at_ms  INTEGER
) WITHOUT ROWID;
CREATE INDEX cases_by_officer ON cases (nip, opened_wall_ms);
CREATE TABLE audit_events (
    id             TEXT PRIMARY KEY,
    device_id      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    nip            TEXT,
    at_wall_ms     INTEGER NOT NULL,
    body           TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    updated_at_ms  INTEGER
) WITHOUT ROWID;
)sql"},
        {3, "SKM survey responses", R"sql(
CREATE TABLE survey_responses (
    id               TEXT PRIMARY KEY,
    device_id        TEXT NOT NULL,
    survey_version   TEXT NOT NULL,
    counter          TEXT NOT NULL,
    status           TEXT NOT NULL,          -- complete or incomplete (only finished ones are sent)
    service_code     TEXT,
    officer_nip      TEXT,
    started_wall_ms  INTEGER NOT NULL,
    body             TEXT NOT NULL,          -- with "answers": {"U1": 1-4, ...} and "profile"
    received_at_ms   INTEGER NOT NULL,
    updated_at_ms    INTEGER
) WITHOUT ROWID;
CREATE INDEX survey_by_time ON survey_responses (status, started_wall_ms);
)sql"},
        {4, "report accounts and their web sessions; ratings by time", R"sql(
-- People who may read the reports (skm-central user add). Devices never can.
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,               -- Argon2id (libsodium crypto_pwhash_str)
    role          TEXT NOT NULL CHECK (role IN ('admin', 'unit_head')),
    unit          TEXT,                        -- a unit head's unit
    created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE web_sessions (
    token_hash    TEXT PRIMARY KEY,            -- SHA-256 of the cookie's token; the token itself is never stored
    user_name     TEXT NOT NULL REFERENCES users (name),
    expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
-- One-time sign-in links (skm-central user link): single use, short-lived, stored as a hash.
CREATE TABLE signin_links (
    token_hash    TEXT PRIMARY KEY,
    user_name     TEXT NOT NULL REFERENCES users (name),
    expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
-- Month-by-month trends read ratings by time; covering, so a month is one index range.
CREATE INDEX ratings_by_time ON ratings (created_wall_ms, suppressed, score, officer_nip);
)sql"},
        {5, "append-only history: refused re-sends kept beside the stored record", R"sql(
-- A record re-sent with its id but changed in a way the kiosk never changes it (history is
-- append-only): refused with `conflict`, the stored record untouched, and the offered version kept
-- here for the office. One row per distinct offered version; a repeat counts up `times`.
CREATE TABLE ingest_conflicts (
    seq                 INTEGER PRIMARY KEY,
    device_id           TEXT NOT NULL,
    kind                TEXT NOT NULL,          -- ratings, sessions, cases, audit, surveys
    record_id           TEXT NOT NULL,
    fields              TEXT NOT NULL,          -- JSON array: the fields that differ
    stored              TEXT NOT NULL,          -- the record as stored when the conflict arrived (JSON)
    offered             TEXT NOT NULL,          -- the version refused (JSON)
    offered_sha256      TEXT NOT NULL,
    received_at_ms      INTEGER NOT NULL,       -- first offered
    last_received_at_ms INTEGER NOT NULL,
    times               INTEGER NOT NULL DEFAULT 1,
    UNIQUE (device_id, kind, record_id, offered_sha256)
);
)sql"},
        {6, "ratings with an implausible time", R"sql(
-- 1: created_wall_ms cannot be when the rating was made (before 2020-01-01, or later than its arrival
-- plus the 300 s clock window): the device's clock was wrong. Stored, counted, shown in the report.
ALTER TABLE ratings ADD COLUMN time_suspect INTEGER NOT NULL DEFAULT 0;
UPDATE ratings SET time_suspect = 1 WHERE created_wall_ms < 1577836800000 OR created_wall_ms > received_at_ms + 300000;
CREATE INDEX ratings_time_suspect ON ratings (device_id) WHERE time_suspect = 1;
)sql"},
        {7, "the report sign-in throttle in the database", R"sql(
-- Wrong report passwords per account ('account:NAME') and per client address ('address:IP'): in the
-- database, so that every skm-central replica sees them and a restart forgets nothing.
CREATE TABLE login_throttle (
    key              TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL,
    last_failure_ms  INTEGER NOT NULL,
    blocked_until_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_throttle_by_age ON login_throttle (last_failure_ms);
)sql"},
        {8, "daily rollups and the chain state of each rating", kRollupSchemaSql},
        {9, "monthly rollups", kMonthRollupSchemaSql},
        {10, "the follow-up plan and the populations of the laporan", kFollowupSchemaSql},
        {11, "cases a queue system opens with no officer on duty (counter-level: no session, no NIP); session-level ratings apart in the rollups", R"sql(
-- SQLite changes a column's constraints only by building the table anew.
CREATE TABLE cases_new (
    id             TEXT PRIMARY KEY,
    device_id      TEXT NOT NULL,
    session_id     TEXT,                       -- NULL with nip: a counter-level case
    nip            TEXT,
    counter        TEXT NOT NULL,
    service_code   TEXT NOT NULL,
    status         TEXT NOT NULL,
    opened_wall_ms INTEGER NOT NULL,
    rating_id      TEXT,
    body           TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    updated_at_ms  INTEGER
) WITHOUT ROWID;
INSERT INTO cases_new SELECT id, device_id, session_id, nip, counter, service_code, status, opened_wall_ms, rating_id, body, received_at_ms, updated_at_ms FROM cases;
DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;
CREATE INDEX cases_by_officer ON cases (nip, opened_wall_ms);
CREATE INDEX cases_by_device_time ON cases (device_id, opened_wall_ms);
CREATE INDEX cases_by_time ON cases (opened_wall_ms);
-- Where a survey response was answered: NULL the kiosk, 'phone' the citizen's phone (a one-time link).
ALTER TABLE survey_responses ADD COLUMN channel TEXT;
-- Session-level ratings per face, apart from the case ratings (f1..f4) in every rollup.
ALTER TABLE rollup_groups ADD COLUMN s1 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_groups ADD COLUMN s2 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_groups ADD COLUMN s3 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_groups ADD COLUMN s4 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_month_groups ADD COLUMN s1 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_month_groups ADD COLUMN s2 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_month_groups ADD COLUMN s3 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_month_groups ADD COLUMN s4 BIGINT NOT NULL DEFAULT 0;
)sql"},
        {12, "alerts: device contacts, alerts, their deliveries and history", kAlertSchemaSql},
    };
    return all;
}

int latestCentralSchema() { return static_cast<int>(centralMigrations().size()); }

} // namespace skm::central
