// Cipher-suite decomposition against the definitions in the RFCs that assign them.
#include <catch2/catch.hpp>

#include "tls/cipher_suites.hpp"

using namespace tlsdissect;

TEST_CASE("ECDHE-RSA AES-128-GCM (RFC 5289 section 3)", "[cipher_suites]") {
    CipherSuiteInfo c = describe_cipher_suite(0xc02f);
    REQUIRE(c.known);
    CHECK(c.key_exchange == "ECDHE");
    CHECK(c.authentication == "RSA");
    CHECK(c.encryption == "AES_128_GCM");
    CHECK(c.mac == "AEAD");
    CHECK(c.prf_hash == "SHA256");
    CHECK(c.forward_secrecy);
    CHECK(c.mode == CipherMode::Gcm);
    CHECK(c.key_bytes == 16);
    CHECK(c.fixed_iv_bytes == 4);
    CHECK(c.tag_bytes == 16);
    CHECK_FALSE(cipher_is_weak(c));
}

TEST_CASE("RSA key exchange CBC with HMAC-SHA1 (RFC 5246 A.5)", "[cipher_suites]") {
    CipherSuiteInfo c = describe_cipher_suite(0x002f);  // TLS_RSA_WITH_AES_128_CBC_SHA
    REQUIRE(c.known);
    CHECK(c.key_exchange == "RSA");
    CHECK(c.authentication == "RSA");
    CHECK_FALSE(c.forward_secrecy);
    CHECK(c.mode == CipherMode::Cbc);
    CHECK(c.block_bytes == 16);
    CHECK(c.mac == "SHA");
    CHECK(c.mac_digest == "SHA1");
    CHECK(c.mac_bytes == 20);
    CHECK(c.prf_hash == "SHA256");
}

TEST_CASE("TLS 1.3 suites (RFC 8446 B.4)", "[cipher_suites]") {
    CipherSuiteInfo a = describe_cipher_suite(0x1302);  // TLS_AES_256_GCM_SHA384
    REQUIRE(a.known);
    CHECK(a.tls13);
    CHECK(a.key_exchange == "any");
    CHECK(a.encryption == "AES_256_GCM");
    CHECK(a.prf_hash == "SHA384");
    CHECK(a.key_bytes == 32);
    CHECK(a.fixed_iv_bytes == 12);
    CipherSuiteInfo c = describe_cipher_suite(0x1303);  // TLS_CHACHA20_POLY1305_SHA256
    CHECK(c.mode == CipherMode::ChaCha20Poly1305);
    CHECK(c.key_bytes == 32);
    CipherSuiteInfo ccm8 = describe_cipher_suite(0x1305);  // TLS_AES_128_CCM_8_SHA256
    CHECK(ccm8.mode == CipherMode::Ccm);
    CHECK(ccm8.tag_bytes == 8);
}

TEST_CASE("weak and signalling suites", "[cipher_suites]") {
    CipherSuiteInfo exp = describe_cipher_suite(0x0003);  // TLS_RSA_EXPORT_WITH_RC4_40_MD5
    REQUIRE(exp.known);
    CHECK(exp.export_grade);
    CHECK(exp.key_exchange == "RSA");
    CHECK(cipher_is_weak(exp));
    CipherSuiteInfo anon = describe_cipher_suite(0x0034);  // TLS_DH_anon_WITH_AES_128_CBC_SHA
    CHECK(anon.anonymous);
    CHECK(cipher_is_weak(anon));
    CipherSuiteInfo des3 = describe_cipher_suite(0x000a);  // TLS_RSA_WITH_3DES_EDE_CBC_SHA
    CHECK(des3.evp_cipher == "DES-EDE3-CBC");
    CHECK(cipher_is_weak(des3));
    CipherSuiteInfo ccm = describe_cipher_suite(0xc0ac);  // TLS_ECDHE_ECDSA_WITH_AES_128_CCM
    CHECK(ccm.mode == CipherMode::Ccm);
    CHECK(ccm.prf_hash == "SHA256");
    CHECK(ccm.authentication == "ECDSA");
    CipherSuiteInfo psk = describe_cipher_suite(0xccac);  // TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256
    CHECK(psk.key_exchange == "ECDHE_PSK");
    CHECK(psk.forward_secrecy);
    CHECK(describe_cipher_suite(0x00ff).signalling);
    CHECK_FALSE(describe_cipher_suite(0x0a0a).known);  // GREASE
    CHECK_FALSE(describe_cipher_suite(0xfeee).known);  // unassigned
}
