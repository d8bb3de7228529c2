// The field tree: node storage and the small text forms of addresses.
#include "tlsdissect/field.hpp"

#include <arpa/inet.h>

namespace tlsdissect {

const FieldDef kMalformedField{"_ws.malformed", "Malformed", FieldType::Expert, Base::None,
                               {}, 0, 0, {}, Severity::Error};
const FieldDef kTruncatedField{"_ws.short", "Truncated", FieldType::Expert, Base::None,
                               {}, 0, 0, {}, Severity::Warn};

std::string_view name_of(std::span<const ValueName> names, std::uint64_t value) {
    for (const auto& n : names)
        if (n.value == value) return n.name;
    return {};
}

void append_address(std::string& out, const Ipv4Address& a) {
    // Dotted decimal, as inet_ntop writes it, without its formatting machinery.
    char text[15];
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.b.size(); ++i) {
        if (i) text[n++] = '.';
        const unsigned v = a.b[i];
        if (v >= 100) text[n++] = static_cast<char>('0' + v / 100);
        if (v >= 10) text[n++] = static_cast<char>('0' + v / 10 % 10);
        text[n++] = static_cast<char>('0' + v % 10);
    }
    out.append(text, n);
}

std::string to_string(const Ipv4Address& a) {
    std::string out;
    append_address(out, a);
    return out;
}

std::string to_string(const Ipv6Address& a) {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a.b.data(), buf, sizeof buf);
    return buf;
}

static constexpr char kHexDigits[] = "0123456789abcdef";

void append_address(std::string& out, const MacAddress& a) {
    char text[17];
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.b.size(); ++i) {
        if (i) text[n++] = ':';
        text[n++] = kHexDigits[a.b[i] >> 4];
        text[n++] = kHexDigits[a.b[i] & 15];
    }
    out.append(text, n);
}

std::string to_string(const MacAddress& a) {
    std::string out;
    append_address(out, a);
    return out;
}

std::string hex_string(Bytes bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out.push_back(kHexDigits[b >> 4]);
        out.push_back(kHexDigits[b & 15]);
    }
    return out;
}

namespace {

// A node as new, keeping its strings' buffers.
void reset_node(Node& n) {
    n.def = nullptr;
    if (n.value.index() != 0) n.value.emplace<std::monostate>();
    n.text.clear();
    n.offset = 0;
    n.length = 0;
    n.source = 0;
    n.generated = false;
    n.hidden = false;
    n.first_child = kNoNode;
    n.last_child = kNoNode;
    n.next_sibling = kNoNode;
}

// Into the node's own buffer when it is big enough (kept from an earlier packet).
void set_node_text(Node& n, std::string&& text) {
    if (n.text.capacity() >= text.size())
        n.text.assign(text);
    else
        n.text = std::move(text);
}

}  // namespace

void Tree::clear() {
    extra_sources.clear();
    frame_bytes = {};
    if (nodes_.empty()) nodes_.emplace_back();
    reset_node(nodes_[0]);  // the root: holds the layers as children
    used_ = 1;
}

NodeRef Tree::root() { return NodeRef(this, 0); }

std::int32_t Tree::add(std::int32_t parent, Node n) {
    const std::int32_t id = add_child(parent);
    node(id) = std::move(n);
    return id;
}

std::int32_t Tree::add_child(std::int32_t parent) {
    auto id = static_cast<std::int32_t>(used_);
    if (used_ < nodes_.size())
        reset_node(nodes_[used_]);
    else
        nodes_.emplace_back();
    ++used_;
    Node& p = node(parent);
    if (p.last_child == kNoNode)
        p.first_child = id;
    else
        node(p.last_child).next_sibling = id;
    p.last_child = id;
    return id;
}

std::uint16_t Tree::add_source(std::string name, std::vector<std::uint8_t> bytes) {
    extra_sources.push_back(DataSource{std::move(name), std::move(bytes)});
    return static_cast<std::uint16_t>(extra_sources.size());
}

NodeRef NodeRef::add(const FieldDef& def, Value value, std::size_t offset, std::size_t length,
                     std::uint16_t source) const {
    if (!tree_) return {};
    const std::uint16_t from = source == kSameSource ? tree_->node(id_).source : source;
    // Built in place: no temporary Node to move in and destroy.
    const std::int32_t id = tree_->add_child(id_);
    Node& n = tree_->node(id);
    n.def = &def;
    n.value = std::move(value);
    n.offset = static_cast<std::uint32_t>(offset);
    n.length = static_cast<std::uint32_t>(length);
    n.source = from;
    return NodeRef(tree_, id);
}

NodeRef NodeRef::add_text(const FieldDef& def, std::string text, std::size_t offset,
                          std::size_t length, std::uint16_t source) const {
    NodeRef r = add(def, std::monostate{}, offset, length, source);
    if (r) set_node_text(*r.get(), std::move(text));
    return r;
}

NodeRef NodeRef::add_generated(const FieldDef& def, Value value) const {
    NodeRef r = add(def, std::move(value), 0, 0);
    if (r) r.get()->generated = true;
    return r;
}

NodeRef NodeRef::malformed(std::string why, std::size_t offset, std::size_t length) const {
    return add_text(kMalformedField, "Malformed: " + why, offset, length);
}

NodeRef NodeRef::truncated(std::string why, std::size_t offset, std::size_t length) const {
    return add_text(kTruncatedField, "Truncated: " + why, offset, length);
}

NodeRef NodeRef::short_read(const ByteReader& reader, std::string_view what) const {
    std::size_t left = reader.remaining();
    if (reader.failure() == ShortRead::Truncated)
        return truncated(std::string(what) + " (capture cut short)", reader.offset(), left);
    return malformed(std::string(what) + " (runs past the end of its data)", reader.offset(),
                     left);
}

NodeRef NodeRef::expert(const FieldDef& def, std::string text) const {
    NodeRef r = add_text(def, std::move(text), 0, 0);
    if (r) r.get()->generated = true;
    return r;
}

const NodeRef& NodeRef::set_text(std::string text) const {
    if (tree_) set_node_text(tree_->node(id_), std::move(text));
    return *this;
}

const NodeRef& NodeRef::set_length(std::size_t length) const {
    if (tree_) tree_->node(id_).length = static_cast<std::uint32_t>(length);
    return *this;
}

const NodeRef& NodeRef::set_hidden() const {
    if (tree_) tree_->node(id_).hidden = true;
    return *this;
}

const NodeRef& NodeRef::set_generated(bool on) const {
    if (tree_) tree_->node(id_).generated = on;
    return *this;
}

}  // namespace tlsdissect
