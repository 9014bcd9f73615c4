// "Not saved": the commit failed (full disk, I/O error). No thanks; the tap is retried.

#include "common.hpp"

#include "../draw_util.hpp"

namespace skm::ui {

namespace {

class NoticeScreen final : public Screen {
public:
    ImU32 background(const Theme& t) const override { return t.warningBg; }
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        beginFullscreen("##notice");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float wrap = display.x * 0.85f;
        float y = display.y * 0.25f;
        y += drawCenteredWrapped(dl, t.question, s.t("notice.not_saved").c_str(), display.x * 0.5f, y, wrap, t.warning);
        y += t.body->FontSize;
        y += drawCenteredWrapped(dl, t.title, s.t(s.noticeDiskFull ? "notice.disk_full" : "notice.store_fault").c_str(), display.x * 0.5f, y, wrap, t.text);
        drawCenteredWrapped(dl, t.body, s.t("notice.will_retry").c_str(), display.x * 0.5f, y + t.body->FontSize * 0.5f, wrap, t.text);
        endFullscreen();
        return Intent::none();
    }
};

} // namespace

std::unique_ptr<Screen> makeNoticeScreen() { return std::make_unique<NoticeScreen>(); }

} // namespace skm::ui
