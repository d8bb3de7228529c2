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
    "gre.flags_and_version", "gre.proto", "gre.key", "gre.sequence_number",
    "erspan.version", "erspan.spanid", "erspan.vlan",
    "geneve.proto_type", "geneve.vni", "gtp.flags", "gtp.message", "gtp.teid", "gtp.length",
    "gtp.ext_hdr.pdu_ses_con.pdu_type", "gtp.ext_hdr.pdu_ses_con.qos_flow_id",
    "mpls.label", "mpls.bottom", "mpls.ttl",
    "pppoe.code", "pppoe.session_id", "pppoe.payload_length", "ppp.protocol",
    "teredo.orig.port", "teredo.orig.addr",
    "nflog.family", "nflog.res_id", "radiotap.length", "wlan.fc.type_subtype", "wlan.bssid", "wlan.seq",
    "llc.type",
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
# In a frame that crossed tunnels, these appear once per layer (outer first): every
# occurrence is compared, in order, so that outer and inner addresses, ports and stream
# indexes all agree. The other fields are compared on their first occurrence.
EVERY_LAYER = {"ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.stream",
               "udp.srcport", "udp.dstport", "udp.stream", "mpls.label", "mpls.bottom", "mpls.ttl",
               "vlan.id", "eth.src", "eth.dst", "eth.type"}

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
    "quic.nci.connection_id", "quic.rci.sequence", "quic.path_challenge.data", "quic.path_response.data",
    "quic.connection.number", "quic.md.maximum_data", "quic.ms.max_streams", "quic.cc.error_code",
    "http3.stream_type", "http3.frame_type", "http3.frame_length", "http3.settings.id", "http3.settings.value",
    "tls.quic.parameter.type", "tls.quic.parameter.length", "tls.quic.parameter.initial_max_data",
    "tls.quic.parameter.max_idle_timeout", "tls.quic.parameter.initial_source_connection_id",
    "tls.quic.parameter.original_destination_connection_id", "tls.quic.parameter.vi.chosen_version",
    "tls.handshake.type", "tls.handshake.length", "tls.handshake.ciphersuite", "tls.handshake.extensions_server_name",
    "tls.handshake.extension.type", "tls.handshake.extensions_alpn_str", "tls.handshake.extensions_key_share_group",
]
# Captures on ports tshark does not know for the protocol: its Decode As.
DECODE_AS = {"smtp-starttls.pcap": ["-d", "tcp.port==2525,smtp"]}
# Where tshark is wrong in a set other than tls: (set, capture, frame) -> {field: expected}.
KNOWN_DIFFERENCES_BY_SET = {
    # LINKTYPE_PPP, dissected since issue 19's link types: frame 79 is the server's Initial
    # of the second (0-RTT) connection, coalesced with a Handshake and a 1-RTT packet.
    # tshark 4.0 does not remove its header protection (it reads a 3-byte packet number
    # 9612292 from protected bits and shows no frames); tlsdissect decrypts it (the AEAD
    # tag checks, so the keys are right): packet number 1, ACK then PADDING, and counts
    # the short-header packet after the Handshake one.
    ("quic", "quic__interop__quic-go_quic-go__zerortt.pcap", 79): {
        "quic.header_form": "1,1,0", "quic.packet_number": "1", "quic.packet_number_length": "1",
        "quic.frame_type": "2,0", "quic.padding_length": "1120"},
    # tshark 4.0 takes the first four letters of a command line as the SMTP command, so
    # RFC 3207's STARTTLS becomes "STAR" with the parameter "TLS".
    ("starttls", "smtp-starttls.pcap", 9): {"smtp.req.command": "STARTTLS", "smtp.req.parameter": ""},
    # The response's DATA frame (26635 bytes: /http/big.html, headers included) begins in
    # frame 14 and runs over 25 packets; tshark 4.0 shows it nowhere (it does not
    # reassemble an HTTP/3 frame that long), tlsdissect shows its header where it begins.
    ("quic", "quic-ngtcp2-keyupdate.pcap", 14): {"http3.frame_type": "1,0", "http3.frame_length": "11,26635"},
    ("quic", "quic-ngtcp2-migration.pcap", 13): {"http3.frame_type": "1,0", "http3.frame_length": "11,26635"},
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

# Lower-layer values where tshark 4.0 numbers or labels differently for a reason that is
# not the capture's: (capture file name, field) -> {tshark's value: tlsdissect's value}.
# Every other value of the field is compared as usual.
VALUE_MAPS = {
    # SIP/SDP in this GTP-U trace sets up the RTP and RTCP flows; tshark's RTP dissector
    # creates their conversations ahead with one endpoint left open, and the UDP
    # packets of the other direction then land in a conversation of their own (udp.stream
    # 6). One 4-tuple is one flow both ways: tlsdissect keeps stream 4 for both
    # directions of the RTP flow, so the RTCP flow is 6, not 7.
    ("gtp-iphone.pcap", "udp.stream"): {"0,6": "0,4", "0,7": "0,6"},
    # tshark misreads the server's Initial in frame 79 (see KNOWN_DIFFERENCES_BY_SET) and
    # counts a third connection from there; it is the second connection's (number 1).
    ("quic__interop__quic-go_quic-go__zerortt.pcap", "quic.connection.number"): {"2": "1"},
}
# (capture file name, frame) -> {field: tlsdissect's value}, for the lower layers.
KNOWN_LOWER_DIFFERENCES = {
    # NFLOG logs the same SYN at three netfilter hooks (frames 1-3, the same
    # microsecond). tshark labels the copies retransmissions; tlsdissect's TCP analysis
    # does not label a repeated SYN without payload (a TCP-layer difference, not NFLOG's).
    ("nflog-http.pcap", 2): {"tcp.analysis.retransmission": ""},
    ("nflog-http.pcap", 3): {"tcp.analysis.retransmission": ""},
}

# Captures that carry one connection twice, interleaved, through two tunnels (the same
# addresses, ports and bytes inside): frame 2k is frame 2k-1's packet through the second
# tunnel. tshark 4.0 keys conversations by addresses and ports only, so it makes one
# tcp.stream of both and calls every second copy a retransmission; tlsdissect keys them
# by their outer path too (issue 19) and sees two clean connections, streams 0 and 1.
# For the even frames, tlsdissect's values must equal tshark's for the twin frame
# (TLS fields) with tcp.stream 1 and no retransmission label (lower fields).
TWIN_TUNNEL_CAPTURES = {"gre-two-tunnels-tls13.pcap"}

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
# Protocols that, when tshark finds them, carry inner headers tlsdissect does not dissect
# yet (ICMP errors quote the IP header of the packet they answer). The encapsulations
# (VXLAN, GRE, ERSPAN, Geneve, GTP-U, MPLS, PPPoE, PPP, Teredo, IP in IP) and the link
# types (NFLOG, PPP, 802.11 with LLC) are dissected and compared layer by layer.
NOT_YET = {"icmp", "icmpv6", "arp", "eapol", "lldp", "esp", "l2tp", "nsh", "stp", "cdp", "lcp", "ipcp", "chap", "pap"}


def partially_dissected(protocols):
    return any(p in NOT_YET for p in protocols.split(":"))


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace")


captures = tshark_cache.capture_files


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
    return tshark_fields(capture, LOWER_FIELDS, TSHARK_OPTIONS["lower"], "a")


key_log_of = tshark_cache.key_log_of


def compare(tool, capture):
    args = []
    for f in FIELDS:
        args += ["-e", f]
    # Every occurrence of every field: the lower set compares EVERY_LAYER fields in full
    # and the others on their first occurrence (below).
    first_only = FIELDS is LOWER_FIELDS
    extra, ours_extra = list(DECODE_AS.get(os.path.basename(capture), [])), []
    keys = key_log_of(capture)
    if SET_NAME == "quic" and keys:
        # QUIC with its key log: both decrypt the Handshake and 1-RTT packets.
        extra += ["-o", f"tls.keylog_file:{keys}"]
        ours_extra = ["--keylog", keys]
    shark = tshark_fields(capture, FIELDS, OPTIONS + extra, "a")
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
    twins = base in TWIN_TUNNEL_CAPTURES
    for index, (t_line, o_line) in enumerate(zip(theirs_lines, our_lines)):
        t = t_line.split("\t")
        protocols, t = t[0], t[1:]
        frame_number = index + 1
        if twins and frame_number % 2 == 0:
            ours_by_name = dict(zip(FIELDS, o_line.split("\t")))
            if ours_by_name.get("tcp.stream") != "1":
                problems.append(f"frame {frame_number}: tcp.stream: expected '1', tlsdissect "
                                f"{ours_by_name.get('tcp.stream')!r}")
            if first_only:
                if ours_by_name.get("tcp.analysis.retransmission"):
                    problems.append(f"frame {frame_number}: labelled a retransmission")
                continue
            t = theirs_lines[index - 1].split("\t")[1:]
            t[FIELDS.index("frame.number")] = str(frame_number)
            t[FIELDS.index("tcp.stream")] = "1"
        o = o_line.split("\t")
        if first_only:
            t = [v if name in EVERY_LAYER else v.split(",")[0] for name, v in zip(FIELDS, t)]
            o = [v if name in EVERY_LAYER else v.split(",")[0] for name, v in zip(FIELDS, o)]
        frame = t[0]
        known = None
        if frame.isdigit():
            known = (KNOWN_DIFFERENCES.get((base, int(frame))) if FIELDS is TLS_FIELDS
                     else KNOWN_DIFFERENCES_BY_SET.get((SET_NAME, base, int(frame))))
        lower_known = KNOWN_LOWER_DIFFERENCES.get((base, int(frame)), {}) if frame.isdigit() and first_only else {}
        if lower_known:
            ours_by_name = dict(zip(FIELDS, o))
            for name, want in lower_known.items():
                if ours_by_name.get(name) != want:
                    problems.append(f"frame {frame}: {name}: expected {want!r}, tlsdissect {ours_by_name.get(name)!r}")
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
            if name in lower_known:
                continue
            tv = VALUE_MAPS.get((base, name), {}).get(tv, tv)
            if tv == ov or (name in PRESENCE_ONLY and bool(tv) == bool(ov)):
                continue
            if tv == "<MISSING>" and ov == "":
                continue  # tshark's -T fields text for a zero-length byte field
            if name in SOCKS_TUNNEL_SUMMARY and tunnel_summary and not ov:
                continue
            if name == "quic.dcid" and ov.startswith(tv):
                # tshark 4.0 does not match short-header packets of QUIC v2 connections to
                # their connection, so it leaves out their DCID; tlsdissect shows it.
                continue
            if name == "quic.connection.number" and not tv and ov:
                # tshark 4.0 finds no connection for a packet to a connection ID it did not
                # see issued ("Unknown QUIC connection"): it gives no number; tlsdissect
                # knows the connection by its UDP flow.
                continue
            if (partial or cut) and not tv.strip():
                continue
            if partial and not ov.strip():
                continue  # tshark went deeper, into a layer tlsdissect does not dissect yet
            if partial and name.startswith(("tcp.", "udp.")):
                continue  # tshark found these inside a quoted inner header
            if partial and name in EVERY_LAYER and tv.startswith(ov + ","):
                continue  # the same outer layers; tshark also read the quoted inner header
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
