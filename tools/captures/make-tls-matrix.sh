#!/usr/bin/env bash
# make-tls-matrix.sh - add a matrix of TLS versions, cipher suites, handshake
# variants and DNS record types to tlsdissect's test captures, all from real
# stacks (OpenSSL s_server/s_client, GnuTLS gnutls-serv/gnutls-cli, Python's
# ssl module, dnsmasq, dig).
#
# Debian 12 packages needed (not installed by this script):
#   bash coreutils iproute2 openssl gnutls-bin dnsmasq-base dnsutils tcpdump
#   tshark wireshark-common python3
# Nothing beyond make-captures.sh's packages (no extra apt-get install).
#
# Usage (as root):  tools/captures/make-tls-matrix.sh [OUTDIR]
#   OUTDIR defaults to the repository's captures/ directory.  Everything is
#   generated and checked (with tshark) in a temporary directory first; the
#   files of this matrix (listed in CAPS below) and its section of
#   OUTDIR/README.md are replaced only if every check passes.  Files made by
#   make-captures.sh are never touched (and it keeps ours and our README
#   section when it is re-run).
#   ONLY="tls13-hrr dns-records" tools/captures/make-tls-matrix.sh
#       regenerates only those captures; the others are re-checked as they are.
#   KEEP_WORK=1  keeps the temporary directory.
#   tools/captures/make-tls-matrix.sh --verify [OUTDIR]  only runs the tshark
#   checks on the existing files, and checks that the README section is what
#   this script would write for them (no root needed).
#
# Network rules (same as make-captures.sh, shared code in lib.sh): all traffic
# is generated inside network namespaces created here (tlsd-mx-<pid>-<name>),
# on that namespace's own `lo` only (MTU 1500, gso/gro_max_size 1400, so a
# certificate chain spans several TCP segments), between loopback addresses
# (client 127.0.0.1, servers 127.0.0.2 or 127.0.0.1).  Nothing is sent
# anywhere else.  Every server and client runs under `timeout`, only the PIDs
# started here are stopped, and the namespaces are deleted by an EXIT trap.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
VERIFY_ONLY=
if [ "${1:-}" = --verify ]; then VERIFY_ONLY=1; shift; fi
OUT=${1:-"$HERE/../../captures"}
PY=/usr/bin/python3          # Debian's python3
TMO=60                       # upper bound (s) for every server and capture
CTMO=20                      # upper bound (s) for every client
PROG=make-tls-matrix         # for error messages
NS_TAG=mx                    # namespaces: tlsd-mx-<pid>-<name>
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

# The captures made here, in README order.  Each NAME has a function
# cap_NAME (with - and . as _) that writes $OUT/NAME.pcap (and NAME.keys), a
# function vfy_NAME with its tshark checks and doc_NAME for its README entry.
CAPS=(
    tls10-openssl tls11-openssl
    tls12-rsa-kx tls12-ecdhe-ecdsa tls12-cbc-sha256 tls12-chacha20
    tls12-resume-session-id tls12-resume-ticket
    tls13-hrr tls13-hrr-gnutls tls13-psk-resume
    tls12-client-cert tls13-client-cert
    tls12-ocsp-stapling
    tls12-alert-handshake-failure tls13-alert-unknown-ca
    tls12-port-8443 smtp-starttls
    tls12-gnutls-ecdhe-ecdsa tls13-gnutls-x25519-chacha
    tls12-renegotiation
    tls13-aes128gcm tls12-aes-ccm tls13-key-update
    dns-tc-retry-tcp dns-records
)
fn() { printf '%s_%s' "$1" "${2//[-.]/_}"; }   # fn cap NAME -> cap_NAME

