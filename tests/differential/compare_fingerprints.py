#!/usr/bin/env python3
"""Differential test of the hellos and fingerprints in --sessions against tshark.

For every TLS-over-TCP connection of every capture in the given folders (DTLS and QUIC:
only the last check):

  * `client_hello` is the *first* Client Hello of the tcp.stream (tshark's frame), and
    `client_hello_retry` the second one when a HelloRetryRequest came between them
    (`null` otherwise);
  * each one's `ja3_hash` is tshark's tls.handshake.ja3 of that frame, and its `ja4` is
    the JA4 computed here, independently of tlsdissect, from tshark's fields of that
    frame and the JA4 specification (FoxIO, technical_details/JA4.md);
  * `server_hello.ja3s_hash` is tshark's tls.handshake.ja3s, and `ja4s` is the JA4S
    computed here from the Server Hello as tshark shows it *without* keys (JA4S.md:
    the Server Hello alone, so a TLS 1.3 ALPN, sent in EncryptedExtensions, is not in
    it);
  * with NAME.keys beside the capture, --sessions --keylog gives the same fingerprints
    as without keys.

Not compared: JA4 of a Client Hello that also has signature_algorithms_cert (50) or
delegated_credentials (34), whose lists tshark 4.0 files under the same field name as
signature_algorithms; JA4 and JA4S of hellos with a TLS 1.3 draft version (0x7fNN),
for which the JA4 specification gives no code.

Usage: compare_fingerprints.py TLSDISSECT DIR...; exit 0 / 1, 77 without tshark or captures.
"""
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_cache  # noqa: E402

HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
CH_FIELDS = ["frame.number", "tcp.stream", "tls.handshake.type", "tls.handshake.version",
             "tls.handshake.ciphersuite", "tls.handshake.extension.type", "tls.handshake.sig_hash_alg",
             "tls.handshake.extensions.supported_version", "tls.handshake.extensions_alpn_str",
             "tls.handshake.extensions_server_name", "tls.handshake.ja3", "tls.handshake.ja3s",
             "tls.handshake.random"]


def grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def ints(text):
    return [int(x, 0) for x in text.split(",") if x] if text else []


def version_code(v):
    return {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3", 0x0002: "s2"}.get(v, "00")


def alpn_code(first):
    if not first:
        return "00"
    if first[0].isascii() and first[0].isalnum() and first[-1].isascii() and first[-1].isalnum():
        return first[0] + first[-1]
    h = first.encode().hex()
    return h[0] + h[-1]


def sha12(text):
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def comparable(row, client):
    versions = ints(row["tls.handshake.extensions.supported_version"]) + ints(row["tls.handshake.version"])
    if any((v >> 8) in (0x7E, 0x7F) for v in versions):
        return False
    return not client or not {34, 50} & set(ints(row["tls.handshake.extension.type"]))


def ja4(row):
    ciphers = [c for c in ints(row["tls.handshake.ciphersuite"]) if not grease(c)]
    exts = [e for e in ints(row["tls.handshake.extension.type"]) if not grease(e)]
    versions = [v for v in ints(row["tls.handshake.extensions.supported_version"]) if not grease(v)]
    version = max(versions) if versions else int(row["tls.handshake.version"].split(",")[0], 0)
    alpn = row["tls.handshake.extensions_alpn_str"].split(",")[0]
    a = "t" + version_code(version) + ("d" if row["tls.handshake.extensions_server_name"] else "i")
    a += "%02d%02d" % (min(len(ciphers), 99), min(len(exts), 99)) + alpn_code(alpn)
    b = sha12(",".join("%04x" % c for c in sorted(ciphers))) if ciphers else "0" * 12
    rest = sorted(e for e in exts if e not in (0, 16))
    sigs = [s for s in ints(row["tls.handshake.sig_hash_alg"]) if not grease(s)]
    c_text = ",".join("%04x" % e for e in rest) + ("_" + ",".join("%04x" % s for s in sigs) if sigs else "")
    c = sha12(c_text) if rest else "0" * 12
    return a + "_" + b + "_" + c


def ja4s(row):
    exts = ints(row["tls.handshake.extension.type"])
    versions = ints(row["tls.handshake.extensions.supported_version"])
    version = versions[0] if versions else int(row["tls.handshake.version"].split(",")[0], 0)
    alpn = row["tls.handshake.extensions_alpn_str"].split(",")[0]
    suite = ints(row["tls.handshake.ciphersuite"])
    a = "t" + version_code(version) + "%02d" % min(len(exts), 99) + alpn_code(alpn)
    return a + "_" + ("%04x" % suite[0] if suite else "0000") + "_" + (
        sha12(",".join("%04x" % e for e in exts)) if exts else "0" * 12)


def hellos(capture, msg_type):
    """Frames holding exactly one handshake message of MSG_TYPE, by tcp.stream, in order."""
    out = {}
    for line in tshark_cache.fields(capture, CH_FIELDS, display_filter=f"tls.handshake.type == {msg_type}"):
        row = dict(zip(CH_FIELDS, line.split("\t")))
        if not row["tcp.stream"] or row["tls.handshake.type"] != str(msg_type):
            continue  # not TCP, or more than one handshake message in the frame
        out.setdefault(int(row["tcp.stream"]), []).append(row)
    return out


def sessions(tool, capture, keys):
    cmd = [tool, "--sessions", capture] + (["--keylog", keys] if keys else [])
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout)["tls"]


