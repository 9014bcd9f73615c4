#include "queue_desk.hpp"

#include <core/clock.hpp>

#include <spdlog/spdlog.h>

#include <ctime>

namespace skm::queue {

namespace {
using nlohmann::json;

Reply refuse(int status, const std::string& error) { return {status, json{{"error", error}}, false}; }

// Text a person typed into a queue system, shown on the citizen's screen: 1 to `maxChars` characters
// (UTF-8, which the JSON parser that made `v` checked), not only spaces, and none of the characters
// that are not text: C0 and C1 controls, line and paragraph separators, bidirectional overrides.
bool plainText(const json& v, size_t maxChars)
{
    if (!v.is_string()) return false;
    const std::string& s = v.get_ref<const std::string&>();
    size_t chars = 0;
    bool visible = false;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const int len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        for (int k = 1; k < len && i + static_cast<size_t>(k) < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
        i += static_cast<size_t>(len);
        ++chars;
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
            cp == 0xfeff) {
            return false;
        }
        if (cp != ' ' && cp != 0xa0 && cp != 0x3000) visible = true;
    }
    return chars >= 1 && chars <= maxChars && visible;
}

bool eighteenDigits(const std::string& s) { return s.size() == 18 && s.find_first_not_of("0123456789") == std::string::npos; }
} // namespace

QueueDesk::QueueDesk(roster::Duty& duty, store::RatingStore& store, DeskOptions options)
    : m_duty(duty), m_store(store), m_options(std::move(options))
{
}

int64_t QueueDesk::startOfToday() const
{
    // Queue tickets start again every morning: "the same ticket" is the same ticket today.
    const time_t secs = static_cast<time_t>(m_store.clock().wallMs() / 1000);
    tm local{};
    localtime_r(&secs, &local);
    local.tm_hour = local.tm_min = local.tm_sec = 0;
    local.tm_isdst = -1;
    return static_cast<int64_t>(mktime(&local)) * 1000;
}

std::optional<std::string> QueueDesk::officerName(const std::string& nip) const
{
    store::Statement st(m_store.database(), "SELECT name FROM roster_officers WHERE nip = ?1");
    st.bind(1, std::string_view(nip));
    if (!st.next()) return std::nullopt;
    return st.columnText(0);
}

json QueueDesk::caseJson(const roster::TicketCase& c) const
{
    return {{"id", c.id},
            {"service", c.serviceCode},
            {"status", c.status},
            {"close_reason", c.closeReason ? json(*c.closeReason) : json(nullptr)},
            {"officer_nip", c.nip ? json(*c.nip) : json(nullptr)},
            {"attribution", c.nip ? "officer" : "counter"},
            {"rated", c.ratingId.has_value()},
            {"opened_at", store::isoUtc(c.openedWallMs)}};
}

Reply QueueDesk::apply(const Command& command)
{
    try {
        switch (command.kind) {
        case Command::Kind::Open: return open(command);
        case Command::Kind::Cancel: return cancel(command);
        case Command::Kind::Status: return status();
        }
    } catch (const roster::DutyError& e) {
        return refuse(422, e.what());
    } catch (const std::exception& e) {
        // The store could not take it (a full disk): nothing was changed, the queue system may retry.
        spdlog::error("queue call from {} failed: {}", command.origin, e.what());
        return refuse(503, std::string("the kiosk could not store the case: ") + e.what());
    }
    return refuse(400, "unknown command");
}

