#pragma once
// A day at a counter, recorded in a kiosk's store as the kiosk records it: the roster, an officer's
// session with a case rated by the citizen, counter-level ratings with reasons and a comment, a
// complete and an incomplete SKM survey (and one still being answered), and the audit events of it
// all. For the tests of everything that leaves the kiosk (sync, the USB export, skm-central import).

#include <kiosk/roster/duty.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/store/rating_store.hpp>
#include <kiosk/store/survey_store.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace skm::test {

struct KioskDay {
    std::vector<std::string> ratingIds;
    std::string sessionId, caseId, completeSurveyId, incompleteSurveyId, openSurveyId;
};

inline KioskDay recordKioskDay(store::RatingStore& st, const std::string& counter = "Loket 1")
{
    KioskDay day;
    roster::Roster r;
    r.version = "day-1";
    r.officers = {{"198503302010011002", "Budi Santoso", "Bidang Perizinan Usaha", "$argon2id$fake"}};
    r.services = {{"nib", "NIB", "Business number"}, {"kk", "Kartu Keluarga", "Family card"}};
    roster::replaceRoster(st.database(), r, st.clock().wallMs());
    REQUIRE(st.recordAudit("roster_imported", std::nullopt, R"({"version":"day-1"})") == SQLITE_OK);

    roster::Duty duty(st, counter);
    duty.start(r.officers[0]);
    REQUIRE(st.recordAudit("signin_ok", r.officers[0].nip, R"({"method":"keypad"})") == SQLITE_OK);
    day.sessionId = duty.session()->id;
    day.caseId = duty.logCase("nib", std::string("A-017")).id;
    store::PendingRating rated = st.stamp(4);
    duty.attribute(rated);
    REQUIRE(st.commit(rated).ok);
    duty.ratingCommitted(rated);
    REQUIRE(st.update({rated.id, store::RatingUpdate::Field::Reasons, R"(["cepat","ramah"])", "id"}).ok);
    day.ratingIds.push_back(rated.id);
    duty.takeBreak();

    for (int score : {3, 2, 1}) { // at the counter while the officer is on a break
        store::PendingRating p = st.stamp(score);
        REQUIRE(st.commit(p).ok);
        day.ratingIds.push_back(p.id);
    }
    REQUIRE(st.update({day.ratingIds[3], store::RatingUpdate::Field::Comment, "antrean \"panjang\" sekali, ruang tunggu panas", "id"}).ok);

    auto survey = [&](const std::vector<int>& unsur, const char* status) {
        store::SurveyStart s;
        s.surveyVersion = "permenpanrb-14-2017/1";
        s.officerNip = r.officers[0].nip;
        s.serviceCode = "nib";
        std::string id;
        REQUIRE(store::beginSurvey(st, s, id).ok);
        for (size_t i = 0; i < unsur.size(); ++i) REQUIRE(store::answerSurvey(st, id, "U" + std::to_string(i + 1), std::to_string(unsur[i])).ok);
        REQUIRE(store::answerSurvey(st, id, "jenis_kelamin", "P").ok);
        if (status) REQUIRE(store::finishSurvey(st, id, status).ok);
        return id;
    };
    day.completeSurveyId = survey({4, 4, 3, 4, 3, 3, 4, 3, 3}, "complete");
    day.incompleteSurveyId = survey({3, 2}, "incomplete");
    day.openSurveyId = survey({2}, nullptr); // a citizen still answering: not finished, not sent
    return day;
}

} // namespace skm::test
