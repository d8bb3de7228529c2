// Fuzz target: QUIC datagrams of one UDP flow. Each datagram goes to the QUIC dissector
// with the flow's state kept between them (connection IDs, Initial keys from the first
// client Initial, CRYPTO streams reassembled by offset), a tree per datagram.
//
// Input: datagrams [u8 flags] [u16 length] [bytes]: bit 0 from the server (else the
// client). Since Initial packets are decrypted with keys anyone can derive, the seeds
// are real datagrams and the fuzzer reaches the frames and the CRYPTO reassembly.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/capture_state.hpp"
#include "fuzz_support.hpp"
#include "quic/quic.hpp"

using namespace tlsdissect;

namespace {
constexpr int kMaxDatagrams = 256;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    fuzz::Engine engine;
    std::unique_ptr<StateSlots> flow;  // the UDP flow's slots, as UDP keeps them
    NetAddress client, server;
    client.family = server.family = 4;
    client.bytes[0] = server.bytes[0] = 127;
    client.bytes[3] = 1;
    server.bytes[3] = 2;
    Tree tree;
    PacketColumns columns;
    std::vector<std::uint8_t> datagram;
    for (int i = 0; i < kMaxDatagrams && !in.empty(); ++i) {
        const bool from_server = in.u8() & 1;
        Bytes b = in.bytes(in.u16());
        datagram.assign(b.begin(), b.end());
        tree.clear();
        tree.frame_bytes = datagram;
        columns.clear();
        PacketContext ctx = engine.context(&tree, &columns, static_cast<std::uint64_t>(i + 1), 1'000'000 * i);
        ctx.src = from_server ? server : client;
        ctx.dst = from_server ? client : server;
        ctx.src_port = from_server ? 443 : 50000;
        ctx.dst_port = from_server ? 50000 : 443;
        ctx.flow_slots = &flow;
        (void)dissect_quic_datagram(ByteReader(Bytes(datagram)), ctx);
        fuzz::render(tree);
    }
    return 0;
}
