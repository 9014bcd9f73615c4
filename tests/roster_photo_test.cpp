// Officers' photos in the roster: parsed and checked (size, type, dimensions, decoding, path), the
// whole roster refused for one bad photo; written into DATA_DIR/photos/ with the roster and removed
// when no officer uses them; `skm-kiosk roster import` copying them. Images are made at test time.

#include "support/test_images.hpp"
#include "support/test_util.hpp"

#include <kiosk/roster/photo_files.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/store/migrations.hpp>
#include <kiosk/store/rating_store.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <set>

using namespace skm;
using namespace skm::roster;
namespace fs = std::filesystem;

namespace {

const std::string kBudi = "198503302010011002";
const std::string kDewi = "199007152015032001";
const std::string kAgus = "198811202012121003";

void writeFile(const fs::path& file, const std::string& bytes)
{
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

std::string demoRoster() { return test::readFile(test::sourceDir() / "config" / "demo-roster.toml"); }

// `text` with `line` added to the [[officers]] entry of `nip` (right after its nip line).
std::string withLine(std::string text, const std::string& nip, const std::string& line)
{
    const std::string key = "nip = \"" + nip + "\"\n";
    const size_t at = text.find(key);
    REQUIRE(at != std::string::npos);
    text.insert(at + key.size(), line + "\n");
    return text;
}

std::string withPhoto(const std::string& text, const std::string& nip, const std::string& path) { return withLine(text, nip, "photo = \"" + path + "\""); }

// The photo files in a photos directory, by name.
std::set<std::string> filesIn(const fs::path& dir)
{
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) out.insert(e.path().filename().string());
    return out;
}

unsigned modeOf(const fs::path& p) { return static_cast<unsigned>(fs::status(p).permissions()) & 07777; }

struct Rig {
    Rig()
    {
        store::StoreOptions o;
        o.dataDir = dataDir;
        o.deviceId = "photo-test";
        o.counter = "Loket 3";
        st = std::make_unique<store::RatingStore>(o);
    }
    test::TempDir dir;
    fs::path dataDir = dir / "data";
    std::unique_ptr<store::RatingStore> st;
};

} // namespace

TEST_CASE("a roster may give an officer a PNG or JPEG photo, checked and named by its content", "[roster][photo]")
{
    test::TempDir dir;
    const std::string budi = test::makeJpeg(300, 400, 1), dewi = test::makePng(256, 256, 2);
    writeFile(dir / "photos" / (kBudi + ".jpg"), budi);
    writeFile(dir / "photos" / "dewi.png", dewi);
    const std::string text = withPhoto(withPhoto(demoRoster(), kBudi, "photos/" + kBudi + ".jpg"), kDewi, "photos/dewi.png");
    writeFile(dir / "roster.toml", text);

    const Roster r = loadRosterFile((dir / "roster.toml").string());
    REQUIRE(r.officers.size() == 3);
    CHECK(isPhotoFileName(r.officers[0].photo));
    CHECK_THAT(r.officers[0].photo, Catch::EndsWith(".jpg"));
    CHECK_THAT(r.officers[1].photo, Catch::EndsWith(".png"));
    CHECK(r.officers[2].photo.empty()); // Agus has none
    REQUIRE(r.photos.size() == 2);
    CHECK(r.photos.at(r.officers[0].photo) == budi);
    CHECK(r.photos.at(r.officers[1].photo) == dewi);

    // The name follows the content, not the path: the same photo under another path is the same file.
    writeFile(dir / "elsewhere" / "copy.jpg", budi);
    const Roster shared = parseRoster(withPhoto(text, kAgus, "elsewhere/copy.jpg"), "roster.toml", photosIn({dir.path()}));
    CHECK(shared.officers[2].photo == r.officers[0].photo);
    CHECK(shared.photos.size() == 2);

    // Without a source (a reader that wants names only) the paths are checked but nothing is read.
    const Roster names = parseRoster(text, "roster.toml", nullptr);
    CHECK(names.officers[0].photo.empty());
    CHECK(names.photos.empty());

    // photo = "" is the same as none.
    CHECK(parseRoster(withPhoto(demoRoster(), kBudi, ""), "roster.toml", photosIn({dir.path()})).officers[0].photo.empty());
}

