// DNS: the name decoder against hostile compression, every record type and its
// truncated forms, EDNS and SVCB, query/response matching, DNS over TCP framing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "dns/dns.hpp"
#include "dns/dns_message.hpp"
#include "dns/dns_name.hpp"
#include "dns/dns_transactions.hpp"
#include "net/ip_fragments.hpp"
#include "test_support.hpp"
#include "tlsdissect/capture.hpp"
#include "transport/conversations.hpp"
#include "transport/tcp_application.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

// https-cname-tls12.pcap frame 1 (UDP payload): dig's A query for www.example.test
// with EDNS (UDP size 1232) and a client COOKIE option.
const std::string kQueryA =
    "db930120000100000000000103777777076578616d706c650474657374000001000100002904d000000000000c000a0008"
    "2c0908c9ae682221";
// https-cname-tls12.pcap frame 2 (UDP payload): dnsmasq's answer, www.example.test CNAME
// www.cdn.example.test CNAME edge.cdn.example.test A 127.0.0.2, with OPT.
const std::string kResponseA =
    "db938580000100030000000103777777076578616d706c6504746573740000010001c00c000500010000012c00160377"
    "77770363646e076578616d706c65047465737400c02e000500010000012c001704656467650363646e076578616d706c"
    "65047465737400c050000100010000012c00047f00000200002904d0000000000000";
// dns-misc.pcap frames 13 and 14: A query for nope.example.test and the NXDOMAIN answer.
const std::string kQueryNope =
    "597b01200001000000000001046e6f7065076578616d706c650474657374000001000100002904d000000000000c000a0008"
    "1c67958fb10c9ae8";
const std::string kNxdomain =
    "597b81830001000000000001046e6f7065076578616d706c650474657374000001000100002904d0000000000000";
// dns-records.pcap frame 8: HTTPS www.example.test 1 . alpn=h2,http/1.1 port=443
// ipv4hint=127.0.0.2, with an NS record in the authority section.
const std::string kHttpsResponse =
    "610c8500000100010001000103777777076578616d706c6504746573740000410001c00c004100010000025800210001"
    "000001000c02683208687474702f312e310003000201bb000400047f000002076578616d706c6504746573740000020001"
    "000002580012036e7331076578616d706c6504746573740000002904d0000000000000";
// dns-records.pcap frame 2: SOA example.test (ns1.example.test hostmaster.example.test
// 2023... 3600 600 86400 600) and NS.
const std::string kSoaResponse =
    "1db485000001000100010001076578616d706c6504746573740000060001076578616d706c650474657374000006000100"
    "000258003f036e7331076578616d706c650474657374000a686f73746d6173746572076578616d706c6504746573740078"
    "a3f17500000e10000002580001518000000258c01e00020001000002580012036e7331076578616d706c65047465737400"
    "00002904d0000000000000";
// dns-misc.pcap frame 12: CAA example.test 0 issue "ca.example.test".
const std::string kCaaResponse =
    "7e8c85800001000100000001076578616d706c6504746573740001010001c00c010100010000012c00160005697373756563"
    "612e6578616d706c652e7465737400002904d0000000000000";

// A message header (id 0x1234, the given flags and counts) followed by `body`.
std::vector<std::uint8_t> message(std::uint16_t flags, std::uint16_t qd, std::uint16_t an, std::uint16_t ns,
                                  std::uint16_t ar, const std::vector<std::uint8_t>& body) {
    std::vector<std::uint8_t> m = {0x12, 0x34, std::uint8_t(flags >> 8), std::uint8_t(flags), std::uint8_t(qd >> 8),
                                   std::uint8_t(qd), std::uint8_t(an >> 8), std::uint8_t(an), std::uint8_t(ns >> 8),
                                   std::uint8_t(ns), std::uint8_t(ar >> 8), std::uint8_t(ar)};
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

// Builds resource records for crafted messages.
struct Builder {
    std::vector<std::uint8_t> b;
    void u8(unsigned v) { b.push_back(std::uint8_t(v)); }
    void u16(unsigned v) {
        u8(v >> 8);
        u8(v);
    }
    void u32(std::uint32_t v) {
        u16(v >> 16);
        u16(v & 0xffff);
    }
    void raw(const std::string& s) { b.insert(b.end(), s.begin(), s.end()); }
    void hex(const std::string& h) {
        auto v = from_hex(h);
        b.insert(b.end(), v.begin(), v.end());
    }
    void name(const std::string& dotted) {
        std::size_t start = 0;
        while (start < dotted.size()) {
            std::size_t dot = dotted.find('.', start);
            if (dot == std::string::npos) dot = dotted.size();
            u8(unsigned(dot - start));
            raw(dotted.substr(start, dot - start));
            start = dot + 1;
        }
        u8(0);
    }
    void cstring(const std::string& s) {
        u8(unsigned(s.size()));
        raw(s);
    }
    std::size_t rr(const std::string& owner, unsigned type, unsigned klass = 1, std::uint32_t ttl = 300) {
        name(owner);
        u16(type);
        u16(klass);
        u32(ttl);
        u16(0);
        return b.size();
    }
    void end(std::size_t data_start) {
        const std::size_t len = b.size() - data_start;
        b[data_start - 2] = std::uint8_t(len >> 8);
        b[data_start - 1] = std::uint8_t(len);
    }
};

struct Parsed {
    Tree tree;
    DnsMessageFacts facts;
    std::string info;
};

// Parses `msg` as one DNS message, with `captured` of its bytes captured (all by default).
Parsed parse(const std::vector<std::uint8_t>& msg, std::size_t captured = SIZE_MAX, std::size_t reported = 0,
             DnsFlavor flavor = DnsFlavor::Dns) {
    Parsed p;
    const std::size_t have = captured < msg.size() ? captured : msg.size();
    p.tree.frame_bytes = Bytes(msg).first(have);
    NodeRef layer = p.tree.root().add(dns_layer_field(flavor), std::monostate{}, 0, msg.size());
    ByteReader r(Bytes(msg).first(have), reported ? reported : msg.size(), 0);
    p.facts = parse_dns_message(r, layer, flavor, &p.info);
    return p;
}

std::string joined(const Tree& t, std::string_view field) {
    std::string out;
    for (const auto& v : values(t, field)) out += (out.empty() ? "" : ",") + v;
    return out;
}

// Every prefix of a message: cut by the capture (the wire had the whole message) it
// must show only [Truncated] anomalies; as a message that really ends early (its
// counts or lengths lie) it must show [Malformed] ones; neither may crash or hang.
void check_every_prefix(const std::vector<std::uint8_t>& msg, const std::string& what) {
    for (std::size_t n = 0; n < msg.size(); ++n) {
        INFO(what << ": " << n << " of " << msg.size() << " bytes");
        Parsed cut = parse(msg, n);
        auto a = anomalies(cut.tree);
        REQUIRE_FALSE(a.empty());
        for (const auto& line : a) {
            INFO(line);
            CHECK(line.find("[Truncated") == 0);
        }
        CHECK(cut.facts.truncated);
        std::vector<std::uint8_t> shorter(msg.begin(), msg.begin() + static_cast<long>(n));
        Parsed lie = parse(shorter);
        REQUIRE_FALSE(anomalies(lie.tree).empty());
        CHECK((lie.facts.malformed || lie.facts.truncated));
    }
}

NetAddress ip4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    NetAddress n;
    n.family = 4;
    n.bytes[0] = a;
    n.bytes[1] = b;
    n.bytes[2] = c;
    n.bytes[3] = d;
    return n;
}

DnsEndpoints udp(NetAddress src, std::uint16_t sport, NetAddress dst, std::uint16_t dport) {
    DnsEndpoints e;
    e.src = src;
    e.dst = dst;
    e.src_port = sport;
    e.dst_port = dport;
    return e;
}

DnsMessageFacts facts_of(const std::string& hex) { return parse(from_hex(hex)).facts; }

}  // namespace

// ---------------------------------------------------------------------------------
// The name decoder

