// Issue 19, "figures that add up": in every output that prints NRR per unsur (the JSON report, the
// IKM's CSV, the table for a terminal, the HTML report, the laporan), recomputing the IKM from the
// printed table as an auditor does gives the printed IKM; every per-unsur figure carries the unsur's
// code and name; the office's weighting (survey.toml [ikm] weighting) is named and used; the quick
// index and the IKM are named apart; and the IKM's sample is judged from complete responses, not from
// face taps.

#include "support/central_engine.hpp"
#include "support/test_util.hpp"

#include <central/html_report.hpp>
#include <central/reports/listings.hpp>
#include <central/reports/score_formats.hpp>
#include <central/reports/scores.hpp>
#include <central/rollups/rollups.hpp>
#include <central/store/central_store.hpp>

#include <catch2/catch.hpp>

#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>

using namespace skm;

namespace {

int64_t at(int month, int day, int hour) { return test::localMs(2026, month, day, hour); }

const std::string budi = "198503302010011002", dewi = "199007152015032001";

// A printed decimal ("3,5324" or "3.5324") in units of its last place, and how many places it has.
std::pair<int64_t, int> printed(std::string text)
{
    const size_t point = text.find_first_of(".,");
    const int places = point == std::string::npos ? 0 : static_cast<int>(text.size() - point - 1);
    if (point != std::string::npos) text.erase(point, 1);
    return {std::stoll(text), places};
}

// One printed IKM table: per unsur its NRR and NRR tertimbang as printed (empty: no answers), the
// weight as printed ("1/9", "0.111", "0,111"), the IKM (1-4) and the converted score.
struct PrintedTable {
    std::vector<std::pair<std::string, std::string>> unsur; // NRR, NRR tertimbang
    std::string weight, ikm, converted;
};

// What an auditor does: each NRR × the weight, rounded half up to the places the NRR tertimbang is
// printed with, must be the printed NRR tertimbang; their sum the printed IKM; the sum × 25, rounded
// half up to two places, the printed converted score. In integers, from the text.
void recomputes(const PrintedTable& t)
{
    INFO("weight " << t.weight << ", IKM " << t.ikm << ", converted " << t.converted);
    int used = 0;
    for (const auto& [nrr, weighted] : t.unsur) used += nrr.empty() ? 0 : 1;
    REQUIRE(used > 0);
    int64_t sum = 0;
    int sumPlaces = -1;
    for (const auto& [nrrText, weightedText] : t.unsur) {
        if (nrrText.empty()) continue;
        const auto [nrr, nrrPlaces] = printed(nrrText);
        const auto [weighted, places] = printed(weightedText);
        __int128 numerator = 0, denominator = 0; // NRR × weight = numerator / denominator, exactly
        if (t.weight.find('/') != std::string::npos) {
            REQUIRE(t.weight == "1/" + std::to_string(used));
            numerator = nrr;
            denominator = used;
        } else {
            const auto [w, wPlaces] = printed(t.weight);
            numerator = static_cast<__int128>(nrr) * w;
            denominator = 1;
            for (int i = 0; i < wPlaces; ++i) denominator *= 10;
        }
        for (int i = 0; i < places; ++i) numerator *= 10;
        for (int i = 0; i < nrrPlaces; ++i) denominator *= 10;
        CHECK(static_cast<int64_t>((2 * numerator + denominator) / (2 * denominator)) == weighted);
        sum += weighted;
        sumPlaces = places;
    }
    const auto [ikm, ikmPlaces] = printed(t.ikm);
    REQUIRE(ikmPlaces == sumPlaces);
    CHECK(sum == ikm);
    __int128 scale = 1;
    for (int i = 0; i < sumPlaces - 2; ++i) scale *= 10;
    const auto [converted, convertedPlaces] = printed(t.converted);
    REQUIRE(convertedPlaces == 2);
    CHECK(static_cast<int64_t>((2 * static_cast<__int128>(sum) * 25 + scale) / (2 * scale)) == converted);
}

struct Office {
    explicit Office(test::Engine e, const std::string& weighting = "") : engine(std::move(e))
    {
        std::filesystem::create_directories(dir / "publish");
        std::ofstream(dir / "publish" / "roster.toml") << test::readFile(test::sourceDir() / "config" / "demo-roster.toml");
        if (!weighting.empty()) {
            std::string survey = test::readFile(test::sourceDir() / "config" / "survey.toml");
            const std::string from = "weighting = \"exact\"";
            REQUIRE(survey.find(from) != std::string::npos);
            survey.replace(survey.find(from), from.size(), "weighting = \"" + weighting + "\"");
            std::ofstream(dir / "publish" / "survey.toml") << survey;
        }
        central = std::make_unique<central::CentralStore>(central::StoreLocation{dir.path(), engine.url, ""});
        sql::Connection& db = central->connection();
        central->addDevice("kiosk-a", "00", 0);
        // 137 complete responses in November: pseudo-random answers, some unsur skipped; Budi's (nib)
        // and Dewi's (kk) in turn, every 7th with no officer and no service. Nothing about them is
        // round: the NRR have four significant decimals.
        uint64_t seed = 19;
        auto next = [&](uint64_t n) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            return static_cast<int>((seed >> 33) % n);
        };
        for (int i = 0; i < 137; ++i) {
            std::string answers;
            for (int u = 1; u <= 9; ++u) {
                if (next(13) == 0) continue;
                answers += std::string(answers.empty() ? "" : ",") + "\"U" + std::to_string(u) + "\":" + std::to_string(2 + next(3) - (next(9) == 0 ? 1 : 0));
            }
            const bool anonymous = i % 7 == 6;
            const std::string nip = anonymous ? "NULL" : "'" + std::string(i % 2 ? dewi : budi) + "'";
            const std::string service = anonymous ? "NULL" : i % 2 ? "'kk'" : "'nib'";
            db.exec("INSERT INTO survey_responses (id, device_id, survey_version, counter, status, service_code, officer_nip, started_wall_ms, body, received_at_ms)"
                    " VALUES ('s" + std::to_string(i) + "', 'kiosk-a', 'v', 'Loket 1', 'complete', " + service + ", " + nip + ", " +
                    std::to_string(at(11, 2 + i % 20, 9)) + ", '{\"answers\":{" + answers + "}}', 0)");
        }
        // 40 cases logged by Budi and Dewi: the population the IKM's sample is judged against.
        for (int i = 0; i < 40; ++i) {
            db.query("INSERT INTO cases (id, device_id, session_id, nip, counter, service_code, status, opened_wall_ms, body, received_at_ms)"
                     " VALUES ($1, 'kiosk-a', 's', $2, 'Loket 1', $3, 'rated', $4, '{}', 0)",
                     {"c" + std::to_string(i), i % 2 ? dewi : budi, std::string(i % 2 ? "kk" : "nib"), at(11, 3, 9)});
        }
        sql::Transaction tx(db);
        (void)central::rollup::rebuild(db);
        tx.commit();
    }
    central::ScoreReport month()
    {
        std::string why;
        const auto period = central::parsePeriod("month:2026-11", &why);
        REQUIRE(period);
        return central::computeScores(central->connection(), *period, central::publishedOfficers(dir.path()), central::publishedSurvey(dir.path()).weighting);
    }
    std::vector<std::string> args(std::vector<std::string> a)
    {
        a.insert(a.end(), {"--data-dir", dir.path().string()});
        for (const auto& e : engine.args()) a.push_back(e);
        return a;
    }
    test::Engine engine;
    test::TempDir dir;
    std::unique_ptr<central::CentralStore> central;
};

