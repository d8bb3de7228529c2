#include "filter/filter_literals.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace tlsdissect::filter {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
// The most seconds that fit in a signed 64-bit count of nanoseconds.
constexpr std::int64_t kMaxSeconds = 9'223'372'035;

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_value(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] | 0x20) : a[i];
        char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] | 0x20) : b[i];
        if (x != y) return false;
    }
    return true;
}

template <typename T>
std::optional<T> whole_number(std::string_view text, int base) {
    T value{};
    if (text.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// Reads a fixed count of decimal digits at `pos`, advancing it.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t count) {
    if (pos + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (!is_digit(text[pos + i])) return std::nullopt;
        value = value * 10 + (text[pos + i] - '0');
    }
    pos += count;
    return value;
}

// Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// days * 86400 s + time_ns, or nothing outside what signed 64-bit nanoseconds hold
// (the years 1677 to 2262).
std::optional<std::int64_t> epoch_nanoseconds(std::int64_t days, std::int64_t time_ns) {
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(days, 86400 * kNanosPerSecond, &ns) || __builtin_add_overflow(ns, time_ns, &ns))
        return std::nullopt;
    return ns;
}

bool valid_date(int y, int m, int d) {
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m != 2 || d <= 28 || leap;
}

// "HH:MM[:SS[.fraction]]" at pos, as nanoseconds since midnight.
std::optional<std::int64_t> time_of_day(std::string_view text, std::size_t& pos) {
    auto h = digits(text, pos, 2);
    if (!h || pos >= text.size() || text[pos] != ':') return std::nullopt;
    ++pos;
    auto m = digits(text, pos, 2);
    if (!m || *h > 23 || *m > 59) return std::nullopt;
    std::int64_t ns = (*h * 3600LL + *m * 60LL) * kNanosPerSecond;
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        auto s = digits(text, pos, 2);
        if (!s || *s > 60) return std::nullopt;
        ns += *s * kNanosPerSecond;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            std::int64_t scale = kNanosPerSecond / 10;
            const std::size_t start = pos;
            for (; pos < text.size() && is_digit(text[pos]); ++pos, scale /= 10) ns += (text[pos] - '0') * scale;
            if (pos == start) return std::nullopt;
        }
    }
    return ns;
}

// The end of a time: nothing, "Z", "UTC" or " UTC".
bool utc_suffix(std::string_view rest) {
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return rest.empty() || rest == "Z" || rest == "z" || equals_ignoring_case(rest, "UTC");
}

std::optional<std::int64_t> iso_time(std::string_view text) {
    std::size_t pos = 0;
    auto y = digits(text, pos, 4);
    if (!y || pos >= text.size() || text[pos++] != '-') return std::nullopt;
    auto m = digits(text, pos, 2);
    if (!m || pos >= text.size() || text[pos++] != '-') return std::nullopt;
    auto d = digits(text, pos, 2);
    if (!d || !valid_date(*y, *m, *d)) return std::nullopt;
    const std::int64_t days = days_from_civil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
    std::int64_t time = 0;
    if (pos < text.size() && (text[pos] == ' ' || text[pos] == 'T') && pos + 1 < text.size() && is_digit(text[pos + 1])) {
        ++pos;
        auto t = time_of_day(text, pos);
        if (!t) return std::nullopt;
        time = *t;
    }
    if (!utc_suffix(text.substr(pos))) return std::nullopt;
    return epoch_nanoseconds(days, time);
}

