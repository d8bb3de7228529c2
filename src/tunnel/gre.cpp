// Generic Routing Encapsulation (RFC 2784, key and sequence number RFC 2890; the
// enhanced GRE of PPTP, RFC 2637 section 4.1): a packet of any EtherType inside IP
// protocol 47. IPv4, IPv6, MPLS and PPP go back to the EtherType table, 0x6558
// (transparent Ethernet bridging) to the link-type table as an Ethernet frame, and
// 0x88be / 0x22eb to ERSPAN (erspan.cpp), whose type I and II differ by GRE's S bit.
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/text.hpp"
#include "tunnel/tunnel_common.hpp"
#include "tunnel/tunnels.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint8_t kIpProtocolGre = 47;
constexpr std::uint16_t kFlagChecksum = 0x8000;
constexpr std::uint16_t kFlagRouting = 0x4000;
constexpr std::uint16_t kFlagKey = 0x2000;
constexpr std::uint16_t kFlagSequence = 0x1000;
constexpr std::uint16_t kFlagAck = 0x0080;

constexpr ValueName kYesNo[] = {{0, "No"}, {1, "Yes"}};
constexpr ValueName kVersions[] = {{0, "GRE"}, {1, "Enhanced GRE"}};
// Wireshark's names for the GRE protocol types (packet-gre.c, gre_typevals).
constexpr ValueName kGreProtocols[] = {
    {0x0800, "IP"},
    {0x86dd, "IPv6"},
    {0x6558, "Transparent Ethernet bridging"},
    {0x88be, "ERSPAN"},
    {0x22eb, "ERSPAN III"},
    {0x880b, "PPP"},
    {0x8847, "MPLS label switched packet"},
    {0x8848, "MPLS multicast label switched packet"},
    {0x0806, "ARP"},
    {0x883e, "Cisco Wireless Connectivity (WCCP)"},
};

