#include "migrations.hpp"

#include <core/chain.hpp>

namespace skm::store {

namespace {
// Schema 6: chains the ratings already in the file, in commit order.
void backfillChain(Database& db)
{
    Statement read(db, "SELECT seq, id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id, service_code,"
                       " suppressed, language, scope FROM ratings ORDER BY seq");
    Statement write(db, "UPDATE ratings SET prev_hash = ?2, hash = ?3 WHERE seq = ?1");
    std::string prev = kChainGenesis;
    auto opt = [&](int col) { return read.columnIsNull(col) ? std::nullopt : std::optional<std::string>(read.columnText(col)); };
    while (read.next()) {
        const ChainFields f{read.columnText(1), read.columnInt(2), read.columnInt(3), read.columnInt(4), read.columnText(5), read.columnText(6),
                            opt(7), opt(8), opt(9), read.columnInt(10) != 0, read.columnText(11), read.columnText(12)};
        const std::string hash = chainHash(prev, f);
        write.reset();
        write.bind(1, read.columnInt(0));
        write.bind(2, std::string_view(prev));
        write.bind(3, std::string_view(hash));
        (void)write.next();
        prev = hash;
    }
}
} // namespace

const std::vector<Migration>& migrations()
{
    static const std::vector<Migration> all = {
        {1, "ratings outbox and device metadata", R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per tap. The table is also the upload outbox: the upload state lives in the row,
-- so a crash at any instant neither loses nor duplicates work.
CREATE TABLE ratings (
    seq             INTEGER PRIMARY KEY,      -- local commit order
    id              TEXT NOT NULL UNIQUE,     -- UUIDv7 (RFC 9562), the id the central office de-duplicates on
    score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    created_wall_ms INTEGER NOT NULL,         -- Unix ms by the device's wall clock (may be wrong before NTP)
    created_mono_ms INTEGER NOT NULL,         -- CLOCK_BOOTTIME ms, comparable within one boot_id
    boot_id         TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    counter         TEXT NOT NULL,
    officer_nip     TEXT,                     -- filled once officers sign in (issue 4)
    case_id         TEXT,
    service_code    TEXT,
    upload_status   TEXT NOT NULL DEFAULT 'pending'
                    CHECK (upload_status IN ('pending', 'sent', 'rejected')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
);
CREATE INDEX ratings_outbox ON ratings (upload_status, next_attempt_ms);
)sql"},
        {2, "store event log and upload batch bookkeeping", R"sql(
-- What happened to the store itself: a corrupt file moved aside, a full disk, a migration.
CREATE TABLE store_events (
    seq        INTEGER PRIMARY KEY,
    at_wall_ms INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL
);
ALTER TABLE ratings ADD COLUMN batch_id TEXT;
ALTER TABLE ratings ADD COLUMN sent_at_ms INTEGER;
)sql"},
        {3, "follow-up reasons, comment, suppressed presses, language", R"sql(
ALTER TABLE ratings ADD COLUMN reasons TEXT;            -- JSON array of reason codes, NULL if skipped
ALTER TABLE ratings ADD COLUMN comment TEXT;            -- NULL if skipped
ALTER TABLE ratings ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1));
ALTER TABLE ratings ADD COLUMN language TEXT NOT NULL DEFAULT 'id';
ALTER TABLE ratings ADD COLUMN updated_wall_ms INTEGER; -- when the follow-up or comment last changed the row
)sql"},
        {4, "roster (officers, services, reasons), audit events, PIN lock-outs", R"sql(
-- The roster in force; replaced whole, in one transaction, by `skm-kiosk roster import` (later by sync).
CREATE TABLE roster_officers (
    nip      TEXT PRIMARY KEY,            -- 18 digits, validated on import
    name     TEXT NOT NULL,
    unit     TEXT NOT NULL,
    pin_hash TEXT NOT NULL                -- Argon2id (libsodium crypto_pwhash_str); never the PIN
) WITHOUT ROWID;
CREATE TABLE roster_services (
    code    TEXT PRIMARY KEY,
    name_id TEXT NOT NULL,
    name_en TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE roster_reasons (
    kind     TEXT NOT NULL CHECK (kind IN ('low', 'high')),
    position INTEGER NOT NULL,
    code     TEXT NOT NULL,
    label_id TEXT NOT NULL,
    label_en TEXT NOT NULL,
    PRIMARY KEY (kind, position)
) WITHOUT ROWID;
-- Sign-ins, failures, lock-outs, roster imports: kept and uploaded like ratings.
CREATE TABLE audit_events (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,   -- UUIDv7
    at_wall_ms    INTEGER NOT NULL,
    at_mono_ms    INTEGER NOT NULL,
    boot_id       TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    nip           TEXT,
    detail        TEXT NOT NULL DEFAULT '{}',
    upload_status TEXT NOT NULL DEFAULT 'pending' CHECK (upload_status IN ('pending', 'sent', 'rejected'))
);
-- Wrong PINs per NIP. A lock-out holds until the monotonic deadline within the same boot, or the
-- wall-clock deadline after a reboot.
CREATE TABLE pin_lockouts (
    nip                  TEXT PRIMARY KEY,
    failures             INTEGER NOT NULL DEFAULT 0,
    lockouts             INTEGER NOT NULL DEFAULT 0,
    locked_until_wall_ms INTEGER NOT NULL DEFAULT 0,
    locked_until_mono_ms INTEGER NOT NULL DEFAULT 0,
    locked_boot_id       TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
-- Ratings before officers existed were all counter-level.
ALTER TABLE ratings ADD COLUMN scope TEXT NOT NULL DEFAULT 'counter' CHECK (scope IN ('counter', 'case'));
)sql"},
        {5, "officer sessions and served cases", R"sql(
-- An officer's duty at this counter: start, breaks, end. Uploaded like ratings.
CREATE TABLE officer_sessions (
    id              TEXT PRIMARY KEY,          -- UUIDv7
    nip             TEXT NOT NULL,
    counter         TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    boot_id         TEXT NOT NULL,
    started_wall_ms INTEGER NOT NULL,
    started_mono_ms INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('active', 'break', 'ended')),
    ended_wall_ms   INTEGER,
    end_reason      TEXT,                      -- signed_out, end_of_day, inactive, replaced, kiosk_restarted
    upload_status   TEXT NOT NULL DEFAULT 'pending' CHECK (upload_status IN ('pending', 'sent', 'rejected'))
);
CREATE TABLE session_events (
    seq        INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES officer_sessions (id),
    kind       TEXT NOT NULL CHECK (kind IN ('start', 'break', 'resume', 'end')),
    at_wall_ms INTEGER NOT NULL,
    at_mono_ms INTEGER NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}'
);
-- A served case, handed to the citizen for one rating.
CREATE TABLE cases (
    id             TEXT PRIMARY KEY,           -- UUIDv7
    session_id     TEXT NOT NULL REFERENCES officer_sessions (id),
    nip            TEXT NOT NULL,
    counter        TEXT NOT NULL,
    service_code   TEXT NOT NULL,
    ticket         TEXT,                       -- the queue ticket, typed or scanned
    boot_id        TEXT NOT NULL,
    opened_wall_ms INTEGER NOT NULL,
    opened_mono_ms INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'rated', 'not_rated')),
    close_reason   TEXT,                       -- rated, expired, replaced, session_ended, kiosk_restarted
    rating_id      TEXT UNIQUE,                -- one rating per case
    closed_wall_ms INTEGER,
    upload_status  TEXT NOT NULL DEFAULT 'pending' CHECK (upload_status IN ('pending', 'sent', 'rejected'))
);
CREATE UNIQUE INDEX cases_one_open_per_counter ON cases (counter) WHERE status = 'open';
)sql"},
        {6, "hash chain of ratings; sessions, cases and audit events join the upload outbox", R"sql(
-- The tamper-evident chain (chain.hpp): each rating's hash and its predecessor's.
ALTER TABLE ratings ADD COLUMN prev_hash TEXT;
ALTER TABLE ratings ADD COLUMN hash TEXT;
-- rev counts changes to a row; the uploader marks a row sent only if it is still the revision it sent,
-- so a change made while an upload is in flight is uploaded by the next run, not lost.
ALTER TABLE ratings ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN last_error TEXT;
ALTER TABLE officer_sessions ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE officer_sessions ADD COLUMN last_error TEXT;
ALTER TABLE audit_events ADD COLUMN last_error TEXT;
CREATE INDEX cases_outbox ON cases (upload_status) WHERE upload_status = 'pending';
CREATE INDEX sessions_outbox ON officer_sessions (upload_status) WHERE upload_status = 'pending';
CREATE INDEX audit_outbox ON audit_events (upload_status) WHERE upload_status = 'pending';
-- Any change to a case or a session (or a new event in a session) queues it again.
CREATE TRIGGER cases_changed AFTER UPDATE OF session_id, nip, counter, service_code, ticket, status, close_reason, rating_id, closed_wall_ms ON cases
BEGIN
    UPDATE cases SET rev = rev + 1, upload_status = 'pending' WHERE id = NEW.id;
END;
CREATE TRIGGER sessions_changed AFTER UPDATE OF nip, counter, state, ended_wall_ms, end_reason ON officer_sessions
BEGIN
    UPDATE officer_sessions SET rev = rev + 1, upload_status = 'pending' WHERE id = NEW.id;
END;
CREATE TRIGGER session_event_added AFTER INSERT ON session_events
BEGIN
    UPDATE officer_sessions SET rev = rev + 1, upload_status = 'pending' WHERE id = NEW.session_id;
END;
)sql", &backfillChain},
        {7, "SKM survey responses and their answers", R"sql(
-- One row per questionnaire begun on the kiosk (docs/survey.md). Answers are committed one by one as
-- they are given; an idle timeout or a restart leaves the response 'incomplete', kept and uploaded.
CREATE TABLE survey_responses (
    id               TEXT PRIMARY KEY,          -- UUIDv7
    survey_version   TEXT NOT NULL,
    device_id        TEXT NOT NULL,
    counter          TEXT NOT NULL,
    boot_id          TEXT NOT NULL,
    started_wall_ms  INTEGER NOT NULL,
    started_mono_ms  INTEGER NOT NULL,
    language         TEXT NOT NULL,
    service_code     TEXT,                      -- the service received (the open case's, or chosen)
    officer_nip      TEXT,                      -- the officer and case open when it began, if any
    case_id          TEXT,
    status           TEXT NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'complete', 'incomplete')),
    finished_wall_ms INTEGER,
    upload_status    TEXT NOT NULL DEFAULT 'pending' CHECK (upload_status IN ('pending', 'sent', 'rejected')),
    rev              INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT
);
CREATE INDEX survey_outbox ON survey_responses (upload_status) WHERE upload_status = 'pending';
CREATE INDEX survey_by_time ON survey_responses (counter, started_wall_ms);
-- item: U1..U9 (value 1..4) or a profile question's code (value: the option's code).
CREATE TABLE survey_answers (
    response_id      TEXT NOT NULL REFERENCES survey_responses (id),
    item             TEXT NOT NULL,
    value            TEXT NOT NULL,
    answered_wall_ms INTEGER NOT NULL,
    PRIMARY KEY (response_id, item)
) WITHOUT ROWID;
CREATE TRIGGER survey_changed AFTER UPDATE OF status, service_code, language, finished_wall_ms ON survey_responses
BEGIN
    UPDATE survey_responses SET rev = rev + 1, upload_status = 'pending' WHERE id = NEW.id;
