// BoundedCache: a memo of values computed from a byte-string key, holding at most a fixed
// number of entries and emptied when full; each user keeps one `static thread_local`.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace tlsdissect {

// Hashes a std::string and a std::string_view alike, so that a map keyed by strings is
// searched with a view (no key built, no allocation, for a lookup that hits).
struct StringViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Emptied rather than evicted one by one: the keys that repeat (a server's chain, a
// browser's fingerprint text, the OIDs every certificate holds) come back at once, and
// bookkeeping for least-recently-used order would cost more than it saves. A reference
// from get_or_make stays valid until the next value is made in the same cache.
template <typename Value, std::size_t MaxEntries>
class BoundedCache {
    static_assert(MaxEntries > 0);

public:
    static constexpr std::size_t kMaxEntries = MaxEntries;

    // The value for `key`; on a miss, `make()` computes it (before the cache is touched,
    // so make may use other caches) and it is remembered.
    // A key passed as an lvalue or a string_view is copied only on a miss.
    template <typename Key, typename Make>
    Value& get_or_make(Key&& key, Make&& make) {
        if (auto it = map_.find(std::string_view(key)); it != map_.end()) return it->second;
        Value value = std::forward<Make>(make)();
        if (map_.size() >= MaxEntries) map_.clear();
        return map_.emplace(std::string(std::forward<Key>(key)), std::move(value)).first->second;
    }

    std::size_t size() const { return map_.size(); }

private:
    std::unordered_map<std::string, Value, StringViewHash, std::equal_to<>> map_;
};

}  // namespace tlsdissect
