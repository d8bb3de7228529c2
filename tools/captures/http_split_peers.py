#!/usr/bin/python3
"""HTTP/1.1 over TLS with message heads written in pieces, for make-early-data-captures.sh
(tls12-http-split-heads.pcap).

Usage: http_split_peers.py server ADDRESS PORT CERTCHAIN.pem KEY.pem
       http_split_peers.py client ADDRESS PORT CAFILE KEYLOG

Both ends are Python's ssl module (OpenSSL), TLS 1.2.  Each write of the application
becomes one TLS record; a pause after a write makes it leave in its own TCP segment
(TCP_NODELAY), no pause lets the next write join it in one segment.

The client sends two requests on one connection: the first head in three writes with
pauses (three records, three segments), the second head in two writes without a pause,
then its body.  The server answers each: the first response head in four writes with
pauses, the body in one; the second response head and body in one write (one record).
The server serves one connection and exits; every socket operation times out after 20 s.
"""
import socket
import ssl
import sys
import time

PAUSE = 0.15
BODY = b"<!doctype html>\n<p>Hello from the split-heads test server.</p>\n"


def pieces(sock, parts, pause):
    for p in parts:
        sock.sendall(p)
        if pause:
            time.sleep(PAUSE)


def read_head(sock, buf):
    while b"\r\n\r\n" not in buf:
        more = sock.recv(4096)
        if not more:
            raise EOFError("connection closed inside a head")
        buf += more
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        more = sock.recv(4096)
        if not more:
            raise EOFError("connection closed inside a body")
        rest += more
    return head, rest[length:]


def server(addr, port, chain, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(chain, key)
    ls = socket.create_server((addr, port))
    ls.settimeout(20)
    conn, _ = ls.accept()
    conn.settimeout(20)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with ctx.wrap_socket(conn, server_side=True) as tls:
        buf = b""
        _, buf = read_head(tls, buf)
        pieces(tls, [b"HTTP/1.1 200 OK\r\nServer: split-heads-test\r\n",
                     b"Content-Type: text/html; charset=utf-8\r\n",
                     b"Content-Length: %d\r\n" % len(BODY),
                     b"X-Note: the head came in four records\r\n\r\n"], True)
        tls.sendall(BODY)
        _, buf = read_head(tls, buf)
        tls.sendall(b"HTTP/1.1 404 Not Found\r\nServer: split-heads-test\r\nContent-Length: 10\r\n"
                    b"Connection: close\r\n\r\nnot found\n")
        time.sleep(PAUSE)
        tls.unwrap()
    ls.close()


def client(addr, port, cafile, keylog):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.keylog_filename = keylog
    sock = socket.create_connection((addr, port), timeout=20)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with ctx.wrap_socket(sock, server_hostname="www.example.test") as tls:
        pieces(tls, [b"GET /split/index.html HTTP/1.1\r\nHost: www.exa",
                     b"mple.test\r\nUser-Agent: split-heads-test/1.0\r\n",
                     b"Accept: */*\r\n\r\n"], True)
        head, rest = read_head(tls, b"")
        assert head.startswith(b"HTTP/1.1 200 OK"), head
        form = b"name=value&more=data"
        pieces(tls, [b"POST /split/form HTTP/1.1\r\nHost: www.example.test\r\n",
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(form),
                     form], False)
        head, rest = read_head(tls, rest)
        assert head.startswith(b"HTTP/1.1 404"), head
        print(head.decode())
        try:
            tls.unwrap()
        except (ssl.SSLError, OSError):
            pass


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "server":
        server(args[0], int(args[1]), args[2], args[3])
    else:
        client(args[0], int(args[1]), args[2], args[3])
