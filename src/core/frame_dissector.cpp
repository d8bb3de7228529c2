// The frame layer ("Frame 16: 255 bytes on wire ...") and the engine that carries
// state from packet to packet.
#include <algorithm>
#include <string>

#include "core/packet_context.hpp"
#include "dns/dns_transactions.hpp"
#include "net/ip_fragments.hpp"
#include "tlsdissect/dissect.hpp"
#include "tlsdissect/text.hpp"
#include "dns/dns.hpp"
#include "tls/chain_of_trust.hpp"
#include "tls/tls_connection.hpp"
#include "transport/conversations.hpp"

namespace tlsdissect {

namespace {

constexpr ValueName kEncapNames[] = {
    {kLinkNull, "NULL/Loopback"}, {kLinkEthernet, "Ethernet"}, {kLinkRaw, "Raw IP"},
    {kLinkLoop, "OpenBSD loopback"}, {kLinkLinuxSll, "Linux cooked-mode capture v1"},
    {kLinkIpv4, "Raw IPv4"}, {kLinkIpv6, "Raw IPv6"}, {kLinkLinuxSll2, "Linux cooked-mode capture v2"},
};

constexpr FieldDef kFrame{"frame", "Frame", FieldType::Protocol};
constexpr FieldDef kInterfaceId{"frame.interface_id", "Interface id", FieldType::UInt};
constexpr FieldDef kInterfaceName{"frame.interface_name", "Interface name", FieldType::String};
constexpr FieldDef kEncap{"frame.linktype", "Link type", FieldType::UInt, Base::Dec, kEncapNames};
constexpr FieldDef kTime{"frame.time", "Arrival Time", FieldType::AbsTime};
constexpr FieldDef kTimeEpoch{"frame.time_epoch", "Epoch Time", FieldType::RelTime, Base::None, {}, 0, 0, " seconds"};
constexpr FieldDef kTimeDelta{"frame.time_delta", "Time delta from previous captured frame", FieldType::RelTime, Base::None, {}, 0, 0, " seconds"};
constexpr FieldDef kTimeRelative{"frame.time_relative", "Time since reference or first frame", FieldType::RelTime, Base::None, {}, 0, 0, " seconds"};
constexpr FieldDef kNumber{"frame.number", "Frame Number", FieldType::UInt};
constexpr FieldDef kLen{"frame.len", "Frame Length", FieldType::UInt};
constexpr FieldDef kCapLen{"frame.cap_len", "Capture Length", FieldType::UInt};
constexpr FieldDef kProtocols{"frame.protocols", "Protocols in frame", FieldType::String};

std::string bytes_and_bits(std::uint32_t n) {
    return concat(n, " bytes (", std::uint64_t(n) * 8, " bits)");
}

}  // namespace

std::string NetAddress::to_string() const {
    if (family == 4) {
        Ipv4Address a;
        std::copy(bytes.begin(), bytes.begin() + 4, a.b.begin());
        return tlsdissect::to_string(a);
    }
    if (family == 6) {
        Ipv6Address a;
        a.b = bytes;
        return tlsdissect::to_string(a);
    }
    return {};
}

// "127.0.0.1:443" or "[::1]:443" for node 0 (the first sender) or node 1 of a connection.
std::string follow_endpoint(const TcpConversation& conv, int node);

// How often (in frames) closed and idle connections are looked for and freed.
constexpr std::uint64_t kExpireEveryFrames = 4096;

class EngineState {
public:
    EngineState() {
        tcp_limits.total_buffered = &tcp_buffered;
        services.tcp_limits = &tcp_limits;
        services.dns = &dns;
        services.chain_verifier = &chain_verifier;
        services.detect_tcp_application = [this](const TcpConversation& conv, int side,
                                                 Bytes first) -> std::unique_ptr<TcpApplication> {
            const TlsStart tls = detect_tls(first, conv.port[0], conv.port[1]);
            if (tls != TlsStart::No) {
                auto app = std::make_unique<TlsConnection>(side, tls == TlsStart::MaybeStartTls, key_log);
                if (services.follow_tls_sink && services.follow_tls_stream == conv.stream)
                    app->follow_plaintext(tls_follower(conv));
                return app;
            }
            if (plausible_dns_over_tcp(first, conv.port[0], conv.port[1])) return make_dns_tcp_application(conv);
            return nullptr;
        };
    }
    EngineState(const EngineState&) = delete;
    EngineState& operator=(const EngineState&) = delete;
    // The sink TlsConnection feeds for --follow-tls, with the connection's endpoints.
    std::function<void(int, std::uint64_t, Bytes)> tls_follower(const TcpConversation& conv) {
        FollowChunk proto;
        for (int n = 0; n < 2; ++n) proto.endpoint[n] = follow_endpoint(conv, n);
        const int first_sender = conv.first_sender;
        std::uint64_t offset[2] = {0, 0};
        return [this, proto, first_sender, offset](int side, std::uint64_t frame, Bytes data) mutable {
            FollowChunk c = proto;
            c.node = side == first_sender ? 0 : 1;
            c.offset = offset[c.node];
            c.length = data.size();
            c.data = data;
            c.frame = frame;
            offset[c.node] += data.size();
            services.follow_tls_sink(c);
        };
    }
    TcpReassemblyLimits tcp_limits;
    std::size_t tcp_buffered = 0;
    const KeyLog* key_log = nullptr;
    StreamServices services;
    TcpConversationTable tcp;
    UdpConversationTable udp;
    IpFragmentReassembler fragments;
    DnsTransactionTable dns;
    ChainVerifier chain_verifier;
    std::vector<CaptureInterface> interfaces;
    std::uint64_t frames = 0;
    std::int64_t first_ts = 0;
    std::int64_t previous_ts = 0;
};

FrameDissector::FrameDissector() : state_(std::make_unique<EngineState>()) {}
FrameDissector::~FrameDissector() = default;

void FrameDissector::set_interfaces(const std::vector<CaptureInterface>& interfaces) {
    state_->interfaces = interfaces;
}

std::uint64_t FrameDissector::frames() const { return state_->frames; }

std::size_t FrameDissector::tcp_buffered_bytes() const { return state_->tcp_buffered; }
std::size_t FrameDissector::open_tcp_connections() const { return state_->tcp.open(); }
DnsTransactionTable& FrameDissector::dns_transactions() { return state_->dns; }

void FrameDissector::set_key_log(const KeyLog* keys) { state_->key_log = keys; }

void FrameDissector::set_limits(const EngineLimits& limits) {
    if (limits.tcp_max_out_of_order_bytes) state_->tcp_limits.max_out_of_order_bytes = limits.tcp_max_out_of_order_bytes;
    if (limits.tcp_max_total_buffered_bytes)
        state_->tcp_limits.max_total_buffered_bytes = limits.tcp_max_total_buffered_bytes;
    if (limits.tcp_max_connections) state_->tcp.set_max_connections(limits.tcp_max_connections);
    if (limits.udp_max_conversations) state_->udp.set_max_conversations(limits.udp_max_conversations);
}

void FrameDissector::set_tls_verify(const TlsVerifyOptions& options) {
    state_->chain_verifier = ChainVerifier(options.roots);
    state_->services.verify_chain_always = options.check_without_tree;
}
void FrameDissector::set_audit(AuditSettings* audit) { state_->services.audit = audit; }

void FrameDissector::on_tcp_close(std::function<void(const TcpConversation&)> hook) {
    state_->services.on_tcp_close = std::move(hook);
}

std::string follow_endpoint(const TcpConversation& conv, int node) {
    const int side = node == 0 ? conv.first_sender : 1 - conv.first_sender;
    const NetAddress& a = conv.address[side];
    return (a.family == 6 ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(conv.port[side]);
}
void FrameDissector::end_connections_at_close(bool on) { state_->services.end_at_close = on; }

void FrameDissector::follow_tcp_stream(std::uint32_t stream, std::function<void(const FollowChunk&)> sink) {
    state_->services.follow_stream = stream;
    state_->services.follow_sink = [sink = std::move(sink)](const TcpConversation& conv, int node,
                                                             const StreamEvent& e) {
        FollowChunk c;
        c.node = node;
        c.gap = e.kind == StreamEvent::Kind::Gap;
        c.offset = e.offset;
        c.length = e.length;
        c.data = e.data;
        c.frame = e.frame;
        for (int n = 0; n < 2; ++n) c.endpoint[n] = follow_endpoint(conv, n);
        sink(c);
    };
}

void FrameDissector::follow_tls_stream(std::uint32_t stream, std::function<void(const FollowChunk&)> sink) {
    state_->services.follow_tls_stream = stream;
    state_->services.follow_tls_sink = std::move(sink);
}

void FrameDissector::expire_connections(std::int64_t now_ns) {
    EngineState& s = *state_;
    PacketContext ctx{FrameInfo{}, NodeRef{}, nullptr, s.tcp, s.udp, s.fragments, s.services, {}, {}, {}, 0};
    s.tcp.expire(now_ns, [&](TcpConversation& conv) { close_tcp_conversation(conv, ctx); });
    s.udp.expire();
}

void FrameDissector::finish() {
    EngineState& s = *state_;
    PacketContext ctx{FrameInfo{}, NodeRef{}, nullptr, s.tcp, s.udp, s.fragments, s.services, {}, {}, {}, 0};
    ctx.frame.number = s.frames;
    // In stream order, so that streaming output (--sessions --jsonl) is predictable.
    std::vector<TcpConversation*> open;
    s.tcp.for_each([&](TcpConversation& conv) { open.push_back(&conv); });
    std::sort(open.begin(), open.end(), [](const auto* a, const auto* b) { return a->stream < b->stream; });
    for (auto* conv : open) close_tcp_conversation(*conv, ctx);
}

void FrameDissector::dissect(const CapturedPacket& packet, Tree* tree, PacketColumns* columns,
                             FrameInfo* info_out) {
    EngineState& s = *state_;
    FrameInfo info;
    info.number = ++s.frames;
    info.ts_ns = packet.ts_ns;
    if (info.number == 1) s.first_ts = s.previous_ts = packet.ts_ns;
    info.since_first_ns = packet.ts_ns - s.first_ts;
    info.since_previous_ns = packet.ts_ns - s.previous_ts;
    s.previous_ts = packet.ts_ns;
    info.captured_length = packet.captured_length;
    info.original_length = packet.original_length;
    info.interface_id = packet.interface_id;
    info.link_type = packet.link_type;
    if (info_out) *info_out = info;

    NodeRef root;
    if (tree) {
        tree->clear();
        tree->frame_bytes = packet.data;
        root = tree->root();
    }
    if (columns) columns->clear();

    if (info.number % kExpireEveryFrames == 0) expire_connections(packet.ts_ns);
    PacketContext ctx{info, root, columns, s.tcp, s.udp, s.fragments, s.services, {}, {}, {}, 0};
    NodeRef frame = root.add(kFrame, std::monostate{}, 0, packet.captured_length);
    NodeRef protocols;
    if (frame) {
        std::string line = concat("Frame ", info.number, ": ", packet.original_length, " bytes on wire (",
                                  std::uint64_t(packet.original_length) * 8, " bits), ", packet.captured_length,
                                  " bytes captured (", std::uint64_t(packet.captured_length) * 8, " bits)");
        const bool pcapng = !s.interfaces.empty() && !s.interfaces[0].name.empty();
        if (pcapng && packet.interface_id < s.interfaces.size()) {
            const std::string& name = s.interfaces[packet.interface_id].name;
            line += " on interface " + name + ", id " + std::to_string(packet.interface_id);
        }
        frame.set_text(std::move(line));
        if (s.interfaces.size() > 1 || pcapng) {
            NodeRef id = frame.add_generated(kInterfaceId, std::uint64_t(packet.interface_id));
            if (packet.interface_id < s.interfaces.size() && !s.interfaces[packet.interface_id].name.empty())
                id.add_generated(kInterfaceName, s.interfaces[packet.interface_id].name);
        }
        frame.add(kEncap, std::uint64_t(packet.link_type), 0, 0)
            .set_text(concat("Encapsulation type: ", link_type_description(packet.link_type), " (",
                             packet.link_type, ")"));
        frame.add(kTime, std::int64_t(packet.ts_ns), 0, 0);
        frame.add(kTimeEpoch, std::int64_t(packet.ts_ns), 0, 0);
        frame.add_generated(kTimeDelta, std::int64_t(info.since_previous_ns));
        frame.add_generated(kTimeRelative, std::int64_t(info.since_first_ns));
        frame.add(kNumber, std::uint64_t(info.number), 0, 0);
        frame.add(kLen, std::uint64_t(packet.original_length), 0, 0)
            .set_text(concat("Frame Length: ", bytes_and_bits(packet.original_length)));
        frame.add(kCapLen, std::uint64_t(packet.captured_length), 0, 0)
            .set_text(concat("Capture Length: ", bytes_and_bits(packet.captured_length)));
        protocols = frame.add_generated(kProtocols, std::string());
    }
    ByteReader reader(packet.data, packet.original_length, 0);
    dissect_link(packet.link_type, reader, ctx);
    if (packet.captured_length < packet.original_length && frame)
        frame.add_text(kTruncatedField,
                       "Truncated: packet size limited during capture (" + std::to_string(packet.captured_length) +
                           " of " + std::to_string(packet.original_length) + " bytes)",
                       0, 0);
    if (protocols) protocols.get()->value = ctx.protocols;
}

}  // namespace tlsdissect
