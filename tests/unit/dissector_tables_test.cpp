// The architecture's seams: dissector tables, per-capture module state, a TCP
// application handing a connection over, and the handshake-message buffer shared by
// the TLS transports.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/capture_state.hpp"
#include "core/dissector_tables.hpp"
#include "core/packet_context.hpp"
#include "net/ip.hpp"
#include "session/session_layer.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"
#include "tls/handshake_buffer.hpp"
#include "transport/conversations.hpp"
#include "transport/tcp_application.hpp"
#include "transport/transport.hpp"

using namespace tlsdissect;

namespace {

std::size_t dissect_a(ByteReader, PacketContext&) { return 1; }
std::size_t dissect_b(ByteReader, PacketContext&) { return 2; }

}  // namespace

TEST_CASE("Dissector tables: lookups by number, the lower port first, later registrations replace", "[architecture]") {
    UintDissectorTable<PayloadDissector> ports;
    ports.add(4789, {"vxlan", dissect_a});
    ports.add(53, {"dns", dissect_b});
    REQUIRE(ports.find(4789));
    CHECK(ports.find(4789)->name == "vxlan");
    CHECK(ports.find(80) == nullptr);
    // A datagram from port 53 to port 4789: the lower port is asked first.
    CHECK(ports.find_ports(4789, 53)->name == "dns");
    CHECK(ports.find_ports(53, 4789)->name == "dns");
    CHECK(ports.find_ports(4789, 60000)->name == "vxlan");
    CHECK(ports.find_ports(1, 2) == nullptr);
    ports.add(53, {"other", dissect_a});
    CHECK(ports.find(53)->name == "other");
    CHECK(ports.size() == 2);

    StringDissectorTable<PayloadDissector> names;
    names.add("tls", {"tls", dissect_a});
    CHECK(names.find("tls") != nullptr);
    CHECK(names.find("http") == nullptr);
}

namespace {

struct Counter {
    int value = 0;
};
struct First {
    int* order = nullptr;
    ~First() {
        if (order) *order = 1;
    }
};
struct Second {
    int* order = nullptr;
    ~Second() {
        if (order && *order == 0) *order = 2;  // destroyed before First
    }
};

}  // namespace

TEST_CASE("Capture state: one slot per type, made on first use, freed in reverse order", "[architecture]") {
    int order = 0;
    {
        CaptureState state;
        CHECK(state.find<Counter>() == nullptr);
        state.get<Counter>().value = 7;
        CHECK(state.get<Counter>().value == 7);
        REQUIRE(state.find<Counter>() != nullptr);
        CHECK(state.find<Counter>()->value == 7);
        state.get<First>().order = &order;
        state.get<Second>().order = &order;
    }
    // Second was made after First, so it went first: First's destructor ran last.
    CHECK(order == 1);
}

namespace {

// Two applications: the first takes one payload and hands the connection over to the
// second, which takes the rest (the shape of STARTTLS, HTTP CONNECT, SOCKS).
std::vector<std::string> g_first, g_second;

class SecondApp final : public TcpApplication {
public:
    void on_stream_event(int, const StreamEvent& e, PacketContext&) override {
        if (e.kind == StreamEvent::Kind::Data) g_second.emplace_back(e.data.begin(), e.data.end());
    }
    FrameUse frame_use(std::uint64_t) const override { return {}; }
};

class FirstApp final : public TcpApplication {
public:
    void on_stream_event(int, const StreamEvent& e, PacketContext&) override {
        if (e.kind != StreamEvent::Kind::Data) return;
        g_first.emplace_back(e.data.begin(), e.data.end());
        hand_over(std::make_unique<SecondApp>());
    }
    FrameUse frame_use(std::uint64_t) const override { return {}; }
};

std::vector<std::uint8_t> tcp_segment(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint8_t flags,
                                      const std::string& payload) {
    std::vector<std::uint8_t> s = {static_cast<std::uint8_t>(sport >> 8), static_cast<std::uint8_t>(sport),
                                   static_cast<std::uint8_t>(dport >> 8), static_cast<std::uint8_t>(dport),
                                   static_cast<std::uint8_t>(seq >> 24),  static_cast<std::uint8_t>(seq >> 16),
                                   static_cast<std::uint8_t>(seq >> 8),   static_cast<std::uint8_t>(seq),
                                   0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0};
    s.insert(s.end(), payload.begin(), payload.end());
    return s;
}

}  // namespace

