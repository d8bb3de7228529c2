#!/usr/bin/env bash
# make-audit-captures.sh - make the captures that show tlsdissect's --audit
# findings, from real stacks configured badly on purpose (OpenSSL s_server /
# s_client at @SECLEVEL=0, GnuTLS gnutls-serv / gnutls-cli with legacy
# priorities) and certificates made for it (expired, not yet valid, wrong
# name, 1024-bit RSA signed with SHA-1).
#
# Debian 12 packages needed (not installed by this script):
#   bash coreutils iproute2 openssl gnutls-bin tcpdump tshark python3
#   python3-cryptography (for the certificates with chosen validity dates)
#
# Usage (as root):  tools/captures/make-audit-captures.sh [OUTDIR]
#   OUTDIR defaults to the repository's captures/ directory.  Everything is made
#   and checked with tshark in a temporary directory first; the audit-*.pcap
#   files in OUTDIR are replaced only if every check passes.
#   KEEP_WORK=1 keeps the temporary directory.
#
# What the stacks of Debian 12 can no longer do (tested with the real traces in
# ../shared/captures-real/tls/ and by unit tests instead): SSL 2.0 and SSL 3.0
# (OpenSSL is built without them, GnuTLS 3.7 dropped SSL 3.0), EXPORT suites
# (gone from both), TLS compression (OpenSSL 3 is built without zlib, so -comp
# is accepted and ignored; GnuTLS 3.6 removed compression), a Heartbleed
# request (no stack sends one; OpenSSL 3 removed heartbeats, GnuTLS sends
# well-formed ones, encrypted).  RC4 and 3DES are still in GnuTLS; OpenSSL 3
# still has NULL-encryption and anonymous suites.
#
# Network rules (as make-captures.sh; shared code in lib.sh): all traffic is
# made inside network namespaces created here (td-audit-<pid>-<name>), on
# their own `lo`, between loopback addresses (client 127.0.0.1, server
# 127.0.0.2).  Every server and client runs under `timeout`; only the PIDs
# started here are stopped, and the namespaces are deleted by an EXIT trap.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
OUT=${1:-"$HERE/../../captures"}
PY=/usr/bin/python3
TMO=60
CTMO=20
PROG=make-audit-captures
NS_TAG=audit
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

# This helper's namespaces are named td-audit-<pid>-<name>.
ns_new() {
    NS="td-audit-$$-$1"
    ip netns add "$NS"
    NSLIST+=("$NS")
    nx ip link set lo up
    nx ip link set lo mtu 1500 gso_max_size 1400 gro_max_size 1400
}

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip ss timeout openssl gnutls-serv gnutls-cli tcpdump tshark; do
    command -v "$c" >/dev/null || die "missing command: $c"
done
"$PY" -c 'import cryptography' 2>/dev/null || die "missing python3-cryptography"

mkdir -p "$OUT"
DEST=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/td-audit.XXXXXX")
OUT=$WORK/out
PKI=$WORK/pki
WWW=$WORK/www
mkdir -p "$OUT"
SRV=127.0.0.2

make_pki
make_www

# Server certificates for the certificate findings, issued by make_pki's
# intermediate CA with python3-cryptography (openssl x509 cannot backdate):
#   expired.pem   RSA 1024, sha1WithRSAEncryption, valid 2020-01-01..2021-01-01,
#                 SAN www.other.test only (weak_key, weak_signature,
#                 cert_expired, name_mismatch for SNI www.example.test)
#   future.pem    EC P-256, ecdsa-with-SHA256, valid from 2040-01-01,
#                 SAN www.example.test (cert_not_yet_valid only)
make_audit_certs() {
    "$PY" - "$PKI" <<'EOF' >"$WORK/certs.log" 2>&1 || { cat "$WORK/certs.log" >&2; die "audit certificates failed"; }
import datetime, sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa, ec

pki = sys.argv[1]
inter = x509.load_pem_x509_certificate(open(f"{pki}/inter.pem", "rb").read())
inter_key = serialization.load_pem_private_key(open(f"{pki}/inter.key", "rb").read(), None)

def issue(name, key, hash_alg, not_before, not_after, dns, serial):
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ZZ"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "tlsdissect Test"),
                         x509.NameAttribute(NameOID.COMMON_NAME, dns[0])])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(inter.subject)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]), critical=False)
            .sign(inter_key, hash_alg))
    open(f"{pki}/{name}.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    open(f"{pki}/{name}.key", "wb").write(key.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))

utc = datetime.timezone.utc
issue("expired", rsa.generate_private_key(65537, 1024), hashes.SHA1(),
      datetime.datetime(2020, 1, 1, tzinfo=utc), datetime.datetime(2021, 1, 1, tzinfo=utc),
      ["www.other.test"], 0x4001)
issue("future", ec.generate_private_key(ec.SECP256R1()), hashes.SHA256(),
      datetime.datetime(2040, 1, 1, tzinfo=utc), datetime.datetime(2041, 1, 1, tzinfo=utc),
      ["www.example.test"], 0x4002)
EOF
    openssl dhparam -out "$PKI/dh1024.pem" 1024 2>>"$WORK/certs.log" ||
        { cat "$WORK/certs.log" >&2; die "dhparam failed"; }
}
make_audit_certs

