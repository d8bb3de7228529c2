// Handshake signature checks with OpenSSL's EVP_DigestVerify. What each signature
// scheme means (padding, hash, key type) is read off its IANA name, as the generated
// tables spell it ("rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256", "ed25519"), and for
// TLS 1.2 (hash, signature) pairs that have no SignatureScheme name, off the two
// registries of RFC 5246 section 7.4.1.4.1.
#include "tls/signature_check.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

#include "core/bounded_cache.hpp"
#include "tls/openssl_handles.hpp"
#include "tls/tls_common.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {


enum class SigKind : std::uint8_t { Unknown, RsaPkcs1, RsaPss, Ecdsa, Dsa, Ed25519, Ed448 };

struct SchemeParts {
    SigKind kind = SigKind::Unknown;
    const EVP_MD* md = nullptr;  // null for EdDSA
    std::string name;
};

const EVP_MD* digest_named(std::string_view hash) {
    if (hash == "md5") return EVP_md5();
    if (hash == "sha1") return EVP_sha1();
    if (hash == "sha224") return EVP_sha224();
    if (hash == "sha256") return EVP_sha256();
    if (hash == "sha384") return EVP_sha384();
    if (hash == "sha512") return EVP_sha512();
    return nullptr;
}

// "rsa_pss_rsae_sha256" -> RSA-PSS with SHA-256; "ecdsa_secp384r1_sha384" -> ECDSA,
// SHA-384; "rsa_pkcs1_sha256_legacy" -> PKCS#1 v1.5, SHA-256; pairs such as 0x0402
// (sha256, dsa) from the hash and signature registries.
SchemeParts scheme_parts(std::uint16_t scheme) {
    SchemeParts p;
    std::string name(iana_name(kTlsSignatureSchemes, scheme));
    if (name == "Unknown") {
        const std::string hash(iana_name(kTlsHashAlgorithms, scheme >> 8));
        const std::string sig(iana_name(kTlsSignatureAlgorithms, scheme & 0xff));
        if (hash == "Unknown" || sig == "Unknown") {
            p.name = "Unknown (0x" + hex_u16(scheme) + ")";
            return p;
        }
        p.name = sig + "_" + hash;
        p.md = digest_named(hash);
        if (sig == "rsa") p.kind = SigKind::RsaPkcs1;
        if (sig == "dsa") p.kind = SigKind::Dsa;
        if (sig == "ecdsa") p.kind = SigKind::Ecdsa;
        if (!p.md) p.kind = SigKind::Unknown;
        return p;
    }
    p.name = name;
    if (name == "ed25519") {
        p.kind = SigKind::Ed25519;
        return p;
    }
    if (name == "ed448") {
        p.kind = SigKind::Ed448;
        return p;
    }
    if (name.size() > 7 && name.compare(name.size() - 7, 7, "_legacy") == 0) name.erase(name.size() - 7);
    const std::size_t last = name.rfind('_');
    if (last == std::string::npos) return p;
    p.md = digest_named(std::string_view(name).substr(last + 1));
    if (!p.md) return p;
    if (name.rfind("rsa_pss_", 0) == 0)
        p.kind = SigKind::RsaPss;
    else if (name.rfind("rsa_pkcs1_", 0) == 0)
        p.kind = SigKind::RsaPkcs1;
    else if (name.rfind("ecdsa_", 0) == 0)
        p.kind = SigKind::Ecdsa;
    return p;
}

const char* key_kind_name(SigKind k) {
    switch (k) {
        case SigKind::RsaPkcs1:
        case SigKind::RsaPss: return "RSA";
        case SigKind::Ecdsa: return "EC";
        case SigKind::Dsa: return "DSA";
        case SigKind::Ed25519: return "ED25519";
        case SigKind::Ed448: return "ED448";
        case SigKind::Unknown: break;
    }
    return "?";
}

bool key_fits(EVP_PKEY* key, SigKind kind) {
    switch (kind) {
        case SigKind::RsaPkcs1: return EVP_PKEY_is_a(key, "RSA");
        // rsa_pss_rsae_* use an rsaEncryption key, rsa_pss_pss_* an RSASSA-PSS key.
        case SigKind::RsaPss: return EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS");
        case SigKind::Ecdsa: return EVP_PKEY_is_a(key, "EC");
        case SigKind::Dsa: return EVP_PKEY_is_a(key, "DSA");
        case SigKind::Ed25519: return EVP_PKEY_is_a(key, "ED25519");
        case SigKind::Ed448: return EVP_PKEY_is_a(key, "ED448");
        case SigKind::Unknown: break;
    }
    return false;
}


// Decoding a public key is the slow part of a check with OpenSSL 3 (its decoders cost
// far more than one signature verification), and a server's certificate comes back in
// every connection: keys are kept per certificate, at most kPublicKeyCacheEntries
// (the cache is emptied when full).
constexpr std::size_t kPublicKeyCacheEntries = 256;

