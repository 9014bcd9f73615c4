#include "chain_check.hpp"

#include <core/chain.hpp>

namespace skm::central {

namespace {

constexpr size_t kListMax = 100;

// One rating that does not link (chain_state 1 or 2), into its device's check.
void addProblem(ChainCheck& c, const sql::Row& bad, size_t at)
{
    const int64_t seq = bad.integer(at + 1);
    if (bad.integer(at + 2) == 1) {
        ++c.gapCount;
        c.missing += bad.integer(at + 3);
        if (c.gaps.size() < kListMax) c.gaps.push_back({seq - bad.integer(at + 3), seq - 1, bad.text(at)});
    } else {
        ++c.breakCount;
        if (c.breaks.size() < kListMax) c.breaks.push_back({seq, bad.text(at)});
    }
}

void setTotals(ChainCheck& c, int64_t chained, int64_t starts)
{
    c.checked = chained;
    c.restarts = starts > 1 ? starts - 1 : 0;
}

} // namespace

ChainCheck checkChain(sql::Connection& db, const std::string& deviceId)
{
    // What each upload keeps (central/rollups/rollups.hpp): the device's chain totals, and on each
    // rating its state; only the ratings not linked are read.
    ChainCheck c;
    if (const auto t = db.one("SELECT chained, chain_starts FROM rollup_chain_totals WHERE device_id = $1", {deviceId})) setTotals(c, t->integer(0), t->integer(1));
    db.each("SELECT id, chain_seq, chain_state, chain_missing FROM ratings WHERE device_id = $1 AND chain_state > 0 ORDER BY chain_seq, id", {deviceId},
            [&](const sql::Row& bad) { addProblem(c, bad, 0); });
    return c;
}

ChainCheck checkChainFromRows(sql::Connection& db, const std::string& deviceId)
{
    // A rating is linked when its prev_hash is the hash computed here of the device's rating one
    // position earlier (or the genesis value at position 1). Otherwise: a gap if no rating of that
    // position arrived (not sent yet, rejected, or deleted on the device), a break if one did and its
    // hash differs (altered, or a chain forged around a deletion). A second chain starting at 1 is a
    // restart: the device's database was replaced (e.g. a corrupt file moved aside).
    ChainCheck c;
    const sql::Row counts =
        *db.one("SELECT count(*), coalesce(sum(CASE WHEN chain_seq = 1 THEN 1 ELSE 0 END), 0) FROM ratings WHERE device_id = $1 AND chain_seq IS NOT NULL",
                {deviceId});
    c.checked = counts.integer(0);
    const int64_t starts = counts.integer(1);
    c.restarts = starts > 1 ? starts - 1 : 0;
    db.each("SELECT r.id, r.chain_seq,"
            " (SELECT max(p.chain_seq) FROM ratings p WHERE p.device_id = $1 AND p.chain_seq < r.chain_seq)"
            " FROM ratings r WHERE r.device_id = $1 AND r.chain_seq IS NOT NULL AND NOT ("
            "  CASE WHEN r.chain_seq = 1 THEN r.prev_hash = $2"
            "  ELSE EXISTS (SELECT 1 FROM ratings p WHERE p.device_id = $1 AND p.chain_seq = r.chain_seq - 1 AND p.hash = r.prev_hash) END)"
            " ORDER BY r.chain_seq, r.id",
            {deviceId, std::string(store::kChainGenesis)}, [&](const sql::Row& bad) {
                const int64_t seq = bad.integer(1);
                const int64_t before = bad.isNull(2) ? 0 : bad.integer(2);
                if (seq > 1 && before < seq - 1) {
                    ++c.gapCount;
                    c.missing += seq - 1 - before;
                    if (c.gaps.size() < kListMax) c.gaps.push_back({before + 1, seq - 1, bad.text(0)});
                } else {
                    ++c.breakCount;
                    if (c.breaks.size() < kListMax) c.breaks.push_back({seq, bad.text(0)});
                }
            });
    return c;
}

nlohmann::json chainJson(const ChainCheck& c)
{
    nlohmann::json gaps = nlohmann::json::array(), breaks = nlohmann::json::array();
    for (const ChainGap& g : c.gaps) gaps.push_back({{"from", g.from}, {"to", g.to}, {"next_id", g.nextId}});
    for (const ChainBreak& b : c.breaks) breaks.push_back({{"chain_seq", b.chainSeq}, {"id", b.id}});
    return {{"checked", c.checked}, {"linked", c.linked()}, {"gap_count", c.gapCount}, {"missing", c.missing}, {"gaps", gaps},
            {"break_count", c.breakCount}, {"breaks", breaks}, {"restarts", c.restarts}, {"ok", c.ok()}};
}

const ChainCheck& ChainChecks::of(const std::string& deviceId)
{
    if (!m_loaded) { // every device at once: two queries for a report of any number of devices
        m_loaded = true;
        m_db.each("SELECT device_id, chained, chain_starts FROM rollup_chain_totals", {},
                  [&](const sql::Row& t) { setTotals(m_checked[t.text(0)], t.integer(1), t.integer(2)); });
        m_db.each("SELECT device_id, id, chain_seq, chain_state, chain_missing FROM ratings WHERE chain_state > 0 ORDER BY device_id, chain_seq, id", {},
                  [&](const sql::Row& bad) { addProblem(m_checked[bad.text(0)], bad, 1); });
    }
    static const ChainCheck none;
    const auto it = m_checked.find(deviceId);
    return it != m_checked.end() ? it->second : none;
}

} // namespace skm::central