# begin NAME / finish NAME CAP-PID [KEYS...]: as make-tls-matrix.sh
begin() {
    D=$WORK/$1
    mkdir -p "$D"
    log "$1"
    ns_new "$1"
}
finish() {
    local name=$1 cpid=$2
    shift 2
    cap_stop "$cpid"
    ns_end
    cp "$D/lo.pcap" "$OUT/$name.pcap"
    if [ "$#" -gt 0 ]; then cat "$@" >"$OUT/$name.keys"; fi
}

# ossl NAME CERT [s_server options...] -- [s_client options...]: one GET of
# /index.html; the client does not verify the certificate (the point of some
# captures is a certificate it should have refused), so it goes on anyway.
# EXPECT (default "HTTP/1.1 200 OK") is what the client log must contain.
ossl() {
    local name=$1 cert=$2 psrv c1
    shift 2
    local sopt=() copt=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do sopt+=("$1"); shift; done
    [ "$#" -gt 0 ] && shift
    copt=("$@")
    begin "$name"
    local chain=()
    [ "$cert" = leaf ] && chain=(-cert_chain "$PKI/chain.pem")
    start_bg psrv "$D/s_server.log" env -C "$WWW/http" openssl s_server -accept "$SRV:443" -naccept 1 \
        -cert "$PKI/$cert.pem" -key "$PKI/$cert.key" "${chain[@]}" -HTTP "${sopt[@]}"
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    HTTP_REQ /index.html | nx timeout "$CTMO" openssl s_client -connect "$SRV:443" \
        -servername www.example.test -keylogfile "$D/keys" -ign_eof "${copt[@]}" >"$D/s_client.log" 2>&1 || true
    grep -q "${EXPECT:-HTTP/1.1 200 OK}" "$D/s_client.log" || { cat "$D/s_client.log" >&2; die "$name: client did not get '${EXPECT:-HTTP/1.1 200 OK}'"; }
    if [ -n "${EXPECT:-}" ]; then stop_bg "$psrv"; else wait_bg "$psrv"; fi
    finish "$name" "$c1" "$D/keys"
}

# gnutls NAME 'SERVER-PRIORITY' [gnutls-cli options...]: gnutls-cli to gnutls-serv
gnutls() {
    local name=$1 prio=$2 psrv c1
    shift 2
    begin "$name"
    start_bg psrv "$D/gnutls-serv.log" gnutls-serv --http --port 443 --disable-client-cert \
        --httpdata="$WWW/index.html" --x509certfile "$PKI/fullchain.pem" --x509keyfile "$PKI/leaf.key" \
        --priority "$prio" --heartbeat
    wait_listen tcp 443
    cap_start c1 "$D/lo.pcap" -i lo
    gnutls_get "$SRV" "$D/keys" "$D/gnutls-cli.log" "$@"
    sleep 0.2
    stop_bg "$psrv"
    finish "$name" "$c1" "$D/keys"
}

# ============================================================ the captures

# TLS 1.0 only, DHE with a 1024-bit group: old_protocol, weak_dh_group.
ossl audit-tls10-dhe1024 leaf -tls1 -cipher 'DHE-RSA-AES128-SHA:@SECLEVEL=0' -dhparam "$PKI/dh1024.pem" -- \
    -tls1 -cipher 'DHE-RSA-AES128-SHA:@SECLEVEL=0'

# NULL encryption, the key exchange signed with SHA-1, a client that offers only
# NULL suites: weak_cipher_offered, weak_cipher_chosen, weak_signature.
ossl audit-null-sha1 leaf -tls1_2 -cipher 'ECDHE-RSA-NULL-SHA:@SECLEVEL=0' -sigalgs RSA+SHA1 -- \
    -tls1_2 -cipher 'eNULL:@SECLEVEL=0' -sigalgs RSA+SHA1

