// Alerts at the central office (issue 21). The rules over real ingests on both engines (a breach raised
// once, suppressed presses never counted, reasons to the integrity contacts, silent kiosks, chain
// breaks, the steps people take, every one kept), the [alerts] settings refused with their line, and
// the deliveries end to end: a real skm-central, a real SMTP receiver (aiosmtpd, STARTTLS with a test
// CA) and a real webhook receiver, down and then up, across a restart of skm-central. One file of some
// 570 lines: the rules, their settings, their delivery and their pages are one feature, tested together.

#include "support/alert_fixture.hpp"
#include "support/central_engine.hpp"
#include "support/sync_fixture.hpp"
#include "support/test_pki.hpp"
#include "support/test_util.hpp"

#include <central/alerts/alerts.hpp>
#include <central/alerts/delivery.hpp>
#include <central/store/central_store.hpp>
#include <core/complaint_ref.hpp>
#include <core/config_error.hpp>

#include <catch2/catch.hpp>
#include <httplib.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <regex>
#include <thread>

using namespace skm;
using namespace skm::central::alerts;
using namespace skm::test::alerts;


TEST_CASE("alert settings: defaults, overrides per unit and counter, and refusals that name the line and key", "[alerts][config]")
{
    const AlertConfig d = parseAlertConfig("database = \"\"\n", "central.toml");
    CHECK(d.rules.unhappyShare == 0.5);
    CHECK(d.rules.unhappyWindowMinutes == 15);
    CHECK(d.rules.unhappyMinCount == 4);
    CHECK(d.rules.reasons == std::vector<std::string>{"pungutan"});
    CHECK(d.rules.silentHours == 2);
    CHECK(d.recipients.emailTo.empty());

    const AlertConfig c = configWith("unhappy_min_count = 6\n[alerts.unit.\"Dukcapil\"]\nunhappy_share = 0.4\nemail_to = [\"kepala.dukcapil@kota.example\"]\n"
                                     "[alerts.counter.\"Loket 3\"]\nunhappy_window_minutes = 30\n");
    CHECK(c.rulesFor("", "Loket 1").unhappyMinCount == 6);
    CHECK(c.rulesFor("Dukcapil", "Loket 1").unhappyShare == 0.4);
    CHECK(c.rulesFor("Dukcapil", "Loket 3").unhappyShare == 0.4);
    CHECK(c.rulesFor("Dukcapil", "Loket 3").unhappyWindowMinutes == 30);
    CHECK(c.rulesFor("Perizinan", "Loket 1").unhappyShare == 0.5);
    CHECK(c.recipientsFor("Dukcapil", "Loket 1").emailTo == std::vector<std::string>{"pelayanan@kota.example", "kepala.dukcapil@kota.example"});
    CHECK(c.recipientsFor("Perizinan", "Loket 1").emailTo == std::vector<std::string>{"pelayanan@kota.example"});

    const std::vector<std::pair<std::string, std::string>> bad = {
        {"[alerts]\nunhappy_share = 1.5\n", "central.toml:2: key 'alerts.unhappy_share': must be between 0 and 1, exclusive"},
        {"[alerts]\nsilent_hour = 2\n", "central.toml:2: key 'alerts.silent_hour': unknown key"},
        {"[alerts]\nemail_to = [\"kepala\"]\n", "'kepala' is not an e-mail address"},
        {"[alerts]\nemail_to = [\"a@kota.example\"]\n", "e-mail recipients need smtp_url and smtp_from"},
        {"[alerts]\nsmtp_url = \"http://relay\"\n", "key 'alerts.smtp_url': must start with smtp:// or smtps://"},
        {"[alerts]\nsmtp_url = \"smtp://relay.kota.example\"\nsmtp_plaintext = true\n", "only for a relay on this machine"},
        {"[alerts]\noffice_hours = \"16:00-08:00\"\n", "the start before the end"},
        {"[alerts]\noffice_days = [0]\n", "key 'alerts.office_days': must be from 1 to 7"},
        {"[alerts]\nwebhook_secret_file = \"/nonexistent/key\"\n", "cannot read /nonexistent/key"},
        {"[alerts.unit.\"Dukcapil\"]\nsmtp_url = \"smtp://x\"\n", "key 'alerts.unit.\"Dukcapil\".smtp_url': unknown key"},
        {"[alerts]\nemail_to = [\"a@kota.example\\r\\nBcc: x@evil.example\"]\n", "control or bidirectional character"},
    };
    for (const auto& [text, message] : bad) {
        INFO(text);
        try {
            (void)parseAlertConfig(text, "central.toml");
            FAIL("accepted");
        } catch (const config::ConfigError& e) {
            CHECK_THAT(e.what(), Catch::Contains(message));
        }
    }
}

