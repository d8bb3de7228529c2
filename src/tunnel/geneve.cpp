// Generic Network Virtualization Encapsulation (RFC 8926) on UDP port 6081: a packet of
// any EtherType (Ethernet as 0x6558) on a 24-bit network (VNI), with TLV options.
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/text.hpp"
#include "tunnel/tunnel_common.hpp"
#include "tunnel/tunnels.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kGenevePort = 6081;

constexpr ValueName kTrueFalse[] = {{0, "False"}, {1, "True"}};
constexpr ValueName kProtocols[] = {
    {0x0800, "IPv4"}, {0x86dd, "IPv6"}, {0x6558, "Transparent Ethernet bridging"}, {0x8847, "MPLS label switched packet"}};

constexpr FieldDef kGeneve{"geneve", "Generic Network Virtualization Encapsulation", FieldType::Protocol};
constexpr FieldDef kVersion{"geneve.version", "Version", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kOptionsLength{"geneve.opt_len", "Length", FieldType::UInt, Base::Dec, {}, 0x3f, 8};
constexpr FieldDef kFlags{"geneve.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kFlagOam{"geneve.flags.oam", "Operations, Administration and Management Frame", FieldType::Bool, Base::None, kTrueFalse, 0x80, 8};
constexpr FieldDef kFlagCritical{"geneve.flags.critical", "Critical Options Present", FieldType::Bool, Base::None, kTrueFalse, 0x40, 8};
constexpr FieldDef kFlagReserved{"geneve.flags.reserved", "Reserved", FieldType::Bool, Base::None, kTrueFalse, 0x3f, 8};
constexpr FieldDef kProtoType{"geneve.proto_type", "Protocol Type", FieldType::UInt, Base::Hex, kProtocols, 0, 16};
constexpr FieldDef kVni{"geneve.vni", "Virtual Network Identifier (VNI)", FieldType::UInt, Base::HexDec, {}, 0, 24};
constexpr FieldDef kReserved{"geneve.reserved", "Reserved", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kOptions{"geneve.options", "Geneve Options", FieldType::Bytes};
constexpr FieldDef kOption{"geneve.option", "Option", FieldType::Bytes};
constexpr FieldDef kOptionClass{"geneve.option.class", "Class", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kOptionType{"geneve.option.type", "Type", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kOptionCritical{"geneve.option.type.critical", "Critical Option", FieldType::Bool, Base::None, kTrueFalse, 0x80, 8};
constexpr FieldDef kOptionFlags{"geneve.option.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0xe0, 8};
constexpr FieldDef kOptionLength{"geneve.option.length", "Length", FieldType::UInt, Base::Dec, {}, 0, 8, " bytes"};
constexpr FieldDef kOptionData{"geneve.option.unknown.data", "Unknown Option Data", FieldType::Bytes};

// RFC 8926 section 3.5: Opt Class (16) | Type (8) | R (3) | Length (5, 4-byte words) | data
void dissect_options(ByteReader opts, NodeRef parent) {
    while (!opts.empty()) {
        const std::size_t at = opts.offset();
        auto cls = opts.u16();
        auto type = opts.u8();
        auto len = opts.u8();
        if (!cls || !type || !len) {
            parent.short_read(opts, "Geneve option");
            return;
        }
        const std::size_t data_len = (*len & 0x1fu) * 4u;
        NodeRef opt = parent.add(kOption, std::monostate{}, at, 4 + data_len);
        if (opt) {
            opt.set_text("Class: 0x", Hex(*cls, 4), " Type: 0x", Hex(*type, 2),
                                (*type & 0x80) ? " (Critical)" : " (Non-critical)");
            opt.add(kOptionClass, std::uint64_t(*cls), at, 2);
            NodeRef t = opt.add(kOptionType, std::uint64_t(*type), at + 2, 1);
            t.add(kOptionCritical, bool(*type & 0x80), at + 2, 1);
            opt.add(kOptionFlags, std::uint64_t(*len >> 5), at + 3, 1);
            opt.add(kOptionLength, std::uint64_t(4 + data_len), at + 3, 1);
        }
        auto data = opts.bytes(data_len);
        if (!data) {
            opt.short_read(opts, "Geneve option data");
            return;
        }
        if (opt && data_len) opt.add_bytes(kOptionData, *data, at + 4, data_len);
    }
}

// RFC 8926 section 3.4:
//   Ver (2) | Opt Len (6) | O (1) | C (1) | Rsvd (6) | Protocol Type (16)
//   Virtual Network Identifier (24) | Reserved (8) | options (Opt Len * 4 bytes)
std::size_t dissect_geneve(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol("geneve");
    const std::size_t start = r.offset();
    NodeRef geneve = ctx.add_layer(kGeneve, start, 8);
    auto first = r.u8();
    auto flags = r.u8();
    auto proto = r.u16();
    auto vni = r.u24();
    auto reserved = r.u8();
    if (!first || !flags || !proto || !vni || !reserved) {
        geneve.short_read(r, "Geneve header");
        return length;
    }
    const unsigned version = *first >> 6;
    const std::size_t options_len = (*first & 0x3fu) * 4u;
    if (geneve) {
        geneve.set_text("Generic Network Virtualization Encapsulation, VNI: 0x", Hex(*vni, 6));
        geneve.set_length(8 + options_len);
        geneve.add(kVersion, std::uint64_t(version), start, 1);
        geneve.add(kOptionsLength, std::uint64_t(options_len), start, 1)
            .set_text("Length: ", options_len, " bytes");
        NodeRef f = geneve.add(kFlags, std::uint64_t(*flags), start + 1, 1);
        std::string flag_names;
        if (*flags & 0x80) flag_names += ", Operations, Administration and Management Frame";
        if (*flags & 0x40) flag_names += ", Critical Options Present";
        f.set_text("Flags: 0x", Hex(*flags, 2), flag_names);
        f.add(kFlagOam, bool(*flags & 0x80), start + 1, 1);
        f.add(kFlagCritical, bool(*flags & 0x40), start + 1, 1);
        f.add(kFlagReserved, bool(*flags & 0x3f), start + 1, 1);
        geneve.add(kProtoType, std::uint64_t(*proto), start + 2, 2);
        geneve.add(kVni, std::uint64_t(*vni), start + 4, 3);
        geneve.add(kReserved, std::uint64_t(*reserved), start + 7, 1);
    }
    if (ctx.columns) ctx.columns->protocol = "Geneve";
    if (version != 0) {
        geneve.malformed("Geneve version " + std::to_string(version) + " is not defined", start, 1);
        dissect_data(r.take_rest(), ctx);
        return length;
    }
    if (options_len) {
        auto opts = r.child(options_len);
        if (!opts) {
            geneve.malformed("options length " + std::to_string(options_len) + " exceeds the packet", start, 1);
            return length;
        }
        NodeRef list = geneve.add(kOptions, std::monostate{},
                                       opts->offset(), options_len).set_text("Options: (", options_len, " bytes)");
        dissect_options(*opts, list);
    }
    ByteReader inner = r.take_rest();
    if (inner.reported_remaining() == 0) return length;
    if (!enter_tunnel(geneve, {"geneve", {}, {}, *vni, true}, inner, ctx)) return length;
    dissect_inner_ethertype(*proto, inner, ctx);
    return length;
}

}  // namespace

void register_geneve(DissectorTables& tables) { tables.udp_port.add(kGenevePort, {"geneve", dissect_geneve}); }

}  // namespace tlsdissect
