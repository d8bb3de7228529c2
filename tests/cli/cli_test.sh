#!/usr/bin/env bash
# The command line's contract: exit codes and one clear error line per bad file.
# Usage: TLSDISSECT=path/to/tlsdissect cli_test.sh SOURCE_DIR
set -u
src=$1
tool=${TLSDISSECT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# shellcheck source=tests/cli/expect.sh
source "$src/tests/cli/expect.sh"

printf 'not a capture\n' >"$tmp/text.pcap"
mkdir "$tmp/dir"
expect missing 3 "tlsdissect: $tmp/missing.pcap: No such file or directory" -- "$tool" "$tmp/missing.pcap"
expect directory 3 "is a directory" -- "$tool" "$tmp/dir"
expect not-a-capture 4 "not a pcap or pcapng capture" -- "$tool" "$tmp/text.pcap"
expect bad-option 2 "" -- "$tool" --no-such-option x.pcap
expect bad-color 2 "" -- "$tool" --color=sometimes x.pcap
expect help 0 "" -- "$tool" --help
expect version 0 "" -- "$tool" --version

# Regression inputs named after the bug they once triggered.
# A pcapng interface whose time resolution makes nanoseconds overflow 64 bits (found by
# the capture fuzz target): the time is clamped, the corrupt block after it reported.
expect pcapng-timestamp-overflow 6 "pcapng block lengths disagree" -- \
    "$tool" -s "$src/tests/cli/regressions/pcapng-timestamp-overflow.pcapng"
if grep -q "runtime error" "$tmp/err"; then failed=$((failed + 1)); echo "FAIL pcapng-timestamp-overflow: UB"; fi

capture="$src/captures/https-cname-tls12.pcap"
if [[ -f $capture ]]; then
    expect ok 0 "" -- "$tool" "$capture"
    # The first failing file decides the status; the good file is still printed.
    expect mixed 3 "missing.pcap" -- "$tool" "$tmp/missing.pcap" "$capture"
    if [[ $(grep -c '^Frame ' "$tmp/out") -lt 10 ]]; then failed=$((failed + 1)); echo "FAIL mixed: good file not printed"; fi
    head -c 3000 "$capture" >"$tmp/cut.pcap"
    expect truncated-file 6 "after frame" -- "$tool" -s "$tmp/cut.pcap"
    if ! grep -q ' 1 ' "$tmp/out"; then failed=$((failed + 1)); echo "FAIL truncated-file: frames before the cut not shown"; fi
    expect stdin 0 "" -- bash -c "'$tool' -s - < '$capture'"
    if [[ $(wc -l <"$tmp/out") -lt 10 ]]; then failed=$((failed + 1)); echo "FAIL stdin: too few lines"; fi
    # --roots: a missing or empty root store is a command-line error; the test roots make the chain valid.
    expect roots-missing 2 "tlsdissect: --roots: cannot open $tmp/missing.pem" -- "$tool" --roots "$tmp/missing.pem" "$capture"
    expect roots-not-pem 2 "no PEM certificates in $tmp/text.pcap" -- "$tool" --roots "$tmp/text.pcap" "$capture"
    expect roots-ok 0 "" -- "$tool" --roots "$src/captures/test-roots.pem" "$capture"
    if ! grep -q '\[Chain: valid\]' "$tmp/out"; then failed=$((failed + 1)); echo "FAIL roots-ok: chain not valid"; fi
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
