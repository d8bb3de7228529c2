// The encapsulations (src/tunnel/) and the link types of issue 19 (src/link/): fields
// of hand-built headers, the packet path, conversations keyed by their tunnel,
// truncation at every length, and nesting bounded by kMaxPathHops.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "session/session_layer.hpp"
#include "test_support.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

using Frame = std::vector<std::uint8_t>;

Frame cat(std::initializer_list<Frame> parts) {
    Frame out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Frame u16(std::size_t v) { return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}; }

// An IPv4 header (no options, checksum 0) from 10.0.0.<a> to 10.0.0.<b> around `payload`.
Frame ipv4(std::uint8_t protocol, const Frame& payload, std::uint8_t a = 1, std::uint8_t b = 2) {
    return cat({{0x45, 0}, u16(20 + payload.size()), {0, 1, 0, 0, 64, protocol, 0, 0, 10, 0, 0, a, 10, 0, 0, b}, payload});
}

Frame udp(std::uint16_t sport, std::uint16_t dport, const Frame& payload) {
    return cat({u16(sport), u16(dport), u16(8 + payload.size()), {0, 0}, payload});
}

// A TCP SYN from port 40000 to 443 (header only, checksum 0).
Frame tcp_syn(std::uint16_t sport = 40000) {
    return cat({u16(sport), {0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0}});
}

Frame ethernet(std::uint16_t type, const Frame& payload) {
    return cat({{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}, u16(type), payload});
}

struct Dissected {
    Tree tree;
    PacketColumns columns;
};

Dissected dissect_one(const Frame& frame, std::uint32_t link, std::uint32_t original = 0) {
    Dissected d;
    FrameDissector dissector;
    dissector.dissect(packet(frame, link, original), &d.tree, &d.columns);
    return d;
}

// GRE (RFC 2890) with key 42 and sequence 7 around `payload` of protocol type `proto`.
Frame gre_key_seq(std::uint16_t proto, const Frame& payload) {
    return cat({{0x30, 0x00}, u16(proto), {0, 0, 0, 42, 0, 0, 0, 7}, payload});
}

// Every prefix of `frame` must dissect without a crash, and each cut must be reported.
void every_prefix_is_reported(const Frame& frame, std::uint32_t link) {
    for (std::size_t n = 0; n < frame.size(); ++n) {
        Frame cut(frame.begin(), frame.begin() + static_cast<long>(n));
        Dissected d = dissect_one(cut, link, static_cast<std::uint32_t>(frame.size()));
        INFO("captured " << n << " of " << frame.size() << " bytes");
        CHECK_FALSE(anomalies(d.tree).empty());
    }
}

}  // namespace

TEST_CASE("GRE with key and sequence number carries IPv4; the path records it", "[tunnel]") {
    Frame f = ethernet(0x0800, ipv4(47, gre_key_seq(0x0800, ipv4(6, tcp_syn(), 3, 4))));
    Dissected d = dissect_one(f, kLinkEthernet);
    CHECK(value(d.tree, "gre.key") == "0x0000002a");
    CHECK(value(d.tree, "gre.sequence_number") == "7");
    CHECK(value(d.tree, "gre.proto") == "0x0800");
    CHECK(values(d.tree, "ip.src") == std::vector<std::string>{"10.0.0.1", "10.0.0.3"});
    CHECK(value(d.tree, "tcp.dstport") == "443");
    CHECK(anomalies(d.tree).empty());
    every_prefix_is_reported(f, kLinkEthernet);
}

