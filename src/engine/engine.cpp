// The engine: the frame layer ("Frame 16: 255 bytes on wire ..."), the one module that
// knows every protocol. It registers them all in the dissector tables, owns each
// module's per-capture state and the session layer, and hands each frame to the link
// layer its link type names.
#include <algorithm>
#include <string>

#include "core/packet_context.hpp"
#include "dtls/dtls.hpp"
#include "quic/quic.hpp"
#include "engine/protocols.hpp"
#include "session/session_layer.hpp"
#include "tls/keylog.hpp"
#include "tls/tls_state.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"
#include "tlsdissect/text.hpp"
#include "transport/transport.hpp"

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

}  // namespace

// pcapng Decryption Secrets Block type of a TLS key log.
constexpr std::uint32_t kTlsKeyLogSecrets = 0x544c534b;

// How often (in frames) closed and idle connections are looked for and freed.
constexpr std::uint64_t kExpireEveryFrames = 4096;

// The engine's state: the dissector tables every protocol registered itself in, each
// module's per-capture state, and the session layer over them.
class EngineState {
public:
    EngineState() : sessions(state) {
        register_all_protocols(tables);
        TlsState& tls = state.get<TlsState>();
        tls.chain_verifier.emplace();
        tls.key_log = &keys;
    }
    EngineState(const EngineState&) = delete;
    EngineState& operator=(const EngineState&) = delete;

    DissectorTables tables;
    KeyLog keys;                   // --keylog files, then the capture's secrets blocks
    std::size_t secrets_used = 0;  // secrets blocks of the reader already taken
    std::string protocols_buffer;  // frame.protocols being collected, kept between packets
    CaptureState state;
    SessionLayer sessions;
    std::vector<CaptureInterface> interfaces;
    std::uint64_t frames = 0;
    std::int64_t first_ts = 0;
    std::int64_t previous_ts = 0;

    PacketContext context(const FrameInfo& frame, NodeRef root = {}, PacketColumns* columns = nullptr) {
        return PacketContext(frame, root, columns, state, &tables);
    }
};

FrameDissector::FrameDissector() : state_(std::make_unique<EngineState>()) {}
FrameDissector::~FrameDissector() = default;

void FrameDissector::set_interfaces(const std::vector<CaptureInterface>& interfaces) {
    state_->interfaces = interfaces;
}

std::uint64_t FrameDissector::frames() const { return state_->frames; }

std::size_t FrameDissector::tcp_buffered_bytes() const {
    const TcpState* tcp = state_->state.find<TcpState>();
    return tcp ? tcp->buffered : 0;
}
LimitsReached FrameDissector::limits_reached() {
    LimitsReached r;
    if (const TcpState* tcp = state_->state.find<TcpState>()) {
        r.tcp_connections_given_up = tcp->given_up_connections;
        r.tcp_bytes_given_up = tcp->given_up_bytes;
    }
    r.dns_transactions_not_listed = sessions().dns().not_listed();
    return r;
}

std::size_t FrameDissector::open_tcp_connections() const {
    const TcpState* tcp = state_->state.find<TcpState>();
    return tcp ? tcp->connections.open() : 0;
}
SessionLayer& FrameDissector::sessions() { return state_->sessions; }

void FrameDissector::set_key_log(const KeyLog& keys) { state_->keys = keys; }

void FrameDissector::take_capture_secrets(const CaptureReader& reader, const std::string& capture_name,
                                          std::vector<std::string>& warnings) {
    EngineState& s = *state_;
    const auto& blocks = reader.secrets();
    for (; s.secrets_used < blocks.size(); ++s.secrets_used) {
        const DecryptionSecrets& block = blocks[s.secrets_used];
        if (block.type != kTlsKeyLogSecrets) continue;
        s.keys.add_text(std::string_view(reinterpret_cast<const char*>(block.data.data()), block.data.size()),
                        capture_name + " (Decryption Secrets Block " + std::to_string(s.secrets_used + 1) + ")",
                        warnings);
    }
}

void FrameDissector::set_limits(const EngineLimits& limits) {
    TcpState& tcp = state_->state.get<TcpState>();
    if (limits.tcp_max_out_of_order_bytes) tcp.limits.max_out_of_order_bytes = limits.tcp_max_out_of_order_bytes;
    if (limits.tcp_max_total_buffered_bytes) tcp.limits.max_total_buffered_bytes = limits.tcp_max_total_buffered_bytes;
    if (limits.tcp_max_connections) tcp.connections.set_max_connections(limits.tcp_max_connections);
    if (limits.udp_max_conversations)
        state_->state.get<UdpState>().conversations.set_max_conversations(limits.udp_max_conversations);
}

void FrameDissector::set_tls_verify(const TlsVerifyOptions& options) {
    TlsState& tls = state_->state.get<TlsState>();
    tls.chain_verifier.emplace(options.roots);
    tls.verify_chain_always = options.check_without_tree;
}
void FrameDissector::set_audit(AuditSettings* audit) { state_->state.get<TlsState>().audit = audit; }

void FrameDissector::end_connections_at_close(bool on) { state_->state.get<TcpState>().end_at_close = on; }

void FrameDissector::set_lasting_bytes(Bytes bytes) { state_->state.get<TcpState>().lasting = bytes; }

void FrameDissector::set_shard(std::uint32_t index, std::uint32_t count) {
    const Shard shard{index, count};
    state_->state.get<TcpState>().shard = shard;
    state_->state.get<UdpState>().shard = shard;
}

