// The follow-up plan on the web report (issue 19), against a real `skm-central serve` on both engines:
// a unit head records items for their own unit only, every form needs this server's page and the
// session's token, every change is a revision kept with who and when, a stale form is refused with
// nothing changed, bad fields are refused with the form kept; the unit page flags a weakest unsur with
// no follow-up, and the laporan lists the items and the previous period's status.

#include "support/central_engine.hpp"
#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <central/followups.hpp>
#include <central/rollups/rollups.hpp>
#include <core/db.hpp>
#include <core/pg.hpp>

#include <catch2/catch.hpp>
#include <httplib.h>

#include <ctime>
#include <fstream>
#include <regex>

using namespace skm;
using test::Central;

namespace {

int64_t at(int year, int month, int day) { return test::localMs(year, month, day); }

const std::string budi = "198503302010011002"; // Bidang Perizinan Usaha

// A browser of the report: its session cookie, and forms sent from this server's own page.
struct Browser {
    explicit Browser(const std::string& url) : base(url), cli(url) {}
    std::string base;
    httplib::Client cli;
    std::string cookie;
    bool signIn(const std::string& user, const std::string& password)
    {
        const auto r = cli.Post("/login", {{"Origin", base}}, httplib::Params{{"username", user}, {"password", password}});
        if (!r || r->status != 303) return false;
        const std::string set = r->get_header_value("Set-Cookie");
        cookie = set.substr(0, set.find(';'));
        return true;
    }
    httplib::Result get(const std::string& path) { return cli.Get(path, {{"Cookie", cookie}}); }
    httplib::Result post(const std::string& path, const httplib::Params& form, const std::string& origin = "")
    {
        return cli.Post(path, {{"Cookie", cookie}, {"Origin", origin.empty() ? base : origin}}, form);
    }
    // The form token on a page.
    static std::string csrf(const std::string& page)
    {
        std::smatch m;
        return std::regex_search(page, m, std::regex(R"(name="csrf" value="([0-9a-f]{64})\")")) ? m[1].str() : "";
    }
};

const std::string kPath = "/report/unit/Bidang%20Perizinan%20Usaha/tindak-lanjut";

} // namespace

