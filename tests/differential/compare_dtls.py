#!/usr/bin/env python3
"""Differential test of DTLS against tshark: for every capture in the given folders
whose name contains "dtls" (with NAME.keys beside NAME.pcap, given to both tools),
frame by frame:

  * the record layer: content type, version, epoch, sequence number, length, the
    connection ID, all exactly;
  * the handshake: types, lengths, message_seq, fragment offsets and lengths, cookies,
    versions, cipher suites, SNI, extension types, certificates, alerts, and with keys
    the decrypted messages (Finished) and alerts;
  * with keys: the decrypted application data byte for byte (tshark's data.data), and
    both Finished messages verified by tlsdissect.

Three differences are by design and allowed:

  * a message completed by a fragment is shown whole as well (its header as if it had
    been sent unfragmented, RFC 6347 4.2.6, then its body), so tlsdissect may have more
    values of the dtls.handshake.* fields than tshark in a frame that has a
    `dtls.reassembled.in`: tshark's values must then be a subsequence of ours;
  * tshark 4.0 shows dtls.handshake.verify_data as a label without a value: only its
    presence is compared;
  * tshark 4.0 does not know the DTLS 1.3 unified header (RFC 9147 section 4) and shows
    those datagrams as bare UDP: a frame where only tlsdissect has DTLS fields must show
    a `dtls.unified_header`.

Usage: compare_dtls.py TLSDISSECT DIR...; exit 0 / 1, 77 without tshark or captures.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_cache  # noqa: E402  (one tshark run per capture and arguments, kept between runs)

EXACT = [
    "dtls.record.content_type", "dtls.record.version", "dtls.record.epoch", "dtls.record.sequence_number",
    "dtls.record.length", "dtls.record.connection_id", "dtls.alert_message.level", "dtls.alert_message.desc",
]
HANDSHAKE = [
    "dtls.handshake.type", "dtls.handshake.length", "dtls.handshake.message_seq", "dtls.handshake.fragment_offset",
    "dtls.handshake.fragment_length", "dtls.handshake.cookie", "dtls.handshake.version", "dtls.handshake.ciphersuite",
    "dtls.handshake.extensions_server_name", "dtls.handshake.extension.type", "dtls.handshake.certificate",
    "dtls.handshake.session_id", "dtls.handshake.verify_data", "dtls.handshake.extensions.cookie",
    "dtls.use_srtp.protection_profile",
]
MARKERS = ["dtls.reassembled.in", "dtls.unified_header", "tlsdissect.finished.verified"]
# With keys: the decrypted application data (tshark shows it as data.data).
DECRYPTED = [("dtls.decrypted.data", "data.data")]
# tshark 4.0 declares dtls.handshake.verify_data as FT_NONE (it prints 1): only its
# presence is compared; tlsdissect shows the bytes (and checks them against the keys).
PRESENCE_ONLY = {"dtls.handshake.verify_data"}
FIELDS = ["frame.number"] + EXACT + HANDSHAKE


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def table(cmd, names):
    rows = {}
    out = tshark_cache.run(cmd[1:]).stdout if cmd[0] == "tshark" else run(cmd).stdout
    for line in out.splitlines():
        parts = line.split("\t")
        parts += [""] * (len(names) - len(parts))
        rows[parts[0]] = {n: [v for v in parts[i].split(",") if v != ""] for i, n in enumerate(names) if i}
    return rows


def ours(tool, capture, keys):
    names = FIELDS + MARKERS + [o for o, _ in DECRYPTED]
    cmd = [tool] + (["--keylog", keys] if keys else [])
    for f in names:
        cmd += ["-e", f]
    return table(cmd + [capture], names)


def theirs(capture, keys):
    names = FIELDS + [t for _, t in DECRYPTED]
    cmd = ["tshark", "-n", "-r", capture, "-o", f"tls.keylog_file:{keys or ''}", "-T", "fields", "-E", "occurrence=a",
           "-E", "separator=/t"]
    for f in names:
        cmd += ["-e", f]
    return table(cmd, names)


def subsequence(small, big):
    it = iter(big)
    return all(any(v == w for w in it) for v in small)


def compare(tool, capture):
    keys = os.path.splitext(capture)[0] + ".keys"
    keys = keys if os.path.exists(keys) else None
    a, b = ours(tool, capture, keys), theirs(capture, keys)
    problems = []
    checked = 0
    for frame, theirs_row in b.items():
        our_row = a.get(frame, {})
        has_ours = any(our_row.get(f) for f in EXACT + HANDSHAKE)
        has_theirs = any(theirs_row.get(f) for f in EXACT + HANDSHAKE)
        if not has_theirs:
            if has_ours and not our_row.get("dtls.unified_header"):
                problems.append(f"frame {frame}: DTLS fields that tshark does not see")
            continue
        reassembled = bool(our_row.get("dtls.reassembled.in"))
        for f in EXACT:
            checked += 1
            if our_row.get(f, []) != theirs_row.get(f, []):
                problems.append(f"frame {frame}: {f}: tlsdissect {our_row.get(f)} tshark {theirs_row.get(f)}")
        for f in HANDSHAKE:
            checked += 1
            mine, other = our_row.get(f, []), theirs_row.get(f, [])
            if f in PRESENCE_ONLY:
                mine = ["1"] * len(mine)
            if mine == other or (reassembled and subsequence(other, mine)):
                continue
            problems.append(f"frame {frame}: {f}: tlsdissect {mine} tshark {other}")
    if keys:
        # Every byte of application data decrypted as tshark decrypts it, and every
        # Finished verified against the transcript.
        verified = []
        for frame, theirs_row in b.items():
            our_row = a.get(frame, {})
            verified += our_row.get("tlsdissect.finished.verified", [])
            for o, t in DECRYPTED:
                checked += 1
                if our_row.get(o, []) != theirs_row.get(t, []):
                    problems.append(f"frame {frame}: decrypted data: tlsdissect {our_row.get(o)} tshark {theirs_row.get(t)}")
        if len(verified) < 2 or any(v != "1" for v in verified):
            problems.append(f"Finished verified: {verified} (expected both sides correct)")
    return checked, problems


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    if not shutil.which("tshark"):
        print("compare_dtls: tshark not found: skipped")
        return 77
    tool = argv[1]
    captures = []
    for d in argv[2:]:
        if os.path.isdir(d):
            captures += sorted(os.path.join(d, n) for n in os.listdir(d)
                               if "dtls" in n and n.endswith((".pcap", ".pcapng")))
    if not captures:
        print("compare_dtls: no DTLS captures: skipped")
        return 77
    failed = False
    for capture in captures:
        checked, problems = compare(tool, capture)
        name = os.path.basename(capture)
        if problems:
            failed = True
            print(f"FAIL {name}: {len(problems)} of {checked} values differ")
            for p in problems[:20]:
                print("   ", p)
        else:
            print(f"ok   {name}: {checked} values agree")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
