// One DNS message (RFC 1035 section 4; EDNS RFC 6891; unknown types RFC 3597; mDNS
// RFC 6762 section 18; LLMNR RFC 4795 section 2.1): a pure bytes -> tree + facts parser.
//
// The tree uses Wireshark's display-filter names (dns.id, dns.flags.rcode, dns.qry.name,
// dns.resp.ttl, dns.a, dns.cname, ...; checked against tshark 4.0's `-G fields`). The
// facts (DnsMessageFacts) are a plain struct for the transaction table and the session
// model, filled whether or not a tree is built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/packet_context.hpp"
#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

// Which protocol carries the message: plain DNS, Multicast DNS (port 5353: the top bit
// of a class is the QU / cache-flush flag) or LLMNR (port 5355: other header flags).
enum class DnsFlavor : std::uint8_t { Dns, Mdns, Llmnr };

enum class DnsSection : std::uint8_t { Answer, Authority, Additional };

inline constexpr std::uint16_t kDnsTypeA = 1, kDnsTypeNs = 2, kDnsTypeCname = 5, kDnsTypeSoa = 6,
                               kDnsTypePtr = 12, kDnsTypeMx = 15, kDnsTypeTxt = 16, kDnsTypeAaaa = 28,
                               kDnsTypeSrv = 33, kDnsTypeDname = 39, kDnsTypeOpt = 41, kDnsTypeIxfr = 251,
                               kDnsTypeAxfr = 252, kDnsTypeHttps = 65, kDnsTypeSvcb = 64;
inline constexpr std::uint8_t kDnsOpcodeQuery = 0, kDnsOpcodeUpdate = 5;

struct DnsQuestion {
    std::string name;  // presentation form (see DnsName::text)
    std::uint16_t type = 0;
    std::uint16_t klass = 0;      // without the mDNS QU bit
    bool unicast_response = false;  // mDNS "QU" question
};

// One ECHConfig of an ECHConfigList (RFC 9849 section 4) in the ech SvcParam of an
// HTTPS or SVCB record: what a client encrypts its Client Hello with.
struct EchConfigSummary {
    std::uint16_t version = 0;  // 0xfe0d; another version is listed with nothing else read
    std::uint8_t config_id = 0;
    std::uint16_t kem_id = 0;
    std::size_t public_key_length = 0;
    std::vector<std::pair<std::uint16_t, std::uint16_t>> cipher_suites;  // (KDF, AEAD)
    std::uint8_t maximum_name_length = 0;
    std::string public_name;
    std::vector<std::uint16_t> extensions;  // ECHConfigExtension types
    bool complete = false;  // every field was read
};
// ECHConfigs kept per record (a list holds one or two: the current key and the next).
inline constexpr std::size_t kMaxEchConfigsKept = 8;

struct DnsRecord {
    DnsSection section = DnsSection::Answer;
    std::string name;
    std::uint16_t type = 0;
    std::uint16_t klass = 0;  // without the mDNS cache-flush bit; OPT: the UDP payload size
    std::uint32_t ttl = 0;    // OPT: extended RCODE, version and flags
    bool cache_flush = false;
    // The data in a short text form: "127.0.0.2", "www.cdn.example.test",
    // "10 mail.example.test", "10 20 5060 sip.example.test", TXT strings quoted and
    // space-separated; other types as Wireshark's one-line summary or hex.
    std::string data;
    std::optional<NetAddress> address;  // A, AAAA
    std::string target;                 // the name in NS, CNAME, DNAME, PTR, MX, SRV, SVCB/HTTPS
    std::vector<std::string> alpn;      // SVCB/HTTPS: the alpn SvcParam's protocol ids, in order
    std::vector<EchConfigSummary> ech_configs;  // SVCB/HTTPS: the ech SvcParam's ECHConfigs
};

struct DnsEdns {
    std::uint16_t udp_payload_size = 0;
    std::uint8_t extended_rcode = 0;  // the upper 8 bits of the 12-bit RCODE
    std::uint8_t version = 0;
    bool dnssec_ok = false;
};

struct DnsMessageFacts {
    bool header_complete = false;  // the 12-byte header was read
    std::uint16_t id = 0;
    std::uint16_t flags = 0;
    bool response = false;
    std::uint8_t opcode = 0;
    std::uint8_t rcode = 0;  // the header's 4 bits; see full_rcode()
    std::uint16_t counts[4] = {0, 0, 0, 0};  // QD, AN, NS, AR as the header says
    std::vector<DnsQuestion> questions;
    std::vector<DnsRecord> answers, authorities, additionals;
    std::optional<DnsEdns> edns;
    bool malformed = false;  // some length or name lied
    bool truncated = false;  // the capture cut the message
    std::size_t trailing = 0;  // bytes after the last record the counts announce
    std::uint16_t full_rcode() const {
        return static_cast<std::uint16_t>((edns ? edns->extended_rcode << 4 : 0) | rcode);
    }
};

// The DNS layer nodes, one per flavor ("dns", "mdns", "llmnr").
const FieldDef& dns_layer_field(DnsFlavor flavor);

// Parses one DNS message; `message` holds exactly the message (for DNS over TCP, the
// bytes after the 2-byte length). `layer` is the DNS layer node the caller added (a
// null NodeRef builds no tree); the parser sets its text ("Domain Name System
// (query)") and adds the header, sections and records under it. Malformed and
// truncated parts become [Malformed: ...] / [Truncated: ...] nodes and dissection goes
// on with what can still be found. When `info` is given it receives Wireshark's Info
// column text ("Standard query response 0x1ca2 A www.example.test CNAME ... OPT").
DnsMessageFacts parse_dns_message(ByteReader message, NodeRef layer, DnsFlavor flavor, std::string* info = nullptr);

// Does `payload` hold exactly one well-formed DNS message? Used to recognise DNS on
// ports other than 53/5353/5355: the header must be sane (a known opcode, Z clear, at
// least one record, at most a few questions) and every name, record and length must
// parse with nothing left over.
bool plausible_dns_message(Bytes payload);

// Wireshark's words for header values: "Standard query", "No such name".
std::string dns_opcode_text(std::uint8_t opcode);
std::string dns_rcode_text(std::uint16_t rcode);
// The RR type mnemonic ("A", "CNAME", "ANY", "Unknown (2048)").
std::string dns_type_text(std::uint16_t type);  // as Wireshark shows it: "A", "Unknown (65534)"
// "A (1)", "Unknown (65534)": the type and its number, for the tree.
std::string dns_type_with_number(std::uint16_t type);
// The presentation form (zone files, dig, --sessions): the mnemonic, or RFC 3597
// section 5's "TYPE65534" for a type without one.
std::string dns_type_mnemonic(std::uint16_t type);
std::string dns_class_text(std::uint16_t klass);

}  // namespace tlsdissect
