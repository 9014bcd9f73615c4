// The worked example of docs/sync-protocol.md is what the real code computes: the canonical request
// and its signature (the key is the secret's decoded bytes, the hex lower-case), the response
// signature of a 304, and the chain hash with its JSON text byte for byte (non-ASCII as raw UTF-8).
// tests/protocol_client.py selftest checks the same blocks against the Python client.

#include <core/protocol.hpp>
#include <core/chain.hpp>

#include <support/test_util.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <map>
#include <regex>
#include <sstream>

namespace {

// The document's example blocks: "<!-- example NAME -->" followed by a fenced block.
std::map<std::string, std::string> exampleBlocks(const std::string& doc)
{
    std::map<std::string, std::string> out;
    const std::regex block(R"(<!-- example ([a-z0-9-]+) -->\n```[a-z]*\n([\s\S]*?)\n```)");
    for (auto it = std::sregex_iterator(doc.begin(), doc.end(), block); it != std::sregex_iterator(); ++it) out[(*it)[1]] = (*it)[2];
    return out;
}

// "key = value" lines.
std::map<std::string, std::string> keyValues(const std::string& text)
{
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    std::string line;
    const std::regex kv(R"(^([a-z0-9_]+) = (.*)$)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, kv)) out[m[1]] = m[2];
    }
    return out;
}

std::string hex(const unsigned char* p, size_t n)
{
    std::string s(n * 2 + 1, '\0');
    sodium_bin2hex(s.data(), s.size(), p, n);
    s.pop_back();
    return s;
}

std::optional<std::string> textOrNull(const nlohmann::json& v) { return v.is_null() ? std::nullopt : std::optional<std::string>(v.get<std::string>()); }

} // namespace

TEST_CASE("the worked example in docs/sync-protocol.md is what the protocol code computes", "[protocol][doc]")
{
    namespace p = skm::protocol;
    const std::string doc = skm::test::readFile(skm::test::sourceDir() / "docs" / "sync-protocol.md");
    REQUIRE(!doc.empty());
    const auto blocks = exampleBlocks(doc);
    for (const char* name : {"inputs", "canonical-post", "signature-post", "canonical-get", "signature-get", "canonical-response-304",
                             "signature-response-304", "chain-json-1", "chain-hash-1", "chain-json-2", "chain-hash-2"}) {
        INFO("example block " << name);
        REQUIRE(blocks.count(name) == 1);
    }
    const auto in = keyValues(blocks.at("inputs"));
    const std::string secret = in.at("secret");
    const int64_t ts = std::stoll(in.at("timestamp"));
    const std::string nonce = in.at("nonce");
    const std::string body = p::base64Decode(in.at("body_base64"));

    SECTION("the upload's canonical request and signature")
    {
        const nlohmann::json json = p::parseJson(p::gunzip(body));
        CHECK(json["protocol"] == 1);
        CHECK(json["device_id"] == "kiosk-01");
        CHECK(json["ratings"].empty());
        const std::string canonical = p::canonicalRequest("POST", p::kUploadPath, ts, nonce, body);
        CHECK(canonical == blocks.at("canonical-post"));
        CHECK(p::sign(secret, canonical) == blocks.at("signature-post"));
        CHECK(p::verify(secret, canonical, blocks.at("signature-post")));
        // Hex is lower-case: the same signature in upper case is refused.
        std::string upper = blocks.at("signature-post");
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        CHECK_FALSE(p::verify(secret, canonical, upper));
        // The key is the decoded 32 bytes; the value the document gives for keying with the text is that, and wrong.
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
        crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size());
        crypto_auth_hmacsha256_final(&st, mac);
        const std::string textKeyed = hex(mac, sizeof mac);
        CHECK(doc.find("`" + textKeyed + "`") != std::string::npos);
        CHECK_FALSE(p::verify(secret, canonical, textKeyed));
    }

    SECTION("the configuration request's canonical request and signature (the empty body)")
    {
        const std::string canonical = p::canonicalRequest("GET", p::kConfigPath, ts, nonce, "");
        CHECK(canonical == blocks.at("canonical-get"));
        CHECK(p::sign(secret, canonical) == blocks.at("signature-get"));
    }

    SECTION("a 304's response signature")
    {
        std::istringstream lines(blocks.at("canonical-response-304"));
        std::string first, blockNonce, etag;
        std::getline(lines, first);
        std::getline(lines, blockNonce);
        std::getline(lines, etag);
        CHECK(blockNonce == nonce);
        const std::string canonical = p::canonicalResponse(nonce, etag, "");
        CHECK(canonical == blocks.at("canonical-response-304"));
        CHECK(p::sign(secret, canonical) == blocks.at("signature-response-304"));
        CHECK(doc.find("`ETag: " + etag + "`") != std::string::npos);
    }

    SECTION("the chain hashes, and their JSON text byte for byte (non-ASCII as raw UTF-8)")
    {
        std::string prev = skm::store::kChainGenesis;
        for (const char* n : {"1", "2"}) {
            const std::string text = blocks.at(std::string("chain-json-") + n);
            const nlohmann::json a = nlohmann::json::parse(text);
            REQUIRE(a.is_array());
            REQUIRE(a.size() == 13);
            CHECK(a.dump() == text); // the document's text is nlohmann's compact dump
            CHECK(a[0] == prev);
            const skm::store::ChainFields f{a[1].get<std::string>(), a[2].get<int64_t>(),     a[3].get<int64_t>(),     a[4].get<int64_t>(),
                                            a[5].get<std::string>(), a[6].get<std::string>(), textOrNull(a[7]),        textOrNull(a[8]),
                                            textOrNull(a[9]),        a[10].get<bool>(),       a[11].get<std::string>(), a[12].get<std::string>()};
            const std::string hash = skm::store::chainHash(a[0].get<std::string>(), f);
            CHECK(hash == blocks.at(std::string("chain-hash-") + n));
            CHECK(hash == p::sha256Hex(text));
            prev = hash;
        }
        // The first rating's counter is non-ASCII; escaped as \uXXXX the hash is another (the document names its start).
        const std::string escaped = nlohmann::json::parse(blocks.at("chain-json-1")).dump(-1, ' ', true);
        CHECK(escaped != blocks.at("chain-json-1"));
        CHECK(escaped.find("\\u2014") != std::string::npos);
        CHECK(doc.find("`" + p::sha256Hex(escaped).substr(0, 8) + "…`") != std::string::npos);
    }
}
