// What runs on top of a reassembled TCP connection: an application dissector that
// receives each direction's bytes in order (and the gaps) within the frame that
// completed them. Chosen from the connection's first payload through the dissector
// tables (core/dissector_tables.hpp); it may hand the rest of the connection over to
// another application (STARTTLS, HTTP CONNECT, SOCKS).
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "core/packet_context.hpp"
#include "transport/tcp_reassembler.hpp"

namespace tlsdissect {

struct TcpConversation;

class TcpApplication {
public:
    virtual ~TcpApplication() = default;
    // `side` is 0 for the connection's first sender (normally the client), 1 for the other.
    virtual void on_stream_event(int side, const StreamEvent& event, PacketContext& ctx) = 0;
    // The connection ended (FIN/RST both ways, eviction, or end of capture).
    virtual void on_close(const TcpConversation&, PacketContext&) {}
    struct FrameUse {
        bool consumed = false;  // the frame's payload went to this application
        bool shown = false;     // ... and it added layers (a PDU ended in this frame)
    };
    // How this application used frame `frame` (asked after its events were delivered).
    virtual FrameUse frame_use(std::uint64_t frame) const = 0;

    // The application that takes the connection's bytes from the next event on, once
    // this one has handed over (TCP takes it after the current event).
    std::unique_ptr<TcpApplication> take_successor() { return std::move(successor_); }

protected:
    // The rest of both directions belongs to `next` (whose first event will be the
    // bytes after the current one).
    void hand_over(std::unique_ptr<TcpApplication> next) { successor_ = std::move(next); }

private:
    std::unique_ptr<TcpApplication> successor_;
};

}  // namespace tlsdissect
