// XMPP's STARTTLS (RFC 6120 section 5.4: <starttls/>, then <proceed/>) and LDAP's
// StartTLS extended operation (RFC 4511 section 4.14: an ExtendedRequest named
// 1.3.6.1.4.1.1466.20037, then an ExtendedResponse with resultCode success).
#include <string>

#include "starttls/starttls.hpp"
#include "starttls/starttls_common.hpp"
#include "tlsdissect/read_field.hpp"
#include "transport/message_application.hpp"

namespace tlsdissect {

namespace {

std::string_view text_of(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// ---------------------------------------------------------------------------------------
// XMPP: the stream is XML without framing; each run of bytes is shown as it came.

constexpr FieldDef kXmpp{"xmpp", "XMPP Protocol", FieldType::Protocol};
// Wireshark's XMPP dissector parses the XML; these show the text as sent.
constexpr FieldDef kXmppText{"xmpp.text", "XML", FieldType::String};
constexpr std::string_view kTlsNamespace = "urn:ietf:params:xml:ns:xmpp-tls";

class Xmpp final : public MessageApplication {
public:
    explicit Xmpp(int client) : MessageApplication(client) {}

    void on_stream_event(int side, const StreamEvent& e, PacketContext& ctx) override {
        feed(
            side, e, ctx,
            [](Bytes h) {
                if (h.empty()) return PduShape::need(1);
                if (starts_tls_handshake(h)) return PduShape::pdu(1, 1);
                // Up to the next '<' after the first byte (one XML piece at a time).
                for (std::size_t i = 1; i < h.size(); ++i)
                    if (h[i] == '<') return PduShape::pdu(i, i);
                return PduShape::pdu(h.size(), h.size());
            },
            [&](const AssembledPdu& pdu) { on_piece(side, pdu, ctx); });
    }

private:
    void on_piece(int side, const AssembledPdu& pdu, PacketContext& ctx) {
        if (pdu.length == 1 && !pdu.bytes.empty() && pdu.bytes[0] == 0x16) {
            hand_over("tls", upgrade_note("xmpp", ctx.frame.number), used_before(pdu));
            return;
        }
        ByteReader r;
        NodeRef layer = frame_layer(kXmpp, side, pdu, r, ctx);
        const std::string_view t = text_of(r.rest());
        std::string shown;
        for (unsigned char c : t) shown.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
        layer.add(kXmppText, std::string(t), r.offset(), t.size()).set_text(shown);
        const bool starttls = t.rfind("<starttls", 0) == 0 && t.find(kTlsNamespace) != std::string_view::npos;
        const bool proceed = t.rfind("<proceed", 0) == 0 && t.find(kTlsNamespace) != std::string_view::npos;
        const bool failure = t.rfind("<failure", 0) == 0 && t.find(kTlsNamespace) != std::string_view::npos;
        if (starttls || proceed || failure || t.rfind("<stream:stream", 0) == 0 || t.rfind("<?xml", 0) == 0)
            show_info(ctx, "XMPP/XML", shown.substr(0, shown.find(' ')) + (shown.find(' ') == std::string::npos ? "" : ">"));
        if (is_client(side) && starttls) {
            pending_ = true;
            note_ = upgrade_note("xmpp", ctx.frame.number);
        } else if (!is_client(side) && pending_ && (proceed || failure)) {
            pending_ = false;
            if (proceed) hand_over("tls", std::move(note_), used_through(pdu));
        }
    }

    bool pending_ = false;
    HandOverNote note_;
};

// ---------------------------------------------------------------------------------------
// LDAP: BER-framed LDAPMessages; the StartTLS exchange is read, anything else shown
// by its operation only.

constexpr std::string_view kStartTlsOid = "1.3.6.1.4.1.1466.20037";
constexpr ValueName kOps[] = {{0, "bindRequest"},       {1, "bindResponse"},     {2, "unbindRequest"},
                              {3, "searchRequest"},     {4, "searchResEntry"},   {5, "searchResDone"},
                              {6, "modifyRequest"},     {7, "modifyResponse"},   {8, "addRequest"},
                              {9, "addResponse"},       {10, "delRequest"},      {11, "delResponse"},
                              {12, "modDNRequest"},     {13, "modDNResponse"},   {14, "compareRequest"},
                              {15, "compareResponse"},  {16, "abandonRequest"},  {19, "searchResRef"},
                              {23, "extendedReq"},      {24, "extendedResp"},    {25, "intermediateResponse"}};
constexpr ValueName kResultCodes[] = {{0, "success"},          {1, "operationsError"},  {2, "protocolError"},
                                      {7, "authMethodNotSupported"}, {8, "strongerAuthRequired"},
                                      {52, "unavailable"},     {53, "unwillingToPerform"}, {80, "other"}};

constexpr FieldDef kLdap{"ldap", "Lightweight Directory Access Protocol", FieldType::Protocol};
constexpr FieldDef kMessage{"ldap.LDAPMessage_element", "LDAPMessage", FieldType::None};
constexpr FieldDef kMessageId{"ldap.messageID", "messageID", FieldType::UInt};
constexpr FieldDef kProtocolOp{"ldap.protocolOp", "protocolOp", FieldType::UInt, Base::Dec, kOps};
constexpr FieldDef kRequestName{"ldap.requestName", "requestName", FieldType::String};
constexpr FieldDef kResultCode{"ldap.resultCode", "resultCode", FieldType::UInt, Base::Dec, kResultCodes};
constexpr FieldDef kMatchedDn{"ldap.matchedDN", "matchedDN", FieldType::String};
constexpr FieldDef kErrorMessage{"ldap.errorMessage", "errorMessage", FieldType::String};
constexpr FieldDef kResponseName{"ldap.responseName", "responseName", FieldType::String};

// Longest LDAPMessage read before the StartTLS exchange.
constexpr std::size_t kMaxLdapMessage = 64 * 1024;

// A BER tag and definite length; the reader is left at the content.
struct Tlv {
    std::uint8_t tag = 0;
    std::size_t length = 0;
};
std::optional<Tlv> read_tlv(ByteReader& r) {
    auto tag = r.u8();
    auto first = tag ? r.u8() : std::nullopt;
    if (!first) return std::nullopt;
    Tlv t{*tag, *first};
    if (*first & 0x80) {
        const unsigned n = *first & 0x7f;
        if (n == 0 || n > 3) return std::nullopt;  // indefinite, or longer than LDAP needs here
        t.length = 0;
        for (unsigned i = 0; i < n; ++i) {
            auto b = r.u8();
            if (!b) return std::nullopt;
            t.length = t.length << 8 | *b;
        }
    }
    return t;
}

std::uint64_t ber_uint(Bytes b) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < b.size() && i < 8; ++i) v = v << 8 | b[i];
    return v;
}

PduShape ldap_shape(Bytes h) {
    if (h.empty()) return PduShape::need(1);
    if (starts_tls_handshake(h)) return PduShape::pdu(1, 1);
    if (h[0] != 0x30) return PduShape::pdu(h.size(), h.size());  // not an LDAPMessage: shown malformed
    if (h.size() < 2) return PduShape::need(2);
    if (!(h[1] & 0x80)) return PduShape::pdu(2 + std::size_t(h[1]), 2 + std::size_t(h[1]));
    const std::size_t n = h[1] & 0x7f;
    if (n == 0 || n > 3) return PduShape::pdu(h.size(), h.size());
    if (h.size() < 2 + n) return PduShape::need(2 + n);
    std::size_t len = 0;
    for (std::size_t i = 0; i < n; ++i) len = len << 8 | h[2 + i];
    const std::size_t total = 2 + n + len;
    return PduShape::pdu(total, total < kMaxLdapMessage ? total : kMaxLdapMessage);
}

class Ldap final : public MessageApplication {
public:
    explicit Ldap(int client) : MessageApplication(client) {}

