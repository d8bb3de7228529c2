// DNS over TCP (RFC 7766 section 8, RFC 1035 section 4.2.2): each message is preceded
// by a 2-byte length; a connection may carry many messages each way, a segment several
// messages, a message several segments.
#include <string>

#include "dns/dns.hpp"
#include "transport/conversations.hpp"
#include "transport/pdu_assembler.hpp"
#include "transport/tcp_application.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kLength{"dns.length", "Length", FieldType::UInt};

// RFC 1035 section 4.2.2: LENGTH (16) | message
PduShape message_shape(Bytes head) {
    if (head.size() < 2) return PduShape::need(2);
    const std::size_t length = static_cast<std::size_t>(head[0] << 8 | head[1]);
    return PduShape::pdu(2 + length, 2 + length);
}

class DnsTcpConnection final : public TcpApplication {
public:
    explicit DnsTcpConnection(const TcpConversation* conv) {
        if (!conv) return;
        known_endpoints_ = true;
        for (int s = 0; s < 2; ++s) {
            address_[s] = conv->address[s];
            port_[s] = conv->port[s];
        }
        flavor_ = dns_flavor_for_ports(port_[0], port_[1]);
    }

    void on_stream_event(int side, const StreamEvent& event, PacketContext& ctx) override {
        note_frame(ctx);
        if (event.kind == StreamEvent::Kind::Data && event.current_frame) frame_consumed_ = true;
        framer_[side & 1].feed(
            event, ctx.frame.number, [](Bytes head) { return message_shape(head); },
            [&](const AssembledPdu& pdu) { on_message(side & 1, pdu, ctx); }, [](std::size_t) {});
    }

    FrameUse frame_use(std::uint64_t frame) const override {
        if (frame != frame_) return {};
        return {frame_consumed_, frame_shown_};
    }

private:
    void note_frame(PacketContext& ctx) {
        if (ctx.frame.number == frame_) return;
        frame_ = ctx.frame.number;
        frame_consumed_ = frame_shown_ = frame_protocol_added_ = false;
        frame_info_.clear();
    }

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

    // Where the message's bytes are: in place in the frame, or in a new data source
    // with the list of segments that carried it (the way Wireshark shows it).
    NodeRef layer_for(const AssembledPdu& pdu, ByteReader& reader, PacketContext& ctx) {
        const FieldDef& def = dns_layer_field(flavor_);
        if (pdu.in_current_frame || !ctx.root) {
            reader = ByteReader(pdu.bytes, pdu.length, pdu.in_current_frame ? pdu.frame_offset : 0);
            return ctx.root.add(def, std::monostate{}, pdu.frame_offset, pdu.length, ctx.source);
        }
        const std::uint16_t source = present_reassembled_pdu(ctx.root, pdu);
        reader = ByteReader(ctx.root.tree()->source_bytes(source), pdu.length, 0);
        return ctx.root.add(def, std::monostate{}, 0, pdu.length, source);
    }

    void on_message(int side, const AssembledPdu& pdu, PacketContext& ctx) {
        frame_shown_ = true;
        ByteReader reader;
        NodeRef layer = layer_for(pdu, reader, ctx);
        if (!frame_protocol_added_) ctx.add_protocol(dns_layer_field(flavor_).filter);
        frame_protocol_added_ = true;
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
        if (!ctx.columns) return;
        if (!frame_info_.empty()) frame_info_ += ", ";
        frame_info_ += info;
        ctx.columns->protocol = flavor_ == DnsFlavor::Mdns ? "MDNS" : flavor_ == DnsFlavor::Llmnr ? "LLMNR" : "DNS";
        ctx.columns->info = frame_info_;
    }

    PduAssembler framer_[2];
    bool known_endpoints_ = false;
    NetAddress address_[2];
    std::uint16_t port_[2] = {0, 0};
    DnsFlavor flavor_ = DnsFlavor::Dns;
    std::uint64_t frame_ = 0;
    bool frame_consumed_ = false;
    bool frame_shown_ = false;
    bool frame_protocol_added_ = false;
    std::string frame_info_;
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
    tables.udp_heuristics.add({"dns", dns_udp, [](ByteReader payload, const PacketContext&) {
                                   return payload.captured_all() && plausible_dns_message(payload.rest());
                               }});
    constexpr TcpApplicationFactory dns_tcp = [](const TcpConversation& conv, int, PacketContext&) {
        return make_dns_tcp_application(conv);
    };
    for (std::uint16_t port : {kDnsPort, kMdnsPort}) tables.tcp_port.add(port, {"dns", dns_tcp, nullptr});
    tables.tcp_heuristics.add(
        {"dns", dns_tcp, [](Bytes first, const TcpConversation&) { return plausible_dns_over_tcp(first); }});
}

}  // namespace tlsdissect
