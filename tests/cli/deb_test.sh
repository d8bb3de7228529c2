#!/usr/bin/env bash
# The Debian package: built by CPack from the install rule, then installed with dpkg
# into a scratch root (its own dpkg database) and used from there:
#  - its Depends name the libraries the binary links (dpkg-shlibdeps), each a Debian
#    package installed on this machine;
#  - dpkg installs and lists its files; the installed binary, run from another folder,
#    prints what the built one prints; man -l reads its page; dpkg removes it cleanly.
# Usage: deb_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for c in cpack dpkg dpkg-deb; do command -v "$c" >/dev/null || fail "missing $c"; done

cpack --config "$build/CPackConfig.cmake" -B "$work/package" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$(find "$work/package" -maxdepth 1 -name 'tlsdissect_*.deb')
[[ -f $deb ]] || fail "cpack made no tlsdissect_*.deb"
[[ $(dpkg-deb -f "$deb" Package) == tlsdissect ]] || fail "package name"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libpcap0.8 libssl3 zlib1g libstdc++6; do
    [[ $depends == *"$lib "* || $depends == *"$lib" ]] || fail "Depends lacks $lib: $depends"
done
IFS=',' read -ra deps <<<"$depends"
for d in "${deps[@]}"; do
    name=$(echo "$d" | sed 's/^ *//; s/ .*//')
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" ||
        fail "dependency $name is not an installed Debian package here"
done

# A scratch root with an empty dpkg database; the dependencies live in the real root, so
# they are not checked there (--force-depends).
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status"
force=(--force-depends)
[[ $(id -u) -eq 0 ]] || force+=(--force-not-root --force-bad-path)
dpkg --root="$root" "${force[@]}" -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
dpkg --root="$root" -L tlsdissect >"$work/files"
for f in /usr/bin/tlsdissect /usr/share/man/man1/tlsdissect.1.gz /usr/share/bash-completion/completions/tlsdissect \
         /usr/share/zsh/vendor-completions/_tlsdissect; do
    grep -qx "$f" "$work/files" || fail "dpkg -L does not list $f"
    [[ -e $root$f ]] || fail "$f not installed"
done
capture=$(cd "$src/captures" && pwd)/https-cname-tls12.pcap
mkdir "$work/elsewhere"
(cd "$work/elsewhere" && env -i PATH=/usr/bin:/bin "$root/usr/bin/tlsdissect" -s "$capture") >"$work/installed.txt"
"$build/tlsdissect" -s "$capture" >"$work/built.txt"
cmp -s "$work/installed.txt" "$work/built.txt" || fail "the installed binary prints something else than the built one"
[[ $(wc -l <"$work/built.txt") -eq 25 ]] || fail "expected 25 packets"
"$root/usr/bin/tlsdissect" --version | grep -q "^tlsdissect $(dpkg-deb -f "$deb" Version)" ||
    fail "--version is not the package version"
if command -v man >/dev/null; then
    MANWIDTH=100 man -l "$root/usr/share/man/man1/tlsdissect.1.gz" 2>/dev/null | grep -q '^SYNOPSIS' || fail "man -l"
fi
dpkg --root="$root" "${force[@]}" -r tlsdissect >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -r"; }
[[ ! -e $root/usr/bin/tlsdissect ]] || fail "dpkg -r left the binary"
echo "$(basename "$deb"): Depends $depends; installed, run and removed in a scratch root"
