// HTTP inside decrypted TLS: HTTP/1.x request and status lines and header fields
// (RFC 9112 sections 3-5), and HTTP/2's connection preface and frame headers
// (RFC 9113 sections 3.4 and 4.1). One HttpStream per direction of a connection keeps
// what spans records: an HTTP/1.x message whose head (and Content-Length body) comes in
// several records is kept until its last byte and shown once, in the frame that
// completes it, as Wireshark reassembles it; an HTTP/2 frame continuing in the next record.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/field.hpp"
#include "http/hpack.hpp"

namespace tlsdissect {

// A message kept for reassembly is at most this long: a longer Content-Length body is
// not kept (the head is shown once complete, the body as it comes), nor a head longer
// than this (shown as it is, its lines marked as continuing).
inline constexpr std::size_t kMaxHttpReassembly = 256 * 1024;
// Request methods remembered for their responses (a response to HEAD has no body).
inline constexpr std::size_t kMaxHttpPendingRequests = 64;

// What the two directions of a connection share: the methods of requests not answered yet.
struct HttpExchange {
    std::deque<std::string> methods;
};

class HttpStream {
public:
    // Dissects one decrypted application-data record of frame `frame`. A message that
    // ends in it goes under `parent` as a layer node (offsets into data source `source`,
    // or into a reassembled source of its own when it began in earlier records); a
    // message that goes on in later records leaves a "TLS segment data" node under
    // `record`. Returns the request or status line of the first message shown, if any
    // (for the Info column and the sessions model); `h2` is true once HTTP/2 is seen in
    // either direction.
    std::string dissect(ByteReader data, NodeRef parent, NodeRef record, std::uint16_t source, std::uint64_t frame,
                        HttpExchange& exchange, bool& h2);

    // One HTTP/1.x message that the caller framed itself (a proxy's CONNECT exchange), as
    // a layer node under `parent`; returns its request or status line.
    // `ja4h`: where the JA4H of a request head goes (null: only the tree).
    static std::string dissect_message(ByteReader data, NodeRef parent, std::uint16_t source,
                                       std::vector<std::string>* ja4h = nullptr);

    // The JA4H of each request whose head the last dissect() call completed (an HTTP/1.x
    // head, HTTP/2 header blocks with :method); empty when it completed none.
    const std::vector<std::string>& ja4h() const { return ja4h_; }

    // Does this look like the start of HTTP (a request line, a status line or the HTTP/2 preface)?
    static bool looks_like_http(Bytes data);
    std::size_t buffered() const { return pending_.capacity(); }

private:
    struct Framing {
        bool head_complete = false;
        std::size_t length = 0;        // the message's bytes to keep: head, and body when it is kept
        std::uint64_t body_after = 0;  // body bytes not kept (over kMaxHttpReassembly)
    };
    static Framing frame_message(Bytes buffer, const HttpExchange& exchange);
    std::string message(ByteReader data, NodeRef parent, std::uint16_t source, HttpExchange& exchange);
    // `ja4h`: where the JA4H of a request head goes (null: only the tree).
    static std::string http1(ByteReader& data, NodeRef parent, std::vector<std::string>* ja4h);
    void http2_frames(ByteReader& data, NodeRef parent);
    // A whole HEADERS, PUSH_PROMISE or CONTINUATION frame's payload: its header block
    // fragment is collected until END_HEADERS, then decoded (HPACK) into `layer`.
    void http2_header_frame(std::uint8_t type, std::uint8_t flags, Bytes payload, NodeRef layer, std::size_t at);

    std::vector<std::uint8_t> pending_;  // an HTTP/1.x message begun in earlier records
    std::vector<std::pair<std::uint64_t, std::size_t>> pieces_;  // its frames and their byte counts
    std::uint64_t body_left_ = 0;        // body bytes still to come of a message already shown
    std::uint64_t h2_left_ = 0;          // HTTP/2: bytes of a frame payload still to come
    std::vector<std::string> ja4h_;
    // HTTP/2 header blocks: the frame being completed across records (type, flags, the
    // payload so far), the block collected until END_HEADERS, this direction's decoder.
    std::uint8_t h2_type_ = 0, h2_flags_ = 0;
    std::vector<std::uint8_t> h2_frame_, h2_block_;
    bool h2_block_too_long_ = false;
    std::unique_ptr<HpackDecoder> hpack_;
};

}  // namespace tlsdissect
