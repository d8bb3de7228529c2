// SOCKS: version 4 and 4a (the client's request with a user id, and a name when the
// address is 0.0.0.x) and version 5 (RFC 1928: method negotiation, request, reply; RFC
// 1929: the username/password sub-negotiation). A successful CONNECT (or the second
// reply of a BIND) makes the rest of the connection the tunnel. Field names are
// Wireshark's socks dissector's.
#include <string>

#include "proxy/proxy.hpp"
#include "proxy/proxy_common.hpp"
#include "tlsdissect/read_field.hpp"
#include "transport/message_application.hpp"

namespace tlsdissect {

namespace {

constexpr ValueName kMethods[] = {{0, "No authentication"}, {1, "GSSAPI"}, {2, "Username/Password"},
                                  {3, "Chap"}, {255, "No acceptable method"}};
constexpr ValueName kCommands[] = {{1, "Connect"}, {2, "Bind"}, {3, "UdpAssociate"}, {0x80, "Ping"},
                                   {0x81, "Traceroute"}};
constexpr ValueName kAddressTypes[] = {{1, "IPv4"}, {3, "Domain Name"}, {4, "IPv6"}};
constexpr ValueName kResultsV4[] = {
    {90, "Granted"}, {91, "Rejected or Failed"},
    {92, "Rejected because SOCKS server cannot connect to identd on the client"},
    {93, "Rejected because the client program and identd report different user-ids"}};
constexpr ValueName kResultsV5[] = {{0, "Succeeded"},
                                    {1, "General SOCKS server failure"},
                                    {2, "Connection not allowed by ruleset"},
                                    {3, "Network unreachable"},
                                    {4, "Host unreachable"},
                                    {5, "Connection refused"},
                                    {6, "TTL expired"},
                                    {7, "Command not supported"},
                                    {8, "Address type not supported"}};

constexpr FieldDef kSocks{"socks", "Socks Protocol", FieldType::Protocol};
constexpr FieldDef kVersion{"socks.version", "Version", FieldType::UInt};
constexpr FieldDef kMethodCount{"socks.auth_method_count", "Authentication Method Count", FieldType::UInt};
constexpr FieldDef kMethod{"socks.auth_method", "Method", FieldType::UInt, Base::Dec, kMethods};
// A heading without a field of its own in Wireshark (text only).
constexpr FieldDef kMethodList{"socks.auth_methods", "Client Authentication Methods", FieldType::None};
constexpr FieldDef kAcceptedMethod{"socks.auth_accepted_method", "Accepted Auth Method", FieldType::UInt, Base::Dec,
                                   kMethods};
constexpr FieldDef kSubnegotiation{"socks.subnegotiation_version", "Subnegotiation Version", FieldType::UInt};
constexpr FieldDef kUsername{"socks.username", "User name", FieldType::String};
constexpr FieldDef kPassword{"socks.password", "Password", FieldType::String};
constexpr ValueName kAuthStatuses[] = {{0, "success"}};
constexpr FieldDef kAuthStatus{"socks.auth_status", "Status", FieldType::UInt, Base::Dec, kAuthStatuses};
constexpr FieldDef kCommand{"socks.command", "Command", FieldType::UInt, Base::Dec, kCommands};
constexpr FieldDef kReserved{"socks.reserved", "Reserved", FieldType::UInt};
constexpr FieldDef kAddressType{"socks.address_type", "Address Type", FieldType::UInt, Base::Dec, kAddressTypes};
constexpr FieldDef kDst{"socks.dst", "Remote Address", FieldType::IPv4};
constexpr FieldDef kDstV6{"socks.dstV6", "Remote Address(ipv6)", FieldType::IPv6};
constexpr FieldDef kRemoteName{"socks.remote_name", "Remote name", FieldType::String};
constexpr FieldDef kPort{"socks.port", "Port", FieldType::UInt};
constexpr FieldDef kDstPort{"socks.dstport", "Remote Port", FieldType::UInt};
constexpr FieldDef kV4aName{"socks.v4a_dns_name", "SOCKS v4a Remote Domain Name", FieldType::String};
constexpr FieldDef kResultsV4Field{"socks.results", "Results(V4)", FieldType::UInt, Base::Dec, kResultsV4};
constexpr FieldDef kResultsV5Field{"socks.results", "Results(V5)", FieldType::UInt, Base::Dec, kResultsV5};

// Longest SOCKS4 user id or name read before the request is called malformed.
constexpr std::size_t kMaxSocks4String = 255;

std::size_t zero_after(Bytes b, std::size_t from) {
    for (std::size_t i = from; i < b.size(); ++i)
        if (b[i] == 0) return i;
    return std::string_view::npos;
}

std::string string_of(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// SOCKS4 request: VN CD DSTPORT(2) DSTIP(4) USERID NUL [HOST NUL when DSTIP is 0.0.0.x].
PduShape socks4_request_shape(Bytes h) {
    if (h.size() < 9) return PduShape::need(9);
    const std::size_t user_end = zero_after(h, 8);
    if (user_end == std::string_view::npos)
        return h.size() >= 8 + kMaxSocks4String ? PduShape::pdu(h.size(), h.size()) : PduShape::need(h.size() + 1);
    const bool v4a = h[4] == 0 && h[5] == 0 && h[6] == 0 && h[7] != 0;
    if (!v4a) return PduShape::pdu(user_end + 1, user_end + 1);
    const std::size_t host_end = zero_after(h, user_end + 1);
    if (host_end == std::string_view::npos)
        return h.size() >= user_end + 1 + kMaxSocks4String ? PduShape::pdu(h.size(), h.size())
                                                            : PduShape::need(h.size() + 1);
    return PduShape::pdu(host_end + 1, host_end + 1);
}

// SOCKS5 request or reply: VER CMD/REP RSV ATYP ADDR PORT(2).
PduShape socks5_address_shape(Bytes h) {
    if (h.size() < 5) return PduShape::need(5);
    std::size_t n = 0;
    switch (h[3]) {
        case 1: n = 4 + 4 + 2; break;
        case 4: n = 4 + 16 + 2; break;
        case 3: n = 4 + 1 + std::size_t(h[4]) + 2; break;
        default: n = 4; break;  // an unknown address type: the fixed part, then malformed
    }
    return PduShape::pdu(n, n);
}

// The zero-terminated string at the reader, at most kMaxSocks4String bytes.
std::optional<std::string> read_cstring(ByteReader& r, NodeRef parent, const FieldDef& def) {
    const std::size_t at = r.offset();
    Bytes rest = r.rest();
    const std::size_t end = zero_after(rest, 0);
    if (end == std::string_view::npos) return std::nullopt;
    std::string s = string_of(rest.first(end));
    (void)r.bytes(end + 1);
    if (parent) parent.add(def, s, at, end + 1);
    return s;
}

class Socks final : public MessageApplication {
public:
    explicit Socks(int client) : MessageApplication(client) {}

    void on_stream_event(int side, const StreamEvent& e, PacketContext& ctx) override {
        feed(side, e, ctx, [&](Bytes head) { return shape(side, head); },
             [&](const AssembledPdu& pdu) { on_message(side, pdu, ctx); });
    }

private:
    PduShape shape(int side, Bytes h) const {
        if (h.empty()) return PduShape::need(1);
        if (is_client(side)) {
            if (h[0] == 4) return socks4_request_shape(h);
            if (h[0] == 1 && version_ == 5) {  // RFC 1929: VER ULEN UNAME PLEN PASSWD
                if (h.size() < 2) return PduShape::need(2);
                const std::size_t plen_at = 2 + std::size_t(h[1]);
                if (h.size() < plen_at + 1) return PduShape::need(plen_at + 1);
                return PduShape::pdu(plen_at + 1 + h[plen_at], plen_at + 1 + h[plen_at]);
            }
            if (h[0] == 5 && !greeted_) {  // VER NMETHODS METHODS
                if (h.size() < 2) return PduShape::need(2);
                return PduShape::pdu(2 + std::size_t(h[1]), 2 + std::size_t(h[1]));
            }
            if (h[0] == 5) return socks5_address_shape(h);
            return PduShape::pdu(h.size(), h.size());  // not SOCKS: shown as one malformed message
        }
        if (version_ == 4) return PduShape::pdu(8, 8);
        if (!method_chosen_ || h[0] == 1) return PduShape::pdu(2, 2);  // method choice; auth status
        return socks5_address_shape(h);
    }

    void on_message(int side, const AssembledPdu& pdu, PacketContext& ctx) {
        ByteReader r;
        NodeRef layer = layer_for(kSocks, pdu, r, ctx);
        std::string info;
        if (is_client(side))
            info = client_message(r, layer, ctx);
        else
            info = server_message(r, layer, pdu, ctx);
        if (!r.empty() && r.captured_all())
            layer.malformed(std::to_string(r.remaining()) + " bytes after the message", r.offset(), r.remaining());
        show_info(ctx, "Socks", info);
    }

    std::string client_message(ByteReader& r, NodeRef layer, PacketContext& ctx) {
        const std::uint8_t first = r.rest().empty() ? 0 : r.rest()[0];
        if (first == 4) return socks4_request(r, layer, ctx);
        if (first == 1 && version_ == 5) {
            layer.add_generated(kVersion, std::uint64_t(5));
            read_u8(r, layer, kSubnegotiation);
            auto user = r.u8_prefixed();
            std::string name;
            if (user) {
                name = string_of(user->rest());
                layer.add(kUsername, name, user->offset(), user->reported_remaining());
            }
            auto pass = user ? r.u8_prefixed() : std::nullopt;
            if (pass) layer.add(kPassword, string_of(pass->rest()), pass->offset(), pass->reported_remaining());
            if (!pass) layer.short_read(r, "username/password request");
            return "Username/password for " + name;
        }
        if (first == 5 && !greeted_) {
            greeted_ = true;
            version_ = 5;
            read_u8(r, layer, kVersion);
            auto count = read_u8(r, layer, kMethodCount);
            NodeRef list = layer.add(kMethodList, std::monostate{}, r.offset(), count ? *count : 0);
            std::string names;
            for (unsigned i = 0; count && i < *count; ++i) {
                auto m = read_u8(r, list, kMethod, [i](std::uint8_t v) {
                    return "Method[" + std::to_string(i) + "]: " + std::to_string(v) + " (" +
                           std::string(name_or(kMethods, v)) + ")";
                });
                if (!m) {
                    layer.short_read(r, "method list");
                    break;
                }
                names += (names.empty() ? "" : ", ") + std::string(name_or(kMethods, *m));
            }
            return "Version 5 greeting: " + names;
        }
        if (first == 5) {
            read_u8(r, layer, kVersion);
            auto command = read_u8(r, layer, kCommand);
            read_u8(r, layer, kReserved);
            command_ = command ? *command : 0;
            auto where = address(r, layer, kPort);
            if (!where) return "Malformed request";
            asked_ = proxy_note("socks5", where->first, where->second, ctx.frame.number);
            return std::string(name_or(kCommands, command_)) + " " + asked_->target;
        }
        layer.malformed("not a SOCKS request (version " + std::to_string(first) + ")", r.offset(), r.remaining());
        (void)r.take_rest();
        return "Unknown";
    }

    std::string socks4_request(ByteReader& r, NodeRef layer, PacketContext& ctx) {
        version_ = 4;
        read_u8(r, layer, kVersion);
        auto command = read_u8(r, layer, kCommand);
        auto port = read_u16(r, layer, kDstPort);
        const std::size_t ip_at = r.offset();
        auto ip = r.bytes(4);
        if (!command || !port || !ip) {
            layer.short_read(r, "SOCKS4 request");
            return "Malformed request";
        }
        command_ = *command;
        Ipv4Address a;
        for (int i = 0; i < 4; ++i) a.b[i] = (*ip)[i];
        layer.add(kDst, a, ip_at, 4);
        auto user = read_cstring(r, layer, kUsername);
        if (!user) {
            layer.malformed("user id without its terminating zero", r.offset(), r.remaining());
            (void)r.take_rest();
            return "Malformed request";
        }
        std::string host = to_string(a);
        const bool v4a = a.b[0] == 0 && a.b[1] == 0 && a.b[2] == 0 && a.b[3] != 0;
        if (v4a) {
            auto name = read_cstring(r, layer, kV4aName);
            if (!name) {
                layer.malformed("SOCKS4a name without its terminating zero", r.offset(), r.remaining());
                (void)r.take_rest();
                return "Malformed request";
            }
            host = *name;
        }
        asked_ = proxy_note(v4a ? "socks4a" : "socks4", host, *port, ctx.frame.number);
        return std::string(name_or(kCommands, command_)) + " " + asked_->target;
    }

    std::string server_message(ByteReader& r, NodeRef layer, const AssembledPdu& pdu, PacketContext& ctx) {
        (void)ctx;
        if (version_ == 4) {
            read_u8(r, layer, kVersion);
            auto result = read_u8(r, layer, kResultsV4Field);
            read_u16(r, layer, kDstPort);
            const std::size_t ip_at = r.offset();
            if (auto ip = r.bytes(4)) {
                Ipv4Address a;
                for (int i = 0; i < 4; ++i) a.b[i] = (*ip)[i];
                layer.add(kDst, a, ip_at, 4);
            }
            if (!result) {
                layer.short_read(r, "SOCKS4 reply");
                return "Malformed reply";
            }
            if (*result == 90) granted(pdu);
            return std::string(name_or(kResultsV4, *result));
        }
        const std::uint8_t first = r.rest().empty() ? 0 : r.rest()[0];
        if (!method_chosen_) {
            method_chosen_ = true;
            read_u8(r, layer, kVersion);
            auto m = read_u8(r, layer, kAcceptedMethod);
            return "Method chosen: " + std::string(m ? name_or(kMethods, *m) : "?");
        }
        if (first == 1) {
            layer.add_generated(kVersion, std::uint64_t(5));
            read_u8(r, layer, kSubnegotiation);
            auto status = read_u8(r, layer, kAuthStatus);
            return status && *status == 0 ? "Authentication succeeded" : "Authentication failed";
        }
        read_u8(r, layer, kVersion);
        auto result = read_u8(r, layer, kResultsV5Field);
        read_u8(r, layer, kReserved);
        auto bound = address(r, layer, kPort);
        if (!result) return "Malformed reply";
        std::string info = std::string(name_or(kResultsV5, *result));
        if (bound) info += ", bound " + proxy_note("", bound->first, bound->second, 0).target;
        if (*result == 0) granted(pdu);
        return info;
    }

    // A success reply: CONNECT's first, BIND's second (the first names the port it listens on).
    void granted(const AssembledPdu& pdu) {
        if (!asked_) return;
        if (command_ == 2 && !bind_listening_) {
            bind_listening_ = true;
            return;
        }
        if (command_ != 1 && command_ != 2) return;
        hand_over_to_next_payload(std::move(*asked_), used_through(pdu));
        asked_.reset();
    }

    // ATYP ADDR PORT: the host text and the port.
    std::optional<std::pair<std::string, std::uint16_t>> address(ByteReader& r, NodeRef layer, const FieldDef& port_def) {
        auto type = read_u8(r, layer, kAddressType);
        if (!type) {
            layer.short_read(r, "address type");
            return std::nullopt;
        }
        std::string host;
        const std::size_t at = r.offset();
        if (*type == 1) {
            auto ip = r.bytes(4);
            if (!ip) return layer.short_read(r, "IPv4 address"), std::nullopt;
            Ipv4Address a;
            for (int i = 0; i < 4; ++i) a.b[i] = (*ip)[i];
            layer.add(kDst, a, at, 4);
            host = to_string(a);
        } else if (*type == 4) {
            auto ip = r.bytes(16);
            if (!ip) return layer.short_read(r, "IPv6 address"), std::nullopt;
            Ipv6Address a;
            for (int i = 0; i < 16; ++i) a.b[i] = (*ip)[i];
            layer.add(kDstV6, a, at, 16);
            host = to_string(a);
        } else if (*type == 3) {
            auto name = r.u8_prefixed();
            if (!name) return layer.short_read(r, "remote name"), std::nullopt;
            host = string_of(name->rest());
            layer.add(kRemoteName, host, name->offset(), name->reported_remaining());
        } else {
            layer.malformed("unknown address type " + std::to_string(*type), at - 1, 1);
            (void)r.take_rest();
            return std::nullopt;
        }
        auto port = read_u16(r, layer, port_def);
        if (!port) return layer.short_read(r, "port"), std::nullopt;
        return std::make_pair(host, *port);
    }

    static std::string_view name_or(std::span<const ValueName> names, std::uint64_t v) {
        std::string_view n = name_of(names, v);
        return n.empty() ? std::string_view("Unknown") : n;
    }

    int version_ = 0;
    bool greeted_ = false;
    bool method_chosen_ = false;
    bool bind_listening_ = false;
    std::uint8_t command_ = 0;
    std::optional<HandOverNote> asked_;
};

}  // namespace

std::unique_ptr<TcpApplication> make_socks(int client) { return std::make_unique<Socks>(client); }

// A SOCKS5 greeting (exactly VER NMETHODS METHODS) or a SOCKS4 request (ends with the
// user id's or name's zero).
bool looks_like_socks(Bytes b) {
    if (b.size() >= 3 && b[0] == 5 && b[1] >= 1 && b[1] <= 16 && b.size() == 2 + std::size_t(b[1])) {
        for (std::size_t i = 2; i < b.size(); ++i)
            if (b[i] > 9 && b[i] < 0x80) return false;  // unassigned methods
        return true;
    }
    if (b.size() >= 9 && b.size() <= 8 + 2 * kMaxSocks4String && b[0] == 4 && (b[1] == 1 || b[1] == 2) &&
        b.back() == 0) {
        const PduShape s = socks4_request_shape(b);
        return s.kind == PduShape::Kind::Pdu && s.bytes == b.size();
    }
    return false;
}

}  // namespace tlsdissect
