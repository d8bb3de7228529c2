#include "transport/conversations.hpp"

#include <cstring>
#include <iterator>
#include <tuple>

namespace tlsdissect {

std::size_t ConversationKeyHash::operator()(const ConversationKey& k) const noexcept {
    // The addresses as 64-bit words, each folded in with a multiply and a shift (the
    // mixer of splitmix64): a handful of instructions, where byte-wise FNV-1a needed a
    // dependent multiply per byte.
    auto word = [](const std::uint8_t* p) {
        std::uint64_t w;
        std::memcpy(&w, p, sizeof w);
        return w;
    };
    std::uint64_t h = 0x9e3779b97f4a7c15ull;
    auto mix = [&h](std::uint64_t v) {
        h ^= v;
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    };
    static_assert(sizeof(k.a.bytes) == 16);
    mix(word(k.a.bytes.data()));
    mix(word(k.a.bytes.data() + 8));
    mix(word(k.b.bytes.data()));
    mix(word(k.b.bytes.data() + 8));
    mix(std::uint64_t(k.a.family) << 32 | std::uint64_t(k.a_port) << 16 | k.b_port);
    if (k.path) mix(k.path);
    return static_cast<std::size_t>(h);
}

ConversationKey make_conversation_key(const NetAddress& src, std::uint16_t src_port,
                                      const NetAddress& dst, std::uint16_t dst_port, int& side,
                                      std::uint64_t path) {
    ConversationKey k;
    k.path = path;
    if (std::tie(src, src_port) <= std::tie(dst, dst_port)) {
        k.a = src;
        k.a_port = src_port;
        k.b = dst;
        k.b_port = dst_port;
        side = 0;
    } else {
        k.a = dst;
        k.a_port = dst_port;
        k.b = src;
        k.b_port = src_port;
        side = 1;
    }
    return k;
}

namespace {

// A tombstone's record (TcpTombstone), in order:
//   header      2 bytes, TcpTombstoneBits
//   windows     1 byte: each side's window_scale plus 2 in four bits (side 0 low);
//               kWideWindows: a signed number each
//   stream      signed number: tcp.stream minus the record's place in the ring
//   closed      signed number: closed_ts_ns minus the table's time base
//   first       signed number: closed_ts_ns minus first_ts_ns
//   syn         signed number: irtt_ns (kIrttKnown), else closed_ts_ns minus syn_ts_ns
//   base_seq    4 bytes, little-endian, for each side whose base is set (else 0)
//   per side with a reassembler (kFlow0, kFlow1), its TcpStreamReassembler::Bounds:
//     form        1 byte: the three flag bits of bounds(), kLongForm; the short form
//                 (isn = base_seq + 1, fin_offset 0) holds highest in bit 4 (0 or 1) and
//                 acked zigzagged in bits 5-7 (-4 to 3)
//     next        number
//     highest_ts  signed number: closed_ts_ns minus highest_ts_ns
//     long form   isn minus base_seq minus 1 (32 bits), highest, acked, fin_offset:
//                 signed numbers
// Numbers are LEB128 (seven bits a byte, low first), signed ones zigzagged. Times are in
// microseconds when kMicroseconds (every one of them is whole), else nanoseconds;
// differences are taken modulo 2^64, so any two times can be kept exactly.
enum TcpTombstoneBits : std::uint16_t {
    kBaseSet0 = 1u << 0,
    kBaseSet1 = 1u << 1,
    kFin0 = 1u << 2,
    kFin1 = 1u << 3,
    kRst = 1u << 4,
    kSynAckSeen = 1u << 5,
    kIrttKnown = 1u << 6,
    kFlow0 = 1u << 7,  // the direction has a reassembler
    kFlow1 = 1u << 8,
    kMicroseconds = 1u << 9,
    kWideWindows = 1u << 10,
    // Two bits each, the value plus one: first_sender, syn_side (-1, 0, 1).
    kFirstSenderShift = 11,
    kSynSideShift = 13,
};
constexpr std::uint8_t kReassemblerFlags = 7, kLongForm = 1u << 3, kShortHighest = 1u << 4;
constexpr int kShortAckedShift = 5;
// The longest record: 2 + 2 * 10 + 4 * 10 + 2 * 4 + 2 * (1 + 10 + 10 + 4 * 5) bytes.
constexpr std::size_t kMaxTombstoneBytes = 152;

std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }
// a - b and a + b modulo 2^64 (times from a file may be anywhere in the 64-bit range).
std::int64_t minus(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
std::int64_t plus(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

class RecordWriter {
public:
    explicit RecordWriter(std::uint8_t* out) : out_(out) {}
    void byte(std::uint8_t b) { out_[size_++] = b; }
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    void number(std::uint64_t v) {
        for (; v >= 0x80; v >>= 7) byte(static_cast<std::uint8_t>(v | 0x80));
        byte(static_cast<std::uint8_t>(v));
    }
    void signed_number(std::int64_t v) { number(zigzag(v)); }
    std::size_t size() const { return size_; }

private:
    std::uint8_t* out_;
    std::size_t size_ = 0;
};

// Reads a record written by RecordWriter (past its end: zeros).
class RecordReader {
public:
    RecordReader(const std::uint8_t* in, std::size_t size) : in_(in), size_(size) {}
    std::uint8_t byte() { return at_ < size_ ? in_[at_++] : 0; }
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= std::uint32_t(byte()) << (8 * i);
        return v;
    }
    std::uint64_t number() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint8_t b = byte();
            v |= std::uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) break;
        }
        return v;
    }
    std::int64_t signed_number() { return unzigzag(number()); }

