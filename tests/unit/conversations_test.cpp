#include <catch2/catch.hpp>

#include "transport/conversations.hpp"

using namespace tlsdissect;

namespace {
NetAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    NetAddress n;
    n.family = 4;
    n.bytes[0] = a, n.bytes[1] = b, n.bytes[2] = c, n.bytes[3] = d;
    return n;
}
}  // namespace

TEST_CASE("UDP flows beyond the limit are forgotten, least recently active first") {
    UdpConversationTable table(100);
    const NetAddress server = v4(10, 0, 0, 53);
    // 1000 flows, one datagram each, one microsecond apart.
    for (std::uint32_t i = 0; i < 1000; ++i) {
        auto& c = table.find(v4(10, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)),
                             static_cast<std::uint16_t>(1024 + i), server, 53, std::int64_t(i) * 1000);
        CHECK(c.stream == i);
    }
    // Flow 5 is active again at the end: it is the most recent one now.
    CHECK(table.find(v4(10, 1, 0, 5), 1029, server, 53, 2'000'000).stream == 5);
    REQUIRE(table.open() == 1000);
    table.expire();
    // Down to the limit minus a tenth of it, so that expiry does not run on every packet.
    CHECK(table.open() == 90);
    // The recent flows keep their udp.stream; a forgotten one starts a new one.
    CHECK(table.find(v4(10, 1, 0, 5), 1029, server, 53, 2'000'001).stream == 5);
    CHECK(table.find(v4(10, 1, 3, 231), 1024 + 999, server, 53, 2'000'002).stream == 999);
    CHECK(table.find(v4(10, 1, 0, 0), 1024, server, 53, 2'000'003).stream == 1000);
    // Both directions of a flow are one conversation.
    CHECK(table.find(server, 53, v4(10, 1, 0, 5), 1029, 2'000'004).stream == 5);
    // Under the limit nothing is forgotten.
    const std::size_t open = table.open();
    table.expire();
    CHECK(table.open() == open);
}
