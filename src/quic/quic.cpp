// QUIC packets and frames with Wireshark's quic.* field names; the CRYPTO stream of the
// Initial packet-number space, reassembled by offset, handed to the TLS handshake
// dissector in the frame that completes each message.
#include "quic/quic.hpp"
#include "quic/qpack.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "core/capture_state.hpp"
#include "http/ja4h.hpp"
#include "tls/keylog.hpp"
#include "tls/tls_common.hpp"
#include "tls/tls_state.hpp"
#include "tlsdissect/read_field.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint32_t kVersion1 = 0x00000001;
constexpr std::uint32_t kVersion2 = 0x6b3343cf;

constexpr ValueName kLongTypesV1[] = {{0, "Initial"}, {1, "0-RTT"}, {2, "Handshake"}, {3, "Retry"}};
constexpr ValueName kLongTypesV2[] = {{0, "Retry"}, {1, "Initial"}, {2, "0-RTT"}, {3, "Handshake"}};
constexpr ValueName kHeaderForms[] = {{0, "Short Header"}, {1, "Long Header"}};
constexpr ValueName kFrameTypes[] = {
    {0x00, "PADDING"}, {0x01, "PING"}, {0x02, "ACK"}, {0x03, "ACK"}, {0x04, "RESET_STREAM"},
    {0x05, "STOP_SENDING"}, {0x06, "CRYPTO"}, {0x07, "NEW_TOKEN"}, {0x08, "STREAM"}, {0x09, "STREAM"},
    {0x0a, "STREAM"}, {0x0b, "STREAM"}, {0x0c, "STREAM"}, {0x0d, "STREAM"}, {0x0e, "STREAM"}, {0x0f, "STREAM"},
    {0x10, "MAX_DATA"}, {0x11, "MAX_STREAM_DATA"}, {0x12, "MAX_STREAMS"}, {0x13, "MAX_STREAMS"},
    {0x14, "DATA_BLOCKED"}, {0x15, "STREAM_DATA_BLOCKED"}, {0x16, "STREAMS_BLOCKED"}, {0x17, "STREAMS_BLOCKED"},
    {0x18, "NEW_CONNECTION_ID"}, {0x19, "RETIRE_CONNECTION_ID"}, {0x1a, "PATH_CHALLENGE"},
    {0x1b, "PATH_RESPONSE"}, {0x1c, "CONNECTION_CLOSE"}, {0x1d, "CONNECTION_CLOSE"}, {0x1e, "HANDSHAKE_DONE"},
    {0x30, "DATAGRAM"}, {0x31, "DATAGRAM"}};

constexpr FieldDef kQuic{"quic", "QUIC IETF", FieldType::Protocol};
constexpr FieldDef kConnectionNumber{"quic.connection.number", "Connection Number", FieldType::UInt};
constexpr FieldDef kPacketLength{"quic.packet_length", "Packet Length", FieldType::UInt};
constexpr FieldDef kHeaderForm{"quic.header_form", "Header Form", FieldType::UInt, Base::Dec, kHeaderForms, 0x80, 8};
constexpr FieldDef kFixedBit{"quic.fixed_bit", "Fixed Bit", FieldType::Bool, Base::None, {}, 0x40, 8};
constexpr FieldDef kLongType{"quic.long.packet_type", "Packet Type", FieldType::UInt, Base::Dec, kLongTypesV1, 0x30, 8};
constexpr FieldDef kLongTypeV2{"quic.long.packet_type_v2", "Packet Type", FieldType::UInt, Base::Dec, kLongTypesV2,
                               0x30, 8};
constexpr FieldDef kLongReserved{"quic.long.reserved", "Reserved", FieldType::UInt, Base::Dec, {}, 0x0c, 8};
constexpr FieldDef kPnLength{"quic.packet_number_length", "Packet Number Length", FieldType::UInt, Base::Dec, {},
                             0x03, 8};
