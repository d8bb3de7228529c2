#!/usr/bin/env bash
# `cmake --install` into a scratch prefix, then, as a user would meet them:
#  1. the installed binary works from another folder (nothing it needs is beside the
#     source tree): a capture's summary, --explain notes, --sessions;
#  2. `man -l` of the installed page shows every option that `--help` shows;
#  3. bash: the completion file, found by bash-completion's loader under the prefix,
#     registers itself (`complete -p`) and completes options, their choices, field names
#     after -e and -Y, and --explain languages (a scripted completion);
#  4. zsh: the completion function parses and compinit finds it under the prefix.
# Usage: install_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null
bin=$work/prefix/bin/tlsdissect
[[ -x $bin ]] || fail "no installed binary"

# --- 1. from any folder ---
capture=$(cd "$src/captures" && pwd)/https-cname-tls12.pcap
mkdir "$work/elsewhere"
cd "$work/elsewhere"
line=$(env -i PATH=/usr/bin:/bin "$bin" -s -c 1 "$capture")
[[ $line == *"DNS 99 Standard query 0xdb93 A www.example.test OPT" ]] || fail "installed binary: $line"
"$bin" --explain en -c 1 "$capture" | grep -q '^ *ⓘ ' || fail "installed binary: no --explain notes"
"$bin" --sessions --jsonl "$capture" | grep -q '"kind":"tls"' || fail "installed binary: no --sessions record"
cd "$work"

# --- 2. the manual page has every option of --help ---
page=$work/prefix/share/man/man1/tlsdissect.1.gz
[[ -f $page ]] || fail "no manual page at share/man/man1"
command -v man >/dev/null || fail "man is not installed (man-db)"
MANWIDTH=200 LC_ALL=C.UTF-8 man -l "$page" 2>/dev/null | sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g' >"$work/man.txt"
grep -q '^SYNOPSIS' "$work/man.txt" || fail "man -l shows no SYNOPSIS"
"$bin" --help | grep -oE '^  (-[A-Za-z],)?--[a-z-]+' | tr ',' '\n' | sed 's/^ *//' >"$work/help-options"
n=$(wc -l <"$work/help-options")
[[ $n -ge 30 ]] || fail "--help lists only $n option names"
while read -r opt; do
    grep -qE -- "(^|[ ,])$opt( |,|$)" "$work/man.txt" || fail "man -l does not show $opt (--help does)"
done <"$work/help-options"
# ... and nothing --help does not: every option the page describes is in --help.
grep -oE '^       (-[A-Za-z], )?--[a-z-]+' "$work/man.txt" | tr ',' '\n' | sed 's/^ *//' | sort -u >"$work/man-options"
sort -u "$work/help-options" | diff - "$work/man-options" >/dev/null ||
    fail "the options of man -l and --help differ: $(sort -u "$work/help-options" | diff - "$work/man-options" | tr '\n' ' ')"

# --- 3. bash ---
bash_file=$work/prefix/share/bash-completion/completions/tlsdissect
[[ -f $bash_file ]] || fail "no bash completion at share/bash-completion/completions"
registered=$(bash -c "source '$bash_file'; complete -p tlsdissect")
[[ $registered == "complete -o default -F _tlsdissect tlsdissect" ]] || fail "complete -p: $registered"
if [[ -f /usr/share/bash-completion/bash_completion ]]; then
    # bash-completion's on-demand loader looks in XDG_DATA_DIRS/bash-completion/completions.
    registered=$(XDG_DATA_DIRS=$work/prefix/share bash -c \
        "source /usr/share/bash-completion/bash_completion; __load_completion tlsdissect; complete -p tlsdissect")
    [[ $registered == *"-F _tlsdissect tlsdissect" ]] || fail "bash-completion's loader did not find it: $registered"
fi
complete_words() {  # complete_words WORD... : what TAB offers for the last word
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tlsdissect; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$bash_file" "$@"
}
expect_completion() {  # expect_completion "EXPECTED LINES" WORD...
    local expected=$1
    shift
    local got
    got=$(complete_words "$@" | sort)
    [[ $got == "$expected" ]] || fail "completing '$*': got [$(echo $got)], expected [$(echo $expected)]"
}
expect_completion "--color" tlsdissect --col
expect_completion $'always\nauto\nnever' tlsdissect --color ""
expect_completion "tls.handshake.type" tlsdissect -e tls.handshake.typ
expect_completion $'dns.qry.name\ndns.qry.name.len' tlsdissect -s -Y dns.qry.name
expect_completion $'--follow\n--follow-format\n--follow-tls' tlsdissect --foll
expect_completion "" tlsdissect -s capt  # a file: left to readline (-o default)
[[ $(complete_words tlsdissect --explain "" | sort | tr '\n' ' ') == "auto en zh " ]] ||
    fail "--explain languages: $(complete_words tlsdissect --explain "")"
# Every field name of the page's -e completion is one the filter knows.
complete_words tlsdissect -e "" >"$work/fields"
[[ $(wc -l <"$work/fields") -ge 500 ]] || fail "only $(wc -l <"$work/fields") field names for -e"
for f in tls.handshake.extensions_server_name dns.a ip.src tcp.stream quic.version; do
    grep -qx "$f" "$work/fields" || fail "-e does not complete $f"
done

# --- 4. zsh ---
zsh_file=$work/prefix/share/zsh/vendor-completions/_tlsdissect
[[ -f $zsh_file ]] || fail "no zsh completion at share/zsh/vendor-completions"
if command -v zsh >/dev/null; then
    zsh -n "$zsh_file" || fail "zsh cannot parse _tlsdissect"
    found=$(HOME=$work zsh -f -c "fpath=('$work/prefix/share/zsh/vendor-completions' \$fpath); autoload -Uz compinit; \
        compinit -u -d '$work/zcompdump'; print -r -- \${_comps[tlsdissect]}")
    [[ $found == _tlsdissect ]] || fail "zsh compinit did not register _tlsdissect: '$found'"
else
    echo "zsh not installed: its completion only checked to exist"
fi
echo "installed: binary runs elsewhere, $n options in both --help and man -l, bash and zsh completion"
