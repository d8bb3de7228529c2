// The typed field tree that every dissector builds and every printer walks.
//
// A FieldDef is declared once, next to the parser that reads it, with the
// Wireshark display-filter name (`ip.src`), the label (`Source Address`), the value
// type and how to show it. A Node is one occurrence of a field in one packet: its
// value, where its bytes are, an optional custom display text, and its children.
// Dissectors never format for a terminal or JSON; printers do (src/output/).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

enum class FieldType : std::uint8_t {
    None,      // a text-only node (a label, a heading)
    Protocol,  // a layer: "Internet Protocol Version 4, Src: ..., Dst: ..."
    UInt,
    Int,
    Bool,
    Double,
    Bytes,
    String,
    IPv4,
    IPv6,
    Ether,
    AbsTime,   // nanoseconds since the epoch, UTC
    RelTime,   // nanoseconds, signed
    FrameNum,
    Expert,    // an anomaly or analysis note: [Malformed: ...], [TCP Retransmission]
};

// None with a name table: the name alone, as for Wireshark's true/false strings.
enum class Base : std::uint8_t { Dec, Hex, HexDec, DecHex, None };

enum class Severity : std::uint8_t { None, Chat, Note, Warn, Error };

struct ValueName {
    std::uint64_t value;
    std::string_view name;
};

struct FieldDef {
    std::string_view filter;  // Wireshark display-filter name
    std::string_view label;
    FieldType type = FieldType::None;
    Base base = Base::Dec;
    std::span<const ValueName> names = {};  // value -> name table
    std::uint64_t mask = 0;                 // bit field within an integer of `bits` bits
    std::uint8_t bits = 0;
    std::string_view unit = {};  // appended after the value: " bytes", " seconds"
    Severity severity = Severity::None;
};

// Look a value up in a name table; empty when absent.
std::string_view name_of(std::span<const ValueName> names, std::uint64_t value);

struct Ipv4Address {
    std::array<std::uint8_t, 4> b{};
    friend bool operator==(const Ipv4Address&, const Ipv4Address&) = default;
    friend auto operator<=>(const Ipv4Address&, const Ipv4Address&) = default;
};
struct Ipv6Address {
    std::array<std::uint8_t, 16> b{};
    friend bool operator==(const Ipv6Address&, const Ipv6Address&) = default;
    friend auto operator<=>(const Ipv6Address&, const Ipv6Address&) = default;
};
struct MacAddress {
    std::array<std::uint8_t, 6> b{};
    friend bool operator==(const MacAddress&, const MacAddress&) = default;
};
struct ByteString {
    std::vector<std::uint8_t> data;
};
inline ByteString to_byte_string(Bytes b) { return ByteString{{b.begin(), b.end()}}; }

using Value = std::variant<std::monostate, std::uint64_t, std::int64_t, bool, double,
                           std::string, ByteString, Ipv4Address, Ipv6Address, MacAddress>;

// Text forms shared by dissectors (for summary lines) and printers.
std::string to_string(const Ipv4Address& a);
std::string to_string(const Ipv6Address& a);  // RFC 5952 compressed form
std::string to_string(const MacAddress& a);   // 8c:85:90:2a:d5:d9
std::string hex_string(Bytes bytes);          // lowercase, no separators
// The same text forms appended to `out` (printers build a packet in one buffer).
void append_address(std::string& out, const Ipv4Address& a);
void append_address(std::string& out, const MacAddress& a);
// Dotted decimal written at `p` (room for kMaxIpv4Text characters); returns its end.
inline constexpr std::size_t kMaxIpv4Text = 15;
char* write_address(char* p, const Ipv4Address& a);

inline constexpr std::int32_t kNoNode = -1;

struct Node {
    const FieldDef* def = nullptr;
    Value value;
    std::string text;  // custom display text; empty: printers build "Label: value"
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    std::uint16_t source = 0;   // index of the data source the offsets refer to
    bool generated = false;     // derived, not on the wire: shown in [brackets]
    bool hidden = false;        // for filters and -e only, as Wireshark's hidden fields
    std::int32_t first_child = kNoNode;
    std::int32_t last_child = kNoNode;
    std::int32_t next_sibling = kNoNode;
};

// A named byte buffer that nodes point into: the frame, or a reassembled stream.
struct DataSource {
    std::string name;
    std::vector<std::uint8_t> bytes;  // empty for the frame: it is Tree::frame_bytes
};

class NodeRef;

