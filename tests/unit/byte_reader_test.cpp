#include <catch2/catch.hpp>

#include "tlsdissect/byte_reader.hpp"

using tlsdissect::ByteReader;
using tlsdissect::Bytes;
using tlsdissect::ShortRead;

TEST_CASE("ByteReader reads big-endian integers and knows its absolute offset") {
    const std::uint8_t data[] = {0x16, 0x03, 0x01, 0x00, 0xc4, 0x01, 0x00, 0x00, 0xc0, 0xaa};
    ByteReader r(Bytes(data), 100);
    CHECK(r.u8() == 0x16);
    CHECK(r.u16() == 0x0301);
    CHECK(r.offset() == 103);
    CHECK(r.u16() == 0x00c4);
    CHECK(r.u32() == 0x010000c0u);
    CHECK(r.remaining() == 1);
    CHECK_FALSE(r.u16().has_value());
    CHECK(r.failure() == ShortRead::Malformed);
    CHECK(r.u8() == 0xaa);  // a failed read consumes nothing
    CHECK(r.empty());
}

TEST_CASE("A short read is Truncated when the wire had the bytes, Malformed when it did not") {
    const std::uint8_t data[] = {1, 2, 3, 4};
    ByteReader r(Bytes(data), 10, 0);  // 4 captured of 10 on the wire
    CHECK(r.u32() == 0x01020304u);
    CHECK_FALSE(r.u32().has_value());
    CHECK(r.failure() == ShortRead::Truncated);
    CHECK(r.reported_remaining() == 6);
    CHECK_FALSE(r.bytes(7).has_value());
    CHECK(r.failure() == ShortRead::Malformed);
}

TEST_CASE("Child readers are limited to exactly their bytes") {
    const std::uint8_t data[] = {0x00, 0x03, 'a', 'b', 'c', 'z'};
    ByteReader r{Bytes(data)};
    auto child = r.u16_prefixed();
    REQUIRE(child);
    CHECK(child->remaining() == 3);
    CHECK(child->offset() == 2);
    CHECK_FALSE(child->u32().has_value());  // cannot run into 'z'
    CHECK(child->failure() == ShortRead::Malformed);
    CHECK(r.u8() == 'z');
}

TEST_CASE("A length prefix that lies is Malformed and consumes only the length") {
    const std::uint8_t data[] = {0x00, 0x09, 'a', 'b'};
    ByteReader r{Bytes(data)};
    CHECK_FALSE(r.u16_prefixed().has_value());
    CHECK(r.failure() == ShortRead::Malformed);
    CHECK(r.position() == 2);
}

TEST_CASE("A child over bytes the capture cut short is itself truncated") {
    const std::uint8_t data[] = {0x05, 'a', 'b'};
    ByteReader r(Bytes(data), 6, 0);  // the wire had 6 bytes; 3 were captured
    auto child = r.u8_prefixed();
    REQUIRE(child);
    CHECK(child->remaining() == 2);
    CHECK(child->reported_remaining() == 5);
    CHECK_FALSE(child->captured_all());
    CHECK_FALSE(child->bytes(3).has_value());
    CHECK(child->failure() == ShortRead::Truncated);
    CHECK(r.reported_remaining() == 0);
    CHECK(r.remaining() == 0);
    CHECK(r.rest().empty());
}

TEST_CASE("Every prefix of a buffer reads without overrunning") {
    const std::uint8_t data[] = {0x00, 0x04, 1, 2, 3, 4, 0x02, 9, 9};
    for (std::size_t n = 0; n <= sizeof data; ++n) {
        ByteReader r(Bytes(data, n));
        auto a = r.u16_prefixed();
        CHECK((a.has_value() == (n >= 6)));
        if (!a) continue;
        auto b = r.u8_prefixed();
        CHECK((b.has_value() == (n == sizeof data)));
        CHECK(r.position() <= n);
    }
}
