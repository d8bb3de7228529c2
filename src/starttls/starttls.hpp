// Protocols that start in plaintext and upgrade the same connection to TLS, found by
// content on any port (and by their usual ports): the text protocols SMTP (RFC 3207),
// POP3 and IMAP (RFC 2595, RFC 3501), FTP (RFC 4217 AUTH TLS), NNTP (RFC 4642) and
// ManageSieve (RFC 5804); XMPP (RFC 6120 section 5); LDAP's StartTLS extended operation
// (RFC 4511 section 4.14); PostgreSQL's SSLRequest and MySQL's SSL request. Each shows
// its plaintext dialogue up to the upgrade and then hands the connection to TLS; the
// hand-over note names the protocol (--sessions "starttls").
#pragma once

#include "core/dissector_tables.hpp"

namespace tlsdissect {

void register_starttls(DissectorTables& tables);

}  // namespace tlsdissect
