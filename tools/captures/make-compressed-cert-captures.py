#!/usr/bin/python3
"""Derive RFC 8879 compressed-certificate captures from a real capture, with scapy.

No stack in Debian 12 sends a CompressedCertificate: OpenSSL 3.0 has no RFC 8879, and
Debian's GnuTLS 3.7 is built without its compression libraries (`--compress-cert`
is accepted but the extension is never sent). So these captures are NOT traffic of a
compressing server: they are a real TLS 1.2 connection (captures/tls12-chacha20.pcap,
OpenSSL s_server and s_client, see captures/README.md) in which this script replaces
the server's plaintext Certificate message by a CompressedCertificate (handshake type
25) holding the same Certificate body compressed with brotli (the one algorithm tshark
4.0 decompresses), then re-cuts the server's TCP segments that carried it and shifts
the sequence numbers after it (and the client's acknowledgements) by the change in
length; lengths and checksums are recomputed by scapy. Everything else (every other
byte of every other packet, the timing) is the original capture's. The handshake no
longer matches its Finished messages (not checked without keys).

    tools/captures/make-compressed-cert-captures.py [CAPTURES_DIR]

writes CAPTURES_DIR/tls12-compressed-cert-brotli.pcap, then checks with tshark that it
finds the CompressedCertificate, no malformed packet and no TCP analysis complaint
(tshark then shows the certificates inside, which the field differential test compares;
compare_compressed_certificates.py also decompresses tshark's bytes itself).

Needs Debian packages python3-scapy, python3-brotli and tshark; run with /usr/bin/python3.
"""
import os
import struct
import subprocess
import sys
import zlib  # noqa: F401  (see main)

import brotli
from scapy.all import IP, TCP, Ether, PcapWriter, Raw, RawPcapReader, conf

conf.verb = 0
SOURCE = "tls12-chacha20.pcap"
SERVER_PORT = 443


def read(path):
    r = RawPcapReader(path)
    frames = [(bytes(data), meta) for data, meta in r]
    r.close()
    return frames


def server_flight(packets):
    """The server's payload bytes from its first data segment on, and the packets' indexes."""
    seg = [(i, p) for i, p in enumerate(packets) if TCP in p and p[TCP].sport == SERVER_PORT and len(p[TCP].payload)]
    base = seg[0][1][TCP].seq
    stream = bytearray()
    where = []
    for i, p in seg:
        off = p[TCP].seq - base
        data = bytes(p[TCP].payload)
        if off != len(stream):
            sys.exit(f"frame {i + 1}: server segments out of order or retransmitted; pick another source")
        stream += data
        where.append((i, off, len(data)))
    return base, bytes(stream), where


def replace_certificate(stream, compress, algorithm):
    """The stream with the Certificate message of its handshake records replaced; (new
    stream, offset of the first changed byte, offset just past the changed record in the
    old stream, change in length)."""
    pos = 0
    while pos + 5 <= len(stream):
        ctype, length = stream[pos], struct.unpack(">H", stream[pos + 3:pos + 5])[0]
        record = stream[pos + 5:pos + 5 + length]
        if ctype == 22:
            m = 0
            while m + 4 <= len(record):
                mtype, mlen = record[m], int.from_bytes(record[m + 1:m + 4], "big")
                if mtype == 11:
                    body = record[m + 4:m + 4 + mlen]
                    packed = compress(body)
                    cc = struct.pack(">H", algorithm) + len(body).to_bytes(3, "big") + len(packed).to_bytes(3, "big") + packed
                    new_record = record[:m] + bytes([25]) + len(cc).to_bytes(3, "big") + cc + record[m + 4 + mlen:]
                    if len(new_record) > 16384:
                        sys.exit("record too long")
                    new = stream[:pos] + stream[pos:pos + 3] + struct.pack(">H", len(new_record)) + new_record + \
                        stream[pos + 5 + length:]
                    return new, pos, pos + 5 + length, len(new_record) - len(record)
                m += 4 + mlen
        pos += 5 + length
    sys.exit("no Certificate message in a handshake record")


