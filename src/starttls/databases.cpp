// The databases' own TLS upgrade. PostgreSQL (protocol 3, "SSL Session Encryption"):
// the client sends an SSLRequest (length 8, code 80877103), the server answers one byte,
// 'S' (TLS follows) or 'N'. MySQL and MariaDB (client/server protocol, "SSL"): the server
// greets (protocol 10), the client answers with a short login request whose capability
// flags include CLIENT_SSL, and TLS follows at once with no answer. Field names are
// Wireshark's pgsql and mysql dissectors'.
#include <string>

#include "starttls/starttls.hpp"
#include "starttls/starttls_common.hpp"
#include "tlsdissect/read_field.hpp"
#include "transport/message_application.hpp"

namespace tlsdissect {

namespace {

// ---------------------------------------------------------------------------------------
// PostgreSQL

constexpr std::uint32_t kSslRequestCode = 80877103;   // 1234 << 16 | 5679
constexpr std::uint32_t kGssEncRequestCode = 80877104;  // 1234 << 16 | 5680
constexpr std::uint32_t kCancelRequestCode = 80877102;
// Longest message framed before the upgrade (a startup message lists a few parameters).
constexpr std::size_t kMaxPgMessage = 64 * 1024;

constexpr FieldDef kPgsql{"pgsql", "PostgreSQL", FieldType::Protocol};
constexpr FieldDef kPgType{"pgsql.type", "Type", FieldType::String};
constexpr FieldDef kPgLength{"pgsql.length", "Length", FieldType::UInt};
constexpr FieldDef kPgFrontend{"pgsql.frontend", "Frontend", FieldType::Bool};
constexpr FieldDef kPgVersionMajor{"pgsql.version_major", "Protocol major version", FieldType::UInt};
constexpr FieldDef kPgVersionMinor{"pgsql.version_minor", "Protocol minor version", FieldType::UInt};
// Wireshark shows the server's one-byte answer as bare TCP; this names it.
constexpr ValueName kSslAnswers[] = {{'S', "S (TLS follows)"}, {'N', "N (no TLS)"}, {'G', "G (GSSAPI follows)"}};
constexpr FieldDef kPgSslResponse{"pgsql.ssl_response", "SSL response", FieldType::UInt, Base::None, kSslAnswers};

std::uint32_t be32(Bytes b, std::size_t at) {
    return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 | std::uint32_t(b[at + 2]) << 8 | b[at + 3];
}

class Postgresql final : public MessageApplication {
public:
    explicit Postgresql(int client) : MessageApplication(client) {}

    void on_stream_event(int side, const StreamEvent& e, PacketContext& ctx) override {
        feed(side, e, ctx, [&](Bytes h) { return shape(side, h); },
             [&](const AssembledPdu& pdu) { on_message(side, pdu, ctx); });
    }

private:
    PduShape shape(int side, Bytes h) const {
        if (h.empty()) return PduShape::need(1);
        if (starts_tls_handshake(h) && is_client(side)) return PduShape::pdu(1, 1);
        if (!is_client(side) && answer_due_) return PduShape::pdu(1, 1);
        // Untyped (the client's first messages) or typed (a type byte first).
        const std::size_t header = is_client(side) && !started_ ? 0 : 1;
        if (h.size() < header + 4) return PduShape::need(header + 4);
        const std::size_t length = be32(h, header);
        if (length < 4) return PduShape::pdu(h.size(), h.size());  // shown malformed
        const std::size_t total = header + length;
        return PduShape::pdu(total, total < kMaxPgMessage ? total : kMaxPgMessage);
    }

