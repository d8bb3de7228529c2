// ByteReader: the one cursor through which every untrusted byte is read.
//
// A reader is a window (captured bytes + the length the wire claims for them) and a
// position. Every read is checked: a short read returns an empty optional and records
// why it failed, so the caller can emit a [Truncated] node (the capture stopped
// before the data did, e.g. a snap length) or a [Malformed] node (a length field
// claims more than the enclosing structure holds). Length-prefixed reads hand back a
// child reader limited to exactly those bytes, as BoringSSL's CBS does, so a
// sub-parser cannot run into the rest of the message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tlsdissect {

using Bytes = std::span<const std::uint8_t>;

enum class ShortRead : std::uint8_t {
    None,       // no read has failed
    Truncated,  // the bytes existed on the wire but were not captured
    Malformed,  // the bytes never existed: a length field lies
};

class ByteReader {
public:
    ByteReader() = default;
    // `data` holds the captured bytes; `reported` is how many bytes the wire had
    // (>= data.size() when the capture was cut short).
    explicit ByteReader(Bytes data, std::size_t base_offset = 0)
        : ByteReader(data, data.size(), base_offset) {}
    ByteReader(Bytes data, std::size_t reported, std::size_t base_offset)
        : data_(data), reported_(reported < data.size() ? data.size() : reported),
          base_(base_offset) {}

    // Absolute offset of the next byte in the enclosing data source.
    std::size_t offset() const { return base_ + pos_; }
    std::size_t position() const { return pos_; }
    // Bytes left that were captured / that the wire had.
    std::size_t remaining() const { return pos_ < data_.size() ? data_.size() - pos_ : 0; }
    std::size_t reported_remaining() const { return reported_ - pos_; }
    bool empty() const { return pos_ >= reported_; }
    bool captured_all() const { return data_.size() == reported_; }
    ShortRead failure() const { return failure_; }
    // The captured bytes from the current position on, without consuming them.
    Bytes rest() const { return data_.subspan(pos_ < data_.size() ? pos_ : data_.size()); }
    Bytes whole() const { return data_; }

    std::optional<std::uint8_t> u8() {
        if (!require(1)) return std::nullopt;
        return data_[pos_++];
    }
    std::optional<std::uint16_t> u16() { return big_endian<std::uint16_t>(2); }
    std::optional<std::uint32_t> u24() { return big_endian<std::uint32_t>(3); }
    std::optional<std::uint32_t> u32() { return big_endian<std::uint32_t>(4); }
    std::optional<std::uint64_t> u48() { return big_endian<std::uint64_t>(6); }
    std::optional<std::uint64_t> u64() { return big_endian<std::uint64_t>(8); }
    // A QUIC variable-length integer (RFC 9000 section 16): 1, 2, 4 or 8 bytes, the length
    // in the first byte's two top bits. Nothing is consumed when it is cut short.
    std::optional<std::uint64_t> quic_varint() {
        const std::size_t n = pos_ < data_.size() ? std::size_t{1} << (data_[pos_] >> 6) : 1;
        auto v = big_endian<std::uint64_t>(n);
        if (!v) return std::nullopt;
        return *v & ((std::uint64_t{1} << (8 * n - 2)) - 1);
    }
    std::optional<std::uint16_t> u16le() { return little_endian<std::uint16_t>(2); }
    std::optional<std::uint32_t> u32le() { return little_endian<std::uint32_t>(4); }

    // Peek without consuming (bytes ahead of the position).
    std::optional<std::uint8_t> peek_u8(std::size_t ahead = 0) const {
        if (pos_ + ahead >= data_.size()) return std::nullopt;
        return data_[pos_ + ahead];
    }
    std::optional<std::uint16_t> peek_u16(std::size_t ahead = 0) const {
        if (pos_ + ahead + 2 > data_.size()) return std::nullopt;
        return static_cast<std::uint16_t>(data_[pos_ + ahead] << 8 | data_[pos_ + ahead + 1]);
    }

    std::optional<Bytes> bytes(std::size_t n) {
        if (!require(n)) return std::nullopt;
        Bytes out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }
    bool skip(std::size_t n) {
        if (!require(n)) return false;
        pos_ += n;
        return true;
    }

    // A child limited to the next n bytes. When the wire had those bytes but the
    // capture kept only some, the child gets what was captured and knows the rest
    // is truncated; the parent moves past all n. When the wire did not have n bytes
    // the read is malformed and nothing is consumed.
    std::optional<ByteReader> child(std::size_t n) {
        if (n > reported_remaining()) {
            failure_ = ShortRead::Malformed;
            return std::nullopt;
        }
        std::size_t captured = n <= remaining() ? n : remaining();
        ByteReader out(rest().first(captured), n, offset());
        pos_ += n;
        return out;
    }
    // The rest of this reader as a child; this reader becomes empty.
    ByteReader take_rest() {
        ByteReader out(rest(), reported_ - pos_, offset());
        pos_ = reported_;
        return out;
    }
    std::optional<ByteReader> u8_prefixed() { return prefixed(u8()); }
    std::optional<ByteReader> u16_prefixed() { return prefixed(u16()); }
    std::optional<ByteReader> u24_prefixed() { return prefixed(u24()); }

private:
    bool require(std::size_t n) {
        if (n <= remaining()) return true;
        failure_ = n <= reported_remaining() ? ShortRead::Truncated : ShortRead::Malformed;
        return false;
    }
    template <typename T>
    std::optional<T> big_endian(std::size_t n) {
        if (!require(n)) return std::nullopt;
        T v = 0;
        for (std::size_t i = 0; i < n; ++i) v = static_cast<T>(v << 8 | data_[pos_ + i]);
        pos_ += n;
        return v;
    }
    template <typename T>
    std::optional<T> little_endian(std::size_t n) {
        if (!require(n)) return std::nullopt;
        T v = 0;
        for (std::size_t i = n; i-- > 0;) v = static_cast<T>(v << 8 | data_[pos_ + i]);
        pos_ += n;
        return v;
    }
    template <typename Len>
    std::optional<ByteReader> prefixed(std::optional<Len> len) {
        if (!len) return std::nullopt;
        std::size_t before = pos_;
        auto out = child(*len);
        if (!out) pos_ = before;  // the length was read; leave the cursor after it
        return out;
    }

    Bytes data_{};
    std::size_t reported_ = 0;
    std::size_t base_ = 0;
    std::size_t pos_ = 0;
    ShortRead failure_ = ShortRead::None;
};

}  // namespace tlsdissect
