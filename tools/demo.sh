#!/usr/bin/env bash
# Builds tlsdissect and shows a bundled capture: a DNS lookup with a CNAME chain,
# then a TLS 1.2 handshake whose certificate chain spans several TCP segments.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"${JOBS:-2}" --target tlsdissect
./build/tlsdissect -s captures/https-cname-tls12.pcap
echo
./build/tlsdissect -c 1 captures/https-cname-tls12.pcap
