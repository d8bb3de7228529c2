#include "core/background_worker.hpp"

#include <algorithm>

namespace tlsdissect {

unsigned BackgroundWorker::threads_for(unsigned jobs) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned wanted = jobs == 0 ? cores : jobs;
    return wanted - 1;
}

BackgroundWorker::BackgroundWorker(unsigned threads) {
    batch_.reserve(kBatch);
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

void BackgroundWorker::submit(BackgroundJob& job) {
    job.done_.store(false, std::memory_order_relaxed);
    if (threads_.empty()) {
        job.run();
        job.done_.store(true, std::memory_order_release);
        return;
    }
    batch_.push_back(&job);
    if (batch_.size() >= kBatch) flush();
}

void BackgroundWorker::flush() {
    if (batch_.empty()) return;
    bool wake = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.insert(queue_.end(), batch_.begin(), batch_.end());
        wake = idle_ > 0;  // a busy thread takes the next jobs without being told
    }
    batch_.clear();
    if (wake) wake_.notify_all();
}

void BackgroundWorker::wait(BackgroundJob& job) {
    if (job.done()) return;
    flush();
    std::unique_lock<std::mutex> lock(mutex_);
    waiting_.fetch_add(1, std::memory_order_acq_rel);
    finished_.wait(lock, [&job] { return job.done(); });
    waiting_.fetch_sub(1, std::memory_order_acq_rel);
}

void BackgroundWorker::loop() {
    std::vector<BackgroundJob*> mine;
    mine.reserve(kBatch);
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            ++idle_;
            wake_.wait(lock, [this] { return stopping_ || queue_head_ < queue_.size(); });
            --idle_;
            if (queue_head_ == queue_.size()) return;  // stopping, and nothing left to do
            // A share of what waits: the other threads take the rest.
            const std::size_t waiting = queue_.size() - queue_head_;
            const std::size_t share = std::max<std::size_t>(1, waiting / threads_.size());
            mine.assign(queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_),
                        queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_ + share));
            queue_head_ += share;
            if (queue_head_ == queue_.size()) {
                queue_.clear();  // keeps its buffer: no allocation once it is large enough
                queue_head_ = 0;
            }
        }
        for (BackgroundJob* job : mine) {
            job->run();
            job->done_.store(true, std::memory_order_release);
            // A caller waiting for this job goes on at once, not after the whole share.
            // Under the lock, so that a caller between its check and its wait is not missed.
            if (waiting_.load(std::memory_order_acquire) > 0) {
                std::lock_guard<std::mutex> lock(mutex_);
                finished_.notify_all();
            }
        }
        mine.clear();
    }
}

}  // namespace tlsdissect
