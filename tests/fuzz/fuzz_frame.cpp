// Fuzz target: one frame through FrameDissector, for every supported link type.
//
// Input: [link type selector] [bytes lost to the snap length] frame bytes...
// The first byte picks the link type (modulo the supported list); the second says how
// many bytes longer than captured the frame was on the wire, so truncation paths run.
#include <cstdint>

#include "fuzz_support.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"

using namespace tlsdissect;

namespace {
// New link types are appended, so that the selector bytes of the committed seeds keep
// their meaning.
constexpr std::uint32_t kLinkTypes[] = {kLinkNull,     kLinkEthernet, kLinkRaw,       kLinkLoop,     kLinkLinuxSll,
                                        kLinkIpv4,     kLinkIpv6,     kLinkLinuxSll2, kLinkPpp,      kLinkFddi,
                                        kLinkPppHdlc,  kLinkIeee80211, kLinkRadiotap, kLinkPpi,      kLinkNflog};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    const std::uint32_t link = kLinkTypes[in.u8() % std::size(kLinkTypes)];
    const std::uint8_t lost = in.u8();
    Bytes frame = in.rest();
    CapturedPacket packet;
    packet.data = frame;
    packet.captured_length = static_cast<std::uint32_t>(frame.size());
    packet.original_length = static_cast<std::uint32_t>(frame.size()) + lost;
    packet.link_type = link;
    packet.ts_ns = 1'700'000'000'000'000'000;
    FrameDissector dissector;
    Tree tree;
    PacketColumns columns;
    dissector.dissect(packet, &tree, &columns);
    fuzz::render(tree);
    // The same frame again without a tree: the state-only path must not trip either.
    dissector.dissect(packet, nullptr, nullptr);
    dissector.finish();
    return 0;
}
