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
        drawNotice(t, s.t("notice.not_saved"), s.t(s.noticeDiskFull ? "notice.disk_full" : "notice.store_fault"), s.t("notice.will_retry"));
        return Intent::none();
    }
};

} // namespace

std::unique_ptr<Screen> makeNoticeScreen() { return std::make_unique<NoticeScreen>(); }

} // namespace skm::ui
