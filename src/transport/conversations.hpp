// Per-connection state for TCP and UDP: stream indexes counted like tshark's
// tcp.stream / udp.stream, TCP base sequence numbers for relative numbering, and
// window scaling.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/packet_context.hpp"

namespace tlsdissect {

// Both endpoints of a connection, smaller endpoint first, so both directions of a
// connection find the same entry.
struct ConversationKey {
    NetAddress a, b;
    std::uint16_t a_port = 0, b_port = 0;
    friend bool operator==(const ConversationKey&, const ConversationKey&) = default;
};

struct ConversationKeyHash {
    std::size_t operator()(const ConversationKey& k) const noexcept;
};

// Builds the key and tells which side `src` is: 0 for endpoint a, 1 for endpoint b.
ConversationKey make_conversation_key(const NetAddress& src, std::uint16_t src_port,
                                      const NetAddress& dst, std::uint16_t dst_port, int& side);

struct TcpDirection {
    bool base_set = false;
    std::uint32_t base_seq = 0;
    // Window scale shift from this side's SYN: -1 unknown (SYN not seen), -2 the
    // connection does not scale.
    int window_scale = -1;
};

struct TcpConversation {
    std::uint32_t stream = 0;
    std::int64_t first_ts_ns = 0;
    std::int64_t last_ts_ns = 0;
    TcpDirection side[2];
};

class TcpConversationTable {
public:
    // The conversation for a segment, creating it (with the next stream index) when
    // new, or when a SYN with a new initial sequence number reuses the ports of an
    // earlier connection (as tshark does). `side` is the sender's side.
    TcpConversation& find(const NetAddress& src, std::uint16_t src_port, const NetAddress& dst,
                          std::uint16_t dst_port, bool syn_only, std::uint32_t seq, int& side);
    std::uint32_t streams() const { return next_stream_; }

private:
    std::unordered_map<ConversationKey, std::unique_ptr<TcpConversation>, ConversationKeyHash> table_;
    std::uint32_t next_stream_ = 0;
};

struct UdpConversation {
    std::uint32_t stream = 0;
    std::int64_t first_ts_ns = 0;
    std::int64_t last_ts_ns = 0;
};

class UdpConversationTable {
public:
    UdpConversation& find(const NetAddress& src, std::uint16_t src_port, const NetAddress& dst,
                          std::uint16_t dst_port, std::int64_t ts_ns);

private:
    std::unordered_map<ConversationKey, UdpConversation, ConversationKeyHash> table_;
    std::uint32_t next_stream_ = 0;
};

}  // namespace tlsdissect
