#pragma once
// The citizen-facing text (Bahasa Indonesia). Issue 3 moves these into translation catalogues under
// assets/ with an English alternative; until then this is the one place they live.

namespace skm::ui::text {

inline constexpr const char* kQuestion = "Bagaimana pelayanan petugas kami hari ini?";
inline constexpr const char* kHint = "Sentuh salah satu wajah";
inline constexpr const char* kThanks = "Terima kasih!";
inline constexpr const char* kThanksDetail = "Penilaian Anda telah tersimpan.";
inline constexpr const char* kNotSaved = "Maaf, penilaian Anda belum tersimpan.";
inline constexpr const char* kDiskFull = "Penyimpanan kiosk penuh.";
inline constexpr const char* kStoreFault = "Terjadi gangguan pada penyimpanan kiosk.";
inline constexpr const char* kWillRetry = "Kiosk akan mencoba menyimpannya lagi. Mohon beri tahu petugas.";
inline constexpr const char* kRetriesPending = "penilaian menunggu disimpan ulang";

} // namespace skm::ui::text
