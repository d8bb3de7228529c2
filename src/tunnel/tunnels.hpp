// Encapsulations: protocols that carry whole packets. Each registers itself in the
// dissector tables, pushes a hop onto the packet's path (core/packet_context.hpp) and
// hands its inner packet back to the tables; none names the protocols inside.
#pragma once

#include "core/dissector_tables.hpp"

namespace tlsdissect {

// VXLAN (RFC 7348) on UDP ports 4789 (IANA) and 8472 (the Linux kernel's old default).
void register_vxlan(DissectorTables& tables);

}  // namespace tlsdissect
