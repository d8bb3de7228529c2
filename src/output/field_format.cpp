#include "output/field_format.hpp"

#include <bit>

#include "tlsdissect/oui.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

// Longest byte string shown in full in the tree; longer ones end with an ellipsis.
constexpr std::size_t kMaxBytesShown = 48;

unsigned hex_width(const FieldDef& def) { return def.bits ? (def.bits + 3u) / 4u : 0u; }

std::string number_text(const FieldDef& def, std::uint64_t v) {
    const unsigned w = hex_width(def);
    switch (def.base) {
        case Base::Hex: return "0x" + hex_digits(v, w);
        case Base::HexDec: return "0x" + hex_digits(v, w) + " (" + std::to_string(v) + ")";
        case Base::DecHex: return std::to_string(v) + " (0x" + hex_digits(v, w) + ")";
        default: return std::to_string(v);
    }
}

std::string bytes_text(const ByteString& b, std::size_t limit) {
    if (b.data.size() <= limit) return hex_string(b.data);
    return hex_string(Bytes(b.data).first(limit)) + "\xe2\x80\xa6";
}

std::string value_text(const Node& n) {
    const FieldDef& def = *n.def;
    return std::visit(
        [&](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::uint64_t>) {
                if (!def.names.empty()) {
                    std::string_view name = name_of(def.names, v);
                    if (def.base == Base::None) return name.empty() ? std::to_string(v) : std::string(name);
                    const std::string num = def.base == Base::Hex || def.base == Base::HexDec
                                                ? "0x" + hex_digits(v, hex_width(def))
                                                : std::to_string(v);
                    return (name.empty() ? std::string("Unknown") : std::string(name)) + " (" + num + ")";
                }
                return number_text(def, v);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (def.type == FieldType::AbsTime) return utc_time_ns(v);
                if (def.type == FieldType::RelTime) return seconds_ns(v);
                return std::to_string(v);
            } else if constexpr (std::is_same_v<T, bool>) {
                if (def.mask) return v ? "Set" : "Not set";
                return v ? "True" : "False";
            } else if constexpr (std::is_same_v<T, double>) {
                return std::to_string(v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return v;
            } else if constexpr (std::is_same_v<T, ByteString>) {
                return bytes_text(v, kMaxBytesShown);
            } else if constexpr (std::is_same_v<T, Ipv4Address> || std::is_same_v<T, Ipv6Address>) {
                return to_string(v);
            } else if constexpr (std::is_same_v<T, MacAddress>) {
                return ether_display_name(v) + " (" + to_string(v) + ")";
            } else {
                return {};
            }
        },
        n.value);
}

std::string bit_prefix(const Node& n) {
    const FieldDef& def = *n.def;
    if (!def.mask || !def.bits) return {};
    std::uint64_t raw = 0;
    if (const auto* u = std::get_if<std::uint64_t>(&n.value))
        raw = *u << std::countr_zero(def.mask);
    else if (const auto* b = std::get_if<bool>(&n.value))
        raw = *b ? def.mask : 0;
    else
        return {};
    return bit_pattern(raw, def.mask, def.bits) + " = ";
}

}  // namespace

std::string display_line(const Node& n) {
    if (!n.def) return {};
    std::string line;
    if (!n.text.empty()) {
        line = n.text;
    } else if (n.def->type == FieldType::Protocol || n.def->type == FieldType::None ||
               n.def->type == FieldType::Expert) {
        line = std::string(n.def->label);
    } else {
        line = bit_prefix(n) + std::string(n.def->label) + ": " + value_text(n) + std::string(n.def->unit);
    }
    if (n.generated || n.def->type == FieldType::Expert) return "[" + line + "]";
    return line;
}

std::string field_value(const Node& n) {
    if (!n.def) return {};
    const FieldDef& def = *n.def;
    return std::visit(
        [&](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::uint64_t>) {
                if (def.base == Base::Hex || def.base == Base::HexDec)
                    return "0x" + hex_digits(v, hex_width(def));
                return std::to_string(v);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (def.type == FieldType::AbsTime) return utc_time_ns(v);
                if (def.type == FieldType::RelTime) return seconds_ns(v);
                return std::to_string(v);
            } else if constexpr (std::is_same_v<T, bool>) {
                return v ? "1" : "0";
            } else if constexpr (std::is_same_v<T, double>) {
                return std::to_string(v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return v;
            } else if constexpr (std::is_same_v<T, ByteString>) {
                return hex_string(v.data);
            } else if constexpr (std::is_same_v<T, Ipv4Address> || std::is_same_v<T, Ipv6Address> ||
                                 std::is_same_v<T, MacAddress>) {
                return to_string(v);
            } else {
                // Value-less fields (a present flag, a heading, an expert note): tshark prints 1.
                return def.type == FieldType::Protocol ? n.text : "1";
            }
        },
        n.value);
}

}  // namespace tlsdissect
