// The laporan SKM (issue 19): `skm-central laporan` on a semester worked by hand in the comments below,
// as HTML on both engines and as PDF through headless Chromium, whose text (pdftotext) must carry every
// computed figure in the Indonesian number format, and whose pages render (pdftoppm); the template's
// parts, a bad template refused naming its entry, and an unknown unit refused with the roster's units.

#include "support/central_engine.hpp"
#include "support/test_util.hpp"

#include <central/laporan.hpp>
#include <central/reports/listings.hpp>
#include <central/rollups/rollups.hpp>
#include <central/store/central_store.hpp>

#include <catch2/catch.hpp>

#include <ctime>
#include <fstream>
#include <regex>

using namespace skm;

namespace {

int64_t at(int year, int month, int day) { return test::localMs(year, month, day); }

const std::string budi = "198503302010011002", agus = "198811202012121003"; // Bidang Perizinan Usaha; Bidang Kependudukan

// Semester I 2026 of Bidang Perizinan Usaha, by hand:
//   four complete responses to Budi's cases (service nib):
//          U1 U2 U3 U4 U5 U6 U7 U8 U9   profile                       saran
//   R1      4  4  3  4  3  3  4  3  3   L, SMA, Swasta                "antrian terlalu lama"
//   R2      3  3  3  4  3  4  4  3  3   P, S1, PNS (ASN)
//   R3      3  2  3  4  3  3  3  2  3   P, SMA, Wirausaha             "ruang tunggu panas"
//   R4      4  3  2  4  4  3  4  3  4   L, (skipped), pelajar (an older version's code)
//   NRR      3.5000 3.0000 2.7500 4.0000 3.2500 3.2500 3.7500 2.7500 3.2500
//   ÷ 9 ->   0.388889 0.333333 0.305556 0.444444 0.361111 0.361111 0.416667 0.305556 0.361111
//   IKM = 3.277778; × 25 = 81.94445 -> 81,94 B (Baik). Weakest U3 Waktu Penyelesaian (2,7500, tied with
//   U8, the first is named); strongest U4 Biaya/Tarif (4,0000).
//   10 cases logged: Krejcie-Morgan for 10 is 10; 4 < 10: "belum memenuhi".
//   Semester II 2025: one response, every unsur 3: 75,00 C (Kurang Baik).
//   Agus (Bidang Kependudukan) answered every unsur 1 in S1: not in this unit's laporan.
struct Semester {
    explicit Semester(test::Engine e = {}) : engine(std::move(e))
    {
        std::filesystem::create_directories(dir / "publish");
        std::ofstream(dir / "publish" / "roster.toml") << test::readFile(test::sourceDir() / "config" / "demo-roster.toml");
        auto central = std::make_unique<central::CentralStore>(central::StoreLocation{dir.path(), engine.url, ""});
        sql::Connection& db = central->connection();
        central->addDevice("kiosk-a", "00", 0);
        int n = 0;
        auto respond = [&](const std::string& nip, const std::string& service, const std::vector<int>& a, int64_t when, const std::string& profile,
                           const std::string& saran) {
            std::string answers;
            for (size_t u = 0; u < a.size(); ++u) answers += std::string(u ? "," : "") + "\"U" + std::to_string(u + 1) + "\":" + std::to_string(a[u]);
            const std::string body = "{\"answers\":{" + answers + "},\"profile\":{" + profile + "}" + (saran.empty() ? "" : ",\"saran\":\"" + saran + "\"") + "}";
            db.query("INSERT INTO survey_responses (id, device_id, survey_version, counter, status, service_code, officer_nip, started_wall_ms, body, received_at_ms)"
                     " VALUES ($1, 'kiosk-a', 'permenpanrb-14-2017/3', 'Loket 1', 'complete', $2, $3, $4, $5, 0)",
                     {"s" + std::to_string(++n), service, nip, when, body});
        };
        respond(budi, "nib", {4, 4, 3, 4, 3, 3, 4, 3, 3}, at(2026, 2, 3), R"("jenis_kelamin":"L","pendidikan":"sma","pekerjaan":"swasta")", "antrian terlalu lama");
        respond(budi, "nib", {3, 3, 3, 4, 3, 4, 4, 3, 3}, at(2026, 3, 4), R"("jenis_kelamin":"P","pendidikan":"s1","pekerjaan":"pns")", "");
        respond(budi, "nib", {3, 2, 3, 4, 3, 3, 3, 2, 3}, at(2026, 4, 5), R"("jenis_kelamin":"P","pendidikan":"sma","pekerjaan":"wirausaha")", "ruang tunggu panas");
        respond(budi, "nib", {4, 3, 2, 4, 4, 3, 4, 3, 4}, at(2026, 6, 30), R"("jenis_kelamin":"L","pekerjaan":"pelajar")", "");
        respond(budi, "nib", {3, 3, 3, 3, 3, 3, 3, 3, 3}, at(2025, 9, 1), "", "");
        respond(agus, "kk", {1, 1, 1, 1, 1, 1, 1, 1, 1}, at(2026, 2, 3), "", "pelayanan buruk sekali");
        respond(budi, "nib", {1, 1, 1, 1, 1, 1, 1, 1, 1}, at(2026, 7, 1), "", "juli, bukan semester ini");
        for (int i = 0; i < 10; ++i) {
            db.query("INSERT INTO cases (id, device_id, session_id, nip, counter, service_code, status, opened_wall_ms, body, received_at_ms)"
                     " VALUES ($1, 'kiosk-a', 's', $2, 'Loket 1', 'nib', 'rated', $3, '{}', 0)",
                     {"c" + std::to_string(i), budi, at(2026, 1 + i % 6, 10)});
        }
        sql::Transaction tx(db);
        (void)central::rollup::rebuild(db);
        tx.commit();
    }
    std::vector<std::string> args(std::vector<std::string> a)
    {
        a.insert(a.begin(), (test::binDir() / "skm-central").string());
        a.insert(a.end(), {"--data-dir", dir.path().string()});
        for (const auto& e : engine.args()) a.push_back(e);
        return a;
    }
    test::Engine engine;
    test::TempDir dir;
};

// The text a reader sees: tags dropped, entities of the escaper undone, whitespace folded.
std::string visibleText(const std::string& html)
{
    std::string out;
    bool tag = false;
    for (char c : html.substr(html.find("</style>"))) {
        if (c == '<') tag = true;
        else if (c == '>') {
            tag = false;
            out += ' ';
        } else if (!tag) out += c;
    }
    out = std::regex_replace(out, std::regex("&amp;"), "&");
    return std::regex_replace(out, std::regex("\\s+"), " ");
}

// Every figure of the hand-worked semester, as the laporan writes it.
void checkFigures(const std::string& text)
{
    for (const char* figure : {"LAPORAN", "SURVEI KEPUASAN MASYARAKAT", "Bidang Perizinan Usaha", "Semester I Tahun 2026", "BAB I", "PENDAHULUAN", "Dasar Hukum",
                               "Undang-Undang Nomor 25 Tahun 2009", "BAB II", "PENGUMPULAN DATA", "BAB III", "BAB IV", "LAMPIRAN 1", "LAMPIRAN 2", "LAMPIRAN 3",
                               // population, sample
                               "Krejcie", "belum memenuhi",
                               // NRR, NRR tertimbang, IKM, the converted score, mutu
                               "3,5000", "3,0000", "2,7500", "4,0000", "3,2500", "3,7500", "0,388889", "0,333333", "0,305556", "0,444444", "0,361111", "0,416667",
                               "3,277778", "81,94", "B (Baik)", "1/9",
                               // weakest and strongest
                               "U3 Waktu Penyelesaian", "U4 Biaya/Tarif",
                               // the trend: the semester before
                               "Semester II Tahun 2025", "75,00", "C (Kurang Baik)",
                               // profile: 2 of 4 each (50,00 %), an older code, a skipped question
                               "Laki-laki", "Perempuan", "50,00 %", "25,00 %", "pelajar (kode lama)", "tidak menjawab",
                               // the service
                               "nib", "Nomor Induk Berusaha",
                               // the questionnaire as asked
                               "Bagaimana pendapat Anda tentang kesesuaian persyaratan", "Sangat sesuai",
                               // the suggestions
                               "antrian terlalu lama", "ruang tunggu panas"}) {
        INFO(figure);
        CHECK(text.find(figure) != std::string::npos);
    }
    // Other units' and other periods' answers are not this unit's semester.
    CHECK(text.find("pelayanan buruk sekali") == std::string::npos);
    CHECK(text.find("juli, bukan semester ini") == std::string::npos);
    CHECK(text.find("25,00 D") == std::string::npos);
}

} // namespace