def rewrite(src, dst, compress, algorithm):
    frames = read(src)
    packets = [Ether(data) for data, _ in frames]
    base, stream, where = server_flight(packets)
    new, start, old_end, delta = replace_certificate(stream, compress, algorithm)
    # The server segments that held bytes of the changed record are replaced by segments
    # of the new bytes from the first of them on; later ones keep their bytes, shifted.
    touched = [(i, off, n) for i, off, n in where if off < old_end and off + n > start]
    first_i, first_off, _ = touched[0]
    last_i, last_off, last_n = touched[-1]
    region = new[first_off:last_off + last_n + delta]
    cut = touched[0][2]  # the first segment's size (the connection's MSS-sized segments)
    out = []
    for i, p in enumerate(packets):
        if i in [t[0] for t in touched]:
            if i != first_i:
                continue
            for k in range(0, len(region), cut):
                q = p.copy()
                q[TCP].seq = base + first_off + k
                q[TCP].remove_payload()
                q[TCP].add_payload(Raw(region[k:k + cut]))
                out.append((q, frames[i][1]))
            continue
        q = p.copy()
        if TCP in q and q[TCP].sport == SERVER_PORT and q[TCP].seq - base >= old_end:
            q[TCP].seq = (q[TCP].seq + delta) & 0xFFFFFFFF
        acked = (q[TCP].ack - base) & 0xFFFFFFFF if TCP in q else 0
        if TCP in q and q[TCP].dport == SERVER_PORT and q[TCP].flags & 0x10 and start < acked < 1 << 31:
            # An acknowledgement inside the changed record acknowledges at most its new end.
            acked = acked + delta if acked >= old_end else min(acked, old_end + delta)
            q[TCP].ack = (base + acked) & 0xFFFFFFFF
        out.append((q, frames[i][1]))
    w = PcapWriter(dst, linktype=1, sync=True, snaplen=262144)
    w.write_header(None)     # write_packet() alone does not emit the file header
    for q, meta in out:
        del q[IP].len, q[IP].chksum, q[TCP].chksum
        data = bytes(q)
        w.write_packet(data, sec=meta.sec, usec=meta.usec, caplen=len(data), wirelen=len(data))
    w.close()


def check(path, algorithm):
    def ts(*args):
        return subprocess.run(["tshark", "-n", "-r", path, *args], capture_output=True, text=True, check=True).stdout
    assert ts("-Y", "_ws.malformed || _ws.expert.severity >= error", "-T", "fields", "-e", "frame.number").strip() == "", \
        f"{path}: malformed or error expert info in tshark"
    assert "ACKed unseen" not in ts() and "previous segment not captured" not in ts(), f"{path}: TCP analysis complains"
    got = ts("-Y", "tls.handshake.type == 25", "-T", "fields", "-e", "tls.compress_certificate.algorithm",
             "-e", "tls.compress_certificate.uncompressed_length").split()
    assert got and got[0] == str(algorithm), f"{path}: tshark sees {got}"
    print(f"ok {os.path.basename(path)}: algorithm {algorithm}, uncompressed length {got[1]}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "captures")
    src = os.path.join(out, SOURCE)
    # zlib (algorithm 1) works too (pass ("zlib", 1, lambda b: zlib.compress(b, 9))), but
    # tshark 4.0 decompresses only brotli, and the field differential test compares every
    # bundled capture with tshark: the zlib path has unit tests instead.
    for name, algorithm, compress in (("brotli", 2, lambda b: brotli.compress(b)),):
        dst = os.path.join(out, f"tls12-compressed-cert-{name}.pcap")
        rewrite(src, dst, compress, algorithm)
        check(dst, algorithm)


if __name__ == "__main__":
    main()
