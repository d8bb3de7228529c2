// Datagram Transport Layer Security (RFC 4347 DTLS 1.0, RFC 6347 DTLS 1.2, RFC 9147
// DTLS 1.3; RFC 9146 connection IDs; RFC 7983 demultiplexing beside STUN and RTP):
// what DTLS keeps per capture, and the hook through which the session layer learns of
// connections.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "core/packet_context.hpp"
#include "dtls/dtls_reassembly.hpp"
#include "tls/tls_common.hpp"

namespace tlsdissect {

class DtlsConnection;

// A DTLS connection as the session layer sees it when it ends.
struct DtlsConnectionEnd {
    std::uint32_t stream = 0;      // udp.stream of its flow
    NetAddress address[2];         // by side: 0 the first sender
    std::uint16_t port[2] = {0, 0};
    std::uint64_t first_frame = 0;
    std::int64_t first_ts_ns = 0;
    std::int64_t last_ts_ns = 0;
    std::uint64_t payload_bytes[2] = {0, 0};
    LayerPath path;
};

// Connections kept at once; beyond it the oldest is reported and forgotten.
inline constexpr std::size_t kMaxDtlsConnections = 65'536;
// A connection without a datagram for this long (capture time) is reported and
// forgotten (DTLS has no FIN): looked for every kDtlsSweepEvery new connections.
inline constexpr std::int64_t kDtlsIdleTimeoutNs = 600'000'000'000;
inline constexpr std::uint64_t kDtlsSweepEvery = 1024;

struct DtlsState {
    DtlsState();
    ~DtlsState();
    DtlsState(const DtlsState&) = delete;
    DtlsState& operator=(const DtlsState&) = delete;
    // Set by the session layer: a DTLS connection ended (forgotten, or the capture ended).
    std::function<void(const DtlsConnectionEnd& end, const TlsConnectionFacts& facts, int client_side)> on_connection_end;
    // Declared before the connections, so that it outlives their reassemblers.
    DtlsReassemblyBudget reassembly_budget;
    std::map<std::uint64_t, std::unique_ptr<DtlsConnection>> connections;  // by id, oldest first
    std::uint64_t next_id = 1;
};

// DTLS on any UDP port, recognised by its record header (a heuristic).
void register_dtls(DissectorTables& tables);
// One datagram's DTLS records (what the heuristic hands over; for tests and fuzzing):
// the connection is the UDP flow's (ctx.flow_slots), or a new one without a flow.
std::size_t dissect_dtls_datagram(ByteReader payload, PacketContext& ctx);
// Would the UDP heuristic take this payload as DTLS?
bool looks_like_dtls(ByteReader payload, const PacketContext& ctx);
// The capture ended: every DTLS connection still open is reported, oldest first.
void finish_dtls(CaptureState& state);

}  // namespace tlsdissect
