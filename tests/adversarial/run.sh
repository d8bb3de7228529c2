#!/usr/bin/env bash
# Adversarial captures as regression tests (issue 10): floods, lying lengths, DNS
# compression loops, absurd certificate nesting, overlapping TCP data, cut files. The
# captures are generated into a temporary directory by tools/make-adversarial-captures.py
# (nothing large is committed); each is run in the three main output modes (tree, -s,
# --sessions) and checked for:
#   - the documented exit status (0; 6 for a file cut in the middle of a packet),
#   - no AddressSanitizer / UndefinedBehaviorSanitizer / LeakSanitizer report,
#   - the anomaly the capture is built to trigger ([Malformed: ...], the overlap note, ...),
#   - for the floods: peak resident memory (GNU time's "Maximum resident set size")
#     under a stated bound (skipped when /usr/bin/time is missing: apt-get install time).
#
# Usage: TLSDISSECT=path/to/tlsdissect run.sh SOURCE_DIR
# ADVERSARIAL_SYNS / ADVERSARIAL_UDP_FLOWS change the flood sizes (default 300000, and
# 100000 for a sanitizer build); ADVERSARIAL_BIG_SYNS the million-SYN run (0: none; the
# default in a sanitizer build).
set -u
src=$1
tool=${TLSDISSECT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# Peak memory bounds, in MiB. A sanitizer build keeps shadow memory and a quarantine of
# freed blocks, so its bounds are larger (and its quarantine is capped for the run); it
# is also ~10 times slower, so its floods are smaller by default.
sanitized=0
if ldd "$tool" 2>/dev/null | grep -q 'libasan' || grep -qa 'AddressSanitizer' "$tool" 2>/dev/null; then
    sanitized=1
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:quarantine_size_mb=16
fi
if [[ $sanitized -eq 1 ]]; then
    big=0 flood=100000 syn_rss_default=600 syn_rss_limited=300 fragment_rss=300 udp_rss=600 udp_rss_limited=300
    dtls_rss=600 half_open=50000 dns_queries=80000  # more than the 65536 waiting + 4096 expired kept: some must go unlisted
else
    big=1000000 flood=300000 syn_rss_default=200 syn_rss_limited=48 fragment_rss=80 udp_rss=80 udp_rss_limited=32
    dtls_rss=160 half_open=200000 dns_queries=200000
fi
# The TCP memory budget (--tcp-max-buffered) bounds what all connections hold, as the
# engine estimates it; the estimate leaves out the allocator's own overhead (a quarter
# at most, for blocks of a few hundred bytes). The process takes about 16 MiB on a tiny
# capture (its 1 MiB I/O buffers, the name tables), and the connection table's buckets
# and the --sessions records waiting to be printed add up to 8 MiB here. So a run under a
# budget of B MiB stays below B * 5/4 + 24 MiB. A sanitizer build starts at about 140 MiB
# (shadow memory, the 16 MiB quarantine) and its redzones and shadow more than double
# every small block: B * 3 + 150.
tcp_budget_mib=32
if [[ $sanitized -eq 1 ]]; then
    tcp_budget_rss=$((tcp_budget_mib * 3 + 150)) tcp_default_rss=$((256 * 3 + 150))
else
    tcp_budget_rss=$((tcp_budget_mib * 5 / 4 + 24)) tcp_default_rss=$((256 * 5 / 4 + 24))
fi
syns=${ADVERSARIAL_SYNS:-$flood}
big_syns=${ADVERSARIAL_BIG_SYNS:-$big}
udp_flows=${ADVERSARIAL_UDP_FLOWS:-$flood}

if ! python3 "$src/tools/make-adversarial-captures.py" "$tmp" --syns "$syns" --udp-flows "$udp_flows" \
        --big-syns "$big_syns" --half-open "$half_open" --dns-queries "$dns_queries" 2>"$tmp/gen.log"; then
    cat "$tmp/gen.log"
    echo "FAIL: could not generate the captures"
    exit 1
fi
time_tool=/usr/bin/time
[[ -x $time_tool ]] || time_tool=

fail() {
    failed=$((failed + 1))
    echo "FAIL $*"
}

sanitizer_report() {
    grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer' "$1"
}

# run NAME WANTED_EXIT -- tlsdissect arguments...: runs the tool (under GNU time when
# present), checks the exit status and the sanitizers; output in $tmp/NAME.out (or
# $out_to when set) and $tmp/NAME.err, peak RSS in KiB in $tmp/NAME.rss.
run() {
    local name=$1 want=$2 out=${out_to:-$tmp/$1.out}
    shift 3
    if [[ -n $time_tool ]]; then
        "$time_tool" -v -o "$tmp/$name.time" "$tool" "$@" >"$out" 2>"$tmp/$name.err"
    else
        "$tool" "$@" >"$out" 2>"$tmp/$name.err"
    fi
    local rc=$?
    if [[ -n $time_tool ]]; then
        # GNU time reports a killed child in its own file; keep the child's status.
        sed -n 's/.*Maximum resident set size (kbytes): *//p' "$tmp/$name.time" >"$tmp/$name.rss"
        if grep -q 'Command terminated by signal' "$tmp/$name.time"; then rc=128; fi
    fi
    if [[ $rc -ne $want ]]; then
        fail "$name: exit $rc (wanted $want): $(head -c 400 "$tmp/$name.err")"
        return 1
    fi
    if sanitizer_report "$tmp/$name.err"; then
        fail "$name: sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$tmp/$name.err")"
        return 1
    fi
    passed=$((passed + 1))
    return 0
}

