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
#   dtls12-lossy.pcap    DTLS 1.2 (OpenSSL) through a UDP relay that loses the server's 5th and 6th
#                        datagrams once: the client times out, and both retransmit their flights;
#                        captured between the relay and the server; .keys beside it
#   dtls12-gnutls.pcap   DTLS 1.2 between gnutls-serv --udp and gnutls-cli --udp (cookie
#                        exchange, the client's key log via SSLKEYLOGFILE); .keys beside it
#
# Every packet stays inside the namespace: servers listen on 127.0.0.1 and clients
# connect there. Segmentation offloads are turned off on the namespace's lo so that
# tcpdump sees the datagrams as sent.
#
# Needs: root (ip netns), openssl, gnutls-bin, tcpdump, ethtool, timeout.
# Usage: tools/captures/make-dtls-captures.sh [OUTDIR [NAME...]]
#        (default: captures/, every capture; NAMEs: only those, e.g. dtls12-lossy)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-"$HERE/../../captures"}
shift || true
ONLY=("$@")
want() {
    [ ${#ONLY[@]} -eq 0 ] && return 0
    local n
    for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}
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

# A UDP relay on RELAY_PORT to 127.0.0.1:SERVER_PORT that drops the server's datagrams
# numbered in DROP (1-based), for a capture with retransmitted flights.
relay() {  # RELAY_PORT SERVER_PORT DROP...
    python3 - "$@" <<'PY'
import select, socket, sys
relay_port, server_port, drop = int(sys.argv[1]), int(sys.argv[2]), {int(n) for n in sys.argv[3:]}
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); front.bind(("127.0.0.1", relay_port))
back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); back.bind(("127.0.0.1", 0))
client, from_server = None, 0
while True:
    ready, _, _ = select.select([front, back], [], [], 8)
    if not ready:
        break
    for s in ready:
        data, peer = s.recvfrom(65535)
        if s is front:
            client = peer
            back.sendto(data, ("127.0.0.1", server_port))
        elif client:
            from_server += 1
            if from_server not in drop:
                front.sendto(data, client)
PY
}

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
    want "$name" || return 0
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

# capture_lossy NAME SERVER_PORT RELAY_PORT   (OpenSSL through the relay)
capture_lossy() {
    local name=$1 port=$2 relay_port=$3
    want "$name" || return 0
    local pcap="$OUT/$name.pcap" keys="$OUT/$name.keys"
    rm -f "$pcap" "$keys"
    start_tcpdump "$pcap" "$port"
    (sleep 6; echo "pong from the server") | ip netns exec "$NS" timeout 14 \
        openssl s_server -accept "127.0.0.1:$port" -cert "$TMP/cert.pem" -key "$TMP/key.pem" \
        -naccept 1 -quiet -dtls1_2 >/dev/null 2>&1 &
    local server_pid=$!
    PIDS+=("$server_pid")
    ip netns exec "$NS" timeout 14 bash -c "$(declare -f relay); relay $relay_port $port 5 6" &
    local relay_pid=$!
    PIDS+=("$relay_pid")
    sleep 1
    (echo "ping from the client"; sleep 5) | ip netns exec "$NS" timeout 12 \
        openssl s_client -connect "127.0.0.1:$relay_port" -servername dtls.example.test -keylogfile "$keys" \
        -quiet -dtls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 >/dev/null 2>&1 || true
    wait "$server_pid" 2>/dev/null || true
    kill "$relay_pid" 2>/dev/null || true
    wait "$relay_pid" 2>/dev/null || true
    stop_tcpdump "$pcap"
}

# capture_gnutls NAME PORT   (gnutls-serv --udp --echo, gnutls-cli --udp)
capture_gnutls() {
    local name=$1 port=$2
    want "$name" || return 0
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
capture_lossy dtls12-lossy 4438 5438
