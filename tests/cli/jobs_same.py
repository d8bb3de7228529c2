#!/usr/bin/env python3
"""-j: every output mode prints the same bytes with one core (-j 1: dissect and print in
one thread, signature checks in it too) as with several (-j 2: packets printed on a
thread of their own, checks on another).

    jobs_same.py TLSDISSECT [--every K] DIR_OR_CAPTURE...

With --every K only every K-th capture of a folder (sorted by name) is run, to keep the
sanitizer build's run short.

Modes: the tree, -s, -s -x, --json, --jsonl, -e, --sessions, --sessions --jsonl, -Y with
the tree, and a cut-short run (-c 5). Exit 77 when no capture is found.
"""
import os
import subprocess
import sys

MODES = [[], ["-s"], ["-s", "-x"], ["--json"], ["--jsonl"], ["-e", "frame.number", "-e", "tls.handshake.type"],
         ["--sessions"], ["--sessions", "--jsonl"], ["-Y", "tls.handshake.type == 1"], ["-c", "5"]]
EXTENSIONS = (".pcap", ".pcapng", ".pcap.gz")


def captures(paths, every):
    for p in paths:
        if os.path.isdir(p):
            names = [f for f in sorted(os.listdir(p)) if f.endswith(EXTENSIONS)]
            for f in names[::every]:
                yield os.path.join(p, f)
        elif os.path.exists(p):
            yield p


def main():
    tool, paths, every = sys.argv[1], sys.argv[2:], 1
    if paths[:1] == ["--every"]:
        every, paths = int(paths[1]), paths[2:]
    checked, failures = 0, 0
    for capture in captures(paths, every):
        stem = capture[: capture.rfind(".pcap")]
        keys = ["--keylog", stem + ".keys"] if os.path.exists(stem + ".keys") else []
        for mode in MODES:
            one = subprocess.run([tool, "-j", "1"] + mode + keys + [capture], capture_output=True)
            two = subprocess.run([tool, "-j", "2"] + mode + keys + [capture], capture_output=True)
            checked += 1
            if (one.stdout, one.stderr, one.returncode) != (two.stdout, two.stderr, two.returncode):
                failures += 1
                print(f"FAIL {capture} {' '.join(mode)}: -j 1 and -j 2 differ "
                      f"(exit {one.returncode}/{two.returncode}, {len(one.stdout)}/{len(two.stdout)} bytes)")
    print(f"{checked} runs compared, {failures} differ")
    if checked == 0:
        return 77
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