PrintedTable fromJson(const nlohmann::json& j)
{
    PrintedTable t;
    REQUIRE(j["unsur"].size() == 9);
    for (size_t i = 0; i < 9; ++i) {
        const auto& u = j["unsur"][i];
        CHECK(u["code"] == "U" + std::to_string(i + 1));
        CHECK(u["name"] == ikm::kUnsurNames[i]);
        auto text = [](const nlohmann::json& v, int places) {
            if (v.is_null()) return std::string();
            std::ostringstream o;
            o << std::fixed << std::setprecision(places) << v.get<double>();
            return o.str();
        };
        // The JSON's numbers carry at most the printed places: printing them so loses nothing.
        t.unsur.push_back({text(u["nrr"], 4), text(u["nrr_weighted"], 6)});
        if (!u["nrr"].is_null()) CHECK(u["nrr"].get<double>() == std::stod(t.unsur.back().first));
    }
    t.weight = j["weight"];
    std::ostringstream ikmText, convertedText;
    ikmText << std::fixed << std::setprecision(6) << j["ikm"].get<double>();
    convertedText << std::fixed << std::setprecision(2) << j["converted"].get<double>();
    t.ikm = ikmText.str();
    t.converted = convertedText.str();
    return t;
}

std::vector<std::string> csvCells(const std::string& line)
{
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
        if (c == '"') quoted = !quoted;
        else if (c == ',' && !quoted) {
            cells.push_back(cell);
            cell.clear();
        } else cell += c;
    }
    cells.push_back(cell);
    return cells;
}

} // namespace

