#!/usr/bin/python3
"""Wrap real TLS traffic in encapsulations and link types the kernel here cannot make.

The Debian 12 kernel of the capture machine has no GRE, ERSPAN, Geneve, IPIP, SIT or
ip6tnl devices (`ip link add ... type gre` answers "Unknown device type"), and GTP-U,
MPLS, PPPoE, Teredo, NFLOG, PPP and 802.11 need equipment or privileges a namespace
does not give. So this script takes the real TLS connections of two bundled captures
(tls13-openssl.pcap over IPv4, https-cname-tls12-ipv6.pcap over IPv6, both made by
make-captures.sh from OpenSSL in network namespaces) and writes each of their IP packets,
byte for byte (asserted), inside the headers below. The outer headers are built by hand
from the RFCs; lengths and checksums are computed by scapy. Outer addresses come from
the documentation ranges (RFC 5737, RFC 3849), MACs are locally administered.

  gre-tls13.pcap            Ethernet / IPv4 / GRE (checksum, key 42, sequence) / IPv4 / TCP
  gre-two-tunnels-tls13.pcap  the same connection twice, interleaved, through two GRE
                            tunnels (key 1 between 192.0.2.1-2, key 2 between
                            198.51.100.1-2): one 4-tuple, two conversations
  erspan2-tls13.pcap        IPv4 / GRE (sequence) / ERSPAN type II (session 10, VLAN 100) /
                            Ethernet / IPv4 / TCP
  erspan3-tls13.pcap        IPv4 / GRE / ERSPAN type III (session 7, platform subheader
                            id 3) / Ethernet / 802.1Q / IPv4 / TCP
  geneve-tls13.pcap         IPv4 / UDP 6081 / Geneve (VNI 0x1234, two options, one of them
                            critical) / Ethernet / IPv4 / TCP
  gtpu-tls13.pcap           IPv4 / UDP 2152 / GTP-U (a TEID per direction, sequence
                            numbers, a PDU Session Container extension header) / IPv4 /
                            TCP, after a GTP echo request and response
  mpls-pw-tls13.pcap        Ethernet / MPLS (labels 100, 200) / pseudowire control word /
                            Ethernet / IPv4 / TCP
  pppoe-tls13.pcap          PPPoE discovery (PADI, PADO, PADR, PADS), PPP LCP and IPCP,
                            then Ethernet / PPPoE session 0x0011 / PPP / IPv4 / TCP, and PADT
  teredo-tls12-ipv6.pcap    IPv4 / UDP 3544 / Teredo (origin indication on the server's
                            packets) / IPv6 / TCP
  sit-tls12-ipv6.pcap       IPv4 / IPv6 (protocol 41) / TCP
  ip4in6-tls13.pcap         IPv6 / IPv4 (next header 4) / TCP
  ppp-tls13.pcap            LINKTYPE_PPP: PPP (address, control) / IPv4 / TCP
  radiotap-tls13.pcap       LINKTYPE_IEEE802_11_RADIOTAP: radiotap (flags, rate, channel,
                            signal; FCS at end) / 802.11 QoS Data / LLC SNAP / IPv4 / TCP
  nflog-tls13.pcap          LINKTYPE_NFLOG: NFLOG TLVs (little-endian) / IPv4 / TCP

Usage: make-encap-captures.py CAPTURES_DIR [OUTDIR]   (OUTDIR defaults to CAPTURES_DIR)
The key logs of the source captures decrypt the wrapped ones; each output gets a copy
(NAME.keys beside NAME.pcap, as compare_decryption.py expects), except
gre-two-tunnels-tls13.pcap, on which tshark and tlsdissect disagree on purpose (see
compare_fields.py, TWIN_TUNNEL_CAPTURES).

Needs Debian package python3-scapy; run with /usr/bin/python3.
"""
import os
import struct
import sys
import zlib

import warnings

from scapy.all import IP, UDP, Ether, IPv6, Dot1Q, PcapWriter, Raw, RawPcapReader, conf

conf.verb = 0

