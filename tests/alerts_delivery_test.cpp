// Alerts' units and messages (issue 21, from an independent review): an unhappy alert belongs to the
// unit whose officers drew most of its unhappy ratings, a chain break to no unit (the admins'); the
// e-mail's header and body lines stay within RFC 5322's lengths, a chat's text carries no mention or
// markup of the citizen's own words; a delivery pass sends new alerts first and, when a relay fails,
// does not wait on it again for every message while the webhook goes on.

#include "support/alert_fixture.hpp"
#include "support/central_engine.hpp"
#include "support/test_util.hpp"

#include <central/alerts/alerts.hpp>
#include <central/alerts/delivery.hpp>
#include <central/store/central_store.hpp>
#include <core/protocol.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace skm;
using namespace skm::central::alerts;
using namespace skm::test::alerts;

TEST_CASE("an unhappy alert belongs to the unit of most of its unhappy ratings, a chain break to no unit", "[alerts]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO(engine.name());
    test::TempDir dir;
    central::CentralStore store(central::StoreLocation{dir.path(), engine.url, ""});
    store.addDevice("kiosk-06", protocol::newSecret(), 1);
    store.addDevice("kiosk-07", protocol::newSecret(), 1);
    auto db = store.openWriter();
    const AlertConfig config = configWith("");
    // One counter shared by two units' officers: Budi (Dukcapil) and Sari (Perizinan).
    const std::string budi = "198503302010011002", sari = "199001012015032001";
    const std::map<std::string, central::OfficerInfo> officers = {{budi, {"Budi Santoso", "Dukcapil"}}, {sari, {"Sari Dewi", "Perizinan"}}};
    const int64_t t0 = local(2026, 12, 7, 9);
    (void)scan(*db, config, officers, t0);
    Device k{"kiosk-06"};
    // Budi's first rating is unhappy; then Sari's three. The breach's window holds 1 of Budi's and 3 of Sari's.
    (void)store.ingest("kiosk-06", upload("kiosk-06", nlohmann::json::array({k.rating(t0 + kMin, 1, false, nullptr, budi),
                                                                            k.rating(t0 + 2 * kMin, 1, false, nullptr, sari),
                                                                            k.rating(t0 + 3 * kMin, 2, false, nullptr, sari),
                                                                            k.rating(t0 + 4 * kMin, 1, false, nullptr, sari)})),
                       t0 + 5 * kMin);
    CHECK(scan(*db, config, officers, t0 + 5 * kMin).raised == 1);
    REQUIRE(listAlerts(*db, {}).size() == 1);
    const Alert unhappy = listAlerts(*db, {})[0];
    CHECK(unhappy.rule == "unhappy");
    CHECK(unhappy.unit == "Perizinan");
    CHECK(listAlerts(*db, {std::string("Perizinan")}).size() == 1);
    CHECK(listAlerts(*db, {std::string("Dukcapil")}).empty());

    // A chain break says nothing about an officer's service: no unit head sees it, the admins do.
    Device broken{"kiosk-07"};
    nlohmann::json r1 = broken.rating(t0 + 6 * kMin, 4), r2 = broken.rating(t0 + 7 * kMin, 4);
    r2["prev_hash"] = std::string(64, 'e');
    (void)store.ingest("kiosk-07", upload("kiosk-07", nlohmann::json::array({r1, r2})), t0 + 8 * kMin);
    CHECK(scan(*db, config, officers, t0 + 8 * kMin).raised == 1);
    const auto all = listAlerts(*db, {});
    REQUIRE(all.size() == 2);
    CHECK(all[0].rule == "chain");
    CHECK(all[0].unit.empty());
    CHECK(listAlerts(*db, {std::string("Dukcapil")}).empty());
    CHECK(listAlerts(*db, {std::string("Perizinan")}).size() == 1);
}

namespace {

std::vector<std::string> crlfLines(const std::string& s)
{
    std::vector<std::string> out;
    size_t at = 0;
    while (at <= s.size()) {
        const size_t end = s.find("\r\n", at);
        out.push_back(s.substr(at, end == std::string::npos ? std::string::npos : end - at));
        if (end == std::string::npos) break;
        at = end + 2;
    }
    return out;
}

Alert reasonAlert(const std::string& comment, const std::string& title)
{
    Alert a;
    a.id = "01a24096-3d95-74df-94d5-614b4f4af14d";
    a.rule = "reason";
    a.unit = "Dukcapil";
    a.deviceId = "kiosk-04";
    a.counter = "Loket 2";
    a.title = title;
    a.raisedAtMs = local(2026, 12, 7, 9);
    a.detail = {{"reason", "Ada pungutan tidak resmi"}, {"at_ms", a.raisedAtMs}, {"score", 1}, {"officer_nip", "198503302010011002"},
                {"officer_name", "Budi Santoso"}, {"comment", comment}, {"rating_id", "01a24096-0000-7000-8000-000000000001"}};
    return a;
}

} // namespace

