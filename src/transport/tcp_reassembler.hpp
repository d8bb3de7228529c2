// TCP stream reassembly for one direction of one connection (RFC 9293 section 3.4
// sequence numbers, section 3.10.7.4 segment acceptance).
//
// Segments go in, in capture order; what comes out is the byte stream in order, as
// events: Data (bytes at a stream offset, with the frame that carried them) and Gap
// (bytes the capture never saw). Retransmitted bytes are dropped; out-of-order
// segments wait in a bounded buffer until the hole before them is filled, the buffer
// limit is reached, or the connection ends.
//
// A hole the peer has acknowledged (the bytes were sent and received, the capture has
// not shown them yet) stays open too: captures merged from several queues or
// interfaces show a segment after the ACK that covers it. It is declared lost only
// while a segment of this direction is added (so that what it completes is reported
// in a frame of its own direction, never in the peer's ACK), once the data can no
// longer be expected: the segment comes more than the reordering threshold (the
// handshake round-trip time, else kOutOfOrderThresholdNs) after that ACK, or this
// direction's data has gone past the window the peer advertised in it (sending beyond
// it took a later ACK); or at the end of the connection (flush).
//
// Overlap policy: the bytes that arrived first win (they are the ones a receiver
// that already accepted them would keep). An overlap that brings different bytes is
// counted as a conflict. Conflicts are detected against buffered out-of-order data
// and against the last kRecheckWindow bytes already delivered. Those are kept by
// reference when their segment's bytes last (SegmentIn::lasting: a capture file mapped
// whole), else copied.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

// Default limits. Per direction: out-of-order bytes held while waiting for a hole to
// fill. In total, over all connections: see TcpReassemblyLimits.
inline constexpr std::size_t kDefaultMaxOutOfOrderBytes = 1u << 20;
inline constexpr std::size_t kDefaultMaxTotalBufferedBytes = 256u << 20;
// Delivered bytes kept to compare retransmissions against.
inline constexpr std::size_t kRecheckWindow = 2048;
// A hole filled within this time of the highest segment is "out of order"; later,
// it is a retransmission (Wireshark's default threshold without an RTT estimate).
inline constexpr std::int64_t kOutOfOrderThresholdNs = 3'000'000;

struct TcpReassemblyLimits {
    std::size_t max_out_of_order_bytes = kDefaultMaxOutOfOrderBytes;
    std::size_t max_total_buffered_bytes = kDefaultMaxTotalBufferedBytes;
    std::size_t* total_buffered = nullptr;  // shared counter across all directions
};

enum TcpSegmentLabel : std::uint32_t {
    kLabelNone = 0,
    kLabelRetransmission = 1u << 0,       // [TCP Retransmission]
    kLabelOutOfOrder = 1u << 1,           // [TCP Out-Of-Order]
    kLabelPreviousNotCaptured = 1u << 2,  // [TCP Previous segment not captured]
    kLabelOverlapConflict = 1u << 3,      // overlap with different bytes
    kLabelBufferLimit = 1u << 4,          // the out-of-order limit forced a gap
    kLabelSpurious = 1u << 5,             // [TCP Spurious Retransmission]: already acknowledged
};

struct StreamEvent {
    enum class Kind : std::uint8_t { Data, Gap };
    Kind kind = Kind::Data;
    std::uint64_t offset = 0;  // stream offset of the first byte
    std::uint64_t length = 0;
    Bytes data;                // Data: the bytes (valid until the next add/ack/flush)
    std::uint64_t frame = 0;   // Data: the frame that carried them
    bool current_frame = false;
    std::size_t frame_offset = 0;  // Data in the current frame: offset of data[0] in it
};

