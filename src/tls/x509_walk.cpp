// The DER walk of one X.509 certificate (RFC 5280 section 4): every element a node with
// its byte offset, named as Wireshark's x509af, x509if, x509sat, x509ce,
// pkix1implicit, pkix1explicit and pkcs1 dissectors name it.
#include "tls/x509_walk.hpp"

namespace tlsdissect::x509_detail {

// ---------------------------------------------------------------------------------------
// Walking.

// Reports a reader's failure as the matching anomaly on `node`.
void report(NodeRef node, const der::Reader& r, std::string_view what) {
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


std::optional<Oid> CertificateWalk::oid_node(NodeRef parent, const FieldDef& def, const Element& e) {
    if (!require_complete(parent, e, def.label)) return std::nullopt;
    auto oid = decode_oid(e.content_bytes());
    if (!oid) {
        parent.malformed(std::string(def.label) + ": invalid OBJECT IDENTIFIER", e.offset, e.total_length());
        return std::nullopt;
    }
    parent.add(def, oid->dotted, e.offset, e.total_length())
        .set_text(def.label, ": ", oid->with_name());
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
            parent.add_bytes(kEncrypted, captured, at, len);
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
        node.add_bytes(kSerialNumber, b, serial->offset, serial->total_length())
            .set_text("serialNumber: 0x", hex_label(b));
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
    if (oid) node.set_text(def.label, " (", oid->label(), ")");
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
        node.add(kAlgorithmParameters, std::monostate{},
                      params->offset, params->total_length()).set_text("parameters (", params->total_length(), " bytes)");
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
    seq.set_text(sequence.label, ": ", items(rdns.size()), " (", text, ")");
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
        node.set_text(kAttributeTypeAndValue.label, " (", part, ")");
        parts.push_back(std::move(part));
    }
    const std::string text = join(parts, "+");
    if (Node* n = item.get()) n->value = std::uint64_t(parts.size());
    item.set_text(label, ": ", items(parts.size()), " (", text, ")");
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
    atv.add_bytes(kAnyString, content, v.offset, v.total_length());
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
        NodeRef k = node.add_bytes(kSubjectPublicKey, captured, bits.offset(),
                             bits.reported_remaining());
        if (!key->complete()) {
            node.truncated("subjectPublicKey cut short by the capture", bits.offset(), bits.reported_remaining());
        } else if (rsa) {
            rsa_public_key(k, bits, f);
        } else if (alg && alg->nid == NID_X9_62_id_ecPublicKey && !captured.empty()) {
            // SEC 1 section 2.3.3: the first octet says how the point is written.
            const char* form = captured[0] == 4 ? "uncompressed" : captured[0] == 2 || captured[0] == 3 ? "compressed"
                                                                                                      : "unknown form";
            k.set_text("subjectPublicKey: ", hex_label(captured), " (EC point, ", form, ", ", captured.size(), " bytes)");
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
        key.add_bytes(kModulus, b, m->offset, m->total_length())
            .set_text("modulus: 0x", hex_label(b));
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
            if (id) node.set_text("Extension (", id->label(), ")");
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
    list.set_text("extensions: ", items(count));
}

// The extnValue of the extensions this dissector knows, decoded; others as bytes.
void CertificateWalk::extension_value(NodeRef ext, const Oid& id, const Element& octets, Fields& outer) {
    auto as_bytes = [&] {
        const Bytes b = octets.content_bytes();
        ext.add_bytes(kExtnValue, b, octets.content.offset(), octets.length);
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
                ext.add_bytes(kSubjectKeyIdentifier, b, ski->offset, ski->total_length());
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
    node.set_text(def.label, ": ", items(count));
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
                other.add_bytes(kOtherNameValue, b, v->offset, v->total_length());
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
    NodeRef ku = ext.add_bytes(kKeyUsage, value, at, value.size());
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
    node.set_text("KeyPurposeIDs: ", items(count));
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
            qualifiers.set_text("policyQualifiers: ", items(n));
        }
        pf.finish("policyQualifiers");
    }
    if (Node* n = node.get()) n->value = std::uint64_t(count);
    node.set_text("CertificatePoliciesSyntax: ", items(count));
    if (const std::string level = cabf_validation_level(policy_oids); !level.empty())
        node.add_generated(kValidationLevel, level).set_text("[Validation level: ", level, "]");
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
                list.set_text("noticeNumbers: ", items(n));
            }
            rf.finish("noticeNumbers");
        }
        if (auto text = nf.any("explicitText"); text) display_text(notice, kExplicitText, *text);
        nf.finish("explicitText");
        return;
    }
    node.add(kPolicyQualifier, std::monostate{}, q->offset,
                  q->total_length()).set_text("qualifier (", q->total_length(), " bytes)");
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
    node.set_text("AuthorityInfoAccessSyntax: ", items(count));
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
            p.add_bytes(kReasons, b, reasons->offset, reasons->total_length());
        }
        if (auto issuer = pf.optional(TagClass::Context, 2)) general_names(p, kCrlIssuer, *issuer, pf);
        pf.finish("cRLIssuer");
    }
    if (Node* n = node.get()) n->value = std::uint64_t(count);
    node.set_text("CRLDistPointsSyntax: ", items(count));
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
        node.add_bytes(kKeyIdentifier, b, id->offset, id->total_length());
        require_complete(node, *id, "keyIdentifier");
    }
    if (auto issuer = f.optional(TagClass::Context, 1)) general_names(node, kAuthorityCertIssuer, *issuer, f);
    if (auto serial = f.optional(TagClass::Context, 2)) {
        const Bytes b = serial->content_bytes();
        node.add_bytes(kAuthorityCertSerialNumber, b, serial->offset, serial->total_length())
            .set_text("authorityCertSerialNumber: 0x", hex_label(b));
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

}  // namespace tlsdissect::x509_detail
