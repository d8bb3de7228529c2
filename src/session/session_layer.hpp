// The session layer: what a whole connection or transaction amounted to, for the
// printers that speak in sessions (--sessions, --ladder, --html, --audit), whatever
// carried it. It listens to the protocol modules through their hooks, links each TLS
// connection to the DNS answer that gave the client its server address (resolved_by),
// and hands finished sessions to its listeners. Printers read sessions here, never
// the protocol modules' connection objects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/packet_context.hpp"
#include "dns/dns_transactions.hpp"
#include "transport/tcp_application.hpp"

namespace tlsdissect {

struct TlsConnectionFacts;  // tls/tls_common.hpp

// A connection as session records describe it, whatever transport carried it.
struct ConnectionView {
    std::string_view transport = "tcp";
    std::uint32_t stream = 0;             // tcp.stream (or udp.stream)
    NetAddress address[2];                // by side: 0 the first sender, 1 the other
    std::uint16_t port[2] = {0, 0};
    std::uint64_t first_frame = 0;
    std::int64_t first_ts_ns = 0;
    std::int64_t last_ts_ns = 0;          // the last packet seen before the connection ended
    std::int64_t syn_ts_ns = -1;          // TCP: the first SYN, -1 when not seen
    std::int64_t irtt_ns = 0;             // TCP: SYN to the ACK that completed the handshake
    std::int64_t closed_ts_ns = -1;       // FIN both ways or RST; -1 when still open
    bool reset = false;
    std::uint64_t payload_bytes[2] = {0, 0};  // sent by each side
    LayerPath path;                       // inside a tunnel: its IP headers and tunnels (else empty)
    std::vector<HandOverNote> hand_overs; // proxies and STARTTLS the connection went through

    // "127.0.0.1:443" or "[::1]:443".
    std::string endpoint_text(int side) const;
    // The connection's uid in --sessions ("C" and 16 hex digits): from its transport,
    // client and server endpoints and first packet's time.
    std::string uid(int client_side) const;
};

struct TlsSessionView {
    const ConnectionView& connection;
    const TlsConnectionFacts& facts;
    int client_side = 0;  // index into connection.address / port
};

class SessionListener {
public:
    virtual ~SessionListener() = default;
    // A TLS connection ended (closed, expired, or at the end of the capture).
    virtual void tls_session_ended(const TlsSessionView& session) = 0;
};

class SessionLayer {
public:
    // Installs its hooks in the protocol modules' state of `state`.
    explicit SessionLayer(CaptureState& state);
    SessionLayer(const SessionLayer&) = delete;
    SessionLayer& operator=(const SessionLayer&) = delete;

    // Not owned; called in the order added.
    void add_listener(SessionListener* listener) { listeners_.push_back(listener); }

    // The DNS query/response matching of this capture (transactions for the records).
    DnsTransactionTable& dns();
    // The most recent DNS answer before `before_frame` that resolved a name to `server`.
    std::optional<DnsResolution> resolved_by(const NetAddress& server, std::uint64_t before_frame) const;

private:
    CaptureState& state_;
    std::vector<SessionListener*> listeners_;
};

}  // namespace tlsdissect
