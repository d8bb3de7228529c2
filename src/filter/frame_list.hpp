// --frames 16,18-28,40-: the frame numbers to show.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "filter/display_filter.hpp"

namespace tlsdissect {

class FrameList {
public:
    // Numbers and ranges separated by commas; "N-" runs to the end of the capture.
    // Frames count from 1. On failure returns nothing and fills `error`.
    static std::optional<FrameList> parse(std::string_view text, FilterError& error);

    bool contains(std::uint64_t frame) const;
    // The highest frame listed, so that reading can stop after it; none when a range is
    // open-ended.
    std::optional<std::uint64_t> last() const;

private:
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges_;  // sorted, merged, inclusive
};

}  // namespace tlsdissect