    void on_stream_event(int side, const StreamEvent& e, PacketContext& ctx) override {
        feed(side, e, ctx, ldap_shape, [&](const AssembledPdu& pdu) { on_message(side, pdu, ctx); });
    }

private:
    void on_message(int side, const AssembledPdu& pdu, PacketContext& ctx) {
        if (pdu.length == 1 && !pdu.bytes.empty() && pdu.bytes[0] == 0x16) {
            hand_over("tls", upgrade_note("ldap", ctx.frame.number), used_before(pdu));
            return;
        }
        ByteReader r;
        NodeRef layer = layer_for(kLdap, pdu, r, ctx);
        const std::size_t at = r.offset();
        auto outer = read_tlv(r);
        if (!outer || outer->tag != 0x30) {
            layer.malformed("not an LDAPMessage (a BER SEQUENCE)", at, r.reported_remaining() + (r.offset() - at));
            (void)r.take_rest();
            return;
        }
        NodeRef msg = layer.add(kMessage, std::monostate{}, at, pdu.length);
        auto id_tlv = read_tlv(r);
        const std::size_t id_at = r.offset();
        auto id = id_tlv && id_tlv->tag == 0x02 ? r.bytes(id_tlv->length) : std::nullopt;
        const std::size_t op_at = r.offset();
        auto op = id ? read_tlv(r) : std::nullopt;
        if (!id || !op) {
            msg.short_read(r, "LDAPMessage");
            return;
        }
        msg.add(kMessageId, ber_uint(*id), id_at, id->size());
        const std::uint64_t op_number = op->tag & 0x1f;
        msg.add(kProtocolOp, op_number, op_at, 1);
        std::string info(name_of(kOps, op_number).empty() ? "LDAP operation" : name_of(kOps, op_number));
        auto body = r.bytes(std::min(op->length, r.remaining()));
        ByteReader b = body ? ByteReader(*body, body->size(), r.offset() - body->size()) : ByteReader();
        if (op_number == 23 && is_client(side)) {
            // ExtendedRequest ::= [APPLICATION 23] SEQUENCE { requestName [0] LDAPOID, ... }
            const std::size_t name_at = b.offset();
            auto name = read_tlv(b);
            auto oid = name && name->tag == 0x80 ? b.bytes(name->length) : std::nullopt;
            if (oid) {
                const std::string text(text_of(*oid));
                msg.add(kRequestName, text, name_at + 2, oid->size());
                info += " " + text;
                if (text == kStartTlsOid) {
                    pending_ = ber_uint(*id);
                    note_ = upgrade_note("ldap", ctx.frame.number);
                    info = "StartTLS request";
                }
            }
        } else if (op_number == 24 && !is_client(side)) {
            // ExtendedResponse ::= [APPLICATION 24] SEQUENCE { resultCode, matchedDN, diagnosticMessage, ..., responseName [10] }
            auto code_tlv = read_tlv(b);
            const std::size_t code_at = b.offset();
            auto code = code_tlv && code_tlv->tag == 0x0a ? b.bytes(code_tlv->length) : std::nullopt;
            if (code) {
                msg.add(kResultCode, ber_uint(*code), code_at, code->size());
                info += " " + std::string(name_of(kResultCodes, ber_uint(*code)));
            }
            for (const FieldDef* def : {&kMatchedDn, &kErrorMessage}) {
                auto t = read_tlv(b);
                const std::size_t s_at = b.offset();
                auto s = t && t->tag == 0x04 ? b.bytes(t->length) : std::nullopt;
                if (s && !s->empty()) msg.add(*def, std::string(text_of(*s)), s_at, s->size());
            }
            if (pending_ && *pending_ == ber_uint(*id) && code) {
                if (ber_uint(*code) == 0) {
                    info = "StartTLS response success";
                    hand_over("tls", std::move(note_), used_through(pdu));
                }
                pending_.reset();
            }
        }
        show_info(ctx, "LDAP", info);
    }

    std::optional<std::uint64_t> pending_;  // the StartTLS request's messageID
    HandOverNote note_;
};

}  // namespace

std::unique_ptr<TcpApplication> make_xmpp(int client) { return std::make_unique<Xmpp>(client); }
std::unique_ptr<TcpApplication> make_ldap(int client) { return std::make_unique<Ldap>(client); }

bool looks_like_xmpp(Bytes first) {
    const std::string_view t = text_of(first);
    return (t.rfind("<?xml", 0) == 0 || t.rfind("<stream:stream", 0) == 0) &&
           t.find("jabber:") != std::string_view::npos;
}

// An LDAPMessage whose operation is the StartTLS ExtendedRequest.
bool looks_like_ldap_starttls(Bytes first) {
    const PduShape s = ldap_shape(first);
    if (s.kind != PduShape::Kind::Pdu || s.bytes != first.size() || first.size() < 8 || first[0] != 0x30) return false;
    return text_of(first).find(kStartTlsOid) != std::string_view::npos;
}

}  // namespace tlsdissect
