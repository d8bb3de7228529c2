#include "tlsdissect/text.hpp"

#include <ctime>

namespace tlsdissect {

std::string bit_pattern(std::uint64_t value, std::uint64_t mask, unsigned bits) {
    std::string out;
    out.reserve(bits + bits / 4);
    for (unsigned i = bits; i-- > 0;) {
        const std::uint64_t bit = std::uint64_t(1) << i;
        out.push_back(mask & bit ? (value & bit ? '1' : '0') : '.');
        if (i % 4 == 0 && i != 0) out.push_back(' ');
    }
    return out;
}

std::string hex_digits(std::uint64_t value, unsigned digits) {
    static constexpr char kDigits[] = "0123456789abcdef";
    char buf[32];  // 16 digits at most, plus zero padding up to `digits`
    char* const end = buf + sizeof buf;
    char* p = end;
    do {
        *--p = kDigits[value & 15];
        value >>= 4;
    } while ((value || static_cast<unsigned>(end - p) < digits) && p > buf);
    return std::string(p, end);
}

static std::string nine_decimals(std::int64_t ns) {
    std::string frac = std::to_string(ns % 1'000'000'000);
    return std::string(9 - frac.size(), '0') + frac;
}

std::string seconds_ns(std::int64_t ns) {
    std::string sign;
    if (ns < 0) {
        sign = "-";
        ns = -ns;
    }
    return sign + std::to_string(ns / 1'000'000'000) + "." + nine_decimals(ns);
}

std::string epoch_time_ns(std::int64_t ns) { return seconds_ns(ns); }

std::string utc_time_ns(std::int64_t ns) {
    std::int64_t sec = ns / 1'000'000'000;
    std::int64_t rem = ns % 1'000'000'000;
    if (rem < 0) {
        rem += 1'000'000'000;
        --sec;
    }
    std::time_t t = static_cast<std::time_t>(sec);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%b %e, %Y %H:%M:%S", &tm);
    return std::string(buf) + "." + nine_decimals(rem) + " UTC";
}

}  // namespace tlsdissect
