#!/usr/bin/env bash
# make-quic-workload.sh - a benchmark capture dominated by QUIC: real HTTP/3 fetches
# (ngtcp2 gtlsclient -> gtlsserver, QUIC v1), multiplied to tens of MB.
#
# Usage (as root):  tools/bench/make-quic-workload.sh [OUTDIR]
#   OUTDIR defaults to build/bench (never committed). Writes quic.pcap (QUIC_CONNS
#   connections made for real, multiplied QUIC_COPIES times, each copy with its own
#   client address) and quic-base.pcap, plus quic.keys (the key log of the real ones).
#
# Network rules (as tools/captures/): traffic only inside a network namespace created
# here (td-perf-<pid>-q), on its own `lo` with UDP segmentation offload off, between
# loopback addresses; the server under `timeout`; the EXIT trap stops our PIDs and
# deletes the namespace. Needs: iproute2 ethtool openssl ngtcp2-server ngtcp2-client
# tcpdump python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
DEST=${1:-"$HERE/../../build/bench"}
QUIC_CONNS=${QUIC_CONNS:-300}
QUIC_COPIES=${QUIC_COPIES:-40}
PY=/usr/bin/python3
TMO=900
CTMO=20
PROG=make-quic-workload
NS_TAG=perf
# shellcheck source-path=SCRIPTDIR source=../captures/lib.sh
. "$HERE/../captures/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip ethtool timeout openssl gtlsclient tcpdump; do command -v "$c" >/dev/null || die "missing command: $c"; done
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/td-perf.XXXXXX")
PKI=$WORK/pki
WWW=$WORK/www
make_pki
make_www
cat "$PKI/leaf.pem" "$PKI/inter.pem" >"$PKI/server-chain.pem"

ns_new q nogso
nx ethtool -K lo tx-udp-segmentation off gso off >/dev/null 2>&1 || true
start_bg srv "$WORK/server.log" /usr/sbin/gtlsserver -q -d "$WWW" 127.0.0.2 4433 "$PKI/leaf.key" "$PKI/server-chain.pem"
wait_listen udp 4433
log "QUIC connections: $QUIC_CONNS"
start_bg cap "$WORK/cap.log" tcpdump -i lo -B 65536 -s 0 -Z root -w "$WORK/quic-base.pcap" udp port 4433
wait_log "$WORK/cap.log" "listening on"
CAPLOGS+=("$WORK/cap.log")
for ((i = 0; i < QUIC_CONNS; i++)); do
    nx env SSLKEYLOGFILE="$WORK/keys" timeout "$CTMO" gtlsclient -q --exit-on-all-streams-close \
        127.0.0.2 4433 https://www.example.test:4433/index.html >/dev/null 2>&1 || die "gtlsclient failed"
done
cap_stop "$cap"
stop_bg "$srv"
cp "$WORK/quic-base.pcap" "$DEST/quic-base.pcap"
cp "$WORK/keys" "$DEST/quic.keys"
log "multiplying quic x $QUIC_COPIES"
"$PY" "$HERE/multiply.py" "$WORK/quic-base.pcap" "$DEST/quic.pcap" "$QUIC_COPIES"
ls -l "$DEST"/quic* >&2
