// Ethernet II (IEEE 802.3 framing with an EtherType), IEEE 802.1Q VLAN tags and
// IEEE 802.1ad provider tags (stacked "Q-in-Q"), and the EtherType dispatch.
#include <string>

#include "core/packet_context.hpp"
#include "link/link.hpp"
#include "tlsdissect/text.hpp"
#include "tlsdissect/oui.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint16_t kEtherTypeVlan = 0x8100;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;
constexpr std::uint16_t kEtherTypeQinQOld = 0x9100;
// How many stacked VLAN tags we follow before calling the rest data.
constexpr std::uint8_t kMaxVlanDepth = 8;

// Wireshark's names for the EtherTypes a capture of DNS and TLS will meet.
constexpr ValueName kEtherTypes[] = {
    {kEtherTypeIpv4, "IPv4"},
    {kEtherTypeArp, "ARP"},
    {kEtherTypeVlan, "802.1Q Virtual LAN"},
    {kEtherTypeIpv6, "IPv6"},
    {kEtherTypeQinQ, "802.1ad Provider Bridge (Q-in-Q)"},
    {kEtherTypeQinQOld, "QinQ: old non-standard 802.1ad"},
    {0x8035, "RARP"},
    {0x8847, "MPLS label switched packet"},
    {0x8863, "PPPoE Discovery"},
    {0x8864, "PPPoE Session"},
    {0x888e, "802.1X Authentication"},
    {0x88cc, "802.1 Link Layer Discovery Protocol (LLDP)"},
};

constexpr ValueName kLgBit[] = {{0, "Globally unique address (factory default)"},
                                {1, "Locally administered address (this is NOT the factory default)"}};
constexpr ValueName kIgBit[] = {{0, "Individual address (unicast)"},
                                {1, "Group address (multicast/broadcast)"}};

constexpr FieldDef kEth{"eth", "Ethernet II", FieldType::Protocol};
constexpr FieldDef kEthDst{"eth.dst", "Destination", FieldType::Ether};
constexpr FieldDef kEthSrc{"eth.src", "Source", FieldType::Ether};
constexpr FieldDef kEthAddr{"eth.addr", "Address", FieldType::Ether};
constexpr FieldDef kEthLg{"eth.lg", "LG bit", FieldType::UInt, Base::None, kLgBit, 0x020000, 24};
constexpr FieldDef kEthIg{"eth.ig", "IG bit", FieldType::UInt, Base::None, kIgBit, 0x010000, 24};
constexpr FieldDef kEthType{"eth.type", "Type", FieldType::UInt, Base::Hex, kEtherTypes, 0, 16};
constexpr FieldDef kEthPadding{"eth.padding", "Padding", FieldType::Bytes};
constexpr FieldDef kEthTrailer{"eth.trailer", "Trailer", FieldType::Bytes};

constexpr ValueName kVlanPriorities[] = {
    {0, "Best Effort (default)"}, {1, "Background"}, {2, "Excellent Effort"},
    {3, "Critical Applications"}, {4, "Video, < 100ms latency and jitter"},
    {5, "Voice, < 10ms latency and jitter"}, {6, "Internetwork Control"}, {7, "Network Control"},
};
constexpr ValueName kDei[] = {{0, "Ineligible"}, {1, "Eligible"}};

constexpr FieldDef kVlan{"vlan", "802.1Q Virtual LAN", FieldType::Protocol};
constexpr FieldDef kVlanPriority{"vlan.priority", "Priority", FieldType::UInt, Base::Dec, kVlanPriorities, 0xe000, 16};
constexpr FieldDef kVlanDei{"vlan.dei", "DEI", FieldType::UInt, Base::Dec, kDei, 0x1000, 16};
constexpr FieldDef kVlanId{"vlan.id", "ID", FieldType::UInt, Base::Dec, {}, 0x0fff, 16};
constexpr FieldDef kVlanType{"vlan.etype", "Type", FieldType::UInt, Base::Hex, kEtherTypes, 0, 16};

constexpr FieldDef kQinQ{"ieee8021ad", "IEEE 802.1ad", FieldType::Protocol};
constexpr FieldDef kQinQPriority{"ieee8021ad.priority", "Priority", FieldType::UInt, Base::Dec, {}, 0xe000, 16};
constexpr FieldDef kQinQDei{"ieee8021ad.dei", "DEI", FieldType::UInt, Base::Dec, kDei, 0x1000, 16};
constexpr FieldDef kQinQId{"ieee8021ad.id", "ID", FieldType::UInt, Base::Dec, {}, 0x0fff, 16};
constexpr FieldDef kQinQType{"ieee8021ad.etype", "Type", FieldType::UInt, Base::Hex, kEtherTypes, 0, 16};

// "Apple_2a:d5:d9 (8c:85:90:2a:d5:d9)"
void append_with_address(std::string& out, const MacAddress& mac) {
    append_ether_display_name(out, mac);
    out += " (";
    append_address(out, mac);
    out.push_back(')');
}

MacAddress read_mac(Bytes b) {
    MacAddress m;
    for (std::size_t i = 0; i < 6; ++i) m.b[i] = b[i];
    return m;
}

void add_mac(NodeRef parent, const FieldDef& def, const MacAddress& mac, std::size_t offset) {
    if (!parent) return;
    NodeRef n = parent.add(def, mac, offset, 6);
    n.add(kEthAddr, mac, offset, 6).set_hidden();
    std::uint64_t lg = (mac.b[0] >> 1) & 1, ig = mac.b[0] & 1;
    n.add(kEthLg, lg, offset, 3);
    n.add(kEthIg, ig, offset, 3);
}

