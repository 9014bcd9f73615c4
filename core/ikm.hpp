#pragma once
// The Indeks Kepuasan Masyarakat of Permen PANRB 14/2017, and the figures around it: NRR per unsur,
// IKM, the converted score (×25), its mutu band, and the Krejcie–Morgan sample size. One library for
// the kiosk's admin screen and for skm-central; no dependencies.
//
//   NRR per unsur   = sum of its answers (1–4) ÷ number of answers to it, to 4 decimals
//   NRR tertimbang  = NRR × the weight, to 6 decimals; the weight is 1/k over the k unsur that have
//                     answers (k = 9 when all do), exactly or as the regulation prints it, to three
//                     decimals (0.111 for the nine: a perfect score is then 99.90; Weighting)
//   IKM             = Σ NRR tertimbang (exact at 6 decimals)
//   converted score = IKM × 25, printed with two decimals (rounded half up)
// Every figure is computed from the figures before it as printed (integer arithmetic, half up), so
// that whoever recomputes the IKM from a printed table of NRR and NRR tertimbang gets the printed IKM.
//   mutu            = A Sangat Baik 88.31–100.00; B Baik 76.61–88.30; C Kurang Baik 65.00–76.60;
//                     D Tidak Baik 25.00–64.99 — bounds inclusive, on the two-decimal score
//   sample size     = χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P)), χ² = 3.841, P = 0.5, d = 0.05, rounded
//                     to the nearest whole respondent as Krejcie & Morgan's table prints it

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace skm::ikm {

inline constexpr int kUnsurCount = 9;

// The nine unsur, in the regulation's order (codes U1..U9 in survey definitions and uploads).
inline constexpr std::array<const char*, kUnsurCount> kUnsurNames = {
    "Persyaratan",
    "Sistem, Mekanisme, dan Prosedur",
    "Waktu Penyelesaian",
    "Biaya/Tarif",
    "Produk Spesifikasi Jenis Pelayanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Penanganan Pengaduan, Saran dan Masukan",
    "Sarana dan Prasarana",
};

// The answers to one unsur: how many, and their sum (each 1–4).
struct Tally {
    int64_t count = 0;
    int64_t sum = 0;
    void add(int answer)
    {
        ++count;
        sum += answer;
    }
};

// How the unsur are weighed: exactly 1/k, or 1/k rounded to three decimals as the regulation's
// worked example prints it (0.111 for the nine). An office chooses (survey.toml, [ikm] weighting).
enum class Weighting { Exact, ThreeDecimals };
// "1/9" (exact) or "0.111", for k unsur used; the name on every output.
[[nodiscard]] std::string weightLabel(Weighting w, int unsurUsed = kUnsurCount);
// The config word: "exact" or "0.111".
[[nodiscard]] const char* weightingName(Weighting w);
[[nodiscard]] std::optional<Weighting> parseWeighting(const std::string& name);

inline constexpr int kNrrDecimals = 4;      // NRR per unsur, as printed
inline constexpr int kWeightedDecimals = 6; // NRR tertimbang and the IKM (1–4), as printed

enum class Mutu { A, B, C, D };
[[nodiscard]] char mutuLetter(Mutu m);
// "Sangat Baik", "Baik", "Kurang Baik", "Tidak Baik".
[[nodiscard]] const char* mutuLabel(Mutu m);
[[nodiscard]] const char* mutuLabelEn(Mutu m);

// `value` rounded half up to two decimals (as the regulation prints the converted score).
[[nodiscard]] double round2(double value);
// The mutu band of a converted score (25–100), after rounding it to two decimals.
[[nodiscard]] Mutu mutuOf(double converted);

struct Result {
    std::array<std::optional<double>, kUnsurCount> nrr;      // to 4 decimals; empty for an unsur with no answers
    std::array<std::optional<double>, kUnsurCount> weighted; // NRR tertimbang, to 6 decimals
    int unsurUsed = 0;                                        // unsur with answers
    Weighting weighting = Weighting::Exact;
    std::optional<double> weight;                             // 1/k, or 1/k to three decimals
    std::optional<double> ikm;                                // Σ weighted (1–4); empty if no unsur has answers
    std::optional<double> converted;                     // IKM × 25, rounded to two decimals
    std::optional<Mutu> mutu;
};

[[nodiscard]] Result compute(const std::array<Tally, kUnsurCount>& unsur, Weighting weighting = Weighting::Exact);

// A quick-rating index (issue 7 uses it per officer): mean of 1–4 scores × 25, rounded, with its mutu.
struct Index {
    int64_t count = 0;
    std::optional<double> mean;
    std::optional<double> converted;
    std::optional<Mutu> mutu;
};
[[nodiscard]] Index quickIndex(const Tally& scores);

// The Krejcie–Morgan sample size for a population of N (N = 100 → 80, N = 1000 → 278); 0 for N <= 0.
[[nodiscard]] int64_t sampleSize(int64_t population);

} // namespace skm::ikm
