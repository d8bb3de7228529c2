// Fuzz target: TcpStreamReassembler fed segment sequences directly, both directions of
// one connection sharing the total-buffer counter, with small limits so that the
// buffer-limit paths run.
//
// Input: [u32 initial sequence number] [u8 out-of-order limit] [u8 total limit], then
// operations, each [u8 op] ...:
//   op bits 0-1: 0 or 1 a segment, 2 an acknowledgement, 3 flush
//   op bit 2:    which direction
//   segment:     bit 3 SYN, bit 4 FIN, bit 5 RST, bit 6 data from the input (else a fixed
//                pattern of the stream offset), bit 7 cut by the snap length (half captured);
//                then [u16 sequence number relative to the ISN] [u8 length code:
//                < 200 the length, else (code - 199) * 256]
//   ack:         bits 3-5 the receive window offered (0 unknown, else N * 1024 bytes);
//                then [u16 relative acknowledgement number]
//
// Time advances 1 ms per operation, so acknowledged holes are given up (by a later
// segment of their direction) as well as filled late.
// Checked: an acknowledgement delivers nothing; events are in stream order without overlap or holes between them, a Data
// event's bytes are the bytes that first arrived for those offsets (a reference model
// of "first arrival wins"), the per-direction and shared byte counters agree, the
// out-of-order limit holds after every segment, and everything is released at the end.
// A twin of each direction is fed the same segments, most of them marked lasting (their
// bytes kept where they are, so that the reassembler keeps references instead of
// copies): it must deliver the same events and count the same conflicts.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "fuzz_support.hpp"

using namespace tlsdissect;