TEST_CASE("the laporan SKM of a unit's semester carries every hand-worked figure, as HTML on both engines", "[laporan]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Semester f(engine);
    const std::string out = (f.dir / "laporan.html").string();
    const auto run = test::run(f.args({"laporan", "--unit", "Bidang Perizinan Usaha", "--period", "2026-S1", "--format", "html", "--out", out}));
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
    CHECK(run.out == out + "\n");
    const std::string html = test::readFile(out);
    const std::string text = visibleText(html);
    checkFigures(text);
    // Population and sample: 10 cases, Krejcie-Morgan 10, 4 complete questionnaires.
    CHECK_THAT(text, Catch::Contains("Populasi adalah pengguna layanan Bidang Perizinan Usaha selama periode survei: 10 orang") &&
                         Catch::Contains("sampel minimal untuk populasi tersebut adalah 10 responden. Kuesioner lengkap yang terkumpul: 4"));
    // Lampiran 2: U1 answered 3, 3, 4, 4 -> n1 0, n2 0, n3 2, n4 2; 4 answers summing to 14.
    CHECK_THAT(text, Catch::Contains("U1 Persyaratan 0 0 2 2 4 14 3,5000"));
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);

    // A population the unit counted itself: 4 users, sample 4, reached.
    const auto entered = test::run(f.args({"laporan", "--unit", "Bidang Perizinan Usaha", "--period", "semester:2026-S1", "--format", "html", "--out", out,
                                           "--population", "4"}));
    REQUIRE(entered.exitCode == 0);
    const std::string t2 = visibleText(test::readFile(out));
    CHECK_THAT(t2, Catch::Contains("4 orang (jumlah yang ditetapkan unit untuk periode ini)") && Catch::Contains("telah memenuhi"));
}