TEST_CASE("the follow-up plan: a unit head records items for their unit only, with the session's token, every change kept", "[followup][central]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    test::TempDir dir;
    std::filesystem::create_directories(dir / "central" / "publish");
    std::ofstream(dir / "central" / "publish" / "roster.toml") << test::readFile(test::sourceDir() / "config" / "demo-roster.toml");
    Central central(dir / "central", {}, engine);
    central.addUser("kepala", "sandi-kepala-123", "unit-head", "Bidang Perizinan Usaha");
    central.addUser("kepala2", "sandi-kepala-456", "unit-head", "Bidang Kependudukan");
    {
        // Semester I 2026: one questionnaire for Budi, U3 the weakest (2). Written past the ingest.
        auto db = engine.kind == sql::Engine::Postgres ? sql::postgres(engine.url)
                                                       : sql::sqlite(store::Database((dir / "central" / "central.db").string(), SQLITE_OPEN_READWRITE));
        db->query("INSERT INTO devices (id, secret, added_at_ms) VALUES ('kiosk-f', '00', 0) ON CONFLICT DO NOTHING");
        db->query("INSERT INTO survey_responses (id, device_id, survey_version, counter, status, service_code, officer_nip, started_wall_ms, body, received_at_ms)"
                  " VALUES ('s1', 'kiosk-f', 'v', 'Loket 1', 'complete', 'nib', $1, $2,"
                  " '{\"answers\":{\"U1\":4,\"U2\":4,\"U3\":2,\"U4\":4,\"U5\":4,\"U6\":4,\"U7\":4,\"U8\":3,\"U9\":4}}', 0)",
                  {budi, at(2026, 3, 2)});
        sql::Transaction tx(*db);
        (void)central::rollup::rebuild(*db);
        tx.commit();
    }
    Browser head(central.url());
    REQUIRE(head.signIn("kepala", "sandi-kepala-123"));
    auto page = head.get(kPath + "?period=semester:2026-S1");
    REQUIRE(page);
    REQUIRE(page->status == 200);
    CHECK_THAT(page->body, Catch::Contains("Unsur terendah belum memiliki rencana tindak lanjut"));
    CHECK_THAT(page->body, Catch::Contains("<option value=\"U3\" selected>")); // the weakest chosen first
    const std::string token = Browser::csrf(page->body);
    REQUIRE(token.size() == 64);

    const httplib::Params item = {{"csrf", token},
                                  {"op", "add"},
                                  {"period", "semester:2026-S1"},
                                  {"unsur", "U3"},
                                  {"action", "Tambah satu loket pada jam sibuk"},
                                  {"responsible", "Kepala Seksi Pelayanan"},
                                  {"due_date", "2026-09-30"},
                                  {"status", "rencana"},
                                  {"evidence", ""}};
    // Refused, nothing stored: no token; another session's token; another site's page; another unit's head.
    auto noToken = item;
    noToken.erase("csrf");
    CHECK(head.post(kPath, noToken)->status == 403);
    auto wrongToken = item;
    wrongToken.erase("csrf");
    wrongToken.emplace("csrf", std::string(64, 'a'));
    CHECK(head.post(kPath, wrongToken)->status == 403);
    CHECK(head.post(kPath, item, "http://evil.test")->status == 403);
    Browser other(central.url());
    REQUIRE(other.signIn("kepala2", "sandi-kepala-456"));
    CHECK(other.get(kPath + "?period=semester:2026-S1")->status == 403);
    auto othersToken = item;
    othersToken.erase("csrf");
    othersToken.emplace("csrf", Browser::csrf(other.get("/report/unit/Bidang%20Kependudukan/tindak-lanjut?period=semester:2026-S1")->body));
    CHECK(other.post(kPath, othersToken)->status == 403);
    CHECK(central.db()->queryInt("SELECT count(*) FROM followups") == 0);

    // A bad field: 400, the message, the form filled again, nothing stored.
    auto badDate = item;
    badDate.erase("due_date");
    badDate.emplace("due_date", "2026-02-30");
    auto refused = head.post(kPath, badDate);
    CHECK(refused->status == 400);
    CHECK_THAT(refused->body, Catch::Contains("Batas waktu bukan tanggal") && Catch::Contains("Tambah satu loket pada jam sibuk"));
    CHECK(central.db()->queryInt("SELECT count(*) FROM followups") == 0);
    // Bytes that are not UTF-8 (no browser sends them): refused as such, not a server error.
    auto notText = item;
    notText.erase("action");
    notText.emplace("action", std::string("\xC3\x28\xFF"));
    auto refusedBytes = head.post(kPath, notText);
    CHECK(refusedBytes->status == 400);
    CHECK_THAT(refusedBytes->body, Catch::Contains("bukan teks UTF-8 yang sah"));
    CHECK(central.db()->queryInt("SELECT count(*) FROM followups") == 0);

    // Stored: revision 1, its history row, the flag gone.
    auto added = head.post(kPath, item);
    REQUIRE(added->status == 303);
    // (cpp-httplib's client hands the Location header over %-decoded.)
    CHECK(added->get_header_value("Location") == "/report/unit/Bidang Perizinan Usaha/tindak-lanjut?period=semester:2026-S1");
    auto db = central.db();
    REQUIRE(db->queryInt("SELECT count(*) FROM followups") == 1);
    const std::string id = db->queryText("SELECT id FROM followups");
    CHECK(db->queryText("SELECT created_by || ' ' || status || ' ' || rev FROM followups") == "kepala rencana 1");
    page = head.get(kPath + "?period=semester:2026-S1");
    CHECK_THAT(page->body, !Catch::Contains("Unsur terendah belum memiliki rencana tindak lanjut") && Catch::Contains("Kepala Seksi Pelayanan"));

    // A change: revision 2, kept beside the first; the same form sent again (stale) is refused.
    const httplib::Params change = {{"csrf", token}, {"op", "update"}, {"period", "semester:2026-S1"}, {"id", id}, {"rev", "1"},
                                    {"status", "selesai"},   {"evidence", "SK Kepala Dinas No. 12/2026; loket 4 dibuka 1 Juli"}};
    REQUIRE(head.post(kPath, change)->status == 303);
    auto stale = head.post(kPath, change);
    CHECK(stale->status == 400);
    CHECK_THAT(stale->body, Catch::Contains("sudah diubah oleh kepala"));
    CHECK(db->queryText("SELECT status || ' ' || rev FROM followups") == "selesai 2");
    const auto history = central::followupHistory(*db, id);
    REQUIRE(history.size() == 2);
    CHECK(history[0]["state"]["status"] == "rencana");
    CHECK(history[1]["state"]["status"] == "selesai");
    CHECK(history[1]["user"] == "kepala");
    CHECK(history[1]["state"]["evidence"] == "SK Kepala Dinas No. 12/2026; loket 4 dibuka 1 Juli");
    // An item of one unit cannot be changed through another unit's page.
    auto crossUnit = change;
    crossUnit.erase("csrf");
    crossUnit.emplace("csrf", Browser::csrf(other.get("/report/unit/Bidang%20Kependudukan/tindak-lanjut?period=semester:2026-S1")->body));
    crossUnit.erase("rev");
    crossUnit.emplace("rev", "2");
    CHECK(other.post("/report/unit/Bidang%20Kependudukan/tindak-lanjut", crossUnit)->status == 400);
    CHECK(db->queryText("SELECT status || ' ' || rev FROM followups") == "selesai 2");

    // The population the unit counted: stored, and the laporan's BAB II and BAB IV say so.
    REQUIRE(head.post(kPath, {{"csrf", token}, {"op", "population"}, {"period", "semester:2026-S1"}, {"population", "12500"}})->status == 303);
    CHECK(head.post(kPath, {{"csrf", token}, {"op", "population"}, {"period", "semester:2026-S1"}, {"population", "-3"}})->status == 400);
    CHECK(head.post(kPath, {{"csrf", token}, {"op", "population"}, {"period", "semester:2026-S1"}, {"population", "2147483648"}})->status == 400);
    REQUIRE(head.post(kPath, {{"csrf", token}, {"op", "population"}, {"period", "semester:2026-S1"}, {"population", "5"}})->status == 303);
    REQUIRE(head.post(kPath, {{"csrf", token}, {"op", "population"}, {"period", "semester:2026-S1"}, {"population", "12500"}})->status == 303);
    CHECK(central::enteredPopulation(*db, "Bidang Perizinan Usaha", "semester:2026-S1") == 12500);
    // Every value entered is kept, with who (the sample's verdict rests on it).
    std::string entered;
    for (const auto& r : db->query("SELECT population, entered_by FROM population_history ORDER BY entered_at_ms, id").rows) entered += r.text(0) + " " + r.text(1) + "; ";
    CHECK(entered == "12500 kepala; 5 kepala; 12500 kepala; ");
    const std::string out = (dir / "laporan.html").string();
    auto run = test::run(
        [&] {
            std::vector<std::string> a = {(test::binDir() / "skm-central").string(), "laporan", "--unit", "Bidang Perizinan Usaha", "--period", "2026-S2", "--format",
                                          "html", "--out", out, "--data-dir", (dir / "central").string()};
            for (const auto& e : engine.args()) a.push_back(e);
            return a;
        }());
    REQUIRE(run.exitCode == 0);
    // S2's laporan: S1's item and its status now, in 4.4.
    const std::string s2 = test::readFile(out);
    CHECK_THAT(s2, Catch::Contains("Tambah satu loket pada jam sibuk") && Catch::Contains("selesai") && Catch::Contains("Semester I Tahun 2026 pada saat laporan"));
    run = test::run([&] {
        std::vector<std::string> a = {(test::binDir() / "skm-central").string(), "laporan", "--unit", "Bidang Perizinan Usaha", "--period", "2026-S1", "--format",
                                      "html", "--out", out, "--data-dir", (dir / "central").string()};
        for (const auto& e : engine.args()) a.push_back(e);
        return a;
    }());
    REQUIRE(run.exitCode == 0);
    const std::string s1 = test::readFile(out);
    CHECK_THAT(s1, Catch::Contains("<b>12.500</b> orang (jumlah yang ditetapkan unit untuk periode ini)"));
    CHECK_THAT(s1, Catch::Contains("SK Kepala Dinas No. 12/2026"));
    CHECK_THAT(s1, !Catch::Contains("belum memiliki rencana tindak lanjut"));

    // The unit page links the plan and the laporan; the admin-only overview is not the head's.
    page = head.get("/report/unit/Bidang%20Perizinan%20Usaha?period=semester:2026-S1");
    REQUIRE(page->status == 200);
    CHECK_THAT(page->body, Catch::Contains("1 selesai") && Catch::Contains("/tindak-lanjut?period=semester:2026-S1") && Catch::Contains("/laporan?period="));
    // The unit page judges the IKM's sample by the population the unit entered (Krejcie-Morgan for 12,500: 373).
    CHECK_THAT(page->body, Catch::Contains("Ditetapkan unit: 12.500 · Sampel IKM (survei lengkap): 1 dari minimal 373: belum cukup"));
    // A unit that is not in the published roster has no plan to write into, an admin's form or not.
    central.addUser("admin", "sandi-admin-123");
    Browser admin(central.url());
    REQUIRE(admin.signIn("admin", "sandi-admin-123"));
    const std::string adminToken = Browser::csrf(admin.get(kPath + "?period=semester:2026-S1")->body);
    auto madeUp = item;
    madeUp.erase("csrf");
    madeUp.emplace("csrf", adminToken);
    CHECK(admin.post("/report/unit/Bidang%20Karangan/tindak-lanjut", madeUp)->status == 404);
    CHECK(db->queryInt("SELECT count(*) FROM followups WHERE unit = 'Bidang Karangan'") == 0);

    // The laporan from the web report: the unit's head downloads the PDF; another unit's head may not.
    auto pdf = head.get("/report/unit/Bidang%20Perizinan%20Usaha/laporan?period=semester:2026-S1");
    REQUIRE(pdf);
    CHECK(pdf->status == 200);
    CHECK(pdf->get_header_value("Content-Type") == "application/pdf");
    CHECK(pdf->body.rfind("%PDF-", 0) == 0);
    CHECK_THAT(pdf->get_header_value("Content-Disposition"), Catch::Contains("laporan-skm-Bidang-Perizinan-Usaha-2026-S1.pdf"));
    CHECK(other.get("/report/unit/Bidang%20Perizinan%20Usaha/laporan?period=semester:2026-S1")->status == 403);
    CHECK(head.get("/report/unit/-/laporan?period=semester:2026-S1")->status == 403); // the office's is an admin's
    // A broken template: said on a page, not a bare 500.
    std::ofstream(dir / "central" / "laporan.toml") << "[kantor]\nnama = 1\n";
    auto broken = head.get("/report/unit/Bidang%20Perizinan%20Usaha/laporan?period=semester:2026-S1");
    CHECK(broken->status == 500);
    CHECK_THAT(broken->body, Catch::Contains("Laporan tidak dapat dibuat") && Catch::Contains("laporan.toml"));
    // A published survey definition that does not parse: the pages say where, never a bare 500.
    std::string survey = test::readFile(test::sourceDir() / "config" / "survey.toml");
    survey.replace(survey.find("weighting = \"exact\""), 19, "weighting = \"1/9\"");
    std::ofstream(dir / "central" / "publish" / "survey.toml") << survey;
    for (const std::string path : {"/report/unit/Bidang%20Perizinan%20Usaha?period=semester:2026-S1", "/publik"}) {
        INFO(path);
        auto r = head.get(path);
        CHECK(r->status == 500);
        CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
        CHECK_THAT(r->body, Catch::Contains("publish/survey.toml") && Catch::Contains("weighting must be"));
    }
}

