#!/usr/bin/env bash
# The progress line (src/output/progress_meter.cpp): shown on a terminal's stderr when
# stdout is not a terminal, with bytes read of the file's size and packets/s; never in a
# pipe, never with --quiet, never when stdout is the terminal too. `script` gives the
# pseudo-terminal; TLSDISSECT_PROGRESS_IMMEDIATE drops the half-second delay so that a
# small capture shows it.
# Usage: progress_test.sh SOURCE_DIR   (TLSDISSECT=path to the binary)
set -euo pipefail
src=$1
tool=${TLSDISSECT:?set TLSDISSECT}
command -v script >/dev/null || { echo "script (bsdutils) missing: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# 3000 packets or so: 100 copies of a bundled capture, each a distinct set of connections
python3 "$src/tools/bench/multiply.py" "$src/captures/https-cname-tls12.pcap" "$work/big.pcap" 100
size=$(stat -c %s "$work/big.pcap")
mib=$(awk -v s="$size" 'BEGIN {printf "%.1f", s / 1048576}')

# stderr to a file: nothing on it
TLSDISSECT_PROGRESS_IMMEDIATE=1 "$tool" --sessions "$work/big.pcap" >/dev/null 2>"$work/err"
[ ! -s "$work/err" ] || fail "progress written to a non-terminal stderr: $(head -c 200 "$work/err")"

run_tty() {   # run_tty CMD: the command under a pseudo-terminal, what the terminal got in $work/tty
    TLSDISSECT_PROGRESS_IMMEDIATE=1 script -qec "$1" "$work/tty" >/dev/null </dev/null
}
run_tty "'$tool' --sessions '$work/big.pcap' >/dev/null"
tr '\r' '\n' <"$work/tty" >"$work/lines"
grep -q "big.pcap: [0-9.]* of $mib MiB ([0-9]*%), [0-9]* packets, [0-9]* packets/s" "$work/lines" ||
    fail "no progress line with 'of $mib MiB' on the terminal: $(head -c 300 "$work/lines")"
grep -q "of $mib MiB (100%)" "$work/lines" || fail "the progress never reached 100%"

run_tty "'$tool' --sessions --quiet '$work/big.pcap' >/dev/null"
! grep -q 'packets/s' "$work/tty" || fail "progress shown with --quiet"
run_tty "'$tool' -s '$work/big.pcap'"
! grep -q 'packets/s' "$work/tty" || fail "progress shown while stdout is the terminal"
echo ok
