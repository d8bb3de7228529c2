// Extensions (tls_extensions.cpp), in the Client and Server Hellos of real captures:
// each against tshark on the same frame; GREASE and unknown types as data; lying
// lengths and trailing bytes inside an extension.
#include <catch2/catch.hpp>

#include "tls_test_support.hpp"
#include "tls_vectors.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

TEST_CASE("Client Hello extensions: SNI, groups, point formats, signature algorithms, versions, key share",
          "[tls][extensions]") {
    TlsHarness h;
    h.handshake(from_hex(kTls13ClientHello), 0);
    // tshark -r captures/tls13-hrr.pcap -Y frame.number==4 -T fields -e ...
    CHECK(values(h.tree, "tls.handshake.extension.type") ==
          std::vector<std::string>{"0", "11", "10", "35", "22", "23", "13", "43", "45", "51"});
    CHECK(values(h.tree, "tls.handshake.extension.len") ==
          std::vector<std::string>{"21", "4", "6", "0", "0", "0", "30", "3", "2", "38"});
    SECTION("server_name") {
        CHECK(value(h.tree, "tls.handshake.extensions_server_name_list_len") == "19");
        CHECK(value(h.tree, "tls.handshake.extensions_server_name_type") == "0");
        CHECK(value(h.tree, "tls.handshake.extensions_server_name_len") == "16");
        CHECK(value(h.tree, "tls.handshake.extensions_server_name") == "www.example.test");
        CHECK(h.facts.sni == "www.example.test");
    }
    SECTION("supported_groups and ec_point_formats") {
        CHECK(value(h.tree, "tls.handshake.extensions_supported_groups_length") == "4");
        CHECK(values(h.tree, "tls.handshake.extensions_supported_group") ==
              std::vector<std::string>{"0x001d", "0x0017"});
        CHECK(lines(h.tree, "tls.handshake.extensions_supported_group") ==
              std::vector<std::string>{"Supported Group: x25519 (0x001d)", "Supported Group: secp256r1 (0x0017)"});
        CHECK(lines(h.tree, "tls.handshake.extensions_supported_groups") ==
              std::vector<std::string>{"Supported Groups (2 groups)"});
        CHECK(value(h.tree, "tls.handshake.extensions_ec_point_formats_length") == "3");
        CHECK(values(h.tree, "tls.handshake.extensions_ec_point_format") == std::vector<std::string>{"0", "1", "2"});
        CHECK(h.facts.client_hello.supported_groups == std::vector<std::uint16_t>{0x1d, 0x17});
        CHECK(h.facts.client_hello.ec_point_formats == std::vector<std::uint8_t>{0, 1, 2});
    }
    SECTION("signature_algorithms") {
        CHECK(value(h.tree, "tls.handshake.sig_hash_alg_len") == "28");
        const auto algs = values(h.tree, "tls.handshake.sig_hash_alg");
        REQUIRE(algs.size() == 14);
        CHECK(algs.front() == "0x0403");
        CHECK(algs.back() == "0x0601");
        CHECK(lines(h.tree, "tls.handshake.sig_hash_alg")[3] == "Signature Algorithm: ed25519 (0x0807)");
        CHECK(h.facts.client_hello.signature_algorithms.size() == 14);
    }
    SECTION("supported_versions, psk_key_exchange_modes, key_share") {
        CHECK(value(h.tree, "tls.handshake.extensions.supported_versions_len") == "2");
        CHECK(lines(h.tree, "tls.handshake.extensions.supported_version") ==
              std::vector<std::string>{"Supported Version: TLS 1.3 (0x0304)"});
        CHECK(h.facts.client_hello.supported_versions == std::vector<std::uint16_t>{0x0304});
        CHECK(value(h.tree, "tls.extension.psk_ke_modes_length") == "1");
        CHECK(value(h.tree, "tls.extension.psk_ke_mode") == "1");
        CHECK(value(h.tree, "tls.handshake.extensions_key_share_client_length") == "36");
        CHECK(value(h.tree, "tls.handshake.extensions_key_share_group") == "29");
        CHECK(value(h.tree, "tls.handshake.extensions_key_share_key_exchange_length") == "32");
        CHECK(value(h.tree, "tls.handshake.extensions_key_share_key_exchange") ==
              "89881cf6bcd922351d4059f08a61320fab9da9abc1336b5c605eb090db792c07");
        CHECK(lines(h.tree, "tls.handshake.extensions_key_share_entry") ==
              std::vector<std::string>{"Key Share Entry: Group: x25519, Key Exchange length: 32"});
    }
    SECTION("empty extensions: session_ticket, encrypt_then_mac, extended_master_secret") {
        CHECK_FALSE(has(h.tree, "tls.handshake.extensions.session_ticket"));
        CHECK_FALSE(h.facts.client_offered_ticket);
        CHECK(anomalies(h.tree).empty());
    }
}

