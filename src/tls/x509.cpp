// X.509 v3 certificates (RFC 5280 section 4) as the TLS Certificate message carries them
// (RFC 5246 section 7.4.2, RFC 8446 section 4.4.2.2), with the field names of Wireshark's
// x509af, x509if, x509sat, x509ce, pkix1implicit, pkix1explicit and pkcs1 dissectors.
//
// Two views of the same bytes, each from the tool that is good at it:
//  - OpenSSL's X.509 parser (d2i_X509) decodes the certificate for the summary: names,
//    times, key, subjectAltName, basic constraints, policies; EVP_Digest the fingerprints.
//  - The DER walker (tls/der.hpp) frames each element for the tree, so every node has
//    its byte offset. The value inside one element (an OID, a string, a time, an integer,
//    a boolean, a bit string) is again decoded by OpenSSL's ASN.1 functions; the walker
//    never interprets content octets itself.
#include "tls/x509.hpp"
#include "tls/tls_common.hpp"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <memory>
#include <optional>
#include <string_view>

#include "core/bounded_cache.hpp"
#include "tls/der.hpp"
#include "tls/openssl_handles.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

using der::Element;
using der::TagClass;
namespace tag = der::tag;

// ---------------------------------------------------------------------------------------
// Fields. Names are Wireshark's display-filter names, checked against `tshark -G fields`
// and the PDML of real certificates (tshark 4.0.17 on ../shared/captures-real/tls), which
// come from epan/dissectors/packet-x509af.c, -x509if.c, -x509sat.c, -x509ce.c,
// -pkix1implicit.c, -pkix1explicit.c, -pkcs1.c and -tls-utils.c (tls.sct.*).
// Wireshark's quirks are kept: the issuer's rdnSequence is x509if.rdnSequence, the
// subject's x509af.rdnSequence.

constexpr ValueName kVersionNames[] = {{0, "v1"}, {1, "v2"}, {2, "v3"}};
constexpr ValueName kNameChoice[] = {{0, "rdnSequence"}};
constexpr ValueName kTimeChoice[] = {{0, "utcTime"}, {1, "generalizedTime"}};
constexpr ValueName kDirectoryStringChoice[] = {
    {0, "teletexString"}, {1, "printableString"}, {2, "universalString"}, {3, "bmpString"}, {4, "uTF8String"}};
constexpr ValueName kEcParametersChoice[] = {{0, "specifiedCurve"}, {1, "namedCurve"}, {2, "implicitlyCA"}};
constexpr ValueName kGeneralNameChoice[] = {
    {0, "otherName"}, {1, "rfc822Name"}, {2, "dNSName"}, {3, "x400Address"}, {4, "directoryName"},
    {5, "ediPartyName"}, {6, "uniformResourceIdentifier"}, {7, "iPAddress"}, {8, "registeredID"}};
constexpr ValueName kDistributionPointNameChoice[] = {{0, "fullName"}, {1, "nameRelativeToCRLIssuer"}};
constexpr ValueName kDisplayTextChoice[] = {{0, "ia5String"}, {1, "visibleString"}, {2, "bmpString"}, {3, "utf8String"}};

// Certificate, TBSCertificate
constexpr FieldDef kSignedCertificate{"x509af.signedCertificate_element", "signedCertificate", FieldType::None};
constexpr FieldDef kVersion{"x509af.version", "version", FieldType::UInt, Base::Dec, kVersionNames};
constexpr FieldDef kSerialNumber{"x509af.serialNumber", "serialNumber", FieldType::Bytes};
constexpr FieldDef kSignature{"x509af.signature_element", "signature", FieldType::None};
constexpr FieldDef kAlgorithmId{"x509af.algorithm.id", "Algorithm Id", FieldType::String};
constexpr FieldDef kAlgorithmParameters{"x509af.parameters_element", "parameters", FieldType::None};
constexpr FieldDef kIssuer{"x509af.issuer", "issuer", FieldType::UInt, Base::Dec, kNameChoice};
constexpr FieldDef kSubject{"x509af.subject", "subject", FieldType::UInt, Base::Dec, kNameChoice};
constexpr FieldDef kValidity{"x509af.validity_element", "validity", FieldType::None};
constexpr FieldDef kNotBefore{"x509af.notBefore", "notBefore", FieldType::UInt, Base::Dec, kTimeChoice};
constexpr FieldDef kNotAfter{"x509af.notAfter", "notAfter", FieldType::UInt, Base::Dec, kTimeChoice};
constexpr FieldDef kUtcTime{"x509af.utcTime", "utcTime", FieldType::String};
constexpr FieldDef kGeneralizedTime{"x509af.generalizedTime", "generalizedTime", FieldType::AbsTime};
constexpr FieldDef kSubjectPublicKeyInfo{"x509af.subjectPublicKeyInfo_element", "subjectPublicKeyInfo", FieldType::None};
constexpr FieldDef kSpkiAlgorithm{"x509af.algorithm_element", "algorithm", FieldType::None};
constexpr FieldDef kSubjectPublicKey{"x509af.subjectPublicKey", "subjectPublicKey", FieldType::Bytes};
constexpr FieldDef kIssuerUniqueId{"x509af.issuerUniqueIdentifier", "issuerUniqueIdentifier", FieldType::Bytes};
constexpr FieldDef kSubjectUniqueId{"x509af.subjectUniqueIdentifier", "subjectUniqueIdentifier", FieldType::Bytes};
constexpr FieldDef kExtensions{"x509af.extensions", "extensions", FieldType::UInt};
constexpr FieldDef kExtension{"x509af.Extension_element", "Extension", FieldType::None};
constexpr FieldDef kExtensionId{"x509af.extension.id", "Extension Id", FieldType::String};
constexpr FieldDef kCritical{"x509af.critical", "critical", FieldType::Bool};
constexpr FieldDef kExtnValue{"x509af.extnValue", "extnValue", FieldType::Bytes};
constexpr FieldDef kAlgorithmIdentifier{"x509af.algorithmIdentifier_element", "algorithmIdentifier", FieldType::None};
constexpr FieldDef kEncrypted{"x509af.encrypted", "encrypted", FieldType::Bytes};
constexpr FieldDef kPadding{"ber.bitstring.padding", "Padding", FieldType::UInt};
// Not in Wireshark: SHA-256 and SHA-1 of the certificate's DER, generated, for filters
// and scripts (`x509af.fingerprint_sha256 == …`). Named in the x509af family beside the
// fields they summarise; hex as `openssl x509 -fingerprint` prints it, lowercase.
constexpr FieldDef kFingerprintSha256{"x509af.fingerprint_sha256", "SHA-256 Fingerprint", FieldType::Bytes};
constexpr FieldDef kFingerprintSha1{"x509af.fingerprint_sha1", "SHA-1 Fingerprint", FieldType::Bytes};

// Name (x509if, x509sat)
constexpr FieldDef kIssuerRdnSequence{"x509if.rdnSequence", "rdnSequence", FieldType::UInt};
constexpr FieldDef kSubjectRdnSequence{"x509af.rdnSequence", "rdnSequence", FieldType::UInt};
constexpr FieldDef kRdnItem{"x509if.RDNSequence_item", "RDNSequence item", FieldType::UInt};
constexpr FieldDef kAttributeTypeAndValue{"x509if.RelativeDistinguishedName_item_element",
                                          "RelativeDistinguishedName item", FieldType::None};
constexpr FieldDef kAttributeType{"x509if.oid", "Object Id", FieldType::String};
constexpr FieldDef kAnyString{"x509if.any.String", "AnyString", FieldType::Bytes};
constexpr FieldDef kCountryName{"x509sat.CountryName", "CountryName", FieldType::String};
constexpr FieldDef kPrintableStringAttribute{"x509sat.PrintableString", "PrintableString", FieldType::String};
constexpr FieldDef kIa5StringAttribute{"x509sat.IA5String", "IA5String", FieldType::String};
constexpr FieldDef kDirectoryString{"x509sat.DirectoryString", "DirectoryString", FieldType::UInt, Base::Dec,
                                    kDirectoryStringChoice};
constexpr FieldDef kTeletexString{"x509sat.teletexString", "teletexString", FieldType::String};
constexpr FieldDef kPrintableString{"x509sat.printableString", "printableString", FieldType::String};
constexpr FieldDef kUniversalString{"x509sat.universalString", "universalString", FieldType::String};
constexpr FieldDef kBmpString{"x509sat.bmpString", "bmpString", FieldType::String};
constexpr FieldDef kUtf8String{"x509sat.uTF8String", "uTF8String", FieldType::String};

// Public keys (pkcs1)
constexpr FieldDef kModulus{"pkcs1.modulus", "modulus", FieldType::Bytes};
constexpr FieldDef kPublicExponent{"pkcs1.publicExponent", "publicExponent", FieldType::UInt};
constexpr FieldDef kEcParameters{"pkcs1.ECParameters", "ECParameters", FieldType::UInt, Base::Dec, kEcParametersChoice};
constexpr FieldDef kNamedCurve{"pkcs1.namedCurve", "namedCurve", FieldType::String};

// Extensions (x509ce)
constexpr FieldDef kGeneralNames{"x509ce.GeneralNames", "GeneralNames", FieldType::UInt};
constexpr FieldDef kGeneralName{"x509ce.GeneralName", "GeneralName", FieldType::UInt, Base::Dec, kGeneralNameChoice};
constexpr FieldDef kOtherName{"x509ce.otherName_element", "otherName", FieldType::None};
constexpr FieldDef kOtherNameType{"x509ce.type_id", "type-id", FieldType::String};
constexpr FieldDef kOtherNameValue{"x509ce.value_element", "value", FieldType::Bytes};
constexpr FieldDef kRfc822Name{"x509ce.rfc822Name", "rfc822Name", FieldType::String};
constexpr FieldDef kDnsName{"x509ce.dNSName", "dNSName", FieldType::String};
constexpr FieldDef kX400Address{"x509ce.x400Address_element", "x400Address", FieldType::Bytes};
constexpr FieldDef kDirectoryName{"x509ce.directoryName", "directoryName", FieldType::UInt, Base::Dec, kNameChoice};
constexpr FieldDef kEdiPartyName{"x509ce.ediPartyName_element", "ediPartyName", FieldType::Bytes};
constexpr FieldDef kUri{"x509ce.uniformResourceIdentifier", "uniformResourceIdentifier", FieldType::String};
constexpr FieldDef kIpAddressV4{"x509ce.IPAddress.ipv4", "iPAddress", FieldType::IPv4};
constexpr FieldDef kIpAddressV6{"x509ce.IPAddress.ipv6", "iPAddress", FieldType::IPv6};
constexpr FieldDef kIpAddressBytes{"x509ce.iPAddress", "iPAddress", FieldType::Bytes};
constexpr FieldDef kRegisteredId{"x509ce.registeredID", "registeredID", FieldType::String};
constexpr FieldDef kKeyUsage{"x509ce.KeyUsage", "KeyUsage", FieldType::Bytes};
constexpr FieldDef kKeyUsageBits[] = {
    {"x509ce.KeyUsage.digitalSignature", "digitalSignature", FieldType::Bool, Base::None, {}, 0x80, 8},
    {"x509ce.KeyUsage.contentCommitment", "contentCommitment", FieldType::Bool, Base::None, {}, 0x40, 8},
    {"x509ce.KeyUsage.keyEncipherment", "keyEncipherment", FieldType::Bool, Base::None, {}, 0x20, 8},
    {"x509ce.KeyUsage.dataEncipherment", "dataEncipherment", FieldType::Bool, Base::None, {}, 0x10, 8},
    {"x509ce.KeyUsage.keyAgreement", "keyAgreement", FieldType::Bool, Base::None, {}, 0x08, 8},
    {"x509ce.KeyUsage.keyCertSign", "keyCertSign", FieldType::Bool, Base::None, {}, 0x04, 8},
    {"x509ce.KeyUsage.cRLSign", "cRLSign", FieldType::Bool, Base::None, {}, 0x02, 8},
    {"x509ce.KeyUsage.encipherOnly", "encipherOnly", FieldType::Bool, Base::None, {}, 0x01, 8},
    {"x509ce.KeyUsage.decipherOnly", "decipherOnly", FieldType::Bool, Base::None, {}, 0x80, 8},  // second octet
};
constexpr FieldDef kKeyPurposeIds{"x509ce.KeyPurposeIDs", "KeyPurposeIDs", FieldType::UInt};
constexpr FieldDef kKeyPurposeId{"x509ce.KeyPurposeId", "KeyPurposeId", FieldType::String};
constexpr FieldDef kBasicConstraints{"x509ce.BasicConstraintsSyntax_element", "BasicConstraintsSyntax", FieldType::None};
constexpr FieldDef kCa{"x509ce.cA", "cA", FieldType::Bool};
constexpr FieldDef kPathLenConstraint{"x509ce.pathLenConstraint", "pathLenConstraint", FieldType::UInt};
constexpr FieldDef kCertificatePolicies{"x509ce.CertificatePoliciesSyntax", "CertificatePoliciesSyntax", FieldType::UInt};
constexpr FieldDef kPolicyInformation{"x509ce.PolicyInformation_element", "PolicyInformation", FieldType::None};
constexpr FieldDef kPolicyIdentifier{"x509ce.policyIdentifier", "policyIdentifier", FieldType::String};
constexpr FieldDef kPolicyQualifiers{"x509ce.policyQualifiers", "policyQualifiers", FieldType::UInt};
constexpr FieldDef kPolicyQualifierInfo{"x509ce.PolicyQualifierInfo_element", "PolicyQualifierInfo", FieldType::None};
constexpr FieldDef kPolicyQualifierId{"x509ce.id", "Id", FieldType::String};
constexpr FieldDef kPolicyQualifier{"x509ce.qualifier_element", "qualifier", FieldType::None};
// Derived from the CA/Browser Forum policy OIDs (not a DER field): DV, OV, IV, EV.
constexpr FieldDef kValidationLevel{"tlsdissect.x509.validation_level", "Validation level", FieldType::String};
constexpr FieldDef kCpsUri{"pkix1explicit.DirectoryString", "DirectoryString", FieldType::String};
constexpr FieldDef kUserNotice{"pkix1implicit.UserNotice_element", "UserNotice", FieldType::None};
constexpr FieldDef kNoticeRef{"pkix1implicit.noticeRef_element", "noticeRef", FieldType::None};
constexpr FieldDef kOrganization{"pkix1implicit.organization", "organization", FieldType::UInt, Base::Dec,
                                 kDisplayTextChoice};