TEST_CASE("ERSPAN type I, II and III by GRE protocol type and sequence bit", "[tunnel]") {
    const Frame inner = ethernet(0x0800, ipv4(6, tcp_syn(), 3, 4));
    // Type I: 0x88be without a sequence number, no ERSPAN header.
    Frame type1 = ethernet(0x0800, ipv4(47, cat({{0, 0, 0x88, 0xbe}, inner})));
    Dissected d1 = dissect_one(type1, kLinkEthernet);
    CHECK(has(d1.tree, "erspan"));
    CHECK_FALSE(has(d1.tree, "erspan.version"));
    CHECK(value(d1.tree, "tcp.dstport") == "443");
    // Type II: 0x88be with a sequence number; version 1, VLAN 100, session 10, index 5.
    Frame type2 = ethernet(0x0800, ipv4(47, cat({{0x10, 0, 0x88, 0xbe, 0, 0, 0, 1},
                                                 {0x10, 0x64, 0x18, 0x0a, 0, 0, 0, 5}, inner})));
    Dissected d2 = dissect_one(type2, kLinkEthernet);
    CHECK(value(d2.tree, "erspan.version") == "1");
    CHECK(value(d2.tree, "erspan.vlan") == "100");
    CHECK(value(d2.tree, "erspan.spanid") == "10");
    CHECK(value(d2.tree, "erspan.index") == "5");
    CHECK(value(d2.tree, "tcp.dstport") == "443");
    // Type III with the platform-specific subheader (O bit), platform 3, port 12.
    Frame type3 = ethernet(0x0800, ipv4(47, cat({{0, 0, 0x22, 0xeb},
                                                 {0x20, 0x64, 0, 7, 0, 0, 0, 9, 0, 0, 0, 0x19},
                                                 {0x0c, 0, 0, 0x0c, 0, 0, 0, 0}, inner})));
    Dissected d3 = dissect_one(type3, kLinkEthernet);
    CHECK(value(d3.tree, "erspan.version") == "2");
    CHECK(value(d3.tree, "erspan.spanid") == "7");
    CHECK(value(d3.tree, "erspan.o") == "1");
    CHECK(value(d3.tree, "erspan.platid") == "3");
    CHECK(value(d3.tree, "erspan.pid3.port_index") == "12");
    CHECK(value(d3.tree, "tcp.dstport") == "443");
    CHECK(anomalies(d3.tree).empty());
    every_prefix_is_reported(type3, kLinkEthernet);
}

TEST_CASE("Geneve options, GTP-U extension headers and Teredo origin indication", "[tunnel]") {
    const Frame inner_ip = ipv4(6, tcp_syn(), 3, 4);
    // Geneve: one critical option of 4 data bytes, protocol IPv4.
    Frame geneve = ethernet(0x0800, ipv4(17, udp(5000, 6081, cat({{0x02, 0x40, 0x08, 0x00, 0x00, 0x12, 0x34, 0},
                                                                 {0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4}, inner_ip}))));
    Dissected g = dissect_one(geneve, kLinkEthernet);
    CHECK(value(g.tree, "geneve.vni") == "0x001234");
    CHECK(value(g.tree, "geneve.option.class") == "0x0102");
    CHECK(value(g.tree, "tcp.dstport") == "443");
    CHECK(anomalies(g.tree).empty());
    every_prefix_is_reported(geneve, kLinkEthernet);
    // GTP-U G-PDU with sequence number and a PDU Session Container extension header.
    Frame body = cat({{0, 5, 0, 0x85}, {1, 0x10, 9, 0}, inner_ip});
    Frame gtp = ethernet(0x0800, ipv4(17, udp(2152, 2152, cat({{0x36, 0xff}, u16(body.size()), {0x10, 0, 0xaa, 0xaa}, body}))));
    Dissected t = dissect_one(gtp, kLinkEthernet);
    CHECK(value(t.tree, "gtp.teid") == "0x1000aaaa");
    CHECK(value(t.tree, "gtp.seq_number") == "0x0005");
    CHECK(values(t.tree, "gtp.ext_hdr.next") == std::vector<std::string>{"0x85", "0x00"});
    CHECK(value(t.tree, "tcp.dstport") == "443");
    every_prefix_is_reported(gtp, kLinkEthernet);
    // An echo request carries no user packet.
    Frame echo = ethernet(0x0800, ipv4(17, udp(2152, 2152, {0x32, 0x01, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0})));
    Dissected e = dissect_one(echo, kLinkEthernet);
    CHECK(value(e.tree, "gtp.message") == "0x01");
    CHECK(values(e.tree, "ip.src").size() == 1);
    // Teredo: origin indication (port 40000, 192.0.2.33, obfuscated), then IPv6.
    Frame ipv6 = cat({{0x60, 0, 0, 0}, u16(20), {6, 64}, Frame(15, 0), {1}, Frame(15, 0), {2}, tcp_syn()});
    Frame teredo = ethernet(0x0800, ipv4(17, udp(3544, 40000, cat({{0, 0}, u16(40000 ^ 0xffff), {0x3f, 0xff, 0xfd, 0xde}, ipv6}))));
    Dissected r = dissect_one(teredo, kLinkEthernet);
    CHECK(value(r.tree, "teredo.orig.port") == "40000");
    CHECK(value(r.tree, "teredo.orig.addr") == "192.0.2.33");
    CHECK(value(r.tree, "ipv6.dst") == "::2");
    CHECK(value(r.tree, "tcp.dstport") == "443");
}

