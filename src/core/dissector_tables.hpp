// Dissector tables: how one layer finds the next, the way Wireshark's
// dissector_add_uint / heur_dissector_add / dissector_add_string do. Each protocol
// registers itself from its own folder (a `register_…(DissectorTables&)` function the
// engine calls once); a layer looks the next one up here by link type, EtherType, IP
// protocol number, UDP or TCP port, name, or by asking heuristics in order. No layer
// names the protocols above it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

struct PacketContext;
struct TcpConversation;
class TcpApplication;

// Dissects a payload and returns how many of its bytes the protocol's PDU covers
// (what is left is padding or a trailer of the layer below).
using PayloadDissectFn = std::size_t (*)(ByteReader payload, PacketContext& ctx);
// Does this payload look like the protocol's? Asked only when no table entry matched.
using PayloadHeuristicFn = bool (*)(ByteReader payload, const PacketContext& ctx);

struct PayloadDissector {
    std::string_view name;  // the protocol's short name, as in frame.protocols
    PayloadDissectFn dissect = nullptr;
    PayloadHeuristicFn accepts = nullptr;  // heuristic lists only
    // UDP heuristics: also tried in flows outside the --shard (their `accepts` sees
    // PacketContext::in_shard false).
    bool outside_shard = false;
};

// A TCP application for a connection (it receives each direction's bytes in order),
// chosen from the connection's first payload.
using TcpApplicationFactory = std::unique_ptr<TcpApplication> (*)(const TcpConversation& conv, int side,
                                                                  PacketContext& ctx);
using TcpHeuristicFn = bool (*)(Bytes first_payload, const TcpConversation& conv);

struct TcpApplicationEntry {
    std::string_view name;
    TcpApplicationFactory make = nullptr;
    TcpHeuristicFn accepts = nullptr;  // heuristic lists only
};

// Entries by key; a later registration of the same key replaces the earlier.
template <typename Key, typename Entry>
class DissectorTable {
public:
    void add(Key key, Entry entry) {
        for (auto& [k, e] : entries_)
            if (k == key) {
                e = entry;
                return;
            }
        entries_.emplace_back(key, entry);
    }
    const Entry* find(Key key) const {
        for (const auto& [k, e] : entries_)
            if (k == key) return &e;
        return nullptr;
    }
    std::size_t size() const { return entries_.size(); }

private:
    // A handful of entries per table: a linear scan beats hashing here.
    std::vector<std::pair<Key, Entry>> entries_;
};

// By number: link type, EtherType, IP protocol, port.
template <typename Entry>
class UintDissectorTable : public DissectorTable<std::uint32_t, Entry> {
public:
    // For transport ports: the lower port first, as Wireshark tries them.
    const Entry* find_ports(std::uint16_t a, std::uint16_t b) const {
        if (const Entry* e = this->find(std::min(a, b))) return e;
        return this->find(std::max(a, b));
    }
};

// By name: ALPN, STARTTLS verb, a protocol handed over to.
template <typename Entry>
using StringDissectorTable = DissectorTable<std::string_view, Entry>;

// Heuristics, asked in order of registration.
template <typename Entry>
class HeuristicList {
public:
    void add(Entry entry) { entries_.push_back(entry); }
    const std::vector<Entry>& entries() const { return entries_; }

private:
    std::vector<Entry> entries_;
};

struct DissectorTables {
    UintDissectorTable<PayloadDissector> link_type;    // pcap LINKTYPE_* values
    UintDissectorTable<PayloadDissector> ethertype;
    UintDissectorTable<PayloadDissector> ip_protocol;  // IPv4 protocol / IPv6 next header
    UintDissectorTable<PayloadDissector> udp_port;
    HeuristicList<PayloadDissector> udp_heuristics;    // after the port table
    // TCP: signatures no other protocol can start with are asked first, then the
    // port table, then the weaker heuristics.
    HeuristicList<TcpApplicationEntry> tcp_signatures;
    UintDissectorTable<TcpApplicationEntry> tcp_port;
    HeuristicList<TcpApplicationEntry> tcp_heuristics;
    // By name, for a connection that hands over to another protocol (STARTTLS, HTTP
    // CONNECT, SOCKS) and for names carried in protocols (ALPN, HTTP Upgrade).
    StringDissectorTable<TcpApplicationEntry> tcp_by_name;
};

}  // namespace tlsdissect
