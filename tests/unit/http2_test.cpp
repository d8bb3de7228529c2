// HTTP inside decrypted TLS: HTTP/2 header blocks across frames and records (HPACK), and
// bad blocks, with the JA4H of each request.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "http/http.hpp"
#include "http/ja4h.hpp"
#include "test_support.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

// RFC 9113 section 4.1 frame header and payload.
std::vector<std::uint8_t> frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                                const std::vector<std::uint8_t>& payload) {
    const std::size_t n = payload.size();
    std::vector<std::uint8_t> out = {std::uint8_t(n >> 16), std::uint8_t(n >> 8), std::uint8_t(n), type, flags,
                                     std::uint8_t(stream >> 24), std::uint8_t(stream >> 16), std::uint8_t(stream >> 8),
                                     std::uint8_t(stream)};
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

// RFC 7541 6.2.2: a literal field without indexing, new name (lengths under 127).
void literal(std::vector<std::uint8_t>& block, const std::string& name, const std::string& value) {
    block.push_back(0x00);
    block.push_back(std::uint8_t(name.size()));
    block.insert(block.end(), name.begin(), name.end());
    block.push_back(std::uint8_t(value.size()));
    block.insert(block.end(), value.begin(), value.end());
}

std::vector<std::string> feed(HttpStream& s, bool& h2, const std::vector<std::uint8_t>& record, Tree& tree) {
    tree.frame_bytes = Bytes(record);
    HttpExchange exchange;
    (void)s.dissect(ByteReader(Bytes(record)), tree.root(), tree.root(), 0, 1, exchange, h2);
    return s.ja4h();
}

}  // namespace

TEST_CASE("HTTP/2: a header block in HEADERS and CONTINUATION, split across records, gets its JA4H", "[http]") {
    std::vector<std::uint8_t> block = {0x82, 0x87, 0x84};  // :method GET, :scheme https, :path /
    literal(block, "user-agent", "test");
    literal(block, "cookie", "b=2; a=1");
    literal(block, "accept-language", "fr-CA,fr");
    const std::vector<std::uint8_t> first(block.begin(), block.begin() + 10), rest(block.begin() + 10, block.end());
    const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    std::vector<std::uint8_t> record1(preface.begin(), preface.end());
    const auto headers = frame(1, 0x0, 1, first);  // no END_HEADERS
    const auto continuation = frame(9, 0x4, 1, rest);
    // The CONTINUATION frame's payload is cut between the two records.
    record1.insert(record1.end(), headers.begin(), headers.end());
    record1.insert(record1.end(), continuation.begin(), continuation.begin() + 15);
    const std::vector<std::uint8_t> record2(continuation.begin() + 15, continuation.end());

    HttpStream s;
    bool h2 = false;
    Tree t1, t2;
    CHECK(feed(s, h2, record1, t1).empty());
    CHECK(h2);
    const auto got = feed(s, h2, record2, t2);
    const std::string want =
        ja4h(HttpRequestHead{"GET", "20", {{"user-agent", "test"}, {"cookie", "b=2; a=1"}, {"accept-language", "fr-CA,fr"}}});
    REQUIRE(got.size() == 1);
    CHECK(got[0] == want);
    CHECK(want.rfind("ge20cn02frca_", 0) == 0);
    CHECK(value(t2, "http2.ja4h") == want);
    CHECK(values(t2, "http2.header.name") ==
          std::vector<std::string>{":method", ":scheme", ":path", "user-agent", "cookie", "accept-language"});
}

TEST_CASE("HTTP/2: a block HPACK cannot decode is said, and the direction stops decoding", "[http]") {
    const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    std::vector<std::uint8_t> record(preface.begin(), preface.end());
    const auto bad = frame(1, 0x4, 1, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f});  // index overflow
    record.insert(record.end(), bad.begin(), bad.end());
    HttpStream s;
    bool h2 = false;
    Tree t;
    CHECK(feed(s, h2, record, t).empty());
    CHECK(!values(t, "http.malformed").empty());
    // Padding longer than the frame, and a later good block: nothing decoded, no crash.
    const auto padded = frame(1, 0x4 | 0x8, 3, {0x40, 0x82});
    const auto good = frame(1, 0x4, 5, {0x82, 0x87, 0x84});
    std::vector<std::uint8_t> record2(padded.begin(), padded.end());
    record2.insert(record2.end(), good.begin(), good.end());
    Tree t2;
    CHECK(feed(s, h2, record2, t2).empty());
    // Every prefix of the first record: no crash.
    for (std::size_t n = 0; n <= record.size(); ++n) {
        HttpStream p;
        bool ph2 = false;
        Tree tp;
        std::vector<std::uint8_t> cut(record.begin(), record.begin() + static_cast<long>(n));
        (void)feed(p, ph2, cut, tp);
    }
}
