// The parts of the X.509 and OCSP dissectors that their files share (x509.cpp: the
// summary from OpenSSL; x509_values.cpp: text, OIDs and single values; x509_walk.cpp:
// the DER walk of a certificate; ocsp.cpp: OCSP responses). Internal to src/tls.
#pragma once

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
#include <openssl/pem.h>
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
#include "tls/fingerprints.hpp"
#include "tls/openssl_handles.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect::x509_detail {

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

inline constexpr ValueName kVersionNames[] = {{0, "v1"}, {1, "v2"}, {2, "v3"}};
inline constexpr ValueName kNameChoice[] = {{0, "rdnSequence"}};
inline constexpr ValueName kTimeChoice[] = {{0, "utcTime"}, {1, "generalizedTime"}};
inline constexpr ValueName kDirectoryStringChoice[] = {
    {0, "teletexString"}, {1, "printableString"}, {2, "universalString"}, {3, "bmpString"}, {4, "uTF8String"}};
inline constexpr ValueName kEcParametersChoice[] = {{0, "specifiedCurve"}, {1, "namedCurve"}, {2, "implicitlyCA"}};
inline constexpr ValueName kGeneralNameChoice[] = {
    {0, "otherName"}, {1, "rfc822Name"}, {2, "dNSName"}, {3, "x400Address"}, {4, "directoryName"},
    {5, "ediPartyName"}, {6, "uniformResourceIdentifier"}, {7, "iPAddress"}, {8, "registeredID"}};
inline constexpr ValueName kDistributionPointNameChoice[] = {{0, "fullName"}, {1, "nameRelativeToCRLIssuer"}};
inline constexpr ValueName kDisplayTextChoice[] = {{0, "ia5String"}, {1, "visibleString"}, {2, "bmpString"}, {3, "utf8String"}};

// Certificate, TBSCertificate
inline constexpr FieldDef kSignedCertificate{"x509af.signedCertificate_element", "signedCertificate", FieldType::None};
inline constexpr FieldDef kVersion{"x509af.version", "version", FieldType::UInt, Base::Dec, kVersionNames};
inline constexpr FieldDef kSerialNumber{"x509af.serialNumber", "serialNumber", FieldType::Bytes};
inline constexpr FieldDef kSignature{"x509af.signature_element", "signature", FieldType::None};
inline constexpr FieldDef kAlgorithmId{"x509af.algorithm.id", "Algorithm Id", FieldType::String};
inline constexpr FieldDef kAlgorithmParameters{"x509af.parameters_element", "parameters", FieldType::None};
inline constexpr FieldDef kIssuer{"x509af.issuer", "issuer", FieldType::UInt, Base::Dec, kNameChoice};
inline constexpr FieldDef kSubject{"x509af.subject", "subject", FieldType::UInt, Base::Dec, kNameChoice};
inline constexpr FieldDef kValidity{"x509af.validity_element", "validity", FieldType::None};
inline constexpr FieldDef kNotBefore{"x509af.notBefore", "notBefore", FieldType::UInt, Base::Dec, kTimeChoice};
inline constexpr FieldDef kNotAfter{"x509af.notAfter", "notAfter", FieldType::UInt, Base::Dec, kTimeChoice};
inline constexpr FieldDef kUtcTime{"x509af.utcTime", "utcTime", FieldType::String};
inline constexpr FieldDef kGeneralizedTime{"x509af.generalizedTime", "generalizedTime", FieldType::AbsTime};
inline constexpr FieldDef kSubjectPublicKeyInfo{"x509af.subjectPublicKeyInfo_element", "subjectPublicKeyInfo", FieldType::None};
inline constexpr FieldDef kSpkiAlgorithm{"x509af.algorithm_element", "algorithm", FieldType::None};
inline constexpr FieldDef kSubjectPublicKey{"x509af.subjectPublicKey", "subjectPublicKey", FieldType::Bytes};
inline constexpr FieldDef kIssuerUniqueId{"x509af.issuerUniqueIdentifier", "issuerUniqueIdentifier", FieldType::Bytes};
inline constexpr FieldDef kSubjectUniqueId{"x509af.subjectUniqueIdentifier", "subjectUniqueIdentifier", FieldType::Bytes};
inline constexpr FieldDef kExtensions{"x509af.extensions", "extensions", FieldType::UInt};
inline constexpr FieldDef kExtension{"x509af.Extension_element", "Extension", FieldType::None};
inline constexpr FieldDef kExtensionId{"x509af.extension.id", "Extension Id", FieldType::String};
inline constexpr FieldDef kCritical{"x509af.critical", "critical", FieldType::Bool};
inline constexpr FieldDef kExtnValue{"x509af.extnValue", "extnValue", FieldType::Bytes};
inline constexpr FieldDef kAlgorithmIdentifier{"x509af.algorithmIdentifier_element", "algorithmIdentifier", FieldType::None};
inline constexpr FieldDef kEncrypted{"x509af.encrypted", "encrypted", FieldType::Bytes};
inline constexpr FieldDef kPadding{"ber.bitstring.padding", "Padding", FieldType::UInt};
// Not in Wireshark: SHA-256 and SHA-1 of the certificate's DER, generated, for filters
// and scripts (`x509af.fingerprint_sha256 == …`). Named in the x509af family beside the
// fields they summarise; hex as `openssl x509 -fingerprint` prints it, lowercase.
inline constexpr FieldDef kFingerprintSha256{"x509af.fingerprint_sha256", "SHA-256 Fingerprint", FieldType::Bytes};
inline constexpr FieldDef kFingerprintSha1{"x509af.fingerprint_sha1", "SHA-1 Fingerprint", FieldType::Bytes};
// Not in Wireshark either: the certificate's JA4X (FoxIO, technical_details/JA4X.md),
// generated, beside the digests, as the JA4 fields of the hellos are `tls.handshake.ja4`.
inline constexpr FieldDef kJa4x{"x509af.ja4x", "JA4X", FieldType::String};

