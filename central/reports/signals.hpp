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
    int64_t longestEqualRun = 0;      // the longest run of ratings at identical intervals (±1 s)
    int64_t withoutCase = 0;          // ratings carrying the officer's NIP but no case
    std::vector<std::string> devicesWithChainProblems; // devices the officer was rated on whose chain has gaps or breaks
    [[nodiscard]] std::vector<std::string> flags() const;
};

struct DeviceSignals {
    int64_t clockJumps = 0;   // consecutive ratings of one boot whose wall-clock step differs from the monotonic one by > 60 s
    int64_t counterLevel = 0; // ratings with no case (counter-level) in the period
    // Over all time, from the chain check (chain_check.hpp): ratings whose predecessor never arrived,
    // ratings whose predecessor arrived altered, and chains begun again.
    int64_t chainGaps = 0, chainBreaks = 0, chainRestarts = 0;
    [[nodiscard]] int64_t chainProblems() const { return chainGaps + chainBreaks; }
};

// A rating's place on its device, for the clock-jump signal: chain position, boot (hashed), wall and
// monotonic times.
struct SeqPoint {
    int64_t seq;
    size_t boot;
    int64_t wall, mono;
};

// Consecutive ratings (by chain position) of one boot whose wall-clock step differs from the monotonic
// step by more than 60 s: the device's clock was set while it ran.
[[nodiscard]] int64_t clockJumps(std::vector<SeqPoint> points);
// The longest run of ratings at identical intervals (within 1 s, each under 10 minutes), as a number of
// ratings (a run of k equal gaps spans k + 1); 0 for fewer than 3 ratings.
[[nodiscard]] int64_t longestEqualRun(std::vector<int64_t> tapTimes);
// The chain check's figures for the device signals.
void addChainSignals(DeviceSignals& d, const ChainCheck& c);

} // namespace skm::central
