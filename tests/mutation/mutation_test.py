#!/usr/bin/env python3
"""Structured mutations of bundled captures, through every output mode (issue 24).

    TLSDISSECT=path/to/tlsdissect mutation_test.py SOURCE_DIR

A fuzzer flips bytes at random; these mutants change the fields a parser trusts, one
field at a time, in captures whose structure is known, so every one reaches the code it
is meant for: TLS record and handshake lengths (and the vectors inside a Client
Hello), DNS section counts and compression pointers, classic pcap record lengths and
pcapng block lengths, TCP sequence numbers that wrap past 2^32, retransmissions that
overlap earlier data with different bytes, IPv4 fragments that overlap with different
bytes. Nothing is committed: the mutants are written to a temporary folder.

Every mutant goes through the tree, -s, -x, --json, --jsonl, --sessions (whole and
--jsonl), -e fields, --ladder, --follow and --follow-tls, with the seeds' key logs (one
process per mode for all mutants: the files are given together); --html runs on one
mutant of each kind. Checked: no crash or sanitizer report, an exit status the user
guide documents (0; 4 or 6 for a file damaged at the start or in the middle), every JSON document and
line parses. Two checks compare with the unmutated capture: sequence numbers shifted
to wrap past 2^32 leave the -s output (relative numbers) unchanged, and an overlapping
retransmission with different bytes is reported while the first bytes are kept.

Short by design (about 400 mutants: 15 seconds of CPU in a release build; a sanitizer
build, which took 70 seconds of CPU for all of them, runs every second mutant in the
batched modes), so that tools/test.sh runs it on the sanitizer build in CI.
"""

import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# Small Ethernet pcaps that between them carry TLS 1.2 and 1.3 over TCP (with keys),
# DNS over UDP and TCP, IPv4 fragments, and DTLS.
SEEDS = [
    "https-cname-tls12.pcap",
    "tls13-openssl.pcap",
    "tls12-client-cert.pcap",
    "dns-records.pcap",
    "dns-tcp.pcap",
    "ipv4-fragments.pcap",
    "dtls12-cookie.pcap",
]
PCAPNG_SEEDS = ["https-cname-tls12.pcapng", "multi-if.pcapng"]
# 0 read, 4 not a capture (a pcapng whose first block is wrecked), 6 damaged in the middle.
DOCUMENTED_STATUS = {0, 4, 6}


# ---------------------------------------------------------------- reading and writing


class Pcap:
    """A classic pcap: header, then (record header, data) pairs; endianness kept."""

    def __init__(self, data):
        magic = struct.unpack("<I", data[:4])[0]
        self.endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        self.header = bytearray(data[:24])
        self.link_type = struct.unpack(self.endian + "I", data[20:24])[0]
        self.records = []  # [ts_sec, ts_frac, orig_len, bytearray]
        at = 24
        while at + 16 <= len(data):
            sec, frac, incl, orig = struct.unpack(self.endian + "IIII", data[at:at + 16])
            self.records.append([sec, frac, orig, bytearray(data[at + 16:at + 16 + incl])])
            at += 16 + incl

    def bytes(self, lengths=None):
        out = bytearray(self.header)
        for i, (sec, frac, orig, body) in enumerate(self.records):
            incl = len(body) if lengths is None or i not in lengths else lengths[i][0]
            o = orig if lengths is None or i not in lengths else lengths[i][1]
            out += struct.pack(self.endian + "IIII", sec, frac, incl, o) + body
        return bytes(out)


def ip_offset(frame):
    """Offset of the IPv4/IPv6 header in an Ethernet frame (VLAN tags skipped), or None."""
    at, ethertype = 12, None
    while at + 2 <= len(frame):
        ethertype = struct.unpack("!H", frame[at:at + 2])[0]
        if ethertype in (0x8100, 0x88A8):
            at += 4
            continue
        break
    if ethertype in (0x0800, 0x86DD):
        return at + 2
    return None


