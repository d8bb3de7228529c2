// Transmission Control Protocol (RFC 9293; options: MSS, window scale RFC 7323,
// SACK RFC 2018, timestamps RFC 7323, TCP Fast Open RFC 7413). Sequence numbers are
// shown relative to the connection's initial sequence number, as Wireshark does.
#include <optional>
#include <string>

#include "core/packet_context.hpp"
#include "transport/transport.hpp"
#include "tlsdissect/text.hpp"
#include "transport/conversations.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kTcp{"tcp", "Transmission Control Protocol", FieldType::Protocol};
constexpr FieldDef kSrcPort{"tcp.srcport", "Source Port", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kDstPort{"tcp.dstport", "Destination Port", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kPort{"tcp.port", "Source or Destination Port", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kStream{"tcp.stream", "Stream index", FieldType::UInt};
constexpr FieldDef kSegLen{"tcp.len", "TCP Segment Len", FieldType::UInt};
constexpr FieldDef kSeq{"tcp.seq", "Sequence Number", FieldType::UInt};
constexpr FieldDef kSeqRaw{"tcp.seq_raw", "Sequence Number (raw)", FieldType::UInt};
constexpr FieldDef kNextSeq{"tcp.nxtseq", "Next Sequence Number", FieldType::UInt};
constexpr FieldDef kAck{"tcp.ack", "Acknowledgment Number", FieldType::UInt};
constexpr FieldDef kAckRaw{"tcp.ack_raw", "Acknowledgment number (raw)", FieldType::UInt};
constexpr FieldDef kHdrLen{"tcp.hdr_len", "Header Length", FieldType::UInt, Base::Dec, {}, 0xf0, 8};
constexpr FieldDef kFlags{"tcp.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0x0fff, 16};
constexpr FieldDef kFlagRes{"tcp.flags.res", "Reserved", FieldType::Bool, Base::None, {}, 0x0e00, 12};
constexpr FieldDef kFlagAe{"tcp.flags.ae", "Accurate ECN", FieldType::Bool, Base::None, {}, 0x0100, 12};
constexpr FieldDef kFlagCwr{"tcp.flags.cwr", "Congestion Window Reduced", FieldType::Bool, Base::None, {}, 0x0080, 12};
constexpr FieldDef kFlagEce{"tcp.flags.ece", "ECN-Echo", FieldType::Bool, Base::None, {}, 0x0040, 12};
constexpr FieldDef kFlagUrg{"tcp.flags.urg", "Urgent", FieldType::Bool, Base::None, {}, 0x0020, 12};
constexpr FieldDef kFlagAck{"tcp.flags.ack", "Acknowledgment", FieldType::Bool, Base::None, {}, 0x0010, 12};
constexpr FieldDef kFlagPush{"tcp.flags.push", "Push", FieldType::Bool, Base::None, {}, 0x0008, 12};
constexpr FieldDef kFlagReset{"tcp.flags.reset", "Reset", FieldType::Bool, Base::None, {}, 0x0004, 12};
constexpr FieldDef kFlagSyn{"tcp.flags.syn", "Syn", FieldType::Bool, Base::None, {}, 0x0002, 12};
constexpr FieldDef kFlagFin{"tcp.flags.fin", "Fin", FieldType::Bool, Base::None, {}, 0x0001, 12};
constexpr FieldDef kFlagStr{"tcp.flags.str", "TCP Flags", FieldType::String};
constexpr FieldDef kWindow{"tcp.window_size_value", "Window", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kWindowCalc{"tcp.window_size", "Calculated window size", FieldType::UInt};
constexpr FieldDef kWindowScale{"tcp.window_size_scalefactor", "Window size scaling factor", FieldType::Int};
constexpr FieldDef kChecksum{"tcp.checksum", "Checksum", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kUrgent{"tcp.urgent_pointer", "Urgent Pointer", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kOptions{"tcp.options", "Options", FieldType::Bytes};
constexpr ValueName kOptionKinds[] = {
    {0, "End of Option List (EOL)"}, {1, "No-Operation (NOP)"}, {2, "Maximum Segment Size"},
    {3, "Window Scale"}, {4, "SACK Permitted"}, {5, "SACK"}, {8, "Time Stamp Option"},
    {19, "MD5 signature"}, {28, "User Timeout"}, {29, "TCP Authentication Option"},
    {30, "Multipath TCP"}, {34, "TCP Fast Open Cookie"},
};
constexpr FieldDef kOption{"tcp.option", "TCP Option", FieldType::None};
constexpr FieldDef kOptionKind{"tcp.option_kind", "Kind", FieldType::UInt, Base::Dec, kOptionKinds, 0, 8};
constexpr FieldDef kOptionLen{"tcp.option_len", "Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kMss{"tcp.options.mss_val", "MSS Value", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kWsShift{"tcp.options.wscale.shift", "Shift count", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kWsMultiplier{"tcp.options.wscale.multiplier", "Multiplier", FieldType::UInt};
constexpr FieldDef kSackLe{"tcp.options.sack_le", "left edge", FieldType::UInt};
constexpr FieldDef kSackRe{"tcp.options.sack_re", "right edge", FieldType::UInt};
constexpr FieldDef kTsVal{"tcp.options.timestamp.tsval", "Timestamp value", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kTsEcr{"tcp.options.timestamp.tsecr", "Timestamp echo reply", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kTfoCookie{"tcp.options.tfo.cookie", "Fast Open Cookie", FieldType::Bytes};
constexpr FieldDef kOptionData{"tcp.options.data", "Data", FieldType::Bytes};
constexpr FieldDef kTimestamps{"tcp.timestamps", "Timestamps", FieldType::None};
constexpr FieldDef kTimeRelative{"tcp.time_relative", "Time since first frame in this TCP stream", FieldType::RelTime, Base::None, {}, 0, 0, " seconds"};
constexpr FieldDef kPayload{"tcp.payload", "TCP payload", FieldType::Bytes};
constexpr FieldDef kAnalysis{"tcp.analysis", "SEQ/ACK analysis", FieldType::None};
constexpr FieldDef kRetransmission{"tcp.analysis.retransmission", "TCP Retransmission", FieldType::Expert,
                                   Base::None, {}, 0, 0, {}, Severity::Note};
constexpr FieldDef kSpurious{"tcp.analysis.spurious_retransmission", "TCP Spurious Retransmission",
                             FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Note};
constexpr FieldDef kOutOfOrder{"tcp.analysis.out_of_order", "TCP Out-Of-Order", FieldType::Expert, Base::None,
                               {}, 0, 0, {}, Severity::Warn};
constexpr FieldDef kLostSegment{"tcp.analysis.lost_segment", "TCP Previous segment not captured", FieldType::Expert,
                                Base::None, {}, 0, 0, {}, Severity::Warn};
constexpr FieldDef kAckLostSegment{"tcp.analysis.ack_lost_segment", "TCP ACKed unseen segment", FieldType::Expert,
                                   Base::None, {}, 0, 0, {}, Severity::Warn};
constexpr FieldDef kOverlapConflict{"tcp.analysis.overlap_conflict", "Overlap with different data", FieldType::Expert,
                                    Base::None, {}, 0, 0, {}, Severity::Error};
constexpr FieldDef kMemoryLimit{"tcp.analysis.memory_limit", "TCP memory limit", FieldType::Expert,
                                Base::None, {}, 0, 0, {}, Severity::Warn};
constexpr FieldDef kBufferLimit{"tcp.analysis.buffer_limit", "Reassembly buffer limit", FieldType::Expert,
                                Base::None, {}, 0, 0, {}, Severity::Warn};

constexpr std::uint16_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAckFlag = 0x10,
                        kUrg = 0x20, kEce = 0x40, kCwr = 0x80, kAe = 0x100;

// "SYN, ACK"
void append_flag_names(std::string& out, std::uint16_t flags) {
    static constexpr std::pair<std::uint16_t, const char*> kNames[] = {
        {kFin, "FIN"}, {kSyn, "SYN"}, {kRst, "RST"}, {kPsh, "PSH"}, {kAckFlag, "ACK"},
        {kUrg, "URG"}, {kEce, "ECE"}, {kCwr, "CWR"}, {kAe, "AE"}, {0xe00, "Reserved"},
    };
    bool first = true;
    for (const auto& [bit, name] : kNames) {
        if (!(flags & bit)) continue;
        if (!first) out += ", ";
        first = false;
        out += name;
    }
}

// Wireshark's one-glance picture: "··········S·" with a letter per set flag.
void append_flag_picture(std::string& out, std::uint16_t flags) {
    static constexpr char kLetters[] = "RRRACEUAPRSF";
    for (int i = 11; i >= 0; --i) {
        if (flags & (1u << i))
            out.push_back(kLetters[11 - i]);
        else
            out += "\xc2\xb7";  // U+00B7 MIDDLE DOT
    }
}

struct OptionSummary {
    int window_shift = -1;
};

// The window scale shift of a SYN's options, when nothing else is wanted (-1: none).
int window_scale_only(ByteReader opts) {
    while (!opts.empty()) {
        auto kind = opts.u8();
        if (!kind || *kind == 0) break;
        if (*kind == 1) continue;
        auto len = opts.u8();
        if (!len || *len < 2) break;
        if (*kind == 3 && *len == 3) {
            auto shift = opts.u8();
            return shift ? (*shift > 14 ? 14 : *shift) : -1;
        }
        if (!opts.skip(*len - 2u)) break;
    }
    return -1;
}

// `info`: where the summary line's option text goes (" MSS=1460 SACK_PERM TSval=...
// TSecr=... WS=128"), appended; null when only the tree is wanted.
OptionSummary dissect_options(NodeRef tcp, ByteReader opts, std::uint32_t base_ack, bool relative,
                              std::string* info) {
    const bool want_info = info != nullptr;
    OptionSummary summary;
    NodeRef list;
    if (tcp) {
        list = tcp.add(kOptions, std::monostate{}, opts.offset(), opts.reported_remaining());
        list.set_text("Options: (", opts.reported_remaining(), " bytes)");
    }
    while (!opts.empty()) {
        const std::size_t at = opts.offset();
        auto kind = opts.u8();
        if (!kind) {
            list.short_read(opts, "TCP option");
            break;
        }
        std::string unknown_name;
        std::string_view kind_name = name_of(kOptionKinds, *kind);
        if (kind_name.empty()) kind_name = unknown_name = concat("Unknown (", *kind, ")");
        // The options' names go after the list's label: "Options: (12 bytes), NOP, NOP, ...".
        // (The text is looked up each time: adding nodes may move the tree's nodes.)
        if (list) append_parts(*list.text_buffer(), ", ", kind_name);
        if (*kind == 0 || *kind == 1) {
            NodeRef o = list.add(kOption, std::monostate{}, at, 1);
            o.set_text("TCP Option - ", kind_name);
            o.add(kOptionKind, std::uint64_t(*kind), at, 1);
            if (*kind == 0) {
                // Whatever follows EOL is padding.
                while (!opts.empty() && opts.u8()) {}
                break;
            }
            continue;
        }
        auto len = opts.u8();
        if (!len) {
            list.short_read(opts, "TCP option length");
            break;
        }
        if (*len < 2) {
            list.malformed(concat("TCP option ", kind_name, " with length ", *len), at, 2);
            break;
        }
        auto body = opts.child(*len - 2u);
        if (!body) {
            list.malformed(concat("TCP option ", kind_name, " runs past the header"), at, opts.remaining() + 2);
            break;
        }
        NodeRef o = list.add(kOption, std::monostate{}, at, *len);
        o.set_text("TCP Option - ", kind_name);
        o.add(kOptionKind, std::uint64_t(*kind), at, 1);
        o.add(kOptionLen, std::uint64_t(*len), at + 1, 1);
        ByteReader b = *body;
        const std::size_t body_at = b.offset();
        switch (*kind) {
            case 2:
                if (auto mss = b.u16(); !mss) {
                    o.short_read(b, "MSS option");
                } else if (*len == 4) {
                    o.add(kMss, std::uint64_t(*mss), body_at, 2);
                    if (o) o.set_text("TCP Option - Maximum segment size: ", *mss, " bytes");
                    if (want_info) append_parts(*info, " MSS=", *mss);
                } else {
                    o.malformed("MSS option length must be 4", at, *len);
                }
                break;
            case 3:
                if (auto shift = b.u8(); !shift) {
                    o.short_read(b, "window scale option");
                } else if (*len == 3) {
                    const unsigned s = *shift > 14 ? 14 : *shift;
                    o.add(kWsShift, std::uint64_t(*shift), body_at, 1);
                    o.add(kWsMultiplier, std::uint64_t(1) << s, body_at, 1).set_generated();
                    if (o) o.set_text("TCP Option - Window scale: ", *shift, " (multiply by ", 1u << s, ")");
                    summary.window_shift = static_cast<int>(s);
                    if (want_info) append_parts(*info, " WS=", 1u << s);
                } else {
                    o.malformed("window scale option length must be 3", at, *len);
                }
                break;
            case 4:
                if (want_info) *info += " SACK_PERM";
                break;
            case 5: {
                o.set_text("TCP Option - SACK");
                while (!b.empty()) {
                    const std::size_t e = b.offset();
                    auto le = b.u32();
                    auto re = b.u32();
                    if (!re) {
                        o.short_read(b, "SACK block");
                        break;
                    }
                    std::uint32_t l = relative ? *le - base_ack : *le, r = relative ? *re - base_ack : *re;
                    o.add(kSackLe, std::uint64_t(l), e, 4);
                    o.add(kSackRe, std::uint64_t(r), e + 4, 4);
                    if (o) append_parts(*o.text_buffer(), " SLE=", l, " SRE=", r);
                    if (want_info) append_parts(*info, " SLE=", l, " SRE=", r);
                }
                break;
            }
            case 8: {
                auto tsval = b.u32();
                auto tsecr = b.u32();
                if (!tsecr) {
                    o.short_read(b, "timestamps option");
                } else if (*len == 10) {
                    o.add(kTsVal, std::uint64_t(*tsval), body_at, 4);
                    o.add(kTsEcr, std::uint64_t(*tsecr), body_at + 4, 4);
                    if (o) o.set_text("TCP Option - Timestamps: TSval ", *tsval, ", TSecr ", *tsecr);
                    if (want_info) append_parts(*info, " TSval=", *tsval, " TSecr=", *tsecr);
                } else {
                    o.malformed("timestamps option length must be 10", at, *len);
                }
                break;
            }
            case 34:
                if (auto cookie = b.bytes(b.remaining()); cookie && !cookie->empty())
                    o.add_bytes(kTfoCookie, *cookie, body_at, cookie->size());
                break;
            default:
                if (auto data = b.bytes(b.remaining()); data && !data->empty())
                    o.add_bytes(kOptionData, *data, body_at, data->size());
                break;
        }
    }
    return summary;
}

// Reused between packets so that reassembly allocates nothing per packet.
ReassemblyOutput& scratch_output() {
    static thread_local ReassemblyOutput out;
    return out;
}

// The application of a connection, from its first payload: a signature no other
// protocol starts with, else the port table (lower port first), else the heuristics.
std::unique_ptr<TcpApplication> choose_application(const TcpConversation& conv, int side, Bytes first,
                                                   PacketContext& ctx) {
    const DissectorTables& tables = *ctx.tables;
    for (const TcpApplicationEntry& e : tables.tcp_signatures.entries())
        if (e.accepts(first, conv)) return e.make(conv, side, ctx);
    if (const TcpApplicationEntry* e = tables.tcp_port.find_ports(conv.port[0], conv.port[1]))
        return e->make(conv, side, ctx);
    for (const TcpApplicationEntry& e : tables.tcp_heuristics.entries())
        if (e.accepts(first, conv)) return e.make(conv, side, ctx);
    return nullptr;
}

}  // namespace

void deliver_stream_event(TcpConversation& conv, int side, const StreamEvent& e, PacketContext& ctx) {
    if (!conv.app_decided && e.kind == StreamEvent::Kind::Data) {
        conv.app_decided = true;
        conv.app = choose_application(conv, side, e.data, ctx);
    }
    if (!conv.app) return;
    conv.app->on_stream_event(side, e, ctx);
    StreamEvent rest = e;
    while (conv.app && conv.app->handing_over()) {
        TcpApplication::HandOver h = conv.app->take_hand_over();
        if (conv.hand_overs && conv.hand_overs->size() >= kMaxHandOvers) break;
        if (!h.next && !h.next_name.empty()) {
            if (const TcpApplicationEntry* entry = ctx.tables->tcp_by_name.find(h.next_name))
                h.next = entry->make(conv, conv.first_sender < 0 ? side : conv.first_sender, ctx);
        }
        if (!h.next && !h.choose_again) break;
        if (!conv.hand_overs) conv.hand_overs = std::make_unique<std::vector<HandOverNote>>();
        conv.hand_overs->push_back(std::move(h.note));
        // The one handing over may still have shown something in this frame; it
        // stays until the connection ends.
        conv.previous_app = std::move(conv.app);
        conv.app = std::move(h.next);
        conv.app_decided = conv.app != nullptr;
        // The rest of the current event is the successor's at once.
        if (rest.kind != StreamEvent::Kind::Data || h.used >= rest.data.size()) break;
        rest.data = rest.data.subspan(h.used);
        rest.offset += h.used;
        rest.length = rest.length > h.used ? rest.length - h.used : 0;
        rest.frame_offset += h.used;
        if (!conv.app_decided) {
            conv.app_decided = true;
            conv.app = choose_application(conv, side, rest.data, ctx);
            if (!conv.app) break;
        }
        conv.app->on_stream_event(side, rest, ctx);
    }
}

namespace {

void dispatch_events(TcpConversation& conv, int side, const ReassemblyOutput& out, PacketContext& ctx) {
    const TcpState& tcp = ctx.state->get<TcpState>();
    for (const StreamEvent& e : out.events) {
        const bool follow = tcp.follow_sink && tcp.follow_stream == conv.stream;
        if (follow) tcp.follow_sink(conv, side == conv.first_sender ? 0 : 1, e);
        deliver_stream_event(conv, side, e, ctx);
    }
}

struct StreamStepResult {
    std::uint32_t labels = kLabelNone;
    std::size_t conflicts = 0;
    bool ack_gap = false;
    TcpApplication::FrameUse app_use;
};

// One segment through the connection's reassemblers: its own direction gets the
// bytes, the other direction learns from the acknowledgement (and the receive window,
// in bytes, 0 when unknown) which of its bytes were sent. Only the segment's own
// direction delivers anything in this frame: what the other direction completes is
// reported in a frame of its own.
StreamStepResult stream_step(TcpConversation& conv, int side, const SegmentIn& seg, std::optional<std::uint32_t> ack,
                             std::uint64_t window, PacketContext& ctx) {
    StreamStepResult result;
    ReassemblyOutput& out = scratch_output();
    {
        if (!conv.flow[side]) conv.flow[side] = std::make_unique<TcpStreamReassembler>(ctx.state->get<TcpState>().limits);
        out.clear();
        conv.flow[side]->add(seg, out);
        result.labels = out.labels;
        result.conflicts = out.conflicts;
        dispatch_events(conv, side, out, ctx);
    }
    if (ack && !seg.rst && conv.flow[1 - side])
        result.ack_gap = conv.flow[1 - side]->acknowledged(*ack, seg.ts_ns, window);
    if (conv.app) result.app_use = conv.app->frame_use(ctx.frame.number);
    if (conv.previous_app) {
        const TcpApplication::FrameUse before = conv.previous_app->frame_use(ctx.frame.number);
        result.app_use.consumed = result.app_use.consumed || before.consumed;
        result.app_use.shown = result.app_use.shown || before.shown;
    }
    if (seg.fin) conv.fin[side] = true;
    if (seg.rst) conv.rst = true;
    if ((conv.rst || (conv.fin[0] && conv.fin[1])) && conv.closed_ts_ns < 0) {
        conv.closed_ts_ns = ctx.frame.ts_ns;
        // Nothing more will come in order from this side: deliver what waits behind its
        // holes. The other side's are delivered when the connection is closed below, or
        // (after a reset, when its segments in flight may still come) by its own segments
        // or when the connection expires.
        if (conv.flow[side]) {
            out.clear();
            conv.flow[side]->flush(out);
            dispatch_events(conv, side, out, ctx);
        }
        // A connection closed both ways: its application is told and freed now. What is left
        // until it expires is a tombstone (SettleClosed below), the stream index and each
        // direction's sequence bounds, so that a late retransmission is still labelled.
        // (--sessions keeps not even the sequence bounds: nothing shows those labels.)
        // After a reset the peer's segments in flight still come (and tshark dissects
        // them), so a reset connection keeps its application until it expires.
        if (ctx.state->get<TcpState>().end_at_close) {
            close_tcp_conversation(conv, ctx);
        } else if (conv.fin[0] && conv.fin[1]) {
            PacketContext quiet = ctx.quiet();  // what closing adds belongs to no packet's tree
            close_tcp_conversation(conv, quiet, true);
        }
    }
    return result;
}

// Bytes a connection costs besides what its reassemblers and application report: its
// table entry (the hash map node with its key) and the conversation itself.
constexpr std::size_t kConnectionEntryBytes = sizeof(TcpConversation) + 96;

// Counts what `conv` holds now in TcpState::held.
void account(TcpConversation& conv, TcpState& state) {
    std::size_t bytes = kConnectionEntryBytes;
    for (const auto& flow : conv.flow)
        if (flow) bytes += flow->held_bytes();
    if (conv.app) bytes += conv.app->memory_bytes();
    if (conv.previous_app) bytes += conv.previous_app->memory_bytes();
    state.held = state.held - conv.accounted + bytes;
    conv.accounted = bytes;
}

// Over --tcp-max-buffered: the least recently active connections are given up (what
// they buffered is delivered, their records written, outside this packet's tree) until
// a tenth of the limit is free again, so that a flood does not sort the table at every
// packet. Returns how many were given up.
std::size_t keep_within_memory_limit(TcpConversation& current, PacketContext& ctx) {
    TcpState& state = ctx.state->get<TcpState>();
    const std::size_t limit = state.limits.max_total_buffered_bytes;
    if (state.held + state.buffered <= limit) return 0;
    const std::size_t target = limit - limit / 10;
    PacketContext quiet = ctx.quiet();
    const std::size_t given_up = state.connections.give_up_oldest(
        &current, [&] { return state.held + state.buffered <= target; },
        [&](TcpConversation& conv) {
            const std::size_t before = state.held + state.buffered;
            close_tcp_conversation(conv, quiet);
            state.given_up_bytes += before - (state.held + state.buffered);
        });
    state.given_up_connections += given_up;
    return given_up;
}

// Whether a closed connection is only what its tombstone keeps: no application left
// (nor one to come), each direction down to its sequence bounds, not inside a tunnel
// (the path would be lost), not the one --follow copies.
bool only_tombstone_left(const TcpConversation& c, const TcpState& state) {
    if (!c.app_decided || c.app || c.previous_app || c.path || c.in_shard != 1) return false;
    if (state.follow_sink && state.follow_stream == static_cast<std::int64_t>(c.stream)) return false;
    for (const auto& flow : c.flow)
        if (flow && !flow->bounds_only()) return false;
    return true;
}

// After each segment of a closed connection (whatever path dissect_tcp returns by):
// it becomes a tombstone, or its expiry is scheduled.
struct SettleClosed {
    TcpConversation& conv;
    TcpState& state;
    ~SettleClosed() {
        if (conv.closed_ts_ns < 0) return;
        const bool tombstone = only_tombstone_left(conv, state);
        if (tombstone) {
            state.held -= conv.accounted;
            conv.accounted = 0;
        }
        state.connections.settle_closed(conv, tombstone);
    }
};

}  // namespace

// RFC 9293 section 3.1:
//   Source Port (16) | Destination Port (16) | Sequence Number (32)
//   Acknowledgment Number (32) | Data Offset (4) | Reserved (3) | AE | CWR | ECE |
//   URG | ACK | PSH | RST | SYN | FIN | Window (16) | Checksum (16) |
//   Urgent Pointer (16) | Options (Data Offset*4-20)
void dissect_tcp(ByteReader r, PacketContext& ctx) {
    ctx.add_protocol("tcp");
    const std::size_t start = r.offset();
    const std::size_t segment_len = r.reported_remaining();
    NodeRef tcp = ctx.add_layer(kTcp, start, 20);
    if (tcp) tcp.set_text("Transmission Control Protocol");  // no string to build without a tree
    if (ctx.columns) ctx.columns->protocol = "TCP";
    auto sport = r.u16();
    auto dport = r.u16();
    auto seq = r.u32();
    auto ack = r.u32();
    auto off_flags = r.u16();
    auto window = r.u16();
    auto checksum = r.u16();
    auto urgent = r.u16();
    if (!sport || !dport || !seq || !ack || !off_flags || !window || !checksum || !urgent) {
        if (sport && dport && tcp) {
            tcp.set_text("Transmission Control Protocol, Src Port: ", *sport, ", Dst Port: ", *dport);
            tcp.add(kSrcPort, std::uint64_t(*sport), start, 2);
            tcp.add(kDstPort, std::uint64_t(*dport), start + 2, 2);
        }
        tcp.short_read(r, "TCP header");
        if (ctx.columns && sport && dport)
            ctx.columns->info = std::to_string(*sport) + " \xe2\x86\x92 " + std::to_string(*dport) + " [TCP header cut short]";
        return;
    }
    ctx.src_port = *sport;
    ctx.dst_port = *dport;
    const std::size_t header_len = (*off_flags >> 12) * 4u;
    const std::uint16_t flags = *off_flags & 0x0fff;
    const bool syn_only = (flags & (kSyn | kAckFlag)) == kSyn;

    int side = 0;
    std::unique_ptr<TcpConversation> replaced;
    TcpState& tcp_state = ctx.state->get<TcpState>();
    TcpConversationTable& connections = tcp_state.connections;
    TcpConversation& conv = connections.find(ctx.src, *sport, ctx.dst, *dport, syn_only, *seq, side, &replaced,
                                                ctx.path.outer_key());
    if (replaced) {
        // The earlier connection on these ports ends here, as if it had expired: what it
        // buffered is delivered and its records are written, outside this packet's tree.
        PacketContext quiet = ctx.quiet();
        close_tcp_conversation(*replaced, quiet);
    }
    SettleClosed settle{conv, tcp_state};
    if (conv.first_ts_ns == 0 && conv.last_ts_ns == 0) conv.first_ts_ns = ctx.frame.ts_ns;
    conv.last_ts_ns = ctx.frame.ts_ns;
    connections.note_activity(ctx.frame.ts_ns);
    TcpDirection& fwd = conv.side[side];
    TcpDirection& rev = conv.side[1 - side];
    if (!fwd.base_set) {
        // Relative numbering starts at 0 on a SYN and at 1 when the SYN was not captured.
        fwd.base_seq = (flags & kSyn) ? *seq : *seq - 1;
        fwd.base_set = true;
    }
    if (!rev.base_set && (flags & kAckFlag)) {
        rev.base_seq = *ack - 1;
        rev.base_set = true;
    }

    const bool header_ok = header_len >= 20 && header_len <= segment_len;
    const std::size_t payload_len = header_ok ? segment_len - header_len : 0;
    const std::uint32_t rel_seq = *seq - fwd.base_seq;
    const std::uint32_t rel_ack = (flags & kAckFlag) ? *ack - rev.base_seq : *ack;
    const std::uint32_t next_seq = rel_seq + static_cast<std::uint32_t>(payload_len) +
                                   ((flags & kSyn) ? 1u : 0u) + ((flags & kFin) ? 1u : 0u);

    OptionSummary options;
    // The summary line's option text, in a buffer kept between packets.
    static thread_local std::string option_info;
    option_info.clear();
    ByteReader option_reader;
    if (header_ok && header_len > 20) {
        option_reader = *r.child(header_len - 20);
    }
    if (tcp) {
        tcp.set_length(header_ok ? header_len : 20);
        std::string& line = *tcp.set_text("Transmission Control Protocol, Src Port: ", *sport, ", Dst Port: ",
                                          *dport, ", Seq: ", rel_seq)
                                 .text_buffer();
        if (flags & kAckFlag) append_parts(line, ", Ack: ", rel_ack);
        append_parts(line, ", Len: ", payload_len);
        tcp.add(kSrcPort, std::uint64_t(*sport), start, 2);
        tcp.add(kDstPort, std::uint64_t(*dport), start + 2, 2);
        tcp.add(kPort, std::uint64_t(*sport), start, 2).set_hidden();
        tcp.add(kPort, std::uint64_t(*dport), start + 2, 2).set_hidden();
        tcp.add_generated(kStream, std::uint64_t(conv.stream));
        tcp.add_generated(kSegLen, std::uint64_t(payload_len));
        tcp.add(kSeq, std::uint64_t(rel_seq), start + 4, 4)
            .set_text("Sequence Number: ", rel_seq, "    (relative sequence number)");
        tcp.add(kSeqRaw, std::uint64_t(*seq), start + 4, 4);
        tcp.add_generated(kNextSeq, std::uint64_t(next_seq))
            .set_text("Next Sequence Number: ", next_seq, "    (relative sequence number)");
        NodeRef a = tcp.add(kAck, std::uint64_t(rel_ack), start + 8, 4);
        if (flags & kAckFlag) a.set_text("Acknowledgment Number: ", rel_ack, "    (relative ack number)");
        tcp.add(kAckRaw, std::uint64_t(*ack), start + 8, 4);
        tcp.add(kHdrLen, std::uint64_t(header_len), start + 12, 1)
            .set_text(Bits(*off_flags >> 8, 0xf0, 8), " = Header Length: ", header_len, " bytes (",
                             header_len / 4, ")");
        NodeRef f = tcp.add(kFlags, std::uint64_t(flags), start + 12, 2);
        append_flag_names(*f.set_text("Flags: 0x", Hex(flags, 3), " (").text_buffer(), flags);
        f.text_buffer()->push_back(')');
        for (const FieldDef* def : {&kFlagRes, &kFlagAe, &kFlagCwr, &kFlagEce, &kFlagUrg, &kFlagAck, &kFlagPush,
                                    &kFlagReset, &kFlagSyn, &kFlagFin}) {
            std::uint64_t v = flags & def->mask;
            f.add(*def, v != 0, start + 12, 2);
        }
        NodeRef picture = f.add_string(kFlagStr, {}, 0, 0).set_generated();
        append_flag_picture(std::get<std::string>(picture.get()->value), flags);
        if (!header_ok)
            tcp.malformed("header length " + std::to_string(header_len) +
                              (header_len < 20 ? " is below the minimum of 20 bytes"
                                               : " exceeds the segment (" + std::to_string(segment_len) + " bytes)"),
                          start + 12, 1);
    }
    std::int64_t calc_window = *window;
    int scale = -1;
    if (!(flags & kSyn)) {
        scale = fwd.window_scale;
        if (scale >= 0) calc_window = static_cast<std::int64_t>(*window) << scale;
    }
    if (tcp) {
        tcp.add(kWindow, std::uint64_t(*window), start + 14, 2);
        tcp.add_generated(kWindowCalc, std::uint64_t(calc_window));
        if (!(flags & kSyn)) {
            NodeRef s = tcp.add_generated(kWindowScale, std::int64_t(scale == -2 ? -2 : scale >= 0 ? (1 << scale) : -1));
            if (scale == -1) s.set_text("Window size scaling factor: -1 (unknown)");
            if (scale == -2) s.set_text("Window size scaling factor: -2 (no window scaling used)");
        }
        tcp.add(kChecksum, std::uint64_t(*checksum), start + 16, 2)
            .set_text("Checksum: 0x", Hex(*checksum, 4), " [unverified]");
        tcp.add(kUrgent, std::uint64_t(*urgent), start + 18, 2);
    }
    // SYNs are never scaled, so the window above does not depend on these options.
    if (header_ok && header_len > 20) {
        if (tcp || ctx.columns)
            options = dissect_options(tcp, option_reader, rev.base_seq, true, ctx.columns ? &option_info : nullptr);
        else if (flags & kSyn)
            options.window_shift = window_scale_only(option_reader);  // nothing to show: only state
    }
    if (flags & kSyn) {
        fwd.window_scale = options.window_shift >= 0 ? options.window_shift : -2;
        if (flags & kAckFlag) {
            // The SYN-ACK settles it: scaling is used only when both sides offered it.
            if (fwd.window_scale == -2 || rev.window_scale == -2) fwd.window_scale = rev.window_scale = -2;
        }
    }
    if (tcp) {
        NodeRef times = tcp.add_text(kTimestamps, "Timestamps", 0, 0);
        times.set_generated();
        times.add_generated(kTimeRelative, std::int64_t(ctx.frame.ts_ns - conv.first_ts_ns));
    }
    if (ctx.columns) {
        std::string& info = ctx.columns->info;
        info.clear();
        append_parts(info, *sport, " \xe2\x86\x92 ", *dport, " [");
        append_flag_names(info, flags);
        append_parts(info, "] Seq=", rel_seq);
        if (flags & kAckFlag) append_parts(info, " Ack=", rel_ack);
        append_parts(info, " Win=", calc_window, " Len=", payload_len);
        info += option_info;
    }
    if (!header_ok) return;
    if (conv.in_shard < 0) conv.in_shard = tcp_state.shard.keeps(ctx.src, *sport, ctx.dst, *dport);
    if (!conv.in_shard) return;  // --shard: another process's connection
    ByteReader payload = r.take_rest();
    conv.payload_bytes[side] += payload_len;
    if (conv.first_sender < 0) {
        conv.first_frame = ctx.frame.number;
        conv.first_sender = side;
        conv.address[side] = ctx.src;
        conv.address[1 - side] = ctx.dst;
        conv.port[side] = *sport;
        conv.port[1 - side] = *dport;
        // Inside a tunnel (more than the one IP header): how it was reached, from its
        // first packet. Kept only then, so that plain connections cost nothing more.
        if (ctx.path.size > 1) conv.path = std::make_unique<LayerPath>(ctx.path);
    }
    SegmentIn seg;
    seg.seq = *seq;
    seg.data = payload.rest();
    seg.length = static_cast<std::uint32_t>(payload_len);
    seg.frame = ctx.frame.number;
    seg.ts_ns = ctx.frame.ts_ns;
    seg.frame_offset = payload.offset();
    seg.lasting = !seg.data.empty() && seg.data.data() >= tcp_state.lasting.data() &&
                  seg.data.data() + seg.data.size() <= tcp_state.lasting.data() + tcp_state.lasting.size();
    seg.syn = flags & kSyn;
    seg.fin = flags & kFin;
    seg.rst = flags & kRst;
    if (syn_only && conv.syn_ts_ns < 0) {
        conv.syn_ts_ns = ctx.frame.ts_ns;
        conv.syn_side = side;
    } else if ((flags & (kSyn | kAckFlag)) == (kSyn | kAckFlag) && side != conv.syn_side) {
        conv.syn_ack_seen = true;
    } else if (conv.syn_ack_seen && conv.irtt_ns == 0 && side == conv.syn_side && (flags & kAckFlag)) {
        conv.irtt_ns = ctx.frame.ts_ns - conv.syn_ts_ns;
    }
    seg.out_of_order_threshold_ns = conv.irtt_ns;
    // The window the acknowledging side offers, in bytes, when its scaling is known.
    const std::uint64_t offered_window = scale >= 0 || scale == -2 ? static_cast<std::uint64_t>(calc_window) : 0;
    const StreamStepResult step =
        stream_step(conv, side, seg, (flags & kAckFlag) ? std::optional<std::uint32_t>(*ack) : std::nullopt,
                    offered_window, ctx);
    account(conv, tcp_state);
    const std::size_t given_up = keep_within_memory_limit(conv, ctx);
    std::string prefix;
    if (step.labels || step.ack_gap || given_up) {
        NodeRef analysis = tcp ? tcp.add_text(kAnalysis, "SEQ/ACK analysis", 0, 0) : NodeRef{};
        analysis.set_generated();
        auto note = [&](const FieldDef& def, const char* text) {
            analysis.expert(def, text);
            prefix += "[";
            prefix += text;
            prefix += "] ";
        };
        if (step.labels & kLabelSpurious) note(kSpurious, "TCP Spurious Retransmission");
        if (step.labels & kLabelRetransmission) {
            if (step.labels & kLabelSpurious)
                analysis.expert(kRetransmission, "TCP Retransmission");
            else
                note(kRetransmission, "TCP Retransmission");
        }
        if (step.labels & kLabelOutOfOrder) note(kOutOfOrder, "TCP Out-Of-Order");
        if (step.labels & kLabelPreviousNotCaptured) note(kLostSegment, "TCP Previous segment not captured");
        if (step.ack_gap) note(kAckLostSegment, "TCP ACKed unseen segment");
        if (step.labels & kLabelOverlapConflict)
            analysis.expert(kOverlapConflict, "Overlapping data differs from what was received first (" +
                                                  std::to_string(step.conflicts) + " bytes); the first bytes are kept");
        if (step.labels & kLabelBufferLimit)
            analysis.expert(kBufferLimit, "Out-of-order buffer limit reached: the missing bytes are treated as lost");
        if (given_up)
            analysis.expert(kMemoryLimit, concat("TCP memory limit reached (--tcp-max-buffered ",
                                                 tcp_state.limits.max_total_buffered_bytes,
                                                 " bytes): the ", given_up,
                                                 " least recently active connections were given up"));
    }
    if (ctx.columns && !prefix.empty()) ctx.columns->info.insert(0, prefix);
    if (payload_len == 0) return;
    if (tcp) {
        Bytes captured = payload.rest();
        NodeRef p = tcp.add_bytes(kPayload, captured, payload.offset(), payload_len);
        p.set_text("TCP payload (", payload_len, payload_len == 1 ? " byte)" : " bytes)");
    }
    if (step.app_use.shown) return;
    if (step.app_use.consumed) {
        // Part of an application message that ends in a later frame.
        if (ctx.columns) ctx.columns->info += " [TCP segment of a reassembled PDU]";
        return;
    }
    std::string info_backup = ctx.columns ? ctx.columns->info : std::string();
    dissect_data(payload, ctx);
    if (ctx.columns) {
        ctx.columns->protocol = "TCP";
        ctx.columns->info = info_backup;
    }
}

void close_tcp_conversation(TcpConversation& conv, PacketContext& ctx, bool keep_sequence_state) {
    for (int side = 0; side < 2; ++side) {
        if (!conv.flow[side]) continue;
        ReassemblyOutput& out = scratch_output();
        out.clear();
        conv.flow[side]->flush(out);
        dispatch_events(conv, side, out, ctx);
    }
    if (conv.previous_app) conv.previous_app->on_close(conv, ctx);
    if (conv.app) conv.app->on_close(conv, ctx);
    conv.previous_app.reset();
    conv.app.reset();
    for (auto& flow : conv.flow) {
        if (keep_sequence_state && flow)
            flow->forget_bytes();
        else
            flow.reset();
    }
    TcpState& state = ctx.state->get<TcpState>();
    state.held -= conv.accounted;
    conv.accounted = 0;
}

}  // namespace tlsdissect

namespace tlsdissect {

void dissect_udp(ByteReader datagram, PacketContext& ctx);

void register_transport(DissectorTables& tables) {
    tables.ip_protocol.add(6, {"tcp", [](ByteReader segment, PacketContext& ctx) {
                                   const std::size_t length = segment.reported_remaining();
                                   dissect_tcp(segment, ctx);
                                   return length;
                               }});
    tables.ip_protocol.add(17, {"udp", [](ByteReader datagram, PacketContext& ctx) {
                                    const std::size_t length = datagram.reported_remaining();
                                    dissect_udp(datagram, ctx);
                                    return length;
                                }});
}

}  // namespace tlsdissect
