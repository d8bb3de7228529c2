#!/usr/bin/env bash
# make-one-sided-captures.sh - derive captures that hold one direction of a connection
# only, as a tap on one side or asymmetric routing gives them.
#
# Not new traffic: each output is a real capture of this folder with the frames of one
# direction removed (tshark -Y, classic pcap out); every kept frame is byte for byte the
# original's. Needs tshark (Debian package tshark). No root, no network.
#
#   tools/captures/make-one-sided-captures.sh [CAPTURES_DIR]
#
# tls13-hrr-client-only.pcap: tls13-hrr.pcap (OpenSSL, a HelloRetryRequest) without the
#   server's frames: the client's first Client Hello, its middlebox-compatibility Change
#   Cipher Spec, then its second, plaintext Client Hello, and its encrypted records.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-"$HERE/../../captures"}
ts() { tshark "$@" 2>/dev/null; }

ts -r "$OUT/tls13-hrr.pcap" -Y 'tcp.srcport != 443' -F pcap -w "$OUT/tls13-hrr-client-only.pcap"

f=$OUT/tls13-hrr-client-only.pcap
n=$(ts -r "$f" -Y 'tls.handshake.type == 1' | wc -l)
[ "$n" = 2 ] || { echo "tls13-hrr-client-only: tshark finds $n Client Hellos, expected 2" >&2; exit 1; }
[ "$(ts -r "$f" -Y 'tcp.srcport == 443' | wc -l)" = 0 ] || { echo "server frames left" >&2; exit 1; }
echo "ok tls13-hrr-client-only.pcap: $(ts -r "$f" | wc -l) frames, Client Hellos in frames" \
    "$(ts -r "$f" -Y 'tls.handshake.type == 1' -T fields -e frame.number | paste -sd,)"
