// Per-connection state for TCP and UDP: stream indexes counted like tshark's
// tcp.stream / udp.stream, TCP base sequence numbers for relative numbering, and
// window scaling.
#pragma once

#include <algorithm>
#include <climits>
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/hashed_ring.hpp"
#include "core/packet_context.hpp"
#include "transport/tcp_application.hpp"
#include "transport/tcp_reassembler.hpp"

namespace tlsdissect {

// Both endpoints of a connection, smaller endpoint first, so both directions of a
// connection find the same entry; inside tunnels, also the way it was reached
// (LayerPath::outer_key), so that equal addresses and ports in two tunnels are two
// conversations.
struct ConversationKey {
    NetAddress a, b;
    std::uint16_t a_port = 0, b_port = 0;
    std::uint64_t path = 0;  // 0 outside tunnels
    friend bool operator==(const ConversationKey&, const ConversationKey&) = default;
};

struct ConversationKeyHash {
    std::size_t operator()(const ConversationKey& k) const noexcept;
};

// Builds the key and tells which side `src` is: 0 for endpoint a, 1 for endpoint b.
ConversationKey make_conversation_key(const NetAddress& src, std::uint16_t src_port,
                                      const NetAddress& dst, std::uint16_t dst_port, int& side,
                                      std::uint64_t path = 0);

struct TcpDirection {
    bool base_set = false;
    std::uint32_t base_seq = 0;
    // Window scale shift from this side's SYN: -1 unknown (SYN not seen), -2 the
    // connection does not scale.
    int window_scale = -1;
};

struct TcpConversation {
    std::uint32_t stream = 0;
    std::int8_t in_shard = -1;  // --shard: -1 not decided yet, then 0 or 1
    std::int64_t first_ts_ns = 0;
    std::int64_t last_ts_ns = 0;
    std::int64_t closed_ts_ns = -1;  // when FIN both ways or RST was seen
    TcpDirection side[2];
    int first_sender = -1;  // the side that sent the first packet we saw: node 0
    bool fin[2] = {false, false};
    bool rst = false;
    bool app_decided = false;
    // Handshake round-trip time: first SYN to the ACK that completes the handshake.
    std::int64_t syn_ts_ns = -1;
    int syn_side = -1;
    bool syn_ack_seen = false;
    std::int64_t irtt_ns = 0;  // an application was looked for on the first payload
    // Created on the first payload, so a SYN flood costs no buffers.
    std::unique_ptr<TcpStreamReassembler> flow[2];
    std::unique_ptr<TcpApplication> app;
    std::unique_ptr<TcpApplication> previous_app;  // the one that handed over to `app`
    // Each hand-over so far (a proxy's, a STARTTLS), in order; null until the first.
    std::unique_ptr<std::vector<HandOverNote>> hand_overs;
    NetAddress address[2];
    std::unique_ptr<LayerPath> path;  // the outer layers, when inside a tunnel (null otherwise)
    std::uint64_t path_key = 0;       // ConversationKey::path
    std::uint64_t payload_bytes[2] = {0, 0};  // TCP payload sent by each side (retransmissions included)
    std::uint64_t first_frame = 0;
    std::uint16_t port[2] = {0, 0};
    std::size_t accounted = 0;  // the bytes TcpState::held counts for it (tcp.cpp)
    // Brought back from a tombstone for a late segment: where the tombstone is (its
    // absolute place in the table's ring, plus one); 0 otherwise.
    std::uint64_t tombstone = 0;
    bool expiry_scheduled = false;  // closed, kept whole, in the table's closing list
};

// A connection closed both ways whose application is gone, packed in 40 bytes (a few in
// more): what a later segment needs to get its tcp.stream, relative sequence numbers and
// window, and to be labelled (retransmission, out of order) as it would have been with
// the whole conversation kept. Its fields are written as variable-length numbers, times
// as differences from its closing time in microseconds when they are whole microseconds
// (else in nanoseconds), offsets from the next byte expected; a record longer than the
// first slot's bytes goes on in the slots after it (continuation slots, not indexed).
// Found by the 64-bit hash of its key: two keys of live tombstones with the same hash are
// not told apart (with n tombstones, a new key matches one with odds of about n / 2^64).
struct TcpTombstone {
    std::uint64_t hash = 0;  // ConversationKeyHash; unused in a continuation slot
    // The first slot: the record's length, then its first kTombstoneFirstBytes bytes; a
    // continuation slot: the next 32 bytes.
    std::uint8_t bytes[32] = {};
};
inline constexpr std::size_t kTombstoneFirstBytes = sizeof(TcpTombstone::bytes) - 1;

// Connections kept at once before the least recently active are dropped, and how long
// closed and idle connections are kept (capture time).
inline constexpr std::size_t kDefaultMaxConnections = 262'144;
inline constexpr std::int64_t kClosedConnectionLingerNs = 60'000'000'000;
inline constexpr std::int64_t kIdleConnectionTimeoutNs = 600'000'000'000;

class TcpConversationTable {
public:
    explicit TcpConversationTable(std::size_t max_connections = kDefaultMaxConnections)
        : max_connections_(max_connections) {}
    // The conversation for a segment, creating it (with the next stream index) when
    // new, or when a SYN with a new initial sequence number reuses the ports of an
    // earlier connection (as tshark does). `side` is the sender's side.
    // `replaced`, when given, receives the earlier connection a reused port pair pushed
    // out of the table (the caller closes it). `path` is LayerPath::outer_key.
    TcpConversation& find(const NetAddress& src, std::uint16_t src_port, const NetAddress& dst,
                          std::uint16_t dst_port, bool syn_only, std::uint32_t seq, int& side,
                          std::unique_ptr<TcpConversation>* replaced = nullptr, std::uint64_t path = 0);
    std::uint32_t streams() const { return next_stream_; }
    std::size_t open() const { return table_.size(); }
    // Frees closed and idle connections, and the oldest beyond the connection limit;
    // `on_drop` sees each one first (to flush what it buffered).
    template <typename OnDrop>
    void expire(std::int64_t now_ns, OnDrop&& on_drop);
    template <typename Visit>
    void for_each(Visit&& visit) {
        for (auto& [key, conv] : table_) visit(*conv);
    }
    void set_max_connections(std::size_t n) { max_connections_ = n; }
    // Gives up the least recently active connections, oldest first, until `enough()`;
    // never `keep` (the connection of the packet at hand). `on_drop` sees each one first
    // (to deliver what it buffered). Returns how many were given up.
    template <typename Enough, typename OnDrop>
    std::size_t give_up_oldest(const TcpConversation* keep, Enough&& enough, OnDrop&& on_drop);
    // A packet of some connection at `ts_ns` (keeps a lower bound of every connection's
    // last packet time, so that expire() looks for idle connections only when one can be).
    void note_activity(std::int64_t ts_ns) {
        if (ts_ns < oldest_activity_ns_) oldest_activity_ns_ = ts_ns;
    }
    // After each segment of `conv` once it has closed (closed_ts_ns set): a connection
    // whose application is gone and whose directions hold only their sequence bounds
    // becomes a tombstone (`can_entomb`; the conversation is freed, and found again as it
    // was by a later segment); any other is kept until it expires,
    // kClosedConnectionLingerNs after it closed. References to `conv` are invalid after.
    void settle_closed(TcpConversation& conv, bool can_entomb);
    // Tombstones kept at once (the oldest are forgotten first) and held now.
    std::size_t tombstones() const { return tombstones_.live(); }
    // Reassemblers brought back from a tombstone get these limits.
    void set_reassembly_limits(const TcpReassemblyLimits* limits) { reassembly_limits_ = limits; }

private:
    // Schedules the expiry of a closed connection kept whole (in closing order).
    void note_closed(const TcpConversation& conv);
    // The record of `conv` as the tombstone at `place`, in `out` (kMaxTombstoneBytes):
    // returns its length.
    std::size_t entomb(const TcpConversation& conv, std::uint64_t place, std::uint8_t* out) const;
    std::unique_ptr<TcpConversation> revive(std::uint64_t place, const NetAddress& src, std::uint16_t src_port,
                                            const NetAddress& dst, std::uint16_t dst_port, int side,
                                            std::uint64_t path);
    // The record at `place` (its first slot): its length, its bytes copied to `out`.
    std::size_t read_tombstone(std::uint64_t place, std::uint8_t* out);
    void write_tombstone(std::uint64_t place, const std::uint8_t* bytes, std::size_t length);
    std::int64_t closed_ts_of(std::uint64_t place);
    void pop_tombstone();  // the oldest, with its continuation slots
    void expire_tombstones(std::int64_t now_ns);