def transport(frame):
    """(ip_at, proto, l4_at, payload_at, payload_end) of an unfragmented TCP/UDP packet."""
    ip = ip_offset(frame)
    if ip is None or ip >= len(frame):
        return None
    version = frame[ip] >> 4
    if version == 4:
        ihl = (frame[ip] & 0x0F) * 4
        total = struct.unpack("!H", frame[ip + 2:ip + 4])[0]
        frag = struct.unpack("!H", frame[ip + 6:ip + 8])[0]
        if frag & 0x3FFF:
            return None
        proto, l4, end = frame[ip + 9], ip + ihl, min(len(frame), ip + total)
    elif version == 6:
        proto, l4 = frame[ip + 6], ip + 40
        end = min(len(frame), l4 + struct.unpack("!H", frame[ip + 4:ip + 6])[0])
    else:
        return None
    if proto == 6 and l4 + 20 <= end:
        return ip, 6, l4, l4 + (frame[l4 + 12] >> 4) * 4, end
    if proto == 17 and l4 + 8 <= end:
        return ip, 17, l4, l4 + 8, end
    return None


def tls_records(payload):
    """Offsets of what look like TLS record headers at the start of a TCP payload and after each record."""
    at, found = 0, []
    while at + 5 <= len(payload) and payload[at] in (20, 21, 22, 23, 24) and payload[at + 1] == 3:
        found.append(at)
        at += 5 + struct.unpack("!H", payload[at + 3:at + 5])[0]
    return found


# ---------------------------------------------------------------- the mutations


def mutate_tls_lengths(pcap, rng, emit):
    """TLS record lengths, handshake lengths, and the length-prefixed vectors of a Client Hello."""
    candidates = []
    for i, rec in enumerate(pcap.records):
        t = transport(rec[3])
        if t and t[1] == 6:
            for at in tls_records(rec[3][t[3]:t[4]]):
                candidates.append((i, t[3] + at))
    rng.shuffle(candidates)
    for i, at in candidates[:2]:
        body = pcap.records[i][3]
        length = struct.unpack("!H", body[at + 3:at + 5])[0]
        for value in (0, 1, max(0, length - 1), length + 1, 18433, 0xFFFF):
            body[at + 3:at + 5] = struct.pack("!H", value)
            emit("record-length", pcap.bytes())
        body[at + 3:at + 5] = struct.pack("!H", length)
        if body[at] == 22 and at + 9 <= len(body):
            hs_len = int.from_bytes(body[at + 6:at + 9], "big")
            for value in (0, 1, max(0, hs_len - 1), hs_len + 1, 0xFFFFFF):
                body[at + 6:at + 9] = value.to_bytes(3, "big")
                emit("handshake-length", pcap.bytes())
            body[at + 6:at + 9] = hs_len.to_bytes(3, "big")
            if body[at + 5] == 1 and at + 9 + 35 < len(body):
                # Client Hello: version(2) random(32) session_id<0..32> cipher_suites<2..2^16-2> ...
                sid = at + 9 + 34
                old = body[sid]
                for value in (32, 33, 255):
                    body[sid] = value
                    emit("client-hello-vectors", pcap.bytes())
                body[sid] = old
                cs = sid + 1 + old
                if cs + 2 <= len(body):
                    old_cs = body[cs:cs + 2]
                    for value in (0, 1, 0xFFFF):
                        body[cs:cs + 2] = struct.pack("!H", value)
                        emit("client-hello-vectors", pcap.bytes())
                    body[cs:cs + 2] = old_cs


def dns_payloads(pcap):
    for i, rec in enumerate(pcap.records):
        t = transport(rec[3])
        if not t:
            continue
        ports = struct.unpack("!HH", rec[3][t[2]:t[2] + 4])
        if 53 not in ports:
            continue
        start = t[3] + (2 if t[1] == 6 else 0)  # DNS over TCP: a 2-byte length first
        if t[4] - start >= 12:
            yield i, start, t[4]


def mutate_dns(pcap, rng, emit):
    """DNS section counts, and compression pointers that loop, point forward or past the end."""
    found = list(dns_payloads(pcap))
    rng.shuffle(found)
    for i, start, end in found[:2]:
        body = pcap.records[i][3]
        for field in (4, 6, 8, 10):
            old = body[start + field:start + field + 2]
            for value in (0, 0xFFFF, struct.unpack("!H", old)[0] + 1):
                body[start + field:start + field + 2] = struct.pack("!H", value)
                emit("dns-counts", pcap.bytes())
            body[start + field:start + field + 2] = old
        pointers = [p for p in range(start + 12, end - 1) if body[p] & 0xC0 == 0xC0]
        for p in pointers[:2]:
            old = body[p:p + 2]
            here = p - start
            for target in (here, here + 2, end - start + 10, 0x3FFF, 0):
                body[p:p + 2] = struct.pack("!H", 0xC000 | (target & 0x3FFF))
                emit("dns-pointers", pcap.bytes())
            body[p:p + 2] = old


