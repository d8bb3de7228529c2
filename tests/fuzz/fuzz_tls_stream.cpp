// Fuzz target: a TCP connection's applications. StreamEvents as the TCP layer would
// deliver them (both directions, several events per frame, data from the current frame
// or drained from earlier ones, gaps) go through deliver_stream_event, so the tables
// choose the application from the first payload and the port (TLS, a proxy, a STARTTLS
// protocol, DNS) and hand-overs happen as in a capture; a tree per frame. At the end the
// connection closes and a TLS connection's session record is written (JSON Lines) with
// its JA3/JA4 fingerprints.
//
// Input: [u8 config: bits 0-2 the server port (443, 25, 1080, 5432, 3306, 389, 143,
// 8080), bit 3 first sender], then chunks [u8 flags] [u16 length] [bytes]:
//   bit 0 side; bit 1 a gap of `length` * 16 bytes (no bytes follow); bit 2 starts a new
//   frame; bit 3 bytes drained from an earlier frame (not in the current one).
#include <cstdint>
#include <memory>
#include <vector>

#include "fuzz_support.hpp"
#include "output/sessions_printer.hpp"
#include "session/session_layer.hpp"
#include "tls/fingerprints.hpp"
#include "tls/tls_connection.hpp"
#include "transport/transport.hpp"

using namespace tlsdissect;

namespace {

struct Chunk {
    int side = 0;
    bool gap = false;
    bool current = true;
    std::size_t length = 0;
    std::size_t at = 0;  // current: offset in the frame; else: offset in `earlier`
};

constexpr int kMaxFrames = 1024;
constexpr std::uint16_t kServerPorts[8] = {443, 25, 1080, 5432, 3306, 389, 143, 8080};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    const std::uint8_t config = in.u8();
    fuzz::Engine engine;
    TcpConversation conv;
    conv.first_sender = (config >> 3) & 1;
    conv.address[0].family = conv.address[1].family = 4;
    conv.address[0].bytes[0] = 127;
    conv.address[1].bytes[0] = 127;
    conv.address[1].bytes[3] = 2;
    conv.port[0] = 40000;
    conv.port[1] = kServerPorts[config & 7];

    std::uint64_t offset[2] = {0, 0};
    std::uint64_t frame_number = 0;
    Tree tree;
    PacketColumns columns;
    std::vector<std::uint8_t> frame, earlier;
    std::vector<Chunk> chunks;
    for (int f = 0; f < kMaxFrames && !in.empty(); ++f) {
        // Gather one frame's chunks: those up to the next chunk that starts a frame.
        frame.clear();
        earlier.clear();
        chunks.clear();
        do {
            const std::uint8_t flags = in.u8();
            const std::uint16_t length = in.u16();
            Chunk c;
            c.side = flags & 1;
            c.gap = flags & 2;
            c.current = !(flags & 8);
            if (c.gap) {
                c.length = std::size_t{length} * 16 + 1;
            } else {
                Bytes b = in.bytes(length);
                c.length = b.size();
                std::vector<std::uint8_t>& to = c.current ? frame : earlier;
                c.at = to.size();
                to.insert(to.end(), b.begin(), b.end());
            }
            chunks.push_back(c);
        } while (!in.empty() && !(in.peek() & 4));
        ++frame_number;
        tree.clear();
        tree.frame_bytes = frame;
        columns.clear();
        PacketContext ctx = engine.context(&tree, &columns, frame_number, 1'000'000'000 + 1'000'000 * f);
        for (const Chunk& c : chunks) {
            StreamEvent e;
            e.offset = offset[c.side];
            e.length = c.length;
            if (c.gap) {
                e.kind = StreamEvent::Kind::Gap;
            } else {
                if (c.length == 0) continue;
                e.kind = StreamEvent::Kind::Data;
                e.current_frame = c.current;
                e.frame = c.current ? frame_number : frame_number - 1;
                e.frame_offset = c.current ? c.at : 0;
                e.data = c.current ? Bytes(frame).subspan(c.at, c.length) : Bytes(earlier).subspan(c.at, c.length);
            }
            offset[c.side] += c.length;
            deliver_stream_event(conv, c.side, e, ctx);
        }
        if (conv.app) (void)conv.app->frame_use(frame_number);
        if (conv.previous_app) (void)conv.previous_app->frame_use(frame_number);
        fuzz::render(tree);
    }
    if (const auto* tls = dynamic_cast<const TlsConnection*>(conv.app.get())) {
        const TlsConnectionFacts& facts = tls->facts();
        (void)ja3(facts.client_hello);
        (void)ja3s(facts.server_hello);
        (void)ja4(facts.client_hello, !facts.sni.empty());
        (void)ja4s(facts.server_hello);
    }
    // The connection ends: through the session layer, its --sessions record is written.
    SessionLayer session_layer(engine.state);
    auto sessions = make_sessions_printer(fuzz::null_output(), true, session_layer.dns());
    session_layer.add_listener(sessions.get());
    PacketContext ctx = engine.context(nullptr, nullptr, frame_number, 0);
    if (conv.app) conv.app->on_close(conv, ctx);
    if (conv.previous_app) conv.previous_app->on_close(conv, ctx);
    return 0;
}