private:
    const std::uint8_t* in_;
    std::size_t size_;
    std::size_t at_ = 0;
};

// The slots a record of `length` bytes takes.
std::size_t tombstone_slots(std::size_t length) {
    constexpr std::size_t more = sizeof(TcpTombstone::bytes);
    return length <= kTombstoneFirstBytes ? 1 : 1 + (length - kTombstoneFirstBytes + more - 1) / more;
}

}  // namespace

std::size_t TcpConversationTable::entomb(const TcpConversation& c, std::uint64_t place, std::uint8_t* out) const {
    const bool irtt_known = c.irtt_ns != 0 || c.syn_ts_ns < 0;
    std::uint16_t bits = 0;
    TcpStreamReassembler::Bounds flow[2];
    std::uint8_t flow_flags[2] = {0, 0};
    for (int s = 0; s < 2; ++s) {
        if (c.side[s].base_set) bits |= s ? kBaseSet1 : kBaseSet0;
        if (c.fin[s]) bits |= s ? kFin1 : kFin0;
        if (c.flow[s]) {
            bits |= s ? kFlow1 : kFlow0;
            flow[s] = c.flow[s]->bounds(flow_flags[s]);
        }
    }
    if (c.rst) bits |= kRst;
    if (c.syn_ack_seen) bits |= kSynAckSeen;
    if (irtt_known) bits |= kIrttKnown;
    bits |= static_cast<std::uint16_t>((c.first_sender + 1) << kFirstSenderShift);
    bits |= static_cast<std::uint16_t>((c.syn_side + 1) << kSynSideShift);
    // The times, as kept; in microseconds when all are whole ones.
    std::int64_t times[5] = {minus(c.closed_ts_ns, time_base_ns_), minus(c.closed_ts_ns, c.first_ts_ns),
                             irtt_known ? c.irtt_ns : minus(c.closed_ts_ns, c.syn_ts_ns), 0, 0};
    for (int s = 0; s < 2; ++s)
        if (c.flow[s]) times[3 + s] = minus(c.closed_ts_ns, flow[s].highest_ts_ns);
    std::int64_t unit = 1000;
    for (std::int64_t t : times)
        if (t % 1000 != 0) unit = 1;
    if (unit != 1) bits |= kMicroseconds;
    auto window_fits = [&c](int s) { return c.side[s].window_scale >= -2 && c.side[s].window_scale <= 13; };
    const bool narrow_windows = window_fits(0) && window_fits(1);
    if (!narrow_windows) bits |= kWideWindows;

    RecordWriter w(out);
    w.byte(static_cast<std::uint8_t>(bits));
    w.byte(static_cast<std::uint8_t>(bits >> 8));
    if (narrow_windows) {
        w.byte(static_cast<std::uint8_t>((c.side[0].window_scale + 2) | (c.side[1].window_scale + 2) << 4));
    } else {
        w.signed_number(c.side[0].window_scale);
        w.signed_number(c.side[1].window_scale);
    }
    w.signed_number(minus(c.stream, static_cast<std::int64_t>(place)));
    for (int i = 0; i < 3; ++i) w.signed_number(times[i] / unit);
    for (int s = 0; s < 2; ++s)
        if (c.side[s].base_set) w.u32(c.side[s].base_seq);
    for (int s = 0; s < 2; ++s) {
        if (!c.flow[s]) continue;
        const TcpStreamReassembler::Bounds& b = flow[s];
        const auto isn_offset = static_cast<std::int32_t>(b.isn - c.side[s].base_seq - 1);
        const bool short_form = isn_offset == 0 && (b.highest == 0 || b.highest == 1) && b.acked >= -4 &&
                                b.acked <= 3 && b.fin_offset == 0 && flow_flags[s] <= kReassemblerFlags;
        if (short_form) {
            w.byte(static_cast<std::uint8_t>(flow_flags[s] | (b.highest ? kShortHighest : 0) |
                                             zigzag(b.acked) << kShortAckedShift));
        } else {
            w.byte(static_cast<std::uint8_t>((flow_flags[s] & kReassemblerFlags) | kLongForm));
        }
        w.number(b.next);
        w.signed_number(times[3 + s] / unit);
        if (!short_form) {
            w.signed_number(isn_offset);
            w.signed_number(b.highest);
            w.signed_number(b.acked);
            w.signed_number(b.fin_offset);
        }
    }
    return w.size();
}

