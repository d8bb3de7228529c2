#include "output/field_format.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "output/text_writer.hpp"
#include "tlsdissect/oui.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

// Longest byte string shown in full in the tree; longer ones end with an ellipsis.
constexpr std::size_t kMaxBytesShown = 48;

unsigned hex_width(const FieldDef& def) { return def.bits ? (def.bits + 3u) / 4u : 0u; }

// A std::string as a line's sink, with TextWriter's calls (the tree writes into a
// TextWriter; the other printers build one line as a string).
struct StringSink {
    std::string& out;
    void put(std::string_view s) { out += s; }
    void put(char c) { out.push_back(c); }
    template <std::size_t Max, typename Write>
    void write(Write&& write) {
        char text[Max];
        out.append(text, static_cast<std::size_t>(write(text) - text));
    }
};

template <typename Out>
void put_decimal(Out& out, std::uint64_t v) {
    out.template write<kMaxDecimal>([v](char* p) { return write_decimal(p, v); });
}

template <typename Out>
void put_hex(Out& out, std::uint64_t v, unsigned digits) {
    out.template write<kMaxHexDigits + 2>([v, digits](char* p) {
        p[0] = '0';
        p[1] = 'x';
        return write_hex_digits(p + 2, v, digits);
    });
}

template <typename Out>
void put_number(Out& out, const FieldDef& def, std::uint64_t v) {
    const unsigned w = hex_width(def);
    switch (def.base) {
        case Base::Hex: put_hex(out, v, w); return;
        case Base::HexDec:
            put_hex(out, v, w);
            out.put(" (");
            put_decimal(out, v);
            out.put(')');
            return;
        case Base::DecHex:
            put_decimal(out, v);
            out.put(" (");
            put_hex(out, v, w);
            out.put(')');
            return;
        default: put_decimal(out, v);
    }
}

template <typename Out>
void put_hex_bytes(Out& out, Bytes bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    // kMaxBytesShown bytes at a time.
    for (std::size_t at = 0; at < bytes.size(); at += kMaxBytesShown) {
        const Bytes part = bytes.subspan(at, std::min(kMaxBytesShown, bytes.size() - at));
        out.template write<2 * kMaxBytesShown>([part](char* p) {
            for (auto b : part) {
                *p++ = kHex[b >> 4];
                *p++ = kHex[b & 15];
            }
            return p;
        });
    }
}

template <typename Out>
void put_value_text(Out& out, const Node& n) {
    const FieldDef& def = *n.def;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::uint64_t>) {
                if (!def.names.empty()) {
                    std::string_view name = name_of(def.names, v);
                    if (def.base == Base::None) {
                        if (name.empty())
                            put_decimal(out, v);
                        else
                            out.put(name);
                        return;
                    }
                    out.put(name.empty() ? std::string_view("Unknown") : name);
                    out.put(" (");
                    if (def.base == Base::Hex || def.base == Base::HexDec)
                        put_hex(out, v, hex_width(def));
                    else
                        put_decimal(out, v);
                    out.put(')');
                    return;
                }
                put_number(out, def, v);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (def.type == FieldType::AbsTime)
                    out.template write<kMaxUtcTime>([v](char* p) { return write_utc_time_ns(p, v); });
                else if (def.type == FieldType::RelTime)
                    out.template write<kMaxSecondsNs>([v](char* p) { return write_seconds_ns(p, v); });
                else
                    out.template write<kMaxDecimal>([v](char* p) { return write_decimal(p, v); });
            } else if constexpr (std::is_same_v<T, bool>) {
                if (std::string_view name = name_of(def.names, v ? 1 : 0); !name.empty())
                    out.put(name);  // the field's own words ("Defined", "Not defined")
                else if (def.mask)
                    out.put(v ? std::string_view("Set") : std::string_view("Not set"));
                else
                    out.put(v ? std::string_view("True") : std::string_view("False"));
            } else if constexpr (std::is_same_v<T, double>) {
                out.put(std::to_string(v));
            } else if constexpr (std::is_same_v<T, std::string>) {
                out.put(v);
            } else if constexpr (std::is_same_v<T, ByteString>) {
                if (v.data.size() <= kMaxBytesShown) {
                    put_hex_bytes(out, v.data);
                } else {
                    put_hex_bytes(out, Bytes(v.data).first(kMaxBytesShown));
                    out.put("\xe2\x80\xa6");
                }
            } else if constexpr (std::is_same_v<T, Ipv4Address>) {
                out.template write<kMaxIpv4Text>([&v](char* p) { return write_address(p, v); });
            } else if constexpr (std::is_same_v<T, Ipv6Address>) {
                out.put(to_string(v));
            } else if constexpr (std::is_same_v<T, MacAddress>) {
                thread_local std::string text;
                text.clear();
                append_ether_display_name(text, v);
                text += " (";
                append_address(text, v);
                text.push_back(')');
                out.put(text);
            }
        },
        n.value);
}

template <typename Out>
void put_bit_prefix(Out& out, const Node& n) {
    const FieldDef& def = *n.def;
    if (!def.mask || !def.bits) return;
    std::uint64_t raw = 0;
    if (const auto* u = std::get_if<std::uint64_t>(&n.value))
        raw = *u << std::countr_zero(def.mask);
    else if (const auto* b = std::get_if<bool>(&n.value))
        raw = *b ? def.mask : 0;
    else
        return;
    const unsigned bits = def.bits;
    const std::uint64_t mask = def.mask;
    out.template write<kMaxBitPattern + 3>([=](char* p) {
        p = write_bit_pattern(p, raw, mask, bits);
        std::memcpy(p, " = ", 3);
        return p + 3;
    });
}

