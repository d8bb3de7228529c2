// Handshake messages (tls_handshake.cpp) from real captures: each field against tshark
// on the same frame, every cut of each message, lying lengths and trailing bytes.
#include <catch2/catch.hpp>

#include "tls_test_support.hpp"
#include "tls_vectors.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

void tls12(TlsConnectionFacts& f, std::uint16_t suite) {
    f.negotiated_version = 0x0303;
    f.cipher_suite = suite;
}
void tls13(TlsConnectionFacts& f) {
    f.negotiated_version = 0x0304;
    f.cipher_suite = 0x1302;
}

std::string hex_after_header(const std::string& message) { return message.substr(8); }

}  // namespace

TEST_CASE("TLS 1.3 Client Hello: suites, session ID, facts", "[tls][handshake]") {
    TlsHarness h;
    h.handshake(from_hex(kTls13ClientHello), 0);
    // tshark -r captures/tls13-hrr.pcap -Y frame.number==4 -T fields -e ...
    CHECK(value(h.tree, "tls.handshake.length") == "225");
    CHECK(value(h.tree, "tls.handshake.version") == "0x0303");
    CHECK(value(h.tree, "tls.handshake.random") == "3dedcddb4f6605bfc38a6c3251a052f98b7efd85f673dee2ae438c574fa122f0");
    CHECK(value(h.tree, "tls.handshake.session_id_length") == "32");
    CHECK(value(h.tree, "tls.handshake.session_id") ==
          "5d9a3f9fe5cced86832339763454cb030b51a523197c3ef9a2c6cf3324f88a74");
    CHECK(value(h.tree, "tls.handshake.cipher_suites_length") == "8");
    CHECK(values(h.tree, "tls.handshake.ciphersuite") ==
          std::vector<std::string>{"0x1302", "0x1303", "0x1301", "0x00ff"});
    CHECK(lines(h.tree, "tls.handshake.ciphersuites") == std::vector<std::string>{"Cipher Suites (4 suites)"});
    CHECK(lines(h.tree, "tls.handshake.ciphersuite")[0] == "Cipher Suite: TLS_AES_256_GCM_SHA384 (0x1302)");
    CHECK(value(h.tree, "tls.handshake.comp_method") == "0");
    CHECK(value(h.tree, "tls.handshake.extensions_length") == "144");
    CHECK(value(h.tree, "tls.handshake.ja3_full") == "771,4866-4867-4865-255,0-11-10-35-22-23-13-43-45-51,29-23,0-1-2");
    CHECK(value(h.tree, "tls.handshake.ja3") == "c957e1b78599f9337a29ea53e8c1625d");
    CHECK(anomalies(h.tree).empty());
    CHECK(h.info == "Client Hello");
    CHECK(h.facts.client_hello_version == std::uint16_t{0x0303});
    CHECK(h.facts.client_hello.cipher_suites == std::vector<std::uint16_t>{0x1302, 0x1303, 0x1301, 0x00ff});
    CHECK(h.facts.client_session_id.size() == 32);
    CHECK(h.facts.sni == "www.example.test");
    CHECK(h.facts.handshake.size() == 1);
}

TEST_CASE("HelloRetryRequest: named, its selected group, not the negotiated suite", "[tls][handshake]") {
    TlsHarness h;
    h.handshake(from_hex(kHelloRetryRequest), 1);
    // tshark -r captures/tls13-hrr.pcap -Y frame.number==6: ciphersuite 0x1302, extensions
    // 43 and 51, selected group 23 (secp256r1), supported version 0x0304.
    CHECK(h.info == "Hello Retry Request");
    CHECK(has(h.tree, "tls.handshake.hello_retry_request"));
    CHECK(value(h.tree, "tls.handshake.ciphersuite") == "0x1302");
    CHECK(values(h.tree, "tls.handshake.extension.type") == std::vector<std::string>{"43", "51"});
    CHECK(value(h.tree, "tls.handshake.extensions_key_share_selected_group") == "23");
    CHECK(lines(h.tree, "tls.handshake.extensions_key_share_selected_group") ==
          std::vector<std::string>{"Selected Group: secp256r1 (23)"});
    CHECK(value(h.tree, "tls.handshake.extensions.supported_version") == "0x0304");
    // tshark fingerprints a retry request too (the check of parsing_hello_retry_request in
    // dissect_handshake_message comes after server_hello has cleared it).
    CHECK(value(h.tree, "tls.handshake.ja3s_full") == "771,4866,43-51");
    CHECK(value(h.tree, "tls.handshake.ja3s") == "15af977ce25de452b96affa2addb1036");
    CHECK(anomalies(h.tree).empty());
    CHECK(h.facts.hello_retry_request);
    CHECK_FALSE(h.facts.parsing_hello_retry_request);
    CHECK_FALSE(h.facts.cipher_suite.has_value());
    CHECK_FALSE(h.facts.kx_group.has_value());
}

