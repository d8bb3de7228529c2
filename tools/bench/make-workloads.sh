#!/usr/bin/env bash
# make-workloads.sh - benchmark captures from real traffic, multiplied to hundreds of MB.
#
# Usage (as root):  tools/bench/make-workloads.sh [OUTDIR]
#   OUTDIR defaults to build/bench (never committed). Writes there:
#     short-tls.pcap     many short HTTPS connections (TLS 1.2 and 1.3, a 3-certificate
#                        chain, a small page each), SHORT_CONNS of them made for real,
#                        multiplied SHORT_COPIES times
#     downloads.pcap     long HTTPS downloads (DOWNLOAD_MB MiB each, TLS 1.2 and 1.3),
#                        DOWNLOADS made for real, multiplied DOWNLOAD_COPIES times
#     dns.pcap           UDP DNS queries and answers (dnsmasq), DNS_QUERIES made for real,
#                        multiplied DNS_COPIES times
#   and the *-base.pcap they were multiplied from. Every copy gets its own client address
#   (multiply.py), so every copy is a distinct set of connections.
#   Sizes come from the environment (defaults below).
#
# Network rules (as tools/captures/): traffic only inside a network namespace created
# here (td-perf-<pid>-<name>), on its own `lo`, between loopback addresses; servers
# and clients bounded by `timeout`; the EXIT trap stops our PIDs and deletes the
# namespace. Needs: iproute2 openssl dnsmasq-base tcpdump python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
DEST=${1:-"$HERE/../../build/bench"}
SHORT_CONNS=${SHORT_CONNS:-2000}
SHORT_COPIES=${SHORT_COPIES:-20}
DOWNLOADS=${DOWNLOADS:-60}
DOWNLOAD_MB=${DOWNLOAD_MB:-4}
DOWNLOAD_COPIES=${DOWNLOAD_COPIES:-4}
DNS_QUERIES=${DNS_QUERIES:-60000}
DNS_COPIES=${DNS_COPIES:-8}
PY=/usr/bin/python3
TMO=900
CTMO=600
PROG=make-workloads
NS_TAG=perf
# shellcheck source-path=SCRIPTDIR source=../captures/lib.sh
. "$HERE/../captures/lib.sh"
# this helper's namespaces are named td-perf-<pid>-<name>
ns_new() {
    NS="td-perf-$$-$1"
    ip netns add "$NS"
    NSLIST+=("$NS")
    nx ip link set lo up
    nx ip link set lo mtu 1500 gso_max_size 1400 gro_max_size 1400
}

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip ss timeout openssl dnsmasq tcpdump; do command -v "$c" >/dev/null || die "missing command: $c"; done
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/td-perf.XXXXXX")
PKI=$WORK/pki
WWW=$WORK/www
make_pki
mkdir -p "$WWW"
printf 'HTTP/1.0 200 OK\r\n\r\n<html><body><p>small page</p></body></html>\n' >"$WWW/small.html"
head -c $((DOWNLOAD_MB << 20)) /dev/urandom >"$WWW/big.bin"

# big_cap VAR FILE FILTER: tcpdump with a 128 MiB kernel buffer (the downloads are fast)
big_cap() {
    start_bg "$1" "$2.log" tcpdump -i lo -B 131072 -s 0 -Z root -w "$2" "$3"
    wait_log "$2.log" "listening on"
    CAPLOGS+=("$2.log")
}

ns_new w
# s_server -WWW serves files relative to its working directory, one connection at a time
start_bg srv "$WORK/s_server.log" env -C "$WWW" openssl s_server -accept 127.0.0.2:443 \
    -cert "$PKI/leaf.pem" -key "$PKI/leaf.key" -cert_chain "$PKI/chain.pem" -WWW -quiet
wait_listen tcp 443

log "short TLS connections: $SHORT_CONNS"
big_cap cap "$WORK/short-tls-base.pcap" "tcp port 443"
nx timeout "$CTMO" "$PY" "$HERE/traffic.py" tls 127.0.0.2 443 "$SHORT_CONNS" small.html >&2
cap_stop "$cap"

log "downloads: $DOWNLOADS x $DOWNLOAD_MB MiB"
big_cap cap "$WORK/downloads-base.pcap" "tcp port 443"
nx timeout "$CTMO" "$PY" "$HERE/traffic.py" tls 127.0.0.2 443 "$DOWNLOADS" big.bin >&2
cap_stop "$cap"
stop_bg "$srv"

log "DNS queries: $DNS_QUERIES"
start_bg dns "$WORK/dnsmasq.log" "${DNSMASQ_BASE[@]/--log-queries/}" --listen-address=127.0.0.53 \
    --address=/www.example.test/127.0.0.2 --address=/www.example.test/::1 \
    --txt-record=txt.example.test,"v=spf1 -all" --cache-size=0
wait_listen udp 53
big_cap cap "$WORK/dns-base.pcap" "udp port 53"
nx timeout "$CTMO" "$PY" "$HERE/traffic.py" dns 127.0.0.53 "$DNS_QUERIES" >&2
cap_stop "$cap"
stop_bg "$dns"
ns_end

for w in short-tls:$SHORT_COPIES downloads:$DOWNLOAD_COPIES dns:$DNS_COPIES; do
    name=${w%%:*}
    copies=${w##*:}
    cp "$WORK/$name-base.pcap" "$DEST/$name-base.pcap"
    log "multiplying $name x $copies"
    "$PY" "$HERE/multiply.py" "$WORK/$name-base.pcap" "$DEST/$name.pcap" "$copies"
done
ls -l "$DEST" >&2