TEST_CASE("an alert's e-mail keeps RFC 5322's line lengths, and a chat's text carries no mention or markup of the citizen's words", "[alerts][delivery]")
{
    const AlertConfig config = configWith("report_url = \"https://skm.kota.example\"\n");
    const std::string comment = "@channel <!here> [klik di sini](http://phish.example) *segera* _ini_ ~x~ `kode` | #umum & @budi";
    const std::string longTitle = "Ada pungutan tidak resmi: penilaian di Loket 2 (kiosk-04), petugas Budi Santoso — Layanan Kartu Keluarga, Akta Kelahiran, "
                                  "dan Kartu Identitas Anak (198503302010011002)";
    const Message m = compose(reasonAlert(comment + " " + std::string(3000, 'a'), longTitle), config);

    // The e-mail: the citizen's words as written; no header line over 78, no body line over 998.
    CHECK_THAT(m.text, Catch::Contains(comment));
    const std::string bytes = emailBytes(m, "skm@kota.example", "inspektorat@kota.example", "01a24096@skm", local(2026, 12, 7, 9));
    const size_t split = bytes.find("\r\n\r\n");
    REQUIRE(split != std::string::npos);
    std::string subject;
    bool inSubject = false;
    for (const std::string& line : crlfLines(bytes.substr(0, split))) {
        INFO(line);
        CHECK(line.size() <= 78);
        if (line.rfind("Subject: ", 0) == 0) {
            inSubject = true;
        } else if (!line.empty() && line[0] != ' ') {
            inSubject = false;
        }
        if (!inSubject) continue;
        // Each folded line one encoded word; decoded and joined they are the subject.
        const std::string word = line.substr(line.find("=?UTF-8?B?"));
        CHECK(word.size() <= 75);
        subject += protocol::base64Decode(word.substr(10, word.size() - 12));
    }
    CHECK(subject == m.subject);
    size_t longest = 0;
    std::string body;
    for (const std::string& line : crlfLines(bytes.substr(split + 4))) {
        longest = std::max(longest, line.size());
        body += line;
    }
    CHECK(longest <= 998);
    CHECK_THAT(body, Catch::Contains(std::string(2000, 'a'))); // broken into lines, nothing dropped
    // A short ASCII subject stays as it is.
    const std::string plain = emailBytes(compose(reasonAlert("", "Ada pungutan"), config), "skm@kota.example", "a@kota.example", "x@skm", 0);
    CHECK_THAT(plain, Catch::Contains("\r\nSubject: [SKM] "));
    CHECK_THAT(plain, !Catch::Contains("=?UTF-8?B?"));

    // The chat's text: no mention, no link or emphasis markup from the citizen; the machine-readable detail as it was.
    const std::string chat = m.json["text"].get<std::string>();
    for (const char* markup : {"@channel", "@budi", "<!here>", "](", "[klik", "*segera*", "_ini_", "~x~", "`kode`", "| #umum", " & ", "http://phish"}) {
        INFO(markup);
        CHECK_THAT(chat, !Catch::Contains(markup));
    }
    CHECK_THAT(chat, Catch::Contains("channel") && Catch::Contains("segera") && Catch::Contains("phish.example"));
    CHECK_THAT(chat, Catch::Contains("https://skm.kota.example/report/alerts/01a24096-3d95-74df-94d5-614b4f4af14d")); // the office's own link kept
    CHECK(m.json["detail"]["comment"].get<std::string>().rfind(comment, 0) == 0);
}

