// Generated analysis nodes of the TLS handshake: cipher-suite parts, the Server Key
// Exchange signature verdict, the chain of trust. The checks themselves live in
// cipher_suites.cpp, signature_check.cpp and chain_of_trust.cpp.
#include "tls/handshake_checks.hpp"
#include "tls/tls_state.hpp"

#include <memory>

#include "tls/chain_of_trust.hpp"
#include "tls/cipher_suites.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kKeyExchange{"tls.handshake.ciphersuite.key_exchange", "Key Exchange", FieldType::String};
constexpr FieldDef kAuthentication{"tls.handshake.ciphersuite.authentication", "Authentication", FieldType::String};
constexpr FieldDef kEncryption{"tls.handshake.ciphersuite.encryption", "Encryption", FieldType::String};
constexpr FieldDef kMac{"tls.handshake.ciphersuite.mac", "MAC", FieldType::String};
constexpr FieldDef kPrf{"tls.handshake.ciphersuite.prf", "PRF Hash", FieldType::String};
constexpr FieldDef kForwardSecrecy{"tls.handshake.ciphersuite.forward_secrecy", "Forward Secrecy", FieldType::Bool};
constexpr FieldDef kSignatureValid{"tls.handshake.sig.valid", "Signature valid", FieldType::Bool};
constexpr FieldDef kSignatureUnchecked{"tls.handshake.sig.unchecked", "Signature not checked", FieldType::String};

std::string mac_name(const std::string& mac) {
    if (mac == "SHA") return "HMAC-SHA1";
    if (mac == "SHA256" || mac == "SHA384" || mac == "MD5" || mac == "SM3") return "HMAC-" + mac;
    return mac;  // "AEAD", "NULL"
}

std::string key_type_auth(const std::string& key) {
    if (key == "EC") return "ECDSA";
    if (key == "DSA") return "DSS";
    return key;  // "RSA", "Ed25519", "Ed448", "RSA-PSS"
}

}  // namespace

CipherSuiteParts cipher_suite_parts(const TlsConnectionFacts& f) {
    CipherSuiteParts p;
    if (!f.cipher_suite) return p;
    const CipherSuiteInfo& info = describe_cipher_suite(*f.cipher_suite);
    if (!info.known) return p;
    p.known = true;
    p.encryption = info.encryption;
    p.mac = mac_name(info.mac);
    p.forward_secrecy = info.forward_secrecy;
    const std::uint16_t version = f.negotiated_version.value_or(0x0303);
    if (info.tls13) {
        // RFC 8446 section 2: the key exchange is the key_share group (or a PSK alone),
        // authentication the certificate's key (or the PSK).
        if (f.kx_group) {
            const std::string g(iana_name(kTlsSupportedGroups, *f.kx_group));
            p.key_exchange = g.rfind("ffdhe", 0) == 0               ? "DHE"
                             : g.rfind("MLKEM", 0) == 0             ? "MLKEM"
                             : g.find("MLKEM") != std::string::npos ? "ECDHE-MLKEM"
                                                                    : "ECDHE";
            p.key_exchange_detail = g;
        } else if (f.server_selected_psk) {
            p.key_exchange = "PSK";
            p.forward_secrecy = false;  // psk_ke: no (EC)DHE
        }
        if (f.server_selected_psk)
            p.authentication = "PSK";
        else if (!f.certificates.empty())
            p.authentication = key_type_auth(f.certificates.front().public_key_algorithm);
        p.prf = info.prf_hash;
        return p;
    }
    p.key_exchange = info.key_exchange;
    p.authentication = info.authentication;
    // RFC 2246 / 4346 section 5: before TLS 1.2 the PRF combines MD5 and SHA-1.
    p.prf = version < 0x0303 ? "MD5+SHA1" : info.prf_hash;
    return p;
}

