#!/usr/bin/env python3
"""Makes a big benchmark capture from a small real one: COPIES copies of every packet,
each copy with its own client address (127.<copy>.x.x style, IPv4 loopback captures on
Ethernet, classic pcap), so every copy is a distinct set of connections. The IPv4
header checksum is fixed; TCP/UDP checksums are left as they were (loopback captures
carry unverified checksums anyway). Timestamps advance copy after copy.

Usage: multiply.py IN.pcap OUT.pcap COPIES
"""
import struct
import sys


def ip_checksum(header):
    s = sum(struct.unpack("!10H", header[:20]))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def main():
    src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = open(src, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        sys.exit("only little-endian classic pcap input")
    link = struct.unpack("<I", data[20:24])[0]
    if link != 1:
        sys.exit("only Ethernet input")
    packets = []
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, length = struct.unpack("<IIII", data[off:off + 16])
        packets.append((sec, frac, length, bytearray(data[off + 16:off + 16 + caplen])))
        off += 16 + caplen
    first, last = packets[0][0], packets[-1][0]
    span = last - first + 1
    # The server keeps its address; the client side of each copy gets 127.(c>>8+10).(c&255).1
    server_addrs = set()
    for p in packets:
        pkt = p[3]
        # Servers answer from a well-known port: TLS on 443, DNS on 53, QUIC on 4433.
        if len(pkt) >= 38 and pkt[12:14] == b"\x08\x00" and pkt[23] in (6, 17):
            ihl = (pkt[14] & 15) * 4
            sport = pkt[14 + ihl:16 + ihl]
            if sport in (b"\x01\xbb", b"\x00\x35", b"\x11\x51"):
                server_addrs.add(bytes(pkt[26:30]))
    with open(dst, "wb") as out:
        out.write(data[:24])
        for c in range(copies):
            client = bytes([127, 10 + (c >> 8), c & 0xFF, 1])
            for sec, frac, length, pkt in packets:
                pkt = bytearray(pkt)
                if len(pkt) >= 34 and pkt[12:14] == b"\x08\x00":
                    src_ip, dst_ip = bytes(pkt[26:30]), bytes(pkt[30:34])
                    if src_ip in server_addrs and dst_ip not in server_addrs:
                        pkt[30:34] = client
                    elif dst_ip in server_addrs and src_ip not in server_addrs:
                        pkt[26:30] = client
                    pkt[24:26] = b"\x00\x00"
                    pkt[24:26] = struct.pack("!H", ip_checksum(bytes(pkt[14:34])))
                out.write(struct.pack("<IIII", sec + c * span, frac, len(pkt), length))
                out.write(pkt)


if __name__ == "__main__":
    main()