// All nodes of one packet, in one vector; children are linked by index so that adding
// a node never invalidates another. clear() keeps the nodes for the next packet.
class Tree {
public:
    Tree() { clear(); }
    void clear();
    const Node& node(std::int32_t id) const { return nodes_[static_cast<std::size_t>(id)]; }
    Node& node(std::int32_t id) { return nodes_[static_cast<std::size_t>(id)]; }
    std::size_t size() const { return used_; }
    NodeRef root();
    std::int32_t add(std::int32_t parent, Node n);
    // A default node appended as `parent`'s last child, to be filled in place; its id.
    std::int32_t add_child(std::int32_t parent);

    Bytes frame_bytes;  // the captured frame (not owned)
    std::vector<DataSource> extra_sources;
    Bytes source_bytes(std::uint16_t source) const {
        if (source == 0 || source > extra_sources.size()) return frame_bytes;
        return extra_sources[source - 1].bytes;
    }
    std::uint16_t add_source(std::string name, std::vector<std::uint8_t> bytes);
    // An empty string with the capacity of a string value of an earlier packet, for a
    // node's new string value (no allocation once the tree has seen a few packets).
    std::string reused_string();
    // The same for byte string values.
    std::vector<std::uint8_t> reused_bytes();

private:
    void reset_node(Node& n);
    void release_value(Node& n);

    // Nodes [0, used_) are this packet's. The ones past it are kept from earlier packets
    // with their strings' buffers, so that a steady stream of packets reuses them.
    std::vector<Node> nodes_;
    std::size_t used_ = 0;
    // String values taken from reused nodes, their buffers kept for reused_string().
    std::vector<std::string> spare_strings_;
    std::vector<std::vector<std::uint8_t>> spare_bytes_;
};

// A handle to a node being built. A null handle (tree building off, or the parent was
// null) turns every call into a no-op, so the same parse code serves both the
// "build a display tree" and "only fill the session model" paths.
class NodeRef {
public:
    NodeRef() = default;
    NodeRef(Tree* tree, std::int32_t id) : tree_(tree), id_(id) {}
    explicit operator bool() const { return tree_ != nullptr; }
    Tree* tree() const { return tree_; }
    std::int32_t id() const { return id_; }

    NodeRef add(const FieldDef& def, Value value, std::size_t offset, std::size_t length,
                std::uint16_t source = kSameSource) const;
    // Labels and string values are written into the kept node's own buffers (the tree
    // reuses its nodes from one packet to the next), so text given as a string_view or
    // as pieces (set_text) costs no allocation once the buffers have grown.
    NodeRef add_text(const FieldDef& def, std::string_view text, std::size_t offset,
                     std::size_t length, std::uint16_t source = kSameSource) const;
    // A node whose value is the string `text`.
    NodeRef add_string(const FieldDef& def, std::string_view text, std::size_t offset,
                       std::size_t length) const;
    // A node whose value is a copy of `bytes`.
    NodeRef add_bytes(const FieldDef& def, Bytes bytes, std::size_t offset, std::size_t length,
                      std::uint16_t source = kSameSource) const;
    NodeRef add_generated(const FieldDef& def, Value value) const;
    // An anomaly on this node: "[Malformed: why]" (_ws.malformed) or "[Truncated: why]"
    // (_ws.short), or any expert field.
    NodeRef malformed(std::string_view why, std::size_t offset, std::size_t length) const;
    NodeRef truncated(std::string_view why, std::size_t offset, std::size_t length) const;
    // The short read that `reader` last hit, reported as the matching anomaly.
    NodeRef short_read(const ByteReader& reader, std::string_view what) const;
    NodeRef expert(const FieldDef& def, std::string_view text) const;

    // The display text from text pieces and integers (written as concat() writes them).
    // No piece may point into this node's own text.
    template <typename... Parts>
    const NodeRef& set_text(const Parts&... parts) const {
        if (tree_) {
            std::string& text = tree_->node(id_).text;
            text.clear();
            append_parts(text, parts...);
        }
        return *this;
    }
    // The display text, for a caller that appends to it; null without a tree. Valid until
    // the next node is added to the tree (the nodes may move).
    std::string* text_buffer() const { return tree_ ? &tree_->node(id_).text : nullptr; }
    const NodeRef& set_length(std::size_t length) const;
    const NodeRef& set_generated(bool on = true) const;
    const NodeRef& set_hidden() const;
    Node* get() const { return tree_ ? &tree_->node(id_) : nullptr; }
    // The child added last (null when there is none, or no tree).
    NodeRef last_child() const {
        if (!tree_ || tree_->node(id_).last_child == kNoNode) return {};
        return {tree_, tree_->node(id_).last_child};
    }

    static constexpr std::uint16_t kSameSource = 0xffff;

private:
    Tree* tree_ = nullptr;
    std::int32_t id_ = kNoNode;
};

// Anomaly fields shared by all dissectors.
extern const FieldDef kMalformedField;
extern const FieldDef kTruncatedField;

}  // namespace tlsdissect