TEST_CASE("DNS names: labels, the root, and backward compression pointers") {
    // www.example.test at 12, then "cdn" + pointer to example.test at 16.
    auto m = message(0, 0, 0, 0, 0, from_hex("03777777076578616d706c65047465737400" "0363646ec010" "00"));
    ByteReader r(m);
    DnsName a = decode_dns_name(r, 12);
    CHECK(a.ok());
    CHECK(a.text == "www.example.test");
    CHECK(a.wire_length == 18);
    CHECK(a.length == 16);
    CHECK(a.labels == 3);
    DnsName b = decode_dns_name(r, 30);
    CHECK(b.ok());
    CHECK(b.text == "cdn.example.test");
    CHECK(b.wire_length == 6);  // the label and the pointer at its own position
    CHECK(b.labels == 3);
    DnsName root = decode_dns_name(r, 36);
    CHECK(root.ok());
    CHECK(root.text == "<Root>");
    CHECK(root.wire_length == 1);
    CHECK(root.length == 0);
    CHECK(dns_name_key("WWW.Example.TEST") == "www.example.test");
}

TEST_CASE("DNS names: pointer loops, forward pointers and pointers past the end are flagged, never followed") {
    SECTION("a pointer to itself (dns-invalid-names.pcap frame 2 has one)") {
        auto m = message(0, 1, 0, 0, 0, from_hex("c00c00010001"));
        DnsName n = decode_dns_name(ByteReader(m), 12);
        CHECK(n.problems == kDnsNamePointerLoop);
        CHECK(n.text == "<Name contains a pointer that loops>");
        CHECK(n.end_known());
        CHECK(n.wire_length == 2);
        CHECK(n.problem_offset == 12);
    }
    SECTION("a pointer back into its own labels") {
        auto m = message(0, 0, 0, 0, 0, from_hex("03616263c00c"));
        DnsName n = decode_dns_name(ByteReader(m), 12);
        CHECK(n.problems == kDnsNamePointerLoop);
        CHECK(n.wire_length == 6);
    }
    SECTION("two pointers that point at each other") {
        auto m = message(0, 0, 0, 0, 0, from_hex("c00ec00c"));
        CHECK(decode_dns_name(ByteReader(m), 12).problems == kDnsNameForwardPointer);
        DnsName n = decode_dns_name(ByteReader(m), 14);  // back to 12, which points forward
        CHECK(n.problems == kDnsNameForwardPointer);
        CHECK(n.wire_length == 2);
    }
    SECTION("a forward pointer") {
        auto m = message(0, 0, 0, 0, 0, from_hex("0161c010" "0162" "00"));
        DnsName n = decode_dns_name(ByteReader(m), 12);
        CHECK(n.problems == kDnsNameForwardPointer);
        CHECK(n.text == "<Name contains a forward pointer>");
        CHECK(n.wire_length == 4);
    }
    SECTION("a pointer past the end of the message") {
        auto m = message(0, 0, 0, 0, 0, from_hex("c3ff"));
        DnsName n = decode_dns_name(ByteReader(m), 12);
        CHECK(n.problems == kDnsNamePointerPastEnd);
        CHECK(n.end_known());
        CHECK(n.wire_length == 2);
    }
    SECTION("a pointer cut in half") {
        auto m = message(0, 0, 0, 0, 0, from_hex("0161c0"));
        DnsName n = decode_dns_name(ByteReader(m), 12);
        CHECK(n.problems == kDnsNameRunsPastEnd);
        CHECK_FALSE(n.end_known());
    }
}

TEST_CASE("DNS names: label types 01 and 10 (a label over 63 bytes) are malformed") {
    for (int first : {0x40, 0x41, 0x7f, 0x80, 0xbf}) {
        INFO("length byte " << first);
        std::vector<std::uint8_t> body(200, 'x');
        body[0] = std::uint8_t(first);
        auto m = message(0, 0, 0, 0, 0, body);
        DnsName n = decode_dns_name(ByteReader(m), 12);
        CHECK(n.problems == kDnsNameReservedLabelType);
        CHECK_FALSE(n.end_known());
        CHECK(n.text == "<Name contains a reserved label type>");
    }
    // Reached through a pointer, the name's own end is still known.
    auto m = message(0, 0, 0, 0, 0, from_hex("4061c00c"));
    DnsName n = decode_dns_name(ByteReader(m), 14);
    CHECK(n.problems == kDnsNameReservedLabelType);
    CHECK(n.end_known());
    CHECK(n.wire_length == 2);
}

TEST_CASE("DNS names: 255 octets is the limit") {
    auto labels = [](std::vector<int> sizes) {
        Builder b;
        for (int s : sizes) {
            b.u8(unsigned(s));
            b.raw(std::string(std::size_t(s), 'a'));
        }
        b.u8(0);
        b.u8(0xee);  // the next field, to check where the name ends
        return message(0, 0, 0, 0, 0, b.b);
    };
    DnsName ok = decode_dns_name(ByteReader(labels({63, 63, 63, 61})), 12);
    CHECK(ok.ok());
    CHECK(ok.wire_length == 255);
    CHECK(ok.length == 253);
    DnsName too_long = decode_dns_name(ByteReader(labels({63, 63, 63, 62})), 12);
    CHECK(too_long.problems == kDnsNameTooLong);
    CHECK(too_long.text == "<Name too long>");
    CHECK(too_long.end_known());
    CHECK(too_long.wire_length == 256);
    DnsName much_too_long = decode_dns_name(ByteReader(labels({63, 63, 63, 63, 63, 63, 63, 63})), 12);
    CHECK(much_too_long.problems == kDnsNameTooLong);
    CHECK(much_too_long.wire_length == 8 * 64 + 1);
    // Long through compression: each name adds a 63-byte label to the previous one.
    Builder b;
    std::vector<std::size_t> at;
    for (int i = 0; i < 6; ++i) {
        at.push_back(12 + b.b.size());
        b.u8(63);
        b.raw(std::string(63, char('a' + i)));
        if (i == 0)
            b.u8(0);
        else
            b.u16(0xc000 | unsigned(at[std::size_t(i) - 1]));
    }
    auto m = message(0, 0, 0, 0, 0, b.b);
    CHECK(decode_dns_name(ByteReader(m), at[2]).ok());  // 3 * 64 + 1
    DnsName chained = decode_dns_name(ByteReader(m), at[5]);
    CHECK(chained.problems == kDnsNameTooLong);
    CHECK(chained.wire_length == 66);
}

TEST_CASE("DNS names: pointer chains end at kMaxDnsPointerHops") {
    // The root at 12, then pointers each to the previous one (max-compression-depth.pcap
    // does this six deep).
    auto chain = [](unsigned hops) {
        Builder b;
        b.u8(0);
        for (unsigned i = 0; i < hops; ++i) b.u16(0xc000 | (i == 0 ? 12u : 13u + 2 * (i - 1)));
        return message(0, 0, 0, 0, 0, b.b);
    };
    auto ok = chain(kMaxDnsPointerHops);
    DnsName n = decode_dns_name(ByteReader(ok), ok.size() - 2);
    CHECK(n.ok());
    CHECK(n.text == "<Root>");
    CHECK(n.pointer_to_pointer == kMaxDnsPointerHops - 1);
    auto bomb = chain(kMaxDnsPointerHops + 50);
    DnsName deep = decode_dns_name(ByteReader(bomb), bomb.size() - 2);
    CHECK(deep.problems == kDnsNameTooManyHops);
    CHECK(deep.end_known());
    CHECK(deep.wire_length == 2);
}

TEST_CASE("DNS names: cut by the capture, bytes outside printable ASCII escaped") {
    auto m = message(0, 0, 0, 0, 0, from_hex("03777777076578616d706c6500"));
    ByteReader cut(Bytes(m).first(17), m.size(), 0);
    DnsName n = decode_dns_name(cut, 12);
    CHECK(n.problems == kDnsNameTruncated);
    CHECK(n.truncated());
    CHECK_FALSE(n.end_known());
    CHECK(n.text == "www");
    auto odd = message(0, 0, 0, 0, 0, from_hex("0461002e0900"));
    CHECK(decode_dns_name(ByteReader(odd), 12).text == "a\\000.\\t");
}

// ---------------------------------------------------------------------------------
// Messages