TEST_CASE("MPLS label stacks: IP by the first nibble, a control word then Ethernet", "[tunnel]") {
    Frame ip = ethernet(0x8847, cat({{0x00, 0x06, 0x40, 0xff}, {0x00, 0x0c, 0x81, 0xff}, ipv4(6, tcp_syn(), 3, 4)}));
    Dissected d = dissect_one(ip, kLinkEthernet);
    CHECK(values(d.tree, "mpls.label") == std::vector<std::string>{"100", "200"});
    CHECK(values(d.tree, "mpls.bottom") == std::vector<std::string>{"0", "1"});
    CHECK(value(d.tree, "tcp.dstport") == "443");
    Frame pw = ethernet(0x8847, cat({{0x00, 0x06, 0x41, 0xff}, {0, 0, 0, 9}, ethernet(0x0800, ipv4(6, tcp_syn(), 3, 4))}));
    Dissected p = dissect_one(pw, kLinkEthernet);
    CHECK(value(p.tree, "pwethcw.sequence_number") == "9");
    CHECK(values(p.tree, "eth.type") == std::vector<std::string>{"0x8847", "0x0800"});
    CHECK(value(p.tree, "tcp.dstport") == "443");
    every_prefix_is_reported(pw, kLinkEthernet);
}

TEST_CASE("PPPoE discovery tags, and a session's PPP carrying IPv4", "[tunnel]") {
    Frame pado = ethernet(0x8863, cat({{0x11, 0x07, 0, 0}, u16(4 + 4 + 2), {0x01, 0x01, 0, 0}, {0x01, 0x02, 0, 2, 'a', 'c'}}));
    Dissected d = dissect_one(pado, kLinkEthernet);
    CHECK(value(d.tree, "pppoe.code") == "0x07");
    CHECK(value(d.tree, "pppoed.tags.ac_name") == "ac");
    CHECK(anomalies(d.tree).empty());
    Frame ip = ipv4(6, tcp_syn(), 3, 4);
    Frame session = ethernet(0x8864, cat({{0x11, 0x00, 0x00, 0x11}, u16(2 + ip.size()), {0x00, 0x21}, ip}));
    Dissected s = dissect_one(session, kLinkEthernet);
    CHECK(value(s.tree, "pppoe.session_id") == "0x0011");
    CHECK(value(s.tree, "ppp.protocol") == "0x0021");
    CHECK(value(s.tree, "tcp.dstport") == "443");
    every_prefix_is_reported(session, kLinkEthernet);
    // LCP, shown briefly.
    Frame lcp = ethernet(0x8864, cat({{0x11, 0x00, 0x00, 0x11}, u16(10), {0xc0, 0x21, 1, 1, 0, 8, 1, 4, 5, 0xd4}}));
    Dissected l = dissect_one(lcp, kLinkEthernet);
    CHECK(value(l.tree, "ppp.code") == "1");
    CHECK(value(l.tree, "ppp.length") == "8");
}

