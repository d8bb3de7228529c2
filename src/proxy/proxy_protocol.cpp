// The PROXY protocol (HAProxy, "The PROXY protocol" versions 1 and 2): a load balancer's
// header in front of the client's own bytes, naming the original client and the address
// it connected to. Version 1 is one text line, version 2 a binary header with TLVs. What
// follows it (normally TLS, often in the same segment) is chosen again by the tables.
// Field names are Wireshark's proxy dissector's.
#include <cstring>
#include <string>

#include "proxy/proxy.hpp"
#include "proxy/proxy_common.hpp"
#include "tlsdissect/read_field.hpp"
#include "transport/message_application.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint8_t kV2Signature[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
constexpr std::string_view kV1Magic = "PROXY ";
// A v1 line is at most 107 bytes with its CRLF.
constexpr std::size_t kMaxV1Line = 107;

constexpr ValueName kCommands[] = {{0, "Local"}, {1, "Proxy"}};
constexpr ValueName kFamilies[] = {{0, "Unspec"}, {1, "IPv4"}, {2, "IPv6"}, {3, "Unix"}};
constexpr ValueName kProtocols[] = {{0, "Unspec"}, {1, "Stream"}, {2, "Datagram"}};
constexpr ValueName kTlvTypes[] = {{0x01, "ALPN"},          {0x02, "Authority"},     {0x03, "CRC32C"},
                                   {0x04, "No-op"},         {0x05, "Unique ID"},     {0x20, "SSL"},
                                   {0x21, "SSL version"},   {0x22, "SSL CN"},        {0x23, "SSL cipher"},
                                   {0x24, "SSL sig alg"},   {0x25, "SSL key alg"},   {0x30, "Netns"}};

constexpr FieldDef kProxy{"proxy", "PROXY Protocol", FieldType::Protocol};
constexpr FieldDef kVersion{"proxy.version", "Version", FieldType::UInt};
constexpr FieldDef kV1Magic_{"proxy.v1.magic", "PROXY v1 magic", FieldType::None};
constexpr FieldDef kV1Proto{"proxy.v1.proto", "Protocol", FieldType::String};
constexpr FieldDef kV1Unknown{"proxy.v1.unknown", "Unknown data", FieldType::String};
constexpr FieldDef kV2Magic{"proxy.v2.magic", "Magic", FieldType::Bytes};
constexpr FieldDef kV2Version{"proxy.v2.version", "Version", FieldType::UInt, Base::Dec, {}, 0xf0, 8};
constexpr FieldDef kV2Command{"proxy.v2.cmd", "Command", FieldType::UInt, Base::Dec, kCommands, 0x0f, 8};
constexpr FieldDef kV2FamilyProtocol{"proxy.v2.addr_family_protocol", "Address Family Protocol", FieldType::UInt,
                                     Base::Hex, {}, 0, 8};
constexpr FieldDef kV2Family{"proxy.v2.addr_family", "Address Family", FieldType::UInt, Base::Hex, kFamilies, 0xf0, 8};
constexpr FieldDef kV2Protocol{"proxy.v2.protocol", "Protocol", FieldType::UInt, Base::Hex, kProtocols, 0x0f, 8};
constexpr FieldDef kV2Length{"proxy.v2.length", "Length", FieldType::UInt};
constexpr FieldDef kSrc4{"proxy.src.ipv4", "Source Address", FieldType::IPv4};
constexpr FieldDef kDst4{"proxy.dst.ipv4", "Destination Address", FieldType::IPv4};
constexpr FieldDef kSrc6{"proxy.src.ipv6", "Source Address", FieldType::IPv6};
constexpr FieldDef kDst6{"proxy.dst.ipv6", "Destination Address", FieldType::IPv6};
constexpr FieldDef kSrcPort{"proxy.srcport", "Source Port", FieldType::UInt};
constexpr FieldDef kDstPort{"proxy.dstport", "Destination Port", FieldType::UInt};
constexpr FieldDef kUnixSrc{"proxy.v2.src.unix", "Source Address", FieldType::Bytes};
constexpr FieldDef kUnixDst{"proxy.v2.dst.unix", "Destination Address", FieldType::Bytes};
constexpr FieldDef kV2Unknown{"proxy.v2.unknown", "Unknown data", FieldType::Bytes};
constexpr FieldDef kTlv{"proxy.v2.tlv", "TLV", FieldType::None};
constexpr FieldDef kTlvType{"proxy.v2.tlv.type", "Type", FieldType::UInt, Base::Hex, kTlvTypes, 0, 8};
constexpr FieldDef kTlvLength{"proxy.v2.tlv.length", "Length", FieldType::UInt};
constexpr FieldDef kTlvValue{"proxy.v2.tlv.value", "Value", FieldType::Bytes};

bool starts_v2(Bytes b) { return b.size() >= 12 && std::memcmp(b.data(), kV2Signature, 12) == 0; }
bool starts_v1(Bytes b) {
    return b.size() >= kV1Magic.size() && std::memcmp(b.data(), kV1Magic.data(), kV1Magic.size()) == 0;
}

