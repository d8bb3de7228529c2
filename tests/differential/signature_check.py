#!/usr/bin/env python3
"""Server Key Exchange signatures: every one in the bundled captures verifies, a tampered
copy does not.

    signature_check.py TLSDISSECT CAPTURES_DIR [REAL_WORLD_DIR]
    signature_check.py TLSDISSECT - REAL_WORLD_DIR     (only part 3)

1. Every bundled capture with a Server Key Exchange (ECDHE-RSA, ECDHE-ECDSA, DHE, GnuTLS,
   TLS 1.0/1.1) must report "signature_valid": true in --sessions and a
   [Signature: valid ...] node in the tree. The set of SKE frames is tshark's
   (tls.handshake.type == 12), so a signature that tlsdissect fails to find fails here.
2. For three of them (RSA-PSS, ECDSA, TLS 1.0 MD5+SHA1) a copy with one bit of the
   server's key-exchange public key flipped (scapy, checksums recomputed) must report
   "signature_valid": false and [Signature: INVALID ...]. tshark reads the copy without
   complaint (same frames, still an SKE), so only the signature tells it apart.
3. Real-world captures: every SKE that can be checked must be valid; the counts are
   printed. Exit 77 (skipped) when the folder is named but absent and parts 1-2 passed.
Needs Debian's python3 with scapy (python3-scapy) and tshark.
"""
import json
import os
import subprocess
import sys
import tempfile

import tshark_cache

TAMPER = ["https-cname-tls12.pcap", "tls12-ecdhe-ecdsa.pcap", "tls10-openssl.pcap"]


def tshark(path, *args):
    r = tshark_cache.run(["-r", path, *args])
    if r.returncode:
        raise subprocess.CalledProcessError(r.returncode, ["tshark", "-r", path, *args], r.stdout, r.stderr)
    return r.stdout


def ske_frames(path):
    # Only signed ones: an anonymous (DH_anon) key exchange carries no signature.
    out = tshark(path, "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "tls.handshake.type == 12 && tls.handshake.sig_len",
                 "-T", "fields", "-e", "frame.number")
    return [int(x) for x in out.split()]


def sessions(tool, path):
    out = subprocess.run([tool, "--sessions", path], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["tls"]


def verdicts(tool, path):
    """signature_valid of every session that has a signed Server Key Exchange."""
    found = []
    for t in sessions(tool, path):
        ske = t.get("server_key_exchange")
        if not ske or "signature_valid" not in ske:
            continue
        if (t["version"] or "").startswith("TLS 1.3"):
            continue  # a key share, no signature in it
        if "_anon_" in ((t.get("cipher_suite") or {}).get("name") or ""):
            if ske["signature_valid"] is not None:
                found.append((t["stream"], "anonymous key exchange judged"))
            continue  # unsigned by definition
        found.append((t["stream"], ske["signature_valid"]))
    return found


def tree_lines(tool, path):
    out = subprocess.run([tool, path], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip().startswith("[Signature: ")]


def tamper(src, dst):
    from scapy.all import IP, TCP, Raw, rdpcap, wrpcap  # noqa: PLC0415 (optional dependency)
    key = tshark(src, "-Y", "tls.handshake.type == 12", "-T", "fields", "-e", "tls.handshake.server_point",
                 "-e", "tls.handshake.ys").split()
    if not key:
        raise SystemExit(f"FAIL {src}: tshark finds no SKE public key")
    needle = bytes.fromhex(key[0].replace(":", ""))[:16]
    packets = rdpcap(src)
    for p in packets:
        if Raw in p and needle in bytes(p[Raw].load):
            load = bytearray(p[Raw].load)
            load[load.index(needle) + 8] ^= 0x01
            p[Raw].load = bytes(load)
            del p[IP].chksum
            del p[TCP].chksum
            wrpcap(dst, packets)
            return
    raise SystemExit(f"FAIL {src}: the SKE public key is not inside one segment")


def main():
    tool, bundled = sys.argv[1], sys.argv[2]
    real = sys.argv[3] if len(sys.argv) > 3 else None
    failures = 0
    if bundled != "-":
        failures += check_bundled(tool, bundled)
    if real and not os.path.isdir(real):
        print(f"real-world: {real}: absent")
        print("signature_check:", "FAILED" if failures else "skipped (real-world captures absent)")
        return 1 if failures else 77
    if real:
        failures += check_real_world(tool, real)
    print("signature_check:", "FAILED" if failures else "passed")
    return 1 if failures else 0


def check_bundled(tool, bundled):
    failures = 0
    checked = 0
    for name in sorted(os.listdir(bundled)):
        if not name.endswith((".pcap", ".pcapng")):
            continue
        path = os.path.join(bundled, name)
        frames = ske_frames(path)
        if not frames:
            continue
        v = verdicts(tool, path)
        lines = tree_lines(tool, path)
        ok = len(v) == len(frames) and all(x is True for _, x in v) and \
            sum(1 for l in lines if l.startswith("[Signature: valid")) == len(frames)
        checked += len(v)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {len(frames)} SKE (tshark), verdicts {v}")
        failures += not ok
    if checked < 20:
        print(f"FAIL only {checked} Server Key Exchange signatures checked in the bundled captures")
        failures += 1

    try:
        import scapy  # noqa: F401, PLC0415
    except ImportError:
        print("FAIL scapy is missing (Debian python3-scapy)")
        return failures + 1
    with tempfile.TemporaryDirectory() as tmp:
        for name in TAMPER:
            src = os.path.join(bundled, name)
            dst = os.path.join(tmp, "tampered-" + name)
            tamper(src, dst)
            same = tshark(src, "-T", "fields", "-e", "frame.number") == tshark(dst, "-T", "fields", "-e", "frame.number")
            v = verdicts(tool, dst)
            lines = tree_lines(tool, dst)
            ok = same and ske_frames(dst) == ske_frames(src) and v and all(x is False for _, x in v) and \
                any(l.startswith("[Signature: INVALID") for l in lines)
            print(f"{'ok  ' if ok else 'FAIL'} tampered {name}: verdicts {v}, tree {lines}")
            failures += not ok
    return failures


def check_real_world(tool, real):
    failures = 0
    counts = {True: 0, False: 0, None: 0}
    for name in sorted(os.listdir(real)):
        if not name.endswith((".pcap", ".pcapng")):
            continue
        for _, x in verdicts(tool, os.path.join(real, name)):
            counts[x] += 1
            if x is False:
                print(f"FAIL {name}: a Server Key Exchange signature does not verify")
                failures += 1
    print(f"real-world: {counts[True]} valid, {counts[False]} invalid, {counts[None]} not checkable")
    return failures


if __name__ == "__main__":
    sys.exit(main())
