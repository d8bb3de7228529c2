// HTTP/1.x message heads and HTTP/2 frame headers from decrypted TLS records.
#include "http/http.hpp"

#include "http/ja4h.hpp"
#include "tlsdissect/text.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

namespace tlsdissect {

namespace {

constexpr FieldDef kHttp{"http", "Hypertext Transfer Protocol", FieldType::Protocol};
constexpr FieldDef kRequestLine{"http.request.line", "Request Line", FieldType::String};
constexpr FieldDef kRequestMethod{"http.request.method", "Request Method", FieldType::String};
constexpr FieldDef kRequestUri{"http.request.uri", "Request URI", FieldType::String};
constexpr FieldDef kRequestVersion{"http.request.version", "Request Version", FieldType::String};
constexpr FieldDef kResponseLine{"http.response.line", "Status Line", FieldType::String};
constexpr FieldDef kResponseVersion{"http.response.version", "Response Version", FieldType::String};
constexpr FieldDef kResponseCode{"http.response.code", "Status Code", FieldType::UInt};
constexpr FieldDef kResponsePhrase{"http.response.phrase", "Response Phrase", FieldType::String};
constexpr FieldDef kHeader{"http.header", "Header", FieldType::String};
constexpr FieldDef kHost{"http.host", "Host", FieldType::String};
constexpr FieldDef kContentType{"http.content_type", "Content-Type", FieldType::String};
constexpr FieldDef kContentLength{"http.content_length", "Content-Length", FieldType::UInt};
constexpr FieldDef kServer{"http.server", "Server", FieldType::String};
constexpr FieldDef kUserAgent{"http.user_agent", "User-Agent", FieldType::String};
// Not in tshark 4.0: the request's JA4H and its text before hashing (ja4h.hpp),
// generated after the head.
constexpr FieldDef kJa4h{"http.ja4h", "JA4H", FieldType::String};
constexpr FieldDef kJa4hRaw{"http.ja4h_r", "JA4H_r", FieldType::String};
constexpr FieldDef kBody{"http.file_data", "File Data", FieldType::Bytes};
constexpr FieldDef kBadLine{"http.malformed", "Malformed HTTP", FieldType::Expert, Base::None, {}, 0, 0, {},
                            Severity::Warn};

// Wireshark files the pieces of a PDU reassembled from decrypted records under tls.*.
constexpr FieldDef kSegmentData{"tls.segment.data", "TLS segment data", FieldType::Bytes};
constexpr FieldDef kSegments{"tls.segments", "Reassembled TLS segments", FieldType::None};
constexpr FieldDef kSegment{"tls.segment", "TLS segment", FieldType::FrameNum};
constexpr FieldDef kSegmentCount{"tls.segment.count", "Segment count", FieldType::UInt};
constexpr FieldDef kReassembledLength{"tls.reassembled.length", "Reassembled TLS length", FieldType::UInt};

constexpr FieldDef kHttp2{"http2", "HyperText Transfer Protocol 2", FieldType::Protocol};
constexpr FieldDef kH2Magic{"http2.magic", "Magic", FieldType::String};
constexpr FieldDef kH2Stream{"http2.stream", "Stream", FieldType::None};
constexpr FieldDef kH2Length{"http2.length", "Length", FieldType::UInt};
constexpr ValueName kH2Types[] = {{0, "DATA"},         {1, "HEADERS"},       {2, "PRIORITY"}, {3, "RST_STREAM"},
                                  {4, "SETTINGS"},     {5, "PUSH_PROMISE"},  {6, "PING"},     {7, "GOAWAY"},
                                  {8, "WINDOW_UPDATE"}, {9, "CONTINUATION"}, {16, "ORIGIN"},  {10, "ALTSVC"}};
constexpr FieldDef kH2Type{"http2.type", "Type", FieldType::UInt, Base::Dec, kH2Types, 0, 8};
constexpr FieldDef kH2Flags{"http2.flags", "Flags", FieldType::UInt, Base::Hex, {}, 0, 8};
constexpr FieldDef kH2StreamId{"http2.streamid", "Stream Identifier", FieldType::UInt};
constexpr FieldDef kH2Payload{"http2.payload", "Payload", FieldType::Bytes};
constexpr FieldDef kH2Header{"http2.header", "Header", FieldType::None};
constexpr FieldDef kH2HeaderName{"http2.header.name", "Name", FieldType::String};
constexpr FieldDef kH2HeaderValue{"http2.header.value", "Value", FieldType::String};
constexpr FieldDef kH2Ja4h{"http2.ja4h", "JA4H", FieldType::String};
constexpr FieldDef kH2Ja4hRaw{"http2.ja4h_r", "JA4H_r", FieldType::String};
constexpr FieldDef kH2Continued{"http2.continuation_of_frame", "Continuation of a frame", FieldType::Bytes};

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::string_view kMethods[] = {"GET ",   "POST ",  "HEAD ",    "PUT ",   "DELETE ",
                                         "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "};

bool is_header_frame(std::uint8_t type) { return type == 1 || type == 5 || type == 9; }

std::string_view as_text(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// A Content-Length value (RFC 9110 section 8.6): 1*DIGIT, at most 18 of them here.
std::optional<std::uint64_t> content_length(std::string_view value) {
    std::uint64_t v = 0;
    bool ok = !value.empty() && value.size() <= 18;
    for (char c : value) ok = ok && c >= '0' && c <= '9', v = v * 10 + static_cast<std::uint64_t>(c - '0');
    return ok ? std::optional<std::uint64_t>(v) : std::nullopt;
}

// The piece of a message that goes on in a later record, under the record it came in.
void add_segment_data(NodeRef record, Bytes piece, std::size_t offset) {
    record.add_bytes(kSegmentData, piece, offset, piece.size())
        .set_text("TLS segment data (", piece.size(), " bytes)");
}

}  // namespace

bool HttpStream::looks_like_http(Bytes data) {
    std::string_view t = as_text(data);
    if (t.substr(0, kPreface.size()) == kPreface.substr(0, t.size() < kPreface.size() ? t.size() : kPreface.size()) &&
        t.size() >= 4)
        return true;
    if (t.rfind("HTTP/1.", 0) == 0) return true;
    for (auto m : kMethods)
        if (t.rfind(m, 0) == 0) return true;
    return false;
}

std::string HttpStream::dissect(ByteReader data, NodeRef parent, NodeRef record, std::uint16_t source,
                                std::uint64_t frame, HttpExchange& exchange, bool& h2) {
    ja4h_.clear();
    Bytes all = data.rest();
    std::string_view t = as_text(all);
    // (ALPN h2 may have said HTTP/2 already: the preface is still the preface.)
    if (pending_.empty() && t.rfind(kPreface, 0) == 0) {
        h2 = true;
        NodeRef layer = parent.add(kHttp2, std::monostate{}, data.offset(), data.reported_remaining(), source);
        layer.add(kH2Magic, std::string(kPreface.substr(0, kPreface.size() - 8)), data.offset(), kPreface.size())
            .set_text("Magic: Connection Preface: PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n");
        (void)data.bytes(kPreface.size());
        http2_frames(data, layer);
        return {};
    }
    if (h2) {
        NodeRef layer = parent.add(kHttp2, std::monostate{}, data.offset(), data.reported_remaining(), source);
        http2_frames(data, layer);
        return {};
    }
    std::string first;
    auto note_first = [&first](std::string line) {
        if (first.empty()) first = std::move(line);
    };
    while (!data.empty()) {
        if (pending_.empty() && body_left_ > 0) {
            // The body of a message shown before it came (too long to keep).
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(body_left_, data.remaining()));
            const std::size_t at = data.offset();
            NodeRef layer = parent.add(kHttp, std::monostate{}, at, n, source);
            if (auto b = data.bytes(n)) layer.add_bytes(kBody, *b, at, n);
            body_left_ -= n;
            continue;
        }
        Bytes rest = data.rest();
        if (pending_.empty()) {
            if (!looks_like_http(rest)) {
                NodeRef layer = parent.add(kHttp, std::monostate{}, data.offset(), data.reported_remaining(), source);
                layer.add_bytes(kBody, rest, data.offset(), rest.size());
                break;
            }
            const Framing f = frame_message(rest, exchange);
            if (f.head_complete && f.length <= rest.size()) {
                // The whole message (or its head, when the body is not kept) is in this record.
                body_left_ = f.body_after;
                note_first(message(*data.child(f.length), parent, source, exchange));
                continue;
            }
            if (rest.size() > kMaxHttpReassembly) {
                note_first(message(data.take_rest(), parent, source, exchange));
                break;
            }
            pending_.assign(rest.begin(), rest.end());
            pieces_.assign(1, {frame, rest.size()});
            add_segment_data(record, rest, data.offset());
            break;
        }
        // Continue the message begun in earlier records.
        const std::size_t before = pending_.size();
        pending_.insert(pending_.end(), rest.begin(), rest.end());
        const Framing f = frame_message(pending_, exchange);
        const bool complete = f.head_complete && f.length <= pending_.size();
        if (!complete && pending_.size() <= kMaxHttpReassembly) {
            pieces_.push_back({frame, rest.size()});
            add_segment_data(record, rest, data.offset());
            break;
        }
        // Complete, or too long to keep: shown now, from the bytes kept.
        const std::size_t length = complete ? f.length : pending_.size();
        pending_.resize(length);
        const std::size_t used = length - before;
        pieces_.push_back({frame, used});
        body_left_ = complete ? f.body_after : 0;
        const std::size_t at = data.offset();
        (void)data.bytes(used);
        if (record) add_segment_data(record, rest.first(used), at);
        std::vector<std::uint8_t> whole = std::move(pending_);
        pending_ = {};
        std::string list;
        for (const auto& [fr, n] : pieces_) list += (list.empty() ? "#" : ", #") + std::to_string(fr) + "(" + std::to_string(n) + ")";
        const std::string label = std::to_string(pieces_.size()) + " Reassembled TLS segments (" +
                                  std::to_string(length) + " bytes): " + list;
        if (!parent) {
            ByteReader r{Bytes(whole)};
            note_first(message(r, parent, 0, exchange));
        } else {
            Tree& tree = *parent.tree();
            const std::uint16_t src = tree.add_source("Reassembled TLS (" + std::to_string(length) + " bytes)", std::move(whole));
            NodeRef note = parent.add(kSegments, std::monostate{}, 0, length, src);
            note.set_text(label).set_generated();
            for (const auto& [fr, n] : pieces_) note.add_generated(kSegment, std::uint64_t(fr));
            note.add_generated(kSegmentCount, std::uint64_t(pieces_.size()));
            note.add_generated(kReassembledLength, std::uint64_t(length));
            note_first(message(ByteReader(tree.source_bytes(src), 0), parent, src, exchange));
        }
        pieces_.clear();
    }
    return first;
}

// The extent of the HTTP/1.x message at the start of `buffer` (RFC 9112 section 6.3): the
// head up to its empty line, then a Content-Length body. No body: a response to HEAD, a
// 1xx, 204 or 304 response, a message without Content-Length (a chunked body is shown
// as it comes, not reassembled; a response without a length would end at the close).
HttpStream::Framing HttpStream::frame_message(Bytes buffer, const HttpExchange& exchange) {
    Framing f;
    const std::string_view t = as_text(buffer);
    const std::size_t end = t.find("\r\n\r\n");
    if (end == std::string_view::npos) return f;
    f.head_complete = true;
    f.length = end + 4;
    const std::string_view head = t.substr(0, end);
    const bool response = head.rfind("HTTP/", 0) == 0;
    if (response) {
        const std::size_t sp = head.find(' ');
        const std::string_view code = sp == std::string_view::npos ? std::string_view() : head.substr(sp + 1, 3);
        if (code.size() == 3 && (code[0] == '1' || code == "204" || code == "304")) return f;
        if (!exchange.methods.empty() && exchange.methods.front() == "HEAD") return f;
    }
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos) {
        const std::size_t next = head.find("\r\n", pos + 2);
        const std::string_view line = head.substr(pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
        pos = next;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !ascii_iequals(line.substr(0, colon), "Content-Length")) continue;
        const auto v = content_length(trim_blanks(line.substr(colon + 1)));
        if (!v) return f;
        if (*v > kMaxHttpReassembly - f.length)
            f.body_after = *v;
        else
            f.length += static_cast<std::size_t>(*v);
        return f;
    }
    return f;
}

