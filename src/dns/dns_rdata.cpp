// RDATA of the DNS resource record types: RFC 1035 section 3.3-3.4 (A, NS, CNAME, SOA,
// WKS, PTR, HINFO, MINFO, MX, TXT and the experimental MB/MG/MR/MD/MF/NULL), RFC 1183
// (RP, AFSDB, RT), RFC 1876 (LOC), RFC 2535 (NXT), RFC 2782 (SRV), RFC 3403 (NAPTR),
// RFC 2230 (KX), RFC 4398 (CERT), RFC 6672 (DNAME), RFC 3596 (AAAA), RFC 4034 (DS,
// RRSIG, NSEC, DNSKEY), RFC 5155 (NSEC3, NSEC3PARAM), RFC 4255 (SSHFP), RFC 6698 (TLSA,
// and SMIMEA RFC 8162), RFC 7344 (CDS, CDNSKEY), RFC 7929 (OPENPGPKEY), RFC 8659 (CAA),
// RFC 9460 (SVCB, HTTPS), RFC 7208 (SPF), RFC 8945 (TSIG), RFC 6891 (OPT options:
// NSID RFC 5001, DAU/DHU/N3U RFC 6975, client subnet RFC 7871, cookies RFC 7873,
// tcp-keepalive RFC 7828, padding RFC 7830, CHAIN RFC 7901, extended errors RFC 8914).
// Any other type is shown as its bytes (RFC 3597).
#include "dns/dns_rdata.hpp"

#include <array>
#include <cstdint>
#include <cstdio>

#include "core/iana_tables.hpp"
#include "net/ip_common.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

// Address family numbers used by the client-subnet option (RFC 7871 section 6).
constexpr ValueName kAddressFamilies[] = {{1, "IPv4"}, {2, "IPv6"}};

