// Reads that add what they read: one call reads a field from a ByteReader and adds it to
// the tree at the offset and length it was read from, so no dissector computes
// `offset() - N` by hand.
//
// Each function reads whether or not there is a tree (the parse goes on either way) and
// adds a node only when `parent` is not null; a display-text function passed as `text`
// is called only then, so a packet nobody prints builds no strings. A failed read adds
// nothing and returns an empty optional; the caller reports it (parent.short_read) where
// it knows what was being read.
#pragma once

#include <cstdint>
#include <optional>
#include <type_traits>

#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

// The `text` argument when the printers' "Label: value" is the display text.
struct DefaultText {};

// Whether a Bytes field with no captured bytes still gets a node.
enum class EmptyField : bool { Add, Omit };

namespace detail {

template <typename T, typename Text>
std::optional<T> add_read_uint(std::optional<T> value, std::size_t at, std::size_t length, NodeRef parent,
                               const FieldDef& def, Text& text) {
    if (value && parent) {
        NodeRef node = parent.add(def, std::uint64_t(*value), at, length);
        if constexpr (std::is_invocable_v<Text&, std::string&, T>)
            text(*node.set_text().text_buffer(), *value);  // appends to the node's own text
        else if constexpr (!std::is_same_v<Text, DefaultText>)
            node.set_text(text(*value));
    }
    return value;
}

inline std::optional<ByteReader> add_length(std::optional<ByteReader> child, std::size_t at, std::size_t prefix,
                                            NodeRef parent, const FieldDef& len_def) {
    if (child && parent) parent.add(len_def, std::uint64_t(child->reported_remaining()), at, prefix);
    return child;
}

}  // namespace detail

// An unsigned big-endian integer of 1, 2, 3 or 4 bytes, added as `def`; `text(value)`
// (a std::string) is its display text, or `text(out, value)` appends it to `out`.
template <typename Text = DefaultText>
std::optional<std::uint8_t> read_u8(ByteReader& r, NodeRef parent, const FieldDef& def, Text text = {}) {
    const std::size_t at = r.offset();
    return detail::add_read_uint(r.u8(), at, 1, parent, def, text);
}
template <typename Text = DefaultText>
std::optional<std::uint16_t> read_u16(ByteReader& r, NodeRef parent, const FieldDef& def, Text text = {}) {
    const std::size_t at = r.offset();
    return detail::add_read_uint(r.u16(), at, 2, parent, def, text);
}
template <typename Text = DefaultText>
std::optional<std::uint32_t> read_u24(ByteReader& r, NodeRef parent, const FieldDef& def, Text text = {}) {
    const std::size_t at = r.offset();
    return detail::add_read_uint(r.u24(), at, 3, parent, def, text);
}
template <typename Text = DefaultText>
std::optional<std::uint32_t> read_u32(ByteReader& r, NodeRef parent, const FieldDef& def, Text text = {}) {
    const std::size_t at = r.offset();
    return detail::add_read_uint(r.u32(), at, 4, parent, def, text);
}

// n bytes, added as the Bytes field `def`.
inline std::optional<Bytes> read_bytes(ByteReader& r, std::size_t n, NodeRef parent, const FieldDef& def) {
    const std::size_t at = r.offset();
    auto b = r.bytes(n);
    if (b && parent) parent.add_bytes(def, *b, at, n);
    return b;
}

// Everything left in `r`, added as the Bytes field `def`: the captured bytes as its value,
// spanning all the bytes the wire had. `r` is empty afterwards.
inline Bytes read_rest(ByteReader& r, NodeRef parent, const FieldDef& def, EmptyField empty = EmptyField::Add) {
    const Bytes b = r.rest();
    if (parent && !(empty == EmptyField::Omit && b.empty()))
        parent.add_bytes(def, b, r.offset(), r.reported_remaining());
    r.take_rest();
    return b;
}

namespace detail {

inline std::optional<ByteReader> add_data(std::optional<ByteReader> child, NodeRef parent, const FieldDef& data_def,
                                          EmptyField empty) {
    if (child) {
        ByteReader data = *child;
        read_rest(data, parent, data_def, empty);
    }
    return child;
}

}  // namespace detail

// A vector with a 1-, 2- or 3-byte length prefix: its length is added as `len_def` (the
// length the wire claims), and the child reader over exactly those bytes is returned.
inline std::optional<ByteReader> read_u8_prefixed(ByteReader& r, NodeRef parent, const FieldDef& len_def) {
    const std::size_t at = r.offset();
    return detail::add_length(r.u8_prefixed(), at, 1, parent, len_def);
}
inline std::optional<ByteReader> read_u16_prefixed(ByteReader& r, NodeRef parent, const FieldDef& len_def) {
    const std::size_t at = r.offset();
    return detail::add_length(r.u16_prefixed(), at, 2, parent, len_def);
}
inline std::optional<ByteReader> read_u24_prefixed(ByteReader& r, NodeRef parent, const FieldDef& len_def) {
    const std::size_t at = r.offset();
    return detail::add_length(r.u24_prefixed(), at, 3, parent, len_def);
}

// An opaque vector (`opaque data<..2^8-1>` / `<..2^16-1>`): its length as `len_def`, then
// its bytes as `data_def` (read_rest on the child). The child is returned unread, for
// its length (reported_remaining) and bytes (rest).
inline std::optional<ByteReader> read_u8_opaque(ByteReader& r, NodeRef parent, const FieldDef& len_def,
                                                const FieldDef& data_def, EmptyField empty = EmptyField::Add) {
    return detail::add_data(read_u8_prefixed(r, parent, len_def), parent, data_def, empty);
}
inline std::optional<ByteReader> read_u16_opaque(ByteReader& r, NodeRef parent, const FieldDef& len_def,
                                                 const FieldDef& data_def, EmptyField empty = EmptyField::Add) {
    return detail::add_data(read_u16_prefixed(r, parent, len_def), parent, data_def, empty);
}

}  // namespace tlsdissect