TEST_CASE("A TCP application hands the rest of a connection over to another", "[architecture]") {
    g_first.clear();
    g_second.clear();
    DissectorTables tables;
    register_transport(tables);
    tables.tcp_signatures.add({"first",
                               [](const TcpConversation&, int, PacketContext&) -> std::unique_ptr<TcpApplication> {
                                   return std::make_unique<FirstApp>();
                               },
                               [](Bytes first, const TcpConversation&) { return first.size() >= 5; }});
    CaptureState state;
    NetAddress client, server;
    client.family = server.family = 4;
    client.bytes[0] = server.bytes[0] = 127;
    client.bytes[3] = 1;
    server.bytes[3] = 2;
    const std::string payloads[] = {"HELLO", "WORLD", "AGAIN"};
    std::uint32_t seq = 1000;
    std::uint64_t frame = 0;
    auto send = [&](std::uint8_t flags, const std::string& payload) {
        FrameInfo info;
        info.number = ++frame;
        info.ts_ns = std::int64_t(frame) * 1000;
        PacketContext ctx(info, NodeRef{}, nullptr, state, &tables);
        ctx.src = client;
        ctx.dst = server;
        auto seg = tcp_segment(40000, 9999, seq, flags, payload);
        dissect_ip_payload(6, ByteReader(Bytes(seg)), ctx);
        seq += static_cast<std::uint32_t>(payload.size()) + ((flags & 0x02) ? 1 : 0);
    };
    send(0x02, "");  // SYN
    for (const auto& p : payloads) send(0x18, p);  // PSH, ACK
    CHECK(g_first == std::vector<std::string>{"HELLO"});
    CHECK(g_second == std::vector<std::string>{"WORLD", "AGAIN"});
    REQUIRE(state.find<TcpState>() != nullptr);
    CHECK(state.find<TcpState>()->connections.open() == 1);
}

TEST_CASE("Handshake messages are collected across records, with the frames that carried them", "[architecture][tls]") {
    HandshakeMessageBuffer buffer;
    // A Certificate (11) of 10 body bytes, split 3 + 6 + 5 over frames 4, 5, 7; then a
    // whole Server Hello Done (14, empty) in the last piece.
    const std::vector<std::uint8_t> message = {11, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    buffer.start(Bytes(message).first(3), 4);
    CHECK(buffer.pending());
    CHECK(buffer.pending_type() == 11);
    std::vector<std::vector<std::uint8_t>> got;
    std::vector<std::vector<std::uint64_t>> frames;
    auto collect = [&](std::vector<std::uint8_t> m, const std::vector<std::uint64_t>& f) {
        got.push_back(std::move(m));
        frames.push_back(f);
    };
    CHECK(buffer.append(Bytes(message).subspan(3, 6), 5, collect) == HandshakeMessageBuffer::Append::Ok);
    CHECK(got.empty());
    std::vector<std::uint8_t> last(message.begin() + 9, message.end());
    for (std::uint8_t b : {14, 0, 0, 0}) last.push_back(b);
    CHECK(buffer.append(Bytes(last), 7, collect) == HandshakeMessageBuffer::Append::Ok);
    REQUIRE(got.size() == 2);
    CHECK(got[0] == message);
    CHECK(frames[0] == std::vector<std::uint64_t>{4, 5, 7});
    CHECK(got[1] == std::vector<std::uint8_t>{14, 0, 0, 0});
    CHECK(frames[1] == std::vector<std::uint64_t>{7});
    CHECK_FALSE(buffer.pending());

    // A length field beyond the reassembly limit: dropped, and the length reported.
    buffer.start(Bytes(message).first(1), 9);
    const std::vector<std::uint8_t> huge = {0x7f, 0xff, 0xff};
    std::size_t too_long = 0;
    CHECK(buffer.append(Bytes(huge), 10, collect, &too_long) == HandshakeMessageBuffer::Append::TooLong);
    CHECK(too_long == 0x7fffff);
    CHECK_FALSE(buffer.pending());
    CHECK(got.size() == 2);
}

namespace {

struct PathRecorder final : SessionListener {
    std::vector<ConnectionView> connections;
    void tls_session_ended(const TlsSessionView& s) override { connections.push_back(s.connection); }
};

}  // namespace

TEST_CASE("A TLS connection inside VXLAN reaches the session layer with the path it came by", "[architecture]") {
    // captures/vxlan-tls13.pcap: openssl over a kernel VXLAN link (VNI 4242) between
    // 127.1.0.1 and 127.1.0.2; the TLS connection is 127.2.0.1 -> 127.2.0.2:443 (tshark
    // -T fields -e ip.src -e vxlan.vni agrees).
    CaptureError error = CaptureError::None;
    std::string message;
    auto reader = CaptureReader::open(std::string(TLSDISSECT_SOURCE_DIR) + "/captures/vxlan-tls13.pcap", error, message);
    REQUIRE(reader);
    FrameDissector dissector;
    PathRecorder recorder;
    dissector.sessions().add_listener(&recorder);
    CapturedPacket packet;
    while (reader->next(packet) == ReadStatus::Packet) dissector.dissect(packet, nullptr, nullptr);
    dissector.finish();
    REQUIRE(recorder.connections.size() == 1);
    const ConnectionView& c = recorder.connections[0];
    CHECK(c.endpoint_text(0) == "127.2.0.1:" + std::to_string(c.port[0]));
    CHECK(c.endpoint_text(1) == "127.2.0.2:443");
    REQUIRE(c.path.size == 3);
    CHECK(c.path.hops[0].protocol == "ip");
    CHECK(c.path.hops[0].src.to_string() == "127.1.0.1");
    CHECK(c.path.hops[0].dst.to_string() == "127.1.0.2");
    CHECK(c.path.hops[1].protocol == "vxlan");
    CHECK(c.path.hops[1].id == 4242);
    CHECK(c.path.hops[2].protocol == "ip");
    CHECK(c.path.hops[2].src.to_string() == "127.2.0.1");
}

namespace {

struct FlowCounter {
    int datagrams = 0;
};
std::vector<int> g_counts;

std::size_t count_in_flow(ByteReader payload, PacketContext& ctx) {
    FlowCounter* c = ctx.flow_state<FlowCounter>();
    g_counts.push_back(c ? ++c->datagrams : -1);
    return payload.reported_remaining();
}

std::vector<std::uint8_t> udp_datagram(std::uint16_t sport, std::uint16_t dport, const std::string& payload) {
    const std::size_t length = 8 + payload.size();
    std::vector<std::uint8_t> d = {static_cast<std::uint8_t>(sport >> 8), static_cast<std::uint8_t>(sport),
                                   static_cast<std::uint8_t>(dport >> 8), static_cast<std::uint8_t>(dport),
                                   static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length), 0, 0};
    d.insert(d.end(), payload.begin(), payload.end());
    return d;
}

}  // namespace