TEST_CASE("the laporan as PDF through headless Chromium: pdftotext finds every hand-worked figure", "[laporan][pdf]")
{
    Semester f;
    const std::string pdf = (f.dir / "laporan.pdf").string();
    const auto run = test::run(f.args({"laporan", "--unit", "Bidang Perizinan Usaha", "--period", "2026-S1", "--out", pdf}));
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
    CHECK(test::readFile(pdf).rfind("%PDF-", 0) == 0);
    const auto text = test::run({"/usr/bin/pdftotext", "-enc", "UTF-8", pdf, "-"});
    REQUIRE(text.exitCode == 0);
    checkFigures(std::regex_replace(text.out, std::regex("\\s+"), " "));
    const auto info = test::run({"/usr/bin/pdfinfo", pdf});
    std::smatch m;
    REQUIRE(std::regex_search(info.out, m, std::regex(R"(Pages:\s+(\d+))")));
    CHECK(std::stoi(m[1]) >= 8); // the cover, four chapters, three appendices, each on its own page
    CHECK_THAT(info.out, Catch::Contains("(A4)")); // 594.96 x 841.92 pts
    // Every page renders to a picture (pdftoppm), as docs/screens/laporan-pages-*.png were made.
    const auto png = test::run({"/usr/bin/pdftoppm", "-r", "20", "-png", pdf, (f.dir / "page").string()});
    REQUIRE(png.exitCode == 0);
    int pages = 0;
    for (const auto& e : std::filesystem::directory_iterator(f.dir.path())) pages += e.path().extension() == ".png" && e.file_size() > 1000;
    CHECK(pages == std::stoi(m[1]));
}

