// The link layers' entry points: each registers itself in the link-type table (and
// the VLAN tags in the EtherType table); dissect_ethertype is how a link layer or a
// tunnel (GRE, VXLAN's inner Ethernet) hands its payload on by EtherType.
#pragma once

#include <cstdint>

#include "core/packet_context.hpp"

namespace tlsdissect {

// Ethernet II (LINKTYPE_ETHERNET), 802.1Q and 802.1ad tags.
void register_ethernet(DissectorTables& tables);
// Linux cooked capture v1 and v2, BSD loopback (NULL, LOOP), raw IP.
void register_cooked_links(DissectorTables& tables);

// PPP (LINKTYPE_PPP, LINKTYPE_PPP_HDLC, and EtherType 0x880b for PPPoE and GRE).
void register_ppp(DissectorTables& tables);
// Linux netfilter NFLOG (LINKTYPE_NFLOG).
void register_nflog(DissectorTables& tables);
// IEEE 802.11 (plain, under radiotap, under PPI).
void register_ieee80211(DissectorTables& tables);
// FDDI (LINKTYPE_FDDI), whose frames carry LLC.
void register_llc_links(DissectorTables& tables);

// An IEEE 802.2 LLC frame (with SNAP: its EtherType's payload): returns its length.
std::size_t dissect_llc(ByteReader frame, PacketContext& ctx);

// A whole Ethernet II frame (for tunnels that carry Ethernet): returns its length.
std::size_t dissect_ethernet(ByteReader frame, PacketContext& ctx);

// The payload of an EtherType, through the EtherType table ("Data" when nothing is
// registered): how many bytes its PDU covers.
std::size_t dissect_ethertype(std::uint16_t ethertype, ByteReader payload, PacketContext& ctx);

}  // namespace tlsdissect
