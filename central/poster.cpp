#include "poster.hpp"

#include <core/text_controls.hpp>

#include "html_report.hpp"

#include <central/store/records.hpp>
#include <core/roster.hpp>
#include <core/uuid.hpp>

#include <zlib.h>

#include <algorithm>
#include <ctime>
#include <regex>
#include <set>

namespace skm::central {

namespace {

std::string dateOf(int64_t seconds)
{
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%d-%m-%Y", &tm);
    return buf;
}

void putU32(std::string& out, uint32_t v)
{
    for (int i = 3; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void pngChunk(std::string& out, const char* type, const std::string& data)
{
    putU32(out, static_cast<uint32_t>(data.size()));
    const std::string body = std::string(type, 4) + data;
    out += body;
    putU32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

} // namespace

Poster makePoster(CentralStore& store, const std::filesystem::path& dataDir, const PosterRequest& r, int64_t nowMs)
{
    if (r.unit.empty() || r.unit.size() > 120) throw PosterError("--unit takes the unit's name as the roster writes it (1 to 120 bytes)");
    if (text::hasControl(r.unit)) {
        throw PosterError("the unit's name holds a control or bidirectional character, which would print and be stored other than it reads: "
                          "correct it in the roster first");
    }
    if (r.days < 1 || r.days > 3650) throw PosterError("--days takes 1 to 3650");
    std::smatch m;
    if (r.baseUrl.size() > 2048 || !std::regex_match(r.baseUrl, m, std::regex(R"(https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:(\d{1,5}))?/?)")) ||
        (m[3].matched && std::stoi(m[3]) > 65535)) {
        throw PosterError("--url takes the central office as phones reach it, http://HOST:PORT or https://HOST (got '" + r.baseUrl.substr(0, 300) + "')");
    }
    Poster p;
    // The unit and the service as the published roster knows them: a typo would print a poster whose
    // responses count for no unit.
    const std::filesystem::path rosterPath = dataDir / "publish" / "roster.toml";
    if (!std::filesystem::exists(rosterPath)) {
        throw PosterError("no published roster at " + rosterPath.string() + " to check the unit against: is --data-dir the central office's?");
    }
    {
        const roster::Roster roster = roster::loadRosterFile(rosterPath.string());
        std::set<std::string> units;
        for (const roster::Officer& o : roster.officers) units.insert(o.unit);
        if (!units.count(r.unit)) {
            std::string known;
            for (const std::string& u : units) known += (known.empty() ? "" : ", ") + ("'" + u + "'");
            throw PosterError("unit '" + r.unit + "' is not in the published roster (" + rosterPath.string() + "); its units: " + known);
        }
        if (!r.serviceCode.empty()) {
            for (const roster::Service& s : roster.services) {
                if (s.code == r.serviceCode) p.serviceName = s.nameId;
            }
            if (p.serviceName.empty()) throw PosterError("service '" + r.serviceCode + "' is not in the published roster's catalogue");
        }
    }
    p.link.kind = phone::Kind::Poster;
    p.link.ref = store::UuidV7Generator().next(nowMs).str(); // names the poster (in the log of its responses)
    p.link.expiresS = nowMs / 1000 + int64_t{r.days} * 86400;
    p.link.serviceCode = r.serviceCode;
    p.link.counter = r.unit;
    p.link.deviceId = kPosterDevice;
    std::string base = r.baseUrl;
    while (!base.empty() && base.back() == '/') base.pop_back();
    try {
        p.url = base + "/m/" + phone::encode(p.link, store.posterSecret(nowMs));
    } catch (const std::invalid_argument& e) {
        throw PosterError(e.what());
    }
    p.code = qr::encode(p.url);
    if (p.code.modules == 0) throw PosterError("the link is too long for a QR code: " + p.url);
    return p;
}

std::string posterSvg(const Poster& p)
{
    // A4 in millimetres; the code 120 mm wide with its quiet zone, its modules one path.
    const int total = p.code.modules + 8;
    const double side = 120.0, module = side / total, left = (210.0 - side) / 2, top = 78.0;
    std::string path;
    for (int y = 0; y < p.code.modules; ++y) {
        for (int x = 0; x < p.code.modules; ++x) {
            if (!p.code.at(x, y)) continue;
            path += "M" + std::to_string(x + 4) + " " + std::to_string(y + 4) + "h1v1h-1z";
        }
    }
    const std::string unit = html::escape(p.link.counter);
    const std::string service = p.serviceName.empty() ? "" : html::escape(p.serviceName);
    std::string svg = R"(<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297" font-family="Noto Sans, DejaVu Sans, sans-serif">
<rect width="210" height="297" fill="#ffffff"/>
<text x="105" y="30" text-anchor="middle" font-size="11" font-weight="bold" fill="#1f2933">Survei Kepuasan Masyarakat</text>
<text x="105" y="42" text-anchor="middle" font-size="6" fill="#52606d">Public Satisfaction Survey</text>
)";
    // A long name in a smaller size: at most 0.72 em a character (bold capitals), within 190 mm.
    const auto fitted = [](const std::string& text, double size) {
        size_t chars = 0;
        for (const char c : text) chars += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
        return std::to_string(std::min(size, 190.0 / (0.72 * static_cast<double>(std::max<size_t>(chars, 1)))));
    };
    svg += R"(<text x="105" y="58" text-anchor="middle" font-size=")" + fitted(p.link.counter, 8) + R"(" font-weight="bold" fill="#1f2933">)" + unit +
           "</text>\n";
    if (!service.empty()) {
        svg += R"(<text x="105" y="68" text-anchor="middle" font-size=")" + fitted(p.serviceName, 6) + R"(" fill="#1f2933">)" + service + "</text>\n";
    }
    char transform[96];
    std::snprintf(transform, sizeof transform, "translate(%.3f %.3f) scale(%.5f)", left, top, module);
    svg += std::string("<g transform=\"") + transform + "\"><rect width=\"" + std::to_string(total) + "\" height=\"" + std::to_string(total) +
           "\" fill=\"#ffffff\"/><path fill=\"#000000\" shape-rendering=\"crispEdges\" d=\"" + path + "\"/></g>\n";
    svg += R"(<text x="105" y="212" text-anchor="middle" font-size="7" fill="#1f2933">Pindai kode ini dengan kamera ponsel Anda</text>
<text x="105" y="221" text-anchor="middle" font-size="7" fill="#1f2933">untuk mengisi survei.</text>
<text x="105" y="229" text-anchor="middle" font-size="5" fill="#52606d">Scan this code with your phone's camera to answer the survey.</text>
<text x="105" y="243" text-anchor="middle" font-size="4.5" fill="#52606d">Jawaban lewat poster dicatat terpisah dari penilaian di loket (belum terverifikasi).</text>
<text x="105" y="249" text-anchor="middle" font-size="4" fill="#52606d">Answers through a poster are counted apart from those given at a counter (unverified).</text>
<text x="105" y="262" text-anchor="middle" font-size="4.5" fill="#1f2933">Berlaku sampai / valid until )" +
           dateOf(p.link.expiresS) + "</text>\n</svg>\n";
    return svg;
}

std::string posterPng(const Poster& p, int pixelsPerModule)
{
    const int total = p.code.modules + 8;
    const uint32_t w = static_cast<uint32_t>(total * pixelsPerModule);
    std::string raw;
    raw.reserve(static_cast<size_t>(w + 1) * w);
    for (uint32_t y = 0; y < w; ++y) {
        raw += '\0'; // filter: none
        const int my = static_cast<int>(y) / pixelsPerModule - 4;
        for (uint32_t x = 0; x < w; ++x) {
            const int mx = static_cast<int>(x) / pixelsPerModule - 4;
            const bool dark = mx >= 0 && my >= 0 && mx < p.code.modules && my < p.code.modules && p.code.at(mx, my);
            raw += static_cast<char>(dark ? 0x00 : 0xff);
        }
    }
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()), 9) != Z_OK) {
        throw PosterError("cannot compress the PNG");
    }
    packed.resize(size);
    std::string png = "\x89PNG\r\n\x1a\n";
    std::string ihdr;
    putU32(ihdr, w);
    putU32(ihdr, w);
    ihdr += std::string("\x08\x00\x00\x00\x00", 5); // 8-bit greyscale, deflate, no filter, no interlace
    pngChunk(png, "IHDR", ihdr);
    pngChunk(png, "IDAT", packed);
    pngChunk(png, "IEND", "");
    return png;
}

} // namespace skm::central
