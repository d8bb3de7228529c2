// What TLS keeps per capture (the key log to decrypt with, the chain verifier and its
// cache, --audit, --follow-tls) and the hooks through which the layer above it (the
// session layer) learns of connections, without TLS knowing who listens.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "core/packet_context.hpp"
#include "tls/chain_of_trust.hpp"
#include "tls/resumption.hpp"
#include "tls/tls_common.hpp"

namespace tlsdissect {

class KeyLog;
class TlsConnection;
struct AuditSettings;
struct TcpConversation;

struct TlsState {
    // Secrets to decrypt with (not owned; may grow while dissecting).
    const KeyLog* key_log = nullptr;
    // Server chains are checked when set (always by the engine; unit tests may leave
    // it empty): with a tree, or always when verify_chain_always (--sessions).
    std::optional<ChainVerifier> chain_verifier;
    bool verify_chain_always = false;
    // --audit: null when off.
    AuditSettings* audit = nullptr;
    // --follow-tls: the TCP stream whose decrypted application data goes to the sink.
    std::int64_t follow_stream = -1;
    std::function<void(const FollowChunk&)> follow_sink;
    // Session IDs and tickets servers issued, for the links of later connections that
    // resume with them (one pass: the issuing connection comes first).
    ResumptionIndex resumption;

    // Set by the session layer. A Client Hello is being added to a tree: annotations
    // from outside TLS (the DNS answer that resolved the server).
    std::function<void(NodeRef handshake, const TlsConnectionFacts& facts, PacketContext& ctx)> annotate_client_hello;
    // A TLS connection over TCP ended (closed, expired, or at the end of the capture).
    std::function<void(const TcpConversation& conv, const TlsConnection& tls)> on_connection_end;
};

// TLS over TCP in the dissector tables: by its record header on any port, STARTTLS
// protocols by port and by greeting, and by name ("tls") for a hand-over.
void register_tls(DissectorTables& tables);

}  // namespace tlsdissect
