#include <catch2/catch.hpp>

#include "tls/fingerprints.hpp"

using namespace tlsdissect;

namespace {

// A Chrome 143 Client Hello as a public fingerprinting service reported it (JA3 text,
// JA4 raw lists and the resulting hashes), rebuilt here from its lists. The expected
// values are that service's, not this implementation's.
HelloFacts chrome_143() {
    HelloFacts h;
    h.version = 771;
    h.cipher_suites = {4865, 4866, 4867, 49195, 49199, 49196, 49200, 52393, 52392, 49171, 49172, 156, 157, 47, 53};
    h.extensions = {45, 51, 16, 65037, 23, 17613, 0, 11, 10, 43, 65281, 35, 18, 5, 13, 27};
    h.supported_groups = {4588, 29, 23, 24};
    h.ec_point_formats = {0};
    h.signature_algorithms = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
    h.supported_versions = {0x0304, 0x0303};
    h.alpn = {"h2", "http/1.1"};
    return h;
}

}  // namespace

TEST_CASE("JA3 string and MD5 match a published Chrome fingerprint", "[fingerprint]") {
    Fingerprint f = ja3(chrome_143());
    CHECK(f.text ==
          "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
          "45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0");
    CHECK(f.hash == "98487aa16281980e7d1120d399efb6a4");
}

TEST_CASE("JA4 matches a published Chrome fingerprint", "[fingerprint]") {
    CHECK(ja4(chrome_143(), true) == "t13d1516h2_8daaf6152771_d8a2da3f94cd");
}

TEST_CASE("GREASE values are left out of JA3 and JA4", "[fingerprint]") {
    HelloFacts h = chrome_143();
    h.cipher_suites.insert(h.cipher_suites.begin(), 0x1a1a);
    h.extensions.insert(h.extensions.begin(), 0x2a2a);
    h.extensions.push_back(0xfafa);
    h.supported_groups.insert(h.supported_groups.begin(), 0x3a3a);
    h.supported_versions.insert(h.supported_versions.begin(), 0x4a4a);
    CHECK(ja3(h).hash == "98487aa16281980e7d1120d399efb6a4");
    CHECK(ja4(h, true) == "t13d1516h2_8daaf6152771_d8a2da3f94cd");
}

TEST_CASE("JA4 without SNI, ALPN or signature algorithms", "[fingerprint]") {
    HelloFacts h;
    h.version = 0x0303;
    h.cipher_suites = {0xc02f};
    h.extensions = {0x000b};
    const std::string f = ja4(h, false);
    CHECK(f.substr(0, 11) == "t12i010100_");
    // No signature algorithms: part c hashes the extension list alone, no underscore.
    CHECK(f.size() == 36);
}
