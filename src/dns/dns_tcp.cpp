// DNS over TCP (RFC 7766 section 8, RFC 1035 section 4.2.2): each message is preceded
// by a 2-byte length; a connection may carry many messages each way, a segment several
// messages, a message several segments.
#include <string>

#include "dns/dns.hpp"
#include "transport/conversations.hpp"
#include "transport/message_application.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kLength{"dns.length", "Length", FieldType::UInt};

// RFC 1035 section 4.2.2: LENGTH (16) | message
PduShape message_shape(Bytes head) {
    if (head.size() < 2) return PduShape::need(2);
    const std::size_t length = static_cast<std::size_t>(head[0] << 8 | head[1]);
    return PduShape::pdu(2 + length, 2 + length);
}

class DnsTcpConnection final : public MessageApplication {
public:
    explicit DnsTcpConnection(const TcpConversation* conv) : MessageApplication(0) {
        keep_no_steps();
        if (!conv) return;
        known_endpoints_ = true;
        for (int s = 0; s < 2; ++s) {
            address_[s] = conv->address[s];
            port_[s] = conv->port[s];
        }
        flavor_ = dns_flavor_for_ports(port_[0], port_[1]);
    }

    void on_stream_event(int side, const StreamEvent& event, PacketContext& ctx) override {
        feed(side, event, ctx, message_shape, [&](const AssembledPdu& pdu) { on_message(side & 1, pdu, ctx); });
    }

private:
    DnsEndpoints endpoints(int side, const PacketContext& ctx) const {
        DnsEndpoints where;
        where.transport = DnsTransport::Tcp;
        if (known_endpoints_) {
            where.src = address_[side];
            where.dst = address_[1 - side];
            where.src_port = port_[side];
            where.dst_port = port_[1 - side];
        } else {
            // The table keys on the unordered pair, so a message delivered in the other
            // side's frame still meets its partner.
            where.src = ctx.src;
            where.dst = ctx.dst;
        }
        return where;
    }

    void on_message(int side, const AssembledPdu& pdu, PacketContext& ctx) {
        ByteReader reader;
        NodeRef layer = layer_for(dns_layer_field(flavor_), pdu, reader, ctx);
        const std::size_t length_at = reader.offset();
        auto length = reader.u16();
        if (!length) {  // cannot happen: the framer hands over whole messages
            layer.short_read(reader, "DNS over TCP length");
            return;
        }
        layer.add(kLength, std::uint64_t(*length), length_at, 2);
        ByteReader message = reader.take_rest();
        std::string info;
        dissect_dns_message(message, layer, ctx, endpoints(side, ctx), flavor_, ctx.columns ? &info : nullptr);
        if (ctx.columns)
            show_info(ctx, flavor_ == DnsFlavor::Mdns ? "MDNS" : flavor_ == DnsFlavor::Llmnr ? "LLMNR" : "DNS", info);
    }

    bool known_endpoints_ = false;
    NetAddress address_[2];
    std::uint16_t port_[2] = {0, 0};
    DnsFlavor flavor_ = DnsFlavor::Dns;
};

}  // namespace

std::unique_ptr<TcpApplication> make_dns_tcp_application() { return std::make_unique<DnsTcpConnection>(nullptr); }

std::unique_ptr<TcpApplication> make_dns_tcp_application(const TcpConversation& conv) {
    return std::make_unique<DnsTcpConnection>(&conv);
}

bool plausible_dns_over_tcp(Bytes first) {
    if (first.size() < 14) return false;
    const std::size_t length = static_cast<std::size_t>(first[0] << 8 | first[1]);
    return length + 2 == first.size() && plausible_dns_message(first.subspan(2));
}

void register_dns(DissectorTables& tables) {
    constexpr PayloadDissectFn dns_udp = [](ByteReader payload, PacketContext& ctx) {
        dissect_dns_udp(payload, ctx, ctx.src_port, ctx.dst_port);
        return payload.reported_remaining();
    };
    for (std::uint16_t port : {kDnsPort, kMdnsPort, kLlmnrPort}) tables.udp_port.add(port, {"dns", dns_udp});
    // Outside the --shard too: every shard needs the answers for its connections' links.
    tables.udp_heuristics.add({"dns", dns_udp,
                               [](ByteReader payload, const PacketContext&) {
                                   return payload.captured_all() && plausible_dns_message(payload.rest());
                               },
                               true});
    constexpr TcpApplicationFactory dns_tcp = [](const TcpConversation& conv, int, PacketContext&) {
        return make_dns_tcp_application(conv);
    };
    for (std::uint16_t port : {kDnsPort, kMdnsPort}) tables.tcp_port.add(port, {"dns", dns_tcp, nullptr});
    tables.tcp_heuristics.add(
        {"dns", dns_tcp, [](Bytes first, const TcpConversation&) { return plausible_dns_over_tcp(first); }});
}

}  // namespace tlsdissect
