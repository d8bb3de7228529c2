#include "transport/conversations.hpp"

#include <tuple>

namespace tlsdissect {

std::size_t ConversationKeyHash::operator()(const ConversationKey& k) const noexcept {
    // FNV-1a over the fields that identify the connection.
    std::size_t h = 1469598103934665603ull;
    auto mix = [&h](std::uint8_t byte) {
        h ^= byte;
        h *= 1099511628211ull;
    };
    for (auto b : k.a.bytes) mix(b);
    for (auto b : k.b.bytes) mix(b);
    mix(k.a.family);
    mix(static_cast<std::uint8_t>(k.a_port >> 8));
    mix(static_cast<std::uint8_t>(k.a_port));
    mix(static_cast<std::uint8_t>(k.b_port >> 8));
    mix(static_cast<std::uint8_t>(k.b_port));
    return h;
}

ConversationKey make_conversation_key(const NetAddress& src, std::uint16_t src_port,
                                      const NetAddress& dst, std::uint16_t dst_port, int& side) {
    ConversationKey k;
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

TcpConversation& TcpConversationTable::find(const NetAddress& src, std::uint16_t src_port,
                                            const NetAddress& dst, std::uint16_t dst_port,
                                            bool syn_only, std::uint32_t seq, int& side) {
    ConversationKey key = make_conversation_key(src, src_port, dst, dst_port, side);
    auto it = table_.find(key);
    if (it != table_.end()) {
        const TcpDirection& d = it->second->side[side];
        if (!(syn_only && d.base_set && d.base_seq != seq)) return *it->second;
        // A SYN with a new initial sequence number: the ports are reused by a new
        // connection, which gets a new stream index.
    }
    auto conv = std::make_unique<TcpConversation>();
    conv->stream = next_stream_++;
    TcpConversation& ref = *conv;
    table_[key] = std::move(conv);
    return ref;
}

UdpConversation& UdpConversationTable::find(const NetAddress& src, std::uint16_t src_port,
                                            const NetAddress& dst, std::uint16_t dst_port,
                                            std::int64_t ts_ns) {
    int side = 0;
    ConversationKey key = make_conversation_key(src, src_port, dst, dst_port, side);
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
