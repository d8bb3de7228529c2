// The "Data" layer (bytes no dissector claims) and lookups in the dissector tables.
#include "core/packet_context.hpp"

#include <algorithm>
#include <string>

#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kData{"data", "Data", FieldType::Protocol};
constexpr FieldDef kDataData{"data.data", "Data", FieldType::Bytes};
constexpr FieldDef kDataLen{"data.len", "Length", FieldType::UInt};

}  // namespace

std::string NetAddress::to_string() const {
    if (family == 4) {
        Ipv4Address a;
        std::copy(bytes.begin(), bytes.begin() + 4, a.b.begin());
        return tlsdissect::to_string(a);
    }
    if (family == 6) {
        Ipv6Address a;
        a.b = bytes;
        return tlsdissect::to_string(a);
    }
    return {};
}

void dissect_data(ByteReader payload, PacketContext& ctx) {
    const std::size_t len = payload.reported_remaining();
    if (len == 0) return;
    ctx.add_protocol("data");
    NodeRef data = ctx.add_layer(kData, payload.offset(), len);
    if (data) {
        data.set_text("Data (", len, " bytes)");
        Bytes captured = payload.rest();
        data.add_bytes(kDataData, captured, payload.offset(), captured.size());
        data.add(kDataLen, std::uint64_t(len), 0, 0).set_generated();
        if (!payload.captured_all())
            data.truncated("only " + std::to_string(captured.size()) + " of " + std::to_string(len) +
                               " bytes captured",
                           payload.offset(), captured.size());
    }
    if (ctx.columns && ctx.columns->info.empty()) ctx.columns->protocol = "Data";
}

std::uint64_t LayerPath::outer_key() const {
    if (size <= 1) return 0;
    // FNV-1a over the hops, then one mixing step: a collision would merge two
    // conversations, at 64 bits not a practical concern.
    std::uint64_t h = 0xcbf29ce484222325ull;
    auto add = [&h](std::uint8_t b) {
        h ^= b;
        h *= 0x100000001b3ull;
    };
    auto add_address = [&add](const NetAddress& a) {
        add(a.family);
        for (auto b : a.bytes) add(b);
    };
    for (std::size_t i = 0; i + 1 < size; ++i) {
        const PathHop& hop = hops[i];
        for (char c : hop.protocol) add(static_cast<std::uint8_t>(c));
        add(0);
        if (hop.src.family) {
            // Both directions of a tunnel cross the same pair of endpoints.
            const bool ordered = hop.src <= hop.dst;
            add_address(ordered ? hop.src : hop.dst);
            add_address(ordered ? hop.dst : hop.src);
        }
        if (hop.id_is_network)
            for (int shift = 24; shift >= 0; shift -= 8) add(static_cast<std::uint8_t>(hop.id >> shift));
    }
    h ^= h >> 31;
    return h ? h : 1;
}

std::string NetAddress::endpoint_text(std::uint16_t port) const {
    return (family == 6 ? "[" + to_string() + "]" : to_string()) + ":" + std::to_string(port);
}

std::string connection_uid(std::string_view transport, const NetAddress& client, std::uint16_t client_port,
                           const NetAddress& server, std::uint16_t server_port, std::int64_t first_ts_ns) {
    return stable_uid('C', concat(transport, ' ', client.endpoint_text(client_port), ' ',
                                  server.endpoint_text(server_port), ' ', first_ts_ns));
}

std::optional<std::size_t> dispatch_uint(const UintDissectorTable<PayloadDissector>& table, std::uint32_t key,
                                         ByteReader payload, PacketContext& ctx) {
    const PayloadDissector* d = table.find(key);
    if (!d) return std::nullopt;
    return d->dissect(payload, ctx);
}

std::size_t dispatch_uint_or_data(const UintDissectorTable<PayloadDissector>& table, std::uint32_t key,
                                  ByteReader payload, PacketContext& ctx) {
    if (auto used = dispatch_uint(table, key, payload, ctx)) return *used;
    dissect_data(payload, ctx);
    return payload.reported_remaining();
}

}  // namespace tlsdissect
