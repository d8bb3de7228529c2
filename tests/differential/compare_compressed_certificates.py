#!/usr/bin/env python3
"""Differential test of RFC 8879 compressed certificates.

tshark 4.0 shows a CompressedCertificate's fields (algorithm, uncompressed length, the
compressed bytes) but does not decompress them. For every such message in the captures
of the given folders (decrypted with NAME.keys when it exists), this test takes tshark's
compressed bytes, decompresses them itself (Python's zlib, the brotli module; zstd with
the zstd command), splits the Certificate it finds (RFC 8446 4.4.2 when the connection
is TLS 1.3, RFC 5246 7.4.2 before) and requires tlsdissect's --sessions record of that
connection to list the same certificates (their SHA-256, in order) and to carry no
malformed note in that frame.

Usage: compare_compressed_certificates.py TLSDISSECT DIR...; exit 0 / 1, 77 without
tshark, the brotli module or captures.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_cache  # noqa: E402

FIELDS = ["frame.number", "tcp.stream", "tls.compress_certificate.algorithm",
          "tls.compress_certificate.uncompressed_length", "tls.compress_certificate.compressed_certificate_message",
          "tls.handshake.extensions.supported_version"]


def decompress(algorithm, data):
    if algorithm == 1:
        return zlib.decompress(data)
    if algorithm == 2:
        import brotli
        return brotli.decompress(data)
    if algorithm == 3 and shutil.which("zstd"):
        return subprocess.run(["zstd", "-q", "-d", "-c"], input=data, capture_output=True, check=True).stdout
    return None


def split_certificates(body, tls13):
    pos = 0
    if tls13:
        pos = 1 + body[0]
    end = pos + 3 + int.from_bytes(body[pos:pos + 3], "big")
    pos += 3
    out = []
    while pos < end:
        n = int.from_bytes(body[pos:pos + 3], "big")
        out.append(hashlib.sha256(body[pos + 3:pos + 3 + n]).hexdigest())
        pos += 3 + n
        if tls13:
            pos += 2 + int.from_bytes(body[pos:pos + 2], "big")
    return out


def main():
    tool, captures = tshark_cache.tool_and_captures(__doc__)
    try:
        import brotli  # noqa: F401
    except ImportError:
        print("SKIP: the Python brotli module (Debian python3-brotli) is missing")
        return 77
    failures, checked = [], 0
    for capture in captures:
        name = os.path.basename(capture)
        keys = os.path.splitext(capture)[0] + ".keys"
        opts = ["-o", f"tls.keylog_file:{keys}"] if os.path.exists(keys) else []
        rows = [dict(zip(FIELDS, line.split("\t"))) for line in
                tshark_cache.fields(capture, FIELDS, options=opts, display_filter="tls.handshake.type == 25")]
        if not rows:
            continue
        versions = tshark_cache.fields(capture, ["tcp.stream", "tls.handshake.extensions.supported_version"],
                                       options=opts, display_filter="tls.handshake.type == 2")
        tls13 = {int(s) for s, v in (line.split("\t") for line in versions) if "0x0304" in v}
        cmd = [tool, "--sessions", capture] + (["--keylog", keys] if os.path.exists(keys) else [])
        sessions = {t["stream"]: t for t in json.loads(subprocess.run(cmd, capture_output=True, text=True,
                                                                       check=True).stdout)["tls"]}
        for row in rows:
            algorithm = int(row["tls.compress_certificate.algorithm"])
            data = bytes.fromhex(row["tls.compress_certificate.compressed_certificate_message"].replace(":", ""))
            body = decompress(algorithm, data)
            if body is None:
                continue
            checked += 1
            stream = int(row["tcp.stream"])
            expected = split_certificates(body, stream in tls13)
            mine = [c["sha256"] for c in sessions.get(stream, {}).get("certificates", [])]
            if len(body) != int(row["tls.compress_certificate.uncompressed_length"]):
                failures.append(f"{name}: frame {row['frame.number']}: the capture's own length does not match")
            if mine != expected:
                failures.append(f"{name}: frame {row['frame.number']}: certificates {mine}, decompressed {expected}")
            frame = subprocess.run([tool, capture, "-Y", f"frame.number == {row['frame.number']}"] +
                                   (["--keylog", keys] if os.path.exists(keys) else []),
                                   capture_output=True, text=True, check=True).stdout
            if "[Malformed" in frame or "[Truncated" in frame:
                failures.append(f"{name}: frame {row['frame.number']}: an anomaly in the tree")
    for f in failures:
        print("FAIL", f)
    print(f"{checked} compressed certificates checked, {len(failures)} disagreements")
    if checked == 0 and not failures:
        print("SKIP: no compressed certificate in these captures")
        return 77
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