constexpr FieldDef kVersion{"quic.version", "Version", FieldType::UInt, Base::Hex, {}, 0, 32};
constexpr FieldDef kSupportedVersion{"quic.supported_version", "Supported Version", FieldType::UInt, Base::Hex, {}, 0, 32};
constexpr FieldDef kDcil{"quic.dcil", "Destination Connection ID Length", FieldType::UInt};
constexpr FieldDef kDcid{"quic.dcid", "Destination Connection ID", FieldType::Bytes};
constexpr FieldDef kScil{"quic.scil", "Source Connection ID Length", FieldType::UInt};
constexpr FieldDef kScid{"quic.scid", "Source Connection ID", FieldType::Bytes};
constexpr FieldDef kTokenLength{"quic.token_length", "Token Length", FieldType::UInt};
constexpr FieldDef kToken{"quic.token", "Token", FieldType::Bytes};
constexpr FieldDef kLength{"quic.length", "Length", FieldType::UInt};
constexpr FieldDef kPacketNumber{"quic.packet_number", "Packet Number", FieldType::UInt};
constexpr FieldDef kPayload{"quic.payload", "Payload", FieldType::Bytes};
constexpr FieldDef kProtectedPayload{"quic.protected_payload", "Protected Payload", FieldType::Bytes};
constexpr FieldDef kRemainingPayload{"quic.remaining_payload", "Remaining Payload", FieldType::Bytes};
constexpr FieldDef kShort{"quic.short", "QUIC Short Header", FieldType::None};
constexpr FieldDef kSpinBit{"quic.spin_bit", "Spin Bit", FieldType::Bool, Base::None, {}, 0x20, 8};
constexpr FieldDef kKeyPhase{"quic.key_phase", "Key Phase Bit", FieldType::Bool, Base::None, {}, 0x04, 8};
constexpr FieldDef kRetryToken{"quic.retry_token", "Retry Token", FieldType::Bytes};
constexpr FieldDef kRetryTag{"quic.retry_integrity_tag", "Retry Integrity Tag", FieldType::Bytes};
constexpr FieldDef kFrame{"quic.frame", "Frame", FieldType::None};
constexpr FieldDef kFrameType{"quic.frame_type", "Frame Type", FieldType::UInt};
constexpr FieldDef kPaddingLength{"quic.padding_length", "Padding Length", FieldType::UInt};
constexpr FieldDef kAckLargest{"quic.ack.largest_acknowledged", "Largest Acknowledged", FieldType::UInt};
constexpr FieldDef kAckDelay{"quic.ack.ack_delay", "ACK Delay", FieldType::UInt};
constexpr FieldDef kAckRangeCount{"quic.ack.ack_range_count", "ACK Range Count", FieldType::UInt};
constexpr FieldDef kAckFirstRange{"quic.ack.first_ack_range", "First ACK Range", FieldType::UInt};
constexpr FieldDef kAckGap{"quic.ack.gap", "Gap", FieldType::UInt};
constexpr FieldDef kAckRange{"quic.ack.ack_range", "ACK Range", FieldType::UInt};
constexpr FieldDef kAckEct0{"quic.ack.ect0_count", "ECT(0) Count", FieldType::UInt};
constexpr FieldDef kAckEct1{"quic.ack.ect1_count", "ECT(1) Count", FieldType::UInt};
constexpr FieldDef kAckCe{"quic.ack.ecn_ce_count", "ECN-CE Count", FieldType::UInt};
constexpr FieldDef kCryptoOffset{"quic.crypto.offset", "Offset", FieldType::UInt};
constexpr FieldDef kCryptoLength{"quic.crypto.length", "Length", FieldType::UInt};
constexpr FieldDef kCryptoData{"quic.crypto.crypto_data", "Crypto Data", FieldType::None};
constexpr FieldDef kCloseError{"quic.cc.error_code", "Error code", FieldType::UInt};
constexpr FieldDef kCloseErrorApp{"quic.cc.error_code.app", "Application Error code", FieldType::UInt};
constexpr FieldDef kCloseFrameType{"quic.cc.frame_type", "Frame Type", FieldType::UInt};
constexpr FieldDef kCloseReasonLength{"quic.cc.reason_phrase.length", "Reason phrase Length", FieldType::UInt};
constexpr FieldDef kCloseReason{"quic.cc.reason_phrase", "Reason phrase", FieldType::String};
constexpr FieldDef kStreamFin{"quic.stream.fin", "Fin", FieldType::Bool, Base::None, {}, 0x01, 8};
constexpr FieldDef kStreamLen{"quic.stream.len", "Len(gth)", FieldType::Bool, Base::None, {}, 0x02, 8};
constexpr FieldDef kStreamOff{"quic.stream.off", "Off(set)", FieldType::Bool, Base::None, {}, 0x04, 8};
constexpr FieldDef kStreamId{"quic.stream.stream_id", "Stream ID", FieldType::UInt};
constexpr FieldDef kStreamOffset{"quic.stream.offset", "Offset", FieldType::UInt};
constexpr FieldDef kStreamLength{"quic.stream.length", "Length", FieldType::UInt};
constexpr FieldDef kStreamData{"quic.stream_data", "Stream Data", FieldType::Bytes};
constexpr FieldDef kRstsStreamId{"quic.rsts.stream_id", "Stream ID", FieldType::UInt};
constexpr FieldDef kRstsError{"quic.rsts.application_error_code", "Application Error code", FieldType::UInt};
constexpr FieldDef kRstsFinalSize{"quic.rsts.final_size", "Final Size", FieldType::UInt};
constexpr FieldDef kSsStreamId{"quic.ss.stream_id", "Stream ID", FieldType::UInt};
constexpr FieldDef kSsError{"quic.ss.application_error_code", "Application Error code", FieldType::UInt};
constexpr FieldDef kNewTokenLength{"quic.nt.length", "(Token) Length", FieldType::UInt};
constexpr FieldDef kNewToken{"quic.nt.token", "Token", FieldType::Bytes};
constexpr FieldDef kMaxData{"quic.md.maximum_data", "Maximum Data", FieldType::UInt};
constexpr FieldDef kMsdStreamId{"quic.msd.stream_id", "Stream ID", FieldType::UInt};
constexpr FieldDef kMsdMaximum{"quic.msd.maximum_stream_data", "Maximum Stream Data", FieldType::UInt};
constexpr FieldDef kMaxStreams{"quic.ms.max_streams", "Max Streams", FieldType::UInt};
constexpr FieldDef kDataBlocked{"quic.sb.stream_data_limit", "Stream Data Limit", FieldType::UInt};
constexpr FieldDef kSdbStreamId{"quic.sdb.stream_id", "Stream ID", FieldType::UInt};
constexpr FieldDef kSdbLimit{"quic.sb.stream_data_limit", "Stream Data Limit", FieldType::UInt};
constexpr FieldDef kStreamsBlocked{"quic.sib.stream_limit", "Stream Limit", FieldType::UInt};
constexpr FieldDef kNciSequence{"quic.nci.sequence", "Sequence", FieldType::UInt};
constexpr FieldDef kNciRetirePriorTo{"quic.nci.retire_prior_to", "Retire Prior To", FieldType::UInt};
constexpr FieldDef kNciLength{"quic.nci.connection_id.length", "Connection ID Length", FieldType::UInt};
constexpr FieldDef kNciConnectionId{"quic.nci.connection_id", "Connection ID", FieldType::Bytes};
constexpr FieldDef kNciResetToken{"quic.nci.stateless_reset_token", "Stateless Reset Token", FieldType::Bytes};
constexpr FieldDef kRciSequence{"quic.rci.sequence", "Sequence", FieldType::UInt};
constexpr FieldDef kPathChallenge{"quic.path_challenge.data", "Data", FieldType::Bytes};
constexpr FieldDef kPathResponse{"quic.path_response.data", "Data", FieldType::Bytes};
constexpr FieldDef kDatagramLength{"quic.dg.length", "Datagram Length", FieldType::UInt};
constexpr FieldDef kDatagram{"quic.dg", "Datagram", FieldType::Bytes};
constexpr FieldDef kHttp3{"http3", "Hypertext Transfer Protocol Version 3", FieldType::Protocol};
constexpr FieldDef kH3StreamType{"http3.stream_type", "Stream Type", FieldType::UInt};
constexpr FieldDef kH3PushId{"http3.push_id", "Push ID", FieldType::UInt};
constexpr FieldDef kH3Frame{"http3.frame", "Frame", FieldType::None};
constexpr FieldDef kH3FrameType{"http3.frame_type", "Type", FieldType::UInt};
constexpr FieldDef kH3FrameLength{"http3.frame_length", "Length", FieldType::UInt};
constexpr FieldDef kH3SettingsId{"http3.settings.id", "Settings Identifier", FieldType::UInt};
constexpr FieldDef kH3SettingsValue{"http3.settings.value", "Settings Value", FieldType::UInt};
constexpr FieldDef kH3HeadersCount{"http3.headers.count", "Headers Count", FieldType::UInt};
constexpr FieldDef kH3Header{"http3.headers.header", "Header", FieldType::None};
constexpr FieldDef kH3HeaderName{"http3.headers.header.name", "Name", FieldType::String};
constexpr FieldDef kH3HeaderValue{"http3.headers.header.value", "Value", FieldType::String};
constexpr FieldDef kH3FullUri{"http3.request.full_uri", "Full request URI", FieldType::String};
// Not in tshark 4.0: a request's JA4H (http/ja4h.hpp) and its text before hashing.
constexpr FieldDef kH3Ja4h{"http3.ja4h", "JA4H", FieldType::String};
constexpr FieldDef kH3Ja4hRaw{"http3.ja4h_r", "JA4H_r", FieldType::String};
constexpr FieldDef kH3Blocked{"http3.header.qpack.blocked", "HEADERS blocked on the QPACK encoder stream",
                              FieldType::Bool};
constexpr FieldDef kH3BlockedRequired{"http3.header.qpack.blocked.rcint", "Required insert count", FieldType::UInt};
constexpr FieldDef kH3BlockedAvailable{"http3.header.qpack.blocked.wcint", "Available insert count",
                                       FieldType::UInt};
constexpr FieldDef kH3QpackEncoder{"http3.qpack.encoder", "QPACK encoder", FieldType::Bytes};
constexpr FieldDef kH3QpackInsertCount{"http3.qpack.encoder.icnt", "QPACK encoder instruction count",
                                       FieldType::UInt};
constexpr FieldDef kH3HeadersFailed{"http3.headers.decoding_failed", "Header decoding failed", FieldType::Expert,
                                    Base::None, {}, 0, 0, {}, Severity::Warn};
constexpr FieldDef kTlsLayer{"tls", "Transport Layer Security", FieldType::Protocol};

// CRYPTO bytes kept per direction before the stream is called too long (a Client Hello
// with a post-quantum key share is about 1.8 KB; certificates come in Handshake packets).
constexpr std::size_t kMaxCryptoStream = 64 * 1024;
// Handshake messages dissected per direction and space.
constexpr std::size_t kMaxCryptoMessages = 16;

}  // namespace

// One direction's CRYPTO stream in one packet-number space, reassembled by offset.
struct CryptoStream {
    std::map<std::uint64_t, std::vector<std::uint8_t>> pieces;  // not yet contiguous
    std::vector<std::uint8_t> pending;  // contiguous bytes not yet a whole message
    std::uint64_t next = 0;             // stream offset of pending's end
    std::size_t messages = 0;
    bool overflow = false;
};

// One HTTP/3 stream's bytes not yet a whole frame (frames span STREAM frames).
struct H3Stream {
    std::uint64_t id = 0;
    bool uni = false;
    bool typed = false;       // a unidirectional stream's type was read
    bool push_read = false;
    bool broken = false;      // out of order or too long: not followed further
    std::uint64_t type = 0;
    std::uint64_t next = 0;   // the stream offset expected next
    std::uint64_t skip = 0;   // payload bytes still to count past (DATA)
    std::vector<std::uint8_t> buf;
};
// HTTP/3 streams followed per connection, and bytes kept per stream for a frame header
// or a SETTINGS/GOAWAY frame.
constexpr std::size_t kMaxH3Streams = 128;
constexpr std::size_t kMaxH3Buffer = 4096;
// Key updates followed per direction of a connection.
constexpr unsigned kMaxKeyUpdates = 64;

// One packet-number space (Initial, Handshake, application data), by side.
struct QuicSpace {
    std::optional<QuicKeys> keys[2];   // 0 client, 1 server
    std::uint64_t expected_pn[2] = {0, 0};
    CryptoStream crypto[2];
};
enum Space : int { kInitialSpace = 0, kHandshakeSpace = 1, kApplicationSpace = 2 };

