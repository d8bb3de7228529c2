// Linux netfilter log messages (LINKTYPE_NFLOG 239, libpcap's pcap-linktype(7) and
// linux/netfilter/nfnetlink_log.h): a 4-byte header, then TLVs in the capturing host's
// byte order; the NFULA_PAYLOAD TLV holds the logged IP packet.
#include <string>

#include "core/packet_context.hpp"
#include "link/link.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kTlvPacketHeader = 1;
constexpr std::uint16_t kTlvPayload = 9;
constexpr std::uint16_t kTlvPrefix = 10;
// TLVs read before the rest of a message is called malformed.
constexpr std::size_t kMaxTlvs = 64;

constexpr ValueName kFamilies[] = {{0, "Unspecified"}, {2, "IPv4"}, {7, "Bridge"}, {10, "IPv6"}};
constexpr ValueName kTlvTypes[] = {
    {1, "NFULA_PACKET_HDR"}, {2, "NFULA_MARK"}, {3, "NFULA_TIMESTAMP"}, {4, "NFULA_IFINDEX_INDEV"},
    {5, "NFULA_IFINDEX_OUTDEV"}, {6, "NFULA_IFINDEX_PHYSINDEV"}, {7, "NFULA_IFINDEX_PHYSOUTDEV"},
    {8, "NFULA_HWADDR"}, {9, "NFULA_PAYLOAD"}, {10, "NFULA_PREFIX"}, {11, "NFULA_UID"},
    {12, "NFULA_SEQ"}, {13, "NFULA_SEQ_GLOBAL"}, {14, "NFULA_GID"}, {15, "NFULA_HWTYPE"},
    {16, "NFULA_HWHEADER"}, {17, "NFULA_HWLEN"}, {18, "NFULA_CT"}, {19, "NFULA_CT_INFO"},
};
constexpr ValueName kHooks[] = {{0, "Pre-routing"}, {1, "Local in"}, {2, "Forward"}, {3, "Local out"},
                                {4, "Post-routing"}};