TEST_CASE("a delivery pass sends new alerts first and does not wait on a failing relay for every message, the webhook going on", "[alerts][delivery]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO(engine.name());
    test::TempDir dir;
    central::CentralStore store(central::StoreLocation{dir.path(), engine.url, ""});
    store.addDevice("kiosk-08", protocol::newSecret(), 1);
    auto db = store.openWriter();
    // Two integrity contacts, both through the office's one relay.
    const AlertConfig config = parseAlertConfig("[alerts]\nsmtp_url = \"smtp://127.0.0.1:2525\"\nsmtp_from = \"skm@kota.example\"\n"
                                                "integrity_to = [\"inspektorat@kota.example\", \"spi@kota.example\"]\n"
                                                "webhook_url = \"http://127.0.0.1:9/hook\"\n",
                                                "central.toml");
    const std::map<std::string, central::OfficerInfo> officers = {{"198503302010011002", {"Budi Santoso", "Dukcapil"}}};
    const int64_t t0 = local(2026, 12, 7, 9);
    (void)scan(*db, config, officers, t0);
    Device k{"kiosk-08"};
    // Two reason alerts: each to the two integrity contacts (e-mail) and the webhook.
    (void)store.ingest("kiosk-08", upload("kiosk-08", nlohmann::json::array({k.rating(t0 + kMin, 1, false, R"(["pungutan"])"),
                                                                            k.rating(t0 + 2 * kMin, 1, false, R"(["pungutan"])")})),
                       t0 + 3 * kMin);
    REQUIRE(scan(*db, config, officers, t0 + 3 * kMin).raised == 2);
    REQUIRE(count(*db, "SELECT count(*) FROM alert_deliveries WHERE channel = 'email'") == 4);
    REQUIRE(count(*db, "SELECT count(*) FROM alert_deliveries WHERE channel = 'webhook'") == 2);

    // The relay hangs (each try costs its timeout: here a minute of the fake clock) and fails.
    int64_t clock = t0 + 4 * kMin;
    int emailTries = 0, webhookSends = 0;
    Transport t;
    t.email = [&](const AlertConfig&, const std::string&, const std::string&) {
        ++emailTries;
        clock += kMin;
        return std::string("Timeout was reached");
    };
    t.webhook = [&](const AlertConfig&, const std::string&, const std::string&, const std::string&) {
        ++webhookSends;
        return std::string();
    };
    const DeliveryPass first = deliverDue(*db, config, t, [&] { return clock; }, 50, 10 * kMin);
    CHECK(emailTries == 1); // not once per message
    CHECK(webhookSends == 2);
    CHECK(first.delivered == 2);
    CHECK(first.failed == 1);
    CHECK(count(*db, "SELECT count(*) FROM alert_deliveries WHERE channel = 'email' AND status = 'pending' AND attempts = 0") == 3);
    std::string failedAlert, failedTo;
    db->each("SELECT alert_id, target FROM alert_deliveries WHERE attempts = 1 AND status = 'pending'", {}, [&](const sql::Row& r) {
        failedAlert = r.text(0);
        failedTo = r.text(1);
    });
    REQUIRE_FALSE(failedAlert.empty());

    // A third alert arrives; the relay is back. Every message not yet tried goes before the retry of the one that failed.
    (void)store.ingest("kiosk-08", upload("kiosk-08", nlohmann::json::array({k.rating(clock + kMin, 1, false, R"(["pungutan"])")})), clock + 2 * kMin);
    REQUIRE(scan(*db, config, officers, clock + 2 * kMin).raised == 1);
    clock += 60 * kMin; // every retry due
    std::vector<std::pair<std::string, std::string>> order; // alert, recipient
    t.email = [&](const AlertConfig&, const std::string& to, const std::string& bytes) {
        const size_t at = bytes.find("X-SKM-Alert-Id: ");
        order.emplace_back(bytes.substr(at + 16, 36), to);
        return std::string();
    };
    const DeliveryPass second = deliverDue(*db, config, t, [&] { return clock; });
    CHECK(second.delivered == 7); // six e-mails and the new alert's webhook
    REQUIRE(order.size() == 6);
    CHECK(order.back() == std::make_pair(failedAlert, failedTo));
    const std::string newest = listAlerts(*db, {})[0].id; // newest first
    CHECK(std::count_if(order.begin(), order.end() - 1, [&](const auto& o) { return o.first == newest; }) == 2);
    CHECK(count(*db, "SELECT count(*) FROM alert_deliveries WHERE status = 'pending'") == 0);
}

TEST_CASE("what a kiosk sent reaches a chat without markup and an alert without bidirectional or line-separator characters", "[alerts][delivery]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO(engine.name());
    test::TempDir dir;
    central::CentralStore store(central::StoreLocation{dir.path(), engine.url, ""});
    store.addDevice("kiosk-10", protocol::newSecret(), 1);
    auto db = store.openWriter();
    const AlertConfig config = configWith("");
    const int64_t t0 = local(2026, 12, 7, 9);
    (void)scan(*db, config, {}, t0);
    Device k{"kiosk-10", "<b>Loket</b> @here *1*"};
    const auto stored = store.ingest("kiosk-10", upload("kiosk-10", nlohmann::json::array({k.rating(t0 + kMin, 1, false, R"(["pungutan"])", "198503302010011002",
                                                                                                 "\u202Egnp.exe\u202C \u2028 @here")})),
                                     t0 + 2 * kMin);
    REQUIRE(stored.at("ratings").size() == 1);
    INFO(stored.at("ratings")[0].reason);
    REQUIRE(stored.at("ratings")[0].status == "stored");
    REQUIRE(scan(*db, config, {}, t0 + 2 * kMin).raised == 1);
    const Alert a = listAlerts(*db, {})[0];
    const std::string comment = a.detail["comment"].get<std::string>();
    CHECK(comment == "gnp.exe   @here"); // the overrides dropped, the separator a space
    const Message m = compose(a, config);
    for (const std::string& shown : {m.text, m.json["text"].get<std::string>()}) {
        CHECK_THAT(shown, !Catch::Contains("\u202E") && !Catch::Contains("\u2028"));
    }
    const std::string chat = m.json["text"].get<std::string>();
    for (const char* markup : {"@here", "<b>", "*1*"}) {
        INFO(markup);
        CHECK_THAT(chat, !Catch::Contains(markup));
    }
    CHECK_THAT(m.text, Catch::Contains("<b>Loket</b> @here *1*")); // the e-mail is plain text: as sent
    CHECK(m.json["counter"] == "<b>Loket</b> @here *1*");            // and the machine's fields
}
