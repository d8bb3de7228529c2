// TLS over TCP in the dissector tables: a connection whose first payload is a TLS
// record header or an SSLv2 Client Hello (on any port), and "tls" by name for the
// protocols that hand their connection over to it (STARTTLS, proxies: src/starttls,
// src/proxy).
#include <memory>

#include "tls/tls_connection.hpp"
#include "tls/tls_state.hpp"
#include "transport/conversations.hpp"

namespace tlsdissect {

namespace {

// "127.0.0.1:443" or "[::1]:443" for node 0 (the first sender) or node 1.
std::string follow_endpoint(const TcpConversation& conv, int node) {
    const int side = node == 0 ? conv.first_sender : 1 - conv.first_sender;
    return conv.address[side].endpoint_text(conv.port[side]);
}

// --follow-tls: what the connection's decrypted application data is sent as.
std::function<void(int, std::uint64_t, Bytes)> plaintext_follower(const TcpConversation& conv, TlsState& tls) {
    FollowChunk proto;
    for (int n = 0; n < 2; ++n) proto.endpoint[n] = follow_endpoint(conv, n);
    const int first_sender = conv.first_sender;
    std::uint64_t offset[2] = {0, 0};
    return [&tls, proto, first_sender, offset](int side, std::uint64_t frame, Bytes data) mutable {
        FollowChunk c = proto;
        c.node = side == first_sender ? 0 : 1;
        c.offset = offset[c.node];
        c.length = data.size();
        c.data = data;
        c.frame = frame;
        offset[c.node] += data.size();
        tls.follow_sink(c);
    };
}

std::unique_ptr<TcpApplication> make_tls(const TcpConversation& conv, int side, PacketContext& ctx) {
    TlsState& tls = ctx.state->get<TlsState>();
    auto app = std::make_unique<TlsConnection>(side, tls.key_log);
    app->locate(conv.stream, conv.first_ts_ns);
    app->audit_with(tls.audit);
    if (tls.follow_sink && tls.follow_stream == conv.stream) app->follow_plaintext(plaintext_follower(conv, tls));
    return app;
}

bool starts_tls(Bytes first, const TcpConversation&) { return detect_tls(first) == TlsStart::Tls; }

}  // namespace

void register_tls(DissectorTables& tables) {
    tables.tcp_signatures.add({"tls", make_tls, starts_tls});
    tables.tcp_by_name.add("tls", {"tls", make_tls, nullptr});
}

}  // namespace tlsdissect