TEST_CASE("a unit whose name holds a slash has its report, follow-up plan and head's sign-in like any other", "[followup][central]")
{
    test::TempDir dir;
    std::filesystem::create_directories(dir / "central" / "publish");
    std::string roster = test::readFile(test::sourceDir() / "config" / "demo-roster.toml");
    for (size_t at; (at = roster.find("unit = \"Bidang Perizinan Usaha\"")) != std::string::npos;) roster.replace(at, 31, "unit = \"Bidang Perizinan/Non Perizinan\"");
    std::ofstream(dir / "central" / "publish" / "roster.toml") << roster;
    Central central(dir / "central");
    central.addUser("kepala", "sandi-kepala-123", "unit-head", "Bidang Perizinan/Non Perizinan");
    Browser head(central.url());
    REQUIRE(head.signIn("kepala", "sandi-kepala-123"));
    auto overview = head.get("/report?period=semester:2026-S1"); // a unit head is sent to their unit
    REQUIRE(overview->status == 303);
    CHECK(overview->get_header_value("Location") == "/report/unit/Bidang Perizinan/Non Perizinan?period=semester:2026-S1");
    auto page = head.get("/report/unit/Bidang%20Perizinan%2FNon%20Perizinan?period=semester:2026-S1");
    REQUIRE(page->status == 200);
    CHECK_THAT(page->body, Catch::Contains("Bidang Perizinan/Non Perizinan"));
    page = head.get("/report/unit/Bidang%20Perizinan%2FNon%20Perizinan/tindak-lanjut?period=semester:2026-S1");
    REQUIRE(page->status == 200);
    const auto added = head.post("/report/unit/Bidang%20Perizinan%2FNon%20Perizinan/tindak-lanjut",
                                 {{"csrf", Browser::csrf(page->body)}, {"op", "population"}, {"period", "semester:2026-S1"}, {"population", "800"}});
    CHECK(added->status == 303);
    CHECK(central::enteredPopulation(*central.db(), "Bidang Perizinan/Non Perizinan", "semester:2026-S1") == 800);
}
