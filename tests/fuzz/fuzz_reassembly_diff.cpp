// Differential fuzz target for TCP reassembly (STYLE.md rule 12): one byte stream is
// fed to TcpStreamReassembler whole, and again in input-chosen segments (in order, out
// of order, overlapping retransmissions of the same bytes, one-byte segments,
// acknowledgements of what was sent). Both must deliver exactly the stream, with no
// gap and no overlap conflict. The delivered events also drive a TlsConnection each
// way, and the TLS fields shown (record boundaries, types, lengths, handshake fields,
// anomalies) and the connection facts must be the same.
//
// Input: [u32 ISN] [u8 config: bit 0 the stream is the server's, bit 1 the segments are
// marked lasting (the reassembler keeps references into the input)] [u16 stream length]
// [stream bytes], then segment operations [u8 op] [u16 position] [u8 length code]:
//   op % 4 == 0: the next bytes after the highest sent position (in order)
//   op % 4 == 1: bytes at `position` (ahead: out of order; behind: a retransmission)
//   op % 4 == 2: an acknowledgement of everything sent without a hole; with bit 7
//                set, of everything before `position` (mod the stream length + 1),
//                sent or not: data arriving after its ACK (a capture merged from
//                several queues) must still be delivered, with no gap
//   op % 4 == 3: one byte after the highest sent position
// length: code < 128 ? code + 1 : (code - 127) * 64. Bytes never sent by the operations
// are sent at the end, in order.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "tls/tls_connection.hpp"

using namespace tlsdissect;

namespace {

// FUZZ_VERBOSE=1: print the events and the TLS fields of both runs (to read a failure).
bool verbose() {
    static const bool on = std::getenv("FUZZ_VERBOSE") != nullptr;
    return on;
}

// What a TlsConnection showed and learned, without frame numbers, offsets and the
// reassembly bookkeeping (which legitimately differ with the segmentation).
struct TlsObserver {
    explicit TlsObserver(int side) : side(side), tls(0) {}
    int side;
    TlsConnection tls;
    fuzz::Engine engine;
    std::vector<std::string> shown;

    void frame(const std::vector<StreamEvent>& events, Bytes frame_bytes, std::uint64_t number) {
        Tree tree;
        tree.frame_bytes = frame_bytes;
        PacketColumns columns;
        PacketContext ctx = engine.context(&tree, &columns, number, 1'000'000'000);
        for (const StreamEvent& e : events) {
            if (verbose())
                std::fprintf(stderr, "side %d frame %llu: %s at %llu, %llu bytes%s\n", side,
                             static_cast<unsigned long long>(number), e.kind == StreamEvent::Kind::Gap ? "gap" : "data",
                             static_cast<unsigned long long>(e.offset), static_cast<unsigned long long>(e.length),
                             e.current_frame ? " (this frame)" : "");
            tls.on_stream_event(side, e, ctx);
        }
        fuzz::render(tree);
        for (std::int32_t id = tree.node(0).first_child; id != kNoNode; id = tree.node(id).next_sibling)
            if (tree.node(id).def->filter == "tls") collect(tree, id);
    }
    void collect(const Tree& tree, std::int32_t id) {
        for (std::int32_t c = tree.node(id).first_child; c != kNoNode; c = tree.node(c).next_sibling) {
            const Node& n = tree.node(c);
            if (n.def->type == FieldType::FrameNum || n.def->filter == "tls.handshake.fragments") continue;
            shown.push_back(std::string(n.def->filter) + "=" + field_value(n));
            collect(tree, c);
        }
    }
    std::string facts() const {
        const TlsConnectionFacts& f = tls.facts();
        std::string s = "client=" + std::to_string(tls.client_side()) + " sni=" + f.sni;
        s += " version=" + (f.negotiated_version ? std::to_string(*f.negotiated_version) : std::string("-"));
        s += " suite=" + (f.cipher_suite ? std::to_string(*f.cipher_suite) : std::string("-"));
        s += " random=" + hex_string(f.client_random) + "/" + hex_string(f.server_random);
        s += " alpn=" + f.alpn_selected + " certs=" + std::to_string(f.certificates.size());
        for (const auto& c : f.certificates) s += " [" + c.subject + "|" + c.sha256_hex + "]";
        for (const auto& h : f.handshake) s += " hs" + std::to_string(h.side) + ":" + (h.type ? std::to_string(*h.type) : "?");
        for (const auto& a : f.alerts)
            s += " alert" + std::to_string(a.side) + ":" + std::to_string(a.encrypted) + "/" + std::to_string(a.level) +
                 "/" + std::to_string(a.description);
        return s;
    }
};

// Feeds segments to a reassembler and collects what it delivers.
struct Feeder {
    explicit Feeder(std::uint32_t isn, int side) : isn(isn), tls(side) {}
    std::uint32_t isn;
    TcpStreamReassembler flow;
    ReassemblyOutput out;
    std::vector<std::uint8_t> delivered;
    std::uint64_t frame = 0;
    bool lasting = false;
    TlsObserver tls;