EVP_PKEY* public_key(const CertificateSummary& leaf) {
    if (leaf.der.empty()) return nullptr;
    static thread_local BoundedCache<EvpPkeyPtr, kPublicKeyCacheEntries> cache;
    // The key's text in a buffer kept between calls: copied into the cache only on a miss.
    static thread_local std::string id;
    id.assign(reinterpret_cast<const char*>(leaf.der.data()), leaf.der.size());
    return cache
        .get_or_make(id,
                     [&] {
                         const unsigned char* p = leaf.der.data();
                         X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(leaf.der.size())));
                         // a reference of our own
                         EvpPkeyPtr key(cert ? X509_get_pubkey(cert.get()) : nullptr);
                         if (!key) ERR_clear_error();
                         return key;
                     })
        .get();
}

// One EVP_DigestVerify over `data` with the key; `pss` sets RSA-PSS padding with a salt
// as long as the digest (RFC 8446 section 4.2.3).
SignatureVerdict digest_verify(EVP_PKEY* key, const EVP_MD* md, bool pss, Bytes data, Bytes signature,
                               std::string algorithm) {
    SignatureVerdict v;
    v.algorithm = std::move(algorithm);
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key) != 1) {
        v.reason = "OpenSSL cannot verify with this key and digest";
        return v;
    }
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)) {
        v.reason = "OpenSSL cannot set RSA-PSS padding for this key";
        return v;
    }
    const int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size());
    ERR_clear_error();
    v.valid = rc == 1;
    if (rc != 1) v.reason = "the signature does not verify with the certificate's public key";
    return v;
}

SignatureVerdict verify_with_scheme(const CertificateSummary& leaf, std::uint16_t scheme, Bytes data,
                                    Bytes signature) {
    SignatureVerdict v;
    const SchemeParts parts = scheme_parts(scheme);
    v.algorithm = parts.name;
    if (parts.kind == SigKind::Unknown) {
        v.reason = "signature scheme " + parts.name + " is not checked";
        return v;
    }
    EVP_PKEY* key = public_key(leaf);
    if (!key) {
        v.reason = "the certificate's public key cannot be read";
        return v;
    }
    if (!key_fits(key, parts.kind)) {
        v.valid = false;
        v.reason = "the certificate has a " + leaf.public_key_algorithm + " key, " + parts.name + " needs " +
                   key_kind_name(parts.kind);
        return v;
    }
    return digest_verify(key, parts.md, parts.kind == SigKind::RsaPss, data, signature, parts.name);
}

}  // namespace

SignatureVerdict verify_server_key_exchange(const CertificateSummary& leaf, std::uint16_t version,
                                            std::optional<std::uint16_t> scheme, Bytes client_random,
                                            Bytes server_random, Bytes params, Bytes signature) {
    SignatureVerdict v;
    if (leaf.der.empty()) {
        v.reason = "no server certificate to check it with";
        return v;
    }
    if (client_random.size() != 32 || server_random.size() != 32) {
        v.reason = "the hello randoms are missing";
        return v;
    }
    // RFC 5246 section 7.4.3: signed_params = client_random + server_random + params.
    std::vector<std::uint8_t> data;
    data.reserve(64 + params.size());
    data.insert(data.end(), client_random.begin(), client_random.end());
    data.insert(data.end(), server_random.begin(), server_random.end());
    data.insert(data.end(), params.begin(), params.end());
    if (scheme) return verify_with_scheme(leaf, *scheme, data, signature);
    if (version >= 0x0303) {
        v.reason = "a TLS 1.2 signature without its algorithm";
        return v;
    }
    // TLS 1.0 and 1.1 (RFC 2246 / RFC 4346 section 7.4.3): RSA signs MD5(data) || SHA1(data)
    // with PKCS#1 v1.5 padding and no DigestInfo; DSA and ECDSA (RFC 4492 5.4) sign SHA-1.
    EVP_PKEY* key = public_key(leaf);
    if (!key) {
        v.reason = "the certificate's public key cannot be read";
        return v;
    }
    if (EVP_PKEY_is_a(key, "RSA")) return digest_verify(key, EVP_md5_sha1(), false, data, signature, "RSA MD5+SHA1");
    if (EVP_PKEY_is_a(key, "EC")) return digest_verify(key, EVP_sha1(), false, data, signature, "ECDSA SHA1");
    if (EVP_PKEY_is_a(key, "DSA")) return digest_verify(key, EVP_sha1(), false, data, signature, "DSA SHA1");
    v.reason = "a " + leaf.public_key_algorithm + " key cannot sign a TLS 1.0/1.1 key exchange";
    v.valid = false;
    return v;
}

std::string certificate_verify_content(Bytes transcript_hash, bool server) {
    // RFC 8446 section 4.4.3: 64 octets of 0x20, the context string, one 0 byte, the hash.
    std::string content(64, ' ');
    content += server ? "TLS 1.3, server CertificateVerify" : "TLS 1.3, client CertificateVerify";
    content.push_back('\0');
    content.append(transcript_hash.begin(), transcript_hash.end());
    return content;
}

SignatureVerdict verify_certificate_verify(const CertificateSummary& leaf, std::uint16_t scheme, Bytes signature,
                                           Bytes transcript_hash, bool server) {
    if (leaf.der.empty()) {
        SignatureVerdict v;
        v.reason = "no certificate to check it with";
        return v;
    }
    const std::string content = certificate_verify_content(transcript_hash, server);
    const Bytes data(reinterpret_cast<const std::uint8_t*>(content.data()), content.size());
    return verify_with_scheme(leaf, scheme, data, signature);
}

}  // namespace tlsdissect
