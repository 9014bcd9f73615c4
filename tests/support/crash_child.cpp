// skm-crash-child DATA_DIR: commits ratings as fast as it can and prints each id on stdout only after
// its commit returned. The crash test kills it with SIGKILL at random instants.

#include <kiosk/store/rating_store.hpp>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: skm-crash-child DATA_DIR\n");
        return 2;
    }
    skm::store::StoreOptions o;
    o.dataDir = argv[1];
    o.deviceId = "crash-test";
    o.counter = "Loket 9";
    skm::store::RatingStore store(o);
    for (unsigned i = 0;; ++i) {
        const auto pending = store.stamp(static_cast<int>(i % 4) + 1);
        const auto result = store.commit(pending);
        if (!result.ok) {
            std::fprintf(stderr, "commit failed: %s\n", result.error.c_str());
            return 1;
        }
        std::printf("%s\n", pending.id.c_str());
        std::fflush(stdout);
    }
}
