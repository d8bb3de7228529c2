// The STARTTLS family in the dissector tables. By port: SMTP (25, 587, 2525), FTP (21),
// POP3 (110), IMAP (143), NNTP (119), ManageSieve (4190), LDAP (389), XMPP (5222, 5269),
// PostgreSQL (5432), MySQL (3306). By content on any port: a text greeting (+OK, * OK,
// 220, "IMPLEMENTATION"), an XMPP stream header, an LDAP StartTLS request, a PostgreSQL
// SSLRequest, a MySQL server greeting. A connection that starts with TLS right away is
// TLS's (its signature comes first); "tls" in tcp_by_name takes over after the upgrade.
#include "starttls/starttls.hpp"

#include "starttls/starttls_common.hpp"
#include "transport/conversations.hpp"

namespace tlsdissect {

namespace {

template <TextProtocol P>
std::unique_ptr<TcpApplication> text_server_first(const TcpConversation&, int side, PacketContext&) {
    return make_text_upgrade(P, 1 - side);  // the server speaks first
}

}  // namespace

void register_starttls(DissectorTables& tables) {
    struct Port {
        std::uint16_t port;
        TcpApplicationFactory make;
    };
    const Port text_ports[] = {
        {25, text_server_first<TextProtocol::Smtp>},   {587, text_server_first<TextProtocol::Smtp>},
        {2525, text_server_first<TextProtocol::Smtp>}, {21, text_server_first<TextProtocol::Ftp>},
        {110, text_server_first<TextProtocol::Pop3>},  {143, text_server_first<TextProtocol::Imap>},
        {119, text_server_first<TextProtocol::Nntp>},  {4190, text_server_first<TextProtocol::Sieve>},
    };
    for (const Port& p : text_ports) tables.tcp_port.add(p.port, {"starttls", p.make, nullptr});

    constexpr TcpApplicationFactory xmpp = [](const TcpConversation&, int side, PacketContext&) {
        return make_xmpp(side);
    };
    constexpr TcpApplicationFactory ldap = [](const TcpConversation&, int side, PacketContext&) {
        return make_ldap(side);
    };
    constexpr TcpApplicationFactory postgresql = [](const TcpConversation&, int side, PacketContext&) {
        return make_postgresql(side);
    };
    constexpr TcpApplicationFactory mysql = [](const TcpConversation&, int side, PacketContext&) {
        return make_mysql(1 - side);  // the server greets first
    };
    for (std::uint16_t port : {5222, 5269}) tables.tcp_port.add(port, {"xmpp", xmpp, nullptr});
    tables.tcp_port.add(389, {"ldap", ldap, nullptr});
    tables.tcp_port.add(5432, {"postgresql", postgresql, nullptr});
    tables.tcp_port.add(3306, {"mysql", mysql, nullptr});

    // Content that only these start with, on any port.
    tables.tcp_signatures.add(
        {"postgresql", postgresql, [](Bytes first, const TcpConversation&) { return looks_like_postgresql_request(first); }});
    tables.tcp_signatures.add(
        {"ldap", ldap, [](Bytes first, const TcpConversation&) { return looks_like_ldap_starttls(first); }});
    tables.tcp_heuristics.add(
        {"starttls", text_server_first<TextProtocol::Unknown>,
         [](Bytes first, const TcpConversation&) { return looks_like_text_greeting(first); }});
    tables.tcp_heuristics.add({"xmpp", xmpp, [](Bytes first, const TcpConversation&) { return looks_like_xmpp(first); }});
    tables.tcp_heuristics.add(
        {"mysql", mysql, [](Bytes first, const TcpConversation&) { return looks_like_mysql_greeting(first); }});
}

}  // namespace tlsdissect
