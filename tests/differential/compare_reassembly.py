#!/usr/bin/env python3
"""Differential test of TCP reassembly: where each TLS handshake message is reported.

For every TLS-over-TCP connection in the given captures, tshark (with
`tcp.reassemble_out_of_order:TRUE`, so that it reassembles a segment that comes late)
and tlsdissect's --sessions record must agree on
  - the frame at which each plaintext handshake message is reported, and its type, in
    order (tlsdissect's `handshake` list against tshark's `tls.handshake.type` per frame);
  - the server's certificates (the SHA-256 of each, in order, from tshark's
    `tls.handshake.certificate` bytes);
and every message tlsdissect reports must be reported in a frame sent by the message's
own sender (a message is never shown at the other side's ACK).

The bundled captures include tls12-late-segment*.pcap, where a server segment carrying
part of the Certificate comes after the client's ACK that covers it.

Usage: compare_reassembly.py TLSDISSECT DIR...; exit 0 / 1, 77 without tshark or when none
of the folders exists (the real-world captures live outside the project).
"""
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_cache  # noqa: E402

OPTIONS = ["-o", "tcp.reassemble_out_of_order:TRUE"]
# Captures on ports tshark does not dissect as TLS without help (as compare_fields.py).
DECODE_AS = {"smtp-starttls.pcap": ["-d", "tcp.port==2525,smtp"]}
# Where tshark 4.0 is wrong, the messages it reports and tlsdissect must not, with the
# reason: (capture, tcp.stream) -> {(frame, type)}.
NOT_REPORTED = {
    # TLS_ECDHE_RSA_WITH_NULL_SHA: after Change Cipher Spec the records are plaintext
    # plus an HMAC. tshark reads the Finished messages; tlsdissect reports them as
    # encrypted handshake messages, as for any suite (as in compare_fields.py).
    ("audit-null-sha1.pcap", 0): {(12, 20), (13, 20)},
}
# Messages that tshark 4.0 does not look for and tlsdissect must report, with the reason.
ONLY_TLSDISSECT = {
    # A TLS Client Hello sent to port 80: tshark tries TLS only on registered ports and
    # shows HTTP (as in compare_fields.py).
    ("ssl-to-http-server.pcap", 0): {(3, 1)},
    ("https-to-http.pcap", 0): {(4, 1)},
}
# One connection carried twice, interleaved, through two tunnels: tshark makes one
# tcp.stream of both (see compare_fields.py); tlsdissect's stream 1 is the copy in the
# even frames, so its messages are tshark's stream 0 one frame later.
TWIN_TUNNEL_CAPTURES = {"gre-two-tunnels-tls13.pcap"}
FRAME_FIELDS = ["frame.number", "frame.len", "frame.cap_len", "tcp.srcport"]
TLS_FIELDS = ["frame.number", "tcp.stream", "tls.handshake.type", "tls.handshake.certificate"]


def tshark_rows(capture, fields, display_filter=None):
    extra = OPTIONS + DECODE_AS.get(os.path.basename(capture), [])
    lines = tshark_cache.fields(capture, fields, options=extra, display_filter=display_filter)
    return [dict(zip(fields, line.split("\t"))) for line in lines]


def ours(tool, capture):
    out = subprocess.run([tool, "--sessions", capture], capture_output=True, text=True)
    if out.returncode not in (0, 6):
        return None
    return [t for t in json.loads(out.stdout).get("tls", []) if t.get("transport", "tcp") == "tcp"]


def compare(tool, capture):
    name = os.path.basename(capture)
    records = ours(tool, capture)
    if records is None:
        return None, 0
    if not records:
        return [], 0
    # Each frame's sender, by its (innermost) TCP source port; frames cut by the snap
    # length, where tshark shows no handshake message and tlsdissect what was captured.
    senders, cut = {}, set()
    for row in tshark_rows(capture, FRAME_FIELDS):
        frame = int(row["frame.number"])
        senders[frame] = row["tcp.srcport"].split(",")[-1]
        if row["frame.len"] != row["frame.cap_len"]:
            cut.add(frame)
    theirs = {}
    certificates = {}
    for row in tshark_rows(capture, TLS_FIELDS, display_filter="tls.handshake.type"):
        if not row["tcp.stream"]:
            continue
        stream = int(row["tcp.stream"].split(",")[-1])
        frame = int(row["frame.number"])
        types = [int(t) for t in row["tls.handshake.type"].split(",") if t]
        theirs.setdefault(stream, []).extend((frame, t) for t in types)
        if 11 in types and row["tls.handshake.certificate"] and stream not in certificates:
            certificates[stream] = (frame, [hashlib.sha256(bytes.fromhex(c.replace(":", ""))).hexdigest()
                                            for c in row["tls.handshake.certificate"].split(",")])
    problems, checked = [], 0
    for record in records:
        stream = record["stream"]
        client, server = str(record["client"]["port"]), str(record["server"]["port"])
        mine = [(h["frame"], h["type"]) for h in record["handshake"] if h.get("type") is not None]
        want = theirs.get(stream, [])
        if name in TWIN_TUNNEL_CAPTURES and stream == 1:
            want = [(frame + 1, t) for frame, t in theirs.get(0, [])]
        want = [m for m in want if m not in NOT_REPORTED.get((name, stream), set())]
        want = sorted(want + sorted(ONLY_TLSDISSECT.get((name, stream), set())), key=lambda m: m[0])
        if cut:
            mine = [m for m in mine if m[0] not in cut]
            want = [m for m in want if m[0] not in cut]
        checked += len(mine)
        if mine != want:
            first = next((i for i, (a, b) in enumerate(zip(mine, want)) if a != b), min(len(mine), len(want)))
            problems.append(f"stream {stream}: handshake messages differ from #{first}: tlsdissect "
                            f"{mine[first:first + 4]}, tshark {want[first:first + 4]}")
        for h in record["handshake"]:
            sender = client if h["dir"] == "c2s" else server
            if client != server and senders.get(h["frame"]) not in (sender, None):
                problems.append(f"stream {stream}: {h['name']} ({h['dir']}) reported in frame {h['frame']}, "
                                f"sent by {senders.get(h['frame'])}")
        if stream in certificates:
            frame, hashes = certificates[stream]
            got = [c["sha256"] for c in record.get("certificates", [])]
            sent_by_server = senders.get(frame) == server
            if sent_by_server and got != hashes:
                problems.append(f"stream {stream}: certificates {got}, tshark (frame {frame}) {hashes}")
    return problems, checked


def main():
    tool, captures = tshark_cache.tool_and_captures(__doc__)
    failed = passed = 0
    total = 0
    for capture in captures:
        problems, checked = compare(tool, capture)
        name = os.path.relpath(capture)
        if problems is None:
            continue
        total += checked
        if problems:
            failed += 1
            print(f"FAIL {name}: {len(problems)} disagreements")
            for p in problems[:10]:
                print("    " + p)
        elif checked:
            passed += 1
    print(f"{passed} captures agree ({total} handshake messages), {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
