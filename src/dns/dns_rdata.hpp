// Resource record data (RDATA) parsers, one per RR type, for dns_message.cpp. Pure:
// bytes in, tree nodes and DnsRecord facts out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "dns/dns_message.hpp"
#include "dns/dns_name.hpp"

namespace tlsdissect {

// What an RDATA parser works with and what it reports back.
struct RdataContext {
    const ByteReader& message;  // the whole message, for compressed names
    std::size_t message_base;   // absolute offset of the message's first byte
    NodeRef rr;                 // the record's node (null: no tree)
    DnsFlavor flavor;
    DnsRecord& record;          // facts: data, target, address
    std::string title;          // appended to the record's line: ", addr 127.0.0.2"
    std::string info;           // appended to the Info column: " 127.0.0.2"
    bool malformed = false;
    bool truncated = false;
    bool stop = false;  // a name's end is unknown: nothing after it can be found

    // Anomalies that also mark the facts.
    void bad(NodeRef at, std::string why, std::size_t offset, std::size_t length);
    void short_read(NodeRef at, const ByteReader& reader, std::string_view what);
};

// True when every read in a group succeeded. A failed read does not move the reader,
// so a later, shorter read may still succeed: check them all, never only the last.
template <typename... T>
bool all_read(const std::optional<T>&... reads) {
    return (reads.has_value() && ...);
}

// Dissects RDATA of `type`; `rdata` holds exactly RDLENGTH bytes (or what is left of the
// message when RDLENGTH lies). Unknown types are shown as bytes (RFC 3597).
void dissect_rdata(std::uint16_t type, ByteReader rdata, RdataContext& c);

// RFC 6891 section 6.1.2: the options in an OPT record's RDATA.
void dissect_edns_options(ByteReader rdata, RdataContext& c);

// Reads a name at the reader's position inside a length-bounded structure and moves
// past it; adds a `def` node with the name under `parent`. A name whose own labels run
// past `r` is malformed; the reader is then emptied.
DnsName read_dns_name(ByteReader& r, RdataContext& c, const FieldDef& def, NodeRef parent);

// Notes about a decoded name that are not errors (a compression pointer to a pointer).
void add_name_notes(NodeRef name_node, const DnsName& name);

// "5 minutes", "1 hour", "9941 days, 21 hours, 39 minutes, 12 seconds" (Wireshark's
// form for TTLs and SOA intervals).
std::string dns_duration_text(std::uint32_t seconds);

}  // namespace tlsdissect
