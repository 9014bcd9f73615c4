#include "queue_poller.hpp"

#include <sync/http_sender.hpp>

#include <spdlog/spdlog.h>

namespace skm::queue {

namespace {
// A scalar at `pointer` as text: strings as they are, integers written out; anything else, or
// nothing there, is empty.
std::string textAt(const nlohmann::json& doc, const std::string& pointer)
{
    if (pointer.empty()) return {};
    try {
        const nlohmann::json::json_pointer p(pointer);
        if (!doc.contains(p)) return {};
        const nlohmann::json& v = doc.at(p);
        if (v.is_string()) return v.get<std::string>();
        if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
        if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    } catch (const std::exception&) {
    }
    return {};
}
} // namespace

QueuePoller::QueuePoller(PollerOptions options, Mailbox& mailbox, sync::Sender send, NoThread)
    : m_options(std::move(options)), m_mailbox(mailbox), m_send(std::move(send))
{
    if (!m_send) {
        m_send = [](const sync::HttpRequest& r) { return sync::curlSend(r, sync::CurlOptions{5, 64 * 1024}); };
    }
}

QueuePoller::QueuePoller(PollerOptions options, Mailbox& mailbox, sync::Sender send)
    : QueuePoller(std::move(options), mailbox, std::move(send), NoThread{})
{
    m_thread = std::thread([this] { run(); });
    spdlog::info("queue poller: asking {} every {} ms", m_options.url, m_options.intervalMs);
}

QueuePoller::~QueuePoller()
{
    m_stop = true;
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void QueuePoller::run()
{
    while (!m_stop) {
        (void)pollOnce();
        std::unique_lock lock(m_mutex);
        m_wake.wait_for(lock, std::chrono::milliseconds(m_options.intervalMs), [&] { return m_stop.load(); });
    }
}

void QueuePoller::problem(const std::string& kind, const std::string& what)
{
    // By its kind ("HTTP 500", "no answer", "not JSON"), not its text: curl's message names the
    // milliseconds it waited, which differ at every poll.
    if (kind == m_problem) return;
    if (kind.empty()) spdlog::info("queue poller: {} answers again", m_options.url);
    else spdlog::warn("queue poller: {}", what);
    m_problem = kind;
}

std::string QueuePoller::pollOnce()
{
    sync::HttpRequest request;
    request.method = "GET";
    request.url = m_options.url;
    request.headers["Accept"] = "application/json";
    request.cancel = &m_stop;
    const sync::HttpResponse response = m_send(request);
    if (response.status != 200) {
        const std::string kind = response.status ? "HTTP " + std::to_string(response.status) : "no answer";
        problem(kind, m_options.url + " does not answer: " + (response.status ? kind : response.error));
        return "unreachable";
    }
    const nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
    if (doc.is_discarded()) {
        problem("not JSON", m_options.url + " answered something that is not JSON");
        return "bad answer";
    }
    problem("", "");
    const std::string ticket = textAt(doc, m_options.ticketPointer);
    if (ticket.empty()) return "none";
    if (ticket == m_lastTicket) return "same";
    nlohmann::json body{{"ticket", ticket}, {"counter", m_options.counter}};
    if (const std::string service = textAt(doc, m_options.servicePointer); !service.empty()) body["service"] = service;
    if (const std::string nip = textAt(doc, m_options.nipPointer); !nip.empty()) body["nip"] = nip;
    const std::optional<Reply> reply = m_mailbox.call(Command{Command::Kind::Open, body, "poller"}, std::chrono::milliseconds(5000));
    if (!reply || reply->status == 503) return "busy"; // the next poll tries again
    m_lastTicket = ticket;
    if (reply->status >= 400) {
        spdlog::warn("queue poller: ticket {} refused ({}): {}", ticket, reply->status, reply->body.value("error", std::string()));
        return "refused";
    }
    return reply->body.value("result", std::string("opened")) == "opened" ? "opened" : "same";
}

} // namespace skm::queue
