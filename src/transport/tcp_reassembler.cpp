#include "transport/tcp_reassembler.hpp"

#include <algorithm>
#include <climits>

namespace tlsdissect {

TcpStreamReassembler::~TcpStreamReassembler() { release(buffered_); }

void TcpStreamReassembler::release(std::size_t n) {
    buffered_ -= n;
    if (limits_.total_buffered) *limits_.total_buffered -= n;
}

std::int64_t TcpStreamReassembler::stream_offset(std::uint32_t seq) const {
    // Sequence numbers wrap at 2^32; take the nearest offset to where we are.
    const auto expected = static_cast<std::uint32_t>(isn_ + static_cast<std::uint32_t>(next_));
    const auto delta = static_cast<std::int32_t>(seq - expected);
    return static_cast<std::int64_t>(next_) + delta;
}

void TcpStreamReassembler::forget_bytes() {
    release(buffered_);
    pending_.clear();
    recent_.reset();
    recent_size_ = 0;
    recent_head_ = 0;
}

TcpStreamReassembler::Bounds TcpStreamReassembler::bounds(std::uint8_t& flags) const {
    auto relative = [this](std::uint64_t offset) {
        const std::int64_t d = static_cast<std::int64_t>(offset - next_);
        return static_cast<std::int32_t>(std::clamp<std::int64_t>(d, INT32_MIN, INT32_MAX));
    };
    Bounds b;
    b.next = next_;
    b.highest_ts_ns = highest_ts_;
    b.isn = isn_;
    b.highest = relative(highest_);
    b.acked = relative(acked_);
    b.fin_offset = fin_seen_ ? relative(fin_offset_) : 0;
    flags = static_cast<std::uint8_t>((started_ ? kStarted : 0) | (fin_seen_ ? kFinSeen : 0) | (seen_any_ ? kSeenAny : 0));
    return b;
}

std::unique_ptr<TcpStreamReassembler> TcpStreamReassembler::from_bounds(const Bounds& b, std::uint8_t flags,
                                                                         TcpReassemblyLimits limits) {
    auto r = std::make_unique<TcpStreamReassembler>(limits);
    auto absolute = [&b](std::int32_t d) { return b.next + static_cast<std::uint64_t>(static_cast<std::int64_t>(d)); };
    r->next_ = b.next;
    r->highest_ts_ = b.highest_ts_ns;
    r->isn_ = b.isn;
    r->highest_ = absolute(b.highest);
    r->acked_ = absolute(b.acked);
    r->started_ = flags & kStarted;
    r->fin_seen_ = flags & kFinSeen;
    r->fin_offset_ = r->fin_seen_ ? absolute(b.fin_offset) : 0;
    r->seen_any_ = flags & kSeenAny;
    return r;
}

std::size_t TcpStreamReassembler::compare_recent(std::uint64_t offset, Bytes data) const {
    const std::uint64_t from = std::max(offset, next_ - recent_size_);
    const std::uint64_t to = std::min(offset + data.size(), next_);
    if (from >= to) return 0;
    std::size_t differing = 0;
    // The part in the ring: it holds the bytes just before ring_end().
    const std::uint64_t ring_to = std::min(to, ring_end());
    for (std::uint64_t at = from; at < ring_to; ++at) {
        const auto back = static_cast<std::size_t>(ring_end() - at);  // 1..kRecheckWindow
        if (recent_->ring[(recent_head_ + kRecheckWindow - back) % kRecheckWindow] != data[at - offset]) ++differing;
    }
    // The part still referenced.
    for (std::size_t k = 0; k < recent_->ref_count; ++k) {
        const RecentRef& r = recent_->refs[k];
        const std::uint64_t lo = std::max(from, r.offset), hi = std::min(to, r.offset + r.length);
        for (std::uint64_t at = lo; at < hi; ++at)
            if (r.data[at - r.offset] != data[at - offset]) ++differing;
    }
    return differing;
}

TcpStreamReassembler::Recent& TcpStreamReassembler::recent() {
    if (!recent_) recent_ = std::make_unique_for_overwrite<Recent>();
    return *recent_;
}

void TcpStreamReassembler::ring_append(Bytes data) {
    if (data.size() >= kRecheckWindow) data = data.last(kRecheckWindow);
    const std::size_t first = std::min(data.size(), kRecheckWindow - recent_head_);
    std::copy(data.begin(), data.begin() + static_cast<long>(first), recent_->ring + recent_head_);
    std::copy(data.begin() + static_cast<long>(first), data.end(), recent_->ring);
    recent_head_ = (recent_head_ + data.size()) % kRecheckWindow;
}

void TcpStreamReassembler::copy_refs_to_ring() {
    // Only the bytes still kept are copied; the ring's place for the others is skipped.
    const std::uint64_t kept_from = next_ - recent_size_;
    for (std::size_t k = 0; k < recent_->ref_count; ++k) {
        const RecentRef& r = recent_->refs[k];
        const std::size_t skip =
            kept_from > r.offset ? static_cast<std::size_t>(std::min<std::uint64_t>(kept_from - r.offset, r.length)) : 0;
        recent_head_ = (recent_head_ + skip) % kRecheckWindow;
        ring_append(Bytes(r.data + skip, r.length - skip));
    }
    recent_->ref_count = 0;
}

void TcpStreamReassembler::remember(Bytes data, bool lasting) {
    Recent& recent = this->recent();
    recent_size_ = std::min(kRecheckWindow, recent_size_ + data.size());
    if (!lasting || recent.ref_count == kMaxRecentRefs) copy_refs_to_ring();
    if (!lasting) {
        ring_append(data);
        return;
    }
    recent.refs[recent.ref_count++] = RecentRef{next_ - data.size(), data.data(), data.size()};
    // References wholly before what is kept are dropped (the ring then holds nothing kept).
    const std::uint64_t kept_from = next_ - recent_size_;
    std::size_t drop = 0;
    while (drop + 1 < recent.ref_count && recent.refs[drop].offset + recent.refs[drop].length <= kept_from) ++drop;
    if (drop) {
        std::copy(recent.refs + drop, recent.refs + recent.ref_count, recent.refs);
        recent.ref_count -= drop;
    }
}

void TcpStreamReassembler::deliver(std::uint64_t offset, Bytes data, std::uint64_t frame, bool current,
                                   std::size_t frame_offset, bool lasting, ReassemblyOutput& out) {
    if (data.empty()) return;
    StreamEvent e;
    e.kind = StreamEvent::Kind::Data;
    e.offset = offset;
    e.length = data.size();
    e.data = data;
    e.frame = frame;
    e.current_frame = current;
    e.frame_offset = frame_offset;
    out.events.push_back(e);
    next_ = offset + data.size();
    remember(data, lasting);
}

void TcpStreamReassembler::gap_to(std::uint64_t offset, ReassemblyOutput& out) {
    if (offset <= next_) return;
    StreamEvent e;
    e.kind = StreamEvent::Kind::Gap;
    e.offset = next_;
    e.length = offset - next_;
    out.events.push_back(e);
    next_ = offset;
    recent_size_ = recent_head_ = 0;
    if (recent_) recent_->ref_count = 0;
}

void TcpStreamReassembler::drain(ReassemblyOutput& out) {
    while (!pending_.empty()) {
        auto it = pending_.begin();
        if (it->first > next_) break;
        Pending p = std::move(it->second);
        const std::uint64_t start = it->first;
        pending_.erase(it);
        release(p.bytes.size());
        if (start + p.bytes.size() <= next_) continue;
        // Pieces never overlap, so only a gap already declared can cut into this one.
        const std::size_t skip = static_cast<std::size_t>(next_ - start);
        out.keep_alive.push_back(std::move(p.bytes));
        const auto& kept = out.keep_alive.back();
        deliver(next_, Bytes(kept).subspan(skip), p.frame, false, 0, false, out);
    }
}

void TcpStreamReassembler::add(const SegmentIn& s, ReassemblyOutput& out) {
    const std::uint64_t next_before = next_;
    add_segment(s, out);
    if (started_) give_up_acknowledged_hole(s, next_before, out);
}

void TcpStreamReassembler::add_segment(const SegmentIn& s, ReassemblyOutput& out) {
    if (!started_) {
        started_ = true;
        isn_ = s.syn ? s.seq + 1 : s.seq;
        highest_ts_ = s.ts_ns;
    }
    if (s.rst) return;
    const std::uint32_t data_seq = s.syn ? s.seq + 1 : s.seq;
    if (s.syn && s.length == 0 && !s.fin) {
        seen_any_ = true;
        return;
    }
    const std::int64_t signed_off = stream_offset(data_seq);
    const std::uint64_t length = s.length;
    // A FIN takes one sequence number after the data.
    const std::int64_t label_end = signed_off + static_cast<std::int64_t>(length) + (s.fin ? 1 : 0);
    // Labels follow Wireshark's sequence analysis: beyond the highest byte seen is a
    // lost segment before it; a spurious retransmission when the peer had acknowledged
    // it all (also a late segment after the ACK that covers it); behind the highest byte,
    // out of order when it comes soon after the highest segment (within the handshake
    // round-trip time), else a retransmission.
    if (seen_any_) {
        const auto highest = static_cast<std::int64_t>(highest_);
        const bool keep_alive = length <= 1 && !s.fin && label_end == highest;
        if (highest < signed_off) {
            out.labels |= kLabelPreviousNotCaptured;
        } else if (length == 0 && !s.fin) {
            // A bare acknowledgement is neither retransmitted nor out of order.
        } else if (!keep_alive && label_end <= static_cast<std::int64_t>(acked_) && length > 0) {
            out.labels |= kLabelRetransmission | kLabelSpurious;
        } else if (signed_off < highest && !keep_alive) {
            const std::int64_t threshold = s.out_of_order_threshold_ns > 0 ? s.out_of_order_threshold_ns
                                                                           : kOutOfOrderThresholdNs;
            const bool soon = s.ts_ns - highest_ts_ < threshold;
            out.labels |= soon && label_end != highest ? kLabelOutOfOrder : kLabelRetransmission;
        }
    }
    seen_any_ = true;
    if (label_end > static_cast<std::int64_t>(highest_)) {
        highest_ = static_cast<std::uint64_t>(label_end);
        highest_ts_ = s.ts_ns;
    }
    if (s.fin && !fin_seen_) {
        fin_seen_ = true;
        fin_offset_ = static_cast<std::uint64_t>(std::max<std::int64_t>(0, signed_off + static_cast<std::int64_t>(length)));
    }
    if (length == 0) return;
    if (signed_off + static_cast<std::int64_t>(length) <= 0) {
        out.labels |= kLabelRetransmission;  // before the start of what we follow
        return;
    }
    std::uint64_t off = signed_off < 0 ? 0 : static_cast<std::uint64_t>(signed_off);
    Bytes data = s.data;
    std::size_t frame_offset = s.frame_offset;
    if (signed_off < 0) {
        const auto cut = static_cast<std::size_t>(-signed_off);
        data = data.subspan(std::min(cut, data.size()));
        frame_offset += cut;
    }
    const std::uint64_t end = static_cast<std::uint64_t>(signed_off) + length;
    if (end <= next_) {
        out.conflicts += compare_recent(off, data);
    } else {
        if (off < next_) {
            // Partly old: check the old part, keep the new part.
            const auto old = static_cast<std::size_t>(next_ - off);
            out.conflicts += compare_recent(off, data.first(std::min(old, data.size())));
            data = data.subspan(std::min(old, data.size()));
            frame_offset += old;
            off = next_;
        }
        const std::uint64_t wire_end = end;
        if (off == next_) {
            // In order. Bytes that pending pieces already hold keep their first value.
            std::uint64_t at = off;
            std::size_t i = 0;
            while (i < data.size()) {
                if (at < next_) {
                    // drain() just delivered buffered pieces that this segment overlaps:
                    // those bytes are out already (the first ones win); compare, skip.
                    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(next_ - at, data.size() - i));
                    out.conflicts += compare_recent(at, data.subspan(i, n));
                    at += n;
                    i += n;
                    continue;
                }
                auto it = pending_.upper_bound(at);
                const std::uint64_t limit = it == pending_.end() ? at + (data.size() - i) : it->first;
                auto covered = pending_.begin() != pending_.end() && pending_.begin()->first <= at
                                   ? pending_.begin()
                                   : pending_.end();
                if (covered != pending_.end() && covered->first + covered->second.bytes.size() > at) {
                    // Already buffered: compare and let drain deliver the buffered bytes.
                    const std::size_t in_piece = static_cast<std::size_t>(at - covered->first);
                    const std::size_t n =
                        std::min(data.size() - i, covered->second.bytes.size() - in_piece);
                    for (std::size_t k = 0; k < n; ++k)
                        if (covered->second.bytes[in_piece + k] != data[i + k]) ++out.conflicts;
                    drain(out);
                    at += n;
                    i += n;
                    continue;
                }
                const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(limit - at, data.size() - i));
                deliver(at, data.subspan(i, n), s.frame, true, frame_offset + i, s.lasting, out);
                at += n;
                i += n;
                drain(out);
            }
            if (data.size() < wire_end - off) gap_to(std::max<std::uint64_t>(next_, wire_end), out);  // snap length
            drain(out);
        } else {
            // Out of order: buffer only bytes no earlier piece holds.
            std::uint64_t at = off;
            std::size_t i = 0;
            while (i < data.size()) {
                auto next_piece = pending_.upper_bound(at);
                auto prev = next_piece == pending_.begin() ? pending_.end() : std::prev(next_piece);
                if (prev != pending_.end() && prev->first + prev->second.bytes.size() > at) {
                    const std::size_t in_piece = static_cast<std::size_t>(at - prev->first);
                    const std::size_t n = std::min(data.size() - i, prev->second.bytes.size() - in_piece);
                    for (std::size_t k = 0; k < n; ++k)
                        if (prev->second.bytes[in_piece + k] != data[i + k]) ++out.conflicts;
                    at += n;
                    i += n;
                    continue;
                }
                const std::uint64_t limit =
                    next_piece == pending_.end() ? at + (data.size() - i) : next_piece->first;
                const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(limit - at, data.size() - i));
                Pending p;
                p.bytes.assign(data.begin() + static_cast<long>(i), data.begin() + static_cast<long>(i + n));
                p.frame = s.frame;
                buffered_ += n;
                if (limits_.total_buffered) *limits_.total_buffered += n;
                pending_.emplace(at, std::move(p));
                at += n;
                i += n;
            }
            // Over a limit: give up on the oldest hole.
            while (!pending_.empty() &&
                   (buffered_ > limits_.max_out_of_order_bytes ||
                    (limits_.total_buffered && *limits_.total_buffered > limits_.max_total_buffered_bytes))) {
                out.labels |= kLabelBufferLimit;
                gap_to(pending_.begin()->first, out);
                drain(out);
            }
        }
    }
    if (out.conflicts) out.labels |= kLabelOverlapConflict;
}