[ -n "$VERIFY_ONLY" ] || [ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip ss timeout openssl gnutls-serv gnutls-cli dnsmasq dig tcpdump tshark editcap od awk; do
    command -v "$c" >/dev/null || die "missing command: $c"
done
[ -x "$PY" ] || die "missing $PY"
ONLY=${ONLY:-}
for n in $ONLY; do
    printf '%s\n' "${CAPS[@]}" | grep -qx -- "$n" || die "ONLY: unknown capture '$n' (see CAPS)"
done

mkdir -p "$OUT"
DEST=$(cd "$OUT" && pwd)     # final destination; our files are only replaced there
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsd-mx.XXXXXX")
OUT=$WORK/out                # staging area: everything is generated and checked here
mkdir -p "$OUT"
[ -z "$VERIFY_ONLY" ] || OUT=$DEST
PKI=$WORK/pki
WWW=$WORK/www

# ------------------------------------------------------------ certificates

# make_pki (lib.sh) makes root -> intermediate -> RSA leaf.  Added here, all
# issued by the same intermediate: an ECDSA P-256 leaf with the same names,
# a client certificate, an unrelated "wrong" root CA (for unknown_ca), and an
# OCSP response for the RSA leaf signed by the intermediate (for stapling).
make_pki_extra() {
    cat >>"$PKI/ext.cnf" <<'EOF'
[leafec]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:www.example.test,DNS:example.test,IP:127.0.0.2
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
[client]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=DNS:client.example.test,email:alice@example.test
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
EOF
    (
        cd "$PKI"
        openssl ecparam -name prime256v1 -genkey -noout -out leaf-ec.key
        openssl req -new -key leaf-ec.key -subj "/C=ZZ/O=tlsdissect Test/CN=www.example.test" -out leaf-ec.csr
        openssl x509 -req -in leaf-ec.csr -CA inter.pem -CAkey inter.key -days 365 -set_serial 0x3004 \
            -extfile ext.cnf -extensions leafec -out leaf-ec.pem
        cat leaf-ec.pem inter.pem root.pem >fullchain-ec.pem
        openssl genrsa -out client.key 2048
        openssl req -new -key client.key -subj "/C=ZZ/O=tlsdissect Test/CN=client.example.test" -out client.csr
        openssl x509 -req -in client.csr -CA inter.pem -CAkey inter.key -days 365 -set_serial 0x3005 \
            -extfile ext.cnf -extensions client -out client.pem
        openssl genrsa -out wrongroot.key 2048
        openssl req -new -key wrongroot.key -subj "/C=ZZ/O=tlsdissect Other/CN=tlsdissect Wrong Root CA" -out wrongroot.csr
        openssl x509 -req -in wrongroot.csr -signkey wrongroot.key -days 3650 -set_serial 0x1002 \
            -extfile ext.cnf -extensions root -out wrongroot.pem
        openssl verify -CAfile root.pem -untrusted inter.pem leaf-ec.pem client.pem
        # OCSP: a one-line CA database (status V = valid) for the RSA leaf
        printf 'V\t%s\t\t3003\tunknown\t%s\n' \
            "$(date -u -d "$(openssl x509 -in leaf.pem -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)" \
            "$(openssl x509 -in leaf.pem -noout -subject -nameopt compat | sed 's/^subject=//')" >index.txt
        openssl ocsp -index index.txt -rsigner inter.pem -rkey inter.key -CA inter.pem \
            -issuer inter.pem -cert leaf.pem -respout ocsp-resp.der -ndays 7
        openssl ocsp -respin ocsp-resp.der -CAfile root.pem -issuer inter.pem -cert leaf.pem \
            -no_nonce >ocsp-check.txt
        grep -q 'leaf.pem: good' ocsp-check.txt
    ) >>"$WORK/pki.log" 2>&1 || { cat "$WORK/pki.log" >&2; die "extra certificate generation failed"; }
}

# ------------------------------------------------------------ TLS helpers

SRV=127.0.0.2                # TLS server address (the client is 127.0.0.1)

# start_ossl VAR LOG rsa|ec ACCEPT NACCEPT [s_server options...]:
# openssl s_server -HTTP (serving $WWW/http) with the RSA or the ECDSA leaf,
# both sent with intermediate + root.
start_ossl() {
    local var=$1 logf=$2 kind=$3 acc=$4 n=$5 cert=$PKI/leaf.pem key=$PKI/leaf.key
    shift 5
    if [ "$kind" = ec ]; then cert=$PKI/leaf-ec.pem key=$PKI/leaf-ec.key; fi
    start_bg "$var" "$logf" env -C "$WWW/http" openssl s_server -accept "$acc" -naccept "$n" \
        -cert "$cert" -key "$key" -cert_chain "$PKI/chain.pem" -HTTP "$@"
}

# begin NAME: work dir $D, namespace, log line
begin() {
    D=$WORK/$1
    mkdir -p "$D"
    log "$1"
    ns_new "$1"
}
# finish NAME CAP-PID [KEYS...]: stop the capture, delete the namespace, copy
# the capture (and the concatenated client key logs) to $OUT
finish() {
    local name=$1 cpid=$2
    shift 2
    cap_stop "$cpid"
    ns_end
    cp "$D/lo.pcap" "$OUT/$name.pcap"
    if [ "$#" -gt 0 ]; then cat "$@" >"$OUT/$name.keys"; fi
}

# ossl_http NAME rsa|ec [s_server options...] -- [s_client options...]:
# one HTTPS GET /index.html from s_client to s_server on $SRV:443.
ossl_http() {
    local name=$1 kind=$2 psrv c1
    shift 2
    local sopt=() copt=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do sopt+=("$1"); shift; done
    [ "$#" -gt 0 ] && shift
    copt=("$@")
    begin "$name"
    start_ossl psrv "$D/s_server.log" "$kind" "$SRV:443" 1 "${sopt[@]}"
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    s_client_get "$SRV:443" /index.html "$D/keys" "$D/s_client.log" "${copt[@]}"
    wait_bg "$psrv"
    finish "$name" "$c1" "$D/keys"
}

# ossl_resume NAME [s_server options...] -- [s_client options...]: two HTTPS
# GETs; the first saves its session (-sess_out), the second offers it
# (-sess_in) and must report "Reused".
ossl_resume() {
    local name=$1 psrv c1
    shift
    local sopt=() copt=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do sopt+=("$1"); shift; done
    [ "$#" -gt 0 ] && shift
    copt=("$@")
    begin "$name"
    start_ossl psrv "$D/s_server.log" rsa "$SRV:443" 2 "${sopt[@]}"
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    s_client_get "$SRV:443" /index.html "$D/keys1" "$D/s_client1.log" "${copt[@]}" -sess_out "$D/sess.pem"
    [ -s "$D/sess.pem" ] || die "$name: no session saved"
    sleep 0.2
    s_client_get "$SRV:443" /index.html "$D/keys2" "$D/s_client2.log" "${copt[@]}" -sess_in "$D/sess.pem"
    grep -q 'Reused, TLS' "$D/s_client2.log" || die "$name: second connection did not resume"
    wait_bg "$psrv"
    finish "$name" "$c1" "$D/keys1" "$D/keys2"
}

# gnutls_http NAME rsa|ec GNUTLS-CLI-OPTIONS...: gnutls-cli to gnutls-serv
gnutls_http() {
    local name=$1 kind=$2 psrv c1 chain=$PKI/fullchain.pem key=$PKI/leaf.key
    shift 2
    if [ "$kind" = ec ]; then chain=$PKI/fullchain-ec.pem key=$PKI/leaf-ec.key; fi
    begin "$name"
    start_bg psrv "$D/gnutls-serv.log" gnutls-serv --http --port 443 --disable-client-cert \
        --httpdata="$WWW/index.html" --x509certfile "$chain" --x509keyfile "$key"
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    gnutls_get "$SRV" "$D/keys" "$D/gnutls-cli.log" "$@"
    sleep 0.2
    stop_bg "$psrv"          # gnutls-serv serves forever; stop it
    finish "$name" "$c1" "$D/keys"
}

SECLEVEL0='DEFAULT:@SECLEVEL=0'   # OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1/MD5 signatures) above level 0

# ============================================================ the captures

cap_tls10_openssl() {
    ossl_http tls10-openssl rsa -tls1 -cipher "$SECLEVEL0" -- \
        -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' -no_etm
}
cap_tls11_openssl() {
    ossl_http tls11-openssl rsa -tls1_1 -cipher "$SECLEVEL0" -- \
        -tls1_1 -cipher 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0'
}
cap_tls12_rsa_kx() {
    ossl_http tls12-rsa-kx rsa -- -tls1_2 -cipher AES128-GCM-SHA256
}
cap_tls12_ecdhe_ecdsa() {
    ossl_http tls12-ecdhe-ecdsa ec -- -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
}
cap_tls12_cbc_sha256() {
    ossl_http tls12-cbc-sha256 rsa -- -tls1_2 -cipher ECDHE-RSA-AES128-SHA256
}
cap_tls12_chacha20() {
    ossl_http tls12-chacha20 rsa -- -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305
}
# Also writes tls13-aes128gcm-secrets.pcapng: the same packets with the key log inside
# the file as a Decryption Secrets Block (editcap --inject-secrets), for decryption
# without --keylog.
cap_tls13_aes128gcm() {
    ossl_http tls13-aes128gcm rsa -- -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
    editcap -F pcapng --inject-secrets "tls,$OUT/tls13-aes128gcm.keys" \
        "$OUT/tls13-aes128gcm.pcap" "$OUT/tls13-aes128gcm-secrets.pcapng"
}
# s_client's "K" command: a KeyUpdate with update_requested, so both sides move to
# their next application traffic secret before the GET (commands need no -ign_eof;
# stdin stays open until the response is in).
cap_tls13_key_update() {
    local name=tls13-key-update psrv c1
    begin "$name"
    start_ossl psrv "$D/s_server.log" rsa "$SRV:443" 1
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    rm -f "$D/keys"
    { sleep 0.3; printf 'K\n'; sleep 0.3; HTTP_REQ /index.html; sleep 1; } |
        nx timeout "$CTMO" openssl s_client -connect "$SRV:443" -servername www.example.test \
            -CAfile "$PKI/root.pem" -verify_return_error -keylogfile "$D/keys" -tls1_3 \
            >"$D/s_client.log" 2>&1 || { cat "$D/s_client.log" >&2; die "openssl s_client (KeyUpdate) failed"; }
    grep -q 'KEYUPDATE' "$D/s_client.log" || die "s_client did not send a KeyUpdate"
    grep -q 'HTTP/1.1 200 OK' "$D/s_client.log" || die "no HTTP response in $D/s_client.log"
    wait_bg "$psrv"
    finish "$name" "$c1" "$D/keys"
}
cap_tls12_aes_ccm() {
    ossl_http tls12-aes-ccm rsa -cipher AES128-CCM -- -tls1_2 -cipher AES128-CCM
}
cap_tls12_resume_session_id() {
    ossl_resume tls12-resume-session-id -no_ticket -- -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
}
cap_tls12_resume_ticket() {
    ossl_resume tls12-resume-ticket -- -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
}
cap_tls13_hrr() {
    ossl_http tls13-hrr rsa -groups P-256 -- -tls1_3 -groups X25519:P-256
}
# GnuTLS to GnuTLS, the server limited to ffdhe2048, for which gnutls-cli sends no key
# share at first: a HelloRetryRequest. The first Client Hello is padded (%DUMBFW: GnuTLS
# pads hellos of 256 to 511 bytes, RFC 7685) and the second, with its 256-byte share, is not,
# so their extension lists, JA3 and JA4 differ.
cap_tls13_hrr_gnutls() {
    local name=tls13-hrr-gnutls psrv c1
    begin "$name"
    start_bg psrv "$D/gnutls-serv.log" gnutls-serv --http --port 443 --disable-client-cert \
        --httpdata="$WWW/index.html" --x509certfile "$PKI/fullchain.pem" --x509keyfile "$PKI/leaf.key" \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-FFDHE2048'
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    gnutls_get "$SRV" "$D/keys" "$D/gnutls-cli.log" --priority 'NORMAL:%DUMBFW'
    sleep 0.2
    stop_bg "$psrv"          # gnutls-serv serves forever; stop it
    finish "$name" "$c1" "$D/keys"
}
cap_tls13_psk_resume() {
    ossl_resume tls13-psk-resume -- -tls1_3
}
cap_tls12_client_cert() {
    ossl_http tls12-client-cert rsa -Verify 1 -CAfile "$PKI/root.pem" -verify_return_error -- \
        -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 \
        -cert "$PKI/client.pem" -key "$PKI/client.key" -cert_chain "$PKI/chain.pem"
}
cap_tls13_client_cert() {
    ossl_http tls13-client-cert rsa -Verify 1 -CAfile "$PKI/root.pem" -verify_return_error -- \
        -tls1_3 -cert "$PKI/client.pem" -key "$PKI/client.key" -cert_chain "$PKI/chain.pem"
}
cap_tls12_ocsp_stapling() {
    ossl_http tls12-ocsp-stapling rsa -status_file "$PKI/ocsp-resp.der" -- \
        -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -status
    grep -q 'OCSP Response Status: successful' "$D/s_client.log" || die "no stapled OCSP response"
    grep -q 'Cert Status: good' "$D/s_client.log" || die "OCSP status not good"
}

# A client that offers only AES256-SHA (TLS 1.2) to a server that only takes
# ECDHE-RSA-AES128-GCM-SHA256: the server answers the ClientHello with a
# fatal handshake_failure alert.  No key log: no secret was ever derived.
cap_tls12_alert_handshake_failure() {
    local name=tls12-alert-handshake-failure psrv c1
    begin "$name"
    start_ossl psrv "$D/s_server.log" rsa "$SRV:443" 1 -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    if HTTP_REQ /index.html | nx timeout "$CTMO" openssl s_client -connect "$SRV:443" \
        -servername www.example.test -CAfile "$PKI/root.pem" -tls1_2 -cipher AES256-SHA \
        >"$D/s_client.log" 2>&1; then
        die "$name: the handshake unexpectedly succeeded"
    fi
    grep -q 'alert handshake failure' "$D/s_client.log" || { cat "$D/s_client.log" >&2; die "$name: no handshake_failure alert"; }
    sleep 0.2
    stop_bg "$psrv"
    finish "$name" "$c1"
}

# TLS 1.3 client that trusts only an unrelated root: it rejects the server's
# chain (OpenSSL: "self-signed certificate in certificate chain", as the
# server sends its root too) and sends a fatal unknown_ca alert.  OpenSSL
# sends it in cleartext: the client has not switched to its handshake
# traffic key yet, and its key log has only SERVER_HANDSHAKE_TRAFFIC_SECRET.
cap_tls13_alert_unknown_ca() {
    local name=tls13-alert-unknown-ca psrv c1
    begin "$name"
    start_ossl psrv "$D/s_server.log" rsa "$SRV:443" 1
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    rm -f "$D/keys"
    if HTTP_REQ /index.html | nx timeout "$CTMO" openssl s_client -connect "$SRV:443" \
        -servername www.example.test -tls1_3 -CAfile "$PKI/wrongroot.pem" -verify_return_error \
        -keylogfile "$D/keys" >"$D/s_client.log" 2>&1; then
        die "$name: the handshake unexpectedly succeeded"
    fi
    grep -q 'certificate verify failed' "$D/s_client.log" || { cat "$D/s_client.log" >&2; die "$name: no verify error"; }
    sleep 0.2
    stop_bg "$psrv"
    finish "$name" "$c1" "$D/keys"
}

cap_tls12_port_8443() {
    local name=tls12-port-8443 psrv c1
    begin "$name"
    start_ossl psrv "$D/s_server.log" rsa "$SRV:8443" 1
    wait_listen tcp 8443
    cap_start c1 "$D/lo.pcap" -i lo
    s_client_get "$SRV:8443" /index.html "$D/keys" "$D/s_client.log" -tls1_2
    wait_bg "$psrv"
    finish "$name" "$c1" "$D/keys"
}

SMTP_PORT=2525
SMTP_MSG=$(printf '%s\n' 'From: alice@example.test' 'To: bob@example.test' \
    'Subject: tlsdissect STARTTLS test' '' 'Hello over SMTP with STARTTLS.')
cap_smtp_starttls() {
    local name=smtp-starttls psrv c1
    begin "$name"
    start_bg psrv "$D/smtpd.log" "$PY" "$HERE/smtp_starttls_server.py" 127.0.0.1 "$SMTP_PORT" \
        "$PKI/fullchain.pem" "$PKI/leaf.key"
    wait_listen tcp "$SMTP_PORT"
    cap_start c1 "$D/lo.pcap" -i lo
    rm -f "$D/keys"
    # one command per TLS record (the message itself in one), as a client
    # that waits for each reply would send them; cat writes each at once
    { sleep 0.5
      for l in 'EHLO client.example.test' 'MAIL FROM:<alice@example.test>' 'RCPT TO:<bob@example.test>' \
               'DATA' "$SMTP_MSG" '.' 'QUIT'; do
          printf '%s\n' "$l" >"$D/line"
          cat "$D/line"
          sleep 0.2
      done; } |
        nx timeout "$CTMO" openssl s_client -starttls smtp -name client.example.test \
            -connect "127.0.0.1:$SMTP_PORT" -servername mail.example.test -crlf -ign_eof \
            -CAfile "$PKI/root.pem" -verify_return_error -keylogfile "$D/keys" \
            >"$D/s_client.log" 2>&1 || { cat "$D/s_client.log" "$D/smtpd.log" >&2; die "$name: s_client failed"; }
    grep -q '221 2.0.0 Bye' "$D/s_client.log" || { cat "$D/s_client.log" >&2; die "$name: no 221 after QUIT"; }
    wait_bg "$psrv"
    grep -q 'session ended: quit' "$D/smtpd.log" || { cat "$D/smtpd.log" >&2; die "$name: server did not finish"; }
    finish "$name" "$c1" "$D/keys"
}

cap_tls12_gnutls_ecdhe_ecdsa() {
    gnutls_http tls12-gnutls-ecdhe-ecdsa ec --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA'
}
cap_tls13_gnutls_x25519_chacha() {
    gnutls_http tls13-gnutls-x25519-chacha rsa \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305:-GROUP-ALL:+GROUP-X25519'
}

# Client-initiated secure renegotiation (RFC 5746): s_client's "R" command
# (only honoured without -ign_eof, so stdin is kept open with sleeps); OpenSSL
# 3 servers refuse client-initiated renegotiation unless -client_renegotiation.
cap_tls12_renegotiation() {
    local name=tls12-renegotiation psrv c1
    begin "$name"
    start_ossl psrv "$D/s_server.log" rsa "$SRV:443" 1 -client_renegotiation
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    rm -f "$D/keys"
    HTTP_REQ /index.html >"$D/request"    # cat writes it at once: one TLS record
    { sleep 0.5; printf 'R\n'; sleep 1; cat "$D/request"; sleep 2; } |
        nx timeout "$CTMO" openssl s_client -connect "$SRV:443" -servername www.example.test \
            -CAfile "$PKI/root.pem" -verify_return_error -verify_hostname www.example.test \
            -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -keylogfile "$D/keys" \
            >"$D/s_client.log" 2>&1 || true
    grep -q 'RENEGOTIATING' "$D/s_client.log" || { cat "$D/s_client.log" >&2; die "$name: no renegotiation"; }
    grep -q 'HTTP/1.1 200 OK' "$D/s_client.log" || { cat "$D/s_client.log" >&2; die "$name: no HTTP response"; }
    wait_bg "$psrv"
    finish "$name" "$c1" "$D/keys"
}

# ------------------------------------------------------------------ DNS

# dig +bufsize=512 gets a truncated (TC) UDP answer and retries over TCP.
cap_dns_tc_retry_tcp() {
    local name=dns-tc-retry-tcp pdns c1
    begin "$name"
    # shellcheck disable=SC2046
    start_bg pdns "$D/dnsmasq.log" "${DNSMASQ_BASE[@]}" --listen-address=127.0.0.1 $(big_txt_opts)
    wait_listen udp 53
    wait_listen tcp 53
    cap_start c1 "$D/lo.pcap" -i lo
    digq 127.0.0.1 +bufsize=512 big.example.test TXT >"$D/dig.log" 2>&1 || die "dig failed"
    grep -q 'Truncated, retrying in TCP mode' "$D/dig.log" || { cat "$D/dig.log" >&2; die "$name: dig did not retry over TCP"; }
    grep -q 'ANSWER: 14' "$D/dig.log" || die "$name: TCP answer incomplete"
    stop_bg "$pdns"
    finish "$name" "$c1"
}

hexof() { od -An -tx1 | tr -d ' \n'; }
# HTTPS (type 65) RDATA: SvcPriority 1, TargetName ".", alpn="h2,http/1.1",
# port=443, ipv4hint=127.0.0.2 (SvcParams in key order 1, 3, 4)
https_rdata() { printf '\000\001\000''\000\001\000\014\002h2\010http/1.1''\000\003\000\002\001\273''\000\004\000\004\177\000\000\002' | hexof; }
caa_rdata() { printf '\000\005issueca.example.test' | hexof; }       # CAA 0 issue "ca.example.test"
unk_rdata() { printf 'tlsdissect private type 65280' | hexof; }         # 29 opaque bytes

# dnsmasq as the authoritative server for example.test (auth mode on lo):
# SOA, NS, AAAA, HTTPS, CAA, an unknown type, and ANY.
cap_dns_records() {
    local name=dns-records pdns c1
    begin "$name"
    start_bg pdns "$D/dnsmasq.log" "${DNSMASQ_BASE[@]}" --listen-address=127.0.0.1 "${DNS_SHOWCASE[@]}" \
        --auth-server=ns1.example.test,lo --auth-zone=example.test \
        --auth-soa=2024010101,hostmaster.example.test,3600,600,86400 \
        --host-record=ns1.example.test,127.0.0.53 \
        --dns-rr=www.example.test,65,"$(https_rdata)" \
        --dns-rr=example.test,257,"$(caa_rdata)" \
        --dns-rr=example.test,65280,"$(unk_rdata)"
    wait_listen udp 53
    wait_listen tcp 53
    cap_start c1 "$D/lo.pcap" -i lo
    {
        digq 127.0.0.1 example.test SOA
        digq 127.0.0.1 example.test NS
        digq 127.0.0.1 edge.cdn.example.test AAAA
        digq 127.0.0.1 www.example.test HTTPS
        digq 127.0.0.1 example.test CAA
        digq 127.0.0.1 example.test TYPE65280
        digq 127.0.0.1 example.test ANY        # dig 9.18 sends ANY over TCP
    } >"$D/dig.log" 2>&1 || { cat "$D/dig.log" >&2; die "dig failed"; }
    grep -q 'HTTPS.*1 . alpn="h2,http/1.1" port=443 ipv4hint=127.0.0.2' "$D/dig.log" || { cat "$D/dig.log" >&2; die "$name: HTTPS record not as expected"; }
    stop_bg "$pdns"
    finish "$name" "$c1"
}

# ============================================================ verification

HRR_RANDOM=cf:21:ad:74:e5:9a:61:11:be:1d:8c:02:1e:65:b8:91:c2:a2:11:16:7a:bb:8c:5e:07:9e:09:e2:c8:a8:33:9c

# tsk FILE [tshark args...]: tshark on FILE with its key log (if any)
tsk() {
    local f=$1 k=${1%.pcap}.keys
    shift
    if [ -f "$k" ]; then ts -r "$f" -o "tls.keylog_file:$k" "$@"; else ts -r "$f" "$@"; fi
}
kcount() { tsk "$1" -Y "$2" | wc -l; }                                   # with keys
kframes() {   # kframes FILE FILTER [tshark args]: frame numbers, with keys
    local f=$1 y=$2
    shift 2
    tsk "$f" "$@" -Y "$y" -T fields -e frame.number | paste -sd, -
}
sh_field() { ts -r "$1" -Y 'tls.handshake.type==2' -T fields -e "$2" | head -1; }  # from the 1st ServerHello
suite_name() {   # suite_name FILE [tshark args]: cipher suite of the first ServerHello, as tshark names it
    local f=$1
    shift
    ts -r "$f" "$@" -Y 'tls.handshake.type==2' -O tls -V | sed -n 's/^ *Cipher Suite: \(TLS_[A-Z0-9_]*\) .*/\1/p' | head -1
}
smtp_tls() {   # TLS version and suite of smtp-starttls.pcap
    local f=$OUT/smtp-starttls.pcap v
    v=$(ts -r "$f" -d "tcp.port==$SMTP_PORT,smtp" -Y 'tls.handshake.type==2' -T fields -e tls.handshake.extensions.supported_version | head -1)
    case $v in 0x0304) v="TLS 1.3" ;; *) v="TLS 1.2" ;; esac
    echo "$v, $(suite_name "$f" -d "tcp.port==$SMTP_PORT,smtp")"
}
# sh_is FILE VERSION SUITE: one ServerHello, with (legacy) version and suite
sh_is() { [ "$(count "$1" "tls.handshake.type==2 && tls.handshake.version==$2 && tls.handshake.ciphersuite==$3")" -ge 1 ]; }
tls13_is() { [ "$(count "$1" "tls.handshake.type==2 && tls.handshake.extensions.supported_version==0x0304 && tls.handshake.ciphersuite==$2")" -ge 1 ]; }
decrypts_smtp() { [ "$(tsk "$1" -d "tcp.port==$SMTP_PORT,smtp" -Y 'smtp.req.command == "QUIT"' | wc -l)" -ge 1 ]; }
# ext_len FILE N TYPE: length of extension TYPE in the N-th ClientHello
ext_len() {
    ts -r "$1" -Y 'tls.handshake.type==1' -T fields -e tls.handshake.extension.type -e tls.handshake.extension.len |
        sed -n "$2p" | awk -F'\t' -v t="$3" '{ n = split($1, a, ","); split($2, b, ","); for (i = 1; i <= n; i++) if (a[i] == t) print b[i] }'
}
nseg() { tr ',' '\n' <<<"$1" | grep -c .; }

