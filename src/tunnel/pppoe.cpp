// PPP over Ethernet (RFC 2516): the discovery stage (EtherType 0x8863: PADI, PADO, PADR,
// PADS, PADT with their tags) and the session stage (0x8864: PPP frames, handed on by
// the PPP EtherType 0x880b to link/ppp.cpp).
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/text.hpp"
#include "tunnel/tunnel_common.hpp"
#include "tunnel/tunnels.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kEtherTypeDiscovery = 0x8863;
constexpr std::uint16_t kEtherTypeSession = 0x8864;
constexpr std::uint16_t kEtherTypePpp = 0x880b;
// Tags shown before the rest is called data.
constexpr std::size_t kMaxTags = 64;

constexpr ValueName kCodes[] = {
    {0x00, "Session Data"}, {0x07, "Active Discovery Offer (PADO)"}, {0x09, "Active Discovery Initiation (PADI)"},
    {0x19, "Active Discovery Request (PADR)"}, {0x65, "Active Discovery Session-confirmation (PADS)"},
    {0xa7, "Active Discovery Terminate (PADT)"},
};
// RFC 2516 appendix A (and RFC 4638, RFC 5578).
constexpr ValueName kTags[] = {
    {0x0000, "End-Of-List"}, {0x0101, "Service-Name"}, {0x0102, "AC-Name"}, {0x0103, "Host-Uniq"},
    {0x0104, "AC-Cookie"}, {0x0105, "Vendor-Specific"}, {0x0106, "Credits"}, {0x0107, "Metrics"},
    {0x0108, "Sequence Number"}, {0x0109, "Credit Scale Factor"}, {0x0110, "Relay-Session-Id"},
    {0x0111, "HURL"}, {0x0112, "MOTM"}, {0x0120, "PPP-Max-Payload"}, {0x0121, "IP Route Add"},
    {0x0201, "Service-Name-Error"}, {0x0202, "AC-System-Error"}, {0x0203, "Generic-Error"},
};

