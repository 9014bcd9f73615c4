#pragma once
// The one way every SKM command parses its command line: --help / --help-all / --version print and
// exit 0; a usage error says what was wrong, points at --help, and exits with status 2 (SPEC.md).

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>

namespace skm::cli {

inline constexpr int kUsageError = 2;

// Parses; returns the exit status when the program should stop now, or nullopt to go on. `redact`,
// when given, filters a usage error's message (skm-central: a mistyped flag's database URL is echoed
// by CLI11 as an unexpected argument, its password with it).
[[nodiscard]] inline std::optional<int> parse(CLI::App& app, int argc, char** argv, const std::string& name,
                                              std::string (*redact)(const std::string&) = nullptr)
{
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << name << ": " << (redact ? redact(e.what()) : std::string(e.what())) << "\nRun '" << name << " --help' for usage.\n";
        return kUsageError;
    }
    return std::nullopt;
}

} // namespace skm::cli