TEST_CASE("A real query and its CNAME-chain answer dissect as tshark shows them") {
    Parsed q = parse(from_hex(kQueryA));
    CHECK(anomalies(q.tree).empty());
    CHECK(q.info == "Standard query 0xdb93 A www.example.test OPT");
    CHECK(value(q.tree, "dns.id") == "0xdb93");
    CHECK(value(q.tree, "dns.flags") == "0x0120");
    CHECK(value(q.tree, "dns.flags.response") == "0");
    CHECK_FALSE(has(q.tree, "dns.flags.rcode"));  // queries show no reply code
    CHECK(value(q.tree, "dns.flags.authenticated") == "1");
    CHECK(value(q.tree, "dns.qry.name") == "www.example.test");
    CHECK(value(q.tree, "dns.qry.name.len") == "16");
    CHECK(value(q.tree, "dns.count.labels") == "3");
    CHECK(value(q.tree, "dns.qry.type") == "1");
    CHECK(value(q.tree, "dns.qry.class") == "0x0001");
    CHECK(value(q.tree, "dns.rr.udp_payload_size") == "1232");
    CHECK(value(q.tree, "dns.opt.code") == "10");
    CHECK(value(q.tree, "dns.opt.cookie.client") == "2c0908c9ae682221");
    CHECK_FALSE(has(q.tree, "dns.opt.cookie.server"));
    REQUIRE(q.facts.edns);
    CHECK(q.facts.edns->udp_payload_size == 1232);

    Parsed r = parse(from_hex(kResponseA));
    CHECK(anomalies(r.tree).empty());
    CHECK(r.info ==
          "Standard query response 0xdb93 A www.example.test CNAME www.cdn.example.test CNAME edge.cdn.example.test "
          "A 127.0.0.2 OPT");
    CHECK(value(r.tree, "dns.flags.rcode") == "0");
    CHECK(joined(r.tree, "dns.resp.name") == "www.example.test,www.cdn.example.test,edge.cdn.example.test,<Root>");
    CHECK(joined(r.tree, "dns.resp.type") == "5,5,1,41");
    CHECK(joined(r.tree, "dns.resp.ttl") == "300,300,300");
    CHECK(joined(r.tree, "dns.cname") == "www.cdn.example.test,edge.cdn.example.test");
    CHECK(value(r.tree, "dns.a") == "127.0.0.2");
    // The lines of the tree, as Wireshark prints them.
    std::vector<std::string> lines;
    for (std::size_t i = 1; i < r.tree.size(); ++i) lines.push_back(display_line(r.tree.node(std::int32_t(i))));
    auto contains = [&](const std::string& line) {
        return std::find(lines.begin(), lines.end(), line) != lines.end();
    };
    CHECK(contains("Domain Name System (response)"));
    CHECK(contains("Flags: 0x8580 Standard query response, No error"));
    CHECK(contains("1... .... .... .... = Response: Message is a response"));
    CHECK(contains(".... .... .... 0000 = Reply code: No error (0)"));
    CHECK(contains("www.example.test: type CNAME, class IN, cname www.cdn.example.test"));
    CHECK(contains("edge.cdn.example.test: type A, class IN, addr 127.0.0.2"));
    CHECK(contains("Time to live: 300 (5 minutes)"));
    CHECK(contains("<Root>: type OPT"));
    // The facts for the session model.
    REQUIRE(r.facts.answers.size() == 3);
    CHECK(r.facts.answers[0].type == kDnsTypeCname);
    CHECK(r.facts.answers[0].data == "www.cdn.example.test");
    CHECK(r.facts.answers[2].data == "127.0.0.2");
    REQUIRE(r.facts.answers[2].address);
    CHECK(r.facts.answers[2].address->to_string() == "127.0.0.2");
    CHECK(r.facts.additionals.size() == 1);
    CHECK(r.facts.questions.size() == 1);
    CHECK(r.facts.full_rcode() == 0);
}

TEST_CASE("NXDOMAIN, SOA, CAA and HTTPS answers from the bundled captures") {
    Parsed nx = parse(from_hex(kNxdomain));
    CHECK(nx.info == "Standard query response 0x597b No such name A nope.example.test OPT");
    CHECK(value(nx.tree, "dns.flags.rcode") == "3");
    CHECK(nx.facts.rcode == 3);

    Parsed soa = parse(from_hex(kSoaResponse));
    CHECK(anomalies(soa.tree).empty());
    CHECK(value(soa.tree, "dns.soa.mname") == "ns1.example.test");
    CHECK(value(soa.tree, "dns.soa.rname") == "hostmaster.example.test");
    CHECK(value(soa.tree, "dns.soa.refresh_interval") == "3600");
    CHECK(value(soa.tree, "dns.ns") == "ns1.example.test");
    CHECK(soa.info == "Standard query response 0x1db4 SOA example.test SOA ns1.example.test NS ns1.example.test OPT");

    Parsed caa = parse(from_hex(kCaaResponse));
    CHECK(anomalies(caa.tree).empty());
    CHECK(value(caa.tree, "dns.caa.flags") == "0x00");
    CHECK(value(caa.tree, "dns.caa.tag") == "issue");
    CHECK(value(caa.tree, "dns.caa.issue") == "ca.example.test");
    CHECK(caa.facts.answers.at(0).data == "0 issue \"ca.example.test\"");

    Parsed https = parse(from_hex(kHttpsResponse));
    CHECK(anomalies(https.tree).empty());
    CHECK(value(https.tree, "dns.svcb.svcpriority") == "1");
    CHECK(value(https.tree, "dns.svcb.targetname") == "<Root>");
    CHECK(joined(https.tree, "dns.svcb.svcparam.key") == "1,3,4");
    CHECK(joined(https.tree, "dns.svcb.svcparam.alpn") == "h2,http/1.1");
    CHECK(value(https.tree, "dns.svcb.svcparam.port") == "443");
    CHECK(value(https.tree, "dns.svcb.svcparam.ipv4hint.ip") == "127.0.0.2");
    CHECK(https.facts.answers.at(0).data == "1 . alpn=h2,http/1.1 port=443 ipv4hint=127.0.0.2");
}

// An HTTPS answer for crypto.cloudflare.com (1 . alpn=h2 ech=...) carrying the ECHConfigList
// Cloudflare published for it (the base64 "AEX+DQBBvgAg..." quoted in public ECH client
// documentation); the values checked were read from those bytes by hand against RFC 9849
// section 4 (tshark 4.0 shows the list only as bytes, dns.svcb.svcparam.echconfig).
const std::string kHttpsEchResponse =
    "4a5b818000010001000000000663727970746f0a636c6f7564666c61726503636f6d0000410001c00c004100010000012c"
    "005500010000010003026832000500470045fe0d0041be0020002011592e368393660d9a39a48a53592c07cd3c3375128f"
    "7545bbdf641bc947b20d0004000100010012636c6f7564666c6172652d6563682e636f6d0000";

TEST_CASE("An HTTPS record's ECHConfigList is decoded (RFC 9849 section 4)") {
    Parsed p = parse(from_hex(kHttpsEchResponse));
    CHECK(anomalies(p.tree).empty());
    CHECK(value(p.tree, "tls.ech.echconfiglist_length") == "69");
    CHECK(value(p.tree, "tls.ech.echconfig.version") == "0xfe0d");
    CHECK(value(p.tree, "tls.ech.echconfig.length") == "65");
    CHECK(value(p.tree, "tls.ech.hpke.keyconfig.config_id") == "190");
    CHECK(value(p.tree, "tls.ech.hpke.keyconfig.kem_id") == "0x0020");
    CHECK(value(p.tree, "tls.ech.hpke.keyconfig.public_key_length") == "32");
    CHECK(value(p.tree, "tls.ech.hpke.keyconfig.cipher_suite.kdf_id") == "0x0001");
    CHECK(value(p.tree, "tls.ech.hpke.keyconfig.cipher_suite.aead_id") == "0x0001");
    CHECK(value(p.tree, "tls.ech.echconfigcontents.maximum_name_length") == "0");
    CHECK(value(p.tree, "tls.ech.echconfigcontents.public_name") == "cloudflare-ech.com");
    CHECK(value(p.tree, "tls.ech.echconfigcontents.extensions_length") == "0");
    const auto& configs = p.facts.answers.at(0).ech_configs;
    REQUIRE(configs.size() == 1);
    CHECK(configs[0].complete);
    CHECK(configs[0].config_id == 190);
    CHECK(configs[0].kem_id == 0x0020);
    CHECK(configs[0].public_key_length == 32);
    CHECK(configs[0].cipher_suites == std::vector<std::pair<std::uint16_t, std::uint16_t>>{{1, 1}});
    CHECK(configs[0].public_name == "cloudflare-ech.com");
    CHECK(configs[0].extensions.empty());
    // Every prefix the capture kept: never a crash, and the cut is reported.
    const std::vector<std::uint8_t> whole = from_hex(kHttpsEchResponse);
    for (std::size_t n = 12; n < whole.size(); ++n) CHECK_FALSE(anomalies(parse(whole, n).tree).empty());
}

