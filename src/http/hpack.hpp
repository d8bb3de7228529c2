// HPACK (RFC 7541) header blocks of HTTP/2, decoded with nghttp2's inflater: the static
// table, literals, Huffman strings and the dynamic table the peer's encoder builds. One
// decoder per direction of a connection; every header block of that direction must be
// given in order, or the dynamic table goes out of step (then the decoder fails for good).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tlsdissect/byte_reader.hpp"

namespace tlsdissect {

// The dynamic table size a peer may ask for (SETTINGS_HEADER_TABLE_SIZE is 4096 unless
// the receiver announced more; a larger size update is refused) and the header block
// collected from HEADERS and CONTINUATION frames at most.
inline constexpr std::size_t kHpackMaxTableSize = 65'536;
inline constexpr std::size_t kMaxHttp2HeaderBlock = 65'536;

class HpackDecoder {
public:
    HpackDecoder();
    ~HpackDecoder();
    HpackDecoder(const HpackDecoder&) = delete;
    HpackDecoder& operator=(const HpackDecoder&) = delete;

    // One whole header block; false (and `error` set) when it cannot be decoded, after
    // which the decoder stays failed.
    bool decode(Bytes block, std::vector<std::pair<std::string, std::string>>& fields, std::string& error);
    bool failed() const { return failed_; }
    // The direction lost a header block: its dynamic table can no longer be followed.
    void give_up() { failed_ = true; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool failed_ = false;
};

}  // namespace tlsdissect
