#include "run_context.hpp"

#include <kiosk/session/session.hpp>

#include <fstream>

namespace fs = std::filesystem;

namespace skm::app {

void RunContext::ready(const std::string& status)
{
    if (readySent) return;
    readySent = true;
    watchdog.ready(status);
    session::clearStarts(options.dataDir); // the screen is up: no back-off for the next start
}

void RunContext::writeUiMap(const std::string& json) const
{
    if (options.uiMap) writeFileAtomically(*options.uiMap, json);
}

void writeFileAtomically(const fs::path& file, const std::string& text)
{
    const fs::path tmp = file.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
}

} // namespace skm::app
