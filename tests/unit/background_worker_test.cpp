// BackgroundWorker: every job is run exactly once and its result is there once done()
// or wait() says so, however many threads run them; jobs run in the order given with one
// thread; with no thread every job runs at once in the caller; jobs are used again.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "core/background_worker.hpp"

using tlsdissect::BackgroundJob;
using tlsdissect::BackgroundWorker;

namespace {

struct Square final : BackgroundJob {
    int input = 0;
    int result = -1;
    std::vector<int>* order = nullptr;  // appended to when set (one thread only)
    std::atomic<int>* runs = nullptr;
    void run() override {
        if (order) order->push_back(input);
        if (runs) ++*runs;
        result = input * input;
    }
};

}  // namespace

TEST_CASE("BackgroundWorker hands every result back, in batches, with 0, 1 or 3 threads") {
    for (unsigned threads : {0u, 1u, 3u}) {
        INFO("threads: " << threads);
        std::vector<int> order;  // written by the jobs (one thread only), read after wait()
        std::vector<Square> jobs(200);
        BackgroundWorker worker(threads);
        CHECK(worker.threaded() == (threads > 0));
        // Each job twice: a job is used again once done.
        for (int round = 0; round < 2; ++round) {
            order.clear();
            for (int i = 0; i < 200; ++i) {
                Square& job = jobs[static_cast<std::size_t>(i)];
                job.input = i + round;
                job.result = -1;
                job.order = threads <= 1 ? &order : nullptr;
                worker.submit(job);
                if (threads == 0) CHECK(job.done());
            }
            // 200 is not a multiple of the batch: the last jobs go only with flush() or wait().
            for (int i = 199; i >= 0; --i) {
                Square& job = jobs[static_cast<std::size_t>(i)];
                worker.wait(job);
                REQUIRE(job.done());
                CHECK(job.result == (i + round) * (i + round));
            }
            if (threads <= 1) {
                REQUIRE(order.size() == 200);
                for (int i = 0; i < 200; ++i) CHECK(order[static_cast<std::size_t>(i)] == i + round);
            }
        }
    }
}

TEST_CASE("BackgroundWorker finishes the jobs it was given, flushed or not, before it stops") {
    std::vector<Square> jobs(50);
    std::atomic<int> runs{0};
    {
        BackgroundWorker worker(2);
        for (int i = 0; i < 50; ++i) {
            jobs[static_cast<std::size_t>(i)].input = i;
            jobs[static_cast<std::size_t>(i)].runs = &runs;
            worker.submit(jobs[static_cast<std::size_t>(i)]);
        }
    }  // destroyed without flush() or waiting for the results
    CHECK(runs == 50);
    for (int i = 0; i < 50; ++i) {
        CHECK(jobs[static_cast<std::size_t>(i)].done());
        CHECK(jobs[static_cast<std::size_t>(i)].result == i * i);
    }
}

TEST_CASE("BackgroundWorker::threads_for: one fewer than the cores asked for") {
    CHECK(BackgroundWorker::threads_for(1) == 0);
    CHECK(BackgroundWorker::threads_for(4) == 3);
    CHECK(BackgroundWorker::threads_for(0) + 1 == std::max(1u, std::thread::hardware_concurrency()));
}
