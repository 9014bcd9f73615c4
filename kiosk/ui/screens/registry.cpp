// The registry: every screen of the citizen's flow, made in one place, and the catalogue keys they use.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

namespace skm::ui {

const char* screenName(ScreenId id)
{
    switch (id) {
    case ScreenId::Attract: return "attract";
    case ScreenId::FollowUp: return "followup";
    case ScreenId::Comment: return "comment";
    case ScreenId::Thanks: return "thanks";
    case ScreenId::Notice: return "notice";
    case ScreenId::SignIn: return "signin";
    case ScreenId::Officer: return "officer";
    case ScreenId::Admin: return "admin";
    case ScreenId::Survey: return "survey";
    }
    return "unknown";
}

bool isCitizenScreen(ScreenId id) { return id != ScreenId::SignIn && id != ScreenId::Officer && id != ScreenId::Admin; }

std::unique_ptr<Screen> makeScreen(ScreenId id)
{
    switch (id) {
    case ScreenId::Attract: return makeAttractScreen();
    case ScreenId::FollowUp: return makeFollowUpScreen();
    case ScreenId::Comment: return makeCommentScreen();
    case ScreenId::Thanks: return makeThanksScreen();
    case ScreenId::Notice: return makeNoticeScreen();
    case ScreenId::SignIn: return makeSignInScreen();
    case ScreenId::Officer: return makeOfficerScreen();
    case ScreenId::Admin: return makeAdminScreen();
    case ScreenId::Survey: return makeSurveyScreen();
    }
    return nullptr;
}

const std::vector<std::string>& catalogueKeys()
{
    static const std::vector<std::string> keys = {
        "lang.name", "lang.switch",
        "attract.question", "attract.hint", "attract.retries_pending",
        "face.1", "face.2", "face.3", "face.4",
        "followup.question", "followup.hint",
        "comment.prompt", "comment.hint", "comment.placeholder", "comment.send", "comment.space", "comment.count",
        "comment.full", "comment.backspace", "comment.layer_digits", "comment.layer_letters",
        "common.skip",
        "thanks.title", "thanks.detail", "thanks.survey_detail",
        "survey.start", "survey.question_of", "survey.profile_of", "survey.service", "survey.service_of", "survey.back", "survey.quit",
        "admin.ikm", "admin.ikm_none", "admin.ikm_value", "admin.sample", "admin.sample_value", "admin.sample_enough", "admin.sample_short",
        "notice.not_saved", "notice.disk_full", "notice.store_fault", "notice.will_retry", "notice.out_of_service", "notice.retrying",
        "notice.maintenance", "notice.maintenance_cause", "notice.maintenance_return", "notice.maintenance_failed", "notice.maintenance_restart",
        "attract_case.served_by",
        "signin.title", "signin.nip", "signin.pin", "signin.hint", "signin.cancel", "signin.ok", "signin.wrong_pin",
        "signin.locked", "signin.unknown", "signin.malformed", "signin.no_roster",
        "officer.title", "officer.on_break", "officer.active", "officer.break", "officer.resume", "officer.sign_out",
        "officer.citizen", "officer.service", "officer.ticket", "officer.hand_over", "officer.choose_service", "officer.case_open",
        "admin.signin_title", "admin.title", "admin.device", "admin.counter", "admin.version", "admin.schema", "admin.ratings",
        "admin.last_sync", "admin.next_sync", "admin.events", "admin.config", "admin.sync_error", "admin.config_unchanged", "admin.config_applied", "admin.never", "admin.not_scheduled", "admin.disk_free", "admin.db_size",
        "admin.officer", "admin.nobody", "admin.open_case", "admin.sync_now", "admin.sync_running", "admin.sync_unavailable", "admin.export",
        "admin.exported", "admin.screen_test", "admin.screen_test_hint", "admin.leave", "admin.close", "admin.disabled",
    };
    return keys;
}

Intent drawHeader(const Snapshot& s, const Theme& t)
{
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const HeaderLayout h = layoutHeader(display, t);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float counterW = t.title->CalcTextSizeA(t.title->FontSize, FLT_MAX, 0, s.counter.c_str()).x;
    // The office name yields to the counter on a narrow display.
    const float officeMaxW = h.counterRight - counterW - h.margin - h.officePos.x;
    const std::string office = fitWithEllipsis(t.title, s.officeName, std::max(0.0f, officeMaxW));
    dl->AddText(t.title, t.title->FontSize, h.officePos, t.text, office.c_str());
    // The officer's discreet way in from the touch side: a long press on the office's name.
    const float officeW = t.title->CalcTextSizeA(t.title->FontSize, FLT_MAX, 0, office.c_str()).x;
    (void)touchArea("gesture.officer", Rect{ImVec2(h.margin, h.margin), ImVec2(h.margin + std::max(officeW, 80.0f), h.bottom)});
    dl->AddText(t.title, t.title->FontSize, ImVec2(h.counterRight - counterW, h.officePos.y), t.textMuted, s.counter.c_str());
    // The technician's: a long press on the counter's name.
    (void)touchArea("gesture.admin", Rect{ImVec2(h.counterRight - std::max(counterW, 80.0f), h.margin), ImVec2(h.counterRight, h.bottom)});
    dl->AddLine(ImVec2(h.margin, h.bottom), ImVec2(display.x - h.margin, h.bottom), t.border, 1.0f);
    if (touchButton("language", h.language, s.t("lang.switch").c_str(), t.label, secondaryButton(t))) {
        return Intent::of(Intent::Kind::ToggleLanguage);
    }
    return Intent::none();
}

} // namespace skm::ui
