#!/usr/bin/python3
"""A tiny SMTP server with STARTTLS, for make-tls-matrix.sh (smtp-starttls.pcap).

Usage: smtp_starttls_server.py ADDRESS PORT CERTCHAIN.pem KEY.pem

Serves exactly one connection on ADDRESS:PORT (a loopback address inside the
capture script's network namespace), then exits; every socket operation
times out after 20 s.  Dialogue: greeting 220; EHLO -> 250 lines that
advertise STARTTLS; STARTTLS -> "220 2.0.0 Ready to start TLS", then the
socket is wrapped with Python's ssl module (server side, certificate chain
from CERTCHAIN.pem) and the session goes on inside TLS: EHLO (without
STARTTLS now), MAIL, RCPT, DATA ... ".", QUIT -> 221 and close.  Nothing is
delivered anywhere; the mail is only acknowledged.
"""
import socket
import ssl
import sys

HOST = "mail.example.test"


def read_line(sock):
    """Read one CRLF-terminated line byte by byte (no read-ahead, so no TLS
    bytes are swallowed before the socket is wrapped)."""
    buf = bytearray()
    while not buf.endswith(b"\r\n"):
        b = sock.recv(1)
        if not b:
            return None
        buf += b
        if len(buf) > 4096:
            raise ValueError("line too long")
    return bytes(buf[:-2])


def send(sock, *lines):
    sock.sendall(b"".join(line.encode() + b"\r\n" for line in lines))


def session(sock, tls):
    """Serve SMTP commands; return "starttls" when the client asked for TLS."""
    while True:
        line = read_line(sock)
        if line is None:
            return "eof"
        cmd = line.split(b" ", 1)[0].upper()
        if cmd in (b"EHLO", b"HELO"):
            ext = ["PIPELINING", "SIZE 10240000", "8BITMIME"]
            if not tls:
                ext.append("STARTTLS")
            lines = ["250-%s greets %s" % (HOST, line[5:].decode(errors="replace"))]
            lines += ["250-" + e for e in ext[:-1]] + ["250 " + ext[-1]]
            send(sock, *lines)
        elif cmd == b"STARTTLS" and not tls:
            send(sock, "220 2.0.0 Ready to start TLS")
            return "starttls"
        elif cmd == b"MAIL" or cmd == b"RCPT":
            send(sock, "250 2.1.0 Ok" if cmd == b"MAIL" else "250 2.1.5 Ok")
        elif cmd == b"DATA":
            send(sock, "354 End data with <CR><LF>.<CR><LF>")
            while True:
                body = read_line(sock)
                if body is None:
                    return "eof"
                if body == b".":
                    break
            send(sock, "250 2.0.0 Ok: queued as TLSD0001")
        elif cmd == b"QUIT":
            send(sock, "221 2.0.0 Bye")
            return "quit"
        else:
            send(sock, "502 5.5.2 Error: command not recognized")


def main():
    addr, port, chain, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(20)
    print("listening on %s:%d" % (addr, port), flush=True)
    conn, peer = srv.accept()
    conn.settimeout(20)
    print("connection from %s:%d" % peer, flush=True)
    send(conn, "220 %s ESMTP tlsdissect-test" % HOST)
    state = session(conn, False)
    if state == "starttls":
        tconn = ctx.wrap_socket(conn, server_side=True)
        print("TLS established: %s %s" % (tconn.version(), tconn.cipher()[0]), flush=True)
        state = session(tconn, True)
        if state == "quit":
            try:
                tconn.unwrap()          # close_notify
            except (OSError, ssl.SSLError):
                pass
        tconn.close()
    else:
        conn.close()
    srv.close()
    print("session ended: %s" % state, flush=True)
    return 0 if state == "quit" else 1


if __name__ == "__main__":
    sys.exit(main())
