// Internet Protocol version 6 (RFC 8200): the fixed header, the extension header chain
// (hop-by-hop, routing, fragment, destination options, authentication), and fragment
// reassembly.
#include <string>

#include "core/packet_context.hpp"
#include "net/ip_common.hpp"
#include "net/ip_fragments.hpp"

namespace tlsdissect {

namespace {

// Extension headers followed before we stop and call the rest data.
constexpr int kMaxExtensionHeaders = 16;

constexpr FieldDef kIpv6{"ipv6", "Internet Protocol Version 6", FieldType::Protocol};
constexpr FieldDef kIpv6Version{"ipv6.version", "Version", FieldType::UInt, Base::Dec, {}, 0xf0000000, 32};
// Wireshark also files the version under ip.version, so one filter finds both families.
constexpr FieldDef kIpVersion{"ip.version", "Version", FieldType::UInt, Base::Dec, {}, 0xf0, 8};
constexpr FieldDef kIpv6Tclass{"ipv6.tclass", "Traffic Class", FieldType::UInt, Base::Hex, {}, 0x0ff00000, 32};
constexpr FieldDef kIpv6Dscp{"ipv6.tclass.dscp", "Differentiated Services Codepoint", FieldType::UInt, Base::Dec, kDscpNames, 0xfc, 8};
constexpr FieldDef kIpv6Ecn{"ipv6.tclass.ecn", "Explicit Congestion Notification", FieldType::UInt, Base::Dec, kEcnNames, 0x03, 8};
constexpr FieldDef kIpv6Flow{"ipv6.flow", "Flow Label", FieldType::UInt, Base::Hex, {}, 0x000fffff, 32};
constexpr FieldDef kIpv6Plen{"ipv6.plen", "Payload Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kIpv6Nxt{"ipv6.nxt", "Next Header", FieldType::UInt, Base::Dec, kIpProtocolNames, 0, 8};
constexpr FieldDef kIpv6Hlim{"ipv6.hlim", "Hop Limit", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kIpv6Src{"ipv6.src", "Source Address", FieldType::IPv6};
constexpr FieldDef kIpv6Dst{"ipv6.dst", "Destination Address", FieldType::IPv6};
constexpr FieldDef kIpv6Addr{"ipv6.addr", "Source or Destination Address", FieldType::IPv6};

constexpr FieldDef kIpv6HopOpts{"ipv6.hopopts", "IPv6 Hop-by-Hop Option", FieldType::Protocol};
constexpr FieldDef kIpv6Routing{"ipv6.routing", "Routing Header for IPv6", FieldType::Protocol};
constexpr FieldDef kIpv6DstOpts{"ipv6.dstopts", "Destination Options for IPv6", FieldType::Protocol};
constexpr FieldDef kIpv6Ah{"ah", "Authentication Header", FieldType::Protocol};
constexpr FieldDef kIpv6ExtNxt{"ipv6.opt.nxt", "Next Header", FieldType::UInt, Base::Dec, kIpProtocolNames, 0, 8};
constexpr FieldDef kIpv6ExtLen{"ipv6.opt.len", "Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kIpv6ExtData{"ipv6.opt.data", "Options and padding", FieldType::Bytes};

constexpr FieldDef kIpv6Fragment{"ipv6.fragment", "Fragment Header for IPv6", FieldType::Protocol};
constexpr FieldDef kIpv6FragNxt{"ipv6.fragment.nxt", "Next header", FieldType::UInt, Base::Dec, kIpProtocolNames, 0, 8};
constexpr FieldDef kIpv6FragReserved{"ipv6.fragment.reserved_octet", "Reserved octet", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kIpv6FragOffset{"ipv6.fragment.offset", "Offset", FieldType::UInt, Base::Dec, {}, 0xfff8, 16};
constexpr FieldDef kIpv6FragMore{"ipv6.fragment.more", "More Fragments", FieldType::Bool, Base::None, {}, 0x0001, 16};
constexpr FieldDef kIpv6FragId{"ipv6.fragment.id", "Identification", FieldType::UInt, Base::Hex, {}, 0, 32};

constexpr FieldDef kIpv6Fragments{"ipv6.fragments", "IPv6 Fragments", FieldType::None};
constexpr FieldDef kIpv6FragmentFrame{"ipv6.fragment", "Frame", FieldType::FrameNum};
constexpr FieldDef kIpv6FragmentCount{"ipv6.fragment.count", "Fragment count", FieldType::UInt};
constexpr FieldDef kIpv6ReassembledLength{"ipv6.reassembled.length", "Reassembled IPv6 length", FieldType::UInt};
constexpr FieldDef kIpv6FragmentOverlap{"ipv6.fragment.overlap.conflict", "Conflicting data in fragment overlap",
                                        FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Error};

Ipv6Address read_ipv6(Bytes b) {
    Ipv6Address a;
    for (std::size_t i = 0; i < 16; ++i) a.b[i] = b[i];
    return a;
}

bool is_extension_header(std::uint8_t nh) {
    return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51;
}

}  // namespace

// RFC 8200 section 3:
//   Version (4) | Traffic Class (8) | Flow Label (20)
//   Payload Length (16) | Next Header (8) | Hop Limit (8)
//   Source Address (128) | Destination Address (128)
std::size_t dissect_ipv6(ByteReader r, PacketContext& ctx) {
    ctx.add_protocol("ipv6");
    const std::size_t start = r.offset();
    const std::size_t available = r.reported_remaining();
    NodeRef ip = ctx.add_layer(kIpv6, start, 40);
    if (ip) ip.set_text("Internet Protocol Version 6");  // no string to build without a tree
    auto first = r.u32();
    auto plen = r.u16();
    auto nxt = r.u8();
    auto hlim = r.u8();
    auto src = r.bytes(16);
    auto dst = r.bytes(16);
    if (!dst) {
        ip.short_read(r, "IPv6 header");
        return available;
    }
    const unsigned version = *first >> 28;
    const Ipv6Address s = read_ipv6(*src), d = read_ipv6(*dst);
    ctx.src.family = ctx.dst.family = 6;
    std::copy(s.b.begin(), s.b.end(), ctx.src.bytes.begin());
    std::copy(d.b.begin(), d.b.end(), ctx.dst.bytes.begin());
    ctx.path.push({"ipv6", ctx.src, ctx.dst, 0});
    if (ctx.columns) {
        ctx.columns->source = to_string(s);
        ctx.columns->destination = to_string(d);
        ctx.columns->protocol = "IPv6";
    }
    if (ip) {
        ip.set_text("Internet Protocol Version 6, Src: ", to_string(s), ", Dst: ", to_string(d));
        ip.add(kIpv6Version, std::uint64_t(version), start, 1)
            .set_text(bit_pattern(*first >> 24, 0xf0, 8) + " = Version: " + std::to_string(version));
        ip.add(kIpVersion, std::uint64_t(version), start, 1).set_hidden();
        const auto tclass = static_cast<std::uint8_t>(*first >> 20);
        NodeRef tc = ip.add(kIpv6Tclass, std::uint64_t(tclass), start, 4);
        tc.set_text(bit_pattern(*first, 0x0ff00000, 32) + " = Traffic Class: 0x" + hex_u8(tclass));
        tc.add(kIpv6Dscp, std::uint64_t(tclass >> 2u), start, 4);
        tc.add(kIpv6Ecn, std::uint64_t(tclass & 3u), start, 4);
        ip.add(kIpv6Flow, std::uint64_t(*first & 0xfffff), start + 1, 3)
            .set_text(bit_pattern(*first, 0x000fffff, 32) + " = Flow Label: 0x" + hex_digits(*first & 0xfffff, 5));
        ip.add(kIpv6Plen, std::uint64_t(*plen), start + 4, 2);
        ip.add(kIpv6Nxt, std::uint64_t(*nxt), start + 6, 1);
        ip.add(kIpv6Hlim, std::uint64_t(*hlim), start + 7, 1);
        ip.add(kIpv6Src, s, start + 8, 16);
        ip.add(kIpv6Dst, d, start + 24, 16);
        ip.add(kIpv6Addr, s, start + 8, 16).set_hidden();
        ip.add(kIpv6Addr, d, start + 24, 16).set_hidden();
    }
    if (version != 6) {
        ip.malformed("version " + std::to_string(version) + " in an IPv6 header", start, 1);
        return available;
    }
    std::size_t covered = 40u + *plen;
    if (covered > available) {
        ip.malformed("payload length " + std::to_string(*plen) + " exceeds the " +
                         std::to_string(available - 40) + " bytes the frame holds",
                     start + 4, 2);
        covered = available;
    }
    ByteReader payload = *r.child(covered - 40);
    std::uint8_t next = *nxt;
    bool fragment = false;
    std::uint32_t frag_offset = 0, frag_id = 0;
    bool more = false;
    for (int depth = 0; is_extension_header(next); ++depth) {
        const std::size_t at = payload.offset();
        if (depth >= kMaxExtensionHeaders) {
            ip.malformed("more than " + std::to_string(kMaxExtensionHeaders) + " extension headers", at, 0);
            dissect_data(payload, ctx);
            return covered;
        }
        auto nh = payload.u8();
        auto len = payload.u8();
        if (!len) {
            ip.short_read(payload, "IPv6 extension header");
            return covered;
        }
        if (next == 44) {
            auto off_flags = payload.u16();
            auto id = payload.u32();
            if (!id) {
                ip.short_read(payload, "IPv6 fragment header");
                return covered;
            }
            ctx.add_protocol("ipv6.fraghdr");
            NodeRef fh = ip.add(kIpv6Fragment, std::monostate{}, at, 8);
            fh.set_text("Fragment Header for IPv6");
            fh.add(kIpv6FragNxt, std::uint64_t(*nh), at, 1);
            fh.add(kIpv6FragReserved, std::uint64_t(*len), at + 1, 1);
            fh.add(kIpv6FragOffset, std::uint64_t(*off_flags >> 3u), at + 2, 2);
            fh.add(kIpv6FragMore, bool(*off_flags & 1u), at + 2, 2);
            fh.add(kIpv6FragId, std::uint64_t(*id), at + 4, 4);
            fragment = true;
            frag_offset = (*off_flags >> 3u) * 8u;
            more = *off_flags & 1u;
            frag_id = *id;
            next = *nh;
            break;  // what follows is (part of) the fragmentable part
        }
        // AH counts its length in 4-byte units minus 2; the others in 8-byte units minus 1.
        const std::size_t total = next == 51 ? (*len + 2u) * 4u : (*len + 1u) * 8u;
        const FieldDef& def = next == 0 ? kIpv6HopOpts : next == 43 ? kIpv6Routing : next == 60 ? kIpv6DstOpts : kIpv6Ah;
        ctx.add_protocol(next == 0 ? "ipv6.hopopts" : next == 43 ? "ipv6.routing" : next == 60 ? "ipv6.dstopts" : "ah");
        NodeRef eh = ip.add(def, std::monostate{}, at, total);
        eh.set_text(std::string(def.label));
        eh.add(kIpv6ExtNxt, std::uint64_t(*nh), at, 1);
        eh.add(kIpv6ExtLen, std::uint64_t(*len), at + 1, 1)
            .set_text("Length: ", *len, " (", total, " bytes)");
        auto body = payload.bytes(total - 2);
        if (!body) {
            eh.short_read(payload, std::string(def.label));
            return covered;
        }
        if (eh) eh.add_bytes(kIpv6ExtData, *body, at + 2, total - 2);
        next = *nh;
    }
    if (!fragment) {
        dissect_ip_payload(next, payload.take_rest(), ctx);
        return covered;
    }
    if (frag_offset == 0 && !more) {
        // An atomic fragment (RFC 6946): the whole datagram in one piece.
        dissect_ip_payload(next, payload.take_rest(), ctx);
        return covered;
    }
    ByteReader rest = payload.take_rest();
    if (!rest.captured_all()) {
        ip.truncated("fragment not fully captured; datagram cannot be reassembled", rest.offset(), rest.remaining());
        present_fragment_column(ctx, next, frag_offset, frag_id, "IPv6");
        return covered;
    }
    FragmentKey key;
    key.src = ctx.src;
    key.dst = ctx.dst;
    key.id = frag_id;
    key.protocol = next;
    FragmentResult result =
        ctx.state->get<IpState>().fragments.add(key, ctx.frame.number, ctx.frame.ts_ns, frag_offset, more, rest.rest());
    if (!result.anomaly.empty()) ip.expert(kIpv6FragmentOverlap, result.anomaly);
    if (result.state != FragmentResult::State::Complete) {
        present_fragment_column(ctx, next, frag_offset, frag_id, "IPv6");
        if (ctx.root && rest.remaining()) {
            ctx.add_layer(kIpFragmentData, rest.offset(), rest.remaining())
                .set_text("Data (", rest.remaining(), " bytes)");
        }
        return covered;
    }
    present_reassembled(ctx, ip, next, result, kIpv6Fragments, kIpv6FragmentFrame, kIpv6FragmentCount,
                        kIpv6ReassembledLength, "IPv6");
    return covered;
}

}  // namespace tlsdissect
