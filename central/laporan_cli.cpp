// The laporan's commands (`skm-central laporan`, `skm-central publish-ikm`; laporan.hpp).

#include "laporan.hpp"

#include <central/reports/officers.hpp>

#include <cctype>
#include <fstream>
#include <iostream>
#include <regex>
#include <vector>

namespace skm::central::laporan {

int runPublishIkm(CentralStore& store, const std::filesystem::path& dataDir, const CommandOptions& o)
{
    if (!o.device.empty() && !std::regex_match(o.device, std::regex("[A-Za-z0-9._-]{1,64}"))) {
        std::cerr << "skm-central: --device takes a device id\n";
        return 2;
    }
    if (!o.device.empty() && store.withDatabase([&](sql::Connection& db) { return db.queryInt("SELECT count(*) FROM devices WHERE id = $1", {o.device}); }) == 0) {
        std::cerr << "skm-central: no device '" << o.device << "' is registered (skm-central device add); nothing " << (o.withdraw ? "withdrawn" : "published") << '\n';
        return 2;
    }
    const std::filesystem::path dir = o.device.empty() ? dataDir / "publish" : dataDir / "publish" / "devices" / o.device;
    if (o.withdraw) {
        // Without --device: off every kiosk, the lines published for single devices too.
        std::vector<std::filesystem::path> lines = {dir / "ikm-line.toml"};
        std::error_code ec;
        if (o.device.empty()) {
            for (const auto& d : std::filesystem::directory_iterator(dataDir / "publish" / "devices", ec)) lines.push_back(d.path() / "ikm-line.toml");
        }
        int removed = 0;
        for (const auto& f : lines) removed += std::filesystem::remove(f, ec) ? 1 : 0;
        if (removed == 0) std::cout << "nothing was published; nothing to withdraw\n";
        else std::cout << "withdrawn: " << removed << " IKM line" << (removed > 1 ? "s" : "") << " (off the kiosks at their next sync)\n";
        return 0;
    }
    std::string why;
    const auto period = parsePeriod(o.period, &why);
    if (!period) {
        std::cerr << "skm-central: " << (o.period.empty() ? "--period is needed (or --withdraw)" : why) << '\n';
        return 2;
    }
    config::PublishedIkm line;
    try {
        line = store.readSnapshot([&](sql::Connection& reader) {
            return laporan::publishedIkm(reader, dataDir, o.unit, *period, publishedSurvey(dataDir));
        });
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const sql::Error*>(&e)) throw;
        std::cerr << "skm-central: " << e.what() << " (nothing published)\n";
        return 2;
    }
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "ikm-line.toml.part") << config::publishedIkmText(line);
    std::filesystem::rename(dir / "ikm-line.toml.part", dir / "ikm-line.toml");
    std::cout << "published: " << line.unit << ", " << line.periodId << ": " << config::formatNumber(line.ikm, 2, config::Lang::En) << " (" << line.mutu << ") in " << (dir / "ikm-line.toml").string() << '\n';
    return 0;
}

int runLaporan(CentralStore& store, const std::filesystem::path& dataDir, const CommandOptions& o, int64_t nowMs)
{
    std::string out = o.out;
    std::string why;
    const auto period = parsePeriod(o.period, &why);
    if (!period) {
        std::cerr << "skm-central: " << why << '\n';
        return 2;
    }
    const auto survey = publishedSurvey(dataDir);
    std::string html;
    try {
        html = store.readSnapshot([&](sql::Connection& reader) {
            const auto in = laporan::gather(reader, dataDir, o.unit, *period,
                                                          o.population >= 0 ? std::optional<int64_t>(o.population) : std::nullopt, nowMs, survey);
            return laporan::html(in);
        });
    } catch (const laporan::TemplateError& e) {
        std::cerr << "skm-central: the laporan template: " << e.what() << " (nothing written)\n";
        return 2;
    } catch (const std::runtime_error& e) {
        if (std::string(e.what()).rfind("no unit ", 0) != 0) throw;
        std::cerr << "skm-central: " << e.what() << '\n';
        return 2;
    }
    if (out.empty()) {
        std::string slug = o.unit.empty() ? "kantor" : o.unit;
        for (char& c : slug) c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '-';
        std::string p = o.period.substr(o.period.find(':') + 1);
        for (char& c : p) c = std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
        out = "laporan-skm-" + slug + "-" + p + "." + o.format;
    }
    if (o.format == "html") {
        const std::string part = out + ".part";
        std::ofstream f(part, std::ios::binary | std::ios::trunc);
        f << html;
        f.close();
        if (!f) {
            std::cerr << "skm-central: cannot write " << out << '\n';
            return 1;
        }
        std::filesystem::rename(part, out);
    } else {
        laporan::printPdf(html, out);
    }
    std::cout << out << '\n';
    return 0;
}

} // namespace skm::central::laporan
