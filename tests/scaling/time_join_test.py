#!/usr/bin/env python3
"""--sessions --jsonl records joined by time and by uid in SQLite, checked against tshark.

For every bundled capture the records are loaded into an SQLite table (Python's sqlite3,
JSON functions), then:
  * every record's start/end (epoch string and RFC 3339) is the time tshark gives the
    frame it stands for: a TLS record's first frame (and for its end, a frame of the same
    tcp.stream/udp.stream at or after its last handshake message), a DNS record's query
    and response frames (frame.time_epoch, frame.time with TZ=UTC);
  * uids are unique in a file and the same in the document form (--sessions) as in
    JSON Lines;
  * the uid join (TLS resolved_by.uid = DNS uid) finds exactly one DNS record, whose
    response frame is resolved_by.frame, and tshark says that response answered the
    TLS server's address before the connection began;
  * the time join (DNS responses in the second before each connection's first packet)
    returns the same frames as the same question put to tshark's frames.
Usage: time_join_test.py TLSDISSECT SOURCE_DIR
"""
import datetime
import decimal
import glob
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
import tshark_cache  # noqa: E402

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def tshark_frames(capture):
    """frame number -> dict of tshark's fields for it."""
    env = dict(os.environ, TZ="UTC")
    names = ["frame.number", "frame.time_epoch", "frame.time", "tcp.stream", "udp.stream", "dns.flags.response",
             "dns.id", "dns.response_to", "dns.retransmission", "dns.a", "dns.aaaa", "dns.qry.name",
             "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport", "udp.dstport"]
    args = ["-n", "-r", capture, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
    for n in names:
        args += ["-e", n]
    r = tshark_cache.run(args, env=env)
    frames = {}
    for line in r.stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(names) - len(cols))
        f = dict(zip(names, cols))
        # Inside tunnels a packet has several UDP/TCP layers: the connection is the innermost.
        for k in ("tcp.stream", "udp.stream", "dns.id", "dns.flags.response", "ip.src", "ip.dst", "ipv6.src",
                  "ipv6.dst", "udp.srcport", "udp.dstport"):
            f[k] = f[k].split("|")[-1] if f[k] else ""
        frames[int(f["frame.number"])] = f
    return frames


def rfc3339_of_tshark(frame_time):
    # "Nov 27, 2026 04:55:43.319511000 UTC" -> "2026-11-27T04:55:43.319511000Z"
    date, frac = frame_time.replace(" UTC", "").rsplit(".", 1)
    d = datetime.datetime.strptime(" ".join(date.split()), "%b %d, %Y %H:%M:%S")
    return d.strftime("%Y-%m-%dT%H:%M:%S") + "." + frac + "Z"


