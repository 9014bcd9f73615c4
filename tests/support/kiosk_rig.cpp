#include "kiosk_rig.hpp"

#include <kiosk/roster/roster_store.hpp>
#include <kiosk/ui/widgets.hpp>

#include <stb_image.h>

#include <catch2/catch.hpp>

namespace skm::test {

ui::Image StubImages::get(const std::string& path)
{
    int w = 0, h = 0, channels = 0;
    if (!stbi_info(path.c_str(), &w, &h, &channels)) return {};
    return {reinterpret_cast<ImTextureID>(static_cast<intptr_t>(1)), w, h};
}

KioskRig::~KioskRig() { ui::setImageSource(nullptr); }

KioskRig::KioskRig(RigOptions o)
    : clock(o.wallMs, 1'000), driver(o.display, static_cast<float>(o.config.diagonalInches), o.config.largeText), catalog(config::Catalog::load(sourceDir() / "assets"))
{
    store::StoreOptions so;
    so.dataDir = dir / "data";
    so.deviceId = o.deviceId;
    so.counter = o.config.counter;
    so.clock = &clock;
    so.vfs = o.vfs;
    lock = std::make_unique<store::InstanceLock>(so.dataDir);
    so.instanceLock = lock.get();
    st = std::make_unique<store::RatingStore>(so);
    if (o.demoRoster) roster::replaceRoster(st->database(), roster::loadRosterFile((sourceDir() / "config" / "demo-roster.toml").string()), 0);
    settings = ui::UiSettings::from(o.config);
    if (o.usbStick) {
        std::filesystem::create_directories(dir / "usb");
        settings.exportDir = (dir / "usb").string();
    }
    controller = std::make_unique<ui::Controller>(*st, settings, clock, catalog);
    ui::setImageSource(&images);
    controller->setPhotoLocator([data = dir / "data"](const roster::Officer& officer) {
        const auto path = roster::photoPath(data, officer);
        return path ? path->string() : std::string();
    });
    if (o.surveySource) {
        source = std::make_unique<config::SurveySource>(dir / "data" / "survey.toml");
        controller->setSurveySource(source.get());
    }
    if (o.desk) {
        auth = std::make_unique<roster::Authenticator>(*st);
        duty = std::make_unique<roster::Duty>(*st, o.config.counter, o.policy);
        controller->attachOfficerDesk(*auth, *duty);
    }
    frame();
}

void KioskRig::frame()
{
    driver.frame([&] { controller->drawFrame(driver.theme()); });
}

bool KioskRig::has(const std::string& name) const { return ui::findTarget(name) != nullptr; }

ImVec2 KioskRig::centre(const std::string& name)
{
    const ui::Target* t = ui::findTarget(name);
    INFO("target " << name << " on screen " << ui::screenName(controller->screen()));
    REQUIRE(t != nullptr);
    return t->rect.center();
}

void KioskRig::waitUntilArmed()
{
    const int64_t armedAt = controller->touchArmedAtMs();
    if (clock.monoMs() < armedAt) wait(armedAt - clock.monoMs());
}

void KioskRig::tap(const std::string& name)
{
    waitUntilArmed();
    driver.tap(centre(name), [&] { controller->drawFrame(driver.theme()); });
}

void KioskRig::tapAfter(int64_t afterMs, const std::string& name) { tapAfter(afterMs, centre(name)); }

void KioskRig::tapAfter(int64_t afterMs, ImVec2 at)
{
    if (afterMs > 0) wait(afterMs);
    driver.tap(at, [&] { controller->drawFrame(driver.theme()); });
}

void KioskRig::press(ImVec2 at) { driver.hold(at, [&] { controller->drawFrame(driver.theme()); }); }

void KioskRig::release()
{
    ImGui::GetIO().MouseDown[0] = false;
    frame(); // the release: a click is reported here
    frame();
}

void KioskRig::wait(int64_t ms)
{
    clock.advance(ms);
    (void)controller->tick();
    frame();
}

void KioskRig::key(ImGuiKey k)
{
    driver.key(k, [&] { controller->drawFrame(driver.theme()); });
}

void KioskRig::type(const std::string& chars)
{
    driver.type(chars, [&] { controller->drawFrame(driver.theme()); });
}

void KioskRig::tabTo(const std::string& name)
{
    for (int i = 0; i < 80; ++i) {
        const ui::Target* f = ui::focusedTarget();
        if (f && f->name == name) return;
        key(ImGuiKey_Tab);
    }
    FAIL("Tab never reached " << name);
}

std::string KioskRig::q(const std::string& sql) { return st->database().queryText(sql); }

int64_t KioskRig::count(const std::string& sqlFrom) { return st->database().queryInt("SELECT count(*) FROM " + sqlFrom); }

} // namespace skm::test
