#!/usr/bin/env python3
"""Differential test: tlsdissect against tshark, field by field, frame by frame.

For each capture, both tools print the same Wireshark field names with `-T fields`
(tlsdissect: `-e NAME ...`), and every value must agree. Frames whose protocol stack
contains a protocol tlsdissect does not dissect yet (ICMP quoting an inner IP header,
tunnels, ...) are compared only on the fields outside that protocol and counted.

Usage: compare_fields.py [--set lower|tls] TLSDISSECT CAPTURE_OR_DIR [CAPTURE_OR_DIR ...]
A missing directory is skipped (the real-world captures live outside the project);
exit 77 when none of them exists.
Exit 0 when everything agrees, 1 on a disagreement, 77 when tshark is missing.
"""
import os
import shutil
import subprocess
import sys

import tshark_cache

LOWER_FIELDS = [
    "frame.number", "frame.len", "frame.cap_len",
    "eth.src", "eth.dst", "eth.type", "vlan.id", "ieee8021ad.id",
    "sll.pkttype", "sll.hatype", "sll.etype",
    "ip.version", "ip.hdr_len", "ip.len", "ip.id", "ip.flags", "ip.frag_offset", "ip.ttl", "ip.proto",
    "ip.checksum", "ip.src", "ip.dst",
    "ipv6.plen", "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst",
    "tcp.srcport", "tcp.dstport", "tcp.stream", "tcp.len", "tcp.seq", "tcp.ack", "tcp.seq_raw",
    "tcp.nxtseq", "tcp.hdr_len", "tcp.flags", "tcp.window_size_value",
    "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.timestamp.tsval",
    "udp.srcport", "udp.dstport", "udp.length", "udp.stream",
    "vxlan.flags", "vxlan.vni",
    "tcp.analysis.retransmission", "tcp.analysis.out_of_order", "tcp.analysis.lost_segment",
    "tcp.analysis.spurious_retransmission",
]
TLS_FIELDS = [
    "frame.number", "tcp.stream",
    "tls.record.content_type", "tls.record.version", "tls.record.length",
    "tls.handshake.type", "tls.handshake.length", "tls.handshake.version", "tls.handshake.random",
    "tls.handshake.session_id", "tls.handshake.ciphersuite", "tls.handshake.comp_method",
    "tls.handshake.extension.type", "tls.handshake.extension.len", "tls.handshake.extensions_server_name",
    "tls.handshake.extensions_alpn_str", "tls.handshake.extensions_supported_group",
    "tls.handshake.extensions_ec_point_format", "tls.handshake.sig_hash_alg",
    "tls.handshake.extensions.supported_version", "tls.handshake.extensions_key_share_group",
    "tls.handshake.extensions_key_share_key_exchange_length", "tls.extension.psk_ke_mode",
    "tls.handshake.server_named_curve", "tls.handshake.server_point_len", "tls.handshake.p_len",
    "tls.handshake.ys_len", "tls.handshake.sig_len", "tls.handshake.client_cert_vrfy.sig_len", "tls.handshake.client_point_len", "tls.handshake.epms_len",
    "tls.handshake.certificates_length", "tls.handshake.certificate_length",
    "tls.handshake.session_ticket_lifetime_hint", "tls.handshake.session_ticket_length",
    "tls.handshake.verify_data", "tls.handshake.extensions_status_request_type", "tls.handshake.ocsp_response_len", "tls.handshake.cert_type",
    "tls.alert_message.level", "tls.alert_message.desc", "tls.change_cipher_spec",
    "tls.heartbeat_message.type", "tls.heartbeat_message.payload_length",
    # OCSP responses in CertificateStatus messages (and TLS 1.3 certificate entries).
    "ocsp.responseStatus", "ocsp.responseType.id", "ocsp.responderID", "ocsp.byKey", "ocsp.producedAt",
    "ocsp.responses", "ocsp.issuerNameHash", "ocsp.issuerKeyHash", "ocsp.serialNumber", "ocsp.certStatus",
    "ocsp.revocationTime", "ocsp.revocationReason", "ocsp.thisUpdate", "ocsp.nextUpdate", "ocsp.signature",
    "ocsp.certs",
]
# Proxies in front of TLS (HTTP CONNECT, SOCKS, the PROXY protocol), then the TLS they carry.
PROXY_FIELDS = [
    "frame.number", "tcp.stream",
    "http.request.method", "http.request.uri", "http.request.version", "http.response.code",
    "http.response.phrase", "http.host",
    "socks.version", "socks.command", "socks.address_type", "socks.remote_name", "socks.dst", "socks.dstV6",
    "socks.port", "socks.dstport", "socks.v4a_dns_name", "socks.results", "socks.auth_method_count",
    "socks.auth_method", "socks.auth_accepted_method", "socks.subnegotiation_version", "socks.username",
    "socks.auth_status",
    "proxy.version", "proxy.v1.proto", "proxy.v2.version", "proxy.v2.cmd", "proxy.v2.addr_family",
    "proxy.v2.protocol", "proxy.v2.length", "proxy.src.ipv4", "proxy.dst.ipv4", "proxy.src.ipv6", "proxy.dst.ipv6",
    "proxy.srcport", "proxy.dstport", "proxy.v2.tlv.type",
    "tls.record.content_type", "tls.record.length", "tls.handshake.type", "tls.handshake.ciphersuite",
    "tls.handshake.extensions_server_name", "tls.handshake.extension.type",
]
# Protocols that upgrade to TLS in place (STARTTLS and the databases), then the TLS.
STARTTLS_FIELDS = [
    "frame.number", "tcp.stream",
    "smtp.req.command", "smtp.req.parameter", "smtp.response.code", "smtp.rsp.parameter",
    "pop.request.command", "pop.request.parameter", "pop.response.indicator", "pop.response.description",
    "imap.request_tag", "imap.request.command", "imap.response_tag",
    "ftp.request.command", "ftp.request.arg", "ftp.response.code", "ftp.response.arg",
    "ldap.messageID", "ldap.protocolOp", "ldap.requestName", "ldap.resultCode",
    "pgsql.type", "pgsql.length",
    "mysql.packet_length", "mysql.packet_number", "mysql.protocol", "mysql.version", "mysql.thread_id",
    "mysql.caps.server", "mysql.caps.client", "mysql.caps.sl", "mysql.max_packet",
    "tls.record.content_type", "tls.record.length", "tls.handshake.type", "tls.handshake.ciphersuite",
    "tls.handshake.extensions_server_name", "tls.handshake.extension.type",
]
# QUIC: headers, the Initial packets' frames (decrypted without keys) and the TLS
# handshake messages in their CRYPTO frames.
QUIC_FIELDS = [
    "frame.number", "udp.stream",
    "quic.header_form", "quic.long.packet_type", "quic.long.packet_type_v2", "quic.version", "quic.dcil",
    "quic.dcid", "quic.scil", "quic.scid", "quic.token_length", "quic.length", "quic.packet_number",
    "quic.packet_number_length", "quic.frame_type", "quic.padding_length", "quic.ack.largest_acknowledged",
    "quic.ack.first_ack_range", "quic.crypto.offset", "quic.crypto.length", "quic.supported_version",
    "quic.stream.stream_id", "quic.stream.offset", "quic.stream.length", "quic.nci.sequence",
    "quic.nci.connection_id", "quic.md.maximum_data", "quic.ms.max_streams", "quic.cc.error_code",
    "tls.handshake.type", "tls.handshake.length", "tls.handshake.ciphersuite", "tls.handshake.extensions_server_name",
    "tls.handshake.extension.type", "tls.handshake.extensions_alpn_str", "tls.handshake.extensions_key_share_group",
]
# Captures on ports tshark does not know for the protocol: its Decode As.
DECODE_AS = {"smtp-starttls.pcap": ["-d", "tcp.port==2525,smtp"]}
# Where tshark is wrong in a set other than tls: (set, capture, frame) -> {field: expected}.
KNOWN_DIFFERENCES_BY_SET = {
    # tshark 4.0 takes the first four letters of a command line as the SMTP command, so
    # RFC 3207's STARTTLS becomes "STAR" with the parameter "TLS".
    ("starttls", "smtp-starttls.pcap", 9): {"smtp.req.command": "STARTTLS", "smtp.req.parameter": ""},
}
# tshark repeats a generated summary of the SOCKS request ([Version], [Command], [Remote
# Port]) on every frame of the tunnel; tlsdissect shows the exchange once.
SOCKS_TUNNEL_SUMMARY = {"socks.version", "socks.command", "socks.dstport"}
# Where tshark 4.0 is wrong or does not look, the right value is asserted instead, with
# the reason. (capture file name, frame) -> {field: expected tlsdissect value}; the other
# fields of such a frame are not compared.
KNOWN_DIFFERENCES = {
    # RFC 6962 3.3: an SCT's signature is a TLS 1.2 digitally-signed struct (algorithm
    # pair, then the signature) whatever the negotiated version. In a TLS 1.0 session
    # tshark reads the algorithm 0x0403 as a length (1027) and marks both SCTs malformed.
    ("signed_certificate_timestamp_tls1_0.pcap", 6): {"tls.handshake.sig_hash_alg": "0x0403,0x0403"},
    # A TLS Client Hello sent to port 80: tshark only tries TLS on registered ports and
    # shows HTTP; the bytes are a TLS 1.0 record with a TLS 1.2 Client Hello for vk.com.
    ("ssl-to-http-server.pcap", 3): {"tls.record.content_type": "22", "tls.record.version": "0x0301",
                                     "tls.handshake.type": "1", "tls.handshake.extensions_server_name": "vk.com"},
    ("https-to-http.pcap", 4): {"tls.record.content_type": "22", "tls.record.length": "512",
                                "tls.handshake.type": "1", "tls.handshake.version": "0x0303"},
    # After the Client Key Exchange the client sends 5 bytes that are no record
    # (ff ff ff 01 01). tshark takes them as a record header announcing 257 bytes and
    # swallows the rest of the stream; tlsdissect skips them (noting it) and finds the
    # encrypted Finished, the application data and the closing alert.
    ("tls1.2-late-protocol-error.pcap", 10): {"tls.record.content_type": "22,22", "tls.record.length": "262,32"},
    ("tls1.2-late-protocol-error.pcap", 13): {"tls.record.content_type": "23", "tls.record.length": "31"},
    ("tls1.2-late-protocol-error.pcap", 15): {"tls.record.content_type": "23", "tls.record.length": "17"},
    ("tls1.2-late-protocol-error.pcap", 20): {"tls.record.content_type": "21", "tls.record.length": "18"},
    # TLS_ECDHE_RSA_WITH_NULL_SHA (made for --audit): after Change Cipher Spec the records
    # are plaintext followed by an HMAC. tshark reads the Finished messages and the
    # close_notify alerts; tlsdissect shows them as encrypted, as for any suite, until
    # record decryption (which covers NULL encryption) is used.
    ("audit-null-sha1.pcap", 12): {"tls.handshake.type": "16", "tls.handshake.verify_data": ""},
    ("audit-null-sha1.pcap", 13): {"tls.handshake.type": "4", "tls.handshake.verify_data": ""},
    ("audit-null-sha1.pcap", 16): {"tls.record.content_type": "21", "tls.alert_message.level": ""},
    ("audit-null-sha1.pcap", 18): {"tls.record.content_type": "21", "tls.alert_message.level": ""},
}

