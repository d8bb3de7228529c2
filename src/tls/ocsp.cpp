// OCSP responses: the DER walk and OpenSSL's one-line reading.
#include "tls/x509_walk.hpp"

namespace tlsdissect {
namespace x509_detail {

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

}  // namespace


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
                    choice.set_text("responderID: byName (1): ", text);
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
            responses.set_text("responses: ", items(count));
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
                node.set_text("Certificate: ", certificate_one_line(summary));
            }
        }
        w.finish("certs");
        if (Node* n = list.get()) n->value = std::uint64_t(count);
        list.set_text("certs: ", items(count));
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
                .set_text("serialNumber: 0x", hex_label(b));
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

namespace {

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
}  // namespace x509_detail

using namespace x509_detail;

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

}  // namespace tlsdissect