TEST_CASE("The pre_shared_key extension of a resuming Client Hello", "[tls][extensions]") {
    TlsHarness h;
    h.handshake(from_hex(kPskClientHello), 0);
    // tshark -r captures/tls13-psk-resume.pcap -Y frame.number==27 (tshark names the binders
    // length tls.handshake.extensions.psk.binders_len)
    CHECK(values(h.tree, "tls.handshake.extension.type").back() == "41");
    CHECK(values(h.tree, "tls.handshake.extension.len").back() == "267");
    CHECK(value(h.tree, "tls.handshake.extensions.psk.identities.length") == "214");
    CHECK(value(h.tree, "tls.handshake.extensions.psk.identity.identity_length") == "208");
    CHECK(value(h.tree, "tls.handshake.extensions.psk.identity.identity").substr(0, 16) == "07a5e7fd104f4bca");
    CHECK(value(h.tree, "tls.handshake.extensions.psk.identity.obfuscated_ticket_age") == "2978718647");
    CHECK(value(h.tree, "tls.handshake.extensions.psk.binders.length") == "49");
    CHECK(value(h.tree, "tls.handshake.extensions.psk.binders").size() == 2 * 49);
    CHECK(h.facts.client_offered_psk);
    CHECK(anomalies(h.tree).empty());
}

