#!/usr/bin/env python3
"""Differential test of the resumption links of --sessions (`resumed_from`, `resumes`)
against tshark, on every capture of the given folders (with NAME.keys when there is one):

  * what was issued, from tshark alone: the session ID of a TLS 1.2 (or older) Server Hello
    that does not echo its Client Hello's, and the ticket of every New Session Ticket
    (tls.handshake.session_ticket; TLS 1.3 ones only with the key log), by frame and
    tcp.stream / udp.stream;
  * what each resumed connection offered, from tshark alone: the Client Hello's session
    ID (the Server Hello echoed it), the session_ticket extension's bytes (PDML, tshark
    4.0 has no field for them), the pre_shared_key identity the server selected
    (tls.handshake.extensions.psk.identity.identity / .selected).

A connection whose offered bytes were issued earlier in the capture must have
`resumed_from` naming the first frame that issued them (and `by` the kind), and
`resumes` the uid of that frame's connection; every other connection must have
`resumed_from` null. DTLS is left out (tshark's dtls.* names differ; no DTLS capture
resumes).

Usage: compare_resumption.py TLSDISSECT DIR...; exit 0 / 1, 77 without tshark or captures.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_cache  # noqa: E402

FIELDS = ["frame.number", "tcp.stream", "udp.stream", "tls.handshake.type", "tls.handshake.session_id",
          "tls.handshake.session_ticket", "tls.handshake.extensions.psk.identity.identity",
          "tls.handshake.extensions.psk.identity.selected", "tls.handshake.extensions.supported_version"]


def tshark_args(capture, keys):
    args = ["-n", "-r", capture, "-o", "tcp.reassemble_out_of_order:TRUE"]
    if keys:
        args += ["-o", f"tls.keylog_file:{keys}"]
    return args


def ticket_extensions(capture, keys):
    """frame -> the bytes (hex) of the session_ticket extension of its Client Hello."""
    out = tshark_cache.run(tshark_args(capture, keys) + ["-Y", "tls.handshake.type == 1 && tls.handshake.extension.type == 35",
                                                          "-T", "pdml"]).stdout
    found = {}
    if not out.strip():
        return found
    for packet in ET.fromstring(out).iter("packet"):
        frame = None
        for f in packet.iter("field"):
            if f.get("name") == "frame.number":
                frame = int(f.get("show"))
            elif f.get("show", "").startswith("Extension: session_ticket") and frame is not None:
                data = f.get("value", "")[8:]  # type and length first
                if data:
                    found[frame] = data
    return found


def split(value):
    return [v.replace(":", "") for v in value.split(",")] if value else []


def expected_links(capture, keys):
    """(stream key -> {'frame', 'by', 'stream'} or None for each connection whose Client
    Hello tshark saw), or None when tshark saw no TLS handshake."""
    out = tshark_cache.run(tshark_args(capture, keys) + ["-Y", "tls.handshake", "-T", "fields", "-E", "separator=\t",
                                                          "-E", "occurrence=a", "-E", "aggregator=,"] +
                           [a for f in FIELDS for a in ("-e", f)]).stdout
    rows = [line.split("\t") for line in out.splitlines() if line]
    if not rows:
        return None
    tickets_ext = ticket_extensions(capture, keys) if any("1" in r[3].split(",") for r in rows) else {}
    issued = {}   # (kind, hex) -> (frame, stream key)
    client = {}   # stream key -> {'session_id', 'ticket', 'psk'}
    links = {}
    for r in rows:
        r += [""] * (len(FIELDS) - len(r))
        frame = int(r[0])
        key = ("tcp", int(r[1])) if r[1] else ("udp", int(r[2].split(",")[0])) if r[2] else None
        if key is None:
            continue
        types = r[3].split(",")
        sids = split(r[4])
        if "1" in types:
            c = client.setdefault(key, {})
            if "session_id" not in c:
                c["session_id"] = sids[0] if sids else ""
                c["ticket"] = tickets_ext.get(frame, "")
                c["psk"] = split(r[6])
                links[key] = None
        if "2" in types and key in client:
            tls13 = "0x0304" in r[8] or "772" in r[8].split(",")
            sid = sids[-1] if sids else ""
            c = client[key]
            selected = r[7].split(",")[0] if r[7] else ""
            offered = None
            if tls13 and selected != "" and int(selected) < len(c["psk"]):
                offered = ("psk", c["psk"][int(selected)])
            elif not tls13 and sid and sid == c["session_id"]:
                # Resumed: RFC 5077 tickets first (the server echoes the session ID then).
                if c["ticket"] and ("ticket", c["ticket"]) in issued:
                    offered = ("session_ticket", c["ticket"])
                else:
                    offered = ("session_id", sid)
            if offered:
                kind = "ticket" if offered[0] != "session_id" else "session_id"
                src = issued.get((kind, offered[1]))
                if src:
                    links[key] = {"frame": src[0], "stream": src[1][1], "by": offered[0], "issuer": src[1]}
            elif not tls13 and sid:
                issued.setdefault(("session_id", sid), (frame, key))
        if "4" in types:
            for t in split(r[5]):
                if t:
                    issued.setdefault(("ticket", t), (frame, key))
    return links


def main():
    tool, captures = tshark_cache.tool_and_captures(__doc__)
    failures, connections, linked = [], 0, 0
    for capture in captures:
        name = os.path.basename(capture)
        keys = tshark_cache.key_log_of(capture)
        expected = expected_links(capture, keys)
        if not expected:
            continue
        args = [tool, "--sessions", "--jsonl", "--quiet"] + (["--keylog", keys] if keys else []) + [capture]
        out = subprocess.run(args, capture_output=True, text=True, check=False)
        if out.returncode not in (0, 6):
            failures.append(f"{name}: tlsdissect exited {out.returncode}")
            continue
        records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        tls = {(r.get("transport", "tcp") if r.get("transport") != "quic" else "udp", r["stream"]): r
               for r in records if r.get("kind") == "tls" and r.get("transport") != "dtls"}
        uids = {k: r["uid"] for k, r in tls.items()}
        for key, want in sorted(expected.items()):
            rec = tls.get(key)
            if rec is None:
                continue
            connections += 1
            got = rec.get("resumed_from")
            if want is None:
                if got is not None:
                    failures.append(f"{name}: stream {key[1]}: resumed_from {got}, tshark shows no issue of what it offered")
                continue
            linked += 1
            if got is None:
                failures.append(f"{name}: stream {key[1]}: resumed_from null, tshark: issued in frame {want['frame']} "
                                f"(stream {want['stream']}, {want['by']})")
                continue
            if (got["frame"], got["stream"], got["by"]) != (want["frame"], want["stream"], want["by"]):
                failures.append(f"{name}: stream {key[1]}: resumed_from {got}, tshark: frame {want['frame']} "
                                f"stream {want['stream']} by {want['by']}")
            if rec.get("resumes") != uids.get(want["issuer"]) or got["uid"] != rec.get("resumes"):
                failures.append(f"{name}: stream {key[1]}: resumes {rec.get('resumes')}, the issuing connection's uid is "
                                f"{uids.get(want['issuer'])}")
    for f in failures:
        print("FAIL", f)
    print(f"{connections} connections checked, {linked} of them resumed with what an earlier one issued, "
          f"{len(failures)} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
