// The rating store against real SQLite files in temporary directories: opening and its refusals,
// commit and update, the hash chain, migrations from every earlier schema with data in them, the
// device id, disk full and I/O errors (a real tiny file system and the faulty VFS), quarantine and
// salvage of a damaged file. One file because they share its helpers (onDisk, integrity, the
// scrambled-page fixtures) and all test one class, RatingStore; about 800 lines.

#include "support/faulty_vfs.hpp"
#include "support/test_util.hpp"

#include <core/chain.hpp>
#include <kiosk/store/instance_lock.hpp>
#include <kiosk/store/migrations.hpp>
#include <kiosk/store/rating_store.hpp>
#include <kiosk/roster/roster_store.hpp>

#include <catch2/catch.hpp>
#include <sodium.h>

#include <atomic>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <thread>

using namespace skm::store;
using skm::test::TempDir;

namespace {

// `kiosk`: the instance lock of the kiosk, when the store stands for the kiosk's own (only that one
// may quarantine and salvage a damaged file).
StoreOptions optionsFor(const TempDir& dir, const Clock* clock = nullptr, const InstanceLock* kiosk = nullptr)
{
    StoreOptions o;
    o.dataDir = dir / "data";
    o.deviceId = "test-device";
    o.counter = "Loket 1";
    o.clock = clock;
    o.instanceLock = kiosk;
    return o;
}

// The same, on the faulty VFS (tests/support/faulty_vfs.hpp), whose faults InjectedFault turns on.
StoreOptions faultyOptionsFor(const TempDir& dir)
{
    skm::test::registerFaultyVfs();
    StoreOptions o = optionsFor(dir);
    o.vfs = skm::test::kFaultyVfsName;
    return o;
}

// Whether a rating id is in the file, as a new connection sees it.
bool onDisk(const std::filesystem::path& db, const std::string& id)
{
    Database d(db.string(), SQLITE_OPEN_READONLY);
    Statement st(d, "SELECT count(*) FROM ratings WHERE id = ?1");
    st.bind(1, std::string_view(id));
    REQUIRE(st.next());
    return st.columnInt(0) == 1;
}

struct Filled {
    std::vector<std::string> stored; // ids committed before the first refusal
    PendingRating refused;           // the first tap the store refused
    CommitResult failure;            // and why
};

// Commits ratings until the store refuses one (the disk is full).
Filled fillUntilRefused(RatingStore& store)
{
    Filled f;
    for (int i = 0; i < 500'000; ++i) {
        PendingRating p = store.stamp(i % 4 + 1);
        CommitResult r = store.commit(p);
        if (!r.ok) {
            f.refused = p;
            f.failure = r;
            break;
        }
        f.stored.push_back(p.id);
    }
    return f;
}

std::string integrity(const std::filesystem::path& db)
{
    Database d(db.string(), SQLITE_OPEN_READONLY);
    return d.queryText("PRAGMA integrity_check");
}

} // namespace

namespace {
// Recomputes every rating's hash from its fields and counts the rows whose stored hash, or whose
// link to the row before, does not match.
int chainBreaks(Database& db)
{
    Statement st(db, "SELECT id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id, service_code, suppressed,"
                     " language, scope, prev_hash, hash FROM ratings ORDER BY seq");
    auto opt = [&](int c) { return st.columnIsNull(c) ? std::nullopt : std::optional<std::string>(st.columnText(c)); };
    std::string prev = kChainGenesis;
    int breaks = 0;
    while (st.next()) {
        const ChainFields f{st.columnText(0), st.columnInt(1), st.columnInt(2), st.columnInt(3), st.columnText(4), st.columnText(5),
                            opt(6), opt(7), opt(8), st.columnInt(9) != 0, st.columnText(10), st.columnText(11)};
        if (st.columnText(12) != prev || st.columnText(13) != chainHash(prev, f)) ++breaks;
        prev = st.columnText(13);
    }
    return breaks;
}
} // namespace

TEST_CASE("every connection runs with WAL, synchronous=FULL, busy_timeout and temp_store=MEMORY", "[store]")
{
    TempDir dir;
    for (int open = 0; open < 2; ++open) { // a new file, then an existing one
        RatingStore store(optionsFor(dir));
        Database& db = store.database();
        CHECK(db.queryText("PRAGMA journal_mode") == "wal");
        CHECK(db.queryInt("PRAGMA synchronous") == 2);
        CHECK(db.queryInt("PRAGMA busy_timeout") == 5000);
        CHECK(db.queryInt("PRAGMA temp_store") == 2);
        CHECK(store.schemaVersion() == latestSchemaVersion());
    }
}

