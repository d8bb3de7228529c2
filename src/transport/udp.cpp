// User Datagram Protocol (RFC 768).
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/text.hpp"
#include "transport/conversations.hpp"
#include "transport/transport.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kUdp{"udp", "User Datagram Protocol", FieldType::Protocol};
constexpr FieldDef kSrcPort{"udp.srcport", "Source Port", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kDstPort{"udp.dstport", "Destination Port", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kPort{"udp.port", "Source or Destination Port", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kLength{"udp.length", "Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kChecksum{"udp.checksum", "Checksum", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kStream{"udp.stream", "Stream index", FieldType::UInt};
constexpr FieldDef kTimestamps{"udp.timestamps", "Timestamps", FieldType::None};
constexpr FieldDef kTimeRelative{"udp.time_relative", "Time since first frame", FieldType::RelTime, Base::None, {}, 0, 0, " seconds"};
constexpr FieldDef kPayload{"udp.payload", "UDP payload", FieldType::Bytes};

}  // namespace

// RFC 768: Source Port (16) | Destination Port (16) | Length (16) | Checksum (16)
void dissect_udp(ByteReader r, PacketContext& ctx) {
    ctx.add_protocol("udp");
    const std::size_t start = r.offset();
    const std::size_t available = r.reported_remaining();
    NodeRef udp = ctx.add_layer(kUdp, start, 8);
    if (udp) udp.set_text("User Datagram Protocol");  // no string to build without a tree
    if (ctx.columns) ctx.columns->protocol = "UDP";
    auto sport = r.u16();
    auto dport = r.u16();
    auto length = r.u16();
    auto checksum = r.u16();
    if (!sport || !dport || !length || !checksum) {
        udp.short_read(r, "UDP header");
        return;
    }
    ctx.src_port = *sport;
    ctx.dst_port = *dport;
    UdpConversation& conv = ctx.state->get<UdpState>().conversations.find(ctx.src, *sport, ctx.dst, *dport, ctx.frame.ts_ns,
                                                                                 ctx.path.outer_key());
    ctx.flow_slots = &conv.state;
    ctx.flow_stream = conv.stream;
    if (conv.in_shard < 0) conv.in_shard = ctx.state->get<UdpState>().shard.keeps(ctx.src, *sport, ctx.dst, *dport);
    ctx.in_shard = conv.in_shard != 0;
    std::size_t payload_len = available - 8;
    if (udp) {
        udp.set_text("User Datagram Protocol, Src Port: ", *sport, ", Dst Port: ", *dport);
        udp.add(kSrcPort, std::uint64_t(*sport), start, 2);
        udp.add(kDstPort, std::uint64_t(*dport), start + 2, 2);
        udp.add(kPort, std::uint64_t(*sport), start, 2).set_hidden();
        udp.add(kPort, std::uint64_t(*dport), start + 2, 2).set_hidden();
        udp.add(kLength, std::uint64_t(*length), start + 4, 2);
        udp.add(kChecksum, std::uint64_t(*checksum), start + 6, 2)
            .set_text("Checksum: 0x" + hex_u16(*checksum) + (*checksum == 0 ? " [zero-value ignored]" : " [unverified]"));
        udp.add_generated(kStream, std::uint64_t(conv.stream));
        NodeRef times = udp.add_text(kTimestamps, "Timestamps", 0, 0);
        times.set_generated();
        times.add_generated(kTimeRelative, std::int64_t(ctx.frame.ts_ns - conv.first_ts_ns));
    }
    if (*length < 8) {
        udp.malformed("length " + std::to_string(*length) + " is below the 8-byte header", start + 4, 2);
    } else if (*length > available) {
        udp.malformed("length " + std::to_string(*length) + " exceeds the " + std::to_string(available) +
                          " bytes the IP payload holds",
                      start + 4, 2);
    } else {
        payload_len = *length - 8u;
    }
    if (ctx.columns)
        ctx.columns->info = std::to_string(*sport) + " \xe2\x86\x92 " + std::to_string(*dport) +
                            " Len=" + std::to_string(payload_len);
    if (payload_len == 0) return;
    ByteReader payload = *r.child(payload_len);
    if (udp) {
        Bytes captured = payload.rest();
        udp.add_bytes(kPayload, captured, payload.offset(), payload_len)
            .set_text("UDP payload (" + std::to_string(payload_len) + " byte" + (payload_len == 1 ? "" : "s") + ")");
    }
    // What the port table names (the lower port first), else the first heuristic that
    // recognises the payload.
    if (const PayloadDissector* d = ctx.tables->udp_port.find_ports(*sport, *dport)) {
        d->dissect(payload, ctx);
        return;
    }
    for (const PayloadDissector& h : ctx.tables->udp_heuristics.entries()) {
        if (!ctx.in_shard && !h.outside_shard) continue;
        if (h.accepts(payload, ctx)) {
            h.dissect(payload, ctx);
            return;
        }
    }
    std::string info_backup = ctx.columns ? ctx.columns->info : std::string();
    dissect_data(payload, ctx);
    if (ctx.columns) {
        ctx.columns->protocol = "UDP";
        ctx.columns->info = info_backup;
    }
}

}  // namespace tlsdissect
