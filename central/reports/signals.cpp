#include "signals.hpp"


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

void addChainSignals(DeviceSignals& d, const ChainCheck& c)
{
    d.chainGaps = c.gapCount;
    d.chainBreaks = c.breakCount;
    d.chainRestarts = c.restarts;
}

} // namespace skm::central
