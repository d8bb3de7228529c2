// Whole-number options (--count, --tcp-max-buffered, ...): one clear message for a value
// that is not a number or is out of range, naming the range in digits a person reads.
// CLI11's own checks say "not in range 0 to <a 309-digit double>", accept "-5" for an
// unsigned option (it wraps), and call "abc" out of range.
#pragma once

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace tlsdissect {

// Accepts decimal digits whose value lies in [0, max]; the error names the range.
inline CLI::Validator whole_number(std::uint64_t max) {
    const std::string range = "expected a whole number from 0 to " + std::to_string(max);
    return CLI::Validator(
        [max, range](std::string& text) -> std::string {
            auto all_digits = [](std::string_view s) {
                return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
            };
            if (text.size() > 1 && text[0] == '-' && all_digits(std::string_view(text).substr(1)))
                return text + " is out of range; " + range;
            if (!all_digits(text)) return "'" + text + "' is not a number; " + range;
            std::uint64_t value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc() || value > max) return text + " is out of range; " + range;
            return {};
        },
        "0.." + std::to_string(max), "whole number");
}

// whole_number() up to the largest value of the option's variable.
template <typename T>
CLI::Validator whole_number_for(const T&) {
    return whole_number(static_cast<std::uint64_t>(std::numeric_limits<T>::max()));
}

}  // namespace tlsdissect
