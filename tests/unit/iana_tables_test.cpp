#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/iana_tables.hpp"

using namespace tlsdissect;

// The expected names below are taken from the registries' defining documents, not from
// the generated tables: a wrong column, a lost row or a mangled name shows up here.

TEST_CASE("TLS names match the IANA registries", "[iana]") {
    // RFC 5289 section 3.2 and RFC 8446 appendix B.4.
    CHECK(name_of(kTlsCipherSuites, 0xc02f) == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    CHECK(name_of(kTlsCipherSuites, 0x1301) == "TLS_AES_128_GCM_SHA256");
    CHECK(name_of(kTlsCipherSuites, 0x00ff) == "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");  // RFC 5746
    // RFC 6066 section 1.1, RFC 7301 section 6, RFC 8446 section 4.2, RFC 5746 section 3.2.
    CHECK(name_of(kTlsExtensionTypes, 0) == "server_name");
    CHECK(name_of(kTlsExtensionTypes, 16) == "application_layer_protocol_negotiation");
    CHECK(name_of(kTlsExtensionTypes, 43) == "supported_versions");
    CHECK(name_of(kTlsExtensionTypes, 51) == "key_share");
    CHECK(name_of(kTlsExtensionTypes, 65281) == "renegotiation_info");
    // "supported_groups (renamed from "elliptic_curves")": the rename note is dropped.
    CHECK(name_of(kTlsExtensionTypes, 10) == "supported_groups");
    // RFC 8446 section 4.2.7 (NamedGroup) and section 4.2.3 (SignatureScheme).
    CHECK(name_of(kTlsSupportedGroups, 29) == "x25519");
    CHECK(name_of(kTlsSupportedGroups, 23) == "secp256r1");
    CHECK(name_of(kTlsSignatureSchemes, 0x0804) == "rsa_pss_rsae_sha256");
    CHECK(name_of(kTlsSignatureSchemes, 0x0403) == "ecdsa_secp256r1_sha256");
    // RFC 8446 section 6 (AlertDescription), section 4 (HandshakeType), section 5.1
    // (ContentType), section 4.2.9 (PskKeyExchangeMode).
    CHECK(name_of(kTlsAlertDescriptions, 40) == "handshake_failure");
    CHECK(name_of(kTlsHandshakeTypes, 4) == "new_session_ticket");
    CHECK(name_of(kTlsContentTypes, 22) == "handshake");
    CHECK(name_of(kTlsPskKeyExchangeModes, 1) == "psk_dhe_ke");
    // RFC 8422 section 5.1.2, RFC 5246 section 7.4.1.4.1 and 7.4.4, RFC 6066 section 8,
    // RFC 3749 section 2.
    CHECK(name_of(kTlsEcPointFormats, 0) == "uncompressed");
    CHECK(name_of(kTlsHashAlgorithms, 4) == "sha256");
    CHECK(name_of(kTlsSignatureAlgorithms, 3) == "ecdsa");
    CHECK(name_of(kTlsClientCertificateTypes, 1) == "rsa_sign");
    CHECK(name_of(kTlsCertificateStatusTypes, 1) == "ocsp");
    CHECK(name_of(kTlsCompressionMethods, 1) == "DEFLATE");
}

TEST_CASE("Unassigned, reserved and GREASE values have no name", "[iana]") {
    CHECK(name_of(kTlsCipherSuites, 0x0a0a).empty());      // GREASE, RFC 8701
    CHECK(name_of(kTlsExtensionTypes, 0x0a0a).empty());
    CHECK(name_of(kTlsExtensionTypes, 40).empty());        // "Reserved"
    CHECK(name_of(kTlsSignatureSchemes, 0x0202).empty());  // reserved for backward compatibility
    CHECK(name_of(kTlsContentTypes, 0).empty());           // in the range 0-19
    CHECK(name_of(kDnsTypes, 0).empty());
    CHECK(name_of(kDnsTypes, 65535).empty());
}

TEST_CASE("ALPN protocol IDs are the strings a ClientHello carries", "[iana]") {
    // RFC 7301, RFC 9113, RFC 9114, RFC 8737.
    for (std::string_view id : {"http/1.1", "h2", "h3", "acme-tls/1"})
        CHECK(std::find(std::begin(kTlsAlpnProtocols), std::end(kTlsAlpnProtocols), id) !=
              std::end(kTlsAlpnProtocols));
    CHECK(std::is_sorted(std::begin(kTlsAlpnProtocols), std::end(kTlsAlpnProtocols)));
    CHECK(std::adjacent_find(std::begin(kTlsAlpnProtocols), std::end(kTlsAlpnProtocols)) ==
          std::end(kTlsAlpnProtocols));
}

TEST_CASE("DNS names match the IANA registries", "[iana]") {
    // RFC 1035 section 3.2.2, RFC 3596, RFC 6891 section 6.1.1, RFC 9460.
    CHECK(name_of(kDnsTypes, 1) == "A");
    CHECK(name_of(kDnsTypes, 5) == "CNAME");
    CHECK(name_of(kDnsTypes, 28) == "AAAA");
    CHECK(name_of(kDnsTypes, 41) == "OPT");
    CHECK(name_of(kDnsTypes, 65) == "HTTPS");
    // RFC 1035 section 3.2.4; RFC 6895 section 2.3 (RCODE 3 is NXDomain; 16 is BADVERS,
    // the first of its two rows).
    CHECK(name_of(kDnsClasses, 1) == "IN");
    CHECK(name_of(kDnsRcodes, 3) == "NXDomain");
    CHECK(name_of(kDnsRcodes, 16) == "BADVERS");
    CHECK(name_of(kDnsOpcodes, 4) == "Notify");  // RFC 1996
    // RFC 7871 section 8 registers option 8 as "edns-client-subnet".
    CHECK(name_of(kDnsEdnsOptions, 8) == "edns-client-subnet");
    CHECK(name_of(kDnsEdnsOptions, 10) == "COOKIE");  // RFC 7873
    CHECK(name_of(kDnsSvcParamKeys, 1) == "alpn");     // RFC 9460 section 14.3.2
    CHECK(name_of(kDnsSecAlgorithms, 13) == "ECDSAP256SHA256");  // RFC 6605
    CHECK(name_of(kDnsDsDigestTypes, 2) == "SHA-256");           // RFC 4509
}

TEST_CASE("Every IANA table is sorted by value, without duplicates or empty names", "[iana]") {
    const std::pair<std::string_view, std::span<const ValueName>> tables[] = {
        {"kTlsCipherSuites", kTlsCipherSuites},
        {"kTlsContentTypes", kTlsContentTypes},
        {"kTlsAlertDescriptions", kTlsAlertDescriptions},
        {"kTlsHandshakeTypes", kTlsHandshakeTypes},
        {"kTlsSupportedGroups", kTlsSupportedGroups},
        {"kTlsEcPointFormats", kTlsEcPointFormats},
        {"kTlsSignatureSchemes", kTlsSignatureSchemes},
        {"kTlsExtensionTypes", kTlsExtensionTypes},
        {"kTlsPskKeyExchangeModes", kTlsPskKeyExchangeModes},
        {"kTlsCertificateStatusTypes", kTlsCertificateStatusTypes},
        {"kTlsCompressionMethods", kTlsCompressionMethods},
        {"kTlsHashAlgorithms", kTlsHashAlgorithms},
        {"kTlsSignatureAlgorithms", kTlsSignatureAlgorithms},
        {"kTlsClientCertificateTypes", kTlsClientCertificateTypes},
        {"kDnsTypes", kDnsTypes},
        {"kDnsClasses", kDnsClasses},
        {"kDnsOpcodes", kDnsOpcodes},
        {"kDnsRcodes", kDnsRcodes},
        {"kDnsEdnsOptions", kDnsEdnsOptions},
        {"kDnsSvcParamKeys", kDnsSvcParamKeys},
        {"kDnsSecAlgorithms", kDnsSecAlgorithms},
        {"kDnsDsDigestTypes", kDnsDsDigestTypes},
    };
    for (const auto& [label, table] : tables) {
        INFO(std::string(label));
        CHECK_FALSE(table.empty());
        CHECK(std::adjacent_find(table.begin(), table.end(), [](const ValueName& a, const ValueName& b) {
                  return a.value >= b.value;
              }) == table.end());
        CHECK(std::none_of(table.begin(), table.end(), [](const ValueName& e) { return e.name.empty(); }));
    }
}
