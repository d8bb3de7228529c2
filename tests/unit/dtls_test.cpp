// DTLS: record parsing through the dissector's entry point, and the handshake fragment
// reassembler (the same message whatever the cuts and the order, retransmissions,
// lying fragments, memory limits).
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "core/capture_state.hpp"
#include "core/packet_context.hpp"
#include "dtls/dtls.hpp"
#include "dtls/dtls_reassembly.hpp"
#include "test_support.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

// The UDP payloads of frames 1 (Client Hello) and 2 (Hello Verify Request) of
// captures/dtls12-cookie.pcap (openssl s_client / s_server -dtls1_2); expected values
// checked against tshark on that capture.
const std::string kClientHelloDatagram =
    "16feff000000000000000000a60100009a000000000000009afefd37f71884cbfb9fce85f984083145e3b992324d111422c77bcfa9a9"
    "2fcc1508b200000004c02f00ff0100006c00000016001400001164746c732e6578616d706c652e74657374000b000403000102000a"
    "000c000a001d0017001e00190018002300000016000000170000000d002a0028040305030603080708080809080a080b080408050806"
    "040105010601030303010302040205020602";
const std::string kHelloVerifyRequestDatagram =
    "16feff00000000000000000023030000170000000000000017feff14715939970e80c473904467ead7054c46f8c79f47";

// One DTLS flow: the datagrams of one UDP conversation, client 10.0.0.1:5000 first.
struct DtlsFlowHarness {
    CaptureState state;
    std::unique_ptr<StateSlots> flow;
    Tree tree;
    PacketColumns columns;
    std::uint64_t frame = 0;

    void datagram(const std::vector<std::uint8_t>& bytes, int side, std::size_t cut = SIZE_MAX) {
        tree.clear();
        columns.clear();
        tree.frame_bytes = Bytes(bytes).first(std::min(cut, bytes.size()));
        FrameInfo info;
        info.number = ++frame;
        PacketContext ctx(info, tree.root(), &columns, state);
        NetAddress a, b;
        a.family = b.family = 4;
        a.bytes[0] = b.bytes[0] = 10;
        a.bytes[3] = 1;
        b.bytes[3] = 2;
        ctx.src = side == 0 ? a : b;
        ctx.dst = side == 0 ? b : a;
        ctx.src_port = side == 0 ? 5000 : 4433;
        ctx.dst_port = side == 0 ? 4433 : 5000;
        ctx.flow_slots = &flow;
        ByteReader r(tree.frame_bytes, bytes.size(), 0);
        dissect_dtls_datagram(r, ctx);
    }
};

// A handshake message body of `n` bytes with a recognisable pattern.
std::vector<std::uint8_t> body_of(std::size_t n) {
    std::vector<std::uint8_t> b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 3);
    return b;
}

DtlsFragment fragment(const std::vector<std::uint8_t>& body, std::uint32_t begin, std::uint32_t end,
                      std::uint64_t frame, std::uint16_t seq = 2, std::uint8_t type = 11) {
    DtlsFragment f;
    f.type = type;
    f.length = static_cast<std::uint32_t>(body.size());
    f.message_seq = seq;
    f.fragment_offset = begin;
    f.data = Bytes(body).subspan(begin, end - begin);
    f.frame = frame;
    return f;
}

}  // namespace

TEST_CASE("DTLS: a real Client Hello datagram, record and handshake header fields", "[dtls]") {
    DtlsFlowHarness h;
    h.datagram(from_hex(kClientHelloDatagram), 0);
    CHECK(value(h.tree, "dtls.record.content_type") == "22");
    CHECK(value(h.tree, "dtls.record.version") == "0xfeff");
    CHECK(value(h.tree, "dtls.record.epoch") == "0");
    CHECK(value(h.tree, "dtls.record.sequence_number") == "0");
    CHECK(value(h.tree, "dtls.record.length") == "166");
    CHECK(value(h.tree, "dtls.handshake.type") == "1");
    CHECK(value(h.tree, "dtls.handshake.length") == "154");
    CHECK(value(h.tree, "dtls.handshake.message_seq") == "0");
    CHECK(value(h.tree, "dtls.handshake.fragment_offset") == "0");
    CHECK(value(h.tree, "dtls.handshake.fragment_length") == "154");
    CHECK(value(h.tree, "dtls.handshake.version") == "0xfefd");
    CHECK(value(h.tree, "dtls.handshake.cookie_length") == "0");
    CHECK(values(h.tree, "dtls.handshake.ciphersuite") == std::vector<std::string>{"0xc02f", "0x00ff"});
    CHECK(value(h.tree, "dtls.handshake.extensions_server_name") == "dtls.example.test");
    // No tls.* names are left: the TLS dissector's fields are shown under DTLS names.
    CHECK_FALSE(has(h.tree, "tls.handshake.type"));
    CHECK(anomalies(h.tree).empty());
    CHECK(h.columns.info == "Client Hello");
    CHECK(h.columns.protocol == "DTLS");
}

