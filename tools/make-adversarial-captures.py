#!/usr/bin/env python3
"""Writes hostile captures for the adversarial regression tests (tests/adversarial/run.sh).

    tools/make-adversarial-captures.py OUTDIR [--syns N] [--udp-flows N] [--big-syns N]

Every file is built byte by byte with struct (no scapy), so the tests need nothing but
python3. Nothing here is committed: run.sh writes them into a temporary directory at
test time (the floods are megabytes). Each capture and what it attacks:

  syn-flood.pcap.gz           N SYNs (default 300000), each from a new address/port to
                              port 443: connection table growth (--tcp-max-connections)
  syn-flood-big.pcap.gz       the same with --big-syns N SYNs (the test uses a million)
  udp-flood.pcap.gz           N UDP datagrams, each a new flow: the UDP conversation table
  tls-half-open-flood.pcap.gz --half-open N connections (default 200000), each a SYN, a
                              SYN/ACK and a Client Hello record cut 40 bytes short:
                              partial records and connection state (--tcp-max-buffered)
  dns-unanswered-flood.pcap.gz --dns-queries N DNS queries (default 200000) that are
                              never answered: the unanswered list of --sessions
  fragment-flood.pcap.gz      20000 IPv4 first-fragments of different datagrams whose
                              last byte is at 65527: fragment buffers (32 MiB, 4096 datagrams)
  dtls-fragment-flood.pcap.gz 20000 DTLS flows, each sending the first 100 bytes of a
                              Certificate that claims 250000: DTLS reassembly memory
                              (64 MiB for all connections together)
  tls-16mb-record.pcap        a TLS record claiming 65535 bytes (over the 2^14+2048 limit)
                              and a handshake message claiming 16 MiB, over ~2000 segments
  dns-compression-loops.pcap  DNS responses whose names loop, point forward, follow
                              more than 128 pointers, or grow past 255 bytes
  cert-deep-nesting.pcap      a TLS Certificate message whose certificate is 5000 nested
                              SEQUENCEs
  tcp-overlap-conflict.pcap   retransmissions and out-of-order segments that overlap
                              earlier ones with different bytes
  tcp-overlap-buffered.pcap   an in-order segment that overlaps a buffered out-of-order
                              one with the same bytes (once delivered them twice); the
                              client's stream as hex in tcp-overlap-buffered.expected
  tls-junk-split.pcap         junk between two TLS records, split across segments (once
                              swallowed the rest of the stream)
  tls-sni-invalid-utf8.pcap   a Client Hello whose server name and ALPN are not UTF-8
                              (once aborted --sessions and --json)
  tls-control-chars.pcap      terminal control characters in a server name, an ALPN
                              protocol and a DNS query name (shown escaped: \x1b, \a)
  tls-ocsp-malformed.pcap     CertificateStatus messages: a revoked OCSP status with its
                              reason, then responses with lying lengths, a bad time,
                              garbage, a wrong certStatus tag
  cut-mid-header.pcap         the last packet record ends inside its 16-byte header
  cut-mid-data.pcap           the last packet record ends inside its data
  cut-mid-block.pcapng        the last pcapng block ends inside its body
"""

import argparse
import gzip
import struct
import sys
from pathlib import Path

ETH_IPV4 = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
T0 = 1_700_000_000


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ident=0, frag=0):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, frag, 64, proto, 0,
                         bytes(src), bytes(dst))
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:] + payload


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    header = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0)
    pseudo = struct.pack("!4s4sBBH", bytes(src), bytes(dst), 0, 6, len(header) + len(payload))
    c = checksum(pseudo + header + payload)
    return ipv4(src, dst, 6, header[:16] + struct.pack("!H", c) + header[18:] + payload)


def udp(src, dst, sport, dport, payload):
    header = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    pseudo = struct.pack("!4s4sBBH", bytes(src), bytes(dst), 0, 17, len(header) + len(payload))
    c = checksum(pseudo + header + payload) or 0xFFFF
    return ipv4(src, dst, 17, header[:6] + struct.pack("!H", c) + payload)


