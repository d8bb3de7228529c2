// The session layer: TLS connections over TCP reported to the listeners when they end,
// and the DNS -> TLS link (the answer that resolved the server, on the Client Hello).
#include "session/session_layer.hpp"

#include "dns/dns.hpp"
#include "dtls/dtls.hpp"
#include "quic/quic.hpp"
#include "tls/tls_connection.hpp"
#include "tls/tls_state.hpp"
#include "tlsdissect/text.hpp"
#include "transport/conversations.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kResolvedBy{"tlsdissect.dns.resolved_in", "Resolved by DNS in frame", FieldType::FrameNum};
constexpr FieldDef kResolvedSniMatch{"tlsdissect.dns.sni_matches", "SNI matches the DNS answer", FieldType::Bool};
constexpr FieldDef kEchConfigIn{"tlsdissect.dns.ech_config_in", "ECH configuration published in frame",
                                FieldType::FrameNum};

ConnectionView view_of(const TcpConversation& conv) {
    ConnectionView v;
    v.transport = "tcp";
    v.stream = conv.stream;
    for (int s = 0; s < 2; ++s) {
        v.address[s] = conv.address[s];
        v.port[s] = conv.port[s];
        v.payload_bytes[s] = conv.payload_bytes[s];
    }
    v.first_frame = conv.first_frame;
    v.first_ts_ns = conv.first_ts_ns;
    v.last_ts_ns = conv.last_ts_ns;
    v.syn_ts_ns = conv.syn_ts_ns;
    v.irtt_ns = conv.irtt_ns;
    v.closed_ts_ns = conv.closed_ts_ns;
    v.reset = conv.rst;
    if (conv.path) v.path = *conv.path;
    if (conv.hand_overs) v.hand_overs = *conv.hand_overs;
    return v;
}

// A connection over a UDP flow (DTLS, QUIC): its module's end-of-connection facts have
// the same members.
template <typename End>
ConnectionView view_of_flow(const End& end, std::string_view transport) {
    ConnectionView v;
    v.transport = transport;
    v.stream = end.stream;
    for (int s = 0; s < 2; ++s) {
        v.address[s] = end.address[s];
        v.port[s] = end.port[s];
        v.payload_bytes[s] = end.payload_bytes[s];
    }
    v.first_frame = end.first_frame;
    v.first_ts_ns = end.first_ts_ns;
    v.last_ts_ns = end.last_ts_ns;
    v.path = end.path;
    return v;
}

}  // namespace

std::string ConnectionView::endpoint_text(int side) const {
    return address[side].endpoint_text(port[side]);
}

std::string ConnectionView::uid(int client_side) const {
    return connection_uid(transport, address[client_side], port[client_side], address[1 - client_side],
                          port[1 - client_side], first_ts_ns);
}

SessionLayer::SessionLayer(CaptureState& state) : state_(state) {
    TlsState& tls = state.get<TlsState>();
    tls.on_connection_end = [this](const TcpConversation& conv, const TlsConnection& connection) {
        if (listeners_.empty()) return;
        const ConnectionView view = view_of(conv);
        const TlsSessionView session{view, connection.facts(), connection.client_side()};
        for (SessionListener* l : listeners_) l->tls_session_ended(session);
    };
    // DTLS connections, whatever UDP flow carried them (transport "dtls", stream the udp.stream).
    DtlsState& dtls = state.get<DtlsState>();
    dtls.on_connection_end = [this](const DtlsConnectionEnd& end, const TlsConnectionFacts& facts, int client_side) {
        if (listeners_.empty()) return;
        const ConnectionView v = view_of_flow(end, "dtls");
        const TlsSessionView session{v, facts, client_side};
        for (SessionListener* l : listeners_) l->tls_session_ended(session);
    };
    // QUIC connections (transport "quic", stream the udp.stream; the client is side 0).
    QuicState& quic = state.get<QuicState>();
    quic.on_connection_end = [this](const QuicConnectionEnd& end, const TlsConnectionFacts& facts) {
        if (listeners_.empty()) return;
        const ConnectionView v = view_of_flow(end, "quic");
        const TlsSessionView session{v, facts, 0};
        for (SessionListener* l : listeners_) l->tls_session_ended(session);
    };
    // The DNS answer that gave the client this server's address, shown on the Client
    // Hello (the lookup a walkthrough of the connection starts with).
    tls.annotate_client_hello = [this](NodeRef hs, const TlsConnectionFacts& facts, PacketContext& ctx) {
        // The DNS record that published the ECH configuration the client encrypted with.
        if (facts.ech)
            if (auto e = dns().ech_config_for(facts.ech->config_id, facts.sni, ctx.frame.number))
                hs.add_generated(kEchConfigIn, e->frame)
                    .set_text("ECH configuration ", e->config.config_id, " from the DNS record for ", e->name, " in frame ", e->frame, " (public name ", e->config.public_name, ")");
        auto r = resolved_by(ctx.dst, ctx.frame.number);
        if (!r) return;
        std::string chain = r->name;
        for (const auto& c : r->cname_chain) chain += " \xe2\x86\x92 " + c;  // →
        chain += " \xe2\x86\x92 " + ctx.dst.to_string();
        NodeRef n = hs.add_generated(kResolvedBy, std::uint64_t(r->frame));
        n.set_text("Server address resolved by DNS in frame ", r->frame, ": ", chain);
        if (!facts.sni.empty()) {
            const bool match = r->names(facts.sni);
            n.add_generated(kResolvedSniMatch, match)
                .set_text(match ? "SNI " + facts.sni + " is a name in this answer"
                                : "SNI " + facts.sni + " is NOT a name in this answer");
        }
    };
}

DnsTransactionTable& SessionLayer::dns() { return state_.get<DnsState>().transactions; }

std::optional<DnsResolution> SessionLayer::resolved_by(const NetAddress& server, std::uint64_t before_frame) const {
    return state_.get<DnsState>().transactions.resolution_for(server, before_frame);
}

}  // namespace tlsdissect