def mutate_pcap_lengths(pcap, rng, emit):
    """Classic pcap record lengths: captured beyond the wire length, zero, past the file, huge."""
    for i in rng.sample(range(len(pcap.records)), min(2, len(pcap.records))):
        incl = len(pcap.records[i][3])
        orig = pcap.records[i][2]
        for lengths in ((incl, incl - 1), (incl, 0), (incl + 1, orig), (max(0, incl - 1), orig),
                        (0, orig), (262145, orig), (0xFFFFFFFF, orig)):
            emit("pcap-record-length", pcap.bytes({i: lengths}))


def pcapng_blocks(data):
    at, blocks = 0, []
    while at + 12 <= len(data):
        length = struct.unpack("<I", data[at + 4:at + 8])[0]
        if length < 12 or at + length > len(data):
            break
        blocks.append((at, length))
        at += length
    return blocks


def mutate_pcapng(data, rng, emit):
    """pcapng block lengths: zero, too small, huge, not a multiple of 4, leading and trailing disagree."""
    blocks = pcapng_blocks(data)
    for at, length in [blocks[0]] + rng.sample(blocks[1:], min(2, len(blocks) - 1)):
        for value in (0, 8, 12, length - 4, length + 4, length + 2, 0x7FFFFFFF, 0xFFFFFFFC):
            d = bytearray(data)
            d[at + 4:at + 8] = struct.pack("<I", value)
            emit("pcapng-block-length", bytes(d))
        d = bytearray(data)
        d[at + length - 4:at + length] = struct.pack("<I", length + 8)
        emit("pcapng-block-length", bytes(d))


def tcp_connections(pcap):
    """{(client addr, port, server addr, port): [record indexes]} of the TCP packets."""
    conns = {}
    for i, rec in enumerate(pcap.records):
        t = transport(rec[3])
        if not t or t[1] != 6:
            continue
        f = rec[3]
        ip, _, l4 = t[0], t[1], t[2]
        if f[ip] >> 4 == 4:
            src, dst = bytes(f[ip + 12:ip + 16]), bytes(f[ip + 16:ip + 20])
        else:
            src, dst = bytes(f[ip + 8:ip + 24]), bytes(f[ip + 24:ip + 40])
        sport, dport = struct.unpack("!HH", f[l4:l4 + 4])
        key = tuple(sorted([(src, sport), (dst, dport)]))
        conns.setdefault(key, []).append((i, (src, sport) == key[0]))
    return conns


def mutate_seq_wrap(pcap, rng, emit):
    """Every connection's sequence numbers shifted so that they wrap past 2^32 early on.

    Returns the mutant's bytes (the test compares its -s output with the seed's)."""
    conns = tcp_connections(pcap)
    for key, packets in conns.items():
        # Each direction's first sequence number moves to 2^32 - k for a small k, so the
        # wrap falls inside the handshake (k=1000) or at the first data (k=1).
        first = {}
        for i, side in packets:
            l4 = transport(pcap.records[i][3])[2]
            first.setdefault(side, struct.unpack("!I", pcap.records[i][3][l4 + 4:l4 + 8])[0])
        shift = {side: ((1 << 32) - (1000 if side else 1) - seq) & 0xFFFFFFFF for side, seq in first.items()}
        for i, side in packets:
            f = pcap.records[i][3]
            l4 = transport(f)[2]
            seq, ack = struct.unpack("!II", f[l4 + 4:l4 + 12])
            flags = f[l4 + 13]
            seq = (seq + shift.get(side, 0)) & 0xFFFFFFFF
            if flags & 0x10:
                ack = (ack + shift.get(not side, 0)) & 0xFFFFFFFF
            f[l4 + 4:l4 + 12] = struct.pack("!II", seq, ack)
    return pcap.bytes()


def data_segments(pcap):
    for i, rec in enumerate(pcap.records):
        t = transport(rec[3])
        if t and t[1] == 6 and t[4] - t[3] >= 8:
            yield i, t