class PcapWriter:
    """Classic little-endian microsecond pcap, Ethernet; gzip when the name ends in .gz."""

    def __init__(self, path):
        self.f = gzip.open(path, "wb", compresslevel=6) if str(path).endswith(".gz") else open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.n = 0

    def packet(self, ip_packet, ts_us=None, raw=None):
        frame = raw if raw is not None else ETH_IPV4 + ip_packet
        ts = T0 * 1_000_000 + (self.n * 10 if ts_us is None else ts_us)
        self.f.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(frame), len(frame)) + frame)
        self.n += 1

    def close(self):
        self.f.close()


class TcpConnection:
    """A client/server connection: handshake, payload each way, FIN."""

    def __init__(self, w, client=(10, 0, 0, 1), server=(10, 0, 0, 2), cport=40000, sport=443):
        self.w, self.c, self.s, self.cport, self.sport = w, client, server, cport, sport
        self.seq = {0: 1000, 1: 5000}  # next sequence number per side (0 client)
        w.packet(tcp(client, server, cport, sport, 999, 0, 0x02))
        w.packet(tcp(server, client, sport, cport, 4999, 1000, 0x12))
        w.packet(tcp(client, server, cport, sport, 1000, 5000, 0x10))

    def send(self, side, payload, at=None, advance=True):
        """Sends `payload` at stream offset `at` (default: the next byte) of `side`."""
        src, dst, sp, dp = (self.c, self.s, self.cport, self.sport) if side == 0 else (
            self.s, self.c, self.sport, self.cport)
        seq = self.seq[side] if at is None else self.base(side) + at
        self.w.packet(tcp(src, dst, sp, dp, seq, self.seq[1 - side], 0x18, payload))
        if advance and at is None:
            self.seq[side] += len(payload)

    def base(self, side):
        return 1000 if side == 0 else 5000

    def close(self):
        self.w.packet(tcp(self.c, self.s, self.cport, self.sport, self.seq[0], self.seq[1], 0x11))
        self.w.packet(tcp(self.s, self.c, self.sport, self.cport, self.seq[1], self.seq[0] + 1, 0x11))
        self.w.packet(tcp(self.c, self.s, self.cport, self.sport, self.seq[0] + 1, self.seq[1] + 1, 0x10))


def record(ctype, body, version=0x0303):
    return struct.pack("!BHH", ctype, version, len(body) & 0xFFFF) + body


def handshake(htype, body):
    return struct.pack("!B", htype) + len(body).to_bytes(3, "big") + body


def client_hello(sni=b"www.example.test", alpn=(b"h2", b"http/1.1")):
    exts = b""
    name = struct.pack("!BH", 0, len(sni)) + sni
    exts += struct.pack("!HH", 0, len(name) + 2) + struct.pack("!H", len(name)) + name
    protos = b"".join(struct.pack("!B", len(p)) + p for p in alpn)
    exts += struct.pack("!HH", 16, len(protos) + 2) + struct.pack("!H", len(protos)) + protos
    exts += struct.pack("!HHH", 10, 4, 2) + struct.pack("!H", 29)  # supported_groups: x25519
    body = struct.pack("!H", 0x0303) + bytes(range(32)) + b"\x00" + struct.pack("!HH", 2, 0xC02F) + b"\x01\x00"
    body += struct.pack("!H", len(exts)) + exts
    return handshake(1, body)


def server_hello():
    body = struct.pack("!H", 0x0303) + bytes(range(32, 64)) + b"\x00" + struct.pack("!H", 0xC02F) + b"\x00"
    body += struct.pack("!H", 0)
    return handshake(2, body)


