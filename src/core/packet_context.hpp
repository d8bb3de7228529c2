// What one packet's dissection carries from layer to layer, and the entry points of
// the lower layers (each in its own file under src/link, src/net, src/transport).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/dissect.hpp"
#include "tlsdissect/field.hpp"
#include "core/capture_state.hpp"
#include "core/dissector_tables.hpp"

namespace tlsdissect {

// An IPv4 or IPv6 address in one comparable form.
struct NetAddress {
    std::uint8_t family = 0;  // 4 or 6; 0 when the packet has no IP layer
    std::array<std::uint8_t, 16> bytes{};
    friend bool operator==(const NetAddress&, const NetAddress&) = default;
    friend auto operator<=>(const NetAddress&, const NetAddress&) = default;
    std::string to_string() const;
    // "127.0.0.1:443" or "[::1]:443".
    std::string endpoint_text(std::uint16_t port) const;
};

// A connection's uid in --sessions ("C" and 16 hex digits): from its transport ("tcp",
// "dtls", "quic"), client and server endpoints and first packet's time.
std::string connection_uid(std::string_view transport, const NetAddress& client, std::uint16_t client_port,
                           const NetAddress& server, std::uint16_t server_port, std::int64_t first_ts_ns);

// One layer of addressing or encapsulation a packet went through, outermost first:
// every IP header, and each tunnel (with its VNI, key or label).
struct PathHop {
    std::string_view protocol;  // "ip", "ipv6", "vxlan", ...
    NetAddress src, dst;        // IP hops
    std::uint32_t id = 0;       // tunnel hops: VNI, GRE key, MPLS label
    // The id names the same tunnel in both directions (a VNI, a PPPoE session), so it
    // tells conversations apart; a per-direction id (a GTP TEID, an MPLS label) does not.
    bool id_is_network = false;
};

// Hops kept per packet; deeper nesting is dissected but no longer recorded.
inline constexpr std::size_t kMaxPathHops = 8;

struct LayerPath {
    std::array<PathHop, kMaxPathHops> hops{};
    std::uint8_t size = 0;
    void push(const PathHop& hop) {
        if (size < kMaxPathHops) hops[size++] = hop;
    }
    // Crossed a tunnel: more than the one (innermost) IP header, or any tunnel hop.
    bool tunnelled() const { return size > 1; }
    // What tells a conversation inside tunnels from one with the same addresses and
    // ports elsewhere: every hop but the innermost (the conversation's own IP header),
    // each IP hop by its unordered address pair and each tunnel by its protocol (and id
    // when the id names the network in both directions). 0 when not tunnelled.
    std::uint64_t outer_key() const;
};

// What one packet's dissection carries from layer to layer. Cross-packet state is in
// `state`, one typed slot per module (core/capture_state.hpp); how a layer finds the
// next is in `tables` (core/dissector_tables.hpp).
struct PacketContext {
    PacketContext(const FrameInfo& frame_info, NodeRef tree_root, PacketColumns* packet_columns,
                  CaptureState& capture_state, const DissectorTables* dissector_tables = nullptr)
        : frame(frame_info),
          root(tree_root),
          columns(packet_columns),
          state(&capture_state),
          tables(dissector_tables ? dissector_tables : &no_tables()) {}

    // The same packet with no tree and no columns: for work done on behalf of an
    // earlier packet (a connection closed because a new one reused its ports).
    PacketContext quiet() const { return PacketContext(frame, NodeRef{}, nullptr, *state, tables); }

    FrameInfo frame;
    NodeRef root;                   // layers are added here, as top-level nodes
    PacketColumns* columns;         // null when no summary is wanted
    CaptureState* state;
    const DissectorTables* tables;
    std::string protocols;          // "eth:ethertype:ip:tcp", as frame.protocols
    NetAddress src, dst;            // of the innermost IP header
    LayerPath path;                 // every IP header and tunnel, outermost first
    std::uint16_t src_port = 0;     // of the innermost UDP or TCP header
    std::uint16_t dst_port = 0;
    std::uint16_t source = 0;       // data source that upper-layer offsets refer to
    std::uint8_t vlan_tags = 0;     // stacked 802.1Q/802.1ad tags so far
    // The UDP flow's state slots and its udp.stream (set by UDP; null and 0 elsewhere).
    std::unique_ptr<StateSlots>* flow_slots = nullptr;
    std::uint32_t flow_stream = 0;
    // False in a UDP flow outside the --shard (only some dissectors run there).
    bool in_shard = true;

    // A protocol's state for this packet's UDP flow, made on first use; null outside UDP.
    template <typename T>
    T* flow_state() {
        if (!flow_slots) return nullptr;
        if (!*flow_slots) *flow_slots = std::make_unique<StateSlots>();
        return &(*flow_slots)->get<T>();
    }

    // No room for another encapsulation: a tunnel that finds this true shows its inner
    // packet as data (a packet of tunnels inside tunnels must not recurse without end).
    bool nesting_exhausted() const { return path.size >= kMaxPathHops; }

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

private:
    static const DissectorTables& no_tables() {
        static const DissectorTables empty;
        return empty;
    }
};

// Looks `key` up in `table` and dissects the payload with what is registered there:
// how many bytes the PDU covers, or nothing when no dissector is registered.
std::optional<std::size_t> dispatch_uint(const UintDissectorTable<PayloadDissector>& table, std::uint32_t key,
                                         ByteReader payload, PacketContext& ctx);

// Bytes no dissector claims: a "Data" layer.
void dissect_data(ByteReader payload, PacketContext& ctx);

// dispatch_uint, and the "Data" layer when nothing is registered for `key`.
std::size_t dispatch_uint_or_data(const UintDissectorTable<PayloadDissector>& table, std::uint32_t key,
                                  ByteReader payload, PacketContext& ctx);

}  // namespace tlsdissect
