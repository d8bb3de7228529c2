#!/usr/bin/env bash
# make-early-data-captures.sh - TLS captures for decryption beyond the plain key log:
# TLS 1.3 0-RTT early data, NSS "RSA" key-log lines, HTTP heads split over records.
# Real stacks only (OpenSSL s_server/s_client, Python's ssl module), inside network
# namespaces this script creates (tlsd-ed-<pid>-<name>, on their own lo, between
# 127.0.0.1 and 127.0.0.2) and deletes; every process runs under `timeout` and only
# the PIDs started here are stopped (lib.sh).
#
#   tls13-early-data.pcap (+ .keys)  OpenSSL s_server -early_data (anti-replay on, the
#       default) and three s_client connections: the first gets tickets (-sess_out); the
#       second resumes with -sess_in and sends the HTTP request as early data (-early_data
#       FILE): accepted, EndOfEarlyData; the third offers the same ticket and early data
#       again: anti-replay rejects both (a full handshake; the early data is skipped by
#       the server). The key logs of the three clients, CLIENT_EARLY_TRAFFIC_SECRET included.
#   tls12-rsa-premaster.pcap (+ .keys)  TLS 1.2, RSA key exchange
#       (TLS_RSA_WITH_AES_256_GCM_SHA384), extended master secret turned off in the client
#       (OpenSSL configuration "Options = -ExtendedMasterSecret"); the .keys file is the
#       client's key log without its CLIENT_RANDOM line: only the "RSA <encrypted
#       pre-master prefix> <pre-master secret>" line OpenSSL writes for this exchange.
#   tls12-http-split-heads.pcap (+ .keys)  tools/captures/http_split_peers.py: HTTP/1.1
#       heads written in pieces, each piece one TLS record (see that file).
#
# Needs (Debian 12): bash coreutils iproute2 openssl tcpdump tshark python3.
# Usage (as root): tools/captures/make-early-data-captures.sh [OUTDIR]
#   Everything is made and checked with tshark in a temporary folder first; OUTDIR
#   (default captures/) gets the files only when every check passes.  KEEP_WORK=1
#   keeps the temporary folder.  Re-run tools/captures/extract-test-roots.sh afterwards.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
DEST=${1:-"$HERE/../../captures"}
PY=/usr/bin/python3
TMO=60
CTMO=20
PROG=make-early-data-captures
NS_TAG=ed
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip ss timeout openssl tcpdump tshark; do command -v "$c" >/dev/null || die "missing command: $c"; done
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsd-ed.XXXXXX")
OUT=$WORK/out
PKI=$WORK/pki
WWW=$WORK/www
mkdir -p "$OUT"
SRV=127.0.0.2

make_pki
make_www

begin() { D=$WORK/$1; mkdir -p "$D"; log "$1"; ns_new "$1"; }
finish() {   # finish NAME CAP-PID: stop the capture, end the namespace, stage the pcap
    cap_stop "$2"
    ns_end
    cp "$D/lo.pcap" "$OUT/$1.pcap"
}

# s_client_plain LOG [options...]: s_client to $SRV:443 with stdin open 0.5 s
s_client_plain() {
    local logf=$1
    shift
    { sleep 0.5; } | nx timeout "$CTMO" openssl s_client -connect "$SRV:443" -servername www.example.test \
        -CAfile "$PKI/root.pem" -verify_return_error "$@" >"$logf" 2>&1 ||
        { cat "$logf" >&2; die "openssl s_client failed ($logf)"; }
}

cap_tls13_early_data() {
    local name=tls13-early-data psrv c1
    begin "$name"
    # sv_body (no -HTTP: s_server refuses -early_data with it) prints what it reads;
    # -quiet ignores the end of its own standard input.
    start_bg psrv "$D/s_server.log" openssl s_server -accept "$SRV:443" -naccept 3 -quiet \
        -cert "$PKI/leaf.pem" -key "$PKI/leaf.key" -cert_chain "$PKI/chain.pem" -early_data
    wait_listen tcp 443
    HTTP_REQ /index.html >"$D/request.txt"
    cap_start c1 "$D/lo.pcap" -i lo
    s_client_plain "$D/c1.log" -tls1_3 -keylogfile "$D/keys1" -sess_out "$D/sess.pem"
    [ -s "$D/sess.pem" ] || die "$name: no session saved"
    s_client_plain "$D/c2.log" -tls1_3 -keylogfile "$D/keys2" -sess_in "$D/sess.pem" -early_data "$D/request.txt"
    grep -q 'Early data was accepted' "$D/c2.log" || die "$name: early data not accepted in the second connection"
    s_client_plain "$D/c3.log" -tls1_3 -keylogfile "$D/keys3" -sess_in "$D/sess.pem" -early_data "$D/request.txt"
    grep -q 'Early data was rejected' "$D/c3.log" || die "$name: early data not rejected in the third connection"
    wait_bg "$psrv"
    [ "$(grep -c 'GET /index.html' "$D/s_server.log")" = 1 ] || die "$name: the server did not read the early data once"
    finish "$name" "$c1"
    cat "$D/keys1" "$D/keys2" "$D/keys3" >"$OUT/$name.keys"
}

