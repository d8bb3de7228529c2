// QUIC (RFC 9000, RFC 9001, RFC 9369 for version 2): long and short headers, several
// packets coalesced in one datagram, Initial packets decrypted without keys (their keys
// come from the client's first Destination Connection ID), the frames inside, and the
// CRYPTO stream reassembled in any order and handed to the TLS handshake dissector.
// Handshake, 0-RTT and 1-RTT packets are shown as protected payload.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/capture_state.hpp"
#include "core/packet_context.hpp"

#include "core/dissector_tables.hpp"
#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

void register_quic(DissectorTables& tables);

struct TlsConnectionFacts;

// A QUIC connection as the session layer sees it when it is reported (at the end of the
// capture, or when forgotten): the client is side 0.
struct QuicConnectionEnd {
    std::uint32_t stream = 0;      // udp.stream of its flow
    NetAddress address[2];         // 0 the client, 1 the server
    std::uint16_t port[2] = {0, 0};
    std::uint64_t first_frame = 0;
    std::int64_t first_ts_ns = 0;
    std::int64_t last_ts_ns = 0;
    std::uint64_t payload_bytes[2] = {0, 0};  // UDP payload each side sent
    LayerPath path;
};

// QUIC connections kept at once; beyond it the oldest is reported and forgotten.
inline constexpr std::size_t kMaxQuicConnections = 65'536;
// A connection without a datagram for this long (capture time) is reported and forgotten,
// looked for every kQuicSweepEvery new connections (as for DTLS).
inline constexpr std::int64_t kQuicIdleTimeoutNs = 600'000'000'000;
inline constexpr std::uint64_t kQuicSweepEvery = 1024;

struct QuicFlow;
// Who chose a connection ID: the connection (its id in QuicState::flows) and the side
// (0 client, 1 server); packets sent *to* that side carry it as Destination.
struct QuicCidOwner {
    std::uint64_t id = 0;
    int side = 0;
};
// Connection IDs remembered per connection (those in long headers and NEW_CONNECTION_ID).
inline constexpr std::size_t kMaxQuicCidsPerConnection = 32;

// Per-capture QUIC state: the connections (owned here; each UDP flow's slot names one),
// the connection IDs that find a connection from a new address (migration), and the
// session layer's hook.
struct QuicState {
    QuicState();
    ~QuicState();
    QuicState(const QuicState&) = delete;
    QuicState& operator=(const QuicState&) = delete;
    std::uint32_t next_number = 0;
    std::uint64_t next_id = 1;
    std::map<std::uint64_t, std::unique_ptr<QuicFlow>> flows;  // by id, oldest first
    std::unordered_map<std::string, QuicCidOwner> cids;        // connection ID bytes -> owner
    std::uint32_t cid_lengths = 0;                             // bit n: some ID has n bytes
    std::function<void(const QuicConnectionEnd& end, const TlsConnectionFacts& facts)> on_connection_end;
};

// Reports every connection still open (end of capture).
void finish_quic(CaptureState& state);

// One UDP datagram's QUIC packets (the udp_heuristics entry; for tests and fuzzing).
// The flow's state comes from ctx.flow_state (a scratch state when there is none).
std::size_t dissect_quic_datagram(ByteReader payload, PacketContext& ctx);


// One direction's packet protection in one packet-number space: the AEAD and header
// protection of the TLS 1.3 cipher suite (RFC 9001 section 5).
enum class QuicCipher : std::uint8_t { Aes128Gcm, Aes256Gcm, Chacha20Poly1305 };
struct QuicKeys {
    QuicCipher cipher = QuicCipher::Aes128Gcm;
    std::vector<std::uint8_t> key, iv, hp;
};
using QuicInitialKeys = QuicKeys;
// The Initial keys of one direction (RFC 9001 section 5.2), for `version` (1, 2 or a
// draft) from the client's first Destination Connection ID; empty for other versions.
std::optional<QuicKeys> quic_initial_keys(std::uint32_t version, Bytes client_dcid, bool server);
// Handshake or 1-RTT keys from a TLS traffic secret (a key log's) for cipher suite
// `suite` (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256).
std::optional<QuicKeys> quic_keys_from_secret(std::uint32_t version, std::uint16_t suite, Bytes secret);
// The next 1-RTT secret after a key update (RFC 9001 section 6.1: "quic ku").
std::optional<std::vector<std::uint8_t>> quic_next_secret(std::uint32_t version, std::uint16_t suite, Bytes secret);

// Removes header protection and decrypts one Initial packet in place: `packet` is the
// whole packet (header first), `pn_offset` where the packet number begins. Returns the
// packet number length and fills `first_byte`, `pn_bytes` and `plaintext`; nothing when
// the sample is missing or the tag does not match.
struct QuicUnprotected {
    std::uint8_t first_byte = 0;
    std::size_t pn_length = 0;
    std::uint64_t truncated_pn = 0;
    std::vector<std::uint8_t> plaintext;
};
std::optional<QuicUnprotected> quic_unprotect(const QuicInitialKeys& keys, Bytes packet, std::size_t pn_offset,
                                              std::uint64_t expected_pn, std::uint64_t& full_pn);

}  // namespace tlsdissect