# tshark 4.0 declares these as FT_NONE: with -T fields it prints "1" where the field is
# present (a decrypted Finished), tlsdissect prints the bytes. Only presence is compared.
PRESENCE_ONLY = {"tls.handshake.verify_data"}

# Options that make tshark's view comparable: reassemble out-of-order segments too.
TSHARK_OPTIONS = {"lower": [], "tls": ["-o", "tcp.reassemble_out_of_order:TRUE"],
                  "proxy": ["-o", "tcp.reassemble_out_of_order:TRUE", "-o", "tcp.try_heuristic_first:TRUE"],
                  "starttls": ["-o", "tcp.reassemble_out_of_order:TRUE"], "quic": []}
FIELD_SETS = {"lower": LOWER_FIELDS, "tls": TLS_FIELDS, "proxy": PROXY_FIELDS, "starttls": STARTTLS_FIELDS,
              "quic": QUIC_FIELDS}
SET_NAME = "lower"
FIELDS = LOWER_FIELDS
OPTIONS = []
# Protocols that, when tshark finds them, carry inner headers tlsdissect does not dissect yet.
NOT_YET = {"icmp", "icmpv6", "gre", "ipip", "mpls", "pppoe", "pppoes", "pppoed", "ppp", "arp", "llc", "eapol",
           "lldp", "gtp", "erspan", "teredo", "esp", "geneve", "l2tp", "nsh"}
