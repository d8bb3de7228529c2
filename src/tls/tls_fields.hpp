// TLS fields that more than one TLS parser adds: declared once here, so every occurrence
// is the same definition (and address). Fields read by one parser only stay in its file.
#pragma once

#include "core/iana_tables.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

// The handshake header and hello fields (tls_handshake.cpp; the same names in the SSLv2
// Client Hello of tls_connection.cpp).
inline constexpr FieldDef kHsVersion{"tls.handshake.version", "Version", FieldType::UInt, Base::Hex, {}, 0, 16};
inline constexpr FieldDef kSessionId{"tls.handshake.session_id", "Session ID", FieldType::Bytes};
inline constexpr FieldDef kSessionResumed{"tls.handshake.session_resumed", "Session resumed", FieldType::Expert,
                                          Base::None, {}, 0, 0, {}, Severity::Chat};

// SignatureScheme lists (signature_algorithms and signature_algorithms_cert extensions,
// TLS 1.2 CertificateRequest) and single schemes (signatures, SCTs).
inline constexpr FieldDef kSigAlgsLen{"tls.handshake.sig_hash_alg_len", "Signature Hash Algorithms Length",
                                      FieldType::UInt, Base::Dec, {}, 0, 16};
inline constexpr FieldDef kSigAlgs{"tls.handshake.sig_hash_algs", "Signature Hash Algorithms", FieldType::None};
inline constexpr FieldDef kSigAlg{"tls.handshake.sig_hash_alg", "Signature Algorithm", FieldType::UInt, Base::Hex,
                                  {}, 0, 16};

// CertificateStatusType: the status_request extension and the CertificateStatus message.
inline constexpr FieldDef kCertStatusType{"tls.handshake.extensions_status_request_type", "Certificate Status Type",
                                          FieldType::UInt, Base::Dec, kTlsCertificateStatusTypes, 0, 8};

// RFC 8879 CertificateCompressionAlgorithm: the compress_certificate extension and the
// CompressedCertificate message.
inline constexpr ValueName kCertCompressionAlgorithms[] = {{1, "zlib"}, {2, "brotli"}, {3, "zstd"}};
inline constexpr FieldDef kCertCompressionAlg{"tls.compress_certificate.algorithm", "Algorithm", FieldType::UInt,
                                              Base::Dec, kCertCompressionAlgorithms, 0, 16};

}  // namespace tlsdissect