def mutate_overlaps(pcap, rng, emit):
    """Retransmissions that overlap earlier data with different bytes: whole, and shifted by half."""
    segments = list(data_segments(pcap))
    made = []
    for i, t in rng.sample(segments, min(2, len(segments))):
        for shifted in (False, True):
            copy = Pcap(pcap.bytes())
            original = copy.records[i]
            dup = [original[0], original[1], original[2], bytearray(original[3])]
            f = dup[3]
            n = t[4] - t[3]
            for p in range(t[3], t[4]):
                f[p] ^= 0x5A
            if shifted:
                seq = struct.unpack("!I", f[t[2] + 4:t[2] + 8])[0]
                f[t[2] + 4:t[2] + 8] = struct.pack("!I", (seq + n // 2) & 0xFFFFFFFF)
            copy.records.insert(i + 1, dup)
            data = copy.bytes()
            emit("tcp-overlap", data)
            # A shifted copy also brings bytes past the original segment, which then win
            # over the next one: only the whole-segment copy must keep every message.
            made.append((data, not shifted))
    return made


def mutate_fragments(pcap, rng, emit):
    """A UDP datagram cut into IPv4 fragments that overlap with different bytes, arrive twice, or end beyond 65535."""
    for i, rec in enumerate(pcap.records):
        t = transport(rec[3])
        if not t or t[1] != 17 or rec[3][t[0]] >> 4 != 4 or t[4] - t[2] < 32:
            continue
        f = rec[3]
        ip, ihl = t[0], (f[t[0]] & 0x0F) * 4
        header, body = bytes(f[:ip + ihl]), bytes(f[ip + ihl:t[4]])

        def fragment(offset, chunk, more):
            h = bytearray(header)
            h[ip + 2:ip + 4] = struct.pack("!H", ihl + len(chunk))
            h[ip + 6:ip + 8] = struct.pack("!H", (0x2000 if more else 0) | (offset // 8))
            h[ip + 10:ip + 12] = b"\0\0"
            return h + chunk

        flip = bytes(b ^ 0xA5 for b in body)
        plans = [
            [(0, body[:16], True), (8, flip[8:24], True), (16, body[16:], False)],   # overlap, different bytes
            [(0, body[:16], True), (0, flip[:16], True), (16, body[16:], False)],    # the same offset twice
            [(16, body[16:], False), (8, flip[8:24], True), (0, body[:16], True)],   # reversed, overlapping
            [(0, body[:16], True), (65528, body[16:24], False)],                     # ends past 65535
            [(8, body[8:], False), (0, body, True)],                                 # a first fragment covering the last
        ]
        for plan in plans:
            copy = Pcap(pcap.bytes())
            sec, frac, _, _ = copy.records[i]
            copy.records[i:i + 1] = [[sec, frac, len(fragment(*p)), fragment(*p)] for p in plan]
            emit("ip-fragment-overlap", copy.bytes())
        return


# ---------------------------------------------------------------- running


def sanitizer_report(text):
    return re.search(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer",
                     text)


def json_documents(text):
    """Every JSON document in `text` (several files give several --sessions documents)."""
    decoder, at, docs = json.JSONDecoder(), 0, []
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return docs
        doc, at = decoder.raw_decode(text, at)
        docs.append(doc)


def main():
    src = Path(sys.argv[1])
    tool = os.environ["TLSDISSECT"]
    captures = src / "captures"
    rng = random.Random(24)
    tmp = Path(tempfile.mkdtemp(prefix="mutation-"))
    failures = []
    checks = 0
    try:
        mutants, by_kind = [], {}

        def emit(kind, data):
            suffix = "pcapng" if data[:4] == b"\n\r\r\n" else "pcap"
            path = tmp / f"{len(mutants):04d}-{kind}.{suffix}"
            path.write_bytes(data)
            mutants.append(path)
            by_kind.setdefault(kind, path)

        keylogs, wrapped, overlaps = [], [], []
        for name in SEEDS:
            seed = captures / name
            if not seed.exists():
                failures.append(f"seed {name} is missing")
                continue
            data = seed.read_bytes()
            keys = seed.with_suffix(".keys")
            if keys.exists():
                keylogs += ["--keylog", str(keys)]
            mutate_tls_lengths(Pcap(data), rng, emit)
            mutate_dns(Pcap(data), rng, emit)
            mutate_pcap_lengths(Pcap(data), rng, emit)
            mutate_fragments(Pcap(data), rng, emit)
            for overlap, same_messages in mutate_overlaps(Pcap(data), rng, emit):
                overlaps.append((seed, overlap, same_messages))
            wrapped_bytes = mutate_seq_wrap(Pcap(data), rng, emit)
            if wrapped_bytes != data:
                path = tmp / f"wrapped-{name}"
                path.write_bytes(wrapped_bytes)
                mutants.append(path)
                by_kind.setdefault("tcp-seq-wrap", path)
                wrapped.append((seed, path))
        for name in PCAPNG_SEEDS:
            mutate_pcapng((captures / name).read_bytes(), rng, emit)

        # A sanitizer build is about ten times slower: it gets every second mutant of
        # the batched modes (each kind still has half of its mutants there).
        linked = subprocess.run(["ldd", tool], capture_output=True, text=True).stdout
        sanitized = "libasan" in linked or b"AddressSanitizer" in Path(tool).read_bytes()
        files = [str(m) for m in (mutants[::2] if sanitized else mutants)]
        env = dict(os.environ, LANG="C.UTF-8", TZ="UTC")

        def run(args, label, want_json=None):
            nonlocal checks
            p = subprocess.run([tool, "--roots", str(captures / "test-roots.pem")] + args, capture_output=True,
                               env=env, timeout=600)
            out = p.stdout.decode("utf-8", "replace")
            err = p.stderr.decode("utf-8", "replace")
            checks += 1
            if p.returncode < 0 or p.returncode not in DOCUMENTED_STATUS:
                failures.append(f"{label}: exit status {p.returncode}: {err[-600:]}")
            elif sanitizer_report(err):
                failures.append(f"{label}: sanitizer report: {sanitizer_report(err).group(0)} {err[:1500]}")
            try:
                if want_json == "documents":
                    json_documents(out)
                elif want_json == "lines":
                    for line in out.splitlines():
                        json.loads(line)
            except ValueError as e:
                failures.append(f"{label}: output is not valid JSON: {e}")
            return out, p.returncode

        modes = [
            ([], None), (["-s"], None), (["-x"], None), (["--json"], "documents"), (["--jsonl"], "lines"),
            (["--sessions"], "documents"), (["--sessions", "--jsonl"], "lines"), (["--audit", "-s"], None),
            (["-e", "frame.number", "-e", "tcp.seq", "-e", "tls.handshake.type", "-e", "dns.qry.name"], None),
            (["--ladder"], None), (["--follow", "0"], None), (["--follow-tls", "0"], None),
        ]
        for args, want_json in modes:
            run(keylogs + args + files, " ".join(args) or "tree", want_json)
        for kind, path in sorted(by_kind.items()):
            run(keylogs + ["--html", str(tmp / "page.html"), str(path)], f"--html {kind}")

        # Sequence numbers that wrap past 2^32: relative numbers, reassembly and the
        # handshake are the same as in the seed.
        for seed, path in wrapped:
            want, _ = run(["-s", str(seed)], f"-s {seed.name}")
            got, _ = run(["-s", str(path)], f"-s wrapped {seed.name}")
            checks += 1
            if got != want:
                diff = [f"  seed:    {a}\n  wrapped: {b}" for a, b in zip(want.splitlines(), got.splitlines()) if a != b]
                failures.append(f"seq-wrap {seed.name}: -s output differs from the seed's:\n" + "\n".join(diff[:3]))

        # Overlapping retransmissions with different bytes: reported, and the first bytes
        # win, so every TLS message of the seed is still there.
        for seed, data, same_messages in overlaps[:8]:
            path = tmp / "overlap.pcap"
            path.write_bytes(data)
            tree, _ = run([str(path)], f"overlap {seed.name}")
            seed_tree, _ = run([str(seed)], f"seed {seed.name}")
            checks += 1
            if "Overlapping data differs from what was received first" not in tree:
                failures.append(f"overlap {seed.name}: the conflicting retransmission is not reported")
            messages = lambda t: sorted(re.findall(r"Handshake Protocol: [A-Za-z ]+", t))
            if same_messages and messages(tree) != messages(seed_tree):
                failures.append(f"overlap {seed.name}: handshake messages differ from the seed's")

        print(f"mutation: {len(mutants)} mutants ({len(files)} in every mode), {checks} checks, "
              f"{len(failures)} failures")
        for f in failures:
            print("FAIL " + f)
        if failures:
            kept = Path(os.environ.get("MUTATION_KEEP", tempfile.gettempdir())) / "tlsdissect-mutants"
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(tmp, kept)
            print(f"mutants kept in {kept}")
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