    // In closing order (one brought back keeps its place); a record takes one slot or more.
    HashedRing<TcpTombstone> tombstones_;
    std::size_t tombstone_records_ = 0;  // in the ring, forgotten ones included
    // Closing times are kept as differences from this one (the first tombstone's, floored
    // to a whole microsecond).
    std::int64_t time_base_ns_ = 0;
    bool time_base_set_ = false;
    const TcpReassemblyLimits* reassembly_limits_ = nullptr;

    // Closed connections in closing order: expire() finds the ones due without walking
    // the whole table (which, on a busy capture, holds tens of thousands of lingering
    // connections and cost a cache miss each, every kExpireEveryFrames frames).
    struct Closing {
        std::int64_t closed_ts_ns;
        ConversationKey key;
        std::uint32_t stream;
    };
    std::deque<Closing> closing_;
    std::int64_t oldest_activity_ns_ = INT64_MAX;  // no connection's last packet is older
    std::unordered_map<ConversationKey, std::unique_ptr<TcpConversation>, ConversationKeyHash> table_;
    std::uint32_t next_stream_ = 0;
    std::size_t max_connections_;
};

template <typename OnDrop>
void TcpConversationTable::expire(std::int64_t now_ns, OnDrop&& on_drop) {
    expire_tombstones(now_ns);
    // Due: closed more than the linger time ago, or idle longer than the idle timeout.
    // Dropped in stream order, not in the table's hash order, so that what on_drop
    // prints (--sessions --jsonl) does not depend on the hash function.
    auto closed_due = [now_ns](const TcpConversation& c) {
        return c.closed_ts_ns >= 0 && now_ns - c.closed_ts_ns > kClosedConnectionLingerNs;
    };
    std::vector<decltype(table_)::iterator> done;
    while (!closing_.empty() && now_ns - closing_.front().closed_ts_ns > kClosedConnectionLingerNs) {
        const Closing c = closing_.front();
        closing_.pop_front();
        auto it = table_.find(c.key);  // gone already, or the ports reused by a newer connection
        if (it != table_.end() && it->second->stream == c.stream && closed_due(*it->second)) done.push_back(it);
    }
    if (!table_.empty() && now_ns - oldest_activity_ns_ > kIdleConnectionTimeoutNs) {
        std::int64_t oldest = INT64_MAX;
        for (auto it = table_.begin(); it != table_.end(); ++it) {
            const TcpConversation& c = *it->second;
            if (closed_due(c)) continue;  // taken from closing_ above
            if (now_ns - c.last_ts_ns > kIdleConnectionTimeoutNs)
                done.push_back(it);
            else
                oldest = std::min(oldest, c.last_ts_ns);
        }
        oldest_activity_ns_ = oldest;
    }
    std::sort(done.begin(), done.end(), [](const auto& a, const auto& b) { return a->second->stream < b->second->stream; });
    // Scheduled twice (kept whole, then a tombstone, then kept whole again): dropped once.
    done.erase(std::unique(done.begin(), done.end()), done.end());
    for (auto it : done) {
        on_drop(*it->second);
        table_.erase(it);
    }
    if (table_.size() <= max_connections_) return;
    // Over the limit: drop the least recently active tenth.
    std::vector<std::pair<std::int64_t, ConversationKey>> by_age;
    by_age.reserve(table_.size());
    for (const auto& [key, conv] : table_) by_age.emplace_back(conv->last_ts_ns, key);
    const std::size_t drop = table_.size() - max_connections_ + max_connections_ / 10;
    std::nth_element(by_age.begin(), by_age.begin() + static_cast<long>(drop - 1), by_age.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < drop; ++i) {
        auto it = table_.find(by_age[i].second);
        if (it == table_.end()) continue;
        on_drop(*it->second);
        table_.erase(it);
    }
}

template <typename Enough, typename OnDrop>
std::size_t TcpConversationTable::give_up_oldest(const TcpConversation* keep, Enough&& enough, OnDrop&& on_drop) {
    std::vector<std::pair<std::int64_t, decltype(table_)::iterator>> by_age;
    by_age.reserve(table_.size());
    for (auto it = table_.begin(); it != table_.end(); ++it)
        if (it->second.get() != keep) by_age.emplace_back(it->second->last_ts_ns, it);
    // By age, then stream, so that the order (and what on_drop prints) is the same on every run.
    std::sort(by_age.begin(), by_age.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second->second->stream < b.second->second->stream;
    });
    std::size_t given_up = 0;
    for (auto& [ts, it] : by_age) {
        if (enough()) break;
        on_drop(*it->second);
        table_.erase(it);
        ++given_up;
    }
    return given_up;
}