std::unique_ptr<TcpConversation> TcpConversationTable::revive(std::uint64_t place, const NetAddress& src,
                                                              std::uint16_t src_port, const NetAddress& dst,
                                                              std::uint16_t dst_port, int side, std::uint64_t path) {
    std::uint8_t bytes[kMaxTombstoneBytes];
    RecordReader r(bytes, read_tombstone(place, bytes));
    std::uint16_t bits = r.byte();
    bits |= static_cast<std::uint16_t>(r.byte() << 8);
    auto c = std::make_unique<TcpConversation>();
    if (bits & kWideWindows) {
        for (auto& d : c->side) d.window_scale = static_cast<int>(r.signed_number());
    } else {
        const std::uint8_t windows = r.byte();
        c->side[0].window_scale = (windows & 15) - 2;
        c->side[1].window_scale = (windows >> 4) - 2;
    }
    c->stream = static_cast<std::uint32_t>(plus(static_cast<std::int64_t>(place), r.signed_number()));
    const std::int64_t unit = bits & kMicroseconds ? 1000 : 1;
    c->closed_ts_ns = plus(time_base_ns_, r.signed_number() * unit);
    c->first_ts_ns = minus(c->closed_ts_ns, r.signed_number() * unit);
    const std::int64_t syn = r.signed_number() * unit;
    c->in_shard = 1;  // only a connection dissected closes
    c->last_ts_ns = c->closed_ts_ns;
    c->app_decided = true;  // and its application is gone
    c->rst = bits & kRst;
    c->syn_ack_seen = bits & kSynAckSeen;
    if (bits & kIrttKnown) {
        c->irtt_ns = syn;
        // The SYN's time was only needed for the round-trip time, known now; any value
        // that says a SYN was seen will do.
        c->syn_ts_ns = c->irtt_ns != 0 ? 0 : -1;
    } else {
        c->syn_ts_ns = minus(c->closed_ts_ns, syn);
    }
    c->first_sender = ((bits >> kFirstSenderShift) & 3) - 1;
    c->syn_side = ((bits >> kSynSideShift) & 3) - 1;
    for (int s = 0; s < 2; ++s) {
        c->side[s].base_set = bits & (s ? kBaseSet1 : kBaseSet0);
        if (c->side[s].base_set) c->side[s].base_seq = r.u32();
        c->fin[s] = bits & (s ? kFin1 : kFin0);
    }
    const TcpReassemblyLimits limits = reassembly_limits_ ? *reassembly_limits_ : TcpReassemblyLimits{};
    for (int s = 0; s < 2; ++s) {
        if (!(bits & (s ? kFlow1 : kFlow0))) continue;
        const std::uint8_t form = r.byte();
        TcpStreamReassembler::Bounds b;
        b.next = r.number();
        b.highest_ts_ns = minus(c->closed_ts_ns, r.signed_number() * unit);
        b.isn = c->side[s].base_seq + 1;
        if (form & kLongForm) {
            b.isn += static_cast<std::uint32_t>(r.signed_number());
            b.highest = static_cast<std::int32_t>(r.signed_number());
            b.acked = static_cast<std::int32_t>(r.signed_number());
            b.fin_offset = static_cast<std::int32_t>(r.signed_number());
        } else {
            b.highest = form & kShortHighest ? 1 : 0;
            b.acked = static_cast<std::int32_t>(unzigzag(form >> kShortAckedShift));
        }
        c->flow[s] = TcpStreamReassembler::from_bounds(b, form & kReassemblerFlags, limits);
    }
    c->address[side] = src;
    c->address[1 - side] = dst;
    c->port[side] = src_port;
    c->port[1 - side] = dst_port;
    c->path_key = path;
    c->tombstone = place + 1;
    c->expiry_scheduled = true;  // by its tombstone
    return c;
}

