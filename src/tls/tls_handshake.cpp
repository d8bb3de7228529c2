// TLS handshake messages (RFC 8446 section 4, RFC 5246 section 7.4, RFC 4492 and
// RFC 8422 for ECDHE, RFC 6066 for CertificateStatus, RFC 8879 compressed certificates).
#include <algorithm>
#include <unordered_map>
#include <cctype>
#include <cstring>

#include "tls/tls_state.hpp"
#include "tls/certificate_compression.hpp"
#include "tls/fingerprints.hpp"
#include "tls/handshake_checks.hpp"
#include "tls/tls_common.hpp"
#include "tls/tls_fields.hpp"
#include "tlsdissect/read_field.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kHandshakeNode{"tls.handshake", "Handshake Protocol", FieldType::None};
constexpr FieldDef kHsType{"tls.handshake.type", "Handshake Type", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kHsLength{"tls.handshake.length", "Length", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kRandom{"tls.handshake.random", "Random", FieldType::Bytes};
constexpr FieldDef kSessionIdLen{"tls.handshake.session_id_length", "Session ID Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kSuitesLen{"tls.handshake.cipher_suites_length", "Cipher Suites Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSuites{"tls.handshake.ciphersuites", "Cipher Suites", FieldType::None};
constexpr FieldDef kSuite{"tls.handshake.ciphersuite", "Cipher Suite", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kCompLen{"tls.handshake.comp_methods_length", "Compression Methods Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kComps{"tls.handshake.comp_methods", "Compression Methods", FieldType::None};
constexpr FieldDef kComp{"tls.handshake.comp_method", "Compression Method", FieldType::UInt, Base::Dec, kTlsCompressionMethods, 0, 8};
constexpr FieldDef kExtLen{"tls.handshake.extensions_length", "Extensions Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kHrr{"tls.handshake.hello_retry_request", "HelloRetryRequest", FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Note};
constexpr FieldDef kDowngrade{"tls.handshake.random.downgrade", "Downgrade protection sentinel", FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Warn};

constexpr FieldDef kCertsLen{"tls.handshake.certificates_length", "Certificates Length", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kCerts{"tls.handshake.certificates", "Certificates", FieldType::None};
constexpr FieldDef kCertLen{"tls.handshake.certificate_length", "Certificate Length", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kCert{"tls.handshake.certificate", "Certificate", FieldType::Bytes};
constexpr FieldDef kCertContextLen{"tls.handshake.certificate_request_context_length", "Certificate Request Context Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kCertContext{"tls.handshake.certificate_request_context", "Certificate Request Context", FieldType::Bytes};

constexpr ValueName kCurveTypes[] = {{1, "explicit_prime"}, {2, "explicit_char2"}, {3, "named_curve"}};
constexpr FieldDef kEcdhParams{"tls.handshake.ecdh_params", "EC Diffie-Hellman Server Params", FieldType::None};
constexpr FieldDef kCurveType{"tls.handshake.server_curve_type", "Curve Type", FieldType::UInt, Base::Dec, kCurveTypes, 0, 8};
constexpr FieldDef kNamedCurve{"tls.handshake.server_named_curve", "Named Curve", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kServerPointLen{"tls.handshake.server_point_len", "Pubkey Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kServerPoint{"tls.handshake.server_point", "Pubkey", FieldType::Bytes};
constexpr FieldDef kDhParams{"tls.handshake.dh_params", "Diffie-Hellman Server Params", FieldType::None};
constexpr FieldDef kPLen{"tls.handshake.p_len", "p Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kP{"tls.handshake.p", "p", FieldType::Bytes};
constexpr FieldDef kGLen{"tls.handshake.g_len", "g Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kG{"tls.handshake.g", "g", FieldType::Bytes};
constexpr FieldDef kYsLen{"tls.handshake.ys_len", "Pubkey Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kYs{"tls.handshake.ys", "Pubkey", FieldType::Bytes};
constexpr FieldDef kSigLen{"tls.handshake.sig_len", "Signature Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSig{"tls.handshake.sig", "Signature", FieldType::Bytes};
constexpr FieldDef kVerifySigLen{"tls.handshake.client_cert_vrfy.sig_len", "Signature length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kVerifySig{"tls.handshake.client_cert_vrfy.sig", "Signature", FieldType::Bytes};
constexpr FieldDef kRsaParams{"tls.handshake.rsa_params", "RSA-EXPORT Server Params", FieldType::None};
constexpr FieldDef kModulusLen{"tls.handshake.modulus_len", "Modulus Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kModulus{"tls.handshake.modulus", "Modulus", FieldType::Bytes};
constexpr FieldDef kExponentLen{"tls.handshake.exponent_len", "Exponent Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kExponent{"tls.handshake.exponent", "Exponent", FieldType::Bytes};

constexpr FieldDef kClientPointLen{"tls.handshake.client_point_len", "Pubkey Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kClientPoint{"tls.handshake.client_point", "Pubkey", FieldType::Bytes};
constexpr FieldDef kEpmsLen{"tls.handshake.epms_len", "Encrypted PreMaster length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kEpms{"tls.handshake.epms", "Encrypted PreMaster", FieldType::Bytes};
constexpr FieldDef kYcLen{"tls.handshake.yc_len", "Pubkey Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kYc{"tls.handshake.yc", "Pubkey", FieldType::Bytes};
constexpr FieldDef kClientParams{"tls.handshake.client_params", "Client Params", FieldType::None};

constexpr FieldDef kCertTypesCount{"tls.handshake.cert_types_count", "Certificate types count", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kCertTypes{"tls.handshake.cert_types", "Certificate types", FieldType::None};
constexpr FieldDef kCertType{"tls.handshake.cert_type", "Certificate type", FieldType::UInt, Base::Dec, kTlsClientCertificateTypes, 0, 8};
constexpr FieldDef kDnamesLen{"tls.handshake.dnames_len", "Distinguished Names Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kDnames{"tls.handshake.dnames", "Distinguished Names", FieldType::None};
constexpr FieldDef kDname{"tls.handshake.dname", "Distinguished Name", FieldType::String};

constexpr FieldDef kTicketLifetime{"tls.handshake.session_ticket_lifetime_hint", "Session Ticket Lifetime Hint", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kTicketAgeAdd{"tls.handshake.session_ticket_age_add", "Session Ticket Age Add", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kTicketNonceLen{"tls.handshake.session_ticket_nonce_length", "Session Ticket Nonce Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kTicketNonce{"tls.handshake.session_ticket_nonce", "Session Ticket Nonce", FieldType::Bytes};
constexpr FieldDef kTicketLen{"tls.handshake.session_ticket_length", "Session Ticket Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kTicket{"tls.handshake.session_ticket", "Session Ticket", FieldType::Bytes};
constexpr FieldDef kVerifyData{"tls.handshake.verify_data", "Verify Data", FieldType::Bytes};
constexpr FieldDef kCertStatusLen{"tls.handshake.ocsp_response_len", "OCSP Response Length", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kOcspResponse{"tls.handshake.ocsp_response", "OCSP Response", FieldType::Bytes};
constexpr ValueName kKeyUpdateRequests[] = {{0, "update_not_requested"}, {1, "update_requested"}};
constexpr FieldDef kKeyUpdateRequest{"tls.handshake.key_update.request_update", "Key Update Request", FieldType::UInt, Base::Dec, kKeyUpdateRequests, 0, 8};
constexpr FieldDef kCompCertUncompressed{"tls.compress_certificate.uncompressed_length", "Uncompressed Length", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kCompCertLen{"tls.compress_certificate.compressed_certificate_message.length", "Length", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kCompCert{"tls.compress_certificate.compressed_certificate_message", "Compressed Certificate Message", FieldType::Bytes};
constexpr FieldDef kCompCertDecompressed{"tls.compress_certificate.decompressed", "Decompressed Certificate", FieldType::None};
constexpr FieldDef kBody{"tls.handshake.data", "Message Data", FieldType::Bytes};
// DTLS only (RFC 6347 section 4.2.2): the handshake header's reliability fields, the
// cookie of a Client Hello and a HelloVerifyRequest. The DTLS layer renames the other
// tls.* fields of its messages to dtls.*, as Wireshark names them.
constexpr FieldDef kMessageSeq{"dtls.handshake.message_seq", "Message Sequence", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kFragmentOffset{"dtls.handshake.fragment_offset", "Fragment Offset", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kFragmentLength{"dtls.handshake.fragment_length", "Fragment Length", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kCookieLen{"dtls.handshake.cookie_length", "Cookie Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kCookie{"dtls.handshake.cookie", "Cookie", FieldType::Bytes};
constexpr FieldDef kJa3Full{"tls.handshake.ja3_full", "JA3 Fullstring", FieldType::String};
constexpr FieldDef kJa3{"tls.handshake.ja3", "JA3", FieldType::String};
constexpr FieldDef kJa4{"tls.handshake.ja4", "JA4", FieldType::String};
constexpr FieldDef kJa3sFull{"tls.handshake.ja3s_full", "JA3S Fullstring", FieldType::String};
constexpr FieldDef kJa3s{"tls.handshake.ja3s", "JA3S", FieldType::String};
constexpr FieldDef kJa4s{"tls.handshake.ja4s", "JA4S", FieldType::String};
// Resumption across connections (tls/resumption.hpp); no Wireshark equivalent.
constexpr FieldDef kResumptionIssuedIn{"tlsdissect.resumption.issued_in", "Issued in frame", FieldType::FrameNum};
constexpr FieldDef kResumptionStream{"tlsdissect.resumption.stream", "Issued in stream", FieldType::UInt};
constexpr FieldDef kResumptionIssuerSeen{"tlsdissect.resumption.issuer_seen", "Issue seen", FieldType::Bool};
constexpr FieldDef kResumedFrom{"tlsdissect.resumption.resumed_from", "Resumes the session issued in frame",
                                FieldType::FrameNum};


std::string group_name(std::uint16_t v) {
    std::string n(iana_name(kTlsSupportedGroups, v, true));
    return n == "Unknown" ? "Unknown (0x" + hex_u16(v) + ")" : n;
}

// Display texts, built only for a packet that is shown (read_u16's `text`).
std::string version_text(std::uint16_t v) { return "Version: " + tls_version_name(v) + " (0x" + hex_u16(v) + ")"; }
std::string suite_text(std::uint16_t v) { return "Cipher Suite: " + cipher_suite_name(v) + " (0x" + hex_u16(v) + ")"; }
std::string scheme_text(std::uint16_t v) {
    return "Signature Algorithm: " + signature_scheme_name(v) + " (0x" + hex_u16(v) + ")";
}

// A <len>-prefixed opaque vector shown as length + bytes.
std::optional<Bytes> opaque(ByteReader& r, int prefix_bytes, NodeRef parent, const FieldDef& len_def,
                            const FieldDef& data_def, const char* what) {
    std::optional<std::uint32_t> len;
    if (prefix_bytes == 1) {
        if (auto v = read_u8(r, parent, len_def)) len = *v;
    } else if (prefix_bytes == 2) {
        if (auto v = read_u16(r, parent, len_def)) len = *v;
    } else {
        len = read_u24(r, parent, len_def);
    }
    if (!len) {
        parent.short_read(r, what);
        return std::nullopt;
    }
    // Unlike a child reader, the bytes must all be captured; an empty vector has no data node.
    auto b = read_bytes(r, *len, *len ? parent : NodeRef{}, data_def);
    if (!b) {
        parent.short_read(r, what);
        r.take_rest();
        return std::nullopt;
    }
    return b;
}

std::optional<Bytes> add_signature(ByteReader& r, NodeRef parent, bool with_scheme, TlsConnectionFacts* facts,
                                   const FieldDef& len_def = kSigLen, const FieldDef& sig_def = kSig) {
    if (with_scheme) {
        auto scheme = read_u16(r, parent, kSigAlg, scheme_text);
        if (!scheme) {
            parent.short_read(r, "signature algorithm");
            return std::nullopt;
        }
        if (facts) facts->ske_signature_scheme = *scheme;
    }
    return opaque(r, 2, parent, len_def, sig_def, "signature");
}

// Returns false when the random could not be read (the caller stops: a failed read
// consumes nothing, so what follows would be read from the wrong place).
bool hello_random(ByteReader& r, NodeRef hs, std::vector<std::uint8_t>& store, bool server) {
    auto random = read_bytes(r, 32, hs, kRandom);
    if (!random) {
        hs.short_read(r, "random");
        return false;
    }
    store.assign(random->begin(), random->end());
    if (!server) return true;
    // RFC 8446 section 4.1.3: a TLS 1.3 server that negotiates TLS 1.2 or below puts
    // "DOWNGRD" + 01/00 in the last eight bytes.
    static const std::uint8_t kDowngrade12[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
    static const std::uint8_t kDowngrade11[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00};
    if (std::memcmp(random->data() + 24, kDowngrade12, 8) == 0)
        hs.expert(kDowngrade, "Server random ends with the TLS 1.2 downgrade sentinel (RFC 8446 4.1.3)");
    else if (std::memcmp(random->data() + 24, kDowngrade11, 8) == 0)
        hs.expert(kDowngrade, "Server random ends with the TLS 1.1-or-below downgrade sentinel (RFC 8446 4.1.3)");
    return true;
}

bool session_id(ByteReader& r, NodeRef hs, std::vector<std::uint8_t>& store) {
    auto b = opaque(r, 1, hs, kSessionIdLen, kSessionId, "session ID");
    if (b) store.assign(b->begin(), b->end());
    return b.has_value();
}

void extensions_block(ByteReader& r, NodeRef hs, std::uint8_t type, int side, TlsConnectionFacts& facts) {
    if (r.empty()) return;  // extensions are optional before TLS 1.3
    auto block = read_u16_prefixed(r, hs, kExtLen);
    if (!block) {
        hs.short_read(r, "extensions");
        r.take_rest();
        return;
    }
    dissect_extensions(*block, hs, type, side, facts);
}

// RFC 8446 section 4.1.2:
//   struct {
//       ProtocolVersion legacy_version = 0x0303;
//       Random random;
//       opaque legacy_session_id<0..32>;
//       CipherSuite cipher_suites<2..2^16-2>;
//       opaque legacy_compression_methods<1..2^8-1>;
//       Extension extensions<8..2^16-1>;
//   } ClientHello;
void client_hello(ByteReader& r, NodeRef hs, TlsConnectionFacts& facts) {
    auto version = read_u16(r, hs, kHsVersion, version_text);
    if (!version) {
        hs.short_read(r, "Client Hello");
        return;
    }
    facts.client_hello_version = *version;
    // A Client Hello after the first one keeps the first intact (tls_common.hpp).
    using Slot = TlsConnectionFacts::ClientHelloSlot;
    facts.client_hello_slot = !facts.client_hello.seen ? Slot::First
                              : facts.hello_retry_request && !facts.client_hello_retry.seen ? Slot::Retry
                                                                                             : Slot::Later;
    HelloFacts& hello = facts.current_client_hello();
    hello = HelloFacts{};
    hello.seen = true;
    hello.version = *version;
    if (!hello_random(r, hs, facts.client_random, false) || !session_id(r, hs, facts.client_session_id)) {
        r.take_rest();
        return;
    }
    facts.note_offer(ResumptionKind::SessionId, facts.client_session_id);
    // RFC 6347 section 4.2.1: opaque cookie<0..2^8-1>, after the session ID.
    if (facts.dtls && !opaque(r, 1, hs, kCookieLen, kCookie, "cookie")) {
        r.take_rest();
        return;
    }
    const std::size_t at = r.offset();
    auto suites = read_u16_prefixed(r, hs, kSuitesLen);
    if (!suites) {
        hs.short_read(r, "cipher suites");
        r.take_rest();
        return;
    }
    const std::size_t n = suites->reported_remaining() / 2;
    NodeRef list = hs ? hs.add_text(kSuites, "Cipher Suites (" + std::to_string(n) + " suite" + (n == 1 ? "" : "s") + ")",
                                    suites->offset(), suites->reported_remaining())
                      : NodeRef{};
    if (suites->reported_remaining() % 2) list.malformed("cipher suite list of odd length", at, 2);
    while (suites->reported_remaining() >= 2) {
        auto s = read_u16(*suites, list, kSuite, suite_text);
        if (!s) {
            list.short_read(*suites, "cipher suite");
            break;
        }
        hello.cipher_suites.push_back(*s);
    }
    auto comps = read_u8_prefixed(r, hs, kCompLen);
    if (!comps) {
        hs.short_read(r, "compression methods");
        r.take_rest();
        return;
    }
    NodeRef clist = hs ? hs.add_text(kComps, "Compression Methods (" + std::to_string(comps->reported_remaining()) +
                                                 " method" + (comps->reported_remaining() == 1 ? "" : "s") + ")",
                                     comps->offset(), comps->reported_remaining())
                       : NodeRef{};
    while (!comps->empty()) {
        auto c = read_u8(*comps, clist, kComp);
        if (!c) {
            clist.short_read(*comps, "compression method");
            break;
        }
        hello.compression_methods.push_back(*c);
    }
    extensions_block(r, hs, kClientHello, 0, facts);
}

// RFC 8446 section 4.1.3:
//   struct {
//       ProtocolVersion legacy_version = 0x0303;
//       Random random;
//       opaque legacy_session_id_echo<0..32>;
//       CipherSuite cipher_suite;
//       uint8 legacy_compression_method = 0;
//       Extension extensions<6..2^16-1>;
//   } ServerHello;
void server_hello(ByteReader& r, NodeRef hs, TlsConnectionFacts& facts, std::string& name) {
    auto version = read_u16(r, hs, kHsVersion, version_text);
    if (!version) {
        hs.short_read(r, "Server Hello");
        return;
    }
    facts.server_hello = HelloFacts{};
    facts.server_hello.seen = true;
    facts.server_hello.version = *version;
    if (!hello_random(r, hs, facts.server_random, true)) {
        r.take_rest();
        return;
    }
    // TLS 1.3 drafts before 22 had no session ID echo and no compression method.
    const bool early_draft = ((*version >> 8) == 0x7f && (*version & 0xff) < 22) || (*version >> 8) == 0x7e;
    const bool hrr = facts.server_random.size() == 32 &&
                     std::memcmp(facts.server_random.data(), kHelloRetryRequestRandom, 32) == 0;
    facts.parsing_hello_retry_request = hrr;
    if (hrr) {
        facts.hello_retry_request = true;
        name = "Hello Retry Request";
        hs.expert(kHrr, "This Server Hello is a HelloRetryRequest (its random is the special value of RFC 8446 4.1.3)");
    }
    if (!early_draft && !session_id(r, hs, facts.server_session_id)) {
        r.take_rest();
        return;
    }
    auto suite = read_u16(r, hs, kSuite, suite_text);
    if (!suite) {
        hs.short_read(r, "Server Hello");
        r.take_rest();
        return;
    }
    const NodeRef suite_node = hs.last_child();
    facts.server_hello.cipher_suites.assign(1, *suite);
    if (!early_draft) {
        auto comp = read_u8(r, hs, kComp);
        if (!comp) {
            hs.short_read(r, "Server Hello");
            r.take_rest();
            return;
        }
        facts.server_hello.compression_methods.assign(1, *comp);
    }
    if (!hrr) {
        facts.cipher_suite = *suite;
        facts.negotiated_version = *version;  // supported_versions overrides below
    }
    extensions_block(r, hs, kServerHello, 1, facts);
    facts.parsing_hello_retry_request = false;
    // Resumption: TLS <= 1.2 echoes a non-empty session ID (or accepts a ticket, which
    // shows as no Certificate following); TLS 1.3 selects a PSK. The TLS 1.3
    // legacy_session_id_echo is compatibility padding, not resumption.
    if (!hrr && !facts.tls13() && !facts.server_session_id.empty() &&
        facts.server_session_id == facts.client_session_id) {
        facts.resumed = true;
        hs.expert(kSessionResumed, "Session resumed: the server echoed the client's session ID");
    }
    if (!hrr && facts.tls13() && facts.server_selected_psk) {
        facts.resumed = true;
        hs.expert(kSessionResumed, "Session resumed: the server selected a pre-shared key");
    }
    // Early data needs the PSK it was sent under, and is never accepted after a
    // HelloRetryRequest (RFC 8446 section 4.2.10).
    if (facts.early_data_offered && (hrr || !facts.tls13() || !facts.server_selected_psk))
        facts.early_data_accepted = false;
    if (!hrr) add_cipher_suite_parts(suite_node, facts);
}

// RFC 5246 section 7.4.2 / RFC 8446 section 4.4.2:
//   opaque ASN.1Cert<1..2^24-1>;
//   struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;            (TLS 1.2)
//   struct { opaque certificate_request_context<0..2^8-1>;
//            CertificateEntry certificate_list<0..2^24-1>; } Certificate;      (TLS 1.3)
//   struct { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>; } CertificateEntry;
void certificate(ByteReader& r, NodeRef hs, int side, TlsConnectionFacts& facts, PacketContext& ctx) {
    const bool tls13 = facts.tls13();
    if (tls13) opaque(r, 1, hs, kCertContextLen, kCertContext, "certificate request context");
    auto list = read_u24_prefixed(r, hs, kCertsLen);
    if (!list) {
        hs.short_read(r, "certificate list");
        r.take_rest();
        return;
    }
    NodeRef certs = hs.add(kCerts, std::monostate{}, list->offset(), list->reported_remaining());
    auto& chain = side == 0 ? facts.client_certificates : facts.certificates;
    chain.clear();
    std::size_t count = 0;
    while (!list->empty()) {
        auto der = read_u24_prefixed(*list, certs, kCertLen);
        if (!der) {
            certs.short_read(*list, "certificate");
            break;
        }
        ++count;
        NodeRef node;
        if (certs) node = certs.add_bytes(kCert, der->rest(), der->offset(), der->reported_remaining());
        // dissect_x509_certificate remembers what OpenSSL decoded of each certificate.
        CertificateSummary summary = dissect_x509_certificate(*der, node);
        if (node) node.set_text("Certificate: ", certificate_one_line(summary));
        chain.push_back(std::move(summary));
        if (tls13) {
            auto ext = read_u16_prefixed(*list, certs, kExtLen);
            if (!ext) {
                certs.short_read(*list, "certificate entry extensions");
                break;
            }
            dissect_extensions(*ext, certs, kCertificate, side, facts);
        }
    }
    if (certs) certs.set_text("Certificates (" + std::to_string(list->reported_remaining() == 0 ? count : count) +
                              " certificate" + (count == 1 ? "" : "s") + ")");
    if (side == 1) facts.server_sent_certificate = true;
    if (side == 1) check_server_chain(hs, facts, ctx);
}

// RFC 8879 section 4: the Certificate message inside a CompressedCertificate,
// decompressed and dissected as if it had been sent as is, from the decompressed bytes
// as a data source of their own. `at`, `length`: the CompressedCertificate body.
void compressed_certificate(std::uint16_t algorithm, std::uint32_t uncompressed_length, Bytes compressed,
                            std::size_t at, std::size_t length, NodeRef hs, int side, TlsConnectionFacts& facts,
                            PacketContext& ctx) {
    DecompressedCertificate d = decompress_certificate(algorithm, compressed, uncompressed_length);
    if (!d.error.empty()) {
        hs.malformed("compressed certificate not decompressed: " + d.error, at, length);
        return;
    }
    const std::size_t n = d.bytes.size();
    const std::string label = "Decompressed Certificate (" + std::to_string(n) + " bytes)";
    NodeRef inner;
    Bytes bytes = d.bytes;
    if (hs) {
        const std::uint16_t source = hs.tree()->add_source(label, std::move(d.bytes));
        bytes = hs.tree()->source_bytes(source);
        inner = hs.add_text(kCompCertDecompressed, label, 0, n, source);
    }
    ByteReader r(bytes, n, 0);
    certificate(r, inner, side, facts, ctx);
    if (!r.empty()) inner.malformed(std::to_string(r.remaining()) + " trailing bytes after the Certificate", r.offset(), r.remaining());
}

// RFC 8422 section 5.4 (ECDHE), RFC 5246 section 7.4.3 (DHE):
//   struct { ECCurveType curve_type; NamedCurve namedcurve; opaque point <1..2^8-1>; } ServerECDHParams;
//   struct { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; } ServerDHParams;
//   followed by a signature (with its SignatureAndHashAlgorithm from TLS 1.2 on).
void server_key_exchange(ByteReader& r, NodeRef hs, TlsConnectionFacts& facts) {
    const bool with_scheme = !facts.negotiated_version || *facts.negotiated_version >= 0x0303;
    const std::string suite = facts.cipher_suite ? cipher_suite_name(*facts.cipher_suite) : std::string();
    const bool ecdhe = suite.find("_ECDHE_") != std::string::npos || suite.find("_ECDH_anon_") != std::string::npos;
    const bool dhe = suite.find("_DHE_") != std::string::npos || suite.find("_DH_anon_") != std::string::npos;
    const bool anon = suite.find("_anon_") != std::string::npos;
    // Without a known suite, the first byte 3 (named_curve) is a good guess for ECDHE.
    const bool looks_ec = ecdhe || (!dhe && r.peek_u8() == std::uint8_t{3});
    // The signature covers the params before it (RFC 5246 7.4.3); keep both for the check.
    const Bytes whole = r.rest();
    const std::size_t begin = r.offset();
    facts.ske_params.clear();
    facts.ske_signature.clear();
    if (!with_scheme) facts.ske_signature_scheme.reset();
    auto add_ske_signature = [&](NodeRef p) {
        facts.ske_params.assign(whole.begin(), whole.begin() + static_cast<long>(std::min(whole.size(), r.offset() - begin)));
        auto sig = add_signature(r, p, with_scheme, &facts);
        if (!sig) return;
        facts.ske_signature.assign(sig->begin(), sig->end());
        if (const NodeRef last = p.last_child(); last && last.get()->def == &kSig)
            add_server_key_exchange_check(last, facts);
    };
    if (looks_ec) {
        NodeRef p = hs.add(kEcdhParams, std::monostate{}, r.offset(), r.reported_remaining());
        const std::size_t curve_at = r.offset();
        auto curve_type = read_u8(r, p, kCurveType);
        if (!curve_type) {
            p.short_read(r, "EC parameters");
            return;
        }
        facts.ecdhe_curve_type = *curve_type;
        if (*curve_type != 3) {
            p.malformed("only named curves are used in practice (curve type " + std::to_string(*curve_type) + ")",
                        curve_at, 1);
            return;
        }
        auto group = read_u16(r, p, kNamedCurve, [](std::uint16_t g) {
            return "Named Curve: " + group_name(g) + " (0x" + hex_u16(g) + ")";
        });
        if (!group) {
            p.short_read(r, "named curve");
            return;
        }
        facts.kx_group = *group;
        if (auto point = opaque(r, 1, p, kServerPointLen, kServerPoint, "EC point")) facts.kx_public_key_length = point->size();
        if (!anon && !r.empty()) add_ske_signature(p);
        return;
    }
    {
        const bool rsa_export = !dhe && suite.find("_EXPORT") != std::string::npos && suite.find("_RSA_") != std::string::npos;
        if (rsa_export) {
            NodeRef p = hs.add(kRsaParams, std::monostate{}, r.offset(), r.reported_remaining());
            opaque(r, 2, p, kModulusLen, kModulus, "RSA modulus");
            opaque(r, 2, p, kExponentLen, kExponent, "RSA exponent");
            if (!r.empty()) add_ske_signature(p);
            return;
        }
        NodeRef p = hs.add(kDhParams, std::monostate{}, r.offset(), r.reported_remaining());
        auto prime = opaque(r, 2, p, kPLen, kP, "DH p");
        opaque(r, 2, p, kGLen, kG, "DH g");
        if (auto ys = opaque(r, 2, p, kYsLen, kYs, "DH Ys")) facts.kx_public_key_length = ys->size();
        if (prime) facts.kx_public_key_length = prime->size();
        if (prime) facts.dh_prime_length = prime->size();
        if (!anon && !r.empty()) add_ske_signature(p);
    }
}

// RFC 5246 section 7.4.7 / RFC 8422 section 5.7:
//   select (KeyExchangeAlgorithm) { case rsa: EncryptedPreMasterSecret; (<0..2^16-1> from TLS 1.0 on)
//     case dhe: ClientDiffieHellmanPublic (opaque dh_Yc<1..2^16-1>); case ecdhe: opaque point <1..2^8-1>; }
void client_key_exchange(ByteReader& r, NodeRef hs, TlsConnectionFacts& facts) {
    const std::string suite = facts.cipher_suite ? cipher_suite_name(*facts.cipher_suite) : std::string();
    NodeRef p = hs.add(kClientParams, std::monostate{}, r.offset(), r.reported_remaining());
    if (suite.find("_ECDHE_") != std::string::npos || suite.find("_ECDH_") != std::string::npos) {
        p.set_text("EC Diffie-Hellman Client Params");
        opaque(r, 1, p, kClientPointLen, kClientPoint, "EC point");
    } else if (suite.find("_DHE_") != std::string::npos || suite.find("_DH_") != std::string::npos) {
        p.set_text("Diffie-Hellman Client Params");
        opaque(r, 2, p, kYcLen, kYc, "DH Yc");
    } else if (facts.negotiated_version && *facts.negotiated_version == 0x0300) {
        // SSL 3.0 sends the RSA-encrypted premaster secret without a length.
        p.set_text("RSA Encrypted PreMaster Secret");
        read_rest(r, p, kEpms);
    } else if (facts.cipher_suite) {
        p.set_text("RSA Encrypted PreMaster Secret");
        opaque(r, 2, p, kEpmsLen, kEpms, "encrypted premaster secret");
    } else {
        // Without the Server Hello the key exchange is unknown: show bytes, guess nothing.
        p.set_text("Client Key Exchange parameters (key exchange unknown: no Server Hello seen)");
        read_rest(r, p, kBody);
    }
}

// RFC 5246 section 7.4.4:
//   struct { ClientCertificateType certificate_types<1..2^8-1>;
//            SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
//            DistinguishedName certificate_authorities<0..2^16-1>; } CertificateRequest;
// RFC 8446 section 4.3.2:
//   struct { opaque certificate_request_context<0..2^8-1>; Extension extensions<2..2^16-1>; } CertificateRequest;
void certificate_request(ByteReader& r, NodeRef hs, int side, TlsConnectionFacts& facts) {
    if (facts.tls13()) {
        opaque(r, 1, hs, kCertContextLen, kCertContext, "certificate request context");
        extensions_block(r, hs, kCertificateRequest, side, facts);
        return;
    }
    auto types = read_u8_prefixed(r, hs, kCertTypesCount);
    if (!types) {
        hs.short_read(r, "certificate types");
        r.take_rest();
        return;
    }
    NodeRef tl = hs.add(kCertTypes, std::monostate{}, types->offset(), types->reported_remaining());
    if (tl) tl.set_text("Certificate types (", types->reported_remaining(), " types)");
    while (read_u8(*types, tl, kCertType)) {}
    if (!facts.negotiated_version || *facts.negotiated_version >= 0x0303) {
        auto algs = read_u16_prefixed(r, hs, kSigAlgsLen);
        if (!algs) {
            hs.short_read(r, "signature algorithms");
            r.take_rest();
            return;
        }
        NodeRef al = hs.add(kSigAlgs, std::monostate{}, algs->offset(), algs->reported_remaining());
        const std::size_t count = algs->reported_remaining() / 2;
        if (al) al.set_text("Signature Hash Algorithms (", count, " algorithms)");
        while (read_u16(*algs, al, kSigAlg, scheme_text)) {}
    }
    auto names = read_u16_prefixed(r, hs, kDnamesLen);
    if (!names) {
        hs.short_read(r, "distinguished names");
        r.take_rest();
        return;
    }
    NodeRef dl = hs.add(kDnames, std::monostate{}, names->offset(), names->reported_remaining());
    std::size_t count = 0;
    while (!names->empty()) {
        const std::size_t nat = names->offset();
        auto dn = names->u16_prefixed();
        if (!dn) {
            dl.short_read(*names, "distinguished name");
            break;
        }
        ++count;
        Bytes b = dn->rest();
        dl.add(kDname, hex_string(b), nat, dn->reported_remaining() + 2)
            .set_text("Distinguished Name (", b.size(), " bytes of DER)");
    }
    dl.set_text("Distinguished Names (", count, " names)");
}

// RFC 5077 section 3.3 (TLS 1.2) / RFC 8446 section 4.6.1 (TLS 1.3):
//   struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket;
//   struct { uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
//            opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>; } NewSessionTicket;
Bytes new_session_ticket(ByteReader& r, NodeRef hs, int side, TlsConnectionFacts& facts) {
    auto lifetime = read_u32(r, hs, kTicketLifetime, [](std::uint32_t s) {
        return "Session Ticket Lifetime Hint: " + std::to_string(s) + " seconds";
    });
    if (!lifetime) {
        hs.short_read(r, "New Session Ticket");
        return {};
    }
    facts.ticket_lifetime = *lifetime;
    const bool tls13 = facts.tls13();
    if (tls13) {
        read_u32(r, hs, kTicketAgeAdd);
        opaque(r, 1, hs, kTicketNonceLen, kTicketNonce, "ticket nonce");
    }
    Bytes ticket;
    if (auto t = opaque(r, 2, hs, kTicketLen, kTicket, "session ticket")) {
        facts.ticket_length = t->size();
        ticket = *t;
    }
    if (tls13) extensions_block(r, hs, kNewSessionTicket, side, facts);
    return ticket;
}

std::string stream_text(const ResumptionSource& s) {
    return concat(s.transport == "tcp" ? "tcp" : "udp", ".stream ", s.stream);
}

// A server issued a session ID or ticket: remembered with this connection and frame.
void remember_issued(ResumptionKind kind, Bytes bytes, const TlsConnectionFacts& facts, PacketContext& ctx) {
    ResumptionSource source{facts.transport, facts.stream, ctx.frame.number,
                            connection_uid(facts.transport, ctx.dst, ctx.dst_port, ctx.src, ctx.src_port,
                                           facts.first_ts_ns)};
    ctx.state->get<TlsState>().resumption.issued(kind, bytes, std::move(source));
}

// What the Client Hello offered to resume with, found among what earlier connections
// issued; shown under the handshake message.
void link_offers(NodeRef hs, TlsConnectionFacts& facts, PacketContext& ctx) {
    const ResumptionIndex& index = ctx.state->get<TlsState>().resumption;
    for (ResumptionOffer& o : facts.resumption_offers) {
        if (!o.source)
            if (const ResumptionSource* s = index.find(o)) o.source = *s;
        if (!hs) continue;
        const std::string what = o.kind == ResumptionKind::SessionId ? "Session ID"
                                 : o.psk ? "PSK identity " + std::to_string(o.identity) + " (a ticket)"
                                         : "Session ticket";
        if (o.source) {
            const char* by = o.kind == ResumptionKind::SessionId ? "Server Hello" : "New Session Ticket";
            NodeRef n = hs.add_generated(kResumptionIssuedIn, o.source->frame);
            n.set_text(what, " issued in frame ", o.source->frame, " (", by, " of ", stream_text(*o.source), ")");
            n.add_generated(kResumptionStream, std::uint64_t(o.source->stream));
        } else if (o.kind == ResumptionKind::Ticket) {
            // TLS 1.3 tickets travel encrypted: without the key log their issue is not seen.
            hs.add_generated(kResumptionIssuerSeen, false)
                .set_text(what + ": not seen issued earlier in this capture" +
                          (o.psk ? " (a TLS 1.3 New Session Ticket is encrypted: seen only with the key log)" : ""));
        }
    }
}

}  // namespace

// RFC 8446 section 4:
//   struct {
//       HandshakeType msg_type;    /* handshake type */
//       uint24 length;             /* remaining bytes in message */
//       select (Handshake.msg_type) { ... };
//   } Handshake;
// DTLS (RFC 6347 section 4.2.2) adds, after the length:
//       uint16 message_seq; uint24 fragment_offset; uint24 fragment_length;
// A DTLS message given here is whole (reassembled, or a single fragment covering it).
void dissect_handshake_message(ByteReader r, NodeRef parent, int side, TlsConnectionFacts& facts, PacketContext& ctx,
                               std::string& info) {
    const std::size_t start = r.offset();
    const std::size_t header = facts.dtls ? 12 : 4;
    auto type = r.u8();
    auto length = r.u24();
    std::optional<std::uint16_t> message_seq;
    std::optional<std::uint32_t> fragment_offset, fragment_length;
    if (facts.dtls && length) {
        message_seq = r.u16();
        fragment_offset = message_seq ? r.u24() : std::nullopt;
        fragment_length = fragment_offset ? r.u24() : std::nullopt;
    }
    NodeRef hs = parent.add(kHandshakeNode, std::monostate{}, start, header + (length ? *length : 0u));
    if (!length || (facts.dtls && !fragment_length)) {
        hs.set_text("Handshake Protocol");
        hs.short_read(r, "handshake header");
        return;
    }
    std::string name = handshake_type_name(*type);
    hs.add(kHsType, std::uint64_t(*type), start, 1)
        .set_text("Handshake Type: ", name, " (", *type, ")");
    hs.add(kHsLength, std::uint64_t(*length), start + 1, 3);
    if (facts.dtls) {
        hs.add(kMessageSeq, std::uint64_t(*message_seq), start + 4, 2);
        hs.add(kFragmentOffset, std::uint64_t(*fragment_offset), start + 6, 3);
        hs.add(kFragmentLength, std::uint64_t(*fragment_length), start + 9, 3);
    }
    auto body_opt = r.child(*length);
    if (!body_opt) {
        hs.set_text("Handshake Protocol: ", name);
        hs.short_read(r, name);
        return;
    }
    ByteReader body = *body_opt;
    switch (*type) {
        case kHelloRequest:
        case kServerHelloDone:
        case kEndOfEarlyData:
            break;
        case kClientHello:
            client_hello(body, hs, facts);
            if (hs && facts.client_hello.seen) {
                // Fingerprints as generated fields, named as Wireshark 4.2+ names them.
                const HelloFacts& hello = facts.current_client_hello();
                Fingerprint j3 = ja3(hello);
                hs.add_generated(kJa3Full, j3.text);
                hs.add_generated(kJa3, j3.hash);
                hs.add_generated(kJa4, ja4(hello, !facts.sni.empty(), facts.ja4_transport()));
            }
            link_offers(hs, facts, ctx);
            if (hs) {
                const TlsState& tls = ctx.state->get<TlsState>();
                if (tls.annotate_client_hello) tls.annotate_client_hello(hs, facts, ctx);
            }
            break;
        case kServerHello:
            server_hello(body, hs, facts, name);
            if (side == 1 && facts.server_hello.seen && !facts.parsing_hello_retry_request) {
                // A TLS 1.2 full handshake's new session ID (TLS 1.3's is the client's, echoed).
                if (!facts.tls13() && !facts.resumed)
                    remember_issued(ResumptionKind::SessionId, facts.server_session_id, facts, ctx);
                if (const ResumptionOffer* o = facts.resumed_with(); o && hs)
                    hs.add_generated(kResumedFrom, o->source->frame)
                        .set_text("Resumes the session issued in frame ", o->source->frame, " (", stream_text(*o->source), ")");
            }
            if (hs && facts.server_hello.seen && !facts.parsing_hello_retry_request) {
                Fingerprint j3s = ja3s(facts.server_hello);
                hs.add_generated(kJa3sFull, j3s.text);
                hs.add_generated(kJa3s, j3s.hash);
                hs.add_generated(kJa4s, ja4s(facts.server_hello, facts.ja4_transport()));
            }
            break;
        case kHelloVerifyRequest: {
            // RFC 6347 section 4.2.1:
            //   struct { ProtocolVersion server_version; opaque cookie<0..2^8-1>; } HelloVerifyRequest;
            if (!read_u16(body, hs, kHsVersion, version_text)) {
                hs.short_read(body, "Hello Verify Request");
                break;
            }
            if (auto cookie = opaque(body, 1, hs, kCookieLen, kCookie, "cookie")) {
                facts.dtls_cookie.assign(cookie->begin(), cookie->end());
                facts.hello_verify_request_frame = ctx.frame.number;
            }
            break;
        }
        case kNewSessionTicket:
            if (Bytes ticket = new_session_ticket(body, hs, side, facts); side == 1)
                remember_issued(ResumptionKind::Ticket, ticket, facts, ctx);
            break;
        case kEncryptedExtensions:
            // Early data is accepted only by an early_data extension in here.
            if (facts.early_data_offered) facts.early_data_accepted = false;
            extensions_block(body, hs, kEncryptedExtensions, side, facts);
            break;
        case kCertificate:
            certificate(body, hs, side, facts, ctx);
            break;
        case kServerKeyExchange:
            server_key_exchange(body, hs, facts);
            break;
        case kCertificateRequest:
            certificate_request(body, hs, side, facts);
            break;
        case kCertificateVerify:
            // RFC 8446 4.4.3 / RFC 5246 7.4.8: struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; }
            add_signature(body, hs, !facts.negotiated_version || *facts.negotiated_version >= 0x0303, nullptr,
                          kVerifySigLen, kVerifySig);
            break;
        case kClientKeyExchange:
            client_key_exchange(body, hs, facts);
            break;
        case kFinished:
            read_rest(body, hs, kVerifyData);
            break;
        case kCertificateStatus:
            dissect_certificate_status(body, hs);
            break;
        case kKeyUpdate:
            read_u8(body, hs, kKeyUpdateRequest);
            break;
        case kCompressedCertificate: {
            // RFC 8879 section 4: struct { CertificateCompressionAlgorithm algorithm;
            //   uint24 uncompressed_length; opaque compressed_certificate_message<1..2^24-1>; }
            const std::size_t at = body.offset();
            auto algorithm = read_u16(body, hs, kCertCompressionAlg);
            auto uncompressed_length = read_u24(body, hs, kCompCertUncompressed);
            auto compressed = opaque(body, 3, hs, kCompCertLen, kCompCert, "compressed certificate");
            if (algorithm && uncompressed_length && compressed && body.captured_all())
                compressed_certificate(*algorithm, *uncompressed_length, *compressed, at, body.offset() - at, hs, side,
                                       facts, ctx);
            break;
        }
        default:
            read_rest(body, hs, kBody, EmptyField::Omit);
            break;
    }
    hs.set_text("Handshake Protocol: ", name);
    if (!body.empty()) {
        if (body.captured_all())
            hs.malformed(std::to_string(body.remaining()) + " trailing bytes after the " + name, body.offset(),
                         body.remaining());
    }
    facts.handshake.push_back({ctx.frame.number, ctx.frame.ts_ns, side, *type});
    if (*type == kClientHello) facts.current_client_hello().frame = ctx.frame.number;
    if (*type == kServerHello) facts.server_hello.frame = ctx.frame.number;
    if (!info.empty()) info += ", ";
    info += name;
}

// RFC 6066 section 8: struct { CertificateStatusType status_type; select (status_type) {
//   case ocsp: OCSPResponse; } response; }  opaque OCSPResponse<1..2^24-1>;
// (RFC 6961's ocsp_multi, type 2, holds a list of them: shown as bytes.)
void dissect_certificate_status(ByteReader& r, NodeRef parent) {
    auto type = read_u8(r, parent, kCertStatusType);
    if (!type) {
        parent.short_read(r, "certificate status type");
        return;
    }
    if (*type != 1) {
        opaque(r, 3, parent, kCertStatusLen, kOcspResponse, "OCSP response");
        return;
    }
    auto response = read_u24_prefixed(r, parent, kCertStatusLen);
    if (!response) {
        parent.short_read(r, "OCSP response");
        r.take_rest();
        return;
    }
    if (!parent) return;
    NodeRef node =
        parent.add_bytes(kOcspResponse, response->rest(), response->offset(), response->reported_remaining());
    const std::string summary = dissect_ocsp_response(*response, node);
    node.set_text(summary.empty() ? std::string("OCSP Response") : "OCSP Response: " + summary);
}

}  // namespace tlsdissect
