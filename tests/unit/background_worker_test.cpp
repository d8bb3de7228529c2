// BackgroundWorker: every job's result reaches the caller (in the caller's order, via
// its future) however many threads run them, jobs run in the order given with one
// thread, and with no thread every job runs at once in the caller.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "core/background_worker.hpp"

using tlsdissect::BackgroundWorker;

TEST_CASE("BackgroundWorker hands every result back, in batches, with 0, 1 or 3 threads") {
    for (unsigned threads : {0u, 1u, 3u}) {
        INFO("threads: " << threads);
        std::vector<int> order;  // written by the jobs (one thread only), read after every get()
        std::vector<std::future<int>> results;
        {
            BackgroundWorker worker(threads);
            CHECK(worker.threaded() == (threads > 0));
            for (int i = 0; i < 200; ++i)
                results.push_back(worker.run<int>([i, &order, threads] {
                    if (threads <= 1) order.push_back(i);
                    return i * i;
                }));
            // 200 is not a multiple of the batch: the last jobs go only with flush().
            worker.flush();
            for (int i = 0; i < 200; ++i) CHECK(results[static_cast<std::size_t>(i)].get() == i * i);
        }
        if (threads <= 1) {
            REQUIRE(order.size() == 200);
            for (int i = 0; i < 200; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
        }
    }
}

TEST_CASE("BackgroundWorker finishes the jobs it was given, flushed or not, before it stops") {
    std::vector<std::future<int>> results;
    std::atomic<int> ran{0};
    {
        BackgroundWorker worker(2);
        for (int i = 0; i < 50; ++i) results.push_back(worker.run<int>([i, &ran] {
            ++ran;
            return i + 1;
        }));
    }  // destroyed without flush() or waiting for the results
    CHECK(ran == 50);
    for (int i = 0; i < 50; ++i) CHECK(results[static_cast<std::size_t>(i)].get() == i + 1);
}

TEST_CASE("BackgroundWorker::threads_for: one fewer than the cores asked for") {
    CHECK(BackgroundWorker::threads_for(1) == 0);
    CHECK(BackgroundWorker::threads_for(4) == 3);
    CHECK(BackgroundWorker::threads_for(0) + 1 == std::max(1u, std::thread::hardware_concurrency()));
}
