// skm-loadgen --data-dir DIR --ratings N [--surveys M] [--score S] [--reason CODE]: fills a kiosk store with N realistic ratings
// through the store's API (officers' cases, counter-level taps, reasons, a few comments, some
// suppressed presses), and M SKM survey responses (nine unsur, the profile and one in five with a saran,
// tied to the demo officers and their services; one in ten incomplete).

#include <kiosk/store/rating_store.hpp>
#include <kiosk/store/survey_store.hpp>

#include <core/cli.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <random>

int main(int argc, char** argv)
{
    CLI::App app{"skm-loadgen: fills a kiosk store with realistic ratings (benchmarks, tests)."};
    std::string dataDir;
    int64_t n = 0;
    std::string deviceId;
    uint32_t seed = 1;
    app.add_option("--data-dir", dataDir, "kiosk data directory")->required();
    app.add_option("--ratings", n, "how many ratings")->required()->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
    app.add_option("--device-id", deviceId, "device id (default: DATA_DIR/device-id, made if missing)");
    int64_t surveys = 0;
    app.add_option("--surveys", surveys, "how many survey responses besides (default 0)")->check(CLI::Range(int64_t{0}, int64_t{10'000'000}));
    app.add_option("--seed", seed, "random seed (the same seed gives the same scores and texts)");
    int fixedScore = 0;
    std::string fixedReason;
    app.add_option("--score", fixedScore, "every rating this score, counted (1-4; default: a realistic mix)")->check(CLI::Range(1, 4));
    app.add_option("--reason", fixedReason, "every rating this reason code (e.g. pungutan; default: a realistic mix)");
    if (const auto stop = skm::cli::parse(app, argc, argv, "skm-loadgen")) return *stop;
    if (!std::all_of(fixedReason.begin(), fixedReason.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; })) {
        std::cerr << "skm-loadgen: --reason takes a reason code (a-z, 0-9, '_', '-')\n";
        return 2;
    }
    try {
        skm::store::StoreOptions o;
        o.dataDir = dataDir;
        o.deviceId = deviceId.empty() ? skm::store::loadOrCreateDeviceId(dataDir) : deviceId;
        o.counter = "Loket 1";
        skm::store::RatingStore st(o);
        std::mt19937 rng(seed);
        const char* officers[] = {"198503302010011002", "199007152015032001", "198811202012121003"};
        const char* services[] = {"nib", "pbg", "ktp_el", "kk", "akta_lahir", "lainnya"};
        const char* low[] = {"waktu_lama", "kurang_ramah", "info_tidak_jelas", "prosedur_rumit"};
        const char* high[] = {"cepat", "ramah", "info_jelas", "prosedur_mudah"};
        const char* comments[] = {"antri lama sekali", "petugas sangat membantu", "ruang tunggu panas", "terima kasih, cepat"};
        // Scores lean positive, as at most counters: 4 45%, 3 35%, 2 13%, 1 7%.
        std::discrete_distribution<int> score({7, 13, 35, 45});
        std::uniform_int_distribution<int> pct(0, 99);
        // The kiosk commits each tap on its own; loading commits a thousand per transaction through the
        // same insert (RatingStore::commitBatch), so the rows are the same and loading is fast.
        std::vector<skm::store::PendingRating> batch;
        for (int64_t i = 0; i < n; ++i) {
            skm::store::PendingRating p = st.stamp(fixedScore ? fixedScore : score(rng) + 1);
            if (pct(rng) < 80) { // most taps follow a logged case
                p.officerNip = officers[rng() % 3];
                p.caseId = st.newId();
                p.serviceCode = services[rng() % 6];
            }
            p.suppressed = !fixedScore && pct(rng) < 2;
            if (!fixedReason.empty()) p.reasonsJson = "[\"" + fixedReason + "\"]";
            else if (pct(rng) < 60) p.reasonsJson = std::string("[\"") + (p.score <= 2 ? low[rng() % 4] : high[rng() % 4]) + "\"]";
            if (pct(rng) < 5) p.comment = comments[rng() % 4];
            batch.push_back(std::move(p));
            if (batch.size() == 1000 || i + 1 == n) {
                const auto r = st.commitBatch(batch);
                if (!r.ok) throw std::runtime_error(r.error);
                batch.clear();
            }
        }
        // Survey responses through the same calls as the kiosk's questionnaire, one transaction per
        // answer as there (slow on purpose: that is the real write pattern).
        std::discrete_distribution<int> answer({5, 15, 50, 30});
        const char* sexes[] = {"L", "P"};
        const char* ages[] = {"u20", "20_29", "30_39", "40_49", "50_59", "60"};
        const char* schooling[] = {"sd", "smp", "sma", "diploma", "s1", "s2", "s3"};
        const char* work[] = {"pns", "tni", "polri", "swasta", "wirausaha", "lainnya"};
        const char* suggestions[] = {"antrian terlalu lama, tambah loket", "ruang tunggu panas", "petugas ramah dan cepat", "informasi persyaratan di papan kurang jelas",
                                     "parkir sempit"};
        // Officers and their services as the demo roster pairs them (Bidang Perizinan Usaha: nib, pbg;
        // Bidang Kependudukan: ktp_el, kk, akta_lahir).
        const char* servedBy[] = {"nib", "pbg", "ktp_el"};
        for (int64_t i = 0; i < surveys; ++i) {
            skm::store::SurveyStart start;
            start.surveyVersion = "permenpanrb-14-2017/3";
            const size_t who = rng() % 3;
            start.officerNip = officers[who];
            start.serviceCode = who == 2 ? services[2 + rng() % 3] : servedBy[rng() % 2];
            std::string id;
            auto must = [](const skm::store::CommitResult& r) {
                if (!r.ok) throw std::runtime_error(r.error);
            };
            must(skm::store::beginSurvey(st, start, id));
            const bool complete = pct(rng) >= 10;
            const int answered = complete ? 9 : static_cast<int>(rng() % 9);
            for (int u = 1; u <= answered; ++u) must(skm::store::answerSurvey(st, id, "U" + std::to_string(u), std::to_string(answer(rng) + 1)));
            if (complete) {
                must(skm::store::answerSurvey(st, id, "jenis_kelamin", sexes[rng() % 2]));
                if (pct(rng) < 90) must(skm::store::answerSurvey(st, id, "usia", ages[rng() % 6]));
                if (pct(rng) < 90) must(skm::store::answerSurvey(st, id, "pendidikan", schooling[std::min<size_t>(rng() % 5 + rng() % 3, 6)]));
                must(skm::store::answerSurvey(st, id, "pekerjaan", work[rng() % 6]));
                if (pct(rng) < 20) must(skm::store::answerSurvey(st, id, "saran", suggestions[rng() % 5]));
            }
            must(skm::store::finishSurvey(st, id, complete ? "complete" : "incomplete"));
        }
        std::cout << n << " ratings" << (surveys ? " and " + std::to_string(surveys) + " survey responses" : "") << " added to " << st.dbPath().string()
                  << " (device " << o.deviceId << ")\n";
    } catch (const std::exception& e) {
        std::cerr << "skm-loadgen: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
