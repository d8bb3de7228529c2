// DNS over UDP, and what UDP and TCP share: the layer, the columns, and the link to the
// query or response in another packet (DnsTransactionTable).
#include "dns/dns.hpp"

#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kResponseIn{"dns.response_in", "Response In", FieldType::FrameNum};
constexpr FieldDef kResponseTo{"dns.response_to", "Request In", FieldType::FrameNum};
constexpr FieldDef kTime{"dns.time", "Time", FieldType::RelTime, Base::None, {}, 0, 0, " seconds"};
constexpr FieldDef kRetransmitRequestIn{"dns.retransmit_request_in", "Retransmitted request. Original request in",
                                        FieldType::FrameNum};
constexpr FieldDef kRetransmitResponseIn{"dns.retransmit_response_in",
                                         "Retransmitted response. Original response in", FieldType::FrameNum};
constexpr FieldDef kRetransmission{"dns.retransmission", "Retransmission", FieldType::Bool};
constexpr FieldDef kUnsolicited{"dns.unsolicited", "Unsolicited", FieldType::Bool};

std::string_view column_name(DnsFlavor flavor) {
    switch (flavor) {
        case DnsFlavor::Mdns: return "MDNS";
        case DnsFlavor::Llmnr: return "LLMNR";
        default: return "DNS";
    }
}

void add_match(NodeRef layer, const DnsMessageFacts& facts, const DnsMatch& m) {
    if (!layer) return;
    if (!facts.response) {
        if (m.response_in) layer.add_generated(kResponseIn, std::uint64_t(m.response_in));
        if (m.retransmission) {
            layer.add_generated(kRetransmitRequestIn, std::uint64_t(m.retransmit_of));
            layer.add_generated(kRetransmission, true);
        }
        return;
    }
    if (m.request_in) {
        layer.add_generated(kResponseTo, std::uint64_t(m.request_in));
        layer.add_generated(kTime, std::int64_t(m.time_ns));
    }
    if (m.retransmission) {
        layer.add_generated(kRetransmitResponseIn, std::uint64_t(m.retransmit_of));
        layer.add_generated(kRetransmission, true);
    }
    if (m.unsolicited) layer.add_generated(kUnsolicited, true);
}

}  // namespace


DnsFlavor dns_flavor_for_ports(std::uint16_t a, std::uint16_t b) {
    if (a == kMdnsPort || b == kMdnsPort) return DnsFlavor::Mdns;
    if ((a == kLlmnrPort || b == kLlmnrPort) && a != kDnsPort && b != kDnsPort) return DnsFlavor::Llmnr;
    return DnsFlavor::Dns;
}

DnsMessageFacts dissect_dns_message(ByteReader message, NodeRef layer, PacketContext& ctx, const DnsEndpoints& where,
                                    DnsFlavor flavor, std::string* info) {
    DnsMessageFacts facts = parse_dns_message(message, layer, flavor, info);
    DnsMatch m = ctx.state->get<DnsState>().transactions.observe(where, facts, ctx.frame.number, ctx.frame.ts_ns);
    add_match(layer, facts, m);
    return facts;
}

// RFC 1035 section 4.2.1: one message per datagram.
void dissect_dns_udp(ByteReader payload, PacketContext& ctx, std::uint16_t src_port, std::uint16_t dst_port) {
    const DnsFlavor flavor = dns_flavor_for_ports(src_port, dst_port);
    const FieldDef& def = dns_layer_field(flavor);
    ctx.add_protocol(def.filter);
    NodeRef layer = ctx.add_layer(def, payload.offset(), payload.reported_remaining());
    DnsEndpoints where;
    where.src = ctx.src;
    where.dst = ctx.dst;
    where.src_port = src_port;
    where.dst_port = dst_port;
    where.transport = DnsTransport::Udp;
    std::string info;
    dissect_dns_message(payload, layer, ctx, where, flavor, ctx.columns ? &info : nullptr);
    if (ctx.columns) {
        ctx.columns->protocol.assign(column_name(flavor));
        ctx.columns->info = std::move(info);
    }
}

}  // namespace tlsdissect
