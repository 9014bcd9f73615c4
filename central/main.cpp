// skm-central: the central office service. One file of about 530 lines: every command's options and its dispatch,
// read together (each command's work lives in its own file).
//
//   skm-central serve --listen HOST:PORT --data-dir DIR [--database postgresql://USER@HOST/DB] [--config FILE]
//   (every command that touches the records takes --data-dir, --database and --config)
//   skm-central device add ID --out FILE --url URL [--data-dir DIR]
//   skm-central report --data-dir DIR [--period P] [--format json|table|csv]
//   skm-central user add NAME [--role admin|unit-head] [--unit UNIT]   (password on stdin)
//   skm-central backup --out FILE [--data-dir DIR]   /   restore --from FILE [--data-dir DIR] [--force]
//   skm-central comments --data-dir DIR [--period P] [--officer NIP] [--unit U] [--search TEXT] [--format table|json]
//   skm-central import FILE [--data-dir DIR]   (a kiosk's USB export, docs/export-format.md)
//   skm-central migrate --from DATA_DIR --to postgresql://USER@HOST/DB
//   skm-central laporan [--unit UNIT] --period 2026-S1 --format pdf|html [--out FILE] [--population N]
//   skm-central publish-ikm [--unit UNIT] --period 2026-S1 [--device ID] | --withdraw [--device ID]
//   skm-central poster-qr --unit UNIT [--service CODE] [--days N] --url URL --out FILE.svg|FILE.png
//   skm-central complaint-ref CODE [--format table|json]   (the rating behind a complaint's SKM-XXXX-XXXX)

#include "accounts.hpp"
#include "complaint_ref_cli.hpp"
#include "import.hpp"
#include "laporan.hpp"
#include "migrate.hpp"
#include "poster.hpp"
#include "publish.hpp"
#include "server.hpp"

#include <central/alerts/alert_config.hpp>
#include <central/rollups/rollups.hpp>
#include <central/reports/listings.hpp>
#include <central/reports/office_report.hpp>
#include <central/reports/score_formats.hpp>
#include <central/reports/scores.hpp>
#include <central/reports/survey_ikm.hpp>
#include <central/reports/survey_details.hpp>
#include <central/store/central_store.hpp>
#include <central/store/records.hpp>

#include <core/clock.hpp>
#include <core/protocol.hpp>

#include <core/cli.hpp>
#include <core/pg.hpp>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <ctime>
#include <limits>
#include <optional>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

constexpr const char* kDefaultConfig = "/etc/skm-central/central.toml";

// Where the records are: --database, else the config file's `database`, else SQLite in --data-dir.
// The config file named by --config must exist and parse; the default one is read when present.
std::optional<skm::central::StoreLocation> storeLocation(const std::string& dataDir, const std::string& databaseFlag, const std::string& reportFlag,
                                                         const std::string& configFlag, std::string* why)
{
    skm::central::StoreLocation where{dataDir, databaseFlag, reportFlag};
    const std::string config = configFlag.empty() ? kDefaultConfig : configFlag;
    std::error_code ec;
    if (!configFlag.empty() && !std::filesystem::exists(config, ec)) {
        *why = config + ": no such file (--config)";
        return std::nullopt;
    }
    if (std::filesystem::exists(config, ec)) {
        try {
            const toml::table t = toml::parse_file(config);
            for (const auto& [key, value] : t) {
                if (key == "alerts") continue; // [alerts]: readAlerts
                if (key != "database" && key != "report_database") {
                    *why = config + ": unknown key '" + std::string(key.str()) + "' (known: database, report_database, [alerts])";
                    return std::nullopt;
                }
                if (!value.is_string()) {
                    *why = config + ": " + std::string(key.str()) + " must be a string, postgresql://USER@HOST/DB";
                    return std::nullopt;
                }
            }
            if (where.databaseUrl.empty()) where.databaseUrl = t["database"].value_or(std::string());
            if (where.reportDatabaseUrl.empty()) where.reportDatabaseUrl = t["report_database"].value_or(std::string());
        } catch (const toml::parse_error& e) {
            *why = config + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
            return std::nullopt;
        }
    }
    if (where.postgres() && !skm::pg::isPostgresUrl(where.databaseUrl)) {
        *why = "--database takes postgresql://USER@HOST/DB (got " + skm::pg::redactUrl(where.databaseUrl) + ")";
        return std::nullopt;
    }
    if (!where.reportDatabaseUrl.empty() && (!where.postgres() || !skm::pg::isPostgresUrl(where.reportDatabaseUrl))) {
        *why = "--report-database takes postgresql://USER@HOST/DB, with --database (a hot standby of it)";
        return std::nullopt;
    }
    if (skm::pg::redactUrl(databaseFlag) != databaseFlag || skm::pg::redactUrl(reportFlag) != reportFlag) {
        spdlog::warn("a password on the command line is visible to every user of this machine (ps): put it in ~/.pgpass or in {}", config);
    }
    return where;
}

} // namespace