    void check_and_collect(Bytes frame_bytes) {
        FUZZ_CHECK(out.conflicts == 0);
        FUZZ_CHECK(!(out.labels & (kLabelOverlapConflict | kLabelBufferLimit)));
        for (const StreamEvent& e : out.events) {
            FUZZ_CHECK(e.kind == StreamEvent::Kind::Data);  // every byte was sent: no gap
            FUZZ_CHECK(e.offset == delivered.size());
            delivered.insert(delivered.end(), e.data.begin(), e.data.end());
        }
        tls.frame(out.events, frame_bytes, frame);
    }
    void syn() {
        SegmentIn s;
        s.seq = isn - 1;
        s.syn = true;
        s.frame = ++frame;
        out.clear();
        flow.add(s, out);
        check_and_collect({});
    }
    void segment(Bytes stream, std::size_t at, std::size_t length) {
        SegmentIn s;
        s.seq = isn + static_cast<std::uint32_t>(at);
        s.data = stream.subspan(at, length);
        s.length = static_cast<std::uint32_t>(length);
        s.frame = ++frame;
        s.lasting = lasting;
        // Everything within the reordering threshold: a hole is always waited for.
        s.ts_ns = 1'000'000'000;
        out.clear();
        flow.add(s, out);
        check_and_collect(s.data);
    }
    void ack(std::size_t upto) {
        out.clear();
        ++frame;
        flow.acknowledged(isn + static_cast<std::uint32_t>(upto), 1'000'000'000, 0);
        check_and_collect({});
    }
    void finish() {
        out.clear();
        ++frame;
        flow.flush(out);
        check_and_collect({});
        FUZZ_CHECK(flow.buffered_bytes() == 0);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    const std::uint32_t isn = in.u32();
    const std::uint8_t config = in.u8();
    const int side = config & 1;
    Bytes stream = in.bytes(in.u16());
    const std::size_t n = stream.size();
    if (n == 0) return 0;

    Feeder whole(isn, side);
    whole.syn();
    whole.segment(stream, 0, n);
    whole.finish();
    FUZZ_CHECK(whole.delivered.size() == n);
    FUZZ_CHECK(std::equal(whole.delivered.begin(), whole.delivered.end(), stream.begin()));

    Feeder split(isn, side);
    split.lasting = config & 2;
    split.syn();
    std::vector<bool> sent(n, false);
    std::size_t highest = 0;  // end of the highest byte sent
    auto send = [&](std::size_t at, std::size_t length) {
        if (at >= n) return;
        length = std::min(length, n - at);
        if (length == 0) return;
        split.segment(stream, at, length);
        std::fill(sent.begin() + static_cast<long>(at), sent.begin() + static_cast<long>(at + length), true);
        highest = std::max(highest, at + length);
    };
    for (int ops = 0; !in.empty() && ops < 4096; ++ops) {
        const std::uint8_t op = in.u8();
        const std::uint16_t position = in.u16();
        const std::uint8_t code = in.u8();
        const std::size_t length = code < 128 ? code + 1u : (code - 127u) * 64u;
        switch (op % 4) {
            case 0: send(highest, length); break;
            case 1: send(position % n, length); break;
            case 2: {
                if (op & 0x80) {
                    split.ack(position % (n + 1));
                    break;
                }
                std::size_t prefix = 0;
                while (prefix < n && sent[prefix]) ++prefix;
                if (prefix > 0) split.ack(prefix);
                break;
            }
            case 3: send(highest, 1); break;
        }
    }
    for (std::size_t at = 0; at < n;) {
        if (sent[at]) {
            ++at;
            continue;
        }
        std::size_t end = at;
        while (end < n && !sent[end]) ++end;
        send(at, end - at);
        at = end;
    }
    split.finish();
    FUZZ_CHECK(split.delivered.size() == n);
    FUZZ_CHECK(std::equal(split.delivered.begin(), split.delivered.end(), stream.begin()));

    // The TLS dissection of the stream does not depend on how it was segmented.
    if (verbose()) {
        for (auto& s : whole.tls.shown) std::fprintf(stderr, "W %s\n", s.c_str());
        for (auto& s : split.tls.shown) std::fprintf(stderr, "S %s\n", s.c_str());
    }
    if (whole.tls.shown != split.tls.shown) {
        const auto& a = whole.tls.shown;
        const auto& b = split.tls.shown;
        std::size_t i = 0;
        while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
        std::fprintf(stderr, "TLS fields differ at #%zu: whole '%s' vs split '%s'\n", i,
                     i < a.size() ? a[i].c_str() : "<end>", i < b.size() ? b[i].c_str() : "<end>");
        FUZZ_CHECK(whole.tls.shown == split.tls.shown);
    }
    const std::string fa = whole.tls.facts(), fb = split.tls.facts();
    if (fa != fb) {
        std::fprintf(stderr, "TLS facts differ:\n whole %s\n split %s\n", fa.c_str(), fb.c_str());
        FUZZ_CHECK(fa == fb);
    }
    return 0;
}
