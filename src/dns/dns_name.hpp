// DNS domain names on the wire (RFC 1035 sections 3.1 and 4.1.4, message
// compression), decoded from an untrusted message with written-down limits.
//
// A name is a sequence of length-prefixed labels ending in the root label (a zero
// byte) or in a compression pointer to a name earlier in the message. Pointers are
// followed only backwards: every pointer must point before the start of the label
// sequence that contains it, so a chain of pointers always moves towards the start of
// the message and cannot loop. A pointer that does not — to itself, into its own name,
// forward, past the end — is reported as a problem flag on the decoded name, and the
// caller goes on with the rest of the message (the pointer is two bytes, so where the
// name ends at its own position is still known).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

// RFC 1035 section 2.3.4: a name is at most 255 octets in wire form (length bytes and
// the root label included); a label at most 63 octets (the two top bits of the length
// byte select the label type: 00 label, 11 pointer, 01 and 10 are reserved/obsolete).
inline constexpr std::size_t kMaxDnsNameOctets = 255;
inline constexpr std::size_t kMaxDnsLabelOctets = 63;
// Pointers followed for one name. Backward-only pointers already bound the work by the
// message size; this is the second wall (127 one-byte labels is the most a 255-octet
// name can hold, so a legitimate name never needs more hops than that).
inline constexpr unsigned kMaxDnsPointerHops = 128;

enum DnsNameProblem : std::uint16_t {
    kDnsNameOk = 0,
    kDnsNamePointerLoop = 1u << 0,         // a pointer to itself or into its own name
    kDnsNameForwardPointer = 1u << 1,      // a pointer to a later position (RFC 1035: "prior occurrence")
    kDnsNamePointerPastEnd = 1u << 2,      // a pointer beyond the end of the message
    kDnsNameTooManyHops = 1u << 3,         // more than kMaxDnsPointerHops pointers
    kDnsNameTooLong = 1u << 4,             // more than kMaxDnsNameOctets octets
    kDnsNameReservedLabelType = 1u << 5,   // length byte 0x40-0xbf: a label over 63 octets
    kDnsNameRunsPastEnd = 1u << 6,         // a label or pointer runs past the end of the message
    kDnsNameTruncated = 1u << 7,           // the capture ends inside the name
};

struct DnsName {
    // Presentation form as Wireshark shows it: labels joined by dots, bytes outside
    // printable ASCII as \ooo escapes, "<Root>" for the root. When the name cannot be
    // decoded, a placeholder that says why ("<Name contains a pointer that loops>").
    std::string text;
    // Octets the name occupies at its own position: up to and including its first
    // pointer or its root label. Meaningless when !end_known().
    std::size_t wire_length = 0;
    // Characters of the dotted name (escapes not counted) and its label count.
    std::size_t length = 0;
    unsigned labels = 0;
    // Pointers that led straight to another pointer: legal (RFC 1035 4.1.4 only asks
    // for an earlier position) but no compressor writes them; a chain of them is what
    // "compression depth" attacks on parsers use.
    unsigned pointer_to_pointer = 0;
    std::uint16_t problems = kDnsNameOk;
    // Message offset of the byte where decoding went wrong.
    std::size_t problem_offset = 0;
    // Whether the position after the name at its own position is known (it is not
    // when the name's own labels run out of bytes or use a reserved label type).
    bool end_known_ = true;

    bool ok() const { return problems == kDnsNameOk; }
    bool end_known() const { return end_known_; }
    bool truncated() const { return problems & kDnsNameTruncated; }
    // "pointer at offset 12 loops back into its own name", for the anomaly node.
    std::string problem_text() const;
};

// Decodes the name at `offset` (relative to the message start). `message` is a reader
// over exactly the whole DNS message (for TCP: after the 2-byte length); its position
// does not matter. Every byte is read through ByteReader.
DnsName decode_dns_name(const ByteReader& message, std::size_t offset);

// Label bytes (or any character-string) as Wireshark shows them: printable ASCII as is,
// other bytes as \ooo octal escapes (\t, \n, \r as C escapes).
std::string dns_printable(Bytes bytes);

// Lowercase ASCII copy, for comparing names (RFC 4343: names compare case-insensitively).
std::string dns_name_key(std::string_view name);
// The same DNS name: case-insensitively, with or without the root's trailing dot.
bool dns_names_equal(std::string_view a, std::string_view b);

}  // namespace tlsdissect