CLIENT_MAC = "02:00:00:00:00:01"
SERVER_MAC = "02:00:00:00:00:02"
ROUTER_A = "02:00:00:00:0a:01"
ROUTER_B = "02:00:00:00:0a:02"
# Inside the pseudowire, vendor MACs (Apple 8c:85:90, D-Link 10:be:f5): Wireshark tells
# a control word from a plain Ethernet frame by whether the bytes read as MAC addresses
# belong to known vendors, and locally administered addresses would fool it.
VENDOR_MACS = ("8c:85:90:2a:d5:d9", "10:be:f5:1b:e0:30")


def read_ip_packets(path):
    """(timestamp, IP packet bytes, is the packet the client's) for every frame."""
    out = []
    client = None
    for data, meta in RawPcapReader(path):
        eth = Ether(data)
        ip = eth.payload
        raw = bytes(ip)
        if client is None:
            client = ip.src
        ts = meta.sec + meta.usec / 1e6 if hasattr(meta, "usec") else meta.tshigh
        out.append((ts, raw, ip.src == client))
    return out


def inner_ethernet(ip_bytes, from_client, macs=(CLIENT_MAC, SERVER_MAC)):
    src, dst = macs if from_client else macs[::-1]
    etype = 0x0800 if ip_bytes[0] >> 4 == 4 else 0x86dd
    return bytes(Ether(src=src, dst=dst, type=etype)) + ip_bytes


def outer_v4(from_client, a="192.0.2.1", b="192.0.2.2"):
    return (a, b) if from_client else (b, a)


def write(path, linktype, frames):
    w = PcapWriter(path, linktype=linktype, sync=True)
    for ts, data in frames:
        p = Raw(data)
        p.time = ts
        w.write(p)
    w.close()


def checked(frame, ip_bytes):
    assert ip_bytes in frame, "the inner IP packet must be kept byte for byte"
    return frame