TEST_CASE("A browser's Client Hello: GREASE, ALPN, compress_certificate, ECH, status_request, unknown",
          "[tls][extensions]") {
    TlsHarness h;
    h.handshake(from_hex(kEchClientHello), 0);
    // tshark -r ../shared/captures-real/tls/tls13-ech.pcap -Y frame.number==7 -T fields -e ...
    // (tshark 4.0 has no tls.ech fields: the ECH values are from its extension data,
    // 00 0001 0001 d1 0020 ... 0090 ...)
    CHECK(values(h.tree, "tls.handshake.extension.type") ==
          std::vector<std::string>{"56026", "65281", "16", "13", "51", "45", "17513", "35", "43", "10", "65037",
                                   "23", "5", "18", "11", "0", "27", "39578", "21"});
    CHECK(values(h.tree, "tls.handshake.extension.len") ==
          std::vector<std::string>{"0", "1", "14", "18", "43", "2", "5", "0", "7", "10", "186", "0", "5", "0",
                                   "2", "23", "3", "1", "7"});
    CHECK(anomalies(h.tree).empty());
    SECTION("GREASE everywhere is data, named Reserved (GREASE)") {
        CHECK(values(h.tree, "tls.handshake.ciphersuite").front() == "0x2a2a");
        CHECK(lines(h.tree, "tls.handshake.ciphersuite").front() == "Cipher Suite: Reserved (GREASE) (0x2a2a)");
        CHECK(values(h.tree, "tls.handshake.extensions_supported_group").front() == "0x1a1a");
        CHECK(values(h.tree, "tls.handshake.extensions_key_share_group") == std::vector<std::string>{"6682", "29"});
        CHECK(values(h.tree, "tls.handshake.extensions_key_share_key_exchange_length") ==
              std::vector<std::string>{"1", "32"});
        CHECK(values(h.tree, "tls.handshake.extensions.supported_version") ==
              std::vector<std::string>{"0x8a8a", "0x0304", "0x0303"});
        const auto ext_lines = lines(h.tree, "tls.handshake.extension");
        CHECK(ext_lines.front() == "Extension: Reserved (GREASE) (len=0)");
        CHECK(ext_lines[17] == "Extension: Reserved (GREASE) (len=1)");
        // The GREASE extension with one byte shows it; the empty one has no data node.
        CHECK(values(h.tree, "tls.handshake.extension.data").back() == "00");
        // JA3 leaves GREASE out (tshark's JA3 Fullstring).
        CHECK(value(h.tree, "tls.handshake.ja3_full") ==
              "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
              "65281-16-13-51-45-17513-35-43-10-65037-23-5-18-11-0-27-21,29-23-24,0");
        CHECK(value(h.tree, "tls.handshake.ja3") == "2fcbf8655473005933c5869b2b5d8044");
    }
    SECTION("ALPN, renegotiation_info, status_request, compress_certificate, padding") {
        CHECK(value(h.tree, "tls.handshake.extensions_alpn_len") == "12");
        CHECK(values(h.tree, "tls.handshake.extensions_alpn_str_len") == std::vector<std::string>{"2", "8"});
        CHECK(values(h.tree, "tls.handshake.extensions_alpn_str") == std::vector<std::string>{"h2", "http/1.1"});
        CHECK(h.facts.alpn_offered == std::vector<std::string>{"h2", "http/1.1"});
        CHECK(value(h.tree, "tls.handshake.extensions_reneg_info_len") == "0");
        CHECK_FALSE(has(h.tree, "tls.handshake.extensions_reneg_info"));
        CHECK(value(h.tree, "tls.handshake.extensions_status_request_type") == "1");
        CHECK(value(h.tree, "tls.handshake.extensions_status_request_responder_ids_len") == "0");
        CHECK(value(h.tree, "tls.handshake.extensions_status_request_exts_len") == "0");
        CHECK(value(h.tree, "tls.compress_certificate.algorithms_length") == "2");
        CHECK(values(h.tree, "tls.compress_certificate.algorithm") == std::vector<std::string>{"2"});
        CHECK(lines(h.tree, "tls.compress_certificate.algorithm") == std::vector<std::string>{"Algorithm: brotli (2)"});
        CHECK(value(h.tree, "tls.handshake.extensions_padding_data") == "00000000000000");
        CHECK(value(h.tree, "tls.handshake.extensions_server_name") == "cloudflare-ech.com");
    }
    SECTION("encrypted_client_hello (outer)") {
        CHECK(value(h.tree, "tls.ech.client_hello_type") == "0");
        CHECK(value(h.tree, "tls.ech.cipher_suite.kdf_id") == "0x0001");
        CHECK(value(h.tree, "tls.ech.cipher_suite.aead_id") == "0x0001");
        CHECK(value(h.tree, "tls.ech.config_id") == "209");
        CHECK(value(h.tree, "tls.ech.enc_length") == "32");
        CHECK(value(h.tree, "tls.ech.enc").substr(0, 8) == "cce5c832");
        CHECK(value(h.tree, "tls.ech.payload_length") == "144");
        CHECK(value(h.tree, "tls.ech.payload").size() == 2 * 144);
    }
    SECTION("application_settings (17513) is shown as data") {
        CHECK(values(h.tree, "tls.handshake.extension.data")[0] == "0003026832");
    }
}

TEST_CASE("Unknown extension types and GREASE are data, not errors, in any message", "[tls][extensions]") {
    // The Encrypted Extensions of captures/tls13-gnutls.pcap frame 9 with its record_size_limit
    // followed by an unassigned type (0xfe99, 2 bytes) and a GREASE one (0x3a3a, empty).
    auto m = from_hex("08000012" "0010" "001c00024001" "fe990002abcd" "3a3a0000");
    TlsHarness h;
    h.facts.negotiated_version = 0x0304;
    h.handshake(m, 1);
    CHECK(anomalies(h.tree).empty());
    CHECK(values(h.tree, "tls.handshake.extension.type") == std::vector<std::string>{"28", "65177", "14906"});
    CHECK(values(h.tree, "tls.handshake.extension.data") == std::vector<std::string>{"abcd"});
    CHECK(lines(h.tree, "tls.handshake.extension") ==
          std::vector<std::string>{"Extension: record_size_limit (len=2)", "Extension: Unknown type 65177 (len=2)",
                                   "Extension: Reserved (GREASE) (len=0)"});
    CHECK(value(h.tree, "tls.record_size_limit") == "16385");
}

