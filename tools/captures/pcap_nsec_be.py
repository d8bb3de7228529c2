#!/usr/bin/python3
"""Rewrite a classic pcap as big-endian, nanosecond-resolution classic pcap.

usage: pcap_nsec_be.py IN OUT [--check REF]

IN may be any classic pcap (either byte order, usec or nsec resolution).  OUT
gets magic 0xa1b23c4d written big-endian (bytes a1 b2 3c 4d), version 2.4,
and every header field big-endian; packet bytes are copied unchanged.

With --check REF, also verify that OUT holds the same packets as REF (another
classic pcap of the same traffic, e.g. the microsecond capture taken at the
same time): same count, same bytes, same lengths, and timestamps equal to the
microsecond.  Uses only the Python standard library.
"""
import struct
import sys

MAGICS = {
    0xA1B2C3D4: 1000,  # usec: multiply by 1000 to get nsec
    0xA1B23C4D: 1,     # nsec
}


def read_pcap(path):
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 24:
        sys.exit(f"{path}: too short")
    for endian in ("<", ">"):
        magic = struct.unpack(endian + "I", buf[:4])[0]
        if magic in MAGICS:
            break
    else:
        sys.exit(f"{path}: not a classic pcap")
    scale = MAGICS[magic]
    vmaj, vmin, thiszone, sigfigs, snaplen, linktype = struct.unpack(endian + "HHiIII", buf[4:24])
    pkts = []
    off = 24
    while off < len(buf):
        if off + 16 > len(buf):
            sys.exit(f"{path}: truncated record header at {off}")
        sec, frac, incl, orig = struct.unpack(endian + "IIII", buf[off:off + 16])
        off += 16
        data = buf[off:off + incl]
        if len(data) != incl:
            sys.exit(f"{path}: truncated packet data at {off}")
        off += incl
        pkts.append((sec, frac * scale, orig, data))
    hdr = dict(vmaj=vmaj, vmin=vmin, thiszone=thiszone, sigfigs=sigfigs,
               snaplen=snaplen, linktype=linktype)
    return hdr, pkts


def write_be_nsec(path, hdr, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, hdr["thiszone"], hdr["sigfigs"],
                            hdr["snaplen"], hdr["linktype"]))
        for sec, nsec, orig, data in pkts:
            f.write(struct.pack(">IIII", sec, nsec, len(data), orig))
            f.write(data)


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--check"):
        sys.exit(__doc__)
    hdr, pkts = read_pcap(argv[1])
    write_be_nsec(argv[2], hdr, pkts)
    # read back what we wrote
    hdr2, pkts2 = read_pcap(argv[2])
    if pkts2 != pkts or hdr2["linktype"] != hdr["linktype"]:
        sys.exit("read-back mismatch")
    if len(argv) == 5:
        rhdr, ref = read_pcap(argv[4])
        if rhdr["linktype"] != hdr["linktype"]:
            sys.exit("check: link types differ")
        if len(ref) != len(pkts):
            sys.exit(f"check: {len(pkts)} packets vs {len(ref)} in reference")
        for n, (p, r) in enumerate(zip(pkts, ref), 1):
            if p[2:] != r[2:]:
                sys.exit(f"check: packet {n} differs from reference")
            if (p[0], p[1] // 1000) != (r[0], r[1] // 1000):
                sys.exit(f"check: packet {n} timestamp {p[0]}.{p[1]:09d} vs {r[0]}.{r[1]:09d}")
        sys.stderr.write(f"check: {len(pkts)} packets identical to reference (timestamps to the us)\n")


if __name__ == "__main__":
    main(sys.argv)
