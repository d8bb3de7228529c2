// TLS over TCP in the dissector tables: a connection whose first payload is a TLS
// record header or an SSLv2 Client Hello (on any port), and the plaintext protocols
// that upgrade with STARTTLS (SMTP, IMAP, POP3, FTP, XMPP, LDAP: by port and by their
// greeting).
#include <memory>

#include "tls/tls_connection.hpp"
#include "tls/tls_state.hpp"
#include "transport/conversations.hpp"

namespace tlsdissect {

namespace {

// Text protocols with a STARTTLS upgrade, on their well-known ports.
constexpr std::uint16_t kStartTlsPorts[] = {21, 25, 110, 143, 389, 587, 5222, 5269, 2525};

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

std::unique_ptr<TcpApplication> make_tls_connection(const TcpConversation& conv, int side, PacketContext& ctx,
                                                    bool plaintext_first) {
    TlsState& tls = ctx.state->get<TlsState>();
    auto app = std::make_unique<TlsConnection>(side, plaintext_first, tls.key_log);
    app->audit_with(tls.audit);
    if (tls.follow_sink && tls.follow_stream == conv.stream) app->follow_plaintext(plaintext_follower(conv, tls));
    return app;
}

std::unique_ptr<TcpApplication> make_tls(const TcpConversation& conv, int side, PacketContext& ctx) {
    return make_tls_connection(conv, side, ctx, false);
}

std::unique_ptr<TcpApplication> make_starttls(const TcpConversation& conv, int side, PacketContext& ctx) {
    return make_tls_connection(conv, side, ctx, true);
}

bool starts_tls(Bytes first, const TcpConversation&) { return detect_tls(first) == TlsStart::Tls; }
bool greets_for_starttls(Bytes first, const TcpConversation&) { return detect_tls(first) == TlsStart::MaybeStartTls; }

}  // namespace

void register_tls(DissectorTables& tables) {
    tables.tcp_signatures.add({"tls", make_tls, starts_tls});
    for (std::uint16_t port : kStartTlsPorts) tables.tcp_port.add(port, {"tls", make_starttls, nullptr});
    tables.tcp_heuristics.add({"tls", make_starttls, greets_for_starttls});
    tables.tcp_by_name.add("tls", {"tls", make_tls, nullptr});
}

}  // namespace tlsdissect
