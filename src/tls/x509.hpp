// X.509 certificates (RFC 5280) as the TLS Certificate message carries them: the
// certificate's fields as a tree with byte offsets, and a summary for the sessions model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

struct CertificateSummary {
    bool parsed = false;              // OpenSSL could decode it
    std::string subject, issuer;      // RFC 4514, as OpenSSL prints with XN_FLAG_RFC2253
    std::string serial_hex;           // lowercase, no separators
    std::string not_before, not_after;  // UTC ISO 8601, "2025-01-01T00:00:00Z"
    std::int64_t not_before_epoch = 0, not_after_epoch = 0;
    std::string signature_algorithm;  // OpenSSL long name, e.g. "sha256WithRSAEncryption"
    std::string public_key_algorithm; // "RSA", "EC", "Ed25519", "DSA", "ML-DSA-44"(if OpenSSL knows it, else the OID)
    int public_key_bits = 0;
    std::string curve;                // "prime256v1" etc. for EC
    std::vector<std::string> san;     // DNS names and IP addresses from subjectAltName
    std::vector<std::string> policies;// certificate policy OIDs (for DV/OV/EV later)
    bool is_ca = false;
    int path_len = -1;
    std::string sha256_hex, sha1_hex; // fingerprints of the DER
    // JA4X (FoxIO): how the certificate was built, from the OIDs of its issuer and
    // subject attributes and of its extensions, in their encoded order; empty when
    // OpenSSL could not decode it.
    std::string ja4x;

    int version = 0;                  // 1, 2 or 3 (the encoded value plus one)
    std::string subject_cn, issuer_cn;  // the most specific commonName, UTF-8; empty when none
    // The subject as Wireshark labels a certificate, most specific RDN first:
    // "id-at-commonName=www.example.test,id-at-organizationName=Example"; for the
    // TLS "Certificate: 3082… (…)" label.
    std::string subject_display;
    // The certificate's DER encoding (empty when OpenSSL could not decode it), for
    // signature and chain checks with OpenSSL.
    std::vector<std::uint8_t> der;
};

// Dissects one DER-encoded certificate (the bytes of one ASN.1Cert) into `parent`,
// adding the certificate's fields as children, with byte offsets (the reader knows
// its absolute offset). Never throws, never reads out of bounds; bad DER becomes a
// [Malformed: ...] node (parent.malformed / short_read) and what can be shown is shown.
// With a null `parent` no tree is built and only the summary is filled.
CertificateSummary dissect_x509_certificate(ByteReader der, NodeRef parent);

// The CA/Browser Forum validation level(s) named by certificate policy OIDs:
// "DV (domain validated)", "OV (organization validated)", "IV (individual validated)",
// "EV (extended validation)", joined by ", " (strongest first); empty when none.
std::string cabf_validation_level(const std::vector<std::string>& policy_oids);
// Dissects a DER-encoded OCSPResponse (RFC 6960 section 4.2.1), as a CertificateStatus
// message (RFC 6066 section 8) or a TLS 1.3 certificate entry's status_request extension
// carries it, into `parent` with Wireshark's ocsp.* field names and byte offsets. Returns
// OpenSSL's reading in one line ("successful, 1 item: good"), empty when OpenSSL cannot
// decode it (then `parent` has a [Malformed: ...] node) or the bytes were cut short.
std::string dissect_ocsp_response(ByteReader der, NodeRef parent);

// The certificate in PEM (RFC 7468 "CERTIFICATE", 64-character lines, as OpenSSL
// writes it); empty when OpenSSL cannot decode `der`.
std::string certificate_pem(const std::vector<std::uint8_t>& der);

// "CN=www.example.test ← CN=Intermediate CA, valid until 2027-01-01" style one-liner.
std::string certificate_one_line(const CertificateSummary& s);

}  // namespace tlsdissect
