// RDATA of the DNS resource record types: RFC 1035 section 3.3-3.4 (A, NS, CNAME, SOA,
// WKS, PTR, HINFO, MINFO, MX, TXT and the experimental MB/MG/MR/MD/MF/NULL), RFC 1183
// (RP, AFSDB, RT), RFC 1876 (LOC), RFC 2535 (NXT), RFC 2782 (SRV), RFC 3403 (NAPTR),
// RFC 2230 (KX), RFC 4398 (CERT), RFC 6672 (DNAME), RFC 3596 (AAAA), RFC 4034 (DS,
// RRSIG, NSEC, DNSKEY), RFC 5155 (NSEC3, NSEC3PARAM), RFC 4255 (SSHFP), RFC 6698 (TLSA,
// and SMIMEA RFC 8162), RFC 7344 (CDS, CDNSKEY), RFC 7929 (OPENPGPKEY), RFC 8659 (CAA),
// RFC 9460 (SVCB, HTTPS), RFC 7208 (SPF), RFC 8945 (TSIG), RFC 6891 (OPT options:
// NSID RFC 5001, DAU/DHU/N3U RFC 6975, client subnet RFC 7871, cookies RFC 7873,
// tcp-keepalive RFC 7828, padding RFC 7830, CHAIN RFC 7901, extended errors RFC 8914).
// Any other type is shown as its bytes (RFC 3597). This file: the common types and the
// dispatch; DNSSEC in dns_dnssec.cpp, SVCB/HTTPS in dns_svcb.cpp, OPT options in
// dns_edns.cpp.
#include "dns/rdata_parts.hpp"

