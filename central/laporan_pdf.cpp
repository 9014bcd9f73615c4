// The laporan printed to PDF by headless Chromium (laporan.hpp): the HTML in a private scratch
// directory, Chromium run without a shell and killed after 120 s, the PDF moved into place whole.

#include "laporan.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace skm::central::laporan {

std::string pdfOf(const std::string& htmlText)
{
    // Chromium wants a profile directory and writes crash reports: a private scratch directory.
    char dirTemplate[] = "/tmp/skm-laporan-XXXXXX";
    const char* dir = mkdtemp(dirTemplate);
    if (!dir) throw std::runtime_error(std::string("cannot make a scratch directory: ") + std::strerror(errno));
    const std::filesystem::path scratch(dir);
    struct Cleanup {
        std::filesystem::path p;
        ~Cleanup()
        {
            std::error_code ec;
            std::filesystem::remove_all(p, ec);
        }
    } cleanup{scratch};
    const std::filesystem::path htmlFile = scratch / "laporan.html", out = scratch / "laporan.pdf";
    std::ofstream(htmlFile, std::ios::binary) << htmlText;
    const std::string outArg = "--print-to-pdf=" + out.string(), profile = "--user-data-dir=" + (scratch / "profile").string(), url = "file://" + htmlFile.string();
    std::vector<std::string> args = {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                                     "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000", profile, outArg, url};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    const std::string log = (scratch / "chromium.log").string();
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, "chromium", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("the PDF needs Chromium (apt-get install chromium), which could not be started: " + std::string(std::strerror(rc)) +
                                          "; --format html writes the same report without it");
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            throw std::runtime_error("Chromium did not print the PDF within 120 s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(out) || std::filesystem::file_size(out, ec) == 0) {
        std::ifstream l(log);
        std::string tail((std::istreambuf_iterator<char>(l)), std::istreambuf_iterator<char>());
        if (tail.size() > 600) tail = tail.substr(tail.size() - 600);
        throw std::runtime_error("Chromium wrote no PDF (exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + "): " + tail);
    }
    std::ifstream pdf(out, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(pdf)), std::istreambuf_iterator<char>());
}

void printPdf(const std::string& htmlText, const std::filesystem::path& pdfPath)
{
    const std::string bytes = pdfOf(htmlText);
    // Into place whole: a reader never sees half a PDF.
    const std::filesystem::path tmp = pdfPath.string() + ".part";
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << bytes;
    f.close();
    if (!f) throw std::runtime_error("cannot write " + tmp.string());
    std::filesystem::rename(tmp, pdfPath);
}

} // namespace skm::central::laporan