TEST_CASE("every format's printed IKM table recomputes to its printed IKM, and names each unsur by code and name", "[ikm][scores][cli]")
{
    const std::string weighting = GENERATE(as<std::string>{}, "", "0.111");
    const test::Engine engine = GENERATE(test::engines()); // a fresh database for each weighting
    INFO("engine: " << engine.name() << ", weighting: " << (weighting.empty() ? "default" : weighting));
    Office f(engine, weighting);
    const central::ScoreReport r = f.month();
    REQUIRE(r.office.surveyResponses == 137);
    CHECK(r.weighting == (weighting.empty() ? ikm::Weighting::Exact : ikm::Weighting::ThreeDecimals));
    const std::string weight = weighting.empty() ? "1/9" : "0.111";
    f.central.reset();
    const auto bin = (test::binDir() / "skm-central").string();

    // JSON: the office, every unit and every service.
    auto run = test::run(f.args({bin, "report", "--period", "month:2026-11"}));
    REQUIRE(run.exitCode == 0);
    const auto j = nlohmann::json::parse(run.out);
    const auto& ikmJ = j["ikm"];
    CHECK(ikmJ["overall"]["measure"] == "IKM (9 unsur)");
    CHECK(ikmJ["overall"]["weighting"] == (weighting.empty() ? "exact" : "0.111"));
    CHECK(ikmJ["overall"]["weight"] == weight);
    recomputes(fromJson(ikmJ["overall"]));
    CHECK(ikmJ["overall"]["converted"] == *r.office.ikm);
    int groups = 0;
    for (const char* by : {"by_unit", "by_service"}) {
        for (const auto& [name, g] : ikmJ[by].items()) {
            INFO(by << " " << name);
            recomputes(fromJson(g));
            ++groups;
        }
    }
    CHECK(groups == 5); // Budi's and Dewi's unit and "(tanpa petugas)"; their two services and "(tidak diketahui)"
    // The quick index and the IKM are named apart.
    CHECK_THAT(j["scores"]["measures"]["index"].get<std::string>(), Catch::StartsWith("Indeks penilaian cepat"));
    CHECK_THAT(j["scores"]["measures"]["ikm"].get<std::string>(), Catch::StartsWith("IKM (9 unsur)") && Catch::Contains("bobot " + weight));
    // The IKM's sample: 137 complete responses against Krejcie-Morgan for the 40 cases logged (36).
    CHECK(ikmJ["sample_population"] == 40);
    CHECK(ikmJ["sample_size"] == 36);
    CHECK(ikmJ["sample_sufficient"] == true);
    CHECK(j["scores"]["office"]["ratings"] == 0); // no face taps at all: the IKM's sample does not need them

    // The IKM's CSV: nine rows per group, each with the unsur's code and name and the group's IKM.
    run = test::run(f.args({bin, "report", "--period", "month:2026-11", "--format", "ikm-csv"}));
    REQUIRE(run.exitCode == 0);
    std::istringstream csv(run.out);
    std::string line;
    std::getline(csv, line);
    CHECK(line == "period_from,period_to,scope,name,responses,unsur_code,unsur_name,answers,answer_sum,nrr,weight,nrr_weighted,ikm,ikm_converted,ikm_mutu\r");
    std::map<std::string, PrintedTable> tables;
    size_t rows = 0;
    while (std::getline(csv, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto c = csvCells(line);
        REQUIRE(c.size() == 15);
        PrintedTable& t = tables[c[2] + "/" + c[3]];
        const size_t i = t.unsur.size();
        CHECK(c[5] == "U" + std::to_string(i + 1));
        CHECK(c[6] == ikm::kUnsurNames[i]);
        t.unsur.push_back({c[9], c[11]});
        if (!c[10].empty()) t.weight = c[10];
        t.ikm = c[12];
        t.converted = c[13];
        ++rows;
    }
    CHECK(rows == 9 * 6); // the office and the five groups
    for (const auto& [name, t] : tables) {
        INFO("csv " << name);
        recomputes(t);
    }
    CHECK(tables["office/"].converted == ikmJ["overall"]["converted"].dump());

    // The table for a terminal: the office's IKM block.
    run = test::run(f.args({bin, "report", "--period", "month:2026-11", "--format", "table"}));
    REQUIRE(run.exitCode == 0);
    CHECK_THAT(run.out, Catch::Contains("index: Indeks penilaian cepat") && Catch::Contains("IKM: IKM (9 unsur), weight " + weight));
    {
        PrintedTable t;
        t.weight = weight;
        std::istringstream in(run.out);
        const std::regex unsurRow(R"(^U(\d) (.+?)\s+(\d+)\s+(\d\.\d{4}|)\s+(\d\.\d{6}|)$)"), sum(R"(^IKM = sum of NRR tertimbang\s+(\d\.\d{6})$)"),
            times(R"(^x 25\s+(\d+\.\d\d) [ABCD]$)");
        std::smatch m;
        while (std::getline(in, line)) {
            if (std::regex_match(line, m, unsurRow)) {
                CHECK(m[1] == std::to_string(t.unsur.size() + 1));
                CHECK(m[2] == ikm::kUnsurNames[t.unsur.size()]);
                t.unsur.push_back({m[4], m[5]});
            } else if (std::regex_match(line, m, sum)) t.ikm = m[1];
            else if (std::regex_match(line, m, times)) t.converted = m[1];
        }
        REQUIRE(t.unsur.size() == 9);
        recomputes(t);
        CHECK(t.converted == tables["office/"].converted);
    }

    // The HTML report, Indonesian (3,5324) and English: the table under the NRR chart.
    for (const auto lang : {central::html::Lang::Id, central::html::Lang::En}) {
        const central::User admin{"admin", "admin", ""};
        const std::string page = central::html::overviewPage(lang, admin, r, {});
        const size_t table = page.find("<table class=\"ikm\">");
        REQUIRE(table != std::string::npos);
        const std::string html = page.substr(table, page.find("</table>", table) - table);
        PrintedTable t;
        const char* dec = lang == central::html::Lang::Id ? "," : "\\.";
        const std::regex row(std::string("<tr><td>U(\\d)</td><td>([^<]+)</td><td class=\"n\">[\\d.,]+</td><td class=\"n\">(\\d") + dec + "\\d{4}|–)</td><td class=\"n\">([^<]+)</td><td class=\"n\">(\\d" + dec +
                             "\\d{6}|–)</td></tr>");
        for (auto it = std::sregex_iterator(html.begin(), html.end(), row); it != std::sregex_iterator(); ++it) {
            const auto& m = *it;
            CHECK(m[1] == std::to_string(t.unsur.size() + 1));
            CHECK(m[2] == ikm::kUnsurNames[t.unsur.size()]);
            t.unsur.push_back({m[3] == "–" ? "" : m[3].str(), m[5] == "–" ? "" : m[5].str()});
            if (m[4] != "–") t.weight = m[4];
        }
        REQUIRE(t.unsur.size() == 9);
        std::smatch m;
        REQUIRE(std::regex_search(html, m, std::regex(std::string("<tfoot><tr><th colspan=\"5\">[^<]+</th><td class=\"n\">(\\d") + dec + "\\d{6})</td></tr><tr><th colspan=\"5\">[^<]+</th><td class=\"n\">(\\d+" + dec + "\\d\\d) <span")));
        t.ikm = m[1];
        t.converted = m[2];
        CHECK(t.weight == (weighting.empty() ? "1/9" : lang == central::html::Lang::Id ? "0,111" : "0.111"));
        if (t.weight == "0,111") t.weight = "0.111";
        recomputes(t);
        std::string c = t.converted;
        std::replace(c.begin(), c.end(), ',', '.');
        CHECK(c == tables["office/"].converted);
        CHECK_THAT(page, Catch::Contains("Indeks penilaian cepat") || Catch::Contains("Quick rating index"));
    }

    // The laporan's BAB III (the office's, Indonesian numbers).
    {
        const std::string out = (f.dir / "laporan.html").string();
        run = test::run(f.args({bin, "laporan", "--period", "month:2026-11", "--format", "html", "--out", out}));
        REQUIRE(run.exitCode == 0);
        const std::string html = test::readFile(out);
        PrintedTable t;
        const std::regex row(R"(<tr><td>U(\d)</td><td>([^<]+)</td><td class="n">[\d.]+</td><td class="n">[\d.]+</td><td class="n">(\d,\d{4}|–)</td><td class="n">([^<]+)</td><td class="n">(\d,\d{6}|–)</td></tr>)");
        for (auto it = std::sregex_iterator(html.begin(), html.end(), row); it != std::sregex_iterator(); ++it) {
            const auto& m = *it;
            CHECK(m[1] == std::to_string(t.unsur.size() + 1));
            CHECK(m[2] == ikm::kUnsurNames[t.unsur.size()]);
            t.unsur.push_back({m[3] == "–" ? "" : m[3].str(), m[5] == "–" ? "" : m[5].str()});
            if (m[4] != "–") t.weight = m[4] == "0,111" ? "0.111" : m[4].str();
        }
        REQUIRE(t.unsur.size() == 9);
        std::smatch m;
        REQUIRE(std::regex_search(html, m, std::regex(R"(IKM \(jumlah NRR tertimbang\)</th><td class="n">(\d,\d{6})</td>)")));
        t.ikm = m[1];
        REQUIRE(std::regex_search(html, m, std::regex(R"(Nilai IKM \(IKM × 25\)</th><td class="n">(\d+,\d\d)</td>)")));
        t.converted = m[1];
        CHECK(t.weight == weight);
        recomputes(t);
        std::string c = t.converted;
        std::replace(c.begin(), c.end(), ',', '.');
        CHECK(c == tables["office/"].converted);
    }
}

TEST_CASE("the weighting changes the verdict: every NRR 3.5324 is 88.31 A weighed exactly and 88.22 B with 0.111, on every output", "[ikm][scores]")
{
    for (const std::string weighting : {"", "0.111"}) {
        INFO("weighting: " << (weighting.empty() ? "default" : weighting));
        Office f(test::Engine{}, weighting);
        sql::Connection& db = f.central->connection();
        db.exec("DELETE FROM survey_responses");
        // 2,500 responses per unsur giving NRR 3.5324: 1,331 fours, 1,169 threes (1,331 × 4 + 1,169 × 3 = 8,831).
        db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)"
                " INSERT INTO survey_responses (id, device_id, survey_version, counter, status, service_code, officer_nip, started_wall_ms, body, received_at_ms)"
                " SELECT 'x' || i, 'kiosk-a', 'v', 'Loket 1', 'complete', 'nib', '" + budi + "', " + std::to_string(at(11, 5, 9)) +
                ", CASE WHEN i <= 1331 THEN '{\"answers\":{\"U1\":4,\"U2\":4,\"U3\":4,\"U4\":4,\"U5\":4,\"U6\":4,\"U7\":4,\"U8\":4,\"U9\":4}}'"
                " ELSE '{\"answers\":{\"U1\":3,\"U2\":3,\"U3\":3,\"U4\":3,\"U5\":3,\"U6\":3,\"U7\":3,\"U8\":3,\"U9\":3}}' END, 0 FROM n");
        {
            sql::Transaction tx(db);
            (void)central::rollup::rebuild(db);
            tx.commit();
        }
        const auto r = f.month();
        REQUIRE(*r.office.nrr[0] == 3.5324);
        CHECK(*r.office.ikm == (weighting.empty() ? 88.31 : 88.22));
        CHECK(*r.office.ikmMutu == (weighting.empty() ? 'A' : 'B'));
        const std::string page = central::html::overviewPage(central::html::Lang::Id, central::User{"admin", "admin", ""}, r, {});
        CHECK_THAT(page, Catch::Contains(weighting.empty() ? "88,31 <span class=\"mutu A\">A</span>" : "88,22 <span class=\"mutu B\">B</span>"));
        CHECK_THAT(page, Catch::Contains(weighting.empty() ? "bobot 1/9" : "bobot 0,111"));
        CHECK_THAT(central::scoresCsv(r), Catch::Contains(weighting.empty() ? ",88.31,A,1/9," : ",88.22,B,0.111,"));
    }
}

TEST_CASE("a published survey.toml with a weighting the office cannot mean stops the report with its name, not a silent default", "[ikm][scores][cli]")
{
    Office f(test::Engine{});
    std::string survey = test::readFile(test::sourceDir() / "config" / "survey.toml");
    survey.replace(survey.find("weighting = \"exact\""), 19, "weighting = \"0.11\"");
    std::ofstream(f.dir / "publish" / "survey.toml") << survey;
    f.central.reset();
    const auto run = test::run(f.args({(test::binDir() / "skm-central").string(), "report", "--period", "month:2026-11"}));
    CHECK(run.exitCode == 1);
    CHECK_THAT(run.err, Catch::Contains("publish/survey.toml") && Catch::Contains("weighting must be \"exact\"") && Catch::Contains("'0.11'"));
    CHECK(run.out.empty());
}