TEST_CASE("office hours between two moments count only the office's days and hours", "[alerts]")
{
    AlertConfig c; // 08:00-16:00, Monday to Friday
    // Friday 2026-12-04 15:00 to Monday 2026-12-07 09:00: an hour on Friday, an hour on Monday.
    CHECK(officeMsBetween(local(2026, 12, 4, 15), local(2026, 12, 7, 9), c) == 2 * 60 * kMin);
    CHECK(officeMsBetween(local(2026, 12, 5, 9), local(2026, 12, 6, 15), c) == 0); // a weekend
    CHECK(officeMsBetween(local(2026, 12, 7, 6), local(2026, 12, 7, 7), c) == 0);  // before opening
    CHECK(officeMsBetween(local(2026, 12, 7, 12), local(2026, 12, 7, 11), c) == 0);
}

TEST_CASE("each breach raises one alert, suppressed presses never count, and every step is kept", "[alerts]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO(engine.name());
    test::TempDir dir;
    central::CentralStore store(central::StoreLocation{dir.path(), engine.url, ""});
    store.addDevice("kiosk-03", protocol::newSecret(), 1);
    auto db = store.openWriter();
    const AlertConfig config = configWith("");
    const std::map<std::string, central::OfficerInfo> officers = {{"198503302010011002", {"Budi Santoso", "Dukcapil"}}};
    Device k{"kiosk-03"};
    const int64_t t0 = local(2026, 12, 7, 9); // a Monday morning
    CHECK(scan(*db, config, officers, t0).raised == 0); // the first pass starts the cursor

    // A burst of suppressed Tidak Baik presses and two counted Baik: no breach.
    nlohmann::json burst = nlohmann::json::array();
    for (int i = 0; i < 12; ++i) burst.push_back(k.rating(t0 + 1000 + i * 150, 1, true));
    burst.push_back(k.rating(t0 + 10'000, 3));
    burst.push_back(k.rating(t0 + 20'000, 3));
    (void)store.ingest("kiosk-03", upload("kiosk-03", burst), t0 + 30'000);
    CHECK(scan(*db, config, officers, t0 + 31'000).raised == 0);
    CHECK(count(*db, "SELECT count(*) FROM alerts") == 0);

    // Three Tidak Baik and a Kurang Baik after the two Baik, within 15 minutes: at the third of them 3 of 5
    // counted are unhappy, more than 50 % of at least 4. One alert, raised at that moment.
    nlohmann::json bad = nlohmann::json::array();
    for (int i = 0; i < 4; ++i) bad.push_back(k.rating(t0 + (2 + i) * kMin, i == 3 ? 2 : 1));
    (void)store.ingest("kiosk-03", upload("kiosk-03", bad), t0 + 6 * kMin);
    ScanResult s = scan(*db, config, officers, t0 + 6 * kMin + 1000);
    CHECK(s.raised == 1);
    REQUIRE(count(*db, "SELECT count(*) FROM alerts") == 1);
    const auto alert = listAlerts(*db, {})[0];
    CHECK(alert.rule == "unhappy");
    CHECK(alert.unit == "Dukcapil");
    CHECK(alert.counter == "Loket 3");
    CHECK(alert.detail["counted"] == 5);
    CHECK(alert.detail["unhappy"] == 3);
    CHECK(alert.lastBreachMs == t0 + 5 * kMin); // moved on to the fourth (at 5 min) by the same pass
    CHECK_THAT(alert.title, Catch::Contains("3 dari 5 penilaian Kurang Baik/Tidak Baik dalam 15 menit"));
    CHECK_THAT(alert.title, Catch::Contains("Budi Santoso"));
    // Its deliveries were written with it: the office's list and the webhook (not the integrity contact).
    const auto deliveries = alertDeliveries(*db, alert.id);
    REQUIRE(deliveries.size() == 2);
    CHECK(deliveries[0].channel == "email");
    CHECK(deliveries[0].target == "pelayanan@kota.example");
    CHECK(deliveries[1].channel == "webhook");

    // More of the same breach, and the same pass again: still one alert, its last breach moved on.
    (void)store.ingest("kiosk-03", upload("kiosk-03", nlohmann::json::array({k.rating(t0 + 8 * kMin, 1), k.rating(t0 + 9 * kMin, 1)})), t0 + 9 * kMin);
    s = scan(*db, config, officers, t0 + 9 * kMin + 1000);
    CHECK(s.raised == 0);
    CHECK(s.extended >= 1);
    CHECK(scan(*db, config, officers, t0 + 9 * kMin + 2000).raised == 0);
    CHECK(count(*db, "SELECT count(*) FROM alerts") == 1);
    CHECK(count(*db, "SELECT count(*) FROM alert_deliveries") == 2);

    // A window with no breach after it: the breach ended. A new one later is a new alert.
    s = scan(*db, config, officers, t0 + 25 * kMin);
    CHECK(s.cleared == 1);
    CHECK(findAlert(*db, alert.id)->clearedAtMs);
    nlohmann::json again = nlohmann::json::array();
    for (int i = 0; i < 4; ++i) again.push_back(k.rating(t0 + 60 * kMin + i * kMin, 1));
    (void)store.ingest("kiosk-03", upload("kiosk-03", again), t0 + 64 * kMin);
    CHECK(scan(*db, config, officers, t0 + 64 * kMin + 1000).raised == 1);
    CHECK(count(*db, "SELECT count(*) FROM alerts WHERE rule = 'unhappy'") == 2);

    // The unit head's steps: acknowledge, comment, close; each kept with who and when.
    Alert a = actOnAlert(*db, alert.id, alert.rev, "acknowledge", "", "kepala.dukcapil", t0 + 70 * kMin);
    CHECK(a.status == "diterima");
    CHECK_THROWS_AS(actOnAlert(*db, alert.id, alert.rev, "comment", "stale", "kepala.dukcapil", t0 + 71 * kMin), AlertError); // an old revision
    CHECK_THROWS_AS(actOnAlert(*db, alert.id, a.rev, "comment", "   ", "kepala.dukcapil", t0 + 71 * kMin), AlertError);
    CHECK_THROWS_AS(actOnAlert(*db, alert.id, a.rev, "acknowledge", "", "kepala.dukcapil", t0 + 71 * kMin), AlertError);
    CHECK_THROWS_AS(actOnAlert(*db, alert.id, a.rev, "comment", "selesai \u202Ekaras", "kepala.dukcapil", t0 + 71 * kMin), AlertError); // a bidi override
    a = actOnAlert(*db, alert.id, a.rev, "comment", "Antrean panjang: loket 4 dibuka", "kepala.dukcapil", t0 + 72 * kMin);
    a = actOnAlert(*db, alert.id, a.rev, "close", "Selesai", "kepala.dukcapil", t0 + 90 * kMin);
    CHECK(a.status == "ditutup");
    CHECK_THROWS_AS(actOnAlert(*db, alert.id, a.rev, "close", "", "kepala.dukcapil", t0 + 91 * kMin), AlertError);
    const nlohmann::json events = alertEvents(*db, alert.id);
    std::vector<std::string> steps;
    for (const auto& e : events) steps.push_back(e["action"].get<std::string>() + ":" + e["user"].get<std::string>());
    CHECK(steps == std::vector<std::string>{"raised:skm-central", "cleared:skm-central", "acknowledged:kepala.dukcapil", "commented:kepala.dukcapil",
                                            "closed:kepala.dukcapil"});
    CHECK(events[3]["note"] == "Antrean panjang: loket 4 dibuka");
    CHECK(listAlerts(*db, {}).size() == 1); // the closed one is listed only on request
    CHECK(listAlerts(*db, {std::nullopt, true}).size() == 2);
    CHECK(listAlerts(*db, {std::string("Perizinan"), true}).empty());
}

TEST_CASE("a reason alert goes to the integrity contacts once per rating, and silent kiosks and chain breaks are raised", "[alerts]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO(engine.name());
    test::TempDir dir;
    central::CentralStore store(central::StoreLocation{dir.path(), engine.url, ""});
    store.addDevice("kiosk-04", protocol::newSecret(), 1);
    store.addDevice("kiosk-05", protocol::newSecret(), 1);
    auto db = store.openWriter();
    const AlertConfig config = configWith("");
    const std::map<std::string, central::OfficerInfo> officers = {{"198503302010011002", {"Budi Santoso", "Dukcapil"}}};
    const int64_t t0 = local(2026, 12, 7, 9);
    (void)scan(*db, config, officers, t0);
    Device k{"kiosk-04"};
    const nlohmann::json fee = k.rating(t0 + kMin, 1, false, R"(["lama", "pungutan"])");
    (void)store.ingest("kiosk-04", upload("kiosk-04", nlohmann::json::array({fee, k.rating(t0 + 2 * kMin, 2, false, R"(["lama"])")})),
                       t0 + 3 * kMin);
    CHECK(scan(*db, config, officers, t0 + 3 * kMin).raised == 1);
    CHECK(scan(*db, config, officers, t0 + 4 * kMin).raised == 0); // read again within the margin: not raised again
    const auto alerts = listAlerts(*db, {});
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].rule == "reason");
    CHECK_THAT(alerts[0].title, Catch::StartsWith("Ada pungutan tidak resmi"));
    // The reference the kiosk showed beside SP4N-LAPOR!'s QR code, for the integrity contact to match a report with.
    CHECK(alerts[0].detail["complaint_ref"] == complaint::referenceFor(fee["id"].get<std::string>()));
    CHECK_THAT(compose(alerts[0], config).text, Catch::Contains("SP4N-LAPOR!: " + complaint::referenceFor(fee["id"].get<std::string>())));
    const auto to = alertDeliveries(*db, alerts[0].id);
    REQUIRE(to.size() == 2);
    CHECK(to[0].target == "inspektorat@kota.example"); // not the office's list
    CHECK(to[1].channel == "webhook");

    // The device chain: a rating that arrived altered (its predecessor's hash does not match).
    Device broken{"kiosk-05"};
    nlohmann::json r1 = broken.rating(t0 + 5 * kMin, 4), r2 = broken.rating(t0 + 6 * kMin, 4);
    r2["prev_hash"] = std::string(64, 'f');
    (void)store.ingest("kiosk-05", upload("kiosk-05", nlohmann::json::array({r1, r2})), t0 + 7 * kMin);
    CHECK(scan(*db, config, officers, t0 + 7 * kMin).raised == 1);
    CHECK(count(*db, "SELECT count(*) FROM alerts WHERE rule = 'chain' AND device_id = 'kiosk-05'") == 1);

    // A kiosk that syncs only at night (heard from at 02:00) is never silent by day.
    db->query("INSERT INTO device_contacts (device_id, last_seen_ms) VALUES ('kiosk-night', $1)", {local(2026, 12, 7, 2)});
    // kiosk-04 last heard from at 09:05; at 12:00 it has been silent for almost 3 office hours.
    db->query("INSERT INTO device_contacts (device_id, last_seen_ms) VALUES ('kiosk-04', $1)", {t0 + 5 * kMin});
    db->query("INSERT INTO device_contacts (device_id, last_seen_ms) VALUES ('kiosk-05', $1)", {local(2026, 12, 7, 13)});
    CHECK(scan(*db, config, officers, local(2026, 12, 7, 10)).raised == 0); // 55 minutes: not yet
    CHECK(scan(*db, config, officers, local(2026, 12, 7, 12)).raised == 1);
    CHECK(scan(*db, config, officers, local(2026, 12, 7, 13)).raised == 0); // the same silence
    CHECK(count(*db, "SELECT count(*) FROM alerts WHERE rule = 'silent' AND device_id = 'kiosk-04' AND open_key IS NOT NULL") == 1);
    CHECK(count(*db, "SELECT count(*) FROM alerts WHERE rule = 'silent' AND device_id = 'kiosk-night'") == 0);
    db->query("UPDATE device_contacts SET last_seen_ms = $1 WHERE device_id = 'kiosk-04'", {local(2026, 12, 7, 13, 30)});
    CHECK(scan(*db, config, officers, local(2026, 12, 7, 13, 31)).cleared == 1);
    CHECK(count(*db, "SELECT count(*) FROM alerts WHERE rule = 'silent' AND open_key IS NOT NULL") == 0);
}

namespace {

// A receiver the test starts (and stops) as a process: tests/support/smtp_sink.py or webhook_sink.py.
struct Sink {
    pid_t pid = -1;
    std::filesystem::path dir;
    Sink(const std::string& script, int port, std::filesystem::path into, std::vector<std::string> extra = {}) : dir(std::move(into))
    {
        std::vector<std::string> argv = {"/usr/bin/python3", (test::sourceDir() / "tests" / "support" / script).string(), "--port", std::to_string(port),
                                         "--dir", dir.string()};
        argv.insert(argv.end(), extra.begin(), extra.end());
        int fd = -1;
        const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC); // a refused handshake's traceback is not the test's output
        pid = test::spawn(argv, &fd, devnull);
        close(devnull);
        const std::string line = test::readLine(fd);
        close(fd);
        REQUIRE(line == "listening " + std::to_string(port));
    }
    ~Sink()
    {
        kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
    }
    // The files it received, in order.
    std::vector<std::string> received() const
    {
        std::vector<std::filesystem::path> files;
        if (std::filesystem::exists(dir)) {
            for (const auto& e : std::filesystem::directory_iterator(dir)) {
                if (e.path().extension() != ".tmp") files.push_back(e.path());
            }
        }
        std::sort(files.begin(), files.end());
        std::vector<std::string> out;
        for (const auto& f : files) out.push_back(test::readFile(f));
        return out;
    }
};

// Waits up to `seconds` for `done`; true if it came.
template <class F>
bool within(int seconds, F done)
{
    for (int i = 0; i < seconds * 10; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
}

std::string centralToml(const std::filesystem::path& dir, int smtpPort, int webhookPort, const std::string& caFile)
{
    const auto file = dir / "central.toml";
    std::ofstream(file) << "[alerts]\nsmtp_url = \"smtp://127.0.0.1:" << smtpPort << "\"\nsmtp_from = \"skm@kota.example\"\nsmtp_ca_file = \"" << caFile
                        << "\"\nemail_to = [\"pelayanan@kota.example\"]\nintegrity_to = [\"inspektorat@kota.example\"]\n"
                        << "webhook_url = \"http://127.0.0.1:" << webhookPort << "/hooks/skm\"\nwebhook_secret_file = \"" << (dir / "webhook.key").string()
                        << "\"\nretry_seconds = 1\nretry_max_seconds = 2\nscan_seconds = 1\nreport_url = \"https://skm.kota.example\"\n";
    std::ofstream(dir / "webhook.key") << "rahasia-webhook\n";
    return file.string();
}

} // namespace

TEST_CASE("alerts reach a real SMTP receiver over STARTTLS and a real webhook: one per breach, none for a suppressed burst", "[alerts][delivery]")
{
    test::TempDir dir;
    test::TestPki pki(dir / "pki");
    const int smtpPort = test::freePort(), webhookPort = test::freePort();
    Sink smtp("smtp_sink.py", smtpPort, dir / "mail", {"--cert", pki.path("server.pem"), "--key", pki.path("server.key")});
    Sink hook("webhook_sink.py", webhookPort, dir / "hooks");
    test::Central central(dir / "central", {"--config", centralToml(dir.path(), smtpPort, webhookPort, pki.path("ca.pem"))});
    test::Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-06"));
    auto tap = [&](int score, bool suppressed = false, const char* reasons = nullptr) {
        auto p = kiosk.st->stamp(score);
        p.suppressed = suppressed;
        REQUIRE(kiosk.st->commit(p).ok);
        if (reasons) REQUIRE(kiosk.st->update({p.id, store::RatingUpdate::Field::Reasons, reasons, "id"}).ok);
    };
    // A mashing finger: twelve suppressed Tidak Baik and one counted Baik. Then a rating with pungutan.
    for (int i = 0; i < 12; ++i) tap(1, true);
    tap(3);
    REQUIRE(kiosk.sync().ok());
    tap(2, false, R"(["pungutan"])");
    REQUIRE(kiosk.sync().ok());
    REQUIRE(within(30, [&] { return smtp.received().size() >= 1 && hook.received().size() >= 1; }));
    std::this_thread::sleep_for(std::chrono::seconds(3)); // passes enough for anything else to show
    auto mail = smtp.received();
    REQUIRE(mail.size() == 1); // the reason alert only: the burst raised nothing
    CHECK_THAT(mail[0], Catch::Contains("X-Envelope-To: inspektorat@kota.example"));
    CHECK_THAT(mail[0], Catch::Contains("X-Sink-TLS: yes"));
    CHECK_THAT(mail[0], Catch::Contains("Ada pungutan tidak resmi"));
    CHECK_THAT(mail[0], Catch::Contains("https://skm.kota.example/report/alerts/"));
    auto hooks = hook.received();
    REQUIRE(hooks.size() == 1);
    const nlohmann::json h = nlohmann::json::parse(hooks[0]);
    CHECK(h["path"] == "/hooks/skm");
    const nlohmann::json body = nlohmann::json::parse(h["body"].get<std::string>());
    CHECK(body["rule"] == "reason");
    CHECK(h["headers"]["X-SKM-Alert-Id"] == body["id"]);
    // The signature is HMAC-SHA256 of the body with the office's webhook secret.
    const std::string expected = test::run({"/bin/sh", "-c", "printf '%s' \"$0\" | openssl dgst -sha256 -hmac rahasia-webhook -r | cut -d' ' -f1",
                                             h["body"].get<std::string>()}).out;
    CHECK(h["headers"]["X-SKM-Signature"] == "sha256=" + expected.substr(0, 64));

    // Four unhappy of five counted: one alert, one e-mail to the office's list, one more webhook ...
    tap(1);
    tap(1);
    tap(2);
    tap(4);
    REQUIRE(kiosk.sync().ok());
    REQUIRE(within(30, [&] { return smtp.received().size() >= 2; }));
    // ... and more of the same breach raise nothing more.
    tap(1);
    tap(1);
    REQUIRE(kiosk.sync().ok());
    auto db = central.db();
    REQUIRE(within(30, [&] { return db->queryInt("SELECT count(*) FROM alert_events WHERE action = 'delivered'") >= 4; }));
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(db->queryInt("SELECT count(*) FROM alerts WHERE rule = 'unhappy'") == 1);
    mail = smtp.received();
    REQUIRE(mail.size() == 2);
    CHECK_THAT(mail[1], Catch::Contains("X-Envelope-To: pelayanan@kota.example"));
    CHECK_THAT(mail[1], Catch::Contains("penilaian Kurang Baik/Tidak Baik dalam 15 menit"));
    CHECK(hook.received().size() == 2);
}

TEST_CASE("a delivery is retried after the receiver was down, and survives a restart of skm-central with it pending", "[alerts][delivery]")
{
    test::TempDir dir;
    test::TestPki pki(dir / "pki");
    const int smtpPort = test::freePort(), webhookPort = test::freePort();
    const std::string config = centralToml(dir.path(), smtpPort, webhookPort, pki.path("ca.pem"));
    sync::Provisioning prov;
    {
        test::Central central(dir / "central", {"--config", config});
        prov = central.addDevice("kiosk-07");
        test::Kiosk kiosk(dir / "kiosk", prov);
        auto p = kiosk.st->stamp(1);
        REQUIRE(kiosk.st->commit(p).ok);
        REQUIRE(kiosk.st->update({p.id, store::RatingUpdate::Field::Reasons, R"(["pungutan"])", "id"}).ok);
        REQUIRE(kiosk.sync().ok());
        // Nobody listens: both deliveries fail and wait for their next attempt.
        auto db = central.db();
        REQUIRE(within(30, [&] { return db->queryInt("SELECT count(*) FROM alert_deliveries WHERE attempts >= 1 AND status = 'pending'") == 2; }));
        CHECK(db->queryInt("SELECT count(*) FROM alert_events WHERE action = 'delivery_failed'") >= 2);
    } // skm-central stopped with both deliveries pending
    Sink smtp("smtp_sink.py", smtpPort, dir / "mail", {"--cert", pki.path("server.pem"), "--key", pki.path("server.key")});
    Sink hook("webhook_sink.py", webhookPort, dir / "hooks");
    test::Central central(dir / "central", {"--config", config});
    REQUIRE(within(30, [&] { return smtp.received().size() == 1 && hook.received().size() == 1; }));
    auto db = central.db();
    REQUIRE(within(10, [&] { return db->queryInt("SELECT count(*) FROM alert_deliveries WHERE status = 'delivered'") == 2; }));
    std::this_thread::sleep_for(std::chrono::seconds(3)); // and nothing sent twice
    CHECK(smtp.received().size() == 1);
    CHECK(hook.received().size() == 1);
    CHECK(db->queryInt("SELECT count(*) FROM alerts") == 1);
    CHECK(db->queryInt("SELECT count(*) FROM alert_events WHERE action = 'delivered'") == 2);
}

TEST_CASE("a webhook that hangs holds up neither the rules nor the e-mails, and a stop leaves its delivery pending, not failed", "[alerts][delivery]")
{
    test::TempDir dir;
    test::TestPki pki(dir / "pki");
    const int smtpPort = test::freePort(), webhookPort = test::freePort();
    const std::string config = centralToml(dir.path(), smtpPort, webhookPort, pki.path("ca.pem"));
    Sink smtp("smtp_sink.py", smtpPort, dir / "mail", {"--cert", pki.path("server.pem"), "--key", pki.path("server.key")});
    Sink hook("webhook_sink.py", webhookPort, dir / "hooks", {"--hang"});
    const auto closed = [&] { return std::filesystem::exists(dir / "hooks-closed") && !std::filesystem::is_empty(dir / "hooks-closed"); };
    std::unique_ptr<sql::Connection> db;
    {
        test::Central central(dir / "central", {"--config", config});
        test::Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-09"));
        const auto fee = [&] {
            auto p = kiosk.st->stamp(1);
            REQUIRE(kiosk.st->commit(p).ok);
            REQUIRE(kiosk.st->update({p.id, store::RatingUpdate::Field::Reasons, R"(["pungutan"])", "id"}).ok);
            REQUIRE(kiosk.sync().ok());
        };
        fee();
        REQUIRE(within(30, [&] { return smtp.received().size() == 1 && hook.received().size() == 1; })); // the webhook now hangs
        // A second fee while the webhook still hangs: raised, and its e-mail sent, with the first webhook's
        // connection still held (one thread for the rules and the two channels waited out its 30 s timeout).
        fee();
        REQUIRE(within(30, [&] { return smtp.received().size() == 2; }));
        CHECK_FALSE(closed());
        db = central.db();
        CHECK(db->queryInt("SELECT count(*) FROM alerts WHERE rule = 'reason'") == 2);
    } // SIGTERM while the webhook hangs: the send is cut short
    CHECK(within(10, closed));
    // Neither webhook delivery counted as an attempt, neither left claimed: a restart sends both at once.
    CHECK(db->queryInt("SELECT count(*) FROM alert_deliveries WHERE channel = 'webhook' AND status = 'pending' AND attempts = 0 AND lease_until_ms = 0") == 2);
    CHECK(db->queryInt("SELECT count(*) FROM alert_events WHERE action = 'delivery_failed'") == 0);
}

TEST_CASE("an SMTP relay whose certificate the office's CA did not sign gets nothing, in plaintext or otherwise", "[alerts][delivery]")
{
    test::TempDir dir;
    test::TestPki pki(dir / "pki");
    const int smtpPort = test::freePort(), webhookPort = test::freePort();
    Sink smtp("smtp_sink.py", smtpPort, dir / "mail", {"--cert", pki.path("server.pem"), "--key", pki.path("server.key")});
    test::Central central(dir / "central", {"--config", centralToml(dir.path(), smtpPort, webhookPort, pki.path("other-ca.pem"))});
    test::Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-08"));
    auto p = kiosk.st->stamp(1);
    REQUIRE(kiosk.st->commit(p).ok);
    REQUIRE(kiosk.st->update({p.id, store::RatingUpdate::Field::Reasons, R"(["pungutan"])", "id"}).ok);
    REQUIRE(kiosk.sync().ok());
    auto db = central.db();
    REQUIRE(within(30, [&] { return db->queryInt("SELECT count(*) FROM alert_deliveries WHERE channel = 'email' AND attempts >= 1") == 1; }));
    CHECK_THAT(db->queryText("SELECT last_error FROM alert_deliveries WHERE channel = 'email'"), Catch::Contains("SSL"));
    CHECK(smtp.received().empty());
}

TEST_CASE("skm-central serve refuses a bad [alerts] table with the line and key", "[alerts][config]")
{
    test::TempDir dir;
    std::ofstream(dir / "central.toml") << "[alerts]\nunhappy_min_count = 0\n";
    const auto r = test::run({(test::binDir() / "skm-central").string(), "serve", "--listen", "127.0.0.1:0", "--data-dir", (dir / "c").string(), "--config",
                              (dir / "central.toml").string()});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("central.toml:2: key 'alerts.unhappy_min_count': must be from 1 to 10000"));
    CHECK_FALSE(std::filesystem::exists(dir / "c" / "central.db")); // refused before the store is made or migrated
    for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
             {"[alerts]\nunhappy_share = nan\n", "alerts.unhappy_share"},
             {"[alerts]\nsmtp_plaintext = true\n", "smtp_plaintext"},
             {"[alerts]\noffice_hours = \"08:00-16:00x\"\n", "alerts.office_hours"},
             {"[alerts.unit.\"Dukcapil\"]\nsilent_hours = 3\n", "a kiosk has no unit"},
             {"[alerts]\nsmtp_url = \"smtp://10.0.0.1:25\"\n\nsmtp_plaintext = true\n", "central.toml:4: key 'alerts.smtp_plaintext'"},
             {"[alerts]\nretry_seconds = 60\nretry_max_seconds = 30\n", "central.toml:3: key 'alerts.retry_max_seconds'"},
             {"[alerts]\nreasons = [\"pungutan\", \"\"]\n", "is not a reason code"},
             {"[alerts]\noffice_days = [1, 1, 2]\n", "names day 1 twice"},
             {"[alerts]\nwebhook_url = \"http://x/ y\"\n", "holds a space"},
             {"[alerts.unit]\nX = 5\n", "key 'alerts.unit.\"X\"': must be a table"},
             {"[alerts.unit.\"Bidang\u202eX\"]\nunhappy_min_count = 5\n", "without control or bidirectional characters"}}) {
        INFO(text);
        std::ofstream(dir / "central.toml") << text;
        const auto bad = test::run({(test::binDir() / "skm-central").string(), "serve", "--listen", "127.0.0.1:0", "--data-dir", (dir / "c").string(),
                                    "--config", (dir / "central.toml").string()});
        CHECK(bad.exitCode == 2);
        CHECK_THAT(bad.err, Catch::Contains("central.toml:") && Catch::Contains(message));
    }
}

TEST_CASE("skm-central serve stops cleanly on SIGTERM every time, the alert engine's thread never taking the signal", "[alerts][cli]")
{
    // The engine's thread once started before SIGTERM was blocked: a signal the kernel gave to it
    // killed the process at once (no "stopped" line, a lease left held). Twenty starts and stops.
    test::TempDir dir;
    for (int i = 0; i < 20; ++i) {
        INFO("start " << i);
        const int log = ::open((dir / "serve.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        std::string url;
        const pid_t pid = test::startServe({"--listen", "127.0.0.1:0", "--data-dir", (dir / "c").string()}, log, &url);
        ::close(log);
        kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        CHECK_THAT(test::readFile(dir / "serve.log"), Catch::Contains("records in") && Catch::Contains("stopped:"));
    }
}

namespace {

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
    httplib::Result post(const std::string& path, const httplib::Params& form) { return cli.Post(path, {{"Cookie", cookie}, {"Origin", base}}, form); }
    static std::string csrf(const std::string& page)
    {
        std::smatch m;
        return std::regex_search(page, m, std::regex(R"(name="csrf" value="([0-9a-f]{64})\")")) ? m[1].str() : "";
    }
    static std::string rev(const std::string& page)
    {
        std::smatch m;
        return std::regex_search(page, m, std::regex(R"(name="rev" value="(\d+)\")")) ? m[1].str() : "";
    }
};

} // namespace

TEST_CASE("the unit head acknowledges, comments and closes an alert of their unit on the web report, every step kept", "[alerts][web]")
{
    test::TempDir dir;
    std::filesystem::create_directories(dir / "central" / "publish");
    std::ofstream(dir / "central" / "publish" / "roster.toml") << test::readFile(test::sourceDir() / "config" / "demo-roster.toml");
    std::ofstream(dir / "central.toml") << "[alerts]\nscan_seconds = 1\n";
    test::Central central(dir / "central", {"--config", (dir / "central.toml").string()});
    central.addUser("kepala", "sandi-kepala-123", "unit-head", "Bidang Perizinan Usaha");
    central.addUser("kepala2", "sandi-kepala-456", "unit-head", "Bidang Kependudukan");
    {
        // A rating with pungutan for Budi (Bidang Perizinan Usaha), written as an upload stores it.
        auto db = sql::sqlite(store::Database((dir / "central" / "central.db").string(), SQLITE_OPEN_READWRITE));
        db->exec("PRAGMA busy_timeout = 5000");
        const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        db->query("INSERT INTO devices (id, secret, added_at_ms) VALUES ('kiosk-w', '00', 0)");
        db->query("INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, reasons, comment, suppressed, "
                  "language, scope, received_at_ms) VALUES ($1, 'kiosk-w', 1, $2, 1, 'b', 'Loket 2', '198503302010011002', '[\"pungutan\"]', "
                  "'diminta uang <b>50 ribu</b>', 0, 'id', 'case', $2)",
                  {newId(now), now});
    }
    auto db = central.db();
    REQUIRE(within(30, [&] { return db->queryInt("SELECT count(*) FROM alerts") == 1; }));
    const std::string id = db->queryText("SELECT id FROM alerts");
    const std::string path = "/report/alerts/" + id;

    Browser other(central.url());
    REQUIRE(other.signIn("kepala2", "sandi-kepala-456"));
    auto r = other.get("/report/alerts");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK_THAT(r->body, !Catch::Contains(id));
    r = other.get(path);
    CHECK(r->status == 404); // another unit's alert: not theirs to read, nor to learn of

    Browser head(central.url());
    REQUIRE(head.signIn("kepala", "sandi-kepala-123"));
    r = head.get("/report/alerts");
    REQUIRE(r->status == 200);
    CHECK_THAT(r->body, Catch::Contains(id));
    CHECK_THAT(r->body, Catch::Contains("Ada pungutan tidak resmi"));
    r = head.get(path);
    REQUIRE(r->status == 200);
    CHECK_THAT(r->body, Catch::Contains("diminta uang &lt;b&gt;50 ribu&lt;/b&gt;")); // the citizen's comment, escaped
    const std::string token = Browser::csrf(r->body);
    REQUIRE(token.size() == 64);
    CHECK(Browser::rev(r->body) == "1");

    CHECK(head.post(path, {{"step", "acknowledge"}, {"rev", "1"}})->status == 403); // no form token
    CHECK(head.post(path, {{"csrf", token}, {"step", "acknowledge"}, {"rev", "1"}})->status == 303);
    r = head.post(path, {{"csrf", token}, {"step", "comment"}, {"rev", "2"}, {"note", "  "}});
    CHECK(r->status == 400);
    CHECK_THAT(r->body, Catch::Contains("Catatan kosong"));
    CHECK(head.post(path, {{"csrf", token}, {"step", "comment"}, {"rev", "2"}, {"note", "Diteruskan ke Inspektorat"}})->status == 303);
    r = head.post(path, {{"csrf", token}, {"step", "close"}, {"rev", "2"}, {"note", ""}});
    CHECK(r->status == 400); // a stale form: someone changed it meanwhile
    CHECK_THAT(r->body, Catch::Contains("diubah orang lain"));
    CHECK(head.post(path, {{"csrf", token}, {"step", "close"}, {"rev", "3"}, {"note", "Selesai"}})->status == 303);
    CHECK(other.post(path, {{"csrf", Browser::csrf(other.get("/report/unit/Bidang%20Kependudukan/tindak-lanjut")->body)}, {"step", "comment"}, {"rev", "4"}, {"note", "x"}})->status == 404); // another unit's: refused as none

    CHECK(db->queryText("SELECT status FROM alerts") == "ditutup");
    std::vector<std::string> steps;
    db->each("SELECT action || ':' || username FROM alert_events ORDER BY at_ms, id", {}, [&](const sql::Row& row) { steps.push_back(row.text(0)); });
    CHECK(steps == std::vector<std::string>{"raised:skm-central", "acknowledged:kepala", "commented:kepala", "closed:kepala"});
    r = head.get("/report/alerts");
    CHECK_THAT(r->body, !Catch::Contains(id)); // closed: listed only with ?closed=1
    r = head.get("/report/alerts?closed=1");
    CHECK_THAT(r->body, Catch::Contains(id));
}
