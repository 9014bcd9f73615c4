#include "complaint_ref_cli.hpp"

#include <central/reports/complaint_refs.hpp>
#include <central/reports/officers.hpp>

#include <core/complaint_ref.hpp>

#include <iostream>

namespace skm::central {

int runComplaintRef(CentralStore& store, const std::string& dataDir, const std::string& typed, const std::string& format)
{
    const auto code = complaint::normalizeReference(typed);
    if (!code) {
        // What was typed, shown safely: at most 40 bytes, control bytes as '?' (it may be anything).
        std::string shown = typed.substr(0, 40);
        for (char& c : shown) c = (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
        if (typed.size() > 40) shown += "...";
        std::cerr << "skm-central: '" << shown << "' is not a reference code (SKM- and eight characters of 0-9 and A-Z without I, L, O, U, e.g. SKM-7K3Q-9XM2)\n";
        return 2;
    }
    const nlohmann::json found = store.readSnapshot([&](sql::Connection& reader) { return findComplaintRatings(reader, *code, publishedOfficers(dataDir)); });
    if (format == "json") {
        std::cout << found.dump() << '\n';
    } else {
        auto text = [](const nlohmann::json& v) { return v.is_null() ? std::string("-") : v.is_string() ? v.get<std::string>() : v.dump(); };
        for (const auto& r : found) {
            std::string reasons;
            if (r["reasons"].is_array()) {
                for (const auto& c : r["reasons"]) reasons += (reasons.empty() ? "" : ", ") + text(c);
            }
            std::cout << "reference " << text(r["reference"]) << "\n"
                      << "  rating      " << text(r["id"]) << (r["suppressed"].get<bool>() ? " (suppressed)" : "") << "\n"
                      << "  time        " << text(r["at"]) << "\n"
                      << "  device      " << text(r["device"]) << "\n"
                      << "  counter     " << text(r["counter"]) << "\n"
                      << "  officer     " << text(r["officer_nip"]) << (r["officer_name"].is_null() ? "" : " " + text(r["officer_name"]))
                      << (r["unit"].is_null() ? "" : " (" + text(r["unit"]) + ")") << "\n"
                      << "  service     " << text(r["service"]) << "\n"
                      << "  case        " << text(r["case"]) << "\n"
                      << "  score       " << text(r["score"]) << "\n"
                      << "  reasons     " << (reasons.empty() ? "-" : reasons) << "\n"
                      << "  comment     " << text(r["comment"]) << "\n";
        }
        if (found.size() > 1) std::cout << found.size() << " ratings share this code: the time, counter and reasons the citizen gives tell them apart\n";
    }
    if (found.empty()) {
        std::cerr << "skm-central: no rating here has the reference " << *code << " (not uploaded yet, or mistyped)\n";
        return 1;
    }
    return 0;
}

} // namespace skm::central
