// --audit on hand-built connection facts, for the findings that Debian 12's TLS stacks
// can no longer produce on the wire (EXPORT suites, compression, SSL 3.0, a downgrade
// sentinel next to a TLS 1.3 offer, Heartbleed); the captures cover the rest
// (tests/audit/audit_test.py).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "tls/audit.hpp"
#include "tls/tls_common.hpp"

using namespace tlsdissect;

namespace {

// A TLS 1.2 handshake with a clean ECDHE-RSA-AES128-GCM suite, RI and EMS, Server Hello
// in frame 6.
TlsConnectionFacts clean_tls12() {
    TlsConnectionFacts f;
    f.client_hello.seen = true;
    f.client_hello.frame = 4;
    f.client_hello.cipher_suites = {0xc02f, 0x00ff};
    f.client_hello.extensions = {0, 23, 0xff01};
    f.server_hello.seen = true;
    f.server_hello.frame = 6;
    f.server_hello.cipher_suites = {0xc02f};
    f.server_hello.compression_methods = {0};
    f.server_hello.extensions = {23, 0xff01};
    f.extended_master_secret = true;
    f.negotiated_version = 0x0303;
    f.cipher_suite = 0xc02f;
    f.server_random.assign(32, 0x11);
    return f;
}

std::set<std::string> ids(const std::vector<AuditFinding>& v) {
    std::set<std::string> s;
    for (const auto& f : v) s.insert(std::string(f.id));
    return s;
}

const AuditFinding* find(const std::vector<AuditFinding>& v, std::string_view id) {
    for (const auto& f : v)
        if (f.id == id) return &f;
    return nullptr;
}

}  // namespace

TEST_CASE("a clean TLS 1.2 handshake has no findings", "[audit]") {
    CHECK(audit_connection(clean_tls12(), "en").empty());
}

TEST_CASE("EXPORT RSA suite chosen: FREAK (RFC 7457 2.3)", "[audit]") {
    TlsConnectionFacts f = clean_tls12();
    f.cipher_suite = 0x0003;  // TLS_RSA_EXPORT_WITH_RC4_40_MD5
    f.server_hello.cipher_suites = {0x0003};
    auto a = audit_connection(f, "en");
    CHECK(ids(a) == std::set<std::string>{"export_rsa", "weak_cipher_chosen", "no_forward_secrecy"});
    REQUIRE(find(a, "export_rsa"));
    CHECK(find(a, "export_rsa")->frame == 6);
    CHECK(find(a, "export_rsa")->severity == AuditSeverity::High);
    CHECK(find(a, "export_rsa")->why.find("TLS_RSA_EXPORT_WITH_RC4_40_MD5") != std::string::npos);
}

TEST_CASE("DEFLATE compression chosen: CRIME", "[audit]") {
    TlsConnectionFacts f = clean_tls12();
    f.server_hello.compression_methods = {1};
    auto a = audit_connection(f, "en");
    REQUIRE(find(a, "compression"));
    CHECK(find(a, "compression")->why.find("DEFLATE") != std::string::npos);
    CHECK(ids(a).size() == 1);
}

TEST_CASE("SSL 3.0 with a CBC suite: old_protocol high and POODLE", "[audit]") {
    TlsConnectionFacts f = clean_tls12();
    f.negotiated_version = 0x0300;
    f.cipher_suite = 0x0035;  // TLS_RSA_WITH_AES_256_CBC_SHA
    f.server_hello.extensions = {0xff01};
    f.extended_master_secret = false;
    auto a = audit_connection(f, "en");
    CHECK(ids(a) == std::set<std::string>{"old_protocol", "cbc_in_ssl3", "no_forward_secrecy"});
    CHECK(find(a, "old_protocol")->severity == AuditSeverity::High);
    CHECK(find(a, "old_protocol")->why.find("SSL 3.0") != std::string::npos);
}

