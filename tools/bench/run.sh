#!/usr/bin/env bash
# Times tlsdissect against tshark and the read floors on benchmark captures, in one run,
# ROUNDS rounds each, and prints a Markdown table: median wall time, MB/s, peak RSS, and
# the ratios to tshark and to the libpcap floor. Tests never assert times; this is the
# place where they are measured.
#
# Usage: tools/bench/run.sh [ROUNDS] CAPTURE...
# Needs: tshark, /usr/bin/time (Debian package `time`), a C compiler and libpcap-dev.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=3
if [[ ${1:-} =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
tool=${TLSDISSECT:-$root/build/tlsdissect}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/pcap_count" "$here/pcap_count.c" -lpcap

# median of wall seconds and max RSS (KiB) over the rounds for one command
measure() {
    local times=() rss=0
    for ((i = 0; i < rounds; i++)); do
        /usr/bin/time -f "%e %M" -o "$work/t" bash -c "$1" >/dev/null 2>&1 || true
        read -r t m <"$work/t"
        times+=("$t")
        ((m > rss)) && rss=$m
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$median $rss"
}

for cap in "$@"; do
    size=$(stat -c %s "$cap")
    mb=$(awk -v s="$size" 'BEGIN {printf "%.1f", s / 1048576}')
    packets=$("$work/pcap_count" "$cap" | awk '{print $1}')
    echo
    echo "### $(basename "$cap") ($mb MB, $packets packets, median of $rounds rounds)"
    echo
    echo "| command | wall s | MB/s | peak RSS MiB | vs tshark -T json | vs libpcap floor |"
    echo "|---|---|---|---|---|---|"
    declare -A wall rss
    names=("cat (read floor)" "libpcap count loop (floor)" "tlsdissect --sessions" "tlsdissect --sessions --jsonl"
           "tlsdissect --jsonl" "tlsdissect (tree)" "tshark -Y tls.handshake -T json" "tshark -V -Y tls.handshake")
    cmds=("cat '$cap'" "'$work/pcap_count' '$cap'" "'$tool' --sessions '$cap'" "'$tool' --sessions --jsonl '$cap'"
          "'$tool' --jsonl '$cap'" "'$tool' '$cap'" "tshark -n -r '$cap' -Y tls.handshake -T json"
          "tshark -n -r '$cap' -V -Y tls.handshake")
    if command -v ssldump >/dev/null; then names+=("ssldump -n -r"); cmds+=("ssldump -n -r '$cap'"); fi
    for i in "${!names[@]}"; do
        read -r w r < <(measure "${cmds[$i]}")
        wall[$i]=$w
        rss[$i]=$r
    done
    tshark_json=${wall[6]}
    floor=${wall[1]}
    for i in "${!names[@]}"; do
        awk -v n="${names[$i]}" -v w="${wall[$i]}" -v r="${rss[$i]}" -v mb="$mb" -v tj="$tshark_json" -v fl="$floor" \
            'BEGIN { ws = (w > 0 ? w : 0.001); printf "| %s | %.2f | %.0f | %.0f | %.1fx faster | %.1fx the floor |\n", n, w, mb / ws, r / 1024, tj / ws, ws / (fl > 0 ? fl : 0.001) }'
    done
done
