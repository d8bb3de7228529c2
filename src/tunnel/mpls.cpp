// MultiProtocol Label Switching label stacks (RFC 3032) on EtherTypes 0x8847 (unicast)
// and 0x8848 (multicast), and what follows the bottom label the way Wireshark guesses
// it: IPv4 or IPv6 by the first nibble, a pseudowire control word (RFC 4448, first
// nibble 0) then an Ethernet frame, or an Ethernet frame without one.
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/text.hpp"
#include "tunnel/tunnel_common.hpp"
#include "tunnel/tunnels.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kEtherTypeMpls = 0x8847;
constexpr std::uint16_t kEtherTypeMplsMulticast = 0x8848;
// Labels followed before the rest is called data (a stack of more is malformed here).
constexpr std::size_t kMaxLabels = 16;

// RFC 3032 section 2.1 and RFC 7274 reserved labels.
constexpr ValueName kReservedLabels[] = {
    {0, "IPv4 Explicit-Null"}, {1, "Router Alert"}, {2, "IPv6 Explicit-Null"}, {3, "Implicit-Null"},
    {7, "Entropy Label Indicator"}, {13, "Generic Associated Channel Label (GAL)"}, {14, "OAM Alert"},
    {15, "Extension"},
};

constexpr FieldDef kMpls{"mpls", "MultiProtocol Label Switching Header", FieldType::Protocol};
constexpr FieldDef kLabel{"mpls.label", "MPLS Label", FieldType::UInt, Base::Dec, kReservedLabels, 0xfffff000, 32};
constexpr FieldDef kExp{"mpls.exp", "MPLS Experimental Bits", FieldType::UInt, Base::Dec, {}, 0x00000e00, 32};
constexpr FieldDef kBottom{"mpls.bottom", "MPLS Bottom Of Label Stack", FieldType::UInt, Base::Dec, {}, 0x00000100, 32};
constexpr FieldDef kTtl{"mpls.ttl", "MPLS TTL", FieldType::UInt, Base::Dec, {}, 0x000000ff, 32};
constexpr FieldDef kControlWord{"pwethcw", "PW Ethernet Control Word", FieldType::Protocol};
constexpr FieldDef kCwSequence{"pwethcw.sequence_number", "Sequence Number", FieldType::UInt, Base::Dec, {}, 0, 16};

// RFC 3032 section 2.1: Label (20) | Exp (3) | S (1) | TTL (8), repeated until S is set.
std::size_t dissect_mpls(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    std::uint32_t top_label = 0;
    for (std::size_t n = 0;; ++n) {
        const std::size_t at = r.offset();
        if (n == kMaxLabels) {
            ctx.root.malformed("more than " + std::to_string(kMaxLabels) + " MPLS labels", at, 0);
            dissect_data(r.take_rest(), ctx);
            return length;
        }
        ctx.add_protocol("mpls");
        NodeRef mpls = ctx.add_layer(kMpls, at, 4);
        auto entry = r.u32();
        if (!entry) {
            mpls.short_read(r, "MPLS label stack entry");
            return length;
        }
        const std::uint32_t label = *entry >> 12, exp = (*entry >> 9) & 7u, bottom = (*entry >> 8) & 1u,
                            ttl = *entry & 0xffu;
        if (n == 0) top_label = label;
        if (mpls) {
            std::string name(name_of(kReservedLabels, label));
            mpls.set_text("MultiProtocol Label Switching Header, Label: ", label,
                                 name.empty() ? "" : " (" + name + ")", ", Exp: ", exp, ", S: ", bottom, ", TTL: ", ttl);
            mpls.add(kLabel, std::uint64_t(label), at, 4)
                .set_text(Bits(*entry, 0xfffff000u, 32), " = MPLS Label: ",
                                 name.empty() ? concat(label, " (0x", hex_digits(label, 5), ")")
                                              : concat(name, " (", label, ")"));
            mpls.add(kExp, std::uint64_t(exp), at, 4);
            mpls.add(kBottom, std::uint64_t(bottom), at, 4);
            mpls.add(kTtl, std::uint64_t(ttl), at, 4);
        }
        if (bottom) break;
    }
    if (ctx.columns) ctx.columns->protocol = "MPLS";
    ByteReader inner = r.take_rest();
    if (inner.reported_remaining() == 0) return length;
    NodeRef last = ctx.root.last_child();
    // A label names one direction of a path: it tells no conversations apart.
    if (!enter_tunnel(last, {"mpls", {}, {}, top_label, false}, inner, ctx)) return length;
    auto first = inner.peek_u8();
    const unsigned nibble = first ? *first >> 4 : 0xff;
    if (nibble == 4 || nibble == 6) {
        dissect_inner_ip(inner, ctx);
        return length;
    }
    if (nibble == 0) {
        // RFC 4448 section 3: 0000 | Reserved (12) | Sequence Number (16)
        ctx.add_protocol("pwethcw");
        const std::size_t at = inner.offset();
        NodeRef cw = ctx.add_layer(kControlWord, at, 4);
        auto word = inner.u32();
        if (!word) {
            cw.short_read(inner, "pseudowire control word");
            return length;
        }
        cw.add(kCwSequence, std::uint64_t(*word & 0xffffu), at + 2, 2);
        inner = inner.take_rest();
    } else if (nibble == 1) {
        // A pseudowire associated channel (RFC 4385): OAM, not a packet.
        dissect_data(inner, ctx);
        return length;
    }
    if (!dispatch_uint(ctx.tables->link_type, kLinkEthernet, inner, ctx)) dissect_data(inner, ctx);
    return length;
}

}  // namespace

void register_mpls(DissectorTables& tables) {
    for (std::uint16_t type : {kEtherTypeMpls, kEtherTypeMplsMulticast}) tables.ethertype.add(type, {"mpls", dissect_mpls});
}

}  // namespace tlsdissect
