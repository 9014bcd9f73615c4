#include "ikm.hpp"

#include <cmath>
#include <cstdio>

namespace skm::ikm {

char mutuLetter(Mutu m) { return "ABCD"[static_cast<int>(m)]; }

const char* mutuLabel(Mutu m)
{
    static const char* labels[] = {"Sangat Baik", "Baik", "Kurang Baik", "Tidak Baik"};
    return labels[static_cast<int>(m)];
}

const char* mutuLabelEn(Mutu m)
{
    static const char* labels[] = {"Very good", "Good", "Poor", "Very poor"};
    return labels[static_cast<int>(m)];
}

double round2(double value)
{
    // Half up, robust to binary representation: 88.305 may be stored as 88.30499999...; a nudge far
    // below a hundredth's half and far above double error settles it the way a person would.
    return std::floor(value * 100.0 + 0.5 + 1e-7) / 100.0;
}

Mutu mutuOf(double converted)
{
    // Compared in hundredths, as integers, on the two-decimal score: the bands are closed and
    // adjacent (64.99 | 65.00, 76.60 | 76.61, 88.30 | 88.31).
    const auto h = static_cast<int64_t>(std::llround(round2(converted) * 100.0));
    if (h >= 8831) return Mutu::A;
    if (h >= 7661) return Mutu::B;
    if (h >= 6500) return Mutu::C;
    return Mutu::D;
}

namespace {

// a ÷ b rounded half up, for a >= 0 and b > 0, without overflow for any tally.
int64_t divHalfUp(__int128 a, __int128 b) { return static_cast<int64_t>((2 * a + b) / (2 * b)); }

} // namespace

std::string weightLabel(Weighting w, int unsurUsed)
{
    if (unsurUsed <= 0) unsurUsed = kUnsurCount;
    if (w == Weighting::Exact) return "1/" + std::to_string(unsurUsed);
    const int64_t permille = divHalfUp(1000, unsurUsed);
    char b[16];
    std::snprintf(b, sizeof b, "%d.%03d", static_cast<int>(permille / 1000), static_cast<int>(permille % 1000));
    return b;
}

const char* weightingName(Weighting w) { return w == Weighting::Exact ? "exact" : "0.111"; }

std::optional<Weighting> parseWeighting(const std::string& name)
{
    if (name == "exact") return Weighting::Exact;
    if (name == "0.111") return Weighting::ThreeDecimals;
    return std::nullopt;
}

Result compute(const std::array<Tally, kUnsurCount>& unsur, Weighting weighting)
{
    // In integers: NRR in ten-thousandths, NRR tertimbang and the IKM in millionths, the converted
    // score in hundredths; each rounded half up from the figure before it as printed.
    Result r;
    r.weighting = weighting;
    std::array<int64_t, kUnsurCount> nrr4{};
    for (int i = 0; i < kUnsurCount; ++i) {
        if (unsur[i].count <= 0) continue;
        nrr4[i] = divHalfUp(static_cast<__int128>(unsur[i].sum) * 10000, unsur[i].count);
        r.nrr[i] = static_cast<double>(nrr4[i]) / 1e4;
        ++r.unsurUsed;
    }
    if (r.unsurUsed == 0) return r;
    const int k = r.unsurUsed;
    const int64_t permille = divHalfUp(1000, k);
    r.weight = weighting == Weighting::Exact ? 1.0 / k : static_cast<double>(permille) / 1000.0;
    int64_t ikm6 = 0;
    for (int i = 0; i < kUnsurCount; ++i) {
        if (!r.nrr[i]) continue;
        // Exact: NRR ÷ k. Three decimals: NRR × 0.111 is exact in ten-millionths, then rounded.
        const int64_t w6 = weighting == Weighting::Exact ? divHalfUp(static_cast<__int128>(nrr4[i]) * 100, k)
                                                         : divHalfUp(static_cast<__int128>(nrr4[i]) * permille, 10);
        r.weighted[i] = static_cast<double>(w6) / 1e6;
        ikm6 += w6;
    }
    r.ikm = static_cast<double>(ikm6) / 1e6;
    r.converted = static_cast<double>(divHalfUp(static_cast<__int128>(ikm6) * 25, 10000)) / 100.0;
    r.mutu = mutuOf(*r.converted);
    return r;
}

Index quickIndex(const Tally& scores)
{
    Index x;
    x.count = scores.count;
    if (scores.count <= 0) return x;
    x.mean = static_cast<double>(scores.sum) / static_cast<double>(scores.count);
    x.converted = round2(static_cast<double>(static_cast<long double>(scores.sum) * 25 / scores.count));
    x.mutu = mutuOf(*x.converted);
    return x;
}

int64_t sampleSize(int64_t population)
{
    if (population <= 0) return 0;
    constexpr long double chi2 = 3.841L, p = 0.5L, d = 0.05L;
    const long double n = static_cast<long double>(population);
    const long double s = chi2 * n * p * (1 - p) / (d * d * (n - 1) + chi2 * p * (1 - p));
    // Rounded to the nearest whole respondent, as Krejcie and Morgan's (1970) table prints it
    // (N = 50 -> 44, 100 -> 80, 500 -> 217, 1000 -> 278).
    return static_cast<int64_t>(std::floor(s + 0.5L));
}

} // namespace skm::ikm