    void on_message(int side, const AssembledPdu& pdu, PacketContext& ctx) {
        if (is_client(side) && pdu.length == 1 && !pdu.bytes.empty() && pdu.bytes[0] == 0x16) {
            hand_over("tls", upgrade_note("postgresql", ctx.frame.number), used_before(pdu));
            return;
        }
        ByteReader r;
        NodeRef layer = layer_for(kPgsql, pdu, r, ctx);
        const std::size_t at = r.offset();
        if (!is_client(side) && answer_due_) {
            answer_due_ = false;
            auto answer = read_u8(r, layer, kPgSslResponse);
            show_info(ctx, "PGSQL", std::string("<SSL response ") + char(answer ? *answer : '?'));
            if (answer && *answer == 'S') hand_over("tls", std::move(note_), used_through(pdu));
            return;
        }
        layer.add(kPgFrontend, is_client(side), at, 0).set_hidden();
        if (is_client(side) && !started_) {
            auto length = read_u32(r, layer, kPgLength);
            const std::size_t code_at = r.offset();
            auto code = r.u32();
            if (!length || !code) {
                layer.short_read(r, "startup packet");
                return;
            }
            std::string type;
            if (*code == kSslRequestCode) {
                type = "SSL request";
                answer_due_ = true;
                note_ = upgrade_note("postgresql", ctx.frame.number);
            } else if (*code == kGssEncRequestCode) {
                type = "GSS encryption request";
                answer_due_ = true;
                note_ = upgrade_note("postgresql-gss", ctx.frame.number);
            } else if (*code == kCancelRequestCode) {
                type = "Cancel request";
            } else {
                type = "Startup message";
                started_ = true;
                layer.add(kPgVersionMajor, std::uint64_t(*code >> 16), code_at, 2);
                layer.add(kPgVersionMinor, std::uint64_t(*code & 0xffff), code_at + 2, 2);
            }
            layer.add(kPgType, type, at, 0).set_generated();
            (void)r.take_rest();
            show_info(ctx, "PGSQL", ">" + type);
            return;
        }
        // A typed message: its type letter and length (the contents are not dissected).
        auto type = r.u8();
        auto length = type ? read_u32(r, layer, kPgLength) : std::nullopt;
        if (type) layer.add(kPgType, std::string(1, char(*type)), at, 1);
        (void)r.take_rest();
        if (!length) layer.short_read(r, "message header");
        show_info(ctx, "PGSQL", std::string(is_client(side) ? ">" : "<") + (type ? char(*type) : '?'));
    }