TEST_CASE("the photo checks: at most 512 KiB, PNG or JPEG by its bytes, at most 2048x2048, decodable", "[roster][photo]")
{
    PhotoInfo info;
    CHECK(photoProblem(test::makePng(2048, 2048), &info).empty());
    CHECK(info.type == "png");
    CHECK(info.width == 2048);
    CHECK(photoProblem(test::makeJpeg(64, 48), &info).empty());
    CHECK(info.type == "jpg");
    CHECK(info.height == 48);
    CHECK(photoSizeProblem(kMaxPhotoBytes).empty());
    CHECK_THAT(photoSizeProblem(kMaxPhotoBytes + 1), Catch::Equals("is 513 KiB, more than the 512 KiB allowed"));
    CHECK_THAT(photoProblem(test::makePng(2049, 4)), Catch::Equals("is 2049x4 pixels, more than the 2048x2048 allowed"));
    CHECK_THAT(photoProblem(test::makeBmp(8, 8)), Catch::Equals("is not a PNG or JPEG image")); // stb_image would decode it
    CHECK_THAT(photoProblem(""), Catch::Equals("is not a PNG or JPEG image"));
    const std::string png = test::makePng(64, 64);
    CHECK_THAT(photoProblem(png.substr(0, png.size() / 2)), Catch::StartsWith("cannot be decoded")); // the header reads, the pixels do not
    CHECK_THAT(photoProblem(std::string("\xFF\xD8\xFF", 3) + std::string(100, 'x')), Catch::StartsWith("cannot be decoded"));
    CHECK(photoFileName(png, {"png", 64, 64}).size() == 36);
    CHECK(isPhotoFileName(photoFileName(png, {"png", 64, 64})));
    CHECK_FALSE(isPhotoFileName("../skm.db"));
    CHECK_FALSE(isPhotoFileName("0123456789abcdef0123456789ABCDEF.png"));
}

TEST_CASE("a bad photo refuses the whole roster, naming the officer and the reason", "[roster][photo]")
{
    test::TempDir dir;
    const std::string big = test::makeNoisePng(420, 420);
    REQUIRE(big.size() > kMaxPhotoBytes);
    const std::string png = test::makePng(64, 64);
    struct Case {
        std::string path;
        std::optional<std::string> file; // written at `path` under the roster's directory
        std::string words;
    };
    const Case cases[] = {
        {"photos/big.png", big, "is " + std::to_string((big.size() + 1023) / 1024) + " KiB, more than the 512 KiB allowed"},
        {"photos/budi.bmp", test::makeBmp(32, 32), "is not a PNG or JPEG image"},
        {"photos/budi.jpg", std::string("not an image\n"), "is not a PNG or JPEG image"},
        {"photos/cut.png", png.substr(0, png.size() / 2), "cannot be decoded"},
        {"photos/wide.png", test::makePng(2049, 8), "is 2049x8 pixels, more than the 2048x2048 allowed"},
        {"photos/tall.jpg", test::makeJpeg(8, 2100), "is 8x2100 pixels, more than the 2048x2048 allowed"},
        {"photos/nobody.jpg", std::nullopt, "is missing"},
        {"photos", std::nullopt, "is missing"}, // a directory
        {"../../etc/passwd", std::nullopt, "must be a path inside the roster's directory"},
        {"/etc/passwd", std::nullopt, "must be a path inside the roster's directory"},
        {"photos/../../x.png", std::nullopt, "must be a path inside the roster's directory"},
        {"./x.png", std::nullopt, "must be a path inside the roster's directory"},
        {".x.png", std::nullopt, "must be a path inside the roster's directory"},
        {"photos//x.png", std::nullopt, "must be a path inside the roster's directory"},
        {"photos\\\\x.png", std::nullopt, "must be a path inside the roster's directory"},
        {"foto budi.jpg", std::nullopt, "must be a path inside the roster's directory"},
    };
    for (const Case& c : cases) {
        INFO(c.path);
        if (c.file) writeFile(dir / c.path, *c.file);
        const std::string text = withPhoto(withPhoto(demoRoster(), kDewi, "photos/ok.png"), kBudi, c.path);
        writeFile(dir / "photos" / "ok.png", png);
        writeFile(dir / "roster.toml", text);
        try {
            (void)loadRosterFile((dir / "roster.toml").string());
            FAIL("must be refused");
        } catch (const RosterError& e) {
            const std::string shown = c.path == "photos\\\\x.png" ? "photos\\x.png" : c.path; // as TOML reads it: one backslash
            CHECK_THAT(e.what(), Catch::StartsWith((dir / "roster.toml").string() + ":") &&
                                     Catch::Contains("officers[1] (NIP " + kBudi + "): photo '" + shown + "' " + c.words));
        }
    }

    // Not a string, too long a path.
    CHECK_THROWS_WITH(parseRoster(withLine(demoRoster(), kBudi, "photo = 3"), "roster.toml", nullptr), Catch::Contains("'photo' must be a string"));
    CHECK_THROWS_WITH(parseRoster(withPhoto(demoRoster(), kBudi, std::string(201, 'a')), "roster.toml", nullptr),
                      Catch::Contains("'photo' is longer than 200 characters"));

    // All the photos together: at most 8 MiB (counted per path, as they travel), checked before each is decoded.
    std::string many = "version = \"many\"\n";
    const std::string hash = parseRoster(demoRoster(), "demo", nullptr).officers[0].pinHash;
    const std::string near = test::makeNoisePng(400, 400);
    REQUIRE(near.size() <= kMaxPhotoBytes);
    for (int i = 10; i < 10 + 24; ++i) {
        writeFile(dir / "many" / (std::to_string(i) + ".png"), near);
        many += "[[officers]]\nnip = \"1985033020100110" + std::to_string(i) + "\"\nname = \"Petugas " + std::to_string(i) + "\"\nunit = \"U\"\npin_hash = \"" + hash +
                "\"\nphoto = \"many/" + std::to_string(i) + ".png\"\n";
    }
    many += "[[services]]\ncode = \"x\"\nid = \"x\"\nen = \"x\"\n";
    CHECK_THROWS_WITH(parseRoster(many, "roster.toml", photosIn({dir.path()})), Catch::Contains("the roster's photos come to more than the 8 MiB allowed in all"));
}

