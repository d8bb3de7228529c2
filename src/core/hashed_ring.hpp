// HashedRing: small records kept in the order they were added (a ring: forgotten from
// the oldest), each found again by a 64-bit hash of its key through an open-addressing
// index (linear probing, backward-shift deletion). Memory per record: the record and
// 5 to 11 bytes of index, with no allocation of its own; the closed TCP connections'
// tombstones and the answered DNS transactions are kept this way, where a hash map of
// whole objects cost several hundred bytes each.
//
// A record is named by its place: the count of records added before it. The index holds
// places plus one, truncated to 32 bits (the ring never holds 2^32 records). A record may
// be forgotten before it is the oldest (it leaves the index; its place waits in the ring
// until the records before it are gone). A record may also be added without entering the
// index (push_unindexed): the continuation of the record before it, for a user whose
// records take one or more places.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace tlsdissect {

template <typename Record>  // with a member `std::uint64_t hash`
class HashedRing {
public:
    std::uint64_t push(const Record& r) {
        const std::uint64_t place = push_unindexed(r);
        if ((count_ + 1) * 4 > index_.size() * 3) resize(std::max(kMinCapacity, index_.size() * 2));
        const std::size_t mask = index_.size() - 1;
        std::size_t i = r.hash & mask;
        while (index_[i] != 0) i = (i + 1) & mask;
        index_[i] = static_cast<std::uint32_t>(place + 1);
        ++count_;
        return place;
    }
    // Adds a record that is never looked up by its hash (its `hash` is not read).
    std::uint64_t push_unindexed(const Record& r) {
        if (head_ + size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<Record[]>(kChunk));
        slot(size_++) = r;
        return base_ + size_ - 1;
    }
    // The place the next record added will have.
    std::uint64_t next_place() const { return base_ + size_; }
    std::uint64_t front_place() const { return base_; }
    Record& at(std::uint64_t place) { return slot(place - base_); }
    const Record& front() const { return slot(0); }
    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }  // forgotten places included
    std::size_t live() const { return count_; }         // in the index
    // The newest record in the index with this hash for which match(record) holds: its
    // place plus one, or 0.
    template <typename Match>
    std::uint64_t find_newest(std::uint64_t hash, Match&& match) const {
        return find_best(hash, match, [](const Record&, std::uint64_t place) { return place; });
    }
    // The same, the one with the highest rank(record, place).
    template <typename Match, typename Rank>
    std::uint64_t find_best(std::uint64_t hash, Match&& match, Rank&& rank) const {
        if (count_ == 0) return 0;
        const std::size_t mask = index_.size() - 1;
        std::uint64_t best = 0, best_rank = 0;
        for (std::size_t i = hash & mask; index_[i] != 0; i = (i + 1) & mask) {
            const std::uint64_t place = place_of(index_[i]);
            const Record& r = slot(place - base_);
            if (r.hash != hash || !match(r)) continue;
            const std::uint64_t k = rank(r, place);
            if (best == 0 || k > best_rank) {
                best = place + 1;
                best_rank = k;
            }
        }
        return best;
    }
    // Takes the record at `place` out of the index (nothing when it is not there).
    void forget(std::uint64_t place) {
        if (count_ == 0) return;
        const std::size_t mask = index_.size() - 1;
        const auto wanted = static_cast<std::uint32_t>(place + 1);
        std::size_t i = slot(place - base_).hash & mask;
        while (index_[i] != wanted) {
            if (index_[i] == 0) return;
            i = (i + 1) & mask;
        }
        // Each later entry of the run moves into the hole unless its home slot lies
        // cyclically after the hole.
        for (std::size_t j = (i + 1) & mask; index_[j] != 0; j = (j + 1) & mask) {
            const std::size_t home = slot(place_of(index_[j]) - base_).hash & mask;
            const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (stays) continue;
            index_[i] = index_[j];
            i = j;
        }
        index_[i] = 0;
        --count_;
        if (index_.size() > kMinCapacity && count_ * 8 < index_.size()) resize(index_.size() / 2);
    }
    void pop_front() {
        forget(base_);
        drop_front();
    }
    // The oldest record, added by push_unindexed (or forgotten already), leaves the ring.
    void pop_front_unindexed() { drop_front(); }

private:
    static constexpr std::size_t kMinCapacity = 1024;
    static constexpr std::size_t kChunk = 256;  // records per allocation
    void drop_front() {
        ++base_;
        --size_;
        if (++head_ == kChunk || size_ == 0) {
            chunks_.pop_front();
            head_ = 0;
        }
    }
    Record& slot(std::size_t i) {
        i += head_;
        return chunks_[i / kChunk][i % kChunk];
    }
    const Record& slot(std::size_t i) const {
        i += head_;
        return chunks_[i / kChunk][i % kChunk];
    }
    std::uint64_t place_of(std::uint32_t slot) const {
        return base_ + static_cast<std::uint32_t>(slot - 1 - static_cast<std::uint32_t>(base_));
    }
    void resize(std::size_t capacity) {
        std::vector<std::uint32_t> old(capacity, 0);
        old.swap(index_);
        const std::size_t mask = capacity - 1;
        for (std::uint32_t slot : old) {
            if (slot == 0) continue;
            std::size_t i = this->slot(place_of(slot) - base_).hash & mask;
            while (index_[i] != 0) i = (i + 1) & mask;
            index_[i] = slot;
        }
    }

    // The ring: records head_ .. head_ + size_ of the chunks, in order.
    std::deque<std::unique_ptr<Record[]>> chunks_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
    std::uint64_t base_ = 0;  // the place of the oldest record
    std::vector<std::uint32_t> index_;
    std::size_t count_ = 0;
};

}  // namespace tlsdissect