vfy_tls10_openssl() {
    local f=$1
    check "$2: TLS 1.0, ECDHE-RSA-AES128-SHA" sh_is "$f" 0x0301 0xc013
    check "$2: no encrypt_then_mac (-no_etm)" eq "$(count "$f" 'tls.handshake.extension.type==22')" 0
}
vfy_tls11_openssl() {
    check "$2: TLS 1.1, ECDHE-RSA-AES256-SHA" sh_is "$1" 0x0302 0xc014
    check "$2: encrypt_then_mac in ServerHello" eq "$(count "$1" 'tls.handshake.type==2 && tls.handshake.extension.type==22')" 1
}
vfy_tls12_rsa_kx() {
    check "$2: TLS 1.2, AES128-GCM-SHA256 (RSA kx)" sh_is "$1" 0x0303 0x009c
    check "$2: no ServerKeyExchange" eq "$(count "$1" 'tls.handshake.type==12')" 0
    check "$2: ClientKeyExchange" eq "$(count "$1" 'tls.handshake.type==16')" 1
}
vfy_tls12_ecdhe_ecdsa() {
    check "$2: TLS 1.2, ECDHE-ECDSA-AES256-GCM-SHA384" sh_is "$1" 0x0303 0xc02c
    check "$2: ServerKeyExchange signed with ecdsa_secp256r1_sha256" ge "$(count "$1" 'tls.handshake.type==12 && tls.handshake.sig_hash_alg==0x0403')" 1
}
vfy_tls12_cbc_sha256() {
    check "$2: TLS 1.2, ECDHE-RSA-AES128-SHA256" sh_is "$1" 0x0303 0xc027
    check "$2: encrypt_then_mac in ServerHello" eq "$(count "$1" 'tls.handshake.type==2 && tls.handshake.extension.type==22')" 1
}
vfy_tls13_aes128gcm() {
    check "$2: TLS 1.3, TLS_AES_128_GCM_SHA256" tls13_is "$1" 0x1301
    check "$2-secrets.pcapng: tshark decrypts the HTTP request with the embedded secrets alone" eq \
        "$(ts -r "${1%.pcap}-secrets.pcapng" -Y http.request | wc -l)" 1
}
vfy_tls13_key_update() {
    check "$2: TLS 1.3" tls13_is "$1" 0x1302
    check "$2: tshark sees KeyUpdate messages from both sides" eq \
        "$(tsk "$1" -Y 'tls.handshake.type==24' | wc -l)" 2
}
vfy_tls12_aes_ccm() { check "$2: TLS 1.2, TLS_RSA_WITH_AES_128_CCM" sh_is "$1" 0x0303 0xc09c; }
vfy_tls12_chacha20() { check "$2: TLS 1.2, ECDHE-RSA-CHACHA20-POLY1305" sh_is "$1" 0x0303 0xcca8; }
vfy_tls12_resume_session_id() {
    local f=$1 ids
    check "$2: two ServerHellos" eq "$(count "$f" 'tls.handshake.type==2')" 2
    ids=$(ts -r "$f" -Y 'tls.handshake.type==2' -T fields -e tls.handshake.session_id | sort -u | wc -l)
    check "$2: both ServerHellos carry the same session ID" eq "$ids" 1
    check "$2: one Certificate (full handshake only)" eq "$(count "$f" 'tls.handshake.type==11')" 1
    check "$2: no NewSessionTicket" eq "$(count "$f" 'tls.handshake.type==4')" 0
    check "$2: 2nd ClientHello offers the 1st session ID" eq \
        "$(ts -r "$f" -Y 'tls.handshake.type==1' -T fields -e tls.handshake.session_id | tail -1)" \
        "$(ts -r "$f" -Y 'tls.handshake.type==2' -T fields -e tls.handshake.session_id | head -1)"
}
vfy_tls12_resume_ticket() {
    local f=$1
    check "$2: two ServerHellos" eq "$(count "$f" 'tls.handshake.type==2')" 2
    check "$2: one Certificate (full handshake only)" eq "$(count "$f" 'tls.handshake.type==11')" 1
    check "$2: 1st ClientHello has an empty SessionTicket extension" eq "$(ext_len "$f" 1 35)" 0
    check "$2: 2nd ClientHello carries the ticket" ge "$(ext_len "$f" 2 35)" 100
    check "$2: NewSessionTicket in the 1st connection" ge "$(count "$f" 'tls.handshake.type==4')" 1
}
vfy_tls13_hrr() {
    local f=$1
    check "$2: HelloRetryRequest (ServerHello with the HRR random)" eq "$(count "$f" "tls.handshake.type==2 && tls.handshake.random==$HRR_RANDOM")" 1
    check "$2: HRR selects secp256r1" eq "$(count "$f" "tls.handshake.random==$HRR_RANDOM && tls.handshake.extensions_key_share_selected_group==23")" 1
    check "$2: two ClientHellos (X25519 share, then P-256 share)" eq \
        "$(ts -r "$f" -Y 'tls.handshake.type==1' -T fields -e tls.handshake.extensions_key_share_group | paste -sd/)" "29/23"
    check "$2: real ServerHello, TLS 1.3" eq "$(count "$f" "tls.handshake.type==2 && tls.handshake.extensions.supported_version==0x0304 && !(tls.handshake.random==$HRR_RANDOM)")" 1
}
vfy_tls13_hrr_gnutls() {
    local f=$1
    check "$2: HelloRetryRequest selecting ffdhe2048" eq "$(count "$f" "tls.handshake.random==$HRR_RANDOM && tls.handshake.extensions_key_share_selected_group==256")" 1
    check "$2: only the first ClientHello is padded" eq \
        "$(ts -r "$f" -Y 'tls.handshake.type==1' -T fields -e tls.handshake.extension.type | awk '{print ($0 ~ /(^|,)21(,|$)/) ? 1 : 0}' | paste -sd/)" "1/0"
    check "$2: the two ClientHellos have different JA3" eq \
        "$(ts -r "$f" -Y 'tls.handshake.type==1' -T fields -e tls.handshake.ja3 | sort -u | wc -l)" 2
    check "$2: real ServerHello, TLS 1.3" eq "$(count "$f" "tls.handshake.type==2 && tls.handshake.extensions.supported_version==0x0304 && !(tls.handshake.random==$HRR_RANDOM)")" 1
}
vfy_tls13_psk_resume() {
    local f=$1
    check "$2: 2nd ClientHello with pre_shared_key" eq "$(count "$f" 'tls.handshake.type==1 && tls.handshake.extension.type==41')" 1
    check "$2: 2nd ServerHello accepts PSK identity 0, with a key share" eq "$(count "$f" 'tls.handshake.type==2 && tls.handshake.extensions.psk.identity.selected==0 && tls.handshake.extension.type==51')" 1
    check "$2: one Certificate (decrypted; full handshake only)" eq "$(kcount "$f" 'tls.handshake.type==11')" 1
    check "$2: NewSessionTickets (decrypted)" ge "$(kcount "$f" 'tls.handshake.type==4')" 2
}
vfy_tls12_client_cert() {
    local f=$1
    check "$2: CertificateRequest with certificate_authorities" eq "$(count "$f" 'tls.handshake.type==13 && tls.handshake.dnames_len > 0')" 1
    check "$2: client Certificate" eq "$(count "$f" 'tls.handshake.type==11 && ip.src==127.0.0.1')" 1
    check "$2: CertificateVerify" eq "$(count "$f" 'tls.handshake.type==15 && ip.src==127.0.0.1')" 1
}
vfy_tls13_client_cert() {
    local f=$1
    check "$2: nothing visible without keys" eq "$(count "$f" 'tls.handshake.type==13 || tls.handshake.type==15')" 0
    check "$2: CertificateRequest (decrypted)" eq "$(kcount "$f" 'tls.handshake.type==13')" 1
    check "$2: client Certificate (decrypted)" eq "$(kcount "$f" 'tls.handshake.type==11 && ip.src==127.0.0.1')" 1
    check "$2: CertificateVerify from both (decrypted)" eq "$(kcount "$f" 'tls.handshake.type==15')" 2
}
vfy_tls12_ocsp_stapling() {
    check "$2: status_request in ClientHello and ServerHello" eq "$(count "$1" 'tls.handshake.extension.type==5')" 2
    check "$2: CertificateStatus (OCSP)" eq "$(count "$1" 'tls.handshake.type==22 && ocsp.responseStatus==0')" 1
}
vfy_tls12_alert_handshake_failure() {
    check "$2: fatal handshake_failure from the server" eq "$(count "$1" 'tls.alert_message.level==2 && tls.alert_message.desc==40 && ip.src==127.0.0.2')" 1
    check "$2: no ServerHello" eq "$(count "$1" 'tls.handshake.type==2')" 0
}
vfy_tls13_alert_unknown_ca() {
    check "$2: cleartext fatal unknown_ca alert from the client" eq "$(count "$1" 'tls.alert_message.level==2 && tls.alert_message.desc==48 && ip.src==127.0.0.1')" 1
    check "$2: key log has only the server handshake secret" eq "$(grep -c '^[A-Z]' "${1%.pcap}.keys")/$(grep -c '^SERVER_HANDSHAKE_TRAFFIC_SECRET ' "${1%.pcap}.keys")" 1/1
    check "$2: server Certificate only with keys" eq "$(count "$1" 'tls.handshake.type==11')/$(kcount "$1" 'tls.handshake.type==11')" 0/1
}
vfy_tls12_port_8443() {
    check "$2: TLS on port 8443" ge "$(count "$1" 'tls && tcp.port==8443')" 5
    check "$2: TLS 1.2" eq "$(count "$1" 'tls.handshake.type==2 && tls.handshake.version==0x0303')" 1
}
smtp_frames() { ts -r "$1" -d "tcp.port==$SMTP_PORT,smtp" -Y "$2" -T fields -e frame.number | paste -sd, -; }
vfy_smtp_starttls() {
    local f=$1 st r220 ch
    st=$(smtp_frames "$f" 'smtp.req && tcp.payload contains "STARTTLS"')
    r220=$(smtp_frames "$f" 'smtp.response.code == 220')
    ch=$(smtp_frames "$f" 'tls.handshake.type==1')
    check "$2: one STARTTLS command (decode as smtp)" eq "$(nseg "$st")" 1
    check "$2: 220 greeting, then 220 right after STARTTLS" eq "$(nseg "$r220")/${r220#*,}" "2/$((st + 1))"
    check "$2: ClientHello after the 220" ge "${ch:-0}" "$((st + 2))"
    check "$2: SMTP inside TLS decrypts" decrypts_smtp "$f"
}
vfy_tls12_gnutls_ecdhe_ecdsa() {
    check "$2: TLS 1.2, ECDHE-ECDSA suite" ge "$(count "$1" 'tls.handshake.type==2 && tls.handshake.version==0x0303 && !tls.handshake.extensions.supported_version && (tls.handshake.ciphersuite==0xc02b || tls.handshake.ciphersuite==0xc02c || tls.handshake.ciphersuite==0xcca9 || tls.handshake.ciphersuite==0xc0ad || tls.handshake.ciphersuite==0xc0ac)')" 1
}
vfy_tls13_gnutls_x25519_chacha() {
    check "$2: TLS 1.3, TLS_CHACHA20_POLY1305_SHA256" tls13_is "$1" 0x1303
    check "$2: X25519 key share" eq "$(count "$1" 'tls.handshake.type==2 && tls.handshake.extensions_key_share_group==29')" 1
}
vfy_tls12_renegotiation() {
    local f=$1
    check "$2: one cleartext ClientHello" eq "$(count "$f" 'tls.handshake.type==1')" 1
    check "$2: two ClientHellos with keys (renegotiation)" eq "$(kcount "$f" 'tls.handshake.type==1')" 2
    check "$2: renegotiation_info with verify data in the 2nd ClientHello" eq "$(kcount "$f" 'tls.handshake.type==1 && tls.handshake.extensions_reneg_info_len==12')" 1
}
vfy_dns_tc_retry_tcp() {
    local f=$1
    check "$2: truncated UDP answer" eq "$(count "$f" 'udp && dns.flags.response==1 && dns.flags.truncated==1')" 1
    check "$2: full answer over TCP" eq "$(count "$f" 'tcp && dns.flags.response==1 && dns.count.answers==14')" 1
    check "$2: same question over UDP and TCP" eq "$(ts -r "$f" -Y 'dns.flags.response==0' -T fields -e udp.port -e dns.qry.name -e dns.qry.type | cut -f2- | sort -u | wc -l)/$(count "$f" 'dns.flags.response==0')" 1/2
}
vfy_dns_records() {
    local f=$1 n
    for n in 'dns.soa.mname' 'dns.resp.type==2' 'dns.aaaa==::1' 'dns.svcb.svcparam.alpn=="h2"' \
             'dns.svcb.svcparam.port==443' 'dns.svcb.svcparam.ipv4hint.ip==127.0.0.2' \
             'dns.caa.issue=="ca.example.test"' 'dns.resp.type==65280' 'dns.qry.type==255 && tcp' \
             'dns.opt.code==15 && dns.qry.type==255'; do
        check "$2: $n" ge "$(count "$f" "$n")" 1
    done
    check "$2: every answer authoritative" eq "$(count "$f" 'dns.flags.response==1 && dns.flags.authoritative==0')" 0
}

