#!/usr/bin/env python3
"""HTTP/3 header fields decoded by tlsdissect (QPACK, with the dynamic table) against
the fields the two QUIC stacks themselves decoded when the capture was made.

    compare_http3_headers.py TLSDISSECT CAPTURE...

Each CAPTURE.pcap has CAPTURE.keys (the key log) and CAPTURE.headers: one line per
header field the stacks logged, "STREAM-ID name: value", the request (server's log)
first, then the response (client's log) — see tools/captures/make-quic-captures.sh.
tshark 4.0 does not decode QPACK, so the stacks are the reference here.
"""
import json
import subprocess
import sys


def decoded_fields(tool, capture, keys):
    out = subprocess.run([tool, "--json", "--keylog", keys, capture], capture_output=True, text=True, check=True)
    fields = []

    def walk(node):
        if node.get("field") == "http3.headers.header":
            kids = {c["field"]: c.get("value") for c in node.get("children", [])}
            fields.append(f'{kids.get("http3.headers.header.name")}: {kids.get("http3.headers.header.value")}')
            return
        for child in node.get("children", []):
            walk(child)

    for packet in json.loads(out.stdout):
        for layer in packet["layers"]:
            walk(layer)
    return fields


def main():
    tool, captures = sys.argv[1], sys.argv[2:]
    failed = 0
    for capture in captures:
        stem = capture[: -len(".pcap")]
        with open(stem + ".headers", encoding="utf-8") as f:
            want = [line.rstrip("\n").split(" ", 1)[1] for line in f if line.strip()]
        got = decoded_fields(tool, capture, stem + ".keys")
        if got != want:
            failed += 1
            print(f"FAIL {capture}: the stacks decoded {want}, tlsdissect {got}")
        else:
            print(f"ok   {capture}: {len(got)} header fields, as the stacks decoded them")
    return 1 if failed or not captures else 0


if __name__ == "__main__":
    sys.exit(main())
