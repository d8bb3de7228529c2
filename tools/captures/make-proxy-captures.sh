#!/usr/bin/env bash
# make-proxy-captures.sh - captures of TLS behind proxies, made by real proxies and stacks.
#
#   proxy-connect-tls13.pcap: openssl s_client -proxy through tinyproxy (HTTP CONNECT
#     www.example.test:443) to openssl s_server, TLS 1.3. Captured on the proxy host's
#     loopback: the client's leg (CONNECT, 200, then TLS) and the proxy's leg to the
#     server (the same TLS bytes, relayed). Key log: proxy-connect-tls13.keys.
#   proxy-socks5-tls12.pcap: curl through microsocks (SOCKS5 with the username/password
#     sub-negotiation, the target given as a name) to openssl s_server, TLS 1.2.
#   proxy-protocol.pcap: HAProxy terminating TLS behind the PROXY protocol: curl
#     --haproxy-protocol (a v1 line, then TLS 1.3), then curl through a HAProxy TCP relay
#     that sends a v2 header to the same HAProxy TLS front end.
#
# Debian 12 packages needed (not installed by this script):
#   bash coreutils iproute2 openssl curl tinyproxy microsocks haproxy tcpdump tshark
#
# Usage (as root):  tools/captures/make-proxy-captures.sh [OUTDIR]   (default: captures/)
#
# All traffic stays on the loopback of one network namespace this script creates
# (tlsd-proxy-<pid>-lo), between 127.0.0.1 and 127.0.0.2. www.example.test resolves
# to 127.0.0.2 through /etc/netns/<namespace>/hosts (which `ip netns exec` shows as
# /etc/hosts inside it), removed on exit with the namespace. Servers and proxies run
# under `timeout`; only the PIDs started here are stopped (lib.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
OUT=${1:-"$HERE/../../captures"}
PY=/usr/bin/python3
TMO=60
CTMO=20
PROG=make-proxy-captures
NS_TAG=proxy
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip timeout openssl curl tinyproxy microsocks haproxy tcpdump tshark; do
    command -v "$c" >/dev/null || die "missing command: $c"
done

mkdir -p "$OUT"
DEST=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsd-proxy.XXXXXX")
PKI=$WORK/pki
WWW=$WORK/www
make_pki
make_www

ns_new lo
HOSTS_DIR=/etc/netns/$NS
trap 'rm -rf "$HOSTS_DIR"; cleanup' EXIT
mkdir -p "$HOSTS_DIR"
printf '127.0.0.1 localhost\n127.0.0.2 www.example.test\n' >"$HOSTS_DIR/hosts"

# ---------------------------------------------------------------- HTTP CONNECT
log "HTTP CONNECT through tinyproxy, TLS 1.3"
d=$WORK/connect
mkdir -p "$d"
cat >"$d/tinyproxy.conf" <<'EOF'
Port 8888
Listen 127.0.0.1
Timeout 20
Allow 127.0.0.1
ConnectPort 443
MaxClients 4
LogLevel Info
EOF
start_s_server psrv 127.0.0.2:443 "$d/s_server.log" -tls1_3
wait_listen tcp 443
start_bg tproxy "$d/tinyproxy.log" tinyproxy -d -c "$d/tinyproxy.conf"
wait_listen tcp 8888
cap_start cap "$d/c.pcap" -i lo tcp
s_client_get www.example.test:443 /index.html "$d/keys" "$d/s_client.log" -tls1_3 -proxy 127.0.0.1:8888
sleep 0.5
cap_stop "$cap"
stop_bg "$tproxy"
stop_bg "$psrv"
check "one CONNECT request" eq "$(count "$d/c.pcap" 'http.request.method == "CONNECT"')" 1
check "two Client Hellos (client's leg, proxy's leg)" eq "$(count "$d/c.pcap" 'tls.handshake.type == 1')" 2
check "HTTP decrypts with the key log" decrypts_http "$d/c.pcap" "$d/keys"

