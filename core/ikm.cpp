#include "ikm.hpp"

#include <cmath>

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

Result compute(const std::array<Tally, kUnsurCount>& unsur)
{
    Result r;
    long double total = 0;
    for (int i = 0; i < kUnsurCount; ++i) {
        if (unsur[i].count <= 0) continue;
        const long double nrr = static_cast<long double>(unsur[i].sum) / static_cast<long double>(unsur[i].count);
        r.nrr[i] = static_cast<double>(nrr);
        total += nrr;
        ++r.unsurUsed;
    }
    if (r.unsurUsed == 0) return r;
    const long double ikm = total / r.unsurUsed;
    r.ikm = static_cast<double>(ikm);
    r.converted = round2(static_cast<double>(ikm * 25));
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