# Anonymous Diffie-Hellman (no certificate at all): weak_cipher_chosen.
ossl audit-anon-dh leaf -tls1_2 -cipher 'ADH-AES128-GCM-SHA256:@SECLEVEL=0' -dhparam "$PKI/dh1024.pem" -- \
    -tls1_2 -cipher 'ADH-AES128-GCM-SHA256:@SECLEVEL=0'

# RSA key exchange with an expired 1024-bit SHA-1 certificate for another name:
# no_forward_secrecy, weak_key, weak_signature, cert_expired, name_mismatch.
ossl audit-bad-cert expired -tls1_2 -cipher 'AES128-GCM-SHA256:@SECLEVEL=0' -- \
    -tls1_2 -cipher 'AES128-GCM-SHA256:@SECLEVEL=0'

# The same certificate over TLS 1.3: the Certificate message is encrypted, so the
# certificate findings need the key log (--keylog audit-tls13-bad-cert.keys).
ossl audit-tls13-bad-cert expired -tls1_3 -cipher 'DEFAULT:@SECLEVEL=0' -- -tls1_3 -cipher 'DEFAULT:@SECLEVEL=0'

# A certificate that is not valid yet (otherwise clean; TLS 1.2 so that the
# Certificate message is in the clear): cert_not_yet_valid.
ossl audit-cert-future future -tls1_2 -- -tls1_2

# A TLS 1.3 server, a client limited to TLS 1.2: the downgrade sentinel in the
# Server Hello random (downgrade_sentinel, info).
ossl audit-downgrade-sentinel leaf -- -tls1_2

# A client that retries with TLS 1.1 and TLS_FALLBACK_SCSV against a TLS 1.3
# server, which answers inappropriate_fallback: fallback_scsv.
EXPECT=inappropriate\ fallback ossl audit-fallback-scsv leaf -cipher 'DEFAULT:@SECLEVEL=0' -- \
    -tls1_1 -fallback_scsv -cipher 'DEFAULT:@SECLEVEL=0'

# GnuTLS: RC4 with RSA key exchange, no renegotiation_info, no extended master
# secret, heartbeat negotiated: weak_cipher_offered, weak_cipher_chosen,
# no_forward_secrecy, insecure_renegotiation, no_extended_master_secret, heartbeat.
LEGACY='NONE:+VERS-TLS1.2:+ARCFOUR-128:+3DES-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL:+CURVE-ALL:%DISABLE_SAFE_RENEGOTIATION:%NO_SESSION_HASH'
gnutls audit-gnutls-rc4 "$LEGACY" --priority "$LEGACY" --heartbeat

# ============================================================ checks (tshark)

CAPS=(audit-tls10-dhe1024 audit-null-sha1 audit-anon-dh audit-bad-cert audit-tls13-bad-cert audit-cert-future
      audit-downgrade-sentinel audit-fallback-scsv audit-gnutls-rc4)