# expect NAME TEXT: the output of run NAME contains TEXT.
expect() {
    if grep -qF -- "$2" "$tmp/$1.out"; then
        passed=$((passed + 1))
    else
        fail "$1: output lacks '$2'"
    fi
}

# rss_below NAME MIB
rss_below() {
    [[ -n $time_tool && -s $tmp/$1.rss ]] || return 0
    local kib
    kib=$(cat "$tmp/$1.rss")
    echo "  $1: peak RSS $((kib / 1024)) MiB (bound $2 MiB)"
    if [[ $kib -le $(($2 * 1024)) ]]; then
        passed=$((passed + 1))
    else
        fail "$1: peak RSS $((kib / 1024)) MiB exceeds $2 MiB"
    fi
}

# json_ok NAME: the output of run NAME is valid JSON.
json_ok() {
    if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/$1.out" 2>"$tmp/$1.json.err"; then
        passed=$((passed + 1))
    else
        fail "$1: output is not valid JSON: $(head -c 200 "$tmp/$1.json.err")"
    fi
}

# Every capture in every mode: tree, summary, sessions.
modes() {  # modes NAME CAPTURE WANTED_EXIT
    local name=$1 capture=$tmp/$2 want=$3
    run "$name" "$want" -- --color=never "$capture"
    run "$name-s" "$want" -- --color=never -s "$capture"
    run "$name-sessions" "$want" -- --sessions "$capture" && [[ $want -eq 0 ]] && json_ok "$name-sessions"
}

[[ -z $time_tool ]] && echo "  /usr/bin/time missing: peak memory not checked (apt-get install time)"

# A TLS record claiming 65535 bytes and a handshake message claiming 16 MiB, in 40-byte segments.
modes tls-16mb tls-16mb-record.pcap 0
expect tls-16mb "[Malformed: record length 65535 exceeds the maximum of 18432]"
expect tls-16mb "handshake message of 16777215 bytes exceeds the reassembly limit"

# DNS names that loop, point forward, follow 200 pointers, grow past 255 bytes.
modes dns-loops dns-compression-loops.pcap 0
expect dns-loops "loops back into its own name"
expect dns-loops "points forward"
expect dns-loops "follows more than 128 compression pointers"
expect dns-loops "longer than 255 bytes"

# A certificate made of 5000 nested SEQUENCEs (OpenSSL refuses it; the walker follows
# RFC 5280's structure, so it stops at the first field that is not what it must be).
modes deep-cert cert-deep-nesting.pcap 0
expect deep-cert "Certificate: certificate (not decodable)"
expect deep-cert "[Malformed: serialNumber: expected INTEGER, found SEQUENCE]"

# Overlapping TCP segments with different bytes: the first bytes win, the rest is reported.
modes overlap tcp-overlap-conflict.pcap 0
expect overlap "[Overlapping data differs from what was received first"
run overlap-follow 0 -- --follow 0 "$tmp/tcp-overlap-conflict.pcap"

# An in-order segment over a buffered out-of-order one (same bytes): the stream must
# hold each byte once (it once held the overlap twice and the Client Hello broke).
modes overlap-buffered tcp-overlap-buffered.pcap 0
expect overlap-buffered "Handshake Protocol: Client Hello"
if grep -qF "[Malformed" "$tmp/overlap-buffered.out"; then fail "overlap-buffered: [Malformed] in the output"; fi
if run overlap-buffered-follow 0 -- --follow 0 --follow-format raw "$tmp/tcp-overlap-buffered.pcap"; then
    got=$(grep -v $'^\t' "$tmp/overlap-buffered-follow.out" | grep -E '^[0-9a-f]+$' | tr -d '\n')
    if [[ $got == "$(cat "$tmp/tcp-overlap-buffered.expected")" ]]; then
        passed=$((passed + 1))
    else
        fail "overlap-buffered-follow: the client's stream differs from what was sent"
    fi