struct SegmentIn {
    std::uint32_t seq = 0;
    Bytes data;                  // captured payload
    std::uint32_t length = 0;    // payload length on the wire (>= data.size())
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    std::size_t frame_offset = 0;  // offset of data[0] in the frame
    // `data` stays readable at this address for as long as the reassembler may compare
    // against it (the capture file is mapped whole): kept by reference, not copied.
    bool lasting = false;
    bool syn = false, fin = false, rst = false;
    // The connection's handshake round-trip time, when known (0: use the default).
    std::int64_t out_of_order_threshold_ns = 0;
};

struct ReassemblyOutput {
    std::vector<StreamEvent> events;
    std::uint32_t labels = kLabelNone;
    std::size_t conflicts = 0;  // bytes that differed in an overlap
    void clear() {
        events.clear();
        labels = kLabelNone;
        conflicts = 0;
        keep_alive.clear();
    }
    // Buffers whose bytes the events point into.
    std::vector<std::vector<std::uint8_t>> keep_alive;
};

class TcpStreamReassembler {
public:
    explicit TcpStreamReassembler(TcpReassemblyLimits limits = {}) : limits_(limits) {}
    ~TcpStreamReassembler();
    TcpStreamReassembler(const TcpStreamReassembler&) = delete;
    TcpStreamReassembler& operator=(const TcpStreamReassembler&) = delete;

    void add(const SegmentIn& segment, ReassemblyOutput& out);
    // The peer acknowledged everything before `ack`, in a segment at `ts_ns` that
    // advertised a receive window of `window` bytes (0: unknown). Delivers nothing: a
    // hole before `ack` waits for a late copy (see above). Returns true when it moves
    // past what was acknowledged before and some byte before it has not been seen
    // (Wireshark's "ACKed unseen segment").
    bool acknowledged(std::uint32_t ack, std::int64_t ts_ns = 0, std::uint64_t window = 0);
    // Delivers everything buffered, with gaps for the holes and for acknowledged bytes
    // never seen (end of connection or capture).
    void flush(ReassemblyOutput& out);
    // After the connection closed: frees the bytes kept (buffered segments, the recheck
    // window) and keeps the sequence bounds, so that later segments are still labelled
    // (retransmission, out of order) but their overlaps are no longer compared.
    void forget_bytes();

    // A closed connection's direction in a few bytes (TcpConversationTable's tombstones):
    // what add() and acknowledged() read once forget_bytes() and flush() have run. The
    // acknowledgement times of a hole are not kept: with no hole open they are set again
    // before they are read. Offsets are kept relative to `next`, clamped at 2^31 behind it
    // (a one-way capture of a longer stream has seen no acknowledgement): a later segment's
    // offset is never further behind (stream_offset), so comparisons with it give the same
    // answers, but for a segment exactly 2^31 bytes behind. The FIN's offset is 0 until a
    // FIN was seen (it is read only after).
    struct Bounds {
        std::uint64_t next = 0;
        std::int64_t highest_ts_ns = 0;
        std::uint32_t isn = 0;
        std::int32_t highest = 0, acked = 0, fin_offset = 0;  // minus next
    };
    // Whether bounds() is all this direction holds (nothing buffered, no hole waiting,
    // no delivered bytes kept).
    bool bounds_only() const { return pending_.empty() && !hole_acked_ && !recent_; }
    // `flags`: what bounds() leaves out, three bits.
    Bounds bounds(std::uint8_t& flags) const;
    static std::unique_ptr<TcpStreamReassembler> from_bounds(const Bounds& b, std::uint8_t flags,
                                                             TcpReassemblyLimits limits);