struct QuicFlow {
    std::uint64_t id = 0;                        // its key in QuicState::flows (0: a scratch flow)
    QuicConnectionEnd end;                       // what the session layer is told
    bool client_known = false;
    NetAddress client;                           // where the client sends from now
    std::uint16_t client_port = 0;
    std::vector<std::pair<NetAddress, std::uint16_t>> old_clients;  // where it sent from before
    std::string migration_note;                  // said on the next packet's QUIC layer
    std::vector<std::string> own_cids;           // its entries in QuicState::cids
    std::uint32_t version = 0;
    std::vector<std::uint8_t> original_dcid;     // the client's first Destination Connection ID
    std::vector<std::uint8_t> cid[2];            // the Source Connection ID each side chose
    QuicSpace space[3];
    std::optional<QuicKeys> zero_rtt;            // the client's early data keys
    bool secrets_found = false;                  // the key log had this connection's secrets
    std::map<std::uint64_t, H3Stream> h3;        // HTTP/3 streams by stream ID and direction
    std::unique_ptr<QpackDecoder> qpack[2];      // field sections each side sent (made on first use)
    std::vector<std::uint8_t> app_secret[2];     // the current 1-RTT secret, by side (key updates)
    std::optional<QuicKeys> app_previous[2];     // the keys before the last update (late packets)
    unsigned key_updates[2] = {0, 0};
    TlsConnectionFacts facts;
    std::uint32_t number = 0;
    bool numbered = false;
};

QuicState::QuicState() = default;
QuicState::~QuicState() = default;

namespace {

// The UDP flow's slot: which connection of QuicState it carries.
struct QuicFlowRef {
    std::uint64_t id = 0;
    bool other_shard = false;  // --shard: a connection of another shard, only numbered
};

// Whether the packet comes from the client: its address now or one it sent from before
// it moved.
bool sent_by_client(const QuicFlow& flow, const PacketContext& ctx) {
    if (!flow.client_known) return false;
    if (ctx.src == flow.client && ctx.src_port == flow.client_port) return true;
    for (const auto& [address, port] : flow.old_clients)
        if (ctx.src == address && ctx.src_port == port) return true;
    return false;
}

// The connection whose ID a short-header datagram carries as Destination (tried at each
// length some known ID has), for a datagram on a path not seen before.
const QuicCidOwner* owner_of_short_header(const QuicState& st, Bytes b) {
    if (b.size() < 2 || (b[0] & 0x80) || st.cids.empty()) return nullptr;
    for (std::size_t n = 1; n <= 20 && n < b.size(); ++n) {
        if (!(st.cid_lengths >> n & 1)) continue;
        auto it = st.cids.find(std::string(reinterpret_cast<const char*>(b.data() + 1), n));
        if (it != st.cids.end()) return &it->second;
    }
    return nullptr;
}

bool is_known_version(std::uint32_t v) {
    return v == kVersion1 || v == kVersion2 || (v >= 0xff00001d && v <= 0xff000020);
}

// The long-header packet type as version 1 numbers it (v2 permutes them).
unsigned v1_type(std::uint32_t version, unsigned bits) {
    if (version != kVersion2) return bits;
    static constexpr unsigned kFromV2[4] = {3, 0, 1, 2};  // v2 Retry 0, Initial 1, 0-RTT 2, Handshake 3
    return kFromV2[bits & 3];
}


// Adds `n` varint-coded fields in order; returns them (nothing once one is missing).
std::optional<std::uint64_t> read_varint_field(ByteReader& r, NodeRef parent, const FieldDef& def) {
    const std::size_t at = r.offset();
    auto v = r.quic_varint();
    if (v && parent) parent.add(def, *v, at, r.offset() - at);
    return v;
}

class QuicDissector {
public:
    QuicDissector(PacketContext& ctx, QuicFlow& flow, QuicState* state) : ctx_(ctx), flow_(flow), state_(state) {}

    // One datagram: the coalesced packets in order; returns the bytes used.
    std::size_t datagram(ByteReader payload) {
        const std::size_t start = payload.offset();
        while (!payload.empty() && payload.captured_all()) {
            Bytes rest = payload.rest();
            if (rest[0] & 0x80) {
                if (!long_packet(payload)) break;
            } else {
                // Zeros after the last packet are padding; anything else is a short-header
                // packet (its fixed bit may be greased to 0, RFC 9287).
                if (packets_ > 0 && std::all_of(rest.begin(), rest.end(), [](std::uint8_t b) { return b == 0; })) break;
                short_packet(payload);
                break;  // a short-header packet runs to the end of the datagram
            }
        }
        if (ctx_.columns) {
            ctx_.columns->protocol = "QUIC";
            ctx_.columns->info = info_;
        }
        return payload.offset() - start;
    }

private:
    int side() const { return sent_by_client(flow_, ctx_) ? 0 : 1; }

    // Connection IDs found again from a datagram of a new path: `s` chose `cid`.
    void remember_cid(int s, Bytes cid) {
        if (!state_ || !flow_.id || cid.empty() || cid.size() > 20 || flow_.own_cids.size() >= kMaxQuicCidsPerConnection)
            return;
        std::string key(reinterpret_cast<const char*>(cid.data()), cid.size());
        auto [it, added] = state_->cids.try_emplace(key, QuicCidOwner{flow_.id, s});
        if (!added) return;  // already known (or another connection's: the first keeps it)
        flow_.own_cids.push_back(std::move(key));
        state_->cid_lengths |= 1u << cid.size();
    }

    NodeRef layer(std::size_t at, std::size_t length) {
        ctx_.add_protocol("quic");
        NodeRef l = ctx_.add_layer(kQuic, at, length);
        // As tshark: the connection number once per datagram, on its first packet.
        if (l && packets_ == 0) l.add_generated(kConnectionNumber, std::uint64_t(flow_.number));
        if (!flow_.migration_note.empty()) {
            if (l) l.expert(kMigration, flow_.migration_note);
            flow_.migration_note.clear();
        }
        if (l) l.add_generated(kPacketLength, std::uint64_t(length));
        ++packets_;
        return l;
    }

    void note(const std::string& text) {
        if (!ctx_.columns) return;
        if (!info_.empty()) info_ += ", ";
        info_ += text;
    }

    bool long_packet(ByteReader& r) {
        const std::size_t at = r.offset();
        Bytes all = r.rest();
        if (all.size() < 7) return false;
        const std::uint8_t first = all[0];
        ByteReader h = r;
        (void)h.u8();
        auto version = h.u32();
        auto dcid = version ? h.u8_prefixed() : std::nullopt;
        auto scid = dcid ? h.u8_prefixed() : std::nullopt;
        if (!scid || dcid->reported_remaining() > 20 || scid->reported_remaining() > 20) {
            NodeRef l = layer(at, all.size());
            l.malformed("long header cut short or with a connection ID over 20 bytes", at, all.size());
            (void)r.take_rest();
            return false;
        }
        if (*version == 0) return version_negotiation(r, *dcid, *scid);
        const unsigned type = v1_type(*version, (first >> 4) & 3);
        std::uint64_t token_length = 0;
        std::optional<ByteReader> token;
        if (type == 0) {
            auto tl = h.quic_varint();
            if (!tl || *tl > h.remaining()) return truncated(r, at, "token");
            token_length = *tl;
            token = h.child(static_cast<std::size_t>(*tl));
        }
        if (type == 3) return retry(r, first, *version, *dcid, *scid);
        const std::size_t length_at = h.offset();
        auto length = h.quic_varint();
        if (!length) return truncated(r, at, "length");
        const std::size_t pn_offset = h.offset() - at;
        const std::size_t total = pn_offset + static_cast<std::size_t>(std::min<std::uint64_t>(*length, all.size()));
        if (*length > all.size() - pn_offset) {
            NodeRef l = layer(at, all.size());
            header_fields(l, at, first, *version, *dcid, *scid, type);
            l.truncated("packet length " + std::to_string(*length) + " beyond the datagram", length_at, all.size() - (length_at - at));
            (void)r.take_rest();
            return false;
        }
        Bytes packet = all.first(total);
        (void)r.bytes(total);
        NodeRef l = layer(at, total);
        remember_connection(type, *version, dcid->rest(), scid->rest());
        header_fields(l, at, first, *version, *dcid, *scid, type);
        if (type == 0) {
            l.add(kTokenLength, token_length, token->offset() - varint_size(token_length), varint_size(token_length));
            if (token_length) l.add_bytes(kToken, token->rest(), token->offset(), token->reported_remaining());
        }
        l.add(kLength, *length, length_at, h.offset() - length_at);
        static constexpr const char* kNames[4] = {"Initial", "0-RTT", "Handshake", "Retry"};
        std::string text = std::string(kNames[type]) + ", DCID=" + hex_string(dcid->rest()) +
                           (scid->rest().empty() ? "" : ", SCID=" + hex_string(scid->rest()));
        const int s = side();
        if (type == 0) {
            const auto& k = flow_.space[kInitialSpace].keys[s];
            protected_packet(l, packet, at, pn_offset, text, kInitialSpace, k ? &*k : nullptr, kRemainingPayload);
        } else if (type == 2) {
            const auto& k = flow_.space[kHandshakeSpace].keys[s];
            protected_packet(l, packet, at, pn_offset, text, kHandshakeSpace, k ? &*k : nullptr, kRemainingPayload);
        } else {  // 0-RTT
            const QuicKeys* k = s == 0 && flow_.zero_rtt ? &*flow_.zero_rtt : nullptr;
            protected_packet(l, packet, at, pn_offset, text, kApplicationSpace, k, kRemainingPayload);
        }
        return true;
    }