std::string HttpStream::dissect_message(ByteReader data, NodeRef parent, std::uint16_t source,
                                        std::vector<std::string>* ja4h) {
    NodeRef layer = parent.add(kHttp, std::monostate{}, data.offset(), data.reported_remaining(), source);
    return http1(data, layer, ja4h);
}

// One HTTP/1.x message (or the start of one that could not be kept), as a layer node.
std::string HttpStream::message(ByteReader data, NodeRef parent, std::uint16_t source, HttpExchange& exchange) {
    std::string line = dissect_message(data, parent, source, &ja4h_);
    if (line.rfind("HTTP/", 0) == 0) {
        // A final response answers the oldest request; a 1xx one does not.
        if (!exchange.methods.empty() && !(line.size() > 9 && line[9] == '1')) exchange.methods.pop_front();
    } else if (!line.empty()) {
        if (exchange.methods.size() >= kMaxHttpPendingRequests) exchange.methods.pop_front();
        exchange.methods.push_back(line.substr(0, line.find(' ')));
    }
    return line;
}

// RFC 9112 section 2.1: start-line CRLF *( field-line CRLF ) CRLF [ message-body ].
std::string HttpStream::http1(ByteReader& data, NodeRef layer, std::vector<std::string>* ja4h) {
    std::string first;
    bool first_line = true;
    HttpRequestHead request;
    while (!data.empty()) {
        Bytes rest = data.rest();
        std::string_view t = as_text(rest);
        const std::size_t eol = t.find("\r\n");
        if (eol == std::string_view::npos) {
            // A head that continues in the next record, or a bare-LF sender: shown as text.
            layer.add(kHeader, std::string(t), data.offset(), t.size()).set_text(escape_nonprintable(t), " [continues]");
            (void)data.bytes(t.size());
            return first;
        }
        const std::size_t at = data.offset();
        std::string_view line = t.substr(0, eol);
        (void)data.bytes(eol + 2);
        if (line.empty()) {
            layer.add(kHeader, std::string(), at, 2).set_text("\\r\\n");
            if (!request.version.empty()) {
                std::string raw;
                std::string fingerprint = tlsdissect::ja4h(request, layer ? &raw : nullptr);
                layer.add_generated(kJa4h, fingerprint).add_generated(kJa4hRaw, raw).set_hidden();
                if (ja4h) ja4h->push_back(std::move(fingerprint));
            }
            break;
        }
        if (first_line) {
            first_line = false;
            first = std::string(line);
            if (line.rfind("HTTP/", 0) == 0) {
                NodeRef n = layer.add(kResponseLine, first, at, eol + 2).set_text(escape_nonprintable(line), "\\r\\n");
                const std::size_t sp1 = line.find(' ');
                const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
                if (sp1 == std::string_view::npos) {
                    n.expert(kBadLine, "status line without a status code");
                    continue;
                }
                n.add(kResponseVersion, std::string(line.substr(0, sp1)), at, sp1);
                std::string_view code = line.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - sp1 - 1);
                std::uint64_t v = 0;
                bool digits = code.size() == 3;
                for (char c : code) digits = digits && c >= '0' && c <= '9', v = v * 10 + static_cast<std::uint64_t>(c - '0');
                if (digits)
                    n.add(kResponseCode, v, at + sp1 + 1, 3);
                else
                    n.expert(kBadLine, "the status code is not three digits");
                if (sp2 != std::string_view::npos)
                    n.add(kResponsePhrase, std::string(line.substr(sp2 + 1)), at + sp2 + 1, line.size() - sp2 - 1);
            } else {
                NodeRef n = layer.add(kRequestLine, first, at, eol + 2).set_text(escape_nonprintable(line), "\\r\\n");
                const std::size_t sp1 = line.find(' ');
                const std::size_t sp2 = line.rfind(' ');
                if (sp1 == std::string_view::npos || sp2 == sp1) {
                    n.expert(kBadLine, "request line without a target and version");
                    continue;
                }
                n.add(kRequestMethod, std::string(line.substr(0, sp1)), at, sp1);
                n.add(kRequestUri, std::string(line.substr(sp1 + 1, sp2 - sp1 - 1)), at + sp1 + 1, sp2 - sp1 - 1);
                n.add(kRequestVersion, std::string(line.substr(sp2 + 1)), at + sp2 + 1, line.size() - sp2 - 1);
                request.method = std::string(line.substr(0, sp1));
                request.version = ja4h_version(line.substr(sp2 + 1));
            }
            continue;
        }
        NodeRef h = layer.add(kHeader, std::string(line), at, eol + 2).set_text(escape_nonprintable(line), "\\r\\n");
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            h.expert(kBadLine, "header line without a colon");
            continue;
        }
        std::string_view name = line.substr(0, colon), value = trim_blanks(line.substr(colon + 1));
        if (!request.version.empty()) request.fields.emplace_back(name, value);
        const FieldDef* known = ascii_iequals(name, "Host")             ? &kHost
                                : ascii_iequals(name, "Content-Type")   ? &kContentType
                                : ascii_iequals(name, "Server")         ? &kServer
                                : ascii_iequals(name, "User-Agent")     ? &kUserAgent
                                : nullptr;
        if (known) h.add(*known, std::string(value), at + colon + 1, line.size() - colon - 1).set_hidden();
        if (ascii_iequals(name, "Content-Length")) {
            if (const auto v = content_length(value))
                h.add(kContentLength, *v, at + colon + 1, line.size() - colon - 1).set_hidden();
        }
    }
    if (!data.empty()) {
        Bytes b = data.rest();
        layer.add_bytes(kBody, b, data.offset(), b.size());
        data.take_rest();
    }
    return first;
}

