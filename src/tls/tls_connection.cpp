// The TLS record layer over a TCP connection (RFC 8446 section 5, RFC 5246 section 6.2,
// RFC 6101 section 5.2 for SSL 3.0, RFC 6520 for heartbeats; the SSLv2-compatible Client
// Hello of RFC 5246 appendix E.2).
#include "tls/tls_connection.hpp"
#include "tls/tls_state.hpp"

#include <cstring>

#include "tls/handshake_checks.hpp"
#include "tls/tls_fields.hpp"
#include "tls/tls_record.hpp"
#include "tlsdissect/read_field.hpp"
#include "tls/signature_check.hpp"
#include "tls/audit.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kTls{"tls", "Transport Layer Security", FieldType::Protocol};
constexpr FieldDef kRecord{"tls.record", "Record Layer", FieldType::None};
// Content types as Wireshark names them (the IANA registry writes them in snake case).
constexpr ValueName kContentTypeNames[] = {{20, "Change Cipher Spec"}, {21, "Alert"}, {22, "Handshake"},
                                           {23, "Application Data"}, {24, "Heartbeat"}, {25, "tls12_cid"},
                                           {26, "ACK"}};
constexpr FieldDef kContentType{"tls.record.content_type", "Content Type", FieldType::UInt, Base::Dec, kContentTypeNames, 0, 8};
// TLS 1.3 (RFC 8446 5.2): once encrypted, the outer type is always application_data and
// the real type is inside; Wireshark calls the outer one the opaque type.
constexpr FieldDef kOpaqueType{"tls.record.opaque_type", "Opaque Type", FieldType::UInt, Base::Dec, kContentTypeNames, 0, 8};
constexpr FieldDef kRecordVersion{"tls.record.version", "Version", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kRecordLength{"tls.record.length", "Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kCcs{"tls.change_cipher_spec", "Change Cipher Spec Message", FieldType::None};
constexpr FieldDef kAppData{"tls.app_data", "Encrypted Application Data", FieldType::Bytes};
constexpr FieldDef kEncryptedHandshake{"tls.handshake.encrypted", "Encrypted Handshake Message", FieldType::Bytes};
constexpr FieldDef kHandshakeFragment{"tls.handshake.fragment", "Handshake Fragment", FieldType::Bytes};
constexpr FieldDef kHandshakeFragments{"tls.handshake.fragments", "Reassembled Handshake Message", FieldType::None};
constexpr FieldDef kHandshakeFragmentFrame{"tls.handshake.fragment.frame", "Frame", FieldType::FrameNum};
constexpr FieldDef kDecrypted{"tls.decrypted", "Decrypted TLS record", FieldType::None};
constexpr FieldDef kDecryptedData{"tls.decrypted.data", "Decrypted Application Data", FieldType::Bytes};
constexpr FieldDef kNotDecrypted{"tlsdissect.decryption.unavailable", "Not decrypted", FieldType::Expert, Base::None,
                                 {}, 0, 0, {}, Severity::Note};
constexpr FieldDef kDecryptFailed{"tlsdissect.decryption.failed", "Decryption failed", FieldType::Expert, Base::None,
                                  {}, 0, 0, {}, Severity::Warn};
constexpr FieldDef kFinishedVerified{"tlsdissect.finished.verified", "Verified", FieldType::Bool};
constexpr FieldDef kFinishedExpected{"tlsdissect.finished.expected", "Expected verify_data", FieldType::Bytes};
constexpr FieldDef kFinishedWrong{"tlsdissect.finished.wrong", "Finished verify_data does not match", FieldType::Expert,
                                  Base::None, {}, 0, 0, {}, Severity::Error};
constexpr FieldDef kSkipped{"tls.ignored_unknown_record", "Bytes that are not a TLS record", FieldType::Expert,
                            Base::None, {}, 0, 0, {}, Severity::Warn};


// SSLv2 record (RFC 6101 appendix E / draft-hickman-netscape-ssl-00): a 2-byte header
// with the high bit set, then CLIENT-HELLO (msg type 1).
// Wireshark files these under the tls.* names too.
constexpr FieldDef kSsl2{"tls.record", "SSLv2 Record Layer", FieldType::None};
constexpr FieldDef kSsl2RecordVersion{"tls.record.version", "Version", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kSsl2Length{"tls.record.length", "Length", FieldType::UInt, Base::Dec, {}, 0x7fff, 16};
constexpr ValueName kSsl2Types[] = {{1, "Client Hello"}};
constexpr FieldDef kSsl2MsgType{"tls.handshake.type", "Handshake Message Type", FieldType::UInt, Base::Dec, kSsl2Types, 0, 8};
constexpr FieldDef kSsl2CipherSpecLen{"tls.handshake.cipher_spec_len", "Cipher Spec Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSsl2SessionIdLen{"tls.handshake.session_id_length", "Session ID Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSsl2ChallengeLen{"tls.handshake.challenge_length", "Challenge Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSsl2CipherSpecs{"tls.handshake.cipherspecs", "Cipher Specs", FieldType::None};
constexpr FieldDef kSsl2CipherSpec{"tls.handshake.cipherspec", "Cipher Spec", FieldType::UInt, Base::Hex, {}, 0, 24};
constexpr FieldDef kSsl2Challenge{"tls.handshake.challenge", "Challenge", FieldType::Bytes};

void append_info(std::string& info, std::string_view item) {
    if (item.empty()) return;
    if (!info.empty()) info += ", ";
    info += item;
}

}  // namespace

TlsStart detect_tls(Bytes b) {
    if (plausible_record_header(b) && (b[0] == kHandshake || b[0] == kApplicationData || b[0] == kAlert))
        return TlsStart::Tls;
    if (plausible_sslv2_hello(b)) return TlsStart::Tls;
    return TlsStart::No;
}

TlsConnection::TlsConnection(int first_sender, const KeyLog* keys) : client_side_(first_sender) {
    if (keys && !keys->empty()) decryption_ = std::make_unique<TlsDecryption>(*keys);
}

void TlsConnection::note_frame(PacketContext& ctx, std::uint64_t frame) {
    if (frame == frame_) return;
    frame_ = frame;
    frame_pdu_ = frame_bytes_ = false;
    frame_layer_ = NodeRef{};
    frame_info_.clear();
    frame_audit_.clear();
    (void)ctx;
}

// The decryption state of a connection with keys: its own object and OpenSSL's cipher
// and digest contexts (a rough figure; they are allocated inside OpenSSL).
constexpr std::size_t kDecryptionStateBytes = sizeof(TlsDecryption) + 4096;

std::size_t TlsConnection::memory_bytes() const {
    // The partial records and messages, and the larger parts of the facts kept for the
    // session record (an estimate: strings inside the certificate summaries are left out).
    std::size_t bytes = sizeof(*this);
    for (const Direction& d : dir_) bytes += d.framer.buffered() + d.handshake.buffered();
    for (const HttpStream& h : http_) bytes += h.buffered();
    const TlsConnectionFacts& f = facts_;
    bytes += f.client_session_id.capacity() + f.server_session_id.capacity() + f.client_random.capacity() +
             f.server_random.capacity() + f.ske_params.capacity() + f.ske_signature.capacity() +
             f.sni.capacity() + f.alpn_offered.capacity() * sizeof(std::string) +
             (f.certificates.capacity() + f.client_certificates.capacity()) * sizeof(CertificateSummary) +
             f.handshake.capacity() * sizeof(TlsHandshakeEvent) + f.alerts.capacity() * sizeof(TlsAlertEvent) +
             f.record_events.capacity() * sizeof(TlsRecordEvent);
    if (decryption_) bytes += kDecryptionStateBytes;
    return bytes;
}

TcpApplication::FrameUse TlsConnection::frame_use(std::uint64_t frame) const {
    if (frame != frame_) return {};
    return {frame_bytes_, frame_pdu_};
}

PduShape TlsConnection::record_shape(int side, Bytes head) const {
    if (head.size() < 5) return PduShape::need(5);
    const Direction& d = dir_[side];
    if (d.sslv2_possible && plausible_sslv2_hello(head)) {
        const std::size_t len = static_cast<std::size_t>((head[0] & 0x7f) << 8 | head[1]);
        return PduShape::pdu(2 + len, 2 + len);
    }
    if (head[0] < kChangeCipherSpec || head[0] > kHeartbeat || head[1] != 3 || head[2] > 4)
        return PduShape::not_a_start();
    const std::size_t len = static_cast<std::size_t>(head[3] << 8 | head[4]);
    // Encrypted application data: the header is enough, unless there are keys to decrypt it.
    if (head[0] == kApplicationData && !decryption_) return PduShape::pdu(5 + len, 5);
    return PduShape::pdu(5 + len, 5 + len);
}

void TlsConnection::on_stream_event(int side, const StreamEvent& e, PacketContext& ctx) {
    note_frame(ctx, ctx.frame.number);
    Direction& d = dir_[side];
    if (e.kind == StreamEvent::Kind::Gap) {
        d.framer.feed(
            e, ctx.frame.number, [&](Bytes head) { return record_shape(side, head); },
            [&](const AssembledPdu& pdu) { on_record(side, pdu, ctx); }, [](std::size_t) {});
        d.handshake.clear();
        return;
    }
    if (e.current_frame) frame_bytes_ = true;
    d.framer.feed(
        e, ctx.frame.number, [&](Bytes head) { return record_shape(side, head); },
        [&](const AssembledPdu& pdu) { on_record(side, pdu, ctx); },
        [&](std::size_t n) { d.skipped += n; });
}

void TlsConnection::on_close(const TcpConversation& conv, PacketContext& ctx) {
    TlsState& tls = ctx.state->get<TlsState>();
    if (tls.audit) tls.audit->count(audit_connection(facts_, tls.audit->lang));
    if (tls.on_connection_end) tls.on_connection_end(conv, *this);
}

// Findings that this frame shows and that are not on it yet, after each record that
// added a handshake message (decrypted ones too) or an over-long heartbeat: nothing
// else changes what the audit sees.
void TlsConnection::audit_frame(NodeRef layer, PacketContext& ctx) {
    if (!audit_ || (!layer && !ctx.columns)) return;
    note_audit_findings(facts_, *audit_, audited_, frame_audit_, layer, ctx.frame.number);
}

NodeRef TlsConnection::layer_for(const AssembledPdu& pdu, ByteReader& reader, PacketContext& ctx) {
    if (pdu.in_current_frame) {
        reader = ByteReader(pdu.bytes, pdu.length, pdu.frame_offset);
        if (!frame_layer_ && ctx.root) frame_layer_ = ctx.root.add(kTls, std::monostate{}, pdu.frame_offset, 0, ctx.source);
        return frame_layer_;
    }
    if (!ctx.root) {
        reader = ByteReader(pdu.bytes, pdu.length, 0);
        return {};
    }
    const std::uint16_t source = present_reassembled_pdu(ctx.root, pdu);
    reader = ByteReader(ctx.root.tree()->source_bytes(source), pdu.length, 0);
    frame_layer_ = ctx.root.add(kTls, std::monostate{}, 0, pdu.bytes.size(), source);
    NodeRef layer = frame_layer_;
    frame_layer_ = NodeRef{};  // records after this one in the frame get their own layer
    return layer;
}

void TlsConnection::on_record(int side, const AssembledPdu& pdu, PacketContext& ctx) {
    frame_pdu_ = true;
    // Whoever sends a Client Hello is the client (STARTTLS starts with the server talking).
    if (pdu.bytes.size() > 5 && pdu.bytes[0] == kHandshake && pdu.bytes[5] == kClientHello) client_side_ = side;
    ByteReader reader;
    NodeRef layer = layer_for(pdu, reader, ctx);
    std::string info;
    if (dir_[side].sslv2_possible && pdu.bytes.size() >= 3 && (pdu.bytes[0] & 0x80) && pdu.bytes[2] == 1) {
        dissect_sslv2(side, reader, layer, ctx, info);
    } else {
        dissect_record(side, reader, layer, ctx, info);
    }
    dir_[side].sslv2_possible = false;
    if (dir_[side].skipped) {
        layer.expert(kSkipped, std::to_string(dir_[side].skipped) +
                                   " bytes before this record are not a TLS record and were skipped");
        dir_[side].skipped = 0;
    }
    if (layer) layer.set_length(layer.get()->length + pdu.length);
    append_info(frame_info_, info);
    if (audit_) audit_frame(layer, ctx);
    if (ctx.columns) {
        ctx.columns->info = frame_info_;
        if (!frame_audit_.empty()) ctx.columns->info += " [Audit: " + frame_audit_ + "]";
        const std::uint16_t v = facts_.negotiated_version ? *facts_.negotiated_version
                                                          : (pdu.bytes.size() >= 3 && !(pdu.bytes[0] & 0x80)
                                                                 ? static_cast<std::uint16_t>(pdu.bytes[1] << 8 | pdu.bytes[2])
                                                                 : 0x0002);
        ctx.columns->protocol = tls_version_short(v);
    }
}

std::string TlsConnection::record_version_label(std::uint16_t record_version) const {
    if (facts_.tls13_early_data_window()) return tls_version_short(0x0304);
    return tls_version_short(facts_.negotiated_version ? *facts_.negotiated_version : record_version);
}

// RFC 8446 section 5.1:
//   struct {
//       ContentType type;
//       ProtocolVersion legacy_record_version;
//       uint16 length;
//       opaque fragment[TLSPlaintext.length];
//   } TLSPlaintext;
void TlsConnection::dissect_record(int side, ByteReader r, NodeRef layer, PacketContext& ctx, std::string& info) {
    const std::size_t start = r.offset();
    auto type = r.u8();
    auto version = r.u16();
    auto length = r.u16();
    NodeRef rec = layer.add(kRecord, std::monostate{}, start, 5u + (length ? *length : 0u));
    if (!length) {
        rec.short_read(r, "TLS record header");
        return;
    }
    Direction& d = dir_[side];
    const bool tls13 = facts_.tls13() || facts_.tls13_early_data_window();
    const bool opaque = tls13 && *type == kApplicationData;
    rec.add(opaque ? kOpaqueType : kContentType, std::uint64_t(*type), start, 1);
    if (rec)
        rec.add(kRecordVersion, std::uint64_t(*version), start + 1, 2)
            .set_text("Version: ", tls_version_name(*version), " (0x", Hex(*version, 4), ")");
    rec.add(kRecordLength, std::uint64_t(*length), start + 3, 2);
    // The record's label starts so; only a record in a tree has a label.
    const std::string prefix = rec ? record_version_label(*version) + " Record Layer: " : std::string();
    if (*length > kMaxTlsRecordPayload)
        rec.malformed("record length " + std::to_string(*length) + " exceeds the maximum of " +
                          std::to_string(kMaxTlsRecordPayload),
                      start + 3, 2);
    auto fragment = r.child(*length);
    if (!fragment) {
        rec.short_read(r, "TLS record");
        return;
    }
    ByteReader f = *fragment;
    const int role = side == client_side_ ? 0 : 1;
    const bool plain_hello = plaintext_client_hello(side, *type, f);
    if (decryption_ && !plain_hello && *type != kChangeCipherSpec && decryption_->protected_records(role) &&
        (!tls13 || *type == kApplicationData)) {
        if (decrypt_record(side, *type, *version, f, rec, ctx, info, prefix)) return;
    }
    dissect_content(side, *type, f, rec, rec, ctx, info, prefix,
                    !plain_hello && (d.state.change_cipher_spec_seen || d.state.encrypted));
}

// The client's Change Cipher Spec followed by a plaintext Client Hello: TLS 1.3
// middlebox compatibility (RFC 8446 D.4) before the Client Hello that answers a
// HelloRetryRequest. When the capture has no Server Hello (one direction only:
// asymmetric routing, a tap on one side), nothing says which version runs, so the record
// is taken as plaintext when no Server Hello was seen and its bytes are exactly one
// Client Hello: type 1, a length that fills the record, a legacy_version 3.x. An
// encrypted Finished matches by chance once in 2^40.
bool TlsConnection::plaintext_client_hello(int side, std::uint8_t type, const ByteReader& f) const {
    if (type != kHandshake || side != client_side_ || facts_.server_hello.seen) return false;
    const Direction& d = dir_[side];
    if (!d.state.change_cipher_spec_seen && !d.state.encrypted) return false;
    const auto t = f.peek_u8(), l0 = f.peek_u8(1), l1 = f.peek_u8(2), l2 = f.peek_u8(3), major = f.peek_u8(4);
    if (!t || !l0 || !l1 || !l2 || !major || *t != kClientHello || *major != 3) return false;
    const std::size_t length = std::size_t(*l0) << 16 | std::size_t(*l1) << 8 | *l2;
    return length + 4 == f.reported_remaining();
}

void TlsConnection::dissect_content(int side, std::uint8_t type_value, ByteReader f, NodeRef rec, NodeRef body,
                                    PacketContext& ctx, std::string& info, const std::string& prefix, bool encrypted) {
    Direction& d = dir_[side];
    const bool tls13 = facts_.tls13() || facts_.tls13_early_data_window();
    const std::uint8_t type = type_value;
    const std::size_t length = f.reported_remaining();
    const std::size_t start = f.offset();
    switch (type) {
        case kChangeCipherSpec: {
            if (rec) rec.set_text(prefix, "Change Cipher Spec Protocol: Change Cipher Spec");
            body.add(kCcs, std::monostate{}, f.offset(), f.reported_remaining());
            // In TLS 1.3 the record is only for middlebox compatibility (RFC 8446 D.4).
            if (!tls13) d.state.change_cipher_spec_seen = true;
            if (decryption_) decryption_->on_change_cipher_spec(side == client_side_ ? 0 : 1);
            // A TLS 1.2 server that changes cipher spec without having sent a Certificate
            // runs the abbreviated handshake: the session (ID or ticket) was resumed.
            if (!tls13 && side != client_side_ && !facts_.server_sent_certificate && facts_.cipher_suite &&
                facts_.cipher_suite_needs_certificate() && !facts_.resumed) {
                facts_.resumed = true;
                rec.expert(kSessionResumed, "Abbreviated handshake: the server resumed a session (no Certificate)");
            }
            facts_.note_record(ctx.frame.number, ctx.frame.ts_ns, side == client_side_ ? 0 : 1, type, length);
            append_info(info, "Change Cipher Spec");
            break;
        }
        case kAlert: {
            // A plaintext alert is exactly two bytes; anything else is an encrypted one.
            if (encrypted || length != 2) {
                if (rec) rec.set_text(prefix, "Encrypted Alert");
                add_encrypted_alert(f, body);
                facts_.alerts.push_back({ctx.frame.number, ctx.frame.ts_ns, side == client_side_ ? 0 : 1, true, 0, 0});
                append_info(info, "Encrypted Alert");
                break;
            }
            if (rec) rec.set_text(prefix, "Alert Protocol");
            const auto alert = dissect_alert(f, body);
            if (!alert) break;
            facts_.alerts.push_back(
                {ctx.frame.number, ctx.frame.ts_ns, side == client_side_ ? 0 : 1, false, alert->level, alert->description});
            append_info(info, alert_info(*alert));
            break;
        }
        case kHandshake: {
            if (encrypted) {
                if (rec) rec.set_text(prefix, "Handshake Protocol: Encrypted Handshake Message");
                Bytes b = f.rest();
                body.add_bytes(kEncryptedHandshake, b, f.offset(), f.reported_remaining())
                    .set_text("Handshake Protocol: Encrypted Handshake Message");
                facts_.handshake.push_back({ctx.frame.number, ctx.frame.ts_ns, side == client_side_ ? 0 : 1, std::nullopt});
                append_info(info, "Encrypted Handshake Message");
                break;
            }
            if (rec) rec.set_text(prefix, "Handshake Protocol");
            const std::size_t before = info.size();
            handshake_records(side, f, body, ctx, info);
            std::string added = info.substr(before);
            if (!added.empty() && added.rfind(", ", 0) == 0) added.erase(0, 2);
            if (rec && added.find(", ") != std::string::npos)
                rec.set_text(prefix, "Handshake Protocol: Multiple Handshake Messages");
            else if (rec && !added.empty())
                rec.set_text(prefix, "Handshake Protocol: ", added);
            break;
        }
        case kApplicationData: {
            if (rec) rec.set_text(prefix, "Application Data Protocol: Application Data");
            // 0-RTT: decrypted with the early keys, or (without keys) a client record before any Server Hello.
            const bool early = in_early_data_ || (side == client_side_ && facts_.tls13_early_data_window());
            if (in_decrypted_) {
                facts_.note_record(ctx.frame.number, ctx.frame.ts_ns, side == client_side_ ? 0 : 1, type, length, early);
                std::string line = application_data(side, f, body, ctx);
                append_info(info, line.empty() ? "Application Data" : line);
                break;
            }
            Bytes b = f.rest();
            body.add_bytes(kAppData, b, f.offset(), f.reported_remaining());
            facts_.note_record(ctx.frame.number, ctx.frame.ts_ns, side == client_side_ ? 0 : 1, type, length, early);
            append_info(info, "Application Data");
            break;
        }
        case kHeartbeat: {
            if (encrypted) {
                if (rec) rec.set_text(prefix, "Encrypted Heartbeat");
                append_info(info, "Encrypted Heartbeat");
                break;
            }
            if (rec) rec.set_text(prefix, "Heartbeat Protocol");
            const auto hb = dissect_heartbeat(f, body);
            if (!hb) break;
            append_info(info, "Heartbeat " + std::string(hb->type == 1 ? "Request" : hb->type == 2 ? "Response" : "Unknown"));
            if (hb->overlong && facts_.overlong_heartbeat_frames.size() < kMaxOverlongHeartbeats &&
                (facts_.overlong_heartbeat_frames.empty() || facts_.overlong_heartbeat_frames.back() != ctx.frame.number))
                facts_.overlong_heartbeat_frames.push_back(ctx.frame.number);
            break;
        }
        default:
            if (rec) {
                std::string what(iana_name(kTlsContentTypes, type));
                if (what == "Unknown") what = "Unknown Record Type (" + std::to_string(type) + ")";
                rec.set_text(prefix, what);
            }
            body.malformed("unknown content type " + std::to_string(type), start, 1);
            break;
    }
}

void TlsConnection::handshake_records(int side, ByteReader f, NodeRef rec, PacketContext& ctx, std::string& info) {
    Direction& d = dir_[side];
    const int role = side == client_side_ ? 0 : 1;
    auto parse_in_place = [&](ByteReader& body) {
        // Complete messages straight from this record.
        while (!body.empty()) {
            if (body.remaining() < 4 || !body.captured_all()) {
                if (!body.captured_all()) {
                    // Cut by the snap length: show what there is, keep nothing.
                    auto msg = body.take_rest();
                    handshake_message(role, msg, rec, ctx, info);
                    return;
                }
                break;
            }
            const std::size_t len = static_cast<std::size_t>(body.rest()[1] << 16 | body.rest()[2] << 8 | body.rest()[3]);
            if (len + 4 > kMaxHandshakeMessage) {
                rec.malformed("handshake message of " + std::to_string(len) + " bytes exceeds the reassembly limit of " +
                                  std::to_string(kMaxHandshakeMessage),
                              body.offset(), body.remaining());
                body.take_rest();
                return;
            }
            if (len + 4 > body.remaining()) break;
            auto msg = *body.child(len + 4);
            handshake_message(role, msg, rec, ctx, info);
        }
        if (!body.empty()) {
            // The start of a message that continues in the next record(s).
            Bytes rest = body.rest();
            std::string name = rest.empty() ? std::string("Handshake") : handshake_type_name(rest[0]);
            rec.add_bytes(kHandshakeFragment, rest, body.offset(), rest.size())
                .set_text("Handshake Protocol: ", name, " (fragment)");
            d.handshake.start(rest, ctx.frame.number);
            body.take_rest();
        }
    };
    if (!d.handshake.pending()) {
        parse_in_place(f);
        return;
    }
    // Continue a message begun in an earlier record.
    Bytes more = f.rest();
    if (!f.captured_all() || d.handshake.pending_size() + more.size() > kMaxHandshakeMessage) {
        rec.malformed("handshake message continues past what can be reassembled", f.offset(), more.size());
        d.handshake.clear();
        return;
    }
    rec.add_bytes(kHandshakeFragment, more, f.offset(), more.size())
        .set_text("Handshake Protocol: ", handshake_type_name(d.handshake.pending_type()), " (fragment)");
    std::size_t too_long = 0;
    const auto appended = d.handshake.append(
        more, ctx.frame.number,
        [&](std::vector<std::uint8_t> message, const std::vector<std::uint64_t>& frames) {
            if (!ctx.root) {
                ByteReader msg{Bytes(message)};
                handshake_message(role, msg, rec, ctx, info);
                return;
            }
            Tree& tree = *ctx.root.tree();
            const std::size_t length = message.size();
            std::uint16_t source = tree.add_source(
                "Reassembled TLS Handshake (" + std::to_string(length) + " bytes)", std::move(message));
            NodeRef note = rec.add(kHandshakeFragments, std::monostate{}, 0, tree.source_bytes(source).size(), source);
            std::string list;
            for (auto fr : frames) list += (list.empty() ? "#" : ", #") + std::to_string(fr);
            note.set_text("Reassembled Handshake Message (", length, " bytes) from frames ", list)
                .set_generated();
            for (auto fr : frames) note.add_generated(kHandshakeFragmentFrame, std::uint64_t(fr));
            ByteReader msg(tree.source_bytes(source), 0);
            handshake_message(role, msg, note, ctx, info);
        },
        &too_long);
    if (appended == HandshakeMessageBuffer::Append::TooLong)
        rec.malformed("handshake message of " + std::to_string(too_long) + " bytes exceeds the reassembly limit",
                      f.offset(), 0);
}

void TlsConnection::handshake_message(int role, ByteReader message, NodeRef parent, PacketContext& ctx,
                                      std::string& info) {
    const bool complete = message.captured_all();
    const Bytes raw = message.rest();
    std::optional<Secret> certificate_verify_hash;
    if (decryption_ && complete && raw.size() >= 8 && raw[0] == kCertificateVerify && facts_.tls13())
        certificate_verify_hash = decryption_->transcript_hash_now();
    dissect_handshake_message(message, parent, role, facts_, ctx, info);
    if (certificate_verify_hash) check_certificate_verify(role, raw, *certificate_verify_hash, parent);
    if (!decryption_ || !complete) return;
    FinishedVerdict v = decryption_->on_handshake_message(role, raw, facts_);
    if (!v.checked) return;
    facts_.finished_verified[role] = v.correct;
    if (!parent) return;
    NodeRef hs(parent.tree(), parent.get()->last_child);
    if (!hs.get()) return;
    if (v.correct) {
        hs.add_generated(kFinishedVerified, true).set_text("Verified: correct");
        return;
    }
    hs.add_generated(kFinishedVerified, false).set_text("Verified: WRONG (expected ", v.expected_hex, ")");
    hs.expert(kFinishedWrong, std::string(role == 0 ? "Client" : "Server") +
                                  " Finished does not match the handshake transcript and the key log's secret");
}

std::string TlsConnection::application_data(int side, ByteReader data, NodeRef body, PacketContext& ctx) {
    Bytes b = data.rest();
    body.add_bytes(kDecryptedData, b, data.offset(), data.reported_remaining());
    if (follow_plaintext_) follow_plaintext_(side, ctx.frame.number, b);
    const std::uint16_t source = body ? body.get()->source : 0;
    // ALPN h2 says HTTP/2 from the first record: the server's SETTINGS may come before
    // the client's connection preface.
    if (facts_.alpn_selected == "h2") http2_ = true;
    std::string line = http_[side].dissect(data, ctx.root, body, source, ctx.frame.number, http_exchange_, http2_);
    for (const std::string& fingerprint : http_[side].ja4h()) facts_.note_http_request(ctx.frame.number, fingerprint);
    if (!line.empty()) {
        std::string& first = line.rfind("HTTP/", 0) == 0 ? facts_.http_status_line : facts_.http_request_line;
        if (first.empty()) first = line.size() > 512 ? line.substr(0, 512) : line;
    }
    return line;
}

// RFC 8446 section 4.4.3: struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; } CertificateVerify;
// checked with the sender's leaf certificate over the transcript up to (not including) it.
void TlsConnection::check_certificate_verify(int role, Bytes message, Bytes transcript_hash, NodeRef parent) {
    ByteReader r(message);
    (void)r.bytes(4);
    auto scheme = r.u16();
    auto signature = r.u16_prefixed();
    const auto& chain = role == 1 ? facts_.certificates : facts_.client_certificates;
    if (!scheme || !signature || chain.empty() || !chain.front().parsed) return;
    const SignatureVerdict v =
        verify_certificate_verify(chain.front(), *scheme, signature->rest(), transcript_hash, role == 1);
    facts_.certificate_verify_valid[role] = v.valid;
    if (!parent) return;
    NodeRef hs(parent.tree(), parent.get()->last_child);
    if (!hs.get() || hs.get()->last_child == kNoNode) return;
    add_signature_verdict(NodeRef(parent.tree(), hs.get()->last_child), v);
}

bool TlsConnection::decrypt_record(int side, std::uint8_t type, std::uint16_t version, ByteReader f, NodeRef rec,
                                   PacketContext& ctx, std::string& info, const std::string& prefix) {
    const int role = side == client_side_ ? 0 : 1;
    // Until this side's Finished, a lost record may have been part of the handshake.
    if (!decryption_->can_open(role)) {
        rec.expert(kNotDecrypted, "Not decrypted: " + decryption_->unavailable(role));
        if (type != kApplicationData || facts_.tls13()) decryption_->record_lost();
        return false;
    }
    if (!f.captured_all()) {
        decryption_->record_lost();
        decryption_->skip_record(role);
        rec.expert(kNotDecrypted, "Not decrypted: the capture holds only part of the record");
        return false;
    }
    OpenedRecord opened = decryption_->open_record(role, type, version, f.rest());
    DecryptedRecord& out = opened.record;
    const std::uint64_t seq = opened.sequence;
    if (!out.ok && opened.early_data_without_key) {
        // Early data without its key: lost to the transcript only if the server took it
        // (then an EndOfEarlyData may be among these records).
        rec.expert(kNotDecrypted, "Not decrypted: " + decryption_->early_unavailable());
        if (facts_.early_data_accepted == true) decryption_->record_lost();
        return false;
    }
    if (!out.ok) {
        decryption_->record_lost();
        rec.expert(kDecryptFailed, "Decryption failed (" + opened.cipher + ", record " + std::to_string(seq) +
                                       "): " + out.error);
        return false;
    }
    facts_.decrypted = true;
    if (out.content_type == kApplicationData) {
        Bytes c = f.rest();
        rec.add_bytes(kAppData, c, f.offset(), f.reported_remaining());
    }
    if (facts_.tls13() || opened.early_data) rec.add_generated(kContentType, std::uint64_t(out.content_type));
    const std::size_t n = out.plaintext.size();
    std::vector<std::uint8_t> plain = std::move(out.plaintext);
    ByteReader reader{Bytes(plain)};
    NodeRef body;
    if (rec) {
        Tree& tree = *rec.tree();
        const std::uint16_t source = tree.add_source("Decrypted TLS (" + std::to_string(n) + " bytes)", std::move(plain));
        body = rec.add(kDecrypted, std::monostate{}, 0, n, source);
        body.set_text("Decrypted: " + std::to_string(n) + " bytes, " + opened.cipher + ", record " +
                      std::to_string(seq) + (opened.early_data ? ", early data (0-RTT)" : ""))
            .set_generated();
        reader = ByteReader(tree.source_bytes(source), 0);
    }
    in_decrypted_ = true;
    in_early_data_ = opened.early_data;
    dissect_content(side, out.content_type, reader, rec, body, ctx, info, prefix, false);
    in_decrypted_ = in_early_data_ = false;
    return true;
}

// SSLv2-compatible Client Hello (RFC 5246 appendix E.2):
//   uint8 msg_type (1); Version version; uint16 cipher_spec_length; uint16 session_id_length;
//   uint16 challenge_length; V2CipherSpec cipher_specs[..]; opaque session_id[..]; opaque challenge[..];
void TlsConnection::dissect_sslv2(int side, ByteReader r, NodeRef layer, PacketContext& ctx, std::string& info) {
    const std::size_t start = r.offset();
    auto header = r.u16();
    NodeRef rec = layer.add(kSsl2, std::monostate{}, start, 2u + (header ? (*header & 0x7fffu) : 0u));
    rec.set_text("SSLv2 Record Layer: Client Hello");
    if (!header) {
        rec.short_read(r, "SSLv2 header");
        return;
    }
    rec.add_generated(kSsl2RecordVersion, std::uint64_t{0x0002}).set_text("Version: SSL 2.0 (0x0002)");
    rec.add(kSsl2Length, std::uint64_t(*header & 0x7fffu), start, 2)
        .set_text("Length: ", *header & 0x7fffu);
    auto type = r.u8();
    auto version = r.u16();
    auto cs_len = r.u16();
    auto sid_len = r.u16();
    auto ch_len = r.u16();
    if (!ch_len) {
        rec.short_read(r, "SSLv2 Client Hello");
        return;
    }
    rec.add(kSsl2MsgType, std::uint64_t(*type), start + 2, 1);
    rec.add(kHsVersion, std::uint64_t(*version), start + 3, 2)
        .set_text("Version: ", tls_version_name(*version), " (0x", Hex(*version, 4), ")");
    rec.add(kSsl2CipherSpecLen, std::uint64_t(*cs_len), start + 5, 2);
    rec.add(kSsl2SessionIdLen, std::uint64_t(*sid_len), start + 7, 2);
    rec.add(kSsl2ChallengeLen, std::uint64_t(*ch_len), start + 9, 2);
    auto specs = r.child(*cs_len);
    if (!specs) {
        rec.short_read(r, "SSLv2 cipher specs");
        return;
    }
    NodeRef list = rec.add(kSsl2CipherSpecs, std::monostate{},
                                specs->offset(), *cs_len).set_text("Cipher Specs (", *cs_len / 3, " specs)");
    while (!specs->empty()) {
        auto spec = read_u24(*specs, list, kSsl2CipherSpec, [](std::uint32_t v) {
            const std::string name = (v >> 16) == 0 ? cipher_suite_name(static_cast<std::uint16_t>(v))
                                                    : "SSL2 cipher spec 0x" + hex_digits(v, 6);
            return "Cipher Spec: " + name + " (0x" + hex_digits(v, 6) + ")";
        });
        if (!spec) {
            list.short_read(*specs, "cipher spec");
            break;
        }
        facts_.sslv2_cipher_specs.push_back(*spec);
    }
    read_bytes(r, *sid_len, rec, kSessionId);
    if (auto ch = read_bytes(r, *ch_len, rec, kSsl2Challenge)) {
        facts_.client_random.assign(ch->begin(), ch->end());
    } else {
        rec.short_read(r, "SSLv2 challenge");
    }
    client_side_ = side;
    facts_.sslv2_client_hello_frame = ctx.frame.number;
    facts_.client_hello_version = *version;
    facts_.handshake.push_back({ctx.frame.number, ctx.frame.ts_ns, 0, std::uint8_t{kClientHello}});
    append_info(info, "Client Hello");
}

}  // namespace tlsdissect