    static std::size_t varint_size(std::uint64_t v) { return v < 64 ? 1 : v < 16384 ? 2 : v < (1u << 30) ? 4 : 8; }

    bool truncated(ByteReader& r, std::size_t at, std::string_view what) {
        NodeRef l = layer(at, r.reported_remaining());
        l.truncated("long header cut short (" + std::string(what) + ")", at, r.reported_remaining());
        (void)r.take_rest();
        return false;
    }

    void header_fields(NodeRef l, std::size_t at, std::uint8_t first, std::uint32_t version, const ByteReader& dcid,
                       const ByteReader& scid, unsigned type) {
        if (!l) return;
        l.add(kHeaderForm, std::uint64_t(first >> 7), at, 1);
        l.add(kFixedBit, (first & 0x40) != 0, at, 1);
        l.add(version == kVersion2 ? kLongTypeV2 : kLongType, std::uint64_t((first >> 4) & 3), at, 1);
        (void)type;
        l.add(kVersion, std::uint64_t(version), at + 1, 4);
        l.add(kDcil, std::uint64_t(dcid.reported_remaining()), at + 5, 1);
        if (!dcid.rest().empty()) l.add_bytes(kDcid, dcid.rest(), dcid.offset(), dcid.reported_remaining());
        l.add(kScil, std::uint64_t(scid.reported_remaining()), scid.offset() - 1, 1);
        if (!scid.rest().empty()) l.add_bytes(kScid, scid.rest(), scid.offset(), scid.reported_remaining());
    }

    void remember_connection(unsigned type, std::uint32_t version, Bytes dcid, Bytes scid) {
        if (!flow_.client_known && type == 0) {
            // The first Initial comes from the client; its DCID makes the Initial keys.
            flow_.client_known = true;
            flow_.client = ctx_.src;
            flow_.client_port = ctx_.src_port;
            flow_.version = version;
            flow_.original_dcid.assign(dcid.begin(), dcid.end());
            if (is_known_version(version)) {
                flow_.space[kInitialSpace].keys[0] = quic_initial_keys(version, dcid, false);
                flow_.space[kInitialSpace].keys[1] = quic_initial_keys(version, dcid, true);
            }
        }
        const int s = side();
        if (flow_.cid[s].empty()) flow_.cid[s].assign(scid.begin(), scid.end());
        remember_cid(s, scid);
    }

    // A protected packet of packet-number space `space`: decrypted when its keys are
    // known (Initial always; the others with a key log), its frames shown.
    void protected_packet(NodeRef l, Bytes packet, std::size_t at, std::size_t pn_offset, const std::string& text,
                          int space, const QuicKeys* keys, const FieldDef& payload_def) {
        std::uint64_t pn = 0;
        std::optional<QuicUnprotected> u;
        if (keys) u = quic_unprotect(*keys, packet, pn_offset, flow_.space[space].expected_pn[side()], pn);
        show_packet(l, packet, at, pn_offset, text, space, keys != nullptr, std::move(u), pn, payload_def);
    }

    // The packet as opened (or not: `u` empty) with the keys of its space.
    void show_packet(NodeRef l, Bytes packet, std::size_t at, std::size_t pn_offset, const std::string& text,
                     int space, bool keys, std::optional<QuicUnprotected> u, std::uint64_t pn,
                     const FieldDef& payload_def) {
        const int s = side();
        QuicSpace& sp = flow_.space[space];
        if (!u) {
            l.add(payload_def, to_byte_string(packet.subspan(pn_offset)), at + pn_offset, packet.size() - pn_offset);
            if (space == kInitialSpace)
                l.expert(kDecryptionFailed, keys ? "Initial packet not decrypted (authentication failed)"
                                                 : "Initial packet of a QUIC version without known keys");
            else if (keys)
                l.expert(kDecryptionFailed, "not decrypted with the key log's secret (authentication failed)");
            note(text);
            return;
        }
        sp.expected_pn[s] = std::max(sp.expected_pn[s], pn + 1);
        if (space != kInitialSpace) flow_.facts.decrypted = true;  // with the key log's secrets
        if (l) {
            if (!(packet[0] & 0x80)) l.add(kKeyPhase, (u->first_byte & 0x04) != 0, at, 1);
            l.add(kPnLength, std::uint64_t(u->first_byte & 3), at, 1);
            l.add(kPacketNumber, pn, at + pn_offset, u->pn_length);
            l.add_bytes(kPayload, packet.subspan(pn_offset + u->pn_length), at + pn_offset + u->pn_length,
                  packet.size() - pn_offset - u->pn_length);
        }
        // The frames, from the decrypted bytes (a data source of their own).
        const std::uint16_t source =
            l ? l.tree()->add_source("Decrypted QUIC (" + std::to_string(u->plaintext.size()) + " bytes)", u->plaintext)
              : 0;
        ByteReader frames(Bytes(l ? l.tree()->source_bytes(source) : Bytes(u->plaintext)), u->plaintext.size(), 0);
        std::string names = frames_of(frames, l, source, s, space);
        note(text + ", PKN: " + std::to_string(pn) + names);
    }

    // After a handshake message: the key log's secrets for this connection, once the
    // Server Hello named the cipher suite.
    void install_keys() {
        if (flow_.secrets_found || !flow_.facts.cipher_suite || flow_.facts.client_random.size() != 32) return;
        const KeyLog* log = ctx_.state->get<TlsState>().key_log;
        const SessionSecrets* secrets = log ? log->find(flow_.facts.client_random) : nullptr;
        if (!secrets) return;
        flow_.secrets_found = true;
        const std::uint16_t suite = *flow_.facts.cipher_suite;
        auto keys = [&](const std::vector<std::uint8_t>& secret) -> std::optional<QuicKeys> {
            if (secret.empty()) return std::nullopt;
            return quic_keys_from_secret(flow_.version, suite, secret);
        };
        flow_.space[kHandshakeSpace].keys[0] = keys(secrets->client_handshake_traffic_secret);
        flow_.space[kHandshakeSpace].keys[1] = keys(secrets->server_handshake_traffic_secret);
        flow_.space[kApplicationSpace].keys[0] = keys(secrets->client_traffic_secret_0);
        flow_.space[kApplicationSpace].keys[1] = keys(secrets->server_traffic_secret_0);
        flow_.app_secret[0] = secrets->client_traffic_secret_0;
        flow_.app_secret[1] = secrets->server_traffic_secret_0;
        flow_.zero_rtt = keys(secrets->client_early_traffic_secret);
    }

    // The frames of a decrypted packet; returns ", CRYPTO, PADDING" for the Info column.
    std::string frames_of(ByteReader& r, NodeRef l, std::uint16_t source, int s, int space) {
        std::string names;
        std::string last;
        while (!r.empty()) {
            const std::size_t at = r.offset();
            auto type = r.quic_varint();
            if (!type) break;
            std::string_view name = name_of(kFrameTypes, *type);
            NodeRef f = l ? l.add(kFrame, std::monostate{}, at, 0, source) : l;
            if (f) f.set_text(name.empty() ? "Unknown frame" : std::string(name));
            if (f) {
                f.add(kFrameType, *type, at, r.offset() - at)
                    .set_text("Frame Type: " + std::string(name.empty() ? "Unknown" : name) + " (0x" + hex_digits(*type, 16) + ")");
            }
            bool ok = true;
            switch (*type) {
                case 0x00: {
                    std::size_t n = 1;
                    while (!r.empty() && r.rest()[0] == 0) {
                        (void)r.u8();
                        ++n;
                    }
                    if (f) f.add(kPaddingLength, std::uint64_t(n), at, n);
                    break;
                }
                case 0x01:
                case 0x1e: break;
                case 0x02:
                case 0x03: ok = ack(r, f, *type == 0x03); break;
                case 0x06: ok = crypto(r, f, s, space); break;
                case 0x1c:
                case 0x1d: {
                    ok = read_varint_field(r, f, *type == 0x1d ? kCloseErrorApp : kCloseError).has_value();
                    if (ok && *type == 0x1c) ok = read_varint_field(r, f, kCloseFrameType).has_value();
                    auto len = ok ? read_varint_field(r, f, kCloseReasonLength) : std::nullopt;
                    const std::size_t reason_at = r.offset();
                    auto reason = len && *len <= r.remaining() ? r.bytes(static_cast<std::size_t>(*len)) : std::nullopt;
                    if (reason && f)
                        f.add(kCloseReason, std::string(reinterpret_cast<const char*>(reason->data()), reason->size()),
                              reason_at, reason->size());
                    ok = reason.has_value();
                    break;
                }
                default:
                    if (space != kApplicationSpace) {
                        // Only PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE may be in Initial
                        // and Handshake packets (RFC 9000 section 12.4).
                        if (f) f.malformed("frame type not allowed in an " +
                                               std::string(space == kInitialSpace ? "Initial" : "Handshake") + " packet",
                                           at, r.reported_remaining());
                        (void)r.take_rest();
                        break;
                    }
                    ok = application_frame(*type, r, f);
                    break;
            }
            if (f) f.set_length(r.offset() - at);
            if (!ok) {
                if (f) f.short_read(r, std::string(name.empty() ? "frame" : name));
                break;
            }
            const std::string n(name.empty() ? "Unknown" : name);
            if (n != last) names += ", " + n;
            last = n;
        }
        return names;
    }