TEST_CASE("TLS 1.3 Server Hello: suite, key share, supported version, JA3S", "[tls][handshake]") {
    TlsHarness h;
    h.handshake(from_hex(kTls13ServerHello), 1);
    // tshark -r captures/tls13-hrr.pcap -Y frame.number==9
    CHECK(h.info == "Server Hello");
    CHECK(value(h.tree, "tls.handshake.ciphersuite") == "0x1302");
    CHECK(values(h.tree, "tls.handshake.extension.type") == std::vector<std::string>{"43", "51"});
    CHECK(value(h.tree, "tls.handshake.extensions_key_share_group") == "23");
    CHECK(value(h.tree, "tls.handshake.extensions_key_share_key_exchange_length") == "65");
    CHECK(value(h.tree, "tls.handshake.extensions.supported_version") == "0x0304");
    CHECK(value(h.tree, "tls.handshake.ja3s_full") == "771,4866,43-51");
    CHECK_FALSE(has(h.tree, "tls.handshake.random.downgrade"));
    CHECK(anomalies(h.tree).empty());
    CHECK(h.facts.negotiated_version == std::uint16_t{0x0304});
    CHECK(h.facts.cipher_suite == std::uint16_t{0x1302});
    CHECK(h.facts.kx_group == std::uint16_t{23});
    CHECK(h.facts.kx_public_key_length == 65);
    CHECK(h.facts.tls13());
}

TEST_CASE("A Server Hello that selects a PSK resumes the session", "[tls][handshake]") {
    TlsHarness h;
    h.handshake(from_hex(kPskServerHello), 1);
    // tshark -r captures/tls13-psk-resume.pcap -Y frame.number==29: extensions 43, 51, 41;
    // selected identity 0; key share group 29 (x25519).
    CHECK(values(h.tree, "tls.handshake.extension.type") == std::vector<std::string>{"43", "51", "41"});
    CHECK(value(h.tree, "tls.handshake.extensions.psk.identity.selected") == "0");
    CHECK(value(h.tree, "tls.handshake.extensions_key_share_group") == "29");
    CHECK(has(h.tree, "tls.handshake.session_resumed"));
    CHECK(h.facts.server_selected_psk);
    CHECK(h.facts.resumed);
}

TEST_CASE("Encrypted Extensions: the extension list", "[tls][handshake]") {
    TlsHarness h;
    tls13(h.facts);
    h.handshake(from_hex(kEncryptedExtensionsMessage), 1);
    // tshark -r captures/tls13-gnutls.pcap -o tls.keylog_file:... -Y frame.number==9
    CHECK(h.info == "Encrypted Extensions");
    CHECK(value(h.tree, "tls.handshake.extensions_length") == "6");
    CHECK(values(h.tree, "tls.handshake.extension.type") == std::vector<std::string>{"28"});
    CHECK(value(h.tree, "tls.record_size_limit") == "16385");
    CHECK(anomalies(h.tree).empty());
}

TEST_CASE("TLS 1.3 Certificate: context, entry, entry extensions, the X.509 tree", "[tls][handshake]") {
    TlsHarness h;
    tls13(h.facts);
    h.handshake(from_hex(kTls13Certificate), 1);
    // tshark -r captures/audit-tls13-bad-cert.pcap -o tls.keylog_file:... -Y frame.number==6
    CHECK(value(h.tree, "tls.handshake.certificate_request_context_length") == "0");
    CHECK(value(h.tree, "tls.handshake.certificates_length") == "701");
    CHECK(value(h.tree, "tls.handshake.certificate_length") == "696");
    CHECK(value(h.tree, "tls.handshake.extensions_length") == "0");  // the entry's extensions
    CHECK(value(h.tree, "x509ce.dNSName") == "www.other.test");
    CHECK(lines(h.tree, "tls.handshake.certificates") == std::vector<std::string>{"Certificates (1 certificate)"});
    REQUIRE(h.facts.certificates.size() == 1);
    CHECK(h.facts.server_sent_certificate);
}