constexpr FieldDef kA{"dns.a", "Address", FieldType::IPv4};
constexpr FieldDef kAaaa{"dns.aaaa", "AAAA Address", FieldType::IPv6};
constexpr FieldDef kNs{"dns.ns", "Name Server", FieldType::String};
constexpr FieldDef kCname{"dns.cname", "CNAME", FieldType::String};
constexpr FieldDef kPtr{"dns.ptr.domain_name", "Domain Name", FieldType::String};
constexpr FieldDef kDname{"dns.dname", "Dname", FieldType::String};
constexpr FieldDef kMd{"dns.md", "Mail Destination", FieldType::String};
constexpr FieldDef kMf{"dns.mf", "Mail Forwarder", FieldType::String};
constexpr FieldDef kMb{"dns.mb", "Mailbox Domain", FieldType::String};
constexpr FieldDef kMg{"dns.mg", "Mail Group member", FieldType::String};
constexpr FieldDef kMr{"dns.mr", "Mail Rename domain", FieldType::String};
constexpr FieldDef kNull{"dns.null", "Null (data)", FieldType::Bytes};
constexpr FieldDef kSoaMname{"dns.soa.mname", "Primary name server", FieldType::String};
constexpr FieldDef kSoaRname{"dns.soa.rname", "Responsible authority's mailbox", FieldType::String};
constexpr FieldDef kSoaSerial{"dns.soa.serial_number", "Serial Number", FieldType::UInt};
constexpr FieldDef kSoaRefresh{"dns.soa.refresh_interval", "Refresh Interval", FieldType::UInt};
constexpr FieldDef kSoaRetry{"dns.soa.retry_interval", "Retry Interval", FieldType::UInt};
constexpr FieldDef kSoaExpire{"dns.soa.expire_limit", "Expire limit", FieldType::UInt};
constexpr FieldDef kSoaMinimum{"dns.soa.minimum_ttl", "Minimum TTL", FieldType::UInt};
constexpr FieldDef kWksAddress{"dns.wks.address", "Address", FieldType::IPv4};
constexpr FieldDef kWksProtocol{"dns.wks.protocol", "Protocol", FieldType::UInt, Base::Dec, kIpProtocolNames, 0, 8};
constexpr FieldDef kWksBits{"dns.wks.bits", "Bits", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kHinfoCpuLength{"dns.hinfo.cpu_length", "CPU Length", FieldType::UInt};
constexpr FieldDef kHinfoCpu{"dns.hinfo.cpu", "CPU", FieldType::String};
constexpr FieldDef kHinfoOsLength{"dns.hinfo.os_length", "OS Length", FieldType::UInt};
constexpr FieldDef kHinfoOs{"dns.hinfo.os", "OS", FieldType::String};
constexpr FieldDef kMinfoR{"dns.minfo.r", "Responsible Mailbox", FieldType::String};
constexpr FieldDef kMinfoE{"dns.minfo.e", "Error Mailbox", FieldType::String};
constexpr FieldDef kMxPreference{"dns.mx.preference", "Preference", FieldType::UInt};
constexpr FieldDef kMxExchange{"dns.mx.mail_exchange", "Mail Exchange", FieldType::String};
constexpr FieldDef kTxtLength{"dns.txt.length", "TXT Length", FieldType::UInt};
constexpr FieldDef kTxt{"dns.txt", "TXT", FieldType::String};
constexpr FieldDef kSpfLength{"dns.spf.length", "SPF Length", FieldType::UInt};
constexpr FieldDef kSpf{"dns.spf", "SPF", FieldType::String};
constexpr FieldDef kRpMailbox{"dns.rp.mailbox", "Mailbox", FieldType::String};
constexpr FieldDef kRpTxt{"dns.rp.txt_rr", "TXT RR", FieldType::String};
constexpr FieldDef kAfsdbSubtype{"dns.afsdb.subtype", "Subtype", FieldType::UInt};
constexpr FieldDef kAfsdbHostname{"dns.afsdb.hostname", "Hostname", FieldType::String};
constexpr FieldDef kRtPreference{"dns.rt.subtype", "Preference", FieldType::UInt};
constexpr FieldDef kRtHost{"dns.rt.intermediate_host", "Intermediate Hostname", FieldType::String};
constexpr FieldDef kKxPreference{"dns.kx.preference", "Preference", FieldType::UInt};
constexpr FieldDef kKxExchange{"dns.kx.key_exchange", "Key Exchange", FieldType::String};
constexpr FieldDef kSrvPriority{"dns.srv.priority", "Priority", FieldType::UInt};
constexpr FieldDef kSrvWeight{"dns.srv.weight", "Weight", FieldType::UInt};
constexpr FieldDef kSrvPort{"dns.srv.port", "Port", FieldType::UInt};
constexpr FieldDef kSrvTarget{"dns.srv.target", "Target", FieldType::String};
constexpr FieldDef kNaptrOrder{"dns.naptr.order", "Order", FieldType::UInt};
constexpr FieldDef kNaptrPreference{"dns.naptr.preference", "Preference", FieldType::UInt};
constexpr FieldDef kNaptrFlagsLength{"dns.naptr.flags_length", "Flags Length", FieldType::UInt};
constexpr FieldDef kNaptrFlags{"dns.naptr.flags", "Flags", FieldType::String};
constexpr FieldDef kNaptrServiceLength{"dns.naptr.service_length", "Service Length", FieldType::UInt};
constexpr FieldDef kNaptrService{"dns.naptr.service", "Service", FieldType::String};
constexpr FieldDef kNaptrRegexLength{"dns.naptr.regex_length", "Regex Length", FieldType::UInt};
constexpr FieldDef kNaptrRegex{"dns.naptr.regex", "Regex", FieldType::String};
constexpr FieldDef kNaptrReplacementLength{"dns.naptr.replacement_length", "Replacement Length", FieldType::UInt};
constexpr FieldDef kNaptrReplacement{"dns.naptr.replacement", "Replacement", FieldType::String};
constexpr FieldDef kCertType{"dns.cert.type", "Type", FieldType::UInt};
constexpr FieldDef kCertKeyTag{"dns.cert.key_tag", "Key Tag", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kCertAlgorithm{"dns.cert.algorithm", "Algorithm", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
constexpr FieldDef kCertCertificate{"dns.cert.certificate", "Certificate (or CRL)", FieldType::Bytes};
constexpr FieldDef kDsKeyId{"dns.ds.key_id", "Key id", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kDsAlgorithm{"dns.ds.algorithm", "Algorithm", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
constexpr FieldDef kDsDigestType{"dns.ds.digest_type", "Digest Type", FieldType::UInt, Base::Dec, kDnsDsDigestTypes, 0, 8};
constexpr FieldDef kDsDigest{"dns.ds.digest", "Digest", FieldType::Bytes};
constexpr FieldDef kSshfpAlgorithm{"dns.sshfp.algorithm", "Algorithm", FieldType::UInt};
constexpr FieldDef kSshfpType{"dns.sshfp.fingerprint.type", "Fingerprint type", FieldType::UInt};
constexpr FieldDef kSshfpFingerprint{"dns.sshfp.fingerprint", "Fingerprint", FieldType::Bytes};
constexpr FieldDef kRrsigTypeCovered{"dns.rrsig.type_covered", "Type Covered", FieldType::UInt, Base::Dec, kDnsTypes, 0, 16};
constexpr FieldDef kRrsigAlgorithm{"dns.rrsig.algorithm", "Algorithm", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
constexpr FieldDef kRrsigLabels{"dns.rrsig.labels", "Labels", FieldType::UInt};
constexpr FieldDef kRrsigOriginalTtl{"dns.rrsig.original_ttl", "Original TTL", FieldType::UInt};
constexpr FieldDef kRrsigExpiration{"dns.rrsig.signature_expiration", "Signature Expiration", FieldType::AbsTime};
constexpr FieldDef kRrsigInception{"dns.rrsig.signature_inception", "Signature Inception", FieldType::AbsTime};
constexpr FieldDef kRrsigKeyTag{"dns.rrsig.key_tag", "Key Tag", FieldType::UInt};
constexpr FieldDef kRrsigSigner{"dns.rrsig.signers_name", "Signer's name", FieldType::String};
constexpr FieldDef kRrsigSignature{"dns.rrsig.signature", "Signature", FieldType::Bytes};
constexpr FieldDef kNsecNext{"dns.nsec.next_domain_name", "Next Domain Name", FieldType::String};
constexpr FieldDef kNxtNext{"dns.nxt.next_domain_name", "Next Domain Name", FieldType::String};
// tshark 4.0 files the bitmap's types under dns.resp.type, so a filter on the record
// types also matches the types an NSEC record denies; they get their own field here.
constexpr FieldDef kBitmapType{"dns.type_bitmap.type", "RR type in bit map", FieldType::UInt, Base::Dec, kDnsTypes, 0, 16};
constexpr FieldDef kDnskeyFlags{"dns.dnskey.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kDnskeyZone{"dns.dnskey.flags.zone_key", "Zone Key", FieldType::Bool, Base::None, {}, 0x0100, 16};
constexpr FieldDef kDnskeyRevoked{"dns.dnskey.flags.key_revoked", "Key Revoked", FieldType::Bool, Base::None, {}, 0x0080, 16};
constexpr FieldDef kDnskeySep{"dns.dnskey.flags.secure_entry_point", "Key Signing Key", FieldType::Bool, Base::None, {}, 0x0001, 16};
constexpr FieldDef kDnskeyReserved{"dns.dnskey.flags.reserved", "Reserved", FieldType::UInt, Base::Hex, {}, 0xfe7e, 16};
constexpr FieldDef kDnskeyProtocol{"dns.dnskey.protocol", "Protocol", FieldType::UInt};
constexpr FieldDef kDnskeyAlgorithm{"dns.dnskey.algorithm", "Algorithm", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
constexpr FieldDef kDnskeyKeyId{"dns.dnskey.key_id", "Key id", FieldType::UInt};
constexpr FieldDef kDnskeyPublicKey{"dns.dnskey.public_key", "Public Key", FieldType::Bytes};
constexpr FieldDef kNsec3Algo{"dns.nsec3.algo", "Hash algorithm", FieldType::UInt};
constexpr FieldDef kNsec3Flags{"dns.nsec3.flags", "NSEC3 flags", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kNsec3OptOut{"dns.nsec3.flags.opt_out", "NSEC3 Opt-out flag", FieldType::Bool, Base::None, {}, 0x01, 8};
constexpr FieldDef kNsec3Iterations{"dns.nsec3.iterations", "NSEC3 iterations", FieldType::UInt};
constexpr FieldDef kNsec3SaltLength{"dns.nsec3.salt_length", "Salt length", FieldType::UInt};
constexpr FieldDef kNsec3Salt{"dns.nsec3.salt_value", "Salt value", FieldType::Bytes};
constexpr FieldDef kNsec3HashLength{"dns.nsec3.hash_length", "Hash length", FieldType::UInt};
constexpr FieldDef kNsec3Hash{"dns.nsec3.hash_value", "Next hashed owner", FieldType::String};
constexpr FieldDef kTlsaUsage{"dns.tlsa.certificate_usage", "Certificate Usage", FieldType::UInt};
constexpr FieldDef kTlsaSelector{"dns.tlsa.selector", "Selector", FieldType::UInt};
constexpr FieldDef kTlsaMatching{"dns.tlsa.matching_type", "Matching Type", FieldType::UInt};
constexpr FieldDef kTlsaData{"dns.tlsa.certificate_association_data", "Certificate Association Data", FieldType::Bytes};
constexpr FieldDef kOpenPgpKey{"dns.openpgpkey", "OpenPGP Key", FieldType::Bytes};
constexpr FieldDef kCaaFlags{"dns.caa.flags", "CAA Flags", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kCaaCritical{"dns.caa.flags.issuer_critical", "Issuer Critical", FieldType::Bool, Base::None, {}, 0x80, 8};
constexpr FieldDef kCaaIssue{"dns.caa.issue", "Issue", FieldType::String};
constexpr FieldDef kCaaIssueWild{"dns.caa.issuewild", "Issue Wildcard", FieldType::String};
constexpr FieldDef kCaaIodef{"dns.caa.iodef", "Report URL", FieldType::String};
constexpr FieldDef kCaaUnknown{"dns.caa.unknown", "Unknown tag", FieldType::String};
constexpr FieldDef kCaaTagLength{"dns.caa.tag_length", "Tag length", FieldType::UInt};
constexpr FieldDef kCaaTag{"dns.caa.tag", "Tag", FieldType::String};
constexpr FieldDef kCaaValue{"dns.caa.value", "Value", FieldType::String};
constexpr FieldDef kLocVersion{"dns.loc.version", "Version", FieldType::UInt};
constexpr FieldDef kLocSize{"dns.loc.size", "Size", FieldType::UInt};
constexpr FieldDef kLocHorizontal{"dns.loc.horizontal_precision", "Horizontal Precision", FieldType::UInt};
constexpr FieldDef kLocVertical{"dns.loc.vertical_precision", "Vertical Precision", FieldType::UInt};
constexpr FieldDef kLocLatitude{"dns.loc.latitude", "Latitude", FieldType::UInt};
constexpr FieldDef kLocLongitude{"dns.loc.longitude", "Longitude", FieldType::UInt};
constexpr FieldDef kLocAltitude{"dns.loc.altitude", "Altitude", FieldType::UInt};
constexpr FieldDef kLocUnknown{"dns.loc.unknown_data", "Unknown data", FieldType::Bytes};
constexpr FieldDef kSvcbPriority{"dns.svcb.svcpriority", "SvcPriority", FieldType::UInt};
constexpr FieldDef kSvcbTarget{"dns.svcb.targetname", "TargetName", FieldType::String};
constexpr FieldDef kSvcParam{"dns.svcb.svcparam", "SvcParam", FieldType::None};
constexpr FieldDef kSvcParamKey{"dns.svcb.svcparam.key", "SvcParamKey", FieldType::UInt, Base::Dec, kDnsSvcParamKeys, 0, 16};
constexpr FieldDef kSvcParamLength{"dns.svcb.svcparam.value.length", "SvcParamValue length", FieldType::UInt};
constexpr FieldDef kSvcParamValue{"dns.svcb.svcparam.value", "SvcParamValue", FieldType::Bytes};
constexpr FieldDef kSvcMandatory{"dns.svcb.svcparam.mandatory.key", "Mandatory key", FieldType::UInt, Base::Dec, kDnsSvcParamKeys, 0, 16};
constexpr FieldDef kSvcAlpnLength{"dns.svcb.svcparam.alpn.length", "ALPN length", FieldType::UInt};
constexpr FieldDef kSvcAlpn{"dns.svcb.svcparam.alpn", "ALPN", FieldType::String};
constexpr FieldDef kSvcPort{"dns.svcb.svcparam.port", "Port", FieldType::UInt};
constexpr FieldDef kSvcIpv4{"dns.svcb.svcparam.ipv4hint.ip", "IP", FieldType::IPv4};
constexpr FieldDef kSvcEch{"dns.svcb.svcparam.echconfig", "ECHConfig", FieldType::Bytes};
constexpr FieldDef kSvcIpv6{"dns.svcb.svcparam.ipv6hint.ip", "IP", FieldType::IPv6};
constexpr FieldDef kSvcDohPath{"dns.svcb.svcparam.dohpath", "DoH path", FieldType::String};
constexpr FieldDef kTsigAlgorithm{"dns.tsig.algorithm_name", "Algorithm Name", FieldType::String};
constexpr FieldDef kTsigTimeSigned{"dns.tsig.time_signed", "Time Signed", FieldType::AbsTime};
constexpr FieldDef kTsigFudge{"dns.tsig.fudge", "Fudge", FieldType::UInt};
constexpr FieldDef kTsigMacSize{"dns.tsig.mac_size", "MAC Size", FieldType::UInt};
constexpr FieldDef kTsigMac{"dns.tsig.mac", "MAC", FieldType::Bytes};
constexpr FieldDef kTsigOriginalId{"dns.tsig.original_id", "Original Id", FieldType::UInt};
constexpr FieldDef kTsigError{"dns.tsig.error", "Error", FieldType::UInt, Base::Dec, kDnsRcodes, 0, 16};
constexpr FieldDef kTsigOtherLen{"dns.tsig.other_len", "Other Len", FieldType::UInt};
constexpr FieldDef kTsigOtherData{"dns.tsig.other_data", "Other Data", FieldType::Bytes};
constexpr FieldDef kData{"dns.data", "Data", FieldType::Bytes};
constexpr FieldDef kPointerChain{"dns.name.pointer_chain", "Compression pointer to a pointer", FieldType::Expert,
                                 Base::None, {}, 0, 0, {}, Severity::Note};

constexpr FieldDef kOpt{"dns.opt", "Option", FieldType::None};
constexpr FieldDef kOptCode{"dns.opt.code", "Option Code", FieldType::UInt, Base::Dec, kDnsEdnsOptions, 0, 16};
constexpr FieldDef kOptLen{"dns.opt.len", "Option Length", FieldType::UInt};
constexpr FieldDef kOptData{"dns.opt.data", "Option Data", FieldType::Bytes};
constexpr FieldDef kOptDau{"dns.opt.dau", "DAU", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
constexpr FieldDef kOptDhu{"dns.opt.dhu", "DHU", FieldType::UInt, Base::Dec, kDnsDsDigestTypes, 0, 8};
constexpr FieldDef kOptN3u{"dns.opt.n3u", "N3U", FieldType::UInt};
constexpr FieldDef kOptFamily{"dns.opt.client.family", "Family", FieldType::UInt, Base::Dec, kAddressFamilies, 0, 16};
constexpr FieldDef kOptNetmask{"dns.opt.client.netmask", "Source Netmask", FieldType::UInt};
constexpr FieldDef kOptScope{"dns.opt.client.scope", "Scope Netmask", FieldType::UInt};
constexpr FieldDef kOptClientAddr{"dns.opt.client.addr", "Client Subnet", FieldType::Bytes};
constexpr FieldDef kOptClientAddr4{"dns.opt.client.addr4", "Client Subnet", FieldType::IPv4};
constexpr FieldDef kOptClientAddr6{"dns.opt.client.addr6", "Client Subnet", FieldType::IPv6};
constexpr FieldDef kOptCookieClient{"dns.opt.cookie.client", "Client Cookie", FieldType::Bytes};
constexpr FieldDef kOptCookieServer{"dns.opt.cookie.server", "Server Cookie", FieldType::Bytes};
constexpr FieldDef kOptKeepalive{"dns.opt.edns_tcp_keepalive.timeout", "Timeout", FieldType::UInt};
constexpr FieldDef kOptPadding{"dns.opt.padding", "Padding", FieldType::Bytes};
constexpr FieldDef kOptChain{"dns.opt.chain.fqdn", "Closest Trust Point", FieldType::String};
constexpr FieldDef kOptEdeCode{"dns.opt.ext_error.info_code", "Info Code", FieldType::UInt};
constexpr FieldDef kOptEdeText{"dns.opt.ext_error.extra_text", "Extra Text", FieldType::String};

// EDNS option codes this parser decodes (RFC 6891 registry values).
enum : std::uint16_t {
    kOptNsid = 3, kOptDauCode = 5, kOptDhuCode = 6, kOptN3uCode = 7, kOptClientSubnet = 8, kOptCookie = 10,
    kOptTcpKeepalive = 11, kOptPaddingCode = 12, kOptChainCode = 13, kOptExtendedError = 15,
};

// What the option is called where the IANA table copy in data/iana lacks it.
std::string option_name(std::uint16_t code) {
    std::string_view iana = name_of(kDnsEdnsOptions, code);
    if (!iana.empty()) return std::string(iana);
    if (code == kOptExtendedError) return "Extended DNS Error";
    return "Unknown (" + std::to_string(code) + ")";
}

std::string svc_key_name(std::uint16_t key) {
    std::string_view name = name_of(kDnsSvcParamKeys, key);
    return name.empty() ? "key" + std::to_string(key) : std::string(name);  // RFC 9460 section 2.1
}

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

std::string type_label(std::uint16_t type) {
    std::string name = dns_type_text(type);
    return name;
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
    if (n) n.set_text(std::string(def.label) + ": " + std::to_string(value) + " (" + dns_duration_text(value) + ")");
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
void type_bitmap(ByteReader& r, RdataContext& c, std::string& types) {
    while (!r.empty()) {
        const std::size_t at = r.offset();
        auto window = r.u8();
        auto length = r.u8();
        if (!all_read(window, length)) {
            c.short_read(c.rr, r, "type bit map window header");
            return;
        }
        if (*length == 0 || *length > 32) {
            c.bad(c.rr, "type bit map window " + std::to_string(*window) + " has length " + std::to_string(*length) +
                            " (RFC 4034 section 4.1.2: 1 to 32)",
                  at, 2);
            r.take_rest();
            return;
        }
        for (unsigned i = 0; i < *length; ++i) {
            const std::size_t byte_at = r.offset();
            auto bits = r.u8();
            if (!bits) {
                c.short_read(c.rr, r, "type bit map");
                return;
            }
            for (unsigned bit = 0; bit < 8; ++bit) {
                if (!(*bits & (0x80u >> bit))) continue;
                const std::uint16_t type = static_cast<std::uint16_t>(*window * 256u + i * 8u + bit);
                NodeRef n = c.rr.add(kBitmapType, std::uint64_t(type), byte_at, 1);
                if (n) n.set_text("RR type in bit map: " + type_label(type) + " (" + std::to_string(type) + ")");
                if (!types.empty()) types += ' ';
                types += type_label(type);
            }
        }
    }
}

// RFC 2535 section 5.2: one bitmap from type 0 (NXT).
void nxt_bitmap(ByteReader& r, RdataContext& c) {
    std::uint16_t type = 0;
    while (!r.empty()) {
        const std::size_t at = r.offset();
        auto bits = r.u8();
        if (!bits) {
            c.short_read(c.rr, r, "type bit map");
            return;
        }
        for (unsigned bit = 0; bit < 8; ++bit, ++type) {
            if (!(*bits & (0x80u >> bit))) continue;
            NodeRef n = c.rr.add(kBitmapType, std::uint64_t(type), at, 1);
            if (n) n.set_text("RR type in bit map: " + type_label(type) + " (" + std::to_string(type) + ")");
        }
    }
}

// Single-name RDATA: NS, CNAME, PTR, DNAME, MB, MD, MF, MG, MR.
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
            if (n) n.set_text("Bits: 0x" + hex_u8(*bits) + " (" + ports + ")");
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
void rdata_ds(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto key = r.u16();
    auto algorithm = r.u8();
    auto digest_type = r.u8();
    if (!all_read(key, algorithm, digest_type)) {
        c.short_read(c.rr, r, "DS key tag, algorithm and digest type");
        return;
    }
    c.rr.add(kDsKeyId, std::uint64_t(*key), at, 2);
    c.rr.add(kDsAlgorithm, std::uint64_t(*algorithm), at + 2, 1);
    c.rr.add(kDsDigestType, std::uint64_t(*digest_type), at + 3, 1);
    Bytes digest = rest_field(r, c, kDsDigest, c.rr, "DS digest");
    c.record.data = std::to_string(*key) + " " + std::to_string(*algorithm) + " " + std::to_string(*digest_type) +
                    " " + hex_string(digest);
}

// RFC 4034 section 3.1 (RRSIG; SIG RFC 2535 has the same layout):
//   TYPE COVERED (16) | ALGORITHM (8) | LABELS (8) | ORIGINAL TTL (32) |
//   SIGNATURE EXPIRATION (32) | SIGNATURE INCEPTION (32) | KEY TAG (16) | SIGNER'S NAME | SIGNATURE
void rdata_rrsig(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto covered = r.u16();
    auto algorithm = r.u8();
    auto labels = r.u8();
    auto original_ttl = r.u32();
    auto expiration = r.u32();
    auto inception = r.u32();
    auto key_tag = r.u16();
    if (!all_read(covered, algorithm, labels, original_ttl, expiration, inception, key_tag)) {
        c.short_read(c.rr, r, "RRSIG fixed fields");
        return;
    }
    NodeRef n = c.rr.add(kRrsigTypeCovered, std::uint64_t(*covered), at, 2);
    if (n) n.set_text("Type Covered: " + type_label(*covered) + " (" + std::to_string(*covered) + ")");
    c.rr.add(kRrsigAlgorithm, std::uint64_t(*algorithm), at + 2, 1);
    c.rr.add(kRrsigLabels, std::uint64_t(*labels), at + 3, 1);
    add_duration(c.rr, kRrsigOriginalTtl, *original_ttl, at + 4);
    c.rr.add(kRrsigExpiration, std::int64_t(*expiration) * 1'000'000'000, at + 8, 4);
    c.rr.add(kRrsigInception, std::int64_t(*inception) * 1'000'000'000, at + 12, 4);
    c.rr.add(kRrsigKeyTag, std::uint64_t(*key_tag), at + 16, 2);
    DnsName signer = read_dns_name(r, c, kRrsigSigner, c.rr);
    if (c.stop) return;
    Bytes signature = rest_field(r, c, kRrsigSignature, c.rr, "RRSIG signature");
    c.record.data = type_label(*covered) + " " + std::to_string(*algorithm) + " " + std::to_string(*labels) + " " +
                    std::to_string(*original_ttl) + " " + std::to_string(*expiration) + " " +
                    std::to_string(*inception) + " " + std::to_string(*key_tag) + " " + presentation(signer) + " " +
                    base64(signature);
}

// RFC 4034 section 4.1: NEXT DOMAIN NAME | TYPE BIT MAPS
void rdata_nsec(ByteReader& r, RdataContext& c) {
    DnsName next = read_dns_name(r, c, kNsecNext, c.rr);
    c.title = ", next domain name " + next.text;
    c.info = " " + next.text;
    if (c.stop) return;
    std::string types;
    type_bitmap(r, c, types);
    c.record.data = presentation(next) + (types.empty() ? "" : " " + types);
}

// RFC 2535 section 5.2: NEXT DOMAIN NAME | TYPE BIT MAP
void rdata_nxt(ByteReader& r, RdataContext& c) {
    DnsName next = read_dns_name(r, c, kNxtNext, c.rr);
    c.title = ", next domain name " + next.text;
    c.info = " " + next.text;
    c.record.data = presentation(next);
    if (c.stop) return;
    nxt_bitmap(r, c);
}

// RFC 4034 Appendix B: the key tag of a DNSKEY (algorithm 1 uses the key's low bits).
std::uint16_t key_tag(Bytes rdata, std::uint8_t algorithm) {
    if (algorithm == 1)
        return rdata.size() >= 4 ? static_cast<std::uint16_t>(rdata[rdata.size() - 3] << 8 | rdata[rdata.size() - 2]) : 0;
    std::uint32_t ac = 0;
    for (std::size_t i = 0; i < rdata.size(); ++i) ac += (i & 1) ? rdata[i] : std::uint32_t(rdata[i]) << 8;
    ac += (ac >> 16) & 0xffff;
    return static_cast<std::uint16_t>(ac & 0xffff);
}

// RFC 4034 section 2.1 (DNSKEY, also CDNSKEY): FLAGS (16) | PROTOCOL (8) | ALGORITHM (8) | PUBLIC KEY
void rdata_dnskey(ByteReader& r, RdataContext& c) {
    const Bytes whole = r.rest();
    const bool whole_captured = r.captured_all();
    const std::size_t at = r.offset();
    auto flags = r.u16();
    auto protocol = r.u8();
    auto algorithm = r.u8();
    if (!all_read(flags, protocol, algorithm)) {
        c.short_read(c.rr, r, "DNSKEY flags, protocol and algorithm");
        return;
    }
    if (c.rr) {
        NodeRef f = c.rr.add(kDnskeyFlags, std::uint64_t(*flags), at, 2);
        f.add(kDnskeyZone, bool(*flags & 0x0100), at, 2)
            .set_text(bit_pattern(*flags, 0x0100, 16) + " = Zone Key: " +
                      ((*flags & 0x0100) ? "This is the zone key for specified zone" : "This is not a zone key"));
        f.add(kDnskeyRevoked, bool(*flags & 0x0080), at, 2)
            .set_text(bit_pattern(*flags, 0x0080, 16) + " = Key Revoked: " + ((*flags & 0x0080) ? "Yes" : "No"));
        f.add(kDnskeySep, bool(*flags & 0x0001), at, 2)
            .set_text(bit_pattern(*flags, 0x0001, 16) + " = Key Signing Key: " + ((*flags & 0x0001) ? "Yes" : "No"));
        f.add(kDnskeyReserved, std::uint64_t(*flags & 0xfe7e), at, 2)
            .set_text(bit_pattern(*flags, 0xfe7e, 16) + " = Reserved: 0x" + hex_u16(*flags & 0xfe7e));
        c.rr.add(kDnskeyProtocol, std::uint64_t(*protocol), at + 2, 1);
        c.rr.add(kDnskeyAlgorithm, std::uint64_t(*algorithm), at + 3, 1);
        if (whole_captured)
            c.rr.add_generated(kDnskeyKeyId, std::uint64_t(key_tag(whole, *algorithm)));
    }
    if (*protocol != 3)
        c.bad(c.rr, "DNSKEY protocol is " + std::to_string(*protocol) + " (RFC 4034 section 2.1.2: must be 3)", at + 2, 1);
    Bytes key = rest_field(r, c, kDnskeyPublicKey, c.rr, "DNSKEY public key");
    c.record.data = std::to_string(*flags) + " " + std::to_string(*protocol) + " " + std::to_string(*algorithm) + " " +
                    base64(key);
}

// RFC 5155 section 3.2 (NSEC3) and 4.2 (NSEC3PARAM):
//   HASH ALG (8) | FLAGS (8) | ITERATIONS (16) | SALT LENGTH (8) | SALT [| HASH LENGTH (8) | NEXT HASHED OWNER | TYPE BIT MAPS]
void rdata_nsec3(ByteReader& r, RdataContext& c, bool param) {
    const std::size_t at = r.offset();
    auto algo = r.u8();
    auto flags = r.u8();
    auto iterations = r.u16();
    auto salt_length = r.u8();
    if (!all_read(algo, flags, iterations, salt_length)) {
        c.short_read(c.rr, r, "NSEC3 parameters");
        return;
    }
    c.rr.add(kNsec3Algo, std::uint64_t(*algo), at, 1);
    NodeRef f = c.rr.add(kNsec3Flags, std::uint64_t(*flags), at + 1, 1);
    if (f)
        f.add(kNsec3OptOut, bool(*flags & 1), at + 1, 1)
            .set_text(bit_pattern(*flags, 0x01, 8) + " = NSEC3 Opt-out flag: " +
                      ((*flags & 1) ? "Additional insecure delegations allowed" : "Additional insecure delegations forbidden"));
    c.rr.add(kNsec3Iterations, std::uint64_t(*iterations), at + 2, 2);
    c.rr.add(kNsec3SaltLength, std::uint64_t(*salt_length), at + 4, 1);
    auto salt = r.bytes(*salt_length);
    if (!salt) {
        c.short_read(c.rr, r, "NSEC3 salt");
        r.take_rest();
        return;
    }
    if (*salt_length) c.rr.add(kNsec3Salt, byte_string(*salt), at + 5, *salt_length);
    c.record.data = std::to_string(*algo) + " " + std::to_string(*flags) + " " + std::to_string(*iterations) + " " +
                    (*salt_length ? hex_string(*salt) : std::string("-"));
    if (param) return;
    const std::size_t hash_at = r.offset();
    auto hash_length = r.u8();
    if (!hash_length) {
        c.short_read(c.rr, r, "NSEC3 hash length");
        return;
    }
    c.rr.add(kNsec3HashLength, std::uint64_t(*hash_length), hash_at, 1);
    auto hash = r.bytes(*hash_length);
    if (!hash) {
        c.short_read(c.rr, r, "NSEC3 next hashed owner");
        r.take_rest();
        return;
    }
    const std::string owner = base32hex(*hash);
    c.rr.add(kNsec3Hash, owner, hash_at + 1, *hash_length).set_generated();
    std::string types;
    type_bitmap(r, c, types);
    c.record.data += " " + owner + (types.empty() ? "" : " " + types);
}

// RFC 6698 section 2.1 (TLSA; SMIMEA RFC 8162): USAGE (8) | SELECTOR (8) | MATCHING TYPE (8) | DATA
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
        if (n) n.set_text(std::string(sizes[i]->label) + ": " + std::to_string(*v) + loc_size(*v));
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
        n.set_text(std::string(coords[i]->label) + ": " + std::to_string(*v) + extra);
    }
}

// RFC 9460 section 2.2: SvcPriority (16) | TargetName (uncompressed) | SvcParams
//   SvcParam = SvcParamKey (16) | SvcParamValue length (16) | SvcParamValue
void rdata_svcb(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto priority = r.u16();
    if (!priority) {
        c.short_read(c.rr, r, "SvcPriority");
        return;
    }
    c.rr.add(kSvcbPriority, std::uint64_t(*priority), at, 2);
    DnsName target = read_dns_name(r, c, kSvcbTarget, c.rr);
    c.record.target = target.text;
    c.record.data = std::to_string(*priority) + " " + presentation(target);
    if (c.stop) return;
    if (*priority == 0 && !r.empty())
        c.bad(c.rr, "AliasMode record (SvcPriority 0) carries SvcParams (RFC 9460 section 2.4.2)", r.offset(),
              r.reported_remaining());
    std::optional<std::uint16_t> previous_key;
    while (!r.empty()) {
        const std::size_t param_at = r.offset();
        auto key = r.u16();
        auto length = r.u16();
        if (!all_read(key, length)) {
            c.short_read(c.rr, r, "SvcParam key and length");
            return;
        }
        NodeRef param = c.rr.add(kSvcParam, std::monostate{}, param_at, 4u + *length);
        param.add(kSvcParamKey, std::uint64_t(*key), param_at, 2);
        param.add(kSvcParamLength, std::uint64_t(*length), param_at + 2, 2);
        const std::string key_name = svc_key_name(*key);
        if (previous_key && *key <= *previous_key)
            c.bad(param, "SvcParamKey " + std::to_string(*key) + " after " + std::to_string(*previous_key) +
                             " (RFC 9460 section 2.2: keys in strictly increasing order)",
                  param_at, 2);
        previous_key = *key;
        auto value_reader = r.child(*length);
        if (!value_reader) {
            c.bad(param, "SvcParamValue length " + std::to_string(*length) + " exceeds the " +
                             std::to_string(r.reported_remaining()) + " bytes left in the record",
                  param_at + 2, 2);
            value_reader = r.take_rest();
        }
        ByteReader v = *value_reader;
        std::string shown;  // "h3,h2", "443", ...
        bool bad_length = false;
        bool cut = false;  // a read ran out of bytes (reported once)
        auto ran_out = [&](std::string_view what) {
            cut = true;
            // A wrong length was reported already; a capture cut is news.
            if (!bad_length || v.failure() == ShortRead::Truncated) c.short_read(param, v, what);
        };
        auto list_separator = [&] {
            if (!shown.empty()) shown += ',';
        };
        switch (*key) {
            case 0:  // mandatory: a non-empty list of keys
                bad_length = *length == 0 || *length % 2;
                while (!v.empty()) {
                    const std::size_t k_at = v.offset();
                    auto k = v.u16();
                    if (!k) {
                        ran_out("mandatory key");
                        break;
                    }
                    param.add(kSvcMandatory, std::uint64_t(*k), k_at, 2);
                    list_separator();
                    shown += svc_key_name(*k);
                }
                break;
            case 1:  // alpn: non-empty list of non-empty length-prefixed ids
                bad_length = *length == 0;
                while (!v.empty()) {
                    const std::size_t id_at = v.offset();
                    auto id_length = v.u8();
                    if (!id_length) {
                        ran_out("ALPN id length");
                        break;
                    }
                    param.add(kSvcAlpnLength, std::uint64_t(*id_length), id_at, 1);
                    auto id = v.bytes(*id_length);
                    if (!id) {
                        ran_out("ALPN id");
                        break;
                    }
                    if (*id_length == 0) c.bad(param, "empty ALPN id", id_at, 1);
                    const std::string text = dns_printable(*id);
                    param.add(kSvcAlpn, text, id_at + 1, *id_length);
                    list_separator();
                    shown += text;
                }
                break;
            case 2:  // no-default-alpn: empty
                bad_length = *length != 0;
                break;
            case 3: {  // port
                bad_length = *length != 2;
                const std::size_t p_at = v.offset();
                auto port = v.u16();
                if (!port) {
                    ran_out("port");
                    break;
                }
                param.add(kSvcPort, std::uint64_t(*port), p_at, 2);
                shown = std::to_string(*port);
                break;
            }
            case 4:  // ipv4hint: non-empty list of IPv4 addresses
            case 6:  // ipv6hint
            {
                const std::size_t size = *key == 4 ? 4 : 16;
                bad_length = *length == 0 || *length % size;
                while (!v.empty()) {
                    const std::size_t a_at = v.offset();
                    auto a = v.bytes(size);
                    if (!a) {
                        ran_out(*key == 4 ? "IPv4 hint" : "IPv6 hint");
                        break;
                    }
                    list_separator();
                    if (size == 4) {
                        param.add(kSvcIpv4, ipv4(*a), a_at, 4);
                        shown += to_string(ipv4(*a));
                    } else {
                        param.add(kSvcIpv6, ipv6(*a), a_at, 16);
                        shown += to_string(ipv6(*a));
                    }
                }
                break;
            }
            case 5: {  // ech: an ECHConfigList (draft-ietf-tls-esni), shown as bytes
                Bytes ech = rest_field(v, c, kSvcEch, param, "ECHConfigList");
                shown = base64(ech);
                break;
            }
            case 7: {  // dohpath (RFC 9461): a URI template
                const std::size_t at_path = v.offset();
                auto b = v.bytes(v.reported_remaining());
                if (!b) ran_out("dohpath");
                shown = dns_printable(b ? *b : v.rest());
                param.add(kSvcDohPath, shown, at_path, *length);
                v.take_rest();
                break;
            }
            default:
                rest_field(v, c, kSvcParamValue, param, "SvcParamValue");
                break;
        }
        if (bad_length)
            c.bad(param, key_name + " value of " + std::to_string(*length) + " bytes has the wrong length (RFC 9460)",
                  param_at + 2, 2);
        else if (!v.empty() && !cut)
            c.bad(param, std::to_string(v.reported_remaining()) + " bytes left over in the " + key_name + " value",
                  v.offset(), v.reported_remaining());
        const std::string item = key_name + (*key == 2 ? "" : "=" + shown);
        param.set_text("SvcParam: " + item);
        c.record.data += " " + item;
    }
}

// RFC 8945 section 4.2: ALGORITHM NAME | TIME SIGNED (48) | FUDGE (16) | MAC SIZE (16) | MAC |
//   ORIGINAL ID (16) | ERROR (16) | OTHER LEN (16) | OTHER DATA
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
            .set_text("Time Signed: " + std::to_string(*time_signed) + " seconds after 1970 (out of range)");
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
void edns_option(std::uint16_t code, ByteReader v, NodeRef opt, RdataContext& c, std::string& suffix) {
    const std::size_t length = v.reported_remaining();
    const std::size_t at = v.offset();
    switch (code) {
        case kOptNsid: {  // RFC 5001: opaque, often ASCII
            Bytes b = v.rest();
            bool printable = !b.empty();
            for (auto ch : b) printable = printable && ch >= 0x20 && ch < 0x7f;
            if (printable) suffix = " \"" + dns_printable(b) + "\"";
            v.take_rest();
            return;
        }
        case kOptDauCode:
        case kOptDhuCode:
        case kOptN3uCode: {  // RFC 6975: a list of algorithm numbers
            const FieldDef& def = code == kOptDauCode ? kOptDau : code == kOptDhuCode ? kOptDhu : kOptN3u;
            while (!v.empty()) {
                const std::size_t a_at = v.offset();
                auto a = v.u8();
                if (!a) {
                    c.short_read(opt, v, "algorithm list");
                    return;
                }
                opt.add(def, std::uint64_t(*a), a_at, 1);
            }
            return;
        }
        case kOptClientSubnet: {
            // RFC 7871 section 6: FAMILY (16) | SOURCE PREFIX-LENGTH (8) | SCOPE PREFIX-LENGTH (8) | ADDRESS
            auto family = v.u16();
            auto source = v.u8();
            auto scope = v.u8();
            if (!all_read(family, source, scope)) {
                c.short_read(opt, v, "client subnet family and prefix lengths");
                return;
            }
            opt.add(kOptFamily, std::uint64_t(*family), at, 2);
            opt.add(kOptNetmask, std::uint64_t(*source), at + 2, 1);
            opt.add(kOptScope, std::uint64_t(*scope), at + 3, 1);
            const std::size_t addr_at = v.offset();
            const std::size_t addr_len = v.reported_remaining();
            auto addr = v.bytes(addr_len);
            if (!addr) {
                c.short_read(opt, v, "client subnet address");
                v.take_rest();
                return;
            }
            const std::size_t max_len = *family == 1 ? 4 : *family == 2 ? 16 : 0;
            const std::size_t max_prefix = max_len * 8;
            if (max_len && addr_len > max_len) {
                c.bad(opt, "client subnet address is " + std::to_string(addr_len) + " bytes, longer than an " +
                               (*family == 1 ? "IPv4" : "IPv6") + " address",
                      addr_at, addr_len);
                opt.add(kOptClientAddr, byte_string(*addr), addr_at, addr_len);
                suffix = " (bad length)";
                return;
            }
            if (max_len && *source > max_prefix)
                c.bad(opt, "source prefix length " + std::to_string(*source) + " exceeds " + std::to_string(max_prefix),
                      at + 2, 1);
            else if (max_len && addr_len != (*source + 7u) / 8u)
                c.bad(opt, "client subnet address is " + std::to_string(addr_len) + " bytes; a /" +
                               std::to_string(*source) + " needs " + std::to_string((*source + 7u) / 8u) +
                               " (RFC 7871 section 6)",
                      addr_at, addr_len);
            if (*family == 1) {
                Ipv4Address a = ipv4(*addr);
                opt.add(kOptClientAddr4, a, addr_at, addr_len);
                suffix = " " + to_string(a) + "/" + std::to_string(*source);
            } else if (*family == 2) {
                Ipv6Address a = ipv6(*addr);
                opt.add(kOptClientAddr6, a, addr_at, addr_len);
                suffix = " " + to_string(a) + "/" + std::to_string(*source);
            } else {
                opt.add(kOptClientAddr, byte_string(*addr), addr_at, addr_len);
            }
            return;
        }
        case kOptCookie: {
            // RFC 7873 section 4: client cookie (8) [| server cookie (8 to 32)]
            if (length != 8 && (length < 16 || length > 40))
                c.bad(opt, "COOKIE option of " + std::to_string(length) +
                               " bytes (RFC 7873 section 4: 8, or 16 to 40)",
                      at, length);
            auto client = v.bytes(length < 8 ? length : 8);
            if (!client) {
                c.short_read(opt, v, "client cookie");
                return;
            }
            opt.add(kOptCookieClient, byte_string(*client), at, client->size());
            if (!v.empty()) rest_field(v, c, kOptCookieServer, opt, "server cookie");
            return;
        }
        case kOptTcpKeepalive: {  // RFC 7828 section 3.1: empty, or TIMEOUT (16)
            if (length == 2) {
                auto t = v.u16();
                if (t) opt.add(kOptKeepalive, std::uint64_t(*t), at, 2).set_text(
                    "Timeout: " + std::to_string(*t) + " (" + std::to_string(*t / 10) + "." +
                    std::to_string(*t % 10) + " seconds)");
                else
                    c.short_read(opt, v, "keepalive timeout");
            } else if (length != 0) {
                c.bad(opt, "edns-tcp-keepalive option of " + std::to_string(length) + " bytes (RFC 7828: 0 or 2)", at,
                      length);
            }
            v.take_rest();
            return;
        }
        case kOptPaddingCode:
            rest_field(v, c, kOptPadding, opt, "padding");
            return;
        case kOptChainCode: {  // RFC 7901: a name in wire format (not compressed)
            if (length) {
                auto b = v.bytes(length);
                opt.add(kOptChain, dns_printable(b ? *b : v.rest()), at, length);
            }
            v.take_rest();
            return;
        }
        case kOptExtendedError: {  // RFC 8914 section 2: INFO-CODE (16) | EXTRA-TEXT (UTF-8)
            auto info = v.u16();
            if (!info) {
                c.short_read(opt, v, "extended error info code");
                return;
            }
            opt.add(kOptEdeCode, std::uint64_t(*info), at, 2);
            suffix = " " + std::to_string(*info);
            if (!v.empty()) {
                auto b = v.bytes(v.reported_remaining());
                const std::string text = dns_printable(b ? *b : v.rest());
                opt.add(kOptEdeText, text, at + 2, length - 2);
                suffix += " \"" + text + "\"";
            }
            v.take_rest();
            return;
        }
        default:
            v.take_rest();
            return;
    }
}

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

void dissect_edns_options(ByteReader r, RdataContext& c) {
    std::string data;
    while (!r.empty()) {
        const std::size_t at = r.offset();
        auto code = r.u16();
        auto length = r.u16();
        if (!all_read(code, length)) {
            c.short_read(c.rr, r, "EDNS option code and length");
            return;
        }
        NodeRef opt = c.rr.add(kOpt, std::monostate{}, at, 4u + *length);
        const std::string name = option_name(*code);
        opt.add(kOptCode, std::uint64_t(*code), at, 2)
            .set_text("Option Code: " + name + " (" + std::to_string(*code) + ")");
        opt.add(kOptLen, std::uint64_t(*length), at + 2, 2);
        auto value = r.child(*length);
        const bool lying = !value;
        if (lying) {
            c.bad(opt, "option length " + std::to_string(*length) + " exceeds the " +
                           std::to_string(r.reported_remaining()) + " bytes left in the OPT record",
                  at + 2, 2);
            value = r.take_rest();
        }
        if (value->reported_remaining() && opt) {
            Bytes b = value->rest();
            opt.add(kOptData, byte_string(b), value->offset(), value->reported_remaining());
        }
        std::string suffix;
        if (!lying) edns_option(*code, *value, opt, c, suffix);
        opt.set_text("Option: " + name + suffix);
        if (!data.empty()) data += ' ';
        data += name;
    }
    if (!data.empty()) c.record.data += (c.record.data.empty() ? "" : " ") + data;
}

void dissect_rdata(std::uint16_t type, ByteReader r, RdataContext& c) {
    const bool anomalies_before = c.malformed || c.truncated;
    switch (type) {
        case 1: rdata_address(r, c, false); break;
        case 2: rdata_name(r, c, kNs, "ns", false); break;
        case 3: rdata_name(r, c, kMd, {}, true); break;
        case 4: rdata_name(r, c, kMf, {}, true); break;
        case 5: rdata_name(r, c, kCname, "cname", false); break;
        case 6: rdata_soa(r, c); break;
        case 7: rdata_name(r, c, kMb, {}, true); break;
        case 8: rdata_name(r, c, kMg, {}, true); break;
        case 9: rdata_name(r, c, kMr, {}, true); break;
        case 10:
            c.info = " " + c.record.name;
            c.record.data = hex_string(rest_field(r, c, kNull, c.rr, "NULL data"));
            break;
        case 11: rdata_wks(r, c); break;
        case 12: rdata_name(r, c, kPtr, {}, false); break;
        case 13: rdata_hinfo(r, c); break;
        case 14: {
            c.info = " " + c.record.name;
            DnsName rm = read_dns_name(r, c, kMinfoR, c.rr);
            if (c.stop) break;
            DnsName em = read_dns_name(r, c, kMinfoE, c.rr);
            c.record.data = presentation(rm) + " " + presentation(em);
            break;
        }
        case 15: rdata_preference_name(r, c, kMxPreference, kMxExchange, "mx"); break;
        case 16: rdata_txt(r, c, false); break;
        case 17: {
            c.info = " " + c.record.name;
            DnsName mbox = read_dns_name(r, c, kRpMailbox, c.rr);
            if (c.stop) break;
            DnsName txt = read_dns_name(r, c, kRpTxt, c.rr);
            c.record.data = presentation(mbox) + " " + presentation(txt);
            break;
        }
        case 18: rdata_preference_name(r, c, kAfsdbSubtype, kAfsdbHostname, {}); break;
        case 21: rdata_preference_name(r, c, kRtPreference, kRtHost, {}); break;
        case 24:  // SIG (RFC 2535 section 4.1): the RRSIG layout
        case 46: rdata_rrsig(r, c); break;
        case 28: rdata_address(r, c, true); break;
        case 29: rdata_loc(r, c); break;
        case 30: rdata_nxt(r, c); break;
        case 33: rdata_srv(r, c); break;
        case 35: rdata_naptr(r, c); break;
        case 36: rdata_preference_name(r, c, kKxPreference, kKxExchange, "kx"); break;
        case 37: rdata_cert(r, c); break;
        case 39: rdata_name(r, c, kDname, "dname", false); break;
        case 41:
            dissect_edns_options(r, c);
            r.take_rest();
            break;
        case 43:
        case 59:
        case 32769: rdata_ds(r, c); break;
        case 44: rdata_sshfp(r, c); break;
        case 47: rdata_nsec(r, c); break;
        case 48:
        case 60: rdata_dnskey(r, c); break;
        case 50: rdata_nsec3(r, c, false); break;
        case 51: rdata_nsec3(r, c, true); break;
        case 52:
        case 53: rdata_tlsa(r, c); break;
        case 61: c.record.data = base64(rest_field(r, c, kOpenPgpKey, c.rr, "OpenPGP key")); break;
        case 64:
        case 65: rdata_svcb(r, c); break;
        case 99: rdata_txt(r, c, true); break;
        case 250: rdata_tsig(r, c); break;
        case 257: rdata_caa(r, c); break;
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
