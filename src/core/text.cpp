#include "tlsdissect/text.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <ctime>
#include <limits>

namespace tlsdissect {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Nine decimal digits, zero-padded: the fraction of a second in nanoseconds.
char* write_nine_decimals(char* p, std::uint64_t ns) {
    for (int i = 8; i >= 0; --i) {
        p[i] = static_cast<char>('0' + ns % 10);
        ns /= 10;
    }
    return p + 9;
}

void append_nine_decimals(std::string& out, std::uint64_t ns) {
    char digits[9];
    out.append(digits, static_cast<std::size_t>(write_nine_decimals(digits, ns) - digits));
}

// The text that write(char*) writes, appended to `out` (at most Max characters).
template <std::size_t Max, typename Write>
void append_written(std::string& out, Write&& write) {
    char text[Max];
    out.append(text, static_cast<std::size_t>(write(text) - text));
}

}  // namespace

// The picture of one nibble: for each mask nibble and value nibble, four characters.
constexpr auto kNibblePictures = [] {
    std::array<std::array<char, 4>, 256> t{};
    for (unsigned mask = 0; mask < 16; ++mask)
        for (unsigned value = 0; value < 16; ++value)
            for (unsigned bit = 0; bit < 4; ++bit) {
                const unsigned b = 8u >> bit;
                t[mask << 4 | value][bit] = mask & b ? (value & b ? '1' : '0') : '.';
            }
    return t;
}();

char* write_bit_pattern(char* p, std::uint64_t value, std::uint64_t mask, unsigned bits) {
    if (bits > 64) bits = 64;
    char* const start = p;
    unsigned i = bits;
    // The bits above the last whole nibble, one at a time, then whole nibbles.
    for (; i % 4 != 0; --i) {
        const std::uint64_t bit = std::uint64_t(1) << (i - 1);
        *p++ = mask & bit ? (value & bit ? '1' : '0') : '.';
        if (i - 1 == 0) break;
    }
    for (; i >= 4; i -= 4) {
        if (p != start) *p++ = ' ';
        const unsigned shift = i - 4;
        const auto& four = kNibblePictures[((mask >> shift) & 15) << 4 | ((value >> shift) & 15)];
        std::memcpy(p, four.data(), 4);
        p += 4;
    }
    return p;
}

void append_bit_pattern(std::string& out, std::uint64_t value, std::uint64_t mask, unsigned bits) {
    append_written<kMaxBitPattern>(out, [&](char* p) { return write_bit_pattern(p, value, mask, bits); });
}

std::string bit_pattern(std::uint64_t value, std::uint64_t mask, unsigned bits) {
    std::string out;
    append_bit_pattern(out, value, mask, bits);
    return out;
}

char* write_hex_digits(char* p, std::uint64_t value, unsigned digits) {
    if (digits > kMaxHexDigits) digits = kMaxHexDigits;
    unsigned n = 1;  // digits the value needs
    while (n < 16 && (value >> (4 * n)) != 0) ++n;
    if (n < digits) n = digits;
    for (unsigned i = n; i > 0; --i) {
        p[i - 1] = kHexDigits[value & 15];
        value >>= 4;
    }
    return p + n;
}

void append_hex_digits(std::string& out, std::uint64_t value, unsigned digits) {
    append_written<kMaxHexDigits>(out, [&](char* p) { return write_hex_digits(p, value, digits); });
}

std::string hex_digits(std::uint64_t value, unsigned digits) {
    std::string out;
    append_hex_digits(out, value, digits);
    return out;
}

char* write_decimal(char* p, std::uint64_t value) { return std::to_chars(p, p + kMaxDecimal, value).ptr; }

char* write_decimal(char* p, std::int64_t value) { return std::to_chars(p, p + kMaxDecimal, value).ptr; }

void append_decimal(std::string& out, std::uint64_t value) {
    append_written<kMaxDecimal>(out, [&](char* p) { return write_decimal(p, value); });
}

void append_decimal(std::string& out, std::int64_t value) {
    append_written<kMaxDecimal>(out, [&](char* p) { return write_decimal(p, value); });
}

