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
#include <string>
#include <utility>
#include <vector>

#include "dns/dns_transactions.hpp"
#include "session/session_layer.hpp"
#include "output/printers.hpp"
#include "tls/x509.hpp"

namespace tlsdissect {


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
};

// Keeps the DNS transactions that completed (bounded) so that a connection can show the
// lookups that came before it.
inline constexpr std::size_t kMaxLadderDnsKept = 4096;
inline constexpr std::size_t kMaxLadderDnsPerConnection = 4;

LadderConnection build_ladder(const TlsSessionView& tls, const DnsTransactionTable& table,
                              const std::deque<DnsTransactionRecord>& dns_done);

// The diagram as text (UTF-8 box drawing; colours when `color`); times relative to
// `capture_start_ns`.
std::string render_ladder(const LadderConnection& c, std::int64_t capture_start_ns, bool color);

// Gathers the ladders of every TLS connection of a capture: attach() to the engine,
// packet() after each frame, connections() at the end (in tcp.stream order).
class LadderCollector final : public SessionListener {
public:
    void attach(FrameDissector& dissector);
    void tls_session_ended(const TlsSessionView& session) override;
    void packet(const FrameInfo& frame);
    std::vector<LadderConnection> take_connections();
    std::int64_t capture_start_ns() const { return start_ns_; }

private:
    void poll();
    DnsTransactionTable* dns_ = nullptr;
    std::deque<DnsTransactionRecord> dns_done_;
    std::vector<LadderConnection> connections_;
    std::int64_t start_ns_ = 0;
    bool started_ = false;
};

std::unique_ptr<PacketPrinter> make_ladder_printer(std::FILE* out, bool color);

}  // namespace tlsdissect