def main():
    tool, captures = tshark_cache.tool_and_captures(__doc__)
    failures, checked, retries = [], 0, 0
    for capture in captures:
        keys = os.path.splitext(capture)[0] + ".keys"
        plain = sessions(tool, capture, None)
        if plain is None:
            continue
        chs, shs = hellos(capture, 1), hellos(capture, 2)

        def fail(msg, capture=capture):
            failures.append(f"{os.path.basename(capture)}: {msg}")

        for t in plain:
            if "transport" in t:
                continue  # DTLS and QUIC: only the key log comparison below
            s = t["stream"]
            ours = [t["client_hello"], t["client_hello_retry"]]
            theirs = chs.get(s, [])
            real_sh = [r for r in shs.get(s, []) if r["tls.handshake.random"].replace(":", "") != HRR_RANDOM]
            hrr = any(r["tls.handshake.random"].replace(":", "") == HRR_RANDOM for r in shs.get(s, []))
            if not theirs or ours[0] is None:
                continue
            expected = theirs[:2] if hrr else theirs[:1]
            if hrr:
                retries += 1
            elif ours[1] is not None:
                fail(f"stream {s}: client_hello_retry without a HelloRetryRequest")
            for mine, row in zip(ours, expected):
                checked += 1
                if mine is None:
                    fail(f"stream {s}: no record of the Client Hello in frame {row['frame.number']}")
                    continue
                if str(mine["frame"]) != row["frame.number"]:
                    fail(f"stream {s}: Client Hello frame {mine['frame']}, tshark {row['frame.number']}")
                if mine["ja3_hash"] != row["tls.handshake.ja3"]:
                    fail(f"frame {row['frame.number']}: ja3 {mine['ja3_hash']}, tshark {row['tls.handshake.ja3']}")
                if comparable(row, True) and mine["ja4"] != ja4(row):
                    fail(f"frame {row['frame.number']}: ja4 {mine['ja4']}, from tshark's fields {ja4(row)}")
            sh = t["server_hello"]
            if sh and real_sh and str(sh["frame"]) == real_sh[0]["frame.number"]:
                row = real_sh[0]
                if sh["ja3s_hash"] != row["tls.handshake.ja3s"]:
                    fail(f"frame {row['frame.number']}: ja3s {sh['ja3s_hash']}, tshark {row['tls.handshake.ja3s']}")
                if comparable(row, False) and sh["ja4s"] != ja4s(row):
                    fail(f"frame {row['frame.number']}: ja4s {sh['ja4s']}, from tshark's fields {ja4s(row)}")
        if os.path.exists(keys):
            decrypted = sessions(tool, capture, keys)
            pick = lambda ts: [(t["stream"], t.get("transport"), *[(t[k] or {}).get(f) for k, f in  # noqa: E731
                                               (("client_hello", "ja4"), ("client_hello_retry", "ja4"),
                                                ("server_hello", "ja4s"), ("server_hello", "ja3s"))])
                               for t in ts]
            if decrypted is not None and pick(decrypted) != pick(plain):
                fail(f"fingerprints differ with the key log: {pick(plain)} / {pick(decrypted)}")
    for f in failures:
        print("FAIL", f)
    print(f"{checked} Client Hellos checked ({retries} connections with a HelloRetryRequest), "
          f"{len(failures)} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