verify() {
    log "verifying with tshark"
    local name f id
    for name in "${CAPS[@]}"; do
        f=$OUT/$name.pcap
        if [ ! -f "$f" ]; then check "$name.pcap exists" false; continue; fi
        check "$name.pcap opens cleanly in tshark" opens_clean "$f"
        check "$name.pcap is classic pcap" magic_is "$f" d4c3b2a1
        check "$name.pcap has packets" ge "$(npk "$f")" 1
        check "$name.pcap is < 40 KB" ge 40960 "$(stat -c %s "$f")"
        check "$name.pcap: no frame > 1514 bytes" eq "$(count "$f" 'frame.len > 1514')" 0
        check "$name.pcap: only loopback addresses" eq "$(count "$f" '!(ip.addr==127.0.0.0/8)')" 0
        case $name in
            dns-*|tls12-alert-handshake-failure) ;;
            *) check "$name.keys exists" test -s "$OUT/$name.keys" ;;
        esac
        case $name in
            dns-*|smtp-*|*-alert-*) ;;
            *) check "$name decrypts (HTTP request + response)" decrypts_http "$f" "$OUT/$name.keys" ;;
        esac
        case $name in
            dns-*|smtp-*|tls13-*|*-alert-*) ;;
            *) check "$name: Certificate spans >= 2 TCP segments" ge "$(nseg "$(cert_segments "$f")")" 2 ;;
        esac
        id=$(fn vfy "$name")
        "$id" "$f" "$name"
    done
}

