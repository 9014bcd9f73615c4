#include "office_report.hpp"

#include "chain_check.hpp"

#include <core/ikm.hpp>
#include <core/phone_link.hpp>

#include <array>
#include <map>

namespace skm::central {

int64_t ingestConflictCount(sql::Connection& db) { return db.queryInt("SELECT count(*) FROM ingest_conflicts"); }

int64_t timeSuspectCount(sql::Connection& db) { return db.queryInt("SELECT count(*) FROM ratings WHERE time_suspect = 1"); }

nlohmann::json officeReport(sql::Connection& db)
{
    ChainChecks chains(db);
    return officeReport(db, chains);
}

nlohmann::json officeReport(sql::Connection& db, ChainChecks& chains)
{
    nlohmann::json out;
    out["ratings_total"] = db.queryInt("SELECT count(*) FROM ratings");
    out["sessions_total"] = db.queryInt("SELECT count(*) FROM sessions");
    out["cases_total"] = db.queryInt("SELECT count(*) FROM cases");
    out["audit_total"] = db.queryInt("SELECT count(*) FROM audit_events");
    // Complete survey responses by where they were answered (the kiosk, or the phone through its link):
    // both count in the IKM; shown apart here. A unit's posters' (unverified: not tied to a case) count
    // in no score; they are only listed here, by unit, with the IKM their answers alone would give.
    nlohmann::json channels = {{"kiosk", 0}, {"phone", 0}, {"poster", 0}};
    db.each("SELECT coalesce(channel, 'kiosk'), count(*) FROM survey_responses WHERE status = 'complete' GROUP BY coalesce(channel, 'kiosk')", {},
            [&](const sql::Row& r) { channels[r.text(0)] = r.integer(1); });
    out["survey_responses_by_channel"] = channels;
    // (All time, newest first; the IKM weighed 1/9 exactly; each unit's 20 newest suggestions.)
    struct PosterUnit {
        int64_t n = 0;
        std::array<ikm::Tally, ikm::kUnsurCount> unsur{};
        nlohmann::json saran = nlohmann::json::array();
    };
    std::map<std::string, PosterUnit> posters;
    db.each("SELECT body FROM survey_responses WHERE status = 'complete' AND channel = 'poster' ORDER BY started_wall_ms DESC, id DESC", {}, [&](const sql::Row& r) {
        const nlohmann::json body = nlohmann::json::parse(r.text(0), nullptr, false);
        if (!body.is_object()) return;
        PosterUnit& u = posters[body.value("unit", "")];
        auto& unsur = u.unsur;
        ++u.n;
        if (const auto saran = body.find("saran"); saran != body.end() && saran->is_string() && !saran->get_ref<const std::string&>().empty() && u.saran.size() < 20) {
            u.saran.push_back(*saran);
        }
        const auto answers = body.find("answers");
        if (answers == body.end() || !answers->is_object()) return;
        for (int i = 0; i < ikm::kUnsurCount; ++i) {
            const auto a = answers->find("U" + std::to_string(i + 1));
            if (a != answers->end() && a->is_number_integer() && a->get<int>() >= 1 && a->get<int>() <= 4) unsur[static_cast<size_t>(i)].add(a->get<int>());
        }
    });
    nlohmann::json posterUnits = nlohmann::json::object();
    for (const auto& [unit, figures] : posters) {
        const ikm::Result r = ikm::compute(figures.unsur);
        posterUnits[unit] = {{"responses", figures.n},
                             {"saran_newest", figures.saran},
                             {"ikm_unverified", r.converted ? nlohmann::json(*r.converted) : nlohmann::json(nullptr)},
                             {"mutu_unverified", r.mutu ? nlohmann::json(std::string(1, ikm::mutuLetter(*r.mutu))) : nlohmann::json(nullptr)}};
    }
    out["poster_responses"] = {{"verified", false}, {"in_scores", false}, {"units", posterUnits}};
    out["cases_by_source"] = {{"officer", db.queryInt("SELECT count(*) FROM cases WHERE body NOT LIKE '%\"source\":\"queue\"%'")},
                              {"queue", db.queryInt("SELECT count(*) FROM cases WHERE body LIKE '%\"source\":\"queue\"%'")}};
    out["ingest_conflicts_total"] = ingestConflictCount(db);
    out["time_suspect_total"] = timeSuspectCount(db);
    // Both versions of each conflict, newest first: what the device sent first (stored) and later (offered).
    nlohmann::json conflicts = nlohmann::json::array();
    const std::string newestConflicts = "SELECT device_id, kind, record_id, fields, received_at_ms, last_received_at_ms, times, stored, offered"
                                        " FROM ingest_conflicts ORDER BY last_received_at_ms DESC, seq DESC LIMIT 50";
    auto parsed = [](const std::string& text) {
        nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
        return j.is_discarded() ? nlohmann::json(text) : j;
    };
    db.each(newestConflicts, {}, [&](const sql::Row& c) {
        conflicts.push_back({{"device", c.text(0)},
                             {"kind", c.text(1)},
                             {"id", c.text(2)},
                             {"fields", parsed(c.text(3))},
                             {"first_received_at_ms", c.integer(4)},
                             {"last_received_at_ms", c.integer(5)},
                             {"times", c.integer(6)},
                             {"stored", parsed(c.text(7))},
                             {"offered", parsed(c.text(8))}});
    });
    out["ingest_conflicts"] = conflicts;
    // Each device's records over all time. Its ratings from its monthly rollups (every stored rating, of
    // score 1-4 by the schema's CHECK, is a face or a suppressed press of one of them: `skm-central
    // rollups verify` checks they equal the records), so this costs months, not ratings; the rest in
    // one grouped pass over each table, the clock-suspect ratings through their partial index.
    struct Counts {
        int64_t ratings = 0, suppressed = 0, timeSuspect = 0, sessions = 0, cases = 0, audit = 0, conflicts = 0;
    };
    std::map<std::string, Counts> counts;
    db.each("SELECT id FROM devices WHERE id <> $1", {phone::kPosterDevice}, [&](const sql::Row& d) { (void)counts[d.text(0)]; }); // (not a kiosk)
    auto known = [&](const std::string& id) -> Counts* {
        const auto it = counts.find(id);
        return it == counts.end() ? nullptr : &it->second;
    };
    db.each("SELECT device_id, sum(f1 + f2 + f3 + f4 + suppressed), sum(suppressed) FROM rollup_month_groups GROUP BY device_id", {}, [&](const sql::Row& r) {
        if (Counts* c = known(r.text(0))) {
            c->ratings = r.integer(1);
            c->suppressed = r.integer(2);
        }
    });
    db.each("SELECT device_id, count(*) FROM ratings WHERE time_suspect = 1 GROUP BY device_id", {}, [&](const sql::Row& r) {
        if (Counts* c = known(r.text(0))) c->timeSuspect = r.integer(1);
    });
    for (const auto& [table, field] : {std::pair{"sessions", &Counts::sessions}, std::pair{"cases", &Counts::cases}, std::pair{"audit_events", &Counts::audit},
                                       std::pair{"ingest_conflicts", &Counts::conflicts}}) {
        db.each(std::string("SELECT device_id, count(*) FROM ") + table + " GROUP BY device_id", {}, [&, f = field](const sql::Row& r) {
            if (Counts* c = known(r.text(0))) c->*f = r.integer(1);
        });
    }
    nlohmann::json devices = nlohmann::json::object();
    for (const auto& [id, c] : counts) {
        devices[id] = {{"ratings", c.ratings}, {"suppressed", c.suppressed}, {"sessions", c.sessions},  {"cases", c.cases}, {"audit", c.audit},
                       {"ingest_conflicts", c.conflicts}, {"time_suspect", c.timeSuspect}, {"chain", chainJson(chains.of(id))}};
    }
    out["devices"] = devices;
    return out;
}

} // namespace skm::central
