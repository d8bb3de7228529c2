#include "net/ip_common.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

std::string dscp_short(unsigned dscp) {
    if (dscp == 46) return "EF PHB";
    if (dscp == 1) return "LE";
    if (dscp == 44) return "VOICE-ADMIT";
    if (dscp % 8 == 0) return "CS" + std::to_string(dscp / 8);
    if ((dscp & 1) == 0 && dscp / 8 >= 1 && dscp / 8 <= 4 && (dscp % 8) / 2 >= 1)
        return "AF" + std::to_string(dscp / 8) + std::to_string((dscp % 8) / 2);
    return std::to_string(dscp);
}

constexpr const char* kEcnShort[] = {"Not-ECT", "ECT(1)", "ECT(0)", "CE"};


}  // namespace

void add_dsfield(NodeRef parent, const FieldDef& field, const FieldDef& dscp, const FieldDef& ecn,
                 std::uint8_t value, std::size_t offset, std::string_view label) {
    if (!parent) return;
    NodeRef ds = parent.add(field, std::uint64_t(value), offset, 1);
    ds.set_text(label, ": 0x", Hex(value, 2), " (DSCP: ", dscp_short(value >> 2u), ", ECN: ",
                       kEcnShort[value & 3u], ")");
    ds.add(dscp, std::uint64_t(value >> 2u), offset, 1);
    ds.add(ecn, std::uint64_t(value & 3u), offset, 1);
}

std::string_view ip_protocol_name(std::uint8_t protocol) {
    return name_of(kIpProtocolNames, protocol);
}

void present_fragment_column(PacketContext& ctx, std::uint8_t protocol, std::uint32_t offset,
                             std::uint32_t id, std::string_view ip_name) {
    if (!ctx.columns) return;
    ctx.columns->protocol.assign(ip_name);
    std::string name(ip_protocol_name(protocol));
    ctx.columns->info = "Fragmented IP protocol (proto=" + (name.empty() ? "Unknown" : name) + " " +
                        std::to_string(protocol) + ", off=" + std::to_string(offset) + ", ID=" +
                        hex_digits(id, 4) + ")";
}

void present_reassembled(PacketContext& ctx, NodeRef ip, std::uint8_t protocol, FragmentResult& result,
                         const FieldDef& list, const FieldDef& fragment, const FieldDef& count,
                         const FieldDef& length, std::string_view ip_name) {
    const std::size_t total = result.datagram.size();
    std::uint16_t source = ctx.source;
    if (ctx.root) {
        source = ctx.root.tree()->add_source("Reassembled " + std::string(ip_name) + " (" +
                                                 std::to_string(total) + " bytes)",
                                             result.datagram);
        std::string summary = std::to_string(result.pieces.size()) + " " + std::string(ip_name) +
                              " Fragments (" + std::to_string(total) + " bytes): ";
        for (std::size_t i = 0; i < result.pieces.size(); ++i) {
            if (i) summary += ", ";
            summary += "#" + std::to_string(result.pieces[i].frame) + "(" +
                       std::to_string(result.pieces[i].length) + ")";
        }
        NodeRef l = ip.add_text(list, summary, 0, total, source);
        l.set_generated();
        for (const auto& p : result.pieces) {
            l.add(fragment, std::uint64_t(p.frame), p.offset, p.length)
                .set_text("Frame: ", p.frame, ", payload: ", p.offset, "-", p.offset + p.length - 1, " (", p.length, " bytes)")
                .set_generated();
        }
        l.add(count, std::uint64_t(result.pieces.size()), 0, 0).set_generated();
        l.add(length, std::uint64_t(total), 0, total).set_generated();
    }
    // The tree may be off; a private copy keeps the bytes alive for the payload.
    const std::vector<std::uint8_t>& bytes =
        ctx.root ? ctx.root.tree()->extra_sources[source - 1].bytes : result.datagram;
    const std::uint16_t saved = ctx.source;
    ctx.source = source;
    dissect_ip_payload(protocol, ByteReader(Bytes(bytes)), ctx);
    ctx.source = saved;
}

void dissect_ip_payload(std::uint8_t protocol, ByteReader payload, PacketContext& ctx) {
    if (dispatch_uint(ctx.tables->ip_protocol, protocol, payload, ctx)) return;
    if (ctx.columns) {
        std::string name(ip_protocol_name(protocol));
        ctx.columns->protocol = name.empty() ? "IP" : name;
        ctx.columns->info = name.empty() ? "IP protocol " + std::to_string(protocol) : name;
    }
    dissect_data(payload, ctx);
}

namespace {

// IP in IP (RFC 2003, protocol 4) and IPv6 in IP (RFC 2473 and RFC 4213, protocol 41),
// in either outer version. The inner header pushes its own hop onto the path; a packet
// nested deeper than the path holds is shown as data.
template <std::size_t (*Inner)(ByteReader, PacketContext&)>
std::size_t dissect_ip_in_ip(ByteReader r, PacketContext& ctx) {
    if (ctx.nesting_exhausted()) {
        ctx.root.malformed("more than " + std::to_string(kMaxPathHops) + " nested IP headers and tunnels", r.offset(),
                           r.remaining());
        dissect_data(r, ctx);
        return r.reported_remaining();
    }
    return Inner(r, ctx);
}

}  // namespace

void register_ip(DissectorTables& tables) {
    constexpr std::uint16_t kEtherTypeIpv4 = 0x0800, kEtherTypeIpv6 = 0x86dd;
    constexpr std::uint8_t kIpProtocolIpip = 4, kIpProtocolIpv6 = 41;
    tables.ethertype.add(kEtherTypeIpv4, {"ip", dissect_ipv4});
    tables.ethertype.add(kEtherTypeIpv6, {"ipv6", dissect_ipv6});
    tables.ip_protocol.add(kIpProtocolIpip, {"ip", dissect_ip_in_ip<dissect_ipv4>});
    tables.ip_protocol.add(kIpProtocolIpv6, {"ipv6", dissect_ip_in_ip<dissect_ipv6>});
}

}  // namespace tlsdissect
