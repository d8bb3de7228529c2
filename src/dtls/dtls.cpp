// Datagram Transport Layer Security: DTLS 1.0 (RFC 4347), 1.2 (RFC 6347), 1.3 (RFC 9147),
// connection-ID records (RFC 9146), recognised on any UDP port by the record header and
// told apart from STUN and RTP on a shared port by the first byte (RFC 7983: 20-63).
// Handshake messages are cut into fragments (dtls_reassembly.hpp) and then dissected by
// the TLS handshake dissector; with a key log, DTLS 1.0 and 1.2 records are decrypted by
// the TLS record decryptors, with the sequence number the record carries.
#include "dtls/dtls.hpp"

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "dtls/dtls_reassembly.hpp"
#include "tls/audit.hpp"
#include "tls/tls_decryption.hpp"
#include "tls/tls_record.hpp"
#include "tls/tls_state.hpp"
#include "tlsdissect/read_field.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

// Wireshark's words for the content types (the IANA registry's are snake_case).
constexpr ValueName kContentTypeNames[] = {{20, "Change Cipher Spec"}, {21, "Alert"}, {22, "Handshake"},
                                           {23, "Application Data"}, {24, "Heartbeat"}, {25, "Connection ID"},
                                           {26, "ACK"}};
constexpr FieldDef kDtls{"dtls", "Datagram Transport Layer Security", FieldType::Protocol};
constexpr FieldDef kRecord{"dtls.record", "Record Layer", FieldType::None};
constexpr FieldDef kContentType{"dtls.record.content_type", "Content Type", FieldType::UInt, Base::Dec, kContentTypeNames, 0, 8};
constexpr FieldDef kSpecialType{"dtls.record.special_type", "Special Type", FieldType::UInt, Base::Dec, kContentTypeNames, 0, 8};
constexpr FieldDef kRecordVersion{"dtls.record.version", "Version", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kEpoch{"dtls.record.epoch", "Epoch", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSequence{"dtls.record.sequence_number", "Sequence Number", FieldType::UInt, Base::Dec, {}, 0, 64};
constexpr FieldDef kConnectionId{"dtls.record.connection_id", "Connection ID", FieldType::Bytes};
constexpr FieldDef kRecordLength{"dtls.record.length", "Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kEncContent{"dtls.enc_content", "Encrypted Record Content", FieldType::Bytes};
constexpr FieldDef kAppData{"dtls.app_data", "Encrypted Application Data", FieldType::Bytes};
constexpr FieldDef kCcs{"dtls.change_cipher_spec", "Change Cipher Spec Message", FieldType::None};
constexpr FieldDef kHandshakeNode{"dtls.handshake", "Handshake Protocol", FieldType::None};
constexpr FieldDef kEncryptedHandshake{"dtls.handshake.encrypted", "Encrypted Handshake Message", FieldType::Bytes};
constexpr FieldDef kHsType{"dtls.handshake.type", "Handshake Type", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kHsLength{"dtls.handshake.length", "Length", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kMessageSeq{"dtls.handshake.message_seq", "Message Sequence", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kFragmentOffset{"dtls.handshake.fragment_offset", "Fragment Offset", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kFragmentLength{"dtls.handshake.fragment_length", "Fragment Length", FieldType::UInt, Base::Dec, {}, 0, 24};
constexpr FieldDef kFragmentData{"dtls.handshake.fragment_data", "Fragment Data", FieldType::Bytes};
constexpr FieldDef kFragments{"dtls.fragments", "Message fragments", FieldType::None};
constexpr FieldDef kFragmentFrame{"dtls.fragment", "Message fragment", FieldType::FrameNum};
constexpr FieldDef kFragmentCount{"dtls.fragment.count", "Message fragment count", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kReassembledIn{"dtls.reassembled.in", "Reassembled in", FieldType::FrameNum};
constexpr FieldDef kReassembledLength{"dtls.reassembled.length", "Reassembled DTLS length", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kRetransmission{"dtls.handshake.retransmission", "Retransmitted handshake message", FieldType::Expert,
                                   Base::None, {}, 0, 0, {}, Severity::Note};
constexpr FieldDef kFragmentError{"dtls.fragment.error", "Message defragmentation error", FieldType::Expert, Base::None,
                                  {}, 0, 0, {}, Severity::Error};
// DTLS 1.3 unified header (RFC 9147 section 4). tshark 4.0 has no fields for it; the
// names follow the struct.
constexpr FieldDef kUnifiedHeader{"dtls.unified_header", "Unified Header", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr ValueName kPresent[] = {{0, "Not present"}, {1, "Present"}};
constexpr ValueName kSeqSize[] = {{0, "8 bits"}, {1, "16 bits"}};
constexpr FieldDef kUhFixed{"dtls.unified_header.fixed", "Fixed Bits", FieldType::UInt, Base::Dec, {}, 0xe0, 8};
constexpr FieldDef kUhCid{"dtls.unified_header.cid_present", "Connection ID", FieldType::Bool, Base::None, kPresent, 0x10, 8};
constexpr FieldDef kUhSeqSize{"dtls.unified_header.seq_size", "Sequence Number Size", FieldType::Bool, Base::None, kSeqSize, 0x08, 8};
constexpr FieldDef kUhLength{"dtls.unified_header.length_present", "Length", FieldType::Bool, Base::None, kPresent, 0x04, 8};
constexpr FieldDef kUhEpoch{"dtls.unified_header.epoch", "Epoch (low bits)", FieldType::UInt, Base::Dec, {}, 0x03, 8};
constexpr FieldDef kUhSequence16{"dtls.unified_header.sequence_number", "Sequence Number (encrypted)", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kUhSequence8{"dtls.unified_header.sequence_number", "Sequence Number (encrypted)", FieldType::UInt, Base::Hex, {}, 0, 8};
// ACK (RFC 9147 section 7).
constexpr FieldDef kAck{"dtls.ack", "ACK", FieldType::None};
constexpr FieldDef kAckLength{"dtls.ack.record_numbers_length", "Record Numbers Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kAckRecord{"dtls.ack.record_number", "Record Number", FieldType::None};
constexpr FieldDef kAckEpoch{"dtls.ack.epoch", "Epoch", FieldType::UInt, Base::Dec, {}, 0, 64};
constexpr FieldDef kAckSeq{"dtls.ack.sequence_number", "Sequence Number", FieldType::UInt, Base::Dec, {}, 0, 64};
// Decryption, named as for TLS.
constexpr FieldDef kDecrypted{"dtls.decrypted", "Decrypted DTLS record", FieldType::None};
constexpr FieldDef kDecryptedData{"dtls.decrypted.data", "Decrypted Application Data", FieldType::Bytes};
constexpr FieldDef kNotDecrypted{"tlsdissect.decryption.unavailable", "Not decrypted", FieldType::Expert, Base::None,
                                 {}, 0, 0, {}, Severity::Note};
constexpr FieldDef kDecryptFailed{"tlsdissect.decryption.failed", "Decryption failed", FieldType::Expert, Base::None,
                                  {}, 0, 0, {}, Severity::Warn};
constexpr FieldDef kFinishedVerified{"tlsdissect.finished.verified", "Verified", FieldType::Bool};
constexpr FieldDef kFinishedWrong{"tlsdissect.finished.wrong", "Finished verify_data does not match", FieldType::Expert,
                                  Base::None, {}, 0, 0, {}, Severity::Error};

constexpr std::size_t kRecordHeader = 13;       // DTLSPlaintext header
constexpr std::size_t kHandshakeHeader = 12;    // RFC 6347 section 4.2.2
constexpr std::size_t kMaxConnectionId = 255;   // RFC 9146: opaque cid<0..2^8-1>

bool dtls_version(std::uint16_t v) { return v == 0xfeff || v == 0xfefd || v == 0xfefc; }

// The TLS fields of a DTLS message are shown under the names Wireshark gives them in
// DTLS: tls.X becomes dtls.X. The renamed definitions live as long as the program.
const FieldDef* dtls_alias(const FieldDef* def) {
    static std::mutex mutex;
    static std::unordered_map<const FieldDef*, const FieldDef*> aliases;
    static std::deque<std::string> names;
    static std::deque<FieldDef> defs;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = aliases.find(def);
    if (it != aliases.end()) return it->second;
    names.push_back("d" + std::string(def->filter));
    FieldDef alias = *def;
    alias.filter = names.back();
    defs.push_back(alias);
    aliases.emplace(def, &defs.back());
    return &defs.back();
}

void rename_tls_fields(Tree& tree, std::size_t first) {
    for (std::size_t i = first; i < tree.size(); ++i) {
        Node& n = tree.node(static_cast<std::int32_t>(i));
        if (n.def && (n.def->filter == "tls" || n.def->filter.rfind("tls.", 0) == 0)) n.def = dtls_alias(n.def);
    }
}

void append_info(std::string& info, std::string_view item) {
    if (item.empty()) return;
    if (!info.empty()) info += ", ";
    info += item;
}

std::string version_text(std::uint16_t v) { return "Version: " + tls_version_name(v) + " (0x" + hex_u16(v) + ")"; }

}  // namespace

// One DTLS association over one UDP flow: both directions' reassembly, the handshake
// facts and, with a key log, the key schedule.
class DtlsConnection {
public:
    DtlsConnection(std::uint64_t id, PacketContext& ctx, const KeyLog* keys, AuditSettings* audit,
                   DtlsReassemblyBudget* budget)
        : id_(id), audit_(audit), reassembler_{DtlsHandshakeReassembler(budget), DtlsHandshakeReassembler(budget)} {
        end_.address[0] = ctx.src;
        end_.address[1] = ctx.dst;
        end_.port[0] = ctx.src_port;
        end_.port[1] = ctx.dst_port;
        end_.stream = ctx.flow_stream;
        end_.first_frame = ctx.frame.number;
        end_.first_ts_ns = end_.last_ts_ns = ctx.frame.ts_ns;
        end_.path = ctx.path;
        facts_.dtls = true;
        facts_.transport = "dtls";
        facts_.stream = end_.stream;
        facts_.first_ts_ns = end_.first_ts_ns;
        if (keys && !keys->empty()) {
            decryption_ = std::make_unique<TlsDecryption>(*keys);
            decryption_->set_dtls();
        }
    }
    std::uint64_t id() const { return id_; }
    const DtlsConnectionEnd& end() const { return end_; }
    const TlsConnectionFacts& facts() const { return facts_; }
    int client_side() const { return client_side_; }

    int side_of(const PacketContext& ctx) const {
        return ctx.src == end_.address[0] && ctx.src_port == end_.port[0] ? 0 : 1;
    }

    void datagram(ByteReader r, PacketContext& ctx, NodeRef layer, std::string& info) {
        const int side = side_of(ctx);
        end_.last_ts_ns = ctx.frame.ts_ns;
        end_.payload_bytes[side] += r.reported_remaining();
        while (!r.empty()) {
            const auto first = r.peek_u8();
            if (!first) {
                layer.short_read(r, "DTLS record");
                return;
            }
            if ((*first & 0xe0) == 0x20) {
                if (!unified_record(side, r, ctx, layer, info)) return;
                continue;
            }
            if (!plaintext_record(side, r, ctx, layer, info)) return;
        }
    }

    AuditSettings* audit() const { return audit_; }

    // --audit: the findings this frame shows that are not on it yet, as expert notes on
    // the DTLS layer; their ids for the Info column.
    std::string audit_frame(NodeRef layer, PacketContext& ctx) {
        std::string ids;
        if (audit_ && (layer || ctx.columns)) note_audit_findings(facts_, *audit_, audited_, ids, layer, ctx.frame.number);
        return ids;
    }

    std::string version_label() const {
        if (facts_.negotiated_version) return tls_version_short(*facts_.negotiated_version);
        if (hvr_version_) return tls_version_short(hvr_version_);
        return "DTLS";
    }

private:
    int role(int side) const { return side == client_side_ ? 0 : 1; }

    // RFC 6347 section 4.1:
    //   struct { ContentType type; ProtocolVersion version; uint16 epoch; uint48 sequence_number;
    //            uint16 length; opaque fragment[DTLSPlaintext.length]; } DTLSPlaintext;
    // RFC 9146 section 4 (type tls12_cid): ... uint48 sequence_number; opaque cid[cid_length];
    //            uint16 length; opaque enc_content[DTLSCiphertext.length]; } DTLSCiphertext;
    // Returns false when the rest of the datagram cannot be read as records.
    bool plaintext_record(int side, ByteReader& r, PacketContext& ctx, NodeRef layer, std::string& info) {
        const std::size_t start = r.offset();
        if (r.reported_remaining() < kRecordHeader) {
            layer.malformed(std::to_string(r.reported_remaining()) + " bytes after the last record, too few for a record header",
                            start, r.reported_remaining());
            r.take_rest();
            return false;
        }
        auto type = r.u8();
        auto version = r.u16();
        auto epoch = r.u16();
        auto seq = r.u48();
        if (!seq) {
            layer.short_read(r, "DTLS record header");
            return false;
        }
        std::size_t cid_length = 0;
        if (*type == kTls12Cid) {
            // The CID's length was negotiated (connection_id extension): the one the
            // receiver asked for; without the hellos, found from the length field that
            // must follow it, remembered per direction.
            if (cid_length_[side] < 0 && facts_.dtls_cid[1 - role(side)])
                cid_length_[side] = static_cast<int>(facts_.dtls_cid[1 - role(side)]->size());
            if (cid_length_[side] < 0) {
                const std::size_t rest = r.reported_remaining();
                Bytes b = r.rest();
                for (std::size_t n = 0; n <= kMaxConnectionId && n + 2 <= b.size(); ++n) {
                    const std::size_t len = static_cast<std::size_t>(b[n] << 8 | b[n + 1]);
                    if (n + 2 + len == rest) {
                        cid_length_[side] = static_cast<int>(n);
                        break;
                    }
                }
            }
            cid_length = cid_length_[side] < 0 ? 0 : static_cast<std::size_t>(cid_length_[side]);
        }
        std::optional<Bytes> cid = cid_length ? r.bytes(cid_length) : std::optional<Bytes>(Bytes{});
        auto length = cid ? r.u16() : std::nullopt;
        NodeRef rec = layer.add(kRecord, std::monostate{}, start, kRecordHeader + cid_length + (length ? *length : 0u));
        if (!length) {
            rec.set_text("DTLS Record Layer");
            rec.short_read(r, "DTLS record header");
            return false;
        }
        if (rec) {
            rec.add(*type == kTls12Cid ? kSpecialType : kContentType, std::uint64_t(*type), start, 1);
            rec.add(kRecordVersion, std::uint64_t(*version), start + 1, 2).set_text(version_text(*version));
            rec.add(kEpoch, std::uint64_t(*epoch), start + 3, 2);
            rec.add(kSequence, std::uint64_t(*seq), start + 5, 6);
            if (*type == kTls12Cid) rec.add_bytes(kConnectionId, *cid, start + 11, cid_length);
            rec.add(kRecordLength, std::uint64_t(*length), start + 11 + cid_length, 2);
        }
        if (*length > kMaxTlsRecordPayload)
            rec.malformed("record length " + std::to_string(*length) + " exceeds the maximum of " +
                              std::to_string(kMaxTlsRecordPayload),
                          start + 11 + cid_length, 2);
        auto fragment = r.child(*length);
        if (!fragment) {
            rec.set_text(version_label(), " Record Layer");
            rec.short_read(r, "DTLS record");
            return false;
        }
        ByteReader f = *fragment;
        const std::string prefix = version_label() + " Record Layer: ";
        if (*epoch > 0 && *type != kChangeCipherSpec) {
            if (!decrypt_record(side, *type, *version, *epoch, *seq, f, rec, ctx, info, prefix))
                encrypted_content(side, *type, f, rec, ctx, info, prefix);
        } else {
            content(side, *type, f, rec, rec, ctx, info, prefix, false);
        }
        // A Hello Verify Request or Server Hello in this record named the version: the
        // label says it, as Wireshark's does.
        if (rec && version_label() + " Record Layer: " != prefix && rec.get()->text.rfind(prefix, 0) == 0)
            rec.set_text(version_label(), " Record Layer: ", rec.get()->text.substr(prefix.size()));
        return true;
    }

    // RFC 9147 section 4:
    //   0 1 2 3 4 5 6 7
    //  |0|0|1|C|S|L|E E|  connection ID (if C), 8- or 16-bit sequence number (S),
    //                     16-bit length (if L), then the encrypted record.
    bool unified_record(int side, ByteReader& r, PacketContext& ctx, NodeRef layer, std::string& info) {
        const std::size_t start = r.offset();
        auto flags = r.u8();
        const bool has_cid = *flags & 0x10;
        const bool seq16 = *flags & 0x08;
        const bool has_length = *flags & 0x04;
        NodeRef rec = layer.add(kRecord, std::monostate{}, start, r.reported_remaining() + 1);
        if (rec) {
            rec.set_text(version_label(), " Unified Header Record (encrypted)");
            NodeRef h = rec.add(kUnifiedHeader, std::uint64_t(*flags), start, 1);
            h.add(kUhFixed, std::uint64_t(*flags >> 5), start, 1);
            h.add(kUhCid, has_cid, start, 1);
            h.add(kUhSeqSize, seq16, start, 1);
            h.add(kUhLength, has_length, start, 1);
            h.add(kUhEpoch, std::uint64_t(*flags & 3), start, 1);
        }
        if (has_cid) {
            // The CID the receiver asked for in its hello (RFC 9146 connection_id).
            const auto& asked = facts_.dtls_cid[1 - role(side)];
            if (!asked) {
                rec.malformed("connection ID of unknown length (the hellos that negotiated it were not seen)", start, 1);
                append_info(info, "Encrypted Record");
                r.take_rest();
                return false;
            }
            if (!read_bytes(r, asked->size(), rec, kConnectionId)) {
                rec.short_read(r, "connection ID");
                return false;
            }
        }
        std::optional<std::uint16_t> seq;
        if (seq16) {
            seq = r.u16();
        } else if (auto s8 = r.u8()) {
            seq = *s8;
        }
        if (!seq) {
            rec.short_read(r, "unified header");
            return false;
        }
        rec.add(seq16 ? kUhSequence16 : kUhSequence8, std::uint64_t(*seq), r.offset() - (seq16 ? 2 : 1), seq16 ? 2 : 1);
        std::optional<ByteReader> body;
        if (has_length) {
            auto length = read_u16(r, rec, kRecordLength);
            if (!length) {
                rec.short_read(r, "unified header");
                return false;
            }
            body = r.child(*length);
            if (!body) {
                rec.short_read(r, "DTLS 1.3 record");
                return false;
            }
        } else {
            body = r.take_rest();
        }
        if (rec) rec.set_length(body->offset() + body->reported_remaining() - start);
        Bytes b = body->rest();
        rec.add_bytes(kEncContent, b, body->offset(), body->reported_remaining());
        // Record number encryption (RFC 9147 section 4.2.3) is not undone yet: the
        // content stays encrypted, and so does its type.
        if (decryption_)
            rec.expert(kNotDecrypted, "Not decrypted: DTLS 1.3 records (record number encryption) are not decrypted yet");
        facts_.note_record(ctx.frame.number, ctx.frame.ts_ns, role(side), kApplicationData, body->reported_remaining());
        append_info(info, "Encrypted Record");
        return true;
    }

    // A protected record that was not decrypted.
    void encrypted_content(int side, std::uint8_t type, ByteReader f, NodeRef rec, PacketContext& ctx,
                           std::string& info, const std::string& prefix) {
        Bytes b = f.rest();
        switch (type) {
            case kHandshake:
                if (rec) rec.set_text(prefix, "Handshake Protocol: Encrypted Handshake Message");
                rec.add_bytes(kEncryptedHandshake, b, f.offset(), f.reported_remaining())
                    .set_text("Handshake Protocol: Encrypted Handshake Message");
                facts_.handshake.push_back({ctx.frame.number, ctx.frame.ts_ns, role(side), std::nullopt});
                append_info(info, "Encrypted Handshake Message");
                break;
            case kAlert:
                if (rec) rec.set_text(prefix, "Encrypted Alert");
                add_encrypted_alert(f, rec);
                facts_.alerts.push_back({ctx.frame.number, ctx.frame.ts_ns, role(side), true, 0, 0});
                append_info(info, "Encrypted Alert");
                break;
            case kApplicationData:
                if (rec) rec.set_text(prefix, "Application Data Protocol: Application Data");
                rec.add_bytes(kAppData, b, f.offset(), f.reported_remaining());
                facts_.note_record(ctx.frame.number, ctx.frame.ts_ns, role(side), type, f.reported_remaining());
                append_info(info, "Application Data");
                break;
            case kTls12Cid:
                if (rec) rec.set_text(prefix, "Connection ID");
                rec.add_bytes(kEncContent, b, f.offset(), f.reported_remaining());
                append_info(info, "Connection ID");
                break;
            default:
                if (rec) rec.set_text(prefix, "Encrypted ", content_name(type));
                rec.add_bytes(kEncContent, b, f.offset(), f.reported_remaining());
                append_info(info, "Encrypted " + content_name(type));
                break;
        }
    }

    static std::string content_name(std::uint8_t type) {
        std::string what(name_of(kContentTypeNames, type));
        return what.empty() ? "Unknown Record Type (" + std::to_string(type) + ")" : what;
    }

    bool decrypt_record(int side, std::uint8_t type, std::uint16_t version, std::uint16_t epoch, std::uint64_t seq,
                        ByteReader f, NodeRef rec, PacketContext& ctx, std::string& info, const std::string& prefix) {
        if (!decryption_) return false;
        const int r = role(side);
        if (type == kTls12Cid) {
            rec.expert(kNotDecrypted, "Not decrypted: connection ID records (RFC 9146) are not decrypted yet");
            return false;
        }
        RecordDecryptor* dec = decryption_->decryptor(r);
        if (!dec) {
            const std::string& why = decryption_->unavailable(r);
            rec.expert(kNotDecrypted, "Not decrypted: " + (why.empty() ? std::string("no keys for this epoch") : why));
            return false;
        }
        if (!f.captured_all()) {
            rec.expert(kNotDecrypted, "Not decrypted: the capture holds only part of the record");
            return false;
        }
        // RFC 6347 section 4.1.2.1: the MAC and AEAD nonce use epoch + sequence_number.
        const std::uint64_t record_number = std::uint64_t(epoch) << 48 | seq;
        dec->set_sequence(record_number);
        DecryptedRecord out = dec->decrypt(type, version, f.rest());
        if (!out.ok) {
            rec.expert(kDecryptFailed, "Decryption failed (" + dec->cipher_label() + ", epoch " + std::to_string(epoch) +
                                           ", sequence number " + std::to_string(seq) + "): " + out.error);
            return false;
        }
        facts_.decrypted = true;
        if (type == kApplicationData) rec.add_bytes(kAppData, f.rest(), f.offset(), f.reported_remaining());
        const std::size_t n = out.plaintext.size();
        std::vector<std::uint8_t> plain = std::move(out.plaintext);
        ByteReader reader{Bytes(plain)};
        NodeRef body;
        if (rec) {
            Tree& tree = *rec.tree();
            const std::uint16_t source = tree.add_source("Decrypted DTLS (" + std::to_string(n) + " bytes)", std::move(plain));
            body = rec.add(kDecrypted, std::monostate{}, 0, n, source);
            body.set_text("Decrypted: ", n, " bytes, ", dec->cipher_label(), ", epoch ", epoch, ", sequence number ", seq)
                .set_generated();
            reader = ByteReader(tree.source_bytes(source), 0);
        }
        content(side, out.content_type, reader, rec, body, ctx, info, prefix, true);
        return true;
    }

    // The content of a plaintext or decrypted record.
    void content(int side, std::uint8_t type, ByteReader f, NodeRef rec, NodeRef body, PacketContext& ctx,
                 std::string& info, const std::string& prefix, bool decrypted) {
        const std::size_t length = f.reported_remaining();
        switch (type) {
            case kChangeCipherSpec:
                if (rec) rec.set_text(prefix, "Change Cipher Spec Protocol: Change Cipher Spec");
                body.add(kCcs, std::monostate{}, f.offset(), length);
                if (decryption_) decryption_->on_change_cipher_spec(role(side));
                facts_.note_record(ctx.frame.number, ctx.frame.ts_ns, role(side), type, length);
                append_info(info, "Change Cipher Spec");
                break;
            case kAlert: {
                if (rec) rec.set_text(prefix, "Alert Protocol");
                const auto alert = dissect_alert(f, body);
                if (!alert) break;
                facts_.alerts.push_back({ctx.frame.number, ctx.frame.ts_ns, role(side), false, alert->level, alert->description});
                append_info(info, alert_info(*alert));
                break;
            }
            case kHandshake: {
                std::string added;
                handshake_fragments(side, f, body, ctx, added);
                if (rec) {
                    if (added.find(", ") != std::string::npos)
                        rec.set_text(prefix, "Handshake Protocol: Multiple Handshake Messages");
                    else
                        rec.set_text(prefix + "Handshake Protocol" + (added.empty() ? "" : ": " + added));
                }
                append_info(info, added);
                break;
            }
            case kApplicationData: {
                if (rec) rec.set_text(prefix, "Application Data Protocol: Application Data");
                Bytes b = f.rest();
                if (decrypted)
                    body.add_bytes(kDecryptedData, b, f.offset(), length);
                else
                    body.add_bytes(kAppData, b, f.offset(), length);
                facts_.note_record(ctx.frame.number, ctx.frame.ts_ns, role(side), type, length);
                append_info(info, "Application Data");
                break;
            }
            case kHeartbeat: {
                if (rec) rec.set_text(prefix, "Heartbeat Protocol");
                const auto hb = dissect_heartbeat(f, body);
                if (!hb) break;
                append_info(info, std::string("Heartbeat ") + (hb->type == 1 ? "Request" : hb->type == 2 ? "Response" : "Unknown"));
                if (hb->overlong && facts_.overlong_heartbeat_frames.size() < kMaxOverlongHeartbeats)
                    facts_.overlong_heartbeat_frames.push_back(ctx.frame.number);
                break;
            }
            case kDtlsAck:
                if (rec) rec.set_text(prefix, "ACK");
                ack(f, body);
                append_info(info, "ACK");
                break;
            default:
                if (rec) rec.set_text(prefix, content_name(type));
                body.malformed("unknown content type " + std::to_string(type), f.offset(), length);
                break;
        }
    }

    // RFC 9147 section 7:
    //   struct { uint64 epoch; uint64 sequence_number; } RecordNumber;
    //   struct { RecordNumber record_numbers<0..2^16-1>; } ACK;
    static void ack(ByteReader& f, NodeRef body) {
        NodeRef a = body.add(kAck, std::monostate{}, f.offset(), f.reported_remaining());
        auto list = read_u16_prefixed(f, a, kAckLength);
        if (!list) {
            a.short_read(f, "ACK");
            return;
        }
        while (!list->empty()) {
            const std::size_t at = list->offset();
            auto epoch = list->u64();
            auto seq = epoch ? list->u64() : std::nullopt;
            if (!seq) {
                a.short_read(*list, "record number");
                return;
            }
            NodeRef n = a.add(kAckRecord, std::monostate{}, at, 16);
            if (n) n.set_text("Record Number: epoch ", *epoch, ", sequence number ", *seq);
            n.add(kAckEpoch, *epoch, at, 8);
            n.add(kAckSeq, *seq, at + 8, 8);
        }
        if (!f.empty() && f.captured_all()) a.malformed("trailing bytes after the ACK", f.offset(), f.remaining());
    }

    // RFC 6347 section 4.2.2:
    //   struct { HandshakeType msg_type; uint24 length; uint16 message_seq; uint24 fragment_offset;
    //            uint24 fragment_length; select (HandshakeType) { ... } body; } Handshake;
    // Several messages or fragments may share a record.
    void handshake_fragments(int side, ByteReader& f, NodeRef parent, PacketContext& ctx, std::string& added) {
        while (!f.empty()) {
            const std::size_t start = f.offset();
            if (f.reported_remaining() < kHandshakeHeader) {
                parent.malformed(std::to_string(f.reported_remaining()) + " bytes, too few for a handshake header", start,
                                 f.reported_remaining());
                f.take_rest();
                return;
            }
            ByteReader header = f;
            auto type = header.u8();
            auto length = header.u24();
            auto seq = header.u16();
            auto offset = header.u24();
            auto frag_length = header.u24();
            if (!frag_length) {
                parent.short_read(header, "handshake header");
                f.take_rest();
                return;
            }
            auto whole = f.child(kHandshakeHeader + *frag_length);
            if (!whole) {
                // The fragment claims more than the record holds: show its header.
                NodeRef hs = fragment_node(parent, start, *type, *length, *seq, *offset, *frag_length, "");
                hs.malformed("fragment length " + std::to_string(*frag_length) + " exceeds the " +
                                 std::to_string(f.reported_remaining() - kHandshakeHeader) + " bytes left in the record",
                             start + 9, 3);
                f.take_rest();
                return;
            }
            if (client_hello_side_unset_ && *type == kClientHello) {
                client_side_ = side;
                client_hello_side_unset_ = false;
            }
            if (!whole->captured_all()) {
                // Cut by the snap length: the header only, nothing kept.
                NodeRef hs = fragment_node(parent, start, *type, *length, *seq, *offset, *frag_length, " (Truncated)");
                hs.truncated("the capture holds only part of this handshake fragment", start, whole->reported_remaining());
                append_info(added, handshake_type_name(*type));
                continue;
            }
            Bytes fragment_bytes = whole->rest().subspan(kHandshakeHeader);
            DtlsHandshakeReassembler::Outcome out =
                reassembler_[side].add({*type, *length, *seq, *offset, fragment_bytes, ctx.frame.number});
            const bool unfragmented = *offset == 0 && *frag_length == *length;
            const std::string name = handshake_type_name(*type);
            switch (out.kind) {
                case DtlsHandshakeReassembler::Kind::Rejected: {
                    NodeRef hs = fragment_node(parent, start, *type, *length, *seq, *offset, *frag_length, " (Fragment)");
                    hs.expert(kFragmentError, "Not reassembled: " + out.problem);
                    append_info(added, name + " (Fragment)");
                    break;
                }
                case DtlsHandshakeReassembler::Kind::Partial: {
                    NodeRef hs = fragment_node(parent, start, *type, *length, *seq, *offset, *frag_length, " (Fragment)");
                    hs.add_bytes(kFragmentData, fragment_bytes, start + kHandshakeHeader, fragment_bytes.size());
                    append_info(added, name + " (Fragment)");
                    break;
                }
                case DtlsHandshakeReassembler::Kind::Retransmission: {
                    ++facts_.dtls_retransmissions;
                    if (facts_.dtls_retransmitted.size() < kMaxRecordEvents)
                        facts_.dtls_retransmitted.push_back({ctx.frame.number, ctx.frame.ts_ns, role(side), *type});
                    const std::string label = name + (unfragmented ? " (Retransmission)" : " (Fragment, Retransmission)");
                    append_info(added, label);
                    if (!parent) break;
                    // Shown in full when whole, from a copy of the facts (it adds nothing new).
                    NodeRef hs;
                    if (unfragmented) {
                        TlsConnectionFacts scratch = facts_;
                        std::string ignored;
                        dissect_handshake_message(*whole, parent, role(side), scratch, ctx, ignored);
                        hs = parent.last_child();
                        hs.set_text("Handshake Protocol: ", label);
                    } else {
                        hs = fragment_node(parent, start, *type, *length, *seq, *offset, *frag_length,
                                           " (Fragment, Retransmission)");
                        hs.add_bytes(kFragmentData, fragment_bytes, start + kHandshakeHeader, fragment_bytes.size());
                    }
                    hs.expert(kRetransmission, "Retransmission: message_seq " + std::to_string(*seq) +
                                                   " was already received whole (frame " +
                                                   std::to_string(out.first_complete_frame) + ")");
                    break;
                }
                case DtlsHandshakeReassembler::Kind::Complete:
                    if (unfragmented) {
                        message(side, *whole, parent, ctx, added);
                        break;
                    }
                    reassembled(side, start, *type, *length, *seq, *offset, *frag_length, std::move(out), parent, ctx, added);
                    break;
            }
        }
    }

    NodeRef fragment_node(NodeRef parent, std::size_t start, std::uint8_t type, std::uint32_t length, std::uint16_t seq,
                          std::uint32_t offset, std::uint32_t frag_length, const std::string& suffix) {
        NodeRef hs = parent.add(kHandshakeNode, std::monostate{}, start, kHandshakeHeader + frag_length);
        if (!hs) return hs;
        const std::string name = handshake_type_name(type);
        hs.set_text("Handshake Protocol: ", name, suffix);
        hs.add(kHsType, std::uint64_t(type), start, 1).set_text("Handshake Type: ", name, " (", type, ")");
        hs.add(kHsLength, std::uint64_t(length), start + 1, 3);
        hs.add(kMessageSeq, std::uint64_t(seq), start + 4, 2);
        hs.add(kFragmentOffset, std::uint64_t(offset), start + 6, 3);
        hs.add(kFragmentLength, std::uint64_t(frag_length), start + 9, 3);
        return hs;
    }

    // The fragment that completed a message: its header in the frame, then the message
    // from a data source of its own, with the frames that carried it.
    void reassembled(int side, std::size_t start, std::uint8_t type, std::uint32_t length, std::uint16_t seq,
                     std::uint32_t offset, std::uint32_t frag_length, DtlsHandshakeReassembler::Outcome out,
                     NodeRef parent, PacketContext& ctx, std::string& added) {
        const std::string name = handshake_type_name(type);
        NodeRef hs = fragment_node(parent, start, type, length, seq, offset, frag_length, " (Reassembled)");
        if (!parent) {
            ByteReader msg{Bytes(out.message)};
            std::string ignored;
            message(side, msg, NodeRef{}, ctx, ignored);
            append_info(added, name + " (Reassembled)");
            return;
        }
        Tree& tree = *parent.tree();
        const std::size_t n = out.message.size();
        const std::vector<std::uint64_t> frames = out.frames;
        const std::vector<std::uint32_t> frame_bytes = out.frame_bytes;
        const std::uint16_t source =
            tree.add_source("Reassembled DTLS (" + std::to_string(length) + " bytes)", std::move(out.message));
        std::string list;
        for (std::size_t i = 0; i < frames.size(); ++i)
            list += (list.empty() ? "#" : ", #") + std::to_string(frames[i]) + "(" +
                    std::to_string(i < frame_bytes.size() ? frame_bytes[i] : 0) + ")";
        NodeRef note = parent.add(kFragments, std::monostate{}, 0, n, source);
        note.set_text(frames.size(), " Message fragments (", length, " bytes): ", list)
            .set_generated();
        for (auto fr : frames) note.add_generated(kFragmentFrame, std::uint64_t(fr));
        note.add_generated(kFragmentCount, std::uint64_t(frames.size()));
        note.add_generated(kReassembledLength, std::uint64_t(length));
        hs.add_generated(kReassembledIn, std::uint64_t(ctx.frame.number));
        ByteReader msg(tree.source_bytes(source), 0);
        std::string ignored;
        message(side, msg, note, ctx, ignored);
        append_info(added, name + " (Reassembled)");
    }

    // A whole handshake message: dissected by the TLS dissector, fed to the key schedule.
    void message(int side, ByteReader msg, NodeRef parent, PacketContext& ctx, std::string& added) {
        const Bytes raw = msg.rest();
        const int r = role(side);
        const std::uint8_t type = raw.empty() ? 0 : raw[0];
        if (type == kHelloVerifyRequest && raw.size() >= kHandshakeHeader + 2)
            hvr_version_ = static_cast<std::uint16_t>(raw[kHandshakeHeader] << 8 | raw[kHandshakeHeader + 1]);
        std::string info;
        dissect_handshake_message(msg, parent, r, facts_, ctx, info);
        append_info(added, info);
        if (!decryption_) return;
        FinishedVerdict v = decryption_->on_handshake_message(r, raw, facts_);
        if (!v.checked) return;
        facts_.finished_verified[r] = v.correct;
        if (!parent) return;
        NodeRef hs = parent.last_child();
        if (!hs) return;
        if (v.correct) {
            hs.add_generated(kFinishedVerified, true).set_text("Verified: correct");
            return;
        }
        hs.add_generated(kFinishedVerified, false).set_text("Verified: WRONG (expected ", v.expected_hex, ")");
        hs.expert(kFinishedWrong, std::string(r == 0 ? "Client" : "Server") +
                                      " Finished does not match the handshake transcript and the key log's secret");
    }

    std::uint64_t id_;
    AuditSettings* audit_ = nullptr;                // --audit, from TlsState when the connection began
    std::pair<std::size_t, std::size_t> audited_{0, 0};  // handshake messages, heartbleeds when last audited
    DtlsConnectionEnd end_;
    TlsConnectionFacts facts_;
    int client_side_ = 0;
    bool client_hello_side_unset_ = true;
    std::uint16_t hvr_version_ = 0;
    int cid_length_[2] = {-1, -1};
    DtlsHandshakeReassembler reassembler_[2];
    std::unique_ptr<TlsDecryption> decryption_;
};

namespace {

// What a UDP flow remembers: the connection it carries.
struct DtlsFlow {
    std::uint64_t id = 0;
};

void report(DtlsState& st, DtlsConnection& conn) {
    if (AuditSettings* audit = conn.audit()) audit->count(audit_connection(conn.facts(), audit->lang));
    if (st.on_connection_end) st.on_connection_end(conn.end(), conn.facts(), conn.client_side());
}

DtlsConnection& connection_for(PacketContext& ctx, DtlsState& st) {
    DtlsFlow* flow = ctx.flow_state<DtlsFlow>();
    if (flow && flow->id) {
        auto it = st.connections.find(flow->id);
        if (it != st.connections.end()) return *it->second;
    }
    if (st.next_id % kDtlsSweepEvery == 0) {
        for (auto it = st.connections.begin(); it != st.connections.end();) {
            if (ctx.frame.ts_ns - it->second->end().last_ts_ns > kDtlsIdleTimeoutNs) {
                report(st, *it->second);
                it = st.connections.erase(it);
            } else {
                ++it;
            }
        }
    }
    while (st.connections.size() >= kMaxDtlsConnections) {
        auto oldest = st.connections.begin();
        report(st, *oldest->second);
        st.connections.erase(oldest);
    }
    const std::uint64_t id = st.next_id++;
    const TlsState& tls = ctx.state->get<TlsState>();
    auto conn = std::make_unique<DtlsConnection>(id, ctx, tls.key_log, tls.audit, &st.reassembly_budget);
    DtlsConnection& ref = *conn;
    st.connections.emplace(id, std::move(conn));
    if (flow) flow->id = id;
    return ref;
}

// RFC 7983 section 7: a first byte in 20..63 is DTLS. Then either a DTLSPlaintext
// header (a known content type, a DTLS version, a length that fits), or a DTLS 1.3
// unified header on a flow already known to carry DTLS.
}  // namespace

bool looks_like_dtls(ByteReader payload, const PacketContext& ctx) {
    Bytes b = payload.rest();
    if (b.empty() || b[0] < 20 || b[0] > 63) return false;
    if ((b[0] & 0xe0) == 0x20) {
        if (!ctx.flow_slots || !*ctx.flow_slots) return false;
        const DtlsFlow* flow = (*ctx.flow_slots)->find<DtlsFlow>();
        return flow && flow->id;
    }
    if (b.size() < kRecordHeader) return false;
    if (b[0] < kChangeCipherSpec || b[0] > kDtlsAck) return false;
    const std::uint16_t version = static_cast<std::uint16_t>(b[1] << 8 | b[2]);
    if (!dtls_version(version)) return false;
    if (b[0] == kTls12Cid) return true;  // the length follows a CID of negotiated length
    const std::size_t length = static_cast<std::size_t>(b[11] << 8 | b[12]);
    return length <= kMaxTlsRecordPayload && kRecordHeader + length <= payload.reported_remaining();
}

std::size_t dissect_dtls_datagram(ByteReader payload, PacketContext& ctx) {
    const std::size_t length = payload.reported_remaining();
    ctx.add_protocol("dtls");
    DtlsState& st = ctx.state->get<DtlsState>();
    DtlsConnection& conn = connection_for(ctx, st);
    const std::size_t first_node = ctx.root ? ctx.root.tree()->size() : 0;
    NodeRef layer = ctx.add_layer(kDtls, payload.offset(), length);
    std::string info;
    conn.datagram(payload, ctx, layer, info);
    const std::string audit_ids = conn.audit_frame(layer, ctx);
    if (ctx.root) rename_tls_fields(*ctx.root.tree(), first_node);
    if (ctx.columns) {
        ctx.columns->protocol = conn.version_label();
        if (!info.empty()) ctx.columns->info = info;
        if (!audit_ids.empty()) ctx.columns->info += " [Audit: " + audit_ids + "]";
    }
    return length;
}

DtlsState::DtlsState() = default;
DtlsState::~DtlsState() = default;

void register_dtls(DissectorTables& tables) {
    tables.udp_heuristics.add({"dtls", dissect_dtls_datagram, looks_like_dtls});
}

void finish_dtls(CaptureState& state) {
    DtlsState* st = state.find<DtlsState>();
    if (!st) return;
    for (auto& [id, conn] : st->connections) report(*st, *conn);
    st->connections.clear();
}

}  // namespace tlsdissect
