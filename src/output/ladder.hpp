// --ladder: each TLS connection's messages as a two-column client/server diagram
// (frame numbers, times, the DNS lookup that found the server, the TCP handshake, the
// eleven steps of a TLS 1.2 full handshake numbered, the shorter TLS 1.3 and resumed
// forms named). The model is built from the connection facts the TLS dissector keeps
// (TlsConnectionFacts: handshake, record and alert events), when the connection ends;
// the text and HTML printers render the same model.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dns/dns_transactions.hpp"
#include "explain/explain.hpp"
#include "session/session_layer.hpp"
#include "output/printers.hpp"
#include "tls/x509.hpp"

namespace tlsdissect {

// The words of the ladder in the --explain language (English by default). Pieces of
// labels; each label is built by joining them with names and numbers.
struct LadderText {
    const char* dns_query;
    const char* to_resolver;
    const char* to_resolver_end;
    const char* dns_answer;
    const char* no_answer;
    const char* after;
    const char* after_end;
    const char* this_address;
    const char* tcp_handshake;
    const char* ccs_compat;
    const char* app_data;
    const char* app_data_bytes;
    const char* enc_server_continued;
    const char* enc_server_flight;
    const char* enc_finished;
    const char* enc_handshake;
    const char* cookie;
    const char* no_cookie;
    const char* with_cookie;
    const char* more_app_data;
    const char* from_client;
    const char* from_server;
    const char* list_comma;
    const char* enc_alert;
    const char* alert;
    const char* fatal;
    const char* warning;
    const char* level;
    const char* alert_sep;
    const char* resent;
    const char* resent_to;
    const char* tcp_reset;
    const char* tcp_closed;
    const char* signature_of;
    const char* signature_bad;
    const char* chain_root;
    const char* chain_root_end;
    const char* server_name;
    const char* name_bad;
    const char* ske_signature;
    const char* ske_signature_end;
    const char* client_finished;
    const char* server_finished;
    const char* finished_bad;
    const char* form13_resumed;
    const char* form13;
    const char* note13;
    const char* note_quic;
    const char* note_hrr;
    const char* form12_resumed;
    const char* note12_resumed;
    const char* full_handshake;
    const char* note_full;
    const char* form_incomplete;
    const char* form_no_handshake;
    const char* note_dtls_cookie;
    const char* title_tls;
    const char* title_dtls;
    const char* title_quic;
    const char* title_client;
    const char* title_server;
    const char* frame_head;
    const char* lane_client;
    const char* lane_server;
    const char* chain_head;
    const char* valid_until;
    const char* self_signed;
    const char* no_connection;
    const char* one_line;
    const char* more_lines;
    const char* proxy_header;
    const char* not_named;
    const char* had_connected;
    const char* then_tls;
    const char* through;
    const char* proxy_to;
    const char* no_target;
    const char* upgrades;
    const char* sentence_sep;
    const char* early_data;  // TLS 1.3 0-RTT data: "Early Data, 0-RTT (" N app_data_bytes
    const char* resumes_session;
    const char* resumes_issued_in;
    const char* resumes_end;
};
const LadderText& ladder_text(ExplainLanguage language);

enum class LadderDir : std::uint8_t {
    ClientToServer,
    ServerToClient,
    Both,  // the TCP three-way handshake
    Dns,   // the client and its DNS resolver
    Note,  // a line of text across the diagram
};

struct LadderRow {
    std::uint64_t frame = 0;  // 0: no single frame
    std::int64_t ts_ns = 0;
    LadderDir dir = LadderDir::Note;
    int step = 0;  // 1..11 in a TLS 1.2 full handshake; 0 otherwise
    std::string label;
    bool encrypted = false;  // the type was not readable (no keys)
};

// One line of the chain-of-trust section: what the captured certificates say. Chain
// verification verdicts (signature, root store, name) are appended to
// LadderConnection::chain_checks by the code that computes them.
struct ChainCheck {
    std::string what;    // "signature", "root store", "name", "validity at capture time"
    bool ok = false;
    std::string detail;  // the reason, when not ok
};

struct LadderConnection {
    std::uint32_t stream = 0;
    std::string transport = "tcp";  // "dtls": stream is a udp.stream
    std::string client, server;  // "127.0.0.1:48436"
    std::string sni, version, cipher_suite;
    std::string form;  // "TLS 1.2 full handshake", "TLS 1.3 handshake", ...
    std::string form_note;
    std::uint64_t first_frame = 0;
    std::int64_t first_ts_ns = 0;
    std::vector<LadderRow> rows;
    std::vector<CertificateSummary> certificates;  // the server's chain, as sent (leaf first)
    std::vector<ChainCheck> chain_checks;          // verdicts, where something checked them
    bool tls13 = false, resumed = false, quic = false, dtls = false;
    // The handshake got as far as application data (or both Finished messages).
    bool complete = false;
    // The DNS answer that gave the client the server's address (resolved_by): the name
    // asked, the answer records in order (CNAME chain, then addresses), its frames.
    struct DnsStep {
        std::string owner, type, data;
        bool gave_address = false;  // the address the client connected to
    };
    std::string dns_name;
    std::vector<DnsStep> dns_chain;
    std::uint64_t dns_query_frame = 0, dns_response_frame = 0;
    std::string server_address;  // the server's IP, without the port
    // The signature of each certificate on the path, checked with its issuer's key: by
    // commonName (or subject), root first; empty when nothing was checked.
    std::vector<std::pair<std::string, bool>> link_signatures;
    bool chain_valid = false, chain_checked = false;
    std::string chain_reason;
    std::optional<bool> ske_signature_valid;       // the Server Key Exchange signature, when checked
    std::string ske_signature_algorithm;
    ExplainLanguage language = ExplainLanguage::En;
};

// Keeps the DNS transactions that completed (bounded) so that a connection can show the
// lookups that came before it.
inline constexpr std::size_t kMaxLadderDnsKept = 4096;
inline constexpr std::size_t kMaxLadderDnsPerConnection = 4;

LadderConnection build_ladder(const TlsSessionView& tls, const DnsTransactionTable& table,
                              const std::deque<DnsTransactionRecord>& dns_done,
                              ExplainLanguage language = ExplainLanguage::En);

// The diagram as text (UTF-8 box drawing; colours when `color`); times relative to
// `capture_start_ns`.
std::string render_ladder(const LadderConnection& c, std::int64_t capture_start_ns, bool color);

// Gathers the ladders of every TLS connection of a capture: attach() to the engine,
// packet() after each frame, connections() at the end (in tcp.stream order).
class LadderCollector final : public SessionListener {
public:
    explicit LadderCollector(ExplainLanguage language = ExplainLanguage::En) : language_(language) {}
    void attach(FrameDissector& dissector);
    void tls_session_ended(const TlsSessionView& session) override;
    void packet(const FrameInfo& frame);
    std::vector<LadderConnection> take_connections();
    std::int64_t capture_start_ns() const { return start_ns_; }
    ExplainLanguage language() const { return language_; }

private:
    void poll();
    DnsTransactionTable* dns_ = nullptr;
    std::deque<DnsTransactionRecord> dns_done_;
    std::vector<LadderConnection> connections_;
    std::int64_t start_ns_ = 0;
    bool started_ = false;
    ExplainLanguage language_;
};

std::unique_ptr<PacketPrinter> make_ladder_printer(std::FILE* out, bool color,
                                                   ExplainLanguage language = ExplainLanguage::En);

// certificate_one_line in the ladder's language.
std::string certificate_line(const CertificateSummary& s, ExplainLanguage language);

// Terminal columns of a UTF-8 string: East Asian wide characters take two.
std::size_t terminal_columns(std::string_view s);

}  // namespace tlsdissect
