#include "tunnel/tunnel_common.hpp"

#include <string>

#include "tlsdissect/capture.hpp"

namespace tlsdissect {

bool enter_tunnel(NodeRef layer, const PathHop& hop, ByteReader inner, PacketContext& ctx) {
    if (ctx.nesting_exhausted()) {
        layer.malformed("more than " + std::to_string(kMaxPathHops) + " nested IP headers and tunnels",
                        inner.offset(), inner.remaining());
        dissect_data(inner, ctx);
        return false;
    }
    ctx.path.push(hop);
    return true;
}

void dissect_inner_ethertype(std::uint16_t ethertype, ByteReader inner, PacketContext& ctx) {
    if (ethertype == kEtherTypeTransparentBridging) {
        if (!dispatch_uint(ctx.tables->link_type, kLinkEthernet, inner, ctx)) dissect_data(inner, ctx);
        return;
    }
    dispatch_uint_or_data(ctx.tables->ethertype, ethertype, inner, ctx);
}

void dissect_inner_ip(ByteReader inner, PacketContext& ctx) {
    auto first = inner.peek_u8();
    if (first && (*first >> 4) == 4) {
        dissect_inner_ethertype(kEtherTypeIpv4, inner, ctx);
    } else if (first && (*first >> 4) == 6) {
        dissect_inner_ethertype(kEtherTypeIpv6, inner, ctx);
    } else {
        dissect_data(inner, ctx);
    }
}

}  // namespace tlsdissect
