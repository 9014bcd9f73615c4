#include "signals.hpp"

#include <algorithm>
#include <cstdlib>

namespace skm::central {

std::vector<std::string> OfficerSignals::flags() const
{
    std::vector<std::string> f;
    if (fastTopAfterCase >= 3) f.push_back("fast_top_after_case");
    if (longestEqualRun >= 6) f.push_back("identical_intervals");
    if (withoutCase > 0) f.push_back("ratings_without_case");
    if (!devicesWithChainProblems.empty()) f.push_back("device_chain");
    return f;
}

int64_t clockJumps(std::vector<SeqPoint> points)
{
    std::sort(points.begin(), points.end(), [](const SeqPoint& a, const SeqPoint& b) { return a.seq < b.seq; });
    int64_t jumps = 0;
    for (size_t i = 1; i < points.size(); ++i) {
        const SeqPoint &a = points[i - 1], &b = points[i];
        if (a.boot == b.boot && std::llabs((b.wall - a.wall) - (b.mono - a.mono)) > 60'000) ++jumps;
    }
    return jumps;
}

int64_t longestEqualRun(std::vector<int64_t> times)
{
    if (times.size() < 3) return 0;
    std::sort(times.begin(), times.end());
    int64_t run = 1, best = 1;
    for (size_t i = 2; i < times.size(); ++i) {
        const int64_t gap = times[i] - times[i - 1], previous = times[i - 1] - times[i - 2];
        run = std::llabs(gap - previous) <= 1000 && gap < 10 * 60'000 ? run + 1 : 1;
        best = std::max(best, run);
    }
    return best + 1;
}

void addChainSignals(DeviceSignals& d, const ChainCheck& c)
{
    d.chainGaps = c.gapCount;
    d.chainBreaks = c.breakCount;
    d.chainRestarts = c.restarts;
}

} // namespace skm::central