namespace {

constexpr std::int64_t kOffsets = 1 << 17;

std::uint8_t pattern(std::int64_t offset, int dir) {
    const auto o = static_cast<std::uint64_t>(offset);
    return static_cast<std::uint8_t>(o * 7 + (o >> 8) * 13 + static_cast<std::uint64_t>(dir));
}

struct Direction {
    std::uint32_t isn = 0;
    bool started = false;
    std::uint32_t base = 0;                    // sequence number of stream offset 0
    // The first byte that arrived at each stream offset (-1: none yet). Sequence numbers
    // are within 2^16 of the ISN and segments shorter than 2^14, so offsets stay below 2^17.
    std::int16_t* first = nullptr;
    std::uint64_t next = 0;                    // where the next event must start
};

void check_events(const ReassemblyOutput& out, Direction& d, const TcpStreamReassembler& r) {
    for (const StreamEvent& e : out.events) {
        FUZZ_CHECK(e.offset == d.next);
        FUZZ_CHECK(e.length > 0);
        if (e.kind == StreamEvent::Kind::Data) {
            FUZZ_CHECK(e.data.size() == e.length);
            for (std::size_t i = 0; i < e.data.size(); ++i) {
                const std::uint64_t at = e.offset + i;
                FUZZ_CHECK(at < static_cast<std::uint64_t>(kOffsets));
                FUZZ_CHECK(d.first[at] >= 0);            // never invents bytes
                FUZZ_CHECK(d.first[at] == e.data[i]);    // the first bytes win
            }
        }
        d.next = e.offset + e.length;
    }
    FUZZ_CHECK(r.next_offset() == d.next);
}

void check_same(const ReassemblyOutput& a, const ReassemblyOutput& b) {
    FUZZ_CHECK(a.labels == b.labels);
    FUZZ_CHECK(a.conflicts == b.conflicts);
    FUZZ_CHECK(a.events.size() == b.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i) {
        const StreamEvent &x = a.events[i], &y = b.events[i];
        FUZZ_CHECK(x.kind == y.kind && x.offset == y.offset && x.length == y.length && x.frame == y.frame &&
                   x.current_frame == y.current_frame && x.frame_offset == y.frame_offset);
        FUZZ_CHECK(x.data.size() == y.data.size() && std::equal(x.data.begin(), x.data.end(), y.data.begin()));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    std::size_t total = 0;
    TcpReassemblyLimits limits;
    limits.total_buffered = &total;
    Direction dir[2];
    // Reused between inputs: allocating 2^17 entries per input would dominate the run time.
    static std::vector<std::int16_t> first_storage[2] = {std::vector<std::int16_t>(kOffsets),
                                                         std::vector<std::int16_t>(kOffsets)};
    for (int s = 0; s < 2; ++s) {
        std::memset(first_storage[s].data(), 0xff, first_storage[s].size() * sizeof(std::int16_t));  // all -1
        dir[s].first = first_storage[s].data();
    }
    dir[0].isn = in.u32();
    dir[1].isn = dir[0].isn ^ 0x80000000u;
    limits.max_out_of_order_bytes = 1 + static_cast<std::size_t>(in.u8()) * 64;
    limits.max_total_buffered_bytes = 1 + static_cast<std::size_t>(in.u8()) * 96;
    {
        TcpStreamReassembler flow[2] = {TcpStreamReassembler(limits), TcpStreamReassembler(limits)};
        std::size_t twin_total = 0;
        TcpReassemblyLimits twin_limits = limits;
        twin_limits.total_buffered = &twin_total;
        TcpStreamReassembler twin[2] = {TcpStreamReassembler(twin_limits), TcpStreamReassembler(twin_limits)};
        // The twin's segment bytes, kept until the end (their addresses do not change).
        std::vector<std::unique_ptr<std::uint8_t[]>> lasting;
        ReassemblyOutput out, twin_out;
        std::vector<std::uint8_t> payload;
        std::int64_t ts = 1'000'000'000;
        std::uint64_t frame = 0;
        while (!in.empty()) {
            const std::uint8_t op = in.u8();
            const int side = (op >> 2) & 1;
            Direction& d = dir[side];
            TcpStreamReassembler& r = flow[side];
            out.clear();
            twin_out.clear();
            ts += 1'000'000;
            ++frame;
            switch (op & 3) {
                case 0:
                case 1: {
                    SegmentIn s;
                    s.seq = d.isn + in.u16();
                    const std::uint8_t code = in.u8();
                    s.length = code < 200 ? code : (code - 199u) * 256u;
                    s.syn = op & 0x08;
                    s.fin = op & 0x10;
                    s.rst = op & 0x20;
                    if (!d.started) {
                        d.started = true;
                        d.base = s.syn ? s.seq + 1 : s.seq;
                    }
                    const std::uint32_t data_seq = s.syn ? s.seq + 1 : s.seq;
                    const std::int64_t off = static_cast<std::int32_t>(data_seq - d.base);
                    payload.resize(s.length);
                    if (op & 0x40) {
                        Bytes b = in.bytes(s.length);
                        std::copy(b.begin(), b.end(), payload.begin());
                        std::fill(payload.begin() + static_cast<long>(b.size()), payload.end(), 0);
                    } else {
                        for (std::uint32_t i = 0; i < s.length; ++i) payload[i] = pattern(off + i, side);
                    }
                    s.data = Bytes(payload).first((op & 0x80) ? s.length / 2 : s.length);
                    s.frame = frame;
                    s.ts_ns = ts;
                    s.frame_offset = 40;
                    if (!s.rst)
                        for (std::size_t i = 0; i < s.data.size(); ++i) {
                            const std::int64_t at = off + static_cast<std::int64_t>(i);
                            if (at >= 0 && at < kOffsets && d.first[at] < 0)
                                d.first[at] = s.data[i];
                        }
                    r.add(s, out);
                    check_events(out, d, r);
                    // The twin: three segments in four keep their bytes where they are.
                    SegmentIn t = s;
                    if (((frame * 2654435761u) >> 9) & 3) {
                        lasting.push_back(std::make_unique<std::uint8_t[]>(s.data.size() + 1));
                        std::copy(s.data.begin(), s.data.end(), lasting.back().get());
                        t.data = Bytes(lasting.back().get(), s.data.size());
                        t.lasting = true;
                    }
                    twin[side].add(t, twin_out);
                    check_same(out, twin_out);
                    FUZZ_CHECK(r.buffered_bytes() <= limits.max_out_of_order_bytes);
                    break;
                }
                case 2: {
                    // An acknowledgement delivers nothing: the direction's own segments or
                    // its flush declare what never came. Bits 3-5: the window offered
                    // (0: unknown, else N * 1024 bytes).
                    const std::uint32_t ack = d.isn + in.u16();
                    FUZZ_CHECK(r.acknowledged(ack, ts, ((op >> 3) & 7u) * 1024u) ==
                               twin[side].acknowledged(ack, ts, ((op >> 3) & 7u) * 1024u));
                    FUZZ_CHECK(r.next_offset() == d.next);
                    break;
                }
                case 3:
                    r.flush(out);
                    check_events(out, d, r);
                    twin[side].flush(twin_out);
                    check_same(out, twin_out);
                    FUZZ_CHECK(r.buffered_bytes() == 0);
                    break;
            }
            FUZZ_CHECK(total == flow[0].buffered_bytes() + flow[1].buffered_bytes());
            FUZZ_CHECK(twin_total == total);
        }
        for (int s = 0; s < 2; ++s) {
            out.clear();
            flow[s].flush(out);
            check_events(out, dir[s], flow[s]);
            FUZZ_CHECK(flow[s].buffered_bytes() == 0);
        }
    }
    FUZZ_CHECK(total == 0);
    return 0;
}
