// A TCP application that speaks in messages (DNS over TCP) or does so before it hands
// the connection over (a proxy's exchange, a STARTTLS dialogue, a database's SSL request): each direction's
// bytes framed into messages, each message shown in the frame of its last byte (in
// place, or from its reassembled segments), the Info column, and the bookkeeping TCP
// asks for (frame_use). Once a hand-over is asked for, the rest of the event is left
// to the successor.
#pragma once

#include <string>
#include <string_view>

#include "transport/pdu_assembler.hpp"
#include "transport/tcp_application.hpp"

namespace tlsdissect {

// Messages that end with `terminator` ("\r\n", "\r\n\r\n"), at most `max` bytes; a longer
// one is cut there (the caller sees no terminator at its end).
inline PduShape terminated_shape(Bytes head, std::string_view terminator, std::size_t max) {
    std::string_view t(reinterpret_cast<const char*>(head.data()), head.size() < max ? head.size() : max);
    const std::size_t at = t.find(terminator);
    if (at != std::string_view::npos) return PduShape::pdu(at + terminator.size(), at + terminator.size());
    if (head.size() >= max) return PduShape::pdu(max, max);
    return PduShape::need(head.size() + 1);
}

class MessageApplication : public TcpApplication {
public:
    FrameUse frame_use(std::uint64_t frame) const override {
        if (frame != frame_) return {};
        return {consumed_, shown_};
    }
    std::size_t memory_bytes() const override {
        return sizeof(*this) + framer_[0].buffered() + framer_[1].buffered();
    }

protected:
    // `client` is the side of the connection that speaks first in this protocol's terms.
    explicit MessageApplication(int client) : client_(client & 1) {}

    // Frames one event of direction `side` into messages; `shape(Bytes head)` as for
    // PduAssembler, `on_message(const AssembledPdu&)` for each whole message. Stops
    // handing out messages once a hand-over is asked for.
    template <typename Shape, typename OnMessage>
    void feed(int side, const StreamEvent& e, PacketContext& ctx, Shape&& shape, OnMessage&& on_message) {
        note_frame(ctx);
        if (e.kind == StreamEvent::Kind::Data && e.current_frame) consumed_ = true;
        event_ = &e;
        side_ = side & 1;
        framer_[side & 1].feed(
            e, ctx.frame.number,
            [&](Bytes head) { return handing_over() ? PduShape::need(head.size() + e.data.size() + 1) : shape(head); },
            [&](const AssembledPdu& pdu) {
                if (!handing_over()) on_message(pdu);
            },
            [](std::size_t) {});
        event_ = nullptr;
    }

    // The bytes of the current event up to the end of `pdu` (for hand_over's `used`).
    std::size_t used_through(const AssembledPdu& pdu) const {
        if (!event_ || pdu.stream_offset + pdu.length < event_->offset) return 0;
        return static_cast<std::size_t>(pdu.stream_offset + pdu.length - event_->offset);
    }

    // A reader over a message's bytes: in place in the frame, or in a data source of its
    // own after a "[N Reassembled TCP Segments]" node; returns the data source. Marks the
    // frame as showing `protocol` (frame.protocols).
    std::uint16_t message_bytes(const AssembledPdu& pdu, ByteReader& reader, PacketContext& ctx,
                                std::string_view protocol) {
        shown_ = true;
        if (!protocol_added_) ctx.add_protocol(protocol);
        protocol_added_ = true;
        if (pdu.in_current_frame || !ctx.root) {
            reader = ByteReader(pdu.bytes, pdu.length, pdu.in_current_frame ? pdu.frame_offset : 0);
            return ctx.source;
        }
        const std::uint16_t source = present_reassembled_pdu(ctx.root, pdu);
        reader = ByteReader(ctx.root.tree()->source_bytes(source), pdu.length, 0);
        return source;
    }

    // The bytes of the current event before `pdu` begins (hand_over's `used` when the
    // message is already the successor's: a TLS record where a command was expected).
    std::size_t used_before(const AssembledPdu& pdu) const {
        if (!event_ || pdu.stream_offset < event_->offset) return 0;
        return static_cast<std::size_t>(pdu.stream_offset - event_->offset);
    }

    // The layer node `def` for a message, and a reader over its bytes (message_bytes).
    NodeRef layer_for(const FieldDef& def, const AssembledPdu& pdu, ByteReader& reader, PacketContext& ctx) {
        const std::uint16_t source = message_bytes(pdu, reader, ctx, def.filter);
        return ctx.root.add(def, std::monostate{}, reader.offset(), pdu.length, source);
    }

    // The same, but the messages of one direction that lie in the same frame share one
    // layer node (a multi-line reply, XML pieces), which grows to cover them.
    NodeRef frame_layer(const FieldDef& def, int side, const AssembledPdu& pdu, ByteReader& reader,
                        PacketContext& ctx) {
        const std::uint16_t source = message_bytes(pdu, reader, ctx, def.filter);
        if (!ctx.root) return {};
        const std::size_t at = reader.offset();
        if (pdu.in_current_frame && layer_frame_ == ctx.frame.number && layer_side_ == side && layer_ &&
            layer_.get()->def == &def) {
            Node* n = layer_.get();
            if (at + pdu.length > n->offset) n->length = static_cast<std::uint32_t>(at + pdu.length - n->offset);
            return layer_;
        }
        layer_ = ctx.root.add(def, std::monostate{}, at, pdu.length, source);
        layer_frame_ = pdu.in_current_frame ? ctx.frame.number : 0;
        layer_side_ = side;
        return layer_;
    }

    // Sets the Protocol column and adds `text` to this frame's Info ("a, b"); the text is
    // also a step of the exchange (the ladder shows them before the TLS handshake).
    void show_info(PacketContext& ctx, std::string_view protocol, std::string_view text) {
        if (!record_steps_) {
            // an application that never hands over keeps no steps
        } else if (steps_.size() < kMaxExchangeSteps) {
            steps_.push_back({ctx.frame.number, ctx.frame.ts_ns, side_ == client_, std::string(text)});
        } else {
            steps_.back() = {ctx.frame.number, ctx.frame.ts_ns, side_ == client_, std::string(text)};
        }
        if (!ctx.columns) return;
        if (!info_.empty()) info_ += ", ";
        info_ += text;
        ctx.columns->protocol = std::string(protocol);
        ctx.columns->info = info_;
    }

    bool is_client(int side) const { return (side & 1) == client_; }
    // For an application that never hands over (DNS over TCP): no exchange steps kept.
    void keep_no_steps() { record_steps_ = false; }

    void annotate_hand_over(HandOverNote& note) override { note.steps = std::move(steps_); }

    int client_;

private:
    void note_frame(PacketContext& ctx) {
        if (ctx.frame.number == frame_) return;
        frame_ = ctx.frame.number;
        consumed_ = shown_ = protocol_added_ = false;
        info_.clear();
    }

    PduAssembler framer_[2];
    const StreamEvent* event_ = nullptr;
    int side_ = 0;                  // the direction of the message being handled
    std::vector<ExchangeStep> steps_;
    bool record_steps_ = true;
    NodeRef layer_;                 // frame_layer's node, for the frame and side below
    std::uint64_t layer_frame_ = 0;
    int layer_side_ = -1;
    std::uint64_t frame_ = 0;
    bool consumed_ = false;
    bool shown_ = false;
    bool protocol_added_ = false;
    std::string info_;
};

}  // namespace tlsdissect
