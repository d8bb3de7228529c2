#!/usr/bin/env bash
# Every failure is said: write errors, unwritable pages, bad key logs, bad numbers, bad
# languages, unknown -e fields, conflicting output modes, damaged gzip (issue 24). Each
# case checks the exit status and that stderr holds exactly the expected kind of line.
# Usage: TLSDISSECT=path/to/tlsdissect failures_test.sh SOURCE_DIR
set -u
src=$1
tool=${TLSDISSECT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
capture=$src/captures/https-cname-tls12.pcap

fail() {
    failed=$((failed + 1))
    echo "FAIL $*"
}

# shellcheck source=tests/cli/expect.sh
source "$src/tests/cli/expect.sh"

# stderr_lines NAME N: the last command wrote exactly N lines on stderr.
stderr_lines() {
    local n
    n=$(grep -c '' "$tmp/err")
    [[ $n -eq $2 ]] && passed=$((passed + 1)) || fail "$1: $n stderr lines (wanted $2): $(head -c 300 "$tmp/err")"
}

# Write errors: a full disk in every mode that writes to standard output, and a closed
# standard output; one line, status 7.
if [[ -w /dev/full ]]; then
    for mode in "" -s --json --jsonl --sessions "--sessions --jsonl" "-e frame.number" "--follow 0" --ladder -x; do
        # shellcheck disable=SC2086
        expect "full${mode// /}" 7 "tlsdissect: cannot write the output: No space left on device" -- \
            bash -c "exec '$tool' $mode '$capture' >/dev/full"
        stderr_lines "full${mode// /}" 1
    done
fi
expect closed-stdout 7 "tlsdissect: cannot write the output: Bad file descriptor" -- bash -c "exec '$tool' -s '$capture' >&-"
stderr_lines closed-stdout 1
expect closed-stdout-sessions 7 "cannot write the output" -- bash -c "exec '$tool' --sessions '$capture' >&-"
# A reader that goes away is not an error to report: quiet, and the run ends at once.
# (Fifty copies of the tree are more than the 1 MiB output buffer, so a write comes
# after head has gone: SIGPIPE, status 141, and nothing on stderr.)
many=()
for _ in $(seq 50); do many+=("$capture"); done
"$tool" "${many[@]}" 2>"$tmp/err" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
[[ ($rc -eq 0 || $rc -eq 141) && ! -s $tmp/err ]] && passed=$((passed + 1)) ||
    fail "head-1: exit $rc, stderr: $(head -c 300 "$tmp/err")"
# The same when SIGPIPE is ignored (the write then fails with EPIPE): still quiet.
rc=$(trap '' PIPE; "$tool" "${many[@]}" 2>"$tmp/err" | head -1 >/dev/null; echo "${PIPESTATUS[0]}")
[[ ($rc -eq 0 || $rc -eq 141) && ! -s $tmp/err ]] && passed=$((passed + 1)) ||
    fail "head-1-sigpipe-ignored: exit $rc, stderr: $(head -c 300 "$tmp/err")"

# --html: a page that cannot be written is a failure.
expect html-unwritable 7 "tlsdissect: $tmp/no-such-dir/page.html: cannot write: No such file or directory" -- \
    "$tool" --html "$tmp/no-such-dir/page.html" "$capture"
stderr_lines html-unwritable 1
if [[ -w /dev/full ]]; then
    expect html-full 7 "cannot write: No space left on device" -- "$tool" --html /dev/full "$capture"
fi
expect html-ok 0 "" -- "$tool" --html "$tmp/page.html" "$capture"

# --export-certs: a folder that cannot be made is said before any capture is read, a
# certificate file that cannot be written when it happens; both status 7, one line.
leaf=0d63a38e7ba13e9c659f09df1ac3054f6a13f51f8b039cd3b6df909c27f53668
touch "$tmp/plain-file"
expect export-certs-file 7 "tlsdissect: --export-certs: $tmp/plain-file is not a folder" -- \
    "$tool" --export-certs "$tmp/plain-file" -s "$capture"
stderr_lines export-certs-file 1
[[ ! -s $tmp/out ]] && passed=$((passed + 1)) || fail "export-certs-file: packets printed before the refusal"
expect export-certs-under-file 7 "tlsdissect: --export-certs: cannot create the folder $tmp/plain-file/certs: Not a directory" -- \
    "$tool" --export-certs "$tmp/plain-file/certs" --sessions "$capture"
expect export-certs-empty 7 "tlsdissect: --export-certs: the folder name is empty" -- \
    "$tool" --export-certs "" --sessions "$capture"
mkdir -p "$tmp/certs-blocked/$leaf.der"
expect export-certs-blocked 7 "tlsdissect: --export-certs: cannot write $tmp/certs-blocked/$leaf.der: Is a directory" -- \
    "$tool" --export-certs "$tmp/certs-blocked" -s "$capture"
stderr_lines export-certs-blocked 1
ls "$tmp/certs-blocked" | grep -q tmp && fail "export-certs-blocked: a temporary file was left" || passed=$((passed + 1))
# Made with its parents; each certificate once (two runs, two files of the same chain);
# the names are the SHA-256 of the DER; every mode writes them.
expect export-certs-ok 0 "" -- "$tool" --export-certs "$tmp/a/b/certs" -s "$capture" "$src/captures/https-cname-tls12.pcapng"
expect export-certs-again 0 "" -- "$tool" --export-certs "$tmp/a/b/certs" --ladder "$capture"
[[ $(find "$tmp/a/b/certs" -type f | wc -l) -eq 6 ]] && passed=$((passed + 1)) ||
    fail "export-certs-ok: $(ls "$tmp/a/b/certs")"
for f in "$tmp"/a/b/certs/*.der; do
    [[ $(sha256sum <"$f" | cut -c1-64).der == "$(basename "$f")" ]] && passed=$((passed + 1)) ||
        fail "export-certs-ok: $f is not named by its SHA-256"
done

# --keylog: a directory is refused (exit 2); a file that is not a key log warns a few
# times, then counts the rest in one line.
mkdir "$tmp/dir"
expect keylog-dir 2 "tlsdissect: $tmp/dir: cannot read the key log file: it is a directory" -- \
    "$tool" --keylog "$tmp/dir" "$capture"
stderr_lines keylog-dir 1
expect keylog-missing 2 "cannot read the key log file: No such file or directory" -- \
    "$tool" --keylog "$tmp/missing.keys" "$capture"
seq 1 5000 >"$tmp/numbers.txt"
expect keylog-not-keys 0 "$tmp/numbers.txt: 4995 more lines that are not key log lines were skipped" -- \
    "$tool" -s --keylog "$tmp/numbers.txt" "$capture"
stderr_lines keylog-not-keys 6

# Numbers: negative, not a number, too large; one message naming the option and range.
for option in --count --tcp-max-buffered --tcp-max-out-of-order --tcp-max-connections --udp-max-conversations \
    --follow --follow-tls --stream; do
    expect "$option-negative" 2 "$option: -5 is out of range; expected a whole number from 0 to" -- \
        "$tool" "$option" -5 "$capture"
    expect "$option-abc" 2 "$option: 'abc' is not a number; expected a whole number from 0 to" -- \
        "$tool" "$option" abc "$capture"
    expect "$option-huge" 2 "$option: 123456789012345678901234567890 is out of range" -- \
        "$tool" "$option" 123456789012345678901234567890 "$capture"
    if grep -qE 'to [0-9]{21}' "$tmp/err"; then fail "$option-huge: a maximum of more than 20 digits"; fi
done
expect follow-range 2 "--follow: 4294967296 is out of range; expected a whole number from 0 to 4294967295" -- \
    "$tool" --follow 4294967296 "$capture"
expect count-zero 0 "" -- "$tool" --count 0 "$capture"

# --explain with a language it does not know names --explain and the languages.
expect explain-fr 2 "--explain: 'fr' is not a language of the notes; --explain takes en or zh" -- \
    "$tool" --explain fr "$capture"
expect explain-eq-fr 2 "--explain: 'fr' is not a language" -- "$tool" --explain=fr "$capture"
expect explain-de-DE 2 "--explain: 'de_DE' is not a language" -- "$tool" --explain de_DE "$capture"
expect explain-capture 0 "" -- "$tool" --explain "$capture"

# -e with an unknown field: refused like -Y, with the nearest known name.
expect field-unknown 2 'tlsdissect: -e: unknown field "frame.numbr" (did you mean "frame.number"?)' -- \
    "$tool" -e frame.number -e frame.numbr "$capture"
[[ -s $tmp/out ]] && fail "field-unknown: printed lines anyway" || passed=$((passed + 1))
expect filter-unknown 2 'unknown field "frame.numbr"' -- "$tool" -Y frame.numbr "$capture"
expect field-known 0 "" -- "$tool" -e frame.number -e tls.handshake.type "$capture"

# Output modes that do not combine are refused, each pair the same way; --sessions
# --jsonl is one mode.
modes=(-s --json --jsonl --sessions "-e frame.number" --ladder "--html $tmp/x.html" "--follow 0" "--follow-tls 0")
for ((i = 0; i < ${#modes[@]}; i++)); do
    for ((j = i + 1; j < ${#modes[@]}; j++)); do
        a=${modes[i]} b=${modes[j]}
        if [[ "$a $b" == "--jsonl --sessions" ]]; then continue; fi
        # shellcheck disable=SC2086
        expect "conflict $a $b" 2 "excludes" -- "$tool" $a $b "$capture"
        stderr_lines "conflict $a $b" 2
    done
done
for mode in --json --sessions "-e frame.number" --ladder "--follow 0"; do
    # shellcheck disable=SC2086
    expect "conflict -x $mode" 2 "excludes" -- "$tool" -x $mode "$capture"
done
expect sessions-jsonl 0 "" -- "$tool" --sessions --jsonl "$capture"
expect summary-hex 0 "" -- "$tool" -s -x "$capture"

# gzip: a bad CRC in the trailer (data intact) and one corrupt byte in the middle. The
# packets before the damage are shown, then one line says what is wrong; status 6.
packets=$("$tool" -s "$capture" | grep -c '')
gzip -c -n "$capture" >"$tmp/good.pcap.gz"
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
data = bytearray(open(d + "/good.pcap.gz", "rb").read())
crc = bytearray(data)
crc[-8] ^= 0xff  # the CRC-32 of the trailer
open(d + "/bad-crc.pcap.gz", "wb").write(crc)
corrupt = bytearray(data)
corrupt[len(corrupt) * 2 // 3] ^= 0x55
open(d + "/corrupt.pcap.gz", "wb").write(corrupt)
open(d + "/cut.pcap.gz", "wb").write(data[: len(data) - 100])
PY
expect gzip-good 0 "" -- "$tool" -s "$tmp/good.pcap.gz"
expect gzip-bad-crc 6 "gzip: incorrect data check" -- "$tool" -s "$tmp/bad-crc.pcap.gz"
stderr_lines gzip-bad-crc 1
got=$(grep -c '' "$tmp/out")
[[ $got -eq $packets ]] && passed=$((passed + 1)) || fail "gzip-bad-crc: $got packets shown, wanted all $packets"
expect gzip-corrupt 6 "gzip:" -- "$tool" -s "$tmp/corrupt.pcap.gz"
stderr_lines gzip-corrupt 1
got=$(grep -c '' "$tmp/out")
[[ $got -gt 0 ]] && passed=$((passed + 1)) || fail "gzip-corrupt: no packet before the damage shown"
expect gzip-cut 6 "gzip: unexpected end of file" -- "$tool" -s "$tmp/cut.pcap.gz"
got=$(grep -c '' "$tmp/out")
[[ $got -gt 0 ]] && passed=$((passed + 1)) || fail "gzip-cut: no packet before the cut shown"
expect gzip-stdin-bad-crc 6 "gzip: incorrect data check" -- bash -c "'$tool' -s - <'$tmp/bad-crc.pcap.gz'"
# zcat agrees that the data is intact and the check is wrong.
zcat "$tmp/bad-crc.pcap.gz" 2>"$tmp/zcat.err" | cmp -s - "$capture" && grep -q "crc error" "$tmp/zcat.err" &&
    passed=$((passed + 1)) || fail "gzip-bad-crc: zcat does not see the same damage"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