sh_has() { [ "$(count "$OUT/$1.pcap" "tls.handshake.type == 2 && $2")" -ge 1 ]; }
ch_has() { [ "$(count "$OUT/$1.pcap" "tls.handshake.type == 1 && $2")" -ge 1 ]; }
check "tls10: TLS 1.0 Server Hello, DHE suite" sh_has audit-tls10-dhe1024 'tls.handshake.version == 0x0301 && tls.handshake.ciphersuite == 0x0033'
check "tls10: 1024-bit DH prime" eq "$(ts -r "$OUT/audit-tls10-dhe1024.pcap" -Y 'tls.handshake.type == 12' -T fields -e tls.handshake.p_len)" 128
check "null: ECDHE-RSA-NULL-SHA chosen" sh_has audit-null-sha1 'tls.handshake.ciphersuite == 0xc010'
check "null: SKE signed rsa_pkcs1_sha1" eq "$(count "$OUT/audit-null-sha1.pcap" 'tls.handshake.type == 12 && tls.handshake.sig_hash_alg == 0x0201')" 1
check "anon: DH_anon suite" sh_has audit-anon-dh 'tls.handshake.ciphersuite == 0x00a6'
check "anon: no Certificate" eq "$(count "$OUT/audit-anon-dh.pcap" 'tls.handshake.type == 11')" 0
check "bad-cert: RSA kx" sh_has audit-bad-cert 'tls.handshake.ciphersuite == 0x009c'
check "bad-cert: 1024-bit SHA-1 leaf for www.other.test" eq "$(count "$OUT/audit-bad-cert.pcap" 'x509ce.dNSName == "www.other.test"')" 1
check "tls13-bad-cert: TLS 1.3" sh_has audit-tls13-bad-cert 'tls.handshake.extensions.supported_version == 0x0304'
check "tls13-bad-cert: Certificate only with the key log" eq "$(count "$OUT/audit-tls13-bad-cert.pcap" 'tls.handshake.type == 11'),$(ts -r "$OUT/audit-tls13-bad-cert.pcap" -o "tls.keylog_file:$OUT/audit-tls13-bad-cert.keys" -Y 'tls.handshake.type == 11' | wc -l)" 0,1
check "future: TLS 1.2 ECDHE-ECDSA" sh_has audit-cert-future 'tls.handshake.version == 0x0303 && tls.handshake.ciphersuite == 0xc02c'
check "downgrade: sentinel in the random" eq "$(count "$OUT/audit-downgrade-sentinel.pcap" 'tls.handshake.random[24:8] == 44:4f:57:4e:47:52:44:01')" 1
check "fallback: SCSV offered" ch_has audit-fallback-scsv 'tls.handshake.ciphersuite == 0x5600'
check "fallback: inappropriate_fallback alert" eq "$(count "$OUT/audit-fallback-scsv.pcap" 'tls.alert_message.desc == 86')" 1
check "gnutls: RC4 chosen" sh_has audit-gnutls-rc4 'tls.handshake.ciphersuite == 0x0005'
check "gnutls: heartbeat in both hellos" eq "$(count "$OUT/audit-gnutls-rc4.pcap" 'tls.handshake.extension.type == 15')" 2
check "gnutls: no renegotiation_info" eq "$(count "$OUT/audit-gnutls-rc4.pcap" 'tls.handshake.extension.type == 0xff01 || tls.handshake.ciphersuite == 0x00ff')" 0
check "gnutls: no extended_master_secret" eq "$(count "$OUT/audit-gnutls-rc4.pcap" 'tls.handshake.extension.type == 23')" 0
for c in "${CAPS[@]}"; do check "$c opens cleanly" opens_clean "$OUT/$c.pcap"; done
cat "$WORK/checks.log" >&2
[ "$FAILS" = 0 ] || die "$FAILS check(s) failed; $DEST not changed"

# ============================================================ README section

