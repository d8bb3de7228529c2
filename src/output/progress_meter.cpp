#include "output/progress_meter.hpp"

#include <fmt/format.h>

#include "tlsdissect/capture.hpp"

namespace tlsdissect {

void ProgressMeter::start(const std::string& name, const CaptureReader& reader) {
    name_ = name;
    reader_ = &reader;
    start_ = last_ = std::chrono::steady_clock::now();
}

void ProgressMeter::check(std::uint64_t frames) {
    if (!reader_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!immediate_ && (now - start_ < kProgressDelay || (shown_ && now - last_ < kProgressInterval))) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(frames) / seconds : 0;
    const std::uint64_t done = reader_->bytes_read();
    const std::uint64_t total = reader_->total_bytes();
    constexpr double kMiB = 1024.0 * 1024.0;
    // \r and "erase to the end of the line": the line is redrawn in place.
    if (total > 0)
        fmt::print(out_, "\r\033[K{}: {:.1f} of {:.1f} MiB ({:.0f}%), {} packets, {:.0f} packets/s", name_,
                   static_cast<double>(done) / kMiB, static_cast<double>(total) / kMiB,
                   100.0 * static_cast<double>(done) / static_cast<double>(total), frames, rate);
    else
        fmt::print(out_, "\r\033[K{}: {} packets, {:.0f} packets/s", name_, frames, rate);
    std::fflush(out_);
    shown_ = true;
}

void ProgressMeter::finish() {
    if (shown_) {
        std::fputs("\r\033[K", out_);
        std::fflush(out_);
    }
    shown_ = false;
    reader_ = nullptr;
}

}  // namespace tlsdissect