    // The frames of 0-RTT and 1-RTT packets (RFC 9000 section 19, RFC 9221 for DATAGRAM).
    bool application_frame(std::uint64_t type, ByteReader& r, NodeRef f) {
        auto v = [&](const FieldDef& def) { return read_varint_field(r, f, def).has_value(); };
        auto bytes = [&](const FieldDef& def, std::uint64_t n) {
            if (n > r.remaining()) return false;
            const std::size_t at = r.offset();
            auto b = r.bytes(static_cast<std::size_t>(n));
            if (f && b) f.add_bytes(def, *b, at, b->size());
            return b.has_value();
        };
        if (type >= 0x08 && type <= 0x0f) {  // STREAM: OFF 0x04, LEN 0x02, FIN 0x01
            if (f) {
                const std::size_t at = r.offset() - 1;
                f.add(kStreamFin, (type & 1) != 0, at, 1);
                f.add(kStreamLen, (type & 2) != 0, at, 1);
                f.add(kStreamOff, (type & 4) != 0, at, 1);
            }
            auto id = read_varint_field(r, f, kStreamId);
            if (!id) return false;
            std::uint64_t offset = 0;
            if (type & 4) {
                auto o = read_varint_field(r, f, kStreamOffset);
                if (!o) return false;
                offset = *o;
            }
            std::uint64_t length = r.remaining();
            if (type & 2) {
                auto n = read_varint_field(r, f, kStreamLength);
                if (!n) return false;
                length = *n;
            }
            if (length > r.remaining()) return false;
            const std::size_t data_at = r.offset();
            auto data = r.bytes(static_cast<std::size_t>(length));
            if (f) f.add_bytes(kStreamData, *data, data_at, data->size());
            http3(f, *id, offset, *data, data_at);
            return true;
        }
        switch (type) {
            case 0x04: return v(kRstsStreamId) && v(kRstsError) && v(kRstsFinalSize);
            case 0x05: return v(kSsStreamId) && v(kSsError);
            case 0x07: {
                auto n = read_varint_field(r, f, kNewTokenLength);
                return n && bytes(kNewToken, *n);
            }
            case 0x10: return v(kMaxData);
            case 0x11: return v(kMsdStreamId) && v(kMsdMaximum);
            case 0x12:
            case 0x13: return v(kMaxStreams);
            case 0x14: return v(kDataBlocked);
            case 0x15: return v(kSdbStreamId) && v(kSdbLimit);
            case 0x16:
            case 0x17: return v(kStreamsBlocked);
            case 0x18: {
                if (!v(kNciSequence) || !v(kNciRetirePriorTo)) return false;
                auto n = read_u8(r, f, kNciLength);
                if (!n || *n > 20 || *n > r.remaining()) return false;
                remember_cid(side(), r.rest().first(static_cast<std::size_t>(*n)));
                return bytes(kNciConnectionId, *n) && bytes(kNciResetToken, 16);
            }
            case 0x19: return v(kRciSequence);
            case 0x1a: return bytes(kPathChallenge, 8);
            case 0x1b: return bytes(kPathResponse, 8);
            case 0x30: return bytes(kDatagram, r.remaining());
            case 0x31: {
                auto n = read_varint_field(r, f, kDatagramLength);
                return n && bytes(kDatagram, *n);
            }
            default:
                if (f) f.malformed("unknown frame type", r.offset(), r.reported_remaining());
                (void)r.take_rest();
                return true;
        }
    }

    // HTTP/3 (RFC 9114) on the STREAM frames of a connection that chose ALPN h3: the
    // type of each unidirectional stream, and the frames of the control and request
    // streams (type and length; SETTINGS read out; QPACK field sections not decoded).
    void http3(NodeRef f, std::uint64_t id, std::uint64_t offset, Bytes data, std::size_t at) {
        if (flow_.facts.alpn_selected.rfind("h3", 0) != 0) return;
        // A bidirectional stream carries both sides' frames: one state per direction.
        const std::uint64_t key = id << 1 | static_cast<std::uint64_t>(side());
        auto it = flow_.h3.find(key);
        if (it == flow_.h3.end()) {
            if (flow_.h3.size() >= kMaxH3Streams) return;
            it = flow_.h3.emplace(key, H3Stream{}).first;
            it->second.id = id;
            it->second.uni = (id & 2) != 0;
        }
        if (offset == 0 && it->second.next > 0 && data.size() <= kMaxH3Buffer) {
            // The stream's start sent again (a packet retransmitted): shown again, read
            // from a fresh state as it would have been the first time.
            H3Stream again;
            again.id = id;
            again.uni = it->second.uni;
            again.next = 0;
            NodeRef h3 = f ? f.add(kHttp3, std::monostate{}, at, data.size()) : f;
            again.buf.assign(data.begin(), data.end());
            h3_parse(again, h3, at);
            return;
        }
        H3Stream& st = it->second;
        if (st.broken) return;
        if (offset + data.size() <= st.next) return;  // bytes already read
        if (offset < st.next) {
            data = data.subspan(static_cast<std::size_t>(st.next - offset));
            offset = st.next;
        }
        if (offset != st.next) {
            st.broken = true;  // a hole: not reassembled (the frames of this stream stop here)
            return;
        }
        st.next += data.size();
        NodeRef h3 = f ? f.add(kHttp3, std::monostate{}, at, data.size()) : f;
        ctx_.add_protocol("http3");
        while (!data.empty() && !st.broken) {
            if (st.skip) {  // the rest of a DATA frame's (or a long frame's) payload
                const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(st.skip, data.size()));
                st.skip -= n;
                data = data.subspan(n);
                continue;
            }
            const std::size_t room = kMaxH3Buffer - st.buf.size();
            const std::size_t take = std::min(room, data.size());
            st.buf.insert(st.buf.end(), data.begin(), data.begin() + static_cast<long>(take));
            data = data.subspan(take);
            h3_parse(st, h3, at);
            if (!data.empty() && st.buf.size() >= kMaxH3Buffer) st.broken = true;
        }
    }

