#!/usr/bin/env python3
"""Client traffic for the benchmark workloads (run inside the bench's network namespace).

  traffic.py tls HOST PORT COUNT PATH   COUNT sequential HTTPS GETs of PATH, half of them
                                        TLS 1.2 and half TLS 1.3, SNI cycling through
                                        host0..host49.example.test, each a new connection
                                        (no session resumption), the whole body read
  traffic.py dns SERVER COUNT           COUNT UDP DNS queries (A, AAAA, TXT; names in
                                        example.test, some of them non-existent)

Only the standard library; the server's certificate is not verified (the bench measures
the dissector, not the PKI).
"""
import random
import socket
import ssl
import struct
import sys


def tls(host, port, count, path):
    request = f"GET /{path} HTTP/1.0\r\nHost: www.example.test\r\n\r\n".encode()
    total = 0
    for i in range(count):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        version = ssl.TLSVersion.TLSv1_2 if i % 2 == 0 else ssl.TLSVersion.TLSv1_3
        ctx.minimum_version = ctx.maximum_version = version
        with socket.create_connection((host, port), timeout=20) as raw:
            with ctx.wrap_socket(raw, server_hostname=f"host{i % 50}.example.test") as s:
                s.sendall(request)
                while True:
                    chunk = s.recv(1 << 16)
                    if not chunk:
                        break
                    total += len(chunk)
    print(f"{count} connections, {total} bytes received")


def dns_query(qid, name, qtype):
    header = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return header + labels + struct.pack("!HH", qtype, 1)


def dns(server, count):
    rng = random.Random(9)
    answered = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.connect((server, 53))
        for i in range(count):
            qtype = (1, 1, 28, 16)[i % 4]
            name = f"n{rng.randrange(100000)}.{'www' if i % 7 else 'nx'}.example.test"
            if i % 4 == 3:
                name = "txt.example.test"
            s.send(dns_query(i & 0xFFFF, name, qtype))
            try:
                s.recv(4096)
                answered += 1
            except socket.timeout:
                pass
    print(f"{count} queries, {answered} answered")


if __name__ == "__main__":
    if sys.argv[1] == "tls":
        tls(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "dns":
        dns(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
