// HTTP/1.x message heads and HTTP/2 frame headers from decrypted TLS records.
#include "http/http.hpp"

#include "http/ja4h.hpp"
#include "tlsdissect/text.hpp"

#include <cstring>
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

std::string HttpStream::dissect(ByteReader data, NodeRef parent, std::uint16_t source, bool& h2) {
    ja4h_.clear();
    Bytes all = data.rest();
    std::string_view t = as_text(all);
    if (t.rfind(kPreface, 0) == 0) {
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
    if (looks_like_http(all)) {
        NodeRef layer = parent.add(kHttp, std::monostate{}, data.offset(), data.reported_remaining(), source);
        return http1(data, layer);
    }
    if (!data.empty()) {
        NodeRef layer = parent.add(kHttp, std::monostate{}, data.offset(), data.reported_remaining(), source);
        Bytes b = data.take_rest().rest();
        layer.add(kBody, ByteString{{b.begin(), b.end()}}, data.offset() - b.size(), b.size());
    }
    return {};
}

// RFC 9112 section 2.1: start-line CRLF *( field-line CRLF ) CRLF [ message-body ].
std::string HttpStream::http1(ByteReader& data, NodeRef layer) {
    std::string first;
    bool first_line = true;
    in_body_ = false;
    HttpRequestHead request;
    while (!data.empty()) {
        Bytes rest = data.rest();
        std::string_view t = as_text(rest);
        const std::size_t eol = t.find("\r\n");
        if (eol == std::string_view::npos) {
            // A head that continues in the next record, or a bare-LF sender: shown as text.
            layer.add(kHeader, std::string(t), data.offset(), t.size()).set_text(escape_nonprintable(t) + " [continues]");
            (void)data.bytes(t.size());
            return first;
        }
        const std::size_t at = data.offset();
        std::string_view line = t.substr(0, eol);
        (void)data.bytes(eol + 2);
        if (line.empty()) {
            in_body_ = true;
            layer.add(kHeader, std::string(), at, 2).set_text("\\r\\n");
            if (!request.version.empty()) {
                std::string raw;
                ja4h_.push_back(tlsdissect::ja4h(request, layer ? &raw : nullptr));
                layer.add_generated(kJa4h, ja4h_.back()).add_generated(kJa4hRaw, raw).set_hidden();
            }
            break;
        }
        if (first_line) {
            first_line = false;
            first = std::string(line);
            if (line.rfind("HTTP/", 0) == 0) {
                NodeRef n = layer.add(kResponseLine, first, at, eol + 2).set_text(escape_nonprintable(line) + "\\r\\n");
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
                NodeRef n = layer.add(kRequestLine, first, at, eol + 2).set_text(escape_nonprintable(line) + "\\r\\n");
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
        NodeRef h = layer.add(kHeader, std::string(line), at, eol + 2).set_text(escape_nonprintable(line) + "\\r\\n");
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
            std::uint64_t v = 0;
            bool ok = !value.empty() && value.size() <= 18;
            for (char c : value) ok = ok && c >= '0' && c <= '9', v = v * 10 + static_cast<std::uint64_t>(c - '0');
            if (ok) h.add(kContentLength, v, at + colon + 1, line.size() - colon - 1).set_hidden();
        }
    }
    if (!data.empty()) {
        Bytes b = data.rest();
        layer.add(kBody, ByteString{{b.begin(), b.end()}}, data.offset(), b.size());
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
            layer.add(kH2Continued, ByteString{{b->begin(), b->end()}}, at, n);
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
            layer.add(kH2Continued, ByteString{{b.begin(), b.end()}}, at, b.size())
                .set_text("Frame header continues in the next record");
            h2_left_ = 0;
            return;
        }
        std::string type_name(name_of(kH2Types, *type));
        if (type_name.empty()) type_name = "Unknown (" + std::to_string(*type) + ")";
        const std::uint32_t id = *stream & 0x7fffffffu;
        NodeRef f = layer.add(kH2Stream, std::monostate{}, at, 9 + *length);
        f.set_text("Stream: " + type_name + ", Stream ID: " + std::to_string(id) + ", Length " + std::to_string(*length));
        f.add(kH2Length, std::uint64_t(*length), at, 3);
        f.add(kH2Type, std::uint64_t(*type), at + 3, 1);
        f.add(kH2Flags, std::uint64_t(*flags), at + 4, 1);
        f.add(kH2StreamId, std::uint64_t(id), at + 5, 4);
        const std::size_t here = data.remaining() < *length ? data.remaining() : *length;
        Bytes payload;
        if (auto p = data.bytes(here)) {
            payload = *p;
            if (here) f.add(kH2Payload, ByteString{{p->begin(), p->end()}}, at + 9, here);
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
        if (h) h.set_text("Header: " + escape_nonprintable(name) + ": " + escape_nonprintable(value));
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
