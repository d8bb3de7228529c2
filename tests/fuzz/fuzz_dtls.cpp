// Fuzz target: DTLS records and handshake fragment reassembly.
//
// Input: [u8 config] then datagrams, each [u16 length][bytes], sent alternately by the
// two sides of one UDP flow (config bit 0: the server sends first), each dissected
// with a tree (rendered as the printers would) and, on a second engine, without one.
// Bit 1: each datagram is cut by the capture (the wire had 20 more bytes).
//
// Then the reassembler, differentially: the last datagram's bytes are taken as one
// handshake message body, cut into fragments at offsets the first datagram's bytes
// choose, fed in an order (and with repeats) they choose too; the message must come
// out exactly once, byte for byte, with no more pending bytes than allowed.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "dtls/dtls.hpp"
#include "dtls/dtls_reassembly.hpp"
#include "fuzz_support.hpp"

using namespace tlsdissect;

namespace {

NetAddress address(std::uint8_t last) {
    NetAddress a;
    a.family = 4;
    a.bytes[0] = 10;
    a.bytes[3] = last;
    return a;
}

void dissect_flow(const std::vector<Bytes>& datagrams, std::uint8_t config, bool with_tree) {
    fuzz::Engine engine;
    std::unique_ptr<StateSlots> flow;
    for (std::size_t i = 0; i < datagrams.size(); ++i) {
        Tree tree;
        tree.frame_bytes = datagrams[i];
        PacketColumns columns;
        PacketContext ctx = engine.context(with_tree ? &tree : nullptr, with_tree ? &columns : nullptr, i + 1,
                                           static_cast<std::int64_t>(i) * 1'000'000);
        const bool server = ((i & 1) != 0) != ((config & 1) != 0);
        ctx.src = address(server ? 2 : 1);
        ctx.dst = address(server ? 1 : 2);
        ctx.src_port = server ? 4433 : 5000;
        ctx.dst_port = server ? 5000 : 4433;
        ctx.flow_slots = &flow;
        const std::size_t reported = datagrams[i].size() + ((config & 2) ? 20 : 0);
        dissect_dtls_datagram(ByteReader(datagrams[i], reported, 0), ctx);
        if (with_tree) fuzz::render(tree);
    }
    finish_dtls(engine.state);
}

void reassemble(Bytes body, Bytes plan) {
    if (body.size() > 4096) body = body.first(4096);
    const auto length = static_cast<std::uint32_t>(body.size());
    std::vector<std::uint32_t> cuts = {0, length};
    for (std::size_t i = 0; i + 1 < plan.size() && cuts.size() < 24; i += 2)
        if (length) cuts.push_back(static_cast<std::uint32_t>((plan[i] << 8 | plan[i + 1]) % length));
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pieces;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) pieces.emplace_back(cuts[i], cuts[i + 1]);
    if (pieces.empty()) pieces.emplace_back(0, 0);
    // The order: a rotation and swaps chosen by the plan, then some pieces again.
    for (std::size_t i = 0; i < plan.size() && i < 32; ++i)
        std::swap(pieces[i % pieces.size()], pieces[plan[i] % pieces.size()]);
    const std::size_t n = pieces.size();
    for (std::size_t i = 0; i < plan.size() && i < 4; ++i) pieces.push_back(pieces[plan[i] % n]);

    DtlsHandshakeReassembler r;
    int complete = 0;
    std::uint64_t frame = 1;
    for (const auto& [begin, end] : pieces) {
        DtlsFragment f;
        f.type = 11;
        f.length = length;
        f.message_seq = 7;
        f.fragment_offset = begin;
        f.data = body.subspan(begin, end - begin);
        f.frame = frame++;
        auto out = r.add(f);
        FUZZ_CHECK(out.kind != DtlsHandshakeReassembler::Kind::Rejected);
        FUZZ_CHECK(r.pending_bytes() <= kMaxDtlsPendingBytes);
        if (out.kind != DtlsHandshakeReassembler::Kind::Complete) continue;
        ++complete;
        FUZZ_CHECK(out.message.size() == 12 + body.size());
        FUZZ_CHECK(std::equal(body.begin(), body.end(), out.message.begin() + 12));
    }
    FUZZ_CHECK(complete == 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    const std::uint8_t config = in.u8();
    std::vector<Bytes> datagrams;
    while (!in.empty() && datagrams.size() < 64) datagrams.push_back(in.bytes(in.u16()));
    dissect_flow(datagrams, config, true);
    dissect_flow(datagrams, config, false);
    if (!datagrams.empty()) reassemble(datagrams.back(), datagrams.front());
    return 0;
}