// RFC 9113 section 4.1:
//   HTTP Frame { Length (24), Type (8), Flags (8), Reserved (1), Stream Identifier (31),
//                Frame Payload (..) }
void HttpStream::http2_frames(ByteReader& data, NodeRef layer) {
    if (h2_left_ > 0) {
        const std::size_t n = data.remaining() < h2_left_ ? data.remaining() : static_cast<std::size_t>(h2_left_);
        const std::size_t at = data.offset();
        if (auto b = data.bytes(n)) {
            layer.add_bytes(kH2Continued, *b, at, n);
            if (is_header_frame(h2_type_)) {
                if (h2_frame_.size() + n <= kMaxHttp2HeaderBlock)
                    h2_frame_.insert(h2_frame_.end(), b->begin(), b->end());
                else
                    h2_block_too_long_ = true;
            }
        }
        h2_left_ -= n;
        if (h2_left_ == 0 && is_header_frame(h2_type_)) {
            const std::vector<std::uint8_t> payload = std::move(h2_frame_);
            h2_frame_.clear();
            http2_header_frame(h2_type_, h2_flags_, Bytes(payload), layer, at);
        }
    }
    while (!data.empty()) {
        const std::size_t at = data.offset();
        auto length = data.u24();
        auto type = data.u8();
        auto flags = data.u8();
        auto stream = data.u32();
        if (!stream) {
            // A frame header split across records: the rest of the record is its start.
            Bytes b = data.take_rest().rest();
            layer.add_bytes(kH2Continued, b, at, b.size())
                .set_text("Frame header continues in the next record");
            h2_left_ = 0;
            return;
        }
        std::string type_name(name_of(kH2Types, *type));
        if (type_name.empty()) type_name = "Unknown (" + std::to_string(*type) + ")";
        const std::uint32_t id = *stream & 0x7fffffffu;
        NodeRef f = layer.add(kH2Stream, std::monostate{}, at, 9 + *length);
        f.set_text("Stream: ", type_name, ", Stream ID: ", id, ", Length ", *length);
        f.add(kH2Length, std::uint64_t(*length), at, 3);
        f.add(kH2Type, std::uint64_t(*type), at + 3, 1);
        f.add(kH2Flags, std::uint64_t(*flags), at + 4, 1);
        f.add(kH2StreamId, std::uint64_t(id), at + 5, 4);
        const std::size_t here = data.remaining() < *length ? data.remaining() : *length;
        Bytes payload;
        if (auto p = data.bytes(here)) {
            payload = *p;
            if (here) f.add_bytes(kH2Payload, *p, at + 9, here);
        }
        h2_left_ = *length - here;
        h2_type_ = *type;
        h2_flags_ = *flags;
        if (!is_header_frame(*type)) continue;
        if (h2_left_ == 0) {
            http2_header_frame(*type, *flags, payload, f, at + 9);
        } else if (payload.size() <= kMaxHttp2HeaderBlock) {
            h2_frame_.assign(payload.begin(), payload.end());
        } else {
            h2_block_too_long_ = true;
        }
    }
}