constexpr FieldDef kGre{"gre", "Generic Routing Encapsulation", FieldType::Protocol};
constexpr FieldDef kGreFlags{"gre.flags_and_version", "Flags and Version", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kGreFlagC{"gre.flags.checksum", "Checksum Bit", FieldType::Bool, Base::None, kYesNo, 0x8000, 16};
constexpr FieldDef kGreFlagR{"gre.flags.routing", "Routing Bit", FieldType::Bool, Base::None, kYesNo, 0x4000, 16};
constexpr FieldDef kGreFlagK{"gre.flags.key", "Key Bit", FieldType::Bool, Base::None, kYesNo, 0x2000, 16};
constexpr FieldDef kGreFlagS{"gre.flags.sequence_number", "Sequence Number Bit", FieldType::Bool, Base::None, kYesNo, 0x1000, 16};
constexpr FieldDef kGreFlagSsr{"gre.flags.strict_source_route", "Strict Source Route Bit", FieldType::Bool, Base::None, kYesNo, 0x0800, 16};
constexpr FieldDef kGreRecursion{"gre.flags.recursion_control", "Recursion control", FieldType::UInt, Base::Dec, {}, 0x0700, 16};
constexpr FieldDef kGreFlagA{"gre.flags.ack", "Acknowledgment", FieldType::Bool, Base::None, kYesNo, 0x0080, 16};
constexpr FieldDef kGreReserved{"gre.flags.reserved", "Flags (Reserved)", FieldType::UInt, Base::Dec, {}, 0x00f8, 16};
constexpr FieldDef kGreReservedNoAck{"gre.flags.reserved", "Flags (Reserved)", FieldType::UInt, Base::Dec, {}, 0x0078, 16};
constexpr FieldDef kGreVersion{"gre.flags.version", "Version", FieldType::UInt, Base::Dec, kVersions, 0x0007, 16};
constexpr FieldDef kGreProto{"gre.proto", "Protocol Type", FieldType::UInt, Base::Hex, kGreProtocols, 0, 16};
constexpr FieldDef kGreChecksum{"gre.checksum", "Checksum", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr ValueName kChecksumStatus[] = {{0, "Bad"}, {1, "Good"}, {2, "Unverified"}};
constexpr FieldDef kGreChecksumStatus{"gre.checksum.status", "Checksum Status", FieldType::UInt, Base::None, kChecksumStatus};
constexpr FieldDef kGreOffset{"gre.offset", "Offset", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kGreKey{"gre.key", "Key", FieldType::UInt, Base::Hex, {}, 0, 32};
constexpr FieldDef kGrePayloadLength{"gre.key.payload_length", "Payload Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kGreCallId{"gre.key.call_id", "Call ID", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kGreSequence{"gre.sequence_number", "Sequence Number", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kGreAckNumber{"gre.ack_number", "Acknowledgment Number", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kGreRouting{"gre.routing", "Routing", FieldType::None};

// The Internet checksum over the GRE header and payload (RFC 2784 section 2.5).
std::uint16_t internet_checksum(Bytes bytes) {
    std::uint32_t sum = 0;
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
    if (i < bytes.size()) sum += static_cast<std::uint32_t>(bytes[i] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

// RFC 2784 / RFC 2890:
//   |C|R|K|S|s|Recur|A| Flags | Ver |        Protocol Type          |
//   |   Checksum (optional)         |       Offset (optional)       |   C or R
//   |                         Key (optional)                        |   K
//   |                  Sequence Number (optional)                   |   S
//   |               Acknowledgment Number (optional)                |   A, version 1
//   | Source route entries: address family (2) | offset (1) | length (1) | ... |   R
std::size_t dissect_gre(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    const Bytes whole = r.rest();
    ctx.add_protocol("gre");
    const std::size_t start = r.offset();
    NodeRef gre = ctx.add_layer(kGre, start, 4);
    auto flags = r.u16();
    auto proto = r.u16();
    if (!flags || !proto) {
        gre.short_read(r, "GRE header");
        return length;
    }
    const unsigned version = *flags & 7u;
    if (gre) {
        std::string name(name_of(kGreProtocols, *proto));
        gre.set_text("Generic Routing Encapsulation (", name.empty() ? "0x" + hex_u16(*proto) : name, ")");
        NodeRef f = gre.add(kGreFlags, std::uint64_t(*flags), start, 2);
        f.add(kGreFlagC, bool(*flags & kFlagChecksum), start, 2);
        f.add(kGreFlagR, bool(*flags & kFlagRouting), start, 2);
        f.add(kGreFlagK, bool(*flags & kFlagKey), start, 2);
        f.add(kGreFlagS, bool(*flags & kFlagSequence), start, 2);
        f.add(kGreFlagSsr, bool(*flags & 0x0800), start, 2);
        f.add(kGreRecursion, std::uint64_t((*flags >> 8) & 7u), start, 2);
        if (version == 1) {
            f.add(kGreFlagA, bool(*flags & kFlagAck), start, 2);
            f.add(kGreReservedNoAck, std::uint64_t((*flags >> 3) & 0xfu), start, 2);
        } else {
            f.add(kGreReserved, std::uint64_t((*flags >> 3) & 0x1fu), start, 2);
        }
        f.add(kGreVersion, std::uint64_t(version), start, 2);
        gre.add(kGreProto, std::uint64_t(*proto), start + 2, 2);
    }
    if (version > 1) {
        gre.malformed("GRE version " + std::to_string(version) + " is not defined", start, 2);
        dissect_data(r.take_rest(), ctx);
        return length;
    }
    PathHop hop{"gre", {}, {}, 0, false};
    bool ok = true;
    if (*flags & (kFlagChecksum | kFlagRouting)) {
        const std::size_t at = r.offset();
        auto checksum = r.u16();
        auto offset = r.u16();
        ok = checksum && offset;
        if (ok && gre && (*flags & kFlagChecksum)) {
            NodeRef c = gre.add(kGreChecksum, std::uint64_t(*checksum), at, 2);
            if (whole.size() == length) {
                const bool good = internet_checksum(whole) == 0;
                c.set_text("Checksum: 0x", Hex(*checksum, 4), good ? " [correct]" : " [incorrect]");
                c.add_generated(kGreChecksumStatus, std::uint64_t(good ? 1 : 0));
            } else {
                c.add_generated(kGreChecksumStatus, std::uint64_t(2));
            }
        }
        if (ok) gre.add(kGreOffset, std::uint64_t(*offset), at + 2, 2);
    }
    if (ok && (*flags & kFlagKey)) {
        const std::size_t at = r.offset();
        auto key = r.u32();
        ok = bool(key);
        if (ok && version == 1) {
            gre.add(kGrePayloadLength, std::uint64_t(*key >> 16), at, 2);
            gre.add(kGreCallId, std::uint64_t(*key & 0xffffu), at + 2, 2);
        } else if (ok) {
            gre.add(kGreKey, std::uint64_t(*key), at, 4);
            hop.id = *key;
            hop.id_is_network = true;
        }
    }
    if (ok && (*flags & kFlagSequence)) {
        const std::size_t at = r.offset();
        auto seq = r.u32();
        ok = bool(seq);
        if (ok) gre.add(kGreSequence, std::uint64_t(*seq), at, 4);
    }
    if (ok && version == 1 && (*flags & kFlagAck)) {
        const std::size_t at = r.offset();
        auto ack = r.u32();
        ok = bool(ack);
        if (ok) gre.add(kGreAckNumber, std::uint64_t(*ack), at, 4);
    }
    if (ok && (*flags & kFlagRouting)) {
        // Source route entries until the null entry (address family 0, length 0).
        const std::size_t at = r.offset();
        NodeRef routing = gre.add_text(kGreRouting, "Routing", at, 0);
        for (;;) {
            auto family = r.u16();
            auto sre_offset = r.u8();
            auto sre_length = r.u8();
            if (!family || !sre_offset || !sre_length || !r.skip(*sre_length)) {
                ok = false;
                break;
            }
            if (*family == 0 && *sre_length == 0) break;
        }
        routing.set_length(r.offset() - at);
    }
    if (!ok) {
        gre.short_read(r, "GRE header");
        return length;
    }
    gre.set_length(r.offset() - start);
    ByteReader inner = r.take_rest();
    if (ctx.columns) {
        ctx.columns->protocol = "GRE";
        ctx.columns->info = "Encapsulated " + std::string(name_of(kGreProtocols, *proto));
    }
    if (inner.reported_remaining() == 0) return length;
    if (!enter_tunnel(gre, hop, inner, ctx)) return length;
    if (*proto == kGreErspan || *proto == kGreErspan3)
        dissect_erspan(*proto == kGreErspan3 ? 3 : (*flags & kFlagSequence) ? 2 : 1, inner, ctx);
    else
        dissect_inner_ethertype(*proto, inner, ctx);
    return length;
}

}  // namespace

void register_gre(DissectorTables& tables) { tables.ip_protocol.add(kIpProtocolGre, {"gre", dissect_gre}); }

}  // namespace tlsdissect
