#!/usr/bin/env python3
"""Differential test of two kinds of names against tshark, on every capture of the given
folders:

  * TLS 1.2 hash and signature pairs without an RFC 8446 name (0x0301, 0x0402, ...):
    every "Signature Algorithm: NAME (0xNNNN)" line of the tree, for such a value, must
    carry the name tshark -V gives it ("SHA224 RSA"); no line may say "Unknown" where
    tshark has a name;
  * DNS types that tshark shows as "Unknown (N)": --sessions writes them in RFC 3597's
    presentation form, "TYPEN", and never "Unknown".

Usage: compare_names.py TLSDISSECT DIR...; exit 0 / 1, 77 without tshark or captures.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_cache  # noqa: E402

SIG_LINE = re.compile(r"^\s*Signature Algorithm: (.+) \((0x[0-9a-f]{4})\)$")
DNS_UNKNOWN = re.compile(r"^\s*Type: Unknown \((\d+)\)$")


def legacy_pair(value):
    hash_, sig = value >> 8, value & 0xFF
    return 1 <= hash_ <= 6 and 1 <= sig <= 3


def names(lines):
    out = {}
    for line in lines:
        m = SIG_LINE.match(line)
        if m:
            out.setdefault(int(m.group(2), 16), set()).add(m.group(1))
    return out


def main():
    tool, captures = tshark_cache.tool_and_captures(__doc__)
    failures, pairs, dns_types = [], 0, 0
    for capture in captures:
        name = os.path.basename(capture)
        tree = subprocess.run([tool, capture], capture_output=True, text=True, check=False)
        if tree.returncode != 0:
            continue
        theirs_lines = tshark_cache.run(["-n", "-r", capture, "-V"]).stdout.splitlines()
        ours, theirs = names(tree.stdout.splitlines()), names(theirs_lines)
        for value, mine in sorted(ours.items()):
            if value not in theirs:
                continue
            if legacy_pair(value) or "Unknown" in mine:
                pairs += 1
                if mine != theirs[value] and not all(n.startswith("Unknown") for n in theirs[value]):
                    failures.append(f"{name}: 0x{value:04x} is {sorted(mine)}, tshark {sorted(theirs[value])}")
        unknown = {int(m.group(1)) for m in map(DNS_UNKNOWN.match, theirs_lines) if m}
        if not unknown:
            continue
        sessions = subprocess.run([tool, "--sessions", capture], capture_output=True, text=True, check=False)
        if sessions.returncode != 0:
            continue
        for t in json.loads(sessions.stdout)["dns"]:
            for value in [t.get("type")] + [a["type"] for a in t["answers"]]:
                if value is None:
                    continue
                dns_types += 1
                if value.startswith("Unknown") or (value.startswith("TYPE") and int(value[4:]) not in unknown):
                    failures.append(f"{name}: DNS transaction {t['id']}: type {value!r} (tshark: Unknown {sorted(unknown)})")
    for f in failures:
        print("FAIL", f)
    print(f"{pairs} signature algorithm values and {dns_types} DNS types of captures with unnamed types checked, "
          f"{len(failures)} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
