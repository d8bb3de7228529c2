// What the handshake dissector adds beyond the wire: the chosen cipher suite taken
// apart, the Server Key Exchange signature checked, the server's chain of trust checked.
// Each is a generated subtree in the packet tree and a value in the sessions model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/packet_context.hpp"
#include "tls/signature_check.hpp"
#include "tls/tls_common.hpp"

namespace tlsdissect {

// The parts of the negotiated suite, with TLS 1.3's key exchange and authentication
// taken from the handshake (they are not in a TLS 1.3 suite name). Empty strings are
// parts that cannot be known (yet).
struct CipherSuiteParts {
    bool known = false;
    std::string key_exchange;    // "ECDHE", "DHE", "RSA", "PSK", "ECDHE-MLKEM"
    std::string key_exchange_detail;  // "x25519" for TLS 1.3
    std::string authentication;  // "RSA", "ECDSA", "DSS", "anon", "PSK", "Ed25519"
    std::string encryption;      // "AES_128_GCM"
    std::string mac;             // "AEAD", "HMAC-SHA1", "HMAC-SHA256", "NULL"
    std::string prf;             // "SHA256", "SHA384", "MD5+SHA1" (TLS 1.0/1.1)
    bool forward_secrecy = false;
};
CipherSuiteParts cipher_suite_parts(const TlsConnectionFacts& facts);

// Under the Server Hello's Cipher Suite node: [Key Exchange: ECDHE] ... [Forward Secrecy: yes].
void add_cipher_suite_parts(NodeRef suite_node, const TlsConnectionFacts& facts);

// The Server Key Exchange signature of this connection, from the bytes kept in `facts`
// (empty verdict when there is none).
SignatureVerdict server_key_exchange_verdict(const TlsConnectionFacts& facts);
// The same check, to run later or on another thread: copies of the bytes it needs, not
// references into a connection's facts. assign() reuses the buffers of an earlier check.
struct ServerKeyExchangeCheck {
    CertificateSummary leaf;  // its DER and public key algorithm only
    std::uint16_t version = 0;
    std::optional<std::uint16_t> scheme;
    std::vector<std::uint8_t> client_random, server_random, params, signature;

    void assign(const TlsConnectionFacts& facts);
    SignatureVerdict run() const;
};

// After the Server Key Exchange signature node: [Signature: valid] / [Signature: INVALID (...)].
void add_server_key_exchange_check(NodeRef signature_node, const TlsConnectionFacts& facts);
// The same node for any verdict, e.g. a TLS 1.3 CertificateVerify checked with
// verify_certificate_verify() once the handshake is decrypted.
void add_signature_verdict(NodeRef signature_node, const SignatureVerdict& verdict);

// After the server's Certificate message: checks the chain (when a tree is built or the
// sessions model wants it), keeps the verdict in facts.chain, adds [Chain of trust].
void check_server_chain(NodeRef handshake, TlsConnectionFacts& facts, PacketContext& ctx);

}  // namespace tlsdissect