// RFC 9113 sections 6.2, 6.6 and 6.10:
//   HEADERS { [Pad Length (8)], [Exclusive (1), Stream Dependency (31), Weight (8)],
//             Field Block Fragment (..), Padding (..) }
//   PUSH_PROMISE { [Pad Length (8)], Reserved (1), Promised Stream ID (31),
//                  Field Block Fragment (..), Padding (..) }
//   CONTINUATION { Field Block Fragment (..) }
// The block ends with the frame that has END_HEADERS (0x4). A request's block (one with
// :method) gets its JA4H.
void HttpStream::http2_header_frame(std::uint8_t type, std::uint8_t flags, Bytes payload, NodeRef node,
                                    std::size_t at) {
    constexpr std::uint8_t kEndHeaders = 0x4, kPadded = 0x8, kPriority = 0x20;
    ByteReader r(payload);
    std::size_t padding = 0;
    if (type != 9 && (flags & kPadded)) padding = r.u8().value_or(0);
    if (type == 1 && (flags & kPriority)) (void)r.bytes(5);
    if (type == 5) (void)r.bytes(4);
    if (padding > r.remaining()) {
        node.expert(kBadLine, "HTTP/2 padding longer than the frame");
        h2_block_too_long_ = true;
    } else if (auto fragment = r.bytes(r.remaining() - padding)) {
        if (h2_block_.size() + fragment->size() <= kMaxHttp2HeaderBlock)
            h2_block_.insert(h2_block_.end(), fragment->begin(), fragment->end());
        else
            h2_block_too_long_ = true;
    }
    if (!(flags & kEndHeaders)) return;
    const std::vector<std::uint8_t> block = std::move(h2_block_);
    h2_block_.clear();
    if (!hpack_) hpack_ = std::make_unique<HpackDecoder>();
    std::vector<std::pair<std::string, std::string>> fields;
    std::string error;
    if (h2_block_too_long_) {
        // The dynamic table cannot follow a block that was not read whole.
        h2_block_too_long_ = false;
        node.expert(kBadLine, "HTTP/2 header block longer than " + std::to_string(kMaxHttp2HeaderBlock) +
                                  " bytes: not decoded, nor any later one of this direction");
        hpack_->give_up();
        return;
    }
    if (!hpack_->decode(Bytes(block), fields, error)) {
        node.expert(kBadLine, "HTTP/2 header block not decoded (HPACK): " + error);
        return;
    }
    std::string_view method;
    for (const auto& [name, value] : fields) {
        NodeRef h = node.add(kH2Header, std::monostate{}, at, 0);
        if (h) h.set_text("Header: ", escape_nonprintable(name), ": ", escape_nonprintable(value));
        h.add(kH2HeaderName, name, at, 0);
        h.add(kH2HeaderValue, value, at, 0);
        if (name == ":method") method = value;
    }
    if (method.empty()) return;
    std::string raw;
    ja4h_.push_back(tlsdissect::ja4h(HttpRequestHead{std::string(method), "20", fields}, node ? &raw : nullptr));
    node.add_generated(kH2Ja4h, ja4h_.back()).add_generated(kH2Ja4hRaw, raw).set_hidden();
}

}  // namespace tlsdissect