TEST_CASE("an officer's name may have 40 characters and more: the limit of 120 counts characters, not bytes", "[roster]")
{
    const std::string forty = "Dra. Ni Luh Putu Ayu Sekarwangi Dewi, MM";
    REQUIRE(forty.size() == 40);
    auto named = [](const std::string& name) {
        std::string t = demoRoster();
        const std::string from = "name = \"Budi Santoso\"";
        t.replace(t.find(from), from.size(), "name = \"" + name + "\"");
        return parseRoster(t, "roster.toml", nullptr);
    };
    CHECK(named(forty).officers[0].name == forty);
    std::string accented;
    for (int i = 0; i < 120; ++i) accented += "\xC3\xA9"; // é: 120 characters, 240 bytes
    CHECK(named(accented).officers[0].name == accented);
    CHECK_THROWS_WITH(named(accented + "e"), Catch::Contains("'name' is longer than 120 characters"));
}

TEST_CASE("replacing the roster writes its photos into DATA_DIR/photos and removes the ones no officer uses", "[roster][photo]")
{
    Rig rig;
    fs::permissions(rig.dataDir, fs::perms(0750));
    store::Database& db = rig.st->database();
    test::TempDir src;
    const std::string budi1 = test::makeJpeg(120, 160, 1), budi2 = test::makeJpeg(120, 160, 2), dewi = test::makePng(100, 100, 3);
    writeFile(src / "b1.jpg", budi1);
    writeFile(src / "b2.jpg", budi2);
    writeFile(src / "d.png", dewi);
    const PhotoSource files = photosIn({src.path()});
    const Roster first = parseRoster(withPhoto(withPhoto(demoRoster(), kBudi, "b1.jpg"), kDewi, "d.png"), "first", files);
    replaceRoster(db, first, 1000);

    const fs::path photos = photosDir(rig.dataDir);
    CHECK(modeOf(photos) == 0750); // the data directory's
    const auto budi = findOfficer(db, kBudi);
    REQUIRE(budi);
    CHECK(budi->photo == first.officers[0].photo);
    const auto budiFile = photoPath(rig.dataDir, *budi);
    REQUIRE(budiFile);
    CHECK(*budiFile == photos / budi->photo);
    CHECK(test::readFile(*budiFile) == budi1);
    CHECK(modeOf(*budiFile) == 0644);
    const std::string dewiFile = findOfficer(db, kDewi)->photo;
    CHECK(test::readFile(photos / dewiFile) == dewi);
    CHECK_FALSE(photoPath(rig.dataDir, *findOfficer(db, kAgus)));
    CHECK(readRoster(db)->officers.size() == 3);
    CHECK(filesIn(photos).size() == 2);

    // A file someone else put there stays; a temporary file left by an import that crashed goes.
    writeFile(photos / "README.txt", "not ours");
    const std::string leftover = "." + std::string(32, 'a') + ".jpg.tmp";
    writeFile(photos / leftover, "half");

    // Budi's photo changes, Dewi's is dropped.
    const Roster second = parseRoster(withPhoto(demoRoster(), kBudi, "b2.jpg"), "second", files);
    replaceRoster(db, second, 2000);
    const std::string budi2File = findOfficer(db, kBudi)->photo;
    CHECK(budi2File != budi->photo);
    CHECK(test::readFile(*photoPath(rig.dataDir, *findOfficer(db, kBudi))) == budi2);
    CHECK(findOfficer(db, kDewi)->photo.empty());
    CHECK(filesIn(photos) == std::set<std::string>{budi2File, "README.txt"});

    // A roster that does not commit leaves the roster and the photos in force; the files it wrote go
    // with the next roster that does.
    Roster broken = parseRoster(withPhoto(withPhoto(demoRoster(), kBudi, "b1.jpg"), kDewi, "d.png"), "broken", files);
    broken.services.push_back(broken.services.front()); // a service code twice: the insert fails
    CHECK_THROWS_AS(replaceRoster(db, broken, 3000), store::SqliteError);
    CHECK(findOfficer(db, kBudi)->photo == budi2File);
    CHECK(test::readFile(*photoPath(rig.dataDir, *findOfficer(db, kBudi))) == budi2);
    CHECK(findOfficer(db, kDewi)->photo.empty());
    replaceRoster(db, second, 4000);
    CHECK(filesIn(photos) == std::set<std::string>{budi2File, "README.txt"});

    // A roster without photos leaves none behind; photoPath never leaves the photos directory.
    replaceRoster(db, parseRoster(demoRoster(), "none", files), 5000);
    CHECK(filesIn(photos) == std::set<std::string>{"README.txt"});
    Officer stranger = *budi;
    stranger.photo = "../skm.db";
    CHECK_FALSE(photoPath(rig.dataDir, stranger));
    stranger.photo = budi2File; // removed
    CHECK_FALSE(photoPath(rig.dataDir, stranger));
}

