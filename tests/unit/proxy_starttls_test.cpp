// Proxies and STARTTLS: each exchange read from hand-built bytes (the forms of the RFCs
// and of the PROXY protocol specification), the hand-over note it leaves, and the TLS
// that follows found in the rest of the same segment when it shares one.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/capture_state.hpp"
#include "core/dissector_tables.hpp"
#include "engine/protocols.hpp"
#include "test_support.hpp"
#include "tls/tls_connection.hpp"
#include "tls_vectors.hpp"
#include "transport/conversations.hpp"
#include "transport/transport.hpp"

using namespace tlsdissect;
using tlsdissect::test::from_hex;
using tlsdissect::test::values;

namespace {

// A connection from 127.0.0.1:40000 (side 0, the client) to 127.0.0.2:PORT, fed one
// segment at a time through deliver_stream_event, a tree per frame.
class Connection {
public:
    explicit Connection(std::uint16_t server_port) {
        register_all_protocols(tables_);
        conv_.first_sender = 0;
        conv_.address[0].family = conv_.address[1].family = 4;
        conv_.address[0].bytes = {127, 0, 0, 1};
        conv_.address[1].bytes = {127, 0, 0, 2};
        conv_.port[0] = 40000;
        conv_.port[1] = server_port;
    }

    // One frame carrying `bytes` from `side`; returns the frame's tree.
    const Tree& send(int side, const std::vector<std::uint8_t>& bytes) {
        frame_ = bytes;
        tree_.clear();
        tree_.frame_bytes = frame_;
        columns_.clear();
        FrameInfo info;
        info.number = ++number_;
        info.ts_ns = std::int64_t(number_) * 1000;
        PacketContext ctx(info, tree_.root(), &columns_, state_, &tables_);
        StreamEvent e;
        e.kind = StreamEvent::Kind::Data;
        e.offset = offset_[side];
        e.length = bytes.size();
        e.data = frame_;
        e.frame = number_;
        e.current_frame = true;
        offset_[side] += bytes.size();
        deliver_stream_event(conv_, side, e, ctx);
        return tree_;
    }
    const Tree& send(int side, const std::string& text) { return send(side, std::vector<std::uint8_t>(text.begin(), text.end())); }

    const TcpConversation& conv() const { return conv_; }
    const PacketColumns& columns() const { return columns_; }
    // The SNI of the TLS connection the exchange handed over to ("" when none).
    std::string tls_sni() const {
        const auto* tls = dynamic_cast<const TlsConnection*>(conv_.app.get());
        return tls ? tls->facts().sni : std::string("<not TLS>");
    }
    std::vector<std::string> notes() const {
        std::vector<std::string> out;
        if (conv_.hand_overs)
            for (const auto& n : *conv_.hand_overs) out.push_back(n.protocol + (n.proxy ? " " + n.target : ""));
        return out;
    }

private:
    DissectorTables tables_;
    CaptureState state_;
    TcpConversation conv_;
    Tree tree_;
    PacketColumns columns_;
    std::vector<std::uint8_t> frame_;
    std::uint64_t offset_[2] = {0, 0};
    std::uint64_t number_ = 0;
};

// The Client Hello of captures/tls13-hrr.pcap (SNI www.example.test) as a TLS record.
std::vector<std::uint8_t> client_hello_record() {
    return from_hex("160301" + std::string(test::kTls13ClientHello.size() / 2 < 256 ? "00" : "01") +
                    [] {
                        static constexpr char kHex[] = "0123456789abcdef";
                        const std::size_t n = test::kTls13ClientHello.size() / 2;
                        return std::string{kHex[(n >> 4) & 15], kHex[n & 15]};
                    }() +
                    test::kTls13ClientHello);
}

std::vector<std::uint8_t> join(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
    for (std::uint8_t x : b) a.push_back(x);
    return a;
}

}  // namespace

