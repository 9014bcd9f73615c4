#pragma once
// A real, throwaway PostgreSQL 15 for the tests (issue 18): `initdb` into a temporary directory and
// `pg_ctl` on a free loopback port with its socket in that directory. PostgreSQL refuses to run as
// root, and CI runs as root: then the server runs as the `postgres` user the Debian package creates
// (runuser). Trust authentication for the one role `skm` on 127.0.0.1 only; fsync off (a test's
// crash safety comes from the server being killed, not the machine). Stopped (immediate) when the
// object goes, also when a test failed; the directory is removed.

#include <filesystem>
#include <string>
#include <vector>

namespace skm::test {

class PgCluster {
public:
    // Initialises and starts the cluster, with a database `skm` owned by role `skm`. Throws
    // std::runtime_error with the server's log when it cannot.
    PgCluster();
    // A hot standby of `primary`, made the way an operator makes one: `pg_basebackup -R -X stream`
    // from the running primary, then started on a port of its own; it replays the primary's WAL as it
    // streams and answers read-only queries.
    struct StandbyOf {
        const PgCluster& primary;
    };
    explicit PgCluster(const StandbyOf& standby);
    ~PgCluster();
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    // postgresql://skm@127.0.0.1:PORT/DB
    [[nodiscard]] std::string url(const std::string& db = "skm") const;
    [[nodiscard]] int port() const noexcept { return m_port; }
    [[nodiscard]] const std::filesystem::path& dir() const noexcept { return m_dir; }
    // Creates another database (for a test that wants a second office).
    void createDatabase(const std::string& name);
    // Stops the server as a power cut would (-m immediate), and starts it again on the same port.
    void stop();
    void start();
    void restart() { stop(); start(); }
    // Runs one statement through psql as the test role; its output, trimmed. Throws when psql fails.
    std::string psql(const std::string& sql, const std::string& db = "skm") const;
    // Waits (up to 30 s) until this standby has replayed everything `primary` has written so far.
    void waitForReplay(const PgCluster& primary) const;

private:
    // Runs a PostgreSQL program as the cluster's owner; returns its exit status, its output in `out`.
    int runAsOwner(const std::vector<std::string>& args, std::string* out = nullptr) const;
    void makeDirectory();

    std::filesystem::path m_dir;
    std::filesystem::path m_bin;
    int m_port = 0;
    bool m_running = false;
};

} // namespace skm::test
