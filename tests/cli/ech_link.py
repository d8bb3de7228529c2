#!/usr/bin/env python3
"""The ECH link of --sessions and the tree: a connection's encrypted_client_hello extension
names its ECHConfig by id; the DNS HTTPS record that published that config is found.

The real-world capture tls/tls13-ech.pcap (a browser's ECH connections to Cloudflare)
holds no DNS. This test puts one DNS response in front of its packets: an HTTPS answer
for crypto.cloudflare.com carrying the ECHConfigList Cloudflare published for that name
(public name cloudflare-ech.com, X25519, HKDF-SHA256 / AES-128-GCM) with its config id
set to the one the captured Client Hellos use, read from tshark's bytes of the extension.
A second run with another id must find no config. The HTTPS record's bytes and the
Client Hello's config id are checked with tshark too.

Usage: ech_link.py TLSDISSECT REAL_CAPTURES_DIR; exit 0 / 1, 77 when the capture or tshark
is absent.
"""
import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

CLOUDFLARE_ECH = base64.b64decode(
    "AEX+DQBBvgAgACARWS42g5NmDZo5pIpTWSwHzTwzdRKPdUW732QbyUeyDQAEAAEAAQASY2xvdWRmbGFyZS1lY2guY29tAAA=")
CONFIG_ID_AT = 6  # list length (2), version (2), length (2), then config_id


def dns_name(name):
    return b"".join(bytes([len(p)]) + p for p in name.encode().split(b".")) + b"\0"


def https_response(config_id):
    ech = bytearray(CLOUDFLARE_ECH)
    ech[CONFIG_ID_AT] = config_id
    rdata = b"\x00\x01\x00" + struct.pack(">HH", 1, 3) + b"\x02h2" + struct.pack(">HH", 5, len(ech)) + bytes(ech)
    q = dns_name("crypto.cloudflare.com")
    return (struct.pack(">HHHHHH", 0x4a5b, 0x8180, 1, 1, 0, 0) + q + struct.pack(">HH", 65, 1) + b"\xc0\x0c" +
            struct.pack(">HHIH", 65, 1, 300, len(rdata)) + rdata)


def ip_checksum(header):
    total = sum(struct.unpack(">10H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def frame(payload, src, dst):
    udp = struct.pack(">HHHH", 53, 53535, 8 + len(payload), 0) + payload
    ip = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes(src), bytes(dst)))
    ip[10:12] = struct.pack(">H", ip_checksum(bytes(ip)))
    return b"\x00\x11\x22\x33\x44\x55" + b"\x66\x77\x88\x99\xaa\xbb" + b"\x08\x00" + bytes(ip) + udp


def with_dns_first(capture, out, config_id):
    data = open(capture, "rb").read()
    header, records = data[:24], data[24:]
    magic = struct.unpack("<I", header[:4])[0]
    assert magic == 0xA1B2C3D4, "expected a little-endian microsecond pcap"
    first_sec, first_usec = struct.unpack("<II", records[:8])
    pkt = frame(https_response(config_id), [192, 168, 20, 1], [192, 168, 20, 65])
    sec, usec = (first_sec, first_usec - 1000) if first_usec >= 1000 else (first_sec - 1, first_usec + 999000)
    with open(out, "wb") as f:
        f.write(header + struct.pack("<IIII", sec, usec, len(pkt), len(pkt)) + pkt + records)


def tshark(args):
    out = subprocess.run(["tshark", "-n"] + args, capture_output=True, text=True, check=True).stdout
    return out.replace("<MISSING>", "")


def main():
    tool, real = sys.argv[1], sys.argv[2]
    capture = os.path.join(real, "tls", "tls13-ech.pcap")
    if not os.path.exists(capture) or not shutil.which("tshark"):
        print("SKIP: no tls13-ech.pcap or no tshark")
        return 77
    # The config id every captured Client Hello names (ECHClientHello: type, kdf, aead, config_id).
    # tshark 4.0 lists the data of every extension it does not know: the ECH one is the
    # one whose lengths add up as an outer ECHClientHello's.
    ids = set()
    for h in tshark(["-r", capture, "-Y", "tls.handshake.extension.type == 65037", "-T", "fields", "-e",
                     "tls.handshake.extension.data"]).replace(",", " ").split():
        b = bytes.fromhex(h.replace(":", ""))
        if len(b) > 10 and b[0] == 0:
            enc = struct.unpack(">H", b[6:8])[0]
            if len(b) > 10 + enc and 10 + enc + struct.unpack(">H", b[8 + enc:10 + enc])[0] == len(b):
                ids.add(b[5])
    failures = []
    if len(ids) != 1:
        print(f"FAIL: expected one config id in the Client Hellos, tshark shows {ids}")
        return 1
    config_id = ids.pop()
    with tempfile.TemporaryDirectory() as d:
        for cid, linked in ((config_id, True), (config_id ^ 0xFF, False)):
            merged = os.path.join(d, f"ech-{cid}.pcap")
            with_dns_first(capture, merged, cid)
            published = tshark(["-r", merged, "-Y", "dns", "-T", "fields", "-e", "dns.svcb.svcparam.echconfig"]).strip()
            if bytes.fromhex(published.replace(":", ""))[CONFIG_ID_AT] != cid:
                failures.append(f"tshark reads another config id in the DNS record: {published}")
            out = subprocess.run([tool, "--sessions", merged], capture_output=True, text=True, check=False)
            records = [r for r in json.loads(out.stdout)["tls"] if r["ech"]]
            if not records:
                failures.append("no connection with ech")
            for r in records:
                got = r["ech"]
                if got["config_id"] != config_id:
                    failures.append(f"stream {r['stream']}: config_id {got['config_id']}, tshark {config_id}")
                if not linked:
                    if got["config"] is not None:
                        failures.append(f"stream {r['stream']}: linked to config {cid} it did not use")
                    continue
                want = {"frame": 1, "name": "crypto.cloudflare.com", "public_name": "cloudflare-ech.com",
                        "kem_id": 0x20, "maximum_name_length": 0, "cipher_suites": [{"kdf_id": 1, "aead_id": 1}]}
                if got["config"] != want:
                    failures.append(f"stream {r['stream']}: config {got['config']}, expected {want}")
            tree = subprocess.run([tool, "-Y", "tls.handshake.type == 1", merged], capture_output=True, text=True,
                                  check=False).stdout
            notes = tree.count("ECH configuration")
            if notes != (len(records) if linked else 0):
                failures.append(f"{notes} ECH notes in the tree for {len(records)} Client Hellos (linked: {linked})")
    for f in failures:
        print("FAIL", f)
    print(f"config id {config_id}: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
