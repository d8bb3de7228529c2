// The printers' text building: the append-into-one-buffer forms must write exactly what
// the string-returning forms and the C library write.
#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <cinttypes>
#include <cstdio>
#include <random>

#include "output/field_format.hpp"
#include "tlsdissect/field.hpp"
#include "tlsdissect/text.hpp"

using namespace tlsdissect;

namespace {

std::string escaped(std::string_view text) {
    std::string out;
    append_terminal_text(out, text);
    return out;
}

}  // namespace

TEST_CASE("Terminal escaping follows tshark 4.0's forms", "[text]") {
    CHECK(escaped("a\x1b[2Jb") == "a\\033[2Jb");
    CHECK(escaped("tab\there\n") == "tab\\there\\n");
    CHECK(escaped("\x7f") == "\\177");
    CHECK(escaped("\xc2\x85") == "\\u0085");                // C1 control NEL
    CHECK(escaped("caf\xc3\xa9") == "caf\xc3\xa9");          // valid UTF-8 kept
    CHECK(escaped("\xe2\x80") == "\xef\xbf\xbd\xef\xbf\xbd");  // cut sequence: one U+FFFD per byte
    CHECK(escaped("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
}

TEST_CASE("printable_ascii looks at every byte, at every length", "[text]") {
    // Every byte value in every lane of the eight-byte words, for the short forms (one
    // to three bytes, four to seven) and for whole and overlapping words.
    for (std::size_t length : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 19u, 24u, 33u}) {
        for (std::size_t pos = 0; pos < length; ++pos) {
            for (unsigned b = 0; b < 256; ++b) {
                std::string text(length, 'x');
                text[pos] = static_cast<char>(b);
                INFO("length " << length << ", byte " << b << " at " << pos);
                CHECK(printable_ascii(text) == (b >= 0x20 && b <= 0x7e));
            }
        }
    }
    // Every length around the word sizes, all printable, and with a bad byte anywhere.
    CHECK(printable_ascii(""));
    for (std::size_t length = 1; length <= 40; ++length) {
        CHECK(printable_ascii(std::string(length, '~')));
        CHECK(printable_ascii(std::string(length, ' ')));
        for (std::size_t pos = 0; pos < length; ++pos) {
            for (unsigned b : {0x00u, 0x1fu, 0x7fu, 0x80u, 0xffu}) {
                std::string text(length, ' ');
                text[pos] = static_cast<char>(b);
                INFO("length " << length << ", byte " << b << " at " << pos);
                CHECK_FALSE(printable_ascii(text));
            }
        }
    }
    // Random texts against the definition.
    std::mt19937 rng(20261127);
    for (int round = 0; round < 2000; ++round) {
        std::string text(rng() % 70, ' ');
        for (auto& c : text) c = static_cast<char>(rng() % 16 == 0 ? rng() % 256 : 0x20 + rng() % 0x5f);
        bool expected = true;
        for (unsigned char c : text) expected = expected && c >= 0x20 && c <= 0x7e;
        CHECK(printable_ascii(text) == expected);
    }
}

TEST_CASE("Number and time forms", "[text]") {
    for (std::uint64_t v : {0ull, 1ull, 9ull, 10ull, 255ull, 0x800ull, 0xffffffffull, 0xffffffffffffffffull}) {
        for (unsigned digits : {0u, 1u, 2u, 4u, 6u, 8u, 16u}) {
            char expect[40];
            std::snprintf(expect, sizeof expect, "%0*" PRIx64, static_cast<int>(digits), v);
            std::string out = "=";
            append_hex_digits(out, v, digits);
            CHECK(out == std::string("=") + expect);
            CHECK(hex_digits(v, digits) == expect);
        }
        std::string dec;
        append_decimal(dec, v);
        CHECK(dec == std::to_string(v));
    }
    std::string neg;
    append_decimal(neg, std::int64_t{-42});
    CHECK(neg == "-42");
    CHECK(bit_pattern(0x45, 0xf0, 8) == "0100 ....");
    CHECK(bit_pattern(0x0018, 0x0fff, 12) == "0000 0001 1000");
    CHECK(seconds_ns(36'663'000) == "0.036663000");
    CHECK(seconds_ns(-1'500'000'000) == "-1.500000000");
    CHECK(seconds_ns(1357328848'512314000) == "1357328848.512314000");
    CHECK(utc_time_ns(1357328848'512314000) == "Jan  4, 2013 19:47:28.512314000 UTC");
    CHECK(utc_time_ns(-1) == "Dec 31, 1969 23:59:59.999999999 UTC");
    // The second's text is kept between calls: the same second again, then another.
    CHECK(utc_time_ns(-999'999'999) == "Dec 31, 1969 23:59:59.000000001 UTC");
    CHECK(utc_time_ns(1357328849'000000000) == "Jan  4, 2013 19:47:29.000000000 UTC");
    CHECK(rfc3339_utc_ns(1357328848'512314000) == "2013-01-04T19:47:28.512314000Z");
    CHECK(rfc3339_utc_ns(-1) == "1969-12-31T23:59:59.999999999Z");
}

TEST_CASE("Addresses read as inet_ntop writes them", "[text]") {
    std::mt19937 rng(4);
    for (int round = 0; round < 1000; ++round) {
        Ipv4Address a;
        for (auto& b : a.b) b = static_cast<std::uint8_t>(round < 256 ? round : static_cast<int>(rng() % 256));
        char expect[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, a.b.data(), expect, sizeof expect);
        CHECK(to_string(a) == expect);
    }
    CHECK(to_string(MacAddress{{0x8c, 0x85, 0x90, 0x2a, 0xd5, 0xd9}}) == "8c:85:90:2a:d5:d9");
}

TEST_CASE("Bit-field pictures for every width, mask and value", "[text]") {
    // The plain definition: one character per bit from the top, a space after every bit
    // whose index is a multiple of four (but not the last).
    const auto reference = [](std::uint64_t value, std::uint64_t mask, unsigned bits) {
        std::string out;
        for (unsigned i = bits; i-- > 0;) {
            const std::uint64_t bit = std::uint64_t(1) << i;
            out.push_back(mask & bit ? (value & bit ? '1' : '0') : '.');
            if (i % 4 == 0 && i != 0) out.push_back(' ');
        }
        return out;
    };
    std::mt19937_64 rng(7);
    for (unsigned bits = 0; bits <= 64; ++bits) {
        for (int round = 0; round < 50; ++round) {
            const std::uint64_t value = rng(), mask = round == 0 ? ~std::uint64_t{0} : rng();
            INFO("bits " << bits);
            CHECK(bit_pattern(value, mask, bits) == reference(value, mask, bits));
        }
    }
}

TEST_CASE("concat writes numbers as std::to_string does, and chars as text", "[text]") {
    const std::uint8_t u8 = 200;
    const std::int8_t i8 = -5;
    const std::uint16_t u16 = 65535;
    const std::int32_t i32 = -2147483647 - 1;
    const std::size_t size = 18446744073709551615u;
    const std::string owned = "owned";
    CHECK(concat("a", u8, ' ', i8, std::string_view("|"), u16, owned, i32, ",", size) ==
          "a" + std::to_string(u8) + " " + std::to_string(i8) + "|" + std::to_string(u16) + owned +
              std::to_string(i32) + "," + std::to_string(size));
    std::string out = "x";
    append_parts(out, ", Ack: ", 7u, ", Len: ", std::int64_t{-1});
    CHECK(out == "x, Ack: 7, Len: -1");
}
