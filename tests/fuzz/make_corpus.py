#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets (tests/fuzz/*.cpp) from the captures in
captures/: frames, raw IP packets, TCP payload streams, TLS handshake messages, X.509
certificates and DNS messages, each encoded the way its target reads its input.

    tests/fuzz/make_corpus.py [--captures DIR] [--out DIR] [--budget BYTES]

The committed seeds under tests/fuzz/corpus/<target>/ were written by this script with
the default budget (a few KB per target); tools/fuzz.sh also gives fuzz_capture the
capture files themselves. Only classic pcap is parsed here (every bundled capture has
a pcap twin); Ethernet, Linux cooked v1/v2 and raw IP link types.
"""

import argparse
import hashlib
import os
import random
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The link-type order of fuzz_frame.cpp's selector byte.
FRAME_LINK_TYPES = [0, 1, 101, 108, 113, 228, 229, 276, 9, 10, 50, 105, 127, 192, 239]
# Link types added with the encapsulations (issue 19): their fuzz_frame seeds are
# written by encapsulation_seeds(), not by the main loop.
NEW_FRAME_LINK_TYPES = {9, 10, 50, 105, 127, 192, 239}

# fuzz_encapsulation.cpp's selector: (index, how the payload is reached, key).
ENCAPSULATIONS = [("ip", 47), ("udp", 4789), ("udp", 6081), ("udp", 2152), ("udp", 3544), ("ethertype", 0x8847),
                  ("ethertype", 0x8863), ("ethertype", 0x8864), ("ethertype", 0x880b), ("ip", 4), ("ip", 41),
                  ("link", 9), ("link", 239), ("link", 127), ("link", 105), ("link", 192), ("link", 10)]

# fuzz_filter seeds: display filters in the forms the user guide and the unit tests use.
FILTER_SEEDS = [
    "tls.handshake.type == 1",
    "tls.handshake.type in {1, 2} || dns.flags.response == 1",
    "ip.addr == 10.0.0.0/8 and not (tcp.port in {80, 443, 8000..8080} || dns)",
    'tls.handshake.extensions_server_name matches r"\\.example\\.(com|org)$"',
    'tls.handshake.extensions_server_name contains "exa" && tcp.len > 0',
    "ipv6.addr == ::1 or eth.src == 00:11:22:33:44:55",
    "tcp.flags.syn == 1 && tcp.analysis.retransmission",
    "tls.handshake.ciphersuite == 0xc02f and frame.number >= 3",
    "dns.qry.name != \"a.example\" && udp",
    "tcp.payload[0:2] == 16:03 || frame.time_relative > 1.5",
    "!(tls) and _ws.malformed",
    "16,18-28,40-",
]


def read_pcap(path):
    """(link_type, [(ts_ns, caplen, origlen, bytes)]) for a classic pcap, else None."""
    data = path.read_bytes()
    if len(data) < 24:
        return None
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    link = struct.unpack(e + "I", data[20:24])[0]
    packets, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, caplen, origlen = struct.unpack(e + "IIII", data[pos:pos + 16])
        pos += 16
        packets.append((sec * 10**9 + (frac if nano else frac * 1000), caplen, origlen, data[pos:pos + caplen]))
        pos += caplen
    return link, packets


def ip_of_frame(link, frame):
    """The IP packet inside a frame, or None."""
    if link == 1:
        off, ethertype = 12, None
        while off + 2 <= len(frame):
            ethertype = struct.unpack(">H", frame[off:off + 2])[0]
            if ethertype in (0x8100, 0x88a8, 0x9100):
                off += 4
                continue
            off += 2
            break
        return frame[off:] if ethertype in (0x0800, 0x86dd) else None
    if link == 113:
        return frame[16:] if struct.unpack(">H", frame[14:16])[0] in (0x0800, 0x86dd) else None
    if link == 276:
        return frame[20:] if struct.unpack(">H", frame[0:2])[0] in (0x0800, 0x86dd) else None
    if link in (101, 228, 229):
        return frame
    return None


def transport_of_ip(ip):
    """(proto, src, dst, payload) of an unfragmented IPv4/IPv6 packet, or None."""
    if not ip:
        return None
    if ip[0] >> 4 == 4 and len(ip) >= 20:
        ihl = (ip[0] & 15) * 4
        flags_frag = struct.unpack(">H", ip[6:8])[0]
        if flags_frag & 0x3fff:
            return None
        total = struct.unpack(">H", ip[2:4])[0]
        return ip[9], ip[12:16], ip[16:20], ip[ihl:total]
    if ip[0] >> 4 == 6 and len(ip) >= 40:
        plen = struct.unpack(">H", ip[4:6])[0]
        if ip[6] not in (6, 17):
            return None
        return ip[6], ip[8:24], ip[24:40], ip[40:40 + plen]
    return None


def tcp_streams(link, packets):
    """{(conn, side): bytes} in sequence order, and the first sender of each connection."""
    segments, first = {}, {}
    for _, _, _, frame in packets:
        t = transport_of_ip(ip_of_frame(link, frame))
        if not t or t[0] != 6 or len(t[3]) < 20:
            continue
        _, src, dst, tcp = t
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        flags = tcp[13]
        payload = tcp[(tcp[12] >> 4) * 4:]
        a, b = (src, sport), (dst, dport)
        conn = tuple(sorted([a, b]))
        first.setdefault(conn, a)
        side = 0 if a == first[conn] else 1
        if flags & 2:
            seq += 1
        if payload:
            segments.setdefault((conn, side), []).append((seq, payload))
    streams = {}
    for key, segs in segments.items():
        base = segs[0][0]
        out = bytearray()
        for seq, payload in sorted(segs, key=lambda s: (s[0] - base) % 2**32):
            off = (seq - base) % 2**32
            if off > len(out):
                break  # a hole: keep what is contiguous
            out += payload[len(out) - off:]
        streams[key] = bytes(out)
    return streams, first


def tcp_chunks(link, packets):
    """Per connection: [(side, payload)] in capture order."""
    chunks, first = {}, {}
    for _, _, _, frame in packets:
        t = transport_of_ip(ip_of_frame(link, frame))
        if not t or t[0] != 6 or len(t[3]) < 20:
            continue
        _, src, dst, tcp = t
        sport, dport = struct.unpack(">HH", tcp[:4])
        payload = tcp[(tcp[12] >> 4) * 4:]
        a, b = (src, sport), (dst, dport)
        conn = tuple(sorted([a, b]))
        first.setdefault(conn, a)
        if payload:
            chunks.setdefault(conn, []).append((0 if a == first[conn] else 1, payload))
    return chunks


def tls_records(stream):
    pos = 0
    while pos + 5 <= len(stream):
        ctype, length = stream[pos], struct.unpack(">H", stream[pos + 3:pos + 5])[0]
        if ctype < 20 or ctype > 24 or stream[pos + 1] != 3:
            return
        yield ctype, stream[pos + 5:pos + 5 + length]
        pos += 5 + length


def handshake_messages(stream):
    """Plaintext handshake messages of one direction (until its Change Cipher Spec)."""
    buf = bytearray()
    for ctype, body in tls_records(stream):
        if ctype == 20:
            break
        if ctype != 22:
            continue
        buf += body
        while len(buf) >= 4:
            length = int.from_bytes(buf[1:4], "big")
            if len(buf) < 4 + length:
                break
            yield bytes(buf[:4 + length])
            del buf[:4 + length]


def compressed_certificates(body):
    """(algorithm, data) pairs of RFC 8879: zlib, and zstd when the zstd command exists."""
    import shutil
    import subprocess
    import zlib
    out = [(1, zlib.compress(body, 9))]
    if shutil.which("zstd"):
        out.append((3, subprocess.run(["zstd", "-q", "-c", "-"], input=body, capture_output=True, check=True).stdout))
    return out


def certificates(message, tls13):
    """The DER certificates of a Certificate handshake message."""
    body = message[4:]
    if tls13:
        body = body[1 + body[0]:]
    total = int.from_bytes(body[:3], "big")
    pos, end = 3, 3 + total
    while pos + 3 <= end:
        length = int.from_bytes(body[pos:pos + 3], "big")
        yield body[pos + 3:pos + 3 + length]
        pos += 3 + length
        if tls13:
            pos += 2 + int.from_bytes(body[pos:pos + 2], "big")


def pcap_file(link, packets):
    out = bytearray(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, link))
    for ts, caplen, origlen, data in packets:
        out += struct.pack("<IIII", ts // 10**9, ts % 10**9 // 1000, caplen, origlen) + data
    return bytes(out)


def encapsulation_payload(link, frame):
    """(selector, payload) for fuzz_encapsulation: the frame with the outer layers that
    the target rebuilds itself taken off, or None."""
    for index, (kind, key) in enumerate(ENCAPSULATIONS):
        if kind == "link" and link == key:
            return index, frame
    if link != 1 or len(frame) < 14:
        return None
    etype = struct.unpack(">H", frame[12:14])[0]
    for index, (kind, key) in enumerate(ENCAPSULATIONS):
        if kind == "ethertype" and etype == key:
            return index, frame[14:]
    ip = frame[14:]
    if etype != 0x0800 or len(ip) < 20 or ip[0] != 0x45:
        return None
    for index, (kind, key) in enumerate(ENCAPSULATIONS):
        if kind == "ip" and ip[9] == key:
            return index, ip[20:]
        if kind == "udp" and ip[9] == 17 and len(ip) >= 28 and struct.unpack(">H", ip[22:24])[0] == key:
            return index, ip[28:]
    return None


def encapsulation_seeds(corpus, parsed):
    """fuzz_encapsulation seeds from the tunnel and link-type captures, tunnels nested
    beyond the path limit, and fuzz_frame seeds for the link types added with them."""
    for path, (link, packets) in parsed:
        # The first SYN and the frame of the Client Hello (the fourth), of every capture.
        for i, (_, caplen, origlen, frame) in enumerate(packets[:4:3]):
            found = encapsulation_payload(link, frame)
            if found:
                corpus.add("fuzz_encapsulation", f"{path.stem}-{i}", bytes([found[0], origlen - caplen & 255]) + found[1])
            if link in NEW_FRAME_LINK_TYPES:
                corpus.add("fuzz_frame", f"{path.stem}-{i}", bytes([FRAME_LINK_TYPES.index(link), origlen - caplen & 255]) + frame)
    # GRE around IPv4 around GRE ... twelve deep, and IPv4 in IPv4 twelve deep.
    inner = bytes.fromhex("45000028000100004006000000000001000000029c4001bb00000001000000005002ffff00000000")
    for name, proto, head in (("gre-loop", 47, b"\x00\x00\x08\x00"), ("ipip-loop", 4, b"")):
        packet = inner
        for _ in range(12):
            body = head + packet
            packet = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0, 64, proto, 0, bytes([10, 0, 0, 1]),
                                 bytes([10, 0, 0, 2])) + body
        corpus.add("fuzz_encapsulation", name, bytes([ENCAPSULATIONS.index(("ip", proto)), 0]) + packet[20:], force=True)


class Corpus:
    def __init__(self, out, budget):
        self.out, self.budget, self.used = out, budget, {}

    def add(self, target, name, data, force=False):
        if not data or (not force and self.used.get(target, 0) + len(data) > self.budget):
            return False
        d = self.out / target
        d.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha1(data).hexdigest()[:8]
        (d / f"{name}-{digest}").write_bytes(data)
        self.used[target] = self.used.get(target, 0) + len(data)
        return True


def late_ack_seeds(corpus, stream):
    """fuzz_reassembly_diff inputs where data arrives after its ACK, as in
    tls12-late-segment.pcap (a capture merged from several queues): the server's first
    flight in 1408-byte segments, the client's ACK of the second one before it."""
    def op(kind, position=0, length_code=149):  # code 149: (149 - 127) * 64 = 1408 bytes
        return bytes([kind]) + struct.pack(">H", position) + bytes([length_code])
    head = struct.pack(">IBH", 0x12345678, 1, len(stream)) + stream
    seeds = {
        # the first segment, the ACK of the second, the second, the rest in order
        "after-its-ack": op(0) + op(0x82, 2816) + op(1, 1408) + op(2) + op(0) + op(0),
        # the third overtakes the late second one too
        "after-its-ack-overtaken": op(0) + op(0x82, 2816) + op(1, 2816) + op(0x82, 4000) + op(1, 1408) + op(2),
        # everything acknowledged before anything after the first segment arrives, then
        # the rest backwards
        "all-acked-first": op(0) + op(0x82, len(stream)) + op(1, 2816) + op(1, 1408) + op(2),
    }
    for name, ops in seeds.items():
        corpus.add("fuzz_reassembly_diff", f"tls12-late-segment-{name}", head + ops, force=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--captures", type=Path, default=ROOT / "captures")
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "fuzz" / "corpus")
    ap.add_argument("--budget", type=int, default=8 * 1024, help="bytes of seeds per target (default 8 KiB)")
    ap.add_argument("--encapsulations-only", action="store_true",
                    help="write only the fuzz_encapsulation seeds and the fuzz_frame seeds of the link types "
                         "added with them (keeps the other committed seeds as they are)")
    args = ap.parse_args()
    corpus = Corpus(args.out, args.budget)
    rng = random.Random(10)

    files = sorted(p for p in args.captures.iterdir() if p.suffix == ".pcap")
    # Smallest captures first so that every kind of traffic fits in the budget.
    files.sort(key=lambda p: p.stat().st_size)
    parsed = [(p, r) for p in files if (r := read_pcap(p))]
    if args.encapsulations_only:
        corpus.used["fuzz_frame"] = 0
        encapsulation_seeds(corpus, parsed)
        for target in sorted(corpus.used):
            print(f"{target}: {corpus.used[target]} bytes", file=sys.stderr)
        return

    for path, (link, packets) in parsed:
        stem = path.stem
        # fuzz_capture: the first packets of each capture, as a small pcap.
        corpus.add("fuzz_capture", stem, pcap_file(link, packets[:6]))
        # fuzz_output: the same, a little longer (its last byte also picks the modes).
        corpus.add("fuzz_output", stem, pcap_file(link, packets[:10]))
        # fuzz_frame: a few frames of each link type, cut short now and then.
        if link in FRAME_LINK_TYPES and link not in NEW_FRAME_LINK_TYPES:
            for i, (_, caplen, origlen, frame) in enumerate(packets[:40:7]):
                corpus.add("fuzz_frame", f"{stem}-{i}", bytes([FRAME_LINK_TYPES.index(link), origlen - caplen & 255]) + frame)
        # fuzz_ip_frames: the IP packets of the first frames, as a sequence.
        seq = bytearray()
        for _, _, _, frame in packets[:24]:
            ip = ip_of_frame(link, frame)
            if ip is not None and len(seq) + len(ip) < 3000:
                seq += struct.pack(">HB", len(ip), 2) + ip
        if "fragments" in stem or link == 1 and stem.startswith(("dns-misc", "tls12-alert", "tls13-openssl")):
            corpus.add("fuzz_ip_frames", stem, bytes(seq))
        # fuzz_dns: UDP port 53/5353/5355 payloads.
        for _, _, _, frame in packets:
            t = transport_of_ip(ip_of_frame(link, frame))
            if t and t[0] == 17 and len(t[3]) > 8:
                sport, dport = struct.unpack(">HH", t[3][:4])
                ports = {sport, dport}
                flavor = 1 if 5353 in ports else 2 if 5355 in ports else 0
                if ports & {53, 5353, 5355}:
                    corpus.add("fuzz_dns", f"{stem}", bytes([flavor]) + t[3][8:])
        # fuzz_dtls: the DTLS datagrams of a capture in order, [u16 length][payload] each;
        # config bit 0 when the server's datagram comes first.
        dtls = bytearray()
        first_sender = None
        for _, _, _, frame in packets:
            t = transport_of_ip(ip_of_frame(link, frame))
            if not t or t[0] != 17 or len(t[3]) < 8 + 13:
                continue
            payload = t[3][8:]
            if not (20 <= payload[0] <= 26 and payload[1] == 0xfe and payload[2] in (0xff, 0xfd, 0xfc)):
                continue
            if first_sender is None:
                first_sender = t[1]
            if len(dtls) + len(payload) > 4000:
                break
            dtls += struct.pack(">H", len(payload)) + payload
        if dtls:
            corpus.add("fuzz_dtls", stem, bytes([0]) + bytes(dtls), force=True)
        streams, first = tcp_streams(link, packets)
        # fuzz_tls_stream: the first chunks of each connection, one frame each.
        for conn, chunks in tcp_chunks(link, packets).items():
            # fuzz_tls_stream's config byte: the server port's index (its kServerPorts).
            port_index = {"smtp": 1, "proxy-socks": 2, "proxy-connect": 7}
            data = bytearray([next((v for k, v in port_index.items() if stem.startswith(k)), 0)])
            for side, payload in chunks:
                if len(data) + len(payload) > 3000:
                    break
                data += struct.pack(">BH", 4 | side, len(payload)) + payload
            corpus.add("fuzz_tls_stream", stem, bytes(data))
            break
        for (conn, side), stream in streams.items():
            if not stream or stream[0] not in (22, 0x80) and not stem.startswith(("smtp", "proxy")):
                continue
            tls13 = stem.startswith("tls13")
            # fuzz_reassembly_diff: the stream's head and a few segment operations.
            head = stream[:2500]
            ops = bytearray()
            for _ in range(12):
                ops += bytes([rng.randrange(4)]) + struct.pack(">H", rng.randrange(len(head))) + bytes([rng.randrange(256)])
            corpus.add("fuzz_reassembly_diff", f"{stem}-{side}",
                       struct.pack(">IBH", rng.randrange(2**32), side, len(head)) + head + bytes(ops))
            if stem == "tls12-late-segment" and side == 1:
                late_ack_seeds(corpus, stream[:4000])
            for msg in handshake_messages(stream):
                # fuzz_handshake: config bit 0 = sent by the client, bit 2 = TLS 1.3.
                config = (1 if side == 0 else 0) | (4 if tls13 and msg[0] != 1 else 0) | (8 if side == 1 else 0)
                if msg[0] == 22:
                    # CertificateStatus (an OCSP response): always seeded, whatever the budget.
                    corpus.add("fuzz_handshake", f"{stem}-{msg[0]}", bytes([config]) + msg, force=True)
                elif msg[0] != 11:
                    corpus.add("fuzz_handshake", f"{stem}-{msg[0]}", bytes([config]) + msg)
                else:
                    for i, der in enumerate(certificates(msg, tls13)):
                        corpus.add("fuzz_x509", f"{stem}-{i}", der)
                    corpus.add("fuzz_handshake", f"{stem}-{msg[0]}", bytes([config]) + msg[:1200])
                    # One Certificate also as an RFC 8879 CompressedCertificate (zlib; zstd
                    # too when its command is installed): no capture has one.
                    for alg, packed in compressed_certificates(msg[4:]) if stem == "audit-bad-cert" else []:
                        body = struct.pack(">H", alg) + struct.pack(">I", len(msg) - 4)[1:] + \
                            struct.pack(">I", len(packed))[1:] + packed
                        cc = bytes([25]) + struct.pack(">I", len(body))[1:] + body
                        corpus.add("fuzz_handshake", f"{stem}-25-{alg}", bytes([config]) + cc, force=True)

    # fuzz_dtls: the records no bundled capture has: a connection-ID record (RFC 9146),
    # a plaintext ACK (RFC 9147 section 7), DTLS 1.3 unified headers (with and without
    # length, 8- and 16-bit sequence numbers), after a tiny Client Hello so that the
    # flow is known to be DTLS; config bit 1 (cut) on the second copy.
    hello_body = struct.pack(">H", 0xfefd) + bytes(32) + b"\0\0" + struct.pack(">H", 2) + b"\xc0\x2f" + b"\x01\x00"
    hs = bytes([1]) + struct.pack(">I", len(hello_body))[1:] + struct.pack(">H", 0) + bytes(3) + \
        struct.pack(">I", len(hello_body))[1:] + hello_body
    records = [
        bytes([22]) + struct.pack(">HH", 0xfefd, 0) + bytes(6) + struct.pack(">H", len(hs)) + hs,
        bytes([25]) + struct.pack(">HH", 0xfefd, 1) + bytes(5) + b"\x01" + b"\xaa\xbb\xcc\xdd" +
        struct.pack(">H", 24) + bytes(range(24)),
        bytes([26]) + struct.pack(">HH", 0xfefd, 0) + bytes(5) + b"\x02" + struct.pack(">H", 18) +
        struct.pack(">HQQ", 16, 0, 1),
        bytes([0x2d]) + b"\x00\x05" + struct.pack(">H", 20) + bytes(range(20)),
        bytes([0x22]) + b"\x07" + bytes(range(30)),
    ]
    synthetic = b"".join(struct.pack(">H", len(r)) + r for r in records)
    corpus.add("fuzz_dtls", "synthetic", bytes([0]) + synthetic, force=True)
    corpus.add("fuzz_dtls", "synthetic-cut", bytes([2]) + synthetic, force=True)

    # fuzz_filter: each filter, then a Client Hello frame to match it against.
    hello = next((frame for path, (link, packets) in parsed if link == 1
                  for _, _, _, frame in packets if 0 <= frame.find(b"\x16\x03\x01", 54, 80) < len(frame) - 6
                  and frame[frame.find(b"\x16\x03\x01", 54, 80) + 5] == 1), b"")
    for i, text in enumerate(FILTER_SEEDS):
        corpus.add("fuzz_filter", f"filter-{i}", text.encode() + b"\0\0" + hello)

    # fuzz_tcp_reassembly: segment sequences (in order, reordered, overlapping, acks).
    for n in range(8):
        data = bytearray(struct.pack(">IBB", rng.randrange(2**32), rng.randrange(256), rng.randrange(256)))
        pos = 0
        for _ in range(24):
            kind = rng.choice([0, 0, 0, 1, 2, 3]) if n else 0
            side = rng.randrange(2) << 2
            if kind in (0, 1):
                length = rng.randrange(1, 120)
                seq = pos if rng.random() < 0.6 else max(0, pos + rng.randrange(-200, 400))
                flags = rng.choice([0, 0, 0, 0x08, 0x10, 0x40, 0x80])
                data += bytes([kind | side | flags]) + struct.pack(">HB", seq & 0xffff, length)
                if flags & 0x40:
                    data += bytes(rng.randrange(256) for _ in range(length))
                pos = max(pos, seq + length)
            elif kind == 2:
                data += bytes([2 | side]) + struct.pack(">H", rng.randrange(pos + 1) & 0xffff)
            else:
                data += bytes([3 | side])
        corpus.add("fuzz_tcp_reassembly", f"ops-{n}", bytes(data))

    encapsulation_seeds(corpus, parsed)

    for target in sorted(corpus.used):
        print(f"{target}: {corpus.used[target]} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