// "Nov 27, 2026 04:55:43.405007000 UTC", the tree's form.
std::optional<std::int64_t> tree_time(std::string_view text) {
    static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    if (text.size() < 4) return std::nullopt;
    int month = 0;
    while (month < 12 && !equals_ignoring_case(text.substr(0, 3), kMonths[month])) ++month;
    if (month == 12 || text[3] != ' ') return std::nullopt;
    std::size_t pos = 4;
    while (pos < text.size() && text[pos] == ' ') ++pos;
    const std::size_t day_start = pos;
    while (pos < text.size() && is_digit(text[pos]) && pos - day_start < 2) ++pos;
    auto d = whole_number<int>(text.substr(day_start, pos - day_start), 10);
    if (!d || pos + 2 > text.size() || text[pos] != ',' || text[pos + 1] != ' ') return std::nullopt;
    pos += 2;
    auto y = digits(text, pos, 4);
    if (!y || !valid_date(*y, month + 1, *d)) return std::nullopt;
    const std::int64_t days = days_from_civil(*y, static_cast<unsigned>(month + 1), static_cast<unsigned>(*d));
    std::int64_t time = 0;
    if (pos < text.size() && text[pos] == ' ' && pos + 1 < text.size() && is_digit(text[pos + 1])) {
        ++pos;
        auto t = time_of_day(text, pos);
        if (!t) return std::nullopt;
        time = *t;
    }
    if (!utc_suffix(text.substr(pos))) return std::nullopt;
    return epoch_nanoseconds(days, time);
}

template <std::size_t N>
bool parse_address(int family, std::string_view text, std::array<std::uint8_t, N>& out) {
    char buffer[64];
    if (text.empty() || text.size() >= sizeof buffer) return false;
    text.copy(buffer, text.size());
    buffer[text.size()] = '\0';
    return inet_pton(family, buffer, out.data()) == 1;
}

// Splits "address/prefix"; the prefix is decimal and at most `max`.
bool split_prefix(std::string_view text, std::string_view& address, std::uint8_t& prefix, unsigned max) {
    const std::size_t slash = text.find('/');
    address = text.substr(0, slash);
    prefix = static_cast<std::uint8_t>(max);
    if (slash == std::string_view::npos) return true;
    const std::string_view digits_text = text.substr(slash + 1);
    if (digits_text.empty() || digits_text.size() > 3) return false;
    for (char c : digits_text)
        if (!is_digit(c)) return false;
    auto value = whole_number<unsigned>(digits_text, 10);
    if (!value || *value > max) return false;
    prefix = static_cast<std::uint8_t>(*value);
    return true;
}

// Hex groups separated by `separator`, each of 1..max_digits digits, as bytes (a group of
// four digits is two bytes).
bool hex_groups(std::string_view text, char separator, std::size_t max_digits, std::vector<std::uint8_t>& out) {
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find(separator, start);
        std::string_view group = text.substr(start, end == std::string_view::npos ? end : end - start);
        if (group.empty() || group.size() > max_digits) return false;
        for (char c : group)
            if (!is_hex(c)) return false;
        if (max_digits == 2) {
            out.push_back(static_cast<std::uint8_t>(group.size() == 1 ? hex_value(group[0])
                                                                      : hex_value(group[0]) << 4 | hex_value(group[1])));
        } else {
            if (group.size() != max_digits) return false;
            for (std::size_t i = 0; i < group.size(); i += 2)
                out.push_back(static_cast<std::uint8_t>(hex_value(group[i]) << 4 | hex_value(group[i + 1])));
        }
        if (end == std::string_view::npos) return true;
        start = end + 1;
    }
}

}  // namespace

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        return whole_number<std::uint64_t>(text.substr(2), 16);
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B'))
        return whole_number<std::uint64_t>(text.substr(2), 2);
    if (text.size() > 1 && text[0] == '0') return whole_number<std::uint64_t>(text.substr(1), 8);
    return whole_number<std::uint64_t>(text, 10);
}

std::optional<std::int64_t> parse_signed(std::string_view text) {
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    if (text.empty() || text[0] == '-' || text[0] == '+') return std::nullopt;
    auto magnitude = parse_unsigned(text);
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!magnitude || *magnitude > kMax + (negative ? 1 : 0)) return std::nullopt;
    if (negative) return static_cast<std::int64_t>(0 - *magnitude);
    return static_cast<std::int64_t>(*magnitude);
}

