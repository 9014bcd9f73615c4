#pragma once
// The kiosk's configuration: embedded defaults, optionally overridden by a TOML file.
// config/skm-kiosk.example.toml lists every key with its default (a test keeps the two equal).

#include <core/config_error.hpp>
#include <core/reasons.hpp>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace skm::config {

// The fonts the kiosk uses when display.font names none: Debian's fonts-noto-core (the theme loads
// them; `skm-kiosk session check` looks for the regular one before the kiosk starts).
inline constexpr const char* kDefaultFont = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
inline constexpr const char* kDefaultBoldFont = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf";
inline constexpr const char* kDefaultFontPackage = "fonts-noto-core";


struct KioskConfig {
    // [kiosk]
    std::string officeName = "Mal Pelayanan Publik Kota Contoh";
    std::string counter = "Loket 1";
    int thanksSeconds = 4;  // how long "Terima kasih" stays before the screen resets
    int errorSeconds = 8;   // how long a "not saved" message stays
    int idleSeconds = 30;   // no touch for this long returns the attract screen to Bahasa Indonesia (officer screens: twice this)
    int followupIdleSeconds = 15; // the follow-up and the comment keyboard return to the attract screen sooner, so
                                  // the next citizen does not answer the previous one's question
    int surveyIdleSeconds = 60;   // a questionnaire question takes longer to read
    int responseIntervalSeconds = 3; // a press sooner than this after the previous one is stored as suppressed (0: off)
    int touchGuardMs = 400; // a new screen (or survey question) ignores presses for this long after it appears
    int commentMaxChars = 200;
    std::string assetsDir;  // translation catalogues; empty: found beside the executable or in the source tree
    // [officer]
    int caseExpiryMinutes = 10;     // a case nobody rates is closed as not rated
    int sessionIdleMinutes = 120;   // no officer activity for this long ends the session
    std::string endOfDay = "17:00"; // local time that ends every session; "" never
    bool sessionRatings = false;    // a tap during a session with no case counts for the officer, apart (scope 'session')
    // [queue] the queue system (antrian) opens the case (kiosk/queue/, docs/queue-integration.md)
    std::string queueListen;              // HOST:PORT of the integration endpoint on the office LAN; empty: off
    std::string queueKeyFile;             // the HMAC key (hex), readable by the kiosk only; empty: DATA_DIR/queue.key
    std::string queueCounter;             // this counter as the queue system names it; empty: kiosk.counter
    std::string queuePollUrl;             // a queue system to ask for the counter's current ticket; empty: no polling
    int queuePollIntervalMs = 2000;
    std::string queuePollTicket = "/ticket"; // JSON pointers into its answer: the ticket (required),
    std::string queuePollService;            // the service ("": queue.default_service)
    std::string queuePollNip;                // and the officer's NIP ("": the officer on duty)
    std::string queueDefaultService;         // the service of a call that names none
    std::map<std::string, std::string> queueServices; // [queue.services] the queue system's service code -> the catalogue's
    // [phone] the full questionnaire on the citizen's phone, through a one-time link (docs/phone-survey.md)
    bool phoneSurveyQr = true;     // the thanks screen shows the QR code (when the kiosk is provisioned)
    bool phoneAttractQr = true;    // and the attract screen while a case is open (with survey_qr)
    std::string phoneBaseUrl;      // the central office's address as phones reach it; "": the provisioning's URL
    int phoneLinkHours = 24;       // how long a link stays valid
    int phoneQrSeconds = 15;       // how long the thanks screen stays up while it shows the code
    // [complaint] the hand-off to the national complaint channel SP4N-LAPOR! after a complaint reason (docs/complaints.md)
    bool complaintEnabled = true;  // the thanks screen shows the channel's QR code and the rating's reference code
    std::string laporUrl = "https://www.lapor.go.id"; // the channel's address as the office gives it (https only)
    int complaintQrSeconds = 30;   // how long the thanks screen stays up while it shows the hand-off
    // [sync] skm-sync --service (issue 21): the intra-day sync, besides the nightly timer
    int syncIntervalMinutes = 5;   // from the start of one run to the start of the next
    // [voice] the question and its answers read aloud when the citizen asks (docs/voice.md); never the answer chosen
    bool voiceEnabled = false;    // the speaker button on the citizen's screens
    int voiceVolume = 80;         // 0..100 of espeak-ng's own level
    int voiceRate = 150;          // words per minute (80..300)
    std::string voiceDevice = "default"; // the ALSA device that plays it
    std::string voiceWavDir;      // a test or a diagnosis: each utterance written to a WAV file here instead of played; "": played
    // [admin]
    std::string adminPinHash;             // Argon2id of the technician's PIN (skm-kiosk hash-pin); empty: no admin screen
    std::string exportDir = "/media/usb"; // where "export to USB" writes
    // [device]
    std::string deviceId;   // empty: made once and kept in DATA_DIR/device-id
    // [store]
    std::string dataDir = "skm-data";
    int busyTimeoutMs = 5000;
    // [display]
    bool fullscreen = true;
    int width = 1280;       // window size when not full-screen
    int height = 800;
    double uiScale = 1.0;   // multiplies the scale derived from the window size
    double diagonalInches = 0; // the panel's diagonal; 0: from the monitor, else assumed from the resolution
    bool largeText = false;    // larger text and targets for an office that serves many elderly citizens
    std::string font;       // TTF path; empty: kDefaultFont
    std::string fontBold;
    // [[reasons.low]] for scores 1-2 and [[reasons.high]] for scores 3-4
    std::vector<Reason> reasonsLow = defaultReasonsLow();
    std::vector<Reason> reasonsHigh = defaultReasonsHigh();
};

struct LoadResult {
    KioskConfig config;
    std::vector<std::string> warnings; // unknown keys, "FILE:LINE: unknown key 'K' ignored"
};

// Reads `path` over the embedded defaults. Throws ConfigError for a missing file, bad TOML,
// a value of the wrong type or out of range.
[[nodiscard]] LoadResult loadFile(const std::filesystem::path& path);
// The same, for TOML text; `name` stands for the file in messages.
[[nodiscard]] LoadResult loadText(const std::string& text, const std::string& name);

// Minutes after midnight of "HH:MM", or -1 if it is not a valid time of day.
[[nodiscard]] int endOfDayMinutes(const std::string& hhmm);

// Key = value lines of the effective configuration, for the start-up log.
[[nodiscard]] std::vector<std::string> describe(const KioskConfig& config);

} // namespace skm::config
