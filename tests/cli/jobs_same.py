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

# The capture and key-log finders the differential tests use.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
import tshark_cache  # noqa: E402

MODES = [[], ["-s"], ["-s", "-x"], ["--json"], ["--jsonl"], ["-e", "frame.number", "-e", "tls.handshake.type"],
         ["--sessions"], ["--sessions", "--jsonl"], ["-Y", "tls.handshake.type == 1"], ["-c", "5"]]
def main():
    tool, paths, every = sys.argv[1], sys.argv[2:], 1
    if paths[:1] == ["--every"]:
        every, paths = int(paths[1]), paths[2:]
    checked, failures = 0, 0
    for capture in tshark_cache.capture_files(paths, every):
        keys = ["--keylog", tshark_cache.key_log_of(capture)] if tshark_cache.key_log_of(capture) else []
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
