// HTTP inside decrypted TLS: HTTP/1.x request and status lines and header fields
// (RFC 9112 sections 3-5), and HTTP/2's connection preface and frame headers
// (RFC 9113 sections 3.4 and 4.1). One HttpStream per direction of a connection keeps
// what spans records (an HTTP/2 frame continuing in the next record).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/field.hpp"
#include "http/hpack.hpp"

namespace tlsdissect {

class HttpStream {
public:
    // Dissects one decrypted application-data record into `parent` (a layer node).
    // Returns the request or status line it began with, if any (for the Info column and
    // the sessions model); `h2` is true once HTTP/2 is seen in either direction.
    // The layer node goes under `parent` with offsets into data source `source`.
    std::string dissect(ByteReader data, NodeRef parent, std::uint16_t source, bool& h2);

    // The JA4H of each request whose head the last dissect() call completed (an HTTP/1.x
    // head, HTTP/2 header blocks with :method); empty when it completed none.
    const std::vector<std::string>& ja4h() const { return ja4h_; }

    // Does this look like the start of HTTP (a request line, a status line or the HTTP/2 preface)?
    static bool looks_like_http(Bytes data);

private:
    std::string http1(ByteReader& data, NodeRef parent);
    void http2_frames(ByteReader& data, NodeRef parent);
    // A whole HEADERS, PUSH_PROMISE or CONTINUATION frame's payload: its header block
    // fragment is collected until END_HEADERS, then decoded (HPACK) into `layer`.
    void http2_header_frame(std::uint8_t type, std::uint8_t flags, Bytes payload, NodeRef layer, std::size_t at);

    bool in_body_ = false;             // HTTP/1.x: past the header block
    std::vector<std::string> ja4h_;
    std::uint64_t h2_left_ = 0;        // HTTP/2: bytes of a frame payload still to come
    // HTTP/2 header blocks: the frame being completed across records (type, flags, the
    // payload so far), the block collected until END_HEADERS, this direction's decoder.
    std::uint8_t h2_type_ = 0, h2_flags_ = 0;
    std::vector<std::uint8_t> h2_frame_, h2_block_;
    bool h2_block_too_long_ = false;
    std::unique_ptr<HpackDecoder> hpack_;
};

}  // namespace tlsdissect
