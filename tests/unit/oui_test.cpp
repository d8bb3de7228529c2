#include <catch2/catch.hpp>

#include "tlsdissect/oui.hpp"

using namespace tlsdissect;

// The example in the product brief, checked against the IEEE registry: 8C:85:90 is
// "Apple, Inc." and 10:BE:F5 "D-Link International".
TEST_CASE("Vendor names come from the IEEE registry, shortened as Wireshark shows them") {
    CHECK(ether_display_name(MacAddress{{0x8c, 0x85, 0x90, 0x2a, 0xd5, 0xd9}}) == "Apple_2a:d5:d9");
    CHECK(ether_display_name(MacAddress{{0x10, 0xbe, 0xf5, 0x1b, 0xe0, 0x30}}) == "D-LinkIn_1b:e0:30");
    CHECK(lookup_oui(MacAddress{{0x8c, 0x85, 0x90, 0, 0, 0}}).long_name == "Apple, Inc.");
    CHECK(ether_display_name(MacAddress{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}) == "Broadcast");
    CHECK(ether_display_name(MacAddress{{0, 0, 0, 0, 0, 0}}) == "00:00:00_00:00:00");
    CHECK(ether_display_name(MacAddress{{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}}) == "IPv4mcast_00:00:fb");
    // A locally administered address has no vendor.
    CHECK(ether_display_name(MacAddress{{0x02, 0x42, 0xac, 0x11, 0x00, 0x02}}) == "02:42:ac:11:00:02");
}
