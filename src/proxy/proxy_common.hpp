// What the proxy dissectors share: the hand-over note for a target, small text helpers.
// Internal to src/proxy.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tlsdissect/text.hpp"
#include "transport/tcp_application.hpp"

namespace tlsdissect {

inline constexpr FieldDef kHttpLayer{"http", "Hypertext Transfer Protocol", FieldType::Protocol};

// A decimal number of at most 18 digits.
inline bool parse_decimal(std::string_view s, std::uint64_t& out) {
    if (s.empty() || s.size() > 18) return false;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    out = v;
    return true;
}

// An IPv4 or IPv6 literal ("192.0.2.1", "2001:db8::1", "[2001:db8::1]"); family 0 if not.
inline NetAddress address_literal(std::string_view host) {
    NetAddress a;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty() || host.size() > 45) return a;
    const std::string text(host);
    if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
        a.family = 4;
    } else if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
        a.family = 6;
    } else {
        a.bytes = {};
    }
    return a;
}

// The note for a proxy asked to reach `host` and `port`.
inline HandOverNote proxy_note(std::string_view kind, std::string_view host, std::uint16_t port, std::uint64_t frame) {
    HandOverNote n;
    n.protocol = std::string(kind);
    n.proxy = true;
    n.frame = frame;
    n.target_address = address_literal(host);
    n.target_host = n.target_address.family ? n.target_address.to_string() : std::string(host);
    n.target = n.target_address.family ? n.target_address.endpoint_text(port) : n.target_host + ":" + std::to_string(port);
    return n;
}

// The same from an authority "host:port" or "[v6]:port"; without a port, as given.
inline HandOverNote proxy_note(std::string_view kind, std::string_view authority, std::uint64_t frame) {
    const std::size_t colon = authority.rfind(':');
    std::uint64_t port = 0;
    if (colon != std::string_view::npos && parse_decimal(authority.substr(colon + 1), port) && port <= 65535) {
        const std::string_view host = authority.substr(0, colon);
        // A bare IPv6 literal has colons of its own.
        if (host.find(':') == std::string_view::npos || (host.size() >= 2 && host.front() == '[' && host.back() == ']'))
            return proxy_note(kind, host, static_cast<std::uint16_t>(port), frame);
    }
    HandOverNote n;
    n.protocol = std::string(kind);
    n.proxy = true;
    n.frame = frame;
    n.target = std::string(authority);
    n.target_address = address_literal(authority);
    n.target_host = n.target_address.family ? n.target_address.to_string() : std::string(authority);
    return n;
}

std::unique_ptr<TcpApplication> make_http_connect(int client);
std::unique_ptr<TcpApplication> make_socks(int client);
std::unique_ptr<TcpApplication> make_proxy_header(int client);

}  // namespace tlsdissect
