// QPACK (RFC 9204) field sections of HTTP/3, decoded with nghttp3's decoder: the static
// table, literals, Huffman strings and the dynamic table that the peer's encoder stream
// builds. One decoder per direction of a connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

// The dynamic table one direction may use at most (the encoder's Set Dynamic Table
// Capacity beyond it is an error) and the header blocks kept waiting for its entries.
inline constexpr std::size_t kQpackMaxTableCapacity = 65'536;
inline constexpr std::size_t kQpackMaxBlockedStreams = 100;

struct QpackFieldSection {
    enum class Status : std::uint8_t { Decoded, Blocked, Failed };
    Status status = Status::Failed;
    std::vector<std::pair<std::string, std::string>> fields;  // name, value, in order
    std::uint64_t required_insert_count = 0;  // what the section needs of the dynamic table
    std::uint64_t insert_count = 0;           // what the table held then
    std::string error;                        // why it failed
};

class QpackDecoder {
public:
    QpackDecoder();
    ~QpackDecoder();
    QpackDecoder(const QpackDecoder&) = delete;
    QpackDecoder& operator=(const QpackDecoder&) = delete;

    // Bytes of the peer's encoder stream, in order (an instruction may be split across
    // calls). False once the stream is malformed; the decoder is then unusable.
    bool read_encoder(Bytes data);
    // One HEADERS frame's field section (whole); the stream ID is the request stream's.
    QpackFieldSection decode(std::int64_t stream_id, Bytes section);
    std::uint64_t insert_count() const;
    bool failed() const { return failed_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool failed_ = false;
};

}  // namespace tlsdissect
