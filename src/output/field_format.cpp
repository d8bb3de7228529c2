#include "output/field_format.hpp"

#include <bit>
#include <cstring>

#include "tlsdissect/oui.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

// Longest byte string shown in full in the tree; longer ones end with an ellipsis.
constexpr std::size_t kMaxBytesShown = 48;

unsigned hex_width(const FieldDef& def) { return def.bits ? (def.bits + 3u) / 4u : 0u; }

void append_number(std::string& out, const FieldDef& def, std::uint64_t v) {
    const unsigned w = hex_width(def);
    switch (def.base) {
        case Base::Hex:
            out += "0x";
            append_hex_digits(out, v, w);
            return;
        case Base::HexDec:
            out += "0x";
            append_hex_digits(out, v, w);
            out += " (";
            append_decimal(out, v);
            out.push_back(')');
            return;
        case Base::DecHex:
            append_decimal(out, v);
            out += " (0x";
            append_hex_digits(out, v, w);
            out.push_back(')');
            return;
        default: append_decimal(out, v);
    }
}

void append_hex_bytes(std::string& out, Bytes bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    const std::size_t at = out.size();
    out.resize(at + bytes.size() * 2);
    char* p = out.data() + at;
    for (auto b : bytes) {
        *p++ = kHex[b >> 4];
        *p++ = kHex[b & 15];
    }
}

void append_value_text(std::string& out, const Node& n) {
    const FieldDef& def = *n.def;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::uint64_t>) {
                if (!def.names.empty()) {
                    std::string_view name = name_of(def.names, v);
                    if (def.base == Base::None) {
                        if (name.empty())
                            append_decimal(out, v);
                        else
                            out += name;
                        return;
                    }
                    out += name.empty() ? std::string_view("Unknown") : name;
                    out += " (";
                    if (def.base == Base::Hex || def.base == Base::HexDec) {
                        out += "0x";
                        append_hex_digits(out, v, hex_width(def));
                    } else {
                        append_decimal(out, v);
                    }
                    out.push_back(')');
                    return;
                }
                append_number(out, def, v);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (def.type == FieldType::AbsTime)
                    append_utc_time_ns(out, v);
                else if (def.type == FieldType::RelTime)
                    append_seconds_ns(out, v);
                else
                    append_decimal(out, v);
            } else if constexpr (std::is_same_v<T, bool>) {
                if (std::string_view name = name_of(def.names, v ? 1 : 0); !name.empty())
                    out += name;  // the field's own words ("Defined", "Not defined")
                else if (def.mask)
                    out += v ? "Set" : "Not set";
                else
                    out += v ? "True" : "False";
            } else if constexpr (std::is_same_v<T, double>) {
                out += std::to_string(v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                out += v;
            } else if constexpr (std::is_same_v<T, ByteString>) {
                if (v.data.size() <= kMaxBytesShown) {
                    append_hex_bytes(out, v.data);
                } else {
                    append_hex_bytes(out, Bytes(v.data).first(kMaxBytesShown));
                    out += "\xe2\x80\xa6";
                }
            } else if constexpr (std::is_same_v<T, Ipv4Address>) {
                append_address(out, v);
            } else if constexpr (std::is_same_v<T, Ipv6Address>) {
                out += to_string(v);
            } else if constexpr (std::is_same_v<T, MacAddress>) {
                append_ether_display_name(out, v);
                out += " (";
                append_address(out, v);
                out.push_back(')');
            }
        },
        n.value);
}

void append_bit_prefix(std::string& out, const Node& n) {
    const FieldDef& def = *n.def;
    if (!def.mask || !def.bits) return;
    std::uint64_t raw = 0;
    if (const auto* u = std::get_if<std::uint64_t>(&n.value))
        raw = *u << std::countr_zero(def.mask);
    else if (const auto* b = std::get_if<bool>(&n.value))
        raw = *b ? def.mask : 0;
    else
        return;
    append_bit_pattern(out, raw, def.mask, def.bits);
    out += " = ";
}

}  // namespace

