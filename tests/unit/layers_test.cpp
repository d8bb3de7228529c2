#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

// Frame 1 of the real-world capture tls1.2.pcap (a TCP SYN from 10.0.0.80:56637 to
// 68.233.76.12:443 with MSS, window scale, timestamps and SACK-permitted options);
// expected values checked against `tshark -V` on that frame.
const std::string kSynFrame =
    "d8 30 62 48 c5 b5 b8 f6 b1 16 11 6d 08 00 45 00 00 40 f9 78 40 00 40 06 a5 fa 0a 00 00 50 44 e9"
    "4c 0c dd 3d 01 bb 56 ed ba 51 00 00 00 00 b0 02 ff ff 16 58 00 00 02 04 05 b4 01 03 03 04 01 01"
    "08 0a 30 38 64 f1 00 00 00 00 04 02 00 00";

// A hand-built IPv4/UDP datagram 127.0.0.1:12345 -> 127.0.0.2:7 (echo) with one payload byte.
const std::string kIpv4Udp =
    "45 00 00 1d 12 34 00 00 40 11 00 00 7f 00 00 01 7f 00 00 02"
    "30 39 00 07 00 09 00 00 78";

Tree dissect_one(FrameDissector& d, const std::vector<std::uint8_t>& bytes, std::uint32_t link,
                 std::uint32_t original = 0, PacketColumns* cols = nullptr) {
    Tree tree;
    d.dissect(packet(bytes, link, original), &tree, cols);
    return tree;
}

}  // namespace

TEST_CASE("Ethernet, IPv4 and TCP fields of a real SYN match tshark") {
    FrameDissector d;
    PacketColumns cols;
    Tree t = dissect_one(d, from_hex(kSynFrame), kLinkEthernet, 0, &cols);
    CHECK(value(t, "frame.len") == "78");
    CHECK(value(t, "frame.protocols") == "eth:ethertype:ip:tcp");
    CHECK(value(t, "eth.src") == "b8:f6:b1:16:11:6d");
    CHECK(value(t, "eth.dst") == "d8:30:62:48:c5:b5");
    CHECK(value(t, "eth.type") == "0x0800");
    CHECK(value(t, "ip.hdr_len") == "20");
    CHECK(value(t, "ip.id") == "0xf978");
    CHECK(value(t, "ip.flags") == "0x02");
    CHECK(value(t, "ip.flags.df") == "1");
    CHECK(value(t, "ip.ttl") == "64");
    CHECK(value(t, "ip.checksum.status") == "1");
    CHECK(value(t, "ip.src") == "10.0.0.80");
    CHECK(value(t, "ip.dst") == "68.233.76.12");
    CHECK(value(t, "tcp.srcport") == "56637");
    CHECK(value(t, "tcp.dstport") == "443");
    CHECK(value(t, "tcp.seq") == "0");
    CHECK(value(t, "tcp.seq_raw") == "1458420305");
    CHECK(value(t, "tcp.hdr_len") == "44");
    CHECK(value(t, "tcp.flags") == "0x0002");
    CHECK(value(t, "tcp.options.mss_val") == "1460");
    CHECK(value(t, "tcp.options.wscale.shift") == "4");
    CHECK(value(t, "tcp.options.timestamp.tsval") == "809002225");
    CHECK(value(t, "tcp.stream") == "0");
    CHECK(anomalies(t).empty());
    CHECK(cols.source == "10.0.0.80");
    CHECK(cols.protocol == "TCP");
    CHECK(cols.info == "56637 \xe2\x86\x92 443 [SYN] Seq=0 Win=65535 Len=0 MSS=1460 WS=16 TSval=809002225 TSecr=0 SACK_PERM");
}

TEST_CASE("Every snap-length cut of a frame is marked Truncated and the next frame is whole") {
    const auto full = from_hex(kSynFrame);
    for (std::size_t n = 0; n < full.size(); ++n) {
        FrameDissector d;
        std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
        Tree t = dissect_one(d, cut, kLinkEthernet, static_cast<std::uint32_t>(full.size()));
        INFO("captured bytes: " << n);
        auto a = anomalies(t);
        REQUIRE_FALSE(a.empty());
        for (const auto& line : a) CHECK(line.find("Truncated") != std::string::npos);
        Tree next = dissect_one(d, full, kLinkEthernet);
        CHECK(anomalies(next).empty());
        CHECK(value(next, "tcp.srcport") == "56637");
    }
}

