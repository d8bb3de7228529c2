// What every encapsulation does with its inner packet: push a hop onto the packet's
// path (bounded by kMaxPathHops) and hand the packet back to a dissector table.
#pragma once

#include <cstdint>

#include "core/packet_context.hpp"

namespace tlsdissect {

// EtherTypes the encapsulations hand their payload on by.
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kEtherTypeTransparentBridging = 0x6558;

// GRE protocol types of ERSPAN: type I and II share one, type III has its own.
inline constexpr std::uint16_t kGreErspan = 0x88be;
inline constexpr std::uint16_t kGreErspan3 = 0x22eb;

// Pushes `hop` onto the path and returns true. When the path is full (tunnels inside
// tunnels beyond kMaxPathHops) it puts a [Malformed] node on `layer`, shows `inner` as
// data and returns false: a loop of encapsulations ends there instead of recursing.
bool enter_tunnel(NodeRef layer, const PathHop& hop, ByteReader inner, PacketContext& ctx);

// The inner packet by EtherType (IPv4, IPv6, Ethernet for 0x6558, ...), "Data" when no
// dissector is registered for it.
void dissect_inner_ethertype(std::uint16_t ethertype, ByteReader inner, PacketContext& ctx);

// The inner packet as IP, by the first nibble (4 or 6); "Data" otherwise.
void dissect_inner_ip(ByteReader inner, PacketContext& ctx);

// ERSPAN of `type` 1 (no header: GRE without a sequence number), 2 or 3, and the
// mirrored Ethernet frame in it (erspan.cpp). Called by GRE, which tells the types apart.
void dissect_erspan(unsigned type, ByteReader payload, PacketContext& ctx);

}  // namespace tlsdissect
