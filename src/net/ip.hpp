// The network layer's entry points for the engine and for the encapsulations that
// carry IP (tunnels): IPv4 (RFC 791) and IPv6 (RFC 8200) with fragment reassembly,
// registered in the EtherType table; the IP protocol table they dispatch through.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/packet_context.hpp"
#include "net/ip_fragments.hpp"

namespace tlsdissect {

// Per capture: fragments waiting for the rest of their datagram.
struct IpState {
    IpFragmentReassembler fragments;
};

// IPv4 (0x0800) and IPv6 (0x86dd) in the EtherType table.
void register_ip(DissectorTables& tables);

// The payload of an IP packet (or a reassembled datagram), through the IP protocol table.
void dissect_ip_payload(std::uint8_t protocol, ByteReader payload, PacketContext& ctx);

// Names of IP protocol numbers (from the IANA registry table).
std::string_view ip_protocol_name(std::uint8_t protocol);

}  // namespace tlsdissect