constexpr FieldDef kNoticeNumbers{"pkix1implicit.noticeNumbers", "noticeNumbers", FieldType::UInt};
constexpr FieldDef kNoticeNumber{"pkix1implicit.noticeNumbers_item", "noticeNumbers item", FieldType::UInt};
constexpr FieldDef kExplicitText{"pkix1implicit.explicitText", "explicitText", FieldType::UInt, Base::Dec,
                                 kDisplayTextChoice};
constexpr FieldDef kDisplayTextStrings[] = {
    {"pkix1implicit.ia5String", "ia5String", FieldType::String},
    {"pkix1implicit.visibleString", "visibleString", FieldType::String},
    {"pkix1implicit.bmpString", "bmpString", FieldType::String},
    {"pkix1implicit.utf8String", "utf8String", FieldType::String},
};
constexpr FieldDef kAuthorityInfoAccess{"pkix1implicit.AuthorityInfoAccessSyntax", "AuthorityInfoAccessSyntax",
                                        FieldType::UInt};
constexpr FieldDef kAccessDescription{"pkix1implicit.AccessDescription_element", "AccessDescription", FieldType::None};
constexpr FieldDef kAccessMethod{"pkix1implicit.accessMethod", "accessMethod", FieldType::String};
constexpr FieldDef kAccessLocation{"pkix1implicit.accessLocation", "accessLocation", FieldType::UInt, Base::Dec,
                                   kGeneralNameChoice};
constexpr FieldDef kCrlDistPoints{"x509ce.CRLDistPointsSyntax", "CRLDistPointsSyntax", FieldType::UInt};
constexpr FieldDef kDistributionPoint{"x509ce.DistributionPoint_element", "DistributionPoint", FieldType::None};
constexpr FieldDef kDistributionPointName{"x509ce.distributionPoint", "distributionPoint", FieldType::UInt, Base::Dec,
                                          kDistributionPointNameChoice};
constexpr FieldDef kFullName{"x509ce.fullName", "fullName", FieldType::UInt};
constexpr FieldDef kNameRelativeToCrlIssuer{"x509ce.nameRelativeToCRLIssuer", "nameRelativeToCRLIssuer", FieldType::UInt};
constexpr FieldDef kReasons{"x509ce.reasons", "reasons", FieldType::Bytes};
constexpr FieldDef kCrlIssuer{"x509ce.cRLIssuer", "cRLIssuer", FieldType::UInt};
constexpr FieldDef kSubjectKeyIdentifier{"x509ce.SubjectKeyIdentifier", "SubjectKeyIdentifier", FieldType::Bytes};
constexpr FieldDef kAuthorityKeyIdentifier{"x509ce.AuthorityKeyIdentifier_element", "AuthorityKeyIdentifier",
                                           FieldType::None};
constexpr FieldDef kKeyIdentifier{"x509ce.keyIdentifier", "keyIdentifier", FieldType::Bytes};
constexpr FieldDef kAuthorityCertIssuer{"x509ce.authorityCertIssuer", "authorityCertIssuer", FieldType::UInt};
constexpr FieldDef kAuthorityCertSerialNumber{"x509ce.authorityCertSerialNumber", "authorityCertSerialNumber",
                                              FieldType::Bytes};
// RFC 6962 section 3.3: the SCT list extension, framed only (count and bytes of each SCT).

// Longest byte string spelled out in a custom label ("modulus: 0x00b60d…"), as the tree
// printer does for plain byte fields.
constexpr std::size_t kLabelBytes = 36;

// ---------------------------------------------------------------------------------------
// OpenSSL handles (tls/openssl_handles.hpp) and errors.

// Leaves OpenSSL's thread-local error queue as it found it: failures here are reported as
// anomalies, not left behind for unrelated code to trip over.
class OpensslErrorScope {
public:
    OpensslErrorScope() { ERR_set_mark(); }
    ~OpensslErrorScope() { ERR_pop_to_mark(); }
    OpensslErrorScope(const OpensslErrorScope&) = delete;
    OpensslErrorScope& operator=(const OpensslErrorScope&) = delete;
};

// ---------------------------------------------------------------------------------------
// Text.

// Certificate strings end up on terminals: C0 controls, DEL and C1 controls (U+0080 to
// U+009F, which some terminals obey as escape sequences) are shown escaped.
std::string printable(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        if (b < 0x20 || b == 0x7f) {
            out += "\\x" + hex_u8(b);
        } else if (b == 0xc2 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(utf8[i + 1]) <= 0x9f) {
            out += "\\u00" + hex_u8(static_cast<unsigned char>(utf8[i + 1]));
            ++i;
        } else {
            out.push_back(static_cast<char>(b));
        }
    }
    return out;
}

// Bytes that are not valid in their string type: ASCII as is, the rest as \xNN.
std::string escaped_bytes(Bytes bytes) {
    std::string out;
    for (auto b : bytes) {
        if (b >= 0x20 && b < 0x7f)
            out.push_back(static_cast<char>(b));
        else
            out += "\\x" + hex_u8(b);
    }
    return out;
}

std::string hex_label(Bytes bytes) {
    if (bytes.size() <= kLabelBytes) return hex_string(bytes);
    return hex_string(bytes.first(kLabelBytes)) + "\xe2\x80\xa6";
}

std::string items(std::size_t n) { return std::to_string(n) + (n == 1 ? " item" : " items"); }

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

std::string iso_time(const std::tm& tm) {
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::int64_t epoch_seconds(std::tm tm) { return static_cast<std::int64_t>(timegm(&tm)); }

// ---------------------------------------------------------------------------------------
// Values of single elements, decoded by OpenSSL.

struct Oid {
    std::string dotted;  // "2.5.29.17"
    std::string name;    // "id-ce-subjectAltName"; empty when OpenSSL does not know it
    int nid = NID_undef;
    std::string label() const { return name.empty() ? dotted : name; }
    std::string with_name() const { return name.empty() ? dotted : dotted + " (" + name + ")"; }
};

// ASN.1 value names begin with a lowercase letter: "OCSP" -> "ocsp", "CA" -> "ca".
std::string asn1_identifier(std::string_view sn) {
    std::string out(sn);
    const bool all_upper = std::none_of(out.begin(), out.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (all_upper) {
        std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
    } else if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') {
        out[0] = static_cast<char>(out[0] - 'A' + 'a');
    }
    return out;
}

std::string dotted_oid(const ASN1_OBJECT* obj) {
    const int n = OBJ_obj2txt(nullptr, 0, obj, 1);
    if (n <= 0) return {};
    std::string out(static_cast<std::size_t>(n) + 1, '\0');
    OBJ_obj2txt(out.data(), n + 1, obj, 1);
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// OpenSSL's name for an OID, written the way RFC 5280's ASN.1 modules (and Wireshark)
// name the arcs X.509 uses most: id-at-commonName, id-ce-keyUsage, id-pe-authorityInfoAccess,
// id-kp-serverAuth, id-ad-ocsp. Elsewhere OpenSSL's long name (sha256WithRSAEncryption).
std::string oid_name(int nid, std::string_view dotted) {
    if (nid == NID_undef) return {};
    const char* sn = OBJ_nid2sn(nid);
    const char* ln = OBJ_nid2ln(nid);
    struct Arc {
        std::string_view prefix, module;
        bool long_name;
    };
    static constexpr Arc kArcs[] = {
        {"2.5.4.", "id-at-", true},          {"2.5.29.", "id-ce-", false},
        {"1.3.6.1.5.5.7.1.", "id-pe-", false}, {"1.3.6.1.5.5.7.2.", "id-qt-", false},
        {"1.3.6.1.5.5.7.3.", "id-kp-", false}, {"1.3.6.1.5.5.7.48.", "id-ad-", false},
    };
    for (const auto& arc : kArcs) {
        if (!dotted.starts_with(arc.prefix)) continue;
        const char* name = arc.long_name ? ln : sn;
        if (!name) break;
        std::string_view n(name);
        if (n.starts_with("id-")) return std::string(n);
        return std::string(arc.module) + asn1_identifier(n);
    }
    if (ln) return ln;
    return sn ? sn : "";
}

Oid describe_oid(const ASN1_OBJECT* obj) {
    Oid o;
    o.dotted = dotted_oid(obj);
    o.nid = OBJ_obj2nid(obj);
    o.name = oid_name(o.nid, o.dotted);
    return o;
}

std::optional<Oid> decode_oid_uncached(Bytes content);

// OIDs decoded, remembered by their content octets: a certificate holds a few dozen,
// nearly all of them the same in every certificate (about a third of the time spent
// walking a certificate went to OpenSSL's OID text). Bounded: emptied when full.
constexpr std::size_t kDecodedOidEntries = 4096;

// The content octets of an OBJECT IDENTIFIER (universal or implicitly tagged).
std::optional<Oid> decode_oid(Bytes content) {
    static thread_local BoundedCache<std::optional<Oid>, kDecodedOidEntries> memo;
    std::string key(reinterpret_cast<const char*>(content.data()), content.size());
    return memo.get_or_make(std::move(key), [&] { return decode_oid_uncached(content); });
}

// OpenSSL 3.0 decodes OIDs only with their universal header, so the content gets one.
std::optional<Oid> decode_oid_uncached(Bytes content) {
    if (content.empty() || content.size() > 0xffffff) return std::nullopt;
    std::vector<std::uint8_t> der{static_cast<std::uint8_t>(tag::kOid)};
    if (content.size() < 0x80) {
        der.push_back(static_cast<std::uint8_t>(content.size()));
    } else {
        const std::size_t n = content.size();
        const std::uint8_t octets = n > 0xffff ? 3 : n > 0xff ? 2 : 1;
        der.push_back(static_cast<std::uint8_t>(0x80 | octets));
        for (int i = octets - 1; i >= 0; --i) der.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    }
    der.insert(der.end(), content.begin(), content.end());
    const unsigned char* p = der.data();
    Asn1ObjectPtr obj(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(der.size())));
    if (!obj) return std::nullopt;
    Oid o = describe_oid(obj.get());
    if (o.dotted.empty()) return std::nullopt;
    return o;
}

struct DecodedString {
    std::string text;
    bool valid = true;
};

// Content octets of a string of ASN.1 type `type` (V_ASN1_UTF8STRING, V_ASN1_BMPSTRING,
// ...), as UTF-8 for display. Invalid encodings come back escaped and flagged.
DecodedString decode_string(int type, Bytes content) {
    DecodedString out;
    Asn1StringPtr s(ASN1_STRING_type_new(type));
    unsigned char* utf8 = nullptr;
    int n = -1;
    if (s && content.size() <= INT_MAX &&
        ASN1_STRING_set(s.get(), content.data(), static_cast<int>(content.size())) == 1)
        n = ASN1_STRING_to_UTF8(&utf8, s.get());
    if (n < 0) {
        out.text = escaped_bytes(content);
        out.valid = false;
        return out;
    }
    OpensslBytesPtr hold(utf8);
    out.text = printable(std::string_view(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n)));
    return out;
}

std::optional<std::tm> decode_time(const Element& e) {
    const unsigned char* p = e.encoding.data();
    Asn1TimePtr t(d2i_ASN1_TIME(nullptr, &p, static_cast<long>(e.encoding.size())));
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t.get(), &tm) != 1) return std::nullopt;
    return tm;
}

std::optional<std::uint64_t> decode_unsigned(const Element& e) {
    const unsigned char* p = e.encoding.data();
    Asn1IntegerPtr i(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(e.encoding.size())));
    std::uint64_t v = 0;
    if (!i || ASN1_INTEGER_get_uint64(&v, i.get()) != 1) return std::nullopt;
    return v;
}

