#include "output/packet_colouring.hpp"

#include <cstdlib>

namespace tlsdissect {

namespace {

// The index of the nearest colour of xterm's 6x6x6 cube or grey ramp.
int xterm256(Rgb c) {
    auto level = [](int v) { return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40; };
    const int r = level(c.r), g = level(c.g), b = level(c.b);
    static constexpr int kCube[] = {0, 95, 135, 175, 215, 255};
    const int cube = 16 + 36 * r + 6 * g + b;
    const int cube_error = std::abs(kCube[r] - c.r) + std::abs(kCube[g] - c.g) + std::abs(kCube[b] - c.b);
    const int average = (c.r + c.g + c.b) / 3;
    const int grey = average > 238 ? 23 : (average < 3 ? 0 : (average - 3) / 10);
    const int grey_value = 8 + 10 * grey;
    const int grey_error = std::abs(grey_value - c.r) + std::abs(grey_value - c.g) + std::abs(grey_value - c.b);
    return grey_error < cube_error ? 232 + grey : cube;
}

std::string sgr(Rgb c, bool background, bool truecolor) {
    const std::string layer = background ? "48" : "38";
    if (truecolor)
        return "\x1b[" + layer + ";2;" + std::to_string(c.r) + ";" + std::to_string(c.g) + ";" + std::to_string(c.b) +
               "m";
    return "\x1b[" + layer + ";5;" + std::to_string(xterm256(c)) + "m";
}

}  // namespace

const std::vector<ColouringRule>& default_colouring_rules() {
    // Wireshark's filters, where tlsdissect's fields differ: tcp.analysis is present only
    // with a problem label (Wireshark's tcp.analysis.flags; tlsdissect has no window-update
    // or keep-alive labels to exclude); eth.ig is the address's I/G bit (eth[0] & 1); the
    // TTL rule without pim, ospf, vrrp and carp, which are never present here.
    static const std::vector<ColouringRule> rules = {
        {"Bad TCP", "tcp.analysis", {18, 39, 46}, {247, 135, 135}},
        {"TCP RST", "tcp.flags.reset == 1", {164, 0, 0}, {255, 252, 156}},
        {"TTL low or unexpected",
         "(ip.dst != 224.0.0.0/4 && ip.ttl < 5) || (ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1)",
         {164, 0, 0},
         {236, 240, 235}},
        {"Checksum Errors", "ip.checksum.status == \"Bad\"", {18, 39, 46}, {247, 135, 135}},
        {"HTTP", "http.request.line || http.response.line || tcp.port == 80 || http2", {228, 255, 199}, {18, 39, 46}},
        {"TCP SYN/FIN", "tcp.flags & 0x02 || tcp.flags.fin == 1", {160, 160, 160}, {18, 39, 46}},
        {"TCP", "tcp", {231, 230, 255}, {18, 39, 46}},
        {"UDP", "udp", {218, 238, 255}, {18, 39, 46}},
        {"Broadcast", "eth.ig == 1", {255, 255, 255}, {186, 189, 182}},
    };
    return rules;
}

PacketColouring::PacketColouring(bool truecolor) {
    for (const ColouringRule& rule : default_colouring_rules()) {
        FilterError error;
        auto filter = DisplayFilter::compile(rule.filter, error);
        if (!filter) continue;  // the unit test makes sure every rule compiles
        rules_.push_back({&rule, std::move(*filter),
                          sgr(rule.foreground, false, truecolor) + sgr(rule.background, true, truecolor)});
    }
}

PacketColouring PacketColouring::for_terminal() {
    const char* colorterm = std::getenv("COLORTERM");
    const std::string_view c = colorterm ? colorterm : "";
    return PacketColouring(c == "truecolor" || c == "24bit");
}

const ColouringRule* PacketColouring::rule_for(const Tree& tree) const {
    for (const Compiled& c : rules_)
        if (c.filter.matches(tree)) return c.rule;
    return nullptr;
}

const std::string& PacketColouring::escape(const ColouringRule& rule) const {
    for (const Compiled& c : rules_)
        if (c.rule == &rule) return c.escape;
    static const std::string none;
    return none;
}

}  // namespace tlsdissect