TEST_CASE("TLS 1.2 Certificate: list, one certificate, the X.509 tree", "[tls][handshake]") {
    TlsHarness h;
    tls12(h.facts, 0xc02f);
    h.handshake(from_hex(kTls12Certificate), 1);
    // tshark -r captures/audit-cert-future.pcap -Y frame.number==6
    CHECK(value(h.tree, "tls.handshake.certificates_length") == "632");
    CHECK(value(h.tree, "tls.handshake.certificate_length") == "629");
    CHECK(value(h.tree, "x509ce.dNSName") == "www.example.test");
    CHECK_FALSE(has(h.tree, "tls.handshake.certificate_request_context_length"));
    CHECK(h.facts.certificates.size() == 1);
}

TEST_CASE("Server Key Exchange, ECDHE: curve, point, signature", "[tls][handshake]") {
    TlsHarness h;
    tls12(h.facts, 0xc02f);
    h.handshake(from_hex(kEcdheServerKeyExchange), 1);
    // tshark -r captures/https-cname-tls12.pcap -Y frame.number==14 (tshark shows the curve
    // type 3 in hex, 0x03)
    CHECK(value(h.tree, "tls.handshake.server_curve_type") == "3");
    CHECK(value(h.tree, "tls.handshake.server_named_curve") == "0x001d");
    CHECK(lines(h.tree, "tls.handshake.server_named_curve") ==
          std::vector<std::string>{"Named Curve: x25519 (0x001d)"});
    CHECK(value(h.tree, "tls.handshake.server_point_len") == "32");
    CHECK(value(h.tree, "tls.handshake.server_point") ==
          "6b7a8cf4187dc99c3ef14f0073ffe733263f2d0c7806c24aded2858bddfb713c");
    CHECK(value(h.tree, "tls.handshake.sig_hash_alg") == "0x0804");
    CHECK(lines(h.tree, "tls.handshake.sig_hash_alg") ==
          std::vector<std::string>{"Signature Algorithm: rsa_pss_rsae_sha256 (0x0804)"});
    CHECK(value(h.tree, "tls.handshake.sig_len") == "256");
    CHECK(h.facts.kx_group == std::uint16_t{0x001d});
    CHECK(h.facts.kx_public_key_length == 32);
    CHECK(h.facts.ske_signature_scheme == std::uint16_t{0x0804});
    CHECK(h.facts.ske_signature.size() == 256);
    CHECK(h.facts.ske_params.size() == 4 + 32);  // curve type, curve, point length, point
}

TEST_CASE("Server Key Exchange, DHE: p, g, Ys, signature", "[tls][handshake]") {
    TlsHarness h;
    tls12(h.facts, 0x009f);  // TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, from the Server Hello in frame 6
    h.handshake(from_hex(kDheServerKeyExchange), 1);
    // tshark -r captures/tls12-gnutls-dhe.pcap -Y frame.number==10
    CHECK(value(h.tree, "tls.handshake.p_len") == "256");
    CHECK(value(h.tree, "tls.handshake.g_len") == "1");
    CHECK(value(h.tree, "tls.handshake.g") == "02");
    CHECK(value(h.tree, "tls.handshake.ys_len") == "256");
    CHECK(value(h.tree, "tls.handshake.sig_hash_alg") == "0x0401");
    CHECK(value(h.tree, "tls.handshake.sig_len") == "256");
    CHECK(h.facts.dh_prime_length == 256);
    CHECK(anomalies(h.tree).empty());
}

