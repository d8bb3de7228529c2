#!/usr/bin/env bash
# Every capture in every output mode (issue 10): each file in captures/ (or, with
# --real-world DIR, in ../shared/captures-real/) is run in the default tree, -x, -s, -e fields,
# --json, --jsonl, --sessions, --sessions --jsonl, --follow 0, --walkthrough zh and -Y modes. Each run must
# exit with a documented status for a readable capture (0, or 4/5/6 for a file that is not
# a capture, uses an unsupported link type or is damaged: the same status in every mode),
# end within ALL_MODES_TIMEOUT seconds (default 300), and leave no AddressSanitizer,
# LeakSanitizer or UndefinedBehaviorSanitizer report on standard error. Run by ctest in the
# normal build and in the ASan+UBSan build of tools/test.sh.
#
# Usage: TLSDISSECT=path/to/tlsdissect all_modes.sh SOURCE_DIR [--real-world DIR]
# (exit 77 when DIR is absent).
# ALL_MODES_JOBS (default 2) files are run at once.
set -u
src=$1
tool=${TLSDISSECT:?}
jobs=${ALL_MODES_JOBS:-2}
limit=${ALL_MODES_TIMEOUT:-300}

# The modes, each "name|options".
fields=(-e frame.number -e ip.src -e tcp.stream -e tls.handshake.type
        -e tls.handshake.extensions_server_name -e x509sat.printableString -e dns.qry.name -e dns.a)
modes=("tree|--color=never"
       "hex|--color=never -x"
       "summary|--color=never -s"
       "fields|${fields[*]}"
       "json|--json"
       "jsonl|--jsonl"
       "sessions|--sessions"
       "sessions-jsonl|--sessions --jsonl"
       "follow|--follow 0"
       "walkthrough|--walkthrough zh"
       "filter|--color=never -Y tls.handshake||dns||tcp.analysis.retransmission||_ws.malformed")

# One file, every mode: prints "FAIL ..." lines and one "RUNS n" line.
if [[ ${2:-} == --one ]]; then
    file=$3
    err=$(mktemp)
    trap 'rm -f "$err"' EXIT
    runs=0 first_rc=
    for m in "${modes[@]}"; do
        name=${m%%|*}
        read -r -a args <<<"${m#*|}"
        timeout "$limit" "$tool" "${args[@]}" "$file" >/dev/null 2>"$err"
        rc=$?
        runs=$((runs + 1))
        case $rc in
            0 | 4 | 5 | 6) ;;
            124) echo "FAIL $file [$name]: still running after $limit s"; continue ;;
            *) echo "FAIL $file [$name]: exit $rc: $(head -c 300 "$err")"; continue ;;
        esac
        # The status depends on the file, not on the mode.
        if [[ -z $first_rc ]]; then
            first_rc=$rc
        elif [[ $rc -ne $first_rc ]]; then
            echo "FAIL $file [$name]: exit $rc, but $first_rc in the first mode"
        fi
        if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|UndefinedBehaviorSanitizer' "$err"; then
            echo "FAIL $file [$name]: sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$err")"
        fi
    done
    echo "RUNS $runs"
    exit 0
fi

files=()
if [[ ${2:-} == --real-world ]]; then
    real=${3:?--real-world needs a folder}
    [[ -d $real ]] || { echo "SKIP: $real: absent"; exit 77; }
    while IFS= read -r f; do files+=("$f"); done < <(find "$real" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.gz' -o -name '*.cap' \) | sort)
else
    for f in "$src"/captures/*; do
        case $f in *.keys | *.md) continue ;; esac
        [[ -f $f ]] && files+=("$f")
    done
fi
if [[ ${#files[@]} -eq 0 ]]; then
    echo "no captures found"
    exit 77
fi

start=$SECONDS
results=$(printf '%s\0' "${files[@]}" | xargs -0 -P "$jobs" -n 1 bash "$0" "$src" --one)
runs=$(awk '/^RUNS / { n += $2 } END { print n + 0 }' <<<"$results")
failures=$(grep '^FAIL' <<<"$results")
[[ -n $failures ]] && echo "$failures"
echo "all_modes: ${#files[@]} files, $runs runs, $(grep -c '^FAIL' <<<"$results") failed, $((SECONDS - start)) s"
# Every file must have been run in every mode.
[[ $runs -eq $((${#files[@]} * ${#modes[@]})) && -z $failures ]]
