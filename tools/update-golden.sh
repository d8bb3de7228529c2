#!/usr/bin/env bash
# Rewrites the golden outputs (tests/golden/expected/) from the cases in
# tests/golden/MANIFEST, with the given build of tlsdissect (default build/tlsdissect).
# Run it after a change of output that is meant, then read `git diff tests/golden`:
# every changed line must be one you intended.
#
#   tools/update-golden.sh [TLSDISSECT] [--group GROUP ...]
set -euo pipefail
cd "$(dirname "$0")/.."
tool=build/tlsdissect
if [[ $# -gt 0 && $1 != --* ]]; then tool=$1; shift; fi
[[ -x $tool ]] || { echo "update-golden: no tlsdissect at $tool (build it, or name it)" >&2; exit 2; }
python3 tests/golden/golden.py update "$tool" . "$@"
du -sh tests/golden/expected | sed 's/^/golden outputs: /'