END;
CREATE TRIGGER survey_answer_added AFTER INSERT ON survey_answers
BEGIN
    UPDATE survey_responses SET rev = rev + 1, upload_status = 'pending' WHERE id = NEW.response_id;
END;
CREATE TRIGGER survey_answer_changed AFTER UPDATE ON survey_answers
BEGIN
    UPDATE survey_responses SET rev = rev + 1, upload_status = 'pending' WHERE id = NEW.response_id;
END;
)sql"},
        {8, "PIN throttling per sign-in channel (touch, keyboard) and a device-wide touch allowance", R"sql(
-- Wrong PINs per (NIP or 'technician', channel) since the last good sign-in on that channel
-- (kiosk/roster/auth.hpp). The wait before the next attempt follows from the count and the time of
-- the last failure: by the monotonic clock within the boot that recorded it, by the wall clock after.
CREATE TABLE pin_lockouts_by_channel (
    key                  TEXT NOT NULL,   -- an officer's NIP, or 'technician'
    channel              TEXT NOT NULL CHECK (channel IN ('touch', 'keyboard')),
    failures             INTEGER NOT NULL CHECK (failures >= 0),
    last_failure_wall_ms INTEGER NOT NULL,
    last_failure_mono_ms INTEGER NOT NULL,
    boot_id              TEXT NOT NULL,   -- the boot of the last failure
    PRIMARY KEY (key, channel)
) WITHOUT ROWID;
-- The old rows go to the touch channel, the side a stranger can reach; the keyboard starts clean, so
-- an old lock-out does not outlive the upgrade on the officer's side. Their count is every wrong PIN
-- since the last good sign-in (five per lock-out, plus those after it). Their last failure is when
-- the last lock-out began (its deadline less its delay, 1 min doubling to 1 h), or, with failures
-- after it, that deadline (the earliest those can have been): the new policy's wait then runs from
-- there, so no carried wait is longer than the new cap. Rows with no lock-out hold at most four
-- wrong PINs at an unknown time, within the free ones: they are not carried.
INSERT INTO pin_lockouts_by_channel (key, channel, failures, last_failure_wall_ms, last_failure_mono_ms, boot_id)
SELECT nip, 'touch', failures + 5 * lockouts,
       CASE WHEN failures > 0 THEN locked_until_wall_ms ELSE locked_until_wall_ms - min(3600000, 60000 << min(lockouts - 1, 20)) END,
       CASE WHEN failures > 0 THEN locked_until_mono_ms ELSE locked_until_mono_ms - min(3600000, 60000 << min(lockouts - 1, 20)) END,
       locked_boot_id
FROM pin_lockouts WHERE lockouts > 0;
DROP TABLE pin_lockouts;
ALTER TABLE pin_lockouts_by_channel RENAME TO pin_lockouts;
-- Wrong PINs on the touch screen across all keys, as a leaky bucket: each adds one interval of debt,
-- which drains with time (kiosk/roster/auth.cpp). One row; none until the first failure.
CREATE TABLE pin_touch_budget (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    debt_ms              INTEGER NOT NULL CHECK (debt_ms >= 0),  -- at the last failure
    last_failure_wall_ms INTEGER NOT NULL,
    last_failure_mono_ms INTEGER NOT NULL,
    boot_id              TEXT NOT NULL
);

)sql"},
        {9, "an optional photo per officer in the roster", R"sql(
-- The file name of the officer's photo in DATA_DIR/photos/ (named by its content), '' if none.
ALTER TABLE roster_officers ADD COLUMN photo TEXT NOT NULL DEFAULT '';
)sql"},
        {10, "cases a queue system opens (with or without an officer on duty); session-level ratings", R"sql(
-- A case now also comes from the queue system (kiosk/queue/): with no officer on duty it is a
-- counter-level case, with neither session nor NIP. SQLite changes a column's constraints only by
-- building the table anew (its documented twelve steps; nothing refers to cases or ratings by key).
CREATE TABLE cases_new (
    id             TEXT PRIMARY KEY,           -- UUIDv7
    session_id     TEXT REFERENCES officer_sessions (id), -- NULL: a counter-level case (no officer on duty)
    nip            TEXT,
    counter        TEXT NOT NULL,
    service_code   TEXT NOT NULL,
    ticket         TEXT,                       -- the queue ticket, typed, scanned or sent by the queue system
    boot_id        TEXT NOT NULL,
    opened_wall_ms INTEGER NOT NULL,
    opened_mono_ms INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'rated', 'not_rated')),
    close_reason   TEXT,                       -- rated, expired, replaced, session_ended, kiosk_restarted, cancelled
    rating_id      TEXT UNIQUE,                -- one rating per case
    closed_wall_ms INTEGER,
    upload_status  TEXT NOT NULL DEFAULT 'pending' CHECK (upload_status IN ('pending', 'sent', 'rejected')),
    rev            INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    source         TEXT NOT NULL DEFAULT 'officer' CHECK (source IN ('officer', 'queue')), -- who opened it
    CHECK ((session_id IS NULL) = (nip IS NULL))
);
INSERT INTO cases_new (id, session_id, nip, counter, service_code, ticket, boot_id, opened_wall_ms, opened_mono_ms, status, close_reason,
                       rating_id, closed_wall_ms, upload_status, rev, last_error)
