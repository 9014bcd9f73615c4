// The IKM library against worked examples computed by hand (the arithmetic is in the comments), the
// mutu bands at each boundary, an unsur nobody answered, rounding as the regulation prints it, and
// the Krejcie–Morgan sample size against the published table.

#include <core/ikm.hpp>

#include <catch2/catch.hpp>

using namespace skm::ikm;

namespace {
std::array<Tally, kUnsurCount> tallies(const std::vector<std::array<int, kUnsurCount>>& responses)
{
    std::array<Tally, kUnsurCount> t{};
    for (const auto& r : responses) {
        for (int i = 0; i < kUnsurCount; ++i) {
            if (r[i] > 0) t[i].add(r[i]);
        }
    }
    return t;
}
} // namespace

TEST_CASE("IKM of four complete responses, worked by hand", "[ikm]")
{
    //        U1 U2 U3 U4 U5 U6 U7 U8 U9
    // R1      4  4  3  4  3  3  4  3  3
    // R2      3  3  3  4  3  4  4  3  3
    // R3      3  2  3  4  3  3  3  2  3
    // R4      4  3  2  4  4  3  4  3  4
    // sums   14 12 11 16 13 13 15 11 13
    // NRR   3.50 3.00 2.75 4.00 3.25 3.25 3.75 2.75 3.25   (sum / 4)
    // IKM = (3.50+3.00+2.75+4.00+3.25+3.25+3.75+2.75+3.25) / 9 = 29.50 / 9 = 3.2777…
    // converted = 3.2777… × 25 = 81.9444… -> 81.94 -> B (Baik: 76.61–88.30)
    const auto r = compute(tallies({{4, 4, 3, 4, 3, 3, 4, 3, 3}, {3, 3, 3, 4, 3, 4, 4, 3, 3}, {3, 2, 3, 4, 3, 3, 3, 2, 3}, {4, 3, 2, 4, 4, 3, 4, 3, 4}}));
    const std::array<double, 9> nrr = {3.50, 3.00, 2.75, 4.00, 3.25, 3.25, 3.75, 2.75, 3.25};
    for (int i = 0; i < kUnsurCount; ++i) {
        REQUIRE(r.nrr[i]);
        CHECK(*r.nrr[i] == Approx(nrr[i]));
    }
    CHECK(r.unsurUsed == 9);
    CHECK(*r.ikm == Approx(29.5 / 9));
    CHECK(*r.converted == 81.94);
    CHECK(*r.mutu == Mutu::B);
    CHECK(mutuLetter(*r.mutu) == 'B');
    CHECK(std::string(mutuLabel(*r.mutu)) == "Baik");
}

TEST_CASE("every response at the top or the bottom gives 100.00 A and 25.00 D", "[ikm]")
{
    const auto top = compute(tallies({{4, 4, 4, 4, 4, 4, 4, 4, 4}}));
    CHECK(*top.converted == 100.00);
    CHECK(*top.mutu == Mutu::A);
    const auto bottom = compute(tallies({{1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1, 1, 1}}));
    CHECK(*bottom.converted == 25.00);
    CHECK(*bottom.mutu == Mutu::D);
    CHECK(std::string(mutuLabel(Mutu::D)) == "Tidak Baik");
}

TEST_CASE("mutu bands: each boundary value, inclusive as listed", "[ikm]")
{
    CHECK(mutuOf(100.00) == Mutu::A);
    CHECK(mutuOf(88.31) == Mutu::A);
    CHECK(mutuOf(88.30) == Mutu::B);
    CHECK(mutuOf(76.61) == Mutu::B);
    CHECK(mutuOf(76.60) == Mutu::C);
    CHECK(mutuOf(65.00) == Mutu::C);
    CHECK(mutuOf(64.99) == Mutu::D);
    CHECK(mutuOf(25.00) == Mutu::D);
    // Scores between the printed bounds are banded after rounding to two decimals, half up.
    CHECK(mutuOf(88.305) == Mutu::A);   // -> 88.31
    CHECK(mutuOf(88.3049) == Mutu::B);  // -> 88.30
    CHECK(mutuOf(64.995) == Mutu::C);   // -> 65.00
    CHECK(mutuOf(64.9949) == Mutu::D);  // -> 64.99
    CHECK(mutuOf(76.605) == Mutu::B);   // -> 76.61
}