void add_cipher_suite_parts(NodeRef suite, const TlsConnectionFacts& f) {
    if (!suite) return;
    const CipherSuiteParts p = cipher_suite_parts(f);
    if (!p.known) return;
    const bool tls13 = f.tls13();
    std::string kx = p.key_exchange.empty() ? std::string("(EC)DHE or PSK, from the key_share extension") : p.key_exchange;
    if (!p.key_exchange_detail.empty()) kx += " (" + p.key_exchange_detail + ", from the key_share extension)";
    suite.add_generated(kKeyExchange, p.key_exchange).set_text("Key Exchange: ", kx);
    std::string auth = p.authentication;
    if (auth.empty()) auth = "certificate or PSK (not part of a TLS 1.3 suite)";
    if (auth == "anon" || auth == "NULL") auth += " (no authentication)";
    suite.add_generated(kAuthentication, p.authentication).set_text("Authentication: ", auth);
    suite.add_generated(kEncryption, p.encryption).set_text("Encryption: ", p.encryption);
    suite.add_generated(kMac, p.mac)
        .set_text("MAC: " + p.mac + (p.mac == "AEAD" ? " (the cipher authenticates each record)" : ""));
    suite.add_generated(kPrf, p.prf)
        .set_text(tls13 ? "HKDF Hash: " : "PRF Hash: ", p.prf);
    suite.add_generated(kForwardSecrecy, p.forward_secrecy)
        .set_text(std::string("Forward Secrecy: ") + (p.forward_secrecy ? "yes" : "no"));
}

SignatureVerdict server_key_exchange_verdict(const TlsConnectionFacts& f) {
    if (f.ske_signature.empty()) return {};
    static const CertificateSummary kNone;
    const CertificateSummary& leaf = f.certificates.empty() ? kNone : f.certificates.front();
    return verify_server_key_exchange(leaf, f.negotiated_version.value_or(0x0303), f.ske_signature_scheme,
                                      f.client_random, f.server_random, f.ske_params, f.ske_signature);
}

void ServerKeyExchangeCheck::assign(const TlsConnectionFacts& f) {
    if (f.certificates.empty()) {
        leaf.der.clear();
        leaf.public_key_algorithm.clear();
    } else {
        leaf.der.assign(f.certificates.front().der.begin(), f.certificates.front().der.end());
        leaf.public_key_algorithm.assign(f.certificates.front().public_key_algorithm);
    }
    version = f.negotiated_version.value_or(0x0303);
    scheme = f.ske_signature_scheme;
    client_random.assign(f.client_random.begin(), f.client_random.end());
    server_random.assign(f.server_random.begin(), f.server_random.end());
    params.assign(f.ske_params.begin(), f.ske_params.end());
    signature.assign(f.ske_signature.begin(), f.ske_signature.end());
}

SignatureVerdict ServerKeyExchangeCheck::run() const {
    if (signature.empty()) return {};
    return verify_server_key_exchange(leaf, version, scheme, client_random, server_random, params, signature);
}

void add_server_key_exchange_check(NodeRef sig, const TlsConnectionFacts& f) {
    if (sig) add_signature_verdict(sig, server_key_exchange_verdict(f));
}

void add_signature_verdict(NodeRef sig, const SignatureVerdict& v) {
    if (!sig) return;
    if (v.valid) {
        sig.add_generated(kSignatureValid, *v.valid)
            .set_text(*v.valid ? "Signature: valid (" + v.algorithm + ", server certificate's key)"
                               : "Signature: INVALID (" + v.reason + ")");
    } else {
        sig.add_generated(kSignatureUnchecked, v.reason).set_text("Signature: not checked (", v.reason, ")");
    }
}

void check_server_chain(NodeRef hs, TlsConnectionFacts& f, PacketContext& ctx) {
    TlsState& tls = ctx.state->get<TlsState>();
    if (!tls.chain_verifier || f.certificates.empty()) return;
    if (!hs && !tls.verify_chain_always) return;
    f.chain = tls.chain_verifier->verify(f.certificates, f.sni, ctx.frame.ts_ns / 1000000000);
    add_chain_of_trust_nodes(hs, *f.chain);
}

}  // namespace tlsdissect