constexpr FieldDef kNflog{"nflog", "Linux Netfilter NFLOG", FieldType::Protocol};
constexpr FieldDef kFamily{"nflog.family", "Family", FieldType::UInt, Base::Dec, kFamilies, 0, 8};
constexpr FieldDef kVersion{"nflog.version", "Version", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kResId{"nflog.res_id", "Resource id", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kTlv{"nflog.tlv", "TLV", FieldType::Bytes};
constexpr FieldDef kTlvLength{"nflog.tlv_length", "Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kTlvType{"nflog.tlv_type", "Type", FieldType::UInt, Base::Dec, kTlvTypes, 0x7fff, 16};
constexpr ValueName kHwProtocols[] = {{0x0800, "IPv4"}, {0x86dd, "IPv6"}, {0x0806, "ARP"}, {0x8100, "802.1Q Virtual LAN"}};
constexpr FieldDef kHwProtocol{"nflog.protocol", "HW protocol", FieldType::UInt, Base::Hex, kHwProtocols, 0, 16};
constexpr FieldDef kIfIndex[] = {
    {"nflog.ifindex_indev", "IFINDEX_INDEV", FieldType::UInt, Base::Dec, {}, 0, 32},
    {"nflog.ifindex_outdev", "IFINDEX_OUTDEV", FieldType::UInt, Base::Dec, {}, 0, 32},
    {"nflog.ifindex_physindev", "IFINDEX_PHYSINDEV", FieldType::UInt, Base::Dec, {}, 0, 32},
    {"nflog.ifindex_physoutdev", "IFINDEX_PHYSOUTDEV", FieldType::UInt, Base::Dec, {}, 0, 32},
};
constexpr FieldDef kUid{"nflog.uid", "UID", FieldType::Int, Base::Dec, {}, 0, 32};
constexpr FieldDef kGid{"nflog.gid", "GID", FieldType::Int, Base::Dec, {}, 0, 32};
constexpr FieldDef kHook{"nflog.hook", "Netfilter hook", FieldType::UInt, Base::Dec, kHooks, 0, 8};
constexpr FieldDef kPrefix{"nflog.prefix", "Prefix", FieldType::String};
constexpr FieldDef kValue{"nflog.tlv_value", "Value", FieldType::Bytes};

// Header: family (8) | version (8) | resource id (16, network order)
// TLV:    length (16) | type (16, host order; the top bit marks a nested TLV) | value,
//         padded to a multiple of 4 bytes.
void dissect_nflog(ByteReader r, PacketContext& ctx) {
    ctx.add_protocol("nflog");
    const std::size_t start = r.offset();
    NodeRef nflog = ctx.add_layer(kNflog, start, r.reported_remaining());
    auto family = r.u8();
    auto version = r.u8();
    auto res_id = r.u16();
    if (!family || !version || !res_id) {
        nflog.short_read(r, "NFLOG header");
        return;
    }
    nflog.add(kFamily, std::uint64_t(*family), start, 1);
    nflog.add(kVersion, std::uint64_t(*version), start + 1, 1);
    nflog.add(kResId, std::uint64_t(*res_id), start + 2, 2);
    if (ctx.columns) ctx.columns->protocol = "NFLOG";
    // Host byte order. The first TLV (NFULA_PACKET_HDR, 8 bytes, in practice) has a
    // length below 256: its first byte is 0 only when written big-endian.
    const auto first = r.peek_u8();
    const bool little = !(first && *first == 0);
    std::optional<ByteReader> payload;
    for (std::size_t n = 0; !r.empty(); ++n) {
        const std::size_t at = r.offset();
        if (n == kMaxTlvs) {
            nflog.malformed("more than " + std::to_string(kMaxTlvs) + " TLVs", at, r.remaining());
            break;
        }
        auto len = little ? r.u16le() : r.u16();
        auto type = little ? r.u16le() : r.u16();
        if (!len || !type) {
            nflog.short_read(r, "NFLOG TLV");
            return;
        }
        if (*len < 4) {
            nflog.malformed("TLV length " + std::to_string(*len) + " is below 4", at, 2);
            return;
        }
        auto value = r.child(*len - 4u);
        if (!value) {
            nflog.malformed("TLV length " + std::to_string(*len) + " exceeds the message", at, 2);
            return;
        }
        const std::size_t padded = (*len + 3u) & ~3u;
        if (padded > *len) r.skip(std::min<std::size_t>(padded - *len, r.remaining()));
        const std::uint16_t kind = *type & 0x7fffu;
        if (kind == kTlvPayload && !payload) payload = *value;
        if (!nflog) continue;
        std::string name(name_of(kTlvTypes, kind));
        NodeRef tlv = nflog.add_text(kTlv, concat("TLV Type: ", name.empty() ? "Unknown" : name, " (", kind,
                                                  "), Length: ", *len),
                                     at, *len);
        tlv.add(kTlvLength, std::uint64_t(*len), at, 2);
        tlv.add(kTlvType, std::uint64_t(kind), at + 2, 2);
        ByteReader v = *value;
        if (kind == kTlvPacketHeader) {
            auto proto = v.u16();
            auto hook = v.u8();
            if (proto && hook) {
                tlv.add(kHwProtocol, std::uint64_t(*proto), at + 4, 2);
                tlv.add(kHook, std::uint64_t(*hook), at + 6, 1);
            }
        } else if (kind == kTlvPrefix) {
            Bytes b = v.rest();
            std::size_t end = 0;
            while (end < b.size() && b[end] != 0) ++end;
            tlv.add(kPrefix, std::string(b.begin(), b.begin() + static_cast<long>(end)), at + 4, v.remaining());
        } else if (kind >= 4 && kind <= 7 && v.remaining() == 4) {
            tlv.add(kIfIndex[kind - 4], std::uint64_t(*v.u32()), at + 4, 4);
        } else if ((kind == 11 || kind == 14) && v.remaining() == 4) {
            tlv.add(kind == 11 ? kUid : kGid, std::int64_t(static_cast<std::int32_t>(*v.u32())), at + 4, 4);
        } else if (kind != kTlvPayload && v.remaining()) {
            tlv.add_bytes(kValue, v.rest(), at + 4, v.remaining());
        }
    }
    if (!payload) return;
    if (*family == 2)
        dissect_ethertype(0x0800, *payload, ctx);
    else if (*family == 10)
        dissect_ethertype(0x86dd, *payload, ctx);
    else
        dissect_data(*payload, ctx);
}

std::size_t dissect_nflog_frame(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    dissect_nflog(r, ctx);
    return length;
}

}  // namespace

void register_nflog(DissectorTables& tables) { tables.link_type.add(kLinkNflog, {"nflog", dissect_nflog_frame}); }

}  // namespace tlsdissect