bool valid_integer(const Element& e) {
    const unsigned char* p = e.encoding.data();
    Asn1IntegerPtr i(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(e.encoding.size())));
    return i != nullptr;
}

std::optional<bool> decode_boolean(const Element& e) {
    const unsigned char* p = e.encoding.data();
    Asn1TypePtr t(d2i_ASN1_TYPE(nullptr, &p, static_cast<long>(e.encoding.size())));
    if (!t || ASN1_TYPE_get(t.get()) != V_ASN1_BOOLEAN) return std::nullopt;
    return t->value.boolean != 0;
}

Asn1BitStringPtr decode_bit_string(const Element& e) {
    const unsigned char* p = e.encoding.data();
    return Asn1BitStringPtr(d2i_ASN1_BIT_STRING(nullptr, &p, static_cast<long>(e.encoding.size())));
}

// ---------------------------------------------------------------------------------------
// Walking.

// Reports a reader's failure as the matching anomaly on `node`.
void report(NodeRef node, const der::Reader& r, std::string_view what = {}) {
    std::string why = what.empty() ? r.message() : std::string(what) + ": " + r.message();
    if (r.problem() == der::Problem::Truncated)
        node.truncated(std::move(why), r.problem_offset(), r.problem_length());
    else
        node.malformed(std::move(why), r.problem_offset(), r.problem_length());
}

// An element whose content was cut by the capture cannot be decoded: say so.
bool require_complete(NodeRef node, const Element& e, std::string_view what) {
    if (e.complete()) return true;
    node.truncated(std::string(what) + " cut short by the capture", e.offset, e.total_length());
    return false;
}

// The fields of one SEQUENCE (or SET, or explicit tag), read in order, some optional.
// A problem is reported once, on `node`, and stops this sequence; the enclosing one
// goes on with its next field.
class Fields {
public:
    Fields(der::Reader reader, NodeRef node) : reader_(reader), node_(node) {}

    // The next element if it has this tag; nothing (and nothing consumed) otherwise.
    std::optional<Element> optional(TagClass cls, std::uint32_t number) {
        if (!fill() || !pending_->is(cls, number)) return std::nullopt;
        return take();
    }
    // The next element, which must be there and have this tag.
    std::optional<Element> required(TagClass cls, std::uint32_t number, std::string_view what) {
        if (failed_) return std::nullopt;
        if (!pending_ && reader_.empty()) return missing(what);
        if (!fill()) return std::nullopt;
        const Element& e = *pending_;
        const bool want_constructed = cls == TagClass::Universal && (number == tag::kSequence || number == tag::kSet);
        if (!e.is(cls, number) || (cls == TagClass::Universal && e.constructed != want_constructed)) {
            Element expected;
            expected.cls = cls;
            expected.number = number;
            failed_ = true;
            node_.malformed(std::string(what) + ": expected " + der::describe(expected) + ", found " +
                                der::describe(e) + (e.is(cls, number) ? " with the wrong encoding" : ""),
                            e.offset, e.total_length());
            return std::nullopt;
        }
        return take();
    }
    std::optional<Element> required(std::uint32_t universal, std::string_view what) {
        return required(TagClass::Universal, universal, what);
    }
    // The next element, whatever its tag.
    std::optional<Element> any(std::string_view what) {
        if (failed_) return std::nullopt;
        if (!pending_ && reader_.empty()) return missing(what);
        if (!fill()) return std::nullopt;
        return take();
    }
    bool at_end() const { return failed_ || (!pending_ && reader_.empty()); }
    bool failed() const { return failed_; }
    // After the last field: whatever is left is an anomaly.
    void finish(std::string_view after) {
        if (failed_) return;
        if (pending_) {
            node_.malformed("unexpected " + der::describe(*pending_) + " after " + std::string(after),
                            pending_->offset, pending_->total_length());
        } else if (!reader_.empty()) {
            node_.malformed(std::to_string(reader_.remaining()) + " trailing bytes after " + std::string(after),
                            reader_.offset(), reader_.remaining());
        }
        failed_ = true;
    }
    der::Reader enter(const Element& e) const { return reader_.enter(e); }
    der::Reader nested(ByteReader bytes) const { return reader_.nested(bytes); }

private:
    bool fill() {
        if (failed_) return false;
        if (pending_) return true;
        if (reader_.empty()) return false;
        pending_ = reader_.next();
        if (!pending_) {
            failed_ = true;
            report(node_, reader_);
            return false;
        }
        return true;
    }
    Element take() {
        Element e = *pending_;
        pending_.reset();
        return e;
    }
    std::nullopt_t missing(std::string_view what) {
        failed_ = true;
        node_.malformed(std::string(what) + " missing", reader_.offset(), 0);
        return std::nullopt;
    }

    der::Reader reader_;
    NodeRef node_;
    std::optional<Element> pending_;
    bool failed_ = false;
};

// Walks one certificate; holds what all parts of the walk share.
class CertificateWalk {
public:
    explicit CertificateWalk(ByteReader bytes) : bytes_(bytes) {}
    void run(NodeRef parent);
    // The bytes are an OCSPResponse (RFC 6960) instead of a certificate.
    void run_ocsp(NodeRef parent);

private:
    Fields fields(ByteReader bytes, NodeRef node, unsigned depth) {
        return Fields(der::Reader(bytes, budget_, depth), node);
    }

    void tbs_certificate(NodeRef parent, const Element& tbs, Fields& outer);
    std::optional<Oid> algorithm(NodeRef parent, const FieldDef& def, const Element& e, Fields& outer);
    std::string name(NodeRef parent, const FieldDef& choice, const FieldDef& sequence, const Element& e, Fields& outer);
    std::string rdn(NodeRef rdn_node, std::string_view label, const Element& set, Fields& outer);
    std::string attribute_value(NodeRef atv, const Oid* type, const Element& v);
    void validity(NodeRef parent, const Element& e, Fields& outer);
    void time(NodeRef parent, const FieldDef& def, const Element& e);
    void subject_public_key_info(NodeRef parent, const Element& e, Fields& outer);
    void rsa_public_key(NodeRef key, ByteReader bits, Fields& outer);
    void extensions(NodeRef parent, const Element& e, Fields& outer);
    void extension_value(NodeRef ext, const Oid& id, const Element& octets, Fields& outer);
    void general_names(NodeRef parent, const FieldDef& def, const Element& e, Fields& outer);
    void general_name(NodeRef parent, const FieldDef& choice, const Element& g, Fields& outer);
    void key_usage(NodeRef ext, const Element& bits);
    void key_purposes(NodeRef ext, const Element& seq, Fields& outer);
    void basic_constraints(NodeRef ext, const Element& seq, Fields& outer);
    void certificate_policies(NodeRef ext, const Element& seq, Fields& outer);
    void policy_qualifier(NodeRef info, const Element& seq, Fields& outer);
    void display_text(NodeRef parent, const FieldDef& choice, const Element& e);
    void authority_info_access(NodeRef ext, const Element& seq, Fields& outer);
    void crl_distribution_points(NodeRef ext, const Element& seq, Fields& outer);
    void authority_key_identifier(NodeRef ext, const Element& seq, Fields& outer);
    void sct_list(NodeRef ext, const Element& octets);
    std::optional<Oid> oid_node(NodeRef parent, const FieldDef& def, const Element& e);
    std::optional<std::uint8_t> bit_string_padding(NodeRef parent, const Element& e, bool shown = true);
    void ocsp_basic_response(NodeRef parent, const Element& e, Fields& outer);
    void ocsp_single_response(NodeRef parent, const Element& e, Fields& outer);
    void ocsp_time(NodeRef parent, const FieldDef& def, const Element& e);
    std::optional<std::int64_t> ocsp_enumerated(NodeRef parent, const Element& e, std::string_view what);

    ByteReader bytes_;
    der::Budget budget_;
};

std::optional<Oid> CertificateWalk::oid_node(NodeRef parent, const FieldDef& def, const Element& e) {
    if (!require_complete(parent, e, def.label)) return std::nullopt;
    auto oid = decode_oid(e.content_bytes());
    if (!oid) {
        parent.malformed(std::string(def.label) + ": invalid OBJECT IDENTIFIER", e.offset, e.total_length());
        return std::nullopt;
    }
    parent.add(def, oid->dotted, e.offset, e.total_length())
        .set_text(std::string(def.label) + ": " + oid->with_name());
    return oid;
}

// BIT STRING: the first content octet counts the unused bits of the last one (0..7).
std::optional<std::uint8_t> CertificateWalk::bit_string_padding(NodeRef parent, const Element& e, bool shown) {
    ByteReader c = e.content;
    const std::size_t at = c.offset();
    auto pad = c.u8();
    if (!pad) {
        if (c.failure() == ShortRead::Truncated)
            parent.truncated("BIT STRING cut short by the capture", e.offset, e.total_length());
        else
            parent.malformed("BIT STRING without its unused-bits octet", e.offset, e.total_length());
        return std::nullopt;
    }
    if (shown) parent.add(kPadding, std::uint64_t(*pad), at, 1);
    if (*pad > 7 || (*pad != 0 && e.length == 1)) {
        parent.malformed("BIT STRING with " + std::to_string(*pad) + " unused bits", at, 1);
        return std::nullopt;
    }
    return pad;
}

// Certificate ::= SEQUENCE {
//     tbsCertificate       TBSCertificate,
//     signatureAlgorithm   AlgorithmIdentifier,
//     signatureValue       BIT STRING }                        RFC 5280 section 4.1
void CertificateWalk::run(NodeRef parent) {
    Fields top = fields(bytes_, parent, 0);
    auto cert = top.required(tag::kSequence, "Certificate");
    if (!cert) return;
    Fields f(top.enter(*cert), parent);
    if (auto tbs = f.required(tag::kSequence, "tbsCertificate")) tbs_certificate(parent, *tbs, f);
    if (auto alg = f.required(tag::kSequence, "signatureAlgorithm"))
        algorithm(parent, kAlgorithmIdentifier, *alg, f);
    if (auto sig = f.required(tag::kBitString, "signatureValue")) {
        if (bit_string_padding(parent, *sig)) {
            ByteReader c = sig->content;
            c.skip(1);
            const std::size_t at = c.offset(), len = c.reported_remaining();
            const Bytes captured = c.rest();
            parent.add(kEncrypted, ByteString{{captured.begin(), captured.end()}}, at, len);
            if (!sig->complete()) parent.truncated("signatureValue cut short by the capture", at, len);
        }
    }
    f.finish("signatureValue");
    top.finish("the certificate");
}

// TBSCertificate ::= SEQUENCE {
//     version         [0]  EXPLICIT Version DEFAULT v1,
//     serialNumber         CertificateSerialNumber,          -- INTEGER
//     signature            AlgorithmIdentifier,
//     issuer               Name,
//     validity             Validity,
//     subject              Name,
//     subjectPublicKeyInfo SubjectPublicKeyInfo,
//     issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL,
//     subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL,
//     extensions      [3]  EXPLICIT Extensions OPTIONAL }     RFC 5280 section 4.1
void CertificateWalk::tbs_certificate(NodeRef parent, const Element& tbs, Fields& outer) {
    NodeRef node = parent.add_text(kSignedCertificate, "signedCertificate", tbs.offset, tbs.total_length());
    Fields f(outer.enter(tbs), node);
    if (auto v = f.optional(TagClass::Context, 0)) {
        Fields vf(f.enter(*v), node);
        if (auto i = vf.required(tag::kInteger, "version"); i && require_complete(node, *i, "version")) {
            if (auto n = decode_unsigned(*i))
                node.add(kVersion, *n, v->offset, v->total_length());
            else
                node.malformed("version: invalid INTEGER", i->offset, i->total_length());
        }
        vf.finish("version");
    }
    if (auto serial = f.required(tag::kInteger, "serialNumber")) {
        const Bytes b = serial->content_bytes();
        node.add(kSerialNumber, ByteString{{b.begin(), b.end()}}, serial->offset, serial->total_length())
            .set_text("serialNumber: 0x" + hex_label(b));
        if (require_complete(node, *serial, "serialNumber") && !valid_integer(*serial))
            node.malformed("serialNumber: invalid INTEGER", serial->offset, serial->total_length());
    }
    if (auto sig = f.required(tag::kSequence, "signature")) algorithm(node, kSignature, *sig, f);
    if (auto issuer = f.required(tag::kSequence, "issuer")) name(node, kIssuer, kIssuerRdnSequence, *issuer, f);
    if (auto v = f.required(tag::kSequence, "validity")) validity(node, *v, f);
    if (auto subject = f.required(tag::kSequence, "subject")) name(node, kSubject, kSubjectRdnSequence, *subject, f);
    if (auto spki = f.required(tag::kSequence, "subjectPublicKeyInfo")) subject_public_key_info(node, *spki, f);
    for (auto [number, def] : {std::pair{1u, &kIssuerUniqueId}, std::pair{2u, &kSubjectUniqueId}}) {
        if (auto uid = f.optional(TagClass::Context, number)) {
            const Bytes b = uid->content_bytes();
            node.add(*def, ByteString{{b.begin(), b.end()}}, uid->offset, uid->total_length());
        }
    }
    if (auto ext = f.optional(TagClass::Context, 3)) extensions(node, *ext, f);
    f.finish("extensions");
}

