#pragma once
// A test CA and a certificate for 127.0.0.1 signed by it, made with the openssl CLI; another CA
// beside it (for a certificate that must be refused), and the certificate's public-key pin.

#include "support/test_util.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

namespace skm::test {

struct TestPki {
    explicit TestPki(const std::filesystem::path& dir) : dir(dir)
    {
        std::filesystem::create_directories(dir);
        sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=SKM Test CA'");
        sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 2 -subj '/CN=Another CA'");
        sh("openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=127.0.0.1'");
        sh("printf 'subjectAltName=IP:127.0.0.1\\n' > ext.cnf && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
           " -out server.pem -days 2 -extfile ext.cnf");
        pin = "sha256//" + sh("openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl enc -base64");
        while (!pin.empty() && (pin.back() == '\n' || pin.back() == '\r')) pin.pop_back();
    }
    std::string sh(const std::string& cmd)
    {
        const auto r = run({"/bin/sh", "-c", "cd '" + dir.string() + "' && " + cmd});
        INFO(cmd << "\n" << r.err);
        REQUIRE(r.exitCode == 0);
        return r.out;
    }
    std::string path(const char* name) const { return (dir / name).string(); }
    std::filesystem::path dir;
    std::string pin;
};

} // namespace skm::test
