// Fuzz target: the encapsulation decoders (src/tunnel/) and the link layers of issue 19
// (src/link/ppp, nflog, llc, ieee80211), each fed its own header and payload directly,
// behind a fixed outer header, so that the fuzzer spends its time in the tunnel header
// and in what nests inside it (tunnels in tunnels must end at kMaxPathHops).
//
// Input: [encapsulation selector] [bytes lost to the snap length] payload...
// The selector picks (modulo the list) how the payload is reached: an EtherType behind
// an Ethernet header, an IP protocol behind an IPv4 header, a UDP port behind IPv4 and
// UDP headers, or a link type with the payload as the whole frame.
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"

using namespace tlsdissect;

namespace {

enum class Outer : std::uint8_t { EtherType, IpProtocol, UdpPort, LinkType };
struct Encapsulation {
    Outer outer;
    std::uint32_t key;
};
// Append only: the committed seeds name entries by index.
constexpr Encapsulation kEncapsulations[] = {
    {Outer::IpProtocol, 47},    // GRE (and ERSPAN inside)
    {Outer::UdpPort, 4789},     // VXLAN
    {Outer::UdpPort, 6081},     // Geneve
    {Outer::UdpPort, 2152},     // GTP-U
    {Outer::UdpPort, 3544},     // Teredo
    {Outer::EtherType, 0x8847}, // MPLS
    {Outer::EtherType, 0x8863}, // PPPoE discovery
    {Outer::EtherType, 0x8864}, // PPPoE session
    {Outer::EtherType, 0x880b}, // PPP
    {Outer::IpProtocol, 4},     // IPv4 in IPv4
    {Outer::IpProtocol, 41},    // IPv6 in IPv4
    {Outer::LinkType, kLinkPpp},
    {Outer::LinkType, kLinkNflog},
    {Outer::LinkType, kLinkRadiotap},
    {Outer::LinkType, kLinkIeee80211},
    {Outer::LinkType, kLinkPpi},
    {Outer::LinkType, kLinkFddi},
};

void put16(std::vector<std::uint8_t>& out, std::size_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

// An IPv4 header (no options) for `length` bytes of `protocol`.
void put_ipv4(std::vector<std::uint8_t>& out, std::uint8_t protocol, std::size_t length) {
    const std::uint8_t head[] = {0x45, 0};
    out.insert(out.end(), head, head + 2);
    put16(out, (20 + length) & 0xffff);
    const std::uint8_t rest[] = {0, 1, 0, 0, 64, protocol, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2};
    out.insert(out.end(), rest, rest + sizeof rest);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    const Encapsulation e = kEncapsulations[in.u8() % std::size(kEncapsulations)];
    const std::uint8_t lost = in.u8();
    Bytes payload = in.rest();
    std::vector<std::uint8_t> frame;
    std::uint32_t link = kLinkEthernet;
    switch (e.outer) {
        case Outer::EtherType: {
            const std::uint8_t macs[] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
            frame.assign(macs, macs + sizeof macs);
            put16(frame, e.key);
            break;
        }
        case Outer::IpProtocol:
            link = kLinkRaw;
            put_ipv4(frame, static_cast<std::uint8_t>(e.key), payload.size() + lost);
            break;
        case Outer::UdpPort:
            link = kLinkRaw;
            put_ipv4(frame, 17, 8 + payload.size() + lost);
            put16(frame, 40000);
            put16(frame, e.key);
            put16(frame, (8 + payload.size() + lost) & 0xffff);
            put16(frame, 0);
            break;
        case Outer::LinkType:
            link = e.key;
            break;
    }
    frame.insert(frame.end(), payload.begin(), payload.end());
    CapturedPacket packet;
    packet.data = Bytes(frame);
    packet.captured_length = static_cast<std::uint32_t>(frame.size());
    packet.original_length = static_cast<std::uint32_t>(frame.size()) + lost;
    packet.link_type = link;
    packet.ts_ns = 1'700'000'000'000'000'000;
    FrameDissector dissector;
    Tree tree;
    PacketColumns columns;
    dissector.dissect(packet, &tree, &columns);
    fuzz::render(tree);
    dissector.dissect(packet, nullptr, nullptr);
    dissector.finish();
    return 0;
}
