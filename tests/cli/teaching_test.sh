#!/usr/bin/env bash
# Teaching mode on the command line: --explain (language from the option or the locale,
# notes from data/explain), --ladder (the numbered steps at the frames tshark reports),
# --html (a self-contained file), DV/OV/EV against tshark's policy OIDs, option rules.
# Usage: TLSDISSECT=path/to/tlsdissect teaching_test.sh SOURCE_DIR   (exit 77: no tshark)
#        TLSDISSECT=... teaching_test.sh SOURCE_DIR --real-world DIR: only DV/OV/EV, on the
#        real-world captures in DIR (exit 77 when DIR is absent)
set -u
src=$1
tool=${TLSDISSECT:?}
real=
if [[ ${2:-} == --real-world ]]; then
    real=${3:?--real-world needs a folder}
    [[ -d $real ]] || { echo "SKIP: $real: absent"; exit 77; }
fi
command -v tshark >/dev/null || { echo "SKIP: tshark is not installed"; exit 77; }
# tshark's answers come from the cache shared by the tests when ctest names one
# (TLSDISSECT_TSHARK_CACHE; tests/differential/tshark_cache.py).
if [[ -n ${TLSDISSECT_TSHARK_CACHE:-} ]] && command -v tshark >/dev/null; then
    tshark_cache_python=python3  # Debian's, when there, starts faster than a version manager's shim
    [[ -x /usr/bin/python3 ]] && tshark_cache_python=/usr/bin/python3
    tshark() { "$tshark_cache_python" "$src/tests/differential/tshark_cache.py" "$@"; }
fi
cap=$src/captures/https-cname-tls12.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
note() { grep -P "^$1\t" "$src/data/explain/$2.tsv" | cut -f2; }  # the note of KEY in LANG

if [[ -z $real ]]; then
# --explain: the line under the Client Hello's Random is the data file's note.
under_random() { grep -A1 -m1 '^            Random: ' | tail -1 | sed 's/^ *\xe2\x93\x98 //'; }
en=$(note 'tls.handshake.random@client_hello' en)
zh=$(note 'tls.handshake.random@client_hello' zh)
[[ -n $en && -n $zh ]] || fail "data files lack the Random note"
got=$("$tool" --explain en --frames 8 "$cap" | under_random)
[[ $got == "$en" ]] && ok || fail "--explain en: under Random: '$got'"
got=$("$tool" --explain zh --frames 8 "$cap" | under_random)
[[ $got == "$zh" ]] && ok || fail "--explain zh: under Random: '$got'"
got=$(env -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 "$tool" --explain --frames 8 "$cap" | under_random)
[[ $got == "$zh" ]] && ok || fail "--explain with LANG=zh_CN.UTF-8: '$got'"
got=$(env LC_ALL=C LANG=zh_CN.UTF-8 "$tool" --explain "$cap" --frames 8 | under_random)
[[ $got == "$en" ]] && ok || fail "--explain with LC_ALL=C over LANG=zh: '$got'"
got=$(env -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 "$tool" --frames 8 "$cap" | grep -c $'\xe2\x93\x98')
[[ $got == 0 ]] && ok || fail "notes without --explain"
# The server's random gets its own note (the message around the field narrows the key).
got=$("$tool" --explain en --frames 10 "$cap" | grep -A1 -m1 '^            Random: ' | tail -1 | sed 's/^ *\xe2\x93\x98 //')
[[ $got == "$(note 'tls.handshake.random@server_hello' en)" ]] && ok || fail "server random note: '$got'"

# --ladder: each numbered step sits on the frame where tshark sees that message.
"$tool" --ladder "$cap" >"$tmp/ladder" || fail "--ladder exit status"
frame_of() { tshark -r "$cap" -Y "$1" -T fields -e frame.number 2>/dev/null | head -1; }
# The first frame from PORT_FIELD == 443 with more handshake records than readable
# handshake messages: an encrypted handshake message (Finished).
encrypted_frame() {
    tshark -r "$cap" -Y "tls.record.content_type == 22 && $1 == 443" -T fields -E separator=";" \
        -e frame.number -e tls.record.content_type -e tls.handshake.type 2>/dev/null |
        awk -F";" '{ n = gsub(/22/, "", $2); m = ($3 == "") ? 0 : split($3, t, ","); if (n > m) { print $1; exit } }'
}
rows() { grep -E '^ *[0-9]+ +[0-9]+\.[0-9]+ ' "$tmp/ladder"; }
step_frame() { rows | grep -F "[$1]" | awk '{print $1}' | head -1; }
declare -A want=(
    [1]="tls.handshake.type == 1" [2]="tls.handshake.type == 2" [3]="tls.handshake.type == 11"
    [4]="tls.handshake.type == 12" [5]="tls.handshake.type == 14" [6]="tls.handshake.type == 16"
    [7]="tls.record.content_type == 20 && tcp.dstport == 443" [8]="encrypted tcp.dstport"
    [9]="tls.record.content_type == 20 && tcp.srcport == 443" [10]="encrypted tcp.srcport"
    [11]="tls.record.content_type == 23")
