// Turns one direction's in-order byte stream into application PDUs (TLS records, DNS
// messages over TCP) whose length the protocol reads from their first bytes.
//
// A PDU that lies wholly in the current frame is handed over without a copy, with its
// offset in the frame. One that spans frames is collected, with the list of frames
// that carried it, and handed over in the frame of its last byte. When the protocol
// does not need a PDU's body (encrypted application data), only its header is kept
// and the body is counted past, not copied.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tlsdissect/field.hpp"
#include "transport/tcp_reassembler.hpp"

namespace tlsdissect {

// Largest PDU whose bytes are collected; a longer one is counted past (its head kept).
inline constexpr std::size_t kMaxCollectedPdu = 1u << 20;

struct PduPiece {
    std::uint64_t frame = 0;
    std::uint32_t length = 0;
};

// What the protocol says about the bytes at the start of a PDU.
struct PduShape {
    enum class Kind : std::uint8_t { NeedMore, Pdu, NotAStart };
    Kind kind = Kind::NeedMore;
    std::size_t bytes = 0;       // NeedMore: how many bytes to look at; Pdu: the whole length
    std::size_t keep = 0;        // Pdu: how many leading bytes to keep (all when >= bytes)
    static PduShape need(std::size_t n) { return {Kind::NeedMore, n, 0}; }
    static PduShape pdu(std::size_t total, std::size_t keep) { return {Kind::Pdu, total, keep}; }
    static PduShape not_a_start() { return {Kind::NotAStart, 1, 0}; }
};

struct AssembledPdu {
    Bytes bytes;               // the kept bytes (the whole PDU, or its head)
    std::uint64_t length = 0;  // the PDU's whole length
    std::uint64_t stream_offset = 0;
    bool whole = false;        // bytes holds the whole PDU
    bool truncated = false;    // the stream lost the rest of it (snap length, or a gap)
    bool in_current_frame = false;  // all of it arrived in the current frame, at frame_offset
    std::size_t frame_offset = 0;
    std::span<const PduPiece> pieces;  // frames that carried it, in order (valid during the hand-over)
};

// For a PDU that spans frames: makes its bytes a data source of the packet's tree, adds
// the "[N Reassembled TCP Segments (X bytes): #a(n), ...]" node at the top level, and
// returns the new source's index (the caller dissects the PDU from it).
std::uint16_t present_reassembled_pdu(NodeRef root, const AssembledPdu& pdu);

class PduAssembler {
public:
    // Feeds one stream event. `shape(Bytes head)` classifies the bytes at a PDU start;
    // `on_pdu(const AssembledPdu&)` receives each complete PDU; `on_skipped(n)` hears
    // of bytes dropped while looking for a PDU start (after a gap, or garbage).
    // `current_frame` is the frame being dissected (a gap in it may end a PDU begun in it).
    template <typename Shape, typename OnPdu, typename OnSkipped>
    void feed(const StreamEvent& event, std::uint64_t current_frame, Shape&& shape, OnPdu&& on_pdu,
              OnSkipped&& on_skipped);
    // Forgets a partial PDU (after a gap the rest of it will never come).
    void reset();
    bool idle() const { return total_ == 0 && head_.empty(); }
    // Heap bytes held for the PDU in progress (its bytes and the list of its frames).
    std::size_t buffered() const { return head_.capacity() + pieces_.capacity() * sizeof(PduPiece); }

private:
    void add_piece(std::uint64_t frame, std::size_t n);

