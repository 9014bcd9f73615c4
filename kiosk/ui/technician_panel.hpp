#pragma once
// The technician's panel (after the technician's PIN on the sign-in, F12 or the long press on the
// counter name): the kiosk's state in lines (device, version, queue, last sync, this counter's IKM,
// storage, who is on duty), "Sync now" (one background run, background_sync.hpp), "Export to USB",
// the screen test, and "leave the kiosk" for maintenance (asks to confirm). Its slice is AdminView.

#include "background_sync.hpp"
#include "flow.hpp"

#include <core/survey.hpp>
#include <kiosk/roster/duty.hpp>
#include <kiosk/store/export.hpp>

#include <functional>
#include <string>
#include <utility>

namespace skm::ui {

class TechnicianPanel {
public:
    TechnicianPanel(FlowContext ctx, AdminView& view);

    // Who is on duty, for the panel's line (must outlive the panel; null: nobody).
    void setDuty(const roster::Duty* duty) { m_duty = duty; }
    // The survey definition in force, whose [ikm] weighting the IKM line uses (null: the built-in one's).
    void setSurveySource(config::SurveySource* source) { m_survey = source; }
    // See Controller::setSyncRunner and Controller::setExportKey.
    void setSyncRunner(BackgroundSync::Runner run, std::function<void()> wake) { m_sync.setRunner(std::move(run), std::move(wake)); }
    void setExportKey(std::function<store::ExportKey()> key) { m_exportKey = std::move(key); }

    // The panel as it opens: its lines read afresh, no message, no screen test.
    void open();
    // AdminCommand (Leave asks to confirm; the router calls leaveKiosk() on yes).
    void handle(const Intent& in);
    // The technician confirmed "leave the kiosk": audited, and the app leaves for maintenance.
    void leaveKiosk();
    // Back to the start: the screen test ends.
    void reset() { m_view.screenTest = 0; }
    // Takes a finished "Sync now" result: its message, and the lines again. True if there was one.
    bool drainBackground();
    [[nodiscard]] bool syncRunning() const noexcept { return m_sync.running(); }
    [[nodiscard]] bool quitRequested() const noexcept { return m_quit; }

private:
    void refresh();
    void exportToUsb();
    // This counter's IKM this month, its weakest and strongest unsur, and its sample-size line.
    struct IkmLines {
        std::string ikm, nrr, sample;
    };
    [[nodiscard]] IkmLines counterIkmLines();
    void say(const char* key, bool error) { ui::say(m_view.message, m_ctx.shared, key, error); }

    FlowContext m_ctx;
    AdminView& m_view;
    const roster::Duty* m_duty = nullptr;
    config::SurveySource* m_survey = nullptr;
    std::function<store::ExportKey()> m_exportKey;
    bool m_quit = false;
    BackgroundSync m_sync; // last: destroyed first, so a run ends before anything it was given goes
};

} // namespace skm::ui
