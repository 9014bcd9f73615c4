#include "support/central_engine.hpp"

#include "support/pg_cluster.hpp"

#include <atomic>
#include <mutex>

namespace skm::test {

namespace {

PgCluster& sharedCluster()
{
    static PgCluster cluster; // stopped by its destructor when the test run exits
    return cluster;
}

class EngineGenerator final : public Catch::Generators::IGenerator<Engine> {
public:
    const Engine& get() const override { return m_current; }
    bool next() override
    {
        if (m_step++ > 0) return false;
        m_current = postgresEngine();
        return true;
    }

private:
    Engine m_current; // SQLite first
    int m_step = 0;
};

} // namespace

std::vector<std::string> Engine::args() const
{
    if (kind == sql::Engine::Sqlite) return {};
    return {"--database", url};
}

std::unique_ptr<sql::Connection> Engine::open(const std::filesystem::path& dataDir) const
{
    if (kind == sql::Engine::Postgres) return sql::postgres(url);
    return sql::sqlite(store::Database((dataDir / "central.db").string(), SQLITE_OPEN_READONLY));
}

Engine postgresEngine()
{
    static std::mutex mutex;
    static int made = 0;
    std::lock_guard lock(mutex);
    PgCluster& pg = sharedCluster();
    const std::string name = "test_" + std::to_string(++made);
    pg.createDatabase(name);
    return Engine{sql::Engine::Postgres, pg.url(name)};
}

Catch::Generators::GeneratorWrapper<Engine> engines()
{
    return Catch::Generators::GeneratorWrapper<Engine>(std::make_unique<EngineGenerator>());
}

} // namespace skm::test
