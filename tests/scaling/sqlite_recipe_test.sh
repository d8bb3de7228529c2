#!/usr/bin/env bash
# Runs the recipes of docs/scaling.md on the bundled captures and checks their answers:
#  1. one tlsdissect process per capture file (xargs -P), `--sessions --jsonl` outputs
#     merged: as many records as the files give one by one;
#  2. the merged records loaded into SQLite (sqlite3 CLI, JSON functions): "top SNIs by
#     connection count" must equal what tshark says (distinct TCP connections with a
#     Client Hello carrying that server name, per file), and "connections whose chain is
#     invalid" must return exactly the records whose chain.valid is false.
# Usage: sqlite_recipe_test.sh SOURCE_DIR   (TLSDISSECT=path to the binary)
set -euo pipefail
src=$1
tool=${TLSDISSECT:?set TLSDISSECT}
for c in sqlite3 tshark python3 xargs; do command -v "$c" >/dev/null || { echo "missing $c" >&2; exit 1; }; done
# tshark's answers come from the cache shared by the tests when ctest names one
# (TLSDISSECT_TSHARK_CACHE; tests/differential/tshark_cache.py).
if [[ -n ${TLSDISSECT_TSHARK_CACHE:-} ]] && command -v tshark >/dev/null; then
    tshark_cache_python=python3  # Debian's, when there, starts faster than a version manager's shim
    [[ -x /usr/bin/python3 ]] && tshark_cache_python=/usr/bin/python3
    tshark() { "$tshark_cache_python" "$src/tests/differential/tshark_cache.py" "$@"; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- recipe 1: one process per file, two at a time (as in docs/scaling.md) ---
mkdir "$work/out"
find "$src/captures" -maxdepth 1 \( -name '*.pcap' -o -name '*.pcapng' \) -print0 | sort -z >"$work/files"
export TLSDISSECT_BIN=$tool OUT=$work/out
xargs -0 -P 2 -n 1 sh -c '"$TLSDISSECT_BIN" --sessions --jsonl "$1" >"$OUT/$(basename "$1").jsonl"' _ <"$work/files"
files=$(tr -cd '\0' <"$work/files" | wc -c)
outputs=$(find "$work/out" -name '*.jsonl' | wc -l)
[ "$files" -eq "$outputs" ] || fail "$files captures but $outputs outputs"
[ "$files" -ge 20 ] || fail "only $files bundled captures found"
expected_lines=0
while IFS= read -r -d '' f; do
    n=$("$tool" --sessions --jsonl "$f" | wc -l)
    expected_lines=$((expected_lines + n))
done <"$work/files"

# --- recipe 2: load into SQLite, one row per record, with its file name ---
{
    echo "CREATE TABLE sessions(file TEXT, record TEXT);"
    echo "CREATE TABLE raw(record TEXT);"
    echo ".mode ascii"
    echo ".separator \"\\t\" \"\\n\""
    for f in "$work"/out/*.jsonl; do
        name=$(basename "$f" .jsonl)
        echo ".import '$f' raw"
        echo "INSERT INTO sessions SELECT '$name', record FROM raw; DELETE FROM raw;"
    done
} >"$work/load.sql"
sqlite3 "$work/s.db" <"$work/load.sql"
rows=$(sqlite3 "$work/s.db" "SELECT count(*) FROM sessions WHERE json_valid(record);")
[ "$rows" -eq "$expected_lines" ] || fail "SQLite holds $rows valid records, the files gave $expected_lines lines"

# Top SNIs by connection count (the query in docs/scaling.md).
sqlite3 -separator ' ' "$work/s.db" "
  SELECT json_extract(record, '\$.sni') AS sni, count(*) AS connections
  FROM sessions
  WHERE json_extract(record, '\$.kind') = 'tls' AND sni IS NOT NULL
  GROUP BY sni ORDER BY connections DESC, sni;" >"$work/sni.sqlite"
# The same from tshark: distinct connections (file, tcp.stream for TLS over TCP, else
# udp.stream for QUIC and DTLS) with a Client Hello naming a server. The outermost IP
# addresses join the key: tshark gives one tcp.stream to two connections with the same
# inner addresses that came through different tunnels, tlsdissect two (user guide,
# "Tunnels"); a Client Hello always goes from client to server, so the pair is stable.
while IFS= read -r -d '' f; do
    # In the two-GRE-tunnels capture tshark takes the second connection's segments for
    # retransmissions of the first (same inner addresses and sequence numbers) unless told
    # not to analyse sequence numbers; the GRE key then tells the connections apart.
    opts=()
    case $f in *gre-two-tunnels*) opts=(-o tcp.analyze_sequence_numbers:FALSE) ;; esac
    tshark -n -r "$f" "${opts[@]}" -Y '(tls.handshake.type == 1 && tls.handshake.extensions_server_name) ||
                          (dtls.handshake.type == 1 && dtls.handshake.extensions_server_name)' \
        -T fields -E occurrence=f -e tcp.stream -e udp.stream -e tls.handshake.extensions_server_name \
        -e dtls.handshake.extensions_server_name -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e gre.key 2>/dev/null |
        awk -F'\t' -v file="$f" '{ stream = $1 != "" ? "t" $1 : "u" $2; sni = $3 != "" ? $3 : $4
                                   print file "\t" stream " " $5 $6 $7 $8 $9 "\t" sni }'
done <"$work/files" | sort -u | awk -F'\t' '{ n[$3]++ } END { for (s in n) print s, n[s] }' |
    sort -k2,2nr -k1,1 >"$work/sni.tshark"
[ -s "$work/sni.tshark" ] || fail "tshark found no server names"
if ! diff -u "$work/sni.tshark" "$work/sni.sqlite"; then fail "top SNIs differ from tshark's (- tshark, + SQLite)"; fi

# Connections whose certificate chain is invalid. Records carry `chain` only once chain
# validation is in; a record without it has no $.chain.valid, so it is not returned (until
# then the query returns no rows, and so does the check below).
sqlite3 -separator ' ' "$work/s.db" "
  SELECT file, json_extract(record, '\$.stream'), json_extract(record, '\$.sni')
  FROM sessions
  WHERE json_extract(record, '\$.kind') = 'tls' AND json_extract(record, '\$.chain.valid') = 0
  ORDER BY file, json_extract(record, '\$.stream');" >"$work/invalid.sqlite"
for f in "$work"/out/*.jsonl; do
    python3 -c '
import json, os, sys
name = os.path.basename(sys.argv[1])[:-len(".jsonl")]
for line in open(sys.argv[1]):
    r = json.loads(line)
    chain = r.get("chain")
    if r.get("kind") == "tls" and isinstance(chain, dict) and chain.get("valid") is False:
        print(name, r["stream"], r["sni"] if r["sni"] is not None else "")
' "$f"
done | sort -k1,1 -k2,2n >"$work/invalid.python"
if ! diff -u "$work/invalid.python" "$work/invalid.sqlite"; then fail "invalid-chain rows differ (- Python json, + SQLite)"; fi

echo "ok: $files captures, $rows records, $(wc -l <"$work/sni.sqlite") server names, $(wc -l <"$work/invalid.sqlite") invalid chains"
