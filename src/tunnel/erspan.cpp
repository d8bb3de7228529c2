// Encapsulated Remote Switch Port ANalysis (draft-foschiano-erspan-03): a mirrored
// Ethernet frame inside GRE. Type I has no header (GRE 0x88be without a sequence
// number), type II an 8-byte header (0x88be), type III a 12-byte header (0x22eb) and,
// when its O bit is set, an 8-byte platform-specific subheader.
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/text.hpp"
#include "tunnel/tunnel_common.hpp"

namespace tlsdissect {

namespace {

constexpr ValueName kVersions[] = {{1, "Type II"}, {2, "Type III"}};
constexpr ValueName kEncap[] = {{0, "Originally without VLAN tag"}, {1, "ISL encapsulated"},
                                {2, "802.1Q encapsulated"}, {3, "VLAN tag preserved in frame"}};
constexpr ValueName kBso[] = {{0, "Good or unknown integrity"}, {1, "Payload is a short frame"},
                              {2, "Some frames were oversized"}, {3, "Frame with a bad or short CRC"}};
constexpr ValueName kTruncated[] = {{0, "Not truncated"}, {1, "Truncated"}};
constexpr ValueName kDirection[] = {{0, "Ingress"}, {1, "Egress"}};
constexpr ValueName kGranularity[] = {{0, "100 microseconds"}, {1, "100 nanoseconds"},
                                      {2, "IEEE 1588"}, {3, "Custom granularity"}};
constexpr ValueName kFrameTypes[] = {{0, "Ethernet"}, {2, "IP"}};

constexpr FieldDef kErspan{"erspan", "Encapsulated Remote Switch Packet ANalysis", FieldType::Protocol};
constexpr FieldDef kVersion{"erspan.version", "Version", FieldType::UInt, Base::Dec, kVersions, 0xf000, 16};
constexpr FieldDef kVlan{"erspan.vlan", "Vlan", FieldType::UInt, Base::Dec, {}, 0x0fff, 16};
constexpr FieldDef kCos{"erspan.cos", "COS", FieldType::UInt, Base::Dec, {}, 0xe000, 16};
constexpr FieldDef kEncapField{"erspan.encap", "Encap", FieldType::UInt, Base::Dec, kEncap, 0x1800, 16};
constexpr FieldDef kBsoField{"erspan.bso", "Bad/Short/Oversized", FieldType::UInt, Base::Dec, kBso, 0x1800, 16};
constexpr FieldDef kTruncatedField2{"erspan.truncated", "Truncated", FieldType::UInt, Base::Dec, kTruncated, 0x0400, 16};
constexpr FieldDef kSpanId{"erspan.spanid", "SpanID", FieldType::UInt, Base::Dec, {}, 0x03ff, 16};
constexpr FieldDef kReserved{"erspan.reserved", "Reserved", FieldType::UInt, Base::Dec, {}, 0xfff00000, 32};
constexpr FieldDef kIndex{"erspan.index", "Index", FieldType::UInt, Base::Dec, {}, 0x000fffff, 32};
constexpr FieldDef kTimestamp{"erspan.timestamp", "Timestamp", FieldType::UInt, Base::Dec, {}, 0xffffffff, 32};
constexpr FieldDef kSgt{"erspan.sgt", "Security Group Tag", FieldType::UInt, Base::Dec, {}, 0xffff, 16};
constexpr FieldDef kP{"erspan.p", "Has Ethernet PDU", FieldType::UInt, Base::Dec, {}, 0x8000, 16};
constexpr FieldDef kFt{"erspan.ft", "Frame Type", FieldType::UInt, Base::Dec, kFrameTypes, 0x7c00, 16};
constexpr FieldDef kHw{"erspan.hw", "Hardware ID", FieldType::UInt, Base::Dec, {}, 0x03f0, 16};
constexpr FieldDef kDirectionField{"erspan.direction", "Direction", FieldType::UInt, Base::None, kDirection, 0x0008, 16};
constexpr FieldDef kGra{"erspan.gra", "Timestamp granularity", FieldType::UInt, Base::Dec, kGranularity, 0x0006, 16};
constexpr FieldDef kO{"erspan.o", "Optional Sub headers", FieldType::UInt, Base::Dec, {}, 0x0001, 16};
constexpr FieldDef kPlatId{"erspan.platid", "Platform ID", FieldType::UInt, Base::Dec, {}, 0xfc000000, 32};
constexpr FieldDef kPid1Reserved{"erspan.pid1.rsvd1", "Reserved", FieldType::UInt, Base::Dec, {}, 0x03fff000, 32};
constexpr FieldDef kPid1Vsm{"erspan.pid1.vsmid", "VSM Domain ID", FieldType::UInt, Base::Dec, {}, 0x00000fff, 32};
constexpr FieldDef kPid1Port{"erspan.pid1.port_index", "Port ID/Index", FieldType::UInt, Base::Dec, {}, 0xffffffff, 32};
constexpr FieldDef kPid3Reserved{"erspan.pid3.rsvd1", "Reserved", FieldType::UInt, Base::Dec, {}, 0x03ffc000, 32};
constexpr FieldDef kPid3Port{"erspan.pid3.port_index", "Port ID/Index", FieldType::UInt, Base::Dec, {}, 0x00003fff, 32};
constexpr FieldDef kPid3Timestamp{"erspan.pid3.timestamp", "Upper 32-bit Timestamp", FieldType::UInt, Base::Dec, {}, 0xffffffff, 32};
constexpr FieldDef kPid5Switch{"erspan.pid5.switchid", "Switch ID", FieldType::UInt, Base::Dec, {}, 0x03ff0000, 32};
constexpr FieldDef kPid5Port{"erspan.pid5.port_index", "Port ID/Index", FieldType::UInt, Base::Dec, {}, 0x0000ffff, 32};
constexpr FieldDef kPid5Timestamp{"erspan.pid5.timestamp", "Timestamp (seconds)", FieldType::UInt, Base::Dec, {}, 0xffffffff, 32};
constexpr FieldDef kPid7Reserved{"erspan.pid7.rsvd1", "Reserved", FieldType::UInt, Base::Dec, {}, 0x03f00000, 32};
constexpr FieldDef kPid7Source{"erspan.pid7.source_index", "Source Index", FieldType::UInt, Base::Dec, {}, 0x000fffff, 32};
constexpr FieldDef kPid7Timestamp{"erspan.pid7.timestamp", "Upper 32-bit Timestamp", FieldType::UInt, Base::Dec, {}, 0xffffffff, 32};
constexpr FieldDef kPidReserved{"erspan.pid.rsvd", "Reserved", FieldType::UInt, Base::Dec, {}, 0x03ffffffffffffffull, 64};

std::uint64_t bits(std::uint64_t value, std::uint64_t mask) {
    return (value & mask) >> __builtin_ctzll(mask);
}

// The platform-specific subheader (type III with O set): Platform ID (6) | 58 bits
// whose layout depends on the platform.
void add_platform_subheader(NodeRef erspan, std::uint32_t word1, std::uint32_t word2, std::size_t at) {
    const std::uint32_t platform = word1 >> 26;
    erspan.add(kPlatId, std::uint64_t(platform), at, 4);
    switch (platform) {
        case 1:
            erspan.add(kPid1Reserved, bits(word1, 0x03fff000), at, 4);
            erspan.add(kPid1Vsm, bits(word1, 0xfff), at, 4);
            erspan.add(kPid1Port, std::uint64_t(word2), at + 4, 4);
            break;
        case 3:
            erspan.add(kPid3Reserved, bits(word1, 0x03ffc000), at, 4);
            erspan.add(kPid3Port, bits(word1, 0x3fff), at, 4);
            erspan.add(kPid3Timestamp, std::uint64_t(word2), at + 4, 4);
            break;
        case 5:
        case 6:
            erspan.add(kPid5Switch, bits(word1, 0x03ff0000), at, 4);
            erspan.add(kPid5Port, bits(word1, 0xffff), at, 4);
            erspan.add(kPid5Timestamp, std::uint64_t(word2), at + 4, 4);
            break;
        case 7:
            erspan.add(kPid7Reserved, bits(word1, 0x03f00000), at, 4);
            erspan.add(kPid7Source, bits(word1, 0xfffff), at, 4);
            erspan.add(kPid7Timestamp, std::uint64_t(word2), at + 4, 4);
            break;
        default:
            erspan.add(kPidReserved, (std::uint64_t(word1) << 32 | word2) & 0x03ffffffffffffffull, at, 8);
            break;
    }
}

}  // namespace

// Type II:  Ver (4) | VLAN (12) | COS (3) | En (2) | T (1) | Session ID (10) |
//           Reserved (12) | Index (20)
// Type III: Ver (4) | VLAN (12) | COS (3) | BSO (2) | T (1) | Session ID (10) |
//           Timestamp (32) | SGT (16) | P (1) | FT (5) | Hw ID (6) | D (1) | Gra (2) | O (1)
//           [platform-specific subheader (64)]
void dissect_erspan(unsigned type, ByteReader r, PacketContext& ctx) {
    ctx.add_protocol("erspan");
    const std::size_t start = r.offset();
    NodeRef erspan = ctx.add_layer(kErspan, start, 0);
    static constexpr const char* kTypeNames[] = {"", "I", "II", "III"};
    if (erspan) erspan.set_text("Encapsulated Remote Switch Packet ANalysis Type ", kTypeNames[type]);
    std::uint32_t span_id = 0;
    bool ethernet = true;
    if (type >= 2) {
        auto word = r.u16();
        auto session = r.u16();
        auto rest = r.u32();
        if (!word || !session || !rest) {
            erspan.short_read(r, "ERSPAN header");
            return;
        }
        span_id = *session & 0x03ffu;
        const unsigned version = *word >> 12;
        if (erspan) {
            erspan.add(kVersion, std::uint64_t(version), start, 2);
            erspan.add(kVlan, std::uint64_t(*word & 0x0fffu), start, 2);
            erspan.add(kCos, std::uint64_t(*session >> 13), start + 2, 2);
            erspan.add(type == 2 ? kEncapField : kBsoField, std::uint64_t((*session >> 11) & 3u), start + 2, 2);
            erspan.add(kTruncatedField2, std::uint64_t((*session >> 10) & 1u), start + 2, 2);
            erspan.add(kSpanId, std::uint64_t(span_id), start + 2, 2);
            if (type == 2) {
                erspan.add(kReserved, std::uint64_t(*rest >> 20), start + 4, 4);
                erspan.add(kIndex, std::uint64_t(*rest & 0xfffffu), start + 4, 4);
            } else {
                erspan.add(kTimestamp, std::uint64_t(*rest), start + 4, 4);
            }
        }
        if (version != type - 1)
            erspan.malformed("ERSPAN version " + std::to_string(version) + " in a type " + kTypeNames[type] + " header",
                             start, 2);
        if (type == 3) {
            auto sgt = r.u16();
            auto flags = r.u16();
            if (!sgt || !flags) {
                erspan.short_read(r, "ERSPAN type III header");
                return;
            }
            const std::size_t at = start + 8;
            erspan.add(kSgt, std::uint64_t(*sgt), at, 2);
            erspan.add(kP, std::uint64_t(*flags >> 15), at + 2, 2);
            erspan.add(kFt, std::uint64_t((*flags >> 10) & 0x1fu), at + 2, 2);
            erspan.add(kHw, std::uint64_t((*flags >> 4) & 0x3fu), at + 2, 2);
            erspan.add(kDirectionField, std::uint64_t((*flags >> 3) & 1u), at + 2, 2);
            erspan.add(kGra, std::uint64_t((*flags >> 1) & 3u), at + 2, 2);
            erspan.add(kO, std::uint64_t(*flags & 1u), at + 2, 2);
            ethernet = ((*flags >> 10) & 0x1fu) == 0;
            if (*flags & 1u) {
                const std::size_t sub = r.offset();
                auto word1 = r.u32();
                auto word2 = r.u32();
                if (!word1 || !word2) {
                    erspan.short_read(r, "ERSPAN platform-specific subheader");
                    return;
                }
                if (erspan) add_platform_subheader(erspan, *word1, *word2, sub);
            }
        }
    }
    erspan.set_length(r.offset() - start);
    if (ctx.columns) ctx.columns->protocol = "ERSPAN";
    ByteReader inner = r.take_rest();
    if (inner.reported_remaining() == 0) return;
    if (!enter_tunnel(erspan, {"erspan", {}, {}, span_id, true}, inner, ctx)) return;
    if (!ethernet || !dispatch_uint(ctx.tables->link_type, kLinkEthernet, inner, ctx)) dissect_data(inner, ctx);
}

}  // namespace tlsdissect
