#pragma once
// NIP (Nomor Induk Pegawai) of a civil servant, per BKN: 18 digits
//   YYYYMMDD  date of birth
//   YYYYMM    year and month of appointment (TMT CPNS)
//   G         1 = male, 2 = female
//   NNN       sequence number, 001..999

#include <optional>
#include <string>
#include <string_view>

namespace skm::roster {

struct NipInfo {
    int birthYear = 0, birthMonth = 0, birthDay = 0;
    int appointedYear = 0, appointedMonth = 0;
    int gender = 0; // 1 or 2
    int sequence = 0;
};

// Parses and checks `nip`. On failure returns nullopt and sets `why` to a reason for a person,
// e.g. "the date of birth 1985-02-30 does not exist".
[[nodiscard]] std::optional<NipInfo> parseNip(std::string_view nip, std::string* why = nullptr);

} // namespace skm::roster
