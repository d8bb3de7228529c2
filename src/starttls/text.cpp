// The line-based protocols with a STARTTLS-style upgrade: SMTP (RFC 3207: STARTTLS,
// 220), POP3 (RFC 2595: STLS, +OK), IMAP (RFC 3501: tag STARTTLS, tag OK), FTP (RFC
// 4217: AUTH TLS, 234), NNTP (RFC 4642: STARTTLS, 382) and ManageSieve (RFC 5804:
// STARTTLS, OK). Each line is shown in the layer of its protocol with the field names of
// Wireshark's dissectors; after the server accepts the upgrade the connection is handed
// to TLS. A protocol not known from the port is told by the greeting, or for "220" (SMTP
// or FTP) by the client's first command.
#include <cctype>
#include <string>

#include "starttls/starttls.hpp"
#include "starttls/starttls_common.hpp"
#include "tlsdissect/text.hpp"
#include "transport/message_application.hpp"

namespace tlsdissect {

namespace {

// Longest line shown as one message (RFC 5321 allows 1000 with CRLF, IMAP more).
constexpr std::size_t kMaxLine = 4096;

constexpr FieldDef kSmtp{"smtp", "Simple Mail Transfer Protocol", FieldType::Protocol};
constexpr FieldDef kSmtpReq{"smtp.req", "Request", FieldType::Bool};
constexpr FieldDef kSmtpRsp{"smtp.rsp", "Response", FieldType::Bool};
constexpr FieldDef kSmtpCommandLine{"smtp.command_line", "Command Line", FieldType::String};
constexpr FieldDef kSmtpCommand{"smtp.req.command", "Command", FieldType::String};
constexpr FieldDef kSmtpParameter{"smtp.req.parameter", "Request parameter", FieldType::String};
constexpr FieldDef kSmtpResponse{"smtp.response", "Response", FieldType::String};
constexpr FieldDef kSmtpCode{"smtp.response.code", "Response code", FieldType::UInt};
constexpr FieldDef kSmtpRspParameter{"smtp.rsp.parameter", "Response parameter", FieldType::String};

constexpr FieldDef kFtp{"ftp", "File Transfer Protocol (FTP)", FieldType::Protocol};
constexpr FieldDef kFtpRequest{"ftp.request", "Request", FieldType::Bool};
constexpr FieldDef kFtpResponse{"ftp.response", "Response", FieldType::Bool};
constexpr FieldDef kFtpLine{"ftp.line", "Line", FieldType::String};
constexpr FieldDef kFtpCommand{"ftp.request.command", "Request command", FieldType::String};
constexpr FieldDef kFtpArg{"ftp.request.arg", "Request arg", FieldType::String};
constexpr FieldDef kFtpCode{"ftp.response.code", "Response code", FieldType::UInt};
constexpr FieldDef kFtpRspArg{"ftp.response.arg", "Response arg", FieldType::String};

constexpr FieldDef kPop{"pop", "Post Office Protocol", FieldType::Protocol};
constexpr FieldDef kPopRequest{"pop.request", "Request", FieldType::String};
constexpr FieldDef kPopCommand{"pop.request.command", "Request command", FieldType::String};
constexpr FieldDef kPopParameter{"pop.request.parameter", "Request parameter", FieldType::String};
constexpr FieldDef kPopResponse{"pop.response", "Response", FieldType::String};
constexpr FieldDef kPopIndicator{"pop.response.indicator", "Response indicator", FieldType::String};
constexpr FieldDef kPopDescription{"pop.response.description", "Response description", FieldType::String};
constexpr FieldDef kPopData{"pop.response.data", "Data", FieldType::String};

constexpr FieldDef kImap{"imap", "Internet Message Access Protocol", FieldType::Protocol};
constexpr FieldDef kImapIsRequest{"imap.isrequest", "Request", FieldType::Bool};
constexpr FieldDef kImapLine{"imap.line", "Line", FieldType::String};
constexpr FieldDef kImapRequestTag{"imap.request_tag", "Request Tag", FieldType::String};
constexpr FieldDef kImapRequestCommand{"imap.request.command", "Request Command", FieldType::String};
constexpr FieldDef kImapResponseTag{"imap.response_tag", "Response Tag", FieldType::String};
constexpr FieldDef kImapResponseStatus{"imap.response.status", "Response Status", FieldType::String};

constexpr FieldDef kNntp{"nntp", "Network News Transfer Protocol", FieldType::Protocol};
constexpr FieldDef kNntpRequest{"nntp.request", "Request", FieldType::Bool};
constexpr FieldDef kNntpResponse{"nntp.response", "Response", FieldType::Bool};
constexpr FieldDef kNntpLine{"nntp.line", "Line", FieldType::String};

// Wireshark has no ManageSieve dissector; these names follow its pattern.
constexpr FieldDef kSieve{"managesieve", "ManageSieve Protocol", FieldType::Protocol};
constexpr FieldDef kSieveLine{"managesieve.line", "Line", FieldType::String};

std::string_view text_of(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view protocol_name(TextProtocol p) {
    switch (p) {
        case TextProtocol::Smtp: return "smtp";
        case TextProtocol::Ftp: return "ftp";
        case TextProtocol::Pop3: return "pop3";
        case TextProtocol::Imap: return "imap";
        case TextProtocol::Nntp: return "nntp";
        case TextProtocol::Sieve: return "managesieve";
        case TextProtocol::Unknown: break;
    }
    return "unknown";
}

// The first word of a line and the rest after one space.
std::pair<std::string_view, std::string_view> split_word(std::string_view line) {
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return {line, {}};
    return {line.substr(0, sp), line.substr(sp + 1)};
}

class TextUpgrade final : public MessageApplication {
public:
    TextUpgrade(TextProtocol protocol, int client) : MessageApplication(client), protocol_(protocol) {}

    void on_stream_event(int side, const StreamEvent& e, PacketContext& ctx) override {
        feed(side, e, ctx, shape, [&](const AssembledPdu& pdu) { on_line(side, pdu, ctx); });
    }

private:
    static PduShape shape(Bytes h) {
        // A TLS record where a line was expected: the one-byte marker of the hand-over.
        if (starts_tls_handshake(h)) return PduShape::pdu(1, 1);
        return terminated_shape(h, "\r\n", kMaxLine);
    }

    void on_line(int side, const AssembledPdu& pdu, PacketContext& ctx) {
        if (pdu.bytes.size() == 1 && pdu.length == 1 && pdu.bytes[0] == 0x16) {
            // The client began TLS without an upgrade we saw (or before the answer).
            hand_over("tls", upgrade_note(protocol_name(protocol_), ctx.frame.number), used_before(pdu));
            return;
        }
        ByteReader r;
        std::string_view first = text_of(pdu.bytes);
        if (first.size() >= 2 && first.substr(first.size() - 2) == "\r\n") first.remove_suffix(2);
        if (is_client(side))
            classify_command(first);
        else
            classify_greeting(first);
        NodeRef layer = frame_layer(layer_def(), side, pdu, r, ctx);
        const std::size_t at = r.offset();
        std::string_view whole = text_of(r.rest());
        std::string_view line = whole;
        const bool ended = line.size() >= 2 && line.substr(line.size() - 2) == "\r\n";
        if (ended) line.remove_suffix(2);
        if (is_client(side))
            command(line, layer, at, ctx);
        else
            reply(line, layer, at, pdu, ctx);
        if (!ended && layer) layer.malformed("line without CRLF within " + std::to_string(kMaxLine) + " bytes", at,
                                             whole.size());
    }

    const FieldDef& layer_def() const {
        switch (protocol_) {
            case TextProtocol::Smtp: return kSmtp;
            case TextProtocol::Ftp: return kFtp;
            case TextProtocol::Pop3: return kPop;
            case TextProtocol::Imap: return kImap;
            case TextProtocol::Nntp: return kNntp;
            case TextProtocol::Sieve: return kSieve;
            case TextProtocol::Unknown: break;
        }
        return kSmtp;  // "220" before the client's first command: SMTP until told otherwise
    }
    std::string_view column() const {
        switch (protocol_) {
            case TextProtocol::Ftp: return "FTP";
            case TextProtocol::Pop3: return "POP";
            case TextProtocol::Imap: return "IMAP";
            case TextProtocol::Nntp: return "NNTP";
            case TextProtocol::Sieve: return "ManageSieve";
            default: return "SMTP";
        }
    }

    void classify_greeting(std::string_view line) {
        if (protocol_ != TextProtocol::Unknown || greeted_) return;
        greeted_ = true;
        if (starts_with(line, "+OK")) protocol_ = TextProtocol::Pop3;
        else if (starts_with(line, "* OK") || starts_with(line, "* PREAUTH")) protocol_ = TextProtocol::Imap;
        else if (starts_with(line, "\"IMPLEMENTATION\"") || starts_with(line, "\"SIEVE\"")) protocol_ = TextProtocol::Sieve;
        else if (starts_with(line, "200 ") || starts_with(line, "201 ")) protocol_ = TextProtocol::Nntp;
    }

    void classify_command(std::string_view line) {
        if (protocol_ != TextProtocol::Unknown) return;
        auto [word, rest] = split_word(line);
        if (ascii_iequals(word, "EHLO") || ascii_iequals(word, "HELO") || ascii_iequals(word, "LHLO") || ascii_iequals(word, "MAIL"))
            protocol_ = TextProtocol::Smtp;
        else if (ascii_iequals(word, "USER") || ascii_iequals(word, "FEAT") || ascii_iequals(word, "PBSZ") ||
                 (ascii_iequals(word, "AUTH") && (ascii_iequals(rest, "TLS") || ascii_iequals(rest, "SSL") || ascii_iequals(rest, "TLS-C"))))
            protocol_ = TextProtocol::Ftp;
        else
            protocol_ = TextProtocol::Smtp;
    }

    void command(std::string_view line, NodeRef layer, std::size_t at, PacketContext& ctx) {
        auto [word, rest] = split_word(line);
        const std::size_t rest_at = at + word.size() + 1;
        const std::string shown = escape_nonprintable(line);
        switch (protocol_) {
            case TextProtocol::Imap: {
                auto [cmd, args] = split_word(rest);
                layer.add(kImapIsRequest, true, at, 0).set_hidden();
                NodeRef n = layer.add(kImapLine, std::string(line), at, line.size() + 2).set_text("Line: ", shown, "\\r\\n");
                n.add(kImapRequestTag, std::string(word), at, word.size());
                if (!cmd.empty()) n.add(kImapRequestCommand, std::string(cmd), rest_at, cmd.size());
                if (ascii_iequals(cmd, "STARTTLS")) asked(std::string(word), ctx);
                show_info(ctx, column(), "Request: " + shown);
                return;
            }
            case TextProtocol::Pop3: {
                NodeRef n = layer.add(kPopRequest, std::string(line), at, line.size() + 2).set_text(shown, "\\r\\n");
                n.add(kPopCommand, std::string(word), at, word.size());
                if (!rest.empty()) n.add(kPopParameter, std::string(rest), rest_at, rest.size());
                if (ascii_iequals(word, "STLS")) asked({}, ctx);
                show_info(ctx, column(), "C: " + shown);
                return;
            }
            case TextProtocol::Ftp: {
                layer.add(kFtpRequest, true, at, 0).set_hidden();
                NodeRef n = layer.add(kFtpLine, std::string(line), at, line.size() + 2).set_text(shown, "\\r\\n");
                n.add(kFtpCommand, std::string(word), at, word.size());
                if (!rest.empty()) n.add(kFtpArg, std::string(rest), rest_at, rest.size());
                if (ascii_iequals(word, "AUTH") && (ascii_iequals(rest, "TLS") || ascii_iequals(rest, "SSL") || ascii_iequals(rest, "TLS-C") ||
                                              ascii_iequals(rest, "TLS-P")))
                    asked({}, ctx);
                show_info(ctx, column(), "Request: " + shown);
                return;
            }
            case TextProtocol::Nntp:
            case TextProtocol::Sieve: {
                const bool nntp = protocol_ == TextProtocol::Nntp;
                if (nntp) layer.add(kNntpRequest, true, at, 0).set_hidden();
                layer.add(nntp ? kNntpLine : kSieveLine, std::string(line), at, line.size() + 2)
                    .set_text(shown, "\\r\\n");
                if (ascii_iequals(word, "STARTTLS")) asked({}, ctx);
                show_info(ctx, column(), "Request: " + shown);
                return;
            }
            default: {
                layer.add(kSmtpReq, true, at, 0).set_hidden();
                NodeRef n = layer.add(kSmtpCommandLine, std::string(line), at, line.size() + 2)
                                .set_text("Command Line: ", shown, "\\r\\n");
                n.add(kSmtpCommand, std::string(word), at, word.size());
                if (!rest.empty()) n.add(kSmtpParameter, std::string(rest), rest_at, rest.size());
                if (ascii_iequals(word, "STARTTLS")) asked({}, ctx);
                show_info(ctx, column(), "C: " + shown);
                return;
            }
        }
    }

    void reply(std::string_view line, NodeRef layer, std::size_t at, const AssembledPdu& pdu, PacketContext& ctx) {
        const std::string shown = escape_nonprintable(line);
        bool accepted = false, refused = false;
        switch (protocol_) {
            case TextProtocol::Imap: {
                auto [tag, rest] = split_word(line);
                auto [status, text] = split_word(rest);
                NodeRef n = layer.add(kImapLine, std::string(line), at, line.size() + 2).set_text("Line: ", shown, "\\r\\n");
                if (tag != "*" && tag != "+") n.add(kImapResponseTag, std::string(tag), at, tag.size());
                if (!status.empty()) n.add(kImapResponseStatus, std::string(status), at + tag.size() + 1, status.size());
                if (pending_ && tag == pending_tag_) {
                    accepted = ascii_iequals(status, "OK");
                    refused = !accepted;
                }
                show_info(ctx, column(), "Response: " + shown);
                break;
            }
            case TextProtocol::Pop3: {
                auto [indicator, text] = split_word(line);
                if (indicator != "+OK" && indicator != "-ERR") {
                    // A line of a multi-line answer (CAPA, LIST, ...), up to its ".".
                    layer.add(kPopData, std::string(line), at, line.size() + 2).set_text(shown, "\\r\\n");
                    show_info(ctx, column(), "S: " + shown);
                    break;
                }
                NodeRef n = layer.add(kPopResponse, std::string(line), at, line.size() + 2).set_text(shown, "\\r\\n");
                n.add(kPopIndicator, std::string(indicator), at, indicator.size());
                if (!text.empty()) n.add(kPopDescription, std::string(text), at + indicator.size() + 1, text.size());
                accepted = pending_ && indicator == "+OK";
                refused = pending_ && indicator == "-ERR";
                show_info(ctx, column(), "S: " + shown);
                break;
            }
            case TextProtocol::Nntp:
            case TextProtocol::Sieve: {
                const bool nntp = protocol_ == TextProtocol::Nntp;
                if (nntp) layer.add(kNntpResponse, true, at, 0).set_hidden();
                layer.add(nntp ? kNntpLine : kSieveLine, std::string(line), at, line.size() + 2)
                    .set_text(shown, "\\r\\n");
                if (pending_) {
                    accepted = nntp ? starts_with(line, "382") : starts_with(line, "OK");
                    refused = !accepted && (nntp || starts_with(line, "NO") || starts_with(line, "BYE"));
                }
                show_info(ctx, column(), "Response: " + shown);
                break;
            }
            default: {  // SMTP and FTP: "ddd text" or "ddd-text" (a continued reply)
                const bool ftp = protocol_ == TextProtocol::Ftp;
                std::uint64_t code = 0;
                const bool coded = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                                   std::isdigit(static_cast<unsigned char>(line[1])) &&
                                   std::isdigit(static_cast<unsigned char>(line[2]));
                if (coded) code = std::uint64_t((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
                const bool last = coded && (line.size() == 3 || line[3] == ' ');
                // A continued reply's code is shown once, on its first line (as Wireshark does).
                const bool first_line = !continued_;
                continued_ = coded && !last;
                const std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view{};
                if (ftp) {
                    layer.add(kFtpResponse, true, at, 0).set_hidden();
                    NodeRef n = layer.add(kFtpLine, std::string(line), at, line.size() + 2).set_text(shown, "\\r\\n");
                    if (coded && first_line) n.add(kFtpCode, code, at, 3);
                    if (!text.empty()) n.add(kFtpRspArg, std::string(text), at + 4, text.size());
                    show_info(ctx, column(), "Response: " + shown);
                } else {
                    layer.add(kSmtpRsp, true, at, 0).set_hidden();
                    NodeRef n = layer.add(kSmtpResponse, std::string(line), at, line.size() + 2)
                                    .set_text("Response: ", shown, "\\r\\n");
                    if (coded && first_line) n.add(kSmtpCode, code, at, 3);
                    if (!text.empty()) n.add(kSmtpRspParameter, std::string(text), at + 4, text.size());
                    show_info(ctx, column(), "S: " + shown);
                }
                if (pending_ && last) {
                    accepted = code == (ftp ? 234u : 220u);
                    refused = !accepted;
                }
                break;
            }
        }
        if (accepted) {
            hand_over("tls", std::move(note_), used_through(pdu));
            pending_ = false;
        } else if (refused) {
            pending_ = false;
        }
    }

    void asked(std::string tag, const PacketContext& ctx) {
        pending_ = true;
        pending_tag_ = std::move(tag);
        note_ = upgrade_note(protocol_name(protocol_), ctx.frame.number);
    }

    TextProtocol protocol_;
    bool greeted_ = false;
    bool continued_ = false;  // the server's last line was "ddd-": its reply goes on
    bool pending_ = false;
    std::string pending_tag_;
    HandOverNote note_;
};

}  // namespace

std::unique_ptr<TcpApplication> make_text_upgrade(TextProtocol protocol, int client) {
    return std::make_unique<TextUpgrade>(protocol, client);
}

bool looks_like_text_greeting(Bytes first) {
    const std::string_view t = text_of(first);
    if (t.size() < 5 || t.find("\r\n") == std::string_view::npos) return false;
    return starts_with(t, "+OK") || starts_with(t, "* OK") || starts_with(t, "* PREAUTH") ||
           starts_with(t, "\"IMPLEMENTATION\"") || starts_with(t, "220 ") || starts_with(t, "220-");
}

}  // namespace tlsdissect
