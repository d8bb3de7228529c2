#!/usr/bin/env bash
# extract-test-roots.sh - write captures/test-roots.pem: the test root CAs of the
# bundled captures, for `tlsdissect --roots captures/test-roots.pem`.
#
# make-captures.sh and make-tls-matrix.sh each generate their own throw-away PKI
# ("tlsdissect Test Root CA" -> intermediate -> www.example.test) and their servers
# send the whole chain, root included.  This script takes, from every bundled capture,
# the self-signed certificates of the first Certificate message and keeps each once, so
# that the file follows the captures when they are regenerated.  Re-run it after
# either capture script.
#
# Needs: tshark, openssl, xxd.   Usage: tools/captures/extract-test-roots.sh [CAPDIR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:-"$HERE/../../captures"}
OUT="$DIR/test-roots.pem"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
declare -A seen=()
n=0
for f in "$DIR"/*.pcap "$DIR"/*.pcapng; do
    [ -f "$f" ] || continue
    certs=$(tshark -r "$f" -Y 'tls.handshake.type == 11' -T fields -e tls.handshake.certificate 2>/dev/null | sed -n 1p)  # sed reads all: no SIGPIPE under pipefail
    [ -n "$certs" ] || continue
    IFS=, read -ra list <<<"$certs"
    for hex in "${list[@]}"; do
        printf '%s' "$hex" | xxd -r -p >"$TMP/c.der"
        subj=$(openssl x509 -inform der -in "$TMP/c.der" -noout -subject -nameopt RFC2253 2>/dev/null) || continue
        issr=$(openssl x509 -inform der -in "$TMP/c.der" -noout -issuer -nameopt RFC2253)
        [ "${subj#subject=}" = "${issr#issuer=}" ] || continue
        fp=$(openssl x509 -inform der -in "$TMP/c.der" -noout -fingerprint -sha256)
        [ -z "${seen[$fp]:-}" ] || continue
        seen[$fp]=1
        openssl x509 -inform der -in "$TMP/c.der" >"$TMP/root-$n.pem"
        n=$((n + 1))
    done
done
[ "$n" -gt 0 ] || { echo "extract-test-roots: no self-signed certificates found in $DIR" >&2; exit 1; }
cat "$TMP"/root-*.pem >"$OUT"
echo "extract-test-roots: $n root(s) written to $OUT" >&2