for step in 1 2 3 4 5 6 7 8 9 10 11; do
    if [[ ${want[$step]} == encrypted* ]]; then w=$(encrypted_frame "${want[$step]#encrypted }"); else w=$(frame_of "${want[$step]}"); fi
    g=$(step_frame "$step")
    [[ -n $w && $g == "$w" ]] && ok || fail "ladder step $step at frame '$g', tshark: '$w' (${want[$step]})"
done
# Steps appear in order, once each.
order=$(rows | grep -oE '\[(1[01]|[1-9])\]' | tr -d '[]' | tr '\n' ' ')
[[ $order == "1 2 3 4 5 6 7 8 9 10 11 " ]] && ok || fail "ladder step order: $order"
# The DNS lookups before the connection are the DNS frames tshark sees.
dns_frames=$(tshark -r "$cap" -Y dns -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
ladder_dns=$(grep -F 'DNS ' "$tmp/ladder" | awk '{print $1}' | tr '\n' ' ')
[[ $ladder_dns == "$dns_frames" ]] && ok || fail "ladder DNS frames '$ladder_dns', tshark '$dns_frames'"
grep -q 'A 127.0.0.2 .*this address' "$tmp/ladder" && ok || fail "ladder: the answer that resolved the server"
# TLS 1.3 and resumed forms are named.
"$tool" --ladder "$src/captures/tls13-openssl.pcap" | grep -q 'TLS 1.3 handshake' && ok || fail "TLS 1.3 form"
"$tool" --ladder "$src/captures/tls12-resume-session-id.pcap" | grep -q 'abbreviated handshake: session resumed' && ok ||
    fail "resumed form"

# --html: one self-contained file (no network references).
"$tool" --html "$tmp/page.html" "$cap" || fail "--html exit status"
grep -q '<!DOCTYPE html>' "$tmp/page.html" && ok || fail "--html: not a page"
if grep -qE '(src|href)=["'"'"']?(https?:)?//' "$tmp/page.html"; then fail "--html refers to the network"; else ok; fi
grep -q 'id=chain-of-trust' "$tmp/page.html" && ok || fail "--html: no chain-of-trust section"
fi

# DV/OV/EV from the policy OIDs, against tshark's x509ce.policyIdentifier, frame by frame
# (not in frames with an OCSP response: tshark also dissects the certificates inside it).
levels_of_oids() {  # OIDs (comma-separated) -> sorted level abbreviations
    tr ',' '\n' | awk '$0=="2.23.140.1.1"{print "EV"} $0=="2.23.140.1.2.1"{print "DV"} $0=="2.23.140.1.2.2"{print "OV"} $0=="2.23.140.1.2.3"{print "IV"}' |
        sort -u | tr '\n' ' '
}
compared=0
if [[ -n $real ]]; then set -- "$real"/*.pcap; else set -- "$src"/captures/*.pcap; fi
for f in "$@"; do
    [[ -f $f ]] || continue
    while IFS=$'\t' read -r frame oids; do
        [[ -n $oids ]] || continue
        w=$(printf '%s' "$oids" | levels_of_oids)
        g=$("$tool" --frames "$frame" -e tlsdissect.x509.validation_level "$f" | grep -oE '\b(DV|OV|IV|EV)\b' | sort -u | tr '\n' ' ')
        compared=$((compared + 1))
        [[ $g == "$w" ]] && ok || fail "$(basename "$f") frame $frame: validation levels '$g', from tshark's OIDs '$w'"
    done < <(tshark -r "$f" -Y 'x509ce.policyIdentifier && !ocsp' -T fields -e frame.number -e x509ce.policyIdentifier 2>/dev/null)
done
echo "validation levels compared in $compared frames"

if [[ -z $real ]]; then
# Option rules.
for bad in "--ladder --sessions" "--ladder --json" "--html $tmp/x.html --ladder" "--ladder -Y tls" "--explain=fr"; do
    # shellcheck disable=SC2086
    "$tool" $bad "$cap" >/dev/null 2>&1
    [[ $? == 2 ]] && ok || fail "'$bad' should be a usage error"
done
"$tool" --html "$tmp/y.html" "$cap" "$cap" >/dev/null 2>&1
[[ $? == 2 ]] && ok || fail "--html with two files should be a usage error"
fi

echo "teaching: $passed passed, $failed failed"
[[ $failed == 0 ]]
