#pragma once
// skm-central complaint-ref CODE [--format table|json]: the rating a complaint's reference code came
// from (docs/complaints.md), for the office that receives the complaint through SP4N-LAPOR!.

#include <central/store/central_store.hpp>

#include <string>

namespace skm::central {

// Prints the rating(s) behind `code` (any case, with or without "SKM-" and dashes) on stdout: time,
// device, counter, officer (NIP, name), service, case, score, reasons, comment. Exit status: 0 found,
// 1 no rating has that code, 2 not a reference code.
[[nodiscard]] int runComplaintRef(CentralStore& store, const std::string& dataDir, const std::string& code, const std::string& format);

} // namespace skm::central
