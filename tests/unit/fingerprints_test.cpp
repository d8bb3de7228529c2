#include <catch2/catch.hpp>

#include "http/ja4h.hpp"
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

TEST_CASE("Fingerprints remembered per hello lists follow every list they are made of", "[fingerprint]") {
    // The published values first, then hellos that differ in one input each: a memo keyed
    // on too little would hand back the first hello's values for them.
    const HelloFacts chrome = chrome_143();
    REQUIRE(ja4(chrome, true) == "t13d1516h2_8daaf6152771_d8a2da3f94cd");
    REQUIRE(ja3(chrome).hash == "98487aa16281980e7d1120d399efb6a4");
    HelloFacts fewer_sigs = chrome;
    fewer_sigs.signature_algorithms.pop_back();
    CHECK(ja4(fewer_sigs, true) != ja4(chrome, true));
    CHECK(ja4(fewer_sigs, true).substr(0, 24) == "t13d1516h2_8daaf6152771_");  // only part c
    CHECK(ja3(fewer_sigs).hash == ja3(chrome).hash);  // JA3 has no signature algorithms
    HelloFacts other_group = chrome;
    other_group.supported_groups.back() = 25;
    CHECK(ja3(other_group).hash != ja3(chrome).hash);
    CHECK(ja4(other_group, true) == ja4(chrome, true));  // JA4 has no groups
    HelloFacts http11 = chrome;
    http11.alpn = {"http/1.1"};
    CHECK(ja4(http11, true).substr(0, 11) == "t13d1516h1_");
    CHECK(ja4(chrome, false).substr(0, 11) == "t13i1516h2_");
    CHECK(ja4(chrome, true, 'q').substr(0, 11) == "q13d1516h2_");
    HelloFacts server;
    server.version = 0x0303;
    server.cipher_suites = {0x1301};
    server.extensions = {0x002b, 0x0033};
    server.supported_versions = {0x0304};
    const std::string s13 = ja4s(server);
    server.supported_versions = {};
    CHECK(ja4s(server) != s13);
    CHECK(ja4s(server).substr(0, 7) == "t120200");
    server.supported_versions = {0x0304};
    CHECK(ja4s(server) == s13);
    CHECK(ja3s(server).text == "771,4865,43-51");
    // And the first hello again: its values, not the last one's.
    CHECK(ja4(chrome, true) == "t13d1516h2_8daaf6152771_d8a2da3f94cd");
    CHECK(ja3(chrome).hash == "98487aa16281980e7d1120d399efb6a4");
}

// JA4X: the worked example of the specification (FoxIO-LLC/ja4, technical_details/JA4X.md)
// and the reference implementation's hash of an empty list (rust/ja4x/src/lib.rs, hash12).
TEST_CASE("JA4X hashes the three OID lists as the specification's example does", "[fingerprint]") {
    CHECK(ja4x("550403,550406,550408,55040a", "550403,550406,550408,55040a", "551d0f,551d25,551d11") ==
          "96a6439c8f5c_96a6439c8f5c_aae71e8db6d7");
    CHECK(ja4x("550406,55040a,550403", "550406,550408,550407,55040a,550403", "") ==
          "a373a9f83c6b_2bab15409345_000000000000");
}

namespace {

// The request of the JA4 project's own JA4H example (FoxIO-LLC/ja4, rust/ja4/src/http.rs,
// test_http_stats_into_out), header lines as listed there.
HttpRequestHead reference_request() {
    HttpRequestHead r{"GET", "11", {}};
    r.fields = {
        {"Host", "www.cnn.com"},
        {"Cookie",
         "FastAB=0=6859,1=8174,2=4183,3=3319,4=3917,5=2557,6=4259,7=6070,8=0804,9=6453,10=1942,11=4435,12=4143,"
         "13=9445,14=6957,15=8682,16=1885,17=1825,18=3760,19=0929; sato=1; countryCode=US; stateCode=VA; "
         "geoData=purcellville|VA|20132|US|NA|-400|broadband|39.160|-77.700|511; usprivacy=1---; umto=1; "
         "_dd_s=logs=1&id=b5c2d770-eaba-4847-8202-390c4552ff9a&created=1686159462724&expire=1686160422726"},
        {"Sec-Ch-Ua", ""},
        {"Sec-Ch-Ua-Mobile", "?0"},
        {"User-Agent",
         "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.110 "
         "Safari/537.36"},
        {"Sec-Ch-Ua-Platform", "\"\""},
        {"Accept", "*/*"},
        {"Sec-Fetch-Site", "same-origin"},
        {"Sec-Fetch-Mode", "cors"},
        {"Sec-Fetch-Dest", "empty"},
        {"Sec-Fetch-Mode", "cors"},
        {"Sec-Fetch-Dest", "empty"},
        {"Referer", "https://www.cnn.com/"},
        {"Accept-Encoding", "gzip, deflate"},
        {"Accept-Language", "en-US,en;q=0.9"},
    };
    return r;
}

}  // namespace

TEST_CASE("JA4H of the JA4 project's example request is its published value", "[fingerprint]") {
    std::string raw;
    CHECK(ja4h(reference_request(), &raw) == "ge11cr13enus_88d2d584d47f_0f2659b474bf_161698816dab");
    CHECK(raw.rfind("ge11cr13enus_Host,Sec-Ch-Ua,Sec-Ch-Ua-Mobile,User-Agent,Sec-Ch-Ua-Platform,Accept,"
                    "Sec-Fetch-Site,Sec-Fetch-Mode,Sec-Fetch-Dest,Sec-Fetch-Mode,Sec-Fetch-Dest,Accept-Encoding,"
                    "Accept-Language_FastAB,_dd_s,countryCode,geoData,sato,stateCode,umto,usprivacy_FastAB=0=6859,",
                    0) == 0);
}

TEST_CASE("JA4H: method, version, flags, language and pseudo headers as the reference reads them", "[fingerprint]") {
    // No headers at all: every list is empty.
    CHECK(ja4h(HttpRequestHead{"POST", "10", {}}) == "po10nn000000_000000000000_000000000000_000000000000");
    // The reference's language examples ("da, en-GB;q=0.8" -> da, "en-US,en;q=0.9" -> enus),
    // and a header that only looks like Referer (python/test/test_ja4_unit.py).
    std::string raw;
    (void)ja4h(HttpRequestHead{"GET", "11", {{"Accept-Language", "da, en-GB;q=0.8"}, {"X-Referer", "x"}}}, &raw);
    CHECK(raw == "ge11nn02da00_Accept-Language,X-Referer__");
    // HTTP/2 and HTTP/3 pseudo headers are not headers for JA4H; names are compared without case.
    (void)ja4h(HttpRequestHead{"GET", "30",
                               {{":method", "GET"}, {":path", "/"}, {"user-agent", "u"}, {"referer", "r"},
                                {"cookie", "b=2"}, {"cookie", "a=1; c=3"}}},
               &raw);
    CHECK(raw == "ge30cr010000_user-agent_a,b,c_a=1,b=2,c=3");
}