TEST_CASE("DTLS: Hello Verify Request and its cookie; the version it names labels the flow", "[dtls]") {
    DtlsFlowHarness h;
    h.datagram(from_hex(kClientHelloDatagram), 0);
    h.datagram(from_hex(kHelloVerifyRequestDatagram), 1);
    CHECK(value(h.tree, "dtls.handshake.type") == "3");
    CHECK(value(h.tree, "dtls.handshake.cookie_length") == "20");
    CHECK(value(h.tree, "dtls.handshake.cookie") == "715939970e80c473904467ead7054c46f8c79f47");
    CHECK(h.columns.info == "Hello Verify Request");
    CHECK(h.columns.protocol == "DTLSv1.0");
    CHECK(anomalies(h.tree).empty());
}

TEST_CASE("DTLS: every cut of a datagram gives an anomaly, never a crash", "[dtls]") {
    const auto datagram = from_hex(kClientHelloDatagram);
    for (std::size_t n = 0; n < datagram.size(); ++n) {
        DtlsFlowHarness h;
        h.datagram(datagram, 0, n);
        INFO("captured " << n << " of " << datagram.size() << " bytes");
        CHECK_FALSE(anomalies(h.tree).empty());
    }
}

TEST_CASE("DTLS: a fragment longer than its record, and bytes after the last record, are Malformed", "[dtls]") {
    auto datagram = from_hex(kHelloVerifyRequestDatagram);
    datagram[13 + 11] = 0x30;  // fragment_length 48 in a 23-byte record
    DtlsFlowHarness h;
    h.datagram(datagram, 1);
    auto a = anomalies(h.tree);
    REQUIRE(a.size() == 1);
    CHECK(a[0].rfind("[Malformed: ", 0) == 0);

    auto extra = from_hex(kHelloVerifyRequestDatagram);
    extra.insert(extra.end(), {0x16, 0xfe, 0xfd});
    DtlsFlowHarness h2;
    h2.datagram(extra, 1);
    CHECK(value(h2.tree, "dtls.handshake.cookie_length") == "20");
    a = anomalies(h2.tree);
    REQUIRE(a.size() == 1);
    CHECK(a[0].rfind("[Malformed: ", 0) == 0);
}

TEST_CASE("DTLS: the UDP heuristic takes DTLS records and leaves STUN, RTP and TLS alone (RFC 7983)", "[dtls]") {
    CaptureState state;
    PacketContext ctx(FrameInfo{}, NodeRef{}, nullptr, state);
    auto dtls = from_hex(kClientHelloDatagram);
    CHECK(looks_like_dtls(ByteReader(Bytes(dtls)), ctx));
    // STUN binding request (first byte 0), RTP (first byte 0x80), a TLS record.
    auto stun = from_hex("000100002112a442000000000000000000000000");
    auto rtp = from_hex("80e0000100000001deadbeef0000000000000000");
    auto tls = from_hex("160303000401000000");
    CHECK_FALSE(looks_like_dtls(ByteReader(Bytes(stun)), ctx));
    CHECK_FALSE(looks_like_dtls(ByteReader(Bytes(rtp)), ctx));
    CHECK_FALSE(looks_like_dtls(ByteReader(Bytes(tls)), ctx));
    // A record whose length runs past the datagram is not DTLS.
    auto cut = dtls;
    cut.resize(40);
    CHECK_FALSE(looks_like_dtls(ByteReader(Bytes(cut)), ctx));
    // A DTLS 1.3 unified header only on a flow already known to be DTLS.
    auto unified = from_hex("2c0001001102030405060708090a0b0c0d0e0f10");
    CHECK_FALSE(looks_like_dtls(ByteReader(Bytes(unified)), ctx));
}

