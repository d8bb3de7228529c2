// What runs on top of a reassembled TCP connection: an application dissector that
// receives each direction's bytes in order (and the gaps) within the frame that
// completed them.
#pragma once

#include <cstdint>

#include "core/packet_context.hpp"
#include "transport/tcp_reassembler.hpp"

namespace tlsdissect {

class TcpApplication {
public:
    virtual ~TcpApplication() = default;
    // `side` is 0 for the connection's first sender (normally the client), 1 for the other.
    virtual void on_stream_event(int side, const StreamEvent& event, PacketContext& ctx) = 0;
    // The connection ended (FIN/RST both ways, eviction, or end of capture).
    virtual void on_close(PacketContext*) {}
    struct FrameUse {
        bool consumed = false;  // the frame's payload went to this application
        bool shown = false;     // ... and it added layers (a PDU ended in this frame)
    };
    // How this application used frame `frame` (asked after its events were delivered).
    virtual FrameUse frame_use(std::uint64_t frame) const = 0;
};

}  // namespace tlsdissect
