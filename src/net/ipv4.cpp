// Internet Protocol version 4 (RFC 791; DSCP RFC 2474, ECN RFC 3168), with fragment
// reassembly, and the hand-off to the IP payload protocols.
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/text.hpp"
#include "net/ip_common.hpp"
#include "net/ip_fragments.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kIp{"ip", "Internet Protocol Version 4", FieldType::Protocol};
constexpr FieldDef kIpVersion{"ip.version", "Version", FieldType::UInt, Base::Dec, {}, 0xf0, 8};
constexpr FieldDef kIpHdrLen{"ip.hdr_len", "Header Length", FieldType::UInt, Base::Dec, {}, 0x0f, 8};
constexpr FieldDef kIpDsField{"ip.dsfield", "Differentiated Services Field", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kIpDscp{"ip.dsfield.dscp", "Differentiated Services Codepoint", FieldType::UInt, Base::Dec, kDscpNames, 0xfc, 8};
constexpr FieldDef kIpEcn{"ip.dsfield.ecn", "Explicit Congestion Notification", FieldType::UInt, Base::Dec, kEcnNames, 0x03, 8};
constexpr FieldDef kIpLen{"ip.len", "Total Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kIpId{"ip.id", "Identification", FieldType::UInt, Base::HexDec, {}, 0, 16};
constexpr FieldDef kIpFlags{"ip.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0xe0, 8};
constexpr FieldDef kIpFlagRb{"ip.flags.rb", "Reserved bit", FieldType::Bool, Base::None, {}, 0x80, 8};
constexpr FieldDef kIpFlagDf{"ip.flags.df", "Don't fragment", FieldType::Bool, Base::None, {}, 0x40, 8};
constexpr FieldDef kIpFlagMf{"ip.flags.mf", "More fragments", FieldType::Bool, Base::None, {}, 0x20, 8};
constexpr FieldDef kIpFragOffset{"ip.frag_offset", "Fragment Offset", FieldType::UInt, Base::Dec, {}, 0x1fff, 16};
constexpr FieldDef kIpTtl{"ip.ttl", "Time to Live", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kIpProto{"ip.proto", "Protocol", FieldType::UInt, Base::Dec, kIpProtocolNames, 0, 8};
constexpr FieldDef kIpChecksum{"ip.checksum", "Header Checksum", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr ValueName kChecksumStatus[] = {{0, "Bad"}, {1, "Good"}, {2, "Unverified"}};
constexpr FieldDef kIpChecksumStatus{"ip.checksum.status", "Header checksum status", FieldType::UInt, Base::None, kChecksumStatus};
constexpr FieldDef kIpChecksumCalc{"ip.checksum_calculated", "Calculated Checksum", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kIpSrc{"ip.src", "Source Address", FieldType::IPv4};
constexpr FieldDef kIpDst{"ip.dst", "Destination Address", FieldType::IPv4};
constexpr FieldDef kIpAddr{"ip.addr", "Source or Destination Address", FieldType::IPv4};
constexpr FieldDef kIpOptions{"ip.options", "Options", FieldType::Bytes};
constexpr ValueName kIpOptionNames[] = {
    {0, "End of Options List (EOL)"}, {1, "No Operation (NOP)"}, {7, "Record Route (RR)"},
    {68, "Time Stamp (TS)"}, {130, "Security (SEC)"}, {131, "Loose Source Route (LSR)"},
    {137, "Strict Source Route (SSR)"}, {148, "Router Alert"},
};
constexpr FieldDef kIpOption{"ip.opt.type", "IP Option", FieldType::UInt, Base::Dec, kIpOptionNames, 0, 8};
constexpr FieldDef kIpOptionLen{"ip.opt.len", "Length", FieldType::UInt, Base::Dec, {}, 0, 8};

constexpr FieldDef kIpFragments{"ip.fragments", "IPv4 Fragments", FieldType::None};
constexpr FieldDef kIpFragment{"ip.fragment", "Frame", FieldType::FrameNum};
constexpr FieldDef kIpFragmentCount{"ip.fragment.count", "Fragment count", FieldType::UInt};
constexpr FieldDef kIpReassembledLength{"ip.reassembled.length", "Reassembled IPv4 length", FieldType::UInt};
constexpr FieldDef kIpFragmentOverlap{"ip.fragment.overlap.conflict", "Conflicting data in fragment overlap",
                                      FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Error};

Ipv4Address read_ipv4(Bytes b) {
    Ipv4Address a;
    for (std::size_t i = 0; i < 4; ++i) a.b[i] = b[i];
    return a;
}

std::uint16_t header_checksum(Bytes header) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < header.size(); i += 2) sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

void dissect_options(NodeRef ip, ByteReader opts) {
    if (!ip || opts.empty()) return;
    NodeRef list = ip.add(kIpOptions, std::monostate{}, opts.offset(), opts.reported_remaining());
    list.set_text("Options: (", opts.reported_remaining(), " bytes)");
    while (!opts.empty()) {
        const std::size_t at = opts.offset();
        auto type = opts.u8();
        if (!type) {
            list.short_read(opts, "IP option");
            return;
        }
        NodeRef opt = list.add(kIpOption, std::uint64_t(*type), at, 1);
        std::string name(name_of(kIpOptionNames, *type));
        opt.set_text("IP Option - " + (name.empty() ? "Unknown (" + std::to_string(*type) + ")" : name));
        if (*type == 0) break;
        if (*type == 1) continue;
        auto len = opts.u8();
        if (!len || *len < 2) {
            opt.malformed("IP option length below 2", at, 2);
            return;
        }
        opt.add(kIpOptionLen, std::uint64_t(*len), at + 1, 1);
        opt.set_length(*len);
        if (!opts.skip(*len - 2u)) {
            opt.short_read(opts, "IP option");
            return;
        }
    }
}

}  // namespace

// RFC 791 section 3.1:
//   Version (4) | IHL (4) | DSCP (6) | ECN (2) | Total Length (16)
//   Identification (16) | Flags (3) | Fragment Offset (13)
//   TTL (8) | Protocol (8) | Header Checksum (16)
//   Source Address (32) | Destination Address (32) | Options (IHL*4-20)
std::size_t dissect_ipv4(ByteReader r, PacketContext& ctx) {
    ctx.add_protocol("ip");
    const std::size_t start = r.offset();
    const std::size_t available = r.reported_remaining();
    const Bytes header_bytes = r.rest();
    NodeRef ip = ctx.add_layer(kIp, start, 20);
    if (ip) ip.set_text("Internet Protocol Version 4");  // no string to build without a tree
    auto vihl = r.u8();
    auto tos = r.u8();
    auto total_len = r.u16();
    auto id = r.u16();
    auto flags_frag = r.u16();
    auto ttl = r.u8();
    auto proto = r.u8();
    auto checksum = r.u16();
    auto src = r.bytes(4);
    auto dst = r.bytes(4);
    if (!dst) {
        ip.short_read(r, "IPv4 header");
        return available;
    }
    const unsigned version = *vihl >> 4;
    const std::size_t header_len = (*vihl & 0x0fu) * 4u;
    const Ipv4Address s = read_ipv4(*src), d = read_ipv4(*dst);
    ctx.src.family = ctx.dst.family = 4;
    ctx.src.bytes = {};
    ctx.dst.bytes = {};
    std::copy(s.b.begin(), s.b.end(), ctx.src.bytes.begin());
    std::copy(d.b.begin(), d.b.end(), ctx.dst.bytes.begin());
    ctx.path.push({"ip", ctx.src, ctx.dst, 0});
    if (ctx.columns) {
        ctx.columns->source.clear();
        append_address(ctx.columns->source, s);
        ctx.columns->destination.clear();
        append_address(ctx.columns->destination, d);
        ctx.columns->protocol = "IPv4";
    }
    const std::uint16_t frag_offset = static_cast<std::uint16_t>((*flags_frag & 0x1fff) * 8);
    const bool more_fragments = *flags_frag & 0x2000;
    if (ip) {
        std::string& text = *ip.set_text("Internet Protocol Version 4, Src: ").text_buffer();
        append_address(text, s);
        text += ", Dst: ";
        append_address(text, d);
        ip.set_length(header_len >= 20 ? header_len : 20);
        ip.add(kIpVersion, std::uint64_t(version), start, 1);
        ip.add(kIpHdrLen, std::uint64_t(header_len), start, 1)
            .set_text(Bits(*vihl, 0x0f, 8), " = Header Length: ", header_len, " bytes (", *vihl & 0x0f, ")");
        add_dsfield(ip, kIpDsField, kIpDscp, kIpEcn, *tos, start + 1, "Differentiated Services Field");
        ip.add(kIpLen, std::uint64_t(*total_len), start + 2, 2);
        ip.add(kIpId, std::uint64_t(*id), start + 4, 2);
        const std::uint8_t flags = static_cast<std::uint8_t>(*flags_frag >> 8);
        NodeRef f = ip.add(kIpFlags, std::uint64_t(flags >> 5u), start + 6, 1);
        f.set_text(Bits(flags, 0xe0, 8), " = Flags: 0x", flags >> 5, (flags & 0x80) ? ", Reserved" : "",
                   (flags & 0x40) ? ", Don't fragment" : "", (flags & 0x20) ? ", More fragments" : "");
        f.add(kIpFlagRb, bool(flags & 0x80), start + 6, 1);
        f.add(kIpFlagDf, bool(flags & 0x40), start + 6, 1);
        f.add(kIpFlagMf, bool(flags & 0x20), start + 6, 1);
        // The field holds 8-byte units, as on the wire; the label shows bytes.
        ip.add(kIpFragOffset, std::uint64_t(*flags_frag & 0x1fffu), start + 6, 2)
            .set_text(Bits(*flags_frag, 0x1fff, 16), " = Fragment Offset: ", frag_offset);
        ip.add(kIpTtl, std::uint64_t(*ttl), start + 8, 1);
        ip.add(kIpProto, std::uint64_t(*proto), start + 9, 1);
    }
    if (version != 4) {
        ip.malformed("version " + std::to_string(version) + " in an IPv4 header", start, 1);
        return available;
    }
    if (header_len < 20) {
        ip.malformed("header length " + std::to_string(header_len) + " is below the minimum of 20 bytes", start, 1);
        return available;
    }
    // Header checksum over the captured header, options included.
    const bool header_captured = header_bytes.size() >= header_len;
    if (ip) {
        NodeRef c = ip.add(kIpChecksum, std::uint64_t(*checksum), start + 10, 2);
        if (header_captured) {
            std::uint16_t computed = header_checksum(header_bytes.first(header_len));
            bool good = computed == 0;
            c.set_text("Header Checksum: 0x", Hex(*checksum, 4), good ? " [correct]" : " [incorrect]");
            c.add_generated(kIpChecksumStatus, std::uint64_t(good ? 1u : 0u));
            if (!good) {
                std::uint16_t expected = static_cast<std::uint16_t>(~(computed + static_cast<std::uint16_t>(~*checksum)));
                c.add_generated(kIpChecksumCalc, std::uint64_t(expected));
            }
        } else {
            c.add_generated(kIpChecksumStatus, std::uint64_t(2));
        }
        ip.add(kIpSrc, s, start + 12, 4);
        ip.add(kIpDst, d, start + 16, 4);
        ip.add(kIpAddr, s, start + 12, 4).set_hidden();
        ip.add(kIpAddr, d, start + 16, 4).set_hidden();
    }
    if (header_len > 20) {
        auto opts = r.child(header_len - 20);
        if (!opts) {
            ip.malformed("header length " + std::to_string(header_len) + " exceeds the packet", start, 1);
            return available;
        }
        dissect_options(ip, *opts);
    }
    std::size_t covered = *total_len;
    if (*total_len < header_len) {
        ip.malformed("total length " + std::to_string(*total_len) + " is shorter than the header (" +
                         std::to_string(header_len) + " bytes)", start + 2, 2);
        return available;
    }
    if (*total_len > available) {
        // Captures with TCP segmentation offload show total length 0 or a lie; use
        // what the frame holds and say so.
        ip.malformed("total length " + std::to_string(*total_len) + " exceeds the " +
                         std::to_string(available) + " bytes the frame holds", start + 2, 2);
        covered = available;
    }
    ByteReader payload = *r.child(covered - header_len);

    if (frag_offset == 0 && !more_fragments) {
        dissect_ip_payload(*proto, payload, ctx);
        return covered;
    }
    // A fragment. Only captured fragments can be reassembled.
    FragmentKey key;
    key.src = ctx.src;
    key.dst = ctx.dst;
    key.id = *id;
    key.protocol = *proto;
    if (!payload.captured_all()) {
        ip.truncated("fragment not fully captured; datagram cannot be reassembled", payload.offset(),
                     payload.remaining());
        present_fragment_column(ctx, *proto, frag_offset, *id, "IPv4");
        return covered;
    }
    FragmentResult result = ctx.state->get<IpState>().fragments.add(key, ctx.frame.number, ctx.frame.ts_ns, frag_offset,
                                              more_fragments, payload.rest());
    if (!result.anomaly.empty()) ip.expert(kIpFragmentOverlap, result.anomaly);
    if (result.state != FragmentResult::State::Complete) {
        present_fragment_column(ctx, *proto, frag_offset, *id, "IPv4");
        if (ctx.root && payload.remaining()) {
            NodeRef data = ctx.add_layer(kIpFragmentData, payload.offset(), payload.remaining());
            data.set_text("Data (", payload.remaining(), " bytes)");
        }
        return covered;
    }
    present_reassembled(ctx, ip, *proto, result, kIpFragments, kIpFragment, kIpFragmentCount, kIpReassembledLength, "IPv4");
    return covered;
}

}  // namespace tlsdissect
