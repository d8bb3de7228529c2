// What runs on top of a reassembled TCP connection: an application dissector that
// receives each direction's bytes in order (and the gaps) within the frame that
// completed them. Chosen from the connection's first payload through the dissector
// tables (core/dissector_tables.hpp); it may hand the rest of the connection over to
// another application (STARTTLS, HTTP CONNECT, SOCKS).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/packet_context.hpp"
#include "transport/tcp_reassembler.hpp"

namespace tlsdissect {

struct TcpConversation;

// How a connection changed hands, for the session printers (--sessions "proxy" and
// "starttls"): a proxy's exchange (HTTP CONNECT, SOCKS, the PROXY protocol header), after
// which the bytes are the client's conversation with `target`, or an upgrade in place
// (STARTTLS and the databases' SSL requests).
// One message of the exchange before a hand-over, as the Info column said it (for the
// ladder: "C: STARTTLS", "Connect www.example.test:443").
struct ExchangeStep {
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    bool from_client = false;
    std::string text;
};
// Steps kept per hand-over; a longer exchange keeps its first ones and its last.
inline constexpr std::size_t kMaxExchangeSteps = 24;

struct HandOverNote {
    std::string protocol;      // "http-connect", "socks5", "proxy-v2", "smtp", "postgresql", ...
    std::string target;        // a proxy's destination "host:port" (empty for an upgrade in place)
    std::string target_host;   // its host part: a name, or the address's text
    NetAddress target_address; // the address when the proxy was given one (family 0: a name)
    bool proxy = false;        // a proxy (else an upgrade in place)
    std::string origin;        // the PROXY protocol: the original client "address:port"
    std::uint64_t frame = 0;   // where the exchange asked for it (the CONNECT request, ...)
    std::vector<ExchangeStep> steps;  // the exchange, message by message (at most kMaxExchangeSteps)
};

// Hand-overs one connection may make (a PROXY header, then SOCKS, then STARTTLS is three);
// a later request is ignored and the current application keeps the bytes.
inline constexpr std::size_t kMaxHandOvers = 4;

class TcpApplication {
public:
    virtual ~TcpApplication() = default;
    // `side` is 0 for the connection's first sender (normally the client), 1 for the other.
    virtual void on_stream_event(int side, const StreamEvent& event, PacketContext& ctx) = 0;
    // The connection ended (FIN/RST both ways, eviction, or end of capture).
    virtual void on_close(const TcpConversation&, PacketContext&) {}
    // Roughly the bytes this application holds (itself, partial messages, what it keeps
    // for the session record), counted against --tcp-max-buffered with its connection.
    virtual std::size_t memory_bytes() const { return 0; }
    struct FrameUse {
        bool consumed = false;  // the frame's payload went to this application
        bool shown = false;     // ... and it added layers (a PDU ended in this frame)
    };
    // How this application used frame `frame` (asked after its events were delivered).
    virtual FrameUse frame_use(std::uint64_t frame) const = 0;

    // What an application asks for when it hands the connection over; TCP takes it after
    // the current event (TcpApplication::take_hand_over).
    static constexpr std::size_t kWholeEvent = std::numeric_limits<std::size_t>::max();
    struct HandOver {
        std::unique_ptr<TcpApplication> next;  // the successor, or
        std::string_view next_name;            // one made from the tcp_by_name table, or
        bool choose_again = false;             // one chosen by the tables from the next bytes
        HandOverNote note;
        std::size_t used = kWholeEvent;        // bytes of the current event the old one used
        bool requested = false;
    };
    HandOver take_hand_over() {
        HandOver h = std::exchange(hand_over_, HandOver{});
        annotate_hand_over(h.note);
        return h;
    }
    bool handing_over() const { return hand_over_.requested; }

protected:
    // Adds what the application knows of its exchange to the note of its hand-over.
    virtual void annotate_hand_over(HandOverNote&) {}

    // The rest of both directions belongs to `next`. The first `used` bytes of the current
    // event were this application's; the successor gets the rest of it at once, then
    // every later event.
    void hand_over(std::unique_ptr<TcpApplication> next, HandOverNote note = {}, std::size_t used = kWholeEvent) {
        hand_over_.next = std::move(next);
        hand_over_.note = std::move(note);
        hand_over_.used = used;
        hand_over_.requested = true;
    }
    // The same, to the application registered under `name` in the tcp_by_name table
    // ("tls"), made for the connection's first sender as the client.
    void hand_over(std::string_view name, HandOverNote note, std::size_t used = kWholeEvent) {
        hand_over_.next_name = name;
        hand_over_.note = std::move(note);
        hand_over_.used = used;
        hand_over_.requested = true;
    }

    // The same, to whatever the dissector tables choose for the next bytes (a proxy's
    // tunnel carries TLS, HTTP, SSH, ...).
    void hand_over_to_next_payload(HandOverNote note, std::size_t used = kWholeEvent) {
        hand_over_.choose_again = true;
        hand_over_.note = std::move(note);
        hand_over_.used = used;
        hand_over_.requested = true;
    }

private:
    HandOver hand_over_;
};

}  // namespace tlsdissect
