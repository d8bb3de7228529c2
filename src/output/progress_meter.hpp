// A progress line on stderr for long runs on a terminal: how far into the file reading
// has got, packets, packets per second. Silent unless enabled (main enables it when
// stderr is a terminal and --quiet is not given).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace tlsdissect {

class CaptureReader;

// The line appears once a file has taken kProgressDelay and is redrawn at most every
// kProgressInterval (about 4 times a second).
inline constexpr std::chrono::milliseconds kProgressDelay{500};
inline constexpr std::chrono::milliseconds kProgressInterval{250};
// The clock is looked at once every this many packets.
inline constexpr std::uint64_t kProgressCheckEvery = 1024;

class ProgressMeter {
public:
    // `immediate` (tests): no delay and no interval, a line at every check.
    ProgressMeter(std::FILE* out, bool enabled, bool immediate = false)
        : out_(out), enabled_(enabled), immediate_(immediate) {}
    void start(const std::string& name, const CaptureReader& reader);
    // After each packet; cheap except once every kProgressCheckEvery packets.
    void packet(std::uint64_t frames) {
        if (enabled_ && frames % kProgressCheckEvery == 0) check(frames);
    }
    // The file is done: the line is erased.
    void finish();

private:
    void check(std::uint64_t frames);
    std::FILE* out_;
    bool enabled_;
    bool immediate_;
    bool shown_ = false;
    const CaptureReader* reader_ = nullptr;
    std::string name_;
    std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace tlsdissect