// AlgorithmIdentifier ::= SEQUENCE {
//     algorithm   OBJECT IDENTIFIER,
//     parameters  ANY DEFINED BY algorithm OPTIONAL }          RFC 5280 section 4.1.1.2
// ECParameters ::= CHOICE { ecParameters SpecifiedECDomain, namedCurve OBJECT IDENTIFIER,
//                           implicitCurve NULL }              RFC 5480 section 2.1.1
std::optional<Oid> CertificateWalk::algorithm(NodeRef parent, const FieldDef& def, const Element& e, Fields& outer) {
    NodeRef node = parent.add_text(def, std::string(def.label), e.offset, e.total_length());
    Fields f(outer.enter(e), node);
    std::optional<Oid> oid;
    if (auto id = f.required(tag::kOid, "algorithm")) oid = oid_node(node, kAlgorithmId, *id);
    if (oid) node.set_text(std::string(def.label) + " (" + oid->label() + ")");
    if (f.at_end()) return oid;
    auto params = f.any("parameters");
    if (!params || params->is_universal(tag::kNull)) {
        f.finish("parameters");
        return oid;
    }
    if (oid && oid->nid == NID_X9_62_id_ecPublicKey) {
        std::uint64_t choice = params->is_universal(tag::kOid) ? 1 : params->is_universal(tag::kSequence) ? 0 : 2;
        NodeRef ec = node.add(kEcParameters, choice, params->offset, params->total_length());
        if (choice == 1) oid_node(ec, kNamedCurve, *params);
    } else {
        node.add_text(kAlgorithmParameters, "parameters (" + std::to_string(params->total_length()) + " bytes)",
                      params->offset, params->total_length());
    }
    f.finish("parameters");
    return oid;
}

// Name ::= CHOICE { rdnSequence RDNSequence }
// RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
// RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
//                                                             RFC 5280 section 4.1.2.4
// Returns the name as Wireshark labels it, most specific RDN first.
std::string CertificateWalk::name(NodeRef parent, const FieldDef& choice, const FieldDef& sequence, const Element& e,
                                  Fields& outer) {
    NodeRef chosen = parent.add(choice, std::uint64_t(0), e.offset, e.total_length());
    NodeRef seq = chosen.add(sequence, std::uint64_t(0), e.offset, e.total_length());
    Fields f(outer.enter(e), seq);
    std::vector<std::string> rdns;
    while (!f.at_end()) {
        auto set = f.required(tag::kSet, "RelativeDistinguishedName");
        if (!set) break;
        NodeRef item = seq.add(kRdnItem, std::uint64_t(0), set->offset, set->total_length());
        rdns.push_back(rdn(item, kRdnItem.label, *set, f));
    }
    std::reverse(rdns.begin(), rdns.end());
    const std::string text = join(rdns, ",");
    if (Node* n = seq.get()) n->value = std::uint64_t(rdns.size());
    seq.set_text(std::string(sequence.label) + ": " + items(rdns.size()) + " (" + text + ")");
    return text;
}

// AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue }
std::string CertificateWalk::rdn(NodeRef item, std::string_view label, const Element& set, Fields& outer) {
    Fields f(outer.enter(set), item);
    std::vector<std::string> parts;
    while (!f.at_end()) {
        auto atv = f.required(tag::kSequence, "AttributeTypeAndValue");
        if (!atv) break;
        NodeRef node = item.add_text(kAttributeTypeAndValue, std::string(kAttributeTypeAndValue.label), atv->offset,
                                     atv->total_length());
        Fields tv(f.enter(*atv), node);
        std::optional<Oid> type;
        if (auto t = tv.required(tag::kOid, "type")) type = oid_node(node, kAttributeType, *t);
        std::string value;
        if (auto v = tv.any("value")) value = attribute_value(node, type ? &*type : nullptr, *v);
        tv.finish("value");
        std::string part = (type ? type->label() : std::string("?")) + "=" + value;
        node.set_text(std::string(kAttributeTypeAndValue.label) + " (" + part + ")");
        parts.push_back(std::move(part));
    }
    const std::string text = join(parts, "+");
    if (Node* n = item.get()) n->value = std::uint64_t(parts.size());
    item.set_text(std::string(label) + ": " + items(parts.size()) + " (" + text + ")");
    return text;
}

// The attribute's syntax decides the field, as in X.520: countryName is a PrintableString
// (CountryName), serialNumber and dnQualifier PrintableString, most others DirectoryString.
std::string CertificateWalk::attribute_value(NodeRef atv, const Oid* type, const Element& v) {
    if (!require_complete(atv, v, "attribute value")) return {};
    const Bytes content = v.content_bytes();
    const int nid = type ? type->nid : NID_undef;
    auto add_string = [&](NodeRef node, const FieldDef& def) {
        DecodedString s = decode_string(static_cast<int>(v.number), content);
        node.add(def, s.text, v.offset, v.total_length());
        if (!s.valid)
            atv.malformed(std::string(def.label) + ": invalid " + der::describe(v), v.offset, v.total_length());
        return s.text;
    };
    if (v.cls == TagClass::Universal && !v.constructed) {
        if (v.number == tag::kPrintableString && (nid == NID_countryName || nid == NID_jurisdictionCountryName))
            return add_string(atv, kCountryName);
        if (v.number == tag::kPrintableString && (nid == NID_serialNumber || nid == NID_dnQualifier))
            return add_string(atv, kPrintableStringAttribute);
        struct Choice {
            std::uint32_t tag;
            std::uint64_t index;
            const FieldDef* def;
        };
        static constexpr Choice kChoices[] = {
            {tag::kTeletexString, 0, &kTeletexString}, {tag::kPrintableString, 1, &kPrintableString},
            {tag::kUniversalString, 2, &kUniversalString}, {tag::kBmpString, 3, &kBmpString},
            {tag::kUtf8String, 4, &kUtf8String}};
        for (const auto& c : kChoices) {
            if (v.number != c.tag) continue;
            NodeRef ds = atv.add(kDirectoryString, c.index, v.offset, v.total_length());
            return add_string(ds, *c.def);
        }
        if (v.number == tag::kIa5String) return add_string(atv, kIa5StringAttribute);
    }
    atv.add(kAnyString, ByteString{{content.begin(), content.end()}}, v.offset, v.total_length());
    return "#" + hex_string(v.encoding);  // RFC 4514 section 2.4: unknown syntax as hex
}

// Validity ::= SEQUENCE { notBefore Time, notAfter Time }
// Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }  RFC 5280 section 4.1.2.5
void CertificateWalk::validity(NodeRef parent, const Element& e, Fields& outer) {
    NodeRef node = parent.add_text(kValidity, "validity", e.offset, e.total_length());
    Fields f(outer.enter(e), node);
    if (auto t = f.any("notBefore")) time(node, kNotBefore, *t);
    if (auto t = f.any("notAfter")) time(node, kNotAfter, *t);
    f.finish("notAfter");
}