TEST_CASE("Every prefix of the bundled messages is Truncated (capture cut) or Malformed (message short)") {
    for (const auto* hex : {&kQueryA, &kResponseA, &kQueryNope, &kNxdomain, &kHttpsResponse, &kSoaResponse,
                            &kCaaResponse})
        check_every_prefix(from_hex(*hex), hex->substr(0, 4));
}

namespace {

// One record of every type the dissector decodes, plus an unknown one and an OPT record
// with every decoded option (hand-built; values chosen to be checkable).
std::vector<std::uint8_t> every_type_response() {
    Builder b;
    b.name("every.test");
    b.u16(255);
    b.u16(1);
    std::size_t d;
    d = b.rr("a.every.test", 1); b.hex("c0000201"); b.end(d);
    d = b.rr("a.every.test", 28); b.hex("20010db8000000000000000000000001"); b.end(d);
    d = b.rr("every.test", 2); b.name("ns.every.test"); b.end(d);
    d = b.rr("alias.every.test", 5); b.name("a.every.test"); b.end(d);
    d = b.rr("every.test", 6);
    b.name("ns.every.test"); b.name("admin.every.test");
    b.u32(2024010101); b.u32(7200); b.u32(900); b.u32(1209600); b.u32(300);
    b.end(d);
    d = b.rr("1.2.0.192.in-addr.arpa", 12); b.name("a.every.test"); b.end(d);
    d = b.rr("every.test", 15); b.u16(10); b.name("mx.every.test"); b.end(d);
    d = b.rr("every.test", 16); b.cstring("v=spf1 -all"); b.cstring("second, with comma"); b.end(d);
    d = b.rr("_imaps._tcp.every.test", 33); b.u16(1); b.u16(2); b.u16(993); b.name("mail.every.test"); b.end(d);
    d = b.rr("every.test", 257); b.u8(0x80); b.cstring("issuewild"); b.raw(";"); b.end(d);
    d = b.rr("every.test", 35);
    b.u16(100); b.u16(10); b.cstring("S"); b.cstring("SIP+D2U"); b.cstring(""); b.name("_sip._udp.every.test");
    b.end(d);
    d = b.rr("every.test", 43); b.u16(0xe3a0); b.u8(13); b.u8(2); b.hex(std::string(64, 'a')); b.end(d);
    d = b.rr("every.test", 48); b.u16(257); b.u8(3); b.u8(13); b.hex(std::string(128, 'b')); b.end(d);
    d = b.rr("every.test", 46);
    b.u16(1); b.u8(13); b.u8(2); b.u32(300); b.u32(1700000000); b.u32(1690000000); b.u16(4242);
    b.name("every.test"); b.hex(std::string(128, 'c'));
    b.end(d);
    // NSEC bit map: A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY.
    d = b.rr("every.test", 47); b.name("z.every.test"); b.hex("0007620180080003" "80"); b.end(d);
    d = b.rr("h.every.test", 50);
    b.u8(1); b.u8(1); b.u16(0); b.u8(2); b.hex("abcd"); b.u8(5); b.raw("hello"); b.hex("000120"); b.end(d);
    d = b.rr("every.test", 51); b.u8(1); b.u8(0); b.u16(10); b.u8(0); b.end(d);
    d = b.rr("every.test", 13); b.cstring("INTEL-386"); b.cstring("Windows"); b.end(d);
    d = b.rr("every.test", 29);
    b.u8(0); b.u8(0x12); b.u8(0x16); b.u8(0x13);
    b.u32(0x80000000u + 42u * 3600000u); b.u32(0x80000000u - 71u * 3600000u); b.u32(10000000u + 1000u);
    b.end(d);
    d = b.rr("every.test", 11); b.hex("c0000201"); b.u8(6); b.hex("e005"); b.end(d);
    d = b.rr("_443._tcp.every.test", 52); b.u8(3); b.u8(1); b.u8(1); b.hex(std::string(64, 'd')); b.end(d);
    d = b.rr("every.test", 44); b.u8(4); b.u8(2); b.hex(std::string(64, 'e')); b.end(d);
    d = b.rr("every.test", 37); b.u16(1); b.u16(0x1234); b.u8(8); b.hex("3082"); b.end(d);
    d = b.rr("old.every.test", 39); b.name("new.every.test"); b.end(d);
    d = b.rr("every.test", 99); b.cstring("v=spf1 mx -all"); b.end(d);
    d = b.rr("every.test", 65);
    b.u16(1); b.u8(0);
    b.u16(0); b.u16(4); b.u16(1); b.u16(3);                      // mandatory=alpn,port
    b.u16(1); b.u16(3); b.cstring("h2");                          // alpn=h2
    b.u16(2); b.u16(0);                                           // no-default-alpn
    b.u16(3); b.u16(2); b.u16(8443);                              // port=8443
    b.u16(4); b.u16(8); b.hex("c0000201c0000202");                // ipv4hint
    b.u16(5); b.u16(6); b.hex("0004fe0a0000");                    // ech: one ECHConfig of another version
    b.u16(6); b.u16(16); b.hex("20010db8000000000000000000000001");  // ipv6hint
    b.end(d);
    d = b.rr("svc.every.test", 64); b.u16(0); b.name("target.every.test"); b.end(d);
    d = b.rr("every.test", 65280); b.hex("0a000001"); b.end(d);
    d = b.rr("every.test", 24);  // SIG has the RRSIG layout
    b.u16(6); b.u8(8); b.u8(2); b.u32(0); b.u32(1700000000); b.u32(1690000000); b.u16(1); b.u8(0); b.hex("ff");
    b.end(d);
    // OPT: UDP 4096, DO set, options NSID "ns1", ECS 192.0.2.0/24, ECS 2001:db8::/32,
    // COOKIE client+server, keepalive 300, padding 4, EDE 18 "blocked", DAU 8 13.
    b.u8(0);
    b.u16(41);
    b.u16(4096);
    b.u32(0x00008000);
    b.u16(0);
    d = b.b.size();
    b.u16(3); b.u16(3); b.raw("ns1");
    b.u16(8); b.u16(7); b.u16(1); b.u8(24); b.u8(0); b.hex("c00002");
    b.u16(8); b.u16(8); b.u16(2); b.u8(32); b.u8(0); b.hex("20010db8");
    b.u16(10); b.u16(16); b.hex("0102030405060708a1a2a3a4a5a6a7a8");
    b.u16(11); b.u16(2); b.u16(300);
    b.u16(12); b.u16(4); b.hex("00000000");
    b.u16(15); b.u16(9); b.u16(18); b.raw("blocked");
    b.u16(5); b.u16(2); b.u8(8); b.u8(13);
    b.end(d);
    return message(0x8180, 1, 29, 0, 1, b.b);
}

}  // namespace

