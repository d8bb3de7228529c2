// The Point-to-Point Protocol (RFC 1661) as a link layer (LINKTYPE_PPP 9, and
// LINKTYPE_PPP_HDLC 50 with the HDLC-like framing of RFC 1662) and inside PPPoE or GRE
// (EtherType 0x880b): the optional address and control bytes, the protocol field
// (compressed to one byte when odd, RFC 1661 section 6.5), IPv4, IPv6 and MPLS handed
// on by EtherType, and the control protocols (LCP, IPCP, IPV6CP, PAP, CHAP) shown briefly.
#include <string>

#include "core/packet_context.hpp"
#include "link/link.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kEtherTypePpp = 0x880b;

constexpr ValueName kProtocols[] = {
    {0x0021, "Internet Protocol version 4"}, {0x0057, "Internet Protocol version 6"},
    {0x0281, "MPLS Unicast"}, {0x0283, "MPLS Multicast"},
    {0x8021, "Internet Protocol Control Protocol"}, {0x8057, "IPv6 Control Protocol"},
    {0x8281, "MPLS Control Protocol"}, {0xc021, "Link Control Protocol"},
    {0xc023, "Password Authentication Protocol"}, {0xc223, "Challenge Handshake Authentication Protocol"},
};
// RFC 1661 section 5 (and RFC 1570 for Identification and Time-Remaining).
constexpr ValueName kCodes[] = {
    {1, "Configuration Request"}, {2, "Configuration Ack"}, {3, "Configuration Nak"},
    {4, "Configuration Reject"}, {5, "Termination Request"}, {6, "Termination Ack"},
    {7, "Code Reject"}, {8, "Protocol Reject"}, {9, "Echo Request"}, {10, "Echo Reply"},
    {11, "Discard Request"}, {12, "Identification"}, {13, "Time Remaining"},
};
constexpr ValueName kPapCodes[] = {{1, "Authenticate-Request"}, {2, "Authenticate-Ack"}, {3, "Authenticate-Nak"}};
constexpr ValueName kChapCodes[] = {{1, "Challenge"}, {2, "Response"}, {3, "Success"}, {4, "Failure"}};