TEST_CASE("IP in IP in every combination of 4 and 6", "[tunnel]") {
    Frame v6_inner = cat({{0x60, 0, 0, 0}, u16(20), {6, 64}, Frame(15, 0), {1}, Frame(15, 0), {2}, tcp_syn()});
    auto v6 = [](std::uint8_t next, const Frame& payload) {
        return cat({{0x60, 0, 0, 0}, u16(payload.size()), {next, 64}, Frame(15, 0xfd), {1}, Frame(15, 0xfd), {2}, payload});
    };
    const Frame v4_inner = ipv4(6, tcp_syn(), 3, 4);
    struct Case {
        Frame frame;
        std::vector<std::string> layers;
    } cases[] = {
        {ipv4(4, v4_inner), {"ip", "ip"}},
        {ipv4(41, v6_inner), {"ip", "ipv6"}},
        {v6(4, v4_inner), {"ipv6", "ip"}},
        {v6(41, v6_inner), {"ipv6", "ipv6"}},
    };
    for (const auto& c : cases) {
        Dissected d = dissect_one(c.frame, kLinkRaw);
        std::vector<std::string> layers;
        for (std::size_t i = 1; i < d.tree.size(); ++i) {
            const Node& n = d.tree.node(static_cast<std::int32_t>(i));
            if (n.def && (n.def->filter == "ip" || n.def->filter == "ipv6")) layers.emplace_back(n.def->filter);
        }
        CHECK(layers == c.layers);
        CHECK(value(d.tree, "tcp.dstport") == "443");
    }
}

TEST_CASE("A loop of GRE inside IP inside GRE ends with a Malformed node", "[tunnel]") {
    Frame packet = ipv4(6, tcp_syn());
    for (int i = 0; i < 40; ++i) packet = ipv4(47, cat({{0, 0, 0x08, 0x00}, packet}));
    Dissected d = dissect_one(packet, kLinkRaw);
    int malformed = 0;
    for (const auto& a : anomalies(d.tree)) malformed += a.find("nested IP headers and tunnels") != std::string::npos;
    CHECK(malformed == 1);
    // IP in IP without a tunnel header between: the same bound.
    Frame ipip = ipv4(6, tcp_syn());
    for (int i = 0; i < 40; ++i) ipip = ipv4(4, ipip);
    Dissected e = dissect_one(ipip, kLinkRaw);
    CHECK(values(e.tree, "ip.src").size() == kMaxPathHops);
}

TEST_CASE("The same 4-tuple through two tunnels is two conversations; both directions meet", "[tunnel]") {
    const Frame syn = ipv4(6, tcp_syn(), 3, 4);
    // The answer: 10.0.0.4:443 -> 10.0.0.3:40000, SYN-ACK, through the reverse tunnel.
    const Frame syn_ack = ipv4(6, cat({{0x01, 0xbb}, u16(40000), {0, 0, 0, 9, 0, 0, 0, 2, 0x50, 0x12, 0xff, 0xff, 0, 0, 0, 0}}), 4, 3);
    auto through = [](const Frame& inner, std::uint8_t a, std::uint8_t b) {
        return ethernet(0x0800, ipv4(47, cat({{0, 0, 0x08, 0x00}, inner}), a, b));
    };
    FrameDissector dissector;
    std::vector<std::string> streams;
    for (const Frame& f : {through(syn, 1, 2), through(syn, 5, 6), through(syn_ack, 2, 1), through(syn_ack, 6, 5)}) {
        Tree tree;
        PacketColumns columns;
        dissector.dissect(packet(f, kLinkEthernet), &tree, &columns);
        streams.push_back(value(tree, "tcp.stream"));
    }
    CHECK(streams == std::vector<std::string>{"0", "1", "0", "1"});
}

