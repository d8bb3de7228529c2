// QUIC Initial protection against the published test vectors: RFC 9001 appendix A
// (version 1) and RFC 9369 appendix A (version 2), client DCID 0x8394c8f03e515708.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "quic/qpack.hpp"
#include "quic/quic.hpp"
#include "test_support.hpp"
#include "tlsdissect/field.hpp"

using namespace tlsdissect;
using tlsdissect::test::from_hex;

TEST_CASE("QUIC variable-length integers (RFC 9000 appendix A.1 examples)", "[quic]") {
    struct Case {
        std::string hex;
        std::uint64_t value;
    };
    for (const Case& c : {Case{"c2197c5eff14e88c", 151288809941952652ull}, Case{"9d7f3e7d", 494878333ull},
                          Case{"7bbd", 15293ull}, Case{"25", 37ull}, Case{"4025", 37ull}}) {
        const auto bytes = from_hex(c.hex);
        ByteReader r{Bytes(bytes)};
        CHECK(r.quic_varint() == c.value);
        CHECK(r.empty());
    }
    const auto cut = from_hex("9d7f3e");
    ByteReader r{Bytes(cut)};
    CHECK_FALSE(r.quic_varint().has_value());
    CHECK(r.offset() == 0);  // nothing consumed
}

TEST_CASE("QUIC Initial keys: RFC 9001 appendix A.1 and RFC 9369 appendix A.1", "[quic]") {
    const auto dcid = from_hex("8394c8f03e515708");
    auto v1_client = quic_initial_keys(0x00000001, dcid, false);
    REQUIRE(v1_client);
    CHECK(hex_string(v1_client->key) == "1f369613dd76d5467730efcbe3b1a22d");
    CHECK(hex_string(v1_client->iv) == "fa044b2f42a3fd3b46fb255c");
    CHECK(hex_string(v1_client->hp) == "9f50449e04a0e810283a1e9933adedd2");
    auto v1_server = quic_initial_keys(0x00000001, dcid, true);
    REQUIRE(v1_server);
    CHECK(hex_string(v1_server->key) == "cf3a5331653c364c88f0f379b6067e37");
    CHECK(hex_string(v1_server->iv) == "0ac1493ca1905853b0bba03e");
    CHECK(hex_string(v1_server->hp) == "c206b8d9b9f0f37644430b490eeaa314");
    auto v2_client = quic_initial_keys(0x6b3343cf, dcid, false);
    REQUIRE(v2_client);
    CHECK(hex_string(v2_client->key) == "8b1a0bc121284290a29e0971b5cd045d");
    CHECK(hex_string(v2_client->iv) == "91f73e2351d8fa91660e909f");
    CHECK(hex_string(v2_client->hp) == "45b95e15235d6f45a6b19cbcb0294ba9");
    CHECK_FALSE(quic_initial_keys(0x0a0a0a0a, dcid, false).has_value());  // a greased version
}

TEST_CASE("QUIC Initial unprotected: RFC 9001 appendix A.3, the server's Initial", "[quic]") {
    const auto dcid = from_hex("8394c8f03e515708");
    auto keys = quic_initial_keys(0x00000001, dcid, true);
    REQUIRE(keys);
    // The protected packet of appendix A.3.
    const auto packet = from_hex(
        "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
        "5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
        "dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
        "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
        "2158407dd074ee");
    std::uint64_t pn = 0;
    // Header: first byte, version, DCID length 0, SCID length 8 + SCID, token length... no
    // token in a server Initial, then the 2-byte Length 0x4075: the packet number at 18.
    auto u = quic_unprotect(*keys, packet, 18, 0, pn);
    REQUIRE(u);
    CHECK(pn == 1);
    CHECK(u->pn_length == 2);
    CHECK(hex_string(Bytes(u->plaintext).first(7)) == "02000000000600");  // ACK, then CRYPTO
}

TEST_CASE("QPACK field sections: RFC 9204 appendix B.1 and B.2", "[quic][qpack]") {
    using tlsdissect::QpackDecoder;
    using tlsdissect::QpackFieldSection;
    using Fields = std::vector<std::pair<std::string, std::string>>;
    SECTION("B.1: a literal with a static name reference, no dynamic table") {
        QpackDecoder d;
        const auto section = from_hex("0000510b2f696e6465782e68746d6c");
        const QpackFieldSection fs = d.decode(0, tlsdissect::Bytes(section));
        CHECK(fs.status == QpackFieldSection::Status::Decoded);
        CHECK(fs.required_insert_count == 0);
        CHECK(fs.fields == Fields{{":path", "/index.html"}});
    }
    const auto encoder = from_hex("3fbd01c00f7777772e6578616d706c652e636f6dc10c2f73616d706c652f70617468");
    const auto section = from_hex("03811011");
    SECTION("B.2: post-base indexed lines after the encoder stream's two inserts") {
        QpackDecoder d;
        REQUIRE(d.read_encoder(tlsdissect::Bytes(encoder)));
        CHECK(d.insert_count() == 2);
        const QpackFieldSection fs = d.decode(4, tlsdissect::Bytes(section));
        CHECK(fs.status == QpackFieldSection::Status::Decoded);
        CHECK(fs.required_insert_count == 2);
        CHECK(fs.fields == Fields{{":authority", "www.example.com"}, {":path", "/sample/path"}});
    }
    SECTION("B.2's field section before the encoder stream: blocked, with what it needs") {
        QpackDecoder d;
        const QpackFieldSection fs = d.decode(4, tlsdissect::Bytes(section));
        CHECK(fs.status == QpackFieldSection::Status::Blocked);
        CHECK(fs.required_insert_count == 2);
        CHECK(fs.insert_count == 0);
        CHECK(fs.fields.empty());
    }
    SECTION("an encoder stream that is not QPACK leaves the decoder failed, not crashed") {
        QpackDecoder d;
        const auto junk = from_hex("3fffffffffffffffffffff");
        CHECK_FALSE(d.read_encoder(tlsdissect::Bytes(junk)));
        CHECK(d.decode(0, tlsdissect::Bytes(section)).status == QpackFieldSection::Status::Failed);
    }
}
