// The cryptography of TLS record protection, all from OpenSSL libcrypto: the TLS 1.0-1.2
// PRF (RFC 2246 section 5, RFC 5246 section 5), HKDF-Expand-Label (RFC 8446 section 7.1),
// digests and HMAC, and record decryption (RFC 5246 section 6.2.3, RFC 8446 section 5.2,
// RFC 7366 encrypt-then-MAC, RFC 7905 ChaCha20-Poly1305). Nothing here parses packets:
// the record layer hands over bytes and gets bytes or a reason back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tls/cipher_suites.hpp"
#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

using Secret = std::vector<std::uint8_t>;

// The PRF of `version`: P_MD5 xor P_SHA1 before TLS 1.2, P_<hash> in TLS 1.2.
std::optional<Secret> tls_prf(std::uint16_t version, const std::string& prf_hash, Bytes secret, std::string_view label,
                              Bytes seed, std::size_t length);
// HKDF-Expand-Label(secret, label, context, length) with "tls13 " prefixed to the label.
std::optional<Secret> hkdf_expand_label(const std::string& hash, Bytes secret, std::string_view label, Bytes context,
                                        std::size_t length);
std::optional<Secret> digest_of(const std::string& hash, Bytes data);
std::optional<Secret> hmac_of(const std::string& hash, Bytes key, Bytes data);
std::size_t digest_length(const std::string& hash);  // 0 when OpenSSL does not know it

struct DecryptedRecord {
    bool ok = false;
    std::vector<std::uint8_t> plaintext;
    std::uint8_t content_type = 0;  // the TLS 1.3 inner type; the record's type otherwise
    std::string error;              // why not ok: "authentication tag mismatch (wrong key?)"
};

// One direction's record protection. Keeps the sequence number (and, for TLS 1.0 CBC
// and RC4, the chaining state) from record to record.
class RecordDecryptor {
public:
    virtual ~RecordDecryptor() = default;
    // `type` and `version` are the record header's; `fragment` its body.
    virtual DecryptedRecord decrypt(std::uint8_t type, std::uint16_t version, Bytes fragment) = 0;
    std::uint64_t sequence() const { return seq_; }
    // A record that cannot be decrypted (cut by the capture) still used a sequence number.
    void skip() { ++seq_; }
    // DTLS: the sequence number is on the wire (epoch << 48 | sequence_number, RFC 6347
    // section 4.1.2.1), so each record sets it before decrypt().
    void set_sequence(std::uint64_t seq) { seq_ = seq; }
    const std::string& cipher_label() const { return label_; }

protected:
    std::uint64_t seq_ = 0;
    std::string label_;  // "AES-128-GCM", for the tree
};

// TLS 1.0-1.2 (and SSL 3.0 AEAD-free suites are refused): keys from the key block.
std::unique_ptr<RecordDecryptor> make_tls12_decryptor(const CipherSuiteInfo& suite, std::uint16_t version, Bytes key,
                                                      Bytes iv, Bytes mac_key, bool encrypt_then_mac, std::string& error);
// TLS 1.3: write key and IV derived from a traffic secret.
std::unique_ptr<RecordDecryptor> make_tls13_decryptor(const CipherSuiteInfo& suite, Bytes traffic_secret,
                                                      std::string& error);

}  // namespace tlsdissect