fi

# Junk between two TLS records, split across segments: the second record is still found.
modes junk tls-junk-split.pcap 0
expect junk "Alert Protocol"
expect junk "bytes before this record are not a TLS record and were skipped"

# A server name and an ALPN protocol that are not UTF-8: JSON output stays valid.
modes bad-utf8 tls-sni-invalid-utf8.pcap 0
if run bad-utf8-json 0 -- --json "$tmp/tls-sni-invalid-utf8.pcap" 2>/dev/null; then json_ok bad-utf8-json; fi

# Terminal control characters in a server name, an ALPN protocol and a DNS name: escaped
# in the tree and the summary as tshark 4.0 shows them, never written raw.
modes ctrl tls-control-chars.pcap 0
expect ctrl 'Server Name: ev\ail\033[2J.test'
expect ctrl 'ALPN Next Protocol: h2\r\n'
expect ctrl 'Name: bad\033[0.te\bt'
expect ctrl-s 'bad\033[0.te\bt'
for out in ctrl ctrl-s; do
    if tr -d '\t\n' <"$tmp/$out.out" | LC_ALL=C grep -q '[[:cntrl:]]'; then
        fail "$out: a control character reached the output raw"
    else
        passed=$((passed + 1))
    fi
done
if run ctrl-json 0 -- --json "$tmp/tls-control-chars.pcap"; then json_ok ctrl-json; fi

# OCSP responses in CertificateStatus messages: a revoked status is dissected, lying ones
# are [Malformed] and the messages after them are still dissected.
modes ocsp tls-ocsp-malformed.pcap 0
expect ocsp "OCSP Response: successful, 1 item: revoked (keyCompromise)"
expect ocsp "revocationReason: keyCompromise (1)"
expect ocsp "[Malformed: producedAt: invalid GeneralizedTime"
expect ocsp "[Malformed: certStatus: expected [0], [1] or [2], found [5]]"
expect ocsp "responseStatus: unauthorized (6)"
[[ $(grep -c "^ *Handshake Protocol: Certificate Status$" "$tmp/ocsp.out") -eq 6 ]] && passed=$((passed + 1)) ||
    fail "ocsp: not every Certificate Status message dissected"

# Files that end in the middle of a packet: the packets before are shown, then exit 6.
modes cut-header cut-mid-header.pcap 6
expect cut-header "Frame 4:"
grep -qF "after frame 4" "$tmp/cut-header.err" && passed=$((passed + 1)) || fail "cut-header: no 'after frame 4' error line"
modes cut-data cut-mid-data.pcap 6
expect cut-data "Frame 4:"
modes cut-block cut-mid-block.pcapng 6
expect cut-block "Frame 1:"
grep -qF "middle of a pcapng block" "$tmp/cut-block.err" && passed=$((passed + 1)) ||
    fail "cut-block: no 'middle of a pcapng block' error line"

# Floods: memory stays bounded.
# SYNs to distinct ports: connections are tracked up to --tcp-max-connections (default
# 262144) and the least recently active dropped beyond it; a SYN allocates no buffers.
if run syn-flood-s 0 -- -s "$tmp/syn-flood.pcap.gz"; then
    [[ $(grep -c . "$tmp/syn-flood-s.out") -eq $syns ]] && passed=$((passed + 1)) ||
        fail "syn-flood-s: not one line per packet"
fi
rss_below syn-flood-s "$syn_rss_default"
run syn-flood-limited 0 -- -s --tcp-max-connections 10000 "$tmp/syn-flood.pcap.gz"
rss_below syn-flood-limited "$syn_rss_limited"
run syn-flood-sessions 0 -- --sessions --tcp-max-connections 10000 "$tmp/syn-flood.pcap.gz" && json_ok syn-flood-sessions
rss_below syn-flood-sessions "$syn_rss_limited"
out_to=/dev/null run syn-flood-tree 0 -- --color=never --tcp-max-connections 10000 "$tmp/syn-flood.pcap.gz"
rss_below syn-flood-tree "$syn_rss_limited"