bool TcpStreamReassembler::buffered_all(std::uint64_t from, std::uint64_t to) const {
    auto it = pending_.upper_bound(from);
    if (it != pending_.begin()) --it;
    for (; from < to && it != pending_.end(); ++it) {
        if (it->first > from) return false;
        from = std::max(from, it->first + it->second.bytes.size());
    }
    return from >= to;
}

bool TcpStreamReassembler::acknowledged(std::uint32_t ack, std::int64_t ts_ns, std::uint64_t window) {
    if (!started_) return false;
    const std::int64_t off = stream_offset(ack);
    const std::uint64_t before = std::max(acked_data(), next_);
    if (off > static_cast<std::int64_t>(acked_) && off - static_cast<std::int64_t>(next_) <= (1 << 30))
        acked_ = static_cast<std::uint64_t>(off);
    // No hole before acknowledgements behind us or absurdly far ahead (garbage).
    if (off <= static_cast<std::int64_t>(next_) || off - static_cast<std::int64_t>(next_) > (1 << 30)) return false;
    const std::uint64_t target = acked_data();
    if (target <= next_) return false;
    last_ack_ts_ = ts_ns;
    last_ack_send_limit_ = window > 0 ? static_cast<std::uint64_t>(off) + window : UINT64_MAX;
    if (!hole_acked_) {
        hole_acked_ = true;
        hole_acked_ts_ = last_ack_ts_;
        hole_send_limit_ = last_ack_send_limit_;
    }
    // As tshark: every acknowledgement that moves on while some byte before it is unseen.
    return target > before && !buffered_all(next_, target);
}

