// Every protocol the engine knows, registered in the dissector tables: the one list to
// extend when a protocol is added (its folder provides the register_… function).
#include "engine/protocols.hpp"

#include "dns/dns.hpp"
#include "dtls/dtls.hpp"
#include "link/link.hpp"
#include "net/ip.hpp"
#include "proxy/proxy.hpp"
#include "quic/quic.hpp"
#include "starttls/starttls.hpp"
#include "tls/tls_state.hpp"
#include "transport/transport.hpp"
#include "tunnel/tunnels.hpp"

namespace tlsdissect {

void register_all_protocols(DissectorTables& tables) {
    register_ethernet(tables);
    register_cooked_links(tables);
    register_ppp(tables);
    register_nflog(tables);
    register_ieee80211(tables);
    register_llc_links(tables);
    register_ip(tables);
    register_transport(tables);
    register_vxlan(tables);
    register_geneve(tables);
    register_gtp(tables);
    register_teredo(tables);
    register_gre(tables);
    register_mpls(tables);
    register_pppoe(tables);
    register_quic(tables);
    // TCP applications are asked in registration order within each kind (signature,
    // port, heuristic): TLS, then the proxies, the STARTTLS family, DNS.
    register_tls(tables);
    register_proxies(tables);
    register_starttls(tables);
    register_dns(tables);
    // UDP heuristics too are asked in registration order: DTLS after DNS's.
    register_dtls(tables);
}

}  // namespace tlsdissect
