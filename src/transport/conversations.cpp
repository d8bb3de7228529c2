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

// TcpTombstone::bits
enum TcpTombstoneBits : std::uint16_t {
    kBaseSet0 = 1u << 0,
    kBaseSet1 = 1u << 1,
    kFin0 = 1u << 2,
    kFin1 = 1u << 3,
    kRst = 1u << 4,
    kSynAckSeen = 1u << 5,
    kIrttKnown = 1u << 6,  // syn_or_irtt_ns is irtt_ns (else syn_ts_ns)
    kFlow0 = 1u << 7,      // the direction has a reassembler
    kFlow1 = 1u << 8,
    // Two bits each, the value plus one: first_sender, syn_side (-1, 0, 1).
    kFirstSenderShift = 11,
    kSynSideShift = 13,
};

}  // namespace

void TcpConversationTable::entomb(const TcpConversation& c, TcpTombstone& t) const {
    t.closed_ts_ns = c.closed_ts_ns;
    t.first_ts_ns = c.first_ts_ns;
    const bool irtt_known = c.irtt_ns != 0 || c.syn_ts_ns < 0;
    t.syn_or_irtt_ns = irtt_known ? c.irtt_ns : c.syn_ts_ns;
    std::uint16_t bits = 0;
    for (int s = 0; s < 2; ++s) {
        t.base_seq[s] = c.side[s].base_seq;
        t.window_scale[s] = static_cast<std::int8_t>(c.side[s].window_scale);
        if (c.side[s].base_set) bits |= s ? kBaseSet1 : kBaseSet0;
        if (c.fin[s]) bits |= s ? kFin1 : kFin0;
        if (c.flow[s]) {
            bits |= s ? kFlow1 : kFlow0;
            t.flow[s] = c.flow[s]->bounds(t.flow_flags[s]);
        } else {
            t.flow[s] = {};
            t.flow_flags[s] = 0;
        }
    }
    if (c.rst) bits |= kRst;
    if (c.syn_ack_seen) bits |= kSynAckSeen;
    if (irtt_known) bits |= kIrttKnown;
    bits |= static_cast<std::uint16_t>((c.first_sender + 1) << kFirstSenderShift);
    bits |= static_cast<std::uint16_t>((c.syn_side + 1) << kSynSideShift);
    t.bits = bits;
    t.stream = c.stream;
}

std::unique_ptr<TcpConversation> TcpConversationTable::revive(const TcpTombstone& t, std::uint64_t place,
                                                               const NetAddress& src, std::uint16_t src_port,
                                                               const NetAddress& dst, std::uint16_t dst_port,
                                                               int side, std::uint64_t path) const {
    auto c = std::make_unique<TcpConversation>();
    c->stream = t.stream;
    c->in_shard = 1;  // only a connection dissected closes
    c->first_ts_ns = t.first_ts_ns;
    c->last_ts_ns = t.closed_ts_ns;
    c->closed_ts_ns = t.closed_ts_ns;
    c->app_decided = true;  // and its application is gone
    c->rst = t.bits & kRst;
    c->syn_ack_seen = t.bits & kSynAckSeen;
    if (t.bits & kIrttKnown) {
        c->irtt_ns = t.syn_or_irtt_ns;
        // The SYN's time was only needed for the round-trip time, known now; any value
        // that says a SYN was seen will do.
        c->syn_ts_ns = c->irtt_ns != 0 ? 0 : -1;
    } else {
        c->syn_ts_ns = t.syn_or_irtt_ns;
    }
    c->first_sender = ((t.bits >> kFirstSenderShift) & 3) - 1;
    c->syn_side = ((t.bits >> kSynSideShift) & 3) - 1;
    const TcpReassemblyLimits limits = reassembly_limits_ ? *reassembly_limits_ : TcpReassemblyLimits{};
    for (int s = 0; s < 2; ++s) {
        c->side[s].base_seq = t.base_seq[s];
        c->side[s].base_set = t.bits & (s ? kBaseSet1 : kBaseSet0);
        c->side[s].window_scale = t.window_scale[s];
        c->fin[s] = t.bits & (s ? kFin1 : kFin0);
        if (t.bits & (s ? kFlow1 : kFlow0)) c->flow[s] = TcpStreamReassembler::from_bounds(t.flow[s], t.flow_flags[s], limits);
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
            TcpTombstone t;
            entomb(conv, t);
            t.hash = ConversationKeyHash{}(key);
            t.port[0] = key.a_port;
            t.port[1] = key.b_port;
            if (conv.tombstone) {
                tombstones_.at(conv.tombstone - 1) = t;  // back where it lay
            } else {
                if (tombstones_.size() >= max_connections_) tombstones_.pop_front();
                tombstones_.push(t);
            }
            table_.erase(it);
            return;
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
    while (!tombstones_.empty() && now_ns - tombstones_.front().closed_ts_ns > kClosedConnectionLingerNs)
        tombstones_.pop_front();
}

TcpConversation& TcpConversationTable::find(const NetAddress& src, std::uint16_t src_port,
                                            const NetAddress& dst, std::uint16_t dst_port,
                                            bool syn_only, std::uint32_t seq, int& side,
                                            std::unique_ptr<TcpConversation>* replaced, std::uint64_t path) {
    ConversationKey key = make_conversation_key(src, src_port, dst, dst_port, side, path);
    auto it = table_.find(key);
    if (it == table_.end() && tombstones_.live() != 0) {
        const std::uint64_t found = tombstones_.find_newest(ConversationKeyHash{}(key), [&key](const TcpTombstone& t) {
            return t.port[0] == key.a_port && t.port[1] == key.b_port;
        });
        if (found) {
            const std::uint64_t place = found - 1;
            it = table_.emplace(key, revive(tombstones_.at(place), place, src, src_port, dst, dst_port, side, path)).first;
        }
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
