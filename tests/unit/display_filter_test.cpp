#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "filter/display_filter.hpp"
#include "output/packet_colouring.hpp"
#include "filter/field_names.hpp"
#include "filter/filter_literals.hpp"
#include "filter/frame_list.hpp"
#include "filter/linear_regex.hpp"
#include "filter/packet_selection.hpp"
#include "test_support.hpp"

using namespace tlsdissect;

namespace {

// Fields declared like the dissectors' own (same filter names and types), so that the
// trees below look like real packets to the filter.
constexpr ValueName kHandshakeNames[] = {{1, "Client Hello"}, {2, "Server Hello"}};
constexpr FieldDef kFrame{"frame", "Frame", FieldType::Protocol};
constexpr FieldDef kFrameNumber{"frame.number", "Frame Number", FieldType::UInt};
constexpr FieldDef kFrameTime{"frame.time", "Arrival Time", FieldType::AbsTime};
constexpr FieldDef kFrameRelative{"frame.time_relative", "Time since reference or first frame", FieldType::RelTime};
constexpr FieldDef kEthSrc{"eth.src", "Source", FieldType::Ether};
constexpr FieldDef kIp{"ip", "Internet Protocol Version 4", FieldType::Protocol};
constexpr FieldDef kIpSrc{"ip.src", "Source Address", FieldType::IPv4};
constexpr FieldDef kIpDst{"ip.dst", "Destination Address", FieldType::IPv4};
constexpr FieldDef kIpAddr{"ip.addr", "Source or Destination Address", FieldType::IPv4};
constexpr FieldDef kIpv6Addr{"ipv6.addr", "Source or Destination Address", FieldType::IPv6};
constexpr FieldDef kTcp{"tcp", "Transmission Control Protocol", FieldType::Protocol};
constexpr FieldDef kTcpSrcPort{"tcp.srcport", "Source Port", FieldType::UInt};
constexpr FieldDef kTcpDstPort{"tcp.dstport", "Destination Port", FieldType::UInt};
constexpr FieldDef kTcpPort{"tcp.port", "Source or Destination Port", FieldType::UInt};
constexpr FieldDef kTcpStream{"tcp.stream", "Stream index", FieldType::UInt};
constexpr FieldDef kTcpLen{"tcp.len", "TCP Segment Len", FieldType::UInt};
constexpr FieldDef kTcpFlags{"tcp.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0x0fff, 16};
constexpr FieldDef kTcpSyn{"tcp.flags.syn", "Syn", FieldType::Bool, Base::None, {}, 0x0002, 12};
constexpr FieldDef kTcpScale{"tcp.window_size_scalefactor", "Window size scaling factor", FieldType::Int};
constexpr FieldDef kTcpPayload{"tcp.payload", "TCP payload", FieldType::Bytes};
constexpr FieldDef kTcpRetransmission{"tcp.analysis.retransmission", "TCP Retransmission", FieldType::Expert};
constexpr FieldDef kTls{"tls", "Transport Layer Security", FieldType::Protocol};
constexpr FieldDef kHandshakeType{"tls.handshake.type", "Handshake Message Type", FieldType::UInt, Base::Dec,
                                  kHandshakeNames};
constexpr FieldDef kCipherSuite{"tls.handshake.ciphersuite", "Cipher Suite", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kServerName{"tls.handshake.extensions_server_name", "Server Name", FieldType::String};
constexpr FieldDef kDns{"dns", "Domain Name System", FieldType::Protocol};
constexpr FieldDef kDnsName{"dns.qry.name", "Name", FieldType::String};

Ipv4Address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) { return Ipv4Address{{a, b, c, d}}; }

Ipv6Address v6(const char* text) { return filter::parse_ipv6_network(text)->address; }

// Frame 8 of captures/https-cname-tls12.pcap, reduced: a TLS 1.2 Client Hello from
// 127.0.0.1:48436 to 127.0.0.2:443 offering two cipher suites.
struct ClientHello {
    std::vector<std::uint8_t> bytes = test::from_hex(
        "000000000000 000000000000 0800"                       // Ethernet
        "450000d5 6a5d4000 4006d1c2 7f000001 7f000002"          // IPv4
        "bd3401bb 00000001 00000001 80180020 feca0000"          // TCP (part)
        "160301009c 0100009800");                               // TLS record and handshake headers
    Tree tree;

    ClientHello() {
        bytes.insert(bytes.end(), {'G', 'E', 'T', ' ', 'w', 'w', 'w'});
        tree.frame_bytes = bytes;
        NodeRef root = tree.root();
        NodeRef frame = root.add(kFrame, std::monostate{}, 0, bytes.size());
        frame.add(kFrameNumber, std::uint64_t{8}, 0, 0);
        frame.add(kFrameTime, std::int64_t{1'795'755'343'405'007'000}, 0, 0);
        frame.add(kFrameRelative, std::int64_t{85'496'000}, 0, 0);
        root.add(kEthSrc, MacAddress{{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}}, 6, 6);
        NodeRef ip = root.add(kIp, std::monostate{}, 14, 20);
        ip.add(kIpSrc, v4(127, 0, 0, 1), 26, 4);
        ip.add(kIpAddr, v4(127, 0, 0, 1), 26, 4).set_hidden();
        ip.add(kIpDst, v4(127, 0, 0, 2), 30, 4);
        ip.add(kIpAddr, v4(127, 0, 0, 2), 30, 4).set_hidden();
        NodeRef tcp = root.add(kTcp, std::monostate{}, 34, 20);
        tcp.add(kTcpSrcPort, std::uint64_t{48436}, 34, 2);
        tcp.add(kTcpDstPort, std::uint64_t{443}, 36, 2);
        tcp.add(kTcpPort, std::uint64_t{48436}, 34, 2).set_hidden();
        tcp.add(kTcpPort, std::uint64_t{443}, 36, 2).set_hidden();
        tcp.add_generated(kTcpStream, std::uint64_t{0});
        tcp.add_generated(kTcpLen, std::uint64_t{161});
        tcp.add(kTcpFlags, std::uint64_t{0x018}, 46, 2);
        tcp.add(kTcpSyn, false, 46, 2);
        tcp.add_generated(kTcpScale, std::int64_t{-1});
        tcp.add(kTcpPayload, ByteString{{0x16, 0x03, 0x01, 0x00, 0x9c}}, 54, 5);
        NodeRef tls = root.add(kTls, std::monostate{}, 54, bytes.size() - 54);
        tls.add(kHandshakeType, std::uint64_t{1}, 59, 1);
        tls.add(kCipherSuite, std::uint64_t{0xc02f}, 70, 2);
        tls.add(kCipherSuite, std::uint64_t{0x00ff}, 72, 2);
        tls.add(kServerName, std::string("www.example.test"), 80, 16);
    }
};

// Frame 1 of the same capture: a DNS query over IPv6 (the capture's is IPv4; the
// address family is changed to test IPv6).
struct DnsQuery {
    std::vector<std::uint8_t> bytes = test::from_hex("0000 0000 0000 0000 0000 0000 86dd 03777777076578616d706c65");
    Tree tree;
    DnsQuery() {
        tree.frame_bytes = bytes;
        NodeRef root = tree.root();
        root.add(kFrame, std::monostate{}, 0, bytes.size()).add(kFrameNumber, std::uint64_t{1}, 0, 0);
        root.add(kIpv6Addr, v6("2001:db8::53"), 0, 16);
        root.add(kIpv6Addr, v6("::1"), 0, 16);
        NodeRef dns = root.add(kDns, std::monostate{}, 14, bytes.size() - 14);
        dns.add(kDnsName, std::string("www.Example.test"), 14, 13);
    }
};

bool passes(const std::string& text, const Tree& tree) {
    FilterError error;
    auto f = DisplayFilter::compile(text, error);
    INFO(text << ": " << error.message);
    REQUIRE(f);
    return f->matches(tree);
}

FilterError error_of(const std::string& text) {
    FilterError error;
    auto f = DisplayFilter::compile(text, error);
    INFO(text);
    REQUIRE_FALSE(f);
    return error;
}

}  // namespace

TEST_CASE("Presence: a bare field name, protocols and hidden fields", "[filter]") {
    ClientHello hello;
    DnsQuery query;
    CHECK(passes("tls", hello.tree));
    CHECK_FALSE(passes("dns", hello.tree));
    CHECK(passes("dns", query.tree));
    CHECK(passes("ip.addr", hello.tree));  // hidden, but there for filters
    CHECK(passes("tcp.port", hello.tree));
    CHECK_FALSE(passes("tcp.analysis.retransmission", hello.tree));
    CHECK(passes("", hello.tree));  // as tshark -Y ""
    CHECK(passes("   ", query.tree));
}

TEST_CASE("Comparisons of integers in every spelling", "[filter]") {
    ClientHello hello;
    CHECK(passes("tls.handshake.type == 1", hello.tree));
    CHECK(passes("tls.handshake.type eq 1", hello.tree));
    CHECK(passes("tls.handshake.type any_eq 1", hello.tree));
    CHECK_FALSE(passes("tls.handshake.type == 2", hello.tree));
    CHECK(passes("tcp.dstport == 0x1bb", hello.tree));
    CHECK(passes("tcp.dstport == 0673", hello.tree));  // octal, as in C and Wireshark
    CHECK(passes("tcp.dstport == 0b110111011", hello.tree));
    CHECK(passes("tcp.len > 160", hello.tree));
    CHECK(passes("tcp.len gt 160", hello.tree));
    CHECK_FALSE(passes("tcp.len > 161", hello.tree));
    CHECK(passes("tcp.len >= 161 && tcp.len ge 161", hello.tree));
    CHECK(passes("tcp.len < 162 and tcp.len lt 162", hello.tree));
    CHECK(passes("tcp.len <= 161 and tcp.len le 161", hello.tree));
    CHECK(passes("tcp.len != 1 and tcp.len ne 1", hello.tree));
    CHECK(passes("tcp.window_size_scalefactor == -1", hello.tree));
    CHECK(passes("tcp.window_size_scalefactor < 0", hello.tree));
    CHECK(passes("frame.number == 8", hello.tree));
}

TEST_CASE("Any occurrence: ==, !=, === and !== on a field that occurs twice", "[filter]") {
    ClientHello hello;
    DnsQuery query;
    // tcp.port is 48436 and 443.
    CHECK(passes("tcp.port == 443", hello.tree));
    CHECK(passes("tcp.port == 48436", hello.tree));
    CHECK(passes("tcp.port > 40000 && tcp.port < 500", hello.tree));  // different occurrences
    // Wireshark 4: a != b is !(a == b), so one equal occurrence makes it false.
    CHECK_FALSE(passes("tcp.port != 443", hello.tree));
    CHECK(passes("tcp.port != 80", hello.tree));
    CHECK(passes("tcp.port all_ne 80", hello.tree));
    // === needs every occurrence equal; !== any occurrence different.
    CHECK_FALSE(passes("tcp.port === 443", hello.tree));
    CHECK(passes("tcp.stream === 0", hello.tree));
    CHECK(passes("tcp.port !== 443", hello.tree));
    CHECK(passes("tcp.port any_ne 443", hello.tree));
    CHECK_FALSE(passes("tcp.stream !== 0", hello.tree));
    CHECK(passes("ip.addr == 127.0.0.2 and ip.addr == 127.0.0.1", hello.tree));
    CHECK_FALSE(passes("ip.addr != 127.0.0.1", hello.tree));
    // A missing field fails every comparison, != included; "not" turns that around.
    CHECK_FALSE(passes("tcp.port == 443", query.tree));
    CHECK_FALSE(passes("tcp.port != 443", query.tree));
    CHECK_FALSE(passes("tcp.port < 1", query.tree));
    CHECK(passes("!(tcp.port == 443)", query.tree));
    CHECK(passes("not tcp.port == 443", query.tree));
}

TEST_CASE("Precedence: not binds tighter than and, and tighter than or", "[filter]") {
    ClientHello hello;
    DnsQuery query;
    // dns or (tls and tcp.len == 0): dns is false for hello, tcp.len is 161.
    CHECK_FALSE(passes("dns or tls and tcp.len == 0", hello.tree));
    CHECK(passes("(dns or tls) and tcp.len == 161", hello.tree));
    CHECK_FALSE(passes("(dns or tls) and tcp.len == 0", hello.tree));
    // tls or (dns and ...): true through tls alone.
    CHECK(passes("tls or dns and tcp.len == 0", hello.tree));
    // (not dns) and tls, not not (dns and tls).
    CHECK(passes("not dns and tls", hello.tree));
    CHECK(passes("!dns && tls", hello.tree));
    CHECK_FALSE(passes("not (dns or tls)", hello.tree));
    CHECK(passes("not not tls", hello.tree));
    CHECK(passes("!tls || dns", query.tree));
    CHECK(passes("NOT tls AND dns", query.tree));  // keywords in any case
    CHECK(passes("((((dns))))", query.tree));
}

TEST_CASE("IPv4 and IPv6 addresses and networks", "[filter]") {
    ClientHello hello;
    DnsQuery query;
    CHECK(passes("ip.src == 127.0.0.1", hello.tree));
    CHECK(passes("ip.dst == 127.0.0.2", hello.tree));
    CHECK(passes("ip.addr == 127.0.0.0/8", hello.tree));
    CHECK(passes("ip.src == 127.0.0.1/32", hello.tree));
    CHECK(passes("ip.src == 127.0.0.0/31", hello.tree));
    CHECK_FALSE(passes("ip.dst == 127.0.0.0/31", hello.tree));
    CHECK_FALSE(passes("ip.addr == 10.0.0.0/8", hello.tree));
    CHECK(passes("ip.addr != 10.0.0.0/8", hello.tree));
    CHECK(passes("ip.addr == 0.0.0.0/0", hello.tree));
    CHECK(passes("ip.addr > 127.0.0.1", hello.tree));
    CHECK(passes("ip.src < ip.dst", hello.tree));
    CHECK_FALSE(passes("ip.src == ip.dst", hello.tree));
    CHECK(passes("ipv6.addr == ::1", query.tree));
    CHECK(passes("ipv6.addr == 0:0:0:0:0:0:0:1", query.tree));
    CHECK(passes("ipv6.addr == 2001:db8::/32", query.tree));
    CHECK(passes("ipv6.addr == 2001:db8::53/128", query.tree));
    CHECK_FALSE(passes("ipv6.addr == 2001:db9::/32", query.tree));
    CHECK(passes("ipv6.addr == 2001:db9::/31", query.tree));  // 2001:db8:: and 2001:db9:: share 31 bits
    CHECK_FALSE(passes("ipv6.addr == fe80::/10", query.tree));
    CHECK(passes("ipv6.addr in {fe80::/10, 2001:db8::/32}", query.tree));
}

TEST_CASE("Sets: in, not in, ranges, commas or spaces", "[filter]") {
    ClientHello hello;
    DnsQuery query;
    CHECK(passes("tls.handshake.ciphersuite in {0xc02f, 0x1301}", hello.tree));
    CHECK(passes("tls.handshake.ciphersuite in {0xc02f 0x1301}", hello.tree));
    CHECK(passes("tls.handshake.ciphersuite in {0x1301,0xc02f}", hello.tree));
    CHECK_FALSE(passes("tls.handshake.ciphersuite in {0x1301, 0x1302}", hello.tree));
    CHECK(passes("tcp.dstport in {400..500}", hello.tree));
    CHECK(passes("tcp.dstport in {400 .. 500}", hello.tree));
    CHECK(passes("tcp.dstport in {400-500}", hello.tree));
    CHECK(passes("tcp.dstport in {1, 80, 440..450}", hello.tree));
    CHECK_FALSE(passes("tcp.dstport in {444..500}", hello.tree));
    CHECK(passes("tcp.len in {161}", hello.tree));
    CHECK(passes("ip.src in {10.0.0.0/8, 127.0.0.0/8}", hello.tree));
    CHECK(passes("ip.src in {127.0.0.0..127.0.0.1}", hello.tree));
    CHECK(passes("tls.handshake.extensions_server_name in {\"a\", \"www.example.test\"}", hello.tree));
    CHECK(passes("frame.time_relative in {0.08..0.09}", hello.tree));
    // not in is !(in): a missing field passes, as in tshark.
    CHECK_FALSE(passes("tcp.port not in {443}", hello.tree));
    CHECK(passes("tcp.port not in {80}", hello.tree));
    CHECK(passes("tcp.port not in {443}", query.tree));
}

TEST_CASE("contains on strings, bytes and protocols", "[filter]") {
    ClientHello hello;
    DnsQuery query;
    CHECK(passes("tls.handshake.extensions_server_name contains \"example\"", hello.tree));
    CHECK(passes("tls.handshake.extensions_server_name contains example", hello.tree));
    CHECK_FALSE(passes("tls.handshake.extensions_server_name contains \"EXAMPLE\"", hello.tree));  // case matters
    CHECK(passes("tcp.payload contains 16:03:01", hello.tree));
    CHECK(passes("tcp.payload contains 16-03-01", hello.tree));
    CHECK(passes("tcp.payload contains 160301", hello.tree));
    CHECK(passes("tcp.payload contains 9c", hello.tree));
    CHECK(passes("tcp.payload contains \"\\x16\\x03\"", hello.tree));
    CHECK_FALSE(passes("tcp.payload contains 16:03:03", hello.tree));
    // A protocol's bytes run from its start to the end of the frame.
    CHECK(passes("frame contains \"GET www\"", hello.tree));
    CHECK(passes("tcp contains \"GET\"", hello.tree));
    CHECK(passes("tls contains 16:03:01", hello.tree));
    CHECK_FALSE(passes("tls contains 7f:00:00:01", hello.tree));
    CHECK(passes("ip contains 7f:00:00:01", hello.tree));
    CHECK(passes("dns contains \"example\"", query.tree));
    CHECK(passes("dns.qry.name contains \"Example\"", query.tree));
}

TEST_CASE("matches: Wireshark's case-insensitive regular expressions", "[filter]") {
    ClientHello hello;
    DnsQuery query;
    CHECK(passes("tls.handshake.extensions_server_name matches \"example\"", hello.tree));
    CHECK(passes("tls.handshake.extensions_server_name matches \"^WWW\\\\.example\\\\.test$\"", hello.tree));
    CHECK(passes("tls.handshake.extensions_server_name matches r\"^www\\.(example|test)\\.\"", hello.tree));
    CHECK(passes("tls.handshake.extensions_server_name ~ \"ex.mple\"", hello.tree));
    CHECK_FALSE(passes("tls.handshake.extensions_server_name matches \"(?-i)EXAMPLE\"", hello.tree));
    CHECK(passes("dns.qry.name matches \"(?-i)Example\"", query.tree));
    CHECK_FALSE(passes("tls.handshake.extensions_server_name matches \"^example\"", hello.tree));
    CHECK(passes("tcp.payload matches \"^\\x16\\x03[\\x00-\\x04]\"", hello.tree));
    CHECK(passes("frame matches \"GET w+\"", hello.tree));
}

TEST_CASE("Bit masks, booleans, times, Ethernet addresses and value names", "[filter]") {
    ClientHello hello;
    CHECK(passes("tcp.flags & 0x10", hello.tree));
    CHECK_FALSE(passes("tcp.flags & 0x02", hello.tree));
    CHECK(passes("tcp.flags == 0x018", hello.tree));
    CHECK(passes("tcp.flags.syn == 0", hello.tree));
    CHECK(passes("tcp.flags.syn == false", hello.tree));
    CHECK(passes("tcp.flags.syn == False", hello.tree));
    CHECK_FALSE(passes("tcp.flags.syn == 1", hello.tree));
    CHECK_FALSE(passes("tcp.flags.syn == 2", hello.tree));  // any non-zero number is true
    CHECK(passes("frame.time_relative > 0.085", hello.tree));
    CHECK(passes("frame.time_relative == 0.085496", hello.tree));
    CHECK_FALSE(passes("frame.time_relative >= 0.0855", hello.tree));
    CHECK(passes("frame.time == \"2026-11-27 04:55:43.405007\"", hello.tree));
    CHECK(passes("frame.time > \"2026-11-27T04:55:43Z\"", hello.tree));
    CHECK(passes("frame.time < \"Nov 27, 2026 04:55:43.5 UTC\"", hello.tree));
    CHECK(passes("frame.time >= 1795755343", hello.tree));
    CHECK(passes("frame.time < 2026-11-28", hello.tree));
    CHECK(passes("eth.src == 00:11:22:33:44:55", hello.tree));
    CHECK(passes("eth.src == 00-11-22-33-44-55", hello.tree));
    CHECK(passes("eth.src == 0011.2233.4455", hello.tree));
    CHECK_FALSE(passes("eth.src == 00:11:22:33:44:56", hello.tree));
    CHECK(passes("tls.handshake.type == \"client hello\"", hello.tree));
    CHECK(passes("tls.handshake.type in {\"Server Hello\", \"Client Hello\"}", hello.tree));
    CHECK_FALSE(passes("tls.handshake.type == \"Server Hello\"", hello.tree));
}

TEST_CASE("Field against field", "[filter]") {
    ClientHello hello;
    CHECK(passes("tcp.srcport > tcp.dstport", hello.tree));
    CHECK(passes("tcp.port == tcp.dstport", hello.tree));
    CHECK_FALSE(passes("tcp.srcport == tcp.dstport", hello.tree));
    CHECK(passes("tcp.srcport != tcp.dstport", hello.tree));
    CHECK(passes("tls contains tcp.payload", hello.tree));
    CHECK(error_of("ip.src == tcp.port").message == "cannot compare ip.src (IPv4 address) with tcp.port (unsigned integer)");
}

TEST_CASE("Errors say what is wrong and where", "[filter]") {
    FilterError e = error_of("tls.handshake.tpye == 1");
    CHECK(e.message == "unknown field \"tls.handshake.tpye\" (did you mean \"tls.handshake.type\"?)");
    CHECK(e.column == 0);
    CHECK(e.length == 18);
    CHECK(filter_error_display("tls.handshake.tpye == 1", e) ==
          "bad filter: unknown field \"tls.handshake.tpye\" (did you mean \"tls.handshake.type\"?)\n"
          "  tls.handshake.tpye == 1\n"
          "  ^~~~~~~~~~~~~~~~~~\n");
    CHECK(error_of("sip.method == \"x\"").message == "unknown field \"sip.method\"");

    e = error_of("tcp.port == 443 and (tls or dns");
    CHECK(e.message == "this \"(\" has no matching \")\"");
    CHECK(e.column == 20);
    e = error_of("tcp.port == 443)");
    CHECK(e.message == "\")\" without a matching \"(\"");
    CHECK(e.column == 15);
    e = error_of("(tcp.port == 443 tls)");
    CHECK(e.column == 17);
    CHECK(e.message == "expected \"and\", \"or\" or \")\", found \"tls\"");

    e = error_of("tcp.port == abc");
    CHECK(e.message == "\"abc\" is not a valid unsigned integer for tcp.port");
    CHECK(e.column == 12);
    CHECK(e.length == 3);
    e = error_of("tcp.port == \"443\"");
    CHECK(e.message == "tcp.port is an unsigned integer; \"443\" is a string (write numbers without quotes)");
    e = error_of("tcp.port == tcp.prot");
    CHECK(e.message == "\"tcp.prot\" is not a valid unsigned integer for tcp.port (did you mean the field \"tcp.port\"?)");
    e = error_of("ip.addr == 127.1");
    CHECK(e.column == 11);
    CHECK(e.message.find("not an IPv4 address") != std::string::npos);
    CHECK(error_of("ip.addr == 10.0.0.0/33").column == 11);
    CHECK(error_of("ipv6.addr == 2001:db8::/129").column == 13);
    CHECK(error_of("ip.addr > 10.0.0.0/8").message.find("network") != std::string::npos);
    CHECK(error_of("eth.src == 00:11:22:33:44").column == 11);
    CHECK(error_of("tcp.payload contains 1:2:345").column == 21);
    CHECK(error_of("frame.time > \"yesterday\"").column == 13);
    CHECK(error_of("tcp.flags.syn == yes").column == 17);
    CHECK(error_of("tcp.port in {1, x}").column == 16);
    CHECK(error_of("tcp.port in {}").message == "an empty set");
    CHECK(error_of("tcp.port in {1, 2").message == "this \"{\" has no matching \"}\"");
    CHECK(error_of("tcp.port in {9..1x}").column == 16);
    CHECK(error_of("tcp.analysis.retransmission == 1").message.find("has no value") != std::string::npos);

    e = error_of("tcp.port == 443 tls");
    CHECK(e.message == "expected \"and\", \"or\" or the end of the filter, found \"tls\"");
    CHECK(e.column == 16);
    CHECK(error_of("tls and").message == "the filter ends where a field name was expected");
    CHECK(error_of("tls and").column == 7);
    CHECK(error_of("tcp.port ==").message == "expected a value after \"==\", found the end of the filter");
    CHECK(error_of("tcp.port = 443").column == 9);
    CHECK(error_of("443 == tcp.port").message.find("expected a field name") == 0);
    CHECK(error_of("== 1").column == 0);
    CHECK(error_of("tcp.port contains 1").message.find("\"contains\" needs") == 0);
    CHECK(error_of("tcp.port matches \"1\"").message.find("\"matches\" needs") == 0);
    CHECK(error_of("dns.qry.name matches example").message.find("quoted string") != std::string::npos);
    e = error_of("dns.qry.name matches \"a(b\"");
    CHECK(e.message.find("bad regular expression: missing \")\"") == 0);
    CHECK(e.column == 21);
    CHECK(e.length == 5);
    CHECK(error_of("dns.qry.name matches \"(?<=a)b\"").message.find("look-around") != std::string::npos);
    CHECK(error_of("dns.qry.name matches \"\\d\"").column == 22);  // an escape the string does not know
    CHECK(error_of("dns.qry.name == \"abc").message == "this string has no closing quote");
    CHECK(error_of("tcp.port == 1 $").column == 14);
    CHECK(error_of("tcp.payload[0:2] == 16:03").message.find("slices") != std::string::npos);
    CHECK(error_of("tcp.flags & tls").column == 12);
    CHECK(error_of(std::string(300, '(') + "tls" + std::string(300, ')')).message == "the filter nests too deeply");
}

TEST_CASE("The caret lines up under multi-byte characters and tabs", "[filter]") {
    FilterError e = error_of("dns.qry.name == \"é\"\tand\tx.y");
    CHECK(filter_error_display("dns.qry.name == \"é\"\tand\tx.y", e) ==
          "bad filter: unknown field \"x.y\"\n"
          "  dns.qry.name == \"é\" and x.y\n"
          "                          ^~~\n");
}

TEST_CASE("The field-name table holds every dissector's fields", "[filter]") {
    CHECK(field_names().size() > 300);
    REQUIRE(find_field_name("tcp.port").size() == 1);
    CHECK(find_field_name("tcp.port")[0].type == FieldType::UInt);
    CHECK(find_field_name("tls")[0].type == FieldType::Protocol);
    CHECK(find_field_name("tls.handshake.type")[0].has_value_names);
    CHECK(find_field_name("ip.addr")[0].type == FieldType::IPv4);
    CHECK(find_field_name("no.such.field").empty());
    CHECK(closest_field_name("tcp.prot") == "tcp.port");
    CHECK(closest_field_name("ip.scr") == "ip.src");
    CHECK(closest_field_name("completely.different.thing").empty());
    for (std::size_t i = 1; i < field_names().size(); ++i) CHECK(field_names()[i - 1].name <= field_names()[i].name);
}

TEST_CASE("Literals read as Wireshark writes them", "[filter]") {
    using namespace tlsdissect::filter;
    CHECK(parse_unsigned("18446744073709551615") == 18446744073709551615u);
    CHECK_FALSE(parse_unsigned("18446744073709551616"));
    CHECK_FALSE(parse_unsigned("08"));
    CHECK_FALSE(parse_unsigned("0x"));
    CHECK_FALSE(parse_unsigned("-1"));
    CHECK(parse_signed("-9223372036854775808") == INT64_MIN);
    CHECK_FALSE(parse_signed("9223372036854775808"));
    CHECK(parse_seconds("0.000000001") == 1);
    CHECK(parse_seconds("-1.5") == -1'500'000'000);
    CHECK(parse_seconds("1e-3") == 1'000'000);
    CHECK_FALSE(parse_seconds("99999999999"));
    CHECK(parse_utc_time("1970-01-01") == 0);
    CHECK(parse_utc_time("2000-02-29 00:00:01") == 951782401'000'000'000);
    CHECK_FALSE(parse_utc_time("2001-02-29"));
    CHECK(parse_utc_time("Feb 29, 2000 00:00:01.5") == 951782401'500'000'000);
    CHECK(parse_utc_time("2262-04-11") == 9'223'286'400'000'000'000);
    CHECK_FALSE(parse_utc_time("2262-04-12"));  // past what 64-bit nanoseconds hold
    CHECK_FALSE(parse_utc_time("0001-01-01 00:00:00"));
    CHECK(parse_byte_string("a") == std::vector<std::uint8_t>{0x0a});
    CHECK(parse_byte_string("0a0b") == std::vector<std::uint8_t>{0x0a, 0x0b});
    CHECK_FALSE(parse_byte_string("0a0"));
    CHECK_FALSE(parse_byte_string("0a:0b-0c"));
    CHECK_FALSE(parse_ipv4_network("1.2.3.4/"));
    CHECK(parse_ipv4_network("1.2.3.4/0")->prefix == 0);
    CHECK(parse_mac("001122334455"));
    CHECK_FALSE(parse_mac("0011223344"));
    const std::uint8_t a[] = {0x20, 0x01, 0x0d, 0xb8};
    const std::uint8_t b[] = {0x20, 0x01, 0x0d, 0xb9};
    CHECK(same_network(a, b, 31));
    CHECK_FALSE(same_network(a, b, 32));
}

TEST_CASE("Regular expressions run in linear time without recursion", "[filter]") {
    using tlsdissect::filter::LinearRegex;
    using tlsdissect::filter::RegexError;
    auto search = [](std::string_view pattern, std::string_view subject) {
        RegexError error;
        auto re = LinearRegex::compile(pattern, false, error);
        INFO(pattern << ": " << error.message);
        REQUIRE(re);
        return re->search(subject);
    };
    CHECK(search("abc", "xxabcxx"));
    CHECK_FALSE(search("abd", "xxabcxx"));
    CHECK(search("^a.c$", "abc"));
    CHECK(search("^abc$", "abc\n"));
    CHECK_FALSE(search("^abc\\z", "abc\n"));
    CHECK_FALSE(search("a.c", "a\nc"));
    CHECK(search("(?s)a.c", "a\nc"));
    CHECK(search("(?m)^b$", "a\nb\nc"));
    CHECK(search("colou?r", "color"));
    CHECK(search("^(ab|cd)+$", "abcdab"));
    CHECK_FALSE(search("^(ab|cd)+$", "abca"));
    CHECK(search("^a{2,3}$", "aaa"));
    CHECK_FALSE(search("^a{2,3}$", "aaaa"));
    CHECK(search("^a{2}$", "aa"));
    CHECK(search("^a{2,}$", "aaaaa"));
    CHECK(search("a{,2}", "a{,2}"));  // not a quantifier: literal, as in PCRE
    CHECK(search("[[:digit:]]+\\.[0-9a-f]{2}", "v12.af"));
    CHECK(search("[^a-z]", "abc1"));
    CHECK_FALSE(search("[^a-z]", "abc"));
    CHECK(search("[]a]", "]"));
    CHECK(search("\\bword\\b", "a word here"));
    CHECK_FALSE(search("\\bword\\b", "swordfish"));
    CHECK(search("\\x16\\x03", "\x16\x03"));
    CHECK(search("\\d+\\s\\w+", "42 answers"));
    CHECK(search("(?i)HELLO", "hello"));
    CHECK(search("(?i:H)ELLO", "hELLO"));
    CHECK_FALSE(search("(?i:H)ELLO", "hello"));
    CHECK(search("a(?#comment)b", "ab"));
    CHECK(search("(?:x)(?<name>y)(?P<n2>z)", "xyz"));
    CHECK(search("\\Qa.b\\E", "a.b"));
    CHECK_FALSE(search("\\Qa.b\\E", "axb"));
    CHECK(search("", "anything"));
    CHECK(search("a|", "b"));
    // Pathological for a backtracking matcher, and deep for a recursive one.
    const std::string many_a(200'000, 'a');
    CHECK_FALSE(search("(a*)*b", many_a));
    CHECK_FALSE(search("(a|aa)+$x", many_a));
    CHECK(search("a.*a$", many_a));
    CHECK(search("^(x|y|a)*$", many_a));

    RegexError error;
    for (const char* bad : {"a(b", "a)b", "[ab", "*a", "a**", "a++", "\\1", "(?=a)", "(?<!a)", "(?>a)", "\\p{L}",
                            "a{2,1}", "a{1001}", "(a{1000}){1000}", "[z-a]", "(?x)a", "[[:nope:]]", "\\"}) {
        INFO(bad);
        CHECK_FALSE(LinearRegex::compile(bad, true, error));
    }
    CHECK_FALSE(LinearRegex::compile(std::string(150, '(') + std::string(150, ')'), true, error));
    CHECK(error.message == "groups nested too deeply");
}

TEST_CASE("--frames lists frames and ranges", "[filter]") {
    FilterError error;
    auto list = FrameList::parse("16,18-28, 40-", error);
    REQUIRE(list);
    CHECK(list->contains(16));
    CHECK_FALSE(list->contains(17));
    CHECK(list->contains(18));
    CHECK(list->contains(28));
    CHECK_FALSE(list->contains(29));
    CHECK(list->contains(40));
    CHECK(list->contains(1'000'000));
    CHECK_FALSE(list->last());
    auto closed = FrameList::parse("5,1-3,2-4", error);
    REQUIRE(closed);
    CHECK(closed->last() == 5);
    CHECK(closed->contains(4));
    CHECK_FALSE(closed->contains(6));

    CHECK_FALSE(FrameList::parse("", error));
    CHECK_FALSE(FrameList::parse("0", error));
    CHECK_FALSE(FrameList::parse("1,,2", error));
    CHECK(error.column == 2);
    CHECK_FALSE(FrameList::parse("5-3", error));
    CHECK(error.message == "this range ends before it starts");
    CHECK_FALSE(FrameList::parse("1;2", error));
    CHECK(error.column == 1);
    CHECK(filter_error_display("1;2", error, "frame list") == "bad frame list: expected \",\" between frames\n  1;2\n   ^\n");
}

TEST_CASE("A packet selection combines the filter, the frames and the stream", "[filter]") {
    ClientHello hello;
    FrameInfo frame;
    frame.number = 8;
    std::string error;
    auto all = PacketSelection::make({}, error);
    REQUIRE(all);
    CHECK_FALSE(all->needs_tree());
    CHECK(all->selects(frame, nullptr));

    auto frames_only = PacketSelection::make({"", "1-8", -1}, error);
    REQUIRE(frames_only);
    CHECK_FALSE(frames_only->needs_tree());
    CHECK(frames_only->selects(frame, nullptr));
    CHECK(frames_only->done_after(8));
    CHECK_FALSE(frames_only->done_after(7));

    auto stream = PacketSelection::make({"tls", "", 0}, error);
    REQUIRE(stream);
    CHECK(stream->needs_tree());
    CHECK(stream->selects(frame, &hello.tree));
    auto other_stream = PacketSelection::make({"tls", "", 1}, error);
    REQUIRE(other_stream);
    CHECK_FALSE(other_stream->selects(frame, &hello.tree));
    auto other_frame = PacketSelection::make({"tls", "9", -1}, error);
    REQUIRE(other_frame);
    CHECK_FALSE(other_frame->selects(frame, &hello.tree));

    CHECK_FALSE(PacketSelection::make({"tls ==", "", -1}, error));
    CHECK(error.find("bad filter: ") == 0);
    CHECK_FALSE(PacketSelection::make({"", "x", -1}, error));
    CHECK(error.find("bad frame list: ") == 0);
}

TEST_CASE("Mangled filters and patterns fail cleanly", "[filter]") {
    // A deterministic mutation run: every result either compiles and matches, or names a
    // column inside the text (or just past its end).
    ClientHello hello;
    const std::vector<std::string> seeds = {
        "tls.handshake.type == 1 && ip.addr == 127.0.0.0/8",
        "tcp.port in {80, 443..450} or not (dns || tcp.flags & 0x12)",
        "dns.qry.name matches r\"^(www|mail)\\.[a-z]{2,}$\" and frame contains 16:03:01",
        "frame.time >= \"2026-11-27 04:55:43\" && ipv6.addr != ::1/64",
        "tls.handshake.extensions_server_name contains \"\\x41\\u00e9\" and eth.src == 00:11:22:33:44:55",
    };
    const std::string alphabet = "(){}[]\"\\!=<>&|~,.:/-+ 0123456789abcdefxyzin*?^$";
    std::uint32_t state = 12345;
    auto next = [&state] {
        state = state * 1103515245u + 12345u;
        return state >> 8;
    };
    for (int round = 0; round < 20000; ++round) {
        std::string text = seeds[next() % seeds.size()];
        for (unsigned edits = 1 + next() % 4; edits > 0 && !text.empty(); --edits) {
            const std::size_t at = next() % text.size();
            switch (next() % 3) {
                case 0: text.erase(at, 1 + next() % 3); break;
                case 1: text.insert(at, 1, alphabet[next() % alphabet.size()]); break;
                default: text[at] = alphabet[next() % alphabet.size()]; break;
            }
        }
        FilterError error;
        auto f = DisplayFilter::compile(text, error);
        if (f) {
            (void)f->matches(hello.tree);
        } else {
            INFO(text << ": " << error.message);
            CHECK(error.column <= text.size());
            CHECK_FALSE(error.message.empty());
            CHECK_FALSE(filter_error_display(text, error).empty());
        }
    }
}

TEST_CASE("Every default colouring rule compiles in our filter dialect", "[filter][colour]") {
    for (const ColouringRule& rule : default_colouring_rules()) {
        FilterError error;
        INFO(rule.name << ": " << rule.filter);
        CHECK(DisplayFilter::compile(rule.filter, error).has_value());
    }
}