IP_LAYERS = {"ip", "ipv6"}
# Encapsulations tlsdissect dissects: an IP header inside one is expected.
TUNNELS = {"vxlan"}


def partially_dissected(protocols):
    layers = protocols.split(":")
    if any(p in NOT_YET for p in layers):
        return True
    ip_count = sum(1 for p in layers if p in IP_LAYERS)
    tunnels = sum(1 for p in layers if p in TUNNELS)
    return ip_count > 1 + tunnels  # IP in IP
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace")


def captures(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(CAPTURE_SUFFIXES):
                        yield os.path.join(root, f)
        elif os.path.exists(p):
            yield p


_cut_frames = {}


def is_cut(capture, frame):
    """Frames whose captured length is below their length on the wire."""
    if capture not in _cut_frames:
        # The lower set's tshark run (cached, shared with that test) holds these three.
        cut = set()
        for line in lower_tshark(capture).stdout.splitlines():
            cols = line.split("\t")[1:4]  # after frame.protocols
            if len(cols) == 3 and cols[1] != cols[2]:
                cut.add(cols[0])
        _cut_frames[capture] = cut
    return frame in _cut_frames[capture]


def tshark_fields(capture, fields, options, occurrence):
    args = []
    for f in fields:
        args += ["-e", f]
    return tshark_cache.run(["-n", "-r", capture] + options + ["-T", "fields", "-E", f"occurrence={occurrence}",
                            "-e", "frame.protocols"] + args)


def lower_tshark(capture):
    return tshark_fields(capture, LOWER_FIELDS, TSHARK_OPTIONS["lower"], "f")


def key_log_of(capture):
    """The key log beside a capture (NAME.keys for NAME.pcap), or None."""
    for suffix in (".pcapng.gz", ".pcap.gz", ".pcapng", ".pcap"):
        if capture.endswith(suffix):
            keys = capture[: -len(suffix)] + ".keys"
            return keys if os.path.exists(keys) else None
    return None


def compare(tool, capture):
    args = []
    for f in FIELDS:
        args += ["-e", f]
    occurrence = "f" if FIELDS is LOWER_FIELDS else "a"
    extra, ours_extra = list(DECODE_AS.get(os.path.basename(capture), [])), []
    keys = key_log_of(capture)
    if SET_NAME == "quic" and keys:
        # QUIC with its key log: both decrypt the Handshake and 1-RTT packets.
        extra += ["-o", f"tls.keylog_file:{keys}"]
        ours_extra = ["--keylog", keys]
    shark = tshark_fields(capture, FIELDS, OPTIONS + extra, occurrence)
    ours = run([tool, capture] + ours_extra + args)
    if ours.returncode == 5 and "unsupported link type" in ours.stderr:
        return None, 0, 0  # a link type not dissected yet: reported as skipped
    if ours.returncode not in (0, 6):
        return [f"tlsdissect exited {ours.returncode}: {ours.stderr.strip()}"], 0, 0
    theirs_lines = shark.stdout.splitlines()
    our_lines = ours.stdout.splitlines()
    problems, skipped = [], 0
    if len(theirs_lines) != len(our_lines):
        problems.append(f"frame count: tshark {len(theirs_lines)}, tlsdissect {len(our_lines)}")
    base = os.path.basename(capture)
    for t_line, o_line in zip(theirs_lines, our_lines):
        t = t_line.split("\t")
        protocols, t = t[0], t[1:]
        o = o_line.split("\t")
        if occurrence == "f":
            o = [v.split(",")[0] for v in o]
        frame = t[0]
        known = None
        if frame.isdigit():
            known = (KNOWN_DIFFERENCES.get((base, int(frame))) if FIELDS is TLS_FIELDS
                     else KNOWN_DIFFERENCES_BY_SET.get((SET_NAME, base, int(frame))))
        if known:
            ours_by_name = dict(zip(FIELDS, o))
            for name, want in known.items():
                if ours_by_name.get(name) != want:
                    problems.append(f"frame {frame}: {name}: expected {want!r}, tlsdissect {ours_by_name.get(name)!r}")
            continue
        # In a frame cut by the snap length tlsdissect shows what was captured of a
        # record; tshark shows only its header.
        cut = FIELDS is not LOWER_FIELDS and dict(zip(FIELDS, o)).get("frame.number") and is_cut(capture, frame)
        partial = partially_dissected(protocols)
        if partial:
            skipped += 1
        tunnel_summary = all(not tv for name, tv in zip(FIELDS, t)
                             if name.startswith("socks.") and name not in SOCKS_TUNNEL_SUMMARY)
        for name, tv, ov in zip(FIELDS, t, o):
            if tv == ov or (name in PRESENCE_ONLY and bool(tv) == bool(ov)):
                continue
            if name in SOCKS_TUNNEL_SUMMARY and tunnel_summary and not ov:
                continue
            if name == "quic.dcid" and ov.startswith(tv):
                # tshark 4.0 does not match short-header packets of QUIC v2 connections to
                # their connection, so it leaves out their DCID; tlsdissect shows it.
                continue
            if (partial or cut) and not tv.strip():
                continue
            if partial and not ov.strip():
                continue  # tshark went deeper, into a layer tlsdissect does not dissect yet
            if partial and name.startswith(("tcp.", "udp.")):
                continue  # tshark found these inside a quoted inner header
            if name.startswith("ocsp.") and ":tls" not in protocols:
                continue  # OCSP over HTTP: tlsdissect dissects OCSP only inside TLS
            problems.append(f"frame {frame}: {name}: tshark {tv!r}, tlsdissect {ov!r}")
    return problems, len(our_lines), skipped


def main():
    global FIELDS, OPTIONS, SET_NAME
    if len(sys.argv) > 2 and sys.argv[1] == "--set":
        SET_NAME = sys.argv[2]
        FIELDS = FIELD_SETS[sys.argv[2]]
        OPTIONS = TSHARK_OPTIONS[sys.argv[2]]
        del sys.argv[1:3]
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    if not shutil.which("tshark"):
        print("tshark not installed: skipping the differential test")
        return 77
    tool = sys.argv[1]
    failed = passed = unsupported = 0
    if not any(os.path.exists(p) for p in sys.argv[2:]):
        # Only the real-world captures beside the project can be absent: a skip, not a pass.
        print(f"SKIP: {' '.join(sys.argv[2:])}: absent")
        return 77
    for capture in captures(sys.argv[2:]):
        problems, frames, skipped = compare(tool, capture)
        name = os.path.relpath(capture)
        if problems is None:
            unsupported += 1
            print(f"skip {name}: its link type is not dissected yet")
            continue
        if problems:
            failed += 1
            print(f"FAIL {name}: {len(problems)} disagreements")
            for p in problems[:15]:
                print("    " + p)
        else:
            passed += 1
            note = f" ({skipped} frames compared on outer layers only)" if skipped else ""
            print(f"ok   {name}: {frames} frames{note}")
    print(f"{passed} passed, {failed} failed" + (f", {unsupported} skipped" if unsupported else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