struct UdpConversation {
    std::uint32_t stream = 0;
    std::int8_t in_shard = -1;  // --shard: -1 not decided yet, then 0 or 1
    std::int64_t first_ts_ns = 0;
    std::int64_t last_ts_ns = 0;
    // Per-flow state of the protocols above (PacketContext::flow_state), made on first use.
    std::unique_ptr<StateSlots> state;
};

// UDP flows remembered at once (about 130 bytes each). Beyond it the least recently
// active tenth are forgotten, like TCP connections beyond kDefaultMaxConnections: a
// later datagram of a forgotten flow starts a new udp.stream. There is no idle timeout,
// so udp.stream numbers stay tshark's (which never forgets a flow) below the limit.
inline constexpr std::size_t kDefaultMaxUdpConversations = 262'144;

class UdpConversationTable {
public:
    explicit UdpConversationTable(std::size_t max_conversations = kDefaultMaxUdpConversations)
        : max_conversations_(max_conversations) {}
    UdpConversation& find(const NetAddress& src, std::uint16_t src_port, const NetAddress& dst,
                          std::uint16_t dst_port, std::int64_t ts_ns, std::uint64_t path = 0);
    std::size_t open() const { return table_.size(); }
    std::uint32_t streams() const { return next_stream_; }
    // Forgets the least recently active flows beyond the limit. References returned by
    // find() are invalid afterwards.
    void expire();
    void set_max_conversations(std::size_t n) { max_conversations_ = n; }

private:
    std::unordered_map<ConversationKey, UdpConversation, ConversationKeyHash> table_;
    std::uint32_t next_stream_ = 0;
    std::size_t max_conversations_;
};

}  // namespace tlsdissect