TEST_CASE("an officer imported before schema 9 has no photo after the upgrade", "[roster][photo][migrations]")
{
    test::TempDir dir;
    fs::create_directories(dir / "data");
    {
        store::Database db((dir / "data" / "skm.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        REQUIRE(store::migrate(db, 8) == 0);
        db.exec("INSERT INTO roster_officers (nip, name, unit, pin_hash) VALUES ('" + kBudi + "', 'Budi Santoso', 'Perizinan', '$argon2id$x')");
        db.exec("INSERT INTO meta (key, value) VALUES ('roster_version', 'v8')");
    }
    store::StoreOptions o;
    o.dataDir = dir / "data";
    o.deviceId = "photo-test";
    o.counter = "Loket 3";
    store::RatingStore st(o);
    CHECK(st.schemaVersion() >= 9);
    const auto budi = findOfficer(st.database(), kBudi);
    REQUIRE(budi);
    CHECK(budi->name == "Budi Santoso");
    CHECK(budi->photo.empty());
    CHECK_FALSE(photoPath(dir / "data", *budi));
}

TEST_CASE("skm-kiosk roster import copies the roster's photos into DATA_DIR/photos, and a bad photo changes nothing", "[cli][roster][photo]")
{
    test::TempDir dir;
    const std::string kiosk = (test::binDir() / "skm-kiosk").string();
    const std::string dataDir = (dir / "data").string();
    const std::string budi = test::makeJpeg(200, 260, 4), dewi = test::makePng(90, 120, 5);
    writeFile(dir / "roster" / "photos" / (kBudi + ".jpg"), budi);
    writeFile(dir / "roster" / "photos" / (kDewi + ".png"), dewi);
    const std::string text = withPhoto(withPhoto(demoRoster(), kBudi, "photos/" + kBudi + ".jpg"), kDewi, "photos/" + kDewi + ".png");
    writeFile(dir / "roster" / "roster.toml", text);

    auto r = test::run({kiosk, "roster", "import", (dir / "roster" / "roster.toml").string(), "--data-dir", dataDir});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("3 officers, 6 services, 2 photos"));
    const auto copied = filesIn(dir / "data" / "photos");
    REQUIRE(copied.size() == 2);
    std::set<std::string> contents;
    for (const auto& f : copied) contents.insert(test::readFile(dir / "data" / "photos" / f));
    CHECK(contents == std::set<std::string>{budi, dewi});

    // Dewi's photo replaced by something that is not an image: refused whole, nothing changes.
    writeFile(dir / "roster" / "photos" / (kDewi + ".png"), "<html>not a photo</html>");
    r = test::run({kiosk, "roster", "import", (dir / "roster" / "roster.toml").string(), "--data-dir", dataDir});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("roster refused, nothing changed") &&
                          Catch::Contains("officers[2] (NIP " + kDewi + "): photo 'photos/" + kDewi + ".png' is not a PNG or JPEG image"));
    CHECK(filesIn(dir / "data" / "photos") == copied);

    // A roster without photos: the copies go.
    writeFile(dir / "roster" / "roster.toml", demoRoster());
    r = test::run({kiosk, "roster", "import", (dir / "roster" / "roster.toml").string(), "--data-dir", dataDir});
    CHECK(r.exitCode == 0);
    CHECK(filesIn(dir / "data" / "photos").empty());
}
