// Small text forms shared by dissectors (custom labels) and printers. No fmt here:
// dissectors build labels only when a display tree is wanted.
#pragma once

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace tlsdissect {

// Protocol text (HTTP heads, command lines): ASCII case-insensitive equality, blanks
// (spaces and tabs) trimmed at both ends, and non-printable bytes escaped as \xNN so a
// line from the wire never drives a terminal.
inline bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}
inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
std::string escape_nonprintable(std::string_view s);

// Wireshark's bit-field picture: the bits of `mask` within a `bits`-wide integer,
// others as dots, grouped by four: bit_pattern(0x45, 0xf0, 8) == "0100 ....".
std::string bit_pattern(std::uint64_t value, std::uint64_t mask, unsigned bits);
// Lowercase hexadecimal, zero-padded to `digits`.
std::string hex_digits(std::uint64_t value, unsigned digits);
inline std::string hex_u8(std::uint64_t v) { return hex_digits(v, 2); }
inline std::string hex_u16(std::uint64_t v) { return hex_digits(v, 4); }
inline std::string hex_u32(std::uint64_t v) { return hex_digits(v, 8); }
// Seconds with nine decimals from nanoseconds: "0.036663000".
std::string seconds_ns(std::int64_t ns);
// "Jan  4, 2013 19:47:28.512314000 UTC"
std::string utc_time_ns(std::int64_t ns);
// "1357328848.512314000"
std::string epoch_time_ns(std::int64_t ns);
// A record's identifier in --sessions: `prefix` and the 16 hex digits of FNV-1a (64
// bits) over `key`, the facts that tell the connection or transaction apart (its
// endpoints and first time), so the same capture gives the same uid on every run.
std::string stable_uid(char prefix, std::string_view key);
// FNV-1a (64 bits): a digest to recognise the same bytes again (not cryptographic).
std::uint64_t fnv1a_64(std::span<const std::uint8_t> bytes);
// RFC 3339 in UTC with nanoseconds: "2013-01-04T19:47:28.512314000Z"
std::string rfc3339_utc_ns(std::int64_t ns);

// The same forms appended to `out`, for printers that write a whole packet into one
// buffer without a temporary string per field.
void append_bit_pattern(std::string& out, std::uint64_t value, std::uint64_t mask, unsigned bits);
void append_hex_digits(std::string& out, std::uint64_t value, unsigned digits);
void append_decimal(std::string& out, std::uint64_t value);
void append_decimal(std::string& out, std::int64_t value);
void append_seconds_ns(std::string& out, std::int64_t ns);
void append_utc_time_ns(std::string& out, std::int64_t ns);

// The length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF) that starts at p[0] of the n bytes at p, whose
// first byte is 0x80 or above; 0 when the bytes there are not one.
std::size_t utf8_sequence_length(const unsigned char* p, std::size_t n);

// The same forms written at `p`, which has room for the kMax... characters named
// beside each; each returns the end of what it wrote (printers that keep their own
// buffer write a line without a string's bookkeeping per piece).
inline constexpr std::size_t kMaxDecimal = 20;     // write_decimal, either sign
inline constexpr std::size_t kMaxHexDigits = 64;   // write_hex_digits (digits above 64 are not written)
inline constexpr std::size_t kMaxBitPattern = 80;  // write_bit_pattern
inline constexpr std::size_t kMaxSecondsNs = 32;   // write_seconds_ns
inline constexpr std::size_t kMaxUtcTime = 80;     // write_utc_time_ns
char* write_decimal(char* p, std::uint64_t value);
char* write_decimal(char* p, std::int64_t value);
char* write_hex_digits(char* p, std::uint64_t value, unsigned digits);
char* write_bit_pattern(char* p, std::uint64_t value, std::uint64_t mask, unsigned bits);
char* write_seconds_ns(char* p, std::int64_t ns);
char* write_utc_time_ns(char* p, std::int64_t ns);

// A part of concat/append_parts that is written as a decimal number (a char is text).
template <typename T>
concept DecimalPart = std::integral<T> && !std::same_as<T, char> && !std::same_as<T, bool>;
// A part that writes itself (Bits, Hex below).
template <typename T>
concept AppendingPart = requires(const T& part, std::string& out) { part.append_to(out); };

// Parts written without a temporary string: a bit-field picture as bit_pattern() draws
// it, and lowercase hexadecimal zero-padded to `digits` as hex_digits() writes it.
struct Bits {
    Bits(std::uint64_t value, std::uint64_t mask, unsigned bits) : value(value), mask(mask), bits(bits) {}
    void append_to(std::string& out) const { append_bit_pattern(out, value, mask, bits); }
    std::uint64_t value, mask;
    unsigned bits;
};
struct Hex {
    Hex(std::uint64_t value, unsigned digits) : value(value), digits(digits) {}
    void append_to(std::string& out) const { append_hex_digits(out, value, digits); }
    std::uint64_t value;
    unsigned digits;
};

namespace text_detail {
inline std::size_t size_of(std::string_view s) { return s.size(); }
inline std::size_t size_of(char) { return 1; }
template <DecimalPart T>
std::size_t size_of(T) { return 20; }
template <AppendingPart T>
std::size_t size_of(const T&) { return 20; }
inline void append(std::string& out, std::string_view s) { out += s; }
template <AppendingPart T>
void append(std::string& out, const T& part) { part.append_to(out); }
inline void append(std::string& out, char c) { out.push_back(c); }
template <DecimalPart T>
void append(std::string& out, T v) {
    if constexpr (std::is_signed_v<T>)
        append_decimal(out, static_cast<std::int64_t>(v));
    else
        append_decimal(out, static_cast<std::uint64_t>(v));
}
}  // namespace text_detail

// One string from text pieces and integers (written in decimal, as std::to_string
// writes them), allocated once: for labels built from many parts, where a chain of `+`
// would allocate and copy at every step.
template <typename... Parts>
std::string concat(const Parts&... parts) {
    std::string out;
    out.reserve((text_detail::size_of(parts) + ...));
    (text_detail::append(out, parts), ...);
    return out;
}

// The same parts appended to `out`.
template <typename... Parts>
void append_parts(std::string& out, const Parts&... parts) {
    (text_detail::append(out, parts), ...);
}

}  // namespace tlsdissect
