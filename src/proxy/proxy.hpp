// Proxies in front of TLS: HTTP CONNECT (RFC 9110 section 9.3.6), SOCKS4/4a and SOCKS5
// (RFC 1928, RFC 1929), and the PROXY protocol header v1/v2 (HAProxy). Each shows its
// exchange and then hands the connection over to what the tunnel carries, chosen again by
// the dissector tables from the tunnel's first bytes; the hand-over note says where the
// client asked to go (--sessions "proxy").
#pragma once

#include "core/dissector_tables.hpp"

namespace tlsdissect {

void register_proxies(DissectorTables& tables);

// Does this first payload look like the start of each exchange? (For the tables and tests.)
bool looks_like_socks(Bytes first);
bool looks_like_proxy_header(Bytes first);

}  // namespace tlsdissect
