// Background threads for work whose result is needed later, in the caller's order (the
// --sessions printer hands them the Server Key Exchange signature checks, one RSA/ECDSA
// verification per connection, while the main thread goes on reading and dissecting).
//
// A job is an object the caller owns and keeps until it is done, and may use again:
// handing it over allocates nothing, and nothing the caller allocated is freed on
// another thread (a free from another thread takes the allocator's arena lock, and the
// two threads then wait on each other). Jobs are handed over in batches: submit() only
// queues a job in the caller's batch, and the batch goes to the threads when it is full
// or when the caller calls flush() or wait(), so that a thread is woken once per batch,
// not once per job. With no threads (one core, or -j 1) submit() runs the job at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace tlsdissect {

class BackgroundWorker;

// What a background thread runs: run() reads the inputs the caller put in the object
// and writes its result there; the caller reads it once done() (or after wait()).
class BackgroundJob {
public:
    virtual ~BackgroundJob() = default;
    virtual void run() = 0;
    bool done() const { return done_.load(std::memory_order_acquire); }

private:
    friend class BackgroundWorker;
    std::atomic<bool> done_{false};
};

class BackgroundWorker {
public:
    // Jobs handed to the threads at once. A caller that keeps at most N jobs outstanding
    // needs N well above this, or it waits for each batch as soon as it is handed over.
    static constexpr std::size_t kBatch = 16;

    // The threads to start for `jobs` (-j: 0 is one per core): one fewer than the cores
    // asked for, the caller's own thread being one of them.
    static unsigned threads_for(unsigned jobs);

    // `threads` 0: never start a thread (every job runs in the caller).
    explicit BackgroundWorker(unsigned threads = threads_for(0));
    ~BackgroundWorker();  // finishes the jobs already given, then stops the threads
    BackgroundWorker(const BackgroundWorker&) = delete;
    BackgroundWorker& operator=(const BackgroundWorker&) = delete;

    // Queues `job` (or runs it now, when there is no thread). The job must stay alive and
    // untouched by the caller until it is done.
    void submit(BackgroundJob& job);
    // Hands the queued jobs to the threads.
    void flush();
    // Returns once `job` (submitted before) is done.
    void wait(BackgroundJob& job);
    bool threaded() const { return !threads_.empty(); }

private:
    void loop();

    std::vector<BackgroundJob*> batch_;  // the caller's, not yet handed over
    std::mutex mutex_;
    std::condition_variable wake_;      // jobs to do, or stopping
    std::condition_variable finished_;  // a job someone waits for may be done
    std::vector<BackgroundJob*> queue_;  // handed over; [queue_head_, end) not yet taken
    std::size_t queue_head_ = 0;
    unsigned idle_ = 0;     // threads waiting for jobs
    std::atomic<unsigned> waiting_{0};  // callers waiting in wait()
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace tlsdissect