void TcpStreamReassembler::lose_until(std::uint64_t target, ReassemblyOutput& out) {
    while (next_ < target) {
        if (!pending_.empty() && pending_.begin()->first <= next_) {
            drain(out);
            continue;
        }
        const std::uint64_t stop = pending_.empty() ? target : std::min(target, pending_.begin()->first);
        gap_to(stop, out);
        drain(out);
    }
}

void TcpStreamReassembler::give_up_acknowledged_hole(const SegmentIn& s, std::uint64_t next_before,
                                                     ReassemblyOutput& out) {
    if (!hole_acked_) return;
    if (next_ >= acked_data()) {
        hole_acked_ = false;
        return;
    }
    if (next_ != next_before) {
        // A hole was filled and the next one is acknowledged too: wait for it from the
        // latest acknowledgement (it may be the one that covered it).
        hole_acked_ts_ = last_ack_ts_;
        hole_send_limit_ = last_ack_send_limit_;
    }
    const std::int64_t wait = s.out_of_order_threshold_ns > 0 ? s.out_of_order_threshold_ns : kOutOfOrderThresholdNs;
    if (s.ts_ns - hole_acked_ts_ <= wait && highest_ <= hole_send_limit_) return;
    lose_until(acked_data(), out);
    hole_acked_ = false;
}

void TcpStreamReassembler::flush(ReassemblyOutput& out) {
    while (!pending_.empty()) {
        gap_to(pending_.begin()->first, out);
        drain(out);
    }
    lose_until(acked_data(), out);
    hole_acked_ = false;
}

}  // namespace tlsdissect
