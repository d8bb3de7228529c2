// Packet colours on a terminal, as tshark --color and Wireshark's packet list give them:
// the first of Wireshark's default colouring rules that a packet's fields match sets its
// row's foreground and background.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "filter/display_filter.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

struct Rgb {
    std::uint8_t r, g, b;
};

// One of Wireshark's default rules (its `colorfilters` file, Wireshark 4.0), with the
// filter written in tlsdissect's dialect and the colours as 8-bit values (Wireshark keeps
// 16-bit ones; tshark prints their high byte).
struct ColouringRule {
    std::string_view name;
    std::string_view filter;
    Rgb background, foreground;
};

// The rules in Wireshark's order. Rules for protocols tlsdissect does not dissect (ARP,
// ICMP, SMB, routing protocols, SCTP, ...) are left out: they could never match.
const std::vector<ColouringRule>& default_colouring_rules();

class PacketColouring {
public:
    // `truecolor`: 24-bit SGR colours; else the nearest of the 256 xterm colours.
    explicit PacketColouring(bool truecolor);
    // 24-bit colours when the COLORTERM environment variable says the terminal has them
    // ("truecolor" or "24bit"), as tshark decides.
    static PacketColouring for_terminal();

    // The first rule the packet matches; null when none does.
    const ColouringRule* rule_for(const Tree& tree) const;
    // The SGR sequence that sets the rule's foreground and background ("\x1b[38;2;...m...").
    const std::string& escape(const ColouringRule& rule) const;

private:
    struct Compiled {
        const ColouringRule* rule;
        DisplayFilter filter;
        std::string escape;
    };
    std::vector<Compiled> rules_;
};

}  // namespace tlsdissect
