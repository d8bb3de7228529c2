// Handshake signatures checked with the server certificate's public key (OpenSSL EVP):
// the Server Key Exchange signature of TLS 1.0-1.2 (RFC 5246 section 7.4.3, RFC 4346
// and RFC 2246 section 7.4.3, RFC 8422 section 5.4) and the TLS 1.3 CertificateVerify
// (RFC 8446 section 4.4.3). Pure functions: bytes and a certificate in, a verdict out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tlsdissect/byte_reader.hpp"
#include "tls/x509.hpp"

namespace tlsdissect {

struct SignatureVerdict {
    // true: the signature verifies; false: it does not (wrong bytes, wrong key, a
    // scheme that does not fit the key); empty: it could not be checked.
    std::optional<bool> valid;
    // Why it could not be checked, or what failed ("no certificate", "unsupported
    // signature scheme 0x0fff", "the certificate has an EC key, the scheme needs RSA").
    std::string reason;
    std::string algorithm;  // what was checked: "rsa_pss_rsae_sha256", "RSA MD5+SHA1 (TLS 1.0/1.1)"
};

// The Server Key Exchange signature over client_random + server_random + params.
// `version` is the negotiated version (0x0301..0x0303); `scheme` the
// SignatureAndHashAlgorithm (TLS 1.2), empty before TLS 1.2, where RSA signs the
// MD5+SHA1 concatenation and ECDSA and DSA sign SHA-1.
SignatureVerdict verify_server_key_exchange(const CertificateSummary& leaf, std::uint16_t version,
                                            std::optional<std::uint16_t> scheme, Bytes client_random,
                                            Bytes server_random, Bytes params, Bytes signature);

// The TLS 1.3 CertificateVerify (RFC 8446 section 4.4.3): the signature over 64 spaces,
// the context string ("TLS 1.3, server CertificateVerify" or "TLS 1.3, client
// CertificateVerify"), a zero byte and the transcript hash, with the leaf's key.
SignatureVerdict verify_certificate_verify(const CertificateSummary& leaf, std::uint16_t scheme, Bytes signature,
                                           Bytes transcript_hash, bool server);

// The bytes a TLS 1.3 CertificateVerify signs (for tests and for explaining it).
std::string certificate_verify_content(Bytes transcript_hash, bool server);

}  // namespace tlsdissect
