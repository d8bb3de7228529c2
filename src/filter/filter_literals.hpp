// Reading the display filter's literals as typed values: numbers in decimal, hex and
// octal, seconds, dates, IPv4 and IPv6 addresses with a /prefix, Ethernet addresses and
// byte strings, written the way Wireshark accepts them. Each function reads the whole
// text or fails; none throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "tlsdissect/field.hpp"

namespace tlsdissect::filter {

// 443, 0x1bb, 0667 (octal, as in C), 0b110111011.
std::optional<std::uint64_t> parse_unsigned(std::string_view text);
// As parse_unsigned, with an optional leading '-' or '+'.
std::optional<std::int64_t> parse_signed(std::string_view text);
std::optional<double> parse_double(std::string_view text);
// Seconds, possibly fractional or signed ("0.085", "-1.5", "2"), as nanoseconds; exact
// to the nanosecond for plain decimals.
std::optional<std::int64_t> parse_seconds(std::string_view text);
// A date and time in UTC, as nanoseconds since the epoch: "2026-11-27 04:55:43.405",
// "2026-11-27T04:55:43Z", "2026-11-27", or the tree's form
// "Nov 27, 2026 04:55:43.405007000 UTC".
std::optional<std::int64_t> parse_utc_time(std::string_view text);
// true/false in any case, or a number (any non-zero value is true, as in Wireshark).
std::optional<bool> parse_bool(std::string_view text);

struct Ipv4Network {
    Ipv4Address address;
    std::uint8_t prefix = 32;
};
struct Ipv6Network {
    Ipv6Address address;
    std::uint8_t prefix = 128;
};
// "10.1.2.3", "10.0.0.0/8" (the host bits need not be zero); only the dotted-quad form.
std::optional<Ipv4Network> parse_ipv4_network(std::string_view text);
// "2001:db8::1", "fe80::/10", "::ffff:1.2.3.4".
std::optional<Ipv6Network> parse_ipv6_network(std::string_view text);
// "8c:85:90:2a:d5:d9", "8c-85-90-2a-d5-d9", "8c85.902a.d5d9", "8c85902ad5d9".
std::optional<MacAddress> parse_mac(std::string_view text);
// "16:03:03", "16-03-03", "16.03.03" (one or two hex digits per byte), or "160303"
// (an even number of hex digits; "1" alone is one byte).
std::optional<std::vector<std::uint8_t>> parse_byte_string(std::string_view text);

// The first `prefix` bits of a and b are equal.
bool same_network(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b, unsigned prefix);

}  // namespace tlsdissect::filter
