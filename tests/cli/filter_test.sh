#!/usr/bin/env bash
# Packet selection on the command line: -Y/--filter selects the frames tshark -Y selects
# (compared frame number by frame number), in every output mode; --frames and --stream;
# a bad filter exits with status 2 and a caret under the fault.
# Usage: TLSDISSECT=path/to/tlsdissect filter_test.sh SOURCE_DIR
# Without tshark the comparisons are skipped and the other checks still run.
set -u
src=$1
tool=${TLSDISSECT:?}
# tshark's answers come from the cache shared by the tests when ctest names one
# (TLSDISSECT_TSHARK_CACHE; tests/differential/tshark_cache.py).
if [[ -n ${TLSDISSECT_TSHARK_CACHE:-} ]] && command -v tshark >/dev/null; then
    tshark_cache_python=python3  # Debian's, when there, starts faster than a version manager's shim
    [[ -x /usr/bin/python3 ]] && tshark_cache_python=/usr/bin/python3
    tshark() { "$tshark_cache_python" "$src/tests/differential/tshark_cache.py" "$@"; }
fi
captures="$src/captures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0 skipped=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# The frame numbers tlsdissect shows, on one line.
our_frames() {  # our_frames CAPTURE [OPTION...]
    local capture=$1
    shift
    "$tool" -e frame.number "$@" "$capture" 2>"$tmp/err" | tr '\n' ' '
}

have_tshark=0
if command -v tshark >/dev/null 2>&1; then have_tshark=1; fi

# Each line: capture, a tab, a filter both tools read the same way. tshark 4.0 needs
# commas in sets; tlsdissect also takes spaces.
comparisons=$(cat <<'EOF'
https-cname-tls12.pcap	tls.handshake.type == 1
https-cname-tls12.pcap	tcp.stream == 0 && tcp.len > 0
https-cname-tls12.pcap	ip.addr == 127.0.0.0/8 and not tls
https-cname-tls12.pcap	tls.handshake.ciphersuite in {0xc02f, 0x1301}
https-cname-tls12.pcap	tls.handshake.extensions_server_name contains "example"
https-cname-tls12.pcap	dns
https-cname-tls12.pcap	tcp.port != 443
https-cname-tls12.pcap	!(tcp.port == 443)
https-cname-tls12.pcap	tcp.port not in {443}
https-cname-tls12.pcap	tcp.port === 443 || tcp.stream !== 0
https-cname-tls12.pcap	tcp.port !== 443
https-cname-tls12.pcap	dns or tcp.flags.syn == 1 and tcp.flags.ack == 0
https-cname-tls12.pcap	not tcp.flags.syn == 1 or dns
https-cname-tls12.pcap	dns.qry.name matches "^WWW\\.example"
https-cname-tls12.pcap	dns.qry.name ~ r"(?-i)^www\.EXAMPLE"
https-cname-tls12.pcap	frame contains "example"
https-cname-tls12.pcap	tcp contains "example"
https-cname-tls12.pcap	tcp.payload contains 16:03:03
https-cname-tls12.pcap	tcp.port in {440..450, 48436} && tcp.len in {0}
https-cname-tls12.pcap	ip.src < ip.dst
https-cname-tls12.pcap	tcp.srcport > tcp.dstport
https-cname-tls12.pcap	frame.time_relative > 0.09 and frame.time_delta < 0.0001
https-cname-tls12.pcap	frame.time > "2026-11-27 04:55:43.405"
https-cname-tls12.pcap	tcp.flags & 0x02
https-cname-tls12.pcap	tls.record.version == 0x0301
https-cname-tls12.pcap	tcp.len>0&&!tls
https-cname-tls12.pcap	eth.src == 00:00:00:00:00:00 && frame.len >= 0x5ea
https-cname-tls12.pcap	dns.aaaa == ::1 || dns.a == 127.0.0.2
https-cname-tls12.pcap	dns.flags.response == 1 and dns.count.answers > 2
https-cname-tls12.pcap	dns.resp.ttl > 0 and udp.port == 53
https-cname-tls12.pcap	frame.number in {1, 3..5, 20}
https-cname-tls12.pcap	tcp.options.mss_val
https-cname-tls12-ipv6.pcap	ipv6.addr == ::1/128 and tls
https-cname-tls12-ipv6.pcap	ipv6.src == ::/0 && tcp.flags.fin == 1
tls13-openssl.pcap	tls.handshake.ciphersuite in {0x1301..0x1303} and tls.handshake.type == 2
tls13-openssl.pcap	tls.handshake.extension.type == 43
dns-misc.pcap	dns.qry.type in {1, 28} and not dns.flags.response == 1
EOF
)

