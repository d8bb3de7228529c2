// The proxies in the dissector tables: HTTP CONNECT and the PROXY protocol by their first
// bytes on any port; SOCKS on its port (1080) and, elsewhere, by a first payload that
// is exactly a SOCKS greeting or request.
#include "proxy/proxy.hpp"

#include <cstring>

#include "proxy/proxy_common.hpp"
#include "transport/conversations.hpp"

namespace tlsdissect {

namespace {

constexpr std::uint16_t kSocksPort = 1080;
constexpr std::string_view kConnect = "CONNECT ";

bool starts_connect(Bytes first, const TcpConversation&) {
    return first.size() >= kConnect.size() && std::memcmp(first.data(), kConnect.data(), kConnect.size()) == 0;
}

}  // namespace

void register_proxies(DissectorTables& tables) {
    tables.tcp_signatures.add({"http-connect",
                               [](const TcpConversation&, int side, PacketContext&) { return make_http_connect(side); },
                               starts_connect});
    tables.tcp_signatures.add(
        {"proxy", [](const TcpConversation&, int side, PacketContext&) { return make_proxy_header(side); },
         [](Bytes first, const TcpConversation&) { return looks_like_proxy_header(first); }});
    constexpr TcpApplicationFactory socks = [](const TcpConversation&, int side, PacketContext&) {
        return make_socks(side);
    };
    tables.tcp_port.add(kSocksPort, {"socks", socks, nullptr});
    tables.tcp_heuristics.add({"socks", socks, [](Bytes first, const TcpConversation&) { return looks_like_socks(first); }});
    tables.tcp_by_name.add("socks", {"socks", socks, nullptr});
    tables.tcp_by_name.add("http-connect", {"http-connect",
                                            [](const TcpConversation&, int side, PacketContext&) {
                                                return make_http_connect(side);
                                            },
                                            nullptr});
}

}  // namespace tlsdissect
