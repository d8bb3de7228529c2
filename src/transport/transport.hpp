// The transport layers' entry points and per-capture state: TCP (RFC 9293) with stream
// reassembly and UDP (RFC 768), registered in the IP protocol table. What runs above
// them is found through the dissector tables (UDP ports and heuristics, TCP
// applications), never named here.
#pragma once

#include <cstdint>
#include <functional>

#include "core/packet_context.hpp"
#include "core/shard.hpp"
#include "transport/conversations.hpp"
#include "transport/tcp_reassembler.hpp"

namespace tlsdissect {

struct TcpState {
    TcpState() {
        limits.total_buffered = &buffered;
        connections.set_reassembly_limits(&limits);
    }
    TcpState(const TcpState&) = delete;
    TcpState& operator=(const TcpState&) = delete;

    TcpConversationTable connections;
    TcpReassemblyLimits limits;
    std::size_t buffered = 0;  // out-of-order bytes held by reassembly, over all connections
    // Everything else the connections hold (their state, partial records, recheck
    // windows), as estimated after each segment; buffered + held stays within
    // limits.max_total_buffered_bytes by giving up the least recently active connections.
    std::size_t held = 0;
    std::uint64_t given_up_connections = 0;  // given up to keep within the limit
    std::uint64_t given_up_bytes = 0;        // what they held then
    // --follow: the stream to copy, and where its bytes go (node 0 = first sender).
    std::int64_t follow_stream = -1;
    std::function<void(const TcpConversation&, int node, const StreamEvent&)> follow_sink;
    // End a connection (application told, buffers freed) as soon as it closes.
    bool end_at_close = false;
    // --shard: connections outside it are numbered but not reassembled or dissected.
    Shard shard;
    // FrameDissector::set_lasting_bytes: segments whose payload lies in them are kept by
    // reference by the reassembler.
    Bytes lasting;
};

struct UdpState {
    UdpConversationTable conversations;
    // --shard: flows outside it go only to the dissectors marked to run there (DNS, for
    // the DNS -> TLS links; tunnels by port; QUIC finding a connection that moved).
    Shard shard;
};

// TCP (6) and UDP (17) in the IP protocol table.
void register_transport(DissectorTables& tables);

// One event of a connection's byte stream to its application: chosen from the first
// payload through the tables, and replaced when it hands over (the rest of the event
// then goes to the successor). TCP calls it for every event; tests and fuzz targets too.
void deliver_stream_event(TcpConversation& conv, int side, const StreamEvent& e, PacketContext& ctx);

// Delivers what a connection still buffers and tells its application it ended.
// With `keep_sequence_state`, each direction keeps its sequence bounds (kept in the
// connection's tombstone) so that later segments are still told apart as retransmissions.
void close_tcp_conversation(TcpConversation& conv, PacketContext& ctx, bool keep_sequence_state = false);

}  // namespace tlsdissect