# ---------------------------------------------------------------- SOCKS5
log "SOCKS5 with username/password through microsocks, TLS 1.2"
d=$WORK/socks
mkdir -p "$d"
start_s_server psrv 127.0.0.2:443 "$d/s_server.log" -tls1_2
wait_listen tcp 443
start_bg msocks "$d/microsocks.log" microsocks -i 127.0.0.1 -p 1080 -u alice -P wonderland
wait_listen tcp 1080
cap_start cap "$d/s.pcap" -i lo tcp
nx env SSLKEYLOGFILE="$d/keys" timeout "$CTMO" curl -sS --proxy socks5h://alice:wonderland@127.0.0.1:1080 \
    --cacert "$PKI/root.pem" --tls-max 1.2 -o "$d/body" https://www.example.test/index.html ||
    die "curl through SOCKS5 failed"
sleep 0.5
cap_stop "$cap"
stop_bg "$msocks"
stop_bg "$psrv"
grep -q 'Hello from the tlsdissect test server' "$d/body" || die "no page through SOCKS5"
check "a SOCKS5 request for www.example.test" eq "$(count "$d/s.pcap" 'socks.remote_name == "www.example.test"')" 1
check "the username/password sub-negotiation" eq "$(count "$d/s.pcap" 'socks.username == "alice"')" 1
check "HTTP decrypts with the key log" decrypts_http "$d/s.pcap" "$d/keys"

# ---------------------------------------------------------------- PROXY protocol
log "PROXY protocol v1 and v2 in front of HAProxy's TLS"
d=$WORK/pp
mkdir -p "$d"
cat "$PKI/leaf.pem" "$PKI/inter.pem" "$PKI/leaf.key" >"$d/haproxy.pem"
cat >"$d/haproxy.cfg" <<EOF
defaults
    mode tcp
    timeout connect 5s
    timeout client 20s
    timeout server 20s
frontend relay_v2
    bind 127.0.0.1:8443
    default_backend tls_end_v2
backend tls_end_v2
    server tls_end 127.0.0.2:443 send-proxy-v2
frontend tls_end
    mode http
    bind 127.0.0.2:443 accept-proxy ssl crt $d/haproxy.pem
    http-request return status 200 content-type text/plain string "Hello through the PROXY protocol"
EOF
start_bg hap "$d/haproxy.log" haproxy -db -f "$d/haproxy.cfg"
wait_listen tcp 8443
wait_listen tcp 443
cap_start cap "$d/p.pcap" -i lo tcp
nx env SSLKEYLOGFILE="$d/keys" timeout "$CTMO" curl -sS --haproxy-protocol --cacert "$PKI/root.pem" \
    -o "$d/body1" https://www.example.test/ || die "curl --haproxy-protocol failed"
nx env SSLKEYLOGFILE="$d/keys" timeout "$CTMO" curl -sS --cacert "$PKI/root.pem" \
    --connect-to www.example.test:443:127.0.0.1:8443 -o "$d/body2" https://www.example.test/ ||
    die "curl through the PROXY v2 relay failed"
sleep 0.5
cap_stop "$cap"
stop_bg "$hap"
grep -q 'PROXY protocol' "$d/body1" "$d/body2" || die "no page through HAProxy"
# tshark tries its PROXY heuristic only before the port's dissector (TLS on 443) when told.
hcount() { ts -o tcp.try_heuristic_first:TRUE -r "$1" -Y "$2" | wc -l; }
check "a PROXY v1 header" eq "$(hcount "$d/p.pcap" 'proxy.v1.proto == "TCP4"')" 1
check "a PROXY v2 header" eq "$(hcount "$d/p.pcap" 'proxy.v2.version == 2')" 1
check "three Client Hellos (v1; v2: client leg, relayed leg)" eq "$(count "$d/p.pcap" 'tls.handshake.type == 1')" 3

cat "$WORK/checks.log" >&2
[ "$FAILS" = 0 ] || die "$FAILS check(s) failed; $DEST left as it was"

cp "$WORK/connect/c.pcap" "$DEST/proxy-connect-tls13.pcap"
cp "$WORK/connect/keys" "$DEST/proxy-connect-tls13.keys"
cp "$WORK/socks/s.pcap" "$DEST/proxy-socks5-tls12.pcap"
cp "$WORK/socks/keys" "$DEST/proxy-socks5-tls12.keys"
cp "$WORK/pp/p.pcap" "$DEST/proxy-protocol.pcap"
cp "$WORK/pp/keys" "$DEST/proxy-protocol.keys"
for f in proxy-connect-tls13 proxy-socks5-tls12 proxy-protocol; do
    log "wrote $DEST/$f.pcap ($(npk "$DEST/$f.pcap") packets)"
done
