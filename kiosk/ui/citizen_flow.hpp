#pragma once
// The citizen's flow:
//   attract --tap--> [rating committed] --> follow-up (reasons) --> comment --> thanks --> attract
// Every step after the tap can be skipped; the follow-up and the comment update the committed rating
// in their own transactions (through the write queue, which retries what the disk refused); the
// router's idle timeout returns any step to the attract screen. Its slice is CitizenView.
// After a low score and a reason marked as a complaint, the thanks offers SP4N-LAPOR! with the rating's
// reference code (docs/complaints.md); nothing before the reason differs between faces.

#include "flow.hpp"
#include "write_queue.hpp"

#include <kiosk/roster/duty.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace skm::ui {

class CitizenFlow {
public:
    CitizenFlow(FlowContext ctx, CitizenView& view, WriteQueue& writes);

    // A face: a new rating, attributed by `duty` (the open case's officer; null or no case: the
    // counter's). Ends whatever step of the flow was on screen (what was typed is kept). Shows the
    // follow-up, the thanks (a suppressed press) or the notice (not stored).
    void rate(int score, roster::Duty* duty);
    // A void press continuing a burst on a face: stored, suppressed, nothing changes on screen.
    void burstPress(int score);
    // The follow-up's, comment's and keyboard's intents (Reason, Done, Skip, Type, Backspace, Send,
    // ToggleKeyboardLayer); others are ignored.
    void handle(const Intent& in);
    // The reasons' labels in the language now shown.
    void languageChanged() { refreshReasons(); }
    // Leaving the flow (the staff's screens, the questionnaire, the start): a comment being typed is
    // saved, the rating's steps end.
    void leave();
    // Back to the start for the next citizen: leave() and every choice of this one's forgotten.
    void reset();
    // The thanks after a whole questionnaire (no second one offered to the same citizen).
    void thankForSurvey();
    // The link to the full questionnaire on the citizen's phone for a committed rating (the app signs
    // it with the device's secret: core/phone_link.hpp); "" when there is none (not provisioned, off).
    struct PhoneLinkFor {
        std::string ratingId;
        std::optional<std::string> caseId, nip, serviceCode;
    };
    using PhoneLinkMaker = std::function<std::string(const PhoneLinkFor&)>;
    void setPhoneLinkMaker(PhoneLinkMaker make) { m_phoneLink = std::move(make); }

private:
    void refreshReasons();
    void chooseReason(const std::string& code);
    void type(const std::string& chars);
    void backspace();
    void saveDraft();
    void clearDraft();
    void finish(); // the flow is complete: thanks
    void clearComplaint();

    FlowContext m_ctx;
    CitizenView& m_view;
    WriteQueue& m_writes;
    struct Current {
        std::string id;
        int score = 0;
    };
    std::optional<Current> m_current;   // the committed rating whose follow-up is on screen
    std::optional<int64_t> m_lastPress; // monotonic ms of the previous face press
    PhoneLinkMaker m_phoneLink;
    std::optional<PhoneLinkFor> m_lastRated; // the last counted rating, for its thanks screen's link
    std::vector<std::string> m_complaintCodes; // the chips on screen that are complaints (never in the view: the chips look alike)
    bool m_complaint = false;                   // the current rating's reason is one of them: its thanks offers SP4N-LAPOR!
};

} // namespace skm::ui
