#include "core/background_worker.hpp"

#include <algorithm>

namespace tlsdissect {

unsigned BackgroundWorker::threads_for(unsigned jobs) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned wanted = jobs == 0 ? cores : jobs;
    return wanted - 1;
}

BackgroundWorker::BackgroundWorker(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
}

BackgroundWorker::~BackgroundWorker() {
    if (threads_.empty()) return;
    flush();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
}

void BackgroundWorker::flush() {
    if (batch_.empty()) return;
    bool wake = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& job : batch_) jobs_.push_back(std::move(job));
        wake = idle_ > 0;  // a busy thread takes the next jobs without being told
    }
    batch_.clear();
    if (wake) wake_.notify_all();
}

void BackgroundWorker::loop() {
    std::vector<std::function<void()>> mine;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            ++idle_;
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            --idle_;
            if (jobs_.empty()) return;  // stopping, and nothing left to do
            // A share of what waits: the other threads take the rest.
            const std::size_t share = std::max<std::size_t>(1, jobs_.size() / threads_.size());
            for (std::size_t i = 0; i < share && !jobs_.empty(); ++i) {
                mine.push_back(std::move(jobs_.front()));
                jobs_.pop_front();
            }
        }
        for (auto& job : mine) job();
        mine.clear();
    }
}

}  // namespace tlsdissect
