// The key schedule of one TLS connection, for decryption with a key log: which record
// decryptor each side uses when (TLS 1.2: from its Change Cipher Spec; TLS 1.3: handshake
// keys after the Server Hello, application keys after each side's Finished, KeyUpdate),
// and the Finished check against the handshake transcript (RFC 5246 section 7.4.9,
// RFC 8446 section 4.4.4). Pure state: the record layer feeds it messages and asks it
// for decryptors; the tree is built elsewhere.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tls/keylog.hpp"
#include "tls/tls_common.hpp"
#include "tls/tls_crypto.hpp"

namespace tlsdissect {

// A handshake transcript larger than this is not kept; its Finished is not checked.
inline constexpr std::size_t kMaxTranscriptBytes = 1u << 20;

struct FinishedVerdict {
    bool checked = false;      // false: nothing to check against (no key, unsupported version)
    bool correct = false;
    std::string expected_hex;  // the verify_data the keys and transcript give
    std::string reason;        // why it was not checked
};

// One record opened by TlsDecryption::open_record.
struct OpenedRecord {
    DecryptedRecord record;       // ok, or the error the expected key gave
    std::uint64_t sequence = 0;   // the record's sequence number under that key
    std::string cipher;           // the decryptor's label ("AES-256-GCM")
    bool early_data = false;      // opened with the client's early traffic keys (0-RTT)
    // A client record of the 0-RTT window that no key opens because the key log has no
    // CLIENT_EARLY_TRAFFIC_SECRET: early data, not a broken record (see early_unavailable()).
    bool early_data_without_key = false;
};

class TlsDecryption {
public:
    explicit TlsDecryption(const KeyLog& keys) : keys_(keys) {}
    // DTLS: handshake messages have a 12-byte header (RFC 6347 section 4.2.2), which the
    // transcript keeps as if each message had been sent unfragmented.
    void set_dtls() { header_ = 12; }

    // Every plaintext or decrypted handshake message (header included), in order, after
    // the dissector has filled `facts` from it. `role` 0 is the client. A Finished gets
    // its verdict; the key schedule moves on.
    FinishedVerdict on_handshake_message(int role, Bytes message, const TlsConnectionFacts& facts);
    // TLS 1.2 and older: records from `role` are protected from its Change Cipher Spec on.
    void on_change_cipher_spec(int role);
    // The decryptor for records from `role` now; null when they are not protected or not decryptable.
    RecordDecryptor* decryptor(int role) { return active_[role].get(); }
    // TLS over TCP: can a record from `role` be opened now (its keys, or the client's
    // 0-RTT keys)? open_record decrypts it; skip_record passes over one cut by the capture.
    bool can_open(int role) const { return active_[role] || (role == 0 && early_window_ && !early_.empty()); }
    OpenedRecord open_record(int role, std::uint8_t type, std::uint16_t version, Bytes fragment);
    void skip_record(int role);
    // Records from `role` are protected but cannot be decrypted: why (empty otherwise).
    const std::string& unavailable(int role) const {
        return role == 0 && early_window_ && !active_[0] ? early_why_not_ : why_not_[role];
    }
    // Why the client's early data cannot be decrypted.
    const std::string& early_unavailable() const { return early_why_not_; }
    bool protected_records(int role) const { return protected_[role]; }
    // A protected record could not be decrypted: if it may have carried handshake
    // messages, the transcript is incomplete and no later Finished can be judged.
    void record_lost() { transcript_incomplete_ = true; }
    // The TLS 1.3 transcript hash so far (for a CertificateVerify); empty when it is not known whole.
    std::optional<Secret> transcript_hash_now() const {
        if (!tls13_ || transcript_incomplete_) return std::nullopt;
        return transcript_hash(suite_.prf_hash);
    }

private:
    void start_tls12(const TlsConnectionFacts& facts);
    void start_early_data(const TlsConnectionFacts& facts);
    void master_from_rsa_premaster(Bytes client_key_exchange, const TlsConnectionFacts& facts);
    void end_early_data();
    void start_tls13(const TlsConnectionFacts& facts);
    std::optional<Secret> transcript_hash(const std::string& hash) const;
    FinishedVerdict check_finished(int role, Bytes verify_data, const TlsConnectionFacts& facts) const;
    void set_unavailable(int role, std::string why);

    const KeyLog& keys_;
    const SessionSecrets* secrets_ = nullptr;
    // TLS 1.0-1.2: the master secret, from a CLIENT_RANDOM line or derived from an RSA
    // line's pre-master secret at the Client Key Exchange.
    Secret master_secret_;
    CipherSuiteInfo suite_;
    std::uint16_t version_ = 0;     // the TLS version whose cryptography applies (DTLS mapped)
    std::size_t header_ = 4;        // handshake header length: 4, or 12 for DTLS
    bool tls13_ = false;
    std::vector<std::uint8_t> transcript_;
    bool transcript_overflow_ = false;
    bool transcript_incomplete_ = false;
    std::unique_ptr<RecordDecryptor> pending_[2], active_[2];
    Secret traffic_secret_[2];     // TLS 1.3: the current secret per side (for KeyUpdate)
    Secret handshake_secret_[2];   // TLS 1.3: for the Finished keys
    bool protected_[2] = {false, false};
    bool hello_retry_ = false;          // TLS 1.3: a HelloRetryRequest came; the next Client Hello continues the transcript
    bool application_keys_[2] = {false, false};
    std::string why_not_[2];
    // TLS 1.3 0-RTT (RFC 8446 sections 2.3, 4.2.10): after a Client Hello with early_data
    // the client's records are protected with its early traffic keys until its
    // EndOfEarlyData, then with its handshake keys; early records the server rejected may
    // still come after the Server Hello. While that window is open each client record is
    // tried with the key it most likely uses, then the other (a failed try does not use up
    // a sequence number), as Wireshark does. The early keys come from
    // CLIENT_EARLY_TRAFFIC_SECRET and the suite of the PSK, which only a record tells:
    // one decryptor per TLS 1.3 suite of the Client Hello whose hash fits the secret,
    // until a record opens with one.
    std::vector<std::unique_ptr<RecordDecryptor>> early_;
    bool early_window_ = false;     // client records may still be early data
    bool early_expected_ = false;   // ... and the next one most likely is
    bool client_offered_tls13_ = false;  // a Change Cipher Spec before the Server Hello is for compatibility
    std::string early_why_not_;
};

}  // namespace tlsdissect
