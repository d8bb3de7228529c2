// IEEE 802.2 Logical Link Control with the SNAP extension (RFC 1042: DSAP 0xaa, SSAP
// 0xaa, UI, then an OUI and an EtherType), the framing that carries IP on 802.11 and
// FDDI; and FDDI itself (LINKTYPE_FDDI 10, ANSI X3.139).
#include <string>

#include "core/packet_context.hpp"
#include "link/link.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint8_t kSapSnap = 0xaa;

constexpr ValueName kSaps[] = {{0x00, "NULL LSAP"}, {0x06, "TCP/IP"}, {0x42, "Spanning Tree BPDU"},
                               {0xaa, "SNAP"}, {0xe0, "NetWare"}, {0xf0, "NetBIOS"}, {0xff, "Global DSAP"}};
constexpr ValueName kEtherTypes[] = {{0x0800, "IPv4"}, {0x0806, "ARP"}, {0x86dd, "IPv6"}, {0x888e, "802.1X Authentication"},
                                     {0x8100, "802.1Q Virtual LAN"}};

constexpr FieldDef kLlc{"llc", "Logical-Link Control", FieldType::Protocol};
constexpr FieldDef kDsap{"llc.dsap", "DSAP", FieldType::UInt, Base::Hex, kSaps, 0, 8};
constexpr FieldDef kSsap{"llc.ssap", "SSAP", FieldType::UInt, Base::Hex, kSaps, 0, 8};
constexpr FieldDef kControl{"llc.control", "Control field", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kOui{"llc.oui", "Organization Code", FieldType::UInt, Base::Hex, {}, 0, 24};
constexpr FieldDef kType{"llc.type", "Type", FieldType::UInt, Base::Hex, kEtherTypes, 0, 16};
constexpr FieldDef kPid{"llc.pid", "Protocol ID", FieldType::UInt, Base::Hex, {}, 0, 16};

constexpr FieldDef kFddi{"fddi", "Fiber Distributed Data Interface", FieldType::Protocol};
constexpr FieldDef kFddiFc{"fddi.fc", "Frame Control", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kFddiDst{"fddi.dst", "Destination", FieldType::Ether};
constexpr FieldDef kFddiSrc{"fddi.src", "Source", FieldType::Ether};

MacAddress mac_at(Bytes b) {
    MacAddress m;
    for (std::size_t i = 0; i < 6; ++i) m.b[i] = b[i];
    return m;
}

// LINKTYPE_FDDI: Frame Control (8) | Destination (48) | Source (48) | LLC frame.
// Frame control 0x50..0x57 (asynchronous LLC frames) carry data; the others are
// station management and MAC frames.
std::size_t dissect_fddi(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol("fddi");
    const std::size_t start = r.offset();
    NodeRef fddi = ctx.add_layer(kFddi, start, 13);
    auto fc = r.u8();
    auto dst = r.bytes(6);
    auto src = r.bytes(6);
    if (!fc || !dst || !src) {
        fddi.short_read(r, "FDDI header");
        return length;
    }
    const MacAddress d = mac_at(*dst), s = mac_at(*src);
    if (fddi) {
        fddi.set_text("Fiber Distributed Data Interface, Src: ", to_string(s), ", Dst: ", to_string(d));
        fddi.add(kFddiFc, std::uint64_t(*fc), start, 1);
        fddi.add(kFddiDst, d, start + 1, 6);
        fddi.add(kFddiSrc, s, start + 7, 6);
    }
    if (ctx.columns) {
        ctx.columns->source = to_string(s);
        ctx.columns->destination = to_string(d);
        ctx.columns->protocol = "FDDI";
    }
    if ((*fc & 0xf8u) == 0x50)
        dissect_llc(r.take_rest(), ctx);
    else
        dissect_data(r.take_rest(), ctx);
    return length;
}

}  // namespace

// IEEE 802.2 clause 3: DSAP (8) | SSAP (8) | Control (8 or 16) | information
// SNAP (RFC 1042): DSAP 0xaa | SSAP 0xaa | Control 0x03 | OUI (24) | EtherType (16)
std::size_t dissect_llc(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol("llc");
    const std::size_t start = r.offset();
    NodeRef llc = ctx.add_layer(kLlc, start, 3);
    auto dsap = r.u8();
    auto ssap = r.u8();
    auto control = r.u8();
    if (!dsap || !ssap || !control) {
        llc.short_read(r, "LLC header");
        return length;
    }
    llc.add(kDsap, std::uint64_t(*dsap), start, 1);
    llc.add(kSsap, std::uint64_t(*ssap), start + 1, 1);
    llc.add(kControl, std::uint64_t(*control), start + 2, 1);
    if (ctx.columns) ctx.columns->protocol = "LLC";
    if (*dsap != kSapSnap || *ssap != kSapSnap || *control != 0x03) {
        dissect_data(r.take_rest(), ctx);
        return length;
    }
    auto oui = r.u24();
    auto type = r.u16();
    if (!oui || !type) {
        llc.short_read(r, "SNAP header");
        return length;
    }
    llc.set_length(8);
    if (llc) {
        llc.add(kOui, std::uint64_t(*oui), start + 3, 3)
            .set_text("Organization Code: ", Hex(*oui >> 16, 2), ":", Hex((*oui >> 8) & 0xffu, 2),
                             ":", Hex(*oui & 0xffu, 2), *oui == 0 ? " (Encapsulated Ethernet)" : "");
        llc.add(*oui == 0 ? kType : kPid, std::uint64_t(*type), start + 6, 2);
    }
    ByteReader payload = r.take_rest();
    if (*oui != 0) {
        dissect_data(payload, ctx);
        return length;
    }
    ctx.add_protocol("ethertype");
    dissect_ethertype(*type, payload, ctx);
    return length;
}

void register_llc_links(DissectorTables& tables) { tables.link_type.add(kLinkFddi, {"fddi", dissect_fddi}); }

}  // namespace tlsdissect