w() { frames_where "$OUT/$1.pcap" "$2"; }
write_section() {
    local ver
    ver="OpenSSL $(openssl version | awk '{print $2}'), GnuTLS $(gnutls-cli --version | head -1 | awk '{print $2}'), tcpdump $(tcpdump --version | head -1 | awk '{print $3}')"
    cat <<EOF
$AUDIT_README_BEGIN

## Security audit (\`tools/captures/make-audit-captures.sh\`)

Servers configured badly on purpose, one connection each, for
\`tlsdissect --audit\` (tests/audit/audit_test.py checks each finding's frame
against tshark).  Generated by \`tools/captures/make-audit-captures.sh\`
(run as root; it replaces only the \`audit-*\` files and this section, after
its tshark checks pass).  Same rules as above: throw-away network namespaces,
their \`lo\` only, client 127.0.0.1, server 127.0.0.2:443.  Stacks: $ver.
Unless said otherwise: \`openssl s_server -HTTP\` with the RSA-2048 leaf and
chain of make_pki, and \`openssl s_client -servername www.example.test
-keylogfile NAME.keys\` sending \`GET /index.html\` without verifying the
certificate (so it goes on where a real client should stop).

- \`audit-tls10-dhe1024.pcap\` — TLS 1.0 only, \`DHE-RSA-AES128-SHA\` with a
  1024-bit \`-dhparam\`: old_protocol (Server Hello, frame $(w audit-tls10-dhe1024 'tls.handshake.type == 2')),
  weak_dh_group (Server Key Exchange, frame $(w audit-tls10-dhe1024 'tls.handshake.type == 12')).
- \`audit-null-sha1.pcap\` — \`ECDHE-RSA-NULL-SHA\` (no encryption), client
  \`-cipher eNULL\`, both \`-sigalgs RSA+SHA1\`: weak_cipher_offered (frame
  $(w audit-null-sha1 'tls.handshake.type == 1')), weak_cipher_chosen (frame $(w audit-null-sha1 'tls.handshake.type == 2')), weak_signature (the Server Key
  Exchange signed rsa_pkcs1_sha1, frame $(w audit-null-sha1 'tls.handshake.type == 12')).  The records after Change Cipher
  Spec are readable without keys (tshark shows the Finished messages).
- \`audit-anon-dh.pcap\` — \`ADH-AES128-GCM-SHA256\` (anonymous DH, no
  Certificate) with the 1024-bit group: weak_cipher_offered, weak_cipher_chosen,
  weak_dh_group (frames $(w audit-anon-dh 'tls.handshake.type == 1'), $(w audit-anon-dh 'tls.handshake.type == 2'), $(w audit-anon-dh 'tls.handshake.type == 12')).
- \`audit-bad-cert.pcap\` — RSA key exchange (\`AES128-GCM-SHA256\`) and a
  leaf made with python3-cryptography: RSA-1024, sha1WithRSAEncryption,
  valid 2020-01-01 to 2021-01-01, SAN www.other.test only, sent without chain;
  SNI www.example.test: no_forward_secrecy (frame $(w audit-bad-cert 'tls.handshake.type == 2')), weak_key,
  weak_signature, cert_expired, name_mismatch (Certificate, frame $(w audit-bad-cert 'tls.handshake.type == 11')).
- \`audit-tls13-bad-cert.pcap\` (+ \`.keys\`) — the same certificate over TLS 1.3:
  the Certificate (frame $(ts -r "$OUT/audit-tls13-bad-cert.pcap" -o "tls.keylog_file:$OUT/audit-tls13-bad-cert.keys" -Y 'tls.handshake.type == 11' -T fields -e frame.number)) is encrypted, so weak_key, weak_signature,
  cert_expired and name_mismatch show only with \`--keylog audit-tls13-bad-cert.keys\`.
- \`audit-cert-future.pcap\` — TLS 1.2 with an EC P-256 leaf valid from
  2040-01-01: cert_not_yet_valid (frame $(w audit-cert-future 'tls.handshake.type == 11')).
- \`audit-downgrade-sentinel.pcap\` — a TLS 1.3 server and a \`-tls1_2\`
  client: the Server Hello random (frame $(w audit-downgrade-sentinel 'tls.handshake.type == 2')) ends with DOWNGRD 01
  (downgrade_sentinel, info: the client did not offer TLS 1.3).
- \`audit-fallback-scsv.pcap\` — client \`-tls1_1 -fallback_scsv\` to a
  TLS 1.3 server: TLS_FALLBACK_SCSV in the Client Hello (frame $(w audit-fallback-scsv 'tls.handshake.type == 1'); fallback_scsv),
  answered by an inappropriate_fallback alert (frame $(w audit-fallback-scsv 'tls.alert_message')).
- \`audit-gnutls-rc4.pcap\` (+ \`.keys\`) — gnutls-serv and gnutls-cli, both
  \`--heartbeat --priority $LEGACY\`:
  TLS_RSA_WITH_RC4_128_SHA without renegotiation_info and without
  extended_master_secret, heartbeat in both hellos: weak_cipher_offered (frame
  $(w audit-gnutls-rc4 'tls.handshake.type == 1')), weak_cipher_chosen, no_forward_secrecy, insecure_renegotiation,
  no_extended_master_secret, heartbeat (Server Hello, frame $(w audit-gnutls-rc4 'tls.handshake.type == 2')).

Not made (Debian 12's stacks cannot any more; unit tests and the real-world
traces cover them): SSL 2.0/3.0 (sslv2_hello, cbc_in_ssl3), EXPORT suites
(export_rsa), TLS compression (OpenSSL 3 is built without zlib; GnuTLS
removed it), a Heartbleed request (heartbleed_attempt), and a downgrade
sentinel after a TLS 1.3 offer (it takes an attacker in the middle).
$AUDIT_README_END
EOF
}
install_readme() {
    local r=$DEST/README.md tmp=$WORK/README.new
    [ -f "$r" ] || : >"$r"
    awk -v b="$AUDIT_README_BEGIN" -v e="$AUDIT_README_END" '$0 == b { skip = 1 } !skip { print } $0 == e { skip = 0 }' "$r" |
        awk '{ lines[NR] = $0 } END { n = NR; while (n > 0 && lines[n] == "") n--; for (i = 1; i <= n; i++) print lines[i] }' >"$tmp"
    { echo; write_section; } >>"$tmp"
    cp "$tmp" "$r"
}

for c in "${CAPS[@]}"; do
    cp "$OUT/$c.pcap" "$DEST/"
    # a key log without a secret (the handshake failed) is not kept
    if grep -q '^[A-Z_0-9]* [0-9a-f]' "$OUT/$c.keys" 2>/dev/null; then cp "$OUT/$c.keys" "$DEST/"; else rm -f "$DEST/$c.keys"; fi
done
install_readme
log "wrote ${#CAPS[@]} captures and their README.md section to $DEST"