std::size_t TcpConversationTable::read_tombstone(std::uint64_t place, std::uint8_t* out) {
    const TcpTombstone& first = tombstones_.at(place);
    const std::size_t length = first.bytes[0];
    std::size_t n = std::min(length, kTombstoneFirstBytes);
    std::memcpy(out, first.bytes + 1, n);
    for (std::uint64_t next = place + 1; n < length; ++next) {
        const std::size_t more = std::min(length - n, sizeof(TcpTombstone::bytes));
        std::memcpy(out + n, tombstones_.at(next).bytes, more);
        n += more;
    }
    return length;
}

void TcpConversationTable::write_tombstone(std::uint64_t place, const std::uint8_t* bytes, std::size_t length) {
    TcpTombstone& first = tombstones_.at(place);
    first.bytes[0] = static_cast<std::uint8_t>(length);
    std::size_t n = std::min(length, kTombstoneFirstBytes);
    std::memcpy(first.bytes + 1, bytes, n);
    for (std::uint64_t next = place + 1; n < length; ++next) {
        const std::size_t more = std::min(length - n, sizeof(TcpTombstone::bytes));
        std::memcpy(tombstones_.at(next).bytes, bytes + n, more);
        n += more;
    }
}

std::int64_t TcpConversationTable::closed_ts_of(std::uint64_t place) {
    std::uint8_t bytes[kMaxTombstoneBytes];
    RecordReader r(bytes, read_tombstone(place, bytes));
    std::uint16_t bits = r.byte();
    bits |= static_cast<std::uint16_t>(r.byte() << 8);
    if (bits & kWideWindows) {
        r.number();
        r.number();
    } else {
        r.byte();
    }
    r.number();  // stream
    return plus(time_base_ns_, r.signed_number() * (bits & kMicroseconds ? 1000 : 1));
}

void TcpConversationTable::pop_tombstone() {
    const std::size_t slots = tombstone_slots(tombstones_.at(tombstones_.front_place()).bytes[0]);
    tombstones_.pop_front();
    for (std::size_t i = 1; i < slots; ++i) tombstones_.pop_front_unindexed();
    --tombstone_records_;
}

void TcpConversationTable::note_closed(const TcpConversation& conv) {
    Closing c{conv.closed_ts_ns, ConversationKey{conv.address[0], conv.address[1], conv.port[0], conv.port[1], conv.path_key},
              conv.stream};
    // In closing order; one brought back from its tombstone closed earlier than the last.
    auto at = closing_.end();
    while (at != closing_.begin() && std::prev(at)->closed_ts_ns > c.closed_ts_ns) --at;
    closing_.insert(at, std::move(c));
}

void TcpConversationTable::settle_closed(TcpConversation& conv, bool can_entomb) {
    if (can_entomb && conv.first_sender >= 0) {
        int side = 0;
        const ConversationKey key =
            make_conversation_key(conv.address[0], conv.port[0], conv.address[1], conv.port[1], side, conv.path_key);
        auto it = table_.find(key);
        if (it != table_.end() && it->second.get() == &conv) {
            std::uint8_t bytes[kMaxTombstoneBytes];
            if (conv.tombstone) {
                // Back where it lay, when it still fits there; else it is kept whole (below).
                const std::uint64_t place = conv.tombstone - 1;
                const std::size_t length = entomb(conv, place, bytes);
                if (tombstone_slots(length) <= tombstone_slots(tombstones_.at(place).bytes[0])) {
                    write_tombstone(place, bytes, length);
                    table_.erase(it);
                    return;
                }
            } else {
                if (tombstone_records_ >= max_connections_) pop_tombstone();
                if (!time_base_set_) {
                    // Floored to a whole microsecond, so that differences from it are whole
                    // ones where the capture's times are.
                    time_base_ns_ = minus(conv.closed_ts_ns, (conv.closed_ts_ns % 1000 + 1000) % 1000);
                    time_base_set_ = true;
                }
                const std::uint64_t place = tombstones_.next_place();
                const std::size_t length = entomb(conv, place, bytes);
                TcpTombstone first;
                first.hash = ConversationKeyHash{}(key);
                tombstones_.push(first);
                for (std::size_t i = 1; i < tombstone_slots(length); ++i) tombstones_.push_unindexed(TcpTombstone{});
                write_tombstone(place, bytes, length);
                ++tombstone_records_;
                table_.erase(it);
                return;
            }
        }
    }
    if (conv.tombstone) {
        // Kept whole from now on (an application was chosen for late data): its tombstone
        // is forgotten and it expires as any closed connection.
        tombstones_.forget(conv.tombstone - 1);
        conv.tombstone = 0;
        conv.expiry_scheduled = false;
    }
    if (!conv.expiry_scheduled) {
        note_closed(conv);
        conv.expiry_scheduled = true;
    }
}