TEST_CASE("TLS 1.2 Certificate Request: types, algorithms, names", "[tls][handshake]") {
    TlsHarness h;
    tls12(h.facts, 0xc02f);
    h.handshake(from_hex(kTls12CertificateRequest), 1);
    // tshark -r captures/tls12-client-cert.pcap -Y frame.number==10 (its first
    // sig_hash_alg, 0x0804, is the Server Key Exchange's)
    CHECK(value(h.tree, "tls.handshake.cert_types_count") == "3");
    CHECK(values(h.tree, "tls.handshake.cert_type") == std::vector<std::string>{"1", "2", "64"});
    CHECK(value(h.tree, "tls.handshake.sig_hash_alg_len") == "40");
    CHECK(values(h.tree, "tls.handshake.sig_hash_alg") ==
          std::vector<std::string>{"0x0403", "0x0503", "0x0603", "0x0807", "0x0808", "0x0809", "0x080a",
                                   "0x080b", "0x0804", "0x0805", "0x0806", "0x0401", "0x0501", "0x0601",
                                   "0x0303", "0x0301", "0x0302", "0x0402", "0x0502", "0x0602"});
    CHECK(lines(h.tree, "tls.handshake.sig_hash_algs") ==
          std::vector<std::string>{"Signature Hash Algorithms (20 algorithms)"});
    CHECK(value(h.tree, "tls.handshake.dnames_len") == "77");
    CHECK(lines(h.tree, "tls.handshake.dnames") == std::vector<std::string>{"Distinguished Names (1 names)"});
    CHECK(anomalies(h.tree).empty());
}

TEST_CASE("TLS 1.3 Certificate Request: context and extensions", "[tls][handshake]") {
    TlsHarness h;
    tls13(h.facts);
    h.handshake(from_hex(kTls13CertificateRequest), 1);
    // tshark -r captures/tls13-client-cert.pcap -o tls.keylog_file:... -Y frame.number==6
    // (extensions 43 and 51 are the Server Hello's, 13 and 47 the request's)
    CHECK(value(h.tree, "tls.handshake.certificate_request_context_length") == "0");
    CHECK(values(h.tree, "tls.handshake.extension.type") == std::vector<std::string>{"13", "47"});
    CHECK(values(h.tree, "tls.handshake.sig_hash_alg_len").front() == "32");
    CHECK(values(h.tree, "tls.handshake.sig_hash_alg").size() == 16);
    CHECK(values(h.tree, "tls.handshake.sig_hash_alg").back() == "0x0301");
    CHECK(anomalies(h.tree).empty());
}

TEST_CASE("New Session Ticket, TLS 1.2 and TLS 1.3", "[tls][handshake]") {
    SECTION("TLS 1.2") {
        TlsHarness h;
        tls12(h.facts, 0xc02f);
        h.handshake(from_hex(kTls12NewSessionTicket), 1);
        // tshark -r captures/tls12-resume-ticket.pcap -Y frame.number==13
        CHECK(value(h.tree, "tls.handshake.session_ticket_lifetime_hint") == "7200");
        CHECK(lines(h.tree, "tls.handshake.session_ticket_lifetime_hint") ==
              std::vector<std::string>{"Session Ticket Lifetime Hint: 7200 seconds"});
        CHECK(value(h.tree, "tls.handshake.session_ticket_length") == "176");
        CHECK(value(h.tree, "tls.handshake.session_ticket").substr(0, 16) == "3981e011b19101a7");
        CHECK_FALSE(has(h.tree, "tls.handshake.session_ticket_age_add"));
        CHECK(h.facts.ticket_lifetime == std::uint32_t{7200});
        CHECK(h.facts.ticket_length == 176);
    }
    SECTION("TLS 1.3") {
        TlsHarness h;
        tls13(h.facts);
        h.handshake(from_hex(kTls13NewSessionTicket), 1);
        // tshark -r captures/tls13-psk-resume.pcap -o tls.keylog_file:... -Y frame.number==14
        CHECK(value(h.tree, "tls.handshake.session_ticket_lifetime_hint") == "7200");
        CHECK(value(h.tree, "tls.handshake.session_ticket_age_add") == "2978718647");
        CHECK(value(h.tree, "tls.handshake.session_ticket_nonce_length") == "8");
        CHECK(value(h.tree, "tls.handshake.session_ticket_nonce") == "0000000000000001");
        CHECK(value(h.tree, "tls.handshake.session_ticket_length") == "208");
        CHECK(value(h.tree, "tls.handshake.extensions_length") == "0");
        CHECK(anomalies(h.tree).empty());
    }
}

