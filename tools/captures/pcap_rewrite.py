#!/usr/bin/python3
"""Rewrite a real Ethernet (EN10MB) classic-pcap capture with scapy.

Used by make-captures.sh to derive test captures from real traffic.  Only the
link layer (or the order of frames) is changed; every IP packet is kept
byte-for-byte (this is asserted), so checksums stay valid.

Modes:
  vlan    IN OUT                 add an 802.1Q tag (VLAN 100) to every frame
  qinq    IN OUT                 add 802.1ad S-tag (0x88a8, VLAN 200) + 802.1Q C-tag (VLAN 100)
  vendors IN OUT CLIENT_IP       replace the all-zero loopback MACs: frames sent by
                                 CLIENT_IP get src=client MAC, dst=router MAC, all
                                 others the reverse
  reorder IN OUT [PORT]          in the server's first flight (the TCP data segments
                                 from PORT, default 443, before the client's second
                                 data segment) let the 3rd data segment overtake the
                                 2nd one, and deliver a second, late copy of the 2nd
                                 one (same bytes, same IP ID) after the frames that
                                 were between them (the client's ACK of it)
  late-ack IN OUT [PORT] [N]     in the server's first flight (as for reorder) move
                                 the 2nd data segment after the first client segment
                                 that acknowledges it, and after the N frames that
                                 follow that one (default 0): the peer's ACK comes
                                 before the data it covers, as in a capture merged
                                 from several queues or interfaces (the segment is
                                 not duplicated; no frame is added or dropped)

Needs Debian package python3-scapy; run with /usr/bin/python3.
"""
import sys

from scapy.all import Dot1AD, Dot1Q, Ether, IP, IPv6, TCP, PcapWriter, RawPcapReader, conf

conf.verb = 0

CLIENT_MAC = "8c:85:90:2a:d5:d9"   # Apple OUI 8c:85:90
ROUTER_MAC = "10:be:f5:1b:e0:30"   # D-Link OUI 10:be:f5


def read(path):
    r = RawPcapReader(path)
    if r.linktype != 1:
        sys.exit(f"{path}: linktype {r.linktype}, expected 1 (EN10MB)")
    frames = [(bytes(data), meta) for data, meta in r]
    r.close()
    for data, meta in frames:
        if meta.caplen != meta.wirelen:
            sys.exit(f"{path}: truncated frame, need a full-snaplen capture")
    return frames


def write(path, frames):
    """frames: list of (bytes, sec, usec)."""
    w = PcapWriter(path, linktype=1, sync=True, snaplen=262144)
    w.write_header(None)     # write_packet() alone does not emit the file header
    for data, sec, usec in frames:
        w.write_packet(data, sec=sec, usec=usec, caplen=len(data), wirelen=len(data))
    w.close()


def retag(frames, build):
    out = []
    for data, meta in frames:
        eth = Ether(data)
        new = bytes(build(eth))
        if new[-(len(data) - 14):] != data[14:]:
            sys.exit("payload changed while re-tagging")
        out.append((new, meta.sec, meta.usec))
    return out


def mode_vlan(frames):
    return retag(frames, lambda e: Ether(dst=e.dst, src=e.src, type=0x8100)
                 / Dot1Q(prio=0, vlan=100, type=e.type) / e.payload)


def mode_qinq(frames):
    return retag(frames, lambda e: Ether(dst=e.dst, src=e.src, type=0x88A8)
                 / Dot1AD(prio=0, vlan=200, type=0x8100)
                 / Dot1Q(prio=0, vlan=100, type=e.type) / e.payload)


def mode_vendors(frames, client_ip):
    out = []
    for data, meta in frames:
        eth = Ether(data)
        if IP in eth:
            src = eth[IP].src
        elif IPv6 in eth:
            src = eth[IPv6].src
        else:
            sys.exit("non-IP frame")
        if src == client_ip:
            s, d = CLIENT_MAC, ROUTER_MAC
        else:
            s, d = ROUTER_MAC, CLIENT_MAC
        new = bytes(Ether(dst=d, src=s, type=eth.type) / eth.payload)
        if new[14:] != data[14:]:
            sys.exit("payload changed while rewriting MACs")
        out.append((new, meta.sec, meta.usec))
    return out


def tcp_info(data):
    eth = Ether(data)
    if TCP not in eth:
        return None
    t = eth[TCP]
    return t.sport, t.dport, len(bytes(t.payload)), t.seq


