#include "laporan.hpp"

#include "html_report.hpp"

#include <core/ikm.hpp>

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace skm::central::laporan {

namespace {

const char* kDefaultTemplate =
#include "laporan_default.inc"
    ;

int lineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

struct Entry {
    const toml::table& table;
    std::string where;
    std::set<std::string> allowed;
    [[noreturn]] void fail(const std::string& problem) const { throw TemplateError(where + ": " + problem); }
    void checkFields() const
    {
        for (const auto& [k, v] : table) {
            if (!allowed.count(std::string(k.str()))) fail("unknown field '" + std::string(k.str()) + "'");
        }
    }
    std::string text(const std::string& key, size_t maxLen, bool required = true) const
    {
        const toml::node* n = table.get(key);
        if (!n) {
            if (required) fail("'" + key + "' is missing");
            return "";
        }
        const auto v = n->value<std::string>();
        if (!n->is_string() || !v) fail("'" + key + "' must be a string");
        if (v->size() > maxLen) fail("'" + key + "' is longer than " + std::to_string(maxLen) + " characters");
        return *v;
    }
};

const toml::table& table(const toml::table& doc, const char* key, const std::string& name)
{
    const toml::node* n = doc.get(key);
    if (!n || !n->is_table()) throw TemplateError(name + ": [" + key + "] is missing");
    return *n->as_table();
}

std::string num(double v, int decimals) { return config::formatNumber(v, decimals, config::Lang::Id); }
std::string count(int64_t n) { return config::formatCount(n, config::Lang::Id); }
std::string esc(const std::string& s) { return html::escape(s); }

// {kantor}, {unit}, {periode}, {tahun} replaced; paragraphs (blank-line separated) as <p>.
std::string paragraphs(const std::string& text, const std::map<std::string, std::string>& values)
{
    // One pass: a value is written as it is, never searched again (a unit named "{unit}" stays so).
    std::string t;
    for (size_t i = 0; i < text.size();) {
        bool replaced = false;
        if (text[i] == '{') {
            for (const auto& [k, v] : values) {
                if (text.compare(i, k.size() + 2, "{" + k + "}") == 0) {
                    t += v;
                    i += k.size() + 2;
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) t += text[i++];
    }
    std::ostringstream o;
    std::istringstream in(t);
    std::string line, para;
    auto flush = [&] {
        if (para.find_first_not_of(" \n") != std::string::npos) o << "<p>" << esc(para) << "</p>";
        para.clear();
    };
    while (std::getline(in, line)) {
        if (line.find_first_not_of(' ') == std::string::npos) flush();
        else para += (para.empty() ? "" : " ") + line;
    }
    flush();
    return o.str();
}

const char* kStyle = R"css(
@page { size: A4; margin: 20mm 18mm 20mm 22mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.45; color: #111; margin: 0; }
.cover { text-align: center; padding-top: 45mm; page-break-after: always; }
.cover h1 { font-size: 20pt; margin: 0 0 6mm; }
.cover .sub { font-size: 14pt; margin: 2mm 0; }
.cover .ikm { font-size: 28pt; font-weight: 700; margin: 18mm 0 2mm; }
h2 { font-size: 13pt; text-align: center; margin: 0 0 5mm; page-break-before: always; }
h2.first { page-break-before: auto; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; }
p { margin: 0 0 2.5mm; text-align: justify; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9.5pt; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 0.6pt solid #555; padding: 1.2mm 1.8mm; text-align: left; vertical-align: top; }
th { background: #eceff3; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tfoot th, tfoot td { font-weight: 700; }
tfoot td { white-space: nowrap; }
table.fu { table-layout: fixed; }
table.fu th:nth-child(1) { width: 17%; } table.fu th:nth-child(2) { width: 29%; } table.fu th:nth-child(3) { width: 16%; }
table.fu th:nth-child(4) { width: 13%; } table.fu th:nth-child(5) { width: 10%; } table.fu th:nth-child(6) { width: 15%; }
table.fu td { overflow-wrap: anywhere; }
.note { color: #444; font-size: 9pt; }
.mutu { font-weight: 700; }
ol, ul { margin: 0 0 3mm; padding-left: 7mm; }
.sign { margin-top: 12mm; margin-left: 55%; }
.sign .space { height: 20mm; }
)css";

const char* roman(int n)
{
    static const char* r[] = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};
    return n >= 0 && n <= 12 ? r[n] : "?";
}

const char* monthName(int m)
{
    static const char* names[] = {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"};
    return m >= 1 && m <= 12 ? names[m - 1] : "?";
}

std::string longDate(int64_t ms)
{
    const time_t t = static_cast<time_t>(ms / 1000);
    tm tm{};
    localtime_r(&t, &tm);
    return std::to_string(tm.tm_mday) + " " + monthName(tm.tm_mon + 1) + " " + std::to_string(tm.tm_year + 1900);
}

std::string mutuText(const std::optional<char>& m)
{
    if (!m) return "–";
    const ikm::Mutu mu = static_cast<ikm::Mutu>(*m - 'A');
    return std::string(1, *m) + " (" + ikm::mutuLabel(mu) + ")";
}

} // namespace

const std::string& defaultTemplateText()
{
    static const std::string text = kDefaultTemplate;
    return text;
}

Template parseTemplate(const std::string& text, const std::string& name)
{
    toml::table doc;
    try {
        doc = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        throw TemplateError(name + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    }
    Entry top{doc, name, {"kantor", "bab1", "bab2", "unit"}};
    top.checkFields();
    Template t;
    const toml::table& kantor = table(doc, "kantor", name);
    Entry k{kantor, name + ": kantor", {"nama", "tempat", "penandatangan", "nama_penandatangan", "nip_penandatangan"}};
    k.checkFields();
    t.office = k.text("nama", 200);
    t.place = k.text("tempat", 100);
    t.signer = {k.text("penandatangan", 200), k.text("nama_penandatangan", 200, false), k.text("nip_penandatangan", 18, false)};
    const toml::table& bab1 = table(doc, "bab1", name);
    Entry b1{bab1, name + ": bab1", {"latar_belakang", "dasar_hukum", "maksud_tujuan"}};
    b1.checkFields();
    t.background = b1.text("latar_belakang", 20000);
    t.aims = b1.text("maksud_tujuan", 20000);
    const toml::node* dh = bab1.get("dasar_hukum");
    const toml::array* list = dh ? dh->as_array() : nullptr;
    if (!list || list->empty()) b1.fail("'dasar_hukum' must list the legal basis, one string each");
    for (const auto& item : *list) {
        const auto v = item.value<std::string>();
        if (!item.is_string() || !v || v->empty() || v->size() > 500) b1.fail("'dasar_hukum' must hold non-empty strings of at most 500 characters");
        t.legalBasis.push_back(*v);
    }
    const toml::table& bab2 = table(doc, "bab2", name);
    Entry b2{bab2, name + ": bab2", {"metode"}};
    b2.checkFields();
    t.method = b2.text("metode", 20000);
    if (const toml::node* units = doc.get("unit")) {
        const toml::array* a = units->as_array();
        if (!a || !a->is_array_of_tables()) throw TemplateError(name + ":" + std::to_string(lineOf(*units)) + ": 'unit' must be [[unit]] tables");
        for (size_t i = 0; i < a->size(); ++i) {
            Entry u{*(*a)[i].as_table(), name + ":" + std::to_string(lineOf((*a)[i])) + ": unit[" + std::to_string(i + 1) + "]",
                    {"nama", "penandatangan", "nama_penandatangan", "nip_penandatangan"}};
            u.checkFields();
            t.units[u.text("nama", 200)] = {u.text("penandatangan", 200), u.text("nama_penandatangan", 200, false), u.text("nip_penandatangan", 18, false)};
        }
    }
    return t;
}

Template loadTemplate(const std::filesystem::path& dataDir)
{
    const std::filesystem::path file = dataDir / "laporan.toml";
    if (!std::filesystem::is_regular_file(file)) return parseTemplate(defaultTemplateText(), "laporan.toml (built in)");
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return parseTemplate(text.str(), file.string());
}

std::string periodName(const Period& p)
{
    std::smatch m;
    if (std::regex_match(p.label, m, std::regex(R"(semester:(\d{4})-S([12]))"))) return std::string("Semester ") + roman(std::stoi(m[2])) + " Tahun " + m[1].str();
    if (std::regex_match(p.label, m, std::regex(R"(quarter:(\d{4})-Q([1-4]))"))) return std::string("Triwulan ") + roman(std::stoi(m[2])) + " Tahun " + m[1].str();
    if (std::regex_match(p.label, m, std::regex(R"(month:(\d{4})-(\d{2}))"))) return std::string("Bulan ") + monthName(std::stoi(m[2])) + " " + m[1].str();
    if (std::regex_match(p.label, m, std::regex(R"(year:(\d{4}))"))) return "Tahun " + m[1].str();
    return "Periode " + longDate(p.fromMs) + " s.d. " + longDate(p.toMs - 1);
}

std::vector<Period> earlierPeriods(const Period& p, int n)
{
    std::smatch m;
    int year = 0, index = 0, per = 0; // per: periods in a year
    std::string kind;
    if (std::regex_match(p.label, m, std::regex(R"(semester:(\d{4})-S([12]))"))) kind = "semester", per = 2;
    else if (std::regex_match(p.label, m, std::regex(R"(quarter:(\d{4})-Q([1-4]))"))) kind = "quarter", per = 4;
    else if (std::regex_match(p.label, m, std::regex(R"(month:(\d{4})-(\d{2}))"))) kind = "month", per = 12;
    else if (std::regex_match(p.label, m, std::regex(R"(year:(\d{4}))"))) kind = "year", per = 1;
    else return {};
    year = std::stoi(m[1]);
    index = per > 1 ? std::stoi(m[2]) : 1;
    std::vector<Period> out;
    for (int k = n; k >= 1; --k) {
        int y = year, i = index - k;
        while (i < 1) {
            i += per;
            --y;
        }
        char label[32];
        if (kind == "semester") std::snprintf(label, sizeof label, "semester:%04d-S%d", y, i);
        else if (kind == "quarter") std::snprintf(label, sizeof label, "quarter:%04d-Q%d", y, i);
        else if (kind == "month") std::snprintf(label, sizeof label, "month:%04d-%02d", y, i);
        else std::snprintf(label, sizeof label, "year:%04d", y);
        if (const auto q = parsePeriod(label, nullptr)) out.push_back(*q);
    }
    return out;
}

std::string html(const Input& in)
{
    const Score& s = in.score;
    const ikm::Result x = ikm::compute(s.surveyTally.unsur, in.weighting);
    const std::string unitName = in.unit.empty() ? in.text.office : in.unit;
    const std::string period = periodName(in.period);
    std::smatch ym;
    const std::string year = std::regex_search(in.period.label, ym, std::regex(R"(\d{4})")) ? ym.str() : "";
    const std::map<std::string, std::string> values = {{"kantor", in.text.office}, {"unit", unitName}, {"periode", period}, {"tahun", year}};
    const int64_t population = in.population ? *in.population : s.casesLogged;
    const int64_t sample = ikm::sampleSize(population);
    const std::string weight = ikm::weightLabel(in.weighting, x.unsurUsed > 0 ? x.unsurUsed : ikm::kUnsurCount);
    const std::string weightShown = in.weighting == ikm::Weighting::Exact ? weight : num(std::stod(weight), 3);

    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><title>Laporan SKM " << esc(unitName) << " " << esc(period) << "</title><style>" << kStyle
      << "</style></head><body>";

    // Cover.
    o << "<section class=\"cover\"><h1>LAPORAN<br>SURVEI KEPUASAN MASYARAKAT</h1><div class=\"sub\">" << esc(unitName) << "</div>";
    if (!in.unit.empty()) o << "<div class=\"sub\">" << esc(in.text.office) << "</div>";
    o << "<div class=\"sub\">" << esc(period) << "</div>";
    if (x.converted) {
        o << "<div class=\"ikm\">IKM " << num(*x.converted, 2) << "</div><div class=\"sub\">Mutu pelayanan " << mutuText(ikm::mutuLetter(*x.mutu)) << "</div>";
    }
    o << "<div class=\"sub note\">" << count(s.surveyResponses) << " responden lengkap · " << esc(in.text.place) << ", " << longDate(in.writtenMs) << "</div></section>";

    // BAB I.
    o << "<h2 class=\"first\">BAB I<br>PENDAHULUAN</h2><h3>1.1 Latar Belakang</h3>" << paragraphs(in.text.background, values) << "<h3>1.2 Dasar Hukum</h3><ol>";
    for (const auto& l : in.text.legalBasis) o << "<li>" << esc(l) << "</li>";
    o << "</ol><h3>1.3 Maksud dan Tujuan</h3>" << paragraphs(in.text.aims, values);

    // BAB II.
    o << "<h2>BAB II<br>PENGUMPULAN DATA</h2><h3>2.1 Metode</h3>" << paragraphs(in.text.method, values);
    o << "<h3>2.2 Waktu Pelaksanaan</h3><p>Survei dilaksanakan pada " << esc(period) << ", " << longDate(in.period.fromMs) << " sampai dengan " << longDate(in.period.toMs - 1)
      << ".</p>";
    o << "<h3>2.3 Populasi dan Sampel</h3><p>Populasi adalah pengguna layanan " << esc(unitName) << " selama periode survei: <b>" << count(population) << "</b> orang ("
      << (in.population ? "jumlah yang ditetapkan unit untuk periode ini" : "layanan yang tercatat di kiosk") << "). ";
    if (population > 0) {
        o << "Menurut tabel Krejcie dan Morgan, sampel minimal untuk populasi tersebut adalah <b>" << count(sample) << "</b> responden. Kuesioner lengkap yang terkumpul: <b>"
          << count(s.surveyResponses) << "</b>, sehingga jumlah sampel <b>" << (s.surveyResponses >= sample ? "telah memenuhi" : "belum memenuhi") << "</b> sampel minimal.";
    } else {
        o << "Tidak ada layanan tercatat pada periode ini, sehingga kecukupan sampel tidak dapat dinilai.";
    }
    o << "</p><p class=\"note\">Sampel dinilai dari kuesioner sembilan unsur yang diisi lengkap, bukan dari penilaian cepat (satu sentuhan wajah).</p>";
    o << "<h3>2.4 Profil Responden</h3>";
    if (in.details.office.responses == 0 || !in.survey) o << "<p>Belum ada kuesioner lengkap.</p>";
    else {
        for (const std::string& field : in.details.fieldCodes) {
            const auto f = in.details.office.fields.find(field);
            if (f == in.details.office.fields.end()) continue;
            o << "<table><thead><tr><th>" << esc(profileFieldLabel(*in.survey, field, config::Lang::Id)) << "</th><th class=\"n\">Jumlah</th><th class=\"n\">Persentase</th></tr></thead><tbody>";
            std::vector<std::string> options;
            for (const auto& q : in.survey->profile) {
                if (q.code == field) {
                    for (const auto& opt : q.options) options.push_back(opt.code);
                }
            }
            for (const auto& [option, n] : f->second) {
                if (!option.empty() && std::find(options.begin(), options.end(), option) == options.end()) options.push_back(option);
            }
            if (f->second.count("")) options.push_back("");
            for (const std::string& option : options) {
                const auto it = f->second.find(option);
                const int64_t n = it != f->second.end() ? it->second : 0;
                o << "<tr><td>" << esc(profileOptionLabel(*in.survey, field, option, config::Lang::Id)) << "</td><td class=\"n\">" << count(n) << "</td><td class=\"n\">"
                  << num(100.0 * static_cast<double>(n) / static_cast<double>(in.details.office.responses), 2) << " %</td></tr>";
            }
            o << "</tbody></table>";
        }
    }

    // BAB III.
    o << "<h2>BAB III<br>HASIL PENGOLAHAN DATA</h2><h3>3.1 Nilai Rata-rata per Unsur dan IKM</h3>";
    if (!x.converted) o << "<p>Belum ada kuesioner lengkap pada periode ini: IKM belum dapat dihitung.</p>";
    else {
        o << "<p>NRR per unsur = jumlah nilai jawaban ÷ jumlah jawaban (4 desimal); NRR tertimbang = NRR × bobot " << esc(weightShown)
          << " (6 desimal); IKM = jumlah NRR tertimbang; nilai IKM = IKM × 25.</p>"
          << "<table><thead><tr><th>Kode</th><th>Unsur pelayanan</th><th class=\"n\">Jumlah jawaban</th><th class=\"n\">Jumlah nilai</th><th class=\"n\">NRR</th><th class=\"n\">Bobot</th>"
          << "<th class=\"n\">NRR tertimbang</th></tr></thead><tbody>";
        for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
            o << "<tr><td>U" << i + 1 << "</td><td>" << esc(ikm::kUnsurNames[i]) << "</td><td class=\"n\">" << count(s.surveyTally.unsur[i].count) << "</td><td class=\"n\">"
              << count(s.surveyTally.unsur[i].sum) << "</td><td class=\"n\">" << (x.nrr[i] ? num(*x.nrr[i], ikm::kNrrDecimals) : "–") << "</td><td class=\"n\">"
              << (x.nrr[i] ? esc(weightShown) : "–") << "</td><td class=\"n\">" << (x.weighted[i] ? num(*x.weighted[i], ikm::kWeightedDecimals) : "–") << "</td></tr>";
        }
        o << "</tbody><tfoot><tr><th colspan=\"6\">IKM (jumlah NRR tertimbang)</th><td class=\"n\">" << num(*x.ikm, ikm::kWeightedDecimals) << "</td></tr>"
          << "<tr><th colspan=\"6\">Nilai IKM (IKM × 25)</th><td class=\"n\">" << num(*x.converted, 2) << "</td></tr>"
          << "<tr><th colspan=\"6\">Mutu pelayanan</th><td class=\"n\">" << mutuText(ikm::mutuLetter(*x.mutu)) << "</td></tr></tfoot></table>";
        o << "<p>Nilai IKM " << esc(unitName) << " " << esc(period) << " adalah <b>" << num(*x.converted, 2) << "</b> dengan mutu pelayanan <b>"
          << mutuText(ikm::mutuLetter(*x.mutu)) << "</b>, dari " << count(s.surveyResponses) << " kuesioner lengkap.</p>";
        o << "<p class=\"note\">Mutu: A Sangat Baik 88,31–100,00; B Baik 76,61–88,30; C Kurang Baik 65,00–76,60; D Tidak Baik 25,00–64,99.</p>";
    }
    o << "<h3>3.2 IKM per Jenis Layanan</h3>";
    bool anyService = false;
    std::ostringstream services;
    services << "<table><thead><tr><th>Kode</th><th>Layanan</th><th class=\"n\">Responden</th><th class=\"n\">IKM (1–4)</th><th class=\"n\">Nilai IKM</th><th>Mutu</th></tr></thead><tbody>";
    for (const auto& [code, sc] : in.services) {
        if (sc.surveyResponses == 0) continue;
        anyService = true;
        const ikm::Result r = ikm::compute(sc.surveyTally.unsur, in.weighting);
        const auto name = in.serviceNames.find(code);
        services << "<tr><td>" << esc(code) << "</td><td>" << esc(name != in.serviceNames.end() ? name->second : code) << "</td><td class=\"n\">" << count(sc.surveyResponses)
                 << "</td><td class=\"n\">" << (r.ikm ? num(*r.ikm, ikm::kWeightedDecimals) : "–") << "</td><td class=\"n\">" << (r.converted ? num(*r.converted, 2) : "–")
                 << "</td><td>" << (r.mutu ? mutuText(ikm::mutuLetter(*r.mutu)) : "–") << "</td></tr>";
    }
    services << "</tbody></table>";
    o << (anyService ? services.str() : std::string("<p>Belum ada kuesioner lengkap yang tercatat dengan jenis layanannya.</p>"));

    // BAB IV.
    o << "<h2>BAB IV<br>ANALISIS HASIL SKM</h2><h3>4.1 Unsur Terendah dan Tertinggi</h3>";
    if (x.converted) {
        size_t low = 9, high = 9;
        for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
            if (!x.nrr[i]) continue;
            if (low == 9 || *x.nrr[i] < *x.nrr[low]) low = i;
            if (high == 9 || *x.nrr[i] > *x.nrr[high]) high = i;
        }
        o << "<p>Unsur dengan nilai terendah adalah <b>U" << low + 1 << " " << esc(ikm::kUnsurNames[low]) << "</b> (NRR " << num(*x.nrr[low], ikm::kNrrDecimals)
          << "); unsur ini menjadi prioritas perbaikan. Unsur dengan nilai tertinggi adalah <b>U" << high + 1 << " " << esc(ikm::kUnsurNames[high]) << "</b> (NRR "
          << num(*x.nrr[high], ikm::kNrrDecimals) << ").</p>";
    } else {
        o << "<p>Belum ada data untuk analisis per unsur.</p>";
    }
    auto followupTable = [&](const std::vector<Followup>& items) {
        o << "<table class=\"fu\"><thead><tr><th>Unsur</th><th>Tindakan</th><th>Penanggung jawab</th><th>Batas waktu</th><th>Status</th><th>Catatan bukti</th></tr>"
             "</thead><tbody>";
        for (const Followup& f : items) {
            o << "<tr><td>" << esc(f.unsur) << " " << esc(ikm::kUnsurNames[static_cast<size_t>(f.unsur[1] - '1')]) << "</td><td>" << esc(f.action) << "</td><td>"
              << esc(f.responsible) << "</td><td>" << esc(f.dueDate) << "</td><td>" << followupStatusLabel(f.status, false) << "</td><td>" << esc(f.evidence) << "</td></tr>";
        }
        o << "</tbody></table>";
    };
    o << "<h3>4.2 Rencana Tindak Lanjut</h3>";
    if (in.followups.empty()) o << "<p>Belum ada rencana tindak lanjut yang dicatat untuk periode ini.</p>";
    else followupTable(in.followups);
    if (x.converted) {
        size_t low = 9;
        for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
            if (x.nrr[i] && (low == 9 || *x.nrr[i] < *x.nrr[low])) low = i;
        }
        const std::string code = "U" + std::to_string(low + 1);
        const bool covered = std::any_of(in.followups.begin(), in.followups.end(), [&](const Followup& f) { return f.unsur == code && f.status != "batal"; });
        if (!covered) o << "<p><b>Catatan:</b> unsur terendah (" << code << " " << esc(ikm::kUnsurNames[low]) << ") belum memiliki rencana tindak lanjut.</p>";
    }
    o << "<h3>4.3 Tren IKM</h3>";
    o << "<table><thead><tr><th>Periode</th><th class=\"n\">Responden</th><th class=\"n\">Nilai IKM</th><th>Mutu</th></tr></thead><tbody>";
    for (const Earlier& e : in.earlier) {
        o << "<tr><td>" << esc(e.name) << "</td><td class=\"n\">" << count(e.score.surveyResponses) << "</td><td class=\"n\">" << (e.score.ikm ? num(*e.score.ikm, 2) : "–")
          << "</td><td>" << mutuText(e.score.ikmMutu) << "</td></tr>";
    }
    o << "<tr><td><b>" << esc(period) << "</b></td><td class=\"n\">" << count(s.surveyResponses) << "</td><td class=\"n\"><b>" << (s.ikm ? num(*s.ikm, 2) : "–")
      << "</b></td><td>" << mutuText(s.ikmMutu) << "</td></tr></tbody></table>";
    o << "<h3>4.4 Tindak Lanjut Periode Sebelumnya</h3>";
    if (in.previousFollowups.empty()) o << "<p>Tidak ada rencana tindak lanjut yang dicatat untuk periode sebelumnya.</p>";
    else {
        o << "<p>Status rencana tindak lanjut " << esc(in.earlier.empty() ? std::string("periode sebelumnya") : in.earlier.back().name) << " pada saat laporan ini disusun:</p>";
        followupTable(in.previousFollowups);
    }

    // Signature.
    const auto unitSigner = in.text.units.find(in.unit);
    const Signer& signer = unitSigner != in.text.units.end() ? unitSigner->second : in.text.signer;
    o << "<div class=\"sign\">" << esc(in.text.place) << ", " << longDate(in.writtenMs) << "<br>" << esc(signer.title) << "<div class=\"space\"></div><b>"
      << esc(signer.name.empty() ? std::string("(nama)") : signer.name) << "</b>";
    if (!signer.nip.empty()) o << "<br>NIP " << esc(signer.nip);
    o << "</div>";

    // Lampiran.
    o << "<h2>LAMPIRAN 1<br>KUESIONER</h2>";
    if (in.survey) {
        o << "<p class=\"note\">Versi kuesioner: " << esc(in.survey->version) << ". Setiap pertanyaan dijawab dengan satu dari empat pilihan (nilai 1–4).</p><ol>";
        for (const auto& u : in.survey->unsur) {
            o << "<li><b>" << esc(u.code) << " " << esc(u.name.id) << ".</b> " << esc(u.question.id) << "<br><span class=\"note\">";
            for (size_t k = 0; k < 4; ++k) o << (k ? " · " : "") << k + 1 << " = " << esc(u.answers[k].id);
            o << "</span></li>";
        }
        o << "</ol><h3>Profil responden</h3><ul>";
        for (const auto& p : in.survey->profile) {
            o << "<li>" << esc(p.question.id) << ": ";
            for (size_t k = 0; k < p.options.size(); ++k) o << (k ? " / " : "") << esc(p.options[k].label.id);
            o << "</li>";
        }
        o << "</ul>";
        if (in.survey->saran) o << "<h3>Saran</h3><p>" << esc(in.survey->saran->question.id) << " (isian bebas, boleh dikosongkan)</p>";
    }
    o << "<h2>LAMPIRAN 2<br>TABEL PENGOLAHAN DATA</h2><p>Jumlah jawaban per nilai untuk setiap unsur, dari " << count(in.details.office.responses)
      << " kuesioner lengkap. Jumlah nilai = 1 × n1 + 2 × n2 + 3 × n3 + 4 × n4; NRR = jumlah nilai ÷ jumlah jawaban.</p>";
    o << "<table><thead><tr><th>Kode</th><th>Unsur</th><th class=\"n\">n1</th><th class=\"n\">n2</th><th class=\"n\">n3</th><th class=\"n\">n4</th><th class=\"n\">Jumlah jawaban</th>"
      << "<th class=\"n\">Jumlah nilai</th><th class=\"n\">NRR</th></tr></thead><tbody>";
    for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
        const auto& a = in.details.answers[i];
        const int64_t n = a[0] + a[1] + a[2] + a[3], sum = a[0] + 2 * a[1] + 3 * a[2] + 4 * a[3];
        ikm::Tally t{n, sum};
        std::array<ikm::Tally, ikm::kUnsurCount> one{};
        one[i] = t;
        const ikm::Result r = ikm::compute(one, in.weighting);
        o << "<tr><td>U" << i + 1 << "</td><td>" << esc(ikm::kUnsurNames[i]) << "</td>";
        for (int v = 0; v < 4; ++v) o << "<td class=\"n\">" << count(a[static_cast<size_t>(v)]) << "</td>";
        o << "<td class=\"n\">" << count(n) << "</td><td class=\"n\">" << count(sum) << "</td><td class=\"n\">" << (r.nrr[i] ? num(*r.nrr[i], ikm::kNrrDecimals) : "–") << "</td></tr>";
    }
    o << "</tbody></table>";
    o << "<h2>LAMPIRAN 3<br>REKAP SARAN</h2>";
    if (in.details.saran.empty()) o << "<p>Tidak ada saran tertulis pada periode ini.</p>";
    else {
        o << "<p>" << count(in.details.saranTotal) << " saran tertulis" << (static_cast<int64_t>(in.details.saran.size()) < in.details.saranTotal ? ", " + count(static_cast<int64_t>(in.details.saran.size())) + " terbaru dimuat" : "")
          << ", sebagaimana ditulis responden.</p><table><thead><tr><th>No.</th><th>Tanggal</th><th>Layanan</th><th>Saran</th></tr></thead><tbody>";
        int64_t no = 0;
        for (const Saran& sr : in.details.saran) {
            const auto name = in.serviceNames.find(sr.service);
            o << "<tr><td class=\"n\">" << ++no << "</td><td>" << localDate(sr.atMs) << "</td><td>" << esc(name != in.serviceNames.end() ? name->second : sr.service) << "</td><td>"
              << esc(sr.text) << "</td></tr>";
        }
        o << "</tbody></table>";
    }
    o << "</body></html>\n";
    return o.str();
}

} // namespace skm::central::laporan
