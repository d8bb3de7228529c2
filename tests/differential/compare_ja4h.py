#!/usr/bin/env python3
"""JA4H of decrypted HTTP requests against tshark's fields, the JA4 project's published
values and, for HTTP/3, the fields the QUIC stacks logged.

    compare_ja4h.py TLSDISSECT DIR_OR_CAPTURE...

For every capture with a key log (NAME.keys) in the given folders, tshark (4.0: no JA4H
of its own) decrypts it and lists each HTTP/1.x request inside TLS (http.request && tls:
the plaintext CONNECT of a proxy is not one: frame, tcp.stream,
method, version, its header lines, http.cookie, http.accept_language); the JA4H computed
here from those fields as the JA4 project's Python reference computes it
(FoxIO-LLC/ja4, python/ja4h.py, to_ja4h) must be the one `tlsdissect --sessions` lists in
that connection's `http.requests`, at the same frame, and no other request may be listed
there. Where the JA4 project published the JA4H of a request a capture carries
(PUBLISHED), it must be that value too.

HTTP/2: the same from tshark's HPACK-decoded fields of each HEADERS frame with a
:method (http2.header.name, http2.headers.cookie, http2.headers.accept_language),
version 20, pseudo headers left out as the Python reference leaves them out.

HTTP/3 (tshark 4.0 does not decode QPACK): for a capture with NAME.headers (the request
fields the QUIC server logged, "STREAM name: value", see compare_http3_headers.py), the
JA4H computed from them (version 30).

Exit 0 / 1, 77 without tshark or captures with key logs.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_cache  # noqa: E402

# JA4H values the JA4 project published for a request our captures carry byte for byte:
# tls13-ja4h.pcap's first request is the request of its own example
# (rust/ja4/src/http.rs, test_http_stats_into_out, commit 1197cf5a).
PUBLISHED = {("tls13-ja4h.pcap", 16): "ge11cr13enus_88d2d584d47f_0f2659b474bf_161698816dab"}

# Request heads split over several TLS records (OpenSSL s_client writes the request line
# by line after a KeyUpdate): tlsdissect does not reassemble an HTTP head across records
# yet, so it has no JA4H for them; once it has, the value must be tshark's.
SPLIT_HEADS = {("tls13-key-update.pcap", 21)}

FIELDS = ["frame.number", "tcp.stream", "http.request.method", "http.request.version", "http.request.line",
          "http.cookie", "http.accept_language"]
SEP = "\x02"  # not a line break for str.splitlines (\x1e would be)


def sha12(items):
    text = ",".join(items)
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text else "0" * 12


def language(value):
    lang = value.replace("-", "").replace(";", ",").lower().split(",")[0].strip()[:4]
    return lang + "0" * (4 - len(lang))


def ja4h(method, version, names, cookies, accept_language):
    """python/ja4h.py's to_ja4h: `names` every header name in order, `cookies` the Cookie
    values (None: no Cookie header), `accept_language` None when absent."""
    referer = "r" if any(n.lower() == "referer" for n in names) else "n"
    kept = [n for n in names if n and not n.startswith(":") and not n.lower().startswith("cookie")
            and n.lower() != "referer"]
    a = method.lower()[:2] + version + ("c" if cookies is not None else "n") + referer
    a += "%02d" % min(len(kept), 99) + (language(accept_language) if accept_language is not None else "0000")
    pairs = []
    for value in cookies or []:
        pairs += [(p.split("=", 1)[0].strip(), p.strip()) for p in value.split(";") if p.strip()]
    pairs.sort(key=lambda p: p[0])
    return "_".join([a, sha12(kept), sha12([p[0] for p in pairs]), sha12([p[1] for p in pairs])])


def tshark_requests(capture, keys):
    out = []
    opts = ["-o", f"tls.keylog_file:{keys}", "-o", "tcp.reassemble_out_of_order:TRUE"]
    for line in tshark_cache.fields(capture, FIELDS, options=opts, aggregator=SEP, display_filter="http.request && tls"):
        parts = line.split("\t")
        row = dict(zip(FIELDS, parts + [""] * (len(FIELDS) - len(parts))))
        if not row["tcp.stream"] or SEP in row["http.request.method"]:
            continue  # not TCP, or two requests in one frame (their lines cannot be told apart)
        version = {"HTTP/1.1": "11", "HTTP/1.0": "10"}.get(row["http.request.version"])
        if not version:
            continue
        names = [h.split(":", 1)[0] for h in row["http.request.line"].split(SEP) if h]
        cookies = row["http.cookie"].split(SEP) if row["http.cookie"] else None
        lang = row["http.accept_language"].split(SEP)[0] if row["http.accept_language"] else None
        out.append((int(row["tcp.stream"]), int(row["frame.number"]),
                    ja4h(row["http.request.method"], version, names, cookies, lang)))
    return out


H2_FIELDS = ["frame.number", "tcp.stream", "http2.headers.method", "http2.header.name", "http2.headers.cookie",
             "http2.headers.accept_language"]


def tshark_http2_requests(capture, keys):
    out = []
    opts = ["-o", f"tls.keylog_file:{keys}", "-o", "tcp.reassemble_out_of_order:TRUE"]
    for line in tshark_cache.fields(capture, H2_FIELDS, options=opts, aggregator=SEP,
                                    display_filter="http2.headers.method"):
        parts = line.split("\t")
        row = dict(zip(H2_FIELDS, parts + [""] * (len(H2_FIELDS) - len(parts))))
        if not row["tcp.stream"] or SEP in row["http2.headers.method"]:
            continue  # two requests in one frame: their header names cannot be told apart
        names = [n for n in row["http2.header.name"].split(SEP) if n]
        cookies = row["http2.headers.cookie"].split(SEP) if row["http2.headers.cookie"] else None
        lang = row["http2.headers.accept_language"].split(SEP)[0] if row["http2.headers.accept_language"] else None
        out.append((int(row["tcp.stream"]), int(row["frame.number"]),
                    ja4h(row["http2.headers.method"], "20", names, cookies, lang)))
    return out


def http3_requests(headers_file):
    """The request fields the server logged, by stream, in order (responses have :status)."""
    streams = {}
    for line in open(headers_file, encoding="utf-8"):
        stream, _, field = line.rstrip("\n").partition(" ")
        name, _, value = field.partition(": ")
        streams.setdefault(stream, []).append((name, value))
    out = []
    for fields in streams.values():
        request = [f for f in fields[:next((i for i, f in enumerate(fields) if f[0] == ":status"), len(fields))]]
        method = next((v for n, v in request if n == ":method"), None)
        if not method:
            continue
        names = [n for n, _ in request]
        cookies = [v for n, v in request if n == "cookie"] or None
        lang = next((v for n, v in request if n == "accept-language"), None)
        out.append(ja4h(method, "30", names, cookies, lang))
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    tool = sys.argv[1]
    captures = [c for c in tshark_cache.capture_files(sys.argv[2:]) if tshark_cache.key_log_of(c)]
    if not captures:
        print("SKIP: no capture with a key log")
        return 77
    failures, checked, published = [], 0, 0
    for capture in captures:
        name = os.path.basename(capture)
        keys = tshark_cache.key_log_of(capture)
        r = subprocess.run([tool, "--sessions", "--keylog", keys, capture], capture_output=True, text=True, check=False)
        if r.returncode != 0:
            failures.append(f"{name}: exit status {r.returncode}")
            continue
        records = json.loads(r.stdout)["tls"]
        mine = {}
        for t in records:
            if t.get("transport") is None:
                mine[t["stream"]] = [(q["frame"], q["ja4h"]) for q in t["http"]["requests"]]
        headers_file = os.path.splitext(capture)[0] + ".headers"
        if os.path.exists(headers_file):
            ours = sorted(q["ja4h"] for t in records if t.get("transport") == "quic" for q in t["http"]["requests"])
            theirs = sorted(http3_requests(headers_file))
            checked += len(theirs)
            if ours != theirs:
                failures.append(f"{name}: HTTP/3 JA4H {ours}, from the stacks' header log {theirs}")
        if not shutil.which("tshark"):
            continue
        expected = {}
        for stream, frame, value in tshark_requests(capture, keys) + tshark_http2_requests(capture, keys):
            expected.setdefault(stream, []).append((frame, value))
        for requests in expected.values():
            requests.sort()
        for stream in sorted(set(expected) | set(mine)):
            got = mine.get(stream, [])
            want = [(f, v) for f, v in expected.get(stream, [])
                    if (name, f) not in SPLIT_HEADS or f in {g[0] for g in got}]
            checked += len(want)
            if got != want:
                failures.append(f"{name}: stream {stream}: JA4H {got}, from tshark's fields {want}")
            for frame, value in got:
                if (name, frame) in PUBLISHED:
                    published += 1
                    if value != PUBLISHED[(name, frame)]:
                        failures.append(f"{name}: frame {frame}: JA4H {value}, published {PUBLISHED[(name, frame)]}")
    for f in failures:
        print("FAIL", f)
    print(f"{checked} requests checked, {published} against the JA4 project's published values, "
          f"{len(failures)} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
