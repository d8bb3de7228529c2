// Fuzz target: a sequence of raw IP frames (IPv4 and IPv6, with fragments) through one
// FrameDissector, so fragment reassembly, TCP/UDP conversations, TCP reassembly and the
// applications above them see state that spans packets.
//
// Input: repeated [u16 length] [u8 flags] [length bytes]: one frame each (link type
// Raw IP). flags bit 0: the frame was cut by the snap length (the wire had 64 more
// bytes); bits 1-7 (v): time since the previous frame, v ms below 100, else (v - 99)
// times 30 s, so that the fragment (60 s) and connection (600 s) timeouts are reached.
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"

using namespace tlsdissect;

namespace {
constexpr int kMaxFrames = 2048;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    FrameDissector dissector;
    dissector.set_limits(EngineLimits{2048, 16u << 10, 16, 16});
    Tree tree;
    PacketColumns columns;
    std::int64_t ts = 1'700'000'000'000'000'000;
    for (int n = 0; n < kMaxFrames && !in.empty(); ++n) {
        const std::uint16_t length = in.u16();
        const std::uint8_t flags = in.u8();
        Bytes frame = in.bytes(length);
        const std::int64_t v = flags >> 1;
        ts += v < 100 ? v * 1'000'000 : (v - 99) * 30'000'000'000;
        CapturedPacket packet;
        packet.data = frame;
        packet.captured_length = static_cast<std::uint32_t>(frame.size());
        packet.original_length = packet.captured_length + ((flags & 1) ? 64 : 0);
        packet.link_type = kLinkRaw;
        packet.ts_ns = ts;
        dissector.dissect(packet, &tree, &columns);
        fuzz::render(tree);
    }
    dissector.finish();
    FUZZ_CHECK(dissector.tcp_buffered_bytes() == 0);
    return 0;
}
