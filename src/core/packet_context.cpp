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
        data.set_text("Data (" + std::to_string(len) + " bytes)");
        Bytes captured = payload.rest();
        data.add(kDataData, ByteString{{captured.begin(), captured.end()}}, payload.offset(), captured.size());
        data.add(kDataLen, std::uint64_t(len), 0, 0).set_generated();
        if (!payload.captured_all())
            data.truncated("only " + std::to_string(captured.size()) + " of " + std::to_string(len) +
                               " bytes captured",
                           payload.offset(), captured.size());
    }
    if (ctx.columns && ctx.columns->info.empty()) ctx.columns->protocol = "Data";
}

std::string NetAddress::endpoint_text(std::uint16_t port) const {
    return (family == 6 ? "[" + to_string() + "]" : to_string()) + ":" + std::to_string(port);
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
