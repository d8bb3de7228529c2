// What one packet's dissection carries from layer to layer, and the entry points of
// the layer dissectors (each in its own file under src/link, src/net, src/transport).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/dissect.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

class TcpConversationTable;
class UdpConversationTable;
class IpFragmentReassembler;

// An IPv4 or IPv6 address in one comparable form.
struct NetAddress {
    std::uint8_t family = 0;  // 4 or 6; 0 when the packet has no IP layer
    std::array<std::uint8_t, 16> bytes{};
    friend bool operator==(const NetAddress&, const NetAddress&) = default;
    friend auto operator<=>(const NetAddress&, const NetAddress&) = default;
    std::string to_string() const;
};

struct PacketContext {
    FrameInfo frame;
    NodeRef root;              // layers are added here, as top-level nodes
    PacketColumns* columns;    // null when no summary is wanted
    TcpConversationTable& tcp;
    UdpConversationTable& udp;
    IpFragmentReassembler& fragments;
    std::string protocols;     // "eth:ethertype:ip:tcp", as frame.protocols
    NetAddress src, dst;       // of the innermost IP header
    std::uint16_t source = 0;  // data source that upper-layer offsets refer to

    // A new top-level layer node whose offsets refer to the current data source.
    NodeRef add_layer(const FieldDef& def, std::size_t offset, std::size_t length) const {
        return root.add(def, std::monostate{}, offset, length, source);
    }

    void add_protocol(std::string_view name) {
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
void dissect_udp(ByteReader datagram, PacketContext& ctx);

// Bytes no dissector claims: a "Data" layer.
void dissect_data(ByteReader payload, PacketContext& ctx);

// Names of IP protocol numbers (from the IANA registry table).
std::string_view ip_protocol_name(std::uint8_t protocol);

}  // namespace tlsdissect
