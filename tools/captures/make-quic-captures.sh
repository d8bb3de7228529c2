#!/usr/bin/env bash
# make-quic-captures.sh - captures of QUIC made by a real QUIC stack (ngtcp2 with GnuTLS).
#
#   quic-ngtcp2-v1.pcap: gtlsclient fetching /index.html over HTTP/3 from gtlsserver,
#     QUIC version 1, TLS 1.3. Key log (SSLKEYLOGFILE, written by GnuTLS): .keys.
#   quic-ngtcp2-keyupdate.pcap: the same with the client updating its 1-RTT keys
#     (--key-update) and fetching a larger page, so that packets of both key phases follow.
#     Key log: .keys.
#   quic-ngtcp2-migration.pcap: the client moves to a new local port during a larger
#     download (--change-local-addr), validates the new path (PATH_CHALLENGE/RESPONSE)
#     and goes on with the connection IDs the server issued (NEW_CONNECTION_ID). The
#     request and response headers the two stacks logged are kept in .headers, the
#     reference for the QPACK decoding test. Key log: .keys.
#   quic-ngtcp2-h3dns.pcap: the server looked up first, as a browser does: dig asks
#     dnsmasq for the HTTPS record of _4433._https.quic.example.test (RFC 9460: ALPN
#     h3,h2, which tells a browser to try QUIC), then gtlsclient resolves
#     quic.example.test itself (glibc, A and AAAA, through the namespace's own
#     resolv.conf) and fetches /index.html over HTTP/3 with that name as SNI. Key log: .keys.
#   (ngtcp2 0.12 also speaks the QUIC v2 *draft* version 0x709a50c4, but tshark 4.0, the
#   oracle, misreads its packet types; QUIC v2 as published is tested on real traces.)
#
# Debian 12 packages needed (not installed by this script):
#   bash coreutils iproute2 ethtool openssl ngtcp2-server ngtcp2-client tcpdump tshark
#   dnsmasq-base dnsutils
#
# Usage (as root):  tools/captures/make-quic-captures.sh [OUTDIR [NAME...]]
#   OUTDIR defaults to captures/; NAMEs (v1, keyupdate, migration, h3dns) choose the captures
#   made again (default: all).
#
# The traffic stays on the loopback of one network namespace this script creates
# (tlsd-quic-<pid>-lo), from 127.0.0.1 to 127.0.0.2 port 4433. UDP segmentation
# offload is turned off on that loopback so that tcpdump sees the datagrams the stack
# sent, not one super-datagram. The server runs under `timeout`; only the PIDs started
# here are stopped, and the namespace is deleted on exit (lib.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
OUT=${1:-"$HERE/../../captures"}
shift $(($# > 0 ? 1 : 0))
NAMES=${*:-v1 keyupdate migration h3dns}
want() { case " $NAMES " in *" $1 "*) return 0 ;; esac; return 1; }
PY=/usr/bin/python3
TMO=60
CTMO=20
PROG=make-quic-captures
NS_TAG=quic
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip ethtool timeout openssl gtlsclient tcpdump tshark; do command -v "$c" >/dev/null || die "missing command: $c"; done
[ -x /usr/sbin/gtlsserver ] || die "missing command: gtlsserver"

mkdir -p "$OUT"
DEST=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsd-quic.XXXXXX")
PKI=$WORK/pki
WWW=$WORK/www
make_pki
make_www
cat "$PKI/leaf.pem" "$PKI/inter.pem" >"$PKI/server-chain.pem"

ns_new lo nogso
nx ethtool -K lo tx-udp-segmentation off gso off >/dev/null 2>&1 || true

# one_run NAME VERSION [CLIENT-OPTIONS...]: one HTTP/3 fetch with `gtlsclient -v VERSION`
# (any client option asks for the larger page). With HEADERS=1 both stacks log what
# they decoded (not quiet), and the header lines they logged are kept.
one_run() {
    local name=$1 version=$2 d=$WORK/$1 page=/index.html quiet=-q
    shift 2
    [ $# -gt 0 ] && page=/http/big.html  # ~26 KB
    [ "${HEADERS:-0}" = 1 ] && quiet=
    mkdir -p "$d"
    start_bg srv "$d/server.log" /usr/sbin/gtlsserver $quiet -d "$WWW" 127.0.0.2 4433 "$PKI/leaf.key" "$PKI/server-chain.pem"
    wait_listen udp 4433
    cap_start cap "$d/q.pcap" -i lo udp port 4433
    nx env SSLKEYLOGFILE="$d/keys" timeout "$CTMO" gtlsclient $quiet --exit-on-all-streams-close -v "$version" "$@" \
        127.0.0.2 4433 "https://www.example.test:4433$page" >"$d/client.log" 2>&1 ||
        { tail -20 "$d/client.log" >&2; die "gtlsclient ($version) failed"; }
    sleep 0.5
    cap_stop "$cap"
    stop_bg "$srv"
    check "$name: a Client Hello in an Initial packet" ge "$(count "$d/q.pcap" 'quic && tls.handshake.type == 1')" 1
    check "$name: HTTP/3 decrypts with the key log" ge \
        "$(ts -r "$d/q.pcap" -o "tls.keylog_file:$d/keys" -Y 'http3' | wc -l)" 1
}

if want v1; then
    log "QUIC v1 (ngtcp2, GnuTLS)"
    one_run v1 v1
fi
if want keyupdate; then
    log "QUIC v1 with a key update (ngtcp2, GnuTLS)"
    one_run keyupdate v1 --key-update=1ms
    check "keyupdate: packets of key phase 1" ge \
        "$(ts -r "$WORK/keyupdate/q.pcap" -o "tls.keylog_file:$WORK/keyupdate/keys" -Y 'quic.key_phase == 1' | wc -l)" 1
fi
if want migration; then
    log "QUIC v1 with the client moving to a new port (ngtcp2, GnuTLS)"
    HEADERS=1 one_run migration v1 --change-local-addr=1ms
    m=$WORK/migration
    check "migration: two UDP conversations" eq "$(ts -r "$m/q.pcap" -T fields -e udp.stream | sort -u | wc -l)" 2
    check "migration: one QUIC connection" eq \
        "$(ts -r "$m/q.pcap" -o "tls.keylog_file:$m/keys" -T fields -e quic.connection.number | tr ',' '\n' | sort -u | grep -c .)" 1
    check "migration: path validated" ge \
        "$(ts -r "$m/q.pcap" -o "tls.keylog_file:$m/keys" -Y 'quic.frame_type == 0x1b' | wc -l)" 1
    # The header fields each stack decoded, as "STREAM-ID name: value" lines (the
    # stacks log "http: stream 0x0 [name: value]"): the server's log has the request,
    # the client's the response.
    for who in server client; do
        sed -n 's/^http: stream \(0x[0-9a-f]*\) \[\(.*\)\]$/\1 \2/p' "$m/$who.log"
    done >"$m/headers"
    check "migration: header lines logged" ge "$(wc -l <"$m/headers")" 4
fi

if want h3dns; then
    log "DNS (an HTTPS record advertising h3, then the client's own lookup) and HTTP/3 (ngtcp2, GnuTLS)"
    d=$WORK/h3dns
    mkdir -p "$d"
    # The HTTPS record's RDATA: SvcPriority 1, TargetName "." (the owner's own name),
    # alpn (key 1, 6 bytes) "h3" "h2". quic.example.test has an A record only.
    start_bg pdns "$d/dnsmasq.log" "${DNSMASQ_BASE[@]}" --listen-address=127.0.0.53 \
        --host-record=quic.example.test,127.0.0.2 \
        --dns-rr=_4433._https.quic.example.test,65,00010000010006026833026832
    # `ip netns exec` mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf: the
    # client's own lookups go to this dnsmasq (the directory goes with the namespace).
    mkdir -p "/etc/netns/$NS"
    echo "nameserver 127.0.0.53" >"/etc/netns/$NS/resolv.conf"
    start_bg srv "$d/server.log" /usr/sbin/gtlsserver -q -d "$WWW" 127.0.0.2 4433 "$PKI/leaf.key" "$PKI/server-chain.pem"
    wait_listen udp 4433
    wait_listen udp 53
    cap_start cap "$d/q.pcap" -i lo udp port 4433 or udp port 53
    digq 127.0.0.53 _4433._https.quic.example.test TYPE65 >"$d/dig.log" 2>&1 || { cat "$d/dig.log" >&2; die "dig failed"; }
    nx env SSLKEYLOGFILE="$d/keys" timeout "$CTMO" gtlsclient -q --exit-on-all-streams-close \
        quic.example.test 4433 "https://quic.example.test:4433/index.html" >"$d/client.log" 2>&1 ||
        { tail -20 "$d/client.log" >&2; die "gtlsclient (h3dns) failed"; }
    sleep 0.5
    cap_stop "$cap"
    stop_bg "$srv"
    stop_bg "$pdns"
    check "h3dns: an HTTPS answer advertising h3" ge "$(count "$d/q.pcap" 'dns.flags.response == 1 && dns.svcb.svcparam.alpn == "h3"')" 1
    check "h3dns: the client's A answer for 127.0.0.2" ge "$(count "$d/q.pcap" 'dns.a == 127.0.0.2')" 1
    check "h3dns: a Client Hello with SNI quic.example.test in an Initial packet" ge \
        "$(count "$d/q.pcap" 'quic && tls.handshake.extensions_server_name == "quic.example.test"')" 1
fi

cat "$WORK/checks.log" >&2
[ "$FAILS" = 0 ] || die "$FAILS check(s) failed; $DEST left as it was"

for v in $NAMES; do
    cp "$WORK/$v/q.pcap" "$DEST/quic-ngtcp2-$v.pcap"
    cp "$WORK/$v/keys" "$DEST/quic-ngtcp2-$v.keys"
    [ -s "$WORK/$v/headers" ] && cp "$WORK/$v/headers" "$DEST/quic-ngtcp2-$v.headers"
    log "wrote $DEST/quic-ngtcp2-$v.pcap ($(npk "$DEST/quic-ngtcp2-$v.pcap") packets)"
done