constexpr FieldDef kDiscovery{"pppoed", "PPP-over-Ethernet Discovery", FieldType::Protocol};
constexpr FieldDef kSession{"pppoes", "PPP-over-Ethernet Session", FieldType::Protocol};
constexpr FieldDef kVersion{"pppoe.version", "Version", FieldType::UInt, Base::Dec, {}, 0xf0, 8};
constexpr FieldDef kType{"pppoe.type", "Type", FieldType::UInt, Base::Dec, {}, 0x0f, 8};
constexpr FieldDef kCode{"pppoe.code", "Code", FieldType::UInt, Base::Hex, kCodes, 0, 8};
constexpr FieldDef kSessionId{"pppoe.session_id", "Session ID", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kPayloadLength{"pppoe.payload_length", "Payload Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kTagList{"pppoed.tags", "PPPoE Tags", FieldType::None};
constexpr FieldDef kTag{"pppoed.tag", "Tag", FieldType::UInt, Base::Hex, kTags, 0, 16};
constexpr FieldDef kTagLength{"pppoed.tag_length", "Tag Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kServiceName{"pppoed.tags.service_name", "Service-Name", FieldType::String};
constexpr FieldDef kAcName{"pppoed.tags.ac_name", "AC-Name", FieldType::String};
constexpr FieldDef kHostUniq{"pppoed.tags.host_uniq", "Host-Uniq", FieldType::Bytes};
constexpr FieldDef kAcCookie{"pppoed.tags.ac_cookie", "AC-Cookie", FieldType::Bytes};
constexpr FieldDef kUnknownData{"pppoed.tag.unknown_data", "Unknown Data", FieldType::Bytes};
constexpr FieldDef kServiceNameError{"pppoed.tags.service_name_error", "Service-Name-Error", FieldType::String};
constexpr FieldDef kAcSystemError{"pppoed.tags.ac_system_error", "AC-System-Error", FieldType::String};
constexpr FieldDef kGenericError{"pppoed.tags.generic_error", "Generic-Error", FieldType::String};

const FieldDef& tag_value_field(std::uint16_t tag) {
    switch (tag) {
        case 0x0101: return kServiceName;
        case 0x0102: return kAcName;
        case 0x0103: return kHostUniq;
        case 0x0104: return kAcCookie;
        case 0x0201: return kServiceNameError;
        case 0x0202: return kAcSystemError;
        case 0x0203: return kGenericError;
        default: return kUnknownData;
    }
}

// RFC 2516 section 5: TAG_TYPE (16) | TAG_LENGTH (16) | TAG_VALUE
void dissect_tags(ByteReader tags, NodeRef parent, PacketColumns* columns) {
    for (std::size_t n = 0; !tags.empty(); ++n) {
        const std::size_t at = tags.offset();
        if (n == kMaxTags) {
            parent.malformed("more than " + std::to_string(kMaxTags) + " tags", at, tags.remaining());
            return;
        }
        auto type = tags.u16();
        auto len = tags.u16();
        if (!type || !len) {
            parent.short_read(tags, "PPPoE tag");
            return;
        }
        auto value = tags.bytes(*len);
        if (!value) {
            parent.short_read(tags, "PPPoE tag value");
            return;
        }
        // The summary names the access concentrator, as Wireshark's does.
        if (columns && *type == 0x0102) columns->info += " AC-Name='" + std::string(value->begin(), value->end()) + "'";
        if (!parent) continue;
        // As Wireshark shows them: the value, named by its tag; type and length hidden
        // (an empty value, such as "any service", is not shown).
        if (*len == 0) {
            parent.add(kTag, std::uint64_t(*type), at, 2).set_hidden();
            continue;
        }
        const FieldDef& def = tag_value_field(*type);
        NodeRef v = def.type == FieldType::String
                        ? parent.add(def, std::string(value->begin(), value->end()), at, 4u + *len)
                        : parent.add_bytes(def, *value, at, 4u + *len);
        v.add(kTag, std::uint64_t(*type), at, 2).set_hidden();
        v.add(kTagLength, std::uint64_t(*len), at + 2, 2).set_hidden();
    }
}

// RFC 2516 section 4: VER (4) | TYPE (4) | CODE (8) | SESSION_ID (16) | LENGTH (16) | payload
std::size_t dissect_pppoe(bool session, ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol(session ? "pppoes" : "pppoed");
    const std::size_t start = r.offset();
    NodeRef pppoe = ctx.add_layer(session ? kSession : kDiscovery, start, 6);
    auto vt = r.u8();
    auto code = r.u8();
    auto session_id = r.u16();
    auto payload_len = r.u16();
    if (!vt || !code || !session_id || !payload_len) {
        pppoe.short_read(r, "PPPoE header");
        return length;
    }
    if (pppoe) {
        pppoe.add(kVersion, std::uint64_t(*vt >> 4), start, 1);
        pppoe.add(kType, std::uint64_t(*vt & 0x0fu), start, 1);
        pppoe.add(kCode, std::uint64_t(*code), start + 1, 1);
        pppoe.add(kSessionId, std::uint64_t(*session_id), start + 2, 2);
        pppoe.add(kPayloadLength, std::uint64_t(*payload_len), start + 4, 2);
    }
    if (ctx.columns) {
        ctx.columns->protocol = session ? "PPPoES" : "PPPoED";
        std::string name(name_of(kCodes, *code));
        ctx.columns->info = name.empty() ? "Unknown code 0x" + hex_u8(*code) : name;
    }
    auto payload = r.child(*payload_len);
    if (!payload) {
        pppoe.malformed("payload length " + std::to_string(*payload_len) + " exceeds the frame", start + 4, 2);
        payload = r.take_rest();
    }
    const std::size_t covered = 6 + payload->reported_remaining();
    if (!session) {
        NodeRef tags = pppoe.add_text(kTagList, "PPPoE Tags", payload->offset(), payload->reported_remaining());
        dissect_tags(*payload, tags, ctx.columns);
        return covered;
    }
    if (payload->reported_remaining() == 0) return covered;
    if (!enter_tunnel(pppoe, {"pppoes", {}, {}, *session_id, true}, *payload, ctx)) return covered;
    dispatch_uint_or_data(ctx.tables->ethertype, kEtherTypePpp, *payload, ctx);
    return covered;
}

}  // namespace

void register_pppoe(DissectorTables& tables) {
    tables.ethertype.add(kEtherTypeDiscovery,
                         {"pppoed", [](ByteReader r, PacketContext& ctx) { return dissect_pppoe(false, r, ctx); }});
    tables.ethertype.add(kEtherTypeSession,
                         {"pppoes", [](ByteReader r, PacketContext& ctx) { return dissect_pppoe(true, r, ctx); }});
}

}  // namespace tlsdissect
