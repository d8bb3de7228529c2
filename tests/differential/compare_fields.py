#!/usr/bin/env python3
"""Differential test: tlsdissect against tshark, field by field, frame by frame.

For each capture, both tools print the same Wireshark field names with `-T fields`
(tlsdissect: `-e NAME ...`), and every value must agree. Frames whose protocol stack
contains a protocol tlsdissect does not dissect yet (ICMP quoting an inner IP header,
tunnels, ...) are compared only on the fields outside that protocol and counted.

Usage: compare_fields.py TLSDISSECT CAPTURE_OR_DIR [CAPTURE_OR_DIR ...]
A missing directory is skipped (the real-world captures live outside the project).
Exit 0 when everything agrees, 1 on a disagreement, 77 when tshark is missing.
"""
import os
import shutil
import subprocess
import sys

FIELDS = [
    "frame.number", "frame.len", "frame.cap_len",
    "eth.src", "eth.dst", "eth.type", "vlan.id", "ieee8021ad.id",
    "sll.pkttype", "sll.hatype", "sll.etype",
    "ip.version", "ip.hdr_len", "ip.len", "ip.id", "ip.flags", "ip.frag_offset", "ip.ttl", "ip.proto",
    "ip.checksum", "ip.src", "ip.dst",
    "ipv6.plen", "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst",
    "tcp.srcport", "tcp.dstport", "tcp.stream", "tcp.len", "tcp.seq", "tcp.ack", "tcp.seq_raw",
    "tcp.nxtseq", "tcp.hdr_len", "tcp.flags", "tcp.window_size_value",
    "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.timestamp.tsval",
    "udp.srcport", "udp.dstport", "udp.length", "udp.stream",
    "tcp.analysis.retransmission", "tcp.analysis.out_of_order", "tcp.analysis.lost_segment",
    "tcp.analysis.spurious_retransmission",
]
# Protocols that, when tshark finds them, carry inner headers tlsdissect does not dissect yet.
NOT_YET = {"icmp", "icmpv6", "gre", "ipip", "vxlan", "mpls", "pppoe", "ppp", "arp", "llc", "eapol",
           "lldp", "gtp", "erspan", "teredo", "esp"}
IP_LAYERS = {"ip", "ipv6"}


def partially_dissected(protocols):
    layers = protocols.split(":")
    if any(p in NOT_YET for p in layers):
        return True
    ip_count = sum(1 for p in layers if p in IP_LAYERS)
    return ip_count > 1  # IP in IP
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace")


def captures(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(CAPTURE_SUFFIXES):
                        yield os.path.join(root, f)
        elif os.path.exists(p):
            yield p


def compare(tool, capture):
    args = []
    for f in FIELDS:
        args += ["-e", f]
    shark = run(["tshark", "-n", "-r", capture, "-T", "fields", "-E", "occurrence=f",
                 "-e", "frame.protocols"] + args)
    ours = run([tool, capture] + args)
    if ours.returncode not in (0, 6):
        return [f"tlsdissect exited {ours.returncode}: {ours.stderr.strip()}"], 0, 0
    theirs_lines = shark.stdout.splitlines()
    our_lines = ours.stdout.splitlines()
    problems, skipped = [], 0
    if len(theirs_lines) != len(our_lines):
        problems.append(f"frame count: tshark {len(theirs_lines)}, tlsdissect {len(our_lines)}")
    for t_line, o_line in zip(theirs_lines, our_lines):
        t = t_line.split("\t")
        protocols, t = t[0], t[1:]
        o = [v.split(",")[0] for v in o_line.split("\t")]
        frame = t[0]
        partial = partially_dissected(protocols)
        if partial:
            skipped += 1
        for name, tv, ov in zip(FIELDS, t, o):
            if tv == ov:
                continue
            if partial and not tv.strip():
                continue
            if partial and name.startswith(("tcp.", "udp.")):
                continue  # tshark found these inside a quoted inner header
            problems.append(f"frame {frame}: {name}: tshark {tv!r}, tlsdissect {ov!r}")
    return problems, len(our_lines), skipped


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    if not shutil.which("tshark"):
        print("tshark not installed: skipping the differential test")
        return 77
    tool = sys.argv[1]
    failed = passed = 0
    for capture in captures(sys.argv[2:]):
        problems, frames, skipped = compare(tool, capture)
        name = os.path.relpath(capture)
        if problems:
            failed += 1
            print(f"FAIL {name}: {len(problems)} disagreements")
            for p in problems[:15]:
                print("    " + p)
        else:
            passed += 1
            note = f" ({skipped} frames compared on outer layers only)" if skipped else ""
            print(f"ok   {name}: {frames} frames{note}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
