// Chain of trust, TLS 1.3 CertificateVerify and Server Key Exchange signature checks.
// Certificates and signatures: tests/unit/data/chain/, made by tools/make-chain-test-certs.sh
// (its header says what each file is made to be). Captures: captures/, whose test roots
// are in captures/test-roots.pem (tools/captures/extract-test-roots.sh).
#include <catch2/catch.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <map>
#include <iterator>
#include <string>

#include "test_support.hpp"
#include "tls/chain_of_trust.hpp"
#include "tls/signature_check.hpp"
#include "tlsdissect/capture.hpp"

using namespace tlsdissect;
using tlsdissect::test::value;
using tlsdissect::test::values;

namespace {

const std::string kData = std::string(TLSDISSECT_SOURCE_DIR) + "/tests/unit/data/chain/";

std::vector<std::uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

CertificateSummary cert(const std::string& name) {
    const std::vector<std::uint8_t> bytes = tlsdissect::test::der_of_pem(read_file(kData + name));
    REQUIRE(!bytes.empty());
    CertificateSummary s = dissect_x509_certificate(ByteReader(Bytes(bytes)), NodeRef{});
    REQUIRE(s.parsed);
    REQUIRE(s.der == bytes);
    return s;
}

std::shared_ptr<const TrustStore> store(const std::string& name) {
    std::string error;
    auto s = TrustStore::load(kData + name, error);
    INFO(error);
    REQUIRE(s);
    return s;
}

// Epoch seconds for the dates make-chain-test-certs.sh gives the certificates.
constexpr std::int64_t kMid2024 = 1717200000;  // 2024-06-01T00:00:00Z: leaf.pem valid, leaf-recent.pem not yet
constexpr std::int64_t kMid2026 = 1780272000;  // 2026-06-01T00:00:00Z: leaf.pem expired, leaf-recent.pem valid

}  // namespace

TEST_CASE("A valid chain, sent leaf first with the root, ordered root to leaf", "[chain]") {
    auto roots = store("root.pem");
    ChainVerdict v = verify_chain({cert("leaf.pem"), cert("inter.pem"), cert("root.pem")}, "www.example.test",
                                  kMid2024, *roots);
    INFO(v.reason);
    CHECK(v.checked);
    CHECK(v.valid);
    CHECK(v.path_valid);
    CHECK(v.reason.empty());
    CHECK(v.error == 0);
    CHECK(v.checked_at == kMid2024);
    CHECK(iso8601_utc(v.checked_at) == "2024-06-01T00:00:00Z");
    REQUIRE(v.path.size() == 3);
    CHECK(v.path[0].name == "Chain Test Root CA");
    CHECK(v.path[0].self_signed);
    CHECK(v.path[0].trusted);
    CHECK(v.path[0].sent_index == 2);
    CHECK(v.path[1].name == "Chain Test Intermediate CA");
    CHECK(v.path[1].sent_index == 1);
    CHECK(v.path[2].name == "www.example.test");
    CHECK(v.path[2].sent_index == 0);
    for (const auto& l : v.path) {
        CHECK(l.signature_valid == std::optional<bool>(true));
        CHECK(l.valid_at_time);
    }
    CHECK(v.unused.empty());
    CHECK(v.name_matches == std::optional<bool>(true));
    CHECK(v.matched_name == "www.example.test");
}

TEST_CASE("The root comes from the store when the server does not send it", "[chain]") {
    auto roots = store("root.pem");
    ChainVerdict v = verify_chain({cert("leaf.pem"), cert("inter.pem")}, "www.example.test", kMid2024, *roots);
    CHECK(v.valid);
    REQUIRE(v.path.size() == 3);
    CHECK(v.path[0].sent_index == -1);
    CHECK(v.path[0].trusted);
    CHECK(v.path[0].signature_valid == std::optional<bool>(true));
}

TEST_CASE("Chains sent out of order are ordered by issuer, extras reported", "[chain]") {
    auto roots = store("root.pem");
    ChainVerdict v = verify_chain({cert("leaf.pem"), cert("root.pem"), cert("other-root.pem"), cert("inter.pem")},
                                  "www.example.test", kMid2024, *roots);
    CHECK(v.valid);
    REQUIRE(v.path.size() == 3);
    CHECK(v.path[0].sent_index == 1);
    CHECK(v.path[1].sent_index == 3);
    CHECK(v.unused == std::vector<int>{2});
}

