// X.509 certificate dissector: summary values from OpenSSL, tree fields with Wireshark's
// names and byte offsets, and hostile DER (every truncation, lying lengths, nesting bombs).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "tls/der.hpp"
#include "tls/x509.hpp"
#include "tls/x509_walk.hpp"
#include "core/subtree_cache.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

// The certificates made by tests/unit/data/make-x509-certs.sh.
std::vector<std::uint8_t> load(const std::string& name) {
    std::ifstream in(std::string(TLSDISSECT_SOURCE_DIR) + "/tests/unit/data/" + name, std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const char* const kAllCertificates[] = {"x509-root-ca.der",   "x509-intermediate-ca.der", "x509-leaf-rsa.der",
                                        "x509-ec-p256.der",   "x509-ed25519.der",         "x509-generalized-time.der",
                                        "x509-rare-extensions.der"};

struct Dissected {
    Tree tree;
    CertificateSummary summary;
};

// Dissects `der` as if it sat at `base` in a frame; `reported` > der.size() says the
// capture was cut after der.size() bytes.
Dissected dissect(const std::vector<std::uint8_t>& der, std::size_t base = 0, std::size_t reported = 0) {
    Dissected d;
    d.tree.frame_bytes = Bytes(der);
    ByteReader r(Bytes(der), reported ? reported : der.size(), base);
    d.summary = dissect_x509_certificate(r, d.tree.root());
    return d;
}

// The tree as indented display lines, for failure messages and the [.x509-dump] case.
void render(const Tree& t, std::int32_t id, int depth, std::string& out) {
    for (std::int32_t c = t.node(id).first_child; c != kNoNode; c = t.node(c).next_sibling) {
        out += std::string(static_cast<std::size_t>(depth) * 4, ' ') + display_line(t.node(c)) + "\n";
        render(t, c, depth + 1, out);
    }
}
std::string render(const Tree& t) {
    std::string out;
    render(t, 0, 0, out);
    return out;
}

const Node* first(const Tree& t, std::string_view field) {
    for (std::size_t i = 1; i < t.size(); ++i) {
        const Node& n = t.node(static_cast<std::int32_t>(i));
        if (n.def && n.def->filter == field) return &n;
    }
    return nullptr;
}

std::vector<std::string> lines(const Tree& t, std::string_view field) {
    std::vector<std::string> out;
    for (std::size_t i = 1; i < t.size(); ++i) {
        const Node& n = t.node(static_cast<std::int32_t>(i));
        if (n.def && n.def->filter == field) out.push_back(display_line(n));
    }
    return out;
}

// DER header for a constructed SEQUENCE of `length` content bytes.
std::vector<std::uint8_t> sequence_header(std::size_t length) {
    std::vector<std::uint8_t> h{0x30};
    if (length < 0x80) {
        h.push_back(static_cast<std::uint8_t>(length));
    } else if (length <= 0xffff) {
        h.insert(h.end(), {0x82, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
    } else {
        h.insert(h.end(), {0x83, static_cast<std::uint8_t>(length >> 16), static_cast<std::uint8_t>(length >> 8),
                           static_cast<std::uint8_t>(length)});
    }
    return h;
}

}  // namespace

TEST_CASE("Dump the trees of the test certificates", "[.x509-dump]") {
    for (const char* name : kAllCertificates) {
        auto d = dissect(load(name));
        std::printf("==== %s: %s\n%s", name, certificate_one_line(d.summary).c_str(), render(d.tree).c_str());
    }
}

// Expected values are copied from
//   openssl x509 -inform DER -in tests/unit/data/FILE -noout -text -fingerprint -sha256 -serial -subject -issuer -nameopt RFC2253
// (OpenSSL 3.0), with -fingerprint -sha1 for the SHA-1 values; hex lowercased and without
// colons, dates as ISO 8601, IPv6 addresses in RFC 5952 form.

TEST_CASE("RSA leaf: the summary is what openssl x509 prints", "[x509]") {
    auto d = dissect(load("x509-leaf-rsa.der"));
    const CertificateSummary& s = d.summary;
    INFO(render(d.tree));
    CHECK(anomalies(d.tree).empty());
    REQUIRE(s.parsed);
    CHECK(s.version == 3);
    CHECK(s.subject == "CN=www.example.test,OU=M\\C3\\BCller Web,O=Example\\, Inc.,L=K\\C3\\B6ln,C=DE");
    CHECK(s.issuer == "CN=Intermediate CA,O=tlsdissect Test,C=NL");
    CHECK(s.subject_cn == "www.example.test");
    CHECK(s.issuer_cn == "Intermediate CA");
    CHECK(s.serial_hex == "1002");
    CHECK(s.not_before == "2025-01-01T00:00:00Z");  // Not Before: Jan  1 00:00:00 2025 GMT
    CHECK(s.not_after == "2027-01-01T00:00:00Z");   // Not After : Jan  1 00:00:00 2027 GMT
    CHECK(s.not_before_epoch == 1735689600);
    CHECK(s.not_after_epoch == 1798761600);
    CHECK(s.signature_algorithm == "sha256WithRSAEncryption");
    CHECK(s.public_key_algorithm == "RSA");  // Public Key Algorithm: rsaEncryption
    CHECK(s.public_key_bits == 2048);
    CHECK(s.curve.empty());
    // DNS:www.example.test, DNS:example.test, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:10,
    // email:admin@example.test, URI:https://www.example.test/ (only DNS names and IPs kept)
    CHECK(s.san == std::vector<std::string>{"www.example.test", "example.test", "192.0.2.10", "2001:db8::10"});
    CHECK(s.policies == std::vector<std::string>{"2.23.140.1.2.1", "1.3.6.1.4.1.55555.1.2"});
    CHECK_FALSE(s.is_ca);  // CA:FALSE
    CHECK(s.path_len == -1);
    CHECK(s.sha256_hex == "f335148f83b56942ef200307b28c5094303e1902f57b42a160a6996285004fd1");
    CHECK(s.sha1_hex == "d0bb06aabe5335c080aac016fe7977266ffb8e69");
    CHECK(s.subject_display ==
          "id-at-commonName=www.example.test,id-at-organizationalUnitName=M\xc3\xbcller Web,"
          "id-at-organizationName=Example, Inc.,id-at-localityName=K\xc3\xb6ln,id-at-countryName=DE");
    CHECK(certificate_one_line(s) == "CN=www.example.test \xe2\x86\x90 CN=Intermediate CA, valid until 2027-01-01");
}

TEST_CASE("RSA leaf: tree fields carry Wireshark's names, labels and byte offsets", "[x509]") {
    const auto der = load("x509-leaf-rsa.der");
    constexpr std::size_t kBase = 1000;  // where the certificate sits in its data source
    auto d = dissect(der, kBase);
    const Tree& t = d.tree;
    INFO(render(t));
    CHECK(anomalies(t).empty());

    CHECK(value(t, "x509af.version") == "2");
    CHECK(lines(t, "x509af.version") == std::vector<std::string>{"version: v3 (2)"});
    CHECK(value(t, "x509af.serialNumber") == "1002");
    CHECK(lines(t, "x509af.serialNumber") == std::vector<std::string>{"serialNumber: 0x1002"});
    CHECK(lines(t, "x509af.signature_element") == std::vector<std::string>{"signature (sha256WithRSAEncryption)"});
    CHECK(values(t, "x509af.algorithm.id") ==
          std::vector<std::string>{"1.2.840.113549.1.1.11", "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.11"});
    CHECK(lines(t, "x509af.algorithm.id")[0] == "Algorithm Id: 1.2.840.113549.1.1.11 (sha256WithRSAEncryption)");
    CHECK(lines(t, "x509af.issuer") == std::vector<std::string>{"issuer: rdnSequence (0)"});
    CHECK(lines(t, "x509if.rdnSequence") ==
          std::vector<std::string>{"rdnSequence: 3 items (id-at-commonName=Intermediate CA,"
                                   "id-at-organizationName=tlsdissect Test,id-at-countryName=NL)"});
    CHECK(value(t, "x509af.rdnSequence") == "5");
    CHECK(values(t, "x509sat.CountryName") == std::vector<std::string>{"NL", "DE"});
    CHECK(values(t, "x509sat.uTF8String") ==
          std::vector<std::string>{"tlsdissect Test", "Intermediate CA", "K\xc3\xb6ln", "Example, Inc.",
                                   "M\xc3\xbcller Web", "www.example.test"});
    CHECK(lines(t, "x509if.oid")[0] == "Object Id: 2.5.4.6 (id-at-countryName)");
    CHECK(lines(t, "x509sat.DirectoryString")[0] == "DirectoryString: uTF8String (4)");
    CHECK(lines(t, "x509if.RelativeDistinguishedName_item_element")[0] ==
          "RelativeDistinguishedName item (id-at-countryName=NL)");
    CHECK(lines(t, "x509af.notBefore") == std::vector<std::string>{"notBefore: utcTime (0)"});
    CHECK(lines(t, "x509af.utcTime") ==
          std::vector<std::string>{"utcTime: 2025-01-01 00:00:00 (UTC)", "utcTime: 2027-01-01 00:00:00 (UTC)"});
    CHECK(value(t, "pkcs1.publicExponent") == "65537");  // Exponent: 65537 (0x10001)
    CHECK(value(t, "pkcs1.modulus").size() == 2 * 257);  // 2048 bits and a leading 00
    CHECK(value(t, "pkcs1.modulus").starts_with("00"));
    CHECK(lines(t, "x509af.extensions") == std::vector<std::string>{"extensions: 10 items"});
    CHECK(values(t, "x509af.extension.id") ==
          std::vector<std::string>{"2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.14", "2.5.29.35", "2.5.29.17",
                                   "2.5.29.32", "1.3.6.1.5.5.7.1.1", "2.5.29.31", "1.3.6.1.4.1.11129.2.4.2"});
    CHECK(lines(t, "x509af.Extension_element")[5] == "Extension (id-ce-subjectAltName)");
    CHECK(lines(t, "x509af.critical") == std::vector<std::string>{"critical: True", "critical: True"});
    CHECK_FALSE(has(t, "x509ce.cA"));  // CA:FALSE is the DEFAULT, so not encoded
    CHECK(lines(t, "x509ce.GeneralNames") == std::vector<std::string>{"GeneralNames: 6 items"});
    CHECK(lines(t, "x509ce.GeneralName")[0] == "GeneralName: dNSName (2)");
    CHECK(lines(t, "x509ce.dNSName") ==
          std::vector<std::string>{"dNSName: www.example.test", "dNSName: example.test"});
    CHECK(value(t, "x509ce.IPAddress.ipv4") == "192.0.2.10");
    CHECK(value(t, "x509ce.IPAddress.ipv6") == "2001:db8::10");
    CHECK(value(t, "x509ce.rfc822Name") == "admin@example.test");
    CHECK(values(t, "x509ce.uniformResourceIdentifier") ==
          std::vector<std::string>{"https://www.example.test/", "http://ocsp.example.test",
                                   "http://ca.example.test/intermediate.der", "http://crl.example.test/intermediate.crl"});
    // Key Usage: Digital Signature, Key Encipherment
    CHECK(value(t, "x509ce.KeyUsage") == "a0");
    CHECK(lines(t, "x509ce.KeyUsage.digitalSignature") ==
          std::vector<std::string>{"1... .... = digitalSignature: True"});
    CHECK(value(t, "x509ce.KeyUsage.keyEncipherment") == "1");
    CHECK(value(t, "x509ce.KeyUsage.keyCertSign") == "0");
    CHECK(lines(t, "x509ce.KeyUsage.decipherOnly") == std::vector<std::string>{"0... .... = decipherOnly: False"});
    // Extended Key Usage: TLS Web Server Authentication, TLS Web Client Authentication
    CHECK(lines(t, "x509ce.KeyPurposeId") ==
          std::vector<std::string>{"KeyPurposeId: 1.3.6.1.5.5.7.3.1 (id-kp-serverAuth)",
                                   "KeyPurposeId: 1.3.6.1.5.5.7.3.2 (id-kp-clientAuth)"});
    CHECK(values(t, "x509ce.policyIdentifier") == std::vector<std::string>{"2.23.140.1.2.1", "1.3.6.1.4.1.55555.1.2"});
    CHECK(lines(t, "x509ce.id") == std::vector<std::string>{"Id: 1.3.6.1.5.5.7.2.1 (id-qt-cps)"});
    CHECK(value(t, "pkix1explicit.DirectoryString") == "https://www.example.test/cps");
    CHECK(lines(t, "pkix1implicit.accessMethod") ==
          std::vector<std::string>{"accessMethod: 1.3.6.1.5.5.7.48.1 (id-ad-ocsp)",
                                   "accessMethod: 1.3.6.1.5.5.7.48.2 (id-ad-caIssuers)"});
    CHECK(lines(t, "pkix1implicit.accessLocation")[0] == "accessLocation: uniformResourceIdentifier (6)");
    CHECK(lines(t, "x509ce.distributionPoint") == std::vector<std::string>{"distributionPoint: fullName (0)"});
    CHECK(value(t, "x509ce.SubjectKeyIdentifier").size() == 40);
    CHECK(value(t, "x509ce.keyIdentifier") == "3792458827bbe012ca2de65bbdf6b6f4fbed7f13");  // the intermediate's SKI
    CHECK(lines(t, "tls.sct.scts_length") == std::vector<std::string>{"Serialized SCT List Length: 114 (2 SCTs)"});
    CHECK(values(t, "tls.sct.sct_length") == std::vector<std::string>{"55", "55"});
    CHECK(lines(t, "x509af.algorithmIdentifier_element") ==
          std::vector<std::string>{"algorithmIdentifier (sha256WithRSAEncryption)"});
    CHECK(value(t, "x509af.encrypted").size() == 2 * 256);
    CHECK(value(t, "x509af.fingerprint_sha256") == d.summary.sha256_hex);
    CHECK(value(t, "x509af.fingerprint_sha1") == d.summary.sha1_hex);
    REQUIRE(first(t, "x509af.fingerprint_sha256"));
    CHECK(first(t, "x509af.fingerprint_sha256")->generated);

    // Offsets are absolute: each node's bytes are exactly the element it shows.
    auto bytes_of = [&](std::string_view field) {
        const Node* n = first(t, field);
        REQUIRE(n);
        REQUIRE(n->offset >= kBase);
        REQUIRE(n->offset - kBase + n->length <= der.size());
        return hex_string(Bytes(der).subspan(n->offset - kBase, n->length));
    };
    CHECK(bytes_of("x509af.serialNumber") == "02021002");
    CHECK(bytes_of("x509af.version") == "a003020102");
    CHECK(bytes_of("x509ce.dNSName") == "8210" + hex_string(Bytes(reinterpret_cast<const std::uint8_t*>("www.example.test"), 16)));
    CHECK(bytes_of("x509ce.IPAddress.ipv4") == "8704c000020a");
    CHECK(bytes_of("x509af.extension.id") == "0603551d13");
    CHECK(bytes_of("x509ce.KeyUsage") == "a0");
    CHECK(bytes_of("pkcs1.publicExponent") == "0203010001");
    CHECK(bytes_of("tls.sct.scts_length") == "0072");
    const Node* cert_top = first(t, "x509af.signedCertificate_element");
    REQUIRE(cert_top);
    CHECK(cert_top->offset == kBase + 4);  // after the Certificate SEQUENCE header 30 82 05 94
    CHECK(bytes_of("x509af.encrypted").size() == 2 * 256);
}

TEST_CASE("EC P-256, Ed25519 and the CA certificates", "[x509]") {
    SECTION("EC P-256, self-signed") {
        auto d = dissect(load("x509-ec-p256.der"));
        INFO(render(d.tree));
        CHECK(anomalies(d.tree).empty());
        const auto& s = d.summary;
        CHECK(s.subject == "CN=ec.example.test");
        CHECK(s.issuer == "CN=ec.example.test");
        CHECK(s.serial_hex == "1003");
        CHECK(s.not_before == "2025-06-01T00:00:00Z");
        CHECK(s.not_after == "2026-06-01T00:00:00Z");
        CHECK(s.not_before_epoch == 1748736000);
        CHECK(s.not_after_epoch == 1780272000);
        CHECK(s.signature_algorithm == "ecdsa-with-SHA256");
        CHECK(s.public_key_algorithm == "EC");  // id-ecPublicKey, Public-Key: (256 bit)
        CHECK(s.public_key_bits == 256);
        CHECK(s.curve == "prime256v1");  // ASN1 OID: prime256v1
        CHECK(s.san == std::vector<std::string>{"ec.example.test"});
        CHECK(s.policies.empty());
        CHECK(s.sha256_hex == "6b2e81fc31324da8b3d40312207f7d8ea4ab7e25545dca7c4154c08483281b0d");
        CHECK(s.sha1_hex == "6b298745bd56c934d44f0569b6bd7ef371d82229");
        CHECK(certificate_one_line(s) == "CN=ec.example.test (self-signed), valid until 2026-06-01");
        const Tree& t = d.tree;
        CHECK(lines(t, "x509af.algorithm_element") == std::vector<std::string>{"algorithm (id-ecPublicKey)"});
        CHECK(lines(t, "pkcs1.ECParameters") == std::vector<std::string>{"ECParameters: namedCurve (1)"});
        CHECK(lines(t, "pkcs1.namedCurve") ==
              std::vector<std::string>{"namedCurve: 1.2.840.10045.3.1.7 (prime256v1)"});
        CHECK(value(t, "x509af.subjectPublicKey").size() == 2 * 65);
        CHECK(value(t, "x509af.subjectPublicKey").starts_with("04"));
        CHECK(lines(t, "x509af.subjectPublicKey")[0].ends_with("(EC point, uncompressed, 65 bytes)"));
        CHECK(values(t, "ber.bitstring.padding") == std::vector<std::string>{"0", "0"});
        CHECK_FALSE(has(t, "pkcs1.modulus"));
    }
    SECTION("Ed25519, self-signed") {
        auto d = dissect(load("x509-ed25519.der"));
        INFO(render(d.tree));
        CHECK(anomalies(d.tree).empty());
        const auto& s = d.summary;
        CHECK(s.subject == "CN=ed25519.example.test,O=tlsdissect Test");
        CHECK(s.serial_hex == "1004");
        CHECK(s.not_before == "2025-03-01T12:00:00Z");
        CHECK(s.not_after == "2028-03-01T12:00:00Z");
        CHECK(s.not_after_epoch == 1835524800);
        CHECK(s.signature_algorithm == "ED25519");  // Signature Algorithm: ED25519
        CHECK(s.public_key_algorithm == "Ed25519");
        CHECK(s.public_key_bits == 256);  // EVP_PKEY_get_bits; openssl x509 -text shows no size
        CHECK(s.curve.empty());
        CHECK(s.san == std::vector<std::string>{"ed25519.example.test"});
        CHECK(s.sha256_hex == "0991f20e3b57e90d359d35bb8b9eb05737611a1c371c757fab84b60d2f1073b4");
        CHECK(s.sha1_hex == "99d064b66746b2ba062bd3a7474780b9d6c1ec8c");
        CHECK(values(d.tree, "x509af.algorithm.id") ==
              std::vector<std::string>{"1.3.101.112", "1.3.101.112", "1.3.101.112"});
        CHECK(value(d.tree, "x509af.subjectPublicKey").size() == 2 * 32);
        CHECK(value(d.tree, "x509af.encrypted").size() == 2 * 64);
    }
    SECTION("Intermediate CA, signed by the root") {
        auto d = dissect(load("x509-intermediate-ca.der"));
        CHECK(anomalies(d.tree).empty());
        const auto& s = d.summary;
        CHECK(s.subject == "CN=Intermediate CA,O=tlsdissect Test,C=NL");
        CHECK(s.issuer == "CN=tlsdissect Test Root CA,O=tlsdissect Test,C=NL");
        CHECK(s.serial_hex == "1001");
        CHECK(s.not_after == "2030-01-01T00:00:00Z");
        CHECK(s.signature_algorithm == "ecdsa-with-SHA384");
        CHECK(s.public_key_algorithm == "RSA");
        CHECK(s.is_ca);         // CA:TRUE, pathlen:0
        CHECK(s.path_len == 0);
        CHECK(s.san.empty());
        CHECK(s.sha256_hex == "bd8b54ebaf24e8e0d4293f598673f23073f7d405205e700dac6b76f7767e4326");
        CHECK(value(d.tree, "x509ce.cA") == "1");
        CHECK(lines(d.tree, "x509ce.pathLenConstraint") == std::vector<std::string>{"pathLenConstraint: 0"});
        CHECK(value(d.tree, "x509ce.KeyUsage") == "86");  // Digital Signature, Certificate Sign, CRL Sign
        CHECK(certificate_one_line(s) ==
              "CN=Intermediate CA \xe2\x86\x90 CN=tlsdissect Test Root CA, valid until 2030-01-01");
    }
    SECTION("Root CA, EC P-384") {
        auto d = dissect(load("x509-root-ca.der"));
        CHECK(anomalies(d.tree).empty());
        const auto& s = d.summary;
        CHECK(s.serial_hex == "1000");
        CHECK(s.public_key_algorithm == "EC");
        CHECK(s.public_key_bits == 384);
        CHECK(s.curve == "secp384r1");
        CHECK(s.is_ca);  // CA:TRUE
        CHECK(s.path_len == -1);
        CHECK(s.sha256_hex == "6653cdf6601f2ad20f36e9a3e2349efc9642b1736b1f53fc8bb13f75345e300e");
        CHECK(s.sha1_hex == "c0dc2989954f749714e61b7bfa5f61c89b7ee59f");
        CHECK(value(d.tree, "pkcs1.namedCurve") == "1.3.132.0.34");
        CHECK(certificate_one_line(s) == "CN=tlsdissect Test Root CA (self-signed), valid until 2035-01-01");
    }
}

TEST_CASE("notAfter in 2051 is a GeneralizedTime", "[x509]") {
    auto d = dissect(load("x509-generalized-time.der"));
    INFO(render(d.tree));
    CHECK(anomalies(d.tree).empty());
    const auto& s = d.summary;
    CHECK(s.serial_hex == "1005");
    CHECK(s.subject == "CN=future.example.test");
    CHECK(s.not_before == "2025-01-01T00:00:00Z");  // Not Before: Jan  1 00:00:00 2025 GMT
    CHECK(s.not_after == "2051-06-30T23:59:59Z");   // Not After : Jun 30 23:59:59 2051 GMT
    CHECK(s.not_after_epoch == 2571782399);
    CHECK(s.sha256_hex == "faf998a67775fa2f76eecd6923342ec9aa9daa99db1e7796f4602ccffffe5fa9");
    CHECK(lines(d.tree, "x509af.notBefore") == std::vector<std::string>{"notBefore: utcTime (0)"});
    CHECK(lines(d.tree, "x509af.notAfter") == std::vector<std::string>{"notAfter: generalizedTime (1)"});
    CHECK(lines(d.tree, "x509af.generalizedTime") ==
          std::vector<std::string>{"generalizedTime: Jun 30, 2051 23:59:59.000000000 UTC"});
}

TEST_CASE("Rare extensions, GeneralName forms and a notAfter in 9999", "[x509]") {
    auto d = dissect(load("x509-rare-extensions.der"));
    const Tree& t = d.tree;
    INFO(render(t));
    CHECK(anomalies(t).empty());
    const auto& s = d.summary;
    CHECK(s.subject == "CN=rare.example.test+serialNumber=42,emailAddress=rare@example.test,DC=example,DC=test");
    CHECK(s.issuer == s.subject);
    CHECK(s.subject_cn == "rare.example.test");
    CHECK(s.subject_display == "id-at-serialNumber=42+id-at-commonName=rare.example.test,"
                               "emailAddress=rare@example.test,domainComponent=example,domainComponent=test");
    CHECK(s.serial_hex == "1006");
    CHECK(s.not_after == "9999-12-31T23:59:59Z");  // Not After : Dec 31 23:59:59 9999 GMT
    CHECK(s.not_after_epoch == 253402300799);
    CHECK(s.is_ca);  // CA:TRUE, pathlen:3
    CHECK(s.path_len == 3);
    CHECK(s.san == std::vector<std::string>{"rare.example.test"});  // othername, DirName and RID are neither DNS nor IP
    CHECK(s.policies == std::vector<std::string>{"1.3.6.1.4.1.55555.1.3"});
    CHECK(s.sha256_hex == "ea1a9fc1b7bbcf33c0939921c3c498c48cd3f5c2fa242c8889855458eeb14f74");
    CHECK(s.sha1_hex == "8ed0ccad27885ef6183bdbfa612bd4b1e25aaa32");
    CHECK(certificate_one_line(s) == "CN=rare.example.test (self-signed), valid until 9999-12-31");

    // Past 2262 a time no longer fits 64-bit nanoseconds; the label stays the same.
    CHECK(lines(t, "x509af.generalizedTime") ==
          std::vector<std::string>{"generalizedTime: Dec 31, 9999 23:59:59.000000000 UTC"});
    CHECK(values(t, "x509sat.PrintableString") == std::vector<std::string>{"42", "42", "42"});
    CHECK(lines(t, "x509if.RDNSequence_item")[3] ==
          "RDNSequence item: 2 items (id-at-serialNumber=42+id-at-commonName=rare.example.test)");
    CHECK(values(t, "x509sat.IA5String").size() == 9);
    CHECK(lines(t, "x509sat.IA5String")[2] == "IA5String: rare@example.test");
    CHECK(lines(t, "x509ce.type_id") ==
          std::vector<std::string>{"type-id: 1.3.6.1.4.1.311.20.2.3 (Microsoft User Principal Name)"});
    CHECK(value(t, "x509ce.value_element") == "0c1175736572406578616d706c652e74657374");  // UTF8String user@example.test
    CHECK(value(t, "x509ce.registeredID") == "1.2.3.4");
    CHECK(value(t, "x509ce.dNSName") == "rare.example.test");
    CHECK(values(t, "x509ce.directoryName").size() == 3);  // AKI issuer, SAN, cRLIssuer
    CHECK(lines(t, "x509ce.GeneralName")[0] == "GeneralName: directoryName (4)");
    CHECK(lines(t, "x509ce.authorityCertSerialNumber") == std::vector<std::string>{"authorityCertSerialNumber: 0x1006"});
    CHECK(value(t, "x509ce.uniformResourceIdentifier") == "http://issuer.example.test/");
    CHECK(lines(t, "x509ce.id") == std::vector<std::string>{"Id: 1.3.6.1.5.5.7.2.2 (id-qt-unotice)"});
    CHECK(lines(t, "pkix1implicit.organization") == std::vector<std::string>{"organization: visibleString (1)"});
    CHECK(values(t, "pkix1implicit.visibleString") == std::vector<std::string>{"tlsdissect Test", "For testing only"});
    CHECK(values(t, "pkix1implicit.noticeNumbers_item") == std::vector<std::string>{"1", "2"});
    CHECK(value(t, "x509ce.reasons") == "0560");  // Key Compromise, CA Compromise
    CHECK(lines(t, "x509ce.distributionPoint") ==
          std::vector<std::string>{"distributionPoint: fullName (0)", "distributionPoint: nameRelativeToCRLIssuer (1)"});
    CHECK(lines(t, "x509ce.nameRelativeToCRLIssuer") ==
          std::vector<std::string>{"nameRelativeToCRLIssuer: 1 item (id-at-commonName=rare crl)"});
    CHECK(lines(t, "x509ce.cRLIssuer") == std::vector<std::string>{"cRLIssuer: 1 item"});
    CHECK(value(t, "x509ce.pathLenConstraint") == "3");
    // Extensions without a decoder: their value as bytes.
    CHECK(lines(t, "x509af.Extension_element")[7] == "Extension (Netscape Comment)");
    CHECK(lines(t, "x509af.Extension_element")[8] == "Extension (1.3.6.1.4.1.55555.9)");
    CHECK(values(t, "x509af.extnValue") ==
          std::vector<std::string>{"161a6d616465206279206d616b652d783530392d63657274732e7368",
                                   "0c117072697661746520657874656e73696f6e"});
}

TEST_CASE("Without a tree only the summary is filled", "[x509]") {
    const auto der = load("x509-leaf-rsa.der");
    CertificateSummary s = dissect_x509_certificate(ByteReader(Bytes(der)), NodeRef());
    CHECK(s.parsed);
    CHECK(s.subject_cn == "www.example.test");
    CHECK(s.sha256_hex == "f335148f83b56942ef200307b28c5094303e1902f57b42a160a6996285004fd1");
}

TEST_CASE("Every cut of a certificate is Truncated, never more", "[x509]") {
    for (const char* name : kAllCertificates) {
        const auto full = load(name);
        for (std::size_t n = 0; n < full.size(); ++n) {
            std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
            auto d = dissect(cut, 0, full.size());
            INFO(name << " cut after " << n << " of " << full.size() << " bytes");
            auto a = anomalies(d.tree);
            REQUIRE_FALSE(a.empty());
            for (const auto& line : a) CHECK(line.starts_with("[Truncated: "));
            CHECK_FALSE(d.summary.parsed);
            CHECK(d.summary.sha256_hex.empty());
        }
    }
}

TEST_CASE("Every prefix taken as the whole certificate is Malformed, never Truncated", "[x509]") {
    for (const char* name : kAllCertificates) {
        const auto full = load(name);
        for (std::size_t n = 0; n < full.size(); ++n) {
            std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
            auto d = dissect(cut);
            INFO(name << " first " << n << " of " << full.size() << " bytes");
            auto a = anomalies(d.tree);
            REQUIRE_FALSE(a.empty());
            for (const auto& line : a) CHECK(line.starts_with("[Malformed: "));
            CHECK_FALSE(d.summary.parsed);
        }
    }
}

TEST_CASE("Lying lengths are Malformed where they lie, and the rest is dissected", "[x509]") {
    const auto leaf = load("x509-leaf-rsa.der");
    auto find = [&](const std::string& hex) {
        const auto needle = from_hex(hex);
        auto it = std::search(leaf.begin(), leaf.end(), needle.begin(), needle.end());
        REQUIRE(it != leaf.end());
        return static_cast<std::size_t>(it - leaf.begin());
    };
    SECTION("serialNumber longer than the TBSCertificate") {
        auto der = leaf;
        der[find("02021002") + 1] = 0x84;  // the length is now the four bytes 10 02 30 0d
        auto d = dissect(der);
        INFO(render(d.tree));
        auto a = anomalies(d.tree);
        REQUIRE(a.size() == 1);
        CHECK(a[0].starts_with("[Malformed: INTEGER length 268578829 exceeds the "));
        CHECK_FALSE(has(d.tree, "x509af.subject"));
        CHECK(has(d.tree, "x509af.encrypted"));  // the signature after the TBSCertificate still shows
        CHECK(d.summary.sha256_hex.size() == 64);
    }
    SECTION("the Certificate SEQUENCE claims 65535 bytes") {
        auto der = leaf;
        der[2] = 0xff;
        der[3] = 0xff;
        auto d = dissect(der);
        CHECK(anomalies(d.tree) ==
              std::vector<std::string>{"[Malformed: SEQUENCE length 65535 exceeds the " +
                                       std::to_string(der.size() - 4) + " bytes left]"});
        CHECK_FALSE(d.summary.parsed);
    }
    SECTION("an indefinite length (BER) is not DER") {
        std::vector<std::uint8_t> der{0x30, 0x80};
        der.insert(der.end(), leaf.begin() + 4, leaf.end());
        der.insert(der.end(), {0, 0});
        auto d = dissect(der);
        CHECK(anomalies(d.tree) == std::vector<std::string>{
                                       "[Malformed: indefinite length (BER) where DER requires a definite length]"});
    }
    SECTION("an extension's value lies; the next extension is still dissected") {
        auto der = leaf;
        der[find("0603551d25041630") + 8] = 0x15;  // ExtKeyUsage SEQUENCE: 21 bytes in a 22-byte OCTET STRING
        auto d = dissect(der);
        INFO(render(d.tree));
        CHECK(anomalies(d.tree) ==
              std::vector<std::string>{"[Malformed: SEQUENCE length 21 exceeds the 20 bytes left]"});
        CHECK_FALSE(has(d.tree, "x509ce.KeyPurposeId"));
        CHECK(has(d.tree, "x509ce.SubjectKeyIdentifier"));
        CHECK(values(d.tree, "x509ce.dNSName").size() == 2);
        CHECK(d.summary.parsed);  // OpenSSL decodes extensions only when asked
        CHECK(d.summary.san.size() == 4);
    }
    SECTION("trailing bytes after the certificate") {
        auto der = leaf;
        der.insert(der.end(), {0xde, 0xad});
        auto d = dissect(der);
        CHECK(anomalies(d.tree) == std::vector<std::string>{"[Malformed: 2 trailing bytes after the certificate]"});
        CHECK(d.summary.parsed);
        CHECK(d.summary.sha256_hex == "f335148f83b56942ef200307b28c5094303e1902f57b42a160a6996285004fd1");
    }
}

TEST_CASE("Control characters in names are shown escaped", "[x509]") {
    auto der = load("x509-leaf-rsa.der");
    const std::string cn = "www.example.test";
    auto it = std::search(der.begin(), der.end(), cn.begin(), cn.end());
    REQUIRE(it != der.end());
    *(it + 3) = 0x1b;  // ESC, as in a terminal escape sequence, in the subject's commonName
    auto d = dissect(der);
    CHECK(d.summary.parsed);
    CHECK(d.summary.subject_cn == "www\\x1bexample.test");
    CHECK(values(d.tree, "x509sat.uTF8String").back() == "www\\x1bexample.test");
}

TEST_CASE("Hostile nesting and element counts stop at the named limits", "[x509]") {
    // 10,000 nested SEQUENCE headers.
    std::vector<std::uint8_t> nested{0x30, 0x00};
    for (int i = 1; i < 10000; ++i) {
        auto h = sequence_header(nested.size());
        nested.insert(nested.begin(), h.begin(), h.end());
    }
    SECTION("as a certificate") {
        auto d = dissect(nested);
        auto a = anomalies(d.tree);
        REQUIRE_FALSE(a.empty());
        for (const auto& line : a) CHECK(line.starts_with("[Malformed: "));
        CHECK_FALSE(d.summary.parsed);
    }
    SECTION("walked as deep as the DER reader goes") {
        der::Budget budget;
        der::Reader r(ByteReader(Bytes(nested)), budget);
        unsigned levels = 0;
        while (auto e = r.next()) {
            ++levels;
            r = r.enter(*e);
        }
        CHECK(levels == der::kMaxDerDepth + 1);
        CHECK(r.problem() == der::Problem::Malformed);
        CHECK(r.message() == "DER nesting deeper than 32 levels");
    }
    SECTION("more elements than kMaxDerElements") {
        std::vector<std::uint8_t> nulls;
        for (std::size_t i = 0; i < der::kMaxDerElements + 10; ++i) nulls.insert(nulls.end(), {0x05, 0x00});
        der::Budget budget;
        der::Reader r(ByteReader(Bytes(nulls)), budget);
        std::size_t count = 0;
        while (r.next()) ++count;
        CHECK(count == der::kMaxDerElements);
        CHECK(r.problem() == der::Problem::Malformed);
        CHECK(r.message() == "more than 20000 DER elements");
    }
    SECTION("a subjectAltName with 30,000 names in a certificate") {
        // A TBSCertificate with only what the walk needs before the extensions.
        auto tlv = [](std::uint8_t tag, std::vector<std::uint8_t> content) {
            auto h = sequence_header(content.size());
            h[0] = tag;
            h.insert(h.end(), content.begin(), content.end());
            return h;
        };
        auto cat = [](std::initializer_list<std::vector<std::uint8_t>> parts) {
            std::vector<std::uint8_t> out;
            for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
            return out;
        };
        std::vector<std::uint8_t> names;
        for (int i = 0; i < 30000; ++i) names.insert(names.end(), {0x82, 0x01, 'a'});
        const auto alg = tlv(0x30, from_hex("06 09 2a 86 48 86 f7 0d 01 01 0b 05 00"));
        const auto name = tlv(0x30, tlv(0x31, tlv(0x30, from_hex("06 03 55 04 03 0c 01 78"))));
        const auto validity = tlv(0x30, from_hex("17 0d 32 35 30 31 30 31 30 30 30 30 30 30 5a"
                                                 "17 0d 32 37 30 31 30 31 30 30 30 30 30 30 5a"));
        const auto spki = tlv(0x30, cat({tlv(0x30, from_hex("06 07 2a 86 48 ce 3d 02 01")), from_hex("03 02 00 04")}));
        const auto san = tlv(0x30, cat({from_hex("06 03 55 1d 11"), tlv(0x04, tlv(0x30, names))}));
        const auto tbs = tlv(0x30, cat({from_hex("a0 03 02 01 02 02 01 01"), alg, name, validity, name, spki,
                                        tlv(0xa3, tlv(0x30, san))}));
        const auto cert = tlv(0x30, cat({tbs, alg, from_hex("03 02 00 00")}));
        auto d = dissect(cert);
        auto a = anomalies(d.tree);
        REQUIRE_FALSE(a.empty());
        CHECK(a[0] == "[Malformed: more than 20000 DER elements]");
        CHECK(values(d.tree, "x509ce.dNSName").size() < der::kMaxDerElements);
    }
}

// The real-world captures beside the project, against tshark's x509 fields: every
// certificate tshark sees in a TLS Certificate message is dissected here too, and the
// values of each field, joined over all certificates of the frame, must be the same.
// Skipped when the captures or tshark are not there.
TEST_CASE("Certificates in real captures give tshark's x509 field values", "[x509]") {
    const std::string folder = std::string(TLSDISSECT_SOURCE_DIR) + "/../shared/captures-real/tls";
    if (std::system(("test -d '" + folder + "' && command -v tshark >/dev/null 2>&1").c_str()) != 0) {
        WARN("skipped: no ../shared/captures-real/tls or no tshark");
        return;
    }
    const std::vector<std::string> fields = {
        "x509af.version", "x509af.serialNumber", "x509af.algorithm.id", "x509af.issuer", "x509if.rdnSequence",
        "x509af.rdnSequence", "x509if.oid", "x509sat.CountryName", "x509sat.printableString", "x509sat.uTF8String",
        "x509sat.DirectoryString", "x509af.notBefore", "x509af.utcTime", "x509af.generalizedTime",
        "x509af.subjectPublicKey", "pkcs1.modulus", "pkcs1.publicExponent", "pkcs1.namedCurve", "x509af.extensions",
        "x509af.extension.id", "x509af.critical", "x509ce.GeneralName", "x509ce.dNSName", "x509ce.KeyUsage",
        "x509ce.KeyUsage.digitalSignature", "x509ce.KeyUsage.keyCertSign", "x509ce.KeyPurposeId", "x509ce.cA",
        "x509ce.pathLenConstraint", "x509ce.policyIdentifier", "x509ce.id", "pkix1explicit.DirectoryString",
        "pkix1implicit.accessMethod", "x509ce.uniformResourceIdentifier", "x509ce.SubjectKeyIdentifier",
        "x509ce.keyIdentifier", "tls.sct.scts_length", "ber.bitstring.padding", "x509af.encrypted"};
    std::string field_args;
    for (const auto& f : fields) field_args += " -e " + f;
    const auto extension_ids =
        1 + static_cast<std::size_t>(std::find(fields.begin(), fields.end(), "x509af.extension.id") - fields.begin());
    std::size_t certificates = 0;
    for (const char* capture : {"x509-generalizedtime.pcap", "ml-dsa-44-cert.pcap", "signed_certificate_timestamp-2.pcap",
                                "google-cert-repeat.pcap", "tls1.2.pcap", "tls-expired-cert.pcap", "dhe.pcap",
                                "ecdhe.pcap", "ssl.v3.pcap", "tls1_1.pcap", "openjdk-25.0.2-zeek.org.pcap"}) {
        const std::string path = folder + "/" + capture;
        if (std::system(("test -f '" + path + "'").c_str()) != 0) continue;
        // One line per frame with certificates; several values of a field joined by '|'.
        const std::string cmd = "TZ=UTC tshark -r '" + path +
                                "' -Y 'tls.handshake.certificate && !ocsp' -T fields -E 'aggregator=|' -E occurrence=a"
                                " -e tls.handshake.certificate" + field_args + " 2>/dev/null";
        std::FILE* pipe = popen(cmd.c_str(), "r");
        REQUIRE(pipe);
        std::string out;
        char buf[65536];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
        pclose(pipe);
        std::size_t line_start = 0;
        for (std::size_t line_end; (line_end = out.find('\n', line_start)) != std::string::npos; line_start = line_end + 1) {
            std::vector<std::string> columns;
            std::size_t col_start = line_start;
            for (std::size_t tab; (tab = out.find('\t', col_start)) < line_end; col_start = tab + 1)
                columns.push_back(out.substr(col_start, tab - col_start));
            columns.push_back(out.substr(col_start, line_end - col_start));
            REQUIRE(columns.size() == fields.size() + 1);
            // All certificates of the frame, each into its own tree.
            std::vector<Dissected> dissected;
            for (std::size_t start = 0; start <= columns[0].size();) {
                std::size_t bar = columns[0].find('|', start);
                if (bar == std::string::npos) bar = columns[0].size();
                dissected.push_back(dissect(from_hex(columns[0].substr(start, bar - start))));
                start = bar + 1;
            }
            certificates += dissected.size();
            const CertificateSummary& leaf = dissected.front().summary;
            if (std::string_view(capture) == "ml-dsa-44-cert.pcap") {
                // OpenSSL before 3.5 does not know ML-DSA: the OID stands in for the name.
                CHECK((leaf.public_key_algorithm == "ML-DSA-44" || leaf.public_key_algorithm == "2.16.840.1.101.3.4.3.17"));
                CHECK((leaf.signature_algorithm == "ML-DSA-44" || leaf.signature_algorithm == "2.16.840.1.101.3.4.3.17"));
                CHECK(leaf.subject == "CN=ml-dsa.example.com,O=PQC-Test,C=US");
                CHECK(leaf.serial_hex == "6cc93d07602ec79cfd5201b425d1a93c7023197f");
            }
            if (std::string_view(capture) == "x509-generalizedtime.pcap") {
                CHECK(leaf.not_before == "2015-09-01T13:33:37Z");
                CHECK(leaf.not_after == "2025-09-01T13:33:37Z");
                CHECK(leaf.version == 1);
            }
            for (const auto& d : dissected) {
                INFO(capture << ": " << render(d.tree));
                CHECK(anomalies(d.tree).empty());
                CHECK(d.summary.parsed);
            }
            for (std::size_t i = 0; i < fields.size(); ++i) {
                // Extensions that Wireshark decodes and this dissector shows as bytes:
                // the logotype (RFC 3709) holds a hash AlgorithmIdentifier, Netscape's
                // certificate type a BIT STRING.
                struct Undecoded {
                    std::string_view extension, field;
                };
                static constexpr Undecoded kUndecoded[] = {{"1.3.6.1.5.5.7.1.12", "x509af.algorithm.id"},
                                                           {"2.16.840.1.113730.1.1", "ber.bitstring.padding"}};
                if (std::any_of(std::begin(kUndecoded), std::end(kUndecoded), [&](const Undecoded& u) {
                        return fields[i] == u.field && columns[extension_ids].find(u.extension) != std::string::npos;
                    }))
                    continue;
                std::vector<std::string> ours;
                for (const auto& d : dissected)
                    for (auto& v : values(d.tree, fields[i])) ours.push_back(v);
                std::string joined;
                for (std::size_t k = 0; k < ours.size(); ++k) joined += (k ? "|" : "") + ours[k];
                INFO(capture << " field " << fields[i]);
                CHECK(joined == columns[i + 1]);
            }
        }
    }
    CHECK(certificates > 10);
}

// JA4X of a real CA certificate against the JA4 project's published value: the DigiCert
// Global Root CA as Debian's ca-certificates holds it, whose JA4X the reference
// implementation printed from a browser capture (FoxIO-LLC/ja4,
// rust/ja4/src/snapshots/ja4__insta@tls-handshake.pcapng.snap, commit fe727a5a,
// stream 40, third certificate). Skipped where the package is not installed.
TEST_CASE("JA4X of DigiCert Global Root CA is the JA4 reference's", "[x509][fingerprint]") {
    const char* path = "/usr/share/ca-certificates/mozilla/DigiCert_Global_Root_CA.crt";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        WARN("skipped: " << path << " is missing (Debian package ca-certificates)");
        return;
    }
    const std::string pem{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::vector<std::uint8_t> bytes = der_of_pem(pem);
    REQUIRE(!bytes.empty());
    Dissected d = dissect(bytes);
    CHECK(d.summary.ja4x == "7d5dbb3783b4_7d5dbb3783b4_f269f029c206");
    CHECK(value(d.tree, "x509af.ja4x") == d.summary.ja4x);
}

TEST_CASE("JA4X is empty for what OpenSSL cannot decode, and the PEM form round-trips", "[x509][fingerprint]") {
    const auto der = load("x509-leaf-rsa.der");
    std::vector<std::uint8_t> cut(der.begin(), der.end() - 1);
    CHECK(dissect(cut).summary.ja4x.empty());
    CHECK(certificate_pem(cut).empty());
    const std::string pem = certificate_pem(der);
    REQUIRE(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0) == 0);
    CHECK(der_of_pem(pem) == der);
}

namespace {

const FieldDef kHolderField{"test.certificate", "Certificate", FieldType::Bytes};

// The test certificates, and a few damaged copies whose DER is complete (malformed, not cut).
std::vector<std::pair<std::string, std::vector<std::uint8_t>>> certificates_and_damaged_ones() {
    std::vector<std::pair<std::string, std::vector<std::uint8_t>>> out;
    for (const char* name : kAllCertificates) out.emplace_back(name, load(name));
    auto leaf = load("x509-leaf-rsa.der");
    auto serial = leaf;
    const auto needle = from_hex("02021002");
    const auto at = std::search(serial.begin(), serial.end(), needle.begin(), needle.end());
    REQUIRE(at != serial.end());
    *(at + 1) = 0x84;  // serialNumber longer than the TBSCertificate
    out.emplace_back("serial length lies", serial);
    auto trailing = leaf;
    trailing.insert(trailing.end(), {0xde, 0xad});
    out.emplace_back("trailing bytes", trailing);
    auto short_sequence = leaf;
    short_sequence[3] = static_cast<std::uint8_t>(short_sequence[3] - 1);  // the Certificate SEQUENCE one byte short
    out.emplace_back("SEQUENCE one byte short", short_sequence);
    out.emplace_back("not DER at all", std::vector<std::uint8_t>{0x01, 0x02, 0x03});
    return out;
}

// dissect_x509_certificate into a fresh tree, under a node of data source `source` (1: a
// data source of its own) that holds the certificate at `base`.
struct Placed {
    Tree tree;
    NodeRef holder;
    CertificateSummary summary;
};
std::unique_ptr<Placed> dissect_at(const std::vector<std::uint8_t>& der, std::size_t base, std::uint16_t source) {
    auto p = std::make_unique<Placed>();
    std::vector<std::uint8_t> data(base, 0);
    data.insert(data.end(), der.begin(), der.end());
    if (source == 0)
        p->tree.frame_bytes = Bytes(der);  // not used by the dissector: offsets only
    else
        REQUIRE(p->tree.add_source("Reassembled", data) == source);
    p->holder = p->tree.root().add_bytes(kHolderField, Bytes(der), base, der.size(), source);
    p->summary = dissect_x509_certificate(ByteReader(Bytes(der), base), p->holder);
    return p;
}

}  // namespace

TEST_CASE("A certificate's nodes depend on its bytes alone: walked at another offset they are the same, shifted",
          "[x509][cache]") {
    for (const auto& [name, der] : certificates_and_damaged_ones()) {
        INFO(name);
        Tree at0, at1000;
        x509_detail::CertificateWalk(ByteReader(Bytes(der), 0)).run(at0.root());
        x509_detail::CertificateWalk(ByteReader(Bytes(der), 1000)).run(at1000.root());
        const auto walked = subtree_lines(at0, 0, 0);
        REQUIRE(walked.size() > 0);
        CHECK(subtree_lines(at1000, 0, 1000) == walked);
    }
}

TEST_CASE("A certificate seen again is replayed: the same nodes as its walk, at its own offset and data source",
          "[x509][cache]") {
    for (const auto& [name, der] : certificates_and_damaged_ones()) {
        INFO(name);
        // A walk of its own, for the nodes the first dissection must start with.
        Tree walk;
        x509_detail::CertificateWalk(ByteReader(Bytes(der), 0)).run(walk.root());
        const auto walked = subtree_lines(walk, 0, 0);

        auto first = dissect_at(der, 0, 0);
        const auto expected = subtree_lines(first->tree, first->holder.id(), 0);
        REQUIRE(expected.size() >= walked.size());
        CHECK(std::vector<std::string>(expected.begin(), expected.begin() + static_cast<long>(walked.size())) == walked);

        // Seen again (from the cache now) at other offsets, in another data source.
        for (std::size_t base : {std::size_t{0}, std::size_t{7}, std::size_t{70000}}) {
            INFO("at " << base);
            auto again = dissect_at(der, base, 1);
            auto lines = subtree_lines(again->tree, again->holder.id(), base);
            for (auto& line : lines) {
                const auto src = line.find(" src 1");
                REQUIRE(src != std::string::npos);  // every node in the holder's data source
                line.replace(src, 6, " src 0");
            }
            CHECK(lines == expected);
            CHECK(again->summary.sha256_hex == first->summary.sha256_hex);
            CHECK(again->summary.parsed == first->summary.parsed);
            CHECK(again->summary.subject == first->summary.subject);
            CHECK(again->tree.size() == first->tree.size());
        }
        // And under a holder that already has children: the certificate's nodes follow them.
        auto crowded = std::make_unique<Placed>();
        crowded->holder = crowded->tree.root().add_bytes(kHolderField, Bytes(der), 5, der.size());
        crowded->holder.add_text(kHolderField, "before", 0, 1);
        dissect_x509_certificate(ByteReader(Bytes(der), 5), crowded->holder);
        auto lines = subtree_lines(crowded->tree, crowded->holder.id(), 5);
        REQUIRE(lines.size() == expected.size() + 1);
        CHECK(std::vector<std::string>(lines.begin() + 1, lines.end()) == expected);
    }
}

namespace {
// Every key in the same bucket: only the full comparison of the bytes tells them apart.
struct SameBucket {
    std::size_t operator()(std::string_view) const { return 42; }
};
}  // namespace

TEST_CASE("Recorded certificates that share a hash bucket are told apart by their bytes", "[x509][cache]") {
    SubtreeCache<SameBucket> cache(3, 1 << 20);
    std::vector<std::vector<std::uint8_t>> ders;
    std::vector<std::vector<std::string>> expected;
    for (const char* name : {"x509-leaf-rsa.der", "x509-ec-p256.der", "x509-root-ca.der"}) {
        ders.push_back(load(name));
        Tree t;
        const std::size_t base = 100 * ders.size();
        x509_detail::CertificateWalk(ByteReader(Bytes(ders.back()), base)).run(t.root());
        expected.push_back(subtree_lines(t, 0, base));
        CHECK(cache.find(Bytes(ders.back())) == nullptr);
        cache.keep(RecordedSubtree::record(t, 0, 1, Bytes(ders.back()), base));
    }
    REQUIRE(cache.size() == 3);
    // A copy of the leaf differing in its last byte: same length, same bucket, not a hit.
    auto other = ders[0];
    other.back() ^= 1;
    CHECK(cache.find(Bytes(other)) == nullptr);
    CHECK(cache.find(Bytes(ders[0]).first(ders[0].size() - 1)) == nullptr);
    for (std::size_t i = 0; i < ders.size(); ++i) {
        const RecordedSubtree* r = cache.find(Bytes(ders[i]));
        REQUIRE(r != nullptr);
        Tree t;
        r->replay(t.root(), 5);
        CHECK(subtree_lines(t, 0, 5) == expected[i]);
    }
    // Full: the fourth recording empties the cache first.
    Tree t;
    x509_detail::CertificateWalk(ByteReader(Bytes(other), 0)).run(t.root());
    cache.keep(RecordedSubtree::record(t, 0, 1, Bytes(other), 0));
    CHECK(cache.size() == 1);
    CHECK(cache.find(Bytes(ders[0])) == nullptr);
    REQUIRE(cache.find(Bytes(other)) != nullptr);
}