    bool started() const { return started_; }
    std::uint64_t next_offset() const { return next_; }
    std::size_t buffered_bytes() const { return buffered_; }
    // What this direction holds besides its out-of-order bytes (counted apart, in
    // total_buffered): itself, the recheck window once allocated, the buffer list's nodes.
    std::size_t held_bytes() const {
        return sizeof(*this) + (recent_ ? sizeof(Recent) : 0) + pending_.size() * kPendingNodeBytes;
    }
    bool finished() const { return fin_seen_; }

private:
    static constexpr std::uint8_t kStarted = 1, kFinSeen = 2, kSeenAny = 4;
    static constexpr std::size_t kPendingNodeBytes = 80;  // a std::map node with its Pending, roughly
    struct Pending {
        std::vector<std::uint8_t> bytes;
        std::uint64_t frame = 0;
    };
    std::int64_t stream_offset(std::uint32_t seq) const;
    void deliver(std::uint64_t offset, Bytes data, std::uint64_t frame, bool current, std::size_t frame_offset,
                 bool lasting, ReassemblyOutput& out);
    void drain(ReassemblyOutput& out);
    void gap_to(std::uint64_t offset, ReassemblyOutput& out);
    void add_segment(const SegmentIn& segment, ReassemblyOutput& out);
    // Gaps for the holes before `target`, delivering what waits between them.
    void lose_until(std::uint64_t target, ReassemblyOutput& out);
    // After a segment of this direction: declares an acknowledged hole lost once its
    // data can no longer be expected.
    void give_up_acknowledged_hole(const SegmentIn& segment, std::uint64_t next_before, ReassemblyOutput& out);
    // What the peer acknowledged of the data (its acknowledgement of a FIN counts the data only).
    std::uint64_t acked_data() const { return fin_seen_ && acked_ > fin_offset_ ? fin_offset_ : acked_; }
    // Whether every byte of [from, to) waits in the out-of-order buffer.
    bool buffered_all(std::uint64_t from, std::uint64_t to) const;
    std::size_t compare_recent(std::uint64_t offset, Bytes data) const;
    void release(std::size_t n);

    TcpReassemblyLimits limits_;
    bool started_ = false;
    bool fin_seen_ = false;
    bool seen_any_ = false;
    std::uint64_t fin_offset_ = 0;
    std::uint32_t isn_ = 0;      // sequence number of stream offset 0
    std::uint64_t next_ = 0;     // next stream offset to deliver
    std::uint64_t highest_ = 0;  // end of the highest segment seen
    std::uint64_t acked_ = 0;    // highest offset the peer acknowledged
    // The acknowledged hole at next_ (when next_ < acked_data()): since when it is known
    // to be acknowledged, and how far this direction could send on that ACK's window.
    bool hole_acked_ = false;
    std::int64_t hole_acked_ts_ = 0;
    std::uint64_t hole_send_limit_ = 0;
    std::int64_t last_ack_ts_ = 0;         // the latest acknowledgement past next_
    std::uint64_t last_ack_send_limit_ = 0;
    std::int64_t highest_ts_ = 0;
    std::map<std::uint64_t, Pending> pending_;
    std::size_t buffered_ = 0;
    // The last bytes delivered (up to kRecheckWindow, ending at next_): the newest by
    // reference while their segments' bytes last, those before them copied into a ring,
    // each delivery's bytes once, with no shifting of what was kept. The references are
    // copied into the ring when a copied delivery follows them or when they are too many.
    static constexpr std::size_t kMaxRecentRefs = 6;
    struct RecentRef {
        std::uint64_t offset = 0;
        const std::uint8_t* data = nullptr;
        std::size_t length = 0;
    };
    struct Recent {
        std::uint8_t ring[kRecheckWindow];
        // Contiguous, the last ending at next_; the ring ends where the first begins.
        RecentRef refs[kMaxRecentRefs];
        std::size_t ref_count = 0;
    };
    std::unique_ptr<Recent> recent_;  // once anything was delivered
    std::size_t recent_size_ = 0;     // how many bytes before next_ are kept
    std::size_t recent_head_ = 0;     // where the ring's next byte goes
    Recent& recent();
    std::uint64_t ring_end() const { return recent_ && recent_->ref_count ? recent_->refs[0].offset : next_; }
    void remember(Bytes data, bool lasting);  // after next_ moved past `data`
    void ring_append(Bytes data);
    void copy_refs_to_ring();
};

}  // namespace tlsdissect