TEST_CASE("HTTP CONNECT: a refused request with its body, a second one accepted, then TLS", "[proxy]") {
    Connection c(3128);
    c.send(0, "CONNECT www.example.test:443 HTTP/1.1\r\nHost: www.example.test:443\r\n\r\n");
    const Tree& refused = c.send(1, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 5\r\n\r\n");
    CHECK(values(refused, "http.response.code") == std::vector<std::string>{"407"});
    c.send(1, "denyd");  // the refusal's body, not a new response
    c.send(0, "CONNECT www.example.test:443 HTTP/1.1\r\nProxy-Authorization: Basic YTpi\r\n\r\n");
    const Tree& ok = c.send(1, "HTTP/1.1 200 Connection established\r\n\r\n");
    CHECK(values(ok, "http.response.code") == std::vector<std::string>{"200"});
    CHECK(c.notes() == std::vector<std::string>{"http-connect www.example.test:443"});
    const Tree& hello = c.send(0, client_hello_record());
    CHECK(values(hello, "tls.handshake.type") == std::vector<std::string>{"1"});
    CHECK(c.tls_sni() == "www.example.test");
    CHECK(c.conv().hand_overs->front().frame == 4);
}

TEST_CASE("SOCKS4a names its target after the user id; a granted request hands over", "[proxy]") {
    Connection c(1080);
    // VN 4, CD 1, port 443, 0.0.0.1 (a name follows), user "bob", name "www.example.test".
    std::vector<std::uint8_t> request = {4, 1, 0x01, 0xbb, 0, 0, 0, 1, 'b', 'o', 'b', 0};
    for (char ch : std::string("www.example.test")) request.push_back(static_cast<std::uint8_t>(ch));
    request.push_back(0);
    const Tree& t = c.send(0, request);
    CHECK(values(t, "socks.v4a_dns_name") == std::vector<std::string>{"www.example.test"});
    CHECK(values(t, "socks.username") == std::vector<std::string>{"bob"});
    CHECK(values(t, "socks.dstport") == std::vector<std::string>{"443"});
    const Tree& reply = c.send(1, std::vector<std::uint8_t>{0, 90, 0, 0, 0, 0, 0, 0});
    CHECK(values(reply, "socks.results") == std::vector<std::string>{"90"});
    CHECK(c.notes() == std::vector<std::string>{"socks4a www.example.test:443"});
    c.send(0, client_hello_record());
    CHECK(c.tls_sni() == "www.example.test");
}

TEST_CASE("SOCKS5: a refused CONNECT does not hand over", "[proxy]") {
    Connection c(1080);
    c.send(0, std::vector<std::uint8_t>{5, 1, 0});
    c.send(1, std::vector<std::uint8_t>{5, 0});
    c.send(0, std::vector<std::uint8_t>{5, 1, 0, 1, 192, 0, 2, 1, 0x01, 0xbb});
    const Tree& reply = c.send(1, std::vector<std::uint8_t>{5, 5, 0, 1, 0, 0, 0, 0, 0, 0});
    CHECK(values(reply, "socks.results") == std::vector<std::string>{"5"});
    CHECK(c.notes().empty());
    CHECK(c.columns().info == "Connection refused, bound 0.0.0.0:0");
}

TEST_CASE("PROXY protocol v2 with a TLV, and a Client Hello in the same segment", "[proxy]") {
    Connection c(443);
    std::vector<std::uint8_t> header = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
                                        0x21, 0x11, 0x00, 0x12,   // v2 PROXY, TCP over IPv4, 18 bytes
                                        198, 51, 100, 7, 192, 0, 2, 10, 0xdb, 0x04, 0x01, 0xbb,
                                        0x04, 0x00, 0x03, 0, 0, 0};  // a 3-byte NOOP TLV
    const Tree& t = c.send(0, join(header, client_hello_record()));
    CHECK(values(t, "proxy.v2.version") == std::vector<std::string>{"2"});
    CHECK(values(t, "proxy.src.ipv4") == std::vector<std::string>{"198.51.100.7"});
    CHECK(values(t, "proxy.dstport") == std::vector<std::string>{"443"});
    CHECK(values(t, "proxy.v2.tlv.type") == std::vector<std::string>{"0x04"});
    CHECK(values(t, "tls.handshake.type") == std::vector<std::string>{"1"});
    CHECK(c.notes() == std::vector<std::string>{"proxy-v2 192.0.2.10:443"});
    CHECK(c.conv().hand_overs->front().origin == "198.51.100.7:56068");
    CHECK(c.tls_sni() == "www.example.test");
}

TEST_CASE("PROXY protocol v1 line, then TLS", "[proxy]") {
    Connection c(443);
    const Tree& t = c.send(0, join(std::vector<std::uint8_t>{}, [] {
                               const std::string line = "PROXY TCP6 2001:db8::1 2001:db8::2 51000 443\r\n";
                               return std::vector<std::uint8_t>(line.begin(), line.end());
                           }()));
    CHECK(values(t, "proxy.v1.proto") == std::vector<std::string>{"TCP6"});
    CHECK(values(t, "proxy.dst.ipv6") == std::vector<std::string>{"2001:db8::2"});
    CHECK(c.notes() == std::vector<std::string>{"proxy-v1 [2001:db8::2]:443"});
    c.send(0, client_hello_record());
    CHECK(c.tls_sni() == "www.example.test");
}

