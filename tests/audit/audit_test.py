#!/usr/bin/env python3
"""--audit against captures made to show each finding (tools/captures/make-audit-captures.sh)
and the real-world traces beside the project (skipped when absent).

For each capture, the exact set of finding ids of each TLS connection is asserted, and
the frame of each finding is taken from tshark (the frame of the message that shows it),
never from tlsdissect. Also: the tree (-Y on tls.audit.id), the summary's Info suffix,
--fail-on exit codes, and the Chinese texts.

Usage: audit_test.py TLSDISSECT SOURCE_DIR                  the bundled captures
       audit_test.py TLSDISSECT SOURCE_DIR --real DIR       the real-world traces in DIR
                                                            (exit 77 when DIR is absent)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
import tshark_cache  # noqa: E402

tool, src = sys.argv[1], sys.argv[2]
captures = os.path.join(src, "captures")
real = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--real" else None
if real and not os.path.isdir(real):
    print(f"SKIP: {real}: absent")
    sys.exit(77)
failures = []
checks = 0


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg)


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        fail(msg)


def run(args, env=None):
    e = dict(os.environ)
    e.setdefault("LANG", "C")
    if env:
        e.update(env)
    return subprocess.run([tool] + args, capture_output=True, env=e)


def tshark_frames(path, flt):
    keys = path[:-5] + ".keys" if path.endswith(".pcap") else ""
    opts = ["-o", "tls.keylog_file:" + keys] if os.path.exists(keys) else []
    out = tshark_cache.run(["-r", path, *opts, "-Y", flt, "-T", "fields", "-e", "frame.number"]).stdout
    return [int(x) for x in out.split()]


def first(path, flt):
    f = tshark_frames(path, flt)
    return f[0] if f else None


def findings(path, lang="en", extra=()):
    r = run(["--sessions", "--audit", *extra, path], {"LANG": "zh_CN.UTF-8" if lang == "zh" else "C"})
    if r.returncode != 0:
        fail(f"{path}: exit {r.returncode}: {r.stderr.decode()[:200]}")
        return []
    doc = json.loads(r.stdout)
    return [s.get("findings") for s in doc["tls"]]


CH, SH, CERT, SKE = ("tls.handshake.type == 1", "tls.handshake.type == 2",
                     "tls.handshake.type == 11", "tls.handshake.type == 12")
SEV = {"info": 0, "low": 1, "medium": 2, "high": 3}

# capture -> {id: (tshark filter of the frame that shows it, severity)}; the ids are
# all the findings the single connection must have.
BUNDLED = {
    "audit-tls10-dhe1024": {"old_protocol": (SH, "medium"), "weak_dh_group": (SKE, "medium")},
    "audit-null-sha1": {"weak_cipher_offered": (CH, "low"), "weak_cipher_chosen": (SH, "high"),
                        "weak_signature": (SKE, "medium")},
    "audit-anon-dh": {"weak_cipher_offered": (CH, "low"), "weak_cipher_chosen": (SH, "high"),
                      "weak_dh_group": (SKE, "medium")},
    "audit-bad-cert": {"no_forward_secrecy": (SH, "medium"), "weak_key": (CERT, "medium"),
                       "weak_signature": (CERT, "medium"), "cert_expired": (CERT, "high"),
                       "name_mismatch": (CERT, "high")},
    "audit-cert-future": {"cert_not_yet_valid": (CERT, "high")},
    "audit-downgrade-sentinel": {"downgrade_sentinel": (SH, "info")},
    "audit-fallback-scsv": {"fallback_scsv": (CH, "info")},
    "audit-gnutls-rc4": {"weak_cipher_offered": (CH, "low"), "weak_cipher_chosen": (SH, "high"),
                         "no_forward_secrecy": (SH, "medium"), "insecure_renegotiation": (SH, "medium"),
                         "no_extended_master_secret": (SH, "low"), "heartbeat": (SH, "low")},
    # Existing captures: a TLS 1.0 and a TLS 1.2 RSA key exchange one, and clean TLS 1.3.
    "tls10-openssl": {"old_protocol": (SH, "medium")},
    # (its OpenSSL server supports TLS 1.3, so its TLS 1.2 Server Hello random ends in
    # the sentinel: tshark checks the bytes below)
    "tls12-rsa-kx": {"no_forward_secrecy": (SH, "medium"), "downgrade_sentinel": (SH, "info")},
    "tls13-openssl": {},
}


def check_capture(path, expected, extra=()):
    got = findings(path, extra=extra)
    check(len(got) == 1, f"{path}: {len(got)} TLS connections, wanted 1")
    if len(got) != 1:
        return
    conn = got[0]
    check(isinstance(conn, list), f"{path}: no findings list")
    ids = sorted(f["id"] for f in conn)
    check(ids == sorted(expected), f"{path}: ids {ids}, wanted {sorted(expected)}")
    for f in conn:
        if f["id"] not in expected:
            continue
        flt, sev = expected[f["id"]]
        want = first(path, flt)
        check(f["frame"] == want, f"{path}: {f['id']} at frame {f['frame']}, tshark says {want} ({flt})")
        check(f["severity"] == sev, f"{path}: {f['id']} severity {f['severity']}, wanted {sev}")
        check(f["why"] and "\n" not in f["why"] and f["why"].isascii(), f"{path}: {f['id']} why {f['why']!r}")
    # The tree shows each finding at its frame: -Y on tls.audit.id picks those frames.
    for f in conn:
        r = run(["--audit", *extra, "-Y", f'tls.audit.id == "{f["id"]}"', "-e", "frame.number", "-e", "tls.audit.severity", path])
        lines = r.stdout.decode().split()
        values = [v for line in lines for v in line.split(",")]
        check(r.returncode == 0 and str(f["frame"]) in lines and f["severity"] in values,
              f"{path}: tree -Y tls.audit.id == {f['id']} gave {lines}")
    # The summary line of that frame ends with the ids.
    r = run(["--audit", *extra, "-s", path])
    for f in conn:
        line = [l for l in r.stdout.decode().splitlines() if l.split() and l.split()[0] == str(f["frame"])]
        check(line and "[Audit: " in line[0] and f["id"] in line[0].split("[Audit: ")[1],
              f"{path}: summary of frame {f['frame']} lacks {f['id']}: {line}")
    # --fail-on: status 10 exactly when a finding is at least that severe.
    worst = max((SEV[f["severity"]] for f in conn), default=-1)
    for level, n in SEV.items():
        r = run(["--audit", *extra, "--fail-on", level, "--sessions", path])
        want = 10 if worst >= n else 0
        check(r.returncode == want, f"{path}: --fail-on {level} exit {r.returncode}, wanted {want}")


def check_bundled():
    for name, expected in BUNDLED.items():
        check_capture(os.path.join(captures, name + ".pcap"), expected)

    # TLS 1.3 hides the certificate: no certificate findings without the key log, all of
    # them at the decrypted Certificate's frame with it.
    tls13 = os.path.join(captures, "audit-tls13-bad-cert.pcap")
    check_capture(tls13, {})
    check_capture(tls13, {"weak_key": (CERT, "medium"), "weak_signature": (CERT, "medium"),
                          "cert_expired": (CERT, "high"), "name_mismatch": (CERT, "high")},
                  extra=("--keylog", tls13[:-5] + ".keys"))

    # Without --audit, no findings key; with it, the Chinese texts when LANG is zh_*.
    doc = json.loads(run(["--sessions", os.path.join(captures, "audit-bad-cert.pcap")]).stdout)
    check("findings" not in doc["tls"][0], "findings present without --audit")
    zh = findings(os.path.join(captures, "audit-bad-cert.pcap"), "zh")
    check(zh and zh[0] and all(any("\u4e00" <= c <= "\u9fff" for c in f["why"]) for f in zh[0]),
          f"LANG=zh_CN: whys not in Chinese: {zh}")
    r = run(["--fail-on", "high", os.path.join(captures, "audit-bad-cert.pcap")])
    check(r.returncode == 2, f"--fail-on without --audit: exit {r.returncode}, wanted 2")


# Real-world traces (in ../shared/captures-real/tls): with --real.
REAL = {
    # Heartbleed: the over-long heartbeat request, at the frame tshark shows it.
    "heartbleed.pcap": lambda p: {"heartbleed_attempt": tshark_frames(
        p, "tls.heartbeat_message.type == 1 && tls.record.length < tls.heartbeat_message.payload_length + 19")},
    # Despite its name: SSLv2-format Client Hellos answered with TLS 1.0 and RC4-MD5.
    "ssl.v3.pcap": lambda p: {"sslv2_hello": tshark_frames(p, "tls.record.version == 0x0002 && tls.handshake.type == 1"),
                              "old_protocol": tshark_frames(p, "tls.handshake.type == 2 && tls.handshake.version == 0x0301"),
                              "weak_cipher_chosen": tshark_frames(p, "tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x0004")},
    "tls-expired-cert.pcap": lambda p: {"cert_expired": tshark_frames(p, CERT)[:1]},
}


def check_real_world(real):
    skipped = []
    for name, want_fn in REAL.items():
        path = os.path.join(real, name)
        if not os.path.exists(path):
            skipped.append(name)
            continue
        want = want_fn(path)
        got = [f for conn in findings(path) for f in (conn or [])]
        for fid, frames in want.items():
            check(frames, f"{name}: tshark finds no frame for {fid}")
            have = sorted({f["frame"] for f in got if f["id"] == fid})
            check(have and set(frames) <= set(have), f"{name}: {fid} at frames {have}, tshark says {frames}")
    return skipped


if real:
    absent = check_real_world(real)
else:
    check_bundled()
    absent = []
print(f"{checks} checks, {len(failures)} failed" + (f"; real-world traces absent: {', '.join(absent)}" if absent else ""))
sys.exit(1 if failures else 0)
