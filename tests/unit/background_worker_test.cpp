// BackgroundWorker: jobs run in the order given, their results reach the caller, and
// with threads refused every job runs at once in the caller.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "core/background_worker.hpp"

using tlsdissect::BackgroundWorker;

TEST_CASE("BackgroundWorker runs jobs in order and hands their results back") {
    for (bool threads : {true, false}) {
        INFO("threads wanted: " << threads);
        std::vector<int> order;  // written by the jobs only, read after every get()
        std::vector<std::future<int>> results;
        {
            BackgroundWorker worker(threads);
            if (!threads) CHECK_FALSE(worker.threaded());
            for (int i = 0; i < 200; ++i)
                results.push_back(worker.run<int>([i, &order] {
                    order.push_back(i);
                    return i * i;
                }));
            for (int i = 0; i < 200; ++i) CHECK(results[static_cast<std::size_t>(i)].get() == i * i);
        }
        REQUIRE(order.size() == 200);
        for (int i = 0; i < 200; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
    }
}

TEST_CASE("BackgroundWorker finishes the jobs it was given before it stops") {
    std::vector<std::future<int>> results;
    {
        BackgroundWorker worker;
        for (int i = 0; i < 50; ++i) results.push_back(worker.run<int>([i] { return i + 1; }));
    }  // destroyed without waiting for the results
    for (int i = 0; i < 50; ++i) CHECK(results[static_cast<std::size_t>(i)].get() == i + 1);
}