def mode_reorder(frames, port):
    info = [tcp_info(d) for d, _ in frames]
    client_data = [i for i, x in enumerate(info) if x and x[1] == port and x[2] > 0]
    if len(client_data) < 2:
        sys.exit("reorder: fewer than two client data segments")
    flight_end = client_data[1]
    server_data = [i for i, x in enumerate(info[:flight_end])
                   if x and x[0] == port and x[2] > 0]
    if len(server_data) < 3:
        sys.exit(f"reorder: server first flight has {len(server_data)} data segments, need 3")
    a, b, c = server_data[:3]
    # new order: [.. a ..] c b [frames that were between b and c, e.g. the
    # client's ACK of b] b' [rest]: c overtakes b, and a late copy of b
    # arrives after the client has acknowledged it
    order = [(i, False) for i in range(b)]
    order += [(c, False), (b, False)]
    order += [(i, False) for i in range(b + 1, c)]
    order += [(b, True)]
    order += [(i, False) for i in range(c + 1, len(frames))]
    # timestamps: keep the original time slots in file order; the duplicate
    # gets 1 us after the frame before it (never after the next slot)
    slots = [(m.sec, m.usec) for _, m in frames]
    out, k = [], 0
    for pos, (i, dup) in enumerate(order):
        if not dup:
            sec, usec = slots[k]
            k += 1
        else:
            prev = out[-1]
            t = prev[1] * 1000000 + prev[2] + 1
            if k < len(slots):
                t = min(t, slots[k][0] * 1000000 + slots[k][1])
            sec, usec = divmod(t, 1000000)
        out.append((frames[i][0], sec, usec))
    pos = {(i, dup): n + 1 for n, (i, dup) in enumerate(order)}
    sys.stderr.write(f"reorder: original frames {a + 1},{b + 1},{c + 1}; "
                     f"new frames {pos[(a, False)]},{pos[(c, False)]},{pos[(b, False)]},{pos[(b, True)]}\n")
    return out


def keep_slots(frames, order):
    """The frames in `order`, with the original time slots kept in file order."""
    slots = [(m.sec, m.usec) for _, m in frames]
    return [(frames[i][0], sec, usec) for i, (sec, usec) in zip(order, slots)]


def mode_late_ack(frames, port, after):
    info = [tcp_info(d) for d, _ in frames]
    client_data = [i for i, x in enumerate(info) if x and x[1] == port and x[2] > 0]
    if len(client_data) < 2:
        sys.exit("late-ack: fewer than two client data segments")
    server_data = [i for i, x in enumerate(info[:client_data[1]])
                   if x and x[0] == port and x[2] > 0]
    if len(server_data) < 3:
        sys.exit(f"late-ack: server first flight has {len(server_data)} data segments, need 3")
    b = server_data[1]
    end = (info[b][3] + info[b][2]) & 0xffffffff
    covering = None
    for i in range(b + 1, len(frames)):
        x = info[i]
        if x and x[1] == port:
            t = Ether(frames[i][0])[TCP]
            if (t.flags & 0x10) and ((t.ack - end) & 0xffffffff) < 0x80000000:
                covering = i
                break
    if covering is None:
        sys.exit("late-ack: no client segment acknowledges the 2nd server segment")
    place = covering + after
    if place >= len(frames):
        sys.exit("late-ack: not enough frames after the covering ACK")
    order = [i for i in range(len(frames)) if i != b]
    order.insert(order.index(place) + 1, b)
    pos = {i: n + 1 for n, i in enumerate(order)}
    sys.stderr.write(f"late-ack: original frames {b + 1} (data), {covering + 1} (its ACK); "
                     f"new frames {pos[covering]} (ACK), {pos[b]} (data)\n")
    return keep_slots(frames, order)


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    mode, src, dst = argv[1], argv[2], argv[3]
    frames = read(src)
    if mode == "vlan":
        out = mode_vlan(frames)
    elif mode == "qinq":
        out = mode_qinq(frames)
    elif mode == "vendors":
        out = mode_vendors(frames, argv[4])
    elif mode == "late-ack":
        out = mode_late_ack(frames, int(argv[4]) if len(argv) > 4 else 443, int(argv[5]) if len(argv) > 5 else 0)
    elif mode == "reorder":
        out = mode_reorder(frames, int(argv[4]) if len(argv) > 4 else 443)
    else:
        sys.exit(f"unknown mode {mode}")
    write(dst, out)


if __name__ == "__main__":
    main(sys.argv)