    void h3_parse(H3Stream& st, NodeRef h3, std::size_t at) {
        for (;;) {
            ByteReader r{Bytes(st.buf)};
            if (st.uni && !st.typed) {
                auto type = r.quic_varint();
                if (!type) return;
                st.typed = true;
                st.type = *type;
                if (h3) h3.add(kH3StreamType, *type, at, 0).set_text("Stream Type: " + std::string(h3_stream_name(*type)) +
                                                                     " (0x" + hex_digits(*type, 1) + ")");
                if (*type > 2) {  // the QPACK decoder stream and unknown streams: not read further
                    st.broken = true;
                    return;
                }
                st.buf.erase(st.buf.begin(), st.buf.begin() + static_cast<long>(r.offset()));
                continue;
            }
            if (st.uni && st.type == 2) {  // QPACK encoder instructions: they fill the dynamic table
                if (st.buf.empty()) return;
                QpackDecoder& q = qpack_of(side());
                const bool read = q.read_encoder(Bytes(st.buf));
                if (h3) {
                    NodeRef e = h3.add_bytes(kH3QpackEncoder, Bytes(st.buf), at, 0);
                    e.add_generated(kH3QpackInsertCount, q.insert_count());
                    if (!read) e.malformed("QPACK encoder stream not understood", at, 0);
                }
                st.buf.clear();
                if (!read) st.broken = true;
                return;
            }
            if (st.uni && st.type == 1 && !st.push_read) {
                auto push = r.quic_varint();
                if (!push) return;
                st.push_read = true;
                if (h3) h3.add(kH3PushId, *push, at, 0);
                st.buf.erase(st.buf.begin(), st.buf.begin() + static_cast<long>(r.offset()));
                continue;
            }
            auto type = r.quic_varint();
            auto length = type ? r.quic_varint() : std::nullopt;
            if (!length) return;
            const std::size_t header = r.offset();
            const bool whole = *length <= r.remaining();
            if (*type != 0 && *length <= kMaxH3Buffer - header && !whole) return;  // wait for the frame
            NodeRef fr = h3 ? h3.add(kH3Frame, std::monostate{}, at, 0) : h3;
            if (fr) {
                fr.set_text("Type: " + std::string(h3_frame_name(*type)) + " (0x" + hex_digits(*type, 1) + "), Length: " +
                            std::to_string(*length));
                fr.add(kH3FrameType, *type, at, 0);
                fr.add(kH3FrameLength, *length, at, 0);
            }
            if (*type == 4 && whole) {  // SETTINGS: identifier/value pairs
                ByteReader p = *r.child(static_cast<std::size_t>(*length));
                while (!p.empty()) {
                    auto sid = p.quic_varint();
                    auto sval = sid ? p.quic_varint() : std::nullopt;
                    if (!sval) break;
                    if (fr) {
                        fr.add(kH3SettingsId, *sid, at, 0);
                        fr.add(kH3SettingsValue, *sval, at, 0);
                    }
                }
            }
            if (*type == 1 && whole) field_section(st, fr, r.child(static_cast<std::size_t>(*length))->rest(), at);
            if (whole) {
                st.buf.erase(st.buf.begin(), st.buf.begin() + static_cast<long>(header + *length));
            } else {
                // DATA, or a frame longer than we keep: its payload is counted past.
                st.skip = *length - (st.buf.size() - header);
                st.buf.clear();
            }
        }
    }

    QpackDecoder& qpack_of(int s) {
        if (!flow_.qpack[s]) flow_.qpack[s] = std::make_unique<QpackDecoder>();
        return *flow_.qpack[s];
    }

    // A HEADERS frame's QPACK field section, decoded with the dynamic table the same
    // side's encoder stream built so far.
    void field_section(const H3Stream& st, NodeRef fr, Bytes section, std::size_t at) {
        const int s = side();
        const QpackFieldSection fs = qpack_of(s).decode(static_cast<std::int64_t>(st.id), section);
        if (fs.status == QpackFieldSection::Status::Decoded) remember_request(s, fs, fr);
        if (!fr) return;
        if (fs.status == QpackFieldSection::Status::Blocked) {
            NodeRef b = fr.add_generated(kH3Blocked, true);
            b.add_generated(kH3BlockedRequired, fs.required_insert_count);
            b.add_generated(kH3BlockedAvailable, fs.insert_count);
            b.set_text("HEADERS blocked on the QPACK encoder stream: needs ", fs.required_insert_count, " dynamic table entries, ", fs.insert_count, " seen");
        } else if (fs.status == QpackFieldSection::Status::Failed) {
            fr.expert(kH3HeadersFailed, "QPACK field section not decoded: " + fs.error);
        }
        if (fs.fields.empty()) return;
        fr.add_generated(kH3HeadersCount, std::uint64_t(fs.fields.size()));
        std::string_view scheme, authority, path;
        for (const auto& [name, value] : fs.fields) {
            NodeRef h = fr.add(kH3Header, std::monostate{}, at, 0);
            h.set_text("Header: ", escape_nonprintable(name), ": ", escape_nonprintable(value));
            h.add(kH3HeaderName, name, at, 0);
            h.add(kH3HeaderValue, value, at, 0);
            if (name == ":scheme") scheme = value;
            if (name == ":authority") authority = value;
            if (name == ":path") path = value;
        }
        if (!scheme.empty() && !authority.empty())
            fr.add_generated(kH3FullUri, std::string(scheme) + "://" + std::string(authority) + std::string(path));
    }

    // The first request and response of the connection, as HTTP/1 would write their
    // first lines ("GET /index.html HTTP/3", "HTTP/3 200"), for the sessions record.
    // A request also gets its JA4H, in the sessions record and under its HEADERS frame.
    void remember_request(int s, const QpackFieldSection& fs, NodeRef fr) {
        std::string_view method, path, status;
        for (const auto& [name, value] : fs.fields) {
            if (name == ":method") method = value;
            if (name == ":path") path = value;
            if (name == ":status") status = value;
        }
        if (!method.empty()) {
            std::string raw;
            const std::string fingerprint = ja4h(HttpRequestHead{std::string(method), "30", fs.fields}, fr ? &raw : nullptr);
            flow_.facts.note_http_request(ctx_.frame.number, fingerprint);
            fr.add_generated(kH3Ja4h, fingerprint).add_generated(kH3Ja4hRaw, raw).set_hidden();
        }
        if (s == 0 && !method.empty() && flow_.facts.http_request_line.empty())
            flow_.facts.http_request_line = std::string(method) + " " + std::string(path) + " HTTP/3";
        if (s == 1 && !status.empty() && flow_.facts.http_status_line.empty())
            flow_.facts.http_status_line = "HTTP/3 " + std::string(status);
    }

    static std::string_view h3_stream_name(std::uint64_t t) {
        switch (t) {
            case 0: return "Control Stream";
            case 1: return "Push Stream";
            case 2: return "QPACK Encoder Stream";
            case 3: return "QPACK Decoder Stream";
            default: return "Unknown";
        }
    }
    static std::string_view h3_frame_name(std::uint64_t t) {
        switch (t) {
            case 0x0: return "DATA";
            case 0x1: return "HEADERS";
            case 0x3: return "CANCEL_PUSH";
            case 0x4: return "SETTINGS";
            case 0x5: return "PUSH_PROMISE";
            case 0x7: return "GOAWAY";
            case 0xd: return "MAX_PUSH_ID";
            case 0xf0700: return "PRIORITY_UPDATE (request)";
            case 0xf0701: return "PRIORITY_UPDATE (push)";
            default: return "Unknown";
        }
    }

    bool ack(ByteReader& r, NodeRef f, bool ecn) {
        if (!read_varint_field(r, f, kAckLargest) || !read_varint_field(r, f, kAckDelay)) return false;
        auto count = read_varint_field(r, f, kAckRangeCount);
        if (!count || !read_varint_field(r, f, kAckFirstRange)) return false;
        for (std::uint64_t i = 0; i < *count; ++i)
            if (!read_varint_field(r, f, kAckGap) || !read_varint_field(r, f, kAckRange)) return false;
        if (ecn)
            return read_varint_field(r, f, kAckEct0) && read_varint_field(r, f, kAckEct1) &&
                   read_varint_field(r, f, kAckCe);
        return true;
    }

    bool crypto(ByteReader& r, NodeRef f, int s, int space) {
        auto offset = read_varint_field(r, f, kCryptoOffset);
        auto length = offset ? read_varint_field(r, f, kCryptoLength) : std::nullopt;
        if (!length || *length > r.remaining()) return false;
        const std::size_t data_at = r.offset();
        auto data = r.bytes(static_cast<std::size_t>(*length));
        if (f) f.add(kCryptoData, std::monostate{}, data_at, data->size());
        add_crypto(f, s, space, *offset, *data);
        return true;
    }

    // Adds a CRYPTO frame's bytes; each handshake message completed is dissected here.
    void add_crypto(NodeRef f, int s, int space, std::uint64_t offset, Bytes data) {
        CryptoStream& c = flow_.space[space].crypto[s];
        if (c.overflow || c.messages >= kMaxCryptoMessages) return;
        if (offset + data.size() > kMaxCryptoStream) {
            c.overflow = true;
            if (f) f.expert(kCryptoTooLong, "CRYPTO stream beyond " + std::to_string(kMaxCryptoStream) + " bytes: not reassembled");
            return;
        }
        if (offset + data.size() <= c.next) return;  // a retransmission of bytes already used
        if (offset > c.next) {
            auto& piece = c.pieces[offset];
            if (piece.size() < data.size()) piece.assign(data.begin(), data.end());
            return;
        }
        const std::size_t skip = static_cast<std::size_t>(c.next - offset);
        c.pending.insert(c.pending.end(), data.begin() + static_cast<long>(skip), data.end());
        c.next = offset + data.size();
        // Later pieces that now join.
        for (auto it = c.pieces.begin(); it != c.pieces.end() && it->first <= c.next;) {
            const std::uint64_t end = it->first + it->second.size();
            if (end > c.next) {
                const std::size_t k = static_cast<std::size_t>(c.next - it->first);
                c.pending.insert(c.pending.end(), it->second.begin() + static_cast<long>(k), it->second.end());
                c.next = end;
            }
            it = c.pieces.erase(it);
        }
        // Whole handshake messages.
        while (c.pending.size() >= 4 && c.messages < kMaxCryptoMessages) {
            const std::size_t len = std::size_t(c.pending[1]) << 16 | std::size_t(c.pending[2]) << 8 | c.pending[3];
            if (c.pending.size() < 4 + len) break;
            std::vector<std::uint8_t> message(c.pending.begin(), c.pending.begin() + static_cast<long>(4 + len));
            c.pending.erase(c.pending.begin(), c.pending.begin() + static_cast<long>(4 + len));
            ++c.messages;
            handshake_message(f, s, std::move(message));
        }
    }