TEST_CASE("NFLOG TLVs in either byte order, PPP with and without HDLC framing", "[link]") {
    const Frame ip = ipv4(6, tcp_syn(), 3, 4);
    auto tlv_le = [](std::uint16_t type, const Frame& value) {
        const std::size_t len = 4 + value.size();
        Frame out = {static_cast<std::uint8_t>(len), static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(type), 0};
        out.insert(out.end(), value.begin(), value.end());
        out.resize((out.size() + 3) / 4 * 4);
        return out;
    };
    Frame nflog = cat({{2, 0, 0, 7}, tlv_le(1, {0x08, 0x00, 3, 0}), tlv_le(10, {'t', 0}), tlv_le(9, ip)});
    Dissected n = dissect_one(nflog, kLinkNflog);
    CHECK(value(n.tree, "nflog.res_id") == "7");
    CHECK(value(n.tree, "nflog.prefix") == "t");
    CHECK(value(n.tree, "tcp.dstport") == "443");
    CHECK(anomalies(n.tree).empty());
    every_prefix_is_reported(nflog, kLinkNflog);
    Frame nflog_be = cat({{2, 0, 0, 7}, {0, 8, 0, 1, 0x08, 0x00, 3, 0}, u16(4 + ip.size()), {0, 9}, ip});
    Dissected b = dissect_one(nflog_be, kLinkNflog);
    CHECK(value(b.tree, "tcp.dstport") == "443");
    Dissected p = dissect_one(cat({{0xff, 0x03, 0x00, 0x21}, ip}), kLinkPpp);
    CHECK(value(p.tree, "ppp.address") == "0xff");
    CHECK(value(p.tree, "tcp.dstport") == "443");
    Dissected q = dissect_one(cat({{0x21}, ip}), kLinkPppHdlc);  // protocol field compressed to one byte
    CHECK(value(q.tree, "ppp.protocol") == "0x0021");
    CHECK(value(q.tree, "tcp.dstport") == "443");
}

TEST_CASE("802.11 data under radiotap (FCS at end) and PPI, with LLC/SNAP", "[link]") {
    const Frame ip = ipv4(6, tcp_syn(), 3, 4);
    // QoS Data to DS: BSSID, SA, DA; QoS control; LLC SNAP IPv4; FCS.
    Frame wlan = cat({{0x88, 0x01, 0x2c, 0x00}, {2, 0, 0, 0, 10, 1}, {2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2},
                      {0x10, 0x00}, {0, 0}, {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00}, ip});
    // Radiotap: present = Flags | Rate; flags 0x10 (FCS at end); rate 108 (54 Mb/s).
    Frame radiotap = cat({{0, 0, 10, 0, 0x06, 0, 0, 0, 0x10, 108}, wlan, {0xde, 0xad, 0xbe, 0xef}});
    Dissected r = dissect_one(radiotap, kLinkRadiotap);
    CHECK(value(r.tree, "radiotap.length") == "10");
    CHECK(value(r.tree, "wlan.fc.type_subtype") == "0x0028");
    CHECK(value(r.tree, "wlan.bssid") == "02:00:00:00:0a:01");
    CHECK(value(r.tree, "wlan.da") == "02:00:00:00:00:02");
    CHECK(value(r.tree, "llc.type") == "0x0800");
    CHECK(value(r.tree, "tcp.dstport") == "443");
    CHECK(anomalies(r.tree).empty());
    every_prefix_is_reported(radiotap, kLinkRadiotap);
    Frame ppi = cat({{0, 0, 8, 0, 105, 0, 0, 0}, wlan});
    Dissected p = dissect_one(ppi, kLinkPpi);
    CHECK(value(p.tree, "ppi.dlt") == "105");
    CHECK(value(p.tree, "tcp.dstport") == "443");
}

TEST_CASE("An unsupported link type is named in the error", "[link]") {
    CHECK(link_type_name(195) == "IEEE802_15_4_WITHFCS");
    CHECK(link_type_name(150) == "USER3");
    CHECK(link_type_name(9999) == "LINKTYPE_9999");
    CHECK(link_type_supported(kLinkRadiotap));
    CHECK_FALSE(link_type_supported(195));
}
