#!/usr/bin/env bash
# make-ja4h-captures.sh - write captures/tls13-ja4h.pcap (+ .keys): two TLS 1.3
# connections from OpenSSL s_client to OpenSSL s_server -HTTP, each carrying one
# browser-like HTTP/1.x request, for JA4H (FoxIO JA4+) on decrypted HTTP; and
# captures/tls13-h2-ja4h.pcap (+ .keys): curl to nghttpd over HTTP/2, two requests on
# one connection with a cookie, a referer and Accept-Language (the second request's
# header block refers to the HPACK dynamic table the first one filled).
#
#   1. GET over HTTP/1.1 with exactly the header lines of the JA4 project's own JA4H
#      example (rust/ja4/src/http.rs, test_http_stats_into_out: Host, Cookie, the
#      Sec-* headers, a repeated Sec-Fetch-Mode/Dest, Referer, Accept-Language
#      en-US), whose published JA4H is ge11cr13enus_88d2d584d47f_0f2659b474bf_161698816dab.
#   2. GET over HTTP/1.0 (s_server -HTTP answers GET only) with lower-case header names, two cookies out of order,
#      a referer and "Accept-Language: da, en-GB;q=0.8" (the reference's other
#      language example: "da").
#
# Debian 12 packages: bash coreutils iproute2 openssl tcpdump tshark curl nghttp2-server.
# Usage (as root): tools/captures/make-ja4h-captures.sh [OUTDIR]  (default captures/)
# Network rules as in make-captures.sh (lib.sh): a namespace of its own, its lo only,
# every process under timeout and stopped by PID, the namespace deleted at exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-"$HERE/../../captures"}
PY=/usr/bin/python3
TMO=60
CTMO=20
PROG=make-ja4h-captures
NS_TAG=j4h
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip ss timeout openssl tcpdump tshark curl nghttpd; do command -v "$c" >/dev/null || die "missing command: $c"; done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsd-j4h.XXXXXX")
PKI=$WORK/pki
WWW=$WORK/www
make_pki
make_www

request_reference() {
    printf 'GET /index.html HTTP/1.1\r\n'
    printf 'Host: www.cnn.com\r\n'
    printf 'Cookie: FastAB=0=6859,1=8174,2=4183,3=3319,4=3917,5=2557,6=4259,7=6070,8=0804,9=6453,10=1942,11=4435,12=4143,13=9445,14=6957,15=8682,16=1885,17=1825,18=3760,19=0929; sato=1; countryCode=US; stateCode=VA; geoData=purcellville|VA|20132|US|NA|-400|broadband|39.160|-77.700|511; usprivacy=1---; umto=1; _dd_s=logs=1&id=b5c2d770-eaba-4847-8202-390c4552ff9a&created=1686159462724&expire=1686160422726\r\n'
    printf 'Sec-Ch-Ua: \r\n'
    printf 'Sec-Ch-Ua-Mobile: ?0\r\n'
    printf 'User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.110 Safari/537.36\r\n'
    printf 'Sec-Ch-Ua-Platform: ""\r\n'
    printf 'Accept: */*\r\n'
    printf 'Sec-Fetch-Site: same-origin\r\n'
    printf 'Sec-Fetch-Mode: cors\r\n'
    printf 'Sec-Fetch-Dest: empty\r\n'
    printf 'Sec-Fetch-Mode: cors\r\n'
    printf 'Sec-Fetch-Dest: empty\r\n'
    printf 'Referer: https://www.cnn.com/\r\n'
    printf 'Accept-Encoding: gzip, deflate\r\n'
    printf 'Accept-Language: en-US,en;q=0.9\r\n'
    printf '\r\n'
}
request_lowercase() {
    printf 'GET /index.html HTTP/1.0\r\n'
    printf 'host: www.example.test\r\n'
    printf 'user-agent: tlsdissect-capture/1.0\r\n'
    printf 'cookie: session=42; a=1\r\n'
    printf 'referer: https://www.example.test/form\r\n'
    printf 'accept-language: da, en-GB;q=0.8\r\n'
    printf 'accept: text/html\r\n'
    printf '\r\n'
}

