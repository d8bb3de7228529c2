#include "filter/frame_list.hpp"

#include <algorithm>
#include <limits>

#include "filter/filter_literals.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint64_t kOpenEnd = std::numeric_limits<std::uint64_t>::max();

bool is_space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::optional<FrameList> FrameList::parse(std::string_view text, FilterError& error) {
    FrameList list;
    std::size_t pos = 0;
    auto fail = [&](std::string message, std::size_t column, std::size_t length) {
        error = FilterError{std::move(message), column, std::max<std::size_t>(1, length)};
        return std::nullopt;
    };
    // One frame number at pos: decimal digits only.
    auto number = [&](std::uint64_t& out) {
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        auto value = pos > start && text[start] != '0' ? filter::parse_unsigned(text.substr(start, pos - start))
                                                        : std::nullopt;
        if (value) out = *value;
        return value.has_value();
    };
    while (true) {
        while (pos < text.size() && is_space(text[pos])) ++pos;
        const std::size_t item = pos;
        std::uint64_t first = 0, last = 0;
        if (!number(first)) {
            std::size_t end = pos;
            while (end < text.size() && text[end] != ',' && text[end] != '-') ++end;
            return fail("expected a frame number (from 1)", item, end - item);
        }
        last = first;
        if (pos < text.size() && text[pos] == '-') {
            ++pos;
            if (pos >= text.size() || text[pos] == ',' || is_space(text[pos])) {
                last = kOpenEnd;
            } else if (!number(last)) {
                return fail("expected the last frame of the range", pos, 1);
            } else if (last < first) {
                return fail("this range ends before it starts", item, pos - item);
            }
        }
        list.ranges_.emplace_back(first, last);
        while (pos < text.size() && is_space(text[pos])) ++pos;
        if (pos >= text.size()) break;
        if (text[pos] != ',') return fail("expected \",\" between frames", pos, 1);
        ++pos;
    }
    std::sort(list.ranges_.begin(), list.ranges_.end());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;
    for (const auto& r : list.ranges_) {
        if (!merged.empty() && (merged.back().second == kOpenEnd || r.first <= merged.back().second + 1))
            merged.back().second = std::max(merged.back().second, r.second);
        else
            merged.push_back(r);
    }
    list.ranges_ = std::move(merged);
    return list;
}

bool FrameList::contains(std::uint64_t frame) const {
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), frame,
                               [](std::uint64_t f, const auto& r) { return f < r.first; });
    return it != ranges_.begin() && frame <= std::prev(it)->second;
}

std::optional<std::uint64_t> FrameList::last() const {
    if (ranges_.empty() || ranges_.back().second == kOpenEnd) return std::nullopt;
    return ranges_.back().second;
}

}  // namespace tlsdissect