TEST_CASE("One record of every decoded type, values and every prefix") {
    auto msg = every_type_response();
    Parsed p = parse(msg);
    for (const auto& a : anomalies(p.tree)) FAIL_CHECK(a);
    CHECK(p.facts.answers.size() == 29);
    CHECK(value(p.tree, "dns.a") == "192.0.2.1");
    CHECK(value(p.tree, "dns.aaaa") == "2001:db8::1");
    CHECK(value(p.tree, "dns.ns") == "ns.every.test");
    CHECK(value(p.tree, "dns.cname") == "a.every.test");
    CHECK(value(p.tree, "dns.soa.serial_number") == "2024010101");
    CHECK(value(p.tree, "dns.soa.expire_limit") == "1209600");
    CHECK(value(p.tree, "dns.ptr.domain_name") == "a.every.test");
    CHECK(value(p.tree, "dns.mx.preference") == "10");
    CHECK(value(p.tree, "dns.mx.mail_exchange") == "mx.every.test");
    CHECK(joined(p.tree, "dns.txt") == "v=spf1 -all,second, with comma");
    CHECK(value(p.tree, "dns.srv.port") == "993");
    CHECK(value(p.tree, "dns.srv.target") == "mail.every.test");
    CHECK(value(p.tree, "dns.srv.service") == "_imaps");
    CHECK(value(p.tree, "dns.caa.flags.issuer_critical") == "1");
    CHECK(value(p.tree, "dns.caa.issuewild") == ";");
    CHECK(value(p.tree, "dns.naptr.service") == "SIP+D2U");
    CHECK(value(p.tree, "dns.naptr.replacement") == "_sip._udp.every.test");
    CHECK(value(p.tree, "dns.ds.key_id") == "0xe3a0");
    CHECK(value(p.tree, "dns.ds.digest_type") == "2");
    CHECK(value(p.tree, "dns.dnskey.flags") == "0x0101");
    CHECK(value(p.tree, "dns.dnskey.flags.secure_entry_point") == "1");
    CHECK(has(p.tree, "dns.dnskey.key_id"));
    CHECK(joined(p.tree, "dns.rrsig.type_covered") == "1,6");
    CHECK(value(p.tree, "dns.rrsig.signature_expiration") == "Nov 14, 2023 22:13:20.000000000 UTC");
    CHECK(value(p.tree, "dns.rrsig.signers_name") == "every.test");
    CHECK(value(p.tree, "dns.nsec.next_domain_name") == "z.every.test");
    CHECK(joined(p.tree, "dns.type_bitmap.type") == "1,2,6,15,16,28,46,47,48,2");
    CHECK(value(p.tree, "dns.nsec3.hash_value") == "d1imor3f");
    CHECK(value(p.tree, "dns.nsec3.salt_value") == "abcd");
    CHECK(value(p.tree, "dns.hinfo.cpu") == "INTEL-386");
    CHECK(value(p.tree, "dns.loc.latitude") == std::to_string(0x80000000u + 42u * 3600000u));
    CHECK(value(p.tree, "dns.wks.protocol") == "6");
    CHECK(joined(p.tree, "dns.wks.bits") == "0xe0,0x05");
    CHECK(value(p.tree, "dns.tlsa.certificate_usage") == "3");
    CHECK(value(p.tree, "dns.sshfp.algorithm") == "4");
    CHECK(value(p.tree, "dns.cert.key_tag") == "0x1234");
    CHECK(value(p.tree, "dns.dname") == "new.every.test");
    CHECK(value(p.tree, "dns.spf") == "v=spf1 mx -all");
    CHECK(joined(p.tree, "dns.svcb.svcparam.mandatory.key") == "1,3");
    CHECK(value(p.tree, "dns.svcb.svcparam.port") == "8443");
    CHECK(joined(p.tree, "dns.svcb.svcparam.ipv4hint.ip") == "192.0.2.1,192.0.2.2");
    CHECK(value(p.tree, "dns.svcb.svcparam.echconfig") == "0004fe0a0000");
    CHECK(value(p.tree, "tls.ech.echconfig.version") == "0xfe0a");
    CHECK(value(p.tree, "dns.svcb.svcparam.ipv6hint.ip") == "2001:db8::1");
    CHECK(value(p.tree, "dns.svcb.targetname") == "<Root>");
    CHECK(values(p.tree, "dns.svcb.targetname").back() == "target.every.test");
    CHECK(value(p.tree, "dns.data") == "0a000001");
    CHECK(p.facts.answers.at(27).data == "\\# 4 0a000001");  // RFC 3597 generic form
    CHECK(p.facts.answers.at(25).data ==
          "1 . mandatory=alpn,port alpn=h2 no-default-alpn port=8443 ipv4hint=192.0.2.1,192.0.2.2 ech=AAT+CgAA "
          "ipv6hint=2001:db8::1");
    // EDNS
    CHECK(value(p.tree, "dns.rr.udp_payload_size") == "4096");
    CHECK(value(p.tree, "dns.resp.z.do") == "1");
    CHECK(joined(p.tree, "dns.opt.code") == "3,8,8,10,11,12,15,5");
    CHECK(value(p.tree, "dns.opt.client.family") == "1");
    CHECK(value(p.tree, "dns.opt.client.netmask") == "24");
    CHECK(value(p.tree, "dns.opt.client.addr4") == "192.0.2.0");
    CHECK(value(p.tree, "dns.opt.client.addr6") == "2001:db8::");
    CHECK(value(p.tree, "dns.opt.cookie.client") == "0102030405060708");
    CHECK(value(p.tree, "dns.opt.cookie.server") == "a1a2a3a4a5a6a7a8");
    CHECK(value(p.tree, "dns.opt.edns_tcp_keepalive.timeout") == "300");
    CHECK(value(p.tree, "dns.opt.padding") == "00000000");
    CHECK(value(p.tree, "dns.opt.ext_error.info_code") == "18");
    CHECK(value(p.tree, "dns.opt.ext_error.extra_text") == "blocked");
    CHECK(joined(p.tree, "dns.opt.dau") == "8,13");
    REQUIRE(p.facts.edns);
    CHECK(p.facts.edns->dnssec_ok);
    check_every_prefix(msg, "every type");
}

TEST_CASE("EDNS options that lie are Malformed and the record after them is still dissected") {
    auto with_opt = [](const std::string& rdata_hex) {
        Builder b;
        b.u8(0);
        b.u16(41);
        b.u16(1232);
        b.u32(0);
        auto rdata = from_hex(rdata_hex);
        b.u16(unsigned(rdata.size()));
        b.b.insert(b.b.end(), rdata.begin(), rdata.end());
        std::size_t d = b.rr("after.test", 1);
        b.hex("c0000263");
        b.end(d);
        return message(0x8180, 0, 0, 0, 2, b.b);
    };
    struct Case {
        const char* rdata;
        const char* why;
    };
    for (const Case& c : {
             Case{"00", "EDNS option code and length"},                            // dns-edns-bad-length.pcap's shape
             Case{"00080009" "000120000102030405", "longer than an IPv4 address"},  // ECS: 5-byte IPv4 address
             Case{"00080006000118000102", "needs 3"},                               // ECS /24 with 2 address bytes
             Case{"00080008" "00012100" "01020304", "exceeds 32"},                 // ECS source /33
             Case{"000a000a01020304050607080910", "COOKIE option of 10 bytes"},
             Case{"000b000100", "edns-tcp-keepalive option of 1 bytes"},
             Case{"000a00ff0102", "option length 255 exceeds"},
         }) {
        INFO(c.rdata);
        Parsed p = parse(with_opt(c.rdata));
        auto a = anomalies(p.tree);
        REQUIRE(a.size() == 1);
        CHECK(a[0].find("[Malformed") == 0);
        CHECK(a[0].find(c.why) != std::string::npos);
        CHECK(value(p.tree, "dns.a") == "192.0.2.99");
    }
}

TEST_CASE("SVCB parameters that break RFC 9460 are Malformed") {
    auto with_params = [](const std::string& params_hex) {
        Builder b;
        std::size_t d = b.rr("svc.test", 64);
        b.u16(1);
        b.u8(0);
        b.hex(params_hex);
        b.end(d);
        return message(0x8180, 0, 1, 0, 0, b.b);
    };
    struct Case {
        const char* params;
        const char* why;
    };
    for (const Case& c : {
             // svcb-alpn-malformed-len-too-long.pcap's shape: "h2", then a length 8 with 2 bytes left.
             Case{"00010006026832086833", "ALPN id"},
             // svcb-port-malformed.pcap's shape: a 3-byte port.
             Case{"0003000301bb00", "port value of 3 bytes has the wrong length"},
             Case{"00030002 01bb 0001 0003 026832", "strictly increasing"},
             Case{"000400050102030405", "ipv4hint value of 5 bytes"},
             Case{"00020001 00", "no-default-alpn value of 1 bytes"},
             Case{"0001 0010 02 6832", "SvcParamValue length 16 exceeds"},
         }) {
        INFO(c.params);
        Parsed p = parse(with_params(c.params));
        auto a = anomalies(p.tree);
        REQUIRE_FALSE(a.empty());
        CHECK(a[0].find("[Malformed") == 0);
        CHECK(a[0].find(c.why) != std::string::npos);
    }
    // AliasMode (priority 0) with parameters.
    Builder b;
    std::size_t d = b.rr("svc.test", 65);
    b.u16(0);
    b.name("target.test");
    b.hex("000300020050");
    b.end(d);
    Parsed alias = parse(message(0x8180, 0, 1, 0, 0, b.b));
    REQUIRE(anomalies(alias.tree).size() == 1);
    CHECK(anomalies(alias.tree)[0].find("AliasMode") != std::string::npos);
}