# ============================================================ README section

# w FILE FILTER: frame numbers matching FILTER (with the file's key log)
w() { kframes "$OUT/$1.pcap" "$2"; }
segs() { cert_segments "$OUT/$1.pcap"; }

write_section() {
    local s=$WORK/README.section
    local ver
    ver="OpenSSL $(openssl version | awk '{print $2}'), GnuTLS $(gnutls-cli --version | head -1 | awk '{print $2}'), Python $("$PY" -c 'import platform; print(platform.python_version())') ssl module, dnsmasq $(dnsmasq --version | head -1 | awk '{print $3}'), dig $(dig -v 2>&1 | awk '{print $2}'), tcpdump $(tcpdump --version | head -1 | awk '{print $3}'), tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}')"
    {
        cat <<EOF
$README_BEGIN

## TLS/DNS matrix (\`tools/captures/make-tls-matrix.sh\`)

Generated by \`tools/captures/make-tls-matrix.sh\` (run as root; it only
adds or replaces the files listed here and this section, after its own
tshark checks pass; \`--verify\` re-runs the checks; \`ONLY="name ..."\`
regenerates single captures).  Same rules as above: throw-away network
namespaces, their \`lo\` only (MTU 1500, gso/gro_max_size 1400), loopback
addresses only; client 127.0.0.1, servers 127.0.0.2 (TLS) or 127.0.0.1 (DNS,
SMTP).  Each capture is one \`tcpdump -i lo -s 0 -w\` (classic little-endian
microsecond pcap, EN10MB).  Frame numbers are from the files as committed.
Stacks: $ver.

Certificates (new per run, same layout as above): root -> intermediate ->
RSA-2048 leaf www.example.test, plus, issued by the same intermediate, an
ECDSA P-256 leaf www.example.test (\`-cert leaf-ec.pem\`, SANs
www.example.test, example.test, 127.0.0.2), a client certificate
CN=client.example.test (EKU clientAuth), and an unrelated self-signed
"tlsdissect Wrong Root CA".  Servers send leaf + intermediate + root.

Unless said otherwise the server is \`openssl s_server -accept
127.0.0.2:443 -naccept N -cert leaf.pem -key leaf.key -cert_chain chain.pem
-HTTP\` and the client \`openssl s_client -connect 127.0.0.2:443
-servername www.example.test -CAfile root.pem -verify_return_error
-verify_hostname www.example.test -keylogfile NAME.keys -ign_eof\` sending
\`GET /index.html\` (HTTP/1.1, \`Connection: close\`); only the options that
differ are listed.  \`NAME.keys\` is the client's key log (\`-keylogfile\`,
or \`SSLKEYLOGFILE\` for gnutls-cli); \`tshark -r NAME.pcap -o
tls.keylog_file:NAME.keys\` decrypts (checked for every HTTPS capture: the
HTTP request and response are visible).  Frames marked (decrypted) are
only visible with the key log.

### TLS versions and cipher suites

- \`tls10-openssl.pcap\` (+ \`.keys\`) — TLS 1.0: server \`-tls1 -cipher
  'DEFAULT:@SECLEVEL=0'\`, client \`-tls1 -cipher
  'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' -no_etm\`.  ServerHello (version
  0x0301, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA) in frame $(w tls10-openssl 'tls.handshake.type==2'),
  Certificate in frames $(segs tls10-openssl); no encrypt_then_mac (\`-no_etm\`), so
  classic MAC-then-encrypt CBC records, without explicit IVs (TLS 1.0 chains
  the IV from the previous record); GET in frame $(w tls10-openssl http.request), response in frame $(w tls10-openssl http.response).
- \`tls11-openssl.pcap\` (+ \`.keys\`) — TLS 1.1: server \`-tls1_1 -cipher
  'DEFAULT:@SECLEVEL=0'\`, client \`-tls1_1 -cipher
  'ECDHE-RSA-AES256-SHA:@SECLEVEL=0'\`: TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
  (ServerHello frame $(w tls11-openssl 'tls.handshake.type==2')) with the encrypt_then_mac extension
  (22) negotiated (OpenSSL's default for CBC suites): explicit per-record IV,
  MAC over the ciphertext.
- \`tls12-rsa-kx.pcap\` (+ \`.keys\`) — client \`-tls1_2 -cipher
  AES128-GCM-SHA256\`: TLS_RSA_WITH_AES_128_GCM_SHA256, plain RSA key
  exchange: no ServerKeyExchange, the ClientKeyExchange (frame $(w tls12-rsa-kx 'tls.handshake.type==16'))
  carries the RSA-encrypted premaster secret.  The key log has an \`RSA\` line
  (first 8 bytes of the encrypted premaster -> premaster secret) as well as
  the CLIENT_RANDOM line.
- \`tls12-ecdhe-ecdsa.pcap\` (+ \`.keys\`) — server with the ECDSA leaf
  (\`-cert leaf-ec.pem -key leaf-ec.key\`), client \`-tls1_2 -cipher
  ECDHE-ECDSA-AES256-GCM-SHA384\`: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  Certificate (ECDSA leaf, RSA-signed by the intermediate) in frames
  $(segs tls12-ecdhe-ecdsa), ServerKeyExchange signed with ecdsa_secp256r1_sha256 (frame $(w tls12-ecdhe-ecdsa 'tls.handshake.type==12')).
- \`tls12-cbc-sha256.pcap\` (+ \`.keys\`) — client \`-tls1_2 -cipher
  ECDHE-RSA-AES128-SHA256\`: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 with
  encrypt_then_mac negotiated (ServerHello frame $(w tls12-cbc-sha256 'tls.handshake.type==2')).
- \`tls13-aes128gcm.pcap\` (+ \`.keys\`) — client \`-tls1_3 -ciphersuites
  TLS_AES_128_GCM_SHA256\` (ServerHello frame $(w tls13-aes128gcm 'tls.handshake.type==2')).
  \`tls13-aes128gcm-secrets.pcapng\` holds the same packets with the key log inside
  the file as a Decryption Secrets Block (\`editcap --inject-secrets\`).
- \`tls13-key-update.pcap\` (+ \`.keys\`) — \`openssl s_client -tls1_3\` sends a
  KeyUpdate with update_requested (its \`K\` command) before the GET; the server answers
  with its own (KeyUpdate frames $(w tls13-key-update 'tls.handshake.type==24')).
- \`tls12-aes-ccm.pcap\` (+ \`.keys\`) — client \`-tls1_2 -cipher AES128-CCM\`:
  TLS_RSA_WITH_AES_128_CCM (ServerHello frame $(w tls12-aes-ccm 'tls.handshake.type==2')).
- \`tls12-chacha20.pcap\` (+ \`.keys\`) — client \`-tls1_2 -cipher
  ECDHE-RSA-CHACHA20-POLY1305\`: TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
  (ServerHello frame $(w tls12-chacha20 'tls.handshake.type==2')).
- \`tls12-gnutls-ecdhe-ecdsa.pcap\` (+ \`.keys\`) — \`gnutls-cli --priority
  'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA'\` to \`gnutls-serv
  --http --disable-client-cert\` with the ECDSA leaf + chain (as
  tls12-gnutls-dhe above): $(suite_name "$OUT/tls12-gnutls-ecdhe-ecdsa.pcap"),
  ServerHello frame $(w tls12-gnutls-ecdhe-ecdsa 'tls.handshake.type==2'), Certificate in frames $(segs tls12-gnutls-ecdhe-ecdsa).
- \`tls13-gnutls-x25519-chacha.pcap\` (+ \`.keys\`) — \`gnutls-cli --priority
  'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305:-GROUP-ALL:+GROUP-X25519'\`
  to gnutls-serv (RSA leaf): TLS 1.3, TLS_CHACHA20_POLY1305_SHA256, X25519
  (ServerHello frame $(w tls13-gnutls-x25519-chacha 'tls.handshake.type==2')).

### Handshake variants

- \`tls12-resume-session-id.pcap\` (+ \`.keys\`, two CLIENT_RANDOM lines) —
  server \`-naccept 2 -no_ticket\`; two connections with client \`-tls1_2
  -cipher ECDHE-RSA-AES128-GCM-SHA256\`, the first with \`-sess_out
  sess.pem\`, the second with \`-sess_in sess.pem\` (s_client: "Reused").
  ClientHellos in frames $(w tls12-resume-session-id 'tls.handshake.type==1'); the second offers the session ID from the
  first ServerHello, and its ServerHello (frame $(w tls12-resume-session-id 'tls.handshake.type==2' | cut -d, -f2)) echoes it and is
  followed directly by ChangeCipherSpec + Finished: abbreviated handshake, no
  Certificate, no key exchange.  No NewSessionTicket anywhere.
- \`tls12-resume-ticket.pcap\` (+ \`.keys\`) — the same with tickets (server
  \`-naccept 2\`, default tickets): NewSessionTicket in frame(s)
  $(w tls12-resume-ticket 'tls.handshake.type==4'); the first ClientHello has an empty SessionTicket
  extension and an empty session ID, the second ClientHello (frame $(w tls12-resume-ticket 'tls.handshake.type==1' | cut -d, -f2)) carries the ticket in its
  SessionTicket extension (35) and a fresh session ID, which the ServerHello
  (frame $(w tls12-resume-ticket 'tls.handshake.type==2' | cut -d, -f2)) echoes to signal resumption; no Certificate in the second
  connection.
- \`tls13-hrr.pcap\` (+ \`.keys\`) — server \`-groups P-256\`, client \`-tls1_3
  -groups X25519:P-256\`: the first ClientHello (frame $(w tls13-hrr 'tls.handshake.type==1' | cut -d, -f1)) has a key share
  for X25519 only, the server answers with a HelloRetryRequest (frame
  $(w tls13-hrr "tls.handshake.random==$HRR_RANDOM"): a ServerHello whose random is the RFC 8446 HRR constant
  cf21ad74...339c, key_share selecting secp256r1), the client sends a
  second ClientHello (frame $(w tls13-hrr 'tls.handshake.type==1' | cut -d, -f2)) with a P-256 share, then the real ServerHello
  (frame $(w tls13-hrr "tls.handshake.type==2 && !(tls.handshake.random==$HRR_RANDOM)")).  Middlebox-compatibility ChangeCipherSpec records: the
  server's right after the HRR (frame $(w tls13-hrr 'tls.record.content_type==20 && ip.src==127.0.0.2')), the client's before its second
  ClientHello (frame $(w tls13-hrr 'tls.record.content_type==20 && ip.src==127.0.0.1')).
- \`tls13-hrr-gnutls.pcap\` (+ \`.keys\`) — gnutls-serv \`--priority
  NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-FFDHE2048\`, gnutls-cli
  \`--priority NORMAL:%DUMBFW\`: the first ClientHello (frame $(w tls13-hrr-gnutls 'tls.handshake.type==1' | cut -d, -f1)) has key shares
  for X25519 and secp256r1 and is padded to 512 bytes (padding extension 21); the
  server answers with a HelloRetryRequest selecting ffdhe2048 (frame $(w tls13-hrr-gnutls "tls.handshake.random==$HRR_RANDOM")); the
  second ClientHello (frame $(w tls13-hrr-gnutls 'tls.handshake.type==1' | cut -d, -f2)), with a 256-byte share, needs no padding, so
  its extension list, JA3 and JA4 differ from the first's.
- \`tls13-psk-resume.pcap\` (+ \`.keys\`) — server \`-naccept 2\`; client
  \`-tls1_3 -sess_out sess.pem\`, then \`-tls1_3 -sess_in sess.pem\`: the
  first connection gets two NewSessionTickets (frames $(w tls13-psk-resume 'tls.handshake.type==4 && tcp.stream==0'), decrypted), the
  second one more (frame $(w tls13-psk-resume 'tls.handshake.type==4 && tcp.stream==1')); the
  second ClientHello (frame $(w tls13-psk-resume 'tls.handshake.type==1' | cut -d, -f2)) has psk_key_exchange_modes and a
  pre_shared_key extension (41, last) with the ticket identity and binder;
  its ServerHello (frame $(w tls13-psk-resume 'tls.handshake.type==2' | cut -d, -f2)) selects identity 0 (psk_dhe_ke, with a key
  share; frame $(w tls13-psk-resume 'tls.handshake.type==2' | cut -d, -f2) also holds EncryptedExtensions and Finished, decrypted); no
  Certificate/CertificateVerify in the second connection.
- \`tls12-client-cert.pcap\` (+ \`.keys\`) — mutual authentication: server
  \`-Verify 1 -CAfile root.pem -verify_return_error\`, client \`-tls1_2
  -cipher ECDHE-RSA-AES128-GCM-SHA256 -cert client.pem -key client.key
  -cert_chain chain.pem\`: CertificateRequest (with the root CA's DN in
  certificate_authorities) in frame $(w tls12-client-cert 'tls.handshake.type==13'); the client's Certificate (client
  leaf + intermediate + root) in frames $(ts -r "$OUT/tls12-client-cert.pcap" -Y 'tls.handshake.type==11 && ip.src==127.0.0.1' -T fields -e tcp.segment | head -1 | sed 's/^$/(one segment)/'), CertificateVerify in frame
  $(w tls12-client-cert 'tls.handshake.type==15').
- \`tls13-client-cert.pcap\` (+ \`.keys\`) — the same with \`-tls1_3\`:
  everything after the ServerHello is encrypted; with the key log:
  CertificateRequest in frame $(w tls13-client-cert 'tls.handshake.type==13') (after EncryptedExtensions), the server's
  Certificate/CertificateVerify/Finished in frame $(w tls13-client-cert 'tls.handshake.type==15 && ip.src==127.0.0.2'), the client's
  Certificate/CertificateVerify/Finished in frame $(w tls13-client-cert 'tls.handshake.type==15 && ip.src==127.0.0.1').
- \`tls12-ocsp-stapling.pcap\` (+ \`.keys\`) — server \`-status_file
  ocsp-resp.der\`, client \`-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
  -status\`.  The OCSP response was made with \`openssl ocsp -index
  index.txt -rsigner inter.pem -rkey inter.key -CA inter.pem -issuer
  inter.pem -cert leaf.pem -respout ocsp-resp.der -ndays 7\` (status good,
  signed by the intermediate).  status_request extension (5) in ClientHello and
  ServerHello, CertificateStatus (type 22, OCSP response) in frame
  $(w tls12-ocsp-stapling 'tls.handshake.type==22').
- \`tls12-renegotiation.pcap\` (+ \`.keys\`, two CLIENT_RANDOM lines) —
  client-initiated secure renegotiation: server \`-client_renegotiation\`
  (OpenSSL 3 refuses it otherwise), client \`-tls1_2 -cipher
  ECDHE-RSA-AES128-GCM-SHA256\` without \`-ign_eof\`, stdin "R" (s_client's
  renegotiate command), then the GET.  The second handshake runs inside the
  first one's encryption: without keys only encrypted handshake records are
  seen after the first Finished; with the key log the second ClientHello
  (frame $(w tls12-renegotiation 'tls.handshake.type==1' | cut -d, -f2), renegotiation_info carrying the 12-byte client
  verify_data) and the rest of the second handshake (frames $(reneg_frames))
  are decrypted, including its Certificate; then the GET (frame $(w tls12-renegotiation http.request)) under
  the new keys.

### Alerts

- \`tls12-alert-handshake-failure.pcap\` (no key log: no secret was ever
  derived) — server \`-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256\`, client
  \`-tls1_2 -cipher AES256-SHA\`: no shared cipher, the server answers the
  ClientHello with a fatal handshake_failure alert (level 2, description 40,
  frame $(w tls12-alert-handshake-failure 'tls.alert_message')) and closes.
- \`tls13-alert-unknown-ca.pcap\` (+ \`.keys\`) — client \`-tls1_3 -CAfile
  wrongroot.pem -verify_return_error\`: the client cannot verify the chain
  ("self-signed certificate in certificate chain") and sends a fatal
  unknown_ca alert (48) in frame $(w tls13-alert-unknown-ca 'tls.alert_message').  OpenSSL sends this alert in cleartext
  (a 2-byte alert record), as the client has not switched to its handshake
  traffic key yet; for the same reason the key log holds only
  SERVER_HANDSHAKE_TRAFFIC_SECRET, enough to decrypt the server's
  EncryptedExtensions, Certificate, CertificateVerify and Finished (frames $(w tls13-alert-unknown-ca 'tls.handshake.type==8 || tls.handshake.type==11 || tls.handshake.type==15 || tls.handshake.type==20')).

### Other ports and STARTTLS

- \`tls12-port-8443.pcap\` (+ \`.keys\`) — server \`-accept 127.0.0.2:8443\`,
  client \`-connect 127.0.0.2:8443 -tls1_2\` (default suites:
  $(suite_name "$OUT/tls12-port-8443.pcap")).  $(port8443_note)
- \`smtp-starttls.pcap\` (+ \`.keys\`) — \`tools/captures/smtp_starttls_server.py\`
  (Python ssl module, default settings: $(smtp_tls)) on
  127.0.0.1:2525, client \`openssl s_client -starttls smtp -name
  client.example.test -connect 127.0.0.1:2525 -servername mail.example.test
  -crlf -ign_eof -CAfile root.pem -verify_return_error\`.  Cleartext: 220
  greeting (frame $(smtp_frames "$OUT/smtp-starttls.pcap" 'smtp.response.code == 220' | cut -d, -f1)), EHLO, 250 lines advertising STARTTLS, STARTTLS (frame $(smtp_frames "$OUT/smtp-starttls.pcap" 'smtp.req && tcp.payload contains "STARTTLS"')),
  "220 2.0.0 Ready to start TLS" (frame $(smtp_frames "$OUT/smtp-starttls.pcap" 'smtp.response.code == 220' | cut -d, -f2)), then the TLS handshake on the same
  connection (ClientHello frame $(smtp_frames "$OUT/smtp-starttls.pcap" 'tls.handshake.type==1')); inside TLS (decrypted), one
  command per TLS record: EHLO (now without STARTTLS in the reply), MAIL FROM,
  RCPT TO, DATA, the 5-line message in one record, ".", QUIT and "221 2.0.0
  Bye" (frame $(kframes "$OUT/smtp-starttls.pcap" 'smtp.response.code == 221' -d "tcp.port==$SMTP_PORT,smtp")), close_notify from both sides.  Port 2525 is not an SMTP port
  for tshark: use \`-d tcp.port==2525,smtp\`.

### DNS

- \`dns-tc-retry-tcp.pcap\` — dnsmasq (\`--listen-address=127.0.0.1\`, the
  14 ~260-byte TXT records of big.example.test as in dns-tcp.pcap) and
  \`dig @127.0.0.1 +bufsize=512 big.example.test TXT\`: the UDP answer
  (frame $(w dns-tc-retry-tcp 'udp && dns.flags.response==1')) has the TC bit set and holds only $(ts -r "$OUT/dns-tc-retry-tcp.pcap" -Y 'udp && dns.flags.response==1' -T fields -e dns.count.answers) of the 14 TXT records (what
  fits into 512 bytes); dig retries the same question over TCP (frame $(w dns-tc-retry-tcp 'tcp && dns.flags.response==0'), with a new
  query ID), and the full answer (14 TXT
  records, ~3.9 KB) comes back in frame $(w dns-tc-retry-tcp 'tcp && dns.flags.response==1'), reassembled from TCP segments
  $(ts -r "$OUT/dns-tc-retry-tcp.pcap" -Y 'tcp && dns.flags.response==1' -T fields -e tcp.segment).
- \`dns-records.pcap\` — dnsmasq as an authoritative server for example.test
  (\`--auth-server=ns1.example.test,lo --auth-zone=example.test
  --auth-soa=2024010101,hostmaster.example.test,3600,600,86400\`, plus the
  showcase names), dig queries to 127.0.0.1; every answer has AA set, and
  all but the NS and ANY answers carry the NS record in the authority
  section:
  SOA of example.test (frame $(w dns-records 'dns.flags.response==1 && dns.qry.type==6')), NS (frame $(w dns-records 'dns.flags.response==1 && dns.qry.type==2')), AAAA of edge.cdn.example.test
  (frame $(w dns-records 'dns.flags.response==1 && dns.qry.type==28')), HTTPS of www.example.test (frame $(w dns-records 'dns.flags.response==1 && dns.qry.type==65'); \`--dns-rr=www.example.test,65,HEX\`
  with RDATA $(https_rdata):
  priority 1, target ".", alpn="h2,http/1.1", port=443,
  ipv4hint=127.0.0.2), CAA 0 issue "ca.example.test" (frame $(w dns-records 'dns.flags.response==1 && dns.qry.type==257'), type 257),
  an unknown type 65280 with 29 opaque bytes (frame $(w dns-records 'dns.flags.response==1 && dns.qry.type==65280')), and an ANY query
  for example.test, which dig 9.18 sends over TCP by default (frames
  $(w dns-records 'dns.qry.type==255')): dnsmasq answers it with no answer records, the SOA in the
  authority section$(any_ede_note).

Not captured: mDNS (dnsmasq does not speak it, and mDNS needs the multicast
group 224.0.0.251 / ff02::fb, outside the loopback-only rule).
$README_END
EOF
    } >"$s"
}

reneg_frames() {   # handshake frames of the renegotiation (from the 2nd ClientHello on)
    local ch2
    ch2=$(w tls12-renegotiation 'tls.handshake.type==1' | cut -d, -f2)
    w tls12-renegotiation "tls.handshake.type && frame.number >= $ch2"
}
port8443_note() {
    if [ "$(count "$OUT/tls12-port-8443.pcap" tls)" -ge 5 ]; then
        echo "tshark finds TLS on 8443 by itself; decrypted HTTP is shown with the key log."
    else
        echo "tshark needs \`-d tcp.port==8443,tls\`."
    fi
}
any_ede_note() {
    if [ "$(count "$OUT/dns-records.pcap" 'dns.qry.type==255 && dns.opt.code==15')" -ge 1 ]; then
        echo " and an EDNS Extended DNS Error option (15) with info code $(ts -r "$OUT/dns-records.pcap" -Y 'dns.qry.type==255 && dns.opt.code==15' -T fields -e dns.opt.ext_error.info_code | head -1) (Filtered)"
    fi
}

# install_readme: replace (or append) our section in $DEST/README.md
install_readme() {
    local r=$DEST/README.md tmp=$WORK/README.new
    [ -f "$r" ] || : >"$r"
    awk -v b="$README_BEGIN" -v e="$README_END" '$0 == b { skip = 1 } !skip { print } $0 == e { skip = 0 }' "$r" |
        awk '{ lines[NR] = $0 } END { n = NR; while (n > 0 && lines[n] == "") n--; for (i = 1; i <= n; i++) print lines[i] }' >"$tmp"
    { echo; cat "$WORK/README.section"; } >>"$tmp"
    cp "$tmp" "$r"
}

# ============================================================ main

: >"$WORK/checks.log"
if [ -n "$VERIFY_ONLY" ]; then
    verify
    write_section
    # (the Stacks: line names the versions installed here, so it is not compared)
    check "README.md section matches the files (frame numbers etc.)" \
        eq "$(readme_section "$DEST/README.md" | grep -v '^Stacks: ' | md5sum)" \
        "$(grep -v '^Stacks: ' "$WORK/README.section" | md5sum)"
    cat "$WORK/checks.log" >&2
    [ "$FAILS" = 0 ] || die "$FAILS check(s) failed"
    log "all $(grep -c '^  ok' "$WORK/checks.log") checks passed in $DEST"
    exit 0
fi
log "output: $DEST   work: $WORK"
make_pki
make_pki_extra
make_www
for name in "${CAPS[@]}"; do
    # shellcheck disable=SC2086  # ONLY is a list of names
    if [ -n "$ONLY" ] && ! printf '%s\n' $ONLY | grep -qx -- "$name"; then
        # not regenerated: check (and document) the committed files as they are
        cp -p "$DEST/$name.pcap" "$OUT/" 2>/dev/null || true
        cp -p "$DEST/$name.keys" "$OUT/" 2>/dev/null || true
        cp -p "$DEST/$name-secrets.pcapng" "$OUT/" 2>/dev/null || true
        continue
    fi
    "$(fn cap "$name")"
done
chmod 644 "$OUT"/*
verify
write_section

echo >&2
cat "$WORK/checks.log" >&2
echo >&2
(cd "$OUT" && ls -l) >&2
echo "total: $(du -cb "$OUT"/*.pcap "$OUT"/*.keys | tail -1 | cut -f1) bytes" >&2
[ "$FAILS" = 0 ] || die "$FAILS check(s) failed; $DEST left unchanged"
for name in "${CAPS[@]}"; do
    cp -p "$OUT/$name.pcap" "$DEST/"
    if [ -f "$OUT/$name.keys" ]; then cp -p "$OUT/$name.keys" "$DEST/"; else rm -f "$DEST/$name.keys"; fi
    if [ -f "$OUT/$name-secrets.pcapng" ]; then cp -p "$OUT/$name-secrets.pcapng" "$DEST/"; fi
done
install_readme
log "done: ${#CAPS[@]} captures in $DEST"