def check_capture(tool, capture, db):
    name = os.path.basename(capture)
    keys = os.path.splitext(capture)[0] + ".keys"
    extra = ["--keylog", keys] if os.path.exists(keys) else []
    lines = subprocess.run([tool, "--sessions", "--jsonl", *extra, capture], capture_output=True, text=True).stdout
    records = [json.loads(l) for l in lines.splitlines()]
    doc = json.loads(subprocess.run([tool, "--sessions", *extra, capture], capture_output=True, text=True).stdout)
    if sorted(r["uid"] for r in records) != sorted(r["uid"] for r in doc["tls"] + doc["dns"]):
        fail(f"{name}: the uids of --sessions and --sessions --jsonl differ")
    db.executemany("INSERT INTO sessions VALUES (?, ?)", [(name, l) for l in lines.splitlines()])
    if not records:
        return 0, 0
    frames = tshark_frames(capture)

    def at(frame, key):
        return frames[frame][key] if frame in frames else None

    # Every record's times are its frames' times in tshark.
    for r in records:
        what = f"{name}: {r['kind']} record {r['uid']}"
        if r["capture_file"] != capture:
            fail(f"{what}: capture_file {r['capture_file']!r}, expected {capture!r}")
        for side in ("start", "end"):
            if r[f"{side}_epoch"] is None:
                continue
            rfc = datetime.datetime.fromtimestamp(int(r[f"{side}_epoch"].split(".")[0]), datetime.timezone.utc)
            if r[f"{side}_time"] != rfc.strftime("%Y-%m-%dT%H:%M:%S.") + r[f"{side}_epoch"].split(".")[1] + "Z":
                fail(f"{what}: {side}_time {r[f'{side}_time']} is not {side}_epoch {r[f'{side}_epoch']}")
        if r["kind"] == "dns":
            if r["start_epoch"] != at(r["query_frame"], "frame.time_epoch"):
                fail(f"{what}: start {r['start_epoch']}, tshark's query frame {r['query_frame']}: "
                     f"{at(r['query_frame'], 'frame.time_epoch')}")
            if r["start_time"] != rfc3339_of_tshark(at(r["query_frame"], "frame.time") or " UTC.0"):
                fail(f"{what}: start_time {r['start_time']}, tshark {at(r['query_frame'], 'frame.time')}")
            if int(at(r["query_frame"], "dns.id") or "-1", 0) != r["id"]:
                fail(f"{what}: tshark's frame {r['query_frame']} is not DNS id {r['id']}")
            if r.get("response_frame"):
                if r["end_epoch"] != at(r["response_frame"], "frame.time_epoch"):
                    fail(f"{what}: end {r['end_epoch']}, tshark's response frame {r['response_frame']}: "
                         f"{at(r['response_frame'], 'frame.time_epoch')}")
            elif r["end_epoch"] is not None:
                fail(f"{what}: unanswered, but end_epoch {r['end_epoch']}")
            continue
        first = r["first_frame"]
        if r["start_epoch"] != at(first, "frame.time_epoch"):
            fail(f"{what}: start {r['start_epoch']}, tshark's frame {first}: {at(first, 'frame.time_epoch')}")
        if r["start_time"] != rfc3339_of_tshark(at(first, "frame.time") or " UTC.0"):
            fail(f"{what}: start_time {r['start_time']}, tshark {at(first, 'frame.time')}")
        stream_key = "tcp.stream" if r.get("transport") is None else "udp.stream"
        stream = at(first, stream_key)
        last_hs = max([h["frame"] for h in r["handshake"]] + [first])
        # A QUIC connection may move to a new client address (another udp.stream); its
        # server endpoint stays.
        server = (r["server"]["ip"], str(r["server"]["port"]))

        def talks_to_server(f):
            return r.get("transport") == "quic" and server in (
                (f["ip.src"] or f["ipv6.src"], f["udp.srcport"]), (f["ip.dst"] or f["ipv6.dst"], f["udp.dstport"]))

        ends = {f["frame.time_epoch"] for n, f in frames.items()
                if n >= last_hs and (f[stream_key] == stream or talks_to_server(f))}
        if r["end_epoch"] not in ends:
            fail(f"{what}: end {r['end_epoch']} is the time of no frame of tshark's {stream_key} {stream} "
                 f"from frame {last_hs} on")
    uids = [r["uid"] for r in records]
    if len(set(uids)) != len(uids):
        fail(f"{name}: a uid is used twice")

    # The uid join.
    joined = db.execute("""
        SELECT json_extract(t.record, '$.uid'), json_extract(t.record, '$.resolved_by.frame'),
               json_extract(t.record, '$.server.ip'), json_extract(t.record, '$.start_epoch'),
               json_extract(d.record, '$.response_frame'), json_extract(d.record, '$.name'),
               json_extract(d.record, '$.end_epoch')
        FROM sessions t JOIN sessions d
          ON d.file = t.file AND json_extract(d.record, '$.uid') = json_extract(t.record, '$.resolved_by.uid')
        WHERE t.file = ? AND json_extract(t.record, '$.kind') = 'tls'""", (name,)).fetchall()
    wanted = db.execute("""SELECT count(*) FROM sessions WHERE file = ? AND json_extract(record, '$.kind') = 'tls'
                           AND json_extract(record, '$.resolved_by.uid') IS NOT NULL""", (name,)).fetchone()[0]
    if len(joined) != wanted:
        fail(f"{name}: {wanted} TLS records name a DNS uid, the join found {len(joined)} rows")
    for uid, by_frame, server, start, response_frame, qname, dns_end in joined:
        f = frames.get(response_frame, {})
        addresses = (f.get("dns.a", "") + "|" + f.get("dns.aaaa", "")).split("|")
        if response_frame != by_frame:
            fail(f"{name}: {uid} resolved_by.frame {by_frame}, its DNS record's response {response_frame}")
        if f.get("dns.flags.response") not in ("1", "True") or server not in addresses:
            fail(f"{name}: {uid}: tshark's frame {response_frame} is no DNS answer with {server}")
        if qname.lower() not in f.get("dns.qry.name", "").lower().split("|"):
            fail(f"{name}: {uid}: tshark's frame {response_frame} does not ask for {qname}")
        if decimal.Decimal(dns_end) > decimal.Decimal(start) or dns_end != f.get("frame.time_epoch"):
            fail(f"{name}: {uid}: answer at {dns_end} (tshark {f.get('frame.time_epoch')}), connection at {start}")

    # The time join: the answers in the second before each connection began.
    got = set(db.execute("""
        SELECT json_extract(t.record, '$.first_frame'), json_extract(d.record, '$.response_frame')
        FROM sessions t JOIN sessions d
          ON d.file = t.file AND json_extract(d.record, '$.kind') = 'dns'
         AND CAST(json_extract(d.record, '$.end_epoch') AS REAL)
             BETWEEN CAST(json_extract(t.record, '$.start_epoch') AS REAL) - 1
                 AND CAST(json_extract(t.record, '$.start_epoch') AS REAL)
        WHERE t.file = ? AND json_extract(t.record, '$.kind') = 'tls'""", (name,)).fetchall())
    expected = set()
    # Answers to a query seen earlier with the same DNS id (tshark gives no dns.response_to
    # when the response is cut by the snap length, as in the snap96 capture).
    asked = set()
    answers = []
    for n in sorted(frames):
        f = frames[n]
        if f["dns.flags.response"] in ("0", "False"):
            asked.add(f["dns.id"])
        elif f["dns.flags.response"] and f["dns.id"] in asked and not f["dns.retransmission"]:
            answers.append((n, decimal.Decimal(f["frame.time_epoch"])))
    for r in records:
        if r["kind"] != "tls":
            continue
        t = decimal.Decimal(frames[r["first_frame"]]["frame.time_epoch"])
        expected |= {(r["first_frame"], n) for n, a in answers if t - 1 <= a <= t}
    if got != expected:
        fail(f"{name}: time join: SQLite {sorted(got - expected)} not in tshark's, "
             f"tshark's {sorted(expected - got)} not in SQLite's")
    return len(joined), len(got)


def main(argv):
    tool, src = argv[1], argv[2]
    os.chdir(src)
    captures = sorted(glob.glob("captures/*.pcap") + glob.glob("captures/*.pcapng"))
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE sessions(file TEXT, record TEXT)")
    by_uid = by_time = 0
    for c in captures:
        u, t = check_capture(tool, c, db)
        by_uid += u
        by_time += t
    print(f"{len(captures)} captures: {by_uid} connections joined to their DNS record by uid, "
          f"{by_time} connection/answer pairs by time")
    if by_uid < 3 or by_time < 3:
        fail("too few joins to mean anything")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