TEST_CASE("downgrade sentinel: high when the client offered TLS 1.3, info otherwise", "[audit]") {
    TlsConnectionFacts f = clean_tls12();
    const std::uint8_t sentinel[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
    std::copy(std::begin(sentinel), std::end(sentinel), f.server_random.begin() + 24);
    auto a = audit_connection(f, "en");
    REQUIRE(find(a, "downgrade_sentinel"));
    CHECK(find(a, "downgrade_sentinel")->severity == AuditSeverity::Info);
    f.client_hello.supported_versions = {0x0304, 0x0303};
    a = audit_connection(f, "en");
    REQUIRE(find(a, "downgrade_sentinel"));
    CHECK(find(a, "downgrade_sentinel")->severity == AuditSeverity::High);
    f.server_random[31] = 0x02;  // not one of the two sentinels
    CHECK_FALSE(find(audit_connection(f, "en"), "downgrade_sentinel"));
}

TEST_CASE("over-long heartbeats, SSLv2 hello and its weak cipher kinds", "[audit]") {
    TlsConnectionFacts f;
    f.sslv2_client_hello_frame = 3;
    f.sslv2_cipher_specs = {0x020080, 0x00002f};  // SSL2 RC4 EXPORT40; TLS_RSA_WITH_AES_128_CBC_SHA
    f.overlong_heartbeat_frames = {9, 12};
    auto a = audit_connection(f, "en");
    CHECK(ids(a) == std::set<std::string>{"sslv2_hello", "weak_cipher_offered", "heartbleed_attempt"});
    CHECK(find(a, "weak_cipher_offered")->frame == 3);
    CHECK(find(a, "weak_cipher_offered")->why.find("0x020080") != std::string::npos);
    int heartbleed = 0;
    for (const auto& x : a) heartbleed += x.id == "heartbleed_attempt" && (x.frame == 9 || x.frame == 12);
    CHECK(heartbleed == 2);
    // Ordered by frame.
    for (std::size_t i = 1; i < a.size(); ++i) CHECK(a[i - 1].frame <= a[i].frame);
}

TEST_CASE("weak EC key and an MD5-signed intermediate; a self-signed SHA-1 root is fine", "[audit]") {
    TlsConnectionFacts f = clean_tls12();
    f.handshake.push_back({7, 1'700'000'000'000'000'000, 1, std::uint8_t{kCertificate}});
    CertificateSummary leaf, inter, root;
    leaf.parsed = inter.parsed = root.parsed = true;
    leaf.subject = "CN=leaf";
    leaf.subject_cn = "leaf";
    leaf.issuer = inter.subject = "CN=inter";
    inter.issuer = root.subject = root.issuer = "CN=root";
    leaf.public_key_algorithm = "EC";
    leaf.public_key_bits = 224;
    leaf.signature_algorithm = "sha256WithRSAEncryption";
    inter.public_key_algorithm = root.public_key_algorithm = "RSA";
    inter.public_key_bits = root.public_key_bits = 4096;
    inter.signature_algorithm = "md5WithRSAEncryption";
    root.signature_algorithm = "sha1WithRSAEncryption";
    for (auto* c : {&leaf, &inter, &root}) {
        c->not_before = "2020-01-01T00:00:00Z";
        c->not_before_epoch = 1'577'836'800;
        c->not_after = "2030-01-01T00:00:00Z";
        c->not_after_epoch = 1'893'456'000;
    }
    f.certificates = {leaf, inter, root};
    auto a = audit_connection(f, "en");
    CHECK(ids(a) == std::set<std::string>{"weak_key", "weak_signature"});
    CHECK(find(a, "weak_key")->frame == 7);
    CHECK(find(a, "weak_key")->severity == AuditSeverity::Medium);
    CHECK(find(a, "weak_signature")->severity == AuditSeverity::High);
    CHECK(find(a, "weak_signature")->why.find("CN=inter") != std::string::npos);
}

TEST_CASE("every finding id has both texts, and both languages are chosen by lang", "[audit]") {
    const std::set<std::string> all{"old_protocol", "weak_cipher_offered", "weak_cipher_chosen", "no_forward_secrecy",
                                    "weak_dh_group", "compression", "insecure_renegotiation",
                                    "no_extended_master_secret", "heartbeat", "heartbleed_attempt", "cbc_in_ssl3",
                                    "export_rsa", "sslv2_hello", "weak_key", "weak_signature", "cert_expired",
                                    "cert_not_yet_valid", "name_mismatch", "downgrade_sentinel", "fallback_scsv"};
    std::set<std::string> keys;
    for (const auto& t : audit_texts()) {
        CHECK_FALSE(t.en.empty());
        CHECK_FALSE(t.zh.empty());
        keys.insert(std::string(t.key.substr(0, t.key.find('.'))));
    }
    CHECK(keys == all);
    TlsConnectionFacts f = clean_tls12();
    f.server_hello.compression_methods = {1};
    CHECK(audit_connection(f, "zh").front().why.find("压缩") != std::string::npos);
    CHECK(audit_connection(f, "en").front().why.find("compression") != std::string::npos);
    CHECK(parse_audit_severity("medium") == AuditSeverity::Medium);
    CHECK_FALSE(parse_audit_severity("severe"));
}