// Name (x509if, x509sat)
inline constexpr FieldDef kIssuerRdnSequence{"x509if.rdnSequence", "rdnSequence", FieldType::UInt};
inline constexpr FieldDef kSubjectRdnSequence{"x509af.rdnSequence", "rdnSequence", FieldType::UInt};
inline constexpr FieldDef kRdnItem{"x509if.RDNSequence_item", "RDNSequence item", FieldType::UInt};
inline constexpr FieldDef kAttributeTypeAndValue{"x509if.RelativeDistinguishedName_item_element",
                                          "RelativeDistinguishedName item", FieldType::None};
inline constexpr FieldDef kAttributeType{"x509if.oid", "Object Id", FieldType::String};
inline constexpr FieldDef kAnyString{"x509if.any.String", "AnyString", FieldType::Bytes};
inline constexpr FieldDef kCountryName{"x509sat.CountryName", "CountryName", FieldType::String};
inline constexpr FieldDef kPrintableStringAttribute{"x509sat.PrintableString", "PrintableString", FieldType::String};
inline constexpr FieldDef kIa5StringAttribute{"x509sat.IA5String", "IA5String", FieldType::String};
inline constexpr FieldDef kDirectoryString{"x509sat.DirectoryString", "DirectoryString", FieldType::UInt, Base::Dec,
                                    kDirectoryStringChoice};
inline constexpr FieldDef kTeletexString{"x509sat.teletexString", "teletexString", FieldType::String};
inline constexpr FieldDef kPrintableString{"x509sat.printableString", "printableString", FieldType::String};
inline constexpr FieldDef kUniversalString{"x509sat.universalString", "universalString", FieldType::String};
inline constexpr FieldDef kBmpString{"x509sat.bmpString", "bmpString", FieldType::String};
inline constexpr FieldDef kUtf8String{"x509sat.uTF8String", "uTF8String", FieldType::String};

// Public keys (pkcs1)
inline constexpr FieldDef kModulus{"pkcs1.modulus", "modulus", FieldType::Bytes};
inline constexpr FieldDef kPublicExponent{"pkcs1.publicExponent", "publicExponent", FieldType::UInt};
inline constexpr FieldDef kEcParameters{"pkcs1.ECParameters", "ECParameters", FieldType::UInt, Base::Dec, kEcParametersChoice};
inline constexpr FieldDef kNamedCurve{"pkcs1.namedCurve", "namedCurve", FieldType::String};