TEST_CASE("IMAP on any port: the tagged OK to STARTTLS hands over", "[starttls]") {
    Connection c(9143);
    c.send(1, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
    const Tree& cmd = c.send(0, "a1 STARTTLS\r\n");
    CHECK(values(cmd, "imap.request.command") == std::vector<std::string>{"STARTTLS"});
    c.send(1, "* BYE not this one\r\n");  // an untagged line is not the answer
    CHECK(c.notes().empty());
    c.send(1, "a1 OK Begin TLS negotiation now\r\n");
    CHECK(c.notes() == std::vector<std::string>{"imap"});
    c.send(0, client_hello_record());
    CHECK(c.tls_sni() == "www.example.test");
}

TEST_CASE("FTP is told from SMTP by the client's first command; 234 hands over", "[starttls]") {
    Connection c(2121);
    const Tree& greeting = c.send(1, "220 ProFTPD Server ready.\r\n");
    CHECK(values(greeting, "smtp.response.code") == std::vector<std::string>{"220"});  // not known yet
    const Tree& auth = c.send(0, "AUTH TLS\r\n");
    CHECK(values(auth, "ftp.request.command") == std::vector<std::string>{"AUTH"});
    const Tree& ok = c.send(1, "234 AUTH TLS successful\r\n");
    CHECK(values(ok, "ftp.response.code") == std::vector<std::string>{"234"});
    CHECK(c.notes() == std::vector<std::string>{"ftp"});
}

TEST_CASE("SMTP: a refused STARTTLS (454) does not hand over; a Client Hello anyway does", "[starttls]") {
    Connection c(25);
    c.send(1, "220 mx ESMTP\r\n");
    c.send(0, "EHLO client\r\n");
    c.send(1, "250-mx\r\n250 STARTTLS\r\n");
    c.send(0, "STARTTLS\r\n");
    c.send(1, "454 TLS not available\r\n");
    CHECK(c.notes().empty());
    const Tree& t = c.send(0, client_hello_record());
    CHECK(values(t, "tls.handshake.type") == std::vector<std::string>{"1"});
    CHECK(c.notes() == std::vector<std::string>{"smtp"});
}

TEST_CASE("LDAP StartTLS: the extended operation's success hands over", "[starttls]") {
    Connection c(389);
    const std::string oid = "1.3.6.1.4.1.1466.20037";
    std::vector<std::uint8_t> req = {0x30, static_cast<std::uint8_t>(5 + 2 + oid.size()), 0x02, 0x01, 0x01, 0x77,
                                     static_cast<std::uint8_t>(2 + oid.size()), 0x80,
                                     static_cast<std::uint8_t>(oid.size())};
    req.insert(req.end(), oid.begin(), oid.end());
    const Tree& t = c.send(0, req);
    CHECK(values(t, "ldap.requestName") == std::vector<std::string>{oid});
    // ExtendedResponse: resultCode success, empty matchedDN and diagnosticMessage.
    c.send(1, std::vector<std::uint8_t>{0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00});
    CHECK(c.notes() == std::vector<std::string>{"ldap"});
}

TEST_CASE("PostgreSQL: 'N' keeps plaintext, a later SSLRequest answered 'S' hands over", "[starttls]") {
    Connection c(5432);
    const std::vector<std::uint8_t> ssl_request = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    const Tree& t = c.send(0, ssl_request);
    CHECK(values(t, "pgsql.type") == std::vector<std::string>{"SSL request"});
    c.send(1, std::vector<std::uint8_t>{'N'});
    CHECK(c.notes().empty());
    c.send(0, ssl_request);
    c.send(1, std::vector<std::uint8_t>{'S'});
    CHECK(c.notes() == std::vector<std::string>{"postgresql"});
    c.send(0, client_hello_record());
    CHECK(c.tls_sni() == "www.example.test");
}

TEST_CASE("Hand-overs are bounded per connection", "[architecture]") {
    Connection c(443);
    // PROXY v1 lines one after another: each hands over to the tables' next choice.
    for (int i = 0; i < 8; ++i) c.send(0, "PROXY UNKNOWN\r\n");
    CHECK(c.notes().size() == kMaxHandOvers);
}