TEST_CASE("the laporan refuses an unknown unit, a bad period and a bad template, writing nothing", "[laporan]")
{
    Semester f;
    const std::string out = (f.dir / "x.html").string();
    auto run = test::run(f.args({"laporan", "--unit", "Bidang Tidak Ada", "--period", "2026-S1", "--format", "html", "--out", out}));
    CHECK(run.exitCode == 2);
    CHECK_THAT(run.err, Catch::Contains("no unit 'Bidang Tidak Ada'") && Catch::Contains("Bidang Perizinan Usaha"));
    run = test::run(f.args({"laporan", "--period", "2026-S3", "--format", "html", "--out", out}));
    CHECK(run.exitCode == 2);
    CHECK_THAT(run.err, Catch::Contains("semester:YYYY-S1"));
    std::string tpl = central::laporan::defaultTemplateText();
    tpl.replace(tpl.find("metode = "), 9, "metoda = ");
    std::ofstream(f.dir / "laporan.toml") << tpl;
    run = test::run(f.args({"laporan", "--period", "2026-S1", "--format", "html", "--out", out}));
    CHECK(run.exitCode == 2);
    CHECK_THAT(run.err, Catch::Contains("laporan.toml") && Catch::Contains("bab2: unknown field 'metoda'") && Catch::Contains("nothing written"));
    CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("the office's template fills BAB I and the signature, and periods are named as a report names them", "[laporan]")
{
    const auto t = central::laporan::parseTemplate(central::laporan::defaultTemplateText(), "laporan.toml");
    CHECK(t.legalBasis.size() == 4);
    CHECK_THAT(t.background, Catch::Contains("{unit}"));
    std::string why;
    CHECK(central::laporan::periodName(*central::parsePeriod("2026-S1", &why)) == "Semester I Tahun 2026");
    CHECK(central::laporan::periodName(*central::parsePeriod("2026-S2", &why)) == "Semester II Tahun 2026");
    CHECK(central::laporan::periodName(*central::parsePeriod("2026-Q4", &why)) == "Triwulan IV Tahun 2026");
    CHECK(central::laporan::periodName(*central::parsePeriod("2026-11", &why)) == "Bulan November 2026");
    CHECK(central::laporan::periodName(*central::parsePeriod("2026", &why)) == "Tahun 2026");
    const auto earlier = central::laporan::earlierPeriods(*central::parsePeriod("2026-S1", &why), 3);
    REQUIRE(earlier.size() == 3);
    CHECK(earlier[0].label == "semester:2024-S2");
    CHECK(earlier[1].label == "semester:2025-S1");
    CHECK(earlier[2].label == "semester:2025-S2");
    CHECK(central::laporan::earlierPeriods(*central::parsePeriod("2026-01", &why), 1)[0].label == "month:2025-12");

    Semester f;
    std::string tpl = central::laporan::defaultTemplateText();
    tpl += "\n[[unit]]\nnama = \"Bidang Perizinan Usaha\"\npenandatangan = \"Kepala Bidang Perizinan Usaha\"\nnama_penandatangan = \"Rina Kartika, S.E.\"\n"
           "nip_penandatangan = \"197801012005012001\"\n";
    std::ofstream(f.dir / "laporan.toml") << tpl;
    const std::string out = (f.dir / "laporan.html").string();
    const auto run = test::run(f.args({"laporan", "--unit", "Bidang Perizinan Usaha", "--period", "2026-S1", "--format", "html", "--out", out}));
    REQUIRE(run.exitCode == 0);
    const std::string text = visibleText(test::readFile(out));
    CHECK_THAT(text, Catch::Contains("Bidang Perizinan Usaha pada Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu menyelenggarakan SKM Semester I Tahun 2026"));
    CHECK_THAT(text, Catch::Contains("Kepala Bidang Perizinan Usaha") && Catch::Contains("Rina Kartika, S.E.") && Catch::Contains("NIP 197801012005012001"));
}

TEST_CASE("a unit or office name holding a placeholder is written as it is, once (the laporan never hangs on it)", "[laporan]")
{
    Semester f;
    std::string roster = test::readFile(f.dir / "publish" / "roster.toml");
    for (size_t at; (at = roster.find("unit = \"Bidang Perizinan Usaha\"")) != std::string::npos;) roster.replace(at, 31, "unit = \"Bidang {unit} Usaha\"");
    std::ofstream(f.dir / "publish" / "roster.toml") << roster;
    std::string tpl = central::laporan::defaultTemplateText();
    tpl.replace(tpl.find("nama = \"Dinas"), 13, "nama = \"Dinas {kantor} {periode}");
    std::ofstream(f.dir / "laporan.toml") << tpl;
    const std::string out = (f.dir / "laporan.html").string();
    auto args = f.args({"laporan", "--unit", "Bidang {unit} Usaha", "--period", "2026-S1", "--format", "html", "--out", out});
    args.insert(args.begin(), {"/usr/bin/timeout", "60"}); // it used to replace {unit} by itself for ever
    const auto run = test::run(args);
    REQUIRE(run.exitCode == 0);
    const std::string text = visibleText(test::readFile(out));
    CHECK_THAT(text, Catch::Contains("Bidang {unit} Usaha pada Dinas {kantor} {periode} Penanaman Modal"));
}

TEST_CASE("the month-by-month chart of a semester or a year ends with its last month", "[laporan][scores]")
{
    Semester f;
    const auto db = f.engine.open(f.dir.path());
    std::string why;
    for (const auto& [period, last] : {std::pair{"2026-S1", "2026-06"}, {"2026-S2", "2026-12"}, {"2026", "2026-12"}, {"2026-Q3", "2026-09"}, {"2026-11", "2026-11"}}) {
        INFO(period);
        const auto trend = central::monthlyTrendAll(*db, *central::parsePeriod(period, &why));
        REQUIRE(trend.size() == 6);
        CHECK(trend.back().label == last);
    }
}