TEST_CASE("DTLS reassembly: the same message however the fragments are cut and ordered", "[dtls]") {
    const auto body = body_of(50);
    std::vector<std::vector<std::uint32_t>> cuts = {
        {0, 50}, {0, 10, 50}, {0, 1, 2, 3, 49, 50}, {0, 17, 33, 50}, {0, 25, 26, 50}};
    for (const auto& c : cuts) {
        std::vector<std::size_t> order(c.size() - 1);
        std::iota(order.begin(), order.end(), std::size_t{0});
        do {
            DtlsHandshakeReassembler r;
            int complete = 0;
            std::vector<std::uint8_t> message;
            for (std::size_t k = 0; k < order.size(); ++k) {
                const std::size_t i = order[k];
                auto out = r.add(fragment(body, c[i], c[i + 1], 10 + k));
                if (out.kind == DtlsHandshakeReassembler::Kind::Complete) {
                    ++complete;
                    message = out.message;
                    CHECK(out.frames.size() == order.size());
                } else {
                    CHECK(out.kind == DtlsHandshakeReassembler::Kind::Partial);
                }
            }
            REQUIRE(complete == 1);
            REQUIRE(message.size() == 12 + body.size());
            // The header as if unfragmented: type, length, message_seq, offset 0, length.
            CHECK(message[0] == 11);
            CHECK(message[3] == 50);
            CHECK(message[5] == 2);
            CHECK((message[6] | message[7] | message[8]) == 0);
            CHECK(message[11] == 50);
            CHECK(std::equal(body.begin(), body.end(), message.begin() + 12));
            CHECK(r.pending_messages() == 0);
            CHECK(r.pending_bytes() == 0);
        } while (std::next_permutation(order.begin(), order.end()));
    }
}

TEST_CASE("DTLS reassembly: overlapping fragments; the first bytes win", "[dtls]") {
    const auto body = body_of(40);
    auto other = body;
    for (auto& b : other) b = static_cast<std::uint8_t>(b ^ 0xff);
    DtlsHandshakeReassembler r;
    CHECK(r.add(fragment(body, 0, 20, 1)).kind == DtlsHandshakeReassembler::Kind::Partial);
    // Overlaps bytes 10..20 with different content (ignored), and brings 20..30 (kept,
    // also where the third fragment covers them again).
    CHECK(r.add(fragment(other, 10, 30, 2)).kind == DtlsHandshakeReassembler::Kind::Partial);
    auto out = r.add(fragment(body, 25, 40, 3));
    REQUIRE(out.kind == DtlsHandshakeReassembler::Kind::Complete);
    for (std::size_t i = 0; i < 40; ++i) {
        const std::uint8_t expected = i >= 20 && i < 30 ? other[i] : body[i];
        CHECK(out.message[12 + i] == expected);
    }
}

TEST_CASE("DTLS reassembly: retransmitted flights and new handshakes", "[dtls]") {
    const auto body = body_of(30);
    DtlsHandshakeReassembler r;
    CHECK(r.add(fragment(body, 0, 15, 1)).kind == DtlsHandshakeReassembler::Kind::Partial);
    auto out = r.add(fragment(body, 15, 30, 2));
    REQUIRE(out.kind == DtlsHandshakeReassembler::Kind::Complete);
    // The whole flight again, as fragments or whole: a retransmission.
    auto again = r.add(fragment(body, 0, 15, 5));
    CHECK(again.kind == DtlsHandshakeReassembler::Kind::Retransmission);
    CHECK(again.first_complete_frame == 2);
    CHECK(r.add(fragment(body, 0, 30, 6)).kind == DtlsHandshakeReassembler::Kind::Retransmission);
    // The same message_seq with other content, whole: a new handshake starts over.
    auto other = body_of(30);
    other[0] ^= 1;
    CHECK(r.add(fragment(other, 0, 30, 7)).kind == DtlsHandshakeReassembler::Kind::Complete);
}