std::optional<double> parse_double(std::string_view text) {
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    if (text.empty() || text[0] == '+') return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<std::int64_t> parse_seconds(std::string_view text) {
    std::string_view rest = text;
    bool negative = false;
    if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
        negative = rest[0] == '-';
        rest.remove_prefix(1);
    }
    const std::size_t dot = rest.find('.');
    const std::string_view whole = rest.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    bool plain = !(whole.empty() && fraction.empty()) && whole.size() <= 10;
    for (char c : whole) plain = plain && is_digit(c);
    for (char c : fraction) plain = plain && is_digit(c);
    if (plain) {
        std::int64_t ns = 0;
        for (char c : whole) ns = ns * 10 + (c - '0');
        if (ns > kMaxSeconds) return std::nullopt;
        ns *= kNanosPerSecond;
        std::int64_t scale = kNanosPerSecond / 10;
        for (std::size_t i = 0; i < fraction.size() && scale > 0; ++i, scale /= 10) ns += (fraction[i] - '0') * scale;
        return negative ? -ns : ns;
    }
    // Exponents and other forms strtod reads: rounded to the nanosecond.
    auto seconds = parse_double(text);
    if (!seconds || std::fabs(*seconds) > static_cast<double>(kMaxSeconds)) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*seconds * 1e9));
}

std::optional<std::int64_t> parse_utc_time(std::string_view text) {
    if (auto t = iso_time(text)) return t;
    return tree_time(text);
}

std::optional<bool> parse_bool(std::string_view text) {
    if (equals_ignoring_case(text, "true")) return true;
    if (equals_ignoring_case(text, "false")) return false;
    if (auto n = parse_unsigned(text)) return *n != 0;
    return std::nullopt;
}

std::optional<Ipv4Network> parse_ipv4_network(std::string_view text) {
    Ipv4Network net;
    std::string_view address;
    if (!split_prefix(text, address, net.prefix, 32) || !parse_address(AF_INET, address, net.address.b))
        return std::nullopt;
    return net;
}

std::optional<Ipv6Network> parse_ipv6_network(std::string_view text) {
    Ipv6Network net;
    std::string_view address;
    if (!split_prefix(text, address, net.prefix, 128) || !parse_address(AF_INET6, address, net.address.b))
        return std::nullopt;
    return net;
}

std::optional<MacAddress> parse_mac(std::string_view text) {
    std::vector<std::uint8_t> bytes;
    bool ok = false;
    if (text.find(':') != std::string_view::npos)
        ok = hex_groups(text, ':', 2, bytes);
    else if (text.find('-') != std::string_view::npos)
        ok = hex_groups(text, '-', 2, bytes);
    else if (text.find('.') != std::string_view::npos)
        ok = hex_groups(text, '.', 4, bytes);
    else
        ok = text.size() == 12 && hex_groups(text, '\0', 12, bytes);
    if (!ok || bytes.size() != 6) return std::nullopt;
    MacAddress mac;
    std::copy(bytes.begin(), bytes.end(), mac.b.begin());
    return mac;
}

std::optional<std::vector<std::uint8_t>> parse_byte_string(std::string_view text) {
    std::vector<std::uint8_t> bytes;
    if (text.empty()) return std::nullopt;
    for (char separator : {':', '-', '.'}) {
        if (text.find(separator) == std::string_view::npos) continue;
        if (!hex_groups(text, separator, 2, bytes)) return std::nullopt;
        return bytes;
    }
    if (text.size() <= 2) {
        if (!hex_groups(text, '\0', 2, bytes)) return std::nullopt;
        return bytes;
    }
    if (text.size() % 2 != 0 || !hex_groups(text, '\0', text.size(), bytes)) return std::nullopt;
    return bytes;
}

bool same_network(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, unsigned prefix) {
    if (a.size() != b.size() || prefix > a.size() * 8) return false;
    const std::size_t whole = prefix / 8;
    for (std::size_t i = 0; i < whole; ++i)
        if (a[i] != b[i]) return false;
    const unsigned rest = prefix % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace tlsdissect::filter