void CertificateWalk::time(NodeRef parent, const FieldDef& def, const Element& e) {
    const bool utc = e.is_universal(tag::kUtcTime);
    if (!utc && !e.is_universal(tag::kGeneralizedTime)) {
        parent.malformed(std::string(def.label) + ": expected UTCTime or GeneralizedTime, found " + der::describe(e),
                         e.offset, e.total_length());
        return;
    }
    NodeRef choice = parent.add(def, std::uint64_t(utc ? 0 : 1), e.offset, e.total_length());
    if (!require_complete(choice, e, def.label)) return;
    auto tm = decode_time(e);
    if (!tm) {
        choice.malformed(std::string(def.label) + ": invalid " + der::describe(e) + " \"" +
                             escaped_bytes(e.content_bytes()) + "\"",
                         e.offset, e.total_length());
        return;
    }
    char buf[64];
    if (utc) {
        std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S (UTC)", &*tm);
        choice.add(kUtcTime, std::string(buf), e.offset, e.total_length());
        return;
    }
    // Wireshark shows GeneralizedTime as an absolute time. Nanoseconds since 1970 in 64
    // bits end in 2262; later dates (RFC 5280's 99991231235959Z) keep the same text.
    const std::int64_t seconds = epoch_seconds(*tm);
    constexpr std::int64_t kMaxSeconds = INT64_MAX / 1'000'000'000 - 1;
    if (seconds > -kMaxSeconds && seconds < kMaxSeconds) {
        choice.add(kGeneralizedTime, seconds * 1'000'000'000, e.offset, e.total_length());
    } else {
        std::strftime(buf, sizeof buf, "%b %e, %Y %H:%M:%S.000000000 UTC", &*tm);
        choice.add(kGeneralizedTime, std::string(buf), e.offset, e.total_length());
    }
}

// SubjectPublicKeyInfo ::= SEQUENCE {
//     algorithm         AlgorithmIdentifier,
//     subjectPublicKey  BIT STRING }                          RFC 5280 section 4.1.2.7
void CertificateWalk::subject_public_key_info(NodeRef parent, const Element& e, Fields& outer) {
    NodeRef node = parent.add_text(kSubjectPublicKeyInfo, "subjectPublicKeyInfo", e.offset, e.total_length());
    Fields f(outer.enter(e), node);
    std::optional<Oid> alg;
    if (auto a = f.required(tag::kSequence, "algorithm")) alg = algorithm(node, kSpkiAlgorithm, *a, f);
    // Wireshark shows the unused-bits octet of every key but an RSA one; so do we.
    const bool rsa = alg && alg->nid == NID_rsaEncryption;
    if (auto key = f.required(tag::kBitString, "subjectPublicKey"); key && bit_string_padding(node, *key, !rsa)) {
        ByteReader bits = key->content;
        bits.skip(1);
        const Bytes captured = bits.rest();
        NodeRef k = node.add(kSubjectPublicKey, ByteString{{captured.begin(), captured.end()}}, bits.offset(),
                             bits.reported_remaining());
        if (!key->complete()) {
            node.truncated("subjectPublicKey cut short by the capture", bits.offset(), bits.reported_remaining());
        } else if (rsa) {
            rsa_public_key(k, bits, f);
        } else if (alg && alg->nid == NID_X9_62_id_ecPublicKey && !captured.empty()) {
            // SEC 1 section 2.3.3: the first octet says how the point is written.
            const char* form = captured[0] == 4 ? "uncompressed" : captured[0] == 2 || captured[0] == 3 ? "compressed"
                                                                                                      : "unknown form";
            k.set_text("subjectPublicKey: " + hex_label(captured) + " (EC point, " + form + ", " +
                       std::to_string(captured.size()) + " bytes)");
        }
    }
    f.finish("subjectPublicKey");
}

// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }  RFC 8017 A.1.1
void CertificateWalk::rsa_public_key(NodeRef key, ByteReader bits, Fields& outer) {
    Fields top(outer.nested(bits), key);
    auto seq = top.required(tag::kSequence, "RSAPublicKey");
    if (!seq) return;
    Fields f(top.enter(*seq), key);
    if (auto m = f.required(tag::kInteger, "modulus")) {
        const Bytes b = m->content_bytes();
        key.add(kModulus, ByteString{{b.begin(), b.end()}}, m->offset, m->total_length())
            .set_text("modulus: 0x" + hex_label(b));
        if (!valid_integer(*m)) key.malformed("modulus: invalid INTEGER", m->offset, m->total_length());
    }
    if (auto x = f.required(tag::kInteger, "publicExponent")) {
        if (auto v = decode_unsigned(*x))
            key.add(kPublicExponent, *v, x->offset, x->total_length());
        else
            key.malformed("publicExponent: invalid or above 2^64", x->offset, x->total_length());
    }
    f.finish("publicExponent");
    top.finish("RSAPublicKey");
}

// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
// Extension ::= SEQUENCE {
//     extnID      OBJECT IDENTIFIER,
//     critical    BOOLEAN DEFAULT FALSE,
//     extnValue   OCTET STRING }                              RFC 5280 section 4.1
void CertificateWalk::extensions(NodeRef parent, const Element& e, Fields& outer) {
    NodeRef list = parent.add(kExtensions, std::uint64_t(0), e.offset, e.total_length());
    Fields wrapper(outer.enter(e), list);
    auto seq = wrapper.required(tag::kSequence, "Extensions");
    std::size_t count = 0;
    if (seq) {
        Fields f(wrapper.enter(*seq), list);
        while (!f.at_end()) {
            auto ext = f.required(tag::kSequence, "Extension");
            if (!ext) break;
            ++count;
            NodeRef node = list.add_text(kExtension, "Extension", ext->offset, ext->total_length());
            Fields ef(f.enter(*ext), node);
            std::optional<Oid> id;
            if (auto i = ef.required(tag::kOid, "extnID")) id = oid_node(node, kExtensionId, *i);
            if (id) node.set_text("Extension (" + id->label() + ")");
            if (auto c = ef.optional(TagClass::Universal, tag::kBoolean); c && require_complete(node, *c, "critical")) {
                if (auto b = decode_boolean(*c))
                    node.add(kCritical, *b, c->offset, c->total_length());
                else
                    node.malformed("critical: invalid BOOLEAN", c->offset, c->total_length());
            }
            auto value = ef.required(tag::kOctetString, "extnValue");
            ef.finish("extnValue");
            if (value && id) extension_value(node, *id, *value, ef);
        }
    }
    wrapper.finish("Extensions");
    if (Node* n = list.get()) n->value = std::uint64_t(count);
    list.set_text("extensions: " + items(count));
}

// The extnValue of the extensions this dissector knows, decoded; others as bytes.
void CertificateWalk::extension_value(NodeRef ext, const Oid& id, const Element& octets, Fields& outer) {
    auto as_bytes = [&] {
        const Bytes b = octets.content_bytes();
        ext.add(kExtnValue, ByteString{{b.begin(), b.end()}}, octets.content.offset(), octets.length);
        require_complete(ext, octets, "extnValue");
    };
    // Each known value is one DER element inside the OCTET STRING.
    Fields value(outer.enter(octets), ext);
    switch (id.nid) {
        case NID_subject_alt_name:
        case NID_issuer_alt_name:
            if (auto seq = value.required(tag::kSequence, "GeneralNames")) general_names(ext, kGeneralNames, *seq, value);
            break;
        case NID_key_usage:
            if (auto bits = value.required(tag::kBitString, "KeyUsage")) key_usage(ext, *bits);
            break;
        case NID_ext_key_usage:
            if (auto seq = value.required(tag::kSequence, "KeyPurposeIDs")) key_purposes(ext, *seq, value);
            break;
        case NID_basic_constraints:
            if (auto seq = value.required(tag::kSequence, "BasicConstraintsSyntax")) basic_constraints(ext, *seq, value);
            break;
        case NID_certificate_policies:
            if (auto seq = value.required(tag::kSequence, "CertificatePoliciesSyntax"))
                certificate_policies(ext, *seq, value);
            break;
        case NID_info_access:
            if (auto seq = value.required(tag::kSequence, "AuthorityInfoAccessSyntax"))
                authority_info_access(ext, *seq, value);
            break;
        case NID_crl_distribution_points:
            if (auto seq = value.required(tag::kSequence, "CRLDistPointsSyntax"))
                crl_distribution_points(ext, *seq, value);
            break;
        case NID_subject_key_identifier:
            if (auto ski = value.required(tag::kOctetString, "SubjectKeyIdentifier")) {
                const Bytes b = ski->content_bytes();
                ext.add(kSubjectKeyIdentifier, ByteString{{b.begin(), b.end()}}, ski->offset, ski->total_length());
                require_complete(ext, *ski, "SubjectKeyIdentifier");
            }
            break;
        case NID_authority_key_identifier:
            if (auto seq = value.required(tag::kSequence, "AuthorityKeyIdentifier"))
                authority_key_identifier(ext, *seq, value);
            break;
        case NID_ct_precert_scts:
            if (auto inner = value.required(tag::kOctetString, "SignedCertificateTimestampList")) sct_list(ext, *inner);
            break;
        default:
            as_bytes();
            return;
    }
    value.finish(id.label());
}

// GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName      RFC 5280 section 4.2.1.6
void CertificateWalk::general_names(NodeRef parent, const FieldDef& def, const Element& e, Fields& outer) {
    NodeRef node = parent.add(def, std::uint64_t(0), e.offset, e.total_length());
    Fields f(outer.enter(e), node);
    std::size_t count = 0;
    while (!f.at_end()) {
        auto g = f.any("GeneralName");
        if (!g) break;
        ++count;
        general_name(node, kGeneralName, *g, f);
    }
    if (Node* n = node.get()) n->value = std::uint64_t(count);
    node.set_text(std::string(def.label) + ": " + items(count));
}

// GeneralName ::= CHOICE {
//     otherName                 [0] OtherName,       -- SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
//     rfc822Name                [1] IA5String,
//     dNSName                   [2] IA5String,
//     x400Address               [3] ORAddress,
//     directoryName             [4] Name,
//     ediPartyName              [5] EDIPartyName,
//     uniformResourceIdentifier [6] IA5String,
//     iPAddress                 [7] OCTET STRING,
//     registeredID              [8] OBJECT IDENTIFIER }       RFC 5280 section 4.2.1.6
void CertificateWalk::general_name(NodeRef parent, const FieldDef& choice, const Element& g, Fields& outer) {
    if (g.cls != TagClass::Context || g.number > 8) {
        parent.malformed(std::string(choice.label) + ": unexpected " + der::describe(g), g.offset, g.total_length());
        return;
    }
    NodeRef node = parent.add(choice, std::uint64_t(g.number), g.offset, g.total_length());
    const Bytes content = g.content_bytes();
    auto ia5 = [&](const FieldDef& def) {
        if (!require_complete(node, g, def.label)) return;
        DecodedString s = decode_string(V_ASN1_IA5STRING, content);
        node.add(def, s.text, g.offset, g.total_length());
        if (!s.valid) node.malformed(std::string(def.label) + ": invalid IA5String", g.offset, g.total_length());
    };
    auto bytes = [&](const FieldDef& def) {
        node.add(def, ByteString{{content.begin(), content.end()}}, g.offset, g.total_length());
        require_complete(node, g, def.label);
    };
    switch (g.number) {
        case 0: {
            NodeRef other = node.add_text(kOtherName, "otherName", g.offset, g.total_length());
            Fields f(outer.enter(g), other);
            if (auto t = f.required(tag::kOid, "type-id")) oid_node(other, kOtherNameType, *t);
            if (auto v = f.required(TagClass::Context, 0, "value")) {
                const Bytes b = v->content_bytes();
                other.add(kOtherNameValue, ByteString{{b.begin(), b.end()}}, v->offset, v->total_length());
            }
            f.finish("otherName value");
            break;
        }
        case 1: ia5(kRfc822Name); break;
        case 2: ia5(kDnsName); break;
        case 3: bytes(kX400Address); break;
        case 4: {
            Fields f(outer.enter(g), node);
            if (auto n = f.required(tag::kSequence, "directoryName"))
                name(node, kDirectoryName, kIssuerRdnSequence, *n, f);
            f.finish("directoryName");
            break;
        }
        case 5: bytes(kEdiPartyName); break;
        case 6: ia5(kUri); break;
        case 7:
            if (!require_complete(node, g, "iPAddress")) break;
            if (content.size() == 4) {
                Ipv4Address a;
                std::copy(content.begin(), content.end(), a.b.begin());
                node.add(kIpAddressV4, a, g.offset, g.total_length());
            } else if (content.size() == 16) {
                Ipv6Address a;
                std::copy(content.begin(), content.end(), a.b.begin());
                node.add(kIpAddressV6, a, g.offset, g.total_length());
            } else {
                bytes(kIpAddressBytes);
            }
            break;
        case 8: oid_node(node, kRegisteredId, g); break;
        default: break;
    }
}

// KeyUsage ::= BIT STRING { digitalSignature (0), contentCommitment (1), keyEncipherment (2),
//     dataEncipherment (3), keyAgreement (4), keyCertSign (5), cRLSign (6), encipherOnly (7),
//     decipherOnly (8) }                                      RFC 5280 section 4.2.1.3
void CertificateWalk::key_usage(NodeRef ext, const Element& bits) {
    if (!require_complete(ext, bits, "KeyUsage") || !bit_string_padding(ext, bits)) return;
    auto decoded = decode_bit_string(bits);
    if (!decoded) {
        ext.malformed("KeyUsage: invalid BIT STRING", bits.offset, bits.total_length());
        return;
    }
    const Bytes value = bits.content_bytes().subspan(1);
    const std::size_t at = bits.content.offset() + 1;
    NodeRef ku = ext.add(kKeyUsage, ByteString{{value.begin(), value.end()}}, at, value.size());
    for (std::size_t i = 0; i < std::size(kKeyUsageBits); ++i) {
        const FieldDef& def = kKeyUsageBits[i];
        const std::size_t octet = i / 8;
        const bool present = octet < value.size();
        const bool set = ASN1_BIT_STRING_get_bit(decoded.get(), static_cast<int>(i)) == 1;
        ku.add(def, set, at + (present ? octet : value.size()), present ? 1 : 0)
            .set_text(bit_pattern(present ? value[octet] : 0, def.mask, 8) + " = " + std::string(def.label) +
                      (set ? ": True" : ": False"));
    }
}

// ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId  RFC 5280 section 4.2.1.12
void CertificateWalk::key_purposes(NodeRef ext, const Element& seq, Fields& outer) {
    NodeRef node = ext.add(kKeyPurposeIds, std::uint64_t(0), seq.offset, seq.total_length());
    Fields f(outer.enter(seq), node);
    std::size_t count = 0;
    while (!f.at_end()) {
        auto id = f.required(tag::kOid, "KeyPurposeId");
        if (!id) break;
        ++count;
        oid_node(node, kKeyPurposeId, *id);
    }
    if (Node* n = node.get()) n->value = std::uint64_t(count);
    node.set_text("KeyPurposeIDs: " + items(count));
}

// BasicConstraints ::= SEQUENCE {
//     cA                  BOOLEAN DEFAULT FALSE,
//     pathLenConstraint   INTEGER (0..MAX) OPTIONAL }         RFC 5280 section 4.2.1.9
void CertificateWalk::basic_constraints(NodeRef ext, const Element& seq, Fields& outer) {
    NodeRef node = ext.add_text(kBasicConstraints, "BasicConstraintsSyntax", seq.offset, seq.total_length());
    Fields f(outer.enter(seq), node);
    if (auto ca = f.optional(TagClass::Universal, tag::kBoolean); ca && require_complete(node, *ca, "cA")) {
        if (auto b = decode_boolean(*ca))
            node.add(kCa, *b, ca->offset, ca->total_length());
        else
            node.malformed("cA: invalid BOOLEAN", ca->offset, ca->total_length());
    }
    if (auto len = f.optional(TagClass::Universal, tag::kInteger); len && require_complete(node, *len, "pathLenConstraint")) {
        if (auto v = decode_unsigned(*len))
            node.add(kPathLenConstraint, *v, len->offset, len->total_length());
        else
            node.malformed("pathLenConstraint: invalid or negative INTEGER", len->offset, len->total_length());
    }
    f.finish("pathLenConstraint");
}

// certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation
// PolicyInformation ::= SEQUENCE {
//     policyIdentifier   CertPolicyId,
//     policyQualifiers   SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
//                                                             RFC 5280 section 4.2.1.4
void CertificateWalk::certificate_policies(NodeRef ext, const Element& seq, Fields& outer) {
    NodeRef node = ext.add(kCertificatePolicies, std::uint64_t(0), seq.offset, seq.total_length());
    Fields f(outer.enter(seq), node);
    std::size_t count = 0;
    std::vector<std::string> policy_oids;
    while (!f.at_end()) {
        auto pi = f.required(tag::kSequence, "PolicyInformation");
        if (!pi) break;
        ++count;
        NodeRef info = node.add_text(kPolicyInformation, "PolicyInformation", pi->offset, pi->total_length());
        Fields pf(f.enter(*pi), info);
        if (auto id = pf.required(tag::kOid, "policyIdentifier"))
            if (auto oid = oid_node(info, kPolicyIdentifier, *id)) policy_oids.push_back(oid->dotted);
        if (auto qs = pf.optional(TagClass::Universal, tag::kSequence)) {
            NodeRef qualifiers = info.add(kPolicyQualifiers, std::uint64_t(0), qs->offset, qs->total_length());
            Fields qf(pf.enter(*qs), qualifiers);
            std::size_t n = 0;
            while (!qf.at_end()) {
                auto q = qf.required(tag::kSequence, "PolicyQualifierInfo");
                if (!q) break;
                ++n;
                policy_qualifier(qualifiers, *q, qf);
            }
            if (Node* v = qualifiers.get()) v->value = std::uint64_t(n);
            qualifiers.set_text("policyQualifiers: " + items(n));
        }
        pf.finish("policyQualifiers");
    }
    if (Node* n = node.get()) n->value = std::uint64_t(count);
    node.set_text("CertificatePoliciesSyntax: " + items(count));
    if (const std::string level = cabf_validation_level(policy_oids); !level.empty())
        node.add_generated(kValidationLevel, level).set_text("[Validation level: " + level + "]");
}

// PolicyQualifierInfo ::= SEQUENCE { policyQualifierId OID, qualifier ANY }
// Qualifier ::= CHOICE { cPSuri IA5String, userNotice UserNotice }
// UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText OPTIONAL }
// NoticeReference ::= SEQUENCE { organization DisplayText, noticeNumbers SEQUENCE OF INTEGER }
void CertificateWalk::policy_qualifier(NodeRef parent, const Element& seq, Fields& outer) {
    NodeRef node = parent.add_text(kPolicyQualifierInfo, "PolicyQualifierInfo", seq.offset, seq.total_length());
    Fields f(outer.enter(seq), node);
    std::optional<Oid> id;
    if (auto i = f.required(tag::kOid, "policyQualifierId")) id = oid_node(node, kPolicyQualifierId, *i);
    auto q = f.any("qualifier");
    f.finish("qualifier");
    if (!q || !id) return;
    if (id->nid == NID_id_qt_cps && q->is_universal(tag::kIa5String)) {
        if (!require_complete(node, *q, "cPSuri")) return;
        DecodedString s = decode_string(V_ASN1_IA5STRING, q->content_bytes());
        node.add(kCpsUri, s.text, q->offset, q->total_length());
        if (!s.valid) node.malformed("cPSuri: invalid IA5String", q->offset, q->total_length());
        return;
    }
    if (id->nid == NID_id_qt_unotice && q->is_universal(tag::kSequence)) {
        NodeRef notice = node.add_text(kUserNotice, "UserNotice", q->offset, q->total_length());
        Fields nf(f.enter(*q), notice);
        if (auto ref = nf.optional(TagClass::Universal, tag::kSequence)) {
            NodeRef r = notice.add_text(kNoticeRef, "noticeRef", ref->offset, ref->total_length());
            Fields rf(nf.enter(*ref), r);
            if (auto org = rf.any("organization")) display_text(r, kOrganization, *org);
            if (auto nums = rf.required(tag::kSequence, "noticeNumbers")) {
                NodeRef list = r.add(kNoticeNumbers, std::uint64_t(0), nums->offset, nums->total_length());
                Fields lf(rf.enter(*nums), list);
                std::size_t n = 0;
                while (!lf.at_end()) {
                    auto num = lf.required(tag::kInteger, "noticeNumbers item");
                    if (!num || !require_complete(list, *num, "noticeNumbers item")) break;
                    ++n;
                    if (auto v = decode_unsigned(*num))
                        list.add(kNoticeNumber, *v, num->offset, num->total_length());
                    else
                        list.malformed("noticeNumbers item: invalid INTEGER", num->offset, num->total_length());
                }
                if (Node* v = list.get()) v->value = std::uint64_t(n);
                list.set_text("noticeNumbers: " + items(n));
            }
            rf.finish("noticeNumbers");
        }
        if (auto text = nf.any("explicitText"); text) display_text(notice, kExplicitText, *text);
        nf.finish("explicitText");
        return;
    }
    node.add_text(kPolicyQualifier, "qualifier (" + std::to_string(q->total_length()) + " bytes)", q->offset,
                  q->total_length());
}

// DisplayText ::= CHOICE { ia5String IA5String, visibleString VisibleString,
//                          bmpString BMPString, utf8String UTF8String }
void CertificateWalk::display_text(NodeRef parent, const FieldDef& choice, const Element& e) {
    constexpr std::uint32_t kTags[] = {tag::kIa5String, tag::kVisibleString, tag::kBmpString, tag::kUtf8String};
    for (std::size_t i = 0; i < std::size(kTags); ++i) {
        if (!e.is_universal(kTags[i])) continue;
        NodeRef node = parent.add(choice, std::uint64_t(i), e.offset, e.total_length());
        if (!require_complete(node, e, choice.label)) return;
        DecodedString s = decode_string(static_cast<int>(e.number), e.content_bytes());
        node.add(kDisplayTextStrings[i], s.text, e.offset, e.total_length());
        if (!s.valid) node.malformed(std::string(choice.label) + ": invalid " + der::describe(e), e.offset, e.total_length());
        return;
    }
    parent.malformed(std::string(choice.label) + ": unexpected " + der::describe(e), e.offset, e.total_length());
}

// AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription
// AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName }
//                                                             RFC 5280 section 4.2.2.1
void CertificateWalk::authority_info_access(NodeRef ext, const Element& seq, Fields& outer) {
    NodeRef node = ext.add(kAuthorityInfoAccess, std::uint64_t(0), seq.offset, seq.total_length());
    Fields f(outer.enter(seq), node);
    std::size_t count = 0;
    while (!f.at_end()) {
        auto ad = f.required(tag::kSequence, "AccessDescription");
        if (!ad) break;
        ++count;
        NodeRef d = node.add_text(kAccessDescription, "AccessDescription", ad->offset, ad->total_length());
        Fields df(f.enter(*ad), d);
        if (auto m = df.required(tag::kOid, "accessMethod")) oid_node(d, kAccessMethod, *m);
        if (auto loc = df.any("accessLocation")) general_name(d, kAccessLocation, *loc, df);
        df.finish("accessLocation");
    }
    if (Node* n = node.get()) n->value = std::uint64_t(count);
    node.set_text("AuthorityInfoAccessSyntax: " + items(count));
}

// CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint
// DistributionPoint ::= SEQUENCE {
//     distributionPoint   [0] DistributionPointName OPTIONAL,
//     reasons             [1] ReasonFlags OPTIONAL,
//     cRLIssuer           [2] GeneralNames OPTIONAL }
// DistributionPointName ::= CHOICE {
//     fullName                [0] GeneralNames,
//     nameRelativeToCRLIssuer [1] RelativeDistinguishedName }  RFC 5280 section 4.2.1.13
void CertificateWalk::crl_distribution_points(NodeRef ext, const Element& seq, Fields& outer) {
    NodeRef node = ext.add(kCrlDistPoints, std::uint64_t(0), seq.offset, seq.total_length());
    Fields f(outer.enter(seq), node);
    std::size_t count = 0;
    while (!f.at_end()) {
        auto dp = f.required(tag::kSequence, "DistributionPoint");
        if (!dp) break;
        ++count;
        NodeRef p = node.add_text(kDistributionPoint, "DistributionPoint", dp->offset, dp->total_length());
        Fields pf(f.enter(*dp), p);
        if (auto dpn = pf.optional(TagClass::Context, 0)) {
            Fields cf(pf.enter(*dpn), p);
            if (auto c = cf.any("DistributionPointName")) {
                if (c->is_context(0)) {
                    NodeRef chosen = p.add(kDistributionPointName, std::uint64_t(0), dpn->offset, dpn->total_length());
                    general_names(chosen, kFullName, *c, cf);
                } else if (c->is_context(1)) {
                    NodeRef chosen = p.add(kDistributionPointName, std::uint64_t(1), dpn->offset, dpn->total_length());
                    NodeRef r = chosen.add(kNameRelativeToCrlIssuer, std::uint64_t(0), c->offset, c->total_length());
                    rdn(r, kNameRelativeToCrlIssuer.label, *c, cf);
                } else {
                    p.malformed("DistributionPointName: unexpected " + der::describe(*c), c->offset, c->total_length());
                }
            }
            cf.finish("DistributionPointName");
        }
        if (auto reasons = pf.optional(TagClass::Context, 1)) {
            const Bytes b = reasons->content_bytes();
            p.add(kReasons, ByteString{{b.begin(), b.end()}}, reasons->offset, reasons->total_length());
        }
        if (auto issuer = pf.optional(TagClass::Context, 2)) general_names(p, kCrlIssuer, *issuer, pf);
        pf.finish("cRLIssuer");
    }
    if (Node* n = node.get()) n->value = std::uint64_t(count);
    node.set_text("CRLDistPointsSyntax: " + items(count));
}

// AuthorityKeyIdentifier ::= SEQUENCE {
//     keyIdentifier             [0] KeyIdentifier OPTIONAL,   -- OCTET STRING
//     authorityCertIssuer       [1] GeneralNames OPTIONAL,
//     authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
//                                                             RFC 5280 section 4.2.1.1
void CertificateWalk::authority_key_identifier(NodeRef ext, const Element& seq, Fields& outer) {
    NodeRef node = ext.add_text(kAuthorityKeyIdentifier, "AuthorityKeyIdentifier", seq.offset, seq.total_length());
    Fields f(outer.enter(seq), node);
    if (auto id = f.optional(TagClass::Context, 0)) {
        const Bytes b = id->content_bytes();
        node.add(kKeyIdentifier, ByteString{{b.begin(), b.end()}}, id->offset, id->total_length());
        require_complete(node, *id, "keyIdentifier");
    }
    if (auto issuer = f.optional(TagClass::Context, 1)) general_names(node, kAuthorityCertIssuer, *issuer, f);
    if (auto serial = f.optional(TagClass::Context, 2)) {
        const Bytes b = serial->content_bytes();
        node.add(kAuthorityCertSerialNumber, ByteString{{b.begin(), b.end()}}, serial->offset, serial->total_length())
            .set_text("authorityCertSerialNumber: 0x" + hex_label(b));
    }
    f.finish("authorityCertSerialNumber");
}

// SignedCertificateTimestampList: a TLS vector inside the OCTET STRING (RFC 6962 section 3.3):
//     opaque SerializedSCT<1..2^16-1>;
//     struct { SerializedSCT sct_list <1..2^16-1>; } SignedCertificateTimestampList;
// Each SCT decoded by the TLS code that also reads the TLS extension (as Wireshark does).
void CertificateWalk::sct_list(NodeRef ext, const Element& octets) {
    ByteReader r = octets.content;
    dissect_sct_list(r, ext);
    if (!r.empty() && r.captured_all())
        ext.malformed(std::to_string(r.reported_remaining()) + " trailing bytes after the SCT list", r.offset(),
                      r.reported_remaining());
}

// ---------------------------------------------------------------------------------------
// The summary, from OpenSSL's X.509 parser.

std::string asn1_string_utf8(const ASN1_STRING* s) {
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0) return escaped_bytes(Bytes(ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))));
    OpensslBytesPtr hold(utf8);
    return printable(std::string_view(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n)));
}