ns_new ja4h
start_bg psrv "$WORK/s_server.log" env -C "$WWW/http" openssl s_server -accept 127.0.0.2:443 -naccept 2 \
    -cert "$PKI/leaf.pem" -key "$PKI/leaf.key" -cert_chain "$PKI/chain.pem" -HTTP -tls1_3
wait_listen tcp 443
cap_start c1 "$WORK/lo.pcap" -i lo
rm -f "$WORK/keys"
for req in request_reference request_lowercase; do
    { "$req"; sleep 1; } | nx timeout "$CTMO" openssl s_client -connect 127.0.0.2:443 \
        -servername www.example.test -CAfile "$PKI/root.pem" -verify_return_error \
        -keylogfile "$WORK/keys" -ign_eof >"$WORK/$req.log" 2>&1 ||
        { cat "$WORK/$req.log" >&2; die "openssl s_client ($req) failed"; }
done
wait_bg "$psrv"
cap_stop "$c1"

# tshark sees both requests decrypted, with the reference request's 15 header lines.
n=$(ts -r "$WORK/lo.pcap" -o "tls.keylog_file:$WORK/keys" -Y http.request | wc -l)
[ "$n" = 2 ] || die "tshark sees $n decrypted HTTP requests, not 2"
lines=$(ts -r "$WORK/lo.pcap" -o "tls.keylog_file:$WORK/keys" -Y 'http.request.method == "GET"' \
    -T fields -e http.request.line | tr ',' '\n' | grep -c ':' || true)
[ "$lines" -ge 15 ] || die "the reference request has $lines header lines in tshark"

# HTTP/2: nghttpd serves $WWW; curl (OpenSSL, SSLKEYLOGFILE) asks twice on one connection.
start_bg h2srv "$WORK/nghttpd.log" nghttpd --address=127.0.0.2 --htdocs="$WWW" 443 "$PKI/leaf.key" "$PKI/fullchain.pem"
wait_listen tcp 443
cap_start c2 "$WORK/h2.pcap" -i lo
rm -f "$WORK/h2.keys"
nx timeout "$CTMO" env SSLKEYLOGFILE="$WORK/h2.keys" curl -sS --http2 --cacert "$PKI/root.pem" \
    --resolve www.example.test:443:127.0.0.2 -H 'Cookie: theme=dark; _ga=GA1.2.3; lang=en' \
    -H 'Referer: https://www.example.test/' -H 'Accept-Language: en-GB,en;q=0.8' \
    -o /dev/null https://www.example.test/index.html -o /dev/null https://www.example.test/index.html \
    >"$WORK/curl.log" 2>&1 || { cat "$WORK/curl.log" >&2; die "curl over HTTP/2 failed"; }
cap_stop "$c2"
stop_bg "$h2srv"
n=$(ts -r "$WORK/h2.pcap" -o "tls.keylog_file:$WORK/h2.keys" -Y http2.headers.method | wc -l)
[ "$n" -ge 2 ] || die "tshark sees $n HTTP/2 requests, not 2"
n=$(ts -r "$WORK/h2.pcap" -o "tls.keylog_file:$WORK/h2.keys" -Y 'http2.headers.cookie' | wc -l)
[ "$n" -ge 2 ] || die "tshark sees the cookie in $n HTTP/2 requests, not 2"

cp "$WORK/lo.pcap" "$OUT/tls13-ja4h.pcap"
cp "$WORK/keys" "$OUT/tls13-ja4h.keys"
cp "$WORK/h2.pcap" "$OUT/tls13-h2-ja4h.pcap"
cp "$WORK/h2.keys" "$OUT/tls13-h2-ja4h.keys"
echo "wrote $OUT/tls13-ja4h.pcap, $OUT/tls13-h2-ja4h.pcap and their .keys" >&2
