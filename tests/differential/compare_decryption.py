#!/usr/bin/env python3
"""Differential test of decryption: for every bundled capture that comes with a key log
(NAME.keys beside NAME.pcap, or secrets inside a pcapng), tlsdissect and tshark given the
same secrets must agree on

  * the handshake message types in every frame, decrypted ones included
    (`-e tls.handshake.type`);
  * the decrypted application data of every TLS stream, both directions
    (`--follow-tls N` against `tshark -z follow,tls,raw,N`);
  * the HTTP request method/URI and status code in every frame;

and every Finished must be `[Verified: correct]`. A key log with NSS "RSA" lines is also
run with those lines alone (its CLIENT_RANDOM lines removed: the master secret then comes
from the pre-master secret), and one with CLIENT_EARLY_TRAFFIC_SECRET lines without them
(0-RTT records stay encrypted, labelled, and the rest still decrypts, as in tshark).
Then the same captures with a damaged
key log (one byte of each secret flipped, one line made malformed) must give
`Verified: WRONG` or `Decryption failed` labels, a warning naming the malformed line,
exit status 0, and no decrypted plaintext.

Usage: compare_decryption.py TLSDISSECT CAPTURES_DIR; exit 0 / 1, 77 without tshark.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import tshark_cache

HS_FIELDS = ["frame.number", "tls.handshake.type", "http.request.method", "http.request.uri", "http.response.code"]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def key_args(keys):
    return ["--keylog", keys] if keys else []


# Captures whose TLS tshark finds only when told where (a port it does not link to TLS).
DECODE_AS = {
    # The FTP data connection after PROT P is TLS from its first byte on the passive
    # port; tshark's ftp-data dissector claims it unless turned off.
    "starttls-ftp.pcap": ["--disable-protocol", "ftp-data"],
}


def tshark_keys(keys):
    return ["-o", f"tls.keylog_file:{keys}"] if keys else ["-o", "tls.keylog_file:"]


def fields(tool, capture, keys):
    if tool == "tshark":
        cmd = ["tshark", "-n", "-r", capture, *tshark_keys(keys), *DECODE_AS.get(os.path.basename(capture), []),
               "-o", "tcp.reassemble_out_of_order:TRUE",
               "-T", "fields", "-E", "occurrence=a", "-E", "separator=/t"]
        for f in HS_FIELDS:
            cmd += ["-e", f]
    else:
        cmd = [tool, *key_args(keys)]
        for f in HS_FIELDS:
            cmd += ["-e", f]
        cmd.append(capture)
    out = tshark_cache.run(cmd[1:]) if tool == "tshark" else run(cmd)
    rows = {}
    for line in out.stdout.splitlines():
        parts = line.split("\t")
        parts += [""] * (len(HS_FIELDS) - len(parts))
        if any(parts[1:]):
            rows[parts[0]] = parts[1:]
    return rows


def follow(tool, capture, keys, stream, streams=None):
    if tool == "tshark":
        # Every TLS stream of the capture asked in one (cached) tshark run.
        out = tshark_cache.follow(capture, "tls", streams or [stream],
                                  [*tshark_keys(keys), *DECODE_AS.get(os.path.basename(capture), []),
                                   "-o", "tcp.reassemble_out_of_order:TRUE"])[stream]
    else:
        out = run([tool, *key_args(keys), "--follow-tls", str(stream), "--follow-format", "raw", capture]).stdout
    data = ["", ""]
    body = False
    node0 = ""
    for line in out.splitlines():
        if line.startswith("Node 0:"):
            node0 = line.split(":", 1)[1].strip()
        if line.startswith("Node 1:"):
            body = True
            continue
        if not body or line.startswith("====="):
            continue
        data[1 if line.startswith("\t") else 0] += line.strip()
    return data, node0


def tls_streams(capture, keys):
    out = tshark_cache.run(["-n", "-r", capture, *tshark_keys(keys), "-Y", "tls", "-T", "fields", "-e", "tcp.stream"])
    return sorted({int(s) for s in out.stdout.split() if s.isdigit()})


def damaged_keylog(keys, path):
    """Every secret with its first byte flipped, and line 2 made malformed."""
    lines = open(keys).read().splitlines()
    out = []
    for i, line in enumerate(lines):
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            secret = parts[2]
            parts[2] = format(int(secret[:2], 16) ^ 0x01, "02x") + secret[2:]
            line = " ".join(parts)
        out.append(line)
    out.insert(1, "CLIENT_RANDOM not-hex 00")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def derived_keylogs(keys, folder):
    """Variants of a key log: (path, label, early data left without its key)."""
    lines = open(keys).read().splitlines()
    out = []
    if any(l.startswith("RSA ") for l in lines) and any(l.startswith("CLIENT_RANDOM ") for l in lines):
        path = os.path.join(folder, os.path.basename(keys) + ".rsa-only")
        with open(path, "w") as f:
            f.write("\n".join(l for l in lines if not l.startswith("CLIENT_RANDOM ")) + "\n")
        out.append((path, "RSA lines only", False))
    if any(l.startswith("CLIENT_EARLY_TRAFFIC_SECRET ") for l in lines):
        path = os.path.join(folder, os.path.basename(keys) + ".no-early")
        with open(path, "w") as f:
            f.write("\n".join(l for l in lines if not l.startswith("CLIENT_EARLY_TRAFFIC_SECRET ")) + "\n")
        out.append((path, "without CLIENT_EARLY_TRAFFIC_SECRET", True))
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    if not shutil.which("tshark"):
        print("SKIP: tshark not found")
        return 77
    tool, folder = sys.argv[1], sys.argv[2]
    cases = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.startswith(("dtls", "quic")):
            # DTLS and QUIC (no TCP streams to follow): compare_dtls.py and
            # compare_fields.py --set quic check their decryption.
            continue
        if name.endswith(".pcap") and os.path.exists(path[:-5] + ".keys"):
            cases.append((path, path[:-5] + ".keys"))
        elif name.endswith("-secrets.pcapng"):
            cases.append((path, None))  # the key log is inside the file
    derived = tempfile.TemporaryDirectory()
    variants = []
    for capture, keys in cases:
        variants.append((capture, keys, "", False))
        if keys:
            variants += [(capture, path, label, early) for path, label, early in derived_keylogs(keys, derived.name)]
    failures = 0
    for capture, keys, variant, early_without_key in variants:
        problems = []
        ours, theirs = fields(tool, capture, keys), fields("tshark", capture, keys)
        for frame in sorted(set(ours) | set(theirs), key=int):
            o, t = ours.get(frame, [""] * 4), theirs.get(frame, [""] * 4)
            if o[0] != t[0]:
                problems.append(f"frame {frame}: tls.handshake.type: tshark {t[0]!r}, tlsdissect {o[0]!r}")
            # HTTP: the same request and status lines in the same frames (a message split
            # over records is shown once, in the frame that completes it).
            if o[1:] != t[1:]:
                problems.append(f"frame {frame}: HTTP method/URI/status: tshark {t[1:]}, tlsdissect {o[1:]}")
        streams = tls_streams(capture, keys)
        decrypted_bytes = 0
        for s in streams:
            (o, our_node0), (t, their_node0) = follow(tool, capture, keys, s), follow("tshark", capture, keys, s, streams)
            # tshark numbers the nodes of a TLS follow from the first decrypted record (in
            # TLS 1.3 the server's Encrypted Extensions), tlsdissect from the TCP connection's
            # first sender; match the directions by tshark's Node 0 endpoint.
            if their_node0 and their_node0 != our_node0:
                t = [t[1], t[0]]
            for node in (0, 1):
                if o[node] != t[node]:
                    problems.append(f"stream {s} node {node}: decrypted bytes differ "
                                    f"(tshark {len(t[node]) // 2}, tlsdissect {len(o[node]) // 2} bytes)")
            decrypted_bytes += (len(o[0]) + len(o[1])) // 2
        tree = run([tool, *key_args(keys), capture]).stdout
        verified = tree.count("Verified: correct")
        if early_without_key:
            # 0-RTT records without their key are labelled so, and are the only ones.
            tree = "\n".join(l for l in tree.splitlines()
                             if "Not decrypted: early data (0-RTT): the key log has no CLIENT_EARLY" not in l)
        for bad in ("Verified: WRONG", "Decryption failed", "Not decrypted"):
            if bad in tree and "alert" not in os.path.basename(capture):
                problems.append(f"'{bad}' in the tree")
        if verified < 2 and "alert" not in os.path.basename(capture):
            problems.append(f"only {verified} Finished verified")
        # (tls13-early-data's only application data is the 0-RTT request.)
        if "alert" not in os.path.basename(capture) and decrypted_bytes == 0 and not early_without_key:
            problems.append("no application data decrypted")
        # The same capture with a damaged key log: labelled, never garbage, never a crash.
        if keys and not variant:
            with tempfile.TemporaryDirectory() as tmp:
                bad_keys = os.path.join(tmp, "damaged.keys")
                damaged_keylog(keys, bad_keys)
                r = run([tool, "--keylog", bad_keys, capture])
                if r.returncode != 0:
                    problems.append(f"damaged key log: exit status {r.returncode}")
                if ":2: the client random is not 64 hex digits" not in r.stderr:
                    problems.append(f"damaged key log: no warning for line 2 (stderr {r.stderr.strip()[:200]!r})")
                if "Verified: correct" in r.stdout:
                    problems.append("damaged key log: a Finished still verified")
                if "Decrypted Application Data" in r.stdout:
                    problems.append("damaged key log: plaintext shown")
                if not any(s in r.stdout for s in ("Verified: WRONG", "Decryption failed")) and "alert" not in capture:
                    problems.append("damaged key log: no WRONG or failed label")
        status = "FAIL" if problems else "ok  "
        print(f"{status} {capture}{' (' + variant + ')' if variant else ''}: {len(streams)} TLS streams, "
              f"{decrypted_bytes} decrypted bytes, {verified} Finished verified")
        for p in problems[:20]:
            print("    " + p)
        failures += bool(problems)
    print(f"{len(variants) - failures} passed, {failures} failed")
    return 1 if failures or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