std::string rfc4514(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? printable(std::string_view(data, static_cast<std::size_t>(n))) : std::string();
}

std::string common_name(const X509_NAME* name) {
    int last = -1;
    for (int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(name, NID_commonName, i))
        last = i;
    if (last < 0) return {};
    return asn1_string_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
}

// Wireshark's label for a name: most specific RDN first, "id-at-commonName=…", the
// attributes of a multi-valued RDN in their encoded order, joined by "+".
std::string wireshark_name(const X509_NAME* name) {
    std::vector<std::string> rdns;
    int previous_set = -1;
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
        const int set = X509_NAME_ENTRY_set(entry);
        std::string attribute = describe_oid(X509_NAME_ENTRY_get_object(entry)).label() + "=" +
                                asn1_string_utf8(X509_NAME_ENTRY_get_data(entry));
        if (set == previous_set && !rdns.empty())
            rdns.back() += "+" + attribute;
        else
            rdns.push_back(std::move(attribute));
        previous_set = set;
    }
    std::reverse(rdns.begin(), rdns.end());
    return join(rdns, ",");
}

bool time_fields(const ASN1_TIME* t, std::string& iso, std::int64_t& epoch) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return false;
    iso = iso_time(tm);
    epoch = epoch_seconds(tm);
    return true;
}

std::vector<std::uint8_t> digest(Bytes der, const EVP_MD* md) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(der.data(), der.size(), out, &n, md, nullptr) != 1) return {};
    return {out, out + n};
}

// OpenSSL's key type names, with the RFC 8410 spelling for the Edwards curves.
std::string key_type_name(std::string_view name) {
    if (name == "ED25519") return "Ed25519";
    if (name == "ED448") return "Ed448";
    return std::string(name);
}