cap_tls12_rsa_premaster() {
    local name=tls12-rsa-premaster psrv c1
    begin "$name"
    start_bg psrv "$D/s_server.log" env -C "$WWW/http" openssl s_server -accept "$SRV:443" -naccept 1 \
        -cert "$PKI/leaf.pem" -key "$PKI/leaf.key" -cert_chain "$PKI/chain.pem" -HTTP
    wait_listen tcp 443
    cat >"$D/openssl.cnf" <<'EOF'
openssl_conf = conf
[conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
Options = -ExtendedMasterSecret
EOF
    cap_start c1 "$D/lo.pcap" -i lo
    OPENSSL_CONF=$D/openssl.cnf s_client_get "$SRV:443" /index.html "$D/keys" "$D/s_client.log" \
        -tls1_2 -cipher AES256-GCM-SHA384
    wait_bg "$psrv"
    finish "$name" "$c1"
    grep -q '^RSA ' "$D/keys" || die "$name: the client wrote no RSA line"
    grep -v '^CLIENT_RANDOM ' "$D/keys" >"$OUT/$name.keys"
}

cap_tls12_http_split_heads() {
    local name=tls12-http-split-heads psrv c1
    begin "$name"
    start_bg psrv "$D/server.log" "$PY" "$HERE/http_split_peers.py" server "$SRV" 443 \
        "$PKI/fullchain.pem" "$PKI/leaf.key"
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    nx timeout "$CTMO" "$PY" "$HERE/http_split_peers.py" client "$SRV" 443 "$PKI/root.pem" "$D/keys" \
        >"$D/client.log" 2>&1 || { cat "$D/client.log" >&2; die "$name: client failed"; }
    wait_bg "$psrv"
    finish "$name" "$c1"
    cp "$D/keys" "$OUT/$name.keys"
}

cap_tls13_early_data
cap_tls12_rsa_premaster
cap_tls12_http_split_heads

# ------------------------------------------------------------------ checks (tshark)
tsk() { ts -n -r "$OUT/$1.pcap" -o "tls.keylog_file:$OUT/$1.keys" -o tcp.reassemble_out_of_order:TRUE "${@:2}"; }
: >"$WORK/checks.log"
n=tls13-early-data
check "$n: three connections" eq "$(ts -r "$OUT/$n.pcap" -Y 'tls.handshake.type == 1' | wc -l)" 3
check "$n: the early data decrypts to the HTTP request twice (accepted, then rejected)" \
    eq "$(tsk $n -Y 'http.request' | wc -l)" 2
check "$n: one EndOfEarlyData" eq "$(tsk $n -Y 'tls.handshake.type == 5' | wc -l)" 1
check "$n: one Encrypted Extensions with early_data" \
    eq "$(tsk $n -Y 'tls.handshake.type == 8 && tls.handshake.extension.type == 42' | wc -l)" 1
n=tls12-rsa-premaster
check "$n: RSA key exchange, no extended master secret" \
    eq "$(ts -r "$OUT/$n.pcap" -Y 'tls.handshake.type == 2 && !(tls.handshake.extension.type == 23)' | wc -l)" 1
check "$n: only RSA lines in the key log" eq "$(grep -vc '^RSA \|^#' "$OUT/$n.keys" || true)" 0
check "$n: decrypts with the RSA line" decrypts_http "$OUT/$n.pcap" "$OUT/$n.keys"
n=tls12-http-split-heads
check "$n: two requests and two responses, each shown once" \
    eq "$(tsk $n -Y 'http.request || http.response' | wc -l)" 4
if [ "$FAILS" -ne 0 ]; then cat "$WORK/checks.log" >&2; die "$FAILS check(s) failed"; fi
cat "$WORK/checks.log" >&2
for f in "$OUT"/*; do cp "$f" "$DEST/"; done
log "written to $DEST: $(cd "$OUT" && echo *)"