void TcpConversationTable::expire_tombstones(std::int64_t now_ns) {
    // Never one brought back: that lies in the table only while its segment is dissected.
    while (!tombstones_.empty() && now_ns - closed_ts_of(tombstones_.front_place()) > kClosedConnectionLingerNs)
        pop_tombstone();
}

TcpConversation& TcpConversationTable::find(const NetAddress& src, std::uint16_t src_port,
                                            const NetAddress& dst, std::uint16_t dst_port,
                                            bool syn_only, std::uint32_t seq, int& side,
                                            std::unique_ptr<TcpConversation>* replaced, std::uint64_t path) {
    ConversationKey key = make_conversation_key(src, src_port, dst, dst_port, side, path);
    auto it = table_.find(key);
    if (it == table_.end() && tombstones_.live() != 0) {
        const std::uint64_t found =
            tombstones_.find_newest(ConversationKeyHash{}(key), [](const TcpTombstone&) { return true; });
        if (found) it = table_.emplace(key, revive(found - 1, src, src_port, dst, dst_port, side, path)).first;
    }
    if (it != table_.end()) {
        const TcpDirection& d = it->second->side[side];
        if (!(syn_only && d.base_set && d.base_seq != seq)) return *it->second;
        // A SYN with a new initial sequence number: the ports are reused by a new
        // connection, which gets a new stream index. The old one is handed out to be
        // closed (its records written), not just forgotten.
        if (it->second->tombstone) {
            // Nothing to close: its tombstone is forgotten.
            tombstones_.forget(it->second->tombstone - 1);
        } else if (replaced) {
            *replaced = std::move(it->second);
        }
    }
    auto conv = std::make_unique<TcpConversation>();
    conv->stream = next_stream_++;
    conv->path_key = path;
    TcpConversation& ref = *conv;
    table_[key] = std::move(conv);
    return ref;
}

UdpConversation& UdpConversationTable::find(const NetAddress& src, std::uint16_t src_port,
                                            const NetAddress& dst, std::uint16_t dst_port,
                                            std::int64_t ts_ns, std::uint64_t path) {
    int side = 0;
    ConversationKey key = make_conversation_key(src, src_port, dst, dst_port, side, path);
    auto [it, inserted] = table_.try_emplace(key);
    if (inserted) {
        it->second.stream = next_stream_++;
        it->second.first_ts_ns = ts_ns;
    }
    it->second.last_ts_ns = ts_ns;
    return it->second;
}

void UdpConversationTable::expire() {
    if (table_.size() <= max_conversations_) return;
    // Iterators, not keys: 16 bytes per flow for the sort (erasing one element of an
    // unordered_map leaves the other iterators valid).
    std::vector<std::pair<std::int64_t, decltype(table_)::iterator>> by_age;
    by_age.reserve(table_.size());
    for (auto it = table_.begin(); it != table_.end(); ++it) by_age.emplace_back(it->second.last_ts_ns, it);
    const std::size_t drop = table_.size() - max_conversations_ + max_conversations_ / 10;
    std::nth_element(by_age.begin(), by_age.begin() + static_cast<long>(drop - 1), by_age.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < drop; ++i) table_.erase(by_age[i].second);
    by_age = {};
    // Give the freed buckets back: a flood must not leave its peak allocated.
    table_.rehash(0);
}

}  // namespace tlsdissect
