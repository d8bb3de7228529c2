// Recording the nodes of a subtree in a compact form, and adding them again elsewhere.
#include "core/subtree_cache.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <variant>

namespace tlsdissect {

// The alternatives of Value by index, as record and replay handle them.
static_assert(std::variant_size_v<Value> == 10);
static_assert(std::is_same_v<std::variant_alternative_t<1, Value>, std::uint64_t> &&
              std::is_same_v<std::variant_alternative_t<2, Value>, std::int64_t> &&
              std::is_same_v<std::variant_alternative_t<3, Value>, bool> &&
              std::is_same_v<std::variant_alternative_t<4, Value>, double> &&
              std::is_same_v<std::variant_alternative_t<5, Value>, std::string> &&
              std::is_same_v<std::variant_alternative_t<6, Value>, ByteString> &&
              std::is_same_v<std::variant_alternative_t<7, Value>, Ipv4Address> &&
              std::is_same_v<std::variant_alternative_t<8, Value>, Ipv6Address> &&
              std::is_same_v<std::variant_alternative_t<9, Value>, MacAddress>);

namespace {

std::uint64_t where(std::size_t at, std::size_t size) { return std::uint64_t(at) << 32 | size; }

template <typename T>
Bytes object_bytes(const T& v) {
    return {reinterpret_cast<const std::uint8_t*>(&v), sizeof v};
}

template <typename Address>
Address address(std::string_view bytes) {
    Address a;
    std::memcpy(a.b.data(), bytes.data(), a.b.size());
    return a;
}

}  // namespace

std::unique_ptr<RecordedSubtree> RecordedSubtree::record(const Tree& tree, std::int32_t parent, std::size_t first,
                                                         Bytes bytes, std::size_t base) {
    const std::size_t end = tree.size();
    if (first > end || end - first > kMaxNodes || bytes.size() > UINT32_MAX || parent < 0 ||
        static_cast<std::size_t>(parent) >= first)
        return nullptr;
    const std::size_t count = end - first;
    const std::uint16_t source = tree.node(parent).source;

    auto r = std::make_unique<RecordedSubtree>();
    r->bytes_.assign(bytes.begin(), bytes.end());
    r->nodes_.resize(count);

    // Each node's parent, from the links: every new node must be reached from `parent`
    // through new nodes only, once.
    constexpr std::int32_t kUnseen = -2;
    for (auto& n : r->nodes_) n.parent = kUnseen;
    std::size_t seen = 0;
    auto link_children = [&](std::int32_t of, std::int32_t as) {
        for (std::int32_t c = tree.node(of).first_child; c != kNoNode; c = tree.node(c).next_sibling) {
            if (static_cast<std::size_t>(c) < first) {
                if (of != parent) return false;  // an old node under a new one
                continue;
            }
            if (static_cast<std::size_t>(c) >= end) return false;
            Recorded& rc = r->nodes_[static_cast<std::size_t>(c) - first];
            if (rc.parent != kUnseen) return false;
            rc.parent = as;
            ++seen;
        }
        return true;
    };
    if (!link_children(parent, -1)) return nullptr;
    // Children come after their parent, so one pass in index order visits every parent
    // before its children.
    for (std::size_t i = 0; i < count; ++i) {
        if (r->nodes_[i].parent == kUnseen) return nullptr;
        if (!link_children(static_cast<std::int32_t>(first + i), static_cast<std::int32_t>(i))) return nullptr;
    }
    if (seen != count) return nullptr;

    // Room for every text and value, so that the text grows once (values that point into
    // the bytes leave some of it unused: given back when that is much).
    std::size_t text_room = 0;
    for (std::size_t i = first; i < end; ++i) {
        const Node& n = tree.node(static_cast<std::int32_t>(i));
        text_room += n.text.size() + (n.value.index() >= 7 ? sizeof(Ipv6Address) : 0);
        if (const auto* s = std::get_if<std::string>(&n.value)) text_room += s->size();
        if (const auto* b = std::get_if<ByteString>(&n.value)) text_room += b->data.size();
    }
    r->text_.reserve(text_room);
    auto store = [&](Bytes b) {
        const std::size_t at = r->text_.size();
        r->text_.append(reinterpret_cast<const char*>(b.data()), b.size());
        return where(at, b.size());
    };
    for (std::size_t i = 0; i < count; ++i) {
        const Node& n = tree.node(static_cast<std::int32_t>(first + i));
        Recorded& rc = r->nodes_[i];
        if (n.source != source) return nullptr;
        rc.def = n.def;
        rc.length = n.length;
        if (n.generated) rc.flags |= kGenerated;
        if (n.hidden) rc.flags |= kHidden;
        // A generated node without a place (add_generated) is at 0 wherever the bytes are.
        if (n.generated && n.offset == 0 && n.length == 0) {
            rc.flags |= kAbsolute;
        } else {
            if (n.offset < base || n.offset - base > bytes.size() || n.length > bytes.size() - (n.offset - base))
                return nullptr;
            rc.offset = static_cast<std::uint32_t>(n.offset - base);
        }
        const std::size_t text_at = r->text_.size();
        r->text_ += n.text;
        rc.text_at = static_cast<std::uint32_t>(text_at);
        rc.text_size = static_cast<std::uint32_t>(n.text.size());

        rc.kind = static_cast<std::uint8_t>(n.value.index());
        Bytes value;
        switch (n.value.index()) {
            case 0: break;
            case 1: rc.number = std::get<1>(n.value); break;
            case 2: rc.number = static_cast<std::uint64_t>(std::get<2>(n.value)); break;
            case 3: rc.number = std::get<3>(n.value) ? 1 : 0; break;
            case 4: std::memcpy(&rc.number, &std::get<4>(n.value), sizeof rc.number); break;
            case 5: {
                const std::string& s = std::get<5>(n.value);
                value = Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
                break;
            }
            case 6: value = std::get<6>(n.value).data; break;
            case 7: rc.number = store(object_bytes(std::get<7>(n.value).b)); break;
            case 8: rc.number = store(object_bytes(std::get<8>(n.value).b)); break;
            case 9: rc.number = store(object_bytes(std::get<9>(n.value).b)); break;
            default: return nullptr;
        }
        if (rc.kind == 5 || rc.kind == 6) {
            // Most byte values are the content at the end of the node's own bytes (a DER
            // element's content after its header): point there instead of copying.
            const std::size_t node_end = rc.offset + rc.length;
            if (!(rc.flags & kAbsolute) && !value.empty() && value.size() <= rc.length &&
                std::equal(value.begin(), value.end(), bytes.begin() + static_cast<std::ptrdiff_t>(node_end - value.size()))) {
                rc.number = where(node_end - value.size(), value.size());
                rc.flags |= kValueInBytes;
            } else {
                rc.number = store(value);
            }
        }
    }
    if (r->text_.size() > UINT32_MAX) return nullptr;
    if (r->text_.capacity() > r->text_.size() + r->text_.size() / 8 + 64) r->text_.shrink_to_fit();
    return r;
}

std::string_view RecordedSubtree::piece(std::uint64_t where, bool in_bytes) const {
    const std::size_t at = where >> 32, size = where & 0xffffffffu;
    const char* data = in_bytes ? reinterpret_cast<const char*>(bytes_.data()) : text_.data();
    return {data + at, size};
}

void RecordedSubtree::replay(NodeRef parent, std::size_t base) const {
    Tree* tree = parent.tree();
    if (!tree) return;
    const auto first = static_cast<std::int32_t>(tree->size());
    const std::uint16_t source = tree->node(parent.id()).source;
    for (const Recorded& rc : nodes_) {
        const std::int32_t id = tree->add_child(rc.parent < 0 ? parent.id() : first + rc.parent);
        Node& n = tree->node(id);
        n.def = rc.def;
        n.offset = static_cast<std::uint32_t>(rc.flags & kAbsolute ? rc.offset : base + rc.offset);
        n.length = rc.length;
        n.source = source;
        n.generated = rc.flags & kGenerated;
        n.hidden = rc.flags & kHidden;
        n.text.assign(text_.data() + rc.text_at, rc.text_size);
        switch (rc.kind) {
            case 0: break;
            case 1: n.value.emplace<1>(rc.number); break;
            case 2: n.value.emplace<2>(static_cast<std::int64_t>(rc.number)); break;
            case 3: n.value.emplace<3>(rc.number != 0); break;
            case 4: {
                double d;
                std::memcpy(&d, &rc.number, sizeof d);
                n.value.emplace<4>(d);
                break;
            }
            case 5: {
                std::string s = tree->reused_string();
                s.assign(piece(rc.number, rc.flags & kValueInBytes));
                n.value.emplace<5>(std::move(s));
                break;
            }
            case 6: {
                const std::string_view p = piece(rc.number, rc.flags & kValueInBytes);
                std::vector<std::uint8_t> b = tree->reused_bytes();
                b.assign(p.begin(), p.end());
                n.value.emplace<6>(ByteString{std::move(b)});
                break;
            }
            case 7: n.value = address<Ipv4Address>(piece(rc.number, false)); break;
            case 8: n.value = address<Ipv6Address>(piece(rc.number, false)); break;
            case 9: n.value = address<MacAddress>(piece(rc.number, false)); break;
            default: break;
        }
    }
}

std::size_t RecordedSubtree::memory() const {
    return sizeof *this + bytes_.capacity() + nodes_.capacity() * sizeof(Recorded) + text_.capacity();
}

}  // namespace tlsdissect