SELECT id, session_id, nip, counter, service_code, ticket, boot_id, opened_wall_ms, opened_mono_ms, status, close_reason,
       rating_id, closed_wall_ms, upload_status, rev, last_error FROM cases;
DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;
CREATE UNIQUE INDEX cases_one_open_per_counter ON cases (counter) WHERE status = 'open';
CREATE INDEX cases_outbox ON cases (upload_status) WHERE upload_status = 'pending';
CREATE INDEX cases_by_ticket ON cases (counter, ticket, opened_wall_ms) WHERE ticket IS NOT NULL;
CREATE TRIGGER cases_changed AFTER UPDATE OF session_id, nip, counter, service_code, ticket, status, close_reason, rating_id, closed_wall_ms ON cases
BEGIN
    UPDATE cases SET rev = rev + 1, upload_status = 'pending' WHERE id = NEW.id;
END;
-- A rating's scope gains 'session': a tap during an officer's session with no case open, when the
-- office counts those for the officer ([officer] session_ratings; shown apart from case ratings).
CREATE TABLE ratings_new (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    created_wall_ms INTEGER NOT NULL,
    created_mono_ms INTEGER NOT NULL,
    boot_id         TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    counter         TEXT NOT NULL,
    officer_nip     TEXT,
    case_id         TEXT,
    service_code    TEXT,
    upload_status   TEXT NOT NULL DEFAULT 'pending' CHECK (upload_status IN ('pending', 'sent', 'rejected')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    batch_id        TEXT,
    sent_at_ms      INTEGER,
    reasons         TEXT,
    comment         TEXT,
    suppressed      INTEGER NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1)),
    language        TEXT NOT NULL DEFAULT 'id',
    updated_wall_ms INTEGER,
    scope           TEXT NOT NULL DEFAULT 'counter' CHECK (scope IN ('counter', 'case', 'session')),
    prev_hash       TEXT,
    hash            TEXT,
    rev             INTEGER NOT NULL DEFAULT 0
);
INSERT INTO ratings_new SELECT seq, id, score, created_wall_ms, created_mono_ms, boot_id, device_id, counter, officer_nip, case_id, service_code,
    upload_status, attempts, next_attempt_ms, last_error, batch_id, sent_at_ms, reasons, comment, suppressed, language, updated_wall_ms,
    scope, prev_hash, hash, rev FROM ratings;
DROP TABLE ratings;
ALTER TABLE ratings_new RENAME TO ratings;
CREATE INDEX ratings_outbox ON ratings (upload_status, next_attempt_ms);
)sql"},
        {11, "a reason of the roster may be marked as a complaint (the SP4N-LAPOR! hand-off)", R"sql(
-- 1: choosing it after a low score offers the complaint channel (docs/complaints.md). A roster
-- imported before this knew no such mark: its 'pungutan' is one, as a list without the key says.
ALTER TABLE roster_reasons ADD COLUMN complaint INTEGER NOT NULL DEFAULT 0 CHECK (complaint IN (0, 1));
UPDATE roster_reasons SET complaint = 1 WHERE code = 'pungutan';
)sql"},
    };
    return all;
}

int latestSchemaVersion() { return static_cast<int>(migrations().size()); }

int migrate(Database& db, int target) { return migrate(db, migrations(), target); }

} // namespace skm::store
