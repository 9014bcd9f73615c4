#pragma once
// The admin screen's "Sync now": skm-sync's own run (sync::syncDataDir, on a store connection of its
// own) reduced to what the technician reads (ui::SyncSummary). The one place the sync path's outcome
// becomes the screen's words: its Problem picks the catalogue key.

#include <kiosk/ui/controller.hpp>
#include <sync/uploader.hpp>

#include <filesystem>
#include <functional>

namespace skm::app {

// What the admin screen shows of a sync run.
[[nodiscard]] ui::SyncSummary summarize(const sync::SyncResult& r);

// One "Sync now" of the kiosk in `dataDir`: reads the provisioning there when called (a kiosk
// provisioned while it runs syncs without a restart), runs one sync with a 60 s deadline through
// `send` (libcurl's curlSend when empty), stopping early when its cancel flag is set (the kiosk is
// stopping), and summarizes it. Runs on the controller's worker thread (ui::BackgroundSync).
[[nodiscard]] ui::BackgroundSync::Runner syncNowRunner(std::filesystem::path dataDir, sync::Sender send = {});

} // namespace skm::app