void summarize(X509* x, CertificateSummary& s) {
    s.parsed = true;
    s.version = static_cast<int>(X509_get_version(x)) + 1;
    s.subject = rfc4514(X509_get_subject_name(x));
    s.issuer = rfc4514(X509_get_issuer_name(x));
    s.subject_cn = common_name(X509_get_subject_name(x));
    s.issuer_cn = common_name(X509_get_issuer_name(x));
    s.subject_display = wireshark_name(X509_get_subject_name(x));

    if (BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr)); bn) {
        if (char* hex = BN_bn2hex(bn.get())) {
            s.serial_hex = hex;
            OPENSSL_free(hex);
            std::transform(s.serial_hex.begin(), s.serial_hex.end(), s.serial_hex.begin(),
                           [](char c) { return c >= 'A' && c <= 'F' ? char(c - 'A' + 'a') : c; });
        }
    }
    time_fields(X509_get0_notBefore(x), s.not_before, s.not_before_epoch);
    time_fields(X509_get0_notAfter(x), s.not_after, s.not_after_epoch);

    const X509_ALGOR* sig_alg = nullptr;
    X509_get0_signature(nullptr, &sig_alg, x);
    if (sig_alg) {
        const ASN1_OBJECT* obj = nullptr;
        X509_ALGOR_get0(&obj, nullptr, nullptr, sig_alg);
        const int nid = OBJ_obj2nid(obj);
        s.signature_algorithm = nid != NID_undef ? OBJ_nid2ln(nid) : dotted_oid(obj);
    }

    if (EVP_PKEY* key = X509_get0_pubkey(x)) {
        if (const char* type = EVP_PKEY_get0_type_name(key)) s.public_key_algorithm = key_type_name(type);
        s.public_key_bits = EVP_PKEY_get_bits(key);
        char group[80];
        std::size_t group_len = 0;
        if (EVP_PKEY_get_group_name(key, group, sizeof group, &group_len) == 1) s.curve.assign(group, group_len);
    }
    if (s.public_key_algorithm.empty()) {
        // A key type this OpenSSL cannot load (ML-DSA before OpenSSL 3.5): its OID.
        ASN1_OBJECT* obj = nullptr;
        if (X509_PUBKEY_get0_param(&obj, nullptr, nullptr, nullptr, X509_get_X509_PUBKEY(x)) == 1 && obj) {
            const int nid = OBJ_obj2nid(obj);
            s.public_key_algorithm = nid != NID_undef ? OBJ_nid2ln(nid) : dotted_oid(obj);
        }
    }

    if (GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
        names) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
            const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
            if (g->type == GEN_DNS) {
                s.san.push_back(asn1_string_utf8(g->d.dNSName));
            } else if (g->type == GEN_IPADD) {
                const ASN1_OCTET_STRING* ip = g->d.iPAddress;
                char buf[INET6_ADDRSTRLEN];
                const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : ASN1_STRING_length(ip) == 16 ? AF_INET6 : 0;
                if (family && inet_ntop(family, ASN1_STRING_get0_data(ip), buf, sizeof buf)) s.san.emplace_back(buf);
            }
        }
    }
    if (BasicConstraintsPtr bc(static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x, NID_basic_constraints, nullptr, nullptr)));
        bc) {
        s.is_ca = bc->ca != 0;
        std::uint64_t len = 0;
        if (bc->pathlen && ASN1_INTEGER_get_uint64(&len, bc->pathlen) == 1)
            s.path_len = len > INT_MAX ? INT_MAX : static_cast<int>(len);
    }
    if (PoliciesPtr policies(static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(x, NID_certificate_policies, nullptr, nullptr)));
        policies) {
        for (int i = 0; i < sk_POLICYINFO_num(policies.get()); ++i)
            s.policies.push_back(dotted_oid(sk_POLICYINFO_value(policies.get(), i)->policyid));
    }
}

// Anomalies among the nodes added since `first`.
bool has_anomaly(const Tree& tree, std::size_t first) {
    for (std::size_t i = first; i < tree.size(); ++i) {
        const Node& n = tree.node(static_cast<std::int32_t>(i));
        if (n.def == &kMalformedField || n.def == &kTruncatedField) return true;
    }
    return false;
}

}  // namespace

