#!/usr/bin/env bash
# make-dtls-captures.sh - real DTLS handshakes between OpenSSL peers, captured on the
# loopback interface of a network namespace this script creates (and deletes):
#
#   dtls12-cookie.pcap   DTLS 1.2, HelloVerifyRequest cookie exchange, ECDHE-RSA-AES128-GCM,
#                        one line of application data each way, close_notify; .keys beside it
#   dtls12-mtu400.pcap   the same with -mtu 400: Certificate and other messages fragmented
#                        over several datagrams; .keys beside it
#   dtls12-cbc.pcap      DTLS 1.2 with ECDHE-RSA-AES128-SHA (CBC + HMAC); .keys beside it
#   dtls10.pcap          DTLS 1.0 (OpenSSL at security level 0); .keys beside it
#   dtls12-gnutls.pcap   DTLS 1.2 between gnutls-serv --udp and gnutls-cli --udp (cookie
#                        exchange, the client's key log via SSLKEYLOGFILE); .keys beside it
#
# Every packet stays inside the namespace: servers listen on 127.0.0.1 and clients
# connect there. Segmentation offloads are turned off on the namespace's lo so that
# tcpdump sees the datagrams as sent.
#
# Needs: root (ip netns), openssl, gnutls-bin, tcpdump, ethtool, timeout.
# Usage: tools/captures/make-dtls-captures.sh [OUTDIR]   (default: captures/)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-"$HERE/../../captures"}
NS=tlsdissect-dtls-$$
TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" ethtool -K lo tx-udp-segmentation off gso off >/dev/null 2>&1 || true

# A throw-away server certificate (self-signed, RSA 2048).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 3650 \
    -subj "/CN=dtls.example.test" -addext "subjectAltName=DNS:dtls.example.test" 2>/dev/null

start_tcpdump() {  # PCAP PORT
    ip netns exec "$NS" tcpdump -i lo -w "$1" -U "udp port $2" 2>/dev/null &
    TCPDUMP_PID=$!
    PIDS+=("$TCPDUMP_PID")
    sleep 1
}
stop_tcpdump() {  # PCAP
    sleep 1
    kill "$TCPDUMP_PID" 2>/dev/null || true
    wait "$TCPDUMP_PID" 2>/dev/null || true
    echo "make-dtls-captures: $1 ($(stat -c %s "$1") bytes)" >&2
}

# capture NAME PORT "SERVER OPTIONS" "CLIENT OPTIONS"   (OpenSSL)
capture() {
    local name=$1 port=$2 sopts=$3 copts=$4
    local pcap="$OUT/$name.pcap" keys="$OUT/$name.keys"
    rm -f "$pcap" "$keys"
    start_tcpdump "$pcap" "$port"
    # shellcheck disable=SC2086
    (sleep 4; echo "pong from the server") | ip netns exec "$NS" timeout 10 \
        openssl s_server -accept "127.0.0.1:$port" -cert "$TMP/cert.pem" -key "$TMP/key.pem" \
        -naccept 1 -quiet $sopts >/dev/null 2>&1 &
    local server_pid=$!
    PIDS+=("$server_pid")
    sleep 1
    # shellcheck disable=SC2086
    (echo "ping from the client"; sleep 2) | ip netns exec "$NS" timeout 8 \
        openssl s_client -connect "127.0.0.1:$port" -servername dtls.example.test -keylogfile "$keys" \
        -quiet $copts >/dev/null 2>&1 || true
    wait "$server_pid" 2>/dev/null || true
    stop_tcpdump "$pcap"
}

# capture_gnutls NAME PORT   (gnutls-serv --udp --echo, gnutls-cli --udp)
capture_gnutls() {
    local name=$1 port=$2
    local pcap="$OUT/$name.pcap" keys="$OUT/$name.keys"
    rm -f "$pcap" "$keys"
    start_tcpdump "$pcap" "$port"
    ip netns exec "$NS" timeout 8 gnutls-serv --udp --echo -p "$port" --x509certfile "$TMP/cert.pem" \
        --x509keyfile "$TMP/key.pem" >/dev/null 2>&1 &
    local server_pid=$!
    PIDS+=("$server_pid")
    sleep 1
    (echo "ping from the client"; sleep 2) | SSLKEYLOGFILE="$keys" ip netns exec "$NS" timeout 6 \
        gnutls-cli --udp -p "$port" --insecure --sni-hostname dtls.example.test 127.0.0.1 >/dev/null 2>&1 || true
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    stop_tcpdump "$pcap"
}

capture dtls12-cookie 4433 "-dtls1_2" "-dtls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256"
capture dtls12-mtu400 4434 "-dtls1_2 -mtu 400" "-dtls1_2 -mtu 400 -cipher ECDHE-RSA-AES128-GCM-SHA256"
capture dtls12-cbc 4435 "-dtls1_2" "-dtls1_2 -cipher ECDHE-RSA-AES128-SHA"
capture dtls10 4436 "-dtls1 -cipher DEFAULT:@SECLEVEL=0" "-dtls1 -cipher ECDHE-RSA-AES128-SHA:@SECLEVEL=0"
capture_gnutls dtls12-gnutls 4437
