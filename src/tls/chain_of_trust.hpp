// The chain of trust of a server certificate, checked the way a client checks it, with
// OpenSSL's libcrypto (RFC 5280 section 6 path validation, RFC 6125 name matching):
// the chain as sent, ordered root to leaf, each certificate's signature verified with
// its issuer's public key, the path validated against a root store at the capture's
// time (not today), and the server name (SNI) matched against the leaf's names.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tls/x509.hpp"
#include "tlsdissect/field.hpp"

typedef struct x509_store_st X509_STORE;
typedef struct x509_st X509;

namespace tlsdissect {

// Longest path followed from the leaf towards a root (real chains have 2 to 4
// certificates; a loop or a flood of certificates stops here).
inline constexpr std::size_t kMaxChainLength = 16;
// Chain verdicts remembered per verifier (the same chain comes back in every connection
// to a server); the cache is emptied when full.
inline constexpr std::size_t kChainVerdictCacheEntries = 1024;
// Server names whose match against one cached chain's leaf is remembered (emptied when full).
inline constexpr std::size_t kChainNameCacheEntries = 256;

// A set of trusted roots: a PEM file, a directory of PEM files (hashed or not), or the
// system store (OpenSSL's default paths, /etc/ssl/certs on Debian).
class TrustStore {
public:
    // `path` empty: the system store. Null, with `error` set, when nothing could be loaded.
    static std::shared_ptr<const TrustStore> load(const std::string& path, std::string& error);
    // The system store, loaded once per process on first use.
    static std::shared_ptr<const TrustStore> system();
    ~TrustStore();
    TrustStore(const TrustStore&) = delete;
    TrustStore& operator=(const TrustStore&) = delete;
    X509_STORE* store() const { return store_; }
    const std::string& description() const { return description_; }  // "the system store", "roots.pem"

private:
    TrustStore(X509_STORE* store, std::string description) : store_(store), description_(std::move(description)) {}
    X509_STORE* store_;
    std::string description_;
};

// One certificate of the path, root first.
struct ChainLink {
    std::string subject;        // RFC 4514
    std::string name;           // commonName, or the subject when it has none
    std::string not_before, not_after;  // ISO 8601
    std::int64_t not_before_epoch = 0, not_after_epoch = 0;
    int sent_index = -1;        // position in the Certificate message (0 = leaf); -1: from the root store
    bool self_signed = false;
    bool trusted = false;       // found in the root store (sent or not)
    // Its signature checked with the issuer's public key (its own when self-signed);
    // empty when the issuer is neither sent nor in the root store.
    std::optional<bool> signature_valid;
    bool valid_at_time = false; // not_before <= checked_at <= not_after
};

struct ChainVerdict {
    bool checked = false;         // there was a certificate to check
    bool valid = false;           // path_valid, and the name matches (when there is one)
    bool path_valid = false;      // OpenSSL's X509_verify_cert found no error
    int error = 0;                // the first X509_V_ERR_* (0 when none)
    std::string reason;           // "certificate has expired: CN=www.example.test (not after 2025-…)"; empty when valid
    std::vector<std::string> errors;  // every problem OpenSSL reported, in its order
    std::int64_t checked_at = 0;  // seconds since the epoch: the capture time of the Certificate message
    std::vector<ChainLink> path;  // root first; from the sent chain and the root store
    std::vector<int> unused;      // sent certificates not on the path from the leaf (sent_index)
    std::string roots;            // which root store was used
    std::string server_name;      // the SNI checked; empty when the client sent none
    std::optional<bool> name_matches;
    std::string matched_name;     // the subjectAltName (or CN) that matched
};

// Checks `sent` (the Certificate message's list, leaf first) against `roots` at
// `at_epoch` (seconds), and the leaf against `server_name` (may be empty).
// Never throws; anything OpenSSL cannot decode is a failed verdict with its reason.
ChainVerdict verify_chain(const std::vector<CertificateSummary>& sent, const std::string& server_name,
                          std::int64_t at_epoch, const TrustStore& roots);

// verify_chain with a cache: the path verdict of a chain and store is reused at another
// time when both times lie inside every path certificate's validity; the server name is
// checked each time.
class ChainVerifier {
public:
    // Null `roots`: the system store, loaded on first use.
    explicit ChainVerifier(std::shared_ptr<const TrustStore> roots = nullptr) : roots_(std::move(roots)) {}
    ChainVerdict verify(const std::vector<CertificateSummary>& sent, const std::string& server_name,
                        std::int64_t at_epoch);

private:
    struct Cached {
        ChainVerdict verdict;                          // without the server name
        std::int64_t valid_from = 0, valid_until = 0;  // the verdict holds for times in here
        std::shared_ptr<X509> leaf;                    // decoded once, for the name checks
        // Name checks already made against this leaf: server name -> (matches, matched name).
        std::unordered_map<std::string, std::pair<std::optional<bool>, std::string>> names;
    };
    std::shared_ptr<const TrustStore> roots_;
    std::unordered_map<std::string, Cached> cache_;
};

// "2026-11-27T07:31:16Z"
std::string iso8601_utc(std::int64_t epoch_seconds);

// The generated "[Chain of trust]" subtree (after a Certificate message).
void add_chain_of_trust_nodes(NodeRef parent, const ChainVerdict& verdict);

}  // namespace tlsdissect
