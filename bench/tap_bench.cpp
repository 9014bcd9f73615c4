// skm-bench-store [--data-dir DIR] [--taps N]: two figures of the store, each against a baseline
// measured in the same run on the same disk.
//  1. Tap to durable: a tap stamped and committed by RatingStore::commit (WAL, synchronous=FULL, the
//     chain hash, the case check) against a raw single-row INSERT in its own transaction on a plain
//     SQLite file with the same pragmas. p50 and p99 over N taps each.
//  2. Central ingest: the central office storing uploads of 500 ratings (validation, chain hash,
//     de-duplication on the id) against a raw INSERT of the same rows in one transaction.
#include <central/store/central_store.hpp>
#include <kiosk/store/rating_json.hpp>
#include <kiosk/store/rating_store.hpp>

#include <core/cli.hpp>

#include <CLI/CLI.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
double us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double pct(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"skm-bench-store: tap-to-durable latency and central ingest rate, each against a raw SQLite baseline."};
    std::string dir = "/tmp/skm-bench-store";
    int taps = 2000;
    int64_t ingest = 100'000;
    app.add_option("--data-dir", dir, "scratch directory (emptied first)");
    app.add_option("--taps", taps, "taps for the latency figures")->check(CLI::Range(10, 1'000'000));
    std::string table;
    app.add_option("--table", table, "also append the headline figures, tab-separated, to FILE (bench/run_all.sh)");
    app.add_option("--ingest", ingest, "ratings for the ingest figure")->check(CLI::Range(int64_t{500}, int64_t{10'000'000}));
    if (const auto stop = skm::cli::parse(app, argc, argv, "skm-bench-store")) return *stop;
    namespace fs = std::filesystem;
    fs::remove_all(dir);
    fs::create_directories(dir);

    // 1. Tap to durable.
    skm::store::StoreOptions o;
    o.dataDir = fs::path(dir) / "kiosk";
    o.deviceId = "bench";
    o.counter = "Loket 1";
    skm::store::RatingStore st(o);
    std::vector<double> store, raw;
    for (int i = 0; i < taps; ++i) {
        const auto t0 = Clock::now();
        const auto p = st.stamp(i % 4 + 1);
        if (!st.commit(p).ok) return 1;
        store.push_back(us(Clock::now() - t0));
    }
    sqlite3* db = nullptr;
    sqlite3_open((fs::path(dir) / "raw.db").c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id TEXT PRIMARY KEY, score INTEGER, at INTEGER)", nullptr, nullptr, nullptr);
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?2, ?3)", -1, &ins, nullptr);
    for (int i = 0; i < taps; ++i) {
        const auto t0 = Clock::now();
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        const std::string id = "r" + std::to_string(i);
        sqlite3_bind_text(ins, 1, id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 2, i % 4 + 1);
        sqlite3_bind_int64(ins, 3, i);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        raw.push_back(us(Clock::now() - t0));
    }
    sqlite3_finalize(ins);

    // 2. Central ingest: the store's rows as uploads of 500.
    std::vector<skm::store::PendingRating> batch;
    for (int64_t i = 0; i < ingest; ++i) {
        batch.push_back(st.stamp(static_cast<int>(i % 4) + 1));
        if (batch.size() == 1000 || i + 1 == ingest) {
            if (!st.commitBatch(batch).ok) return 1;
            batch.clear();
        }
    }
    const auto rows = skm::store::selectRatingsJson(st.database(), "1");
    skm::central::CentralStore central(fs::path(dir) / "central");
    // Every row in uploads of 500; seconds taken.
    const auto ingestAll = [&] {
        const auto t0 = Clock::now();
        for (size_t from = 0; from < rows.size(); from += 500) {
            nlohmann::json body = {{"ratings", nlohmann::json::array()}};
            for (size_t i = from; i < std::min(rows.size(), from + 500); ++i) body["ratings"].push_back(rows[i].json);
            (void)central.ingest("bench", body, 0);
        }
        return us(Clock::now() - t0) / 1e6;
    };
    const double ingestS = ingestAll();
    const double dupS = ingestAll(); // the same rows again: every one a duplicate
    sqlite3_exec(db, "CREATE TABLE c (id TEXT PRIMARY KEY, device TEXT, score INTEGER, at INTEGER) WITHOUT ROWID", nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO c VALUES (?1, 'bench', ?2, ?3) ON CONFLICT DO NOTHING", -1, &ins, nullptr);
    const auto r0 = Clock::now();
    for (size_t from = 0; from < rows.size(); from += 500) {
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        for (size_t i = from; i < std::min(rows.size(), from + 500); ++i) {
            const std::string id = rows[i].json["id"].get<std::string>();
            sqlite3_bind_text(ins, 1, id.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(ins, 2, rows[i].json["score"].get<int>());
            sqlite3_bind_int64(ins, 3, rows[i].json["created_wall_ms"].get<int64_t>());
            sqlite3_step(ins);
            sqlite3_reset(ins);
        }
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    const double rawIngestS = us(Clock::now() - r0) / 1e6;
    sqlite3_finalize(ins);
    sqlite3_close(db);

    const double n = static_cast<double>(rows.size());
    std::printf("%-46s %12s %12s %8s\n", "figure", "measured", "baseline", "ratio");
    std::printf("%-46s %9.2f ms %9.2f ms %7.2fx\n", "tap to durable, p50", pct(store, 0.5) / 1000, pct(raw, 0.5) / 1000, pct(store, 0.5) / pct(raw, 0.5));
    std::printf("%-46s %9.2f ms %9.2f ms %7.2fx\n", "tap to durable, p99", pct(store, 0.99) / 1000, pct(raw, 0.99) / 1000, pct(store, 0.99) / pct(raw, 0.99));
    std::printf("%-46s %10.0f/s %10.0f/s %7.2fx\n", ("central ingest, " + std::to_string(rows.size()) + " new ratings").c_str(), n / ingestS, n / rawIngestS,
                (n / ingestS) / (n / rawIngestS));
    std::printf("%-46s %10.0f/s %10.0f/s %7.2fx\n", "central ingest, the same again (duplicates)", n / dupS, n / rawIngestS, (n / dupS) / (n / rawIngestS));
    std::printf("\nbaselines: a raw one-row INSERT transaction (WAL, synchronous=FULL) per tap; a raw INSERT of the same rows, 500 per\n"
                "transaction, on the same disk in the same run. targets: tap p99 within 1.5x of the raw commit: %s; ingest >= 20,000/s: %s\n",
                pct(store, 0.99) <= 1.5 * pct(raw, 0.99) ? "met" : "NOT met", n / ingestS >= 20'000 ? "met" : "NOT met");
    if (!table.empty()) {
        if (std::FILE* f = std::fopen(table.c_str(), "a")) {
            std::fprintf(f, "tap to durable, p99 (ms)\t%.2f\t%.2f\twithin 1.5x\n", pct(store, 0.99) / 1000, pct(raw, 0.99) / 1000);
            std::fprintf(f, "central ingest, new ratings (/s)\t%.0f\t%.0f\t>= 20000/s\n", n / ingestS, n / rawIngestS);
            std::fclose(f);
        }
    }
    fs::remove_all(dir);
    return 0;
}
