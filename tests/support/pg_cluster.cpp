#include "support/pg_cluster.hpp"

#include "support/test_util.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace skm::test {

namespace {

// The newest PostgreSQL installed (Debian: /usr/lib/postgresql/15/bin).
fs::path postgresBinDir()
{
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        if (fs::exists(e.path() / "bin" / "initdb")) found.push_back(e.path() / "bin");
    }
    if (found.empty()) throw std::runtime_error("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb): run install/deps.sh");
    std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
        return std::stoi(a.parent_path().filename().string()) < std::stoi(b.parent_path().filename().string());
    });
    return found.back();
}

} // namespace

void PgCluster::makeDirectory()
{
    char tmpl[] = "/tmp/skm-pg-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    m_dir = tmpl;
    if (geteuid() == 0) {
        // PostgreSQL refuses root: the cluster belongs to the package's unprivileged `postgres` user.
        const passwd* pw = getpwnam("postgres");
        if (!pw) throw std::runtime_error("running as root and there is no `postgres` user to run PostgreSQL as: run install/deps.sh");
        if (chown(m_dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("cannot give " + m_dir.string() + " to postgres");
    }
}

PgCluster::PgCluster(const StandbyOf& standby) : m_bin(postgresBinDir())
{
    makeDirectory();
    std::string out;
    if (runAsOwner({(m_bin / "pg_basebackup").string(), "-h", "127.0.0.1", "-p", std::to_string(standby.primary.port()), "-U", "skm", "-D",
                    (m_dir / "data").string(), "-R", "-X", "stream", "-c", "fast", "--no-sync"},
                   &out) != 0) {
        throw std::runtime_error("pg_basebackup failed: " + out);
    }
    m_port = freePort();
    start();
}

PgCluster::PgCluster() : m_bin(postgresBinDir())
{
    makeDirectory();
    std::string out;
    if (runAsOwner({(m_bin / "initdb").string(), "-D", (m_dir / "data").string(), "-U", "skm", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"},
                   &out) != 0) {
        throw std::runtime_error("initdb failed: " + out);
    }
    // Only the loopback address, trusted for the test role; everything else refused.
    std::ofstream(m_dir / "data" / "pg_hba.conf", std::ios::trunc) << "local all skm trust\nhost all skm 127.0.0.1/32 trust\nhost replication skm 127.0.0.1/32 trust\n";
    m_port = freePort();
    start();
    if (runAsOwner({(m_bin / "createdb").string(), "-h", "127.0.0.1", "-p", std::to_string(m_port), "-U", "skm", "skm"}, &out) != 0) {
        throw std::runtime_error("createdb failed: " + out);
    }
}

PgCluster::~PgCluster()
{
    try {
        stop();
    } catch (...) {
    }
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

int PgCluster::runAsOwner(const std::vector<std::string>& args, std::string* out) const
{
    std::vector<std::string> argv;
    if (geteuid() == 0) argv = {"/usr/sbin/runuser", "-u", "postgres", "--"};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult r = run(argv);
    if (out) *out = r.out + r.err;
    return r.exitCode;
}

void PgCluster::start()
{
    if (m_running) return;
    const std::string options = "-p " + std::to_string(m_port) + " -k " + m_dir.string() + " -c listen_addresses=127.0.0.1 -c fsync=off -c wal_level=replica -c max_wal_senders=4";
    std::string out;
    if (runAsOwner({(m_bin / "pg_ctl").string(), "-D", (m_dir / "data").string(), "-o", options, "-l", (m_dir / "server.log").string(), "-w", "-t", "60", "start"}, &out) != 0) {
        throw std::runtime_error("pg_ctl start failed: " + out + readFile(m_dir / "server.log"));
    }
    m_running = true;
}

void PgCluster::stop()
{
    if (!m_running) return;
    m_running = false;
    (void)runAsOwner({(m_bin / "pg_ctl").string(), "-D", (m_dir / "data").string(), "-m", "immediate", "-w", "stop"});
}

void PgCluster::createDatabase(const std::string& name)
{
    std::string out;
    if (runAsOwner({(m_bin / "createdb").string(), "-h", "127.0.0.1", "-p", std::to_string(m_port), "-U", "skm", name}, &out) != 0) {
        throw std::runtime_error("createdb " + name + " failed: " + out);
    }
}

std::string PgCluster::psql(const std::string& sql, const std::string& db) const
{
    const CommandResult r = run({(m_bin / "psql").string(), "-X", "-A", "-t", "-q", "-h", "127.0.0.1", "-p", std::to_string(m_port), "-U", "skm", "-d", db, "-c", sql});
    if (r.exitCode != 0) throw std::runtime_error("psql " + sql + ": " + r.err);
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

void PgCluster::waitForReplay(const PgCluster& primary) const
{
    const std::string target = primary.psql("SELECT pg_current_wal_lsn()");
    for (int i = 0; i < 300; ++i) {
        if (psql("SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn") == "t") return;
        usleep(100'000);
    }
    throw std::runtime_error("the standby did not replay up to " + target + " within 30 s");
}

std::string PgCluster::url(const std::string& db) const { return "postgresql://skm@127.0.0.1:" + std::to_string(m_port) + "/" + db; }

} // namespace skm::test