    void handshake_message(NodeRef f, int s, std::vector<std::uint8_t> message) {
        NodeRef parent = f;
        std::uint16_t source = 0;
        if (f) {
            source = f.tree()->add_source("Reassembled CRYPTO (" + std::to_string(message.size()) + " bytes)", message);
            parent = f.add(kTlsLayer, std::monostate{}, 0, message.size(), source);
        }
        ByteReader m(f ? f.tree()->source_bytes(source) : Bytes(message), message.size(), 0);
        std::string info;
        const std::uint16_t saved = ctx_.source;
        ctx_.source = source;
        flow_.facts.quic = true;  // before the Client Hello: its JA4 starts with "q"
        dissect_handshake_message(m, parent, s, flow_.facts, ctx_, info);
        ctx_.source = saved;
        if (parent && !info.empty()) parent.set_text("TLSv1.3 Record Layer: Handshake Protocol: ", info);
        ctx_.add_protocol("tls");
        install_keys();
    }

    bool version_negotiation(ByteReader& r, const ByteReader& dcid, const ByteReader& scid) {
        const std::size_t at = r.offset();
        Bytes all = r.take_rest().rest();
        NodeRef l = layer(at, all.size());
        if (l) {
            l.add(kHeaderForm, std::uint64_t(1), at, 1);
            l.add(kVersion, std::uint64_t(0), at + 1, 4);
            l.add(kDcil, std::uint64_t(dcid.reported_remaining()), at + 5, 1);
            if (!dcid.rest().empty()) l.add_bytes(kDcid, dcid.rest(), dcid.offset(), dcid.reported_remaining());
            l.add(kScil, std::uint64_t(scid.reported_remaining()), scid.offset() - 1, 1);
            if (!scid.rest().empty()) l.add_bytes(kScid, scid.rest(), scid.offset(), scid.reported_remaining());
            for (std::size_t o = scid.offset() + scid.reported_remaining() - at; o + 4 <= all.size(); o += 4) {
                const std::uint32_t v = std::uint32_t(all[o]) << 24 | std::uint32_t(all[o + 1]) << 16 |
                                        std::uint32_t(all[o + 2]) << 8 | all[o + 3];
                l.add(kSupportedVersion, std::uint64_t(v), at + o, 4);
            }
        }
        note("Version Negotiation");
        return false;
    }

    bool retry(ByteReader& r, std::uint8_t first, std::uint32_t version, const ByteReader& dcid, const ByteReader& scid) {
        const std::size_t at = r.offset();
        Bytes all = r.take_rest().rest();
        NodeRef l = layer(at, all.size());
        header_fields(l, at, first, version, dcid, scid, 3);
        // The client's next Initial goes to the connection ID the Retry chose, and its
        // Initial keys come from it (RFC 9000 section 17.2.5, RFC 9001 section 5.2).
        Bytes retry_cid = scid.rest();
        flow_.cid[1].assign(retry_cid.begin(), retry_cid.end());
        if (is_known_version(version)) {
            flow_.original_dcid.assign(retry_cid.begin(), retry_cid.end());
            flow_.space[kInitialSpace].keys[0] = quic_initial_keys(version, retry_cid, false);
            flow_.space[kInitialSpace].keys[1] = quic_initial_keys(version, retry_cid, true);
        }
        const std::size_t token_at = scid.offset() + scid.reported_remaining() - at;
        if (l && all.size() >= token_at + 16) {
            l.add(kRetryToken, to_byte_string(all.subspan(token_at, all.size() - token_at - 16)), at + token_at,
                  all.size() - token_at - 16);
            l.add_bytes(kRetryTag, all.last(16), at + all.size() - 16, 16);
        }
        note("Retry, DCID=" + hex_string(dcid.rest()) + ", SCID=" + hex_string(scid.rest()));
        return false;
    }

    void short_packet(ByteReader& r) {
        const std::size_t at = r.offset();
        Bytes all = r.take_rest().rest();
        NodeRef l = layer(at, all.size());
        // The DCID is the Source Connection ID the receiver chose in its long headers.
        const int s = side();
        const std::vector<std::uint8_t>& cid = flow_.cid[1 - s];
        const std::size_t n = std::min(cid.size(), all.size() - 1);
        if (l) {
            NodeRef h = l.add(kShort, std::monostate{}, at, 1 + n);
            h.add(kHeaderForm, std::uint64_t(0), at, 1);
            h.add(kFixedBit, (all[0] & 0x40) != 0, at, 1);
            h.add(kSpinBit, (all[0] & 0x20) != 0, at, 1);
            if (n) h.add_bytes(kDcid, all.subspan(1, n), at + 1, n);
        }
        const std::string text =
            "Protected Payload" + std::string(n ? ", DCID=" + hex_string(all.subspan(1, n)) : std::string());
        std::uint64_t pn = 0;
        const bool keys = flow_.space[kApplicationSpace].keys[s].has_value();
        auto u = keys ? open_application_packet(all, 1 + n, s, pn) : std::nullopt;
        show_packet(l, all, at, 1 + n, text, kApplicationSpace, keys, std::move(u), pn, kProtectedPayload);
    }

    // A 1-RTT packet opened with the current keys, the next generation after a key update
    // (RFC 9001 section 6; header protection keys do not change; the update is kept), or
    // the previous one for a packet sent before the update. Each is tried once.
    std::optional<QuicUnprotected> open_application_packet(Bytes packet, std::size_t pn_offset, int s,
                                                           std::uint64_t& pn) {
        QuicSpace& sp = flow_.space[kApplicationSpace];
        if (auto u = quic_unprotect(*sp.keys[s], packet, pn_offset, sp.expected_pn[s], pn)) return u;
        if (flow_.app_previous[s])
            if (auto u = quic_unprotect(*flow_.app_previous[s], packet, pn_offset, sp.expected_pn[s], pn)) return u;
        if (flow_.app_secret[s].empty() || flow_.key_updates[s] >= kMaxKeyUpdates) return std::nullopt;
        auto next_secret = quic_next_secret(flow_.version, *flow_.facts.cipher_suite, flow_.app_secret[s]);
        auto next = next_secret ? quic_keys_from_secret(flow_.version, *flow_.facts.cipher_suite, *next_secret)
                                : std::nullopt;
        if (!next) return std::nullopt;
        next->hp = sp.keys[s]->hp;
        auto u = quic_unprotect(*next, packet, pn_offset, sp.expected_pn[s], pn);
        if (!u) return std::nullopt;
        flow_.app_previous[s] = std::move(sp.keys[s]);
        sp.keys[s] = std::move(next);
        flow_.app_secret[s] = std::move(*next_secret);
        ++flow_.key_updates[s];
        return u;
    }

    static constexpr FieldDef kMigration{"quic.connection_migration", "Connection migration", FieldType::Expert,
                                         Base::None, {}, 0, 0, {}, Severity::Note};
    static constexpr FieldDef kDecryptionFailed{"quic.decryption_failed", "Decryption failed", FieldType::Expert,
                                                Base::None, {}, 0, 0, {}, Severity::Warn};
    static constexpr FieldDef kCryptoTooLong{"quic.crypto.too_long", "CRYPTO stream too long", FieldType::Expert,
                                             Base::None, {}, 0, 0, {}, Severity::Warn};

    PacketContext& ctx_;
    QuicFlow& flow_;
    QuicState* state_;
    std::string info_;
    int packets_ = 0;
};