int main(int argc, char** argv)
{
    auto logger = spdlog::stderr_color_mt("skm-central");
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
    spdlog::set_default_logger(logger);

    CLI::App app{"skm-central: the central office service for SKM kiosks."};
    app.require_subcommand(1);
    std::string dataDir = "skm-central-data", listen = "127.0.0.1:8443", deviceId, out, url, format = "json";
    std::string databaseUrl, reportDatabaseUrl, configFile;
    // Every command that touches the records takes the same three: where the records are kept.
    auto storeOptions = [&](CLI::App* cmd) {
        cmd->add_option("--data-dir", dataDir, "data directory: central.db (SQLite), and on both engines the published configuration");
        cmd->add_option("--database", databaseUrl,
                        "postgresql://USER@HOST[:PORT]/DB: keep the records in PostgreSQL instead of --data-dir's central.db "
                        "(its password in ~/.pgpass or the config file, never here: a command line is visible to every user)");
        cmd->add_option("--report-database", reportDatabaseUrl,
                        "postgresql://...: read the reports from here, e.g. a hot standby of --database (default: --database itself)");
        cmd->add_option("--config", configFile, "TOML file with database = \"postgresql://...\" (default: " + std::string(kDefaultConfig) + " if it exists)");
    };

    CLI::App* serveCmd = app.add_subcommand("serve", "receive uploads from kiosks");
    serveCmd->add_option("--listen", listen, "HOST:PORT to listen on (PORT 0: any free port)");
    storeOptions(serveCmd);
    std::string tlsCert, tlsKey, caFile, pin;
    serveCmd->add_option("--tls-cert", tlsCert, "PEM certificate (chain): serve HTTPS")->check(CLI::ExistingFile);
    serveCmd->add_option("--tls-key", tlsKey, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
    std::vector<std::string> trustedProxies;
    serveCmd->add_option("--trusted-proxy", trustedProxies,
                         "a reverse proxy's address (as this server sees it) whose X-Forwarded-For names the client, for the phone "
                         "questionnaire's per-address limits (repeatable)");

    CLI::App* device = app.add_subcommand("device", "register kiosks");
    device->require_subcommand(1);
    CLI::App* deviceAdd = device->add_subcommand("add", "register a kiosk and write its provisioning file");
    deviceAdd->add_option("ID", deviceId, "device id: 1-64 of A-Z a-z 0-9 . _ -, not starting with . or -")->required();
    deviceAdd->add_option("--out", out, "provisioning file to write (install it with: skm-kiosk provision FILE)")->required();
    deviceAdd->add_option("--url", url, "the central office's URL as the kiosk reaches it, e.g. http://10.0.0.5:8443")->required();
    storeOptions(deviceAdd);
    deviceAdd->add_option("--ca", caFile, "PEM CA certificate the kiosk verifies the central office with (https URLs)")->check(CLI::ExistingFile);
    deviceAdd->add_option("--pin", pin, "optional public-key pin for libcurl, e.g. sha256//BASE64");
    int64_t maxUploadRate = 0;
    deviceAdd->add_option("--max-upload-rate", maxUploadRate, "cap the kiosk's uploads at this many bytes per second (a thin shared link)")
        ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));

    CLI::App* posterCmd = app.add_subcommand("poster-qr", "a unit's poster: a QR code to the phone questionnaire not tied to a case (its answers "
                                                         "are kept apart, unverified), as an A4 SVG to print or a PNG of the code");
    storeOptions(posterCmd);
    skm::central::PosterRequest posterRequest;
    std::string posterOut;
    int posterScale = 10;
    posterCmd->add_option("--unit", posterRequest.unit, "the unit, as the published roster names it")->required();
    posterCmd->add_option("--service", posterRequest.serviceCode, "one service of the catalogue (default: none, the citizen's answers name none)");
    posterCmd->add_option("--days", posterRequest.days, "how long the code stays valid (default 365)")->check(CLI::Range(1, 3650));
    posterCmd->add_option("--url", posterRequest.baseUrl, "the central office as citizens' phones reach it, e.g. https://skm.kota.go.id")->required();
    posterCmd->add_option("--out", posterOut, "the file to write: .svg (an A4 poster) or .png (the code alone)")->required();
    posterCmd->add_option("--scale", posterScale, "PNG: pixels a module (default 10)")->check(CLI::Range(2, 40));

    CLI::App* report = app.add_subcommand("report", "ratings received per device, the chain checks, and the IKM from surveys");
    storeOptions(report);
    std::string from, to;
    report->add_option("--from", from, "first day of the period, YYYY-MM-DD (local time; default: no limit)");
    report->add_option("--to", to, "last day of the period, YYYY-MM-DD, inclusive (default: no limit)");
    report->add_option("--format", format,
                       "json (everything), table (scores for a terminal), csv (the e-Kinerja evidence: one row per officer) or ikm-csv (the IKM's "
                       "processed data: NRR and NRR tertimbang per group and unsur)")
        ->check(CLI::IsMember({"json", "table", "csv", "ikm-csv"}));
    std::string periodText;
    report->add_option("--period", periodText, "day:YYYY-MM-DD, month:YYYY-MM, quarter:YYYY-Qn, year:YYYY or YYYY-MM-DD..YYYY-MM-DD (local time)");

    CLI::App* laporanCmd = app.add_subcommand("laporan", "the laporan SKM of a unit (or the office) for a period, in the structure of Permen PANRB 14/2017, "
                                                          "as PDF (through headless Chromium) or HTML");
    storeOptions(laporanCmd);
    std::string laporanUnit, laporanPeriod, laporanFormat = "pdf", laporanOut;
    int64_t laporanPopulation = -1;
    laporanCmd->add_option("--unit", laporanUnit, "the unit, as the published roster names it (default: the whole office)");
    laporanCmd->add_option("--period", laporanPeriod, "2026-S1 (a semester), 2026 (a year), 2026-Q1, 2026-11, or any form report takes")->required();
    laporanCmd->add_option("--format", laporanFormat, "pdf (default) or html")->check(CLI::IsMember({"pdf", "html"}));
    laporanCmd->add_option("--out", laporanOut, "the file to write (default: laporan-skm-UNIT-PERIOD.pdf|html here)");
    laporanCmd->add_option("--population", laporanPopulation, "the period's service users as the unit counted them (default: the cases logged)")
        ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));

    CLI::App* publishIkmCmd = app.add_subcommand("publish-ikm", "publish a unit's (or the office's) IKM for a period to the kiosks' attract screens "
                                                                "(publish/ikm-line.toml, delivered at their next sync), or --withdraw it");
    storeOptions(publishIkmCmd);
    std::string publishDevice;
    bool publishWithdraw = false;
    publishIkmCmd->add_option("--unit", laporanUnit, "the unit, as the published roster names it (default: the whole office)");
    publishIkmCmd->add_option("--period", laporanPeriod, "the period, e.g. 2026-S1");
    publishIkmCmd->add_option("--device", publishDevice, "for this kiosk only (publish/devices/ID/)");
    publishIkmCmd->add_flag("--withdraw", publishWithdraw, "take the line off the kiosks (at their next sync)");

    CLI::App* userCmd = app.add_subcommand("user", "accounts that may read the reports");
    userCmd->require_subcommand(1);
    CLI::App* userAdd = userCmd->add_subcommand("add", "add an account; the password is read from standard input (one line, at least 10 characters)");
    std::string userName, role = "admin", unit;
    userAdd->add_option("NAME", userName, "user name")->required();
    userAdd->add_option("--role", role, "admin (everything) or unit-head (one unit)")->check(CLI::IsMember({"admin", "unit-head"}));
    userAdd->add_option("--unit", unit, "a unit head's unit, as named in the roster");
    storeOptions(userAdd);

    CLI::App* userLink = userCmd->add_subcommand("link", "print a one-time sign-in link for an account (valid 10 minutes, single use)");
    userLink->add_option("NAME", userName, "user name")->required();
    storeOptions(userLink);

    CLI::App* backupCmd = app.add_subcommand("backup", "write a consistent copy of central.db while the service runs (SQLite VACUUM INTO)");
    std::string backupOut;
    storeOptions(backupCmd);
    backupCmd->add_option("--out", backupOut, "the backup file to write (must not exist)")->required();
    CLI::App* restoreCmd = app.add_subcommand("restore", "make a backup the central.db of a data directory (with the service stopped)");
    std::string restoreFrom;
    bool restoreForce = false;
    restoreCmd->add_option("--from", restoreFrom, "a file written by skm-central backup")->required()->check(CLI::ExistingFile);
    restoreCmd->add_option("--data-dir", dataDir, "data directory");
    restoreCmd->add_flag("--force", restoreForce, "replace an existing central.db (it is kept as central.db.before-restore)");
    restoreCmd->add_option("--config", configFile, "TOML file of the service (default: " + std::string(kDefaultConfig) +
                                                       " if it exists): an office whose records are in PostgreSQL is refused (use pg_restore)");

    CLI::App* commentsCmd = app.add_subcommand("comments", "the citizens' comments with their ratings, newest first, searchable");
    storeOptions(commentsCmd);
    std::string commentPeriod, commentOfficer, commentUnit, commentSearch, commentFormat = "table";
    commentsCmd->add_option("--period", commentPeriod, "as for report (default: everything)");
    commentsCmd->add_option("--officer", commentOfficer, "only this officer's (NIP)");
    commentsCmd->add_option("--unit", commentUnit, "only this unit's");
    commentsCmd->add_option("--search", commentSearch, "only comments containing this text (any case)");
    commentsCmd->add_option("--format", commentFormat, "table or json")->check(CLI::IsMember({"table", "json"}));

    CLI::App* complaintRefCmd = app.add_subcommand("complaint-ref", "the rating a complaint's reference code (SKM-XXXX-XXXX, shown by the kiosk "
                                                                    "with the SP4N-LAPOR! code) came from: time, device, counter, officer, reasons, comment");
    std::string complaintRef, complaintFormat = "table";
    complaintRefCmd->add_option("CODE", complaintRef, "the reference code as the citizen quoted it (any case; O for 0, I or L for 1)")->required();
    complaintRefCmd->add_option("--format", complaintFormat, "table or json")->check(CLI::IsMember({"table", "json"}));
    storeOptions(complaintRefCmd);

    CLI::App* importCmd = app.add_subcommand("import", "apply a kiosk's USB export (skm-kiosk export): its signature checked against the registered "
                                                       "device's secret, its records stored as an upload's (one already here is a duplicate). "
                                                       "Exit 0 all accepted, 3 some records rejected, 1 the file refused (nothing stored)");
    std::string importFile;
    importCmd->add_option("FILE", importFile, "the export file, skm-export-DEVICE-TIME.jsonl")->required()->check(CLI::ExistingFile);
    storeOptions(importCmd);

    CLI::App* migrateCmd = app.add_subcommand("migrate", "move an office's records from SQLite (central.db) to PostgreSQL, compared before it commits");
    std::string migrateFrom, migrateTo;
    migrateCmd->add_option("--from", migrateFrom, "the data directory holding central.db (stop the service first)")->required()->check(CLI::ExistingDirectory);
    migrateCmd->add_option("--to", migrateTo, "postgresql://USER@HOST/DB: empty, or holding an earlier run of this same migration")->required();

    CLI::App* rollupsCmd = app.add_subcommand("rollups", "the daily rollups the reports read: verify compares them (and each rating's chain state) "
                                                         "with a recomputation from the records (exit 1 if any differ); rebuild recomputes them (uploads wait)");
    std::string rollupsAction;
    rollupsCmd->add_option("ACTION", rollupsAction, "verify or rebuild")->required()->check(CLI::IsMember({"verify", "rebuild"}));
    storeOptions(rollupsCmd);

    if (const auto stop = skm::cli::parse(app, argc, argv, "skm-central", &skm::pg::redactUrl)) return *stop;
    // Parsed (CLI11 keeps its own copies): a database password given on the command line is blanked
    // where `ps` reads it, for the rest of the process's life.
    for (int i = 1; i < argc; ++i) skm::pg::maskPasswordInPlace(argv[i]);
    if (*migrateCmd) return skm::central::runMigrate(migrateFrom, migrateTo);

    std::string why;
    const auto found = storeLocation(dataDir, databaseUrl, reportDatabaseUrl, configFile, &why);
    if (!found) {
        std::cerr << "skm-central: " << why << '\n';
        return 2;
    }
    const skm::central::StoreLocation where = *found;
    if (*importCmd) return skm::central::runImport(importFile, where, nowMs());

    if (*restoreCmd) {
        // A backup is a central.db: an office on PostgreSQL restores with pg_restore, and its unused
        // central.db is not to be replaced as though that were done.
        if (where.postgres()) {
            std::cerr << "skm-central: this office keeps its records in " << where.name()
                      << " (from --config or " << kDefaultConfig << "); restore writes a central.db: use pg_restore (docs/operations.md, Backups)\n";
            return 1;
        }
        return skm::central::restoreBackup(restoreFrom, dataDir, restoreForce);
    }
    if (*deviceAdd) {
        // Before anything is created: the id names a directory (publish/devices/ID/) and travels in headers.
        if (const std::string why = skm::central::deviceIdProblem(deviceId); !why.empty()) {
            std::cerr << "skm-central: " << why << '\n';
            return 2;
        }
    }
    if (*posterCmd && !where.postgres() && !std::filesystem::exists(std::filesystem::path(dataDir) / "central.db")) {
        // (Its key lives in the office's records: a poster made against a new, empty store could never be answered.)
        std::cerr << "skm-central: no central.db in " << dataDir << ": is --data-dir the central office's (the one skm-central serve uses)?\n";
        return 2;
    }
    if ((*rollupsCmd || *complaintRefCmd) && !where.postgres() && !std::filesystem::exists(std::filesystem::path(dataDir) / "central.db")) {
        std::cerr << "skm-central: no central.db in " << dataDir << ": nothing to " << (*rollupsCmd ? rollupsAction : std::string("look up")) << " (is --data-dir right?)\n";
        return 2;
    }
    // serve's [alerts] are read before the store is opened: a refused table changes nothing (no new
    // central.db, no migration), as a refused --listen does not.
    skm::central::alerts::AlertConfig alertConfig;
    if (*serveCmd) {
        try {
            alertConfig = skm::central::alerts::loadAlertConfigFile(configFile.empty() ? kDefaultConfig : configFile);
        } catch (const std::exception& e) {
            std::cerr << "skm-central: " << e.what() << '\n';
            return 2;
        }
    }
    try {
        skm::central::CentralStore store(where);
        if (*rollupsCmd) return skm::central::rollup::runCommand(store.connection(), rollupsAction);
        if (*complaintRefCmd) return skm::central::runComplaintRef(store, dataDir, complaintRef, complaintFormat);
        if (*backupCmd) {
            if (std::filesystem::exists(backupOut)) {
                std::cerr << "skm-central: " << backupOut << " exists; choose a new file\n";
                return 2;
            }
            store.backupTo(backupOut);
            std::cout << "backup of " << (std::filesystem::path(dataDir) / "central.db").string() << " written to " << backupOut << '\n';
            return 0;
        }
        if (*serveCmd) {
            std::smatch m;
            if (listen.size() > 300 || !std::regex_match(listen, m, std::regex(R"(([^:]+):(\d{1,5}))"))) { // (bounded first: std::regex recurses per character)
                std::cerr << "skm-central: --listen takes HOST:PORT (got '" << listen.substr(0, 300) << "')\n";
                return 2;
            }
            skm::central::ServeOptions o;
            o.host = m[1];
            o.port = std::stoi(m[2]);
            if (tlsCert.empty() != tlsKey.empty()) {
                std::cerr << "skm-central: --tls-cert and --tls-key go together\n";
                return 2;
            }
            o.tlsCert = tlsCert;
            o.tlsKey = tlsKey;
            o.dataDir = dataDir;
            o.trustedProxies = trustedProxies;
            o.alerts = std::move(alertConfig);
            if (const auto pub = skm::central::loadPublished(dataDir, ""); !pub.error.empty()) {
                spdlog::error("the published configuration is refused and will not be served until fixed: {}", pub.error);
            }
            return skm::central::serve(store, o);
        }
        if (*deviceAdd) {
            if (url.size() > 2048 || !std::regex_match(url, std::regex(R"(https?://[^\s/]+(:\d+)?/?)"))) {
                std::cerr << "skm-central: --url takes http://HOST:PORT or https://HOST:PORT (got '" << url.substr(0, 300) << "')\n";
                return 2;
            }
            const std::string secret = skm::protocol::newSecret();
            store.addDevice(deviceId, secret, nowMs());
            nlohmann::json file = {{"protocol", skm::protocol::kVersion}, {"central_url", url}, {"device_id", deviceId}, {"secret", secret}};
            if (!caFile.empty()) {
                std::ifstream ca(caFile);
                std::ostringstream pem;
                pem << ca.rdbuf();
                file["ca_pem"] = pem.str();
            }
            if (!pin.empty()) file["pinned_key"] = pin;
            if (maxUploadRate > 0) file["max_upload_bytes_per_second"] = maxUploadRate;
            const mode_t old = umask(077); // the secret is for the device only
            std::ofstream f(out, std::ios::trunc);
            umask(old);
            f << file.dump(2) << '\n';
            if (!f) {
                std::cerr << "skm-central: cannot write " << out << '\n';
                return 1;
            }
            std::cout << "device " << deviceId << " registered; provisioning file " << out << '\n';
            return 0;
        }
        if (*posterCmd) {
            const std::string ext = std::filesystem::path(posterOut).extension().string();
            if (ext != ".svg" && ext != ".png") {
                std::cerr << "skm-central: --out takes a .svg (the A4 poster) or a .png (the code alone) file (got '" << posterOut << "')\n";
                return 2;
            }
            skm::central::Poster poster;
            try {
                poster = skm::central::makePoster(store, dataDir, posterRequest, nowMs());
            } catch (const skm::central::PosterError& e) {
                std::cerr << "skm-central: " << e.what() << "\n";
                return 2;
            }
            std::ofstream f(posterOut, std::ios::binary | std::ios::trunc);
            f << (ext == ".svg" ? skm::central::posterSvg(poster) : skm::central::posterPng(poster, posterScale));
            if (!f.flush()) {
                std::cerr << "skm-central: cannot write " << posterOut << '\n';
                return 1;
            }
            std::cout << "poster for " << posterRequest.unit << " written to " << posterOut << "; its link, valid until "
                      << skm::store::isoUtc(poster.link.expiresS * 1000) << ":\n" << poster.url << '\n';
            return 0;
        }
        if (*userAdd) {
            std::string password;
            std::getline(std::cin, password);
            if (!password.empty() && password.back() == '\r') password.pop_back();
            try {
                skm::central::addUser(store.connection(), userName, password, role == "unit-head" ? "unit_head" : "admin", unit, nowMs());
            } catch (const skm::central::AccountError& e) {
                std::cerr << "skm-central: " << e.what() << '\n';
                return 2;
            }
            std::cout << "user " << userName << " added (" << role << (unit.empty() ? "" : ", " + unit) << ")\n";
            return 0;
        }
        if (*userLink) {
            try {
                std::cout << "/login/link?token=" << skm::central::makeSigninLink(store.connection(), userName, nowMs()) << '\n';
            } catch (const skm::central::AccountError& e) {
                std::cerr << "skm-central: " << e.what() << '\n';
                return 2;
            }
            return 0;
        }
        if (*publishIkmCmd) return skm::central::laporan::runPublishIkm(store, dataDir, {laporanUnit, laporanPeriod, "", "", -1, publishDevice, publishWithdraw});
        if (*laporanCmd) return skm::central::laporan::runLaporan(store, dataDir, {laporanUnit, laporanPeriod, laporanFormat, laporanOut, laporanPopulation, "", false}, nowMs());
        if (*commentsCmd) {
            skm::central::Period period{0, std::numeric_limits<int64_t>::max(), "all"};
            if (!commentPeriod.empty()) {
                std::string why;
                const auto p = skm::central::parsePeriod(commentPeriod, &why);
                if (!p) {
                    std::cerr << "skm-central: " << why << '\n';
                    return 2;
                }
                period = *p;
            }
            const auto list = store.readSnapshot([&](skm::sql::Connection& reader) {
                return skm::central::listComments(reader, period, skm::central::publishedOfficers(dataDir), {commentOfficer, commentUnit, commentSearch, 500});
            });
            if (commentFormat == "json") {
                std::cout << list.dump() << '\n';
                return 0;
            }
            for (const auto& c : list) {
                std::string reasons;
                if (c["reasons"].is_array()) {
                    for (const auto& r : c["reasons"]) reasons += (reasons.empty() ? "" : ",") + r.get<std::string>();
                }
                std::cout << c["at"].get<std::string>() << "  " << c["counter"].get<std::string>() << "  "
                          << (c["officer_name"].is_null() ? std::string("(tanpa petugas)") : c["officer_name"].get<std::string>()) << "  [" << c["score"]
                          << "] " << reasons << "  \"" << c["comment"].get<std::string>() << "\"\n";
            }
            return 0;
        }
        if (*report) {
            int64_t fromMs = 0, toMs = std::numeric_limits<int64_t>::max();
            if (!from.empty()) {
                const auto d = skm::central::localDay(from);
                if (!d) {
                    std::cerr << "skm-central: --from takes a day, YYYY-MM-DD (got '" << from << "')\n";
                    return 2;
                }
                fromMs = d->first;
            }
            if (!to.empty()) {
                const auto d = skm::central::localDay(to);
                if (!d) {
                    std::cerr << "skm-central: --to takes a day, YYYY-MM-DD (got '" << to << "')\n";
                    return 2;
                }
                toMs = d->second; // the whole last day
            }
            skm::central::Period period{fromMs, toMs, from.empty() && to.empty() ? "all" : (from.empty() ? "..." : from) + ".." + (to.empty() ? "" : to)};
            if (!periodText.empty()) {
                if (!from.empty() || !to.empty()) {
                    std::cerr << "skm-central: --period or --from/--to, not both\n";
                    return 2;
                }
                std::string why;
                const auto p = skm::central::parsePeriod(periodText, &why);
                if (!p) {
                    std::cerr << "skm-central: " << why << '\n';
                    return 2;
                }
                period = *p;
            }
            // One read transaction: every figure of the report from the same snapshot, uploads going on.
            const auto officers = skm::central::publishedOfficers(dataDir);
            const auto survey = skm::central::publishedSurvey(dataDir);
            std::cout << store.readSnapshot([&](skm::sql::Connection& reader) -> std::string {
                skm::central::ChainChecks chains(reader); // each device's checked once for the whole report
                const auto scores = skm::central::computeScores(reader, period, officers, chains, survey.weighting);
                if (format == "csv") return skm::central::scoresCsv(scores);
                if (format == "ikm-csv") return skm::central::ikmCsv(scores);
                if (format == "table") return skm::central::scoresTable(scores);
                nlohmann::json out = skm::central::officeReport(reader, chains);
                out["ikm"] = skm::central::surveyIkmJson(scores, skm::central::incompleteResponses(reader, period.fromMs, period.toMs));
                if (!from.empty()) out["ikm"]["from"] = from;
                if (!to.empty()) out["ikm"]["to"] = to;
                const nlohmann::json details = skm::central::surveyDetailsJson(skm::central::readSurveyDetails(reader, period, officers, survey, "", 1000));
                out["ikm"]["profile"] = details["profile"];
                out["ikm"]["saran_total"] = details["saran_total"];
                out["ikm"]["saran"] = details["saran"];
                out["scores"] = skm::central::scoresJson(scores);
                return out.dump() + '\n';
            });
            return 0;
        }
    } catch (const std::exception& e) {
        std::cerr << "skm-central: " << e.what() << '\n';
        return 1;
    }
    return 2;
}
