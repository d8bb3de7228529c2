// Virtual eXtensible Local Area Network (RFC 7348), with the Group Policy extension's
// bits as Wireshark shows them (draft-smith-vxlan-group-policy): an Ethernet frame
// inside UDP, on a 24-bit network (VNI).
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/text.hpp"
#include "tunnel/tunnel_common.hpp"
#include "tunnel/tunnels.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kVxlanPort = 4789;
constexpr std::uint16_t kVxlanLinuxPort = 8472;
constexpr std::uint16_t kFlagI = 0x0800;  // the VNI is valid

constexpr ValueName kDefined[] = {{0, "Not defined"}, {1, "Defined"}};
constexpr ValueName kTrueFalse[] = {{0, "False"}, {1, "True"}};

constexpr FieldDef kVxlan{"vxlan", "Virtual eXtensible Local Area Network", FieldType::Protocol};
constexpr FieldDef kFlags{"vxlan.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kFlagG{"vxlan.flag_g", "GBP Extension", FieldType::Bool, Base::None, kDefined, 0x8000, 16};
constexpr FieldDef kFlagIField{"vxlan.flag_i", "VXLAN Network ID (VNI)", FieldType::Bool, Base::None, kTrueFalse, kFlagI, 16};
constexpr FieldDef kFlagD{"vxlan.flag_d", "Don't Learn", FieldType::Bool, Base::None, kTrueFalse, 0x0040, 16};
constexpr FieldDef kFlagA{"vxlan.flag_a", "Policy Applied", FieldType::Bool, Base::None, kTrueFalse, 0x0008, 16};
constexpr FieldDef kFlagsReserved{"vxlan.flags_reserved", "Reserved(R)", FieldType::UInt, Base::Hex, {}, 0x77b7, 16};
constexpr FieldDef kGbp{"vxlan.gbp", "Group Policy ID", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kVni{"vxlan.vni", "VXLAN Network Identifier (VNI)", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kReserved{"vxlan.reserved8", "Reserved", FieldType::UInt, Base::Dec, {}, 0, 8};

// RFC 7348 section 5:
//   |R|R|R|R|I|R|R|R|            Reserved (24)                      |
//   |                VXLAN Network Identifier (VNI) (24)  | Reserved (8) |
// With the Group Policy extension the first 32 bits are Flags (16) | Group Policy ID (16).
std::size_t dissect_vxlan(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol("vxlan");
    const std::size_t start = r.offset();
    NodeRef vxlan = ctx.add_layer(kVxlan, start, 8);
    auto flags = r.u16();
    auto gbp = r.u16();
    auto vni = r.u24();
    auto reserved = r.u8();
    if (!flags || !gbp || !vni || !reserved) {
        vxlan.short_read(r, "VXLAN header");
        return length;
    }
    if (vxlan) {
        std::string names;
        if (*flags & kFlagI) names = ", VXLAN Network ID (VNI)";
        NodeRef f = vxlan.add(kFlags, std::uint64_t(*flags), start, 2);
        f.set_text("Flags: 0x", Hex(*flags, 4), names);
        f.add(kFlagG, bool(*flags & 0x8000), start, 2);
        f.add(kFlagIField, bool(*flags & kFlagI), start, 2);
        f.add(kFlagD, bool(*flags & 0x0040), start, 2);
        f.add(kFlagA, bool(*flags & 0x0008), start, 2);
        f.add(kFlagsReserved, std::uint64_t((*flags & 0x77b7u) >> 0), start, 2);
        vxlan.add(kGbp, std::uint64_t(*gbp), start + 2, 2);
        vxlan.add(kVni, std::uint64_t(*vni), start + 4, 3);
        vxlan.add(kReserved, std::uint64_t(*reserved), start + 7, 1);
    }
    ByteReader inner = r.take_rest();
    if (inner.reported_remaining() == 0) return length;
    if (!enter_tunnel(vxlan, {"vxlan", {}, {}, *vni, true}, inner, ctx)) return length;
    dissect_inner_ethertype(kEtherTypeTransparentBridging, inner, ctx);
    return length;
}

}  // namespace

void register_vxlan(DissectorTables& tables) {
    for (std::uint16_t port : {kVxlanPort, kVxlanLinuxPort}) tables.udp_port.add(port, {"vxlan", dissect_vxlan});
}

}  // namespace tlsdissect