def split(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


def syn_flood(path, count):
    w = PcapWriter(path)
    dst = (10, 255, 0, 1)
    for i in range(count):
        src = (10, 1 + (i >> 16) % 254, (i >> 8) & 0xFF, i & 0xFF or 1)
        w.packet(tcp(src, dst, 1024 + i % 60000, 443, i * 7919, 0, 0x02), ts_us=i)
    w.close()


def tls_half_open_flood(path, count):
    # Each connection waits for the last 40 bytes of its first record, forever: what it
    # holds (the partial record, the reassembler, the TLS state) is held to the end.
    w = PcapWriter(path)
    dst = (10, 253, 0, 1)
    hello = record(22, client_hello(), version=0x0301)
    cut = hello[:-40]
    for i in range(count):
        src = (10, 1 + (i >> 16) % 254, (i >> 8) & 0xFF, i & 0xFF or 1)
        sport = 1024 + i % 60000
        isn = (i * 7919) & 0xFFFFFFFF
        w.packet(tcp(src, dst, sport, 443, isn, 0, 0x02), ts_us=3 * i)
        w.packet(tcp(dst, src, 443, sport, 5000, isn + 1, 0x12), ts_us=3 * i + 1)
        w.packet(tcp(src, dst, sport, 443, isn + 1, 5001, 0x18, cut), ts_us=3 * i + 2)
    w.close()


def dns_unanswered_flood(path, count):
    w = PcapWriter(path)
    client, server = (10, 0, 0, 1), (10, 0, 0, 53)
    for i in range(count):
        name = b"".join(bytes([len(p)]) + p for p in (b"q%d" % i, b"example", b"test")) + b"\x00"
        query = struct.pack("!HHHHHH", i & 0xFFFF, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1)
        w.packet(udp(client, server, 1024 + (i >> 16), 53, query), ts_us=i)
    w.close()


def udp_flood(path, count):
    w = PcapWriter(path)
    dst = (10, 255, 0, 1)
    for i in range(count):
        src = (10, 1 + (i >> 16) % 254, (i >> 8) & 0xFF, i & 0xFF or 1)
        w.packet(udp(src, dst, 1024 + i % 60000, 9999, b"x"), ts_us=i)
    w.close()


def fragment_flood(path, count=20000):
    # Each datagram's last fragment, 8 bytes at offset 65520: a reassembler that sizes
    # its buffer by the end offset holds 64 KiB for every 42-byte packet.
    w = PcapWriter(path)
    src, dst = (10, 0, 0, 1), (10, 0, 0, 2)
    for i in range(count):
        w.packet(ipv4(src, dst, 17, b"\xaa" * 8, ident=i, frag=65520 // 8), ts_us=i)
    w.close()


def dtls_fragment_flood(path, count=20000):
    # Each flow's first datagram starts a large handshake message that never completes: a
    # reassembler per connection that sizes its buffer by the message length holds
    # 250 KB for every 150-byte packet, unless the capture's reassemblers share a bound.
    w = PcapWriter(path)
    dst = (10, 254, 0, 1)
    length = 250000
    fragment = bytes(100)
    hs = bytes([11]) + length.to_bytes(3, "big") + bytes(2) + bytes(3) + len(fragment).to_bytes(3, "big") + fragment
    record = bytes([22, 0xfe, 0xfd, 0, 0]) + bytes(6) + len(hs).to_bytes(2, "big") + hs
    for i in range(count):
        src = (10, 1 + (i >> 16) % 254, (i >> 8) & 0xFF, i & 0xFF or 1)
        w.packet(udp(src, dst, 1024 + i % 60000, 4433, record), ts_us=i)
    w.close()


def tls_16mb_record(path):
    w = PcapWriter(path)
    conn = TcpConnection(w)
    # A normal-size record whose handshake message claims 16 MiB (the reassembly limit is
    # 256 KiB), then a record claiming 65535 bytes (over 2^14 + 2048), then the rest of
    # the stream: all in 40-byte segments.
    stream = record(22, handshake(1, b"")[:1] + b"\xff\xff\xff" + b"\x00" * 16380)
    stream += record(22, b"\x00" * 65535)
    stream += record(22, b"\x00" * 2000)
    for piece in split(stream, 40):
        conn.send(0, piece)
    conn.close()
    w.close()


def dns_response(ident, question_name, answers):
    header = struct.pack("!HHHHHH", ident, 0x8180, 1, len(answers), 0, 0)
    q = question_name + struct.pack("!HH", 1, 1)
    return header + q + b"".join(answers)


def rr(name, rtype, rdata):
    return name + struct.pack("!HHIH", rtype, 1, 300, len(rdata)) + rdata


def dns_compression_loops(path):
    w = PcapWriter(path)
    client, server = (10, 0, 0, 1), (10, 0, 0, 53)
    q = b"\x01a\x07example\x04test\x00"  # at offset 12
    messages = []
    # 1. An answer whose name is a pointer to itself.
    m = dns_response(1, q, [])
    m = m[:6] + struct.pack("!H", 1) + m[8:]
    here = len(m)
    messages.append(m + rr(struct.pack("!H", 0xC000 | here), 1, b"\x7f\x00\x00\x01"))
    # 2. Two pointers that point at each other (the second points forward).
    m = dns_response(2, q, [])
    m = m[:6] + struct.pack("!H", 2) + m[8:]
    a = len(m)
    first = rr(struct.pack("!H", 0xC000 | (a + 14)), 0xFF00, b"\x00\x00" + struct.pack("!H", 0xC000 | a))
    messages.append(m + first + rr(struct.pack("!H", 0xC000 | a), 1, b"\x7f\x00\x00\x01"))
    # 3. A chain of 200 pointers, each to the one before it (all backwards: only the hop
    #    limit stops it).
    m = dns_response(3, q, [])
    m = m[:6] + struct.pack("!H", 2) + m[8:]
    rdata_at = len(m) + 2 + 10
    chain = struct.pack("!H", 0xC000 | 12)
    for i in range(1, 200):
        chain += struct.pack("!H", 0xC000 | (rdata_at + 2 * (i - 1)))
    last = rdata_at + 2 * 199
    messages.append(m + rr(b"\xc0\x0c", 0xFF00, chain) + rr(struct.pack("!H", 0xC000 | last), 1, b"\x7f\x00\x00\x01"))
    # 4. Names that grow past 255 bytes through pointers: each adds a 63-byte label.
    m = dns_response(4, q, [])
    m = m[:6] + struct.pack("!H", 5) + m[8:]
    records, prev = b"", 12
    for i in range(5):
        at = len(m) + len(records)
        name = b"\x3f" + bytes([0x61 + i]) * 63 + struct.pack("!H", 0xC000 | prev)
        records += rr(name, 1, b"\x7f\x00\x00\x01")
        prev = at
    messages.append(m + records)
    for i, msg in enumerate(messages):
        w.packet(udp(server, client, 53, 33000 + i, msg))
    w.close()


def cert_deep_nesting(path, depth=5000):
    w = PcapWriter(path)
    conn = TcpConnection(w)
    conn.send(0, record(22, client_hello()))
    der = b"\x05\x00"  # NULL at the bottom
    for _ in range(depth):
        der = b"\x30\x82" + struct.pack("!H", len(der)) + der if len(der) < 65536 else \
            b"\x30\x83" + len(der).to_bytes(3, "big") + der
    certs = len(der).to_bytes(3, "big") + der
    message = server_hello() + handshake(11, len(certs).to_bytes(3, "big") + certs) + handshake(14, b"")
    for piece in split(message, 16384):
        for segment in split(record(22, piece), 1400):
            conn.send(1, segment)
    conn.close()
    w.close()


def tcp_overlap_conflict(path):
    w = PcapWriter(path)
    conn = TcpConnection(w, sport=8080)
    data = b"GET /index.html HTTP/1.1\r\nHost: www.example.test\r\n\r\n"
    conn.send(0, data[:20])
    conn.send(0, b"XXXXXXXXXXXXXXXXXXXX", at=10, advance=False)  # retransmission, different bytes
    conn.send(0, data[40:], at=40, advance=False)  # out of order
    conn.send(0, b"YYYYYYYYYYYYYYYYYYYY", at=30, advance=False)  # overlaps it, different bytes
    conn.send(0, data[20:40], at=20, advance=False)  # fills the hole
    conn.seq[0] += len(data) - 20
    conn.close()
    w.close()


def tcp_overlap_buffered(path):
    w = PcapWriter(path)
    conn = TcpConnection(w)
    hello = record(22, client_hello())
    conn.send(0, hello[100:], at=100, advance=False)  # out of order: buffered
    conn.send(0, hello[:150], at=0, advance=False)  # in order, overlaps the buffered piece
    conn.seq[0] += len(hello)
    conn.send(1, record(22, server_hello()))
    conn.close()
    w.close()
    # What --follow must show for the client: each byte once.
    Path(str(path).replace(".pcap", ".expected")).write_text(hello.hex())


def tls_junk_split(path):
    w = PcapWriter(path)
    conn = TcpConnection(w)
    alert = record(21, b"\x01\x00")
    conn.send(0, record(22, client_hello()) + b"\x00")  # a record, then one junk byte
    conn.send(0, b"\x00\x00\x00\x00" + alert)  # more junk, then a record: both must be found
    conn.close()
    w.close()


def tls_sni_invalid_utf8(path):
    w = PcapWriter(path)
    conn = TcpConnection(w)
    conn.send(0, record(22, client_hello(sni=b"www.\xff\xfe\x1b[31mevil.test", alpn=(b"\xc3\x28", b"h2"))))
    conn.send(1, record(22, server_hello()))
    conn.close()
    w.close()


def tls_control_chars(path):
    # Terminal control characters in a server name, an ALPN protocol and a DNS name: the
    # tree and the summary must show them escaped (\x1b, \a), never raw.
    w = PcapWriter(path)
    conn = TcpConnection(w)
    conn.send(0, record(22, client_hello(sni=b"ev\x07il\x1b[2J.test", alpn=(b"h2\r\n", b"x\\y"))))
    conn.send(1, record(22, server_hello()))
    conn.close()
    query = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\x06bad\x1b[0\x04te\x08t\x00" + struct.pack("!HH", 1, 1)
    w.packet(udp((10, 0, 0, 1), (10, 0, 0, 53), 33333, 53, query))
    w.close()


def ocsp_response(cert_status=b"\x80\x00", produced=b"20261127052514Z"):
    """A DER OCSPResponse with one SingleResponse (no signature check is possible)."""
    def tlv(tag, body):
        n = len(body)
        if n < 128:
            length = bytes([n])
        else:
            b = n.to_bytes((n.bit_length() + 7) // 8, "big")
            length = bytes([0x80 | len(b)]) + b
        return bytes([tag]) + length + body
    sha1 = tlv(0x30, tlv(0x06, bytes.fromhex("2b0e03021a")) + b"\x05\x00")
    cert_id = tlv(0x30, sha1 + tlv(0x04, b"\x11" * 20) + tlv(0x04, b"\x22" * 20) + tlv(0x02, b"\x30\x03"))
    single = tlv(0x30, cert_id + cert_status + tlv(0x18, b"20261127052514Z") +
                 tlv(0xA0, tlv(0x18, b"20261204052514Z")))
    tbs = tlv(0x30, tlv(0xA2, tlv(0x04, b"\x33" * 20)) + tlv(0x18, produced) + tlv(0x30, single))
    sig_alg = tlv(0x30, tlv(0x06, bytes.fromhex("2a864886f70d01010b")) + b"\x05\x00")
    basic = tlv(0x30, tbs + sig_alg + tlv(0x03, b"\x00" + b"\x44" * 64))
    rb = tlv(0x30, tlv(0x06, bytes.fromhex("2b0601050507300101")) + tlv(0x04, basic))
    return tlv(0x30, tlv(0x0A, b"\x00") + tlv(0xA0, rb))


def tls_ocsp_malformed(path):
    # CertificateStatus messages: a revoked status with its reason, then OCSP responses
    # that lie: a length past the end, a bad time, garbage, a wrong certStatus tag.
    w = PcapWriter(path)
    conn = TcpConnection(w)
    conn.send(0, record(22, client_hello()))
    revoked = b"\xa1" + bytes([17 + 5]) + b"\x18\x0f20261120000000Z" + b"\xa0\x03\x0a\x01\x01"
    bodies = [ocsp_response(cert_status=revoked), ocsp_response()[:-10],
              ocsp_response(produced=b"2026XX27052514Z"), b"\x30\x84\xff\xff\xff\xff" + b"\x00" * 8,
              ocsp_response(cert_status=b"\x85\x00"), b"\x30\x03\x0a\x01\x06"]
    msgs = record(22, server_hello())
    for body in bodies:
        status = b"\x01" + len(body).to_bytes(3, "big") + body
        msgs += record(22, handshake(22, status))
    conn.send(1, msgs)
    conn.close()
    w.close()


def cut_captures(outdir):
    w = PcapWriter(outdir / "cut-mid-header.pcap")
    conn = TcpConnection(w, sport=8080)
    conn.send(0, b"hello")
    w.close()
    full = (outdir / "cut-mid-header.pcap").read_bytes()
    header = struct.pack("<IIII", T0, 0, 60, 60)
    (outdir / "cut-mid-header.pcap").write_bytes(full + header[:8])
    (outdir / "cut-mid-data.pcap").write_bytes(full + header + b"\x02" * 30)
    # pcapng: section header, interface description, one enhanced packet block, then a
    # block whose length says 200 bytes but the file ends after 40.
    shb_body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    shb = struct.pack("<II", 0x0A0D0D0A, 12 + len(shb_body)) + shb_body + struct.pack("<I", 12 + len(shb_body))
    idb = struct.pack("<IIHHI", 1, 20, 1, 0, 262144) + struct.pack("<I", 20)
    frame = ETH_IPV4 + udp((10, 0, 0, 1), (10, 0, 0, 2), 1, 2, b"ping")
    pad = (-len(frame)) % 4
    epb_len = 32 + len(frame) + pad
    epb = struct.pack("<IIIIIII", 6, epb_len, 0, 0, 0, len(frame), len(frame)) + frame + b"\0" * pad + \
        struct.pack("<I", epb_len)
    cut = struct.pack("<IIIIIII", 6, 200, 0, 0, 0, 150, 150) + b"\x00" * 12
    (outdir / "cut-mid-block.pcapng").write_bytes(shb + idb + epb + cut)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--syns", type=int, default=300_000, help="SYNs in syn-flood.pcap.gz (default 300000)")
    ap.add_argument("--udp-flows", type=int, default=300_000, help="datagrams in udp-flood.pcap.gz (default 300000)")
    ap.add_argument("--half-open", type=int, default=200_000,
                    help="connections in tls-half-open-flood.pcap.gz (default 200000)")
    ap.add_argument("--dns-queries", type=int, default=200_000,
                    help="queries in dns-unanswered-flood.pcap.gz (default 200000)")
    ap.add_argument("--big-syns", type=int, default=0,
                    help="also write syn-flood-big.pcap.gz with this many SYNs (default: none)")
    args = ap.parse_args()
    out = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    syn_flood(out / "syn-flood.pcap.gz", args.syns)
    if args.big_syns:
        syn_flood(out / "syn-flood-big.pcap.gz", args.big_syns)
    udp_flood(out / "udp-flood.pcap.gz", args.udp_flows)
    tls_half_open_flood(out / "tls-half-open-flood.pcap.gz", args.half_open)
    dns_unanswered_flood(out / "dns-unanswered-flood.pcap.gz", args.dns_queries)
    fragment_flood(out / "fragment-flood.pcap.gz")
    dtls_fragment_flood(out / "dtls-fragment-flood.pcap.gz")
    tls_16mb_record(out / "tls-16mb-record.pcap")
    dns_compression_loops(out / "dns-compression-loops.pcap")
    cert_deep_nesting(out / "cert-deep-nesting.pcap")
    tcp_overlap_conflict(out / "tcp-overlap-conflict.pcap")
    tcp_overlap_buffered(out / "tcp-overlap-buffered.pcap")
    tls_junk_split(out / "tls-junk-split.pcap")
    tls_sni_invalid_utf8(out / "tls-sni-invalid-utf8.pcap")
    tls_control_chars(out / "tls-control-chars.pcap")
    tls_ocsp_malformed(out / "tls-ocsp-malformed.pcap")
    cut_captures(out)
    for p in sorted(out.iterdir()):
        print(f"{p.name}: {p.stat().st_size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
