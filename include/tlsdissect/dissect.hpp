// The dissection engine: one captured frame in, a field tree and the summary
// columns out. It keeps the state that spans packets (TCP conversations and stream
// indexes, IP fragment buffers) and otherwise delegates to one pure function per layer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tlsdissect/capture.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

// The Wireshark packet-list columns.
struct PacketColumns {
    std::string source;
    std::string destination;
    std::string protocol;
    std::string info;
    void clear() {
        source.clear();
        destination.clear();
        protocol.clear();
        info.clear();
    }
};

struct FrameInfo {
    std::uint64_t number = 0;       // from 1
    std::int64_t ts_ns = 0;
    std::int64_t since_first_ns = 0;
    std::int64_t since_previous_ns = 0;
    std::uint32_t captured_length = 0;
    std::uint32_t original_length = 0;
    std::uint32_t interface_id = 0;
    std::uint32_t link_type = 0;
};

// Certificate and signature checks of TLS handshakes (src/tls/chain_of_trust.hpp).
class TrustStore;
struct TlsVerifyOptions {
    std::shared_ptr<const TrustStore> roots;  // null: the system store (loaded on first use)
    bool check_without_tree = false;          // check chains for --sessions, where no tree is built
};

class EngineState;
class SessionLayer;
struct AuditSettings;
class KeyLog;

// One piece of a followed TCP stream (--follow), in stream order per direction.
struct FollowChunk {
    int node = 0;               // 0: the side that sent the first packet; 1: the other
    bool gap = false;           // bytes missing from the capture
    std::uint64_t offset = 0;   // stream offset of the first byte in this direction
    std::uint64_t length = 0;
    Bytes data;                 // when not a gap
    std::uint64_t frame = 0;    // the frame that carried the bytes
    std::string endpoint[2];    // "127.0.0.1:48436", node 0 and node 1
};

// What the limits made the engine give up or forget in this file (docs/limits.md).
struct LimitsReached {
    std::uint64_t tcp_connections_given_up = 0;  // over --tcp-max-buffered, least recently active first
    std::uint64_t tcp_bytes_given_up = 0;        // what they held
    std::uint64_t dns_transactions_not_listed = 0;  // beyond the unanswered list (--sessions)
    bool any() const { return tcp_connections_given_up || dns_transactions_not_listed; }
};

struct EngineLimits {
    std::size_t tcp_max_out_of_order_bytes = 0;  // 0: keep the default
    std::size_t tcp_max_total_buffered_bytes = 0;
    std::size_t tcp_max_connections = 0;
    std::size_t udp_max_conversations = 0;
};

class FrameDissector {
public:
    FrameDissector();
    ~FrameDissector();
    FrameDissector(const FrameDissector&) = delete;
    FrameDissector& operator=(const FrameDissector&) = delete;

    // Interface names for the "on interface" part of the frame line (pcapng).
    void set_interfaces(const std::vector<CaptureInterface>& interfaces);

    // Dissects the next frame of the capture. `tree` and `columns` may be null when
    // the caller needs neither; state (stream indexes, reassembly) advances anyway.
    void dissect(const CapturedPacket& packet, Tree* tree, PacketColumns* columns,
                 FrameInfo* info = nullptr);

    std::uint64_t frames() const;

    // Sends TCP stream `stream`'s reassembled payload, both directions, to `sink`.
    void follow_tcp_stream(std::uint32_t stream, std::function<void(const FollowChunk&)> sink);
    // Sends TCP stream `stream`'s decrypted TLS application data (needs a key log), both
    // directions, one chunk per record, to `sink` (like tshark -z follow,tls).
    void follow_tls_stream(std::uint32_t stream, std::function<void(const FollowChunk&)> sink);
    void set_limits(const EngineLimits& limits);
    // Secrets to decrypt TLS with: the key log files (--keylog), copied; then
    // take_capture_secrets adds the capture's own pcapng Decryption Secrets Blocks.
    void set_key_log(const KeyLog& keys);
    // The Decryption Secrets Blocks `reader` has met since the last call (call it before
    // each frame: a connection looks its keys up at its Server Hello). Malformed key log
    // lines are described in `warnings`, naming `capture_name`.
    void take_capture_secrets(const CaptureReader& reader, const std::string& capture_name,
                              std::vector<std::string>& warnings);
    void set_tls_verify(const TlsVerifyOptions& options);
    // When nothing prints packets (--sessions): a connection is ended (listeners called,
    // application state and reassembly buffers freed) as soon as it closes, instead of
    // when it is expired, so that memory does not grow with the connections that closed
    // in the last kClosedConnectionLingerNs of capture time. The connection's addresses
    // and stream index are still kept for that time.
    void end_connections_at_close(bool on);
    // --shard: only the TCP connections and UDP flows whose endpoints hash to shard
    // `index` (0-based) of `count` are dissected above the transport; DNS is read in
    // every flow (for the DNS -> TLS links). Stream numbers stay those of the whole capture.
    void set_shard(std::uint32_t index, std::uint32_t count);
    // The capture's bytes that stay readable at their address until the dissector is
    // destroyed (CaptureReader::lasting_bytes): TCP reassembly keeps references into them
    // instead of copies. Empty (the default): every byte kept is copied.
    void set_lasting_bytes(Bytes bytes);
    // The capture has ended: deliver what connections still buffer.
    void finish();
    // Bytes held by TCP reassembly right now, over all connections.
    std::size_t tcp_buffered_bytes() const;
    std::size_t open_tcp_connections() const;
    LimitsReached limits_reached();
    // The session layer (src/session/): finished TLS connections go to its listeners,
    // DNS transactions and the DNS -> TLS links are read there.
    SessionLayer& sessions();
    // --audit: TLS connections add their findings to the tree at the frame that shows
    // each, and count them in `audit` (src/tls/audit.hpp); null turns the audit off.
    void set_audit(AuditSettings* audit);

private:
    void expire_connections(std::int64_t now_ns);
    std::unique_ptr<EngineState> state_;
};

}  // namespace tlsdissect