void append_terminal_text(std::string& out, std::string_view text) {
    if (printable_ascii(text)) {  // the common case, sixteen bytes at a time
        out.append(text);
        return;
    }
    static constexpr char kLetters[] = "abtnvfr";  // 0x07..0x0d
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        // Printable ASCII is the common case: copy a run of it at once.
        std::size_t j = i;
        while (j < n && p[j] >= 0x20 && p[j] < 0x7f) ++j;
        out.append(text.data() + i, j - i);
        if (j == n) break;
        i = j;
        const unsigned char c = p[i];
        if (c < 0x20 || c == 0x7f) {
            out.push_back('\\');
            if (c >= 0x07 && c <= 0x0d) {
                out.push_back(kLetters[c - 0x07]);
            } else {
                out.push_back(static_cast<char>('0' + (c >> 6)));
                out.push_back(static_cast<char>('0' + ((c >> 3) & 7)));
                out.push_back(static_cast<char>('0' + (c & 7)));
            }
            ++i;
            continue;
        }
        // A UTF-8 sequence (RFC 3629): its length from the lead byte, continuation bytes
        // 10xxxxxx, no overlong forms, no surrogates, nothing past U+10FFFF.
        std::size_t len = 0;
        std::uint32_t cp = 0, min = 0;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2, cp = c & 0x1fu, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3, cp = c & 0x0fu, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4, cp = c & 0x07u, min = 0x10000;
        }
        bool ok = len != 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            if ((p[i + k] & 0xc0) != 0x80)
                ok = false;
            else
                cp = cp << 6 | (p[i + k] & 0x3fu);
        }
        ok = ok && cp >= min && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
        if (!ok) {
            out += "\xef\xbf\xbd";  // U+FFFD for the one bad byte; resynchronise after it
            ++i;
            continue;
        }
        if (cp >= 0x80 && cp <= 0x9f) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\u00";
            out.push_back(kHex[cp >> 4]);
            out.push_back(kHex[cp & 15]);
        } else {
            out.append(text.data() + i, len);
        }
        i += len;
    }
}

bool printable_ascii(std::string_view text) {
    // Sixteen bytes at a time with the compiler's generic vectors (SSE2 on x86-64, plain
    // code elsewhere). A text shorter than sixteen bytes is padded with spaces; a longer
    // one ends with a block that overlaps the one before it, so that no byte is looked
    // at alone.
    using Block = unsigned char __attribute__((vector_size(16)));
    const auto outside = [](const Block& b) { return (b < 0x20) | (b > 0x7e); };
    const char* p = text.data();
    const std::size_t n = text.size();
    Block b;
    decltype(outside(b)) bad{};
    if (n < sizeof b) {
        std::memset(&b, ' ', sizeof b);
        if (n) std::memcpy(&b, p, n);
        bad = outside(b);
    } else {
        for (std::size_t i = 0; i + sizeof b <= n; i += sizeof b) {
            std::memcpy(&b, p + i, sizeof b);
            bad |= outside(b);
        }
        std::memcpy(&b, p + n - sizeof b, sizeof b);
        bad |= outside(b);
    }
    std::uint64_t halves[2];
    std::memcpy(halves, &bad, sizeof halves);
    return (halves[0] | halves[1]) == 0;
}

void escape_terminal_text(std::string& out, std::size_t from) {
    if (printable_ascii(std::string_view(out).substr(from))) return;
    // A buffer kept between lines (a line with a middle dot or a name in UTF-8 is common).
    static thread_local std::string raw;
    raw.assign(out, from);
    out.resize(from);
    append_terminal_text(out, raw);
}

void append_display_line(std::string& out, const Node& n) {
    if (!n.def) return;
    const bool bracketed = n.generated || n.def->type == FieldType::Expert;
    if (bracketed) out.push_back('[');
    if (!n.text.empty()) {
        out += n.text;
    } else if (n.def->type == FieldType::Protocol || n.def->type == FieldType::None ||
               n.def->type == FieldType::Expert) {
        out += n.def->label;
    } else {
        append_bit_prefix(out, n);
        out += n.def->label;
        out += ": ";
        append_value_text(out, n);
        out += n.def->unit;
    }
    if (bracketed) out.push_back(']');
}

std::string display_line(const Node& n) {
    std::string line;
    append_display_line(line, n);
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
