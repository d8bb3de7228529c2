// The DNS dissector's entry points for the transport layers: DNS over UDP (RFC 1035
// section 4.2.1), over TCP (RFC 7766 / RFC 1035 section 4.2.2: each message after a
// 2-byte length), Multicast DNS (RFC 6762, port 5353) and LLMNR (RFC 4795, port 5355).
#pragma once

#include <cstdint>
#include <memory>

#include "core/packet_context.hpp"
#include "dns/dns_message.hpp"
#include "dns/dns_transactions.hpp"

namespace tlsdissect {

inline constexpr std::uint16_t kDnsPort = 53;
inline constexpr std::uint16_t kMdnsPort = 5353;
inline constexpr std::uint16_t kLlmnrPort = 5355;

DnsFlavor dns_flavor_for_ports(std::uint16_t a, std::uint16_t b);

// Per capture: queries and responses matched across packets.
struct DnsState {
    DnsTransactionTable transactions;
};

// DNS, MDNS and LLMNR over UDP and TCP in the dissector tables: by port, and by a
// payload that parses as a DNS message.
void register_dns(DissectorTables& tables);

// A UDP payload: adds the DNS (or MDNS, LLMNR) layer, sets the Protocol and Info
// columns, and matches the message with its query or response (DnsState).
void dissect_dns_udp(ByteReader payload, PacketContext& ctx, std::uint16_t src_port, std::uint16_t dst_port);

// Shared by UDP and TCP: parses one message under `layer` (the caller made it, with
// the data source its offsets refer to) and adds what DnsTransactionTable says about it.
DnsMessageFacts dissect_dns_message(ByteReader message, NodeRef layer, PacketContext& ctx, const DnsEndpoints& where,
                                    DnsFlavor flavor, std::string* info);

class TcpApplication;
struct TcpConversation;

// DNS over TCP: frames 2-byte-length-prefixed messages per direction (several per
// segment, or one over several segments), each shown with dns.length and, when
// reassembled, the "[N Reassembled TCP Segments ...]" node. With the conversation,
// matching keys on its addresses and ports; without it, on each frame's addresses.
std::unique_ptr<TcpApplication> make_dns_tcp_application();
std::unique_ptr<TcpApplication> make_dns_tcp_application(const TcpConversation& conv);

// Does a TCP connection's first payload look like DNS: a length prefix followed by a
// well-formed message?
bool plausible_dns_over_tcp(Bytes first_payload);

}  // namespace tlsdissect
