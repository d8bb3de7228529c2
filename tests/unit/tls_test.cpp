#include <catch2/catch.hpp>

#include "core/iana_tables.hpp"
#include "tls_test_support.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

// The Client Hello record of frame 8 and the Server Hello record at the start of frame
// 10 of captures/https-cname-tls12.pcap (openssl s_client / s_server, TLS 1.2); expected
// values checked against tshark on that capture.
const std::string kClientHelloRecord =
    "160301009c010000980303fb35715841695265e2501c5523773fe028dfca98f469298af1d2b9ace20b0de2000004c02f00ff"
    "0100006b0000001500130000107777772e6578616d706c652e74657374000b000403000102000a000c000a001d0017001e"
    "00190018002300000016000000170000000d002a0028040305030603080708080809080a080b08040805080604010501"
    "0601030303010302040205020602";
const std::string kServerHelloRecord =
    "16030300410200003d0303c454f13546f44bce88d63c2c4cca7a960e3e3237916277fe444f574e4752440100c02f000015"
    "ff01000100000b0004030001020023000000170000";

}  // namespace

TEST_CASE("A real Client Hello: fields, lists and fingerprints", "[tls]") {
    TlsHarness h;
    h.message(from_hex(kClientHelloRecord));
    CHECK(value(h.tree, "tls.handshake.type") == "1");
    CHECK(value(h.tree, "tls.handshake.version") == "0x0303");
    CHECK(value(h.tree, "tls.handshake.random") == "fb35715841695265e2501c5523773fe028dfca98f469298af1d2b9ace20b0de2");
    CHECK(values(h.tree, "tls.handshake.ciphersuite") == std::vector<std::string>{"0xc02f", "0x00ff"});
    CHECK(value(h.tree, "tls.handshake.extensions_server_name") == "www.example.test");
    CHECK(values(h.tree, "tls.handshake.extension.type") ==
          std::vector<std::string>{"0", "11", "10", "35", "22", "23", "13"});
    CHECK(h.facts.client_hello.supported_groups == std::vector<std::uint16_t>{0x1d, 0x17, 0x1e, 0x19, 0x18});
    CHECK(value(h.tree, "tls.handshake.ja3_full") == "771,49199-255,0-11-10-35-22-23-13,29-23-30-25-24,0-1-2");
    CHECK(anomalies(h.tree).empty());
    CHECK(h.info == "Client Hello");
}

TEST_CASE("A real Server Hello: suite, the downgrade sentinel, extensions", "[tls]") {
    TlsHarness h;
    h.message(from_hex(kServerHelloRecord), SIZE_MAX, 1);
    CHECK(value(h.tree, "tls.handshake.ciphersuite") == "0xc02f");
    CHECK(h.facts.cipher_suite == std::uint16_t{0xc02f});
    CHECK(h.facts.negotiated_version == std::uint16_t{0x0303});
    // OpenSSL 3 (TLS 1.3 capable) ends a TLS 1.2 server random with "DOWNGRD\x01".
    CHECK(has(h.tree, "tls.handshake.random.downgrade"));
    CHECK(values(h.tree, "tls.handshake.extension.type") == std::vector<std::string>{"65281", "11", "35", "23"});
    CHECK(h.facts.extended_master_secret);
}

TEST_CASE("Every cut of a handshake message is Truncated, never a crash", "[tls]") {
    for (const auto* hex : {&kClientHelloRecord, &kServerHelloRecord}) {
        const auto record = from_hex(*hex);
        for (std::size_t n = 0; n + 5 < record.size(); ++n) {
            TlsHarness h;
            h.message(record, n);
            INFO("captured " << n << " of " << record.size() - 5 << " bytes");
            auto a = anomalies(h.tree);
            REQUIRE_FALSE(a.empty());
            for (const auto& line : a) {
                INFO(line);
                CHECK(line.rfind("[Truncated: ", 0) == 0);
            }
        }
    }
}

