// Handshake messages from one direction's handshake bytes (RFC 8446 section 5.1: a
// message may span records, and a record may hold several messages). TLS over TCP
// feeds it the fragments of its handshake records; QUIC's CRYPTO streams and DTLS's
// reassembled fragments deliver the same kind of byte run. It keeps only the part of
// a message that continues later, with the frames that carried it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tls/tls_common.hpp"
#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

class HandshakeMessageBuffer {
public:
    // Bytes of a message still waiting for the rest of it.
    bool pending() const { return !bytes_.empty(); }
    std::size_t pending_size() const { return bytes_.size(); }
    // The waiting message's type (HandshakeType), when something waits.
    std::uint8_t pending_type() const { return bytes_.empty() ? 0 : bytes_[0]; }
    // The frames that carried the waiting bytes, oldest first.
    const std::vector<std::uint64_t>& frames() const { return frames_; }
    // Heap bytes held for the waiting message.
    std::size_t buffered() const { return bytes_.capacity() + frames_.capacity() * sizeof(std::uint64_t); }

    // The first bytes of a message that continues in later records.
    void start(Bytes partial, std::uint64_t frame);

    enum class Append : std::uint8_t {
        Ok,
        TooLong,  // the message (or the bytes waiting) would exceed kMaxHandshakeMessage: dropped
    };
    // More bytes of the waiting message(s), from `frame`. Each message that is now whole
    // goes to `on_message(message, frames)` (its bytes, header included, and the frames
    // that carried them); `too_long_length` gets the length field of a message too long
    // to reassemble, when that is why it returned TooLong.
    template <typename OnMessage>
    Append append(Bytes more, std::uint64_t frame, OnMessage&& on_message, std::size_t* too_long_length = nullptr);

    void clear() {
        bytes_.clear();
        frames_.clear();
    }

private:
    // The length of the message at the front, when its 4-byte header is there.
    std::size_t front_length() const {
        return static_cast<std::size_t>(bytes_[1] << 16 | bytes_[2] << 8 | bytes_[3]);
    }
    std::vector<std::uint8_t> bytes_;
    std::vector<std::uint64_t> frames_;
};

template <typename OnMessage>
HandshakeMessageBuffer::Append HandshakeMessageBuffer::append(Bytes more, std::uint64_t frame, OnMessage&& on_message,
                                                              std::size_t* too_long_length) {
    if (bytes_.size() + more.size() > kMaxHandshakeMessage) {
        if (too_long_length) *too_long_length = bytes_.size() + more.size();
        clear();
        return Append::TooLong;
    }
    bytes_.insert(bytes_.end(), more.begin(), more.end());
    if (frames_.empty() || frames_.back() != frame) frames_.push_back(frame);
    while (bytes_.size() >= 4) {
        const std::size_t len = front_length();
        if (len + 4 > kMaxHandshakeMessage) {
            if (too_long_length) *too_long_length = len;
            bytes_.clear();
            frames_.clear();
            return Append::TooLong;
        }
        if (bytes_.size() < len + 4) break;
        std::vector<std::uint8_t> message(bytes_.begin(), bytes_.begin() + static_cast<long>(len + 4));
        bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<long>(len + 4));
        on_message(std::move(message), frames_);
        frames_.assign(1, frame);
    }
    if (bytes_.empty()) frames_.clear();
    return Append::Ok;
}

}  // namespace tlsdissect