TEST_CASE("Validity is judged at the capture's time, not today", "[chain]") {
    auto roots = store("root.pem");
    // leaf.pem: 2024-01-01 .. 2025-01-01. Valid at a 2024 capture, although expired today.
    ChainVerdict then = verify_chain({cert("leaf.pem"), cert("inter.pem")}, "www.example.test", kMid2024, *roots);
    CHECK(then.valid);
    ChainVerdict later = verify_chain({cert("leaf.pem"), cert("inter.pem")}, "www.example.test", kMid2026, *roots);
    CHECK_FALSE(later.valid);
    CHECK(later.error == X509_V_ERR_CERT_HAS_EXPIRED);
    CHECK(later.reason ==
          "certificate has expired: CN=www.example.test,O=tlsdissect Test (not after 2025-01-01T00:00:00Z)");
    CHECK_FALSE(later.path.back().valid_at_time);
    // leaf-recent.pem: 2025-01-01 .. 2035-01-01. Valid today, but not at a 2024 capture.
    ChainVerdict early = verify_chain({cert("leaf-recent.pem"), cert("inter.pem")}, "www.example.test", kMid2024, *roots);
    CHECK_FALSE(early.valid);
    CHECK(early.error == X509_V_ERR_CERT_NOT_YET_VALID);
    CHECK(early.reason.find("certificate is not yet valid: CN=www.example.test") == 0);
    ChainVerdict now = verify_chain({cert("leaf-recent.pem"), cert("inter.pem")}, "www.example.test", kMid2026, *roots);
    CHECK(now.valid);
}

TEST_CASE("The verdict cache never carries a verdict across a validity boundary", "[chain]") {
    ChainVerifier verifier(store("root.pem"));
    const std::vector<CertificateSummary> sent{cert("leaf.pem"), cert("inter.pem")};
    CHECK(verifier.verify(sent, "www.example.test", kMid2024).valid);
    CHECK(verifier.verify(sent, "www.example.test", kMid2024 + 60).valid);
    ChainVerdict expired = verifier.verify(sent, "www.example.test", kMid2026);
    CHECK_FALSE(expired.valid);
    CHECK(expired.checked_at == kMid2026);
    CHECK(verifier.verify(sent, "www.example.test", kMid2024).valid);
    CHECK_FALSE(verifier.verify(sent, "evil.example.test", kMid2024).valid);
}

TEST_CASE("A wrong intermediate: same name, another key", "[chain]") {
    auto roots = store("root.pem");
    ChainVerdict v = verify_chain({cert("leaf.pem"), cert("other-inter.pem")}, "www.example.test", kMid2024, *roots);
    CHECK_FALSE(v.valid);
    CHECK_FALSE(v.path_valid);
    CHECK_FALSE(v.reason.empty());
    REQUIRE(v.path.size() >= 2);
    // The leaf's signature does not verify with the intermediate that was sent.
    CHECK(v.path.back().name == "www.example.test");
    CHECK(v.path.back().signature_valid == std::optional<bool>(false));
    CHECK(v.path[v.path.size() - 2].sent_index == 1);
}

