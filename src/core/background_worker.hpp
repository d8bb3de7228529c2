// Background threads for work whose result is needed later, in the caller's order (the
// --sessions printer hands them the Server Key Exchange signature checks, one RSA/ECDSA
// verification per connection, while the main thread goes on reading and dissecting).
//
// Jobs are handed over in batches: run() only queues a job in the caller's batch, and
// the batch goes to the threads when it is full or when the caller calls flush(), so
// that a thread is woken once per batch, not once per job. A caller must flush() before
// it waits for a result. With no threads (one core, or -j 1) run() does the job at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace tlsdissect {

class BackgroundWorker {
public:
    // Jobs handed to the threads at once.
    static constexpr std::size_t kBatch = 32;

    // The threads to start for `jobs` (-j: 0 is one per core): one fewer than the cores
    // asked for, the caller's own thread being one of them.
    static unsigned threads_for(unsigned jobs);

    // `threads` 0: never start a thread (every job runs in the caller).
    explicit BackgroundWorker(unsigned threads = threads_for(0));
    ~BackgroundWorker();  // finishes the jobs already given, then stops the threads
    BackgroundWorker(const BackgroundWorker&) = delete;
    BackgroundWorker& operator=(const BackgroundWorker&) = delete;

    // Queues `job` (or runs it now, when there is no thread); the future holds its result.
    template <typename Result>
    std::future<Result> run(std::function<Result()> job) {
        std::packaged_task<Result()> task(std::move(job));
        std::future<Result> result = task.get_future();
        if (threads_.empty()) {
            task();
            return result;
        }
        auto shared = std::make_shared<std::packaged_task<Result()>>(std::move(task));
        batch_.push_back([shared] { (*shared)(); });
        if (batch_.size() >= kBatch) flush();
        return result;
    }
    // Hands the queued jobs to the threads.
    void flush();
    bool threaded() const { return !threads_.empty(); }

private:
    void loop();

    std::vector<std::function<void()>> batch_;  // the caller's, not yet handed over
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    unsigned idle_ = 0;  // threads waiting for jobs
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace tlsdissect
