// RecordedSubtree and SubtreeCache: the nodes a pure dissector added for a run of bytes,
// kept in a compact form and added again, without dissecting, when the same bytes come
// back at another place (a server's certificate in every connection to it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tlsdissect/field.hpp"

namespace tlsdissect {

// The nodes added under one node while a dissector read `bytes`, with their offsets
// relative to where the bytes were, their field definitions, values, texts, flags and
// structure; replay() adds the same nodes under another node for the same bytes at
// another offset, in the same order, as if the dissector had run again.
//
// Only a dissector whose nodes depend on the bytes alone may be recorded: the same bytes
// must give the same nodes wherever they sit, and the dissector adds nodes only under the
// given node, changing none that existed before.
class RecordedSubtree {
public:
    // Most nodes recorded: a subtree larger than this is dissected each time.
    static constexpr std::size_t kMaxNodes = 1 << 16;

    // Records the nodes that `tree` holds from index `first` on, all of them descendants
    // of `parent`, added while reading `bytes` at offset `base` of `parent`'s data source.
    // Returns nothing when they cannot be replayed faithfully: a node outside `parent`'s
    // subtree or from another data source, an offset outside the bytes (other than the 0
    // of a generated node), too many nodes.
    static std::unique_ptr<RecordedSubtree> record(const Tree& tree, std::int32_t parent, std::size_t first,
                                                   Bytes bytes, std::size_t base);

    // Adds the nodes under `parent` for the same bytes at offset `base` of its data
    // source. Allocates nothing once the tree's kept nodes and string buffers have grown.
    void replay(NodeRef parent, std::size_t base) const;

    Bytes bytes() const { return bytes_; }
    std::size_t node_count() const { return nodes_.size(); }
    // What this recording holds in memory, in bytes.
    std::size_t memory() const;

private:
    struct Recorded {
        const FieldDef* def = nullptr;
        // A number's value (a double's bits), or where a value's bytes are: in bytes_
        // (kValueInBytes) or in text_, as `at << 32 | size`.
        std::uint64_t number = 0;
        std::uint32_t offset = 0;  // relative to the bytes' start, unless kAbsolute
        std::uint32_t length = 0;
        std::uint32_t text_at = 0, text_size = 0;  // in text_
        std::int32_t parent = -1;                  // index in nodes_; -1: the replay's parent
        std::uint8_t kind = 0;                     // the Value's alternative
        std::uint8_t flags = 0;
    };
    static constexpr std::uint8_t kGenerated = 1, kHidden = 2, kAbsolute = 4, kValueInBytes = 8;

    std::string_view piece(std::uint64_t where, bool in_bytes) const;

    std::vector<std::uint8_t> bytes_;
    std::vector<Recorded> nodes_;
    std::string text_;  // texts and values that are not a copy of some of the bytes
};

// Recorded subtrees by the bytes they were recorded from (hashed, then compared in full),
// at most `max_entries` of them holding at most `max_bytes`; emptied when full (see
// BoundedCache for why). `Hash` is for tests that make every key collide.
template <typename Hash = std::hash<std::string_view>>
class SubtreeCache {
public:
    SubtreeCache(std::size_t max_entries, std::size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

    // The recording made from exactly these bytes, or null. No allocation.
    const RecordedSubtree* find(Bytes bytes) const {
        auto it = map_.find(view(bytes));
        return it == map_.end() ? nullptr : it->second.get();
    }

    // Keeps `recorded` (replacing one made from the same bytes). A recording larger than
    // a quarter of the budget is not kept: it would empty the cache for one entry.
    void keep(std::unique_ptr<RecordedSubtree> recorded) {
        if (!recorded) return;
        const std::size_t size = recorded->memory() + kEntryOverhead;
        if (size > max_bytes_ / 4) return;
        if (auto it = map_.find(view(recorded->bytes())); it != map_.end()) {
            bytes_ -= it->second->memory() + kEntryOverhead;
            map_.erase(it);
        }
        if (map_.size() >= max_entries_ || bytes_ + size > max_bytes_) clear();
        bytes_ += size;
        const std::string_view key = view(recorded->bytes());
        map_.emplace(key, std::move(recorded));
    }

    void clear() {
        map_.clear();
        bytes_ = 0;
    }
    std::size_t size() const { return map_.size(); }
    // The memory the recordings hold, with an estimate of the table's own per entry.
    std::size_t memory() const { return bytes_; }

private:
    static constexpr std::size_t kEntryOverhead = 64;
    static std::string_view view(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

    std::size_t max_entries_, max_bytes_;
    std::size_t bytes_ = 0;
    // Keys are views of the recordings' own bytes.
    std::unordered_map<std::string_view, std::unique_ptr<RecordedSubtree>, Hash> map_;
};

}  // namespace tlsdissect
