#include "core/background_worker.hpp"

namespace tlsdissect {

BackgroundWorker::BackgroundWorker(bool threads_wanted) {
    if (threads_wanted && std::thread::hardware_concurrency() > 1) thread_ = std::thread([this] { loop(); });
}

BackgroundWorker::~BackgroundWorker() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void BackgroundWorker::loop() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;  // stopping, and nothing left to do
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

}  // namespace tlsdissect