// A datagram that starts a QUIC connection: a long header of a known version (or a
// Version Negotiation), a connection ID length within 20, and room for what follows.
bool looks_like_quic(Bytes b) {
    if (b.size() < 7 || !(b[0] & 0x80)) return false;
    const std::uint32_t v = std::uint32_t(b[1]) << 24 | std::uint32_t(b[2]) << 16 | std::uint32_t(b[3]) << 8 | b[4];
    if (!is_known_version(v) && v != 0) return false;
    if (v != 0 && !(b[0] & 0x40)) return false;
    return b[5] <= 20 && b.size() >= 7u + b[5];
}

}  // namespace

namespace {

// Tells the session layer about a connection that had a Client Hello.
void report(QuicState& st, QuicFlow& flow) {
    if (!st.on_connection_end || !flow.facts.client_hello.seen) return;
    flow.facts.quic = true;
    flow.facts.quic_version = flow.version;
    flow.facts.quic_initial_dcid = flow.original_dcid;
    flow.facts.quic_connection = flow.number;
    st.on_connection_end(flow.end, flow.facts);
}

// Reports a connection and forgets it with its connection IDs.
std::map<std::uint64_t, std::unique_ptr<QuicFlow>>::iterator forget(
    QuicState& st, std::map<std::uint64_t, std::unique_ptr<QuicFlow>>::iterator it) {
    report(st, *it->second);
    for (const std::string& cid : it->second->own_cids) st.cids.erase(cid);
    return st.flows.erase(it);
}

// A new connection in `st`, first seen in this packet.
QuicFlow& new_flow(QuicState& st, QuicFlowRef& ref, const PacketContext& ctx) {
    ref.id = st.next_id++;
    QuicFlow& f = *st.flows.emplace(ref.id, std::make_unique<QuicFlow>()).first->second;
    f.id = ref.id;
    f.end.stream = ctx.flow_stream;
    f.end.first_frame = ctx.frame.number;
    f.end.first_ts_ns = ctx.frame.ts_ns;
    f.end.path = ctx.path;
    f.facts.transport = "quic";
    f.facts.stream = f.end.stream;
    f.facts.first_ts_ns = f.end.first_ts_ns;
    return f;
}

bool starts_new_connection(Bytes b, const QuicFlow& flow, const PacketContext& ctx) {
    if (b.size() < 7 || !(b[0] & 0x80) || ctx.src != flow.client || ctx.src_port != flow.client_port) return false;
    const std::uint32_t v = std::uint32_t(b[1]) << 24 | std::uint32_t(b[2]) << 16 | std::uint32_t(b[3]) << 8 | b[4];
    if (!is_known_version(v) || v1_type(v, (b[0] >> 4) & 3) != 0) return false;
    const std::size_t n = b[5];
    if (n > 20 || b.size() < 6 + n) return false;
    const Bytes dcid = b.subspan(6, n);
    auto same = [&](const std::vector<std::uint8_t>& cid) {
        return cid.size() == dcid.size() && std::equal(cid.begin(), cid.end(), dcid.begin());
    };
    if (same(flow.original_dcid) || same(flow.cid[1])) return false;
    // A connection ID learned later (NEW_CONNECTION_ID): still this connection if its
    // Initial keys open the packet.
    const auto& keys = flow.space[kInitialSpace].keys[0];
    if (!keys) return true;
    ByteReader r{b};
    (void)r.bytes(6 + n);
    auto scid = r.u8_prefixed();
    auto token_length = scid ? r.quic_varint() : std::nullopt;
    if (!token_length || *token_length > r.remaining() || !r.bytes(static_cast<std::size_t>(*token_length))) return true;
    auto length = r.quic_varint();
    const std::size_t pn_offset = r.offset();
    if (!length || *length > b.size() - pn_offset) return true;
    std::uint64_t pn = 0;
    return !quic_unprotect(*keys, b.first(pn_offset + static_cast<std::size_t>(*length)), pn_offset,
                           flow.space[kInitialSpace].expected_pn[0], pn);
}

}  // namespace

std::size_t dissect_quic_datagram(ByteReader payload, PacketContext& ctx) {
    QuicState& st = ctx.state->get<QuicState>();
    QuicFlowRef* ref = ctx.flow_state<QuicFlowRef>();
    if (ref && ref->other_shard) return 0;
    if (ref && !ref->id && !ctx.in_shard && !owner_of_short_header(st, payload.rest())) {
        // Another shard's connection: it takes its number (as in the whole capture), nothing more.
        ref->other_shard = true;
        ++st.next_number;
        return 0;
    }
    QuicFlow scratch;
    QuicFlow* flow = &scratch;
    if (ref) {
        auto it = ref->id ? st.flows.find(ref->id) : st.flows.end();
        if (it == st.flows.end()) {
            // A path not seen before: a connection that moved there (its connection ID
            // as Destination), else a new connection.
            if (const QuicCidOwner* owner = owner_of_short_header(st, payload.rest())) {
                it = st.flows.find(owner->id);
                if (it != st.flows.end()) {
                    ref->id = owner->id;
                    // Sent to the side that chose the ID: by the other one. The server
                    // keeps its address; a client that moved is followed to the new one.
                    QuicFlow& f = *it->second;
                    if (owner->side == 1 && f.client_known && !sent_by_client(f, ctx)) {
                        if (f.old_clients.size() < kMaxQuicCidsPerConnection)
                            f.old_clients.emplace_back(f.client, f.client_port);
                        const std::string from = f.client.endpoint_text(f.client_port);
                        f.client = ctx.src;
                        f.client_port = ctx.src_port;
                        const std::string to = ctx.src.endpoint_text(ctx.src_port);
                        f.migration_note = "Connection migration: the client moved from " + from + " to " + to;
                        if (f.facts.quic_migrations.size() < kMaxQuicCidsPerConnection)
                            f.facts.quic_migrations.push_back({ctx.frame.number, ctx.flow_stream, to});
                    }
                }
            }
        }
        if (it == st.flows.end()) {
            if (st.next_id % kQuicSweepEvery == 0) {
                for (auto old = st.flows.begin(); old != st.flows.end();) {
                    if (ctx.frame.ts_ns - old->second->end.last_ts_ns > kQuicIdleTimeoutNs)
                        old = forget(st, old);
                    else
                        ++old;
                }
            }
            if (st.flows.size() >= kMaxQuicConnections) forget(st, st.flows.begin());
            flow = &new_flow(st, *ref, ctx);
        } else {
            flow = it->second.get();
            // A client Initial to a connection ID this connection never used: a new
            // connection on the same addresses and ports (the client's port was reused).
            if (flow->client_known && starts_new_connection(payload.rest(), *flow, ctx)) {
                forget(st, it);
                flow = &new_flow(st, *ref, ctx);
            }
        }
    }
    if (!flow->numbered) {
        flow->numbered = true;
        flow->number = st.next_number++;
    }
    const std::size_t used = QuicDissector(ctx, *flow, ref ? &st : nullptr).datagram(payload);
    if (flow->client_known) {
        const int side = sent_by_client(*flow, ctx) ? 0 : 1;
        // The endpoints by role, as the connection began (its client's first Initial).
        if (flow->end.port[0] == 0) {
            flow->end.address[side] = ctx.src;
            flow->end.port[side] = ctx.src_port;
            flow->end.address[1 - side] = ctx.dst;
            flow->end.port[1 - side] = ctx.dst_port;
        }
        flow->end.payload_bytes[side] += payload.reported_remaining();
    }
    flow->end.last_ts_ns = ctx.frame.ts_ns;
    return used;
}

void finish_quic(CaptureState& state) {
    QuicState* st = state.find<QuicState>();
    if (!st) return;
    for (auto& [id, flow] : st->flows) report(*st, *flow);
    st->flows.clear();
    st->cids.clear();
}

void register_quic(DissectorTables& tables) {
    // Outside the --shard too: to number the other shards' connections as the whole
    // capture does, and to follow a connection of this shard to a new path.
    tables.udp_heuristics.add({"quic", dissect_quic_datagram,
                               [](ByteReader payload, const PacketContext& ctx) {
                                   // A flow already known as QUIC, or a datagram that starts one.
                                   // (In a known flow the fixed bit may be greased to 0, RFC 9287.)
                                   if (ctx.flow_slots && *ctx.flow_slots) {
                                       const QuicFlowRef* ref = (*ctx.flow_slots)->find<QuicFlowRef>();
                                       if (ref && (ref->id || ref->other_shard)) return payload.peek_u8().has_value();
                                   }
                                   // A short header on a new path to a known connection ID (migration).
                                   if (const QuicState* st = ctx.state->find<QuicState>())
                                       if (owner_of_short_header(*st, payload.rest())) return true;
                                   return looks_like_quic(payload.rest());
                               },
                               true});
}

}  // namespace tlsdissect
