// What a cipher suite is made of: key exchange, authentication, bulk encryption, MAC
// and PRF hash, read off its IANA name (RFC 5246 appendix A.5, RFC 8446 appendix B.4),
// plus the parameters record decryption needs. The names come from the generated IANA
// table, so a suite the registry knows is decomposed without a hand-typed list.
#pragma once

#include <cstdint>
#include <string>

namespace tlsdissect {

enum class CipherMode : std::uint8_t { Unknown, Null, Stream, Cbc, Gcm, Ccm, ChaCha20Poly1305 };

struct CipherSuiteInfo {
    bool known = false;           // the registry names it and the name could be decomposed
    bool signalling = false;      // TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV
    bool tls13 = false;           // TLS 1.3 form: no key exchange or authentication in the name
    std::string name;             // "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    std::string key_exchange;     // "ECDHE", "DHE", "RSA", "PSK", "ECDHE_PSK", "DH", "SRP"...; "any" for TLS 1.3
    std::string authentication;   // "RSA", "ECDSA", "DSS", "anon", "PSK", "NULL"...; "any" for TLS 1.3
    std::string encryption;       // "AES_128_GCM", "CHACHA20_POLY1305", "3DES_EDE_CBC", "RC4_128", "NULL"
    std::string mac;              // "AEAD", "SHA" (HMAC-SHA1), "SHA256", "SHA384", "MD5", "NULL"
    std::string prf_hash;         // "SHA256", "SHA384", "SM3"; the TLS 1.2 PRF / TLS 1.3 HKDF hash
    bool forward_secrecy = false; // ephemeral (EC)DH key exchange, or TLS 1.3
    bool export_grade = false;    // an EXPORT suite (40/56-bit keys, FREAK/Logjam era)
    bool aead = false;
    bool anonymous = false;       // no authentication at all
    // For record decryption.
    CipherMode mode = CipherMode::Unknown;
    std::string evp_cipher;       // OpenSSL EVP name: "AES-128-GCM", "CHACHA20-POLY1305", "DES-EDE3-CBC"
    int key_bytes = 0;
    int fixed_iv_bytes = 0;       // implicit IV part: 4 for GCM/CCM, 12 for ChaCha20 and TLS 1.3, block size for CBC in TLS 1.0
    int block_bytes = 0;          // CBC block size
    int tag_bytes = 0;            // AEAD tag: 16, or 8 for CCM_8
    int mac_bytes = 0;            // HMAC output length for CBC and stream suites
    std::string mac_digest;       // OpenSSL digest name of the HMAC: "SHA1", "SHA256", "SHA384", "MD5"
};

// Decomposes a suite by its IANA name; `known` is false for unassigned values and for
// names this function cannot split (the other fields are then empty). The reference stays
// valid for the thread's life.
const CipherSuiteInfo& describe_cipher_suite(std::uint16_t suite);

// The weak building blocks an audit or a teacher points at.
bool cipher_is_weak(const CipherSuiteInfo& info);  // NULL, EXPORT, RC4, DES, 3DES, RC2, IDEA, anonymous

}  // namespace tlsdissect