TEST_CASE("Record lengths and counts that lie: Malformed, and what can be found is still shown") {
    SECTION("data length past the end of the message") {
        auto m = from_hex(kResponseA);
        m[44] = 0x40;  // the first CNAME's RDLENGTH 0x0016 -> 0x4016
        Parsed p = parse(m);
        auto a = anomalies(p.tree);
        REQUIRE_FALSE(a.empty());
        CHECK(a[0].find("data length 16406 exceeds") != std::string::npos);
        CHECK(value(p.tree, "dns.qry.name") == "www.example.test");
    }
    SECTION("counts larger than the message (conn-count-too-large.pcap is the honest form)") {
        auto m = from_hex(kQueryA);
        m[7] = 5;  // five answers that are not there
        Parsed p = parse(m);
        CHECK(p.facts.malformed);
        bool said = false;
        for (const auto& a : anomalies(p.tree)) said = said || a.find("the message ends after") != std::string::npos;
        CHECK(said);
    }
    SECTION("a name that loops in the question; the rest of the message goes on") {
        // dns-invalid-names.pcap frame 2: QNAME is a pointer to itself.
        auto m = message(0x0100, 1, 0, 0, 0, from_hex("c00c00010001"));
        Parsed p = parse(m);
        CHECK(p.facts.malformed);
        CHECK(value(p.tree, "dns.qry.name") == "<Name contains a pointer that loops>");
        CHECK(value(p.tree, "dns.qry.type") == "1");
        CHECK_FALSE(has(p.tree, "dns.qry.name.len"));
        CHECK(anomalies(p.tree).at(0) ==
              "[Malformed: name compression pointer at offset 12 loops back into its own name]");
    }
    SECTION("several questions in a standard query are noted") {
        auto q = from_hex(kQueryA);
        q[5] = 2;
        q[11] = 0;
        q.resize(q.size() - 23);  // drop the OPT record
        auto second = from_hex("c00c001c0001");
        q.insert(q.end(), second.begin(), second.end());
        Parsed p = parse(q);
        CHECK(anomalies(p.tree).empty());
        CHECK(has(p.tree, "dns.qry.multiple"));
        CHECK(joined(p.tree, "dns.qry.type") == "1,28");
    }
    SECTION("trailing bytes are extraneous data, not a record") {
        auto m = from_hex(kNxdomain);
        m.push_back(0);
        m.push_back(0);
        Parsed p = parse(m);
        CHECK(value(p.tree, "dns.extraneous.data") == "0000");
        CHECK(p.facts.trailing == 2);
        CHECK_FALSE(plausible_dns_message(m));
    }
}

TEST_CASE("mDNS: the class top bit is QU or cache flush; LLMNR flags") {
    Builder b;
    b.name("host.local");
    b.u16(1);
    b.u16(0x8001);
    std::size_t d = b.rr("host.local", 1, 0x8001, 120);
    b.hex("0a000207");
    b.end(d);
    Parsed p = parse(message(0x8400, 1, 1, 0, 0, b.b), SIZE_MAX, 0, DnsFlavor::Mdns);
    CHECK(anomalies(p.tree).empty());
    CHECK(value(p.tree, "dns.qry.class") == "0x0001");
    CHECK(value(p.tree, "dns.qry.qu") == "1");
    CHECK(value(p.tree, "dns.resp.class") == "0x0001");
    CHECK(value(p.tree, "dns.resp.cache_flush") == "1");
    CHECK(p.info == "Standard query response 0x1234 A host.local, \"QU\" question A, cache flush 10.0.2.7");
    Parsed l = parse(message(0x0000, 1, 0, 0, 0, from_hex("04686f73740000010001")), SIZE_MAX, 0, DnsFlavor::Llmnr);
    CHECK(has(l.tree, "dns.flags.conflict"));
    CHECK(has(l.tree, "dns.flags.tentative"));
    CHECK_FALSE(has(l.tree, "dns.flags.recdesired"));
}

TEST_CASE("Plausible DNS on other ports") {
    CHECK(plausible_dns_message(from_hex(kQueryA)));
    CHECK(plausible_dns_message(from_hex(kResponseA)));
    CHECK_FALSE(plausible_dns_message(from_hex("db93012000000000000000000000")));  // no records
    CHECK_FALSE(plausible_dns_message(from_hex("1603010200010001fc030300")));      // a TLS record head
    auto cut = from_hex(kResponseA);
    cut.pop_back();
    CHECK_FALSE(plausible_dns_message(cut));
    std::vector<std::uint8_t> noise(64);
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = std::uint8_t(i * 37 + 11);
    CHECK_FALSE(plausible_dns_message(noise));
}

// ---------------------------------------------------------------------------------
// Matching

