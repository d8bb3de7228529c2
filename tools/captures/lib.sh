# lib.sh - shell functions shared by make-captures.sh and make-tls-matrix.sh.
# Sourced (not run) by bash scripts with `set -euo pipefail` that set, before
# sourcing:
#   PROG  name used in error messages         NS_TAG  namespace name part
#   PY    python3 with scapy                  TMO/CTMO  server/client time bounds
# and afterwards WORK (temporary directory), OUT (staging directory), PKI and
# WWW.  Traffic only ever flows inside network namespaces created by ns_new
# (tlsd-$NS_TAG-<pid>-<name>), on their own `lo`, between loopback addresses;
# the EXIT trap set here stops the processes started by start_bg and deletes
# those namespaces.
# shellcheck shell=bash

die() { echo "${PROG:-make-captures}: ERROR: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

NSLIST=()
PIDS=()

cleanup() {
    local p ns
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    for ns in "${NSLIST[@]}"; do
        if ip netns list | grep -qw "$ns"; then ip netns del "$ns" || true; fi
        rm -rf "/etc/netns/$ns"   # a namespace's own /etc files (ip netns exec), if any
    done
    [ -n "${WORK:-}" ] || return 0
    if [ -n "${KEEP_WORK:-}" ]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- helpers

# ns_new NAME [nogso]: create namespace tlsd-$NS_TAG-$$-NAME, bring up its lo.
ns_new() {
    NS="tlsd-${NS_TAG:-cap}-$$-$1"
    ip netns add "$NS"
    NSLIST+=("$NS")
    nx ip link set lo up
    if [ "${2:-}" = nogso ]; then
        nx ip link set lo mtu 1500
    else
        nx ip link set lo mtu 1500 gso_max_size 1400 gro_max_size 1400
    fi
}
ns_end() { ip netns del "$NS"; NS=; }
nx() { ip netns exec "$NS" "$@"; }

# start_bg VAR LOGFILE CMD...: run CMD in the namespace under `timeout`,
# in the background; its PID goes into VAR and into PIDS.
start_bg() {
    local var=$1 logf=$2
    shift 2
    ip netns exec "$NS" timeout "$TMO" "$@" >"$logf" 2>&1 &
    PIDS+=("$!")
    printf -v "$var" %s "$!"
}
# stop_bg PID [SIGNAL]: stop one process we started (timeout forwards the signal).
stop_bg() {
    local pid=$1 sig=${2:-TERM} i
    kill -s "$sig" "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for i in "${!PIDS[@]}"; do [ "${PIDS[$i]}" = "$pid" ] && unset 'PIDS[i]'; done
    return 0
}
# wait_bg PID: wait (bounded by its `timeout`) for a process we started to exit.
wait_bg() {
    local pid=$1 i
    wait "$pid" 2>/dev/null || true
    for i in "${!PIDS[@]}"; do [ "${PIDS[$i]}" = "$pid" ] && unset 'PIDS[i]'; done
    return 0
}

wait_log() {   # wait_log FILE PATTERN
    local i
    for i in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    cat "$1" >&2 || true
    die "timed out waiting for '$2' in $1"
}
wait_listen() {   # wait_listen tcp|udp PORT
    local i flag=-Hltn
    [ "$1" = udp ] && flag=-Hlun
    for i in $(seq 100); do
        [ -n "$(nx ss $flag "sport = :$2")" ] && return 0
        sleep 0.05
    done
    die "nothing listening on $1 port $2 in $NS"
}

# cap_start VAR FILE TCPDUMP-ARGS...: tcpdump in the namespace, full snaplen.
# No --immediate-mode: with it libpcap uses a TPACKET_V2 ring of snaplen-sized
# slots (only 8 of them at -s 0) and drops packets in bursts.  Without it the
# kernel hands packets over in blocks at least once a second, so cap_stop
# waits 1.5 s before stopping tcpdump.  Kernel drops make the script fail.
CAPLOGS=()
cap_start() {
    local var=$1 f=$2
    shift 2
    start_bg "$var" "$f.log" tcpdump -U -s 0 -Z root -w "$f" "$@"
    wait_log "$f.log" "listening on"
    CAPLOGS+=("$f.log")
}
# dumpcap_start VAR FILE: dumpcap on the namespace's lo (pcapng)
dumpcap_start() {
    start_bg "$1" "$2.log" dumpcap -i lo -w "$2"
    wait_log "$2.log" "Capturing on"
    CAPLOGS+=("$2.log")
}
# cap_stop PID...: stop the captures started since the last cap_stop
cap_stop() {
    local p l
    sleep 1.5
    for p in "$@"; do stop_bg "$p" INT; done
    for l in "${CAPLOGS[@]}"; do
        if grep -q 'dropped by kernel' "$l"; then
            grep -q '^0 packets dropped by kernel' "$l" || { cat "$l" >&2; die "kernel dropped packets ($l)"; }
        elif grep -q 'received/dropped' "$l"; then
            grep -q "received/dropped on interface '[^']*': [0-9]*/0 " "$l" || { cat "$l" >&2; die "dumpcap dropped packets ($l)"; }
        else
            cat "$l" >&2; die "no capture statistics in $l"
        fi
    done
    CAPLOGS=()
}

# tshark without the "Running as user root" chatter
ts() { tshark "$@" 2>/dev/null; }
count() { ts -r "$1" -Y "$2" | wc -l; }     # count FILE FILTER
npk() { ts -r "$1" | wc -l; }

# ------------------------------------------------------- certificates, content

make_pki() {
    mkdir -p "$PKI"
    cat >"$PKI/ext.cnf" <<'EOF'
[root]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[inter]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
authorityInfoAccess=caIssuers;URI:http://pki.example.test/root-ca.crt
crlDistributionPoints=URI:http://pki.example.test/root-ca.crl
certificatePolicies=2.23.140.1.2.1
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:www.example.test,DNS:example.test,DNS:www.cdn.example.test,DNS:edge.cdn.example.test,IP:127.0.0.2,IP:::1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
authorityInfoAccess=OCSP;URI:http://ocsp.example.test,caIssuers;URI:http://pki.example.test/intermediate-ca.crt
crlDistributionPoints=URI:http://pki.example.test/intermediate-ca.crl
certificatePolicies=2.23.140.1.2.1
EOF
    local n
    for n in root inter leaf; do openssl genrsa -out "$PKI/$n.key" 2048 2>/dev/null; done
    (
        cd "$PKI"
        openssl req -new -key root.key -subj "/C=ZZ/O=tlsdissect Test/CN=tlsdissect Test Root CA" -out root.csr
        openssl x509 -req -in root.csr -signkey root.key -days 3650 -set_serial 0x1001 \
            -extfile ext.cnf -extensions root -out root.pem
        openssl req -new -key inter.key -subj "/C=ZZ/O=tlsdissect Test/CN=tlsdissect Test Intermediate CA" -out inter.csr
        openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -days 1825 -set_serial 0x2002 \
            -extfile ext.cnf -extensions inter -out inter.pem
        openssl req -new -key leaf.key -subj "/C=ZZ/O=tlsdissect Test/CN=www.example.test" -out leaf.csr
        openssl x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -days 365 -set_serial 0x3003 \
            -extfile ext.cnf -extensions leaf -out leaf.pem
        cat inter.pem root.pem >chain.pem                 # extra certs sent by the server
        cat leaf.pem inter.pem root.pem >fullchain.pem    # same chain for gnutls-serv
        openssl verify -CAfile root.pem -untrusted inter.pem leaf.pem >/dev/null
    ) >"$WORK/pki.log" 2>&1 || { cat "$WORK/pki.log" >&2; die "certificate generation failed"; }
}

# $WWW/index.html: body for gnutls-serv --httpdata (it adds its own headers);
# $WWW/http/*: complete responses (headers with Content-Length) for
# openssl s_server -HTTP, so HTTP dissectors need not wait for the close.
make_www() {
    mkdir -p "$WWW/http"
    printf '<!doctype html>\n<html><head><title>www.example.test</title></head>\n<body><p>Hello from the tlsdissect test server.</p></body></html>\n' >"$WWW/index.html"
    # ~26 KB deterministic body for the lossy capture
    {
        printf '<!doctype html>\n<html><head><title>big</title></head><body><pre>\n'
        local i
        for i in $(seq 1 400); do
            printf 'line %04d: the quick brown fox jumps over the lazy dog 0123456789\n' "$i"
        done
        printf '</pre><p>end-of-big-page</p></body></html>\n'
    } >"$WORK/big.body"
    http_file "$WWW/index.html" >"$WWW/http/index.html"
    http_file "$WORK/big.body" >"$WWW/http/big.html"
}
http_file() {   # http_file BODYFILE: HTTP/1.1 response with headers + body
    printf 'HTTP/1.1 200 OK\r\nServer: openssl-s_server\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n' "$(stat -c %s "$1")"
    cat "$1"
}

# ------------------------------------------------------------ DNS (dnsmasq)

# shellcheck disable=SC2034  # used by the sourcing scripts
DNSMASQ_BASE=(dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll
    --bind-interfaces --port=53 --user=root --group=root --pid-file=
    --local=/example.test/ --local-ttl=300 --log-queries --log-facility=-)
# shellcheck disable=SC2054,SC2034  # dnsmasq's commas; used by the sourcing scripts
DNS_SHOWCASE=(--host-record=edge.cdn.example.test,127.0.0.2,::1
    --cname=www.example.test,www.cdn.example.test,300
    --cname=www.cdn.example.test,edge.cdn.example.test,300)

big_txt_opts() {   # 14 TXT records of ~260 bytes for big.example.test (answer ~3.8 KB)
    local pad i
    pad=$(printf 'x%.0s' $(seq 1 240))
    for i in $(seq -w 1 14); do printf -- '--txt-record=big.example.test,chunk-%s-%s\n' "$i" "$pad"; done
}

digq() {   # digq SERVER ARGS...  (bounded, one try)
    local srv=$1
    shift
    nx timeout "$CTMO" dig @"$srv" +time=2 +tries=1 "$@"
}

# ------------------------------------------------------------------ TLS

HTTP_REQ() {   # HTTP_REQ PATH
    printf 'GET %s HTTP/1.1\r\nHost: www.example.test\r\nUser-Agent: tlsdissect-capture/1.0\r\nAccept: */*\r\nConnection: close\r\n\r\n' "$1"
}

# start_s_server VAR ACCEPT LOG [extra...]: openssl s_server -HTTP serving $WWW/http, one connection
start_s_server() {
    local var=$1 acc=$2 logf=$3
    shift 3
    start_bg "$var" "$logf" env -C "$WWW/http" openssl s_server -accept "$acc" -naccept 1 \
        -cert "$PKI/leaf.pem" -key "$PKI/leaf.key" -cert_chain "$PKI/chain.pem" -HTTP "$@"
}

# s_client_get CONNECT PATH KEYLOG LOG [extra...]
s_client_get() {
    local conn=$1 path=$2 keys=$3 logf=$4
    shift 4
    rm -f "$keys"
    HTTP_REQ "$path" | nx timeout "$CTMO" openssl s_client -connect "$conn" \
        -servername www.example.test -CAfile "$PKI/root.pem" -verify_return_error \
        -verify_hostname www.example.test -keylogfile "$keys" -ign_eof "$@" >"$logf" 2>&1 ||
        { cat "$logf" >&2; die "openssl s_client to $conn failed"; }
    # not anchored: s_client's buffered session dump can end up on the same line
    grep -q 'HTTP/1.1 200 OK' "$logf" || die "no HTTP response in $logf"
}

# start_gnutls_serv VAR LOG [extra...]
start_gnutls_serv() {
    local var=$1 logf=$2
    shift 2
    start_bg "$var" "$logf" gnutls-serv --http --port 443 --disable-client-cert \
        --httpdata="$WWW/index.html" --x509certfile "$PKI/fullchain.pem" \
        --x509keyfile "$PKI/leaf.key" "$@"
}

# gnutls_get HOST KEYLOG LOG [extra...]; stdin stays open 1 s so the server closes first
gnutls_get() {
    local host=$1 keys=$2 logf=$3
    shift 3
    rm -f "$keys"
    { HTTP_REQ /; sleep 1; } | nx timeout "$CTMO" env SSLKEYLOGFILE="$keys" gnutls-cli \
        --x509cafile "$PKI/root.pem" --sni-hostname www.example.test \
        --verify-hostname www.example.test -p 443 "$host" "$@" >"$logf" 2>&1 ||
        { cat "$logf" >&2; die "gnutls-cli to $host failed"; }
    grep -q 'Hello from the tlsdissect test server' "$logf" || die "no HTTP response in $logf"
}

# ============================================================ verification helpers

FAILS=0
check() {   # check DESCRIPTION CONDITION...
    local desc=$1
    shift
    if "$@"; then echo "  ok   $desc" >>"$WORK/checks.log"
    else echo "  FAIL $desc" >>"$WORK/checks.log"; echo "CHECK FAILED: $desc" >&2; FAILS=$((FAILS + 1)); fi
}
ge() { [ "$1" -ge "$2" ]; }
eq() { [ "$1" = "$2" ]; }

magic_is() {   # FILE HEX...: the first 4 bytes are one of HEX...
    local m x
    m=$(od -An -tx1 -N4 "$1" | tr -d ' \n')
    shift
    for x in "$@"; do [ "$m" = "$x" ] && return 0; done
    return 1
}
opens_clean() {   # tshark reads the whole file, exit 0, no warnings
    local err
    err=$(tshark -r "$1" -q 2>&1 >/dev/null | grep -v 'Running as user' || true)
    tshark -r "$1" -q >/dev/null 2>&1 && [ -z "$err" ]
}
decrypts_http() {   # FILE KEYS: the HTTP request and response are visible with the key log
    local n
    n=$(ts -r "$1" -o tcp.reassemble_out_of_order:TRUE -o "tls.keylog_file:$2" \
        -Y 'http.request || http.response' | wc -l)
    [ "$n" -ge 2 ]
}
cert_segments() {   # frames holding the TCP segments of the (first) Certificate message
    ts -r "$1" -o tcp.reassemble_out_of_order:TRUE -Y 'tls.handshake.type == 11' -T fields -e tcp.segment | head -1
}

frames_where() { ts -r "$1" -Y "$2" -T fields -e frame.number | paste -sd, -; }

# README.md section owned by make-tls-matrix.sh, kept by make-captures.sh
README_BEGIN='<!-- BEGIN make-tls-matrix.sh section (generated; edit the script, not this text) -->'
README_END='<!-- END make-tls-matrix.sh section -->'
# README.md section owned by make-audit-captures.sh, kept by make-captures.sh
AUDIT_README_BEGIN='<!-- BEGIN make-audit-captures.sh section (generated; edit the script, not this text) -->'
AUDIT_README_END='<!-- END make-audit-captures.sh section -->'
readme_block() {   # readme_block FILE BEGIN END: print that section of FILE, if any
    [ -f "$1" ] || return 0
    awk -v b="$2" -v e="$3" '$0 == b { p = 1 } p { print } $0 == e { p = 0 }' "$1"
}
readme_section() {   # readme_section FILE: print that section of FILE, if any
    [ -f "$1" ] || return 0
    awk -v b="$README_BEGIN" -v e="$README_END" '$0 == b { p = 1 } p { print } $0 == e { p = 0 }' "$1"
}