TEST_CASE("the quick-rating index at the band boundaries, from whole counts", "[ikm]")
{
    // mean × 25 with sum / count chosen to land exactly on each bound:
    //   8831 / 2500 = 3.5324 -> 88.31 A     8830 / 2500 = 3.532 -> 88.30 B
    //   7661 / 2500 = 3.0644 -> 76.61 B     7660 / 2500 = 3.064 -> 76.60 C
    //   6500 / 2500 = 2.6    -> 65.00 C     6499 / 2500 = 2.5996 -> 64.99 D
    //   17661 / 5000 = 3.5322 -> 88.305 -> 88.31 A (half up)
    //   12999 / 5000 = 2.5998 -> 64.995 -> 65.00 C (half up)
    struct Case {
        int64_t sum, count;
        double converted;
        Mutu mutu;
    };
    for (const Case& c : {Case{8831, 2500, 88.31, Mutu::A}, Case{8830, 2500, 88.30, Mutu::B}, Case{7661, 2500, 76.61, Mutu::B},
                          Case{7660, 2500, 76.60, Mutu::C}, Case{6500, 2500, 65.00, Mutu::C}, Case{6499, 2500, 64.99, Mutu::D},
                          Case{17661, 5000, 88.31, Mutu::A}, Case{12999, 5000, 65.00, Mutu::C}}) {
        INFO(c.sum << " / " << c.count);
        const auto x = quickIndex(Tally{c.count, c.sum});
        CHECK(x.count == c.count);
        CHECK(*x.converted == c.converted);
        CHECK(*x.mutu == c.mutu);
    }
    CHECK_FALSE(quickIndex(Tally{}).converted); // no ratings: no index
}

TEST_CASE("an unsur nobody answered is left out, and the others weigh equally", "[ikm]")
{
    // The worked example with U4 (Biaya/Tarif) unanswered by all:
    // IKM = (3.50+3.00+2.75+3.25+3.25+3.75+2.75+3.25) / 8 = 25.50 / 8 = 3.1875
    // converted = 79.6875 -> 79.69 -> B
    const auto r = compute(tallies({{4, 4, 3, 0, 3, 3, 4, 3, 3}, {3, 3, 3, 0, 3, 4, 4, 3, 3}, {3, 2, 3, 0, 3, 3, 3, 2, 3}, {4, 3, 2, 0, 4, 3, 4, 3, 4}}));
    CHECK_FALSE(r.nrr[3]);
    CHECK(r.unsurUsed == 8);
    CHECK(*r.ikm == Approx(3.1875));
    CHECK(*r.converted == 79.69);
    CHECK(*r.mutu == Mutu::B);

    const auto none = compute({});
    CHECK(none.unsurUsed == 0);
    CHECK_FALSE(none.ikm);
    CHECK_FALSE(none.converted);
    CHECK_FALSE(none.mutu);
}

TEST_CASE("NRR over different numbers of answers per unsur", "[ikm]")
{
    // U1 answered 3 times (4, 3, 3): NRR 10/3 = 3.333…; every other unsur once with 2: NRR 2.
    // IKM = (3.333… + 8 × 2) / 9 = 19.333… / 9 = 2.148148…; converted = 53.7037… -> 53.70 -> D
    std::array<Tally, kUnsurCount> t{};
    t[0].add(4);
    t[0].add(3);
    t[0].add(3);
    for (int i = 1; i < kUnsurCount; ++i) t[i].add(2);
    const auto r = compute(t);
    CHECK(*r.nrr[0] == 3.3333); // as printed, to four decimals
    CHECK(*r.converted == 53.70);
    CHECK(*r.mutu == Mutu::D);
}

TEST_CASE("Krejcie–Morgan sample size, as the published table prints it", "[ikm]")
{
    // S = 3.841 N 0.25 / (0.0025 (N - 1) + 3.841 × 0.25), to the nearest whole respondent:
    // N = 100: 96.025 / 1.20775 = 79.51 -> 80;  N = 1000: 960.25 / 3.45775 = 277.71 -> 278
    // N = 50: 48.0125 / 1.08275 = 44.34 -> 44;  N = 500: 480.125 / 2.20775 = 217.47 -> 217
    // N = 10000: 9602.5 / 25.95775 = 369.93 -> 370
    CHECK(sampleSize(100) == 80);
    CHECK(sampleSize(1000) == 278);
    CHECK(sampleSize(50) == 44);
    CHECK(sampleSize(500) == 217);
    CHECK(sampleSize(10000) == 370);
    CHECK(sampleSize(1) == 1);
    CHECK(sampleSize(10) == 10);
    CHECK(sampleSize(0) == 0);
    CHECK(sampleSize(-5) == 0);
}