TEST_CASE("Finished and KeyUpdate", "[tls][handshake]") {
    SECTION("TLS 1.2 Finished: 12 bytes of verify data") {
        TlsHarness h;
        tls12(h.facts, 0xc02f);
        h.handshake(from_hex(kTls12Finished), 1);
        // tshark -r captures/tls12-resume-ticket.pcap -o tls.keylog_file:... -Y frame.number==13
        CHECK(value(h.tree, "tls.handshake.length") == "12");
        CHECK(value(h.tree, "tls.handshake.verify_data") == hex_after_header(kTls12Finished));
        CHECK(h.info == "Finished");
    }
    SECTION("TLS 1.3 Finished: the hash length (SHA-384)") {
        TlsHarness h;
        tls13(h.facts);
        h.handshake(from_hex(kTls13Finished), 1);
        // captures/tls13-hrr.pcap frame 12, decrypted
        CHECK(value(h.tree, "tls.handshake.length") == "48");
        CHECK(value(h.tree, "tls.handshake.verify_data") == hex_after_header(kTls13Finished));
    }
    SECTION("KeyUpdate: update_requested") {
        TlsHarness h;
        tls13(h.facts);
        h.handshake(from_hex(kKeyUpdateMessage), 0);
        // tshark -r captures/tls13-key-update.pcap -o tls.keylog_file:... -Y frame.number==17
        CHECK(value(h.tree, "tls.handshake.key_update.request_update") == "1");
        CHECK(anomalies(h.tree).empty());
    }
}

TEST_CASE("Every cut of every handshake message gives an anomaly, never a crash", "[tls][handshake]") {
    auto tls12_ecdhe = [](TlsConnectionFacts& f) { tls12(f, 0xc02f); };
    // The cuts without an anomaly: each lies in the last field of its message, shown with
    // the bytes there are (a child reader's captured part) and no [Truncated] yet.
    CHECK(every_prefix_anomalies(from_hex(kTls13ClientHello), 0) == "197-228");  // the x25519 key exchange
    CHECK(every_prefix_anomalies(from_hex(kPskClientHello), 0) == "467-515");    // the PSK binders
    CHECK(every_prefix_anomalies(from_hex(kHelloRetryRequest), 1).empty());
    CHECK(every_prefix_anomalies(from_hex(kTls13ServerHello), 1) == "90-154");   // the secp256r1 key exchange
    CHECK(every_prefix_anomalies(from_hex(kEncryptedExtensionsMessage), 1, tls13) == "10-11");  // record_size_limit
    CHECK(every_prefix_anomalies(from_hex(kEcdheServerKeyExchange), 1, tls12_ecdhe).empty());
    CHECK(every_prefix_anomalies(from_hex(kDheServerKeyExchange), 1, [](TlsConnectionFacts& f) { tls12(f, 0x009f); })
              .empty());
    CHECK(every_prefix_anomalies(from_hex(kTls12CertificateRequest), 1, tls12_ecdhe) == "54-128");  // the DN
    CHECK(every_prefix_anomalies(from_hex(kTls13CertificateRequest), 1, tls13) == "49-127");  // certificate_authorities
    CHECK(every_prefix_anomalies(from_hex(kTls12NewSessionTicket), 1, tls12_ecdhe).empty());
    CHECK(every_prefix_anomalies(from_hex(kTls13NewSessionTicket), 1, tls13).empty());
    CHECK(every_prefix_anomalies(from_hex(kTls13Finished), 1, tls13) == "4-51");  // the verify data
    CHECK(every_prefix_anomalies(from_hex(kKeyUpdateMessage), 0, tls13) == "4");  // the request byte
}

TEST_CASE("Every cut of a Certificate message gives an anomaly, never a crash", "[tls][handshake]") {
    // A cut certificate may also be [Malformed] inside the X.509 tree (its DER ends early),
    // so only the TLS layer's own anomaly is required to be there.
    for (const auto* hex : {&kTls12Certificate, &kTls13Certificate}) {
        const auto message = from_hex(*hex);
        for (std::size_t n = 0; n < message.size(); ++n) {
            TlsHarness h;
            if (hex == &kTls13Certificate) tls13(h.facts); else tls12(h.facts, 0xc02f);
            h.handshake(message, 1, n);
            INFO("captured " << n << " of " << message.size() << " bytes");
            const auto a = anomalies(h.tree);
            REQUIRE_FALSE(a.empty());
            CHECK(std::any_of(a.begin(), a.end(), [](const std::string& l) { return l.rfind("[Truncated: ", 0) ==
                  0; }));
        }
    }
}

