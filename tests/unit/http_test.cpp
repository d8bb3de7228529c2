// HTTP/1.x inside decrypted TLS: messages split over records are kept and dissected once,
// in the record that completes them (as captures/tls12-http-split-heads.pcap has them).
#include <catch2/catch.hpp>

#include "http/http.hpp"
#include "test_support.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

struct Side {
    Tree tree;
    HttpStream stream;
    bool h2 = false;
    // Feeds one decrypted record of `frame`; returns the line the record completed, if any.
    std::string record(const std::string& text, std::uint64_t frame, HttpExchange& exchange) {
        tree.clear();
        std::vector<std::uint8_t> bytes(text.begin(), text.end());
        const std::uint16_t source = tree.add_source("Decrypted TLS", bytes);
        NodeRef root = tree.root();
        NodeRef body = root.add(kTestRecord, std::monostate{}, 0, bytes.size(), source);
        return stream.dissect(ByteReader(tree.source_bytes(source), 0), root, body, source, frame, exchange, h2);
    }
    static constexpr FieldDef kTestRecord{"tls.decrypted", "Decrypted TLS record", FieldType::None};
};

}  // namespace

TEST_CASE("an HTTP/1.1 head in three records is shown once, in the third", "[http]") {
    HttpExchange exchange;
    Side client;
    CHECK(client.record("GET /split/index.html HTTP/1.1\r\nHost: www.exa", 14, exchange).empty());
    CHECK(values(client.tree, "tls.segment.data").size() == 1);
    CHECK_FALSE(has(client.tree, "http.request.method"));
    CHECK(client.record("mple.test\r\nUser-Agent: split-heads-test/1.0\r\n", 16, exchange).empty());
    CHECK(client.record("Accept: */*\r\n\r\n", 18, exchange) == "GET /split/index.html HTTP/1.1");
    CHECK(value(client.tree, "http.host") == "www.example.test");
    CHECK(values(client.tree, "tls.segment") == std::vector<std::string>{"14", "16", "18"});
    CHECK(value(client.tree, "tls.reassembled.length") == "105");
}

TEST_CASE("a Content-Length body is part of the message; a response to HEAD has none", "[http]") {
    HttpExchange exchange;
    Side client, server;
    CHECK(client.record("POST /form HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", 30, exchange).empty());
    // The rest of the body and the next request in one record: two messages, the first completed here.
    CHECK(client.record("cdeHEAD / HTTP/1.1\r\n\r\n", 33, exchange) == "POST /form HTTP/1.1");
    CHECK(values(client.tree, "http.request.method") == std::vector<std::string>{"POST", "HEAD"});
    CHECK(value(client.tree, "http.file_data") == "6162636465");
    // The POST's answer has its body; HEAD's answer announces a length but sends none.
    CHECK(server.record("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 34, exchange) == "HTTP/1.1 200 OK");
    CHECK(server.record("HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n", 35, exchange) == "HTTP/1.1 200 OK");
    CHECK(exchange.methods.empty());
}

TEST_CASE("a body longer than the reassembly limit is not kept", "[http]") {
    HttpExchange exchange;
    Side server;
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kMaxHttpReassembly + 1) + "\r\n\r\n";
    CHECK(server.record(head + "xy", 1, exchange) == "HTTP/1.1 200 OK");
    CHECK(value(server.tree, "http.file_data") == "7879");
    // The rest of the body is body, even when it looks like a status line.
    CHECK(server.record("HTTP/1.1 404 Not Found\r\n\r\n", 2, exchange).empty());
    CHECK_FALSE(has(server.tree, "http.response.code"));
}
