// HTTP CONNECT (RFC 9110 section 9.3.6): the client asks an HTTP proxy for a tunnel to
// "host:port"; a 2xx answer makes the rest of the connection the client's conversation
// with that host (normally TLS). A refused request (407 Proxy Authentication Required,
// with its body) may be followed by another CONNECT on the same connection.
#include <string>

#include "http/http.hpp"
#include "proxy/proxy.hpp"
#include "proxy/proxy_common.hpp"
#include "transport/message_application.hpp"

namespace tlsdissect {

namespace {

// Longest message head shown; a longer one is cut there (proxies refuse them too).
constexpr std::size_t kMaxHead = 16 * 1024;

constexpr FieldDef kBody{"http.file_data", "File Data", FieldType::Bytes};

std::string_view text_of(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// The value of header `name` in a message head, or empty.
std::string_view header_value(std::string_view head, std::string_view name) {
    std::size_t at = head.find("\r\n");
    while (at != std::string_view::npos && at + 2 < head.size()) {
        const std::size_t start = at + 2;
        const std::size_t end = head.find("\r\n", start);
        std::string_view line = head.substr(start, end == std::string_view::npos ? end : end - start);
        if (line.size() > name.size() && line[name.size()] == ':' && ascii_iequals(line.substr(0, name.size()), name))
            return trim_blanks(line.substr(name.size() + 1));
        at = end;
    }
    return {};
}

class HttpConnect final : public MessageApplication {
public:
    explicit HttpConnect(int client) : MessageApplication(client) {}

    void on_stream_event(int side, const StreamEvent& e, PacketContext& ctx) override {
        feed(side, e, ctx, [&](Bytes head) { return shape(side, head); },
             [&](const AssembledPdu& pdu) { on_message(side, pdu, ctx); });
    }

private:
    PduShape shape(int side, Bytes head) const {
        const std::uint64_t body = body_left_[side & 1];
        if (body) return PduShape::pdu(body, body < kMaxHead ? body : kMaxHead);
        return terminated_shape(head, "\r\n\r\n", kMaxHead);
    }

    void on_message(int side, const AssembledPdu& pdu, PacketContext& ctx) {
        ByteReader reader;
        const std::uint16_t source = message_bytes(pdu, reader, ctx, "http");
        if (body_left_[side & 1]) {
            body_left_[side & 1] = 0;
            if (ctx.root) {
                Bytes b = reader.rest();
                NodeRef layer = ctx.root.add(kHttpLayer, std::monostate{}, reader.offset(), pdu.length, source);
                layer.add_bytes(kBody, b, reader.offset(), pdu.length);
            }
            show_info(ctx, "HTTP", "Continuation");
            return;
        }
        const std::string_view head = text_of(reader.rest());
        std::string first;
        if (ctx.root) {
            first = HttpStream::dissect_message(reader, ctx.root, source);
        } else {
            first = std::string(head.substr(0, head.find("\r\n")));
        }
        show_info(ctx, "HTTP", first);
        if (is_client(side)) {
            on_request(first, ctx);
        } else {
            on_response(first, head, side, pdu);
        }
    }

    void on_request(std::string_view line, const PacketContext& ctx) {
        // "CONNECT host:port HTTP/1.1"
        const std::size_t sp1 = line.find(' ');
        const std::size_t sp2 = line.rfind(' ');
        if (sp1 == std::string_view::npos || sp2 <= sp1 || line.substr(0, sp1) != "CONNECT") {
            asked_.reset();
            return;
        }
        asked_ = proxy_note("http-connect", line.substr(sp1 + 1, sp2 - sp1 - 1), ctx.frame.number);
    }

    void on_response(std::string_view line, std::string_view head, int side, const AssembledPdu& pdu) {
        // "HTTP/1.1 200 Connection established"
        const std::size_t sp1 = line.find(' ');
        const std::string_view code = sp1 == std::string_view::npos ? std::string_view{} : line.substr(sp1 + 1, 3);
        if (code.size() == 3 && code[0] == '2' && asked_) {
            hand_over_to_next_payload(std::move(*asked_), used_through(pdu));
            asked_.reset();
            return;
        }
        // A refusal's body comes next (Content-Length; a 1xx has none).
        std::uint64_t length = 0;
        if (parse_decimal(header_value(head, "Content-Length"), length) && !(code.size() == 3 && code[0] == '1'))
            body_left_[side & 1] = length;
    }

    std::optional<HandOverNote> asked_;
    std::uint64_t body_left_[2] = {0, 0};
};

}  // namespace

std::unique_ptr<TcpApplication> make_http_connect(int client) { return std::make_unique<HttpConnect>(client); }

}  // namespace tlsdissect
