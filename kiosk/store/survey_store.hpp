#pragma once
// SKM survey responses in the kiosk's store: begun, answered one answer at a time (each in its own
// transaction, with the same promise as a rating's commit), finished as complete or incomplete, and
// read back for this counter's IKM. The rows are an upload outbox like the ratings.

#include "rating_store.hpp"

#include <array>
#include <map>
#include <optional>
#include <string>

namespace skm::store {

// Which responses may be uploaded (and are counted as waiting to be): the closed ones, complete or
// incomplete; one still being answered waits. An SQL condition on survey_responses, written only here.
inline const std::string kSurveyClosed = "status <> 'in_progress'";

struct SurveyStart {
    std::string surveyVersion;
    std::string language = "id";
    std::optional<std::string> serviceCode;
    std::optional<std::string> officerNip;
    std::optional<std::string> caseId;
};

// Begins a response (status in_progress). On success `id` holds its new UUIDv7.
[[nodiscard]] CommitResult beginSurvey(RatingStore& store, const SurveyStart& start, std::string& id);
// Records (or replaces, after "back") the answer to `item` (U1..U9: "1".."4"; a profile code: an option code).
[[nodiscard]] CommitResult answerSurvey(RatingStore& store, const std::string& id, const std::string& item, const std::string& value);
// Removes the answer to `item` (a profile question skipped after all).
[[nodiscard]] CommitResult clearSurveyAnswer(RatingStore& store, const std::string& id, const std::string& item);
[[nodiscard]] CommitResult setSurveyService(RatingStore& store, const std::string& id, const std::string& serviceCode);
[[nodiscard]] CommitResult setSurveyLanguage(RatingStore& store, const std::string& id, const std::string& language);
// Ends a response: "complete" (the closing screen reached) or "incomplete" (idle timeout, a new citizen).
[[nodiscard]] CommitResult finishSurvey(RatingStore& store, const std::string& id, const std::string& status);
// Responses a previous run left in progress become incomplete (at start). Returns how many.
int closeStaleSurveys(RatingStore& store);

// The answers of one response, by item.
[[nodiscard]] std::map<std::string, std::string> surveyAnswers(Database& db, const std::string& id);

// This counter's survey figures over [fromWallMs, toWallMs): the tallies of U1..U9 over complete
// responses, their number, and the cases logged at the counter (the population for the sample size).
struct CounterSurveyTally {
    std::array<std::pair<int64_t, int64_t>, 9> unsur{}; // (count, sum) of U1..U9
    int64_t complete = 0;
    int64_t incomplete = 0;
    int64_t casesLogged = 0;
};
[[nodiscard]] CounterSurveyTally counterSurveyTally(Database& db, const std::string& counter, int64_t fromWallMs, int64_t toWallMs);

} // namespace skm::store