// Extensions (x509ce)
inline constexpr FieldDef kGeneralNames{"x509ce.GeneralNames", "GeneralNames", FieldType::UInt};
inline constexpr FieldDef kGeneralName{"x509ce.GeneralName", "GeneralName", FieldType::UInt, Base::Dec, kGeneralNameChoice};
inline constexpr FieldDef kOtherName{"x509ce.otherName_element", "otherName", FieldType::None};
inline constexpr FieldDef kOtherNameType{"x509ce.type_id", "type-id", FieldType::String};
inline constexpr FieldDef kOtherNameValue{"x509ce.value_element", "value", FieldType::Bytes};
inline constexpr FieldDef kRfc822Name{"x509ce.rfc822Name", "rfc822Name", FieldType::String};
inline constexpr FieldDef kDnsName{"x509ce.dNSName", "dNSName", FieldType::String};
inline constexpr FieldDef kX400Address{"x509ce.x400Address_element", "x400Address", FieldType::Bytes};
inline constexpr FieldDef kDirectoryName{"x509ce.directoryName", "directoryName", FieldType::UInt, Base::Dec, kNameChoice};
inline constexpr FieldDef kEdiPartyName{"x509ce.ediPartyName_element", "ediPartyName", FieldType::Bytes};
inline constexpr FieldDef kUri{"x509ce.uniformResourceIdentifier", "uniformResourceIdentifier", FieldType::String};
inline constexpr FieldDef kIpAddressV4{"x509ce.IPAddress.ipv4", "iPAddress", FieldType::IPv4};
inline constexpr FieldDef kIpAddressV6{"x509ce.IPAddress.ipv6", "iPAddress", FieldType::IPv6};
inline constexpr FieldDef kIpAddressBytes{"x509ce.iPAddress", "iPAddress", FieldType::Bytes};
inline constexpr FieldDef kRegisteredId{"x509ce.registeredID", "registeredID", FieldType::String};
inline constexpr FieldDef kKeyUsage{"x509ce.KeyUsage", "KeyUsage", FieldType::Bytes};
inline constexpr FieldDef kKeyUsageBits[] = {
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
inline constexpr FieldDef kKeyPurposeIds{"x509ce.KeyPurposeIDs", "KeyPurposeIDs", FieldType::UInt};
inline constexpr FieldDef kKeyPurposeId{"x509ce.KeyPurposeId", "KeyPurposeId", FieldType::String};
inline constexpr FieldDef kBasicConstraints{"x509ce.BasicConstraintsSyntax_element", "BasicConstraintsSyntax", FieldType::None};
inline constexpr FieldDef kCa{"x509ce.cA", "cA", FieldType::Bool};
inline constexpr FieldDef kPathLenConstraint{"x509ce.pathLenConstraint", "pathLenConstraint", FieldType::UInt};
inline constexpr FieldDef kCertificatePolicies{"x509ce.CertificatePoliciesSyntax", "CertificatePoliciesSyntax", FieldType::UInt};
inline constexpr FieldDef kPolicyInformation{"x509ce.PolicyInformation_element", "PolicyInformation", FieldType::None};
inline constexpr FieldDef kPolicyIdentifier{"x509ce.policyIdentifier", "policyIdentifier", FieldType::String};
inline constexpr FieldDef kPolicyQualifiers{"x509ce.policyQualifiers", "policyQualifiers", FieldType::UInt};
inline constexpr FieldDef kPolicyQualifierInfo{"x509ce.PolicyQualifierInfo_element", "PolicyQualifierInfo", FieldType::None};
inline constexpr FieldDef kPolicyQualifierId{"x509ce.id", "Id", FieldType::String};
inline constexpr FieldDef kPolicyQualifier{"x509ce.qualifier_element", "qualifier", FieldType::None};
// Derived from the CA/Browser Forum policy OIDs (not a DER field): DV, OV, IV, EV.
inline constexpr FieldDef kValidationLevel{"tlsdissect.x509.validation_level", "Validation level", FieldType::String};
inline constexpr FieldDef kCpsUri{"pkix1explicit.DirectoryString", "DirectoryString", FieldType::String};
inline constexpr FieldDef kUserNotice{"pkix1implicit.UserNotice_element", "UserNotice", FieldType::None};
inline constexpr FieldDef kNoticeRef{"pkix1implicit.noticeRef_element", "noticeRef", FieldType::None};
inline constexpr FieldDef kOrganization{"pkix1implicit.organization", "organization", FieldType::UInt, Base::Dec,
                                 kDisplayTextChoice};
inline constexpr FieldDef kNoticeNumbers{"pkix1implicit.noticeNumbers", "noticeNumbers", FieldType::UInt};
inline constexpr FieldDef kNoticeNumber{"pkix1implicit.noticeNumbers_item", "noticeNumbers item", FieldType::UInt};
inline constexpr FieldDef kExplicitText{"pkix1implicit.explicitText", "explicitText", FieldType::UInt, Base::Dec,
                                 kDisplayTextChoice};
inline constexpr FieldDef kDisplayTextStrings[] = {
    {"pkix1implicit.ia5String", "ia5String", FieldType::String},
    {"pkix1implicit.visibleString", "visibleString", FieldType::String},
    {"pkix1implicit.bmpString", "bmpString", FieldType::String},
    {"pkix1implicit.utf8String", "utf8String", FieldType::String},
};
inline constexpr FieldDef kAuthorityInfoAccess{"pkix1implicit.AuthorityInfoAccessSyntax", "AuthorityInfoAccessSyntax",
                                        FieldType::UInt};
inline constexpr FieldDef kAccessDescription{"pkix1implicit.AccessDescription_element", "AccessDescription", FieldType::None};
inline constexpr FieldDef kAccessMethod{"pkix1implicit.accessMethod", "accessMethod", FieldType::String};
inline constexpr FieldDef kAccessLocation{"pkix1implicit.accessLocation", "accessLocation", FieldType::UInt, Base::Dec,
                                   kGeneralNameChoice};
inline constexpr FieldDef kCrlDistPoints{"x509ce.CRLDistPointsSyntax", "CRLDistPointsSyntax", FieldType::UInt};
inline constexpr FieldDef kDistributionPoint{"x509ce.DistributionPoint_element", "DistributionPoint", FieldType::None};
inline constexpr FieldDef kDistributionPointName{"x509ce.distributionPoint", "distributionPoint", FieldType::UInt, Base::Dec,
                                          kDistributionPointNameChoice};
inline constexpr FieldDef kFullName{"x509ce.fullName", "fullName", FieldType::UInt};
inline constexpr FieldDef kNameRelativeToCrlIssuer{"x509ce.nameRelativeToCRLIssuer", "nameRelativeToCRLIssuer", FieldType::UInt};
inline constexpr FieldDef kReasons{"x509ce.reasons", "reasons", FieldType::Bytes};
inline constexpr FieldDef kCrlIssuer{"x509ce.cRLIssuer", "cRLIssuer", FieldType::UInt};
inline constexpr FieldDef kSubjectKeyIdentifier{"x509ce.SubjectKeyIdentifier", "SubjectKeyIdentifier", FieldType::Bytes};
inline constexpr FieldDef kAuthorityKeyIdentifier{"x509ce.AuthorityKeyIdentifier_element", "AuthorityKeyIdentifier",
                                           FieldType::None};
inline constexpr FieldDef kKeyIdentifier{"x509ce.keyIdentifier", "keyIdentifier", FieldType::Bytes};
inline constexpr FieldDef kAuthorityCertIssuer{"x509ce.authorityCertIssuer", "authorityCertIssuer", FieldType::UInt};
inline constexpr FieldDef kAuthorityCertSerialNumber{"x509ce.authorityCertSerialNumber", "authorityCertSerialNumber",
                                              FieldType::Bytes};
// RFC 6962 section 3.3: the SCT list extension, framed only (count and bytes of each SCT).

// Longest byte string spelled out in a custom label ("modulus: 0x00b60d…"), as the tree
// printer does for plain byte fields.
inline constexpr std::size_t kLabelBytes = 36;

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
// Text (x509_values.cpp).

std::string printable(std::string_view utf8);
std::string escaped_bytes(Bytes bytes);
std::string hex_label(Bytes bytes);
std::string items(std::size_t n);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string iso_time(const std::tm& tm);
std::int64_t epoch_seconds(std::tm tm);

// ---------------------------------------------------------------------------------------
// Values of single elements, decoded by OpenSSL (x509_values.cpp).

struct Oid {
    std::string dotted;  // "2.5.29.17"
    std::string name;    // "id-ce-subjectAltName"; empty when OpenSSL does not know it
    int nid = NID_undef;
    std::string label() const { return name.empty() ? dotted : name; }
    std::string with_name() const { return name.empty() ? dotted : dotted + " (" + name + ")"; }
};

std::string asn1_identifier(std::string_view sn);
std::string dotted_oid(const ASN1_OBJECT* obj);
std::string oid_name(int nid, std::string_view dotted);
Oid describe_oid(const ASN1_OBJECT* obj);
std::optional<Oid> decode_oid(Bytes content);

struct DecodedString {
    std::string text;
    bool valid = true;
};

DecodedString decode_string(int type, Bytes content);
std::optional<std::tm> decode_time(const Element& e);
std::optional<std::uint64_t> decode_unsigned(const Element& e);
bool valid_integer(const Element& e);
std::optional<bool> decode_boolean(const Element& e);
Asn1BitStringPtr decode_bit_string(const Element& e);

// ---------------------------------------------------------------------------------------
// Walking (x509_walk.cpp; the OCSP parts in ocsp.cpp).

// Reports a reader's failure as the matching anomaly on `node`.
void report(NodeRef node, const der::Reader& r, std::string_view what = {});
// An element whose content was cut by the capture cannot be decoded: say so.
bool require_complete(NodeRef node, const Element& e, std::string_view what);


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

// Anomalies among the nodes added since `first` (x509.cpp).
bool has_anomaly(const Tree& tree, std::size_t first);

}  // namespace tlsdissect::x509_detail
