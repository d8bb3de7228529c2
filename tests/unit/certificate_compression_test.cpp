// RFC 8879 compressed certificates (tls/certificate_compression.cpp, the
// CompressedCertificate case of tls_handshake.cpp): the TLS 1.3 Certificate of
// captures/audit-tls13-bad-cert.pcap, compressed here with each algorithm's encoder,
// must dissect as the Certificate itself does; bad lengths, corrupt data and
// decompression bombs give an anomaly, never more output than the declared length.
#include <brotli/encode.h>
#include <catch2/catch.hpp>
#include <zlib.h>
#include <zstd.h>

#include "tls/certificate_compression.hpp"
#include "tls_test_support.hpp"
#include "tls_vectors.hpp"

using namespace tlsdissect;
using namespace tlsdissect::test;

namespace {

std::vector<std::uint8_t> compress(std::uint16_t algorithm, const std::vector<std::uint8_t>& in) {
    std::vector<std::uint8_t> out(in.size() + 1024);
    if (algorithm == 1) {
        uLongf n = static_cast<uLongf>(out.size());
        REQUIRE(compress2(out.data(), &n, in.data(), static_cast<uLong>(in.size()), 9) == Z_OK);
        out.resize(n);
    } else if (algorithm == 2) {
        std::size_t n = out.size();
        REQUIRE(BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, in.size(),
                                      in.data(), &n, out.data()));
        out.resize(n);
    } else {
        const std::size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
        REQUIRE(!ZSTD_isError(n));
        out.resize(n);
    }
    return out;
}

void u24(std::vector<std::uint8_t>& v, std::size_t n) {
    v.push_back(static_cast<std::uint8_t>(n >> 16));
    v.push_back(static_cast<std::uint8_t>(n >> 8));
    v.push_back(static_cast<std::uint8_t>(n));
}

// RFC 8879 section 4: struct { CertificateCompressionAlgorithm algorithm;
//   uint24 uncompressed_length; opaque compressed_certificate_message<1..2^24-1>; }
std::vector<std::uint8_t> compressed_message(std::uint16_t algorithm, std::size_t declared,
                                             const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> body{static_cast<std::uint8_t>(algorithm >> 8), static_cast<std::uint8_t>(algorithm)};
    u24(body, declared);
    u24(body, data.size());
    body.insert(body.end(), data.begin(), data.end());
    std::vector<std::uint8_t> m{25};
    u24(m, body.size());
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

std::vector<std::uint8_t> certificate_body() {
    auto m = from_hex(kTls13Certificate);
    return {m.begin() + 4, m.end()};
}

void tls13(TlsConnectionFacts& f) {
    f.negotiated_version = 0x0304;
    f.cipher_suite = 0x1302;
}

}  // namespace

TEST_CASE("A compressed certificate dissects as the Certificate inside", "[tls][handshake][compression]") {
    const auto body = certificate_body();
    for (std::uint16_t algorithm : {1, 2, 3}) {
        CAPTURE(algorithm);
        TlsHarness h;
        tls13(h.facts);
        h.handshake(compressed_message(algorithm, body.size(), compress(algorithm, body)), 1);
        CHECK(value(h.tree, "tls.compress_certificate.algorithm") == std::to_string(algorithm));
        CHECK(value(h.tree, "tls.compress_certificate.uncompressed_length") == std::to_string(body.size()));
        // The same values as the uncompressed Certificate (tls_handshake_test.cpp, tshark).
        CHECK(value(h.tree, "tls.handshake.certificates_length") == "701");
        CHECK(value(h.tree, "tls.handshake.certificate_length") == "696");
        CHECK(value(h.tree, "x509ce.dNSName") == "www.other.test");
        CHECK(lines(h.tree, "tls.compress_certificate.decompressed") ==
              std::vector<std::string>{"Decompressed Certificate (705 bytes)"});
        CHECK(anomalies(h.tree).empty());
        REQUIRE(h.facts.certificates.size() == 1);
        CHECK(h.facts.server_sent_certificate);
        CHECK(h.info == "Compressed Certificate");
    }
}

TEST_CASE("Compressed certificates that must be refused", "[tls][handshake][compression]") {
    const auto body = certificate_body();
    auto refused = [](const std::vector<std::uint8_t>& message, const std::string& why) {
        TlsHarness h;
        tls13(h.facts);
        h.handshake(message, 1);
        CHECK(h.facts.certificates.empty());
        const auto a = anomalies(h.tree);
        REQUIRE(a.size() == 1);
        CHECK(a.front().find(why) != std::string::npos);
    };
    for (std::uint16_t algorithm : {1, 2, 3}) {
        CAPTURE(algorithm);
        const auto data = compress(algorithm, body);
        refused(compressed_message(algorithm, body.size() - 1, data), "expands past the declared length");
        refused(compressed_message(algorithm, body.size() + 1, data), "not the declared");
        auto corrupt = data;
        for (std::size_t i = 2; i < corrupt.size(); i += 3) corrupt[i] ^= 0x5a;
        refused(compressed_message(algorithm, body.size(), corrupt), "corrupt");
        refused(compressed_message(algorithm, body.size(), {data.begin(), data.begin() + data.size() / 2}), "");
    }
    refused(compressed_message(4, body.size(), body), "unknown compression algorithm 4");
    refused(compressed_message(1, kMaxDecompressedCertificate + 1, compress(1, body)), "exceeds the limit");
}

TEST_CASE("A decompression bomb stops at the declared length", "[tls][compression]") {
    const std::vector<std::uint8_t> zeros(8 * 1024 * 1024, 0);
    for (std::uint16_t algorithm : {1, 2, 3}) {
        CAPTURE(algorithm);
        const auto data = compress(algorithm, zeros);
        CHECK(data.size() < 64 * 1024);
        const DecompressedCertificate d = decompress_certificate(algorithm, data, 4096);
        CHECK(d.bytes.empty());
        CHECK(d.error.find("expands past the declared length") != std::string::npos);
    }
}

TEST_CASE("Every cut of a compressed certificate", "[tls][handshake][compression]") {
    const auto body = certificate_body();
    for (std::uint16_t algorithm : {1, 2, 3}) {
        CAPTURE(algorithm);
        // Every prefix is [Truncated] (nothing is decompressed from a cut message).
        CHECK(every_prefix_anomalies(compressed_message(algorithm, body.size(), compress(algorithm, body)), 1,
                                     tls13).empty());
    }
}
