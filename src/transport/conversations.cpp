#include "transport/conversations.hpp"

#include <cstring>
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

TcpConversation& TcpConversationTable::find(const NetAddress& src, std::uint16_t src_port,
                                            const NetAddress& dst, std::uint16_t dst_port,
                                            bool syn_only, std::uint32_t seq, int& side,
                                            std::unique_ptr<TcpConversation>* replaced, std::uint64_t path) {
    ConversationKey key = make_conversation_key(src, src_port, dst, dst_port, side, path);
    auto it = table_.find(key);
    if (it != table_.end()) {
        const TcpDirection& d = it->second->side[side];
        if (!(syn_only && d.base_set && d.base_seq != seq)) return *it->second;
        // A SYN with a new initial sequence number: the ports are reused by a new
        // connection, which gets a new stream index. The old one is handed out to be
        // closed (its records written), not just forgotten.
        if (replaced) *replaced = std::move(it->second);
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