namespace {

// What OpenSSL makes of one complete certificate: decoding it is costly (OpenSSL 3
// builds its public key through the decoder framework, over a million instructions a
// certificate), and the same certificates come back in every connection to a server.
struct DecodedCertificate {
    CertificateSummary summary;     // with der set when OpenSSL decoded it
    std::string error;              // why it could not (empty when it could)
    std::vector<std::uint8_t> sha256, sha1;
};

// Certificates remembered by their DER bytes; the cache is emptied when full.
constexpr std::size_t kDecodedCertificateEntries = 2048;

DecodedCertificate decode_certificate_uncached(Bytes bytes);

const DecodedCertificate& decode_certificate(Bytes bytes) {
    static thread_local BoundedCache<DecodedCertificate, kDecodedCertificateEntries> cache;
    std::string key(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return cache.get_or_make(std::move(key), [&] { return decode_certificate_uncached(bytes); });
}

DecodedCertificate decode_certificate_uncached(Bytes bytes) {
    DecodedCertificate d;
    Bytes cert_der = bytes;
    const unsigned char* p = bytes.data();
    X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
    if (x) {
        cert_der = bytes.first(static_cast<std::size_t>(p - bytes.data()));
        summarize(x.get(), d.summary);
        d.summary.der.assign(cert_der.begin(), cert_der.end());
    } else {
        const char* reason = ERR_reason_error_string(ERR_peek_last_error());
        d.error = std::string("OpenSSL cannot decode the certificate") + (reason ? std::string(": ") + reason : "");
    }
    d.sha256 = digest(cert_der, EVP_sha256());
    d.sha1 = digest(cert_der, EVP_sha1());
    d.summary.sha256_hex = hex_string(d.sha256);
    d.summary.sha1_hex = hex_string(d.sha1);
    return d;
}

}  // namespace

CertificateSummary dissect_x509_certificate(ByteReader der, NodeRef parent) {
    OpensslErrorScope errors;
    CertificateSummary s;
    const std::size_t first_node = parent ? parent.tree()->size() : 0;
    if (parent) CertificateWalk(der).run(parent);

    // OpenSSL sees only complete certificates; a cut one is already [Truncated] above.
    const Bytes bytes = der.rest();
    if (der.remaining() == der.reported_remaining() && !bytes.empty() && bytes.size() <= LONG_MAX) {
        const DecodedCertificate& d = decode_certificate(bytes);
        s = d.summary;
        if (!d.error.empty() && parent && !has_anomaly(*parent.tree(), first_node))
            parent.malformed(d.error, der.offset(), bytes.size());
        if (parent) {
            parent.add_generated(kFingerprintSha256, ByteString{d.sha256});
            parent.add_generated(kFingerprintSha1, ByteString{d.sha1});
        }
    }
    return s;
}

// ---------------------------------------------------------------------------------------
// OCSP responses (RFC 6960 section 4.2.1), as a TLS CertificateStatus message (RFC 6066
// section 8) or a TLS 1.3 CertificateEntry's status_request extension carries them, with
// the field names of Wireshark's ocsp dissector (epan/dissectors/packet-ocsp.c).

namespace {

constexpr ValueName kOcspStatusNames[] = {{0, "successful"}, {1, "malformedRequest"}, {2, "internalError"},
                                          {3, "tryLater"},   {5, "sigRequired"},      {6, "unauthorized"}};
constexpr ValueName kOcspResponderIdChoice[] = {{1, "byName"}, {2, "byKey"}};
constexpr ValueName kOcspCertStatusChoice[] = {{0, "good"}, {1, "revoked"}, {2, "unknown"}};
// CRLReason, RFC 5280 section 5.3.1 (7 is not used).
constexpr ValueName kCrlReasonNames[] = {
    {0, "unspecified"}, {1, "keyCompromise"}, {2, "cACompromise"}, {3, "affiliationChanged"},
    {4, "superseded"}, {5, "cessationOfOperation"}, {6, "certificateHold"}, {8, "removeFromCRL"},
    {9, "privilegeWithdrawn"}, {10, "aACompromise"}};

constexpr FieldDef kOcspResponseStatus{"ocsp.responseStatus", "responseStatus", FieldType::UInt, Base::Dec, kOcspStatusNames};
constexpr FieldDef kOcspResponseBytes{"ocsp.responseBytes_element", "responseBytes", FieldType::None};
constexpr FieldDef kOcspResponseType{"ocsp.responseType.id", "ResponseType Id", FieldType::String};
constexpr FieldDef kOcspResponseValue{"ocsp.response", "response", FieldType::Bytes};
constexpr FieldDef kOcspBasicResponse{"ocsp.BasicOCSPResponse_element", "BasicOCSPResponse", FieldType::None};
constexpr FieldDef kOcspTbsResponseData{"ocsp.tbsResponseData_element", "tbsResponseData", FieldType::None};
constexpr FieldDef kOcspVersion{"ocsp.version", "version", FieldType::UInt, Base::Dec, kVersionNames};
constexpr FieldDef kOcspResponderId{"ocsp.responderID", "responderID", FieldType::UInt, Base::Dec, kOcspResponderIdChoice};
constexpr FieldDef kOcspByName{"ocsp.byName", "byName", FieldType::UInt, Base::Dec, kNameChoice};
constexpr FieldDef kOcspByKey{"ocsp.byKey", "byKey", FieldType::Bytes};
constexpr FieldDef kOcspProducedAt{"ocsp.producedAt", "producedAt", FieldType::AbsTime};
constexpr FieldDef kOcspResponses{"ocsp.responses", "responses", FieldType::UInt};
constexpr FieldDef kOcspSingleResponse{"ocsp.SingleResponse_element", "SingleResponse", FieldType::None};
constexpr FieldDef kOcspCertId{"ocsp.certID_element", "certID", FieldType::None};
constexpr FieldDef kOcspHashAlgorithm{"ocsp.hashAlgorithm_element", "hashAlgorithm", FieldType::None};
constexpr FieldDef kOcspIssuerNameHash{"ocsp.issuerNameHash", "issuerNameHash", FieldType::Bytes};
constexpr FieldDef kOcspIssuerKeyHash{"ocsp.issuerKeyHash", "issuerKeyHash", FieldType::Bytes};
constexpr FieldDef kOcspSerialNumber{"ocsp.serialNumber", "serialNumber", FieldType::Bytes};
constexpr FieldDef kOcspCertStatus{"ocsp.certStatus", "certStatus", FieldType::UInt, Base::Dec, kOcspCertStatusChoice};
constexpr FieldDef kOcspRevocationTime{"ocsp.revocationTime", "revocationTime", FieldType::AbsTime};
constexpr FieldDef kOcspRevocationReason{"ocsp.revocationReason", "revocationReason", FieldType::UInt, Base::Dec, kCrlReasonNames};
constexpr FieldDef kOcspThisUpdate{"ocsp.thisUpdate", "thisUpdate", FieldType::AbsTime};
constexpr FieldDef kOcspNextUpdate{"ocsp.nextUpdate", "nextUpdate", FieldType::AbsTime};
constexpr FieldDef kOcspSignatureAlgorithm{"ocsp.signatureAlgorithm_element", "signatureAlgorithm", FieldType::None};
constexpr FieldDef kOcspSignature{"ocsp.signature", "signature", FieldType::Bytes};
constexpr FieldDef kOcspCerts{"ocsp.certs", "certs", FieldType::UInt};
constexpr FieldDef kOcspCertificate{"ocsp.Certificate_element", "Certificate", FieldType::Bytes};

ByteString bytes_of(Bytes b) { return ByteString{{b.begin(), b.end()}}; }


// ENUMERATED (responseStatus, CRLReason), decoded by OpenSSL.
std::optional<std::int64_t> CertificateWalk::ocsp_enumerated(NodeRef parent, const Element& e, std::string_view what) {
    if (!require_complete(parent, e, what)) return std::nullopt;
    const unsigned char* p = e.encoding.data();
    Asn1EnumeratedPtr v(d2i_ASN1_ENUMERATED(nullptr, &p, static_cast<long>(e.encoding.size())));
    std::int64_t out = 0;
    if (!v || ASN1_ENUMERATED_get_int64(&out, v.get()) != 1 || out < 0) {
        parent.malformed(std::string(what) + ": invalid ENUMERATED", e.offset, e.total_length());
        return std::nullopt;
    }
    return out;
}

// GeneralizedTime, as an absolute time (Wireshark's FT_ABSOLUTE_TIME for ocsp.*).
void CertificateWalk::ocsp_time(NodeRef parent, const FieldDef& def, const Element& e) {
    if (!e.is_universal(tag::kGeneralizedTime)) {
        parent.malformed(std::string(def.label) + ": expected GeneralizedTime, found " + der::describe(e), e.offset,
                         e.total_length());
        return;
    }
    if (!require_complete(parent, e, def.label)) return;
    auto tm = decode_time(e);
    constexpr std::int64_t kMaxSeconds = INT64_MAX / 1'000'000'000 - 1;
    const std::int64_t seconds = tm ? epoch_seconds(*tm) : 0;
    if (!tm || seconds <= -kMaxSeconds || seconds >= kMaxSeconds) {
        parent.malformed(std::string(def.label) + ": invalid GeneralizedTime \"" + escaped_bytes(e.content_bytes()) + "\"",
                         e.offset, e.total_length());
        return;
    }
    parent.add(def, seconds * 1'000'000'000, e.offset, e.total_length());
}

// OCSPResponse ::= SEQUENCE {
//     responseStatus   OCSPResponseStatus,                     -- ENUMERATED
//     responseBytes    [0] EXPLICIT ResponseBytes OPTIONAL }
// ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
void CertificateWalk::run_ocsp(NodeRef parent) {
    Fields top = fields(bytes_, parent, 0);
    auto resp = top.required(tag::kSequence, "OCSPResponse");
    if (!resp) return;
    top.finish("OCSPResponse");
    Fields f(top.enter(*resp), parent);
    if (auto st = f.required(TagClass::Universal, 10, "responseStatus")) {
        if (auto v = ocsp_enumerated(parent, *st, "responseStatus"))
            parent.add(kOcspResponseStatus, std::uint64_t(*v), st->offset, st->total_length());
    }
    auto wrapper = f.optional(TagClass::Context, 0);
    f.finish("responseBytes");
    if (!wrapper) return;
    NodeRef rb = parent.add_text(kOcspResponseBytes, "responseBytes", wrapper->offset, wrapper->total_length());
    Fields w(f.enter(*wrapper), rb);
    auto seq = w.required(tag::kSequence, "ResponseBytes");
    w.finish("ResponseBytes");
    if (!seq) return;
    Fields b(w.enter(*seq), rb);
    std::optional<Oid> type;
    if (auto id = b.required(tag::kOid, "responseType")) type = oid_node(rb, kOcspResponseType, *id);
    auto octets = b.required(tag::kOctetString, "response");
    b.finish("response");
    if (!octets || !type) return;
    if (type->nid != NID_id_pkix_OCSP_basic) {
        rb.add(kOcspResponseValue, bytes_of(octets->content.rest()), octets->offset + octets->header_length,
               octets->length);
        return;
    }
    Fields inner(b.nested(octets->content), rb);
    if (auto basic = inner.required(tag::kSequence, "BasicOCSPResponse")) ocsp_basic_response(rb, *basic, inner);
    inner.finish("BasicOCSPResponse");
}

// BasicOCSPResponse ::= SEQUENCE {
//     tbsResponseData      ResponseData,
//     signatureAlgorithm   AlgorithmIdentifier,
//     signature            BIT STRING,
//     certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
// ResponseData ::= SEQUENCE {
//     version              [0] EXPLICIT Version DEFAULT v1,
//     responderID              ResponderID,                   -- byName [1] Name | byKey [2] KeyHash
//     producedAt               GeneralizedTime,
//     responses                SEQUENCE OF SingleResponse,
//     responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
void CertificateWalk::ocsp_basic_response(NodeRef parent, const Element& e, Fields& outer) {
    NodeRef basic = parent.add_text(kOcspBasicResponse, "BasicOCSPResponse", e.offset, e.total_length());
    Fields f(outer.enter(e), basic);
    if (auto tbs = f.required(tag::kSequence, "tbsResponseData")) {
        NodeRef node = basic.add_text(kOcspTbsResponseData, "tbsResponseData", tbs->offset, tbs->total_length());
        Fields t(f.enter(*tbs), node);
        if (auto v = t.optional(TagClass::Context, 0)) {
            Fields vf(t.enter(*v), node);
            if (auto i = vf.required(tag::kInteger, "version"); i && require_complete(node, *i, "version")) {
                if (auto n = decode_unsigned(*i))
                    node.add(kOcspVersion, *n, i->offset, i->total_length());
                else
                    node.malformed("version: invalid INTEGER", i->offset, i->total_length());
            }
            vf.finish("version");
        }
        if (auto id = t.any("responderID")) {
            if (id->is_context(1) && id->constructed) {
                NodeRef choice = node.add(kOcspResponderId, std::uint64_t(1), id->offset, id->total_length());
                Fields nf(t.enter(*id), choice);
                if (auto n = nf.required(tag::kSequence, "byName")) {
                    const std::string text = name(choice, kOcspByName, kSubjectRdnSequence, *n, nf);
                    choice.set_text("responderID: byName (1): " + text);
                }
                nf.finish("byName");
            } else if (id->is_context(2) && id->constructed) {
                NodeRef choice = node.add(kOcspResponderId, std::uint64_t(2), id->offset, id->total_length());
                Fields kf(t.enter(*id), choice);
                if (auto k = kf.required(tag::kOctetString, "byKey"))
                    choice.add(kOcspByKey, bytes_of(k->content.rest()), k->offset + k->header_length, k->length);
                kf.finish("byKey");
            } else {
                node.malformed("responderID: expected [1] or [2], found " + der::describe(*id), id->offset,
                               id->total_length());
            }
        }
        if (auto at = t.required(tag::kGeneralizedTime, "producedAt")) ocsp_time(node, kOcspProducedAt, *at);
        if (auto list = t.required(tag::kSequence, "responses")) {
            NodeRef responses = node.add(kOcspResponses, std::uint64_t(0), list->offset, list->total_length());
            Fields rf(t.enter(*list), responses);
            std::size_t count = 0;
            while (!rf.at_end()) {
                auto single = rf.required(tag::kSequence, "SingleResponse");
                if (!single) break;
                ++count;
                ocsp_single_response(responses, *single, rf);
            }
            if (Node* n = responses.get()) n->value = std::uint64_t(count);
            responses.set_text("responses: " + items(count));
        }
        if (auto ext = t.optional(TagClass::Context, 1)) extensions(node, *ext, t);
        t.finish("responseExtensions");
    }
    if (auto alg = f.required(tag::kSequence, "signatureAlgorithm")) algorithm(basic, kOcspSignatureAlgorithm, *alg, f);
    if (auto sig = f.required(tag::kBitString, "signature")) {
        if (bit_string_padding(basic, *sig)) {
            ByteReader c = sig->content;
            c.skip(1);
            basic.add(kOcspSignature, bytes_of(c.rest()), sig->offset + sig->header_length + 1,
                      sig->length > 0 ? sig->length - 1 : 0);
        }
    }
    if (auto certs = f.optional(TagClass::Context, 0)) {
        NodeRef list = basic.add(kOcspCerts, std::uint64_t(0), certs->offset, certs->total_length());
        Fields w(f.enter(*certs), list);
        std::size_t count = 0;
        if (auto seq = w.required(tag::kSequence, "certs")) {
            Fields cf(w.enter(*seq), list);
            while (!cf.at_end()) {
                auto cert = cf.any("Certificate");
                if (!cert) break;
                ++count;
                NodeRef node = list.add(kOcspCertificate, bytes_of(cert->encoding), cert->offset, cert->total_length());
                // Each certificate is walked with its own element budget, like one in a Certificate message.
                CertificateSummary summary =
                    dissect_x509_certificate(ByteReader(cert->encoding, cert->total_length(), cert->offset), node);
                node.set_text("Certificate: " + certificate_one_line(summary));
            }
        }
        w.finish("certs");
        if (Node* n = list.get()) n->value = std::uint64_t(count);
        list.set_text("certs: " + items(count));
    }
    f.finish("certs");
}

// SingleResponse ::= SEQUENCE {
//     certID                  CertID,
//     certStatus              CertStatus,       -- good [0] NULL | revoked [1] RevokedInfo | unknown [2] NULL
//     thisUpdate              GeneralizedTime,
//     nextUpdate          [0] EXPLICIT GeneralizedTime OPTIONAL,
//     singleExtensions    [1] EXPLICIT Extensions OPTIONAL }
// CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
//                       issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
// RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime,
//                            revocationReason [0] EXPLICIT CRLReason OPTIONAL }
void CertificateWalk::ocsp_single_response(NodeRef parent, const Element& e, Fields& outer) {
    NodeRef single = parent.add_text(kOcspSingleResponse, "SingleResponse", e.offset, e.total_length());
    Fields f(outer.enter(e), single);
    if (auto id = f.required(tag::kSequence, "certID")) {
        NodeRef node = single.add_text(kOcspCertId, "certID", id->offset, id->total_length());
        Fields c(f.enter(*id), node);
        if (auto alg = c.required(tag::kSequence, "hashAlgorithm")) algorithm(node, kOcspHashAlgorithm, *alg, c);
        if (auto h = c.required(tag::kOctetString, "issuerNameHash"))
            node.add(kOcspIssuerNameHash, bytes_of(h->content.rest()), h->offset + h->header_length, h->length);
        if (auto h = c.required(tag::kOctetString, "issuerKeyHash"))
            node.add(kOcspIssuerKeyHash, bytes_of(h->content.rest()), h->offset + h->header_length, h->length);
        if (auto serial = c.required(tag::kInteger, "serialNumber")) {
            Bytes b = serial->content.rest();
            node.add(kOcspSerialNumber, bytes_of(b), serial->offset + serial->header_length, serial->length)
                .set_text("serialNumber: 0x" + hex_label(b));
        }
        c.finish("serialNumber");
    }
    if (auto st = f.any("certStatus")) {
        if (st->cls == TagClass::Context && st->number <= 2) {
            NodeRef choice = single.add(kOcspCertStatus, std::uint64_t(st->number), st->offset, st->total_length());
            if (st->number == 1) {
                Fields r(f.enter(*st), choice);
                if (auto t = r.required(tag::kGeneralizedTime, "revocationTime"))
                    ocsp_time(choice, kOcspRevocationTime, *t);
                if (auto reason = r.optional(TagClass::Context, 0)) {
                    Fields rr(r.enter(*reason), choice);
                    if (auto v = rr.required(TagClass::Universal, 10, "revocationReason")) {
                        if (auto n = ocsp_enumerated(choice, *v, "revocationReason"))
                            choice.add(kOcspRevocationReason, std::uint64_t(*n), v->offset, v->total_length());
                    }
                    rr.finish("revocationReason");
                }
                r.finish("revocationReason");
            } else if (st->constructed || st->length != 0) {
                choice.malformed("certStatus: " + std::string(st->number == 0 ? "good" : "unknown") +
                                     " must be an empty NULL",
                                 st->offset, st->total_length());
            }
        } else {
            single.malformed("certStatus: expected [0], [1] or [2], found " + der::describe(*st), st->offset,
                             st->total_length());
        }
    }
    if (auto t = f.required(tag::kGeneralizedTime, "thisUpdate")) ocsp_time(single, kOcspThisUpdate, *t);
    if (auto next = f.optional(TagClass::Context, 0)) {
        Fields n(f.enter(*next), single);
        if (auto t = n.required(tag::kGeneralizedTime, "nextUpdate")) ocsp_time(single, kOcspNextUpdate, *t);
        n.finish("nextUpdate");
    }
    if (auto ext = f.optional(TagClass::Context, 1)) extensions(single, *ext, f);
    f.finish("singleExtensions");
}

// One line for the OCSP Response node, from OpenSSL's decoding of the whole response:
// "successful, 1 response: good" or the reason OpenSSL refuses it.
std::optional<std::string> ocsp_summary(Bytes der, std::string& refused) {
    const unsigned char* p = der.data();
    OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!resp) {
        const char* reason = ERR_reason_error_string(ERR_peek_last_error());
        refused = std::string("OpenSSL cannot decode the OCSP response") + (reason ? std::string(": ") + reason : "");
        return std::nullopt;
    }
    const int status = OCSP_response_status(resp.get());
    std::string out = OCSP_response_status_str(status);
    if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) return out;
    OcspBasicPtr basic(OCSP_response_get1_basic(resp.get()));
    if (!basic) return out + ", not a basic response";
    const int n = OCSP_resp_count(basic.get());
    out += ", " + items(static_cast<std::size_t>(n < 0 ? 0 : n)) + ":";
    for (int i = 0; i < n && i < 4; ++i) {
        int reason = -1;
        ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
        const int st = OCSP_single_get0_status(OCSP_resp_get0(basic.get(), i), &reason, &revoked, &this_update, &next_update);
        out += std::string(i ? ", " : " ") + (st < 0 ? "invalid" : OCSP_cert_status_str(st));
        if (st == V_OCSP_CERTSTATUS_REVOKED && reason >= 0) out += std::string(" (") + OCSP_crl_reason_str(reason) + ")";
    }
    if (n > 4) out += ", …";
    return out;
}

}  // namespace

std::string dissect_ocsp_response(ByteReader der, NodeRef parent) {
    OpensslErrorScope errors;
    const std::size_t first_node = parent ? parent.tree()->size() : 0;
    if (parent) CertificateWalk(der).run_ocsp(parent);
    // OpenSSL sees only a complete response; a cut one is already [Truncated] above.
    const Bytes bytes = der.rest();
    if (der.remaining() != der.reported_remaining() || bytes.empty() || bytes.size() > LONG_MAX) return {};
    std::string refused;
    auto summary = ocsp_summary(bytes, refused);
    if (!summary) {
        if (parent && !has_anomaly(*parent.tree(), first_node)) parent.malformed(refused, der.offset(), bytes.size());
        return {};
    }
    return *summary;
}

std::string certificate_one_line(const CertificateSummary& s) {
    if (!s.parsed) return "certificate (not decodable)";
    auto who = [](const std::string& cn, const std::string& full) { return cn.empty() ? full : "CN=" + cn; };
    std::string out = who(s.subject_cn, s.subject);
    if (s.subject == s.issuer)
        out += " (self-signed)";
    else
        out += " \xe2\x86\x90 " + who(s.issuer_cn, s.issuer);
    if (s.not_after.size() >= 10) out += ", valid until " + s.not_after.substr(0, 10);
    return out;
}

// CA/Browser Forum Baseline Requirements section 7.1.6.1 (reserved policy OIDs) and the
// EV Guidelines section 9.3.2.
std::string cabf_validation_level(const std::vector<std::string>& policy_oids) {
    static constexpr std::pair<std::string_view, std::string_view> kLevels[] = {
        {"2.23.140.1.1", "EV (extended validation)"},
        {"2.23.140.1.2.2", "OV (organization validated)"},
        {"2.23.140.1.2.3", "IV (individual validated)"},
        {"2.23.140.1.2.1", "DV (domain validated)"},
    };
    std::string out;
    for (const auto& [oid, level] : kLevels) {
        if (std::find(policy_oids.begin(), policy_oids.end(), oid) == policy_oids.end()) continue;
        if (!out.empty()) out += ", ";
        out += level;
    }
    return out;
}

}  // namespace tlsdissect