std::string_view text_of(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

class ProxyHeader final : public MessageApplication {
public:
    explicit ProxyHeader(int client) : MessageApplication(client) {}

    void on_stream_event(int side, const StreamEvent& e, PacketContext& ctx) override {
        if (!is_client(side)) return;  // the header is the client's (the balancer's) first bytes
        feed(side, e, ctx, shape, [&](const AssembledPdu& pdu) { on_header(pdu, ctx); });
    }

private:
    static PduShape shape(Bytes h) {
        if (h.size() < 12) return starts_v1(h) ? terminated_shape(h, "\r\n", kMaxV1Line) : PduShape::need(12);
        if (starts_v2(h)) {
            if (h.size() < 16) return PduShape::need(16);
            const std::size_t n = 16 + (std::size_t(h[14]) << 8 | h[15]);
            return PduShape::pdu(n, n);
        }
        return terminated_shape(h, "\r\n", kMaxV1Line);
    }

    void on_header(const AssembledPdu& pdu, PacketContext& ctx) {
        ByteReader r;
        NodeRef layer = layer_for(kProxy, pdu, r, ctx);
        HandOverNote note;
        std::string info;
        if (starts_v2(r.rest()))
            info = version2(r, layer, note, ctx);
        else
            info = version1(r, layer, note, ctx);
        show_info(ctx, "PROXY", info);
        hand_over_to_next_payload(std::move(note), used_through(pdu));
    }

    // "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n" (or "PROXY UNKNOWN ...").
    std::string version1(ByteReader& r, NodeRef layer, HandOverNote& note, PacketContext& ctx) {
        const std::size_t at = r.offset();
        const std::string_view line = text_of(r.take_rest().rest());
        layer.add(kV1Magic_, std::monostate{}, at, kV1Magic.size());
        if (line.size() < 2 || line.substr(line.size() - 2) != "\r\n") {
            layer.malformed("PROXY v1 line without its CRLF within 107 bytes", at, line.size());
            note = proxy_header_note("proxy-v1", {}, 0, {}, 0, ctx);
            return "PROXY v1 (malformed)";
        }
        std::string_view words[6];
        std::size_t offsets[6] = {};
        std::size_t n = 0;
        for (std::size_t i = 0; i < line.size() - 2 && n < 6;) {
            const std::size_t sp = line.find(' ', i);
            const std::size_t end = sp == std::string_view::npos || sp > line.size() - 2 ? line.size() - 2 : sp;
            offsets[n] = at + i;
            words[n++] = line.substr(i, end - i);
            i = end + 1;
        }
        if (n >= 2) layer.add(kV1Proto, std::string(words[1]), offsets[1], words[1].size());
        const bool v4 = words[1] == "TCP4", v6 = words[1] == "TCP6";
        if (!(v4 || v6) || n != 6) {
            if (n > 2) layer.add(kV1Unknown, std::string(line.substr(offsets[2] - at, line.size() - 2 - (offsets[2] - at))),
                                 offsets[2], line.size() - 2 - (offsets[2] - at));
            if (words[1] != "UNKNOWN") layer.malformed("a PROXY v1 line is PROXY TCP4|TCP6 src dst sport dport", at, line.size());
            note = proxy_header_note("proxy-v1", {}, 0, {}, 0, ctx);
            return "PROXY v1 " + std::string(words[1]);
        }
        const NetAddress src = address_literal(words[2]), dst = address_literal(words[3]);
        std::uint64_t sport = 0, dport = 0;
        const bool ports = parse_decimal(words[4], sport) && parse_decimal(words[5], dport) && sport <= 65535 &&
                           dport <= 65535;
        if (src.family != (v4 ? 4 : 6) || dst.family != (v4 ? 4 : 6) || !ports) {
            layer.malformed("addresses or ports that do not read as " + std::string(words[1]), at, line.size());
            note = proxy_header_note("proxy-v1", {}, 0, {}, 0, ctx);
            return "PROXY v1 (malformed)";
        }
        add_address(layer, v4 ? kSrc4 : kSrc6, src, offsets[2], words[2].size());
        add_address(layer, v4 ? kDst4 : kDst6, dst, offsets[3], words[3].size());
        layer.add(kSrcPort, sport, offsets[4], words[4].size());
        layer.add(kDstPort, dport, offsets[5], words[5].size());
        note = proxy_header_note("proxy-v1", src, static_cast<std::uint16_t>(sport), dst,
                                 static_cast<std::uint16_t>(dport), ctx);
        return "PROXY v1 " + note.origin + " \xe2\x86\x92 " + note.target;  // →
    }

    std::string version2(ByteReader& r, NodeRef layer, HandOverNote& note, PacketContext& ctx) {
        read_bytes(r, 12, layer, kV2Magic);
        const std::size_t vc_at = r.offset();
        auto vc = r.u8();
        const std::size_t fp_at = r.offset();
        auto fp = r.u8();
        auto length = read_u16(r, layer, kV2Length);
        if (!vc || !fp || !length) {
            layer.short_read(r, "PROXY v2 header");
            note = proxy_header_note("proxy-v2", {}, 0, {}, 0, ctx);
            return "PROXY v2 (truncated)";
        }
        layer.add(kVersion, std::uint64_t(*vc >> 4), vc_at, 1).set_hidden();
        layer.add(kV2Version, std::uint64_t(*vc >> 4), vc_at, 1);
        layer.add(kV2Command, std::uint64_t(*vc & 0x0f), vc_at, 1);
        NodeRef fam = layer.add(kV2FamilyProtocol, std::uint64_t(*fp), fp_at, 1);
        fam.add(kV2Family, std::uint64_t(*fp >> 4), fp_at, 1);
        fam.add(kV2Protocol, std::uint64_t(*fp & 0x0f), fp_at, 1);
        ByteReader body = r.take_rest();
        NetAddress src, dst;
        std::uint16_t sport = 0, dport = 0;
        const unsigned family = *fp >> 4;
        if (family == 1 || family == 2) {
            const std::size_t n = family == 1 ? 4 : 16;
            const std::size_t at = body.offset();
            auto s = body.bytes(n);
            auto d = s ? body.bytes(n) : std::nullopt;
            auto sp = d ? body.u16() : std::nullopt;
            auto dp = sp ? body.u16() : std::nullopt;
            if (!dp) {
                layer.short_read(body, "PROXY v2 addresses");
                note = proxy_header_note("proxy-v2", {}, 0, {}, 0, ctx);
                return "PROXY v2 (truncated)";
            }
            src.family = dst.family = family == 1 ? 4 : 6;
            std::memcpy(src.bytes.data(), s->data(), n);
            std::memcpy(dst.bytes.data(), d->data(), n);
            sport = *sp;
            dport = *dp;
            add_address(layer, family == 1 ? kSrc4 : kSrc6, src, at, n);
            add_address(layer, family == 1 ? kDst4 : kDst6, dst, at + n, n);
            layer.add(kSrcPort, std::uint64_t(sport), at + 2 * n, 2);
            layer.add(kDstPort, std::uint64_t(dport), at + 2 * n + 2, 2);
        } else if (family == 3) {
            read_bytes(body, 108, layer, kUnixSrc);
            read_bytes(body, 108, layer, kUnixDst);
        }
        tlvs(body, layer);
        note = proxy_header_note("proxy-v2", src, sport, dst, dport, ctx);
        if (!src.family) return std::string("PROXY v2 ") + ((*vc & 0x0f) == 0 ? "LOCAL" : "PROXY");
        return "PROXY v2 " + note.origin + " \xe2\x86\x92 " + note.target;  // →
    }

    static void tlvs(ByteReader& body, NodeRef layer) {
        while (!body.empty()) {
            const std::size_t at = body.offset();
            auto type = body.u8();
            auto value = type ? body.u16_prefixed() : std::nullopt;
            if (!value) {
                layer.short_read(body, "TLV");
                (void)body.take_rest();
                return;
            }
            const std::size_t n = value->reported_remaining();
            NodeRef tlv = layer.add(kTlv, std::monostate{}, at, 3 + n);
            tlv.add(kTlvType, std::uint64_t(*type), at, 1);
            tlv.add(kTlvLength, std::uint64_t(n), at + 1, 2);
            Bytes v = value->rest();
            tlv.add_bytes(kTlvValue, v, at + 3, n);
            std::string_view name = name_of(kTlvTypes, *type);
            if (tlv) tlv.set_text("TLV: ", name.empty() ? "Unknown" : name);
        }
    }

    static void add_address(NodeRef layer, const FieldDef& def, const NetAddress& a, std::size_t at, std::size_t n) {
        if (a.family == 4) {
            Ipv4Address v;
            std::memcpy(v.b.data(), a.bytes.data(), 4);
            layer.add(def, v, at, n);
        } else {
            Ipv6Address v;
            std::memcpy(v.b.data(), a.bytes.data(), 16);
            layer.add(def, v, at, n);
        }
    }

    // The note: the original destination is the target, the original client the origin.
    static HandOverNote proxy_header_note(std::string_view kind, const NetAddress& src, std::uint16_t sport,
                                          const NetAddress& dst, std::uint16_t dport, const PacketContext& ctx) {
        HandOverNote n;
        n.protocol = std::string(kind);
        n.proxy = true;
        n.frame = ctx.frame.number;
        if (dst.family) {
            n.target_address = dst;
            n.target_host = dst.to_string();
            n.target = dst.endpoint_text(dport);
            n.origin = src.endpoint_text(sport);
        }
        return n;
    }
};

}  // namespace

std::unique_ptr<TcpApplication> make_proxy_header(int client) { return std::make_unique<ProxyHeader>(client); }

bool looks_like_proxy_header(Bytes first) {
    if (starts_v2(first)) return first.size() >= 13 && (first[12] >> 4) == 2;
    if (!starts_v1(first)) return false;
    const std::string_view t = text_of(first.first(first.size() < kMaxV1Line ? first.size() : kMaxV1Line));
    return t.find("\r\n") != std::string_view::npos &&
           (t.rfind("PROXY TCP4 ", 0) == 0 || t.rfind("PROXY TCP6 ", 0) == 0 || t.rfind("PROXY UNKNOWN", 0) == 0);
}

}  // namespace tlsdissect
