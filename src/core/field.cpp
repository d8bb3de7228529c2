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

char* write_address(char* p, const Ipv4Address& a) {
    // Dotted decimal, as inet_ntop writes it, without its formatting machinery.
    for (std::size_t i = 0; i < a.b.size(); ++i) {
        if (i) *p++ = '.';
        const unsigned v = a.b[i];
        if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
        if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
        *p++ = static_cast<char>('0' + v % 10);
    }
    return p;
}

void append_address(std::string& out, const Ipv4Address& a) {
    char text[kMaxIpv4Text];
    out.append(text, static_cast<std::size_t>(write_address(text, a) - text));
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

// String buffers kept for new string values: more than a packet's worth of them, so
// that the pool stays bounded when string values come from Value temporaries.
constexpr std::size_t kMaxSpareStrings = 256;

// A string or byte string value's buffer kept for a later value (reused_string(),
// reused_bytes()), the value left empty.
void Tree::release_value(Node& n) {
    if (auto* str = std::get_if<std::string>(&n.value)) {
        // Moved, not freed: the next string value of the packet takes it back.
        if (str->capacity() > std::string().capacity() && spare_strings_.size() < kMaxSpareStrings)
            spare_strings_.push_back(std::move(*str));
    } else if (auto* b = std::get_if<ByteString>(&n.value)) {
        if (b->data.capacity() != 0 && spare_bytes_.size() < kMaxSpareStrings)
            spare_bytes_.push_back(std::move(b->data));
    }
    n.value.emplace<std::monostate>();
}

// A node as new, keeping its strings' buffers. Inline in add_child: it runs for every
// node of every packet.
inline void Tree::reset_node(Node& n) {
    if (std::holds_alternative<std::string>(n.value) || std::holds_alternative<ByteString>(n.value))
        release_value(n);
    else if (n.value.index() != 0)
        n.value.emplace<std::monostate>();
    n.def = nullptr;
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

std::vector<std::uint8_t> Tree::reused_bytes() {
    if (spare_bytes_.empty()) return {};
    std::vector<std::uint8_t> b = std::move(spare_bytes_.back());
    spare_bytes_.pop_back();
    b.clear();
    return b;
}

std::string Tree::reused_string() {
    if (spare_strings_.empty()) return {};
    std::string s = std::move(spare_strings_.back());
    spare_strings_.pop_back();
    s.clear();
    return s;
}

void Tree::clear() {
    extra_sources.clear();
    frame_bytes = {};
    if (nodes_.empty()) nodes_.emplace_back();
    reset_node(nodes_[0]);  // the root: holds the layers as children
    used_ = 1;
}

NodeRef Tree::root() { return NodeRef(this, 0); }

inline std::int32_t Tree::add_child(std::int32_t parent) {
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

std::int32_t Tree::add(std::int32_t parent, Node n) {
    const std::int32_t id = add_child(parent);
    node(id) = std::move(n);
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
    // The node's value is empty (reset_node); numbers are copied without visiting the
    // variant's alternatives.
    switch (value.index()) {
        case 0: break;
        case 1: n.value.emplace<1>(*std::get_if<1>(&value)); break;
        case 2: n.value.emplace<2>(*std::get_if<2>(&value)); break;
        case 3: n.value.emplace<3>(*std::get_if<3>(&value)); break;
        default: n.value = std::move(value);
    }
    n.offset = static_cast<std::uint32_t>(offset);
    n.length = static_cast<std::uint32_t>(length);
    n.source = from;
    return NodeRef(tree_, id);
}

NodeRef NodeRef::add_text(const FieldDef& def, std::string_view text, std::size_t offset,
                          std::size_t length, std::uint16_t source) const {
    NodeRef r = add(def, std::monostate{}, offset, length, source);
    if (r) r.get()->text.assign(text);
    return r;
}

NodeRef NodeRef::add_string(const FieldDef& def, std::string_view text, std::size_t offset,
                            std::size_t length) const {
    if (!tree_) return {};
    std::string value = tree_->reused_string();
    value.assign(text);
    return add(def, std::move(value), offset, length);
}

NodeRef NodeRef::add_bytes(const FieldDef& def, Bytes bytes, std::size_t offset, std::size_t length,
                           std::uint16_t source) const {
    if (!tree_) return {};
    ByteString value{tree_->reused_bytes()};
    value.data.assign(bytes.begin(), bytes.end());
    return add(def, std::move(value), offset, length, source);
}

NodeRef NodeRef::add_generated(const FieldDef& def, Value value) const {
    NodeRef r = add(def, std::move(value), 0, 0);
    if (r) r.get()->generated = true;
    return r;
}

NodeRef NodeRef::malformed(std::string_view why, std::size_t offset, std::size_t length) const {
    NodeRef r = add(kMalformedField, std::monostate{}, offset, length);
    r.set_text("Malformed: ", why);
    return r;
}

NodeRef NodeRef::truncated(std::string_view why, std::size_t offset, std::size_t length) const {
    NodeRef r = add(kTruncatedField, std::monostate{}, offset, length);
    r.set_text("Truncated: ", why);
    return r;
}

NodeRef NodeRef::short_read(const ByteReader& reader, std::string_view what) const {
    std::size_t left = reader.remaining();
    if (reader.failure() == ShortRead::Truncated)
        return truncated(concat(what, " (capture cut short)"), reader.offset(), left);
    return malformed(concat(what, " (runs past the end of its data)"), reader.offset(), left);
}

NodeRef NodeRef::expert(const FieldDef& def, std::string_view text) const {
    NodeRef r = add_text(def, text, 0, 0);
    if (r) r.get()->generated = true;
    return r;
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
