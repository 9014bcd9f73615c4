#pragma once
// Integrity signals, shown beside the scores and never applied to them (docs/reports.md): patterns in
// an officer's ratings, and a device's clock and chain, that a unit head should look at before trusting
// a score. Each is computed here once; scores.cpp gathers their inputs in its passes over the period.

#include "chain_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace skm::central {

struct OfficerSignals {
    int64_t fastTopAfterCase = 0;     // 4s tapped within 2 s of the officer handing the case over
    int64_t longestEqualRun = 0;      // the longest run of ratings at identical intervals (±1 s) on one device in one day
    int64_t withoutCase = 0;          // ratings carrying the officer's NIP but no case
    std::vector<std::string> devicesWithChainProblems; // devices the officer was rated on whose chain has gaps or breaks
    [[nodiscard]] std::vector<std::string> flags() const;
};

struct DeviceSignals {
    int64_t clockJumps = 0;   // ratings whose chain predecessor, of the same boot, is > 60 s further on the wall clock than on the monotonic one
    int64_t counterLevel = 0; // ratings with no case (counter-level) in the period
    // Over all time, from the chain check (chain_check.hpp): ratings whose predecessor never arrived,
    // ratings whose predecessor arrived altered, and chains begun again.
    int64_t chainGaps = 0, chainBreaks = 0, chainRestarts = 0;
    [[nodiscard]] int64_t chainProblems() const { return chainGaps + chainBreaks; }
};

// The chain check's figures for the device signals.
void addChainSignals(DeviceSignals& d, const ChainCheck& c);

} // namespace skm::central
