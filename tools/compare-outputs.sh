#!/usr/bin/env bash
# Compares what two builds of tlsdissect print, byte for byte, on every bundled capture
# and every real-world capture beside the project (../shared/captures-real), in every
# output mode, with each capture's key log when it has one. For refactors that must not
# change output: run it with a build of the starting commit as BASE.
#
#   tools/compare-outputs.sh BASE_BINARY NEW_BINARY [BASE_CACHE_DIR]
#
# BASE_CACHE_DIR keeps the base outputs between runs (the base binary does not change).
# Prints one line per difference and a closing count; exits 1 when anything differs.
set -uo pipefail
cd "$(dirname "$0")/.."
base=$1 new=$2 cache=${3:-$(mktemp -d)}
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
modes=("" "-s" "-x" "--json" "--jsonl" "--sessions" "--sessions --jsonl" "--audit" "--ladder"
       "--explain en" "--explain zh --ladder" "-s -Y tls.handshake")
captures=()
while IFS= read -r f; do captures+=("$f"); done < <(
  { find captures -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.gz' \)
    [[ -d ../shared/captures-real ]] && find ../shared/captures-real -type f \( -name '*.pcap' -o -name '*.pcapng' \)
  } | sort)
compared=0 differed=0
for cap in "${captures[@]}"; do
  keys=()
  stem=${cap%.gz}; stem=${stem%.pcapng}; stem=${stem%.pcap}
  [[ -f $stem.keys ]] && keys=(--keylog "$stem.keys")
  for mode in "${modes[@]}"; do
    id=$(printf '%s|%s' "$cap" "$mode" | md5sum | cut -c1-16)
    if [[ ! -f $cache/$id.out ]]; then
      # shellcheck disable=SC2086
      "$base" $mode "${keys[@]}" "$cap" >"$cache/$id.out" 2>"$cache/$id.err"; echo $? >"$cache/$id.rc"
    fi
    # shellcheck disable=SC2086
    "$new" $mode "${keys[@]}" "$cap" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"
    compared=$((compared + 1))
    if ! cmp -s "$cache/$id.out" "$work/out" || ! cmp -s "$cache/$id.rc" "$work/rc" || ! cmp -s "$cache/$id.err" "$work/err"; then
      differed=$((differed + 1))
      echo "DIFFERS: tlsdissect $mode ${keys[*]} $cap"
    fi
  done
done
echo "compared $compared outputs of ${#captures[@]} captures: $differed differ"
[[ $differed -eq 0 ]]
