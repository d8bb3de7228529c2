// GPRS Tunnelling Protocol, user plane (3GPP TS 29.281) on UDP port 2152: a mobile
// subscriber's IP packet (a G-PDU, message type 255) between the radio network and the
// core, with optional sequence number, N-PDU number and extension headers.
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/text.hpp"
#include "tunnel/tunnel_common.hpp"
#include "tunnel/tunnels.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kGtpUserPort = 2152;
constexpr std::uint8_t kMessageGpdu = 0xff;
// Extension headers followed before the rest is called data.
constexpr std::size_t kMaxExtensionHeaders = 16;

constexpr ValueName kVersions[] = {{0, "GTP release 97/98 version"}, {1, "GTP release 99 version"}, {2, "GTPv2"}};
constexpr ValueName kProtocolTypes[] = {{0, "GTP'"}, {1, "GTP"}};
constexpr ValueName kYesNo[] = {{0, "No"}, {1, "Yes"}};
// TS 29.281 table 6.1-1.
constexpr ValueName kMessageTypes[] = {
    {1, "Echo request"}, {2, "Echo response"}, {26, "Error indication"},
    {31, "Supported extension headers notification"}, {253, "Tunnel Status"}, {254, "End marker"},
    {255, "T-PDU"},
};
// TS 29.281 figure 5.2.1-3.
constexpr ValueName kExtensionTypes[] = {
    {0x00, "No more extension headers"}, {0x01, "MBMS support indication"},
    {0x02, "MS Info Change Reporting support indication"}, {0x03, "Long PDCP PDU Number"},
    {0x20, "Service Class Indicator"}, {0x40, "UDP Port"}, {0x81, "RAN Container"},
    {0x82, "Long PDCP PDU Number"}, {0x83, "Xw RAN Container"}, {0x84, "NR RAN Container"},
    {0x85, "PDU Session container"}, {0xc0, "PDCP PDU Number"},
};

