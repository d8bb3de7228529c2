// One DNS message: header, questions and resource records (RFC 1035 section 4.1; UPDATE
// section names RFC 2136 section 2; EDNS OPT RFC 6891 section 6.1; mDNS RFC 6762
// section 18; LLMNR RFC 4795 section 2.1.1). RDATA is in dns_rdata.cpp.
#include "dns/dns_message.hpp"

#include "core/iana_tables.hpp"
#include "dns/dns_name.hpp"
#include "dns/dns_rdata.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kDns{"dns", "Domain Name System", FieldType::Protocol};
constexpr FieldDef kMdns{"mdns", "Multicast Domain Name System", FieldType::Protocol};
constexpr FieldDef kLlmnr{"llmnr", "Link-local Multicast Name Resolution", FieldType::Protocol};

constexpr FieldDef kId{"dns.id", "Transaction ID", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kFlags{"dns.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kFlagResponse{"dns.flags.response", "Response", FieldType::Bool, Base::None, {}, 0x8000, 16};
constexpr FieldDef kFlagOpcode{"dns.flags.opcode", "Opcode", FieldType::UInt, Base::Dec, {}, 0x7800, 16};
constexpr FieldDef kFlagAuthoritative{"dns.flags.authoritative", "Authoritative", FieldType::Bool, Base::None, {}, 0x0400, 16};
constexpr FieldDef kFlagConflict{"dns.flags.conflict", "Conflict", FieldType::Bool, Base::None, {}, 0x0400, 16};
constexpr FieldDef kFlagTruncated{"dns.flags.truncated", "Truncated", FieldType::Bool, Base::None, {}, 0x0200, 16};
constexpr FieldDef kFlagRecDesired{"dns.flags.recdesired", "Recursion desired", FieldType::Bool, Base::None, {}, 0x0100, 16};
constexpr FieldDef kFlagTentative{"dns.flags.tentative", "Tentative", FieldType::Bool, Base::None, {}, 0x0100, 16};
constexpr FieldDef kFlagRecAvail{"dns.flags.recavail", "Recursion available", FieldType::Bool, Base::None, {}, 0x0080, 16};
constexpr FieldDef kFlagZ{"dns.flags.z", "Z", FieldType::Bool, Base::None, {}, 0x0040, 16};
constexpr FieldDef kFlagAuthenticated{"dns.flags.authenticated", "Answer authenticated", FieldType::Bool, Base::None, {}, 0x0020, 16};
constexpr FieldDef kFlagCheckDisable{"dns.flags.checkdisable", "Non-authenticated data", FieldType::Bool, Base::None, {}, 0x0010, 16};
constexpr FieldDef kFlagRcode{"dns.flags.rcode", "Reply code", FieldType::UInt, Base::Dec, {}, 0x000f, 16};
constexpr FieldDef kCountQueries{"dns.count.queries", "Questions", FieldType::UInt};
constexpr FieldDef kCountZones{"dns.count.zones", "Zones", FieldType::UInt};
constexpr FieldDef kCountAnswers{"dns.count.answers", "Answer RRs", FieldType::UInt};
constexpr FieldDef kCountPrerequisites{"dns.count.prerequisites", "Prerequisites", FieldType::UInt};
constexpr FieldDef kCountAuth{"dns.count.auth_rr", "Authority RRs", FieldType::UInt};
constexpr FieldDef kCountUpdates{"dns.count.updates", "Updates", FieldType::UInt};
constexpr FieldDef kCountAdd{"dns.count.add_rr", "Additional RRs", FieldType::UInt};

constexpr FieldDef kSection{"dns.section", "Section", FieldType::None};
constexpr FieldDef kQuery{"dns.qry", "Query", FieldType::None};
constexpr FieldDef kQryName{"dns.qry.name", "Name", FieldType::String};
constexpr FieldDef kQryNameLen{"dns.qry.name.len", "Name Length", FieldType::UInt};
constexpr FieldDef kLabelCount{"dns.count.labels", "Label Count", FieldType::UInt};
constexpr FieldDef kQryType{"dns.qry.type", "Type", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kQryClass{"dns.qry.class", "Class", FieldType::UInt, Base::Hex, kDnsClasses, 0, 16};
constexpr FieldDef kQryClassMdns{"dns.qry.class", "Class", FieldType::UInt, Base::Hex, kDnsClasses, 0x7fff, 16};
constexpr FieldDef kQryQu{"dns.qry.qu", "\"QU\" question", FieldType::Bool, Base::None, {}, 0x8000, 16};
constexpr FieldDef kMultipleQuestions{"dns.qry.multiple", "More than one question", FieldType::Expert, Base::None,
                                      {}, 0, 0, {}, Severity::Warn};

constexpr FieldDef kRr{"dns.rr", "Resource record", FieldType::None};
constexpr FieldDef kRespName{"dns.resp.name", "Name", FieldType::String};
constexpr FieldDef kSrvService{"dns.srv.service", "Service", FieldType::String};
constexpr FieldDef kSrvProto{"dns.srv.proto", "Protocol", FieldType::String};
constexpr FieldDef kSrvName{"dns.srv.name", "Name", FieldType::String};
constexpr FieldDef kRespType{"dns.resp.type", "Type", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kRespClass{"dns.resp.class", "Class", FieldType::UInt, Base::Hex, kDnsClasses, 0, 16};
constexpr FieldDef kRespClassMdns{"dns.resp.class", "Class", FieldType::UInt, Base::Hex, kDnsClasses, 0x7fff, 16};
constexpr FieldDef kCacheFlush{"dns.resp.cache_flush", "Cache flush", FieldType::Bool, Base::None, {}, 0x8000, 16};
constexpr FieldDef kRespTtl{"dns.resp.ttl", "Time to live", FieldType::UInt};
constexpr FieldDef kRespLen{"dns.resp.len", "Data length", FieldType::UInt};
constexpr FieldDef kUdpPayloadSize{"dns.rr.udp_payload_size", "UDP payload size", FieldType::UInt};
constexpr FieldDef kUdpPayloadSizeMdns{"dns.rr.udp_payload_size", "UDP payload size", FieldType::UInt, Base::Hex, {}, 0x7fff, 16};
constexpr FieldDef kExtRcode{"dns.resp.ext_rcode", "Higher bits in extended RCODE", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kEdnsVersion{"dns.resp.edns0_version", "EDNS0 version", FieldType::UInt};
constexpr FieldDef kZ{"dns.resp.z", "Z", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kZDo{"dns.resp.z.do", "DO bit", FieldType::Bool, Base::None, {}, 0x8000, 16};
constexpr FieldDef kZReserved{"dns.resp.z.reserved", "Reserved", FieldType::UInt, Base::Hex, {}, 0x7fff, 16};
constexpr FieldDef kExtraneous{"dns.extraneous.data", "Extraneous Data Bytes", FieldType::Bytes};
constexpr FieldDef kExtraneousNote{"dns.extraneous", "Extraneous data", FieldType::Expert, Base::None, {}, 0, 0, {},
                                   Severity::Warn};

constexpr std::uint16_t kFlagQr = 0x8000, kFlagZBit = 0x0040, kFlagAd = 0x0020;
constexpr std::uint16_t kClassTopBit = 0x8000;  // mDNS: QU in questions, cache flush in records

struct Parse {
    const ByteReader& message;
    std::size_t base;
    NodeRef layer;
    DnsFlavor flavor;
    DnsMessageFacts& facts;
    std::string* info;
    unsigned opt_records = 0;
    bool stop = false;  // where the next record starts is unknown

    void anomaly(NodeRef at, bool truncated, std::string why, std::size_t offset, std::size_t length) {
        if (truncated) {
            facts.truncated = true;
            at.truncated(std::move(why), offset, length);
        } else {
            facts.malformed = true;
            at.malformed(std::move(why), offset, length);
        }
    }
    void short_read(NodeRef at, const ByteReader& r, std::string_view what) {
        if (r.failure() == ShortRead::Truncated)
            facts.truncated = true;
        else
            facts.malformed = true;
        at.short_read(r, what);
    }
};

}  // namespace

std::string dns_type_with_number(std::uint16_t type) {
    const std::string name = dns_type_text(type);
    return name.rfind("Unknown", 0) == 0 ? name : name + " (" + std::to_string(type) + ")";
}

namespace {

void add_flag(NodeRef parent, const FieldDef& def, std::uint16_t flags, std::size_t at, const char* set,
              const char* clear) {
    const bool on = flags & def.mask;
    parent.add(def, on, at, 2).set_text(bit_pattern(flags, def.mask, 16) + " = " + std::string(def.label) + ": " +
                                         (on ? set : clear));
}

// RFC 1035 section 4.1.1; AD and CD from RFC 4035 section 3.2; LLMNR's C and T bits from
// RFC 4795 section 2.1.1. As Wireshark does, a query shows neither AA, RA nor RCODE.
void add_flags(NodeRef layer, std::uint16_t flags, DnsFlavor flavor, std::size_t at) {
    const bool response = flags & kFlagQr;
    const unsigned opcode = (flags >> 11) & 0xf;
    const unsigned rcode = flags & 0xf;
    std::string line = "Flags: 0x" + hex_u16(flags) + " " + dns_opcode_text(static_cast<std::uint8_t>(opcode));
    if (response) line += " response, " + dns_rcode_text(static_cast<std::uint16_t>(rcode));
    NodeRef f = layer.add(kFlags, std::uint64_t(flags), at, 2);
    f.set_text(line);
    add_flag(f, kFlagResponse, flags, at, "Message is a response", "Message is a query");
    f.add(kFlagOpcode, std::uint64_t(opcode), at, 2)
        .set_text(bit_pattern(flags, 0x7800, 16) + " = Opcode: " + dns_opcode_text(static_cast<std::uint8_t>(opcode)) +
                  " (" + std::to_string(opcode) + ")");
    if (flavor == DnsFlavor::Llmnr) {
        if (response)
            add_flag(f, kFlagConflict, flags, at, "The name is not considered unique", "The name is considered unique");
        else
            add_flag(f, kFlagConflict, flags, at, "The sender received multiple responses", "None");
        add_flag(f, kFlagTruncated, flags, at, "Message is truncated", "Message is not truncated");
        add_flag(f, kFlagTentative, flags, at, "Tentative", "Not tentative");
    } else {
        if (response)
            add_flag(f, kFlagAuthoritative, flags, at, "Server is an authority for domain",
                     "Server is not an authority for domain");
        add_flag(f, kFlagTruncated, flags, at, "Message is truncated", "Message is not truncated");
        add_flag(f, kFlagRecDesired, flags, at, "Do query recursively", "Don't do query recursively");
        if (response)
            add_flag(f, kFlagRecAvail, flags, at, "Server can do recursive queries", "Server can't do recursive queries");
        add_flag(f, kFlagZ, flags, at, "reserved - incorrect!", "reserved (0)");
        if (response) {
            add_flag(f, kFlagAuthenticated, flags, at, "Answer/authority portion was authenticated by the server",
                     "Answer/authority portion was not authenticated by the server");
        } else if (flags & kFlagAd) {
            f.add(kFlagAuthenticated, true, at, 2).set_text(bit_pattern(flags, kFlagAd, 16) + " = AD bit: Set");
        }
        add_flag(f, kFlagCheckDisable, flags, at, "Acceptable", "Unacceptable");
    }
    if (response)
        f.add(kFlagRcode, std::uint64_t(rcode), at, 2)
            .set_text(bit_pattern(flags, 0x000f, 16) + " = Reply code: " + dns_rcode_text(static_cast<std::uint16_t>(rcode)) +
                      " (" + std::to_string(rcode) + ")");
}

// A name at the reader's position: decoded, shown, and stepped over. False when the
// rest of the message cannot be found (the name's own labels ran out).
bool take_name(ByteReader& r, Parse& p, DnsName& n) {
    n = decode_dns_name(p.message, r.offset() - p.base);
    if (!n.end_known()) return false;
    return r.skip(n.wire_length);
}

void name_anomaly(Parse& p, NodeRef node, const DnsName& n) {
    if (n.ok()) return;
    p.anomaly(node, n.truncated(), n.problem_text(), n.problem_offset + p.base, 0);
}

// RFC 1035 section 4.1.2: QNAME | QTYPE (16) | QCLASS (16)
void parse_question(ByteReader& r, Parse& p, NodeRef section) {
    const std::size_t at = r.offset();
    DnsName n;
    const bool name_ok = take_name(r, p, n);
    std::optional<std::uint16_t> type, klass;
    if (name_ok) type = r.u16();
    if (type) klass = r.u16();
    DnsQuestion q;
    q.name = n.text;
    if (klass) {
        q.type = *type;
        q.klass = *klass;
        if (p.flavor == DnsFlavor::Mdns) {
            q.unicast_response = *klass & kClassTopBit;
            q.klass = static_cast<std::uint16_t>(*klass & ~kClassTopBit);
        }
    }
    const std::string type_name = klass ? dns_type_text(q.type) : std::string();
    const char* mdns_kind = q.unicast_response ? ", \"QU\" question" : ", \"QM\" question";
    NodeRef node = section.add(kQuery, std::monostate{}, at, r.offset() - at);
    if (node) {
        std::string title = n.text;
        if (klass) {
            title += ": type " + type_name + ", class " + dns_class_text(q.klass);
            if (p.flavor == DnsFlavor::Mdns) title += mdns_kind;
        }
        node.set_text(std::move(title));
    }
    NodeRef name = node.add(kQryName, n.text, at, name_ok ? n.wire_length : r.reported_remaining());
    name_anomaly(p, name, n);
    add_name_notes(name, n);
    if (!name_ok) {
        p.stop = true;
        return;
    }
    if (node && n.ok()) {
        node.add(kQryNameLen, std::uint64_t(n.length), at, n.wire_length).set_generated();
        node.add(kLabelCount, std::uint64_t(n.labels), at, n.wire_length).set_generated();
    }
    if (!klass) {
        p.short_read(node, r, "question type and class");
        p.stop = true;
        return;
    }
    if (node) {
        const std::size_t fixed = at + n.wire_length;
        node.add(kQryType, std::uint64_t(q.type), fixed, 2).set_text("Type: ", dns_type_with_number(q.type));
        if (p.flavor == DnsFlavor::Mdns) {
            node.add(kQryClassMdns, std::uint64_t(q.klass), fixed + 2, 2);
            node.add(kQryQu, q.unicast_response, fixed + 2, 2)
                .set_text(bit_pattern(*klass, kClassTopBit, 16) + " = \"QU\" question: " +
                          (q.unicast_response ? "True" : "False"));
        } else {
            node.add(kQryClass, std::uint64_t(q.klass), fixed + 2, 2);
        }
    }
    if (p.info) {
        *p.info += " " + type_name + " " + n.text;
        if (p.flavor == DnsFlavor::Mdns) *p.info += mdns_kind;
    }
    p.facts.questions.push_back(std::move(q));
}

// RFC 1035 section 4.1.3: NAME | TYPE (16) | CLASS (16) | TTL (32) | RDLENGTH (16) | RDATA
// RFC 6891 section 6.1.2, OPT: CLASS = UDP payload size; TTL = EXTENDED-RCODE (8) |
// VERSION (8) | DO (1) | Z (15).
void parse_record(ByteReader& r, Parse& p, NodeRef section, DnsSection which) {
    const std::size_t at = r.offset();
    DnsName n;
    const bool name_ok = take_name(r, p, n);
    auto type = name_ok ? r.u16() : std::nullopt;
    auto klass = type ? r.u16() : std::nullopt;
    auto ttl = klass ? r.u32() : std::nullopt;
    auto rdlength = ttl ? r.u16() : std::nullopt;
    NodeRef node = section.add(kRr, std::monostate{}, at, r.offset() - at);
    if (!rdlength) {
        node.set_text(n.text);
        NodeRef name = node.add(kRespName, n.text, at, name_ok ? n.wire_length : r.reported_remaining());
        name_anomaly(p, name, n);
        if (name_ok) p.short_read(node, r, "resource record type, class, TTL and data length");
        p.stop = true;
        return;
    }
    const bool opt = *type == kDnsTypeOpt;
    DnsRecord rec;
    rec.section = which;
    rec.name = n.text;
    rec.type = *type;
    rec.klass = *klass;
    rec.ttl = *ttl;
    if (p.flavor == DnsFlavor::Mdns && !opt) {
        rec.cache_flush = *klass & kClassTopBit;
        rec.klass = static_cast<std::uint16_t>(*klass & ~kClassTopBit);
    }
    const std::size_t fixed = at + n.wire_length;  // TYPE
    const std::string type_name = dns_type_text(rec.type);
    NodeRef name = node.add(kRespName, n.text, at, n.wire_length);
    name_anomaly(p, name, n);
    add_name_notes(name, n);
    if (node && rec.type == kDnsTypeSrv) {
        // Wireshark splits an SRV owner "_service._proto.name" (RFC 2782) into fields.
        const std::string& owner = rec.name;
        const auto dot1 = owner.find('.');
        node.add(kSrvService, owner.substr(0, dot1), at, n.wire_length).set_hidden();
        if (dot1 != std::string::npos) {
            const auto dot2 = owner.find('.', dot1 + 1);
            node.add(kSrvProto, owner.substr(dot1 + 1, dot2 == std::string::npos ? dot2 : dot2 - dot1 - 1), at,
                     n.wire_length)
                .set_hidden();
            if (dot2 != std::string::npos) node.add(kSrvName, owner.substr(dot2 + 1), at, n.wire_length).set_hidden();
        }
    }
    node.add(kRespType, std::uint64_t(rec.type), fixed, 2).set_text("Type: ", dns_type_with_number(rec.type));
    if (opt) {
        ++p.opt_records;
        DnsEdns edns;
        edns.udp_payload_size = *klass;
        edns.extended_rcode = static_cast<std::uint8_t>(*ttl >> 24);
        edns.version = static_cast<std::uint8_t>(*ttl >> 16);
        edns.dnssec_ok = *ttl & 0x8000;
        if (!p.facts.edns) p.facts.edns = edns;
        const std::uint16_t z = static_cast<std::uint16_t>(*ttl);
        if (node) {
            node.add(p.flavor == DnsFlavor::Mdns ? kUdpPayloadSizeMdns : kUdpPayloadSize, std::uint64_t(*klass),
                     fixed + 2, 2);
            node.add(kExtRcode, std::uint64_t(edns.extended_rcode), fixed + 4, 1);
            node.add(kEdnsVersion, std::uint64_t(edns.version), fixed + 5, 1);
            NodeRef zn = node.add(kZ, std::uint64_t(z), fixed + 6, 2);
            zn.add(kZDo, edns.dnssec_ok, fixed + 6, 2)
                .set_text(bit_pattern(z, 0x8000, 16) + " = DO bit: " +
                          (edns.dnssec_ok ? "Accepts DNSSEC security RRs" : "Cannot handle DNSSEC security RRs"));
            zn.add(kZReserved, std::uint64_t(z & 0x7fff), fixed + 6, 2)
                .set_text(bit_pattern(z, 0x7fff, 16) + " = Reserved: 0x" + hex_u16(z & 0x7fff));
        }
        rec.data = "udp=" + std::to_string(*klass) + " version=" + std::to_string(edns.version) +
                   (edns.dnssec_ok ? " do" : "");
        if (which != DnsSection::Additional)
            p.anomaly(node, false, "OPT record outside the additional section (RFC 6891 section 6.1.1)", at,
                      r.offset() - at);
        else if (p.opt_records == 2)
            p.anomaly(node, false, "more than one OPT record (RFC 6891 section 6.1.1)", at, r.offset() - at);
        if (n.ok() && n.text != "<Root>")
            p.anomaly(node, false, "OPT record owner is not the root (RFC 6891 section 6.1.2)", at, n.wire_length);
    } else if (node) {
        if (p.flavor == DnsFlavor::Mdns) {
            node.add(kRespClassMdns, std::uint64_t(rec.klass), fixed + 2, 2);
            node.add(kCacheFlush, rec.cache_flush, fixed + 2, 2);
        } else {
            node.add(kRespClass, std::uint64_t(rec.klass), fixed + 2, 2);
        }
        node.add(kRespTtl, std::uint64_t(*ttl), fixed + 4, 4)
            .set_text("Time to live: ", *ttl, " (", dns_duration_text(*ttl), ")");
    }
    node.add(kRespLen, std::uint64_t(*rdlength), fixed + 8, 2);

    RdataContext c{p.message, p.base, node, p.flavor, rec, {}, {}, false, false};
    auto rdata = r.child(*rdlength);
    if (!rdata) {
        c.bad(node, "data length " + std::to_string(*rdlength) + " exceeds the " +
                        std::to_string(r.reported_remaining()) + " bytes left in the message",
              fixed + 8, 2);
        rdata = r.take_rest();
        p.stop = true;
    }
    node.set_length(r.offset() - at);
    if (*rdlength > 0 || opt) dissect_rdata(rec.type, *rdata, c);
    if (c.malformed) p.facts.malformed = true;
    if (c.truncated) p.facts.truncated = true;

    if (node) {
        std::string title = n.text + ": type " + type_name;
        if (!opt) title += ", class " + dns_class_text(rec.klass);
        if (rec.cache_flush) title += ", cache flush";
        if (*rdlength > 0) title += c.title;
        node.set_text(std::move(title));
    }
    if (p.info) {
        *p.info += " " + type_name;
        if (rec.cache_flush) *p.info += ", cache flush";
        if (*rdlength > 0) *p.info += c.info;
    }
    std::vector<DnsRecord>& out = which == DnsSection::Answer      ? p.facts.answers
                                  : which == DnsSection::Authority ? p.facts.authorities
                                                                   : p.facts.additionals;
    out.push_back(std::move(rec));
}

}  // namespace

const FieldDef& dns_layer_field(DnsFlavor flavor) {
    switch (flavor) {
        case DnsFlavor::Mdns: return kMdns;
        case DnsFlavor::Llmnr: return kLlmnr;
        default: return kDns;
    }
}

std::string dns_opcode_text(std::uint8_t opcode) {
    switch (opcode) {
        case 0: return "Standard query";
        case 1: return "Inverse query";
        case 2: return "Server status request";
        case 4: return "Zone change notification";
        case 5: return "Dynamic update";
        case 6: return "DNS Stateful operations (DSO)";
        default: return "Unknown operation (" + std::to_string(opcode) + ")";
    }
}

std::string dns_rcode_text(std::uint16_t rcode) {
    // RFC 1035 section 4.1.1, RFC 2136 section 2.2, RFC 6891 section 9, RFC 8945, RFC 7873.
    static constexpr const char* kWords[] = {
        "No error", "Format error", "Server failure", "No such name", "Not implemented", "Refused",
        "Name exists", "RRset exists", "RRset does not exist", "Not authoritative", "Name out of zone",
        "DSO-Type not implemented",
    };
    if (rcode < std::size(kWords)) return kWords[rcode];
    switch (rcode) {
        case 16: return "Bad OPT version or TSIG signature failure";
        case 17: return "Key not recognized";
        case 18: return "Signature out of time window";
        case 19: return "Bad TKEY mode";
        case 20: return "Duplicate key name";
        case 21: return "Algorithm not supported";
        case 22: return "Bad truncation";
        case 23: return "Bad/missing server cookie";
        default: return "Unknown error (" + std::to_string(rcode) + ")";
    }
}

std::string dns_type_text(std::uint16_t type) {
    if (type == 255) return "ANY";  // the IANA mnemonic is "*"; dig and Wireshark say ANY
    std::string_view name = name_of(kDnsTypes, type);
    return name.empty() ? "Unknown (" + std::to_string(type) + ")" : std::string(name);
}

std::string dns_type_mnemonic(std::uint16_t type) {
    if (type == 255) return "ANY";
    std::string_view name = name_of(kDnsTypes, type);
    return name.empty() ? "TYPE" + std::to_string(type) : std::string(name);
}

std::string dns_class_text(std::uint16_t klass) {
    std::string_view name = name_of(kDnsClasses, klass);
    return name.empty() ? std::string("Unknown") : std::string(name);
}

// RFC 1035 section 4.1.1:
//   ID (16) | QR (1) Opcode (4) AA (1) TC (1) RD (1) RA (1) Z (1) AD (1) CD (1) RCODE (4)
//   QDCOUNT (16) | ANCOUNT (16) | NSCOUNT (16) | ARCOUNT (16)
//   then the question, answer, authority and additional sections.
DnsMessageFacts parse_dns_message(ByteReader r, NodeRef layer, DnsFlavor flavor, std::string* info) {
    DnsMessageFacts facts;
    const ByteReader message = r;
    Parse p{message, r.offset() - r.position(), layer, flavor, facts, info};
    const std::size_t at = r.offset();
    const FieldDef& layer_def = dns_layer_field(flavor);
    auto id = r.u16();
    auto flags = r.u16();
    if (layer) layer.set_text(std::string(layer_def.label));
    if (id) layer.add(kId, std::uint64_t(*id), at, 2);
    if (!all_read(id, flags)) {
        p.short_read(layer, r, "DNS header");
        if (info) *info = "DNS message too short for a header";
        return facts;
    }
    facts.id = *id;
    facts.flags = *flags;
    facts.response = *flags & kFlagQr;
    facts.opcode = static_cast<std::uint8_t>((*flags >> 11) & 0xf);
    facts.rcode = static_cast<std::uint8_t>(*flags & 0xf);
    if (layer) {
        layer.set_text(std::string(layer_def.label) + (facts.response ? " (response)" : " (query)"));
        add_flags(layer, *flags, flavor, at + 2);
    }
    if (info) {
        *info = dns_opcode_text(facts.opcode) + (facts.response ? " response" : "") + " 0x" + hex_u16(facts.id);
        if (facts.response && facts.rcode != 0) *info += " " + dns_rcode_text(facts.rcode);
    }
    const bool update = facts.opcode == kDnsOpcodeUpdate;
    const FieldDef* count_defs[4] = {update ? &kCountZones : &kCountQueries,
                                     update ? &kCountPrerequisites : &kCountAnswers,
                                     update ? &kCountUpdates : &kCountAuth, &kCountAdd};
    for (int i = 0; i < 4; ++i) {
        const std::size_t c_at = r.offset();
        auto count = r.u16();
        if (!count) {
            p.short_read(layer, r, "DNS header counts");
            return facts;
        }
        facts.counts[i] = *count;
        layer.add(*count_defs[i], std::uint64_t(*count), c_at, 2);
    }
    facts.header_complete = true;
    if (flavor != DnsFlavor::Mdns && facts.opcode == kDnsOpcodeQuery && facts.counts[0] > 1)
        layer.expert(kMultipleQuestions, "More than one question (" + std::to_string(facts.counts[0]) +
                                             "): servers answer only one (RFC 9619)");

    static constexpr const char* kSectionNames[4] = {"Queries", "Answers", "Authoritative nameservers",
                                                     "Additional records"};
    static constexpr const char* kUpdateSectionNames[4] = {"Zone", "Prerequisites", "Updates", "Additional records"};
    static constexpr const char* kCountNames[4] = {"Questions", "Answer RRs", "Authority RRs", "Additional RRs"};
    for (int s = 0; s < 4 && !p.stop; ++s) {
        const unsigned count = facts.counts[s];
        if (count == 0) continue;
        NodeRef section = layer.add_text(kSection, update ? kUpdateSectionNames[s] : kSectionNames[s], r.offset(), 0);
        const std::size_t section_start = r.offset();
        for (unsigned i = 0; i < count; ++i) {
            if (facts.truncated && r.remaining() == 0) {
                p.stop = true;  // the capture ended; that was said once already
                break;
            }
            if (r.empty()) {
                p.anomaly(section, false,
                          std::string(kCountNames[s]) + " says " + std::to_string(count) + "; the message ends after " +
                              std::to_string(i),
                          r.offset(), 0);
                p.stop = true;
                break;
            }
            if (s == 0)
                parse_question(r, p, section);
            else
                parse_record(r, p, section, static_cast<DnsSection>(s - 1));
            if (p.stop) break;
        }
        section.set_length(r.offset() - section_start);
    }
    if (!p.stop && !r.empty()) {
        facts.trailing = r.reported_remaining();
        if (layer) {
            const std::size_t t_at = r.offset();
            Bytes rest = r.rest();
            layer.add_bytes(kExtraneous, rest, t_at, facts.trailing);
            layer.expert(kExtraneousNote, "Extraneous data: " + std::to_string(facts.trailing) +
                                              " bytes after the last record");
        }
    }
    return facts;
}

bool plausible_dns_message(Bytes payload) {
    if (payload.size() < 12 || payload.size() > 65535) return false;
    const unsigned flags = unsigned(payload[2]) << 8 | payload[3];
    const unsigned opcode = (flags >> 11) & 0xf;
    if (opcode == 3 || opcode > 6) return false;
    if (flags & kFlagZBit) return false;
    const unsigned qd = unsigned(payload[4]) << 8 | payload[5];
    unsigned total = qd;
    for (int i = 6; i < 12; i += 2) total += unsigned(payload[i]) << 8 | payload[i + 1];
    if (total == 0 || qd > 4) return false;
    if (!(flags & kFlagQr) && qd == 0 && opcode == kDnsOpcodeQuery) return false;
    DnsMessageFacts f = parse_dns_message(ByteReader(payload), NodeRef{}, DnsFlavor::Dns, nullptr);
    return f.header_complete && !f.malformed && !f.truncated && f.trailing == 0;
}

}  // namespace tlsdissect
