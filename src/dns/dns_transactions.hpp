// DnsTransactionTable: matches DNS responses to their queries across packets, marks
// retransmissions, lists queries that got no answer, and remembers which names
// resolved to which addresses (for the DNS -> TLS link).
//
// A transaction is keyed by both endpoints (address and port; the pair is unordered
// so the query's and the response's directions meet), the transport and the DNS ID;
// within a key, the question decides (name case-insensitively, type and class).
//
//   query    : the latest transaction under the key that is unanswered, asks the same
//              question and is younger than kDnsRetransmissionWindowNs makes this query
//              a retransmission of it; otherwise a new transaction starts.
//   response : the latest unanswered transaction under the key with the same question
//              (a response without a question, as mDNS sends, takes the latest
//              unanswered one whose question names an owner in the answers, else the
//              latest unanswered one). A response to an answered transaction is a
//              retransmitted response (except for AXFR/IXFR, which answer in many
//              messages). A response nothing matches is unsolicited.
//
// One pass: "Response In" on a query is only known when the response came first (a
// capture whose packets are out of time order). A response that matches nothing is
// kept (bounded, for kDnsTransactionTimeoutNs) so that a query arriving later with the
// same key and question can point at it. Everything else about a query's answer is
// added to the response's tree, and is available at the end through unanswered().
//
// Bounded: at most kMaxDnsTransactions unanswered transactions and kMaxDnsResolutions
// remembered resolutions; transactions older than kDnsTransactionTimeoutNs (capture time)
// expire, unanswered ones into a list of at most kMaxDnsUnansweredKept. An answered
// transaction is kept in 56 bytes (its key's hash, its question's digest, frames and
// time), the latest kMaxDnsAnsweredKept of them, for what a later message asks of it:
// whether a response repeats its answer, whether a query is a new transaction.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/hashed_ring.hpp"
#include "core/packet_context.hpp"
#include "dns/dns_message.hpp"

namespace tlsdissect {

inline constexpr std::int64_t kDnsRetransmissionWindowNs = 5'000'000'000;  // Wireshark's default
inline constexpr std::int64_t kDnsTransactionTimeoutNs = 60'000'000'000;
inline constexpr std::size_t kMaxDnsTransactions = 65'536;
inline constexpr std::size_t kMaxDnsAnsweredKept = 16'384;
inline constexpr std::size_t kMaxDnsTransactionsPerKey = 16;
inline constexpr std::size_t kMaxDnsUnansweredKept = 4'096;
inline constexpr std::size_t kMaxDnsUnsolicitedKept = 1'024;
inline constexpr std::size_t kMaxDnsResolutions = 65'536;
inline constexpr std::size_t kMaxDnsResolutionsPerAddress = 8;
inline constexpr std::size_t kMaxDnsCnameChain = 16;

enum class DnsTransport : std::uint8_t { Udp, Tcp };

// Where a message travelled.
struct DnsEndpoints {
    NetAddress src, dst;
    std::uint16_t src_port = 0, dst_port = 0;
    DnsTransport transport = DnsTransport::Udp;
};

// What the table says about one message, for its tree (dns.response_in, ...).
struct DnsMatch {
    std::uint64_t response_in = 0;         // query: the frame of its response (known only when it came first)
    std::uint64_t request_in = 0;          // response: the frame of its query (dns.response_to)
    std::int64_t time_ns = 0;              // response: time since the query (dns.time)
    bool retransmission = false;           // dns.retransmission
    std::uint64_t retransmit_of = 0;       // query: dns.retransmit_request_in; response: dns.retransmit_response_in
    bool unsolicited = false;              // response: no query matched (dns.unsolicited)
};

// One query and what became of it.
struct DnsTransactionRecord {
    std::uint16_t id = 0;
    DnsTransport transport = DnsTransport::Udp;
    NetAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t query_frame = 0;
    std::int64_t query_ts_ns = 0;
    std::vector<DnsQuestion> questions;
    unsigned retransmissions = 0;
    std::uint64_t response_frame = 0;  // 0: unanswered
    std::int64_t response_time_ns = 0;
    std::uint16_t rcode = 0;
    std::vector<DnsRecord> answers;
};

// The transaction's uid in --sessions ("D" and 16 hex digits): from its transport,
// endpoints, DNS id and query time.
std::string dns_transaction_uid(const DnsTransactionRecord& t);

// An HTTPS record (RFC 9460, ServiceMode) that told clients how to reach a name: the
// response's frame, the owner name asked, and the protocols it advertised ("h3", "h2").
struct DnsServiceBinding {
    std::uint64_t frame = 0;
    std::string name;
    std::vector<std::string> alpn;
    std::vector<EchConfigSummary> ech_configs;  // its ech SvcParam (RFC 9849)
};

// The ECH configuration a Client Hello's encrypted_client_hello extension used: the HTTPS
// or SVCB record that published it, and the config itself.
struct DnsEchConfig {
    std::uint64_t frame = 0;  // the response
    std::string name;         // the record's owner name
    EchConfigSummary config;
};
// Records with ECH configurations remembered for those links (the most recent ones).
inline constexpr std::size_t kMaxDnsEchBindings = 1024;

// A name that resolved to an address.
struct DnsResolution {
    std::uint64_t frame = 0;          // the response
    std::string transaction_uid;      // dns_transaction_uid of its query; empty: no query seen
    std::string name;                 // the name asked
    std::vector<std::string> cname_chain;  // the CNAME targets from `name` to the address owner, in order
    // `host` is the name asked or one of the CNAME targets (the SNI check of a connection).
    bool names(std::string_view host) const;
};

class DnsTransactionTable {
public:
    // Records one message (after parsing) and says how it relates to the others.
    DnsMatch observe(const DnsEndpoints& where, const DnsMessageFacts& message, std::uint64_t frame, std::int64_t ts_ns);