constexpr FieldDef kGtp{"gtp", "GPRS Tunneling Protocol", FieldType::Protocol};
constexpr FieldDef kFlags{"gtp.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kFlagVersion{"gtp.flags.version", "Version", FieldType::UInt, Base::Dec, kVersions, 0xe0, 8};
constexpr FieldDef kFlagPayload{"gtp.flags.payload", "Protocol type", FieldType::UInt, Base::Dec, kProtocolTypes, 0x10, 8};
constexpr FieldDef kFlagReserved{"gtp.flags.reserved", "Reserved", FieldType::UInt, Base::Dec, {}, 0x08, 8};
constexpr FieldDef kFlagE{"gtp.flags.e", "Is Next Extension Header present?", FieldType::Bool, Base::None, kYesNo, 0x04, 8};
constexpr FieldDef kFlagS{"gtp.flags.s", "Is Sequence Number present?", FieldType::Bool, Base::None, kYesNo, 0x02, 8};
constexpr FieldDef kFlagPn{"gtp.flags.pn", "Is N-PDU number present?", FieldType::Bool, Base::None, kYesNo, 0x01, 8};
constexpr FieldDef kMessage{"gtp.message", "Message Type", FieldType::UInt, Base::Hex, kMessageTypes, 0, 8};
constexpr FieldDef kLength{"gtp.length", "Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kTeid{"gtp.teid", "TEID", FieldType::UInt, Base::HexDec, {}, 0, 32};
constexpr FieldDef kSequence{"gtp.seq_number", "Sequence number", FieldType::UInt, Base::HexDec, {}, 0, 16};
constexpr FieldDef kNpdu{"gtp.npdu_number", "N-PDU Number", FieldType::UInt, Base::HexDec, {}, 0, 8};
constexpr FieldDef kNextType{"gtp.ext_hdr.next", "Next extension header type", FieldType::UInt, Base::Hex, kExtensionTypes, 0, 8};
constexpr FieldDef kExtension{"gtp.ext_hdr", "Extension header", FieldType::None};
constexpr FieldDef kExtensionLength{"gtp.ext_hdr.length", "Extension Header Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kExtensionValue{"gtp.ext_val", "Extension value", FieldType::Bytes};
constexpr ValueName kPduTypes[] = {{0, "DL PDU SESSION INFORMATION"}, {1, "UL PDU SESSION INFORMATION"}};
constexpr FieldDef kPduType{"gtp.ext_hdr.pdu_ses_con.pdu_type", "PDU Type", FieldType::UInt, Base::Dec, kPduTypes, 0xf0, 8};
constexpr FieldDef kQfi{"gtp.ext_hdr.pdu_ses_con.qos_flow_id", "QoS Flow Identifier (QFI)", FieldType::UInt, Base::Dec, {}, 0x3f, 8};
constexpr std::uint8_t kExtPduSessionContainer = 0x85;

// TS 29.281 section 5.1:
//   Version (3) | PT (1) | (*) (1) | E (1) | S (1) | PN (1) | Message Type (8) | Length (16)
//   Tunnel Endpoint Identifier (32)
//   [Sequence Number (16) | N-PDU Number (8) | Next Extension Header Type (8)]  if E, S or PN
// Extension header (section 5.2.1): Length (8, in 4-byte units) | content | Next Type (8)
std::size_t dissect_gtp(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol("gtp");
    const std::size_t start = r.offset();
    NodeRef gtp = ctx.add_layer(kGtp, start, 8);
    auto flags = r.u8();
    auto message = r.u8();
    auto len = r.u16();
    auto teid = r.u32();
    if (!flags || !message || !len || !teid) {
        gtp.short_read(r, "GTP header");
        return length;
    }
    const unsigned version = *flags >> 5;
    if (gtp) {
        NodeRef f = gtp.add(kFlags, std::uint64_t(*flags), start, 1);
        f.add(kFlagVersion, std::uint64_t(version), start, 1);
        f.add(kFlagPayload, std::uint64_t((*flags >> 4) & 1u), start, 1);
        f.add(kFlagReserved, std::uint64_t((*flags >> 3) & 1u), start, 1);
        f.add(kFlagE, bool(*flags & 4), start, 1);
        f.add(kFlagS, bool(*flags & 2), start, 1);
        f.add(kFlagPn, bool(*flags & 1), start, 1);
        gtp.add(kMessage, std::uint64_t(*message), start + 1, 1);
        gtp.add(kLength, std::uint64_t(*len), start + 2, 2);
        gtp.add(kTeid, std::uint64_t(*teid), start + 4, 4);
    }
    if (ctx.columns) {
        ctx.columns->protocol = "GTP";
        std::string name(name_of(kMessageTypes, *message));
        ctx.columns->info = name.empty() ? "Unknown message " + std::to_string(*message) : name;
    }
    if (version != 1 || !(*flags & 0x10)) {
        gtp.malformed("GTP version " + std::to_string(version) + " is not GTP-U (version 1, protocol type 1)", start,
                      1);
        dissect_data(r.take_rest(), ctx);
        return length;
    }
    // The length counts what follows the mandatory 8 bytes.
    auto body = r.child(*len);
    if (!body) {
        gtp.malformed("length " + std::to_string(*len) + " exceeds the packet", start + 2, 2);
        body = r.take_rest();
    }
    ByteReader b = *body;
    if (*flags & 7u) {
        const std::size_t at = b.offset();
        auto seq = b.u16();
        auto npdu = b.u8();
        auto next = b.u8();
        if (!seq || !npdu || !next) {
            gtp.short_read(b, "GTP optional fields");
            return length;
        }
        if (*flags & 2) gtp.add(kSequence, std::uint64_t(*seq), at, 2);
        if (*flags & 1) gtp.add(kNpdu, std::uint64_t(*npdu), at + 2, 1);
        gtp.add(kNextType, std::uint64_t(*next), at + 3, 1);
        std::uint8_t type = (*flags & 4) ? *next : 0;
        for (std::size_t n = 0; type != 0; ++n) {
            if (n == kMaxExtensionHeaders) {
                gtp.malformed("more than " + std::to_string(kMaxExtensionHeaders) + " extension headers", b.offset(), 0);
                return length;
            }
            const std::size_t ext_at = b.offset();
            auto units = b.u8();
            if (!units || *units == 0) {
                if (!units)
                    gtp.short_read(b, "GTP extension header");
                else
                    gtp.malformed("extension header of length 0", ext_at, 1);
                return length;
            }
            const std::size_t ext_len = *units * 4u;
            auto content = b.bytes(ext_len - 2);
            auto following = b.u8();
            if (!content || !following) {
                gtp.short_read(b, "GTP extension header");
                return length;
            }
            if (gtp) {
                std::string name(name_of(kExtensionTypes, type));
                NodeRef ext = gtp.add_text(kExtension,
                                           concat("Extension header (", name.empty() ? "Unknown" : name, ")"),
                                           ext_at, ext_len);
                ext.add(kExtensionLength, std::uint64_t(*units), ext_at, 1);
                ext.add_bytes(kExtensionValue, *content, ext_at + 1, ext_len - 2);
                // TS 38.415 section 5.5.2: PDU type (4) | spare (4) | [PPP RQI] QFI (6) ...
                if (type == kExtPduSessionContainer && content->size() >= 2) {
                    ext.add(kPduType, std::uint64_t((*content)[0] >> 4), ext_at + 1, 1);
                    ext.add(kQfi, std::uint64_t((*content)[1] & 0x3fu), ext_at + 2, 1);
                }
                ext.add(kNextType, std::uint64_t(*following), ext_at + ext_len - 1, 1);
            }
            type = *following;
        }
    }
    gtp.set_length(b.offset() - start);
    ByteReader inner = b.take_rest();
    if (inner.reported_remaining() == 0) return length;
    // Only a G-PDU carries a user packet; the others' payloads are information elements.
    if (*message != kMessageGpdu) {
        dissect_data(inner, ctx);
        return length;
    }
    // The TEID differs by direction: it names no conversation.
    if (!enter_tunnel(gtp, {"gtp", {}, {}, *teid, false}, inner, ctx)) return length;
    dissect_inner_ip(inner, ctx);
    return length;
}

}  // namespace

void register_gtp(DissectorTables& tables) { tables.udp_port.add(kGtpUserPort, {"gtp", dissect_gtp}); }

}  // namespace tlsdissect