TEST_CASE("Transactions: request, response and time; retransmissions; unsolicited; unanswered") {
    const NetAddress client = ip4(127, 0, 0, 1), server = ip4(127, 0, 0, 53);
    const DnsEndpoints ask = udp(client, 59147, server, 53), answer = udp(server, 53, client, 59147);
    const auto query = facts_of(kQueryA), response = facts_of(kResponseA);

    SECTION("the answer points at its query, with the time between them") {
        DnsTransactionTable t;
        DnsMatch q = t.observe(ask, query, 1, 1'000'000'000);
        CHECK_FALSE(q.retransmission);
        CHECK(q.response_in == 0);  // one pass: not known yet
        CHECK(t.pending() == 1);
        CHECK(t.unanswered().size() == 1);
        DnsMatch r = t.observe(answer, response, 2, 1'000'376'000);
        CHECK(r.request_in == 1);
        CHECK(r.time_ns == 376'000);
        CHECK_FALSE(r.unsolicited);
        CHECK(t.unanswered().empty());
    }
    SECTION("a repeated query within 5 s is a retransmission; the answer goes to the original") {
        DnsTransactionTable t;
        t.observe(ask, query, 1, 0);
        DnsMatch again = t.observe(ask, query, 5, 1'000'000'000);
        CHECK(again.retransmission);
        CHECK(again.retransmit_of == 1);
        DnsMatch r = t.observe(answer, response, 6, 1'200'000'000);
        CHECK(r.request_in == 1);
        CHECK(r.time_ns == 1'200'000'000);
        DnsMatch twice = t.observe(answer, response, 7, 1'300'000'000);  // dns-two-responses.pcap's case
        CHECK(twice.retransmission);
        CHECK(twice.retransmit_of == 6);
        CHECK(twice.request_in == 0);
        auto late = t.observe(ask, query, 9, 2'000'000'000);  // answered: a new transaction
        CHECK_FALSE(late.retransmission);
    }
    SECTION("after the retransmission window, the same query is a new transaction") {
        DnsTransactionTable t;
        t.observe(ask, query, 1, 0);
        CHECK_FALSE(t.observe(ask, query, 2, kDnsRetransmissionWindowNs + 1).retransmission);
        CHECK(t.observe(answer, response, 3, kDnsRetransmissionWindowNs + 2).request_in == 2);
        CHECK(t.unanswered().size() == 1);
        CHECK(t.unanswered()[0].query_frame == 1);
    }
    SECTION("same ID, different question: not a retransmission, and each answer finds its own") {
        DnsTransactionTable t;
        auto other = query;
        other.questions[0].type = 28;
        t.observe(ask, query, 1, 0);
        CHECK_FALSE(t.observe(ask, other, 2, 10).retransmission);
        CHECK(t.observe(answer, response, 3, 20).request_in == 1);
    }
    SECTION("different ports or transport: different transactions") {
        DnsTransactionTable t;
        t.observe(ask, query, 1, 0);
        CHECK(t.observe(udp(server, 53, client, 40000), response, 2, 10).unsolicited);
        DnsEndpoints over_tcp = answer;
        over_tcp.transport = DnsTransport::Tcp;
        CHECK(t.observe(over_tcp, response, 3, 10).unsolicited);
    }
    SECTION("a response before its query (out-of-order capture) gives the query its Response In") {
        DnsTransactionTable t;
        CHECK(t.observe(answer, response, 1, 100).unsolicited);
        DnsMatch q = t.observe(ask, query, 2, 50);
        CHECK(q.response_in == 1);
        CHECK(t.unanswered().empty());
    }
    SECTION("transactions expire; unanswered ones stay listed") {
        DnsTransactionTable t;
        t.observe(ask, query, 1, 0);
        t.observe(ask, facts_of(kQueryNope), 2, 1);
        t.observe(udp(server, 53, client, 59147), facts_of(kNxdomain), 3, 2);
        t.observe(ask, query, 4, kDnsTransactionTimeoutNs + 10);  // expires frame 1
        CHECK(t.pending() == 1);
        auto u = t.unanswered();
        REQUIRE(u.size() == 2);
        CHECK(u[0].query_frame == 1);
        CHECK(u[0].questions.at(0).name == "www.example.test");
        CHECK(u[1].query_frame == 4);
    }
    SECTION("bounded") {
        DnsTransactionTable t;
        auto q = query;
        for (std::uint32_t i = 0; i < kMaxDnsTransactions + 1000; ++i) {
            q.id = std::uint16_t(i);
            t.observe(udp(client, std::uint16_t(1024 + i / 65536), server, 53), q, i + 1, 0);
        }
        CHECK(t.pending() <= kMaxDnsTransactions);
        CHECK(t.dropped() >= 1000);
        CHECK(t.unanswered().size() <= kMaxDnsTransactions + kMaxDnsUnansweredKept);
    }
    SECTION("completed transactions for the session model") {
        DnsTransactionTable t;
        t.keep_completed(true);
        t.observe(ask, query, 1, 0);
        t.observe(answer, response, 2, 376'000);
        auto done = t.take_completed();
        REQUIRE(done.size() == 1);
        CHECK(done[0].query_frame == 1);
        CHECK(done[0].response_frame == 2);
        CHECK(done[0].response_time_ns == 376'000);
        CHECK(done[0].client_port == 59147);
        CHECK(done[0].answers.size() == 3);
        CHECK(t.take_completed().empty());
    }
}

TEST_CASE("mDNS answers without a question go to the query that asked for their names") {
    // mdns.pcap frames 9-20 in short: two queries with ID 0 from the same host, one for a
    // service, one for the host's addresses; the answer names the host.
    const NetAddress host = ip4(10, 0, 2, 7), group = ip4(224, 0, 0, 251);
    const DnsEndpoints e = udp(host, 5353, group, 5353);
    DnsMessageFacts ptr, any, answer;
    ptr.header_complete = any.header_complete = answer.header_complete = true;
    ptr.questions = {{"_ipp._tcp.local", 12, 1, false}};
    any.questions = {{"johanna.local", 255, 1, false}};
    answer.response = true;
    DnsRecord a;
    a.name = "johanna.local";
    a.type = 1;
    answer.answers = {a};
    DnsTransactionTable t;
    t.observe(e, ptr, 9, 0);
    CHECK_FALSE(t.observe(e, any, 10, 1).retransmission);
    CHECK(t.observe(e, any, 11, 2).retransmit_of == 10);
    CHECK(t.observe(e, answer, 12, 3).request_in == 10);
    CHECK(t.observe(e, answer, 13, 4).request_in == 9);  // nothing else pending: the latest unanswered
}

TEST_CASE("Resolutions: the name asked, the CNAME chain, the latest before a frame") {
    const NetAddress client = ip4(127, 0, 0, 1), server = ip4(127, 0, 0, 53);
    DnsTransactionTable t;
    t.observe(udp(client, 59147, server, 53), facts_of(kQueryA), 1, 0);
    t.observe(udp(server, 53, client, 59147), facts_of(kResponseA), 2, 376'000);
    auto r = t.resolution_for(ip4(127, 0, 0, 2), 8);
    REQUIRE(r);
    CHECK(r->frame == 2);
    CHECK(r->name == "www.example.test");
    CHECK(r->cname_chain == std::vector<std::string>{"www.cdn.example.test", "edge.cdn.example.test"});
    CHECK_FALSE(t.resolution_for(ip4(127, 0, 0, 2), 2));  // not before the answer
    CHECK_FALSE(t.resolution_for(ip4(127, 0, 0, 3), 8));
    CHECK_FALSE(t.resolution_for(server, 8));
    // NXDOMAIN resolves nothing; a later answer for the same address wins.
    t.observe(udp(server, 53, client, 59147), facts_of(kNxdomain), 3, 400'000);
    auto later = facts_of(kResponseA);
    later.questions[0].name = "edge.cdn.example.test";
    later.answers.erase(later.answers.begin(), later.answers.begin() + 2);
    t.observe(udp(server, 53, client, 1000), later, 20, 500'000);
    CHECK(t.resolution_for(ip4(127, 0, 0, 2), 21)->name == "edge.cdn.example.test");
    CHECK(t.resolution_for(ip4(127, 0, 0, 2), 21)->cname_chain.empty());
    CHECK(t.resolution_for(ip4(127, 0, 0, 2), 20)->frame == 2);
    // Bounded per address.
    for (std::uint64_t f = 100; f < 100 + 3 * kMaxDnsResolutionsPerAddress; ++f)
        t.observe(udp(server, 53, client, 1000), later, f, 0);
    CHECK_FALSE(t.resolution_for(ip4(127, 0, 0, 2), 21));
}

TEST_CASE("Answered transactions: a retransmitted response keeps its query's uid; the latest kMaxDnsAnsweredKept") {
    const NetAddress client = ip4(127, 0, 0, 1), server = ip4(127, 0, 0, 53);
    DnsTransactionTable t;
    const auto query = facts_of(kQueryA), response = facts_of(kResponseA);
    t.observe(udp(client, 59147, server, 53), query, 1, 1000);
    t.observe(udp(server, 53, client, 59147), response, 2, 2000);
    const auto first = t.resolution_for(ip4(127, 0, 0, 2), 3);
    REQUIRE(first);
    REQUIRE_FALSE(first->transaction_uid.empty());
    // The same answer again: a retransmission of frame 2; its resolution names the same query.
    DnsMatch again = t.observe(udp(server, 53, client, 59147), response, 3, 3000);
    CHECK(again.retransmission);
    CHECK(again.retransmit_of == 2);
    const auto second = t.resolution_for(ip4(127, 0, 0, 2), 4);
    REQUIRE(second);
    CHECK(second->frame == 3);
    CHECK(second->transaction_uid == first->transaction_uid);
    CHECK(t.pending() == 0);
    // After kMaxDnsAnsweredKept more answered transactions, frame 1's is forgotten: a
    // repeated answer to it is unsolicited.
    auto q = query;
    auto r = response;
    for (std::uint32_t i = 0; i < kMaxDnsAnsweredKept; ++i) {
        q.id = r.id = std::uint16_t(i);
        const std::uint16_t port = std::uint16_t(2000 + i / 65536);
        t.observe(udp(client, port, server, 53), q, 10 + 2 * i, 5000);
        t.observe(udp(server, 53, client, port), r, 11 + 2 * i, 5000);
    }
    CHECK(t.pending() == 0);
    CHECK(t.observe(udp(server, 53, client, 59147), response, 1'000'000, 6000).unsolicited);
    // The latest one is still known.
    r.id = std::uint16_t(kMaxDnsAnsweredKept - 1);
    CHECK(t.observe(udp(server, 53, client, 2000), r, 1'000'001, 6000).retransmission);
}

// ---------------------------------------------------------------------------------
// DNS over TCP

namespace {

// What a TCP connection hands its application, without a TCP layer underneath.
struct TcpHarness {
    CaptureState state;
    std::unique_ptr<TcpApplication> app = make_dns_tcp_application();
    std::uint64_t offset[2] = {0, 0};

    struct Frame {
        Tree tree;
        PacketColumns columns;
        TcpApplication::FrameUse use;
    };
    // One frame from `side` whose TCP payload is `payload`.
    Frame segment(int side, std::uint64_t number, const std::vector<std::uint8_t>& payload) {
        Frame f;
        f.tree.frame_bytes = Bytes(payload);
        FrameInfo info;
        info.number = number;
        info.ts_ns = std::int64_t(number) * 1000;
        PacketContext ctx(info, f.tree.root(), &f.columns, state);
        ctx.src = side == 0 ? ip4(127, 0, 0, 1) : ip4(127, 0, 0, 53);
        ctx.dst = side == 0 ? ip4(127, 0, 0, 53) : ip4(127, 0, 0, 1);
        StreamEvent e;
        e.offset = offset[side];
        e.length = payload.size();
        e.data = Bytes(payload);
        e.frame = number;
        e.current_frame = true;
        e.frame_offset = 0;
        offset[side] += payload.size();
        app->on_stream_event(side, e, ctx);
        f.use = app->frame_use(number);
        return f;
    }
    void gap(int side, std::uint64_t number, std::uint64_t length) {
        Tree tree;
        FrameInfo info;
        info.number = number;
        PacketContext ctx(info, tree.root(), nullptr, state);
        StreamEvent e;
        e.kind = StreamEvent::Kind::Gap;
        e.offset = offset[side];
        e.length = length;
        offset[side] += length;
        app->on_stream_event(side, e, ctx);
    }
};

std::vector<std::uint8_t> with_length(const std::string& hex) {
    auto m = from_hex(hex);
    std::vector<std::uint8_t> out = {std::uint8_t(m.size() >> 8), std::uint8_t(m.size())};
    out.insert(out.end(), m.begin(), m.end());
    return out;
}

}  // namespace

TEST_CASE("DNS over TCP: two messages in one segment, one message over three segments") {
    TcpHarness h;
    // dns-tcp.pcap frame 4 carries one query; here two queries share a segment.
    auto two = with_length(kQueryA);
    auto second = with_length(kQueryNope);
    two.insert(two.end(), second.begin(), second.end());
    auto f1 = h.segment(0, 4, two);
    CHECK(f1.use.consumed);
    CHECK(f1.use.shown);
    CHECK(joined(f1.tree, "dns.length") == "57,58");
    CHECK(joined(f1.tree, "dns.id") == "0xdb93,0x597b");
    CHECK(f1.columns.protocol == "DNS");
    CHECK(f1.columns.info ==
          "Standard query 0xdb93 A www.example.test OPT, Standard query 0x597b A nope.example.test OPT");
    CHECK(anomalies(f1.tree).empty());

    // The answer (dns-tcp.pcap frame 6 carries it whole) split over frames 10, 11, 12.
    auto answer = with_length(kResponseA);
    std::vector<std::uint8_t> a(answer.begin(), answer.begin() + 50), b(answer.begin() + 50, answer.begin() + 100),
        c(answer.begin() + 100, answer.end());
    auto f10 = h.segment(1, 10, a);
    CHECK(f10.use.consumed);
    CHECK_FALSE(f10.use.shown);
    CHECK_FALSE(has(f10.tree, "dns.id"));
    auto f11 = h.segment(1, 11, b);
    CHECK_FALSE(f11.use.shown);
    auto f12 = h.segment(1, 12, c);
    CHECK(f12.use.shown);
    CHECK(value(f12.tree, "dns.length") == "130");
    CHECK(joined(f12.tree, "dns.cname") == "www.cdn.example.test,edge.cdn.example.test");
    CHECK(value(f12.tree, "dns.response_to") == "4");
    CHECK(joined(f12.tree, "tcp.segment") == "10,11,12");
    CHECK(value(f12.tree, "tcp.reassembled.length") == "132");
    bool summary = false;
    for (std::size_t i = 1; i < f12.tree.size(); ++i)
        summary = summary || display_line(f12.tree.node(std::int32_t(i))) ==
                                 "[3 Reassembled TCP Segments (132 bytes): #10(50), #11(50), #12(32)]";
    CHECK(summary);
    CHECK(anomalies(f12.tree).empty());
}

TEST_CASE("DNS over TCP: a gap inside a message shows what arrived as Truncated") {
    TcpHarness h;
    auto answer = with_length(kResponseA);
    std::vector<std::uint8_t> head(answer.begin(), answer.begin() + 60);
    auto f = h.segment(1, 3, head);
    CHECK(f.use.consumed);
    CHECK_FALSE(f.use.shown);
    h.gap(1, 4, answer.size() - 60);
    // The next message after the gap starts cleanly.
    auto next = h.segment(1, 5, with_length(kNxdomain));
    CHECK(next.use.shown);
    CHECK(value(next.tree, "dns.id") == "0x597b");
    CHECK(anomalies(next.tree).empty());
}

// ---------------------------------------------------------------------------------
// Whole captures

namespace {

std::vector<std::string> dns_captures() {
    std::vector<std::string> out;
    const std::filesystem::path root(TLSDISSECT_SOURCE_DIR);
    for (const auto& folder : {root / "captures", root / ".." / "shared" / "captures-real" / "dns"}) {
        if (!std::filesystem::is_directory(folder)) continue;
        for (const auto& entry : std::filesystem::directory_iterator(folder)) {
            const std::string name = entry.path().filename().string();
            const std::string ext = entry.path().extension().string();
            if (ext != ".pcap" && ext != ".pcapng" && ext != ".gz") continue;  // key logs, notes
            if (name.find("dns") != std::string::npos || name.find("https-cname-tls12.pcap") == 0 ||
                folder.filename() == "dns")
                out.push_back(entry.path().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("Every prefix of every DNS message in the captures dissects without a crash") {
    std::size_t messages = 0;
    for (const auto& path : dns_captures()) {
        CaptureError error = CaptureError::None;
        std::string why;
        auto reader = CaptureReader::open(path, error, why);
        REQUIRE(reader);
        FrameDissector d;
        CapturedPacket packet;
        Tree tree;
        std::size_t in_file = 0;
        while (reader->next(packet) == ReadStatus::Packet) {
            d.dissect(packet, &tree, nullptr);
            for (std::size_t i = 1; i < tree.size(); ++i) {
                const Node& n = tree.node(std::int32_t(i));
                if (!n.def || n.source != 0 || (n.def->filter != "dns" && n.def->filter != "mdns")) continue;
                if (n.offset + n.length > packet.data.size()) continue;  // cut by the snap length
                std::vector<std::uint8_t> msg(packet.data.begin() + n.offset,
                                              packet.data.begin() + n.offset + n.length);
                Parsed whole = parse(msg);
                if (!whole.facts.malformed && !whole.facts.truncated && ++in_file <= 6) {
                    check_every_prefix(msg, path);
                    ++messages;
                }
            }
        }
    }
    CHECK(messages >= 20);
}

TEST_CASE("The engine links answers to queries and keeps other ports' DNS") {
    CaptureError error = CaptureError::None;
    std::string why;
    auto reader = CaptureReader::open(std::string(TLSDISSECT_SOURCE_DIR) + "/captures/https-cname-tls12.pcap", error, why);
    REQUIRE(reader);
    FrameDissector d;
    CapturedPacket packet;
    Tree tree;
    PacketColumns columns;
    REQUIRE(reader->next(packet) == ReadStatus::Packet);
    d.dissect(packet, &tree, &columns);
    CHECK(columns.protocol == "DNS");
    CHECK(value(tree, "frame.protocols") == "eth:ethertype:ip:udp:dns");
    REQUIRE(reader->next(packet) == ReadStatus::Packet);
    d.dissect(packet, &tree, &columns);
    CHECK(value(tree, "dns.response_to") == "1");
    CHECK(value(tree, "dns.time") == "0.000376000");
    CHECK(columns.info.rfind("Standard query response 0xdb93 A www.example.test CNAME", 0) == 0);

    // The same query on UDP port 5300 is still recognised; a non-DNS payload is not.
    auto ipv4_udp = [](const std::vector<std::uint8_t>& payload) {
        const std::size_t udp_len = 8 + payload.size(), ip_len = 20 + udp_len;
        std::vector<std::uint8_t> f = {0x45, 0, std::uint8_t(ip_len >> 8), std::uint8_t(ip_len), 0, 0, 0, 0, 64, 17, 0, 0,
                                       192, 0, 2, 1, 192, 0, 2, 2,
                                       0x9c, 0x40, 0x14, 0xb4, std::uint8_t(udp_len >> 8), std::uint8_t(udp_len), 0, 0};
        f.insert(f.end(), payload.begin(), payload.end());
        return f;
    };
    FrameDissector e;
    Tree t;
    auto frame = ipv4_udp(from_hex(kQueryA));
    e.dissect(test::packet(frame, kLinkRaw), &t, nullptr);
    CHECK(value(t, "dns.qry.name") == "www.example.test");
    auto junk = ipv4_udp(from_hex("0102030405060708090a0b0c0d0e0f10"));
    e.dissect(test::packet(junk, kLinkRaw), &t, nullptr);
    CHECK_FALSE(has(t, "dns.id"));
}

TEST_CASE("DNS names compare case-insensitively, with or without the trailing dot", "[dns]") {
    using tlsdissect::dns_names_equal;
    CHECK(dns_names_equal("WWW.Example.Test", "www.example.test."));
    CHECK(dns_names_equal("a.", "A"));
    CHECK(dns_names_equal("", "."));
    CHECK_FALSE(dns_names_equal("www.example.test", "www.example.tes"));
    CHECK_FALSE(dns_names_equal("www.example.test", "ww.example.test."));
    tlsdissect::DnsResolution r;
    r.name = "www.example.test";
    r.cname_chain = {"www.cdn.example.test", "edge.cdn.example.test"};
    CHECK(r.names("EDGE.cdn.example.test."));
    CHECK(r.names("www.example.test"));
    CHECK_FALSE(r.names("other.example.test"));
}