Reply QueueDesk::open(const Command& command)
{
    const json& b = command.body;
    if (!b.is_object()) return refuse(400, "the body must be a JSON object {\"ticket\", \"service\", \"counter\", \"nip\"}");
    if (!b.contains("counter") || !plainText(b["counter"], 40)) return refuse(422, "counter must be the counter's name as text");
    if (b["counter"] != m_options.counter) {
        return refuse(422, "this kiosk stands at counter '" + m_options.counter + "', not '" + b["counter"].get<std::string>() + "'");
    }
    if (!b.contains("ticket") || !plainText(b["ticket"], 32)) return refuse(422, "ticket must be text of 1 to 32 characters");
    const std::string ticket = b["ticket"].get<std::string>();
    std::string service = m_options.defaultService;
    if (b.contains("service") && !b["service"].is_null()) {
        if (!plainText(b["service"], 64)) return refuse(422, "service must be text of 1 to 64 characters");
        service = b["service"].get<std::string>();
        if (const auto m = m_options.services.find(service); m != m_options.services.end()) service = m->second;
    }
    if (service.empty()) return refuse(422, "service is required (this kiosk has no queue.default_service)");
    if (!m_duty.serviceKnown(service)) return refuse(422, "unknown service '" + service + "': not in this kiosk's catalogue");
    std::optional<std::string> nip;
    if (b.contains("nip") && !b["nip"].is_null()) {
        if (!b["nip"].is_string() || !eighteenDigits(b["nip"].get<std::string>())) return refuse(422, "nip must be 18 digits, or absent");
        nip = b["nip"].get<std::string>();
        if (!officerName(*nip)) return refuse(422, "officer " + *nip + " is not in this kiosk's roster");
    }
    if (const auto known = m_duty.caseForTicket(ticket, startOfToday())) {
        if (known->serviceCode != service) {
            return refuse(409, "ticket '" + ticket + "' was opened today for service '" + known->serviceCode + "', not '" + service + "'");
        }
        return {200, json{{"result", "existing"}, {"ticket", ticket}, {"case", caseJson(*known)}}, false};
    }
    const auto& session = m_duty.session();
    std::string note;
    if (!session) note = "no officer is signed in at this counter: the case is counter-level";
    else if (session->onBreak) note = "the officer on duty (" + session->officer.name + ") is on a break: the case is counter-level";
    else if (nip && *nip != session->officer.nip) {
        note = "officer " + *nip + " is not on duty at this counter (" + session->officer.name + " is): the case is counter-level";
    }
    const roster::CaseInfo& c = m_duty.openQueueCase(service, ticket, nip);
    spdlog::info("queue ({}): ticket {} opened case {} for {}", command.origin, ticket, c.id, c.nip ? *c.nip : std::string("the counter"));
    json out{{"result", "opened"},
             {"ticket", ticket},
             {"case", caseJson(roster::TicketCase{c.id, c.serviceCode, "open", c.nip, std::nullopt, std::nullopt, m_store.clock().wallMs()})}};
    if (c.nip) out["officer"] = {{"nip", *c.nip}, {"name", session->officer.name}};
    if (!note.empty()) out["note"] = note;
    return {200, out, true};
}

Reply QueueDesk::cancel(const Command& command)
{
    const json& b = command.body;
    if (!b.is_object()) return refuse(400, "the body must be a JSON object {\"ticket\", \"counter\"}");
    if (!b.contains("counter") || !plainText(b["counter"], 40)) return refuse(422, "counter must be the counter's name as text");
    if (b["counter"] != m_options.counter) {
        return refuse(422, "this kiosk stands at counter '" + m_options.counter + "', not '" + b["counter"].get<std::string>() + "'");
    }
    if (!b.contains("ticket") || !plainText(b["ticket"], 32)) return refuse(422, "ticket must be text of 1 to 32 characters");
    const std::string ticket = b["ticket"].get<std::string>();
    const auto known = m_duty.caseForTicket(ticket, startOfToday());
    if (!known) return refuse(404, "no case for ticket '" + ticket + "' at this counter today");
    if (known->status == "open" && m_duty.cancelOpenCase(known->id, "cancelled")) {
        spdlog::info("queue ({}): ticket {} cancelled (case {})", command.origin, ticket, known->id);
        auto after = *known;
        after.status = "not_rated";
        after.closeReason = "cancelled";
        return {200, json{{"result", "cancelled"}, {"ticket", ticket}, {"case", caseJson(after)}}, true};
    }
    return {200, json{{"result", "closed"}, {"ticket", ticket}, {"case", caseJson(*known)}}, false};
}

Reply QueueDesk::status() const
{
    json out{{"counter", m_options.counter}, {"device", m_store.deviceId()}, {"officer_on_duty", nullptr}, {"open_case", nullptr}};
    if (const auto& s = m_duty.session()) {
        out["officer_on_duty"] = {{"nip", s->officer.nip}, {"name", s->officer.name}, {"state", s->onBreak ? "break" : "active"}};
    }
    if (const auto& c = m_duty.openCase()) {
        out["open_case"] = {{"id", c->id},
                            {"ticket", c->ticket ? json(*c->ticket) : json(nullptr)},
                            {"service", c->serviceCode},
                            {"officer_nip", c->nip ? json(*c->nip) : json(nullptr)},
                            {"attribution", c->nip ? "officer" : "counter"},
                            {"source", c->source}};
    }
    return {200, out, false};
}

} // namespace skm::queue
