#!/usr/bin/env bash
# Times tlsdissect against tshark, ssldump and the read floors on benchmark captures, in
# one run, several rounds each, and prints Markdown tables: median wall time, median CPU
# time (user+sys, less disturbed than wall time on a shared machine), MB/s, peak RSS, and
# the ratios to tshark and to the libpcap floor; then the peak RSS of --sessions and
# --sessions --jsonl (and, without FAST_ONLY, of -s and the tree; with -j 1 too) after 10%,
# 25%, 50%, 75% and 100% of each capture's packets (-c N); --sessions and tshark -T json on
# the first PREFIX_PACKETS (default 50000) packets alone.
# Tests never assert times; this is the place where they are measured.
#
# Usage: tools/bench/run.sh [ROUNDS] CAPTURE...
#   ROUNDS (default 3) for tlsdissect and the floors; SLOW_ROUNDS (default ROUNDS) for
#   tshark and ssldump, which take minutes on big captures. TLSDISSECT=path picks the binary.
#   FAST_ONLY=1: only the floors, --sessions, --sessions --jsonl and tshark -T json (the
#   per-packet printers take minutes per round on hundreds of MB); RSS_SERIES=0: no
#   10%..100% memory series. TREE_ONLY=1: only the floors and the tree printers of
#   tlsdissect and tshark (-V). KEEP_SSL_ENV=1: keep SSL_CERT_FILE/SSL_CERT_DIR (unset by
#   default, as on a stock Debian system; see below).
# Needs: tshark, /usr/bin/time (Debian package `time`), a C compiler and libpcap-dev;
# ssldump (Debian package ssldump) is timed when installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=3
if [[ ${1:-} =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
slow_rounds=${SLOW_ROUNDS:-$rounds}
tool=${TLSDISSECT:-$root/build/tlsdissect}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/pcap_count" "$here/pcap_count.c" -lpcap
# Debian's default root store configuration: no SSL_CERT_FILE/SSL_CERT_DIR, so that the
# chain checks read roots lazily from /etc/ssl/certs. Where the environment points
# OpenSSL at a CA bundle file, every run first parses all of it (about 50 ms).
# KEEP_SSL_ENV=1 keeps the environment as it is.
if [ -z "${KEEP_SSL_ENV:-}" ]; then unset SSL_CERT_FILE SSL_CERT_DIR; fi

echo "Machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo)," \
     "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $(tshark -v 2>/dev/null | head -1)"
echo "Load before: $(uptime | sed 's/.*load average/load average/')"

# median wall seconds, median CPU seconds and max RSS (KiB) over N rounds of one command
measure() {
    local n=$1 cmd=$2 walls=() cpus=() rss=0 t u s m i
    for ((i = 0; i < n; i++)); do
        # Wall time to the millisecond (time's %e has 10 ms steps); CPU and RSS from time.
        local start end
        start=$(date +%s%N)
        /usr/bin/time -f "%e %U %S %M" -o "$work/t" bash -c "exec $cmd" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        read -r t u s m <"$work/t"
        t=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
        walls+=("$t")
        cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
        ((m > rss)) && rss=$m
    done
    med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    echo "$(med "${walls[@]}") $(med "${cpus[@]}") $rss"
}

for cap in "$@"; do
    size=$(stat -c %s "$cap")
    mb=$(awk -v s="$size" 'BEGIN {printf "%.1f", s / 1000000}')
    packets=$("$work/pcap_count" "$cap" | awk '{print $1}')
    echo
    echo "### $(basename "$cap") ($mb MB, $packets packets; median of $rounds rounds, tshark/ssldump $slow_rounds)"
    echo
    echo "| command | wall s | CPU s | MB/s (wall) | peak RSS MiB | wall vs tshark -T json | wall vs libpcap floor | CPU vs floor |"
    echo "|---|---|---|---|---|---|---|---|"
    names=("cat (read floor)" "libpcap count loop (floor)" "tlsdissect --sessions" "tlsdissect --sessions --jsonl"
           "tlsdissect --jsonl" "tlsdissect (tree)" "tlsdissect -Y tls.handshake (tree)"
           "tshark -Y tls.handshake -T json" "tshark -V -Y tls.handshake" "tshark -V (every packet)"
           "tlsdissect --sessions -j 1" "tlsdissect -j 1 (tree)" "tlsdissect -s" "tlsdissect -s -j 1")
    cmds=("cat '$cap'" "'$work/pcap_count' '$cap'" "'$tool' --sessions '$cap'" "'$tool' --sessions --jsonl '$cap'"
          "'$tool' --jsonl '$cap'" "'$tool' '$cap'" "'$tool' -Y tls.handshake '$cap'"
          "tshark -n -r '$cap' -Y tls.handshake -T json" "tshark -n -r '$cap' -V -Y tls.handshake" "tshark -n -r '$cap' -V"
          "'$tool' --sessions -j 1 '$cap'" "'$tool' -j 1 '$cap'" "'$tool' -s '$cap'" "'$tool' -s -j 1 '$cap'")
    slow=(0 0 0 0 0 0 0 1 1 1 0 0 0 0)
    if command -v ssldump >/dev/null; then names+=("ssldump -n -r"); cmds+=("ssldump -n -r '$cap'"); slow+=(1); fi
    wall=() cpu=() rss=()
    for i in "${!names[@]}"; do
        if [ -n "${FAST_ONLY:-}" ] && [[ ! " 0 1 2 3 7 10 " =~ " $i " ]]; then wall[i]=; continue; fi
        if [ -n "${TREE_ONLY:-}" ] && [[ ! " 0 1 5 6 8 9 11 " =~ " $i " ]]; then wall[i]=; continue; fi
        n=$rounds
        ((slow[i])) && n=$slow_rounds
        read -r w c r < <(measure "$n" "${cmds[$i]}")
        wall[i]=$w cpu[i]=$c rss[i]=$r
    done
    tshark_json=${wall[7]}
    floor=${wall[1]}
    floor_cpu=${cpu[1]}
    for i in "${!names[@]}"; do
        [ -n "${wall[$i]}" ] || continue
        awk -v n="${names[$i]}" -v w="${wall[$i]}" -v c="${cpu[$i]}" -v r="${rss[$i]}" -v mb="$mb" -v tj="$tshark_json" \
            -v fl="$floor" -v fc="$floor_cpu" \
            'BEGIN { ws = (w > 0 ? w : 0.01); cs = (c > 0 ? c : 0.01)
                     printf "| %s | %.3f | %.2f | %.0f | %.0f | %.1fx faster | %.1fx | %.1fx |\n", n, w, c, mb / ws, r / 1024,
                            tj / ws, ws / (fl > 0 ? fl : 0.01), cs / (fc > 0 ? fc : 0.01) }'
    done
    # The tree printers like for like: every packet, and the handshake packets only.
    if [ -n "${wall[5]}" ] && [ -n "${wall[9]:-}" ]; then
        echo
        echo "| tree output, like for like | tlsdissect wall s (CPU s) | tshark wall s (CPU s) | faster by (wall, CPU) |"
        echo "|---|---|---|---|"
        for pair in "5 9 every packet (tlsdissect / tshark -V)" "6 8 -Y tls.handshake (both)"; do
            read -r a b label <<<"$pair"
            awk -v l="$label" -v aw="${wall[$a]}" -v ac="${cpu[$a]}" -v bw="${wall[$b]}" -v bc="${cpu[$b]}" \
                'BEGIN { printf "| %s | %.2f (%.2f) | %.2f (%.2f) | %.1fx, %.1fx |\n", l, aw, ac, bw, bc,
                         bw / (aw > 0 ? aw : 0.01), bc / (ac > 0 ? ac : 0.01) }'
        done
    fi
    # The start of the capture alone (PREFIX_PACKETS, default 50000): what a short capture
    # costs, fixed costs included. Both tools read the same prefix file.
    prefix=${PREFIX_PACKETS:-50000}
    if [ -z "${TREE_ONLY:-}" ] && [ "$prefix" -gt 0 ] && [ "$packets" -gt "$prefix" ]; then
        editcap -F pcap -r "$cap" "$work/prefix.pcap" "1-$prefix"
        read -r pw pc pr < <(measure "$rounds" "'$tool' --sessions '$work/prefix.pcap'")
        read -r p1w p1c p1r < <(measure "$rounds" "'$tool' --sessions -j 1 '$work/prefix.pcap'")
        read -r tw tc tr < <(measure "$slow_rounds" "tshark -n -r '$work/prefix.pcap' -Y tls.handshake -T json")
        echo
        echo "The first $prefix packets:"
        echo
        echo "| command | wall s | CPU s | peak RSS MiB | wall vs tshark -T json |"
        echo "|---|---|---|---|---|"
        for row in "tlsdissect --sessions|$pw|$pc|$pr" "tlsdissect --sessions -j 1|$p1w|$p1c|$p1r" \
                   "tshark -Y tls.handshake -T json|$tw|$tc|$tr"; do
            IFS='|' read -r n w c r <<<"$row"
            awk -v n="$n" -v w="$w" -v c="$c" -v r="$r" -v tj="$tw" \
                'BEGIN { ws = (w > 0 ? w : 0.01); printf "| %s | %.3f | %.3f | %.0f | %.1fx faster |\n", n, w, c, r / 1024, tj / ws }'
        done
        rm -f "$work/prefix.pcap"
    fi
    [ "${RSS_SERIES:-1}" = 1 ] || continue
    echo
    echo "Peak RSS (MiB) after the first N% of the packets (\`-c\`):"
    echo
    echo "| mode | 10% | 25% | 50% | 75% | 100% |"
    echo "|---|---|---|---|---|---|"
    modes=("--sessions" "--sessions -j 1" "--sessions --jsonl")
    [ -n "${FAST_ONLY:-}" ] || modes+=("-s" "-s -j 1" "(tree)" "(tree) -j 1")
    for mode in "${modes[@]}"; do
        row="| tlsdissect $mode"
        for pct in 10 25 50 75 100; do
            c=$((packets * pct / 100))
            read -r _ _ r < <(measure 1 "'$tool' ${mode/(tree)/} -c $c '$cap'")
            row+=" | $(awk -v r="$r" 'BEGIN {printf "%.1f", r / 1024}')"
        done
        echo "$row |"
    done
    echo
    echo "Load after: $(uptime | sed 's/.*load average/load average/')"
done
