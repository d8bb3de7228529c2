// IEEE 802.11 data frames (IEEE 802.11-2020 clause 9.2) with their LLC/SNAP payload, as
// LINKTYPE_IEEE802_11 (105), under a radiotap header (LINKTYPE_IEEE802_11_RADIOTAP 127,
// radiotap.org) or a Per-Packet Information header (LINKTYPE_PPI 192). Management and
// control frames show their header; a protected (encrypted) body is data.
#include <string>

#include "core/packet_context.hpp"
#include "link/link.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/oui.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint8_t kTypeManagement = 0, kTypeControl = 1, kTypeData = 2;
constexpr std::uint8_t kFlagToDs = 0x01, kFlagFromDs = 0x02, kFlagProtected = 0x40, kFlagOrder = 0x80;
constexpr std::uint8_t kRadiotapFlagFcs = 0x10;
// Radiotap "present" words followed (bit 31 extends the bitmap).
constexpr std::size_t kMaxPresentWords = 8;

// Type/subtype as Wireshark combines them: type << 4 | subtype.
constexpr ValueName kTypeSubtypes[] = {
    {0x00, "Association Request"}, {0x01, "Association Response"}, {0x02, "Reassociation Request"},
    {0x03, "Reassociation Response"}, {0x04, "Probe Request"}, {0x05, "Probe Response"},
    {0x08, "Beacon frame"}, {0x09, "ATIM"}, {0x0a, "Disassociate"}, {0x0b, "Authentication"},
    {0x0c, "Deauthentication"}, {0x0d, "Action"}, {0x0e, "Action No Ack"},
    {0x18, "802.11 Block Ack Req"}, {0x19, "802.11 Block Ack"}, {0x1a, "Power-Save poll"},
    {0x1b, "Request-to-send"}, {0x1c, "Clear-to-send"}, {0x1d, "Acknowledgement"}, {0x1e, "CF-End"},
    {0x20, "Data"}, {0x24, "Null function (No data)"}, {0x28, "QoS Data"}, {0x2c, "QoS Null function (No data)"},
};
constexpr ValueName kDsStatus[] = {
    {0, "Not leaving DS or network is operating in AD-HOC mode (To DS: 0 From DS: 0)"},
    {1, "Frame from STA to DS via an AP (To DS: 1 From DS: 0)"},
    {2, "Frame from DS to a STA via AP(To DS: 0 From DS: 1)"},
    {3, "WDS (AP to AP) or Mesh (MP to MP) Frame (To DS: 1 From DS: 1)"},
};