TEST_CASE("Lying length fields are Malformed, dissection goes on") {
    FrameDissector d;
    SECTION("IPv4 total length larger than the frame") {
        auto f = from_hex(kSynFrame);
        f[16] = 0x01;  // total length 0x0140 = 320
        Tree t = dissect_one(d, f, kLinkEthernet);
        auto a = anomalies(t);
        REQUIRE(a.size() == 1);
        CHECK(a[0] == "[Malformed: total length 320 exceeds the 64 bytes the frame holds]");
        CHECK(value(t, "tcp.srcport") == "56637");  // what the frame holds is still dissected
    }
    SECTION("IPv4 header length below 20") {
        auto f = from_hex(kSynFrame);
        f[14] = 0x44;
        Tree t = dissect_one(d, f, kLinkEthernet);
        CHECK(anomalies(t) == std::vector<std::string>{"[Malformed: header length 16 is below the minimum of 20 bytes]"});
        CHECK_FALSE(has(t, "tcp.srcport"));
    }
    SECTION("TCP data offset beyond the segment") {
        auto f = from_hex(kSynFrame);
        f[46] = 0xf2;  // 60-byte header in a 44-byte segment
        Tree t = dissect_one(d, f, kLinkEthernet);
        CHECK(anomalies(t) ==
              std::vector<std::string>{"[Malformed: header length 60 exceeds the segment (44 bytes)]"});
        CHECK(value(t, "tcp.dstport") == "443");
    }
    SECTION("TCP option length running past the header") {
        auto f = from_hex(kSynFrame);
        f[55] = 0x30;  // MSS option claims 48 bytes
        Tree t = dissect_one(d, f, kLinkEthernet);
        REQUIRE(anomalies(t).size() == 1);
        CHECK(anomalies(t)[0].find("Malformed: TCP option Maximum Segment Size runs past the header") != std::string::npos);
    }
    Tree next = dissect_one(d, from_hex(kSynFrame), kLinkEthernet);
    CHECK(anomalies(next).empty());
}

TEST_CASE("Stacked 802.1ad and 802.1Q tags") {
    FrameDissector d;
    auto f = from_hex("00 11 22 33 44 55 8c 85 90 2a d5 d9 88 a8 00 c8 81 00 20 64 08 00" + kIpv4Udp);
    Tree t = dissect_one(d, f, kLinkEthernet);
    CHECK(value(t, "ieee8021ad.id") == "200");
    CHECK(value(t, "vlan.id") == "100");
    CHECK(value(t, "vlan.priority") == "1");
    CHECK(value(t, "ip.dst") == "127.0.0.2");
    CHECK(value(t, "udp.dstport") == "7");
    CHECK(value(t, "frame.protocols") == "eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip:udp:data");
}

TEST_CASE("Linux cooked v1 and v2, BSD loopback and raw IP link layers") {
    FrameDissector d;
    Tree sll = dissect_one(d, from_hex("00 04 03 04 00 06 00 00 00 00 00 00 00 00 08 00" + kIpv4Udp), kLinkLinuxSll);
    CHECK(value(sll, "sll.pkttype") == "4");
    CHECK(value(sll, "sll.hatype") == "772");
    CHECK(value(sll, "udp.srcport") == "12345");
    Tree sll2 = dissect_one(d, from_hex("08 00 00 00 00 00 00 01 03 04 00 06 00 00 00 00 00 00 00 00" + kIpv4Udp),
                            kLinkLinuxSll2);
    CHECK(value(sll2, "sll.ifindex") == "1");
    CHECK(value(sll2, "sll.etype") == "0x0800");
    CHECK(value(sll2, "ip.src") == "127.0.0.1");
    Tree null_le = dissect_one(d, from_hex("02 00 00 00" + kIpv4Udp), kLinkNull);
    CHECK(value(null_le, "null.family") == "2");
    CHECK(value(null_le, "udp.dstport") == "7");
    Tree null_be = dissect_one(d, from_hex("00 00 00 02" + kIpv4Udp), kLinkNull);
    CHECK(value(null_be, "null.family") == "2");
    Tree raw = dissect_one(d, from_hex(kIpv4Udp), kLinkRaw);
    CHECK(value(raw, "ip.dst") == "127.0.0.2");
    CHECK(value(raw, "frame.protocols") == "raw:ip:udp:data");
}

