// A TLS connection over TCP: record framing per direction (PduAssembler), handshake
// messages reassembled across records, the record layer, and the facts the handshake
// reveals (TlsConnectionFacts).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tls/tls_common.hpp"
#include "transport/conversations.hpp"
#include "transport/pdu_assembler.hpp"
#include "transport/tcp_application.hpp"

namespace tlsdissect {

// Does this first payload of a connection start TLS (a record header or an SSLv2
// Client Hello)? Or a plaintext protocol that may upgrade with STARTTLS?
enum class TlsStart : std::uint8_t { No, Tls, MaybeStartTls };
TlsStart detect_tls(Bytes first_payload, std::uint16_t port_a, std::uint16_t port_b);

class TlsConnection final : public TcpApplication {
public:
    // `client_side`: the side that sent the first packet (the Client Hello decides later).
    TlsConnection(int first_sender, bool plaintext_first);
    void on_stream_event(int side, const StreamEvent& event, PacketContext& ctx) override;
    void on_close(PacketContext* ctx) override;
    FrameUse frame_use(std::uint64_t frame) const override;
    const TlsConnectionFacts& facts() const { return facts_; }
    int client_side() const { return client_side_; }

private:
    struct Direction {
        PduAssembler framer;
        TlsDirectionState state;
        std::vector<std::uint8_t> handshake;   // a handshake message split over records
        std::vector<std::uint64_t> handshake_frames;
        bool plaintext = false;                // before STARTTLS: not TLS yet
        bool sslv2_possible = true;            // the first record may be an SSLv2 Client Hello
        std::uint64_t skipped = 0;             // bytes passed over looking for a record
    };

    PduShape record_shape(int side, Bytes head) const;
    void on_record(int side, const AssembledPdu& pdu, PacketContext& ctx);
    void dissect_record(int side, ByteReader record, NodeRef layer, PacketContext& ctx, std::string& info);
    void dissect_sslv2(int side, ByteReader record, NodeRef layer, PacketContext& ctx, std::string& info);
    void handshake_records(int side, ByteReader fragment, NodeRef record, PacketContext& ctx, std::string& info);
    NodeRef layer_for(const AssembledPdu& pdu, ByteReader& reader, PacketContext& ctx);
    void note_frame(PacketContext& ctx, std::uint64_t frame);
    std::string record_version_label(std::uint16_t record_version) const;
    void audit_frame(NodeRef layer, PacketContext& ctx);

    Direction dir_[2];
    int client_side_;
    TlsConnectionFacts facts_;
    // What happened in the frame being dissected.
    std::uint64_t frame_ = 0;
    bool frame_pdu_ = false;
    bool frame_bytes_ = false;
    NodeRef frame_layer_;
    std::string frame_info_;
    std::string frame_audit_;  // --audit: ids of the findings shown in this frame
};

}  // namespace tlsdissect
