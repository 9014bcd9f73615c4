// The translation catalogues against the keys the code really uses, read from the sources (not a
// hand-kept list): every key looked up exists in both catalogues, every catalogue key is used
// somewhere, and Indonesian and English hold the same keys. Numbers as each language writes them.

#include "support/test_util.hpp"

#include <core/catalog.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>

using namespace skm;
namespace fs = std::filesystem;

namespace {

// Every C++ source under the kiosk's UI and app folders.
std::vector<fs::path> sources()
{
    std::vector<fs::path> out;
    for (const char* dir : {"kiosk/ui", "kiosk/app"}) {
        for (const auto& e : fs::recursive_directory_iterator(test::sourceDir() / dir)) {
            const std::string ext = e.path().extension().string();
            if (ext == ".cpp" || ext == ".hpp") out.push_back(e.path());
        }
    }
    return out;
}

// The string literals of `code` (ordinary "..." literals; escapes kept as written).
std::vector<std::string> literals(const std::string& code)
{
    static const std::regex literal(R"re("((?:[^"\\\n]|\\.)*)")re");
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(code.begin(), code.end(), literal); it != std::sregex_iterator(); ++it) out.push_back((*it)[1]);
    return out;
}

// The keys passed as literals to a catalogue lookup: t("k"), text(lang, "k"), format(lang, "k", ...),
// say("k", ...) (the officer's message line) and line("k", ...) (an admin screen line).
std::set<std::string> lookedUp(const std::string& code)
{
    static const std::regex call(R"re(\b(?:t|say|line)\(\s*"([a-z_0-9]+\.[a-z_0-9.]+)"|\b(?:text|format)\(\s*[^,()"]+,\s*"([a-z_0-9]+\.[a-z_0-9.]+)")re");
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(code.begin(), code.end(), call); it != std::sregex_iterator(); ++it) {
        out.insert((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
    }
    return out;
}

} // namespace

TEST_CASE("the catalogues hold every key the code looks up, no key it does not use, and the same keys in both languages", "[i18n]")
{
    const auto catalog = config::Catalog::load(test::sourceDir() / "assets");
    const std::vector<std::string> idKeys = catalog.keys(config::Lang::Id);
    const std::set<std::string> known(idKeys.begin(), idKeys.end());
    std::set<std::string> looked, mentioned;
    for (const fs::path& file : sources()) {
        const std::string code = test::readFile(file);
        for (const std::string& k : lookedUp(code)) looked.insert(k);
        for (const std::string& l : literals(code)) {
            if (known.count(l)) mentioned.insert(l);
        }
    }
    REQUIRE(looked.size() > 50); // the scan really finds the lookups
    for (const std::string& key : looked) {
        INFO("key looked up in the code: " << key);
        CHECK(known.count(key) == 1);
    }
    for (const std::string& key : idKeys) {
        INFO("catalogue key never mentioned in kiosk/ui or kiosk/app: " << key);
        CHECK(mentioned.count(key) == 1);
    }
    CHECK(catalog.missing(config::Lang::En, idKeys).empty());
    CHECK(catalog.unused(config::Lang::En, idKeys).empty());
}

TEST_CASE("the scan finds a key the code would look up but the catalogues lack", "[i18n]")
{
    // The scanner itself: a lookup of a missing key is seen, so the test above can fail.
    const std::set<std::string> found = lookedUp(R"(s.t("attract.nothing_here"); catalog.format(config::Lang::Id, "signin.gone", {}); say("officer.new_one", true);)");
    CHECK(found == std::set<std::string>{"attract.nothing_here", "signin.gone", "officer.new_one"});
}

TEST_CASE("numbers as each language writes them", "[i18n]")
{
    using config::Lang;
    CHECK(config::formatNumber(82.45, 2, Lang::Id) == "82,45");
    CHECK(config::formatNumber(82.45, 2, Lang::En) == "82.45");
    CHECK(config::formatNumber(1234.5, 1, Lang::Id) == "1.234,5");
    CHECK(config::formatNumber(1234.5, 1, Lang::En) == "1,234.5");
    CHECK(config::formatNumber(88.305, 2, Lang::Id) == "88,31"); // 88.305 is stored as 88.30500000000000682...
    CHECK(config::formatNumber(-0.004, 2, Lang::Id) == "0,00");
    CHECK(config::formatNumber(-3.5, 1, Lang::En) == "-3.5");
    CHECK(config::formatNumber(1000000, 0, Lang::Id) == "1.000.000");
    CHECK(config::formatCount(1234, Lang::Id) == "1.234");
    CHECK(config::formatCount(1234, Lang::En) == "1,234");
    CHECK(config::formatCount(999, Lang::Id) == "999");
    CHECK(config::formatCount(-1234567, Lang::Id) == "-1.234.567");
}
