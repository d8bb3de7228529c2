// Teredo (RFC 4380) on UDP port 3544: IPv6 packets in UDP across IPv4 NATs, each
// optionally preceded by an authentication indication (section 5.1.1) and an origin
// indication (section 5.1.1: the client's mapped address and port, obfuscated).
#include <string>

#include "core/packet_context.hpp"
#include "tlsdissect/text.hpp"
#include "tunnel/tunnel_common.hpp"
#include "tunnel/tunnels.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kTeredoPort = 3544;
constexpr std::uint16_t kAuthIndicator = 0x0001;
constexpr std::uint16_t kOriginIndicator = 0x0000;

constexpr FieldDef kTeredo{"teredo", "Teredo IPv6 over UDP tunneling", FieldType::Protocol};
constexpr FieldDef kAuth{"teredo.auth", "Teredo Authentication header", FieldType::None};
constexpr FieldDef kAuthIdLen{"teredo.auth.idlen", "Client identifier length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kAuthAuLen{"teredo.auth.aulen", "Authentication value length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kAuthId{"teredo.auth.id", "Client identifier", FieldType::Bytes};
constexpr FieldDef kAuthValue{"teredo.auth.value", "Authentication value", FieldType::Bytes};
constexpr FieldDef kAuthNonce{"teredo.auth.nonce", "Nonce value", FieldType::Bytes};
constexpr FieldDef kAuthConf{"teredo.auth.conf", "Confirmation byte", FieldType::Bytes};
constexpr FieldDef kOrigin{"teredo.orig", "Teredo Origin Indication header", FieldType::None};
constexpr FieldDef kOriginPort{"teredo.orig.port", "Origin UDP port", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kOriginAddr{"teredo.orig.addr", "Origin IPv4 address", FieldType::IPv4};

// Authentication: indicator 0x0001 | ID-len (8) | AU-len (8) | client id | authentication
//                 value | nonce (64) | confirmation (8)
// Origin:         indicator 0x0000 | port (16, xor 0xffff) | IPv4 address (32, xor all ones)
// then the IPv6 packet.
std::size_t dissect_teredo(ByteReader r, PacketContext& ctx) {
    const std::size_t length = r.reported_remaining();
    ctx.add_protocol("teredo");
    const std::size_t start = r.offset();
    NodeRef teredo = ctx.add_layer(kTeredo, start, 0);
    auto indicator = r.peek_u16();
    if (indicator && *indicator == kAuthIndicator) {
        const std::size_t at = r.offset();
        r.skip(2);
        auto id_len = r.u8();
        auto au_len = r.u8();
        auto id = id_len ? r.bytes(*id_len) : std::nullopt;
        auto value = id && au_len ? r.bytes(*au_len) : std::nullopt;
        auto nonce = value ? r.bytes(8) : std::nullopt;
        auto conf = nonce ? r.bytes(1) : std::nullopt;
        if (!conf) {
            teredo.short_read(r, "Teredo authentication indication");
            return length;
        }
        if (teredo) {
            NodeRef auth = teredo.add_text(kAuth, "Teredo Authentication header", at, r.offset() - at);
            auth.add(kAuthIdLen, std::uint64_t(*id_len), at + 2, 1);
            auth.add(kAuthAuLen, std::uint64_t(*au_len), at + 3, 1);
            if (*id_len) auth.add_bytes(kAuthId, *id, at + 4, *id_len);
            if (*au_len) auth.add_bytes(kAuthValue, *value, at + 4 + *id_len, *au_len);
            auth.add_bytes(kAuthNonce, *nonce, at + 4 + *id_len + *au_len, 8);
            auth.add_bytes(kAuthConf, *conf, at + 12 + *id_len + *au_len, 1);
        }
        indicator = r.peek_u16();
    }
    if (indicator && *indicator == kOriginIndicator) {
        const std::size_t at = r.offset();
        r.skip(2);
        auto port = r.u16();
        auto addr = r.bytes(4);
        if (!port || !addr) {
            teredo.short_read(r, "Teredo origin indication");
            return length;
        }
        if (teredo) {
            Ipv4Address a;
            for (std::size_t i = 0; i < 4; ++i) a.b[i] = static_cast<std::uint8_t>(~(*addr)[i]);
            const std::uint16_t origin_port = static_cast<std::uint16_t>(~*port);
            NodeRef origin = teredo.add_text(kOrigin, concat("Teredo Origin Indication header, ", to_string(a), ":",
                                                             origin_port), at, 8);
            origin.add(kOriginPort, std::uint64_t(origin_port), at + 2, 2);
            origin.add(kOriginAddr, a, at + 4, 4);
        }
    }
    teredo.set_length(r.offset() - start);
    ByteReader inner = r.take_rest();
    if (inner.reported_remaining() == 0) return length;
    auto first = inner.peek_u8();
    if (!first || (*first >> 4) != 6) {
        teredo.malformed("Teredo payload is not IPv6", inner.offset(), inner.remaining() ? 1 : 0);
        dissect_data(inner, ctx);
        return length;
    }
    if (!enter_tunnel(teredo, {"teredo", {}, {}, 0, false}, inner, ctx)) return length;
    dissect_inner_ethertype(kEtherTypeIpv6, inner, ctx);
    return length;
}

}  // namespace

void register_teredo(DissectorTables& tables) { tables.udp_port.add(kTeredoPort, {"teredo", dissect_teredo}); }

}  // namespace tlsdissect