    std::vector<std::uint8_t> head_;  // collected bytes of the PDU in progress
    std::vector<PduPiece> pieces_;
    std::uint64_t total_ = 0;         // its whole length, once known
    std::uint64_t keep_ = 0;
    std::uint64_t consumed_ = 0;      // bytes of it seen so far
    std::uint64_t start_offset_ = 0;
    bool start_in_frame_ = false;      // the PDU began in a current-frame event
    std::size_t start_frame_offset_ = 0;
};

template <typename Shape, typename OnPdu, typename OnSkipped>
void PduAssembler::feed(const StreamEvent& e, std::uint64_t current_frame, Shape&& shape, OnPdu&& on_pdu,
                        OnSkipped&& on_skipped) {
    if (e.kind == StreamEvent::Kind::Gap) {
        // A PDU whose rest will never come is still shown, as far as it goes.
        if (!head_.empty() && total_ > 0) {
            AssembledPdu pdu;
            pdu.bytes = Bytes(head_);
            pdu.length = total_;
            pdu.truncated = true;
            pdu.stream_offset = start_offset_;
            pdu.pieces = pieces_;
            if (pieces_.size() == 1 && start_in_frame_ && pieces_[0].frame == current_frame) {
                pdu.in_current_frame = true;
                pdu.frame_offset = start_frame_offset_;
            }
            on_pdu(pdu);
        }
        reset();
        return;
    }
    Bytes b = e.data;
    std::uint64_t offset = e.offset;
    std::size_t frame_offset = e.frame_offset;
    auto advance = [&](std::size_t n) {
        b = b.subspan(n);
        offset += n;
        frame_offset += n;
    };
    for (;;) {
        if (b.empty()) {
            // The event is used up. A PDU that is all header (an empty TLS record) is
            // complete as soon as its header is, and is handed over now, as it would be
            // had the header arrived inside a larger event.
            if (total_ != 0 || head_.empty()) break;
            const PduShape s = shape(Bytes(head_));
            if (s.kind != PduShape::Kind::Pdu || s.bytes > consumed_) break;
        }
        if (total_ == 0 && head_.empty()) {
            // At a PDU start with nothing collected: try to hand it over in place.
            PduShape s = shape(b);
            if (s.kind == PduShape::Kind::NotAStart) {
                on_skipped(s.bytes);
                advance(s.bytes);
                continue;
            }
            if (s.kind == PduShape::Kind::Pdu && e.current_frame && s.bytes <= b.size()) {
                AssembledPdu pdu;
                pdu.bytes = b.first(s.keep < s.bytes ? s.keep : s.bytes);
                pdu.length = s.bytes;
                pdu.whole = s.keep >= s.bytes;
                pdu.stream_offset = offset;
                pdu.in_current_frame = true;
                pdu.frame_offset = frame_offset;
                const PduPiece piece{e.frame, static_cast<std::uint32_t>(s.bytes)};
                pdu.pieces = std::span<const PduPiece>(&piece, 1);
                on_pdu(pdu);
                advance(s.bytes);
                continue;
            }
            start_offset_ = offset;
            start_in_frame_ = e.current_frame;
            start_frame_offset_ = frame_offset;
            if (s.kind == PduShape::Kind::Pdu) {
                total_ = s.bytes;
                keep_ = s.keep < kMaxCollectedPdu ? s.keep : kMaxCollectedPdu;
            }
        }
        if (total_ == 0) {
            // Still learning the length: collect up to what the protocol asked for.
            PduShape s = head_.empty() ? PduShape::need(1) : shape(Bytes(head_));
            if (s.kind == PduShape::Kind::NotAStart) {
                const std::size_t drop = s.bytes < head_.size() ? s.bytes : head_.size();
                on_skipped(drop);
                head_.erase(head_.begin(), head_.begin() + static_cast<long>(drop));
                // The dropped bytes are no longer part of the PDU being collected.
                consumed_ -= drop;
                start_offset_ += drop;
                for (std::size_t left = drop; left > 0 && !pieces_.empty();) {
                    if (pieces_.front().length > left) {
                        pieces_.front().length -= static_cast<std::uint32_t>(left);
                        break;
                    }
                    left -= pieces_.front().length;
                    pieces_.erase(pieces_.begin());
                }
                // Where the PDU now starts: in this event when all the collected bytes came from it.
                start_in_frame_ = e.current_frame && head_.size() <= e.data.size() - b.size();
                start_frame_offset_ = start_in_frame_ ? frame_offset - head_.size() : 0;
                continue;
            }
            if (s.kind == PduShape::Kind::NeedMore) {
                std::size_t want = s.bytes > head_.size() ? s.bytes - head_.size() : 1;
                const std::size_t n = want < b.size() ? want : b.size();
                head_.insert(head_.end(), b.begin(), b.begin() + static_cast<long>(n));
                add_piece(e.frame, n);
                consumed_ += n;
                advance(n);
                continue;
            }
            total_ = s.bytes;
            keep_ = s.keep < kMaxCollectedPdu ? s.keep : kMaxCollectedPdu;
        }
        // Collecting (or counting past) the rest of a PDU of known length.
        const std::uint64_t left = total_ - consumed_;
        const std::size_t n = static_cast<std::size_t>(left < b.size() ? left : b.size());
        if (head_.size() < keep_) {
            const std::size_t copy = static_cast<std::size_t>(keep_ - head_.size()) < n
                                         ? static_cast<std::size_t>(keep_ - head_.size())
                                         : n;
            head_.insert(head_.end(), b.begin(), b.begin() + static_cast<long>(copy));
        }
        add_piece(e.frame, n);
        consumed_ += n;
        advance(n);
        if (consumed_ == total_) {
            AssembledPdu pdu;
            pdu.bytes = Bytes(head_);
            pdu.length = total_;
            pdu.whole = head_.size() >= total_;
            pdu.stream_offset = start_offset_;
            pdu.pieces = pieces_;
            on_pdu(pdu);
            reset();
        }
    }
}

}  // namespace tlsdissect