TEST_CASE("Lying lengths in handshake messages are Malformed; what came before stays", "[tls][handshake]") {
    SECTION("a session ID length beyond the Server Hello") {
        auto m = from_hex(kTls13ServerHello);
        m[4 + 2 + 32] = 0xff;  // legacy_session_id_echo length
        TlsHarness h;
        h.handshake(m, 1);
        CHECK(only_anomaly(h.tree).rfind("[Malformed: session ID", 0) == 0);
        CHECK(value(h.tree, "tls.handshake.random").size() == 64);
        CHECK_FALSE(has(h.tree, "tls.handshake.ciphersuite"));
    }
    SECTION("a certificate length beyond the certificate list") {
        auto m = from_hex(kTls12Certificate);
        m[4 + 3] = 0x7f;  // the first certificate's uint24 length, 0x7f0275
        TlsHarness h;
        tls12(h.facts, 0xc02f);
        h.handshake(m, 1);
        CHECK(only_anomaly(h.tree).rfind("[Malformed: certificate (runs past", 0) == 0);
        CHECK(value(h.tree, "tls.handshake.certificates_length") == "632");
        CHECK(h.facts.certificates.empty());
    }
    SECTION("a signature length beyond the Server Key Exchange") {
        auto m = from_hex(kEcdheServerKeyExchange);
        put_u16(m, m.size() - 256 - 2, 257);
        TlsHarness h;
        tls12(h.facts, 0xc02f);
        h.handshake(m, 1);
        CHECK(only_anomaly(h.tree).rfind("[Malformed: signature", 0) == 0);
        CHECK(value(h.tree, "tls.handshake.server_point_len") == "32");
        CHECK(value(h.tree, "tls.handshake.sig_len") == "257");
        CHECK_FALSE(has(h.tree, "tls.handshake.sig"));
        CHECK(h.facts.ske_signature.empty());
    }
    SECTION("a ticket length beyond the New Session Ticket") {
        auto m = from_hex(kTls12NewSessionTicket);
        put_u16(m, 4 + 4, 0x00b1);  // 176 + 1
        TlsHarness h;
        tls12(h.facts, 0xc02f);
        h.handshake(m, 1);
        CHECK(only_anomaly(h.tree).rfind("[Malformed: session ticket", 0) == 0);
        CHECK(value(h.tree, "tls.handshake.session_ticket_lifetime_hint") == "7200");
    }
    SECTION("a distinguished names length beyond the Certificate Request") {
        auto m = from_hex(kTls12CertificateRequest);
        put_u16(m, m.size() - 77 - 2, 78);
        TlsHarness h;
        tls12(h.facts, 0xc02f);
        h.handshake(m, 1);
        CHECK(only_anomaly(h.tree).rfind("[Malformed: distinguished names", 0) == 0);
        CHECK(values(h.tree, "tls.handshake.sig_hash_alg").size() == 20);
    }
}

TEST_CASE("Trailing bytes after a handshake message's fields are Malformed", "[tls][handshake]") {
    SECTION("Server Key Exchange with the signature's length one short") {
        auto m = from_hex(kEcdheServerKeyExchange);
        const std::size_t sig_len_at = m.size() - 256 - 2;
        put_u16(m, sig_len_at, 255);
        TlsHarness h;
        tls12(h.facts, 0xc02f);
        h.handshake(m, 1);
        CHECK(anomalies(h.tree) ==
              std::vector<std::string>{"[Malformed: 1 trailing bytes after the Server Key Exchange]"});
        CHECK(value(h.tree, "tls.handshake.sig_len") == "255");
    }
    SECTION("KeyUpdate with two more bytes") {
        TlsHarness h;
        tls13(h.facts);
        h.handshake(with_trailing_bytes(from_hex(kKeyUpdateMessage), 2), 0);
        CHECK(anomalies(h.tree) == std::vector<std::string>{"[Malformed: 2 trailing bytes after the Key Update]"});
        CHECK(value(h.tree, "tls.handshake.key_update.request_update") == "1");
    }
    SECTION("New Session Ticket 1.2 with three more bytes") {
        TlsHarness h;
        tls12(h.facts, 0xc02f);
        h.handshake(with_trailing_bytes(from_hex(kTls12NewSessionTicket), 3), 1);
        CHECK(anomalies(h.tree) ==
              std::vector<std::string>{"[Malformed: 3 trailing bytes after the New Session Ticket]"});
    }
}
