// Encapsulations: protocols that carry whole packets. Each registers itself in the
// dissector tables, pushes a hop onto the packet's path (core/packet_context.hpp) and
// hands its inner packet back to the tables; none names the protocols inside.
#pragma once

#include "core/dissector_tables.hpp"

namespace tlsdissect {

// VXLAN (RFC 7348) on UDP ports 4789 (IANA) and 8472 (the Linux kernel's old default).
void register_vxlan(DissectorTables& tables);
// GRE (RFC 2784, 2890) as IP protocol 47, with ERSPAN types I, II and III inside.
void register_gre(DissectorTables& tables);
// Geneve (RFC 8926) on UDP port 6081.
void register_geneve(DissectorTables& tables);
// GTP-U (3GPP TS 29.281) on UDP port 2152.
void register_gtp(DissectorTables& tables);
// MPLS label stacks (RFC 3032) on EtherTypes 0x8847 and 0x8848.
void register_mpls(DissectorTables& tables);
// PPPoE discovery (0x8863) and session (0x8864), RFC 2516.
void register_pppoe(DissectorTables& tables);
// Teredo (RFC 4380) on UDP port 3544.
void register_teredo(DissectorTables& tables);

}  // namespace tlsdissect