TEST_CASE("Lying lengths in a Client Hello are Malformed and the rest is still shown", "[tls]") {
    SECTION("cipher suite list longer than the message") {
        auto record = from_hex(kClientHelloRecord);
        record[5 + 4 + 2 + 32 + 1 + 1] = 0x7f;  // cipher_suites length 0x7f04
        TlsHarness h;
        h.message(record);
        auto a = anomalies(h.tree);
        REQUIRE_FALSE(a.empty());
        CHECK(a[0].rfind("[Malformed: ", 0) == 0);
        CHECK(value(h.tree, "tls.handshake.random").size() == 64);  // what came before is there
    }
    SECTION("an extension length beyond the extensions block") {
        auto record = from_hex(kClientHelloRecord);
        // The server_name extension's length (2 bytes after its type at the block's start).
        const std::size_t ext_block = 5 + 4 + 2 + 32 + 1 + 2 + 4 + 1 + 1 + 2;
        record[ext_block + 2] = 0x40;
        TlsHarness h;
        h.message(record);
        auto a = anomalies(h.tree);
        REQUIRE(a.size() >= 1);
        CHECK(a[0].find("Malformed") != std::string::npos);
        CHECK(value(h.tree, "tls.handshake.ciphersuite") == "0xc02f");
    }
    SECTION("a handshake length beyond the record") {
        auto record = from_hex(kClientHelloRecord);
        record[5 + 1] = 0x01;  // uint24 length 0x01009c
        TlsHarness h;
        h.message(record);
        auto a = anomalies(h.tree);
        REQUIRE(a.size() == 1);
        CHECK(a[0].rfind("[Malformed: ", 0) == 0);
    }
}

TEST_CASE("Unknown and GREASE extensions are data, not errors", "[tls]") {
    // A Client Hello with one GREASE extension (0x1a1a, 1 byte) and one unassigned (0xfe99, 2 bytes).
    const std::string hello =
        "16030100" "41" "010000" "3d" "0303" + std::string(64, '1') + "00" "0002" "1301" "0100" "0012"
        "1a1a" "0001" "00" "fe99" "0002" "abcd" "002b" "0003" "020304";
    TlsHarness h;
    h.message(from_hex(hello));
    CHECK(anomalies(h.tree).empty());
    CHECK(values(h.tree, "tls.handshake.extension.type") == std::vector<std::string>{"6682", "65177", "43"});
    CHECK(h.facts.client_hello.supported_versions == std::vector<std::uint16_t>{0x0304});
    bool grease_named = false;
    for (std::size_t i = 1; i < h.tree.size(); ++i)
        grease_named = grease_named || h.tree.node(static_cast<std::int32_t>(i)).text == "Extension: Reserved (GREASE) (len=1)";
    CHECK(grease_named);
}

namespace {
// An OCSPResponse (RFC 6960) for a revoked certificate, responder by key, made by
// tools/make-adversarial-captures.py (ocsp_response); the expected values are tshark's
// on tls-ocsp-malformed.pcap, where the same bytes are a TLS 1.2 CertificateStatus.
const std::string kRevokedOcspResponse =
    "308201170a0100a08201103082010c06092b06010505073001010481fe3081fb3081a6a21604143333333333333333333333"
    "333333333333333333180f32303236313132373035323531345a307b3079303b300906052b0e03021a050004141111111111"
    "11111111111111111111111111111104142222222222222222222222222222222222222222"
    "02023003a116180f32303236313132303030303030305aa0030a0101180f32303236313132373035323531345aa011180f"
    "32303236313230343035323531345a300d06092a864886f70d01010b050003410044444444444444444444444444444444"
    "444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444";

// A TLS 1.3 Certificate message (RFC 8446 4.4.2) with one entry whose status_request
// extension holds a CertificateStatus with `ocsp`, inside a record header.
std::vector<std::uint8_t> tls13_certificate_with_ocsp(const std::vector<std::uint8_t>& ocsp) {
    auto u16 = [](std::vector<std::uint8_t>& v, std::size_t n) { v.insert(v.end(), {std::uint8_t(n >> 8), std::uint8_t(n)}); };
    auto u24 = [](std::vector<std::uint8_t>& v, std::size_t n) {
        v.insert(v.end(), {std::uint8_t(n >> 16), std::uint8_t(n >> 8), std::uint8_t(n)});
    };
    std::vector<std::uint8_t> status{1};  // status_type ocsp
    u24(status, ocsp.size());
    status.insert(status.end(), ocsp.begin(), ocsp.end());
    std::vector<std::uint8_t> exts;
    u16(exts, 5);  // status_request
    u16(exts, status.size());
    exts.insert(exts.end(), status.begin(), status.end());
    std::vector<std::uint8_t> entry;
    const std::vector<std::uint8_t> cert{0x30, 0x00};  // not a certificate: only the extension matters here
    u24(entry, cert.size());
    entry.insert(entry.end(), cert.begin(), cert.end());
    u16(entry, exts.size());
    entry.insert(entry.end(), exts.begin(), exts.end());
    std::vector<std::uint8_t> body{0};  // empty certificate_request_context
    u24(body, entry.size());
    body.insert(body.end(), entry.begin(), entry.end());
    std::vector<std::uint8_t> record{22, 3, 3, 0, 0, 11};
    u24(record, body.size());
    record.insert(record.end(), body.begin(), body.end());
    record[3] = std::uint8_t((record.size() - 5) >> 8);
    record[4] = std::uint8_t(record.size() - 5);
    return record;
}
}  // namespace

