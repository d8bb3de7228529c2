// One background thread that runs jobs in the order they were given, for work whose
// result is needed later and in order (the --sessions printer hands it the Server Key
// Exchange signature checks, one RSA/ECDSA verification per connection, while the main
// thread goes on reading and dissecting). On a single-core machine nothing is started
// and run() does the job at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

namespace tlsdissect {

class BackgroundWorker {
public:
    // `threads_wanted` false: never start a thread (every job runs in the caller).
    explicit BackgroundWorker(bool threads_wanted = true);
    ~BackgroundWorker();  // finishes the jobs already given, then stops the thread
    BackgroundWorker(const BackgroundWorker&) = delete;
    BackgroundWorker& operator=(const BackgroundWorker&) = delete;

    // Runs `job` on the background thread (or now, when there is none); the future holds
    // its result.
    template <typename Result>
    std::future<Result> run(std::function<Result()> job) {
        std::packaged_task<Result()> task(std::move(job));
        std::future<Result> result = task.get_future();
        if (!thread_.joinable()) {
            task();
            return result;
        }
        auto shared = std::make_shared<std::packaged_task<Result()>>(std::move(task));
        {
            std::lock_guard<std::mutex> lock(mutex_);
            jobs_.push_back([shared] { (*shared)(); });
        }
        wake_.notify_one();
        return result;
    }
    bool threaded() const { return thread_.joinable(); }

private:
    void loop();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace tlsdissect