while IFS=$'\t' read -r capture_name filter; do
    capture="$captures/$capture_name"
    [[ -f $capture ]] || { fail "$capture_name: missing"; continue; }
    ours=$(our_frames "$capture" -Y "$filter")
    if [[ -s $tmp/err ]]; then
        fail "$capture_name -Y '$filter': $(head -c 300 "$tmp/err")"
        continue
    fi
    if [[ $have_tshark -eq 0 ]]; then
        skipped=$((skipped + 1))
        continue
    fi
    theirs=$(TZ=UTC tshark -n -r "$capture" -Y "$filter" -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
    if [[ $ours == "$theirs" ]]; then
        pass
    else
        fail "$capture_name -Y '$filter': tlsdissect [$ours], tshark [$theirs]"
    fi
done <<<"$comparisons"

capture="$captures/https-cname-tls12.pcap"

# The same selection in every output mode: fields, summary, tree, JSON Lines.
want="1 2 3 4 "
[[ $(our_frames "$capture" -Y dns) == "$want" ]] && pass || fail "fields mode"
[[ $("$tool" -s -Y dns "$capture" | wc -l) -eq 4 ]] && pass || fail "summary mode"
[[ $("$tool" -Y dns "$capture" | grep -c '^Frame ') -eq 4 ]] && pass || fail "tree mode"
[[ $("$tool" --jsonl -Y dns "$capture" | wc -l) -eq 4 ]] && pass || fail "--jsonl mode"
[[ $("$tool" -Y 'tls.handshake.type in {1 2}' -s "$capture" | wc -l) -eq 2 ]] && pass || fail "set with spaces"

# --frames, --stream, and both with a filter.
[[ $(our_frames "$capture" --frames 16,18-20,24-) == "16 18 19 20 24 25 " ]] && pass || fail "--frames"
[[ $(our_frames "$capture" --frames 2-3,1) == "1 2 3 " ]] && pass || fail "--frames out of order"
[[ $(our_frames "$capture" --stream 0 --frames 1-7) == "5 6 7 " ]] && pass || fail "--stream with --frames"
[[ $(our_frames "$capture" --stream 1) == "" ]] && pass || fail "--stream of no packet"
[[ $(our_frames "$capture" --frames 1-10 -Y 'tcp.len > 0') == "8 10 " ]] && pass || fail "--frames with -Y"
[[ $(our_frames "$capture" -Y '') == "$(seq -s ' ' 1 25) " ]] && pass || fail "empty filter shows all"

# Errors: status 2, the message, and the caret under the fault.
expect_error() {  # expect_error NAME WANTED_STDERR -- command...
    local name=$1 want=$2
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [[ $rc -eq 2 && $(cat "$tmp/err") == "$want" && ! -s $tmp/out ]]; then
        pass
    else
        fail "$name: exit $rc, stderr: $(head -c 400 "$tmp/err")"
    fi
}
expect_error unknown-field 'tlsdissect: bad filter: unknown field "tls.handshake.tpye" (did you mean "tls.handshake.type"?)
  tls.handshake.tpye == 1
  ^~~~~~~~~~~~~~~~~~' -- "$tool" -Y 'tls.handshake.tpye == 1' "$capture"
expect_error bad-literal 'tlsdissect: bad filter: "abc" is not a valid unsigned integer for tcp.port
  tcp.port == abc
              ^~~' -- "$tool" -s -Y 'tcp.port == abc' "$capture"
expect_error unclosed 'tlsdissect: bad filter: this "(" has no matching ")"
  dns or (tls and tcp.len > 0
         ^' -- "$tool" -Y 'dns or (tls and tcp.len > 0' "$capture"
expect_error trailing 'tlsdissect: bad filter: expected "and", "or" or the end of the filter, found "tls"
  tcp.port == 443 tls
                  ^~~' -- "$tool" --filter 'tcp.port == 443 tls' "$capture"
expect_error bad-frames 'tlsdissect: bad frame list: this range ends before it starts
  16,28-18
     ^~~~~' -- "$tool" --frames 16,28-18 "$capture"
"$tool" --follow 0 -Y tls "$capture" >/dev/null 2>&1
[[ $? -eq 2 ]] && pass || fail "-Y with --follow is a usage error"
"$tool" --stream -1 "$capture" >/dev/null 2>&1
[[ $? -eq 2 ]] && pass || fail "--stream -1 is a usage error"

echo "$passed passed, $failed failed$([[ $skipped -gt 0 ]] && echo ", $skipped tshark comparisons skipped (tshark not found)")"
[[ $failed -eq 0 ]]