char* write_seconds_ns(char* p, std::int64_t ns) {
    // The magnitude as unsigned, so that the most negative value has one too.
    std::uint64_t magnitude = static_cast<std::uint64_t>(ns);
    if (ns < 0) {
        *p++ = '-';
        magnitude = ~magnitude + 1;
    }
    p = write_decimal(p, magnitude / 1'000'000'000);
    *p++ = '.';
    return write_nine_decimals(p, magnitude % 1'000'000'000);
}

void append_seconds_ns(std::string& out, std::int64_t ns) {
    append_written<kMaxSecondsNs>(out, [&](char* p) { return write_seconds_ns(p, ns); });
}

std::string seconds_ns(std::int64_t ns) {
    std::string out;
    append_seconds_ns(out, ns);
    return out;
}

std::string epoch_time_ns(std::int64_t ns) { return seconds_ns(ns); }

namespace {
// Whole seconds and the nanoseconds past them (0 to 999999999, before 1970 too).
struct WholeSeconds {
    std::int64_t sec;
    std::int64_t rem;
};
WholeSeconds whole_seconds(std::int64_t ns) {
    std::int64_t sec = ns / 1'000'000'000;
    std::int64_t rem = ns % 1'000'000'000;
    if (rem < 0) {
        rem += 1'000'000'000;
        --sec;
    }
    return {sec, rem};
}

// The UTC text of one second in a strftime format, kept for the next call with the same
// second (gmtime_r and strftime cost more than the rest of a time's text).
class SecondText {
public:
    explicit SecondText(const char* format) : format_(format) {}
    std::string_view of(std::int64_t second) {
        if (second != second_) {
            std::time_t t = static_cast<std::time_t>(second);
            std::tm tm{};
            gmtime_r(&t, &tm);
            length_ = std::strftime(text_, sizeof text_, format_, &tm);
            second_ = second;
        }
        return {text_, length_};
    }

private:
    const char* format_;
    std::int64_t second_ = std::numeric_limits<std::int64_t>::min();
    char text_[64] = {};
    std::size_t length_ = 0;
};
}  // namespace

char* write_utc_time_ns(char* p, std::int64_t ns) {
    const auto [sec, rem] = whole_seconds(ns);
    // Consecutive packets mostly fall in the same second.
    thread_local SecondText text("%b %e, %Y %H:%M:%S");
    const std::string_view whole = text.of(sec);
    std::memcpy(p, whole.data(), whole.size());
    p += whole.size();
    *p++ = '.';
    p = write_nine_decimals(p, static_cast<std::uint64_t>(rem));
    std::memcpy(p, " UTC", 4);
    return p + 4;
}

void append_utc_time_ns(std::string& out, std::int64_t ns) {
    append_written<kMaxUtcTime>(out, [&](char* p) { return write_utc_time_ns(p, ns); });
}

std::string utc_time_ns(std::int64_t ns) {
    std::string out;
    append_utc_time_ns(out, ns);
    return out;
}

namespace {
template <typename Byte>
std::uint64_t fnv1a(std::span<const Byte> bytes) {
    std::uint64_t h = 14695981039346656037ull;
    for (Byte c : bytes) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 1099511628211ull;
    }
    return h;
}
}  // namespace

std::uint64_t fnv1a_64(std::span<const std::uint8_t> bytes) { return fnv1a(bytes); }

std::string stable_uid(char prefix, std::string_view key) {
    std::string out(1, prefix);
    append_hex_digits(out, fnv1a(std::span<const char>(key.data(), key.size())), 16);
    return out;
}

std::string rfc3339_utc_ns(std::int64_t ns) {
    const auto [sec, rem] = whole_seconds(ns);
    // Records of the same second follow each other.
    thread_local SecondText text("%Y-%m-%dT%H:%M:%S");
    const std::string_view whole = text.of(sec);
    std::string out;
    out.reserve(whole.size() + 11);
    out.append(whole);
    out.push_back('.');
    append_nine_decimals(out, static_cast<std::uint64_t>(rem));
    out.push_back('Z');
    return out;
}

std::size_t utf8_sequence_length(const unsigned char* p, std::size_t n) {
    const unsigned char c = p[0];
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, cp = c & 0x1fu, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, cp = c & 0x0fu, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, cp = c & 0x07u, min = 0x10000;
    }
    if (len == 0 || len > n) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((p[k] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (p[k] & 0x3fu);
    }
    return cp >= min && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? len : 0;
}

std::string escape_nonprintable(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (c >= 0x20 && c < 0x7f) {
            out.push_back(static_cast<char>(c));
        } else {
            out += "\\x";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

}  // namespace tlsdissect
