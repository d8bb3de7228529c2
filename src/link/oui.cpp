// Vendor lookup in the generated IEEE tables: the most specific assignment wins
// (MA-S/IAB 36 bits, then MA-M 28 bits, then MA-L 24 bits).
#include "tlsdissect/oui.hpp"

#include <algorithm>
#include <cstdint>

namespace tlsdissect {

namespace {

struct OuiEntry {
    std::uint64_t prefix;
    const char* short_name;
    const char* long_name;
};

#include "oui_table.inc"

template <std::size_t N>
const OuiEntry* find(const OuiEntry (&table)[N], std::uint64_t prefix) {
    auto it = std::lower_bound(std::begin(table), std::end(table), prefix,
                               [](const OuiEntry& e, std::uint64_t p) { return e.prefix < p; });
    if (it != std::end(table) && it->prefix == prefix && it->short_name[0]) return it;
    return nullptr;
}

std::string hex_bytes(const MacAddress& mac, std::size_t from) {
    std::string s = to_string(mac);
    return s.substr(from * 3);
}

}  // namespace

OuiVendor lookup_oui(const MacAddress& mac) {
    std::uint64_t v = 0;
    for (auto b : mac.b) v = v << 8 | b;
    if (const auto* e = find(kOui36, v >> 12)) return {e->short_name, e->long_name, 36};
    if (const auto* e = find(kOui28, v >> 20)) return {e->short_name, e->long_name, 28};
    if (const auto* e = find(kOui24, v >> 24)) return {e->short_name, e->long_name, 24};
    return {};
}

std::string ether_display_name(const MacAddress& mac) {
    static constexpr MacAddress kBroadcast{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    if (mac == kBroadcast) return "Broadcast";
    // Well-known non-vendor prefixes, named the way Wireshark users read them.
    if (mac.b[0] == 0x01 && mac.b[1] == 0x00 && mac.b[2] == 0x5e) return "IPv4mcast_" + hex_bytes(mac, 3);
    if (mac.b[0] == 0x33 && mac.b[1] == 0x33) return "IPv6mcast_" + hex_bytes(mac, 2);
    if (mac.b[0] == 0 && mac.b[1] == 0 && mac.b[2] == 0) return "00:00:00_" + hex_bytes(mac, 3);
    OuiVendor v = lookup_oui(mac);
    if (v.short_name.empty()) return to_string(mac);
    return std::string(v.short_name) + "_" + hex_bytes(mac, 3);
}

}  // namespace tlsdissect
