// The parts of the RDATA dissectors that their files share: field definitions, value
// helpers, and the record types dissected in files of their own (dns_rdata.cpp holds
// the common types and the dispatch; dns_dnssec.cpp, dns_svcb.cpp, dns_edns.cpp the
// rest). Internal to src/dns.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "core/iana_tables.hpp"
#include "dns/dns_rdata.hpp"
#include "net/ip_common.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect::dns_rdata_detail {

// Address family numbers used by the client-subnet option (RFC 7871 section 6).
inline constexpr ValueName kAddressFamilies[] = {{1, "IPv4"}, {2, "IPv6"}};

inline constexpr FieldDef kA{"dns.a", "Address", FieldType::IPv4};
inline constexpr FieldDef kAaaa{"dns.aaaa", "AAAA Address", FieldType::IPv6};
inline constexpr FieldDef kNs{"dns.ns", "Name Server", FieldType::String};
inline constexpr FieldDef kCname{"dns.cname", "CNAME", FieldType::String};
inline constexpr FieldDef kPtr{"dns.ptr.domain_name", "Domain Name", FieldType::String};
inline constexpr FieldDef kDname{"dns.dname", "Dname", FieldType::String};
inline constexpr FieldDef kMd{"dns.md", "Mail Destination", FieldType::String};
inline constexpr FieldDef kMf{"dns.mf", "Mail Forwarder", FieldType::String};
inline constexpr FieldDef kMb{"dns.mb", "Mailbox Domain", FieldType::String};
inline constexpr FieldDef kMg{"dns.mg", "Mail Group member", FieldType::String};
inline constexpr FieldDef kMr{"dns.mr", "Mail Rename domain", FieldType::String};
inline constexpr FieldDef kNull{"dns.null", "Null (data)", FieldType::Bytes};
inline constexpr FieldDef kSoaMname{"dns.soa.mname", "Primary name server", FieldType::String};
inline constexpr FieldDef kSoaRname{"dns.soa.rname", "Responsible authority's mailbox", FieldType::String};
inline constexpr FieldDef kSoaSerial{"dns.soa.serial_number", "Serial Number", FieldType::UInt};
inline constexpr FieldDef kSoaRefresh{"dns.soa.refresh_interval", "Refresh Interval", FieldType::UInt};
inline constexpr FieldDef kSoaRetry{"dns.soa.retry_interval", "Retry Interval", FieldType::UInt};
inline constexpr FieldDef kSoaExpire{"dns.soa.expire_limit", "Expire limit", FieldType::UInt};
inline constexpr FieldDef kSoaMinimum{"dns.soa.minimum_ttl", "Minimum TTL", FieldType::UInt};
inline constexpr FieldDef kWksAddress{"dns.wks.address", "Address", FieldType::IPv4};
inline constexpr FieldDef kWksProtocol{"dns.wks.protocol", "Protocol", FieldType::UInt, Base::Dec, kIpProtocolNames, 0, 8};
inline constexpr FieldDef kWksBits{"dns.wks.bits", "Bits", FieldType::UInt, Base::Hex, {}, 0, 8};
inline constexpr FieldDef kHinfoCpuLength{"dns.hinfo.cpu_length", "CPU Length", FieldType::UInt};
inline constexpr FieldDef kHinfoCpu{"dns.hinfo.cpu", "CPU", FieldType::String};
inline constexpr FieldDef kHinfoOsLength{"dns.hinfo.os_length", "OS Length", FieldType::UInt};
inline constexpr FieldDef kHinfoOs{"dns.hinfo.os", "OS", FieldType::String};
inline constexpr FieldDef kMinfoR{"dns.minfo.r", "Responsible Mailbox", FieldType::String};
inline constexpr FieldDef kMinfoE{"dns.minfo.e", "Error Mailbox", FieldType::String};
inline constexpr FieldDef kMxPreference{"dns.mx.preference", "Preference", FieldType::UInt};
inline constexpr FieldDef kMxExchange{"dns.mx.mail_exchange", "Mail Exchange", FieldType::String};
inline constexpr FieldDef kTxtLength{"dns.txt.length", "TXT Length", FieldType::UInt};
inline constexpr FieldDef kTxt{"dns.txt", "TXT", FieldType::String};
inline constexpr FieldDef kSpfLength{"dns.spf.length", "SPF Length", FieldType::UInt};
inline constexpr FieldDef kSpf{"dns.spf", "SPF", FieldType::String};
inline constexpr FieldDef kRpMailbox{"dns.rp.mailbox", "Mailbox", FieldType::String};
inline constexpr FieldDef kRpTxt{"dns.rp.txt_rr", "TXT RR", FieldType::String};
inline constexpr FieldDef kAfsdbSubtype{"dns.afsdb.subtype", "Subtype", FieldType::UInt};
inline constexpr FieldDef kAfsdbHostname{"dns.afsdb.hostname", "Hostname", FieldType::String};
inline constexpr FieldDef kRtPreference{"dns.rt.subtype", "Preference", FieldType::UInt};
inline constexpr FieldDef kRtHost{"dns.rt.intermediate_host", "Intermediate Hostname", FieldType::String};
inline constexpr FieldDef kKxPreference{"dns.kx.preference", "Preference", FieldType::UInt};
inline constexpr FieldDef kKxExchange{"dns.kx.key_exchange", "Key Exchange", FieldType::String};
inline constexpr FieldDef kSrvPriority{"dns.srv.priority", "Priority", FieldType::UInt};
inline constexpr FieldDef kSrvWeight{"dns.srv.weight", "Weight", FieldType::UInt};
inline constexpr FieldDef kSrvPort{"dns.srv.port", "Port", FieldType::UInt};
inline constexpr FieldDef kSrvTarget{"dns.srv.target", "Target", FieldType::String};
inline constexpr FieldDef kNaptrOrder{"dns.naptr.order", "Order", FieldType::UInt};
inline constexpr FieldDef kNaptrPreference{"dns.naptr.preference", "Preference", FieldType::UInt};
inline constexpr FieldDef kNaptrFlagsLength{"dns.naptr.flags_length", "Flags Length", FieldType::UInt};
inline constexpr FieldDef kNaptrFlags{"dns.naptr.flags", "Flags", FieldType::String};
inline constexpr FieldDef kNaptrServiceLength{"dns.naptr.service_length", "Service Length", FieldType::UInt};
inline constexpr FieldDef kNaptrService{"dns.naptr.service", "Service", FieldType::String};
inline constexpr FieldDef kNaptrRegexLength{"dns.naptr.regex_length", "Regex Length", FieldType::UInt};
inline constexpr FieldDef kNaptrRegex{"dns.naptr.regex", "Regex", FieldType::String};
inline constexpr FieldDef kNaptrReplacementLength{"dns.naptr.replacement_length", "Replacement Length", FieldType::UInt};
inline constexpr FieldDef kNaptrReplacement{"dns.naptr.replacement", "Replacement", FieldType::String};
inline constexpr FieldDef kCertType{"dns.cert.type", "Type", FieldType::UInt};
inline constexpr FieldDef kCertKeyTag{"dns.cert.key_tag", "Key Tag", FieldType::UInt, Base::Hex, {}, 0, 16};
inline constexpr FieldDef kCertAlgorithm{"dns.cert.algorithm", "Algorithm", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
inline constexpr FieldDef kCertCertificate{"dns.cert.certificate", "Certificate (or CRL)", FieldType::Bytes};
inline constexpr FieldDef kDsKeyId{"dns.ds.key_id", "Key id", FieldType::UInt, Base::Hex, {}, 0, 16};
inline constexpr FieldDef kDsAlgorithm{"dns.ds.algorithm", "Algorithm", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
inline constexpr FieldDef kDsDigestType{"dns.ds.digest_type", "Digest Type", FieldType::UInt, Base::Dec, kDnsDsDigestTypes, 0, 8};
inline constexpr FieldDef kDsDigest{"dns.ds.digest", "Digest", FieldType::Bytes};
inline constexpr FieldDef kSshfpAlgorithm{"dns.sshfp.algorithm", "Algorithm", FieldType::UInt};
inline constexpr FieldDef kSshfpType{"dns.sshfp.fingerprint.type", "Fingerprint type", FieldType::UInt};
inline constexpr FieldDef kSshfpFingerprint{"dns.sshfp.fingerprint", "Fingerprint", FieldType::Bytes};
inline constexpr FieldDef kRrsigTypeCovered{"dns.rrsig.type_covered", "Type Covered", FieldType::UInt, Base::Dec, kDnsTypes, 0, 16};
inline constexpr FieldDef kRrsigAlgorithm{"dns.rrsig.algorithm", "Algorithm", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
inline constexpr FieldDef kRrsigLabels{"dns.rrsig.labels", "Labels", FieldType::UInt};
inline constexpr FieldDef kRrsigOriginalTtl{"dns.rrsig.original_ttl", "Original TTL", FieldType::UInt};
inline constexpr FieldDef kRrsigExpiration{"dns.rrsig.signature_expiration", "Signature Expiration", FieldType::AbsTime};
inline constexpr FieldDef kRrsigInception{"dns.rrsig.signature_inception", "Signature Inception", FieldType::AbsTime};
inline constexpr FieldDef kRrsigKeyTag{"dns.rrsig.key_tag", "Key Tag", FieldType::UInt};
inline constexpr FieldDef kRrsigSigner{"dns.rrsig.signers_name", "Signer's name", FieldType::String};
inline constexpr FieldDef kRrsigSignature{"dns.rrsig.signature", "Signature", FieldType::Bytes};
inline constexpr FieldDef kNsecNext{"dns.nsec.next_domain_name", "Next Domain Name", FieldType::String};
inline constexpr FieldDef kNxtNext{"dns.nxt.next_domain_name", "Next Domain Name", FieldType::String};
// tshark 4.0 files the bitmap's types under dns.resp.type, so a filter on the record
// types also matches the types an NSEC record denies; they get their own field here.
inline constexpr FieldDef kBitmapType{"dns.type_bitmap.type", "RR type in bit map", FieldType::UInt, Base::Dec, kDnsTypes, 0, 16};
inline constexpr FieldDef kDnskeyFlags{"dns.dnskey.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 16};
inline constexpr FieldDef kDnskeyZone{"dns.dnskey.flags.zone_key", "Zone Key", FieldType::Bool, Base::None, {}, 0x0100, 16};
inline constexpr FieldDef kDnskeyRevoked{"dns.dnskey.flags.key_revoked", "Key Revoked", FieldType::Bool, Base::None, {}, 0x0080, 16};
inline constexpr FieldDef kDnskeySep{"dns.dnskey.flags.secure_entry_point", "Key Signing Key", FieldType::Bool, Base::None, {}, 0x0001, 16};
inline constexpr FieldDef kDnskeyReserved{"dns.dnskey.flags.reserved", "Reserved", FieldType::UInt, Base::Hex, {}, 0xfe7e, 16};
inline constexpr FieldDef kDnskeyProtocol{"dns.dnskey.protocol", "Protocol", FieldType::UInt};
inline constexpr FieldDef kDnskeyAlgorithm{"dns.dnskey.algorithm", "Algorithm", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
inline constexpr FieldDef kDnskeyKeyId{"dns.dnskey.key_id", "Key id", FieldType::UInt};
inline constexpr FieldDef kDnskeyPublicKey{"dns.dnskey.public_key", "Public Key", FieldType::Bytes};
inline constexpr FieldDef kNsec3Algo{"dns.nsec3.algo", "Hash algorithm", FieldType::UInt};
inline constexpr FieldDef kNsec3Flags{"dns.nsec3.flags", "NSEC3 flags", FieldType::UInt, Base::Dec, {}, 0, 8};
inline constexpr FieldDef kNsec3OptOut{"dns.nsec3.flags.opt_out", "NSEC3 Opt-out flag", FieldType::Bool, Base::None, {}, 0x01, 8};
inline constexpr FieldDef kNsec3Iterations{"dns.nsec3.iterations", "NSEC3 iterations", FieldType::UInt};
inline constexpr FieldDef kNsec3SaltLength{"dns.nsec3.salt_length", "Salt length", FieldType::UInt};
inline constexpr FieldDef kNsec3Salt{"dns.nsec3.salt_value", "Salt value", FieldType::Bytes};
inline constexpr FieldDef kNsec3HashLength{"dns.nsec3.hash_length", "Hash length", FieldType::UInt};
inline constexpr FieldDef kNsec3Hash{"dns.nsec3.hash_value", "Next hashed owner", FieldType::String};
inline constexpr FieldDef kTlsaUsage{"dns.tlsa.certificate_usage", "Certificate Usage", FieldType::UInt};
inline constexpr FieldDef kTlsaSelector{"dns.tlsa.selector", "Selector", FieldType::UInt};
inline constexpr FieldDef kTlsaMatching{"dns.tlsa.matching_type", "Matching Type", FieldType::UInt};
inline constexpr FieldDef kTlsaData{"dns.tlsa.certificate_association_data", "Certificate Association Data", FieldType::Bytes};
inline constexpr FieldDef kOpenPgpKey{"dns.openpgpkey", "OpenPGP Key", FieldType::Bytes};
inline constexpr FieldDef kCaaFlags{"dns.caa.flags", "CAA Flags", FieldType::UInt, Base::Hex, {}, 0, 8};
inline constexpr FieldDef kCaaCritical{"dns.caa.flags.issuer_critical", "Issuer Critical", FieldType::Bool, Base::None, {}, 0x80, 8};
inline constexpr FieldDef kCaaIssue{"dns.caa.issue", "Issue", FieldType::String};
inline constexpr FieldDef kCaaIssueWild{"dns.caa.issuewild", "Issue Wildcard", FieldType::String};
inline constexpr FieldDef kCaaIodef{"dns.caa.iodef", "Report URL", FieldType::String};
inline constexpr FieldDef kCaaUnknown{"dns.caa.unknown", "Unknown tag", FieldType::String};
inline constexpr FieldDef kCaaTagLength{"dns.caa.tag_length", "Tag length", FieldType::UInt};
inline constexpr FieldDef kCaaTag{"dns.caa.tag", "Tag", FieldType::String};
inline constexpr FieldDef kCaaValue{"dns.caa.value", "Value", FieldType::String};
inline constexpr FieldDef kLocVersion{"dns.loc.version", "Version", FieldType::UInt};
inline constexpr FieldDef kLocSize{"dns.loc.size", "Size", FieldType::UInt};
inline constexpr FieldDef kLocHorizontal{"dns.loc.horizontal_precision", "Horizontal Precision", FieldType::UInt};
inline constexpr FieldDef kLocVertical{"dns.loc.vertical_precision", "Vertical Precision", FieldType::UInt};
inline constexpr FieldDef kLocLatitude{"dns.loc.latitude", "Latitude", FieldType::UInt};
inline constexpr FieldDef kLocLongitude{"dns.loc.longitude", "Longitude", FieldType::UInt};
inline constexpr FieldDef kLocAltitude{"dns.loc.altitude", "Altitude", FieldType::UInt};
inline constexpr FieldDef kLocUnknown{"dns.loc.unknown_data", "Unknown data", FieldType::Bytes};
inline constexpr FieldDef kSvcbPriority{"dns.svcb.svcpriority", "SvcPriority", FieldType::UInt};
inline constexpr FieldDef kSvcbTarget{"dns.svcb.targetname", "TargetName", FieldType::String};
inline constexpr FieldDef kSvcParam{"dns.svcb.svcparam", "SvcParam", FieldType::None};
inline constexpr FieldDef kSvcParamKey{"dns.svcb.svcparam.key", "SvcParamKey", FieldType::UInt, Base::Dec, kDnsSvcParamKeys, 0, 16};
inline constexpr FieldDef kSvcParamLength{"dns.svcb.svcparam.value.length", "SvcParamValue length", FieldType::UInt};
inline constexpr FieldDef kSvcParamValue{"dns.svcb.svcparam.value", "SvcParamValue", FieldType::Bytes};
inline constexpr FieldDef kSvcMandatory{"dns.svcb.svcparam.mandatory.key", "Mandatory key", FieldType::UInt, Base::Dec, kDnsSvcParamKeys, 0, 16};
inline constexpr FieldDef kSvcAlpnLength{"dns.svcb.svcparam.alpn.length", "ALPN length", FieldType::UInt};
inline constexpr FieldDef kSvcAlpn{"dns.svcb.svcparam.alpn", "ALPN", FieldType::String};
inline constexpr FieldDef kSvcPort{"dns.svcb.svcparam.port", "Port", FieldType::UInt};
inline constexpr FieldDef kSvcIpv4{"dns.svcb.svcparam.ipv4hint.ip", "IP", FieldType::IPv4};
inline constexpr FieldDef kSvcEch{"dns.svcb.svcparam.echconfig", "ECHConfig", FieldType::Bytes};
// The ECHConfigList inside it (RFC 9849 section 4), named as Wireshark 4.2 names them.
inline constexpr FieldDef kEchListLength{"tls.ech.echconfiglist_length", "ECHConfigList length", FieldType::UInt};
inline constexpr FieldDef kEchConfig{"tls.ech.echconfig", "ECHConfig", FieldType::None};
inline constexpr FieldDef kEchVersion{"tls.ech.echconfig.version", "Version", FieldType::UInt, Base::Hex, {}, 0, 16};
inline constexpr FieldDef kEchLength{"tls.ech.echconfig.length", "Length", FieldType::UInt};
inline constexpr FieldDef kEchContents{"tls.ech.echconfig.contents", "Contents", FieldType::Bytes};
inline constexpr FieldDef kEchConfigId{"tls.ech.hpke.keyconfig.config_id", "Config Id", FieldType::UInt};
inline constexpr FieldDef kEchKem{"tls.ech.hpke.keyconfig.kem_id", "KEM Id", FieldType::UInt, Base::Hex, kHpkeKemIds, 0, 16};
inline constexpr FieldDef kEchPublicKeyLength{"tls.ech.hpke.keyconfig.public_key_length", "Public Key length", FieldType::UInt};
inline constexpr FieldDef kEchPublicKey{"tls.ech.hpke.keyconfig.public_key", "Public Key", FieldType::Bytes};
inline constexpr FieldDef kEchSuitesLength{"tls.ech.hpke.keyconfig.cipher_suites_length", "Cipher Suites length", FieldType::UInt};
inline constexpr FieldDef kEchSuite{"tls.ech.hpke.keyconfig.cipher_suite", "Cipher Suite", FieldType::None};
inline constexpr FieldDef kEchKdf{"tls.ech.hpke.keyconfig.cipher_suite.kdf_id", "KDF Id", FieldType::UInt, Base::Hex, kHpkeKdfIds, 0, 16};
inline constexpr FieldDef kEchAead{"tls.ech.hpke.keyconfig.cipher_suite.aead_id", "AEAD Id", FieldType::UInt, Base::Hex, kHpkeAeadIds, 0, 16};
inline constexpr FieldDef kEchMaxNameLength{"tls.ech.echconfigcontents.maximum_name_length", "Maximum Name Length", FieldType::UInt};
inline constexpr FieldDef kEchPublicNameLength{"tls.ech.echconfigcontents.public_name_length", "Public Name length", FieldType::UInt};
inline constexpr FieldDef kEchPublicName{"tls.ech.echconfigcontents.public_name", "Public Name", FieldType::String};
inline constexpr FieldDef kEchExtensionsLength{"tls.ech.echconfigcontents.extensions_length", "Extensions length", FieldType::UInt};
inline constexpr FieldDef kEchExtensionType{"tls.ech.echconfigcontents.extension.type", "Extension Type", FieldType::UInt, Base::Hex, {}, 0, 16};
inline constexpr FieldDef kEchExtensionData{"tls.ech.echconfigcontents.extension.data", "Extension Data", FieldType::Bytes};
inline constexpr FieldDef kSvcIpv6{"dns.svcb.svcparam.ipv6hint.ip", "IP", FieldType::IPv6};
inline constexpr FieldDef kSvcDohPath{"dns.svcb.svcparam.dohpath", "DoH path", FieldType::String};
inline constexpr FieldDef kTsigAlgorithm{"dns.tsig.algorithm_name", "Algorithm Name", FieldType::String};
inline constexpr FieldDef kTsigTimeSigned{"dns.tsig.time_signed", "Time Signed", FieldType::AbsTime};
inline constexpr FieldDef kTsigFudge{"dns.tsig.fudge", "Fudge", FieldType::UInt};
inline constexpr FieldDef kTsigMacSize{"dns.tsig.mac_size", "MAC Size", FieldType::UInt};
inline constexpr FieldDef kTsigMac{"dns.tsig.mac", "MAC", FieldType::Bytes};
inline constexpr FieldDef kTsigOriginalId{"dns.tsig.original_id", "Original Id", FieldType::UInt};
inline constexpr FieldDef kTsigError{"dns.tsig.error", "Error", FieldType::UInt, Base::Dec, kDnsRcodes, 0, 16};
inline constexpr FieldDef kTsigOtherLen{"dns.tsig.other_len", "Other Len", FieldType::UInt};
inline constexpr FieldDef kTsigOtherData{"dns.tsig.other_data", "Other Data", FieldType::Bytes};
inline constexpr FieldDef kData{"dns.data", "Data", FieldType::Bytes};
inline constexpr FieldDef kPointerChain{"dns.name.pointer_chain", "Compression pointer to a pointer", FieldType::Expert,
                                 Base::None, {}, 0, 0, {}, Severity::Note};

inline constexpr FieldDef kOpt{"dns.opt", "Option", FieldType::None};
inline constexpr FieldDef kOptCode{"dns.opt.code", "Option Code", FieldType::UInt, Base::Dec, kDnsEdnsOptions, 0, 16};
inline constexpr FieldDef kOptLen{"dns.opt.len", "Option Length", FieldType::UInt};
inline constexpr FieldDef kOptData{"dns.opt.data", "Option Data", FieldType::Bytes};
inline constexpr FieldDef kOptDau{"dns.opt.dau", "DAU", FieldType::UInt, Base::Dec, kDnsSecAlgorithms, 0, 8};
inline constexpr FieldDef kOptDhu{"dns.opt.dhu", "DHU", FieldType::UInt, Base::Dec, kDnsDsDigestTypes, 0, 8};
inline constexpr FieldDef kOptN3u{"dns.opt.n3u", "N3U", FieldType::UInt};
inline constexpr FieldDef kOptFamily{"dns.opt.client.family", "Family", FieldType::UInt, Base::Dec, kAddressFamilies, 0, 16};
inline constexpr FieldDef kOptNetmask{"dns.opt.client.netmask", "Source Netmask", FieldType::UInt};
inline constexpr FieldDef kOptScope{"dns.opt.client.scope", "Scope Netmask", FieldType::UInt};
inline constexpr FieldDef kOptClientAddr{"dns.opt.client.addr", "Client Subnet", FieldType::Bytes};
inline constexpr FieldDef kOptClientAddr4{"dns.opt.client.addr4", "Client Subnet", FieldType::IPv4};
inline constexpr FieldDef kOptClientAddr6{"dns.opt.client.addr6", "Client Subnet", FieldType::IPv6};
inline constexpr FieldDef kOptCookieClient{"dns.opt.cookie.client", "Client Cookie", FieldType::Bytes};
inline constexpr FieldDef kOptCookieServer{"dns.opt.cookie.server", "Server Cookie", FieldType::Bytes};
inline constexpr FieldDef kOptKeepalive{"dns.opt.edns_tcp_keepalive.timeout", "Timeout", FieldType::UInt};
inline constexpr FieldDef kOptPadding{"dns.opt.padding", "Padding", FieldType::Bytes};
inline constexpr FieldDef kOptChain{"dns.opt.chain.fqdn", "Closest Trust Point", FieldType::String};
inline constexpr FieldDef kOptEdeCode{"dns.opt.ext_error.info_code", "Info Code", FieldType::UInt};
inline constexpr FieldDef kOptEdeText{"dns.opt.ext_error.extra_text", "Extra Text", FieldType::String};

// EDNS option codes this parser decodes (RFC 6891 registry values).
enum : std::uint16_t {
    kOptNsid = 3, kOptDauCode = 5, kOptDhuCode = 6, kOptN3uCode = 7, kOptClientSubnet = 8, kOptCookie = 10,
    kOptTcpKeepalive = 11, kOptPaddingCode = 12, kOptChainCode = 13, kOptExtendedError = 15,
};

std::string presentation(const DnsName& n);
std::string base64(Bytes b);
// RFC 4648 section 7 "base32hex", lowercase as Wireshark shows NSEC3 hashes.
std::string base32hex(Bytes b);
ByteString byte_string(Bytes b);
Ipv4Address ipv4(Bytes b);
Ipv6Address ipv6(Bytes b);
void add_duration(NodeRef parent, const FieldDef& def, std::uint32_t value, std::size_t offset);
// All remaining bytes of `r` as one field (nothing when empty).
Bytes rest_field(ByteReader& r, RdataContext& c, const FieldDef& def, NodeRef parent, std::string_view what);
// A <character-string> (RFC 1035 section 3.3): a length byte and that many bytes.
std::optional<std::string> char_string(ByteReader& r, RdataContext& c, const FieldDef& len_def, const FieldDef& def,
                                       NodeRef parent, std::string_view what);
std::string quoted(const std::string& s);

// The record types with a file of their own: DNSSEC (dns_dnssec.cpp), SVCB and HTTPS
// (dns_svcb.cpp).
void rdata_ds(ByteReader& r, RdataContext& c);
void rdata_rrsig(ByteReader& r, RdataContext& c);
void rdata_nsec(ByteReader& r, RdataContext& c);
void rdata_nxt(ByteReader& r, RdataContext& c);
void rdata_dnskey(ByteReader& r, RdataContext& c);
void rdata_nsec3(ByteReader& r, RdataContext& c, bool param);
void rdata_svcb(ByteReader& r, RdataContext& c);

}  // namespace tlsdissect::dns_rdata_detail