// A VLAN-style tag (IEEE 802.1Q): TCI (priority, DEI, ID) then the inner EtherType.
std::size_t dissect_tag(bool provider, ByteReader r, PacketContext& ctx) {
    if (ctx.vlan_tags >= kMaxVlanDepth) {
        ctx.root.malformed("more than " + std::to_string(kMaxVlanDepth) + " stacked VLAN tags", r.offset(),
                           r.remaining());
        return r.reported_remaining();
    }
    ++ctx.vlan_tags;
    ctx.add_protocol(provider ? "ieee8021ad" : "vlan");
    ctx.add_protocol("ethertype");
    const std::size_t start = r.offset();
    auto tci = r.u16();
    auto type = r.u16();
    NodeRef tag = ctx.root.add(provider ? kQinQ : kVlan, std::monostate{}, start, 4);
    if (!tci || !type) {
        tag.short_read(r, "VLAN tag");
        return r.position();
    }
    const std::uint64_t prio = *tci >> 13, dei = (*tci >> 12) & 1, id = *tci & 0x0fff;
    if (tag) {
        if (provider)
            tag.set_text("IEEE 802.1ad, ID: ", id);
        else
            tag.set_text("802.1Q Virtual LAN, PRI: ", prio, ", DEI: ", dei, ", ID: ", id);
        tag.add(provider ? kQinQPriority : kVlanPriority, prio, start, 2);
        tag.add(provider ? kQinQDei : kVlanDei, dei, start, 2);
        tag.add(provider ? kQinQId : kVlanId, id, start, 2);
        tag.add(provider ? kQinQType : kVlanType, std::uint64_t(*type), start + 2, 2);
    }
    return 4 + dissect_ethertype(*type, r.take_rest(), ctx);
}

}  // namespace

std::size_t dissect_ethertype(std::uint16_t ethertype, ByteReader payload, PacketContext& ctx) {
    return dispatch_uint_or_data(ctx.tables->ethertype, ethertype, payload, ctx);
}

// Ethernet II header (IEEE 802.3 clause 3):
//   Destination MAC (6) | Source MAC (6) | EtherType (2) | payload | [padding]
std::size_t dissect_ethernet(ByteReader r, PacketContext& ctx) {
    const std::size_t frame_length = r.reported_remaining();
    ctx.add_protocol("eth");
    const std::size_t start = r.offset();
    auto dst = r.bytes(6);
    auto src = r.bytes(6);
    auto type = r.u16();
    NodeRef eth = ctx.root.add(kEth, std::monostate{}, start, 14);
    if (!dst || !src || !type) {
        eth.set_text("Ethernet II");
        eth.short_read(r, "Ethernet header");
        return frame_length;
    }
    const MacAddress d = read_mac(*dst), s = read_mac(*src);
    if (eth) {
        std::string& text = *eth.set_text("Ethernet II, Src: ").text_buffer();
        append_with_address(text, s);
        text += ", Dst: ";
        append_with_address(text, d);
        add_mac(eth, kEthDst, d, start);
        add_mac(eth, kEthSrc, s, start + 6);
        eth.add(kEthType, std::uint64_t(*type), start + 12, 2);
    }
    if (ctx.columns) {
        ctx.columns->source.clear();
        append_ether_display_name(ctx.columns->source, s);
        ctx.columns->destination.clear();
        append_ether_display_name(ctx.columns->destination, d);
        ctx.columns->protocol = "Ethernet";
    }
    if (*type <= 1500) {
        // An IEEE 802.3 length field (LLC follows); nothing we dissect.
        dissect_data(r.take_rest(), ctx);
        return frame_length;
    }
    ctx.add_protocol("ethertype");
    ByteReader payload = r.take_rest();
    std::size_t total = payload.reported_remaining();
    const std::size_t used = dissect_ethertype(*type, payload, ctx);
    if (used < total && eth) {
        // Bytes after the IP packet: padding up to the 60-byte minimum, or a trailer.
        std::size_t at = payload.offset() + used;
        ByteReader tail(ctx.root.tree()->frame_bytes, 0);
        if (at <= tail.remaining() && tail.skip(at)) {
            Bytes extra = tail.rest();
            bool zero = true;
            for (auto b : extra) zero = zero && b == 0;
            if (!extra.empty())
                eth.add(zero && start + 14 + used < 60 ? kEthPadding : kEthTrailer,
                        ByteString{{extra.begin(), extra.end()}}, at, extra.size());
        }
    }
    return frame_length;
}

void register_ethernet(DissectorTables& tables) {
    tables.link_type.add(kLinkEthernet, {"eth", dissect_ethernet});
    tables.ethertype.add(kEtherTypeVlan, {"vlan", [](ByteReader r, PacketContext& ctx) { return dissect_tag(false, r, ctx); }});
    tables.ethertype.add(kEtherTypeQinQOld, {"vlan", [](ByteReader r, PacketContext& ctx) { return dissect_tag(false, r, ctx); }});
    tables.ethertype.add(kEtherTypeQinQ, {"ieee8021ad", [](ByteReader r, PacketContext& ctx) { return dissect_tag(true, r, ctx); }});
}

}  // namespace tlsdissect