def gre_header(proto, key=None, seq=None, checksum=False, payload=b""):
    flags = (0x8000 if checksum else 0) | (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    head = struct.pack("!HH", flags, proto)
    opt = b""
    if checksum:
        opt += b"\x00\x00\x00\x00"
    if key is not None:
        opt += struct.pack("!I", key)
    if seq is not None:
        opt += struct.pack("!I", seq)
    data = head + opt + payload
    if checksum:
        s = 0
        padded = data + (b"\x00" if len(data) % 2 else b"")
        for i in range(0, len(padded), 2):
            s += padded[i] << 8 | padded[i + 1]
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        data = head + struct.pack("!H", ~s & 0xffff) + data[6:]
    return data


def eth_ipv4_proto(from_client, proto, body, a="192.0.2.1", b="192.0.2.2"):
    src, dst = outer_v4(from_client, a, b)
    macs = (ROUTER_A, ROUTER_B) if from_client else (ROUTER_B, ROUTER_A)
    return bytes(Ether(src=macs[0], dst=macs[1]) / IP(src=src, dst=dst, id=0, flags="DF", proto=proto) / Raw(body))


def gre_capture(packets):
    return [(ts, checked(eth_ipv4_proto(c, 47, gre_header(0x0800, key=42, seq=n, checksum=True, payload=ip)), ip))
            for n, (ts, ip, c) in enumerate(packets)]


def gre_two_tunnels(packets):
    frames = []
    for n, (ts, ip, c) in enumerate(packets):
        frames.append((ts, checked(eth_ipv4_proto(c, 47, gre_header(0x0800, key=1, payload=ip)), ip)))
        frames.append((ts + 0.000001, checked(eth_ipv4_proto(c, 47, gre_header(0x0800, key=2, payload=ip),
                                                             "198.51.100.1", "198.51.100.2"), ip)))
    return frames


def erspan2(packets):
    frames = []
    for n, (ts, ip, c) in enumerate(packets):
        # Ver 1 | VLAN 100 | COS 0 | En 3 (tag preserved) | T 0 | session 10 | reserved | index 5
        hdr = struct.pack("!HHI", 0x1000 | 100, (3 << 11) | 10, 5)
        body = gre_header(0x88be, seq=n, payload=hdr + inner_ethernet(ip, c))
        frames.append((ts, checked(eth_ipv4_proto(c, 47, body, "203.0.113.10", "203.0.113.20"), ip)))
    return frames


def erspan3(packets):
    frames = []
    for n, (ts, ip, c) in enumerate(packets):
        stamp = int(ts * 1e4) & 0xffffffff  # 100-microsecond granularity (Gra 0)
        # Ver 2 | VLAN 100 | COS 0 | BSO 0 | T 0 | session 7 | timestamp | SGT 0 |
        # P 0 | FT 0 (Ethernet) | HW 1 | D (0 ingress from the client) | Gra 0 | O 1
        flags = (1 << 4) | ((0 if c else 1) << 3) | 1
        hdr = struct.pack("!HHIHH", 0x2000 | 100, 7, stamp, 0, flags)
        # Platform subheader, platform id 3: port index 12, upper timestamp 0.
        hdr += struct.pack("!II", (3 << 26) | 12, 0)
        src, dst = (CLIENT_MAC, SERVER_MAC) if c else (SERVER_MAC, CLIENT_MAC)
        inner = bytes(Ether(src=src, dst=dst) / Dot1Q(vlan=100, type=0x0800)) + ip
        body = gre_header(0x22eb, payload=hdr + inner)
        frames.append((ts, checked(eth_ipv4_proto(c, 47, body, "203.0.113.10", "203.0.113.20"), ip)))
    return frames


def geneve(packets):
    frames = []
    # Option 1: class 0x0102 type 0x80 (critical), 4 bytes; option 2: class 0xffff type 0x01, 8 bytes.
    opts = struct.pack("!HBB", 0x0102, 0x80, 1) + b"\x00\x00\x00\x2a"
    opts += struct.pack("!HBB", 0xffff, 0x01, 2) + b"tlsdisct"
    for ts, ip, c in packets:
        hdr = struct.pack("!BBH", len(opts) // 4, 0x40, 0x6558) + struct.pack("!I", 0x1234 << 8) + opts
        src, dst = outer_v4(c)
        sport = 50001 if c else 50002
        frame = bytes(Ether(src=ROUTER_A if c else ROUTER_B, dst=ROUTER_B if c else ROUTER_A) /
                      IP(src=src, dst=dst, id=0, flags="DF") / UDP(sport=sport, dport=6081) /
                      Raw(hdr + inner_ethernet(ip, c)))
        frames.append((ts, checked(frame, ip)))
    return frames


def gtp_frame(ts, c, body):
    src, dst = ("198.51.100.10", "198.51.100.20") if c else ("198.51.100.20", "198.51.100.10")
    return bytes(Ether(src=ROUTER_A if c else ROUTER_B, dst=ROUTER_B if c else ROUTER_A) /
                 IP(src=src, dst=dst, id=0) / UDP(sport=2152, dport=2152) / Raw(body))


def gtpu(packets):
    frames = []
    t0 = packets[0][0] - 0.01
    # Echo request and response (message types 1 and 2, TEID 0, sequence number 1,
    # the response with the Recovery information element).
    frames.append((t0, gtp_frame(t0, True, struct.pack("!BBHIHBB", 0x32, 1, 4, 0, 1, 0, 0))))
    frames.append((t0 + 0.001, gtp_frame(t0, False, struct.pack("!BBHIHBB", 0x32, 2, 6, 0, 1, 0, 0) + b"\x0e\x00")))
    for n, (ts, ip, c) in enumerate(packets):
        teid = 0x1000aaaa if c else 0x2000bbbb
        # PDU Session Container (0x85): length 1 (4 bytes): PDU type (UL 1 / DL 0) << 4,
        # QFI 9, next type 0.
        ext = struct.pack("!BBBB", 1, (1 if c else 0) << 4, 9, 0)
        opt = struct.pack("!HBB", n, 0, 0x85)
        body = opt + ext + ip
        hdr = struct.pack("!BBHI", 0x36, 0xff, len(body), teid)
        frames.append((ts, checked(gtp_frame(ts, c, hdr + body), ip)))
    return frames


def mpls_pw(packets):
    frames = []
    for n, (ts, ip, c) in enumerate(packets):
        labels = struct.pack("!I", (100 << 12) | 255 - 1) + struct.pack("!I", (200 << 12) | (1 << 8) | 255 - 1)
        cw = struct.pack("!HH", 0, n + 1)
        frame = bytes(Ether(src=ROUTER_A if c else ROUTER_B, dst=ROUTER_B if c else ROUTER_A, type=0x8847)) + \
            labels + cw + inner_ethernet(ip, c, VENDOR_MACS)
        frames.append((ts, checked(frame, ip)))
    return frames


def pppoe_frame(c, etype, code, session, payload):
    src, dst = (CLIENT_MAC, ROUTER_A) if c else (ROUTER_A, CLIENT_MAC)
    return bytes(Ether(src=src, dst=dst, type=etype)) + struct.pack("!BBHH", 0x11, code, session, len(payload)) + payload


def tag(t, value):
    return struct.pack("!HH", t, len(value)) + value


def ppp_control(protocol, code, ident, data):
    return struct.pack("!HBBH", protocol, code, ident, 4 + len(data)) + data


def pppoe(packets):
    frames = []
    t = packets[0][0] - 0.05
    host_uniq = tag(0x0103, b"\x00\x00\x12\x34")
    disc = [
        (True, 0x09, 0, tag(0x0101, b"") + host_uniq),
        (False, 0x07, 0, tag(0x0101, b"") + tag(0x0102, b"tlsdissect-ac") + host_uniq + tag(0x0104, b"cookie01")),
        (True, 0x19, 0, tag(0x0101, b"") + host_uniq + tag(0x0104, b"cookie01")),
        (False, 0x65, 0x0011, tag(0x0101, b"") + host_uniq),
    ]
    for c, code, session, payload in disc:
        frames.append((t, pppoe_frame(c, 0x8863, code, session, payload)))
        t += 0.001
    mru = b"\x01\x04\x05\xd4"  # MRU 1492
    magic = b"\x05\x06\x11\x22\x33\x44"
    lcp = [
        (True, ppp_control(0xc021, 1, 1, mru + magic)),
        (False, ppp_control(0xc021, 1, 1, mru + b"\x05\x06\x55\x66\x77\x88")),
        (True, ppp_control(0xc021, 2, 1, mru + b"\x05\x06\x55\x66\x77\x88")),
        (False, ppp_control(0xc021, 2, 1, mru + magic)),
        (True, ppp_control(0x8021, 1, 1, b"\x03\x06" + bytes([127, 0, 0, 1]))),
        (False, ppp_control(0x8021, 2, 1, b"\x03\x06" + bytes([127, 0, 0, 1]))),
    ]
    for c, payload in lcp:
        frames.append((t, pppoe_frame(c, 0x8864, 0x00, 0x0011, payload)))
        t += 0.001
    for ts, ip, c in packets:
        frames.append((ts, checked(pppoe_frame(c, 0x8864, 0x00, 0x0011, b"\x00\x21" + ip), ip)))
    frames.append((packets[-1][0] + 0.01, pppoe_frame(True, 0x8863, 0xa7, 0x0011, host_uniq)))
    return frames


def teredo(packets):
    frames = []
    for ts, ip, c in packets:
        src, dst = ("192.0.2.33", "203.0.113.44") if c else ("203.0.113.44", "192.0.2.33")
        body = ip
        if not c:
            # Origin indication: the client's mapped port 40000 and address 192.0.2.33, obfuscated.
            body = struct.pack("!HH", 0, 40000 ^ 0xffff) + bytes(b ^ 0xff for b in bytes([192, 0, 2, 33])) + ip
        frame = bytes(Ether(src=ROUTER_A if c else ROUTER_B, dst=ROUTER_B if c else ROUTER_A) /
                      IP(src=src, dst=dst, id=0) / UDP(sport=40000 if c else 3544, dport=3544 if c else 40000) /
                      Raw(body))
        frames.append((ts, checked(frame, ip)))
    return frames


def sit(packets):
    return [(ts, checked(eth_ipv4_proto(c, 41, ip), ip)) for ts, ip, c in packets]


def ip4in6(packets):
    frames = []
    for ts, ip, c in packets:
        src, dst = ("2001:db8::1", "2001:db8::2") if c else ("2001:db8::2", "2001:db8::1")
        frame = bytes(Ether(src=ROUTER_A if c else ROUTER_B, dst=ROUTER_B if c else ROUTER_A) /
                      IPv6(src=src, dst=dst, nh=4, hlim=64) / Raw(ip))
        frames.append((ts, checked(frame, ip)))
    return frames


def ppp_link(packets):
    return [(ts, b"\xff\x03\x00\x21" + ip) for ts, ip, c in packets]


def radiotap(packets):
    frames = []
    for n, (ts, ip, c) in enumerate(packets):
        # present: Flags (1), Rate (2), Channel (3), dBm antenna signal (5)
        present = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 5)
        fields = struct.pack("<BB", 0x10, 108) + struct.pack("<HH", 5180, 0x0140) + struct.pack("<b", -42 if c else -55)
        rt = struct.pack("<BBHI", 0, 0, 8 + len(fields) + 1, present) + fields + b"\x00"
        # 802.11 QoS Data: client -> AP (to DS) or AP -> client (from DS).
        ap, sta, far = b"\x02\x00\x00\x00\x0a\x01", b"\x02\x00\x00\x00\x00\x01", b"\x02\x00\x00\x00\x00\x02"
        if c:
            fc, addrs = b"\x88\x01", ap + sta + far
        else:
            fc, addrs = b"\x88\x02", sta + ap + far
        wlan = fc + struct.pack("<H", 44) + addrs + struct.pack("<H", (n & 0xfff) << 4) + struct.pack("<H", 0)
        snap = b"\xaa\xaa\x03\x00\x00\x00\x08\x00"
        body = wlan + snap + ip
        fcs = struct.pack("<I", zlib.crc32(body) & 0xffffffff)
        frames.append((ts, checked(rt + body + fcs, ip)))
    return frames


def nflog(packets):
    def tlv(t, value):
        length = 4 + len(value)
        pad = b"\x00" * ((4 - length % 4) % 4)
        return struct.pack("<HH", length, t) + value + pad
    frames = []
    for ts, ip, c in packets:
        hook = 3 if c else 1  # local out for the client's packets, local in for the server's
        body = struct.pack("!BBH", 2, 0, 7)
        body += tlv(1, struct.pack("!HBB", 0x0800, hook, 0))
        body += tlv(10, b"tls\x00")
        body += tlv(5 if c else 4, struct.pack("!I", 1))
        body += tlv(9, ip)
        frames.append((ts, checked(body, ip)))
    return frames


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) == 3 else src
    v4 = read_ip_packets(os.path.join(src, "tls13-openssl.pcap"))
    v6 = read_ip_packets(os.path.join(src, "https-cname-tls12-ipv6.pcap"))
    v6 = [p for p in v6 if p[1][0] >> 4 == 6 and p[1][6] == 6]  # the TCP connection only
    made = {
        "gre-tls13.pcap": (1, gre_capture(v4)),
        "gre-two-tunnels-tls13.pcap": (1, gre_two_tunnels(v4)),
        "erspan2-tls13.pcap": (1, erspan2(v4)),
        "erspan3-tls13.pcap": (1, erspan3(v4)),
        "geneve-tls13.pcap": (1, geneve(v4)),
        "gtpu-tls13.pcap": (1, gtpu(v4)),
        "mpls-pw-tls13.pcap": (1, mpls_pw(v4)),
        "pppoe-tls13.pcap": (1, pppoe(v4)),
        "teredo-tls12-ipv6.pcap": (1, teredo(v6)),
        "sit-tls12-ipv6.pcap": (1, sit(v6)),
        "ip4in6-tls13.pcap": (1, ip4in6(v4)),
        "ppp-tls13.pcap": (9, ppp_link(v4)),
        "radiotap-tls13.pcap": (127, radiotap(v4)),
        "nflog-tls13.pcap": (239, nflog(v4)),
    }
    for name, (linktype, frames) in made.items():
        write(os.path.join(out, name), linktype, sorted(frames, key=lambda f: f[0]))
        if name == "gre-two-tunnels-tls13.pcap":
            continue
        keys = "https-cname-tls12-ipv6.keys" if "ipv6" in name else "tls13-openssl.keys"
        with open(os.path.join(src, keys), "rb") as f:
            key_log = f.read()
        with open(os.path.join(out, name[:-len(".pcap")] + ".keys"), "wb") as f:
            f.write(key_log)
        print(f"{name}: {len(frames)} frames")
    return 0


if __name__ == "__main__":
    sys.exit(main())