TEST_CASE("pragmas that do not read back refuse the database with a clear message", "[store]")
{
    Database mem(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    try {
        applyPragmas(mem, PragmaSettings{});
        FAIL("an in-memory database cannot run in WAL mode and must be refused");
    } catch (const StoreError& e) {
        CHECK_THAT(e.what(), Catch::Contains("journal_mode=WAL") && Catch::Contains("refusing"));
    }
}

TEST_CASE("a committed rating holds its id, score, times, boot id, device and counter", "[store]")
{
    TempDir dir;
    ManualClock clock(1'764'400'000'123, 42'000);
    RatingStore store(optionsFor(dir, &clock));
    const PendingRating p = store.stamp(3);
    const CommitResult r = store.commit(p);
    REQUIRE(r.ok);
    CHECK_FALSE(r.alreadyStored);

    Statement st(store.database(), "SELECT id, score, created_wall_ms, created_mono_ms, boot_id, device_id, counter,"
                                   " officer_nip IS NULL, case_id IS NULL, service_code IS NULL, upload_status,"
                                   " attempts, next_attempt_ms, last_error IS NULL FROM ratings");
    REQUIRE(st.next());
    CHECK(st.columnText(0) == p.id);
    CHECK(st.columnInt(1) == 3);
    CHECK(st.columnInt(2) == 1'764'400'000'123);
    CHECK(st.columnInt(3) == 42'000);
    CHECK(st.columnText(4) == bootId());
    CHECK(st.columnText(5) == "test-device");
    CHECK(st.columnText(6) == "Loket 1");
    CHECK(st.columnInt(7) == 1);
    CHECK(st.columnInt(8) == 1);
    CHECK(st.columnInt(9) == 1);
    CHECK(st.columnText(10) == "pending");
    CHECK(st.columnInt(11) == 0);
    CHECK(st.columnInt(12) == 0);
    CHECK(st.columnInt(13) == 1);
    CHECK_FALSE(st.next());

    const auto uuid = Uuid::parse(p.id);
    REQUIRE(uuid);
    CHECK(uuid->version() == 7);
    CHECK(uuid->unixMs() == 1'764'400'000'123);
    CHECK(onDisk(store.dbPath(), p.id));
}

TEST_CASE("commit is idempotent on the rating id, and refuses scores outside 1..4", "[store]")
{
    TempDir dir;
    RatingStore store(optionsFor(dir));
    const PendingRating p = store.stamp(4);
    REQUIRE(store.commit(p).ok);
    const CommitResult again = store.commit(p);
    CHECK(again.ok);
    CHECK(again.alreadyStored);
    CHECK(store.counts().total == 1);

    for (int bad : {0, 5, -1}) {
        PendingRating q = store.stamp(1);
        q.score = bad;
        const CommitResult r = store.commit(q);
        CHECK_FALSE(r.ok);
        CHECK_THAT(r.error, Catch::Contains("outside 1..4"));
        CHECK_FALSE(onDisk(store.dbPath(), q.id));
    }
    CHECK(store.counts().total == 1);
}

TEST_CASE("migrations run forward from every earlier schema version and keep the data", "[store][migrations]")
{
    for (int from = 0; from < latestSchemaVersion(); ++from) {
        DYNAMIC_SECTION("from schema version " << from)
        {
            TempDir dir;
            const auto dbPath = dir / "data" / "skm.db";
            std::filesystem::create_directories(dbPath.parent_path());
            {
                Database db(dbPath.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
                REQUIRE(migrate(db, from) == 0);
                REQUIRE(db.queryInt("PRAGMA user_version") == from);
                if (from >= 1) {
                    db.exec("INSERT INTO ratings (id, score, created_wall_ms, created_mono_ms, boot_id, device_id, counter)"
                            " VALUES ('0190a1b2-0000-7000-8000-000000000001', 2, 1, 2, 'boot', 'old-device', 'Loket 7')");
                }
                if (from >= 6) {
                    // From schema 6 on, a rating is written with its chain (as the store does).
                    const ChainFields f{"0190a1b2-0000-7000-8000-000000000001", 2, 1, 2, "boot", "Loket 7", std::nullopt, std::nullopt, std::nullopt,
                                        false, "id", "counter"};
                    db.exec(std::string("UPDATE ratings SET prev_hash = '") + kChainGenesis + "', hash = '" + chainHash(kChainGenesis, f) + "'");
                }
            }
            RatingStore store(optionsFor(dir));
            CHECK(store.openReport().schemaFrom == from);
            CHECK(store.schemaVersion() == latestSchemaVersion());
            CHECK(store.counts().total == (from >= 1 ? 1 : 0));
            if (from >= 1) {
                CHECK(store.database().queryText("SELECT counter FROM ratings WHERE score = 2") == "Loket 7");
                const auto events = store.recentEvents(5);
                REQUIRE_FALSE(events.empty());
                CHECK(events.front().kind == "schema_migrated");
            }
            REQUIRE(store.commit(store.stamp(1)).ok);
            CHECK(store.counts().total == (from >= 1 ? 2 : 1));
            CHECK(integrity(store.dbPath()) == "ok");
            // The rating from before schema 6 was chained on the upgrade, and the new one follows it.
            CHECK(chainBreaks(store.database()) == 0);
        }
    }
}

TEST_CASE("each rating carries its predecessor's hash: the chain holds over commits, batches and retries", "[store][chain]")
{
    TempDir dir;
    RatingStore store(optionsFor(dir));
    const PendingRating first = store.stamp(3);
    REQUIRE(store.commit(first).ok);
    CHECK(store.database().queryText("SELECT prev_hash FROM ratings WHERE seq = 1") == kChainGenesis);
    std::vector<PendingRating> batch;
    for (int i = 0; i < 5; ++i) batch.push_back(store.stamp(i % 4 + 1));
    REQUIRE(store.commitBatch(batch).ok);
    REQUIRE(store.commit(first).alreadyStored); // a retry adds no link
    PendingRating withCase = store.stamp(4);
    withCase.officerNip = "198503302010011002";
    withCase.caseId = store.newId();
    withCase.serviceCode = "nib";
    REQUIRE(store.commit(withCase).ok);
    CHECK(store.counts().total == 7);
    CHECK(chainBreaks(store.database()) == 0);
    // A follow-up changes reasons and comment, which the chain leaves out: still intact.
    REQUIRE(store.update({first.id, RatingUpdate::Field::Comment, "cepat", "id"}).ok);
    CHECK(chainBreaks(store.database()) == 0);
    // Changing a chained field after the fact is visible.
    store.database().exec("UPDATE ratings SET score = 1 WHERE seq = 3");
    CHECK(chainBreaks(store.database()) == 1);
}

TEST_CASE("an upgrade that fails in its last step leaves the database byte for byte as it was", "[store][migrations]")
{
    TempDir dir;
    const auto dbPath = dir / "skm.db";
    {
        Database db(dbPath.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        REQUIRE(migrate(db, 2) == 0);
        db.exec("INSERT INTO ratings (id, score, created_wall_ms, created_mono_ms, boot_id, device_id, counter)"
                " VALUES ('0190a1b2-0000-7000-8000-000000000001', 2, 1, 2, 'boot', 'dev', 'Loket 7')");
    }
    std::ifstream in(dbPath, std::ios::binary);
    const std::string before((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    // The real steps 3 to 7, then a step that fails (a bug in a new release).
    std::vector<Migration> list = migrations();
    list.push_back({latestSchemaVersion() + 1, "broken", "CREATE TABLE later (x); INSERT INTO no_such_table VALUES (1);"});
    {
        Database db(dbPath.string(), SQLITE_OPEN_READWRITE);
        try {
            (void)migrate(db, list, latestSchemaVersion() + 1);
            FAIL("the broken migration went through");
        } catch (const SqliteError& e) {
            CHECK_THAT(std::string(e.what()), Catch::Contains("left at schema 2, unchanged"));
        }
        CHECK(db.queryInt("PRAGMA user_version") == 2);
        CHECK(db.queryInt("SELECT count(*) FROM sqlite_master WHERE name IN ('roster_officers', 'cases', 'survey_responses', 'later')") == 0);
        CHECK(db.queryInt("SELECT count(*) FROM ratings") == 1);
    }
    std::ifstream again(dbPath, std::ios::binary);
    const std::string after((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
    CHECK(after == before);
    // And the good upgrade still goes through afterwards.
    Database db(dbPath.string(), SQLITE_OPEN_READWRITE);
    CHECK(migrate(db, latestSchemaVersion()) == 2);
    CHECK(db.queryInt("PRAGMA user_version") == latestSchemaVersion());
}

TEST_CASE("a database newer than the binary is refused and left byte-for-byte untouched", "[store][migrations]")
{
    TempDir dir;
    const auto dbPath = dir / "data" / "skm.db";
    std::filesystem::create_directories(dbPath.parent_path());
    {
        Database db(dbPath.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("CREATE TABLE future (x); INSERT INTO future VALUES (1);");
        db.exec("PRAGMA user_version = " + std::to_string(latestSchemaVersion() + 1));
    }
    const auto before = skm::test::readBytes(dbPath);
    try {
        RatingStore store(optionsFor(dir));
        FAIL("a newer database must be refused");
    } catch (const StoreError& e) {
        CHECK_THAT(e.what(), Catch::Contains("newer than this skm-kiosk") && Catch::Contains("left untouched"));
    }
    CHECK(skm::test::readBytes(dbPath) == before);
    CHECK_FALSE(std::filesystem::exists(dbPath.string() + "-wal"));
    // Nothing was quarantined either: the file is not corrupt, only newer.
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dbPath.parent_path())) ++files;
    CHECK(files == 1);
}

TEST_CASE("a corrupt database is moved aside, a fresh one is created, and the event is recorded", "[store][corrupt]")
{
    TempDir dir;
    const auto dbPath = dir / "data" / "skm.db";
    ManualClock clock(1'764'400'000'000);
    const InstanceLock kioskLock(dir / "data"); // these stores stand for the kiosk's own

    SECTION("a file that is not a database at all")
    {
        std::filesystem::create_directories(dbPath.parent_path());
        std::vector<uint8_t> junk(8192);
        randombytes_buf(junk.data(), junk.size());
        skm::test::writeBytes(dbPath, junk);

        RatingStore store(optionsFor(dir, &clock, &kioskLock));
        const OpenReport& rep = store.openReport();
        REQUIRE(rep.quarantinedTo);
        CHECK(rep.quarantinedTo->filename().string().rfind("skm.db.corrupt-20251129T", 0) == 0);
        CHECK(skm::test::readBytes(*rep.quarantinedTo) == junk);
        CHECK(store.counts().total == 0);
        REQUIRE(store.commit(store.stamp(2)).ok);
        const auto events = store.recentEvents(5);
        REQUIRE(events.size() == 1);
        CHECK(events[0].kind == "db_quarantined");
        CHECK_THAT(events[0].detail, Catch::Contains(rep.quarantinedTo->string()));
        const StoreStatus status = readStatus(dir / "data");
        REQUIRE(status.events.size() == 1);
        CHECK(status.events[0].kind == "db_quarantined");
    }

    SECTION("a real database with pages overwritten")
    {
        std::vector<std::string> ids;
        {
            RatingStore store(optionsFor(dir, &clock, &kioskLock));
            for (int i = 0; i < 400; ++i) {
                auto p = store.stamp(i % 4 + 1);
                REQUIRE(store.commit(p).ok);
                ids.push_back(p.id);
            }
            store.database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        auto bytes = skm::test::readBytes(dbPath);
        REQUIRE(bytes.size() > 4096 * 6);
        randombytes_buf(bytes.data() + 4096 * 2, 4096 * 3); // pages 3..5: b-tree pages of the ratings
        skm::test::writeBytes(dbPath, bytes);

        RatingStore store(optionsFor(dir, &clock, &kioskLock));
        REQUIRE(store.openReport().quarantinedTo);
        CHECK_THAT(store.openReport().quarantineReason, Catch::Contains("quick_check") || Catch::Contains("malformed"));
        CHECK(skm::test::readBytes(*store.openReport().quarantinedTo) == bytes); // left as found, as evidence
        // What could be read was salvaged (never more than there was, never an id that was not there).
        const int64_t salvaged = store.openReport().salvagedRatings;
        CHECK(store.counts().total == salvaged);
        CHECK(salvaged <= 400);
        const std::set<std::string> known(ids.begin(), ids.end());
        Statement q(store.database(), "SELECT id FROM ratings");
        while (q.next()) CHECK(known.count(q.columnText(0)) == 1);
        REQUIRE(store.commit(store.stamp(4)).ok);
        CHECK(integrity(store.dbPath()) == "ok");
    }

    SECTION("two quarantines in the same second get distinct names")
    {
        std::filesystem::create_directories(dbPath.parent_path());
        skm::test::writeBytes(dbPath, std::vector<uint8_t>(4096, 0xAB));
        std::filesystem::path first;
        {
            RatingStore store(optionsFor(dir, &clock, &kioskLock));
            REQUIRE(store.openReport().quarantinedTo);
            first = *store.openReport().quarantinedTo;
        }
        skm::test::writeBytes(dbPath, std::vector<uint8_t>(4096, 0xCD));
        RatingStore store(optionsFor(dir, &clock, &kioskLock));
        REQUIRE(store.openReport().quarantinedTo);
        CHECK(*store.openReport().quarantinedTo != first);
        CHECK(std::filesystem::exists(first));
    }
}

TEST_CASE("disk full (max_page_count): explicit rollback, a clear error, nothing half-written, retry works", "[store][diskfull]")
{
    TempDir dir;
    StoreOptions o = optionsFor(dir);
    o.maxPageCount = 40; // the schema takes about 30 pages; the ratings fill the rest
    RatingStore store(o);
    auto [stored, refused, failure] = fillUntilRefused(store);
    REQUIRE_FALSE(failure.ok);
    CHECK(failure.diskFull);
    CHECK((failure.sqliteCode & 0xff) == SQLITE_FULL);
    CHECK_THAT(failure.error, Catch::Contains("disk is full"));
    CHECK(sqlite3_get_autocommit(store.database().handle()) == 1); // no transaction left open
    CHECK_FALSE(onDisk(store.dbPath(), refused.id));
    CHECK(store.counts().total == static_cast<int64_t>(stored.size()));
    CHECK(integrity(store.dbPath()) == "ok");

    // Space comes back: the same tap commits, once.
    (void)store.database().queryInt("PRAGMA max_page_count = 100000");
    CHECK(store.commit(refused).ok);
    CHECK(onDisk(store.dbPath(), refused.id));
    CHECK(store.counts().total == static_cast<int64_t>(stored.size()) + 1);
    for (const auto& id : stored) REQUIRE(onDisk(store.dbPath(), id));
}

TEST_CASE("disk full on a real tiny filesystem: the store stays up and resumes when space is freed", "[store][diskfull][tmpfs]")
{
    TempDir dir;
    skm::test::TmpfsMount tiny(dir / "data", 320 * 1024);
    // Ballast that the test removes later to free space.
    skm::test::writeBytes(dir / "data" / "ballast", std::vector<uint8_t>(96 * 1024, 1));

    StoreOptions o = optionsFor(dir);
    o.deviceId = "tiny-filesystem-device-with-a-long-id-to-fill-pages-faster";
    RatingStore store(o);
    auto [stored, refused, failure] = fillUntilRefused(store);
    REQUIRE_FALSE(failure.ok);
    INFO("failure: " << failure.error << " code " << failure.sqliteCode);
    CHECK(failure.diskFull);
    CHECK(sqlite3_get_autocommit(store.database().handle()) == 1);
    CHECK(store.counts().total == static_cast<int64_t>(stored.size()));
    CHECK_FALSE(store.commit(refused).ok); // still full: still refused, still nothing half-written

    std::filesystem::remove(dir / "data" / "ballast");
    const CommitResult retried = store.commit(refused);
    INFO("retry: " << retried.error);
    REQUIRE(retried.ok);
    REQUIRE(store.commit(store.stamp(3)).ok);
    CHECK(store.counts().total == static_cast<int64_t>(stored.size()) + 2);
    CHECK(integrity(store.dbPath()) == "ok");
    for (const auto& id : stored) REQUIRE(onDisk(store.dbPath(), id));
}

TEST_CASE("an I/O error on commit rolls back and leaves the store usable", "[store][ioerr]")
{
    TempDir dir;
    RatingStore store(faultyOptionsFor(dir));
    const PendingRating first = store.stamp(4);
    REQUIRE(store.commit(first).ok);

    auto kind = skm::test::InjectedFault::FailSyncs;
    SECTION("fsync fails") { kind = skm::test::InjectedFault::FailSyncs; }
    SECTION("write fails") { kind = skm::test::InjectedFault::FailWrites; }
    SECTION("write reports a full disk") { kind = skm::test::InjectedFault::FullWrites; }
    const PendingRating p = store.stamp(1);
    CommitResult r;
    {
        skm::test::InjectedFault fault(kind); // off again at the brace, also if commit throws
        r = store.commit(p);
    }

    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.error.empty());
    CHECK(sqlite3_get_autocommit(store.database().handle()) == 1);
    CHECK_FALSE(onDisk(store.dbPath(), p.id));
    CHECK(store.counts().total == 1);

    const CommitResult again = store.commit(p);
    INFO(again.error);
    REQUIRE(again.ok);
    CHECK_FALSE(again.alreadyStored);
    CHECK(store.counts().total == 2);
    CHECK(onDisk(store.dbPath(), p.id));
    CHECK(integrity(store.dbPath()) == "ok");
}

TEST_CASE("the device id is made once and kept outside the database", "[store]")
{
    TempDir dir;
    const std::string id = loadOrCreateDeviceId(dir / "data");
    CHECK(id.size() == 16);
    CHECK(id.rfind("skm-", 0) == 0);
    CHECK(loadOrCreateDeviceId(dir / "data") == id);
}

TEST_CASE("status reads a missing, an empty and a filled data directory", "[store]")
{
    TempDir dir;
    StoreStatus none = readStatus(dir / "nothing-here");
    CHECK_FALSE(none.exists);
    CHECK(none.counts.total == 0);
    CHECK(none.schemaVersion == 0);
    {
        RatingStore store(optionsFor(dir));
        for (int s = 1; s <= 4; ++s) REQUIRE(store.commit(store.stamp(s)).ok);
        const StoreStatus live = readStatus(dir / "data"); // while the writer is open
        CHECK(live.counts.total == 4);
        CHECK(live.counts.pending == 4);
        CHECK(live.schemaVersion == latestSchemaVersion());
        CHECK(live.error.empty());
    }
}

TEST_CASE("processes opening a new database at the same moment all get a migrated store", "[store][migrations]")
{
    // The kiosk and the sync job may both start at boot on a fresh data directory.
    TempDir dir;
    std::atomic<int> ready{0};
    std::vector<std::string> errors(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            ++ready;
            while (ready < 4) std::this_thread::yield();
            try {
                RatingStore store(optionsFor(dir));
                if (store.schemaVersion() != latestSchemaVersion()) errors[t] = "wrong schema version";
                else if (!store.commit(store.stamp(t % 4 + 1)).ok) errors[t] = "commit failed";
            } catch (const std::exception& e) {
                errors[t] = e.what();
            }
        });
    }
    for (auto& th : threads) th.join();
    for (const auto& e : errors) {
        INFO("a concurrent open failed with: " << e);
        CHECK(e.empty());
    }
    RatingStore store(optionsFor(dir));
    CHECK(store.counts().total == 4);
}

TEST_CASE("concurrent first starts agree on one device id", "[store]")
{
    TempDir dir;
    std::vector<std::string> ids(8);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < ids.size(); ++t) threads.emplace_back([&, t] { ids[t] = loadOrCreateDeviceId(dir / "data"); });
    for (auto& th : threads) th.join();
    for (const auto& id : ids) CHECK(id == ids[0]);
    size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "data")) ++files;
    CHECK(files == 1); // no temporary files left behind
}

TEST_CASE("follow-up updates land in their own transaction and re-queue an uploaded rating", "[store]")
{
    TempDir dir;
    ManualClock clock(1'764'400'000'000);
    RatingStore store(optionsFor(dir, &clock));
    const PendingRating p = store.stamp(2);
    REQUIRE(store.commit(p).ok);
    store.database().exec("UPDATE ratings SET upload_status = 'sent'");

    clock.advance(5'000);
    const CommitResult r = store.update({p.id, RatingUpdate::Field::Reasons, R"(["waktu_lama"])", "en"});
    REQUIRE(r.ok);
    CHECK_FALSE(r.notFound);
    CHECK(store.update({p.id, RatingUpdate::Field::Comment, "antri 2 jam", "en"}).ok);
    CHECK(store.update({p.id, RatingUpdate::Field::Comment, "antri 2 jam", "en"}).ok); // idempotent
    Statement st(store.database(), "SELECT reasons, comment, language, upload_status, updated_wall_ms FROM ratings");
    REQUIRE(st.next());
    CHECK(st.columnText(0) == R"(["waktu_lama"])");
    CHECK(st.columnText(1) == "antri 2 jam");
    CHECK(st.columnText(2) == "en");
    CHECK(st.columnText(3) == "pending"); // the central office must receive the change
    CHECK(st.columnInt(4) == 1'764'400'005'000);

    const CommitResult missing = store.update({"0190a1b2-0000-7000-8000-00000000dead", RatingUpdate::Field::Comment, "x", "id"});
    CHECK(missing.ok);
    CHECK(missing.notFound);
    CHECK(store.counts().total == 1);
}

TEST_CASE("an update that hits an I/O error changes nothing and can be retried", "[store][ioerr]")
{
    TempDir dir;
    RatingStore store(faultyOptionsFor(dir));
    const PendingRating p = store.stamp(1);
    REQUIRE(store.commit(p).ok);
    skm::test::InjectedFault fault(skm::test::InjectedFault::FailSyncs);
    const CommitResult r = store.update({p.id, RatingUpdate::Field::Comment, "lama sekali", "id"});
    fault.end();
    CHECK_FALSE(r.ok);
    CHECK(sqlite3_get_autocommit(store.database().handle()) == 1);
    {
        Database fresh(store.dbPath().string(), SQLITE_OPEN_READONLY);
        CHECK(fresh.queryText("SELECT coalesce(comment, 'NULL') FROM ratings") == "NULL");
    }
    REQUIRE(store.update({p.id, RatingUpdate::Field::Comment, "lama sekali", "id"}).ok);
    CHECK(store.database().queryText("SELECT comment FROM ratings") == "lama sekali");
}

TEST_CASE("a corrupt database's readable rows are salvaged into the fresh one and queued for upload", "[store][corrupt]")
{
    TempDir dir;
    const auto dbPath = dir / "data" / "skm.db";
    ManualClock clock(1'764'400'000'000);
    const InstanceLock kioskLock(dir / "data"); // these stores stand for the kiosk's own
    const int n = 3000;
    std::map<std::string, std::string> hashOf; // id -> chain hash, as committed
    std::vector<int64_t> leaves;
    int64_t lostCells = 0;
    {
        RatingStore store(optionsFor(dir, &clock, &kioskLock));
        for (int i = 0; i < n; ++i) {
            auto p = store.stamp(i % 4 + 1);
            p.comment = "komentar nomor " + std::to_string(i);
            REQUIRE(store.commit(p).ok);
        }
        store.database().exec("UPDATE ratings SET upload_status = 'sent' WHERE seq <= 1000"); // uploaded before the damage
        skm::roster::Roster r;
        r.version = "roster-7";
        r.officers = {{"198503302010011002", "Budi Santoso", "Perizinan", "$argon2id$fake"}};
        r.services = {{"nib", "NIB", "Business number"}};
        skm::roster::replaceRoster(store.database(), r, 1);
        REQUIRE(store.recordAudit("roster_import", std::nullopt, "{}") == SQLITE_OK);
        // The sign-in throttle's state (kiosk/roster/auth.cpp): a stranger's wrong PINs must not be
        // forgiven by a damaged page elsewhere.
        store.database().exec("INSERT INTO pin_lockouts (key, channel, failures, last_failure_wall_ms, last_failure_mono_ms, boot_id)"
                              " VALUES ('198503302010011002', 'touch', 12, 1764399000000, 5000, 'boot-a'),"
                              " ('technician', 'keyboard', 3, 1764399000001, 5001, 'boot-a');"
                              "INSERT INTO pin_touch_budget (id, debt_ms, last_failure_wall_ms, last_failure_mono_ms, boot_id)"
                              " VALUES (1, 8100000, 1764399000000, 5000, 'boot-a')");
        Statement rows(store.database(), "SELECT id, hash FROM ratings");
        while (rows.next()) hashOf[rows.columnText(0)] = rows.columnText(1);
        store.database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
        // Three leaf pages of the ratings table, from its start, middle and end.
        Statement q(store.database(), "SELECT pageno, ncell FROM dbstat WHERE name = 'ratings' AND pagetype = 'leaf' ORDER BY pageno");
        std::vector<std::pair<int64_t, int64_t>> all;
        while (q.next()) all.emplace_back(q.columnInt(0), q.columnInt(1));
        REQUIRE(all.size() > 20);
        for (size_t at : {size_t{1}, all.size() / 2, all.size() - 2}) {
            leaves.push_back(all[at].first);
            lostCells += all[at].second;
        }
    }
    auto bytes = skm::test::readBytes(dbPath);
    for (int64_t page : leaves) randombytes_buf(bytes.data() + (page - 1) * 4096, 4096);
    skm::test::writeBytes(dbPath, bytes);

    RatingStore store(optionsFor(dir, &clock, &kioskLock));
    const OpenReport& rep = store.openReport();
    REQUIRE(rep.quarantinedTo);
    CHECK(rep.salvageError.empty());
    // Exactly the rows on the three damaged pages are lost; every other rating is back, unchanged.
    CHECK(rep.salvagedRatings == n - lostCells);
    CHECK(rep.unreadableRanges >= 3);
    CHECK(store.counts().total == n - lostCells);
    Statement rows(store.database(), "SELECT id, hash, upload_status FROM ratings");
    int64_t checked = 0;
    while (rows.next()) {
        INFO(rows.columnText(0));
        REQUIRE(hashOf.count(rows.columnText(0)) == 1);
        CHECK(hashOf[rows.columnText(0)] == rows.columnText(1));
        CHECK(rows.columnText(2) == "pending"); // all queued again: the central office de-duplicates
        ++checked;
    }
    CHECK(checked == n - lostCells);
    CHECK(store.database().queryInt("SELECT count(*) FROM audit_events WHERE kind = 'roster_import'") == 1);
    // The roster came back whole (its pages were not damaged), with its version.
    CHECK(rep.rosterRestored);
    const auto roster = skm::roster::readRoster(store.database());
    REQUIRE(roster);
    CHECK(roster->version == "roster-7");
    CHECK(roster->officers.size() == 1);
    CHECK(roster->services.size() == 1);
    // So did the sign-in throttle, by key and channel, and the device's touch allowance.
    CHECK(store.database().queryText("SELECT group_concat(key || '/' || channel || '/' || failures, ' ') FROM"
                                     " (SELECT * FROM pin_lockouts ORDER BY key)") == "198503302010011002/touch/12 technician/keyboard/3");
    CHECK(store.database().queryText("SELECT debt_ms || '/' || boot_id FROM pin_touch_budget") == "8100000/boot-a");
    // The event names what was salvaged.
    const auto events = store.recentEvents(5);
    REQUIRE_FALSE(events.empty());
    CHECK(events[0].kind == "db_quarantined");
    CHECK_THAT(events[0].detail, Catch::Contains("\"ratings\":" + std::to_string(n - lostCells)));
    // The kiosk keeps taking ratings; the chain continues from the newest salvaged rating.
    const std::string head = store.database().queryText("SELECT hash FROM ratings ORDER BY seq DESC LIMIT 1");
    auto p = store.stamp(3);
    REQUIRE(store.commit(p).ok);
    Statement added(store.database(), "SELECT prev_hash FROM ratings WHERE id = ?1");
    added.bind(1, std::string_view(p.id));
    REQUIRE(added.next());
    CHECK(added.columnText(0) == head);
    CHECK(integrity(store.dbPath()) == "ok");
}

TEST_CASE("a second opener of a live database with a damaged page leaves it alone: the kiosk's next rating lands in skm.db", "[store][corrupt]")
{
    // The reproduction: the kiosk's own connection is open; one page of store_events is damaged; a
    // second opener (the nightly skm-sync, or "sync now") opens the same file; the kiosk then commits
    // a rating and thanks the citizen. That rating must be in skm.db, where the next sync reads.
    // (Before the fix the second opener moved skm.db aside under the kiosk's connection, and the
    // rating went into skm.db.corrupt-*, never to be uploaded.)
    TempDir dir;
    const auto dbPath = dir / "data" / "skm.db";
    ManualClock clock(1'764'400'000'000);
    std::optional<InstanceLock> kioskLock(std::in_place, dir / "data");
    std::optional<RatingStore> kiosk(std::in_place, optionsFor(dir, &clock, &*kioskLock));
    for (int i = 0; i < 20; ++i) REQUIRE(kiosk->commit(kiosk->stamp(i % 4 + 1)).ok);
    for (int i = 0; i < 300; ++i) REQUIRE(kiosk->recordEvent("test_event", "{\"n\":" + std::to_string(i) + ",\"pad\":\"" + std::string(60, 'x') + "\"}") == SQLITE_OK);
    kiosk->database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const int64_t page = kiosk->database().queryInt("SELECT pageno FROM dbstat WHERE name = 'store_events' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 1");
    REQUIRE(page > 1);
    skm::test::scramblePage(dbPath, page); // while the kiosk's connection is open
    const auto before = skm::test::readBytes(dbPath);

    std::string refusal;
    try {
        RatingStore second(optionsFor(dir, &clock)); // not the kiosk: it does not hold the instance lock
    } catch (const StoreDamaged& e) {
        refusal = e.what();
    }
    CHECK(skm::test::readBytes(dbPath) == before); // not even a checkpoint into it
    auto p = kiosk->stamp(4);
    REQUIRE(kiosk->commit(p).ok); // the citizen is thanked
    CHECK(onDisk(dbPath, p.id));  // and the rating is in skm.db, where skm-sync reads
    auto quarantined = [&] {
        int n = 0;
        for (const auto& e : std::filesystem::directory_iterator(dbPath.parent_path())) {
            if (e.path().filename().string().rfind("skm.db.corrupt-", 0) == 0) ++n;
        }
        return n;
    };
    CHECK(quarantined() == 0); // the second opener left the file where it was
    CHECK_THAT(refusal, Catch::Contains("damaged") && Catch::Contains(dbPath.string()) && Catch::Contains("left untouched") &&
                            Catch::Contains("Restart the kiosk"));

    // The kiosk itself, restarted, moves the file aside and salvages it: the rating is kept, queued.
    kiosk.reset();
    kioskLock.reset();
    const InstanceLock restarted(dir / "data");
    RatingStore again(optionsFor(dir, &clock, &restarted));
    REQUIRE(again.openReport().quarantinedTo);
    CHECK(quarantined() >= 1);
    CHECK(onDisk(dbPath, p.id));
    CHECK(again.database().queryText("SELECT upload_status FROM ratings WHERE id = '" + p.id + "'") == "pending");
    CHECK(again.counts().total == 21);
}

TEST_CASE("a damaged database is refused by every opener that is not the kiosk, and left as it was", "[store][corrupt]")
{
    TempDir dir;
    const auto dbPath = dir / "data" / "skm.db";
    std::filesystem::create_directories(dbPath.parent_path());
    std::vector<uint8_t> junk(8192);
    randombytes_buf(junk.data(), junk.size());
    skm::test::writeBytes(dbPath, junk);
    // No kiosk runs; a command-line tool opens the store: refused, the file untouched.
    CHECK_THROWS_AS(RatingStore(optionsFor(dir)), StoreDamaged);
    CHECK(skm::test::readBytes(dbPath) == junk);
    // A lock held on another data directory does not count.
    TempDir other;
    const InstanceLock elsewhere(other / "data");
    CHECK_THROWS_AS(RatingStore(optionsFor(dir, nullptr, &elsewhere)), StoreDamaged);
    CHECK(skm::test::readBytes(dbPath) == junk);
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dbPath.parent_path())) ++files;
    CHECK(files == 1); // nothing moved aside, nothing created beside it
    // A second kiosk cannot take the lock while the first holds it.
    const InstanceLock kiosk(dir / "data");
    CHECK_THROWS_WITH(InstanceLock(dir / "data"), Catch::Contains("already running"));
}

TEST_CASE("a damaged roster is not salvaged in part: it is left for the next sync, the ratings are salvaged", "[store][corrupt]")
{
    TempDir dir;
    const auto dbPath = dir / "data" / "skm.db";
    int64_t rosterPage = 0;
    const InstanceLock kioskLock(dir / "data"); // these stores stand for the kiosk's own
    {
        RatingStore store(optionsFor(dir, nullptr, &kioskLock));
        for (int i = 0; i < 200; ++i) REQUIRE(store.commit(store.stamp(i % 4 + 1)).ok);
        skm::roster::Roster r;
        r.version = "roster-8";
        for (int i = 0; i < 40; ++i) {
            r.officers.push_back({"1985033020100110" + std::to_string(10 + i), "Petugas " + std::to_string(i), "Unit", "$argon2id$fake"});
        }
        r.services = {{"nib", "NIB", "Business number"}};
        skm::roster::replaceRoster(store.database(), r, 1);
        store.database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
        rosterPage = store.database().queryInt("SELECT pageno FROM dbstat WHERE name = 'roster_officers' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1");
    }
    auto bytes = skm::test::readBytes(dbPath);
    randombytes_buf(bytes.data() + (rosterPage - 1) * 4096, 4096);
    skm::test::writeBytes(dbPath, bytes);

    RatingStore store(optionsFor(dir, nullptr, &kioskLock));
    const OpenReport& rep = store.openReport();
    REQUIRE(rep.quarantinedTo);
    CHECK(rep.salvagedRatings == 200);
    CHECK_FALSE(rep.rosterRestored);
    CHECK(store.database().queryInt("SELECT count(*) FROM roster_officers") == 0);
    CHECK(store.database().queryInt("SELECT count(*) FROM roster_services") == 0);
    CHECK_FALSE(skm::roster::readRoster(store.database())); // no version without its roster
    CHECK(integrity(store.dbPath()) == "ok");
}