TEST_CASE("IPv4 fragments are reassembled in the frame of the last one") {
    FrameDissector d;
    // UDP 127.0.0.1:1000 -> 127.0.0.2:2000, 24 bytes (8 header + 16 payload), in
    // two fragments of 16 and 8 bytes.
    const std::string hdr = "45 00 00 24 ab cd 20 00 40 11 00 00 7f 00 00 01 7f 00 00 02";
    auto first = from_hex(hdr + "03 e8 07 d0 00 18 00 00 41 41 41 41 41 41 41 41");
    auto last = from_hex("45 00 00 1c ab cd 00 02 40 11 00 00 7f 00 00 01 7f 00 00 02 42 42 42 42 42 42 42 42");
    PacketColumns cols;
    Tree t1 = dissect_one(d, first, kLinkRaw, 0, &cols);
    CHECK_FALSE(has(t1, "udp.srcport"));
    CHECK(cols.info == "Fragmented IP protocol (proto=UDP 17, off=0, ID=abcd)");
    Tree t2 = dissect_one(d, last, kLinkRaw);
    CHECK(value(t2, "ip.frag_offset") == "2");
    CHECK(value(t2, "ip.fragment.count") == "2");
    CHECK(value(t2, "ip.reassembled.length") == "24");
    CHECK(values(t2, "ip.fragment") == std::vector<std::string>{"1", "2"});
    CHECK(value(t2, "udp.srcport") == "1000");
    CHECK(value(t2, "udp.length") == "24");
    CHECK(value(t2, "data.data") == "41414141414141414242424242424242");
    CHECK(anomalies(t2).empty());
}

TEST_CASE("An IPv4 fragment overlap with different bytes is reported; the first bytes win") {
    FrameDissector d;
    auto a = from_hex("45 00 00 24 00 07 20 00 40 11 00 00 7f 00 00 01 7f 00 00 02 03 e8 07 d0 00 18 00 00 41 41 41 41 41 41 41 41");
    auto overlap = from_hex("45 00 00 1c 00 07 20 01 40 11 00 00 7f 00 00 01 7f 00 00 02 58 58 58 58 58 58 58 58");
    auto last = from_hex("45 00 00 1c 00 07 00 02 40 11 00 00 7f 00 00 01 7f 00 00 02 42 42 42 42 42 42 42 42");
    dissect_one(d, a, kLinkRaw);
    Tree t = dissect_one(d, overlap, kLinkRaw);
    auto notes = values(t, "ip.fragment.overlap.conflict");
    REQUIRE(notes.size() == 1);
    Tree done = dissect_one(d, last, kLinkRaw);
    CHECK(value(done, "data.data") == "41414141414141414242424242424242");
}

TEST_CASE("IPv6 with a fragment header is reassembled") {
    FrameDissector d;
    const std::string v6hdr = "60 00 00 00 00 {PLEN} 2c 40 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"
                              "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01";
    auto with_plen = [&](const std::string& plen) {
        std::string s = v6hdr;
        s.replace(s.find("{PLEN}"), 6, plen);
        return s;
    };
    // Fragment header: next header UDP, offset 0 with M, identification 0x01020304.
    auto f1 = from_hex(with_plen("18") + "11 00 00 01 01 02 03 04" + "03 e8 07 d0 00 18 00 00 41 41 41 41 41 41 41 41");
    auto f2 = from_hex(with_plen("10") + "11 00 00 10 01 02 03 04" + "42 42 42 42 42 42 42 42");
    Tree t1 = dissect_one(d, f1, kLinkRaw);
    CHECK(value(t1, "ipv6.fragment.more") == "1");
    CHECK_FALSE(has(t1, "udp.srcport"));
    Tree t2 = dissect_one(d, f2, kLinkRaw);
    CHECK(value(t2, "ipv6.fragment.offset") == "2");
    CHECK(value(t2, "ipv6.fragment.count") == "2");
    CHECK(value(t2, "udp.dstport") == "2000");
    CHECK(value(t2, "ipv6.src") == "::1");
    CHECK(anomalies(t2).empty());
}

TEST_CASE("TCP streams are counted like tcp.stream; a SYN with a new ISN reuses ports as a new stream") {
    FrameDissector d;
    auto syn = from_hex(kSynFrame);
    CHECK(value(dissect_one(d, syn, kLinkEthernet), "tcp.stream") == "0");
    CHECK(value(dissect_one(d, syn, kLinkEthernet), "tcp.stream") == "0");  // a retransmitted SYN
    auto other = syn;
    other[41] ^= 0x01;  // another initial sequence number on the same ports
    CHECK(value(dissect_one(d, other, kLinkEthernet), "tcp.stream") == "1");
    auto port = syn;
    port[35] = 0x3e;  // another source port
    CHECK(value(dissect_one(d, port, kLinkEthernet), "tcp.stream") == "2");
}