constexpr FieldDef kWlan{"wlan", "IEEE 802.11", FieldType::Protocol};
constexpr FieldDef kTypeSubtype{"wlan.fc.type_subtype", "Type/Subtype", FieldType::UInt, Base::Hex, kTypeSubtypes, 0, 16};
constexpr FieldDef kFc{"wlan.fc", "Frame Control Field", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kFlags{"wlan.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kDs{"wlan.fc.ds", "DS status", FieldType::UInt, Base::Hex, kDsStatus, 0x03, 8};
constexpr ValueName kRetryNames[] = {{0, "Frame is not being retransmitted"}, {1, "Frame is being retransmitted"}};
constexpr ValueName kProtectedNames[] = {{0, "Data is not protected"}, {1, "Data is protected"}};
constexpr ValueName kTrueFalse[] = {{0, "False"}, {1, "True"}};
constexpr FieldDef kRetry{"wlan.fc.retry", "Retry", FieldType::Bool, Base::None, kRetryNames, 0x08, 8};
constexpr FieldDef kProtected{"wlan.fc.protected", "Protected flag", FieldType::Bool, Base::None, kProtectedNames, 0x40, 8};
constexpr FieldDef kDuration{"wlan.duration", "Duration", FieldType::UInt, Base::Dec, {}, 0x7fff, 16, " microseconds"};
constexpr FieldDef kRa{"wlan.ra", "Receiver address", FieldType::Ether};
constexpr FieldDef kTa{"wlan.ta", "Transmitter address", FieldType::Ether};
constexpr FieldDef kDa{"wlan.da", "Destination address", FieldType::Ether};
constexpr FieldDef kSa{"wlan.sa", "Source address", FieldType::Ether};
constexpr FieldDef kBssid{"wlan.bssid", "BSS Id", FieldType::Ether};
constexpr FieldDef kFrag{"wlan.frag", "Fragment number", FieldType::UInt, Base::Dec, {}, 0x000f, 16};
constexpr FieldDef kSeq{"wlan.seq", "Sequence number", FieldType::UInt, Base::Dec, {}, 0xfff0, 16};
constexpr FieldDef kQos{"wlan.qos", "Qos Control", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kFcs{"wlan.fcs", "Frame check sequence", FieldType::UInt, Base::Hex, {}, 0, 32};
constexpr FieldDef kWlanData{"data", "Data", FieldType::Protocol};

constexpr FieldDef kRadiotap{"radiotap", "Radiotap Header", FieldType::Protocol};
constexpr FieldDef kRtVersion{"radiotap.version", "Header revision", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kRtPad{"radiotap.pad", "Header pad", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kRtLength{"radiotap.length", "Header length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kRtPresent{"radiotap.present.word", "Present flags word", FieldType::UInt, Base::Hex, {}, 0, 32};
constexpr FieldDef kRtMactime{"radiotap.mactime", "MAC timestamp", FieldType::UInt, Base::Dec, {}, 0, 64};
constexpr FieldDef kRtFlags{"radiotap.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kRtFlagFcs{"radiotap.flags.fcs", "FCS at end", FieldType::Bool, Base::None, kTrueFalse, 0x10, 8};
constexpr FieldDef kRtRate{"radiotap.datarate", "Data rate (Mb/s)", FieldType::Double};
constexpr FieldDef kRtFreq{"radiotap.channel.freq", "Channel frequency", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kRtSignal{"radiotap.dbm_antsignal", "Antenna signal", FieldType::Int, Base::Dec, {}, 0, 8, " dBm"};

constexpr FieldDef kPpi{"ppi", "PPI version 0", FieldType::Protocol};
constexpr FieldDef kPpiVersion{"ppi.version", "Version", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kPpiFlags{"ppi.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kPpiLength{"ppi.length", "Header length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kPpiDlt{"ppi.dlt", "DLT", FieldType::UInt, Base::Dec, {}, 0, 32};

MacAddress mac_at(Bytes b) {
    MacAddress m;
    for (std::size_t i = 0; i < 6; ++i) m.b[i] = b[i];
    return m;
}

// Frame Control (16, little-endian: protocol version 2 | type 2 | subtype 4, then the
// flags) | Duration/ID (16) | Address 1 | [Address 2 | Address 3 | Sequence Control (16)
// | Address 4 (when to DS and from DS)] | [QoS Control (16)] | [HT Control (32)] | body
void dissect_wlan(ByteReader r, PacketContext& ctx, bool has_fcs) {
    ctx.add_protocol("wlan");
    const std::size_t start = r.offset();
    NodeRef wlan = ctx.add_layer(kWlan, start, 0);
    if (has_fcs) {
        // The FCS is the frame's last 4 bytes: the body ends before it.
        const std::size_t total = r.reported_remaining();
        if (total < 4) {
            wlan.malformed("frame shorter than its FCS", start, r.remaining());
            return;
        }
        ByteReader whole = r;
        whole.skip(total - 4);
        auto fcs = whole.u32le();
        if (fcs) wlan.add(kFcs, std::uint64_t(*fcs), start + total - 4, 4);
        r = *r.child(total - 4);
    }
    auto fc0 = r.u8();
    auto flags = r.u8();
    auto duration = r.u16le();
    auto addr1 = r.bytes(6);
    if (!fc0 || !flags || !duration || !addr1) {
        wlan.short_read(r, "802.11 header");
        return;
    }
    const std::uint8_t type = (*fc0 >> 2) & 3u, subtype = *fc0 >> 4;
    const std::uint16_t type_subtype = static_cast<std::uint16_t>(type << 4 | subtype);
    std::string name(name_of(kTypeSubtypes, type_subtype));
    if (name.empty()) name = "Unknown frame (0x" + hex_u16(type_subtype) + ")";
    if (wlan) {
        wlan.set_text("IEEE 802.11 ", name);
        wlan.add(kTypeSubtype, std::uint64_t(type_subtype), start, 2);
        wlan.add(kFc, std::uint64_t(*fc0 << 8 | *flags), start, 2);
        NodeRef f = wlan.add(kFlags, std::uint64_t(*flags), start + 1, 1);
        f.add(kDs, std::uint64_t(*flags & 3u), start + 1, 1)
            .set_text(".... ..", (*flags >> 1) & 1u, *flags & 1u, " = DS status: ", name_of(kDsStatus, *flags & 3u),
                             " (0x", *flags & 3u, ")");
        f.add(kRetry, bool(*flags & 0x08), start + 1, 1);
        f.add(kProtected, bool(*flags & kFlagProtected), start + 1, 1);
        wlan.add(kDuration, std::uint64_t(*duration & 0x7fffu), start + 2, 2);
    }
    if (ctx.columns) {
        ctx.columns->protocol = "802.11";
        ctx.columns->info = name;
    }
    const MacAddress a1 = mac_at(*addr1);
    if (type == kTypeControl) {
        wlan.add(kRa, a1, start + 4, 6);
        wlan.set_length(r.offset() - start);
        dissect_data(r.take_rest(), ctx);
        return;
    }
    auto addr2 = r.bytes(6);
    auto addr3 = r.bytes(6);
    auto seq = r.u16le();
    if (!addr2 || !addr3 || !seq) {
        wlan.short_read(r, "802.11 header");
        return;
    }
    const MacAddress a2 = mac_at(*addr2), a3 = mac_at(*addr3);
    const bool to_ds = *flags & kFlagToDs, from_ds = *flags & kFlagFromDs;
    std::optional<MacAddress> a4;
    if (type == kTypeData && to_ds && from_ds) {
        auto addr4 = r.bytes(6);
        if (!addr4) {
            wlan.short_read(r, "802.11 header");
            return;
        }
        a4 = mac_at(*addr4);
    }
    // IEEE 802.11-2020 table 9-26: which address is which by the DS bits.
    MacAddress da = a1, sa = a2, bssid = a3;
    if (type == kTypeData) {
        if (to_ds && !from_ds) bssid = a1, sa = a2, da = a3;
        if (!to_ds && from_ds) da = a1, bssid = a2, sa = a3;
        if (to_ds && from_ds) da = a3, sa = *a4, bssid = a2;
    }
    if (wlan) {
        wlan.add(kRa, a1, start + 4, 6);
        wlan.add(kTa, a2, start + 10, 6);
        wlan.add(kDa, da, start + 4, 6);
        wlan.add(kSa, sa, start + 10, 6);
        wlan.add(kBssid, bssid, start + 16, 6);
        wlan.add(kFrag, std::uint64_t(*seq & 0x0fu), start + 22, 2);
        wlan.add(kSeq, std::uint64_t(*seq >> 4), start + 22, 2);
    }
    if (ctx.columns) {
        ctx.columns->source = ether_display_name(sa);
        ctx.columns->destination = ether_display_name(da);
    }
    if (type == kTypeData && (subtype & 0x08)) {
        const std::size_t at = r.offset();
        auto qos = r.u16le();
        if (!qos) {
            wlan.short_read(r, "802.11 QoS control");
            return;
        }
        wlan.add(kQos, std::uint64_t(*qos), at, 2);
        if ((*flags & kFlagOrder) && !r.skip(4)) {
            wlan.short_read(r, "802.11 HT control");
            return;
        }
    }
    wlan.set_length(r.offset() - start);
    ByteReader body = r.take_rest();
    if (type != kTypeData || (subtype & 0x04) || body.reported_remaining() == 0) {
        // Management frames (their elements are not dissected here) and null data.
        dissect_data(body, ctx);
        return;
    }
    if (*flags & kFlagProtected) {
        if (ctx.root && body.remaining()) {
            NodeRef data = ctx.add_layer(kWlanData, body.offset(), body.reported_remaining());
            data.set_text("Data (", body.reported_remaining(), " bytes, encrypted)");
        }
        return;
    }
    dissect_llc(body, ctx);
}

std::size_t dissect_wlan_frame(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    dissect_wlan(r, ctx, false);
    return length;
}

// radiotap.org: version (8) | pad (8) | length (16, LE) | present (32, LE, bit 31 extends)
// then the fields the present bits name, in bit order, each aligned to its own size.
std::size_t dissect_radiotap(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol("radiotap");
    const std::size_t start = r.offset();
    NodeRef rt = ctx.add_layer(kRadiotap, start, 0);
    auto version = r.u8();
    auto pad = r.u8();
    auto header_len = r.u16le();
    if (!version || !pad || !header_len) {
        rt.short_read(r, "radiotap header");
        return length;
    }
    if (rt) rt.set_text("Radiotap Header v", *version, ", Length ", *header_len);
    rt.add(kRtVersion, std::uint64_t(*version), start, 1);
    rt.add(kRtPad, std::uint64_t(*pad), start + 1, 1);
    rt.add(kRtLength, std::uint64_t(*header_len), start + 2, 2);
    if (*header_len < 8) {
        rt.malformed("header length " + std::to_string(*header_len) + " is below 8", start + 2, 2);
        return length;
    }
    auto header = r.child(*header_len - 4u);
    if (!header) {
        rt.malformed("header length " + std::to_string(*header_len) + " exceeds the frame", start + 2, 2);
        return length;
    }
    rt.set_length(*header_len);
    ByteReader h = *header;
    std::uint32_t first_present = 0;
    for (std::size_t n = 0;; ++n) {
        const std::size_t at = h.offset();
        auto word = h.u32le();
        if (!word) {
            rt.short_read(h, "radiotap present flags");
            return length;
        }
        if (n == 0) first_present = *word;
        rt.add(kRtPresent, std::uint64_t(*word), at, 4);
        if (!(*word & 0x80000000u)) break;
        if (n + 1 == kMaxPresentWords) {
            rt.malformed("more than " + std::to_string(kMaxPresentWords) + " present words", at, 4);
            return length;
        }
    }
    // The first few fields of the first bitmap (radiotap.org "defined fields"): TSFT,
    // Flags, Rate, Channel, FHSS, antenna signal. Their alignment is relative to the
    // start of the header.
    bool fcs = false;
    auto align = [&](std::size_t a) { return h.skip((a - (h.offset() - start) % a) % a); };
    bool ok = true;
    if (ok && (first_present & 1u)) {
        ok = align(8);
        const std::size_t at = h.offset();
        auto tsft = ok ? h.u64() : std::nullopt;
        ok = bool(tsft);
        if (ok) rt.add(kRtMactime, std::uint64_t(__builtin_bswap64(*tsft)), at, 8);
    }
    if (ok && (first_present & 2u)) {
        const std::size_t at = h.offset();
        auto f = h.u8();
        ok = bool(f);
        if (ok) {
            fcs = *f & kRadiotapFlagFcs;
            NodeRef fl = rt.add(kRtFlags, std::uint64_t(*f), at, 1);
            fl.add(kRtFlagFcs, fcs, at, 1);
        }
    }
    if (ok && (first_present & 4u)) {
        const std::size_t at = h.offset();
        auto rate = h.u8();
        ok = bool(rate);
        if (ok)
            rt.add(kRtRate, double(*rate) / 2.0, at, 1)
                .set_text("Data Rate: ", *rate / 2, ".", (*rate % 2) * 5, " Mb/s");
    }
    if (ok && (first_present & 8u)) {
        ok = align(2);
        const std::size_t at = h.offset();
        auto freq = ok ? h.u16le() : std::nullopt;
        auto chan_flags = freq ? h.u16le() : std::nullopt;
        ok = bool(chan_flags);
        if (ok) rt.add(kRtFreq, std::uint64_t(*freq), at, 2);
    }
    if (ok && (first_present & 16u)) ok = h.skip(2);
    if (ok && (first_present & 32u)) {
        const std::size_t at = h.offset();
        auto signal = h.u8();
        ok = bool(signal);
        if (ok) rt.add(kRtSignal, std::int64_t(static_cast<std::int8_t>(*signal)), at, 1);
    }
    dissect_wlan(r.take_rest(), ctx, fcs);
    return length;
}

// PPI (the Per-Packet Information header, CACE Technologies): version (8) | flags (8) |
// length (16, LE) | DLT (32, LE) | fields; the packet of link type DLT follows.
std::size_t dissect_ppi(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol("ppi");
    const std::size_t start = r.offset();
    NodeRef ppi = ctx.add_layer(kPpi, start, 8);
    auto version = r.u8();
    auto flags = r.u8();
    auto header_len = r.u16le();
    auto dlt = r.u32le();
    if (!version || !flags || !header_len || !dlt) {
        ppi.short_read(r, "PPI header");
        return length;
    }
    ppi.add(kPpiVersion, std::uint64_t(*version), start, 1);
    ppi.add(kPpiFlags, std::uint64_t(*flags), start + 1, 1);
    ppi.add(kPpiLength, std::uint64_t(*header_len), start + 2, 2);
    ppi.add(kPpiDlt, std::uint64_t(*dlt), start + 4, 4);
    if (*header_len < 8 || !r.skip(*header_len - 8u)) {
        ppi.malformed("header length " + std::to_string(*header_len) + " does not fit the frame", start + 2, 2);
        return length;
    }
    ppi.set_length(*header_len);
    ByteReader inner = r.take_rest();
    // A PPI header inside a PPI header would recurse: only other link types are followed.
    if (*dlt == kLinkIeee80211) {
        dissect_wlan(inner, ctx, false);
    } else if (*dlt == kLinkPpi || !dispatch_uint(ctx.tables->link_type, *dlt, inner, ctx)) {
        dissect_data(inner, ctx);
    }
    return length;
}

}  // namespace

void register_ieee80211(DissectorTables& tables) {
    tables.link_type.add(kLinkIeee80211, {"wlan", dissect_wlan_frame});
    tables.link_type.add(kLinkRadiotap, {"radiotap", dissect_radiotap});
    tables.link_type.add(kLinkPpi, {"ppi", dissect_ppi});
}

}  // namespace tlsdissect