TEST_CASE("every NRR 3.5324: 88.31 A weighed exactly, 88.22 B with the printed 0.111", "[ikm]")
{
    // 10,000 answers summing to 35,324 for each unsur: NRR 3.5324.
    // Exact:  NRR tertimbang = 3.5324 / 9 = 0.392488… -> 0.392489; IKM = 9 × 0.392489 = 3.532401;
    //         × 25 = 88.310025 -> 88.31 -> A. (Rounding the NRR to 3.53 first would give 88.25 B.)
    // 0.111:  NRR tertimbang = 3.5324 × 0.111 = 0.3920964 -> 0.392096; IKM = 3.528864; × 25 = 88.2216
    //         -> 88.22 -> B: the regulation's printed weight loses 0.1 % of every score.
    std::array<Tally, kUnsurCount> t{};
    for (auto& u : t) u = Tally{10000, 35324};
    const auto exact = compute(t);
    CHECK(*exact.nrr[0] == 3.5324);
    CHECK(*exact.weighted[0] == 0.392489);
    CHECK(*exact.weight == Approx(1.0 / 9));
    CHECK(*exact.ikm == 3.532401);
    CHECK(*exact.converted == 88.31);
    CHECK(*exact.mutu == Mutu::A);
    const auto printed = compute(t, Weighting::ThreeDecimals);
    CHECK(*printed.weight == 0.111);
    CHECK(*printed.weighted[0] == 0.392096);
    CHECK(*printed.ikm == 3.528864);
    CHECK(*printed.converted == 88.22);
    CHECK(*printed.mutu == Mutu::B);
}

TEST_CASE("a perfect score: 100.00 weighed exactly, 99.90 with 0.111, and the weights' names", "[ikm]")
{
    const auto top = compute(tallies({{4, 4, 4, 4, 4, 4, 4, 4, 4}}));
    CHECK(*top.weighted[0] == 0.444444); // 9 × 0.444444 = 3.999996; × 25 = 99.9999 -> 100.00
    CHECK(*top.converted == 100.00);
    const auto top111 = compute(tallies({{4, 4, 4, 4, 4, 4, 4, 4, 4}}), Weighting::ThreeDecimals);
    CHECK(*top111.ikm == 3.996);
    CHECK(*top111.converted == 99.90);
    CHECK(*top111.mutu == Mutu::A);
    CHECK(weightLabel(Weighting::Exact) == "1/9");
    CHECK(weightLabel(Weighting::ThreeDecimals) == "0.111");
    CHECK(weightLabel(Weighting::Exact, 8) == "1/8");
    CHECK(weightLabel(Weighting::ThreeDecimals, 8) == "0.125");
    CHECK(weightLabel(Weighting::ThreeDecimals, 7) == "0.143");
    CHECK(parseWeighting("exact") == Weighting::Exact);
    CHECK(parseWeighting("0.111") == Weighting::ThreeDecimals);
    CHECK_FALSE(parseWeighting("1/9"));
    CHECK_FALSE(parseWeighting(""));
}

TEST_CASE("the printed table recomputes to the printed IKM, for any tallies and either weighting", "[ikm]")
{
    // What an auditor does with the printed table: NRR × weight rounded to the printed places gives
    // each NRR tertimbang; their sum is the IKM; × 25 rounded to two decimals is the converted score.
    // Done here from the figures printed as text, in integers, for 2,000 pseudo-random offices.
    auto units = [](double v, int decimals) {
        char b[32];
        std::snprintf(b, sizeof b, "%.*f", decimals, v); // as printed
        std::string s = b;
        s.erase(s.find('.'), 1);
        return std::stoll(s);
    };
    uint64_t seed = 12345;
    auto next = [&](uint64_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return (seed >> 33) % n;
    };
    for (int office = 0; office < 2000; ++office) {
        std::array<Tally, kUnsurCount> t{};
        for (auto& u : t) {
            if (next(10) == 0) continue; // some unsur unanswered
            u.count = static_cast<int64_t>(1 + next(5000));
            u.sum = u.count + static_cast<int64_t>(next(static_cast<uint64_t>(3 * u.count + 1)));
        }
        for (Weighting w : {Weighting::Exact, Weighting::ThreeDecimals}) {
            const Result r = compute(t, w);
            if (!r.converted) continue;
            const int k = r.unsurUsed;
            int64_t ikm6 = 0;
            for (int i = 0; i < kUnsurCount; ++i) {
                if (!r.nrr[i]) continue;
                const int64_t nrr4 = units(*r.nrr[i], kNrrDecimals), printedWeighted = units(*r.weighted[i], kWeightedDecimals);
                // NRR × 1/k, or NRR × the three-decimal weight (in thousandths), to six decimals, half up.
                const int64_t w6 = w == Weighting::Exact ? (2 * nrr4 * 100 + k) / (2 * k) : (2 * nrr4 * units(std::stod(weightLabel(w, k)), 3) + 10) / 20;
                REQUIRE(w6 == printedWeighted);
                ikm6 += printedWeighted;
            }
            REQUIRE(ikm6 == units(*r.ikm, kWeightedDecimals));
            REQUIRE((2 * ikm6 * 25 + 10000) / 20000 == units(*r.converted, 2));
        }
    }
}
