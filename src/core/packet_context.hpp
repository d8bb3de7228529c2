// What one packet's dissection carries from layer to layer, and the entry points of
// the layer dissectors (each in its own file under src/link, src/net, src/transport).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/dissect.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

class TcpConversationTable;
struct TcpConversation;
class TcpApplication;
struct StreamEvent;
struct TcpReassemblyLimits;
class UdpConversationTable;
class IpFragmentReassembler;
class DnsTransactionTable;
class ChainVerifier;
struct AuditSettings;

// An IPv4 or IPv6 address in one comparable form.
struct NetAddress {
    std::uint8_t family = 0;  // 4 or 6; 0 when the packet has no IP layer
    std::array<std::uint8_t, 16> bytes{};
    friend bool operator==(const NetAddress&, const NetAddress&) = default;
    friend auto operator<=>(const NetAddress&, const NetAddress&) = default;
    std::string to_string() const;
};

// Engine-wide settings and hooks the transport layers use.
struct StreamServices {
    TcpReassemblyLimits* tcp_limits = nullptr;
    // --follow: the stream to copy, and where its bytes go (node 0 = first sender).
    std::int64_t follow_stream = -1;
    std::function<void(const TcpConversation&, int node, const StreamEvent&)> follow_sink;
    // --follow-tls: the stream whose decrypted TLS application data goes to `follow_tls_sink`.
    std::int64_t follow_tls_stream = -1;
    std::function<void(const FollowChunk&)> follow_tls_sink;
    // Picks the application protocol of a connection from its first payload; null
    // when none is recognised (the payload is then shown as data).
    std::function<std::unique_ptr<TcpApplication>(const TcpConversation&, int side, Bytes first_payload)>
        detect_tcp_application;
    // Called when a TCP connection ends (closed, evicted, or at the end of the capture),
    // before its application state is freed: the sessions model reads it here.
    std::function<void(const TcpConversation&)> on_tcp_close;
    // Matches DNS responses to queries across packets (src/dns/dns_transactions.hpp).
    DnsTransactionTable* dns = nullptr;
    // Checks server certificate chains (tls/chain_of_trust.hpp); always when
    // verify_chain_always (--sessions), otherwise only when a tree is built.
    ChainVerifier* chain_verifier = nullptr;
    bool verify_chain_always = false;
    // --audit (src/tls/audit.hpp): null when off.
    AuditSettings* audit = nullptr;
    // FrameDissector::end_connections_at_close
    bool end_at_close = false;
};

struct PacketContext {
    FrameInfo frame;
    NodeRef root;              // layers are added here, as top-level nodes
    PacketColumns* columns;    // null when no summary is wanted
    TcpConversationTable& tcp;
    UdpConversationTable& udp;
    IpFragmentReassembler& fragments;
    StreamServices& services;
    std::string protocols;     // "eth:ethertype:ip:tcp", as frame.protocols
    NetAddress src, dst;       // of the innermost IP header
    std::uint16_t source = 0;  // data source that upper-layer offsets refer to

    // A new top-level layer node whose offsets refer to the current data source.
    NodeRef add_layer(const FieldDef& def, std::size_t offset, std::size_t length) const {
        return root.add(def, std::monostate{}, offset, length, source);
    }

    // Only the tree shows frame.protocols: without one, nothing is collected.
    void add_protocol(std::string_view name) {
        if (!root) return;
        if (!protocols.empty()) protocols.push_back(':');
        protocols.append(name);
    }
    void set_protocol_column(std::string_view name) const {
        if (columns) columns->protocol.assign(name);
    }
};

// Link layers: dissect the frame by its link type.
void dissect_link(std::uint32_t link_type, ByteReader frame, PacketContext& ctx);
// An EtherType payload (IPv4, IPv6, VLAN tags, ARP, ...); Wireshark's "ethertype" table.
void dissect_ethertype(std::uint16_t ethertype, ByteReader payload, PacketContext& ctx,
                       std::size_t* consumed = nullptr);

// Network layers. They return how many bytes of `payload` the IP packet covers
// (the rest is link-layer padding or trailer).
std::size_t dissect_ipv4(ByteReader payload, PacketContext& ctx);
std::size_t dissect_ipv6(ByteReader payload, PacketContext& ctx);
// The payload of an IP packet (or a reassembled datagram), by protocol number.
void dissect_ip_payload(std::uint8_t protocol, ByteReader payload, PacketContext& ctx);

// Transport layers.
void dissect_tcp(ByteReader segment, PacketContext& ctx);
// Delivers what a connection still buffers and tells its application it ended.
void close_tcp_conversation(TcpConversation& conv, PacketContext& ctx);
void dissect_udp(ByteReader datagram, PacketContext& ctx);

// Bytes no dissector claims: a "Data" layer.
void dissect_data(ByteReader payload, PacketContext& ctx);

// Names of IP protocol numbers (from the IANA registry table).
std::string_view ip_protocol_name(std::uint8_t protocol);

}  // namespace tlsdissect