TEST_CASE("An OCSP response in a TLS 1.3 certificate entry is dissected; every cut is Truncated", "[tls]") {
    const auto record = tls13_certificate_with_ocsp(from_hex(kRevokedOcspResponse));
    TlsHarness h;
    h.facts.negotiated_version = 0x0304;
    h.message(record, SIZE_MAX, 1);
    CHECK(value(h.tree, "tls.handshake.extensions_status_request_type") == "1");
    CHECK(value(h.tree, "tls.handshake.ocsp_response_len") == "283");
    CHECK(value(h.tree, "ocsp.responseStatus") == "0");
    CHECK(value(h.tree, "ocsp.responseType.id") == "1.3.6.1.5.5.7.48.1.1");
    CHECK(value(h.tree, "ocsp.responderID") == "2");
    CHECK(value(h.tree, "ocsp.byKey") == "3333333333333333333333333333333333333333");
    CHECK(value(h.tree, "ocsp.producedAt") == "Nov 27, 2026 05:25:14.000000000 UTC");
    CHECK(value(h.tree, "ocsp.issuerNameHash") == "1111111111111111111111111111111111111111");
    CHECK(value(h.tree, "ocsp.serialNumber") == "3003");
    CHECK(value(h.tree, "ocsp.certStatus") == "1");
    CHECK(value(h.tree, "ocsp.revocationTime") == "Nov 20, 2026 00:00:00.000000000 UTC");
    CHECK(value(h.tree, "ocsp.revocationReason") == "1");
    CHECK(value(h.tree, "ocsp.thisUpdate") == "Nov 27, 2026 05:25:14.000000000 UTC");
    CHECK(value(h.tree, "ocsp.nextUpdate") == "Dec  4, 2026 05:25:14.000000000 UTC");
    bool summary = false;
    for (std::size_t i = 1; i < h.tree.size(); ++i)
        summary |= display_line(h.tree.node(static_cast<std::int32_t>(i))) ==
                   "OCSP Response: successful, 1 item: revoked (keyCompromise)";
    CHECK(summary);
    // Only the fake certificate is malformed; the OCSP response is whole.
    for (const auto& a : anomalies(h.tree)) CHECK(a.find("OCSP") == std::string::npos);

    for (std::size_t n = 0; n + 5 < record.size(); ++n) {
        TlsHarness cut;
        cut.facts.negotiated_version = 0x0304;
        cut.message(record, n, 1);
        INFO("captured " << n << " of " << record.size() - 5 << " bytes");
        auto a = anomalies(cut.tree);
        REQUIRE_FALSE(a.empty());
    }
}

TEST_CASE("A malformed OCSP response is [Malformed], never a crash", "[tls]") {
    auto ocsp = from_hex(kRevokedOcspResponse);
    // Every single-byte corruption of the response (each byte XORed with 0x5a): the
    // dissector must survive it (ASan and UBSan watch in the sanitizer build), and the
    // TLS layer around the response stays intact.
    for (std::size_t i = 0; i < ocsp.size(); ++i) {
        auto bad = ocsp;
        bad[i] ^= 0x5a;
        TlsHarness h;
        h.facts.negotiated_version = 0x0304;
        h.message(tls13_certificate_with_ocsp(bad), SIZE_MAX, 1);
        CHECK(value(h.tree, "tls.handshake.ocsp_response_len") == "283");
        // A corrupted tag or length breaks the DER: then there is an anomaly to say so.
        if (value(h.tree, "ocsp.responseStatus") == "<absent>") CHECK_FALSE(anomalies(h.tree).empty());
    }
}
