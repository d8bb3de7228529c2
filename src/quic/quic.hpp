// QUIC (RFC 9000, RFC 9001, RFC 9369 for version 2): long and short headers, several
// packets coalesced in one datagram, Initial packets decrypted without keys (their keys
// come from the client's first Destination Connection ID), the frames inside, and the
// CRYPTO stream reassembled in any order and handed to the TLS handshake dissector.
// Handshake, 0-RTT and 1-RTT packets are shown as protected payload.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/dissector_tables.hpp"
#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

void register_quic(DissectorTables& tables);

// A QUIC variable-length integer (RFC 9000 section 16).
std::optional<std::uint64_t> read_quic_varint(ByteReader& r);

// The Initial keys of one direction (RFC 9001 section 5.2), for `version` (1, 2 or a
// draft) from the client's first Destination Connection ID; empty for other versions.
struct QuicInitialKeys {
    std::vector<std::uint8_t> key, iv, hp;
};
std::optional<QuicInitialKeys> quic_initial_keys(std::uint32_t version, Bytes client_dcid, bool server);

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