TEST_CASE("A protocol over UDP keeps state per flow, in both directions", "[architecture]") {
    g_counts.clear();
    DissectorTables tables;
    register_transport(tables);
    tables.udp_port.add(7777, {"counter", count_in_flow});
    CaptureState state;
    NetAddress a, b;
    a.family = b.family = 4;
    a.bytes[0] = b.bytes[0] = 127;
    a.bytes[3] = 1;
    b.bytes[3] = 2;
    std::uint64_t frame = 0;
    auto send = [&](const NetAddress& src, std::uint16_t sport, const NetAddress& dst, std::uint16_t dport) {
        FrameInfo info;
        info.number = ++frame;
        PacketContext ctx(info, NodeRef{}, nullptr, state, &tables);
        ctx.src = src;
        ctx.dst = dst;
        auto d = udp_datagram(sport, dport, "x");
        dissect_ip_payload(17, ByteReader(Bytes(d)), ctx);
    };
    send(a, 5000, b, 7777);
    send(b, 7777, a, 5000);  // the answer: the same flow
    send(a, 5001, b, 7777);  // another flow
    send(a, 5000, b, 7777);
    CHECK(g_counts == std::vector<int>{1, 2, 1, 3});
}

namespace {

// Ethernet / IPv4 / UDP to port 4789 / VXLAN around `inner` (an Ethernet frame).
std::vector<std::uint8_t> in_vxlan(const std::vector<std::uint8_t>& inner) {
    const std::size_t udp_len = 8 + 8 + inner.size(), ip_len = 20 + udp_len;
    std::vector<std::uint8_t> f = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00,  // Ethernet
                                   0x45, 0, static_cast<std::uint8_t>(ip_len >> 8), static_cast<std::uint8_t>(ip_len),
                                   0, 1, 0, 0, 64, 17, 0, 0, 127, 1, 0, 1, 127, 1, 0, 2,  // IPv4
                                   0x9c, 0x40, 0x12, 0xb5, static_cast<std::uint8_t>(udp_len >> 8),
                                   static_cast<std::uint8_t>(udp_len), 0, 0,  // UDP 40000 -> 4789
                                   0x08, 0, 0, 0, 0, 0x10, 0x92, 0};          // VXLAN, VNI 4242
    f.insert(f.end(), inner.begin(), inner.end());
    return f;
}

}  // namespace

TEST_CASE("Tunnels inside tunnels stop at the path limit with a Malformed node", "[architecture]") {
    // The innermost frame: Ethernet with an unknown EtherType and four bytes.
    std::vector<std::uint8_t> frame = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x88, 0xb5, 1, 2, 3, 4};
    for (int i = 0; i < 12; ++i) frame = in_vxlan(frame);
    CapturedPacket packet;
    packet.data = Bytes(frame);
    packet.captured_length = packet.original_length = static_cast<std::uint32_t>(frame.size());
    packet.link_type = kLinkEthernet;
    FrameDissector dissector;
    Tree tree;
    PacketColumns columns;
    dissector.dissect(packet, &tree, &columns);
    int vxlan_layers = 0, malformed = 0;
    for (std::size_t i = 1; i < tree.size(); ++i) {
        const Node& n = tree.node(static_cast<std::int32_t>(i));
        if (!n.def) continue;
        if (n.def->filter == "vxlan") ++vxlan_layers;
        if (n.def->filter == "_ws.malformed" && n.text.find("nested IP headers and tunnels") != std::string::npos)
            ++malformed;
    }
    // Path: IP, then VXLAN and IP per level; the ninth hop would be a fifth VXLAN.
    CHECK(vxlan_layers == 5);
    CHECK(malformed == 1);
}