TEST_CASE("DTLS reassembly: lying fragments are rejected, memory stays bounded", "[dtls]") {
    const auto body = body_of(30);
    DtlsHandshakeReassembler r;
    // Past the message's length.
    DtlsFragment past = fragment(body, 20, 30, 1);
    past.length = 25;
    CHECK(r.add(past).kind == DtlsHandshakeReassembler::Kind::Rejected);
    // A second fragment that disagrees on the length.
    CHECK(r.add(fragment(body, 0, 10, 2)).kind == DtlsHandshakeReassembler::Kind::Partial);
    DtlsFragment disagree = fragment(body, 10, 20, 3);
    disagree.length = 31;
    CHECK(r.add(disagree).kind == DtlsHandshakeReassembler::Kind::Rejected);
    // A length beyond the reassembly limit.
    DtlsFragment huge = fragment(body, 0, 10, 4, 3);
    huge.length = kMaxDtlsHandshakeMessage + 1;
    CHECK(r.add(huge).kind == DtlsHandshakeReassembler::Kind::Rejected);
    // Many incomplete messages: the oldest are dropped, bytes stay under the limit.
    const auto big = body_of(200'000);
    for (std::uint16_t seq = 10; seq < 40; ++seq) {
        auto out = r.add(fragment(big, 0, 100, seq, seq));
        CHECK(out.kind == DtlsHandshakeReassembler::Kind::Partial);
        CHECK(r.pending_messages() <= kMaxDtlsPendingMessages);
        CHECK(r.pending_bytes() <= kMaxDtlsPendingBytes);
    }
}

namespace {

// A DTLSPlaintext record (epoch 0) holding one unfragmented handshake message.
std::vector<std::uint8_t> handshake_record(std::uint8_t type, std::uint16_t seq, const std::vector<std::uint8_t>& body) {
    const std::size_t n = body.size();
    const std::size_t m = n + 12;
    // type, version, epoch 0, sequence number `seq`, length; then the 12-byte handshake header.
    const std::uint8_t header[25] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(seq),
                                     static_cast<std::uint8_t>(m >> 8), static_cast<std::uint8_t>(m),
                                     type, static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
                                     static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(seq >> 8),
                                     static_cast<std::uint8_t>(seq), 0, 0, 0, static_cast<std::uint8_t>(n >> 16),
                                     static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    std::vector<std::uint8_t> rec(std::begin(header), std::end(header));
    for (std::uint8_t b : body) rec.push_back(b);
    return rec;
}

}  // namespace

TEST_CASE("DTLS 1.3: a unified header with a connection ID carries the CID its receiver asked for", "[dtls]") {
    // Client Hello offering DTLS 1.3 and asking for CID 0a0b; Server Hello choosing DTLS
    // 1.3 and asking for CID c1c2c3 (RFC 9146 connection_id, RFC 9147 section 4).
    const std::string random(64, '1');
    const auto client_hello = from_hex("fefd" + random + "0000" + "00021301" + "0100" + "000e" + "002b000302fefc" +
                                       "00360003020a0b");
    const auto server_hello = from_hex("fefd" + random + "00" + "1301" + "00" + "000e" + "002b0002fefc" +
                                       "0036000403c1c2c3");
    DtlsFlowHarness h;
    h.datagram(handshake_record(1, 0, client_hello), 0);
    CHECK(value(h.tree, "dtls.connection_id") == "0a0b");
    h.datagram(handshake_record(2, 0, server_hello), 1);
    CHECK(value(h.tree, "dtls.connection_id") == "c1c2c3");
    CHECK(h.columns.protocol == "DTLSv1.3");
    // Server to client: 001 C=1 S=1 L=1 epoch 2, the client's CID, sequence 0x0102, length 3.
    h.datagram({0x3e, 0x0a, 0x0b, 0x01, 0x02, 0x00, 0x03, 0xaa, 0xbb, 0xcc}, 1);
    CHECK(value(h.tree, "dtls.record.connection_id") == "0a0b");
    CHECK(value(h.tree, "dtls.unified_header.sequence_number") == "0x0102");
    CHECK(value(h.tree, "dtls.enc_content") == "aabbcc");
    CHECK(anomalies(h.tree).empty());
    // Client to server: the server's CID, an 8-bit sequence number, no length.
    h.datagram({0x32, 0xc1, 0xc2, 0xc3, 0x07, 0xde, 0xad}, 0);
    CHECK(value(h.tree, "dtls.record.connection_id") == "c1c2c3");
    CHECK(value(h.tree, "dtls.unified_header.sequence_number") == "0x07");
    CHECK(value(h.tree, "dtls.enc_content") == "dead");
    CHECK(h.columns.info == "Encrypted Record");
}

TEST_CASE("DTLS reassembly: the reassemblers of a capture share one memory budget", "[dtls]") {
    const auto body = body_of(1000);
    DtlsReassemblyBudget budget;
    budget.limit = 2500;
    {
        DtlsHandshakeReassembler a(&budget), b(&budget);
        CHECK(a.add(fragment(body, 0, 10, 1, 1)).kind == DtlsHandshakeReassembler::Kind::Partial);
        CHECK(b.add(fragment(body, 0, 10, 2, 1)).kind == DtlsHandshakeReassembler::Kind::Partial);
        CHECK(budget.used == 2000);
        // A third message would pass the shared limit: refused, whatever each one holds.
        auto out = a.add(fragment(body, 0, 10, 3, 2));
        CHECK(out.kind == DtlsHandshakeReassembler::Kind::Rejected);
        CHECK(out.problem.find("all DTLS connections") != std::string::npos);
        // Completing a message gives its bytes back.
        CHECK(a.add(fragment(body, 10, 1000, 4, 1)).kind == DtlsHandshakeReassembler::Kind::Complete);
        CHECK(budget.used == 1000);
    }
    // So does a reassembler that goes away (its connection forgotten).
    CHECK(budget.used == 0);
}
