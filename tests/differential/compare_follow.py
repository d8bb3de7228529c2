#!/usr/bin/env python3
"""Differential test of TCP reassembly: for every TCP stream of every capture, the bytes
`tlsdissect --follow N --follow-format raw` gives for each direction must equal what
`tshark -q -z follow,tcp,raw,N` gives (tshark with out-of-order reassembly on).

Usage: compare_follow.py TLSDISSECT CAPTURE_OR_DIR [...]; exit 0 / 1, 77 without tshark or when
none of the named captures or folders exists (the real-world ones live outside the project).
"""
import os
import shutil
import subprocess
import sys

import tshark_cache
from compare_fields import NOT_YET

# tshark's follow output does not separate retransmitted copies cleanly for streams
# that lost bytes; those streams are compared up to the first gap.
TSHARK_OPTS = ["-o", "tcp.reassemble_out_of_order:TRUE"]

# Captures rewritten from another one without changing any stream's bytes, where
# tshark's follow is wrong: compared with tshark's follow of the original instead.
SAME_BYTES_AS = {
    # The server's second segment comes after the client's ACK of it and after the
    # server's third segment. tshark's follow gives the hole up as "[1448 bytes missing
    # in capture file]" at the third segment and drops the late one, though its TLS
    # dissector reassembles the Certificate from them (compare_reassembly.py).
    "tls12-late-segment-overtaken.pcap": "https-cname-tls12.pcap",
}


captures = tshark_cache.capture_files


def parse_follow(text):
    """Returns (node0 hex, node1 hex, had_gap) from a follow,tcp,raw dump."""
    data = ["", ""]
    gap = False
    body = False
    for line in text.splitlines():
        if line.startswith("Node 1:"):
            body = True
            continue
        if not body or line.startswith("====="):
            continue
        node = 1 if line.startswith("\t") else 0
        line = line.strip()
        if line.startswith("[") or not line:
            gap = True
            continue
        data[node] += line
    return data[0], data[1], gap


def streams(capture):
    """How many TCP streams tshark sees, and those it found inside a layer that
    tlsdissect does not dissect yet (a tunnel; compare_fields.NOT_YET)."""
    out = tshark_cache.run(["-n", "-r", capture, "-T", "fields", "-e", "tcp.stream", "-e", "frame.protocols"]).stdout
    count, inside = 0, set()
    for line in out.splitlines():
        stream, _, protocols = line.partition("\t")
        if not stream.split(",")[0].isdigit():
            continue
        s = int(stream.split(",")[0])
        count = max(count, s + 1)
        layers = protocols.split(":")
        if any(p in NOT_YET for p in layers[:layers.index("tcp")] if "tcp" in layers):
            inside.add(s)
    return count, inside


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    if not shutil.which("tshark"):
        print("tshark not installed: skipping")
        return 77
    tool = sys.argv[1]
    passed = failed = skipped = 0
    if not any(os.path.exists(p) for p in sys.argv[2:]):
        # Only the real-world captures beside the project can be absent: a skip, not a pass.
        print(f"SKIP: {' '.join(sys.argv[2:])}: absent")
        return 77
    for capture in captures(sys.argv[2:]):
        problems = []
        n, not_yet = streams(capture)
        unsupported = False
        # Every stream's follow in one tshark run (tshark_cache.follow).
        original = SAME_BYTES_AS.get(os.path.basename(capture))
        all_theirs = tshark_cache.follow(os.path.join(os.path.dirname(capture), original) if original else capture,
                                         "tcp", range(n), TSHARK_OPTS)
        for stream in range(n):
            theirs = all_theirs[stream]
            ours = subprocess.run([tool, "--follow", str(stream), "--follow-format", "raw", capture],
                                  capture_output=True, text=True)
            if ours.returncode == 5 and "unsupported link type" in ours.stderr:
                unsupported = True
                break
            if ours.returncode not in (0, 6):
                problems.append(f"stream {stream}: tlsdissect exited {ours.returncode}: {ours.stderr.strip()}")
                continue
            t0, t1, t_gap = parse_follow(theirs)
            o0, o1, o_gap = parse_follow(ours.stdout)
            if stream in not_yet and not o0 and not o1:
                continue  # the connection is inside a tunnel tlsdissect does not dissect yet
            for node, t, o in ((0, t0, o0), (1, t1, o1)):
                if t == o:
                    continue
                if t_gap or o_gap:
                    # With bytes missing, tools differ on what to show around the hole:
                    # require agreement up to the first byte where either is unsure.
                    common = min(len(t), len(o))
                    if t[:common] == o[:common]:
                        continue
                first = next((i for i in range(min(len(t), len(o))) if t[i] != o[i]), min(len(t), len(o)))
                problems.append(f"stream {stream} node {node}: tshark {len(t)//2} bytes, tlsdissect "
                                f"{len(o)//2} bytes, first difference at byte {first//2}")
        name = os.path.relpath(capture)
        if unsupported:
            skipped += 1
            print(f"skip {name}: its link type is not dissected yet")
            continue
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems[:10]:
                print("    " + p)
        else:
            passed += 1
            print(f"ok   {name}: {n} streams")
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
