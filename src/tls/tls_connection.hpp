// A TLS connection over TCP: record framing per direction (PduAssembler), handshake
// messages reassembled across records, the record layer, and the facts the handshake
// reveals (TlsConnectionFacts).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/http.hpp"
#include "tls/handshake_buffer.hpp"
#include "tls/keylog.hpp"
#include "tls/tls_common.hpp"
#include "tls/tls_decryption.hpp"
#include "transport/conversations.hpp"
#include "transport/pdu_assembler.hpp"
#include "transport/tcp_application.hpp"

namespace tlsdissect {

// Does this first payload of a connection start TLS (a record header or an SSLv2
// Client Hello)? (Plaintext that upgrades later is src/starttls's, handed over here.)
enum class TlsStart : std::uint8_t { No, Tls };
TlsStart detect_tls(Bytes first_payload);

class TlsConnection final : public TcpApplication {
public:
    // `client_side`: the side that sent the first packet (the Client Hello decides later).
    // `keys`: the key log to decrypt with (null or empty: records stay encrypted).
    TlsConnection(int first_sender, const KeyLog* keys = nullptr);
    void on_stream_event(int side, const StreamEvent& event, PacketContext& ctx) override;
    void on_close(const TcpConversation& conv, PacketContext& ctx) override;
    FrameUse frame_use(std::uint64_t frame) const override;
    std::size_t memory_bytes() const override;
    const TlsConnectionFacts& facts() const { return facts_; }
    // Where the connection is (tcp.stream, first packet's time), for resumption links.
    void locate(std::uint32_t stream, std::int64_t first_ts_ns) {
        facts_.stream = stream;
        facts_.first_ts_ns = first_ts_ns;
    }
    int client_side() const { return client_side_; }

private:
    struct Direction {
        PduAssembler framer;
        TlsDirectionState state;
        HandshakeMessageBuffer handshake;      // a handshake message split over records
        bool sslv2_possible = true;            // the first record may be an SSLv2 Client Hello
        std::uint64_t skipped = 0;             // bytes passed over looking for a record
    };

    PduShape record_shape(int side, Bytes head) const;
    void on_record(int side, const AssembledPdu& pdu, PacketContext& ctx);
    void dissect_record(int side, ByteReader record, NodeRef layer, PacketContext& ctx, std::string& info);
    // The content of one record (plaintext, or decrypted into `body`): `rec` gets the label.
    // A handshake record after a Change Cipher Spec that is the client's plaintext Client
    // Hello all the same (a one-sided capture, see the .cpp).
    bool plaintext_client_hello(int side, std::uint8_t type, const ByteReader& f) const;
    void dissect_content(int side, std::uint8_t type, ByteReader f, NodeRef rec, NodeRef body, PacketContext& ctx,
                         std::string& info, const std::string& prefix, bool encrypted);
    // Decrypts a protected record and dissects what is inside; false when it could not.
    bool decrypt_record(int side, std::uint8_t type, std::uint16_t version, ByteReader f, NodeRef rec,
                        PacketContext& ctx, std::string& info, const std::string& prefix);
    void handshake_message(int role, ByteReader message, NodeRef parent, PacketContext& ctx, std::string& info);
    void check_certificate_verify(int role, Bytes message, Bytes transcript_hash, NodeRef parent);
    // Returns the HTTP request or status line the data began with, if any.
    std::string application_data(int side, ByteReader data, NodeRef body, PacketContext& ctx);
    void dissect_sslv2(int side, ByteReader record, NodeRef layer, PacketContext& ctx, std::string& info);
    void handshake_records(int side, ByteReader fragment, NodeRef record, PacketContext& ctx, std::string& info);
    NodeRef layer_for(const AssembledPdu& pdu, ByteReader& reader, PacketContext& ctx);
    void note_frame(PacketContext& ctx, std::uint64_t frame);
    std::string record_version_label(std::uint16_t record_version) const;
    void audit_frame(NodeRef layer, PacketContext& ctx);
    const AuditSettings* audit_ = nullptr;       // --audit, from TlsState when the connection began

    Direction dir_[2];
    int client_side_;
    TlsConnectionFacts facts_;
    std::unique_ptr<TlsDecryption> decryption_;  // with a key log only
    bool in_decrypted_ = false;                  // dissecting a decrypted record's content
    bool in_early_data_ = false;                 // ... decrypted with the client's early (0-RTT) keys
    HttpStream http_[2];                         // per side, inside decrypted application data
    HttpExchange http_exchange_;
    bool http2_ = false;
    std::function<void(int side, std::uint64_t frame, Bytes plaintext)> follow_plaintext_;

public:
    // --follow-tls: receives every decrypted application-data record, in order per side.
    // --audit: findings shown at the frames that show them (null: off).
    void audit_with(const AuditSettings* audit) { audit_ = audit; }
    void follow_plaintext(std::function<void(int side, std::uint64_t frame, Bytes plaintext)> sink) {
        follow_plaintext_ = std::move(sink);
    }
    // What happened in the frame being dissected.
    std::uint64_t frame_ = 0;
    bool frame_pdu_ = false;
    bool frame_bytes_ = false;
    NodeRef frame_layer_;
    std::string frame_info_;
    std::string frame_audit_;  // --audit: ids of the findings shown in this frame
    std::pair<std::size_t, std::size_t> audited_{0, 0};  // handshake messages, heartbleeds when last audited
};

}  // namespace tlsdissect