void FrameDissector::follow_tcp_stream(std::uint32_t stream, std::function<void(const FollowChunk&)> sink) {
    TcpState& tcp = state_->state.get<TcpState>();
    tcp.follow_stream = stream;
    tcp.follow_sink = [sink = std::move(sink)](const TcpConversation& conv, int node, const StreamEvent& e) {
        FollowChunk c;
        c.node = node;
        c.gap = e.kind == StreamEvent::Kind::Gap;
        c.offset = e.offset;
        c.length = e.length;
        c.data = e.data;
        c.frame = e.frame;
        for (int n = 0; n < 2; ++n) {
            const int side = n == 0 ? conv.first_sender : 1 - conv.first_sender;
            c.endpoint[n] = conv.address[side].endpoint_text(conv.port[side]);
        }
        sink(c);
    };
}

void FrameDissector::follow_tls_stream(std::uint32_t stream, std::function<void(const FollowChunk&)> sink) {
    TlsState& tls = state_->state.get<TlsState>();
    tls.follow_stream = stream;
    tls.follow_sink = std::move(sink);
}

void FrameDissector::expire_connections(std::int64_t now_ns) {
    EngineState& s = *state_;
    PacketContext ctx = s.context(FrameInfo{});
    s.state.get<TcpState>().connections.expire(now_ns, [&](TcpConversation& conv) { close_tcp_conversation(conv, ctx); });
    if (UdpState* udp = s.state.find<UdpState>()) udp->conversations.expire();
}

void FrameDissector::finish() {
    EngineState& s = *state_;
    FrameInfo info;
    info.number = s.frames;
    PacketContext ctx = s.context(info);
    // In stream order, so that streaming output (--sessions --jsonl) is predictable.
    std::vector<TcpConversation*> open;
    s.state.get<TcpState>().connections.for_each([&](TcpConversation& conv) { open.push_back(&conv); });
    std::sort(open.begin(), open.end(), [](const auto* a, const auto* b) { return a->stream < b->stream; });
    for (auto* conv : open) close_tcp_conversation(*conv, ctx);
    finish_dtls(s.state);
    finish_quic(s.state);
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
    PacketContext ctx = s.context(info, root, columns);
    ctx.protocols.swap(s.protocols_buffer);
    ctx.protocols.clear();
    NodeRef frame = root.add(kFrame, std::monostate{}, 0, packet.captured_length);
    NodeRef protocols;
    if (frame) {
        const bool pcapng = !s.interfaces.empty() && !s.interfaces[0].name.empty();
        frame.set_text("Frame ", info.number, ": ", packet.original_length, " bytes on wire (",
                       std::uint64_t(packet.original_length) * 8, " bits), ", packet.captured_length,
                       " bytes captured (", std::uint64_t(packet.captured_length) * 8, " bits)");
        if (pcapng && packet.interface_id < s.interfaces.size())
            append_parts(*frame.text_buffer(), " on interface ", s.interfaces[packet.interface_id].name,
                         ", id ", packet.interface_id);
        if (s.interfaces.size() > 1 || pcapng) {
            NodeRef id = frame.add_generated(kInterfaceId, std::uint64_t(packet.interface_id));
            if (packet.interface_id < s.interfaces.size() && !s.interfaces[packet.interface_id].name.empty())
                id.add_generated(kInterfaceName, s.interfaces[packet.interface_id].name);
        }
        frame.add(kEncap, std::uint64_t(packet.link_type), 0, 0)
            .set_text("Encapsulation type: ", link_type_description(packet.link_type), " (", packet.link_type,
                      ")");
        frame.add(kTime, std::int64_t(packet.ts_ns), 0, 0);
        frame.add(kTimeEpoch, std::int64_t(packet.ts_ns), 0, 0);
        frame.add_generated(kTimeDelta, std::int64_t(info.since_previous_ns));
        frame.add_generated(kTimeRelative, std::int64_t(info.since_first_ns));
        frame.add(kNumber, std::uint64_t(info.number), 0, 0);
        frame.add(kLen, std::uint64_t(packet.original_length), 0, 0)
            .set_text("Frame Length: ", packet.original_length, " bytes (", std::uint64_t(packet.original_length) * 8,
                      " bits)");
        frame.add(kCapLen, std::uint64_t(packet.captured_length), 0, 0)
            .set_text("Capture Length: ", packet.captured_length, " bytes (",
                      std::uint64_t(packet.captured_length) * 8, " bits)");
        protocols = frame.add_string(kProtocols, {}, 0, 0).set_generated();
    }
    ByteReader reader(packet.data, packet.original_length, 0);
    if (!dispatch_uint(s.tables.link_type, packet.link_type, reader, ctx)) {
        ctx.root.malformed("link type " + link_type_name(packet.link_type) + " (" + std::to_string(packet.link_type) +
                               ") is not dissected",
                           0, reader.remaining());
        dissect_data(reader, ctx);
    }
    if (packet.captured_length < packet.original_length && frame)
        frame.add(kTruncatedField, std::monostate{}, 0, 0)
            .set_text("Truncated: packet size limited during capture (", packet.captured_length, " of ",
                      packet.original_length, " bytes)");
    if (protocols) std::get<std::string>(protocols.get()->value).assign(ctx.protocols);
    s.protocols_buffer.swap(ctx.protocols);
}

}  // namespace tlsdissect