    // The most recent answer before `before_frame` that resolved a name to `address`.
    std::optional<DnsResolution> resolution_for(const NetAddress& address, std::uint64_t before_frame) const;
    // The most recent HTTPS record before `before_frame` for `host` reached on `port`:
    // the owner "_PORT._https.HOST" for a port other than 443 (RFC 9460 section 9.1),
    // else HOST.
    std::optional<DnsServiceBinding> service_binding_for(std::string_view host, std::uint16_t port,
                                                         std::uint64_t before_frame) const;

    // The most recent ECHConfig before `before_frame` with `config_id` (RFC 9849 section
    // 6.1: the client names the config it used by its id), published with `public_name`
    // (the outer Client Hello's SNI) when that is not empty.
    std::optional<DnsEchConfig> ech_config_for(std::uint8_t config_id, std::string_view public_name,
                                               std::uint64_t before_frame) const;

    // Transactions still waiting for an answer, then those that expired unanswered
    // (oldest first; at most kMaxDnsUnansweredKept of the latter).
    std::vector<DnsTransactionRecord> unanswered() const;
    // Completed transactions (query and response) since the last call, for the session
    // model. Kept only after keep_completed(true), and only until taken (at most
    // kMaxDnsTransactions; older ones are dropped and counted).
    void keep_completed(bool on) { keep_completed_ = on; }
    std::vector<DnsTransactionRecord> take_completed();
    std::size_t pending() const { return count_; }
    std::size_t dropped() const { return dropped_; }
    // Transactions that will never be listed (unanswered() or take_completed()): more
    // unanswered queries than kMaxDnsUnansweredKept, or completed ones not taken in time.
    std::uint64_t not_listed() const { return not_listed_; }

private:
    struct Key {
        NetAddress a, b;
        std::uint16_t a_port = 0, b_port = 0;
        DnsTransport transport = DnsTransport::Udp;
        std::uint16_t id = 0;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    struct Transaction {
        DnsTransactionRecord record;
        std::vector<std::string> question_key;  // lowercase "name/type/class" per question
        bool multiple_responses = false;         // AXFR / IXFR
        std::uint64_t age = 0;                   // its entry in age_order_
    };
    // An answered transaction: what later messages under its key ask of it. Found by the
    // 64-bit hash of its key and checked by the ports and DNS id (the addresses are in the
    // hash only: two keys that collide on all 96 bits are taken for one).
    struct Answered {
        std::uint64_t hash = 0;      // KeyHash
        std::uint64_t question = 0;  // question_digest
        std::uint64_t query_frame = 0;
        std::uint64_t response_frame = 0;
        std::int64_t query_ts_ns = 0;
        std::uint64_t age = 0;  // creation order
        std::uint16_t a_port = 0, b_port = 0, id = 0;
        bool multiple_responses = false;
        bool client_is_a = false;
    };
    struct Unsolicited {
        Key key;
        std::vector<std::string> question_key;
        std::uint64_t frame = 0;
        std::int64_t ts_ns = 0;
    };
    struct NetAddressHash {
        std::size_t operator()(const NetAddress& a) const noexcept;
    };

    static Key make_key(const DnsEndpoints& where, std::uint16_t id);
    static std::vector<std::string> question_key(const std::vector<DnsQuestion>& questions);
    static std::uint64_t question_digest(const std::vector<std::string>& question_key);
    // The newest answered transaction under `key` whose question has this digest (any,
    // when `any_question`): its place in answered_ plus one, or 0.
    std::uint64_t find_answered(const Key& key, std::uint64_t question, bool any_question) const;
    void answer(const Key& key, std::deque<Transaction>& list, Transaction& t);
    void expire(std::int64_t now_ns);
    void remember_resolutions(const DnsMessageFacts& message, std::uint64_t frame, const DnsTransactionRecord* query);
    void complete(const Transaction& t);
    void drop(const Key& key, std::uint64_t age);

    std::unordered_map<Key, std::deque<Transaction>, KeyHash> table_;  // unanswered transactions
    struct Age {
        Key key;
        std::uint64_t frame = 0;
        std::int64_t ts_ns = 0;
    };
    std::map<std::uint64_t, Age> age_order_;  // unanswered transactions in creation order
    std::uint64_t next_age_ = 0;
    HashedRing<Answered> answered_;  // in the order answered
    std::size_t count_ = 0;
    std::size_t dropped_ = 0;
    std::uint64_t not_listed_ = 0;
    std::deque<DnsTransactionRecord> expired_unanswered_;
    std::deque<DnsTransactionRecord> completed_;
    bool keep_completed_ = false;
    std::deque<Unsolicited> unsolicited_;
    std::unordered_map<NetAddress, std::deque<DnsResolution>, NetAddressHash> resolutions_;
    std::deque<NetAddress> resolution_order_;
    std::size_t resolution_count_ = 0;
    void remember_binding(const DnsRecord& rr, std::uint64_t frame);
    std::unordered_map<std::string, std::deque<DnsServiceBinding>> bindings_;  // by owner name key
    std::deque<DnsServiceBinding> ech_bindings_;  // records with ECHConfigs, oldest first
    std::deque<std::string> binding_order_;  // owner keys, oldest first (kMaxDnsResolutions at most)
};

}  // namespace tlsdissect
