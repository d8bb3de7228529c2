// Pieces IPv4 and IPv6 share: DS field / traffic class, protocol numbers, and how a
// fragment and a reassembled datagram are presented.
#pragma once

#include <string>

#include "core/packet_context.hpp"
#include "net/ip.hpp"
#include "net/ip_fragments.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

// RFC 2474 / RFC 8622 codepoint names, RFC 3168 ECN names.
inline constexpr ValueName kDscpNames[] = {
    {0, "Default"}, {1, "Lower Effort"}, {8, "Class Selector 1"}, {10, "Assured Forwarding 11"},
    {12, "Assured Forwarding 12"}, {14, "Assured Forwarding 13"}, {16, "Class Selector 2"},
    {18, "Assured Forwarding 21"}, {20, "Assured Forwarding 22"}, {22, "Assured Forwarding 23"},
    {24, "Class Selector 3"}, {26, "Assured Forwarding 31"}, {28, "Assured Forwarding 32"},
    {30, "Assured Forwarding 33"}, {32, "Class Selector 4"}, {34, "Assured Forwarding 41"},
    {36, "Assured Forwarding 42"}, {38, "Assured Forwarding 43"}, {40, "Class Selector 5"},
    {44, "Voice Admit"}, {46, "Expedited Forwarding"}, {48, "Class Selector 6"},
    {56, "Class Selector 7"},
};
inline constexpr ValueName kEcnNames[] = {
    {0, "Not ECN-Capable Transport"}, {1, "ECN-Capable Transport codepoint '01'"},
    {2, "ECN-Capable Transport codepoint '10'"}, {3, "Congestion Experienced"},
};
// Wireshark's short names for the IP protocol numbers a capture will commonly show.
inline constexpr ValueName kIpProtocolNames[] = {
    {0, "IPv6 Hop-by-Hop Option"}, {1, "ICMP"}, {2, "IGMP"}, {4, "IPIP"}, {6, "TCP"},
    {17, "UDP"}, {41, "IPv6"}, {43, "IPv6 routing header"}, {44, "IPv6 fragment header"},
    {47, "GRE"}, {50, "Encap Security Payload"}, {51, "Authentication Header"}, {58, "ICMPv6"},
    {59, "IPv6 no next header"}, {60, "IPv6 destination option"}, {89, "OSPF IGP"},
    {103, "PIM"}, {112, "VRRP"}, {132, "SCTP"},
};

inline constexpr FieldDef kIpFragmentData{"data", "Data", FieldType::Protocol};

// The IP headers; they return how many bytes of `payload` the IP packet covers (the
// rest is link-layer padding or trailer).
std::size_t dissect_ipv4(ByteReader payload, PacketContext& ctx);
std::size_t dissect_ipv6(ByteReader payload, PacketContext& ctx);

// "Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)" with its two parts.
void add_dsfield(NodeRef parent, const FieldDef& field, const FieldDef& dscp, const FieldDef& ecn,
                 std::uint8_t value, std::size_t offset, std::string_view label);
// "Fragmented IP protocol (proto=UDP 17, off=1480, ID=5a3c)" in the summary columns.
void present_fragment_column(PacketContext& ctx, std::uint8_t protocol, std::uint32_t offset,
                             std::uint32_t id, std::string_view ip_name);
// Makes the datagram a data source of its own, lists the fragments under the IP
// layer ("[3 IPv4 Fragments (4008 bytes): #5(1480), #6(1480), #7(1048)]"), and
// dissects the whole payload.
void present_reassembled(PacketContext& ctx, NodeRef ip, std::uint8_t protocol, FragmentResult& result,
                         const FieldDef& list, const FieldDef& fragment, const FieldDef& count,
                         const FieldDef& length, std::string_view ip_name);

}  // namespace tlsdissect
