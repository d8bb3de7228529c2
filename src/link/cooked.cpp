// The other link layers: Linux cooked capture v1 and v2 (tcpdump.org LINKTYPE_LINUX_SLL,
// LINKTYPE_LINUX_SLL2), BSD loopback (LINKTYPE_NULL, host byte order; LINKTYPE_LOOP,
// network byte order) and raw IP; and the dispatch by link type.
#include <string>

#include "core/packet_context.hpp"
#include "link/link.hpp"
#include "tlsdissect/oui.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;

constexpr ValueName kPacketTypes[] = {
    {0, "Unicast to us"},          {1, "Broadcast"},    {2, "Multicast"},
    {3, "Unicast to another host"}, {4, "Sent by us"},
};
// ARPHRD_* values (Linux if_arp.h) a capture on "any" shows.
constexpr ValueName kHardwareTypes[] = {
    {1, "Ethernet"}, {772, "Loopback"}, {776, "IPv6-in-IPv4"}, {778, "IP GRE"},
    {65534, "None"}, {65535, "Void"},
};
constexpr ValueName kSllProtocols[] = {{0x0800, "IPv4"}, {0x86dd, "IPv6"}, {0x0806, "ARP"},
                                       {0x8100, "802.1Q Virtual LAN"}};

constexpr FieldDef kSll{"sll", "Linux cooked capture", FieldType::Protocol};
constexpr FieldDef kSllPktType{"sll.pkttype", "Packet type", FieldType::UInt, Base::Dec, kPacketTypes, 0, 16};
constexpr FieldDef kSllPktType8{"sll.pkttype", "Packet type", FieldType::UInt, Base::Dec, kPacketTypes, 0, 8};
constexpr FieldDef kSllHaType{"sll.hatype", "Link-layer address type", FieldType::UInt, Base::Dec, kHardwareTypes, 0, 16};
constexpr FieldDef kSllHaLen{"sll.halen", "Link-layer address length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kSllHaLen16{"sll.halen", "Link-layer address length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSllSrcEth{"sll.src.eth", "Source", FieldType::Ether};
constexpr FieldDef kSllSrcOther{"sll.src.other", "Source", FieldType::Bytes};
constexpr FieldDef kSllUnused{"sll.unused", "Unused", FieldType::Bytes};
constexpr FieldDef kSllProtocol{"sll.etype", "Protocol", FieldType::UInt, Base::Hex, kSllProtocols, 0, 16};
constexpr FieldDef kSllReserved{"sll.reserved", "Reserved", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kSllIfIndex{"sll.ifindex", "Interface index", FieldType::UInt, Base::Dec, {}, 0, 32};

constexpr ValueName kNullFamilies[] = {{2, "IP"}, {24, "IPv6"}, {28, "IPv6"}, {30, "IPv6"}};
constexpr FieldDef kNull{"null", "Null/Loopback", FieldType::Protocol};
constexpr FieldDef kNullFamily{"null.family", "Family", FieldType::UInt, Base::Dec, kNullFamilies, 0, 32};
constexpr FieldDef kRaw{"raw", "Raw packet data", FieldType::Protocol};

// The link-layer source address of a cooked header, shown as Ethernet when it is one.
void add_cooked_source(NodeRef sll, std::uint64_t halen, Bytes addr, std::size_t offset) {
    if (!sll) return;
    if (halen == 6) {
        MacAddress m;
        for (std::size_t i = 0; i < 6; ++i) m.b[i] = addr[i];
        sll.add(kSllSrcEth, m, offset, 6);
        sll.add(kSllUnused, ByteString{{addr.begin() + 6, addr.end()}}, offset + 6, 2);
    } else if (halen > 0 && halen <= 8) {
        sll.add(kSllSrcOther, ByteString{{addr.begin(), addr.begin() + static_cast<long>(halen)}}, offset, halen);
    } else {
        sll.add_bytes(kSllUnused, addr, offset, 8);
    }
}

void cooked_payload(std::uint16_t protocol, std::uint16_t hatype, ByteReader r, PacketContext& ctx) {
    if (hatype == 824 /* ARPHRD_NETLINK */) {
        dissect_data(r.take_rest(), ctx);
        return;
    }
    ctx.add_protocol("ethertype");
    dissect_ethertype(protocol, r.take_rest(), ctx);
}

// LINKTYPE_LINUX_SLL: packet type (2) | ARPHRD type (2) | address length (2) |
// address (8) | protocol (2)
void dissect_sll(ByteReader r, PacketContext& ctx) {
    ctx.add_protocol("sll");
    const std::size_t start = r.offset();
    auto pkttype = r.u16();
    auto hatype = r.u16();
    auto halen = r.u16();
    auto addr = r.bytes(8);
    auto protocol = r.u16();
    NodeRef sll = ctx.root.add(kSll, std::monostate{}, start, 16);
    sll.set_text("Linux cooked capture v1");
    if (!pkttype || !hatype || !halen || !addr || !protocol) {
        sll.short_read(r, "Linux cooked header");
        return;
    }
    if (sll) {
        sll.add(kSllPktType, std::uint64_t(*pkttype), start, 2);
        sll.add(kSllHaType, std::uint64_t(*hatype), start + 2, 2);
        sll.add(kSllHaLen16, std::uint64_t(*halen), start + 4, 2);
        add_cooked_source(sll, *halen, *addr, start + 6);
        sll.add(kSllProtocol, std::uint64_t(*protocol), start + 14, 2);
    }
    ctx.set_protocol_column("SLL");
    cooked_payload(*protocol, *hatype, r, ctx);
}

// LINKTYPE_LINUX_SLL2: protocol (2) | reserved (2) | interface index (4) |
// ARPHRD type (2) | packet type (1) | address length (1) | address (8)
void dissect_sll2(ByteReader r, PacketContext& ctx) {
    ctx.add_protocol("sll");
    const std::size_t start = r.offset();
    auto protocol = r.u16();
    auto reserved = r.u16();
    auto ifindex = r.u32();
    auto hatype = r.u16();
    auto pkttype = r.u8();
    auto halen = r.u8();
    auto addr = r.bytes(8);
    NodeRef sll = ctx.root.add(kSll, std::monostate{}, start, 20);
    sll.set_text("Linux cooked capture v2");
    if (!addr) {
        sll.short_read(r, "Linux cooked v2 header");
        return;
    }
    if (sll) {
        sll.add(kSllProtocol, std::uint64_t(*protocol), start, 2);
        sll.add(kSllReserved, std::uint64_t(*reserved), start + 2, 2);
        sll.add(kSllIfIndex, std::uint64_t(*ifindex), start + 4, 4);
        sll.add(kSllHaType, std::uint64_t(*hatype), start + 8, 2);
        sll.add(kSllPktType8, std::uint64_t(*pkttype), start + 10, 1);
        sll.add(kSllHaLen, std::uint64_t(*halen), start + 11, 1);
        add_cooked_source(sll, *halen, *addr, start + 12);
    }
    ctx.set_protocol_column("SLL");
    cooked_payload(*protocol, *hatype, r, ctx);
}

void dissect_raw_ip(ByteReader r, PacketContext& ctx) {
    auto first = r.peek_u8();
    if (!first) {
        ctx.root.short_read(r, "raw IP packet");
        return;
    }
    if ((*first >> 4) == 4) {
        dissect_ethertype(kEtherTypeIpv4, r, ctx);
    } else if ((*first >> 4) == 6) {
        dissect_ethertype(kEtherTypeIpv6, r, ctx);
    } else {
        ctx.root.malformed("raw packet with IP version " + std::to_string(*first >> 4),
                           r.offset(), 1);
        dissect_data(r, ctx);
    }
}

// LINKTYPE_NULL (family in the capturing host's byte order) and LINKTYPE_LOOP
// (network byte order): a 4-byte address family, then the IP packet.
void dissect_null(ByteReader r, PacketContext& ctx, bool network_order) {
    ctx.add_protocol("null");
    const std::size_t start = r.offset();
    auto raw = network_order ? r.u32() : r.u32le();
    NodeRef null = ctx.root.add(kNull, std::monostate{}, start, 4);
    if (!raw) {
        null.short_read(r, "loopback header");
        return;
    }
    std::uint32_t family = *raw;
    // A file written on a host of the other byte order: the value sits in the top bytes.
    if (family > 0xffff) family = __builtin_bswap32(family);
    null.add(kNullFamily, std::uint64_t(family), start, 4);
    ByteReader payload = r.take_rest();
    if (family == 2) {
        dissect_ethertype(kEtherTypeIpv4, payload, ctx);
    } else if (family == 24 || family == 28 || family == 30) {
        dissect_ethertype(kEtherTypeIpv6, payload, ctx);
    } else {
        dissect_data(payload, ctx);
    }
}

// The table's entries return the frame's length: a link layer covers the whole frame.
template <void (*Dissect)(ByteReader, PacketContext&)>
std::size_t whole_frame(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    Dissect(r, ctx);
    return length;
}

void dissect_raw(ByteReader r, PacketContext& ctx) {
    ctx.add_protocol("raw");
    ctx.root.add(kRaw, std::monostate{}, 0, 0).set_text("Raw packet data");
    dissect_raw_ip(r, ctx);
}

void dissect_null_host_order(ByteReader r, PacketContext& ctx) { dissect_null(r, ctx, false); }
void dissect_null_network_order(ByteReader r, PacketContext& ctx) { dissect_null(r, ctx, true); }

}  // namespace

void register_cooked_links(DissectorTables& tables) {
    tables.link_type.add(kLinkLinuxSll, {"sll", whole_frame<dissect_sll>});
    tables.link_type.add(kLinkLinuxSll2, {"sll", whole_frame<dissect_sll2>});
    tables.link_type.add(kLinkNull, {"null", whole_frame<dissect_null_host_order>});
    tables.link_type.add(kLinkLoop, {"null", whole_frame<dissect_null_network_order>});
    for (std::uint32_t raw : {kLinkRaw, kLinkIpv4, kLinkIpv6}) tables.link_type.add(raw, {"raw", whole_frame<dissect_raw>});
}

}  // namespace tlsdissect
