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

}  // namespace

OuiVendor lookup_oui(const MacAddress& mac) {
    std::uint64_t v = 0;
    for (auto b : mac.b) v = v << 8 | b;
    if (const auto* e = find(kOui36, v >> 12)) return {e->short_name, e->long_name, 36};
    if (const auto* e = find(kOui28, v >> 20)) return {e->short_name, e->long_name, 28};
    if (const auto* e = find(kOui24, v >> 24)) return {e->short_name, e->long_name, 24};
    return {};
}

void append_ether_display_name(std::string& out, const MacAddress& mac) {
    static constexpr MacAddress kBroadcast{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    if (mac == kBroadcast) {
        out += "Broadcast";
        return;
    }
    // Well-known non-vendor prefixes, named the way Wireshark users read them; the
    // address's last bytes after the name ("Cisco_12:34:56").
    std::size_t tail_from = 3;
    if (mac.b[0] == 0x01 && mac.b[1] == 0x00 && mac.b[2] == 0x5e) {
        out += "IPv4mcast_";
    } else if (mac.b[0] == 0x33 && mac.b[1] == 0x33) {
        out += "IPv6mcast_";
        tail_from = 2;
    } else if (mac.b[0] == 0 && mac.b[1] == 0 && mac.b[2] == 0) {
        out += "00:00:00_";
    } else {
        OuiVendor v = lookup_oui(mac);
        if (v.short_name.empty()) {
            append_address(out, mac);
            return;
        }
        out += v.short_name;
        out.push_back('_');
    }
    const std::size_t at = out.size();
    append_address(out, mac);
    out.erase(at, tail_from * 3);
}

std::string ether_display_name(const MacAddress& mac) {
    std::string out;
    append_ether_display_name(out, mac);
    return out;
}

}  // namespace tlsdissect