constexpr FieldDef kPpp{"ppp", "Point-to-Point Protocol", FieldType::Protocol};
constexpr FieldDef kAddress{"ppp.address", "Address", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kControl{"ppp.control", "Control", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kProtocol{"ppp.protocol", "Protocol", FieldType::UInt, Base::Hex, kProtocols, 0, 16};
constexpr FieldDef kLcp{"lcp", "PPP Link Control Protocol", FieldType::Protocol};
constexpr FieldDef kIpcp{"ipcp", "PPP IP Control Protocol", FieldType::Protocol};
constexpr FieldDef kIpv6cp{"ipv6cp", "PPP IPv6 Control Protocol", FieldType::Protocol};
constexpr FieldDef kPap{"pap", "PPP Password Authentication Protocol", FieldType::Protocol};
constexpr FieldDef kChap{"chap", "PPP Challenge Handshake Authentication Protocol", FieldType::Protocol};
constexpr FieldDef kCode{"ppp.code", "Code", FieldType::UInt, Base::Dec, kCodes, 0, 8};
constexpr FieldDef kPapCode{"pap.code", "Code", FieldType::UInt, Base::Dec, kPapCodes, 0, 8};
constexpr FieldDef kChapCode{"chap.code", "Code", FieldType::UInt, Base::Dec, kChapCodes, 0, 8};
constexpr FieldDef kIdentifier{"ppp.identifier", "Identifier", FieldType::UInt, Base::DecHex, {}, 0, 8};
constexpr FieldDef kLength{"ppp.length", "Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kOptions{"ppp.data", "Data", FieldType::Bytes};

// A control protocol packet (RFC 1661 section 5): Code (8) | Identifier (8) | Length (16)
// | data (options, a magic number, ...), shown as bytes.
void dissect_control(std::uint16_t protocol, ByteReader r, PacketContext& ctx) {
    const FieldDef* layer = &kLcp;
    const FieldDef* code_def = &kCode;
    const char* short_name = "lcp";
    const char* column = "PPP LCP";
    switch (protocol) {
        case 0x8021: layer = &kIpcp, short_name = "ipcp", column = "PPP IPCP"; break;
        case 0x8057: layer = &kIpv6cp, short_name = "ipv6cp", column = "PPP IPV6CP"; break;
        case 0xc023: layer = &kPap, code_def = &kPapCode, short_name = "pap", column = "PPP PAP"; break;
        case 0xc223: layer = &kChap, code_def = &kChapCode, short_name = "chap", column = "PPP CHAP"; break;
        default: break;
    }
    ctx.add_protocol(short_name);
    const std::size_t start = r.offset();
    NodeRef node = ctx.add_layer(*layer, start, r.reported_remaining());
    auto code = r.u8();
    auto id = r.u8();
    auto len = r.u16();
    if (!code || !id || !len) {
        node.short_read(r, "PPP control packet header");
        return;
    }
    node.add(*code_def, std::uint64_t(*code), start, 1);
    node.add(kIdentifier, std::uint64_t(*id), start + 1, 1);
    node.add(kLength, std::uint64_t(*len), start + 2, 2);
    if (ctx.columns) {
        ctx.columns->protocol = column;
        std::string name(name_of(code_def->names, *code));
        ctx.columns->info = name.empty() ? "Unknown code " + std::to_string(*code) : name;
    }
    if (*len < 4) {
        node.malformed("length " + std::to_string(*len) + " is below the 4-byte header", start + 2, 2);
        return;
    }
    auto data = r.child(*len - 4u);
    if (!data) {
        node.malformed("length " + std::to_string(*len) + " exceeds the packet", start + 2, 2);
        return;
    }
    node.set_length(*len);
    if (node && data->remaining()) node.add_bytes(kOptions, data->rest(), data->offset(), data->remaining());
}

// RFC 1662 section 3.1: [Address 0xff | Control 0x03] | Protocol (8 or 16) | payload
std::size_t dissect_ppp(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol("ppp");
    const std::size_t start = r.offset();
    NodeRef ppp = ctx.add_layer(kPpp, start, 0);
    auto first = r.peek_u8();
    if (first && *first == 0xff) {
        // HDLC-like framing: address 0xff (all stations), then a control byte.
        auto address = r.u8();
        auto control = r.u8();
        if (!control) {
            ppp.short_read(r, "PPP address and control");
            return length;
        }
        ppp.add(kAddress, std::uint64_t(*address), start, 1);
        ppp.add(kControl, std::uint64_t(*control), start + 1, 1);
    }
    const std::size_t at = r.offset();
    auto high = r.u8();
    if (!high) {
        ppp.short_read(r, "PPP protocol");
        return length;
    }
    std::uint16_t protocol = *high;
    if (!(*high & 1)) {
        auto low = r.u8();
        if (!low) {
            ppp.short_read(r, "PPP protocol");
            return length;
        }
        protocol = static_cast<std::uint16_t>(*high << 8 | *low);
    }
    ppp.add(kProtocol, std::uint64_t(protocol), at, r.offset() - at);
    ppp.set_length(r.offset() - start);
    if (ctx.columns) {
        ctx.columns->protocol = "PPP";
        ctx.columns->info = "Protocol 0x" + hex_u16(protocol);
    }
    ByteReader payload = r.take_rest();
    switch (protocol) {
        case 0x0021: dissect_ethertype(0x0800, payload, ctx); break;
        case 0x0057: dissect_ethertype(0x86dd, payload, ctx); break;
        case 0x0281: dissect_ethertype(0x8847, payload, ctx); break;
        case 0x0283: dissect_ethertype(0x8848, payload, ctx); break;
        case 0xc021: case 0x8021: case 0x8057: case 0xc023: case 0xc223:
            dissect_control(protocol, payload, ctx);
            break;
        default: dissect_data(payload, ctx); break;
    }
    return length;
}

}  // namespace

void register_ppp(DissectorTables& tables) {
    tables.link_type.add(kLinkPpp, {"ppp", dissect_ppp});
    tables.link_type.add(kLinkPppHdlc, {"ppp", dissect_ppp});
    tables.ethertype.add(kEtherTypePpp, {"ppp", dissect_ppp});
}

}  // namespace tlsdissect
