// Fuzz target: one DER certificate through dissect_x509_certificate: with a tree, without
// one (summary only), and cut short at an input-dependent point as a snap length would.
//
// Input: the DER bytes, as a TLS Certificate message carries one ASN.1Cert.
#include <cstdint>

#include "fuzz_support.hpp"
#include "tls/x509.hpp"

using namespace tlsdissect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes der(data, size);
    Tree tree;
    tree.frame_bytes = der;
    CertificateSummary with_tree = dissect_x509_certificate(ByteReader(der, 0), tree.root());
    fuzz::render(tree);
    (void)certificate_one_line(with_tree);

    CertificateSummary without = dissect_x509_certificate(ByteReader(der, 0), NodeRef{});
    // The summary does not depend on whether a tree is built.
    FUZZ_CHECK(without.parsed == with_tree.parsed);
    FUZZ_CHECK(without.subject == with_tree.subject);
    FUZZ_CHECK(without.sha256_hex == with_tree.sha256_hex);

    if (size > 1) {
        // Cut: only a prefix was captured; the wire had it all.
        const std::size_t kept = (data[size - 1] * size) / 256;
        Tree cut;
        cut.frame_bytes = der.first(kept);
        (void)dissect_x509_certificate(ByteReader(der.first(kept), size, 0), cut.root());
        fuzz::render(cut);
    }
    return 0;
}