TEST_CASE("A self-signed leaf", "[chain]") {
    auto roots = store("root.pem");
    ChainVerdict v = verify_chain({cert("self-signed.pem")}, "www.example.test", kMid2024, *roots);
    CHECK_FALSE(v.valid);
    CHECK(v.error == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
    CHECK(v.reason == "self-signed certificate: CN=www.example.test,O=tlsdissect Test");
    REQUIRE(v.path.size() == 1);
    CHECK(v.path[0].self_signed);
    CHECK_FALSE(v.path[0].trusted);
    CHECK(v.path[0].signature_valid == std::optional<bool>(true));
    CHECK(v.name_matches == std::optional<bool>(true));
}

TEST_CASE("The server name is matched against the subjectAltName list", "[chain]") {
    auto roots = store("root.pem");
    const std::vector<CertificateSummary> sent{cert("leaf.pem"), cert("inter.pem")};
    ChainVerdict wrong = verify_chain(sent, "www.example.org", kMid2024, *roots);
    CHECK(wrong.path_valid);
    CHECK_FALSE(wrong.valid);
    CHECK(wrong.name_matches == std::optional<bool>(false));
    CHECK(wrong.reason.find("the server name www.example.org is not a name of the certificate") == 0);
    ChainVerdict wildcard = verify_chain(sent, "edge.cdn.example.test", kMid2024, *roots);
    CHECK(wildcard.valid);
    CHECK(wildcard.matched_name == "*.cdn.example.test");
    // A wildcard covers one label only (RFC 6125 6.4.3).
    CHECK_FALSE(verify_chain(sent, "a.b.cdn.example.test", kMid2024, *roots).valid);
    ChainVerdict ip = verify_chain(sent, "192.0.2.10", kMid2024, *roots);
    CHECK(ip.valid);
    ChainVerdict none = verify_chain(sent, "", kMid2024, *roots);
    CHECK(none.valid);
    CHECK_FALSE(none.name_matches.has_value());
}

TEST_CASE("A chain whose root is not in the store", "[chain]") {
    auto roots = store("other-root.pem");
    ChainVerdict v = verify_chain({cert("leaf.pem"), cert("inter.pem")}, "www.example.test", kMid2024, *roots);
    CHECK_FALSE(v.valid);
    CHECK(v.error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    CHECK(v.reason == "unable to get local issuer certificate: CN=Chain Test Intermediate CA,O=tlsdissect Test");
    // The path stops at the intermediate: its issuer is neither sent nor trusted.
    REQUIRE(v.path.size() == 2);
    CHECK_FALSE(v.path[0].signature_valid.has_value());
    CHECK(v.path[1].signature_valid == std::optional<bool>(true));
}

TEST_CASE("Root stores: a file, a directory, errors", "[chain]") {
    std::string error;
    CHECK(TrustStore::load(kData, error));  // every PEM file of the folder
    CHECK_FALSE(TrustStore::load(kData + "missing.pem", error));
    CHECK(error.find("cannot open") == 0);
    CHECK_FALSE(TrustStore::load(kData + "cv-ed25519.sig", error));
    CHECK(error.find("no PEM certificates") == 0);
    // Nothing at all: a verdict that says so.
    auto roots = store("root.pem");
    ChainVerdict empty = verify_chain({}, "www.example.test", kMid2024, *roots);
    CHECK_FALSE(empty.checked);
    CHECK_FALSE(empty.valid);
    CertificateSummary garbage;
    garbage.der = {0x30, 0x03, 0x02, 0x01, 0x01};
    ChainVerdict bad = verify_chain({garbage}, "www.example.test", kMid2024, *roots);
    CHECK(bad.checked);
    CHECK_FALSE(bad.valid);
    CHECK(bad.reason == "the server certificate cannot be decoded");
}

// RFC 8446 section 4.4.3, with signatures made by openssl (make-chain-test-certs.sh).
TEST_CASE("TLS 1.3 CertificateVerify signatures", "[signature]") {
    std::vector<std::uint8_t> hash(32);
    for (std::size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<std::uint8_t>(i);
    const std::string content = certificate_verify_content(hash, true);
    CHECK(content.size() == 64 + 33 + 1 + 32);
    CHECK(content.substr(0, 64) == std::string(64, ' '));
    CHECK(content.substr(64, 34) == std::string("TLS 1.3, server CertificateVerify") + '\0');

    struct Case {
        const char* cert;
        std::uint16_t scheme;
        const char* sig;
    };
    for (const Case& c : {Case{"leaf.pem", 0x0804, "cv-rsa-pss-sha256.sig"},
                          Case{"leaf-recent.pem", 0x0403, "cv-ecdsa-sha256.sig"},
                          Case{"ed25519-leaf.pem", 0x0807, "cv-ed25519.sig"}}) {
        INFO(c.sig);
        const CertificateSummary leaf = cert(c.cert);
        std::vector<std::uint8_t> sig = read_file(kData + c.sig);
        SignatureVerdict ok = verify_certificate_verify(leaf, c.scheme, sig, hash, true);
        INFO(ok.reason);
        CHECK(ok.valid == std::optional<bool>(true));
        // The client's context string is a different content.
        CHECK(verify_certificate_verify(leaf, c.scheme, sig, hash, false).valid == std::optional<bool>(false));
        // Another transcript.
        std::vector<std::uint8_t> other = hash;
        other[5] ^= 1;
        CHECK(verify_certificate_verify(leaf, c.scheme, sig, other, true).valid == std::optional<bool>(false));
        // A flipped signature byte.
        sig[sig.size() / 2] ^= 0x40;
        CHECK(verify_certificate_verify(leaf, c.scheme, sig, hash, true).valid == std::optional<bool>(false));
    }
    const CertificateSummary rsa = cert("leaf.pem");
    const auto pss = read_file(kData + "cv-rsa-pss-sha256.sig");
    // PKCS#1 v1.5 padding is not PSS.
    CHECK(verify_certificate_verify(rsa, 0x0401, pss, hash, true).valid == std::optional<bool>(false));
    // A scheme that does not fit the key.
    SignatureVerdict mismatch = verify_certificate_verify(rsa, 0x0403, pss, hash, true);
    CHECK(mismatch.valid == std::optional<bool>(false));
    CHECK(mismatch.reason == "the certificate has a RSA key, ecdsa_secp256r1_sha256 needs EC");
    // Not checked: unknown scheme, no certificate.
    SignatureVerdict unknown = verify_certificate_verify(rsa, 0x0fff, pss, hash, true);
    CHECK_FALSE(unknown.valid.has_value());
    CHECK_FALSE(verify_certificate_verify(CertificateSummary{}, 0x0804, pss, hash, true).valid.has_value());
}

namespace {

// Dissects a whole capture with a tree per packet; returns the values of `fields` over all frames.
std::map<std::string, std::vector<std::string>> dissect_capture(const std::string& file, const TlsVerifyOptions& opt,
                                                                const std::vector<std::string>& fields) {
    CaptureError e = CaptureError::None;
    std::string msg;
    auto reader = CaptureReader::open(file, e, msg);
    REQUIRE(reader);
    FrameDissector d;
    d.set_tls_verify(opt);
    Tree tree;
    CapturedPacket p;
    std::map<std::string, std::vector<std::string>> out;
    while (reader->next(p) == ReadStatus::Packet) {
        d.dissect(p, &tree, nullptr);
        for (const auto& f : fields)
            for (auto& v : values(tree, f)) out[f].push_back(v);
    }
    return out;
}

}  // namespace

TEST_CASE("Bundled capture: chain and Server Key Exchange signature in the tree", "[chain][signature]") {
    const std::string dir = std::string(TLSDISSECT_SOURCE_DIR) + "/captures/";
    std::string error;
    auto test_roots = TrustStore::load(dir + "test-roots.pem", error);
    REQUIRE(test_roots);
    const std::vector<std::string> fields{"tls.chain.valid", "tls.chain.server_name_matches",
                                          "tls.chain.certificate.signature_valid", "tls.handshake.sig.valid",
                                          "tls.handshake.ciphersuite.key_exchange",
                                          "tls.handshake.ciphersuite.forward_secrecy"};
    auto with_roots = dissect_capture(dir + "https-cname-tls12.pcap", TlsVerifyOptions{test_roots, false}, fields);
    CHECK(with_roots["tls.chain.valid"] == std::vector<std::string>{"1"});
    CHECK(with_roots["tls.chain.server_name_matches"] == std::vector<std::string>{"1"});
    CHECK(with_roots["tls.chain.certificate.signature_valid"] == std::vector<std::string>{"1", "1", "1"});
    CHECK(with_roots["tls.handshake.sig.valid"] == std::vector<std::string>{"1"});
    // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (tshark: tls.handshake.ciphersuite == 0xc02f)
    CHECK(with_roots["tls.handshake.ciphersuite.key_exchange"] == std::vector<std::string>{"ECDHE"});
    CHECK(with_roots["tls.handshake.ciphersuite.forward_secrecy"] == std::vector<std::string>{"1"});
    // The system store does not know the test root that the server sends.
    auto system = dissect_capture(dir + "https-cname-tls12.pcap", TlsVerifyOptions{}, fields);
    CHECK(system["tls.chain.valid"] == std::vector<std::string>{"0"});
    CHECK(system["tls.handshake.sig.valid"] == std::vector<std::string>{"1"});
}
