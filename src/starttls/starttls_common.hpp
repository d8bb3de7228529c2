// What the STARTTLS dissectors share. Internal to src/starttls.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "transport/tcp_application.hpp"

namespace tlsdissect {

// The text protocols with a STARTTLS-style upgrade (text.cpp).
enum class TextProtocol : std::uint8_t { Unknown, Smtp, Ftp, Pop3, Imap, Nntp, Sieve };

// A TLS handshake record header: where a plaintext dialogue has ended.
inline bool starts_tls_handshake(Bytes b) { return b.size() >= 3 && b[0] == 0x16 && b[1] == 3 && b[2] <= 4; }

inline HandOverNote upgrade_note(std::string_view protocol, std::uint64_t frame) {
    HandOverNote n;
    n.protocol = std::string(protocol);
    n.frame = frame;
    return n;
}

std::unique_ptr<TcpApplication> make_text_upgrade(TextProtocol protocol, int client);
std::unique_ptr<TcpApplication> make_xmpp(int client);
std::unique_ptr<TcpApplication> make_ldap(int client);
std::unique_ptr<TcpApplication> make_postgresql(int client);
std::unique_ptr<TcpApplication> make_mysql(int client);

// The first payload of each (for the tables).
bool looks_like_text_greeting(Bytes first);  // the protocol is told by the app
bool looks_like_xmpp(Bytes first);
bool looks_like_ldap_starttls(Bytes first);
bool looks_like_postgresql_request(Bytes first);
bool looks_like_mysql_greeting(Bytes first);

}  // namespace tlsdissect