# A million SYNs to distinct address/port pairs (not in the sanitizer build, whose
# shadow memory would measure ASan): the connection table stays at its limit, so memory
# is that of the 300000-SYN run.
if [[ $big_syns -gt 0 ]]; then
    if out_to=/dev/null run syn-flood-big 0 -- -s "$tmp/syn-flood-big.pcap.gz"; then
        rss_below syn-flood-big "$syn_rss_default"
    fi
fi

# First fragments of 20000 datagrams, each with its last byte at 65535: at most 4096
# datagrams and 32 MiB are buffered.
run fragment-flood 0 -- -s "$tmp/fragment-flood.pcap.gz"
rss_below fragment-flood "$fragment_rss"

# 20000 DTLS flows each starting a 250000-byte Certificate: all DTLS reassemblers
# together hold at most 64 MiB (5 GB without the shared bound), plus about 2.5 KiB per
# connection; the later flows get the defragmentation error.
if run dtls-fragment-flood 0 -- -Y 'frame.number >= 19990' "$tmp/dtls-fragment-flood.pcap.gz"; then
    rss_below dtls-fragment-flood "$dtls_rss"
    expect dtls-fragment-flood "[Not reassembled: the reassembly memory of all DTLS connections"
fi

# A new UDP flow in every datagram: flows are remembered up to --udp-max-conversations
# (default 262144), the least recently active forgotten beyond it.
run udp-flood 0 -- -s "$tmp/udp-flood.pcap.gz"
rss_below udp-flood "$udp_rss"
run udp-flood-limited 0 -- -s --udp-max-conversations 10000 "$tmp/udp-flood.pcap.gz"
rss_below udp-flood-limited "$udp_rss_limited"

# Half-open TLS connections, each waiting for the last 40 bytes of its Client Hello
# record: about 5 KB each (state, partial record, recheck window), so 200000 of them held
# 930 MB before every byte a connection holds counted against --tcp-max-buffered. Now the
# least recently active are given up, counted in the capture summary and on stderr.
if run half-open-budget 0 -- --sessions --tcp-max-buffered $((tcp_budget_mib << 20)) "$tmp/tls-half-open-flood.pcap.gz"; then
    json_ok half-open-budget
    rss_below half-open-budget "$tcp_budget_rss"
    python3 - "$tmp/half-open-budget.out" "$half_open" <<'PY' && passed=$((passed + 1)) || fail "half-open-budget: capture summary"
import json, sys
doc = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
given_up = doc["capture"]["limits_reached"]["tcp_connections_given_up"]
# Every connection still has its record: given-up ones when they were given up.
assert len(doc["tls"]) == n, len(doc["tls"])
assert 0 < given_up < n, given_up
PY
    grep -qE "half-open-flood.pcap.gz: TCP memory limit reached: [0-9]+ connections were given up" "$tmp/half-open-budget.err" &&
        passed=$((passed + 1)) || fail "half-open-budget: no stderr line"
fi
out_to=/dev/null run half-open-default 0 -- -s "$tmp/tls-half-open-flood.pcap.gz"
rss_below half-open-default "$tcp_default_rss"
out_to=/dev/null run half-open-tree 0 -- --color=never --tcp-max-buffered $((tcp_budget_mib << 20)) "$tmp/tls-half-open-flood.pcap.gz"
rss_below half-open-tree "$tcp_budget_rss"

# Queries that are never answered: --sessions lists the last kMaxDnsUnansweredKept
# (4096) of those that expired and the ones still waiting (65536), and counts the rest.
if run dns-unanswered 0 -- --sessions "$tmp/dns-unanswered-flood.pcap.gz"; then
    python3 - "$tmp/dns-unanswered.out" "$dns_queries" <<'PY' && passed=$((passed + 1)) || fail "dns-unanswered: counts"
import json, sys
doc = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
listed = len(doc["dns"])
not_listed = doc["capture"].get("limits_reached", {}).get("dns_transactions_not_listed", 0)
assert listed + not_listed == n, (listed, not_listed)
assert listed < n
PY
    grep -qF "DNS transactions are not listed: more unanswered queries than the 4096 that are kept" \
        "$tmp/dns-unanswered.err" && passed=$((passed + 1)) || fail "dns-unanswered: no stderr line"
fi
run dns-unanswered-jsonl 0 -- --sessions --jsonl "$tmp/dns-unanswered-flood.pcap.gz"
grep -qF "DNS transactions are not listed" "$tmp/dns-unanswered-jsonl.err" && passed=$((passed + 1)) ||
    fail "dns-unanswered-jsonl: no stderr line"

echo "adversarial: $passed checks passed, $failed failed"
[[ $failed -eq 0 ]]