template <typename Out>
void put_display_line(Out& out, const Node& n) {
    if (!n.def) return;
    const bool bracketed = n.generated || n.def->type == FieldType::Expert;
    if (bracketed) out.put('[');
    if (!n.text.empty()) {
        out.put(n.text);
    } else if (n.def->type == FieldType::Protocol || n.def->type == FieldType::None ||
               n.def->type == FieldType::Expert) {
        out.put(n.def->label);
    } else {
        put_bit_prefix(out, n);
        out.put(n.def->label);
        out.put(": ");
        put_value_text(out, n);
        out.put(n.def->unit);
    }
    if (bracketed) out.put(']');
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
        // A UTF-8 sequence (RFC 3629), or U+FFFD for the one bad byte (resynchronising
        // after it).
        const std::size_t len = utf8_sequence_length(p + i, n - i);
        if (len == 0) {
            out += "\xef\xbf\xbd";
            ++i;
            continue;
        }
        // C1 controls (U+0080..U+009F) are the two bytes c2 80..c2 9f.
        const std::uint32_t cp = len == 2 ? (c & 0x1fu) << 6 | (p[i + 1] & 0x3fu) : 0x800;
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
    const char* p = text.data();
    const std::size_t n = text.size();
    if (n >= 16) {
        // Sixteen bytes at a time with the compiler's generic vectors (SSE2 on x86-64,
        // plain code elsewhere), the last block overlapping the one before it.
        using Block = unsigned char __attribute__((vector_size(16)));
        const auto outside = [](const Block& b) { return (b < 0x20) | (b > 0x7e); };
        Block b;
        decltype(outside(b)) bad{};
        for (std::size_t i = 0; i + sizeof b <= n; i += sizeof b) {
            std::memcpy(&b, p + i, sizeof b);
            bad |= outside(b);
        }
        std::memcpy(&b, p + n - sizeof b, sizeof b);
        bad |= outside(b);
        std::uint64_t halves[2];
        std::memcpy(halves, &bad, sizeof halves);
        return (halves[0] | halves[1]) == 0;
    }
    // Shorter texts in one 64-bit word (two overlapping ones from eight bytes on). A
    // lane's top bit ends up set when its byte is below 0x20 ((w - 0x20 in each lane) &
    // ~w) or 0x7f and above ((w + 1 in each lane) | w); borrows and carries cross lanes
    // only out of a lane that is bad itself.
    constexpr std::uint64_t kOnes = 0x0101010101010101ull;
    constexpr std::uint64_t kTops = 0x8080808080808080ull;
    const auto bad = [](std::uint64_t w) { return (((w - 0x20 * kOnes) & ~w) | (w + kOnes) | w) & kTops; };
    if (n >= 8) {
        std::uint64_t first, last;
        std::memcpy(&first, p, 8);
        std::memcpy(&last, p + n - 8, 8);
        return bad(first) == 0 && bad(last) == 0;
    }
    std::uint64_t w = 0x20 * kOnes;  // spaces where there are no bytes
    if (n >= 4) {
        std::uint32_t first, last;
        std::memcpy(&first, p, 4);
        std::memcpy(&last, p + n - 4, 4);
        w = first | std::uint64_t{last} << 32;
    } else {
        for (std::size_t i = 0; i < n; ++i) w = w << 8 | static_cast<unsigned char>(p[i]);
    }
    return bad(w) == 0;
}

void append_display_line(std::string& out, const Node& n) {
    StringSink sink{out};
    put_display_line(sink, n);
}

void append_display_line(TextWriter& out, const Node& n) { put_display_line(out, n); }

std::string display_line(const Node& n) {
    std::string line;
    append_display_line(line, n);
    return line;
}

void append_field_value(std::string& out, const Node& n) {
    if (!n.def) return;
    const FieldDef& def = *n.def;
    StringSink sink{out};
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::uint64_t>) {
                if (def.base == Base::Hex || def.base == Base::HexDec)
                    put_hex(sink, v, hex_width(def));
                else
                    put_decimal(sink, v);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (def.type == FieldType::AbsTime)
                    append_utc_time_ns(out, v);
                else if (def.type == FieldType::RelTime)
                    append_seconds_ns(out, v);
                else
                    append_decimal(out, v);
            } else if constexpr (std::is_same_v<T, bool>) {
                out.push_back(v ? '1' : '0');
            } else if constexpr (std::is_same_v<T, double>) {
                out += std::to_string(v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                out += v;
            } else if constexpr (std::is_same_v<T, ByteString>) {
                put_hex_bytes(sink, v.data);
            } else if constexpr (std::is_same_v<T, Ipv4Address> || std::is_same_v<T, MacAddress>) {
                append_address(out, v);
            } else if constexpr (std::is_same_v<T, Ipv6Address>) {
                out += to_string(v);
            } else {
                // Value-less fields (a present flag, a heading, an expert note): tshark prints 1.
                if (def.type == FieldType::Protocol)
                    out += n.text;
                else
                    out.push_back('1');
            }
        },
        n.value);
}

std::string field_value(const Node& n) {
    std::string out;
    append_field_value(out, n);
    return out;
}

}  // namespace tlsdissect