    bool started_ = false;      // the client's startup message was sent (typed messages follow)
    bool answer_due_ = false;   // an SSLRequest waits for its one-byte answer
    HandOverNote note_;
};

// ---------------------------------------------------------------------------------------
// MySQL

constexpr std::uint32_t kClientSsl = 0x0800;
// Longest packet framed before the upgrade.
constexpr std::size_t kMaxMysqlPacket = 64 * 1024;

constexpr FieldDef kMysql{"mysql", "MySQL Protocol", FieldType::Protocol};
constexpr FieldDef kPacketLength{"mysql.packet_length", "Packet Length", FieldType::UInt};
constexpr FieldDef kPacketNumber{"mysql.packet_number", "Packet Number", FieldType::UInt};
constexpr FieldDef kGreeting{"mysql.server_greeting", "Server Greeting", FieldType::None};
constexpr FieldDef kProtocolVersion{"mysql.protocol", "Protocol", FieldType::UInt};
constexpr FieldDef kServerVersion{"mysql.version", "Version", FieldType::String};
constexpr FieldDef kThreadId{"mysql.thread_id", "Thread ID", FieldType::UInt};
constexpr FieldDef kServerCaps{"mysql.caps.server", "Server Capabilities", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kLogin{"mysql.login_request", "Login Request", FieldType::None};
constexpr FieldDef kClientCaps{"mysql.caps.client", "Client Capabilities", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kSslFlag{"mysql.caps.sl", "Switch to SSL after handshake", FieldType::Bool, Base::None, {},
                            kClientSsl, 16};
constexpr FieldDef kMaxPacket{"mysql.max_packet", "MAX Packet", FieldType::UInt};

// A little-endian integer of `n` bytes (MySQL's byte order).
std::optional<std::uint32_t> read_le(ByteReader& r, std::size_t n) {
    auto b = r.bytes(n);
    if (!b) return std::nullopt;
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= std::uint32_t((*b)[i]) << (8 * i);
    return v;
}

class Mysql final : public MessageApplication {
public:
    explicit Mysql(int client) : MessageApplication(client) {}

    void on_stream_event(int side, const StreamEvent& e, PacketContext& ctx) override {
        feed(
            side, e, ctx,
            [&](Bytes h) {
                if (h.size() < 4) return PduShape::need(4);
                const std::size_t total = 4 + (std::size_t(h[0]) | std::size_t(h[1]) << 8 | std::size_t(h[2]) << 16);
                return PduShape::pdu(total, total < kMaxMysqlPacket ? total : kMaxMysqlPacket);
            },
            [&](const AssembledPdu& pdu) { on_packet(side, pdu, ctx); });
    }

private:
    void on_packet(int side, const AssembledPdu& pdu, PacketContext& ctx) {
        ByteReader r;
        NodeRef layer = layer_for(kMysql, pdu, r, ctx);
        const std::size_t at = r.offset();
        auto length = read_le(r, 3);
        auto number = length ? r.u8() : std::nullopt;
        if (!number) {
            layer.short_read(r, "packet header");
            return;
        }
        layer.add(kPacketLength, std::uint64_t(*length), at, 3);
        layer.add(kPacketNumber, std::uint64_t(*number), at + 3, 1);
        if (!is_client(side) && !greeted_ && *number == 0) {
            greeted_ = true;
            greeting(r, layer.add(kGreeting, std::monostate{}, r.offset(), r.remaining()), ctx);
            return;
        }
        if (is_client(side) && greeted_ && !logged_in_) {
            logged_in_ = true;
            NodeRef login = layer.add(kLogin, std::monostate{}, r.offset(), r.remaining());
            const std::size_t caps_at = r.offset();
            auto caps = read_le(r, 2);
            if (!caps) {
                login.short_read(r, "client capabilities");
                return;
            }
            NodeRef c = login.add(kClientCaps, std::uint64_t(*caps), caps_at, 2);
            c.add(kSslFlag, (*caps & kClientSsl) != 0, caps_at, 2);
            (void)read_le(r, 2);  // extended capabilities
            const std::size_t max_at = r.offset();
            if (auto max = read_le(r, 4)) login.add(kMaxPacket, std::uint64_t(*max), max_at, 4);
            (void)r.take_rest();
            const bool ssl = (*caps & kClientSsl) != 0 && *length == 32;
            show_info(ctx, "MySQL", ssl ? "Login Request: SSL Handshake" : "Login Request");
            if (ssl) hand_over("tls", upgrade_note("mysql", ctx.frame.number), used_through(pdu));
            return;
        }
        (void)r.take_rest();
        show_info(ctx, "MySQL", is_client(side) ? "Request" : "Response");
    }

    void greeting(ByteReader& r, NodeRef g, PacketContext& ctx) {
        auto protocol = read_u8(r, g, kProtocolVersion);
        const std::size_t v_at = r.offset();
        Bytes rest = r.rest();
        std::size_t end = 0;
        while (end < rest.size() && end < 64 && rest[end] != 0) ++end;
        std::string version(reinterpret_cast<const char*>(rest.data()), end);
        if (end < rest.size() && rest[end] == 0) {
            g.add(kServerVersion, version, v_at, end + 1);
            (void)r.bytes(end + 1);
            const std::size_t id_at = r.offset();
            if (auto id = read_le(r, 4)) g.add(kThreadId, std::uint64_t(*id), id_at, 4);
            (void)r.bytes(9);  // salt part 1 and its filler
            const std::size_t caps_at = r.offset();
            if (auto caps = read_le(r, 2))
                g.add(kServerCaps, std::uint64_t(*caps), caps_at, 2).add(kSslFlag, (*caps & kClientSsl) != 0, caps_at, 2);
        }
        (void)r.take_rest();
        show_info(ctx, "MySQL", "Server Greeting proto=" + std::to_string(protocol ? *protocol : 0) +
                                    " version=" + version);
    }

    bool greeted_ = false;
    bool logged_in_ = false;
};

}  // namespace

std::unique_ptr<TcpApplication> make_postgresql(int client) { return std::make_unique<Postgresql>(client); }
std::unique_ptr<TcpApplication> make_mysql(int client) { return std::make_unique<Mysql>(client); }

bool looks_like_postgresql_request(Bytes b) {
    if (b.size() != 8 || be32(b, 0) != 8) return false;
    const std::uint32_t code = be32(b, 4);
    return code == kSslRequestCode || code == kGssEncRequestCode;
}

// A server greeting: a packet numbered 0 holding protocol 10 and a version string.
bool looks_like_mysql_greeting(Bytes b) {
    if (b.size() < 40) return false;
    const std::size_t length = std::size_t(b[0]) | std::size_t(b[1]) << 8 | std::size_t(b[2]) << 16;
    if (length + 4 != b.size() || b[3] != 0 || b[4] != 10) return false;
    std::size_t i = 5;
    while (i < b.size() && i < 5 + 64 && b[i] >= 0x20 && b[i] < 0x7f) ++i;
    return i > 5 && i < b.size() && b[i] == 0;
}

}  // namespace tlsdissect