namespace tlsdissect {

namespace dns_rdata_detail {

std::string presentation(const DnsName& n) { return n.text == "<Root>" ? std::string(".") : n.text; }

std::string base64(Bytes b) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < b.size(); i += 3) {
        const unsigned v = unsigned(b[i]) << 16 | unsigned(b[i + 1]) << 8 | b[i + 2];
        for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
    }
    if (i < b.size()) {
        const unsigned v = unsigned(b[i]) << 16 | (i + 1 < b.size() ? unsigned(b[i + 1]) << 8 : 0u);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(i + 1 < b.size() ? kAlphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

// RFC 4648 section 7 "base32hex", lowercase as Wireshark shows NSEC3 hashes.
std::string base32hex(Bytes b) {
    static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuv";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (auto c : b) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
        buffer &= (1u << bits) - 1u;
    }
    if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

ByteString byte_string(Bytes b) { return ByteString{{b.begin(), b.end()}}; }

Ipv4Address ipv4(Bytes b) {
    Ipv4Address a;
    for (std::size_t i = 0; i < 4 && i < b.size(); ++i) a.b[i] = b[i];
    return a;
}

Ipv6Address ipv6(Bytes b) {
    Ipv6Address a;
    for (std::size_t i = 0; i < 16 && i < b.size(); ++i) a.b[i] = b[i];
    return a;
}

void add_duration(NodeRef parent, const FieldDef& def, std::uint32_t value, std::size_t offset) {
    NodeRef n = parent.add(def, std::uint64_t(value), offset, 4);
    if (n) n.set_text(def.label, ": ", value, " (", dns_duration_text(value), ")");
}

// All remaining bytes of `r` as one field (nothing when empty).
Bytes rest_field(ByteReader& r, RdataContext& c, const FieldDef& def, NodeRef parent, std::string_view what) {
    const std::size_t at = r.offset();
    const std::size_t n = r.reported_remaining();
    auto b = r.bytes(n);
    if (!b) {
        Bytes got = r.rest();
        parent.add(def, byte_string(got), at, n);
        c.short_read(parent, r, what);
        r.take_rest();
        return got;
    }
    if (n) parent.add(def, byte_string(*b), at, n);
    return *b;
}

// A <character-string> (RFC 1035 section 3.3): a length byte and that many bytes.
std::optional<std::string> char_string(ByteReader& r, RdataContext& c, const FieldDef& len_def, const FieldDef& def,
                                       NodeRef parent, std::string_view what) {
    const std::size_t at = r.offset();
    auto len = r.u8();
    if (!len) {
        c.short_read(parent, r, what);
        return std::nullopt;
    }
    parent.add(len_def, std::uint64_t(*len), at, 1);
    auto b = r.bytes(*len);
    if (!b) {
        c.short_read(parent, r, what);
        r.take_rest();
        return std::nullopt;
    }
    std::string s = dns_printable(*b);
    parent.add(def, s, at + 1, *len);
    return s;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// RFC 4034 section 4.1.2: windows of (block number, bitmap length 1..32, bitmap).

}  // namespace dns_rdata_detail

using namespace dns_rdata_detail;

namespace {

void rdata_name(ByteReader& r, RdataContext& c, const FieldDef& def, std::string_view title_word, bool info_is_owner) {
    DnsName n = read_dns_name(r, c, def, c.rr);
    c.record.target = n.text;
    c.record.data = presentation(n);
    if (info_is_owner) {
        c.info = " " + c.record.name;
        return;
    }
    c.info = " " + n.text;
    if (title_word.empty())
        c.title = ", " + n.text;
    else
        c.title = ", " + std::string(title_word) + " " + n.text;
}

void rdata_address(ByteReader& r, RdataContext& c, bool v6) {
    const std::size_t size = v6 ? 16 : 4;
    const std::size_t at = r.offset();
    if (r.reported_remaining() != size)
        c.bad(c.rr, std::string(v6 ? "AAAA" : "A") + " record data is " + std::to_string(r.reported_remaining()) +
                        " bytes, not " + std::to_string(size),
              at, r.reported_remaining());
    auto b = r.bytes(size);
    if (!b) {
        if (r.failure() == ShortRead::Truncated) c.short_read(c.rr, r, v6 ? "AAAA address" : "A address");
        r.take_rest();
        return;
    }
    NetAddress addr;
    addr.family = v6 ? 6 : 4;
    std::copy(b->begin(), b->end(), addr.bytes.begin());
    std::string text;
    if (v6) {
        Ipv6Address a = ipv6(*b);
        text = to_string(a);
        c.rr.add(kAaaa, a, at, 16);
    } else {
        Ipv4Address a = ipv4(*b);
        text = to_string(a);
        c.rr.add(kA, a, at, 4);
    }
    c.record.address = addr;
    c.record.data = text;
    c.title = ", addr " + text;
    c.info = " " + text;
    r.take_rest();  // extra bytes were reported above
}

// RFC 1035 section 3.3.13: MNAME, RNAME, SERIAL, REFRESH, RETRY, EXPIRE, MINIMUM (32 bits each).
void rdata_soa(ByteReader& r, RdataContext& c) {
    DnsName mname = read_dns_name(r, c, kSoaMname, c.rr);
    c.title = ", mname " + mname.text;
    c.info = " " + mname.text;
    c.record.target = mname.text;
    if (c.stop) return;
    DnsName rname = read_dns_name(r, c, kSoaRname, c.rr);
    if (c.stop) return;
    std::uint32_t v[5] = {};
    const FieldDef* defs[5] = {&kSoaSerial, &kSoaRefresh, &kSoaRetry, &kSoaExpire, &kSoaMinimum};
    for (int i = 0; i < 5; ++i) {
        const std::size_t at = r.offset();
        auto x = r.u32();
        if (!x) {
            c.short_read(c.rr, r, "SOA timers");
            return;
        }
        v[i] = *x;
        if (i == 0)
            c.rr.add(*defs[i], std::uint64_t(*x), at, 4);
        else
            add_duration(c.rr, *defs[i], *x, at);
    }
    c.record.target = mname.text;
    c.record.data = presentation(mname) + " " + presentation(rname);
    for (auto x : v) c.record.data += " " + std::to_string(x);
}

// RFC 1035 section 3.4.2: ADDRESS (32) | PROTOCOL (8) | <BIT MAP>
void rdata_wks(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto addr = r.bytes(4);
    auto proto = r.u8();
    if (!all_read(addr, proto)) {
        c.short_read(c.rr, r, "WKS address and protocol");
        return;
    }
    Ipv4Address a = ipv4(*addr);
    c.rr.add(kWksAddress, a, at, 4);
    c.rr.add(kWksProtocol, std::uint64_t(*proto), at + 4, 1);
    c.title = ", addr " + to_string(a);
    c.info = " " + to_string(a);
    c.record.data = to_string(a) + " " + std::to_string(*proto);
    unsigned port = 0;
    while (!r.empty()) {
        const std::size_t bits_at = r.offset();
        auto bits = r.u8();
        if (!bits) {
            c.short_read(c.rr, r, "WKS bit map");
            return;
        }
        if (*bits) {
            std::string ports;
            for (unsigned bit = 0; bit < 8; ++bit) {
                if (!(*bits & (0x80u >> bit))) continue;
                if (!ports.empty()) ports += ", ";
                ports += std::to_string(port + bit);
                c.record.data += " " + std::to_string(port + bit);
            }
            NodeRef n = c.rr.add(kWksBits, std::uint64_t(*bits), bits_at, 1);
            if (n) n.set_text("Bits: 0x", Hex(*bits, 2), " (", ports, ")");
        }
        port += 8;
    }
}

// RFC 1035 section 3.3.2: CPU and OS as <character-string>s.
void rdata_hinfo(ByteReader& r, RdataContext& c) {
    auto cpu = char_string(r, c, kHinfoCpuLength, kHinfoCpu, c.rr, "HINFO CPU");
    if (!cpu) return;
    auto os = char_string(r, c, kHinfoOsLength, kHinfoOs, c.rr, "HINFO OS");
    if (!os) return;
    c.title = ", CPU " + *cpu + ", OS " + *os;
    c.info = " " + *cpu + " " + *os;
    c.record.data = quoted(*cpu) + " " + quoted(*os);
}

// RFC 1035 section 3.3.9: PREFERENCE (16) | EXCHANGE (name)
void rdata_preference_name(ByteReader& r, RdataContext& c, const FieldDef& pref_def, const FieldDef& name_def,
                           std::string_view word) {
    const std::size_t at = r.offset();
    auto pref = r.u16();
    if (!pref) {
        c.short_read(c.rr, r, "preference");
        return;
    }
    c.rr.add(pref_def, std::uint64_t(*pref), at, 2);
    DnsName n = read_dns_name(r, c, name_def, c.rr);
    c.record.target = n.text;
    c.record.data = std::to_string(*pref) + " " + presentation(n);
    if (!word.empty()) {
        c.title = ", preference " + std::to_string(*pref) + ", " + std::string(word) + " " + n.text;
        c.info = " " + std::to_string(*pref) + " " + n.text;
    } else {
        c.info = " " + c.record.name;
    }
}

// RFC 1035 section 3.3.14: one or more <character-string>s (SPF: RFC 7208 section 3.1).
void rdata_txt(ByteReader& r, RdataContext& c, bool spf) {
    std::string data;
    do {
        auto s = char_string(r, c, spf ? kSpfLength : kTxtLength, spf ? kSpf : kTxt, c.rr, spf ? "SPF string" : "TXT string");
        if (!s) break;
        if (!data.empty()) data += ' ';
        data += quoted(*s);
    } while (!r.empty());
    c.record.data = data;
}

// RFC 2782: PRIORITY (16) | WEIGHT (16) | PORT (16) | TARGET (name, not compressed)
void rdata_srv(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto priority = r.u16();
    auto weight = r.u16();
    auto port = r.u16();
    if (!all_read(priority, weight, port)) {
        c.short_read(c.rr, r, "SRV priority, weight and port");
        return;
    }
    c.rr.add(kSrvPriority, std::uint64_t(*priority), at, 2);
    c.rr.add(kSrvWeight, std::uint64_t(*weight), at + 2, 2);
    c.rr.add(kSrvPort, std::uint64_t(*port), at + 4, 2);
    DnsName target = read_dns_name(r, c, kSrvTarget, c.rr);
    const std::string numbers = std::to_string(*priority) + " " + std::to_string(*weight) + " " + std::to_string(*port);
    c.record.target = target.text;
    c.record.data = numbers + " " + presentation(target);
    c.info = " " + numbers + " " + target.text;
    c.title = ", priority " + std::to_string(*priority) + ", weight " + std::to_string(*weight) + ", port " +
              std::to_string(*port) + ", target " + target.text;
}

// RFC 3403 section 4.1: ORDER | PREFERENCE | FLAGS | SERVICES | REGEXP | REPLACEMENT
void rdata_naptr(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto order = r.u16();
    auto preference = r.u16();
    if (!all_read(order, preference)) {
        c.short_read(c.rr, r, "NAPTR order and preference");
        return;
    }
    c.rr.add(kNaptrOrder, std::uint64_t(*order), at, 2);
    c.rr.add(kNaptrPreference, std::uint64_t(*preference), at + 2, 2);
    auto flags = char_string(r, c, kNaptrFlagsLength, kNaptrFlags, c.rr, "NAPTR flags");
    if (!flags) return;
    auto service = char_string(r, c, kNaptrServiceLength, kNaptrService, c.rr, "NAPTR service");
    if (!service) return;
    auto regex = char_string(r, c, kNaptrRegexLength, kNaptrRegex, c.rr, "NAPTR regexp");
    if (!regex) return;
    const std::size_t name_at = r.offset();
    DnsName replacement = read_dns_name(r, c, kNaptrReplacement, c.rr);
    NodeRef len = c.rr.add(kNaptrReplacementLength, std::uint64_t(replacement.length), name_at, 0);
    len.set_generated();
    c.title = ", order " + std::to_string(*order) + ", preference " + std::to_string(*preference) + ", flags " + *flags;
    c.info = " " + std::to_string(*order) + " " + std::to_string(*preference) + " " + *flags;
    c.record.data = std::to_string(*order) + " " + std::to_string(*preference) + " " + quoted(*flags) + " " +
                    quoted(*service) + " " + quoted(*regex) + " " + presentation(replacement);
}

// RFC 4034 section 5.1 (DS, also CDS and DLV): KEY TAG (16) | ALGORITHM (8) | DIGEST TYPE (8) | DIGEST

void rdata_tlsa(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto usage = r.u8();
    auto selector = r.u8();
    auto matching = r.u8();
    if (!all_read(usage, selector, matching)) {
        c.short_read(c.rr, r, "TLSA usage, selector and matching type");
        return;
    }
    c.rr.add(kTlsaUsage, std::uint64_t(*usage), at, 1);
    c.rr.add(kTlsaSelector, std::uint64_t(*selector), at + 1, 1);
    c.rr.add(kTlsaMatching, std::uint64_t(*matching), at + 2, 1);
    Bytes data = rest_field(r, c, kTlsaData, c.rr, "TLSA association data");
    c.record.data = std::to_string(*usage) + " " + std::to_string(*selector) + " " + std::to_string(*matching) + " " +
                    hex_string(data);
}

// RFC 4255 section 3.1: ALGORITHM (8) | FP TYPE (8) | FINGERPRINT
void rdata_sshfp(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto algorithm = r.u8();
    auto type = r.u8();
    if (!all_read(algorithm, type)) {
        c.short_read(c.rr, r, "SSHFP algorithm and type");
        return;
    }
    c.rr.add(kSshfpAlgorithm, std::uint64_t(*algorithm), at, 1);
    c.rr.add(kSshfpType, std::uint64_t(*type), at + 1, 1);
    Bytes fp = rest_field(r, c, kSshfpFingerprint, c.rr, "SSHFP fingerprint");
    c.record.data = std::to_string(*algorithm) + " " + std::to_string(*type) + " " + hex_string(fp);
}

// RFC 4398 section 2: TYPE (16) | KEY TAG (16) | ALGORITHM (8) | CERTIFICATE
void rdata_cert(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto type = r.u16();
    auto tag = r.u16();
    auto algorithm = r.u8();
    if (!all_read(type, tag, algorithm)) {
        c.short_read(c.rr, r, "CERT type, key tag and algorithm");
        return;
    }
    c.rr.add(kCertType, std::uint64_t(*type), at, 2);
    c.rr.add(kCertKeyTag, std::uint64_t(*tag), at + 2, 2);
    c.rr.add(kCertAlgorithm, std::uint64_t(*algorithm), at + 4, 1);
    Bytes cert = rest_field(r, c, kCertCertificate, c.rr, "CERT certificate");
    c.record.data = std::to_string(*type) + " " + std::to_string(*tag) + " " + std::to_string(*algorithm) + " " +
                    base64(cert);
}

// RFC 8659 section 4.1: FLAGS (8) | TAG LENGTH (8) | TAG | VALUE
void rdata_caa(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto flags = r.u8();
    auto tag_length = r.u8();
    if (!all_read(flags, tag_length)) {
        c.short_read(c.rr, r, "CAA flags and tag length");
        return;
    }
    NodeRef f = c.rr.add(kCaaFlags, std::uint64_t(*flags), at, 1);
    if (f)
        f.add(kCaaCritical, bool(*flags & 0x80), at, 1)
            .set_text(bit_pattern(*flags, 0x80, 8) + " = Issuer Critical: " + ((*flags & 0x80) ? "Critical" : "Not critical"));
    if (*tag_length == 0) c.bad(c.rr, "CAA tag is empty (RFC 8659 section 4.1: 1 to 15 characters)", at + 1, 1);
    auto tag = r.bytes(*tag_length);
    if (!tag) {
        c.rr.add(kCaaTagLength, std::uint64_t(*tag_length), at + 1, 1);
        c.short_read(c.rr, r, "CAA tag");
        r.take_rest();
        return;
    }
    const std::size_t value_at = r.offset();
    const std::size_t value_length = r.reported_remaining();
    auto value = r.bytes(value_length);
    const std::string tag_text = dns_printable(*tag);
    const std::string value_text = value ? dns_printable(*value) : dns_printable(r.rest());
    const FieldDef& def = tag_text == "issue"       ? kCaaIssue
                          : tag_text == "issuewild" ? kCaaIssueWild
                          : tag_text == "iodef"     ? kCaaIodef
                                                    : kCaaUnknown;
    NodeRef item = c.rr.add(def, value_text, at + 1, 1 + *tag_length + value_length);
    item.add(kCaaTagLength, std::uint64_t(*tag_length), at + 1, 1);
    item.add(kCaaTag, tag_text, at + 2, *tag_length);
    item.add(kCaaValue, value_text, value_at, value_length);
    if (!value) {
        c.short_read(item, r, "CAA value");
        r.take_rest();
    }
    c.record.data = std::to_string(*flags) + " " + tag_text + " " + quoted(value_text);
}

// RFC 1876 section 2: the size/precision encoding, a digit and a power of ten, in cm.
std::string loc_size(std::uint8_t v) {
    double size = v >> 4;
    for (unsigned e = v & 0x0f; e; --e) size *= 10;
    char buf[48];
    std::snprintf(buf, sizeof buf, " (%g m)", size / 100);
    return buf;
}

std::string loc_angle(std::uint32_t angle, bool longitude) {
    char direction;
    if (angle < 0x80000000u) {
        angle = 0x80000000u - angle;
        direction = longitude ? 'W' : 'S';
    } else {
        angle -= 0x80000000u;
        direction = longitude ? 'E' : 'N';
    }
    if (angle > (longitude ? 648000000u : 324000000u)) return " (Value out of range)";
    const unsigned thousandths = angle % 1000;
    angle /= 1000;
    char buf[64];
    std::snprintf(buf, sizeof buf, " (%u deg %u min %u.%03u sec %c)", angle / 3600, angle / 60 % 60, angle % 60,
                  thousandths, direction);
    return buf;
}

// RFC 1876 section 2: VERSION | SIZE | HORIZ PRE | VERT PRE | LATITUDE (32) | LONGITUDE (32) | ALTITUDE (32)
void rdata_loc(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto version = r.u8();
    if (!version) {
        c.short_read(c.rr, r, "LOC version");
        return;
    }
    c.rr.add(kLocVersion, std::uint64_t(*version), at, 1);
    if (*version != 0) {
        rest_field(r, c, kLocUnknown, c.rr, "LOC data");
        return;
    }
    if (r.reported_remaining() != 15)
        c.bad(c.rr, "LOC version 0 data is " + std::to_string(r.reported_remaining() + 1) + " bytes, not 16", at,
              r.reported_remaining() + 1);
    const FieldDef* sizes[3] = {&kLocSize, &kLocHorizontal, &kLocVertical};
    for (int i = 0; i < 3; ++i) {
        auto v = r.u8();
        if (!v) {
            if (r.failure() == ShortRead::Truncated) c.short_read(c.rr, r, "LOC data");
            return;
        }
        NodeRef n = c.rr.add(*sizes[i], std::uint64_t(*v), at + 1 + i, 1);
        if (n) n.set_text(sizes[i]->label, ": ", *v, loc_size(*v));
    }
    const FieldDef* coords[3] = {&kLocLatitude, &kLocLongitude, &kLocAltitude};
    for (int i = 0; i < 3; ++i) {
        auto v = r.u32();
        if (!v) {
            if (r.failure() == ShortRead::Truncated) c.short_read(c.rr, r, "LOC data");
            r.take_rest();
            return;
        }
        NodeRef n = c.rr.add(*coords[i], std::uint64_t(*v), at + 4 + 4 * i, 4);
        if (!n) continue;
        std::string extra;
        if (i < 2) {
            extra = loc_angle(*v, i == 1);
        } else {
            char buf[48];
            std::snprintf(buf, sizeof buf, " (%g m)", (static_cast<double>(*v) - 10000000.0) / 100.0);
            extra = buf;
        }
        n.set_text(coords[i]->label, ": ", *v, extra);
    }
}

// RFC 9460 section 2.2: SvcPriority (16) | TargetName (uncompressed) | SvcParams
//   SvcParam = SvcParamKey (16) | SvcParamValue length (16) | SvcParamValue

void rdata_tsig(ByteReader& r, RdataContext& c) {
    DnsName algorithm = read_dns_name(r, c, kTsigAlgorithm, c.rr);
    if (c.stop) return;
    const std::size_t at = r.offset();
    auto time_signed = r.u48();
    auto fudge = r.u16();
    auto mac_size = r.u16();
    if (!all_read(time_signed, fudge, mac_size)) {
        c.short_read(c.rr, r, "TSIG time, fudge and MAC size");
        return;
    }
    // 48 bits of seconds reach past what a time in nanoseconds holds (the year 2262).
    constexpr std::uint64_t kMaxSeconds = std::uint64_t(INT64_MAX) / 1'000'000'000;
    if (*time_signed <= kMaxSeconds)
        c.rr.add(kTsigTimeSigned, std::int64_t(*time_signed) * 1'000'000'000, at, 6);
    else
        c.rr.add(kTsigTimeSigned, std::int64_t(kMaxSeconds) * 1'000'000'000, at, 6)
            .set_text("Time Signed: ", *time_signed, " seconds after 1970 (out of range)");
    c.rr.add(kTsigFudge, std::uint64_t(*fudge), at + 6, 2);
    c.rr.add(kTsigMacSize, std::uint64_t(*mac_size), at + 8, 2);
    auto mac = r.bytes(*mac_size);
    if (!mac) {
        c.short_read(c.rr, r, "TSIG MAC");
        r.take_rest();
        return;
    }
    if (*mac_size) c.rr.add(kTsigMac, byte_string(*mac), at + 10, *mac_size);
    const std::size_t tail = r.offset();
    auto original_id = r.u16();
    auto error = r.u16();
    auto other_len = r.u16();
    if (!all_read(original_id, error, other_len)) {
        c.short_read(c.rr, r, "TSIG original id, error and other length");
        return;
    }
    c.rr.add(kTsigOriginalId, std::uint64_t(*original_id), tail, 2);
    c.rr.add(kTsigError, std::uint64_t(*error), tail + 2, 2);
    c.rr.add(kTsigOtherLen, std::uint64_t(*other_len), tail + 4, 2);
    auto other = r.bytes(*other_len);
    if (!other) {
        c.short_read(c.rr, r, "TSIG other data");
        r.take_rest();
        return;
    }
    if (*other_len) c.rr.add(kTsigOtherData, byte_string(*other), tail + 6, *other_len);
    c.record.data = presentation(algorithm) + " " + std::to_string(*time_signed) + " " + std::to_string(*fudge);
}

// One EDNS option's data (RFC 6891 section 6.1.2 and the option's own RFC).
}  // namespace

void RdataContext::bad(NodeRef at, std::string why, std::size_t offset, std::size_t length) {
    malformed = true;
    at.malformed(std::move(why), offset, length);
}

void RdataContext::short_read(NodeRef at, const ByteReader& reader, std::string_view what) {
    if (reader.failure() == ShortRead::Truncated)
        truncated = true;
    else
        malformed = true;
    at.short_read(reader, what);
}

std::string dns_duration_text(std::uint32_t seconds) {
    if (seconds == 0) return "0 seconds";
    const std::uint32_t parts[4] = {seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60};
    static constexpr const char* kUnits[4] = {"day", "hour", "minute", "second"};
    std::string out;
    for (int i = 0; i < 4; ++i) {
        if (!parts[i]) continue;
        if (!out.empty()) out += ", ";
        out += std::to_string(parts[i]) + " " + kUnits[i] + (parts[i] == 1 ? "" : "s");
    }
    return out;
}

void add_name_notes(NodeRef name_node, const DnsName& name) {
    if (name.pointer_to_pointer == 0) return;
    name_node.expert(kPointerChain, "Name follows " + std::to_string(name.pointer_to_pointer) +
                                        " compression pointer" + (name.pointer_to_pointer == 1 ? "" : "s") +
                                        " that point to another pointer (legal, but no compressor writes them)");
}

DnsName read_dns_name(ByteReader& r, RdataContext& c, const FieldDef& def, NodeRef parent) {
    const std::size_t at = r.offset();
    DnsName n = decode_dns_name(c.message, at - c.message_base);
    if (!n.end_known()) {
        NodeRef node = parent.add(def, n.text, at, r.reported_remaining());
        if (n.truncated())
            c.truncated = true;
        else
            c.malformed = true;
        if (n.truncated())
            node.truncated(n.problem_text(), n.problem_offset + c.message_base, 0);
        else
            node.malformed(n.problem_text(), n.problem_offset + c.message_base, 0);
        r.take_rest();
        c.stop = true;
        return n;
    }
    NodeRef node = parent.add(def, n.text, at, n.wire_length);
    add_name_notes(node, n);
    if (!n.ok()) {
        if (n.truncated()) {
            c.truncated = true;
            node.truncated(n.problem_text(), n.problem_offset + c.message_base, 0);
        } else {
            c.malformed = true;
            node.malformed(n.problem_text(), n.problem_offset + c.message_base, 0);
        }
    }
    if (!r.skip(n.wire_length)) {
        if (r.failure() == ShortRead::Truncated) {
            c.truncated = true;
            node.truncated("name cut short by the capture", at, r.remaining());
        } else {
            c.malformed = true;
            node.malformed("name runs past the end of the record data", at, r.reported_remaining());
        }
        r.take_rest();
        c.stop = true;
    }
    return n;
}


void dissect_rdata(std::uint16_t type, ByteReader r, RdataContext& c) {
    const bool anomalies_before = c.malformed || c.truncated;
    switch (static_cast<DnsType>(type)) {
        case DnsType::A: rdata_address(r, c, false); break;
        case DnsType::NS: rdata_name(r, c, kNs, "ns", false); break;
        case DnsType::MD: rdata_name(r, c, kMd, {}, true); break;
        case DnsType::MF: rdata_name(r, c, kMf, {}, true); break;
        case DnsType::CNAME: rdata_name(r, c, kCname, "cname", false); break;
        case DnsType::SOA: rdata_soa(r, c); break;
        case DnsType::MB: rdata_name(r, c, kMb, {}, true); break;
        case DnsType::MG: rdata_name(r, c, kMg, {}, true); break;
        case DnsType::MR: rdata_name(r, c, kMr, {}, true); break;
        case DnsType::NULL_:
            c.info = " " + c.record.name;
            c.record.data = hex_string(rest_field(r, c, kNull, c.rr, "NULL data"));
            break;
        case DnsType::WKS: rdata_wks(r, c); break;
        case DnsType::PTR: rdata_name(r, c, kPtr, {}, false); break;
        case DnsType::HINFO: rdata_hinfo(r, c); break;
        case DnsType::MINFO: {
            c.info = " " + c.record.name;
            DnsName rm = read_dns_name(r, c, kMinfoR, c.rr);
            if (c.stop) break;
            DnsName em = read_dns_name(r, c, kMinfoE, c.rr);
            c.record.data = presentation(rm) + " " + presentation(em);
            break;
        }
        case DnsType::MX: rdata_preference_name(r, c, kMxPreference, kMxExchange, "mx"); break;
        case DnsType::TXT: rdata_txt(r, c, false); break;
        case DnsType::RP: {
            c.info = " " + c.record.name;
            DnsName mbox = read_dns_name(r, c, kRpMailbox, c.rr);
            if (c.stop) break;
            DnsName txt = read_dns_name(r, c, kRpTxt, c.rr);
            c.record.data = presentation(mbox) + " " + presentation(txt);
            break;
        }
        case DnsType::AFSDB: rdata_preference_name(r, c, kAfsdbSubtype, kAfsdbHostname, {}); break;
        case DnsType::RT: rdata_preference_name(r, c, kRtPreference, kRtHost, {}); break;
        case DnsType::SIG:  // SIG (RFC 2535 section 4.1): the RRSIG layout
        case DnsType::RRSIG: rdata_rrsig(r, c); break;
        case DnsType::AAAA: rdata_address(r, c, true); break;
        case DnsType::LOC: rdata_loc(r, c); break;
        case DnsType::NXT: rdata_nxt(r, c); break;
        case DnsType::SRV: rdata_srv(r, c); break;
        case DnsType::NAPTR: rdata_naptr(r, c); break;
        case DnsType::KX: rdata_preference_name(r, c, kKxPreference, kKxExchange, "kx"); break;
        case DnsType::CERT: rdata_cert(r, c); break;
        case DnsType::DNAME: rdata_name(r, c, kDname, "dname", false); break;
        case DnsType::OPT:
            dissect_edns_options(r, c);
            r.take_rest();
            break;
        case DnsType::DS:
        case DnsType::CDS:
        case DnsType::DLV: rdata_ds(r, c); break;
        case DnsType::SSHFP: rdata_sshfp(r, c); break;
        case DnsType::NSEC: rdata_nsec(r, c); break;
        case DnsType::DNSKEY:
        case DnsType::CDNSKEY: rdata_dnskey(r, c); break;
        case DnsType::NSEC3: rdata_nsec3(r, c, false); break;
        case DnsType::NSEC3PARAM: rdata_nsec3(r, c, true); break;
        case DnsType::TLSA:
        case DnsType::SMIMEA: rdata_tlsa(r, c); break;
        case DnsType::OPENPGPKEY: c.record.data = base64(rest_field(r, c, kOpenPgpKey, c.rr, "OpenPGP key")); break;
        case DnsType::SVCB:
        case DnsType::HTTPS: rdata_svcb(r, c); break;
        case DnsType::SPF: rdata_txt(r, c, true); break;
        case DnsType::TSIG: rdata_tsig(r, c); break;
        case DnsType::CAA: rdata_caa(r, c); break;
        default: {
            // RFC 3597 section 5: unknown types in the generic form "\# length hex".
            const std::size_t n = r.reported_remaining();
            Bytes b = rest_field(r, c, kData, c.rr, "record data");
            c.record.data = "\\# " + std::to_string(n) + (n ? " " + hex_string(b) : std::string());
            break;
        }
    }
    if (!anomalies_before && !c.malformed && !c.truncated && !c.stop && !r.empty())
        c.bad(c.rr, std::to_string(r.reported_remaining()) + " trailing bytes after the " + dns_type_text(type) +
                        " record data",
              r.offset(), r.reported_remaining());
}

}  // namespace tlsdissect