TEST_CASE("Lying lengths inside extensions are Malformed, and the next extension is still read",
          "[tls][extensions]") {
    const auto hello = from_hex(kTls13ClientHello);
    SECTION("a server name list longer than its extension") {
        auto m = hello;
        put_u16(m, find_bytes(m, "00000015" "0013") + 4, 0x0014);
        TlsHarness h;
        h.handshake(m, 0);
        // The list is not read, so its bytes are left over in the extension as well.
        CHECK(anomalies(h.tree) ==
              std::vector<std::string>{"[Malformed: server name list (runs past the end of its data)]",
                                       "[Malformed: 19 trailing bytes in the server_name extension]"});
        CHECK(value(h.tree, "tls.handshake.extensions_supported_group") == "0x001d");  // the next extension
    }
    SECTION("a supported groups list of odd length") {
        auto m = hello;
        // supported_groups: ext length 6 -> 5, list length 4 -> 3, drop the last byte,
        // and shrink the extensions block and handshake length by one.
        const std::size_t at = find_bytes(m, "000a00060004001d0017");
        put_u16(m, at + 2, 5);
        put_u16(m, at + 4, 3);
        m.erase(m.begin() + static_cast<long>(at + 9));
        put_u16(m, find_bytes(m, "0090" "0000"), 0x008f);
        fix_handshake_length(m);
        TlsHarness h;
        h.handshake(m, 0);
        const auto a = anomalies(h.tree);
        REQUIRE_FALSE(a.empty());
        CHECK(a[0] == "[Malformed: groups list of odd length]");
        CHECK(values(h.tree, "tls.handshake.extensions_supported_group") == std::vector<std::string>{"0x001d"});
        CHECK(value(h.tree, "tls.handshake.extensions.supported_version") == "0x0304");
    }
    SECTION("a key share longer than the client shares") {
        auto m = hello;
        put_u16(m, find_bytes(m, "001d0020") + 2, 0x0021);
        TlsHarness h;
        h.handshake(m, 0);
        CHECK(only_anomaly(h.tree).rfind("[Malformed: key exchange", 0) == 0);
        CHECK(value(h.tree, "tls.handshake.extensions_key_share_group") == "29");
    }
    SECTION("an extension length beyond the extensions block") {
        auto m = hello;
        put_u16(m, find_bytes(m, "0033" "0026") + 2, 0x0027);
        TlsHarness h;
        h.handshake(m, 0);
        CHECK(only_anomaly(h.tree).rfind("[Malformed: extension key_share", 0) == 0);
        CHECK(values(h.tree, "tls.handshake.extension.type").back() == "51");
    }
}

TEST_CASE("Bytes left inside an extension are Malformed trailing bytes", "[tls][extensions]") {
    // The Server Hello of captures/tls13-hrr.pcap frame 9 with its supported_versions
    // extension one byte longer (03 04 ee), the block and message lengths grown to match.
    auto m = from_hex(kTls13ServerHello);
    const std::size_t at = find_bytes(m, "002b00020304");
    put_u16(m, at + 2, 3);
    m.insert(m.begin() + static_cast<long>(at + 6), 0xee);
    const std::size_t block = 4 + 2 + 32 + 1 + 32 + 2 + 1;
    put_u16(m, block, static_cast<std::uint16_t>(m.size() - block - 2));
    fix_handshake_length(m);
    TlsHarness h;
    h.handshake(m, 1);
    CHECK(anomalies(h.tree) ==
          std::vector<std::string>{"[Malformed: 1 trailing bytes in the supported_versions extension]"});
    CHECK(value(h.tree, "tls.handshake.extensions.supported_version") == "0x0304");
    CHECK(value(h.tree, "tls.handshake.extensions_key_share_group") == "23");  // the extension after it
    CHECK(h.facts.negotiated_version == std::uint16_t{0x0304});
}

TEST_CASE("Every cut of a browser's Client Hello gives an anomaly, never a crash", "[tls][extensions]") {
    // Silent cuts (see every_prefix_anomalies): the padding's data, the last extension; the
    // secp256r1 key exchange, last in the second Client Hello of captures/tls13-hrr.pcap.
    CHECK(every_prefix_anomalies(from_hex(kEchClientHello), 0) == "505-511");
    CHECK(every_prefix_anomalies(from_hex(kSecondClientHello), 0) == "197-261");
}
