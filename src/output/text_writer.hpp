// A growing text buffer for printers that write a whole packet before handing it to
// stdio: room is made with one inline comparison, and pieces are copied without
// std::string's bookkeeping (a call, a size update and a terminator per piece).
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace tlsdissect {

class TextWriter {
public:
    TextWriter() { grow(kInitialCapacity); }

    void clear() { size_ = 0; }
    std::size_t size() const { return size_; }
    const char* data() const { return data_.get(); }
    // The text from `from` on, valid until the next write.
    std::string_view view(std::size_t from = 0) const { return {data_.get() + from, size_ - from}; }
    void truncate(std::size_t size) { size_ = size; }

    void put(std::string_view s) {
        const std::size_t n = s.size();
        char* p = room(n);
        // Most pieces are a few bytes: copied with two overlapping moves of fixed size
        // (inlined) rather than a call to memcpy.
        if (n >= 8 && n <= kSmall) {
            std::memcpy(p, s.data(), 8);
            std::memcpy(p + n - 8, s.data() + n - 8, 8);
        } else if (n >= 4 && n < 8) {
            std::memcpy(p, s.data(), 4);
            std::memcpy(p + n - 4, s.data() + n - 4, 4);
        } else if (n < 4) {
            for (std::size_t i = 0; i < n; ++i) p[i] = s[i];
        } else {
            std::memcpy(p, s.data(), n);
        }
        size_ += n;
    }
    void put(char c) {
        *room(1) = c;
        ++size_;
    }
    void fill(std::size_t n, char c) {
        std::memset(room(n), c, n);
        size_ += n;
    }
    // Lets `write(char* p)` write at most Max characters at p; it returns their end.
    template <std::size_t Max, typename Write>
    void write(Write&& write) {
        char* p = room(Max);
        size_ = static_cast<std::size_t>(write(p) - data_.get());
    }

private:
    static constexpr std::size_t kInitialCapacity = 64 * 1024;
    static constexpr std::size_t kSmall = 16;

    char* room(std::size_t n) {
        if (capacity_ - size_ < n) grow(n);
        return data_.get() + size_;
    }
    void grow(std::size_t n) {
        std::size_t capacity = capacity_ ? capacity_ : kInitialCapacity;
        while (capacity - size_ < n) capacity *= 2;
        auto data = std::make_unique_for_overwrite<char[]>(capacity);
        if (size_) std::memcpy(data.get(), data_.get(), size_);
        data_ = std::move(data);
        capacity_ = capacity;
    }

    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace tlsdissect
