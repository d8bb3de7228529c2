#!/usr/bin/env python3
"""Differential test of the DNS dissector: tlsdissect against tshark, frame by frame.

Both tools print the same Wireshark DNS field names (`tshark -T fields -E occurrence=a`,
`tlsdissect -e`), every occurrence comma-joined, and every value must agree: the
transaction ID, flags, counts, every question and record (name, type, class, TTL,
data), the response frame and response time.

Where tshark is wrong, the comparison says so and asserts the right value instead
(see KNOWN_TSHARK_QUIRKS and the functions named there). Where tshark stops at an
exception (a malformed or truncated message) tlsdissect goes on with the rest of the
message, so tshark's values must be a prefix of ours, and tlsdissect must mark the
frame with a [Malformed]/[Truncated] anomaly.

Usage: compare_dns.py TLSDISSECT CAPTURE_OR_DIR [CAPTURE_OR_DIR ...]
A missing directory is skipped (the real-world captures live outside the project);
exit 77 when none of them exists.
Exit 0 when everything agrees, 1 on a disagreement, 77 when tshark is missing.
"""
import os
import shutil
import subprocess
import sys

import tshark_cache

FIELDS = [
    "dns.length", "dns.id", "dns.flags", "dns.flags.response", "dns.flags.opcode", "dns.flags.authoritative",
    "dns.flags.truncated", "dns.flags.recdesired", "dns.flags.recavail", "dns.flags.z",
    "dns.flags.authenticated", "dns.flags.checkdisable", "dns.flags.rcode",
    "dns.count.queries", "dns.count.zones", "dns.count.answers", "dns.count.prerequisites",
    "dns.count.auth_rr", "dns.count.updates", "dns.count.add_rr",
    "dns.qry.name", "dns.qry.name.len", "dns.count.labels", "dns.qry.type", "dns.qry.class", "dns.qry.qu",
    "dns.resp.name", "dns.resp.type", "dns.resp.class", "dns.resp.cache_flush", "dns.resp.ttl", "dns.resp.len",
    "dns.a", "dns.aaaa", "dns.cname", "dns.ns", "dns.ptr.domain_name", "dns.dname",
    "dns.mx.preference", "dns.mx.mail_exchange", "dns.txt", "dns.spf",
    "dns.soa.mname", "dns.soa.rname", "dns.soa.serial_number", "dns.soa.refresh_interval",
    "dns.soa.retry_interval", "dns.soa.expire_limit", "dns.soa.minimum_ttl",
    "dns.srv.priority", "dns.srv.weight", "dns.srv.port", "dns.srv.target",
    "dns.hinfo.cpu", "dns.hinfo.os", "dns.wks.address", "dns.wks.protocol", "dns.wks.bits",
    "dns.caa.flags", "dns.caa.tag", "dns.caa.value", "dns.caa.issue",
    "dns.loc.version", "dns.loc.size", "dns.loc.latitude", "dns.loc.longitude",
    "dns.rr.udp_payload_size", "dns.resp.ext_rcode", "dns.resp.edns0_version", "dns.resp.z.do",
    "dns.opt.code", "dns.opt.len", "dns.opt.data", "dns.opt.client.family", "dns.opt.client.netmask",
    "dns.opt.client.scope", "dns.opt.client.addr4", "dns.opt.client.addr6", "dns.opt.cookie.client",
    "dns.opt.cookie.server",
    "dns.svcb.svcpriority", "dns.svcb.targetname", "dns.svcb.svcparam.key", "dns.svcb.svcparam.value.length",
    "dns.svcb.svcparam.alpn", "dns.svcb.svcparam.port", "dns.svcb.svcparam.ipv4hint.ip",
    "dns.svcb.svcparam.ipv6hint.ip", "dns.svcb.svcparam.echconfig",
    "dns.ds.key_id", "dns.ds.algorithm", "dns.ds.digest_type", "dns.ds.digest",
    "dns.dnskey.flags", "dns.dnskey.protocol", "dns.dnskey.algorithm", "dns.dnskey.key_id",
    "dns.dnskey.public_key",
    "dns.rrsig.type_covered", "dns.rrsig.algorithm", "dns.rrsig.labels", "dns.rrsig.original_ttl",
    "dns.rrsig.signature_expiration", "dns.rrsig.signature_inception", "dns.rrsig.key_tag",
    "dns.rrsig.signers_name", "dns.rrsig.signature",
    "dns.nsec.next_domain_name", "dns.nsec3.algo", "dns.nsec3.iterations", "dns.nsec3.hash_value",
    "dns.tsig.algorithm_name", "dns.tsig.original_id",
    "dns.response_to", "dns.time", "dns.retransmission", "dns.retransmit_request_in",
    "dns.retransmit_response_in", "dns.unsolicited",
]
# Fields only tlsdissect has (Wireshark 4.0 has no such field): used to check quirks.
OURS_ONLY = ["dns.type_bitmap.type"]

# Where tshark 4.0 is wrong, and what the comparison asserts instead.
KNOWN_TSHARK_QUIRKS = {
    # packet-dns.c adds the types of an NSEC/NSEC3/NXT type bit map under dns.resp.type,
    # so `dns.resp.type == 47` also matches records that *deny* type 47. tlsdissect files
    # them under dns.type_bitmap.type; tshark's list must equal ours plus the bit map's.
    "bitmap_types_in_resp_type": "dns.resp.type",
    # For an SRV record tshark 4.0 replaces dns.resp.name by dns.srv.service/proto/name
    # (the owner split at its dots), so the owner is missing from dns.resp.name.
    # tlsdissect keeps dns.resp.name for every record (and adds the split ones hidden).
    "srv_owner_not_in_resp_name": "dns.resp.name",
    # tshark computes [Name Length] and [Label Count] as 0 for any name whose text is
    # one character long (its test `name_len > 1` is meant to skip the root), so "a"
    # shows length 0 and no labels. tlsdissect says 1 and 1.
    "one_char_name_length": "dns.qry.name.len",
    # For a name it cannot decode (a compression loop) tshark gives the length of its
    # placeholder text "<Name contains a pointer that loops>" (36) and 1 label.
    # tlsdissect gives no length and no label count for a name that has none.
    "placeholder_name_length": "dns.count.labels",
    # tshark adds zero-length fields for bytes that are not there (Server Cookie when only
    # the client's is present, Option Data of an empty option) and prints <MISSING>;
    # tlsdissect adds no field for them.
    "missing_placeholder": "dns.opt.cookie.server",
}


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace")


captures = tshark_cache.capture_files


def split(value):
    return value.split(",") if value else []


def frame_table(lines, names):
    table = {}
    for line in lines:
        cols = line.split("\t")
        cols += [""] * (len(names) - len(cols))
        row = dict(zip(names, cols))
        table[row["frame.number"]] = row
    return table


def expected_malformed(capture, frame):
    """dns-edns-bad-length.pcap frame 1: the OPT record's RDLENGTH is 1, too short for an
    option header. tshark reads the option code and length past the record's data (from
    the next record: 192 and 3072) and then stops at an exception, losing the A record
    that follows. tlsdissect marks the 1-byte option data malformed, shows no option, and
    goes on with the A record (203.0.113.7)."""
    if os.path.basename(capture) == "dns-edns-bad-length.pcap" and frame == "1":
        return {"dns.opt.code": "", "dns.opt.len": "", "dns.a": "203.0.113.7",
                "dns.resp.name": "<Root>,example.com", "dns.resp.type": "41,1"}
    return None


def expected_mdns(capture, frame):
    """mdns.pcap: tshark 4.0 matches DNS messages on the transaction ID alone, and every
    multicast DNS message has ID 0, so it calls the ANY queries of frames 11-18 (asking
    for the host's addresses) retransmissions of the PTR queries of frames 9 and 10 (asking
    for printers), and answers frames 19 and 20 to those PTR queries. tlsdissect also
    compares the questions: frames 11 and 12 are new queries (13, 17 and 14, 18 their
    retransmissions), and the unsolicited-looking answers of 19 and 20 carry the owner
    names that 12 and 11 asked for."""
    if os.path.basename(capture) != "mdns.pcap":
        return None
    right = {
        "11": {"dns.retransmission": "", "dns.retransmit_request_in": ""},
        "12": {"dns.retransmission": "", "dns.retransmit_request_in": ""},
        "13": {"dns.retransmission": "1", "dns.retransmit_request_in": "11"},
        "14": {"dns.retransmission": "1", "dns.retransmit_request_in": "12"},
        "17": {"dns.retransmission": "1", "dns.retransmit_request_in": "11"},
        "18": {"dns.retransmission": "1", "dns.retransmit_request_in": "12"},
        "19": {"dns.response_to": "12", "dns.time": "0.708561000"},
        "20": {"dns.response_to": "11", "dns.time": "0.708690000"},
    }
    return right.get(frame)


def without_positions(values, types, drop_type):
    return [v for v, t in zip(values, types) if t != drop_type] + values[len(types):]


def compare_frame(capture, frame, theirs, ours, problems):
    malformed_theirs = bool(theirs.get("_ws.malformed") or theirs.get("_ws.short"))
    marked_ours = bool(ours.get("_ws.malformed") or ours.get("_ws.short"))
    if malformed_theirs and not marked_ours:
        problems.append(f"frame {frame}: tshark marks the frame malformed/truncated, tlsdissect does not")
    right = expected_mdns(capture, frame) or expected_malformed(capture, frame) or {}
    our_types = split(ours.get("dns.resp.type", ""))
    for name in FIELDS:
        tv, ov = theirs.get(name, ""), ours.get(name, "")
        if name in right:
            if ov != right[name]:
                problems.append(f"frame {frame}: {name}: expected {right[name]!r} (tshark says {tv!r}), "
                                f"tlsdissect {ov!r}")
            continue
        if tv == ov:
            continue
        t, o = [v for v in split(tv) if v != "<MISSING>"], split(ov)  # quirk missing_placeholder
        if t == o:
            continue
        if name == "dns.resp.type":
            # Quirk bitmap_types_in_resp_type.
            bitmap = split(ours.get("dns.type_bitmap.type", ""))
            if sorted(t) == sorted(o + bitmap):
                continue
            if malformed_theirs and sorted(t) == sorted((o + bitmap)[:len(t)]):
                continue
        if name == "dns.resp.name" and "33" in our_types:
            # Quirk srv_owner_not_in_resp_name.
            o = without_positions(o, our_types, "33")
            if t == o or (malformed_theirs and t == o[:len(t)]):
                continue
        if name in ("dns.qry.name.len", "dns.count.labels"):
            # Quirks one_char_name_length and placeholder_name_length, question by question.
            names = split(ours.get("dns.qry.name", ""))
            decoded = [n for n in names if not (n.startswith("<") and n != "<Root>")]
            fixed, ok, k = [], len(o) == len(decoded), 0
            for n in names:
                if n.startswith("<") and n != "<Root>":
                    fixed.append(str(len(n)) if name == "dns.qry.name.len" else "1")
                    continue
                v = o[k] if k < len(o) else ""
                k += 1
                if len(n) == 1:
                    ok = ok and v == "1"
                    v = "0"
                fixed.append(v)
            if ok and (fixed == t or (malformed_theirs and fixed[:len(t)] == t)):
                continue
        if (malformed_theirs or marked_ours) and t == o[:len(t)]:
            continue  # tshark stopped at the exception; tlsdissect went on
        problems.append(f"frame {frame}: {name}: tshark {tv!r}, tlsdissect {ov!r}")


def compare(tool, capture):
    base = ["frame.number", "frame.protocols", "_ws.malformed", "_ws.short"]
    args = []
    for f in FIELDS:
        args += ["-e", f]
    shark = tshark_cache.run(["-n", "-r", capture, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"] +
                             [a for f in base for a in ("-e", f)] + args)
    mine = ["frame.number", "frame.protocols", "_ws.malformed", "_ws.short"] + FIELDS + OURS_ONLY
    ours = run([tool, capture] + [a for f in mine for a in ("-e", f)])
    if ours.returncode not in (0, 6):
        return [f"tlsdissect exited {ours.returncode}: {ours.stderr.strip()}"], 0, 0, 0
    theirs = frame_table(shark.stdout.splitlines(), base + FIELDS)
    our = frame_table(ours.stdout.splitlines(), mine)
    problems = []
    if len(theirs) != len(our):
        problems.append(f"frame count: tshark {len(theirs)}, tlsdissect {len(our)}")
    dns_frames = not_hooked = 0
    for frame, t in theirs.items():
        o = our.get(frame, {})
        layers = t["frame.protocols"].split(":")
        if not any(p in ("dns", "mdns", "llmnr") for p in layers):
            if o.get("dns.id"):
                problems.append(f"frame {frame}: tlsdissect dissects DNS that tshark does not see")
            continue
        dns_frames += 1
        if "tcp" in layers and not o.get("dns.id"):
            # DNS over TCP needs the TCP application hook-up (frame_dissector.cpp's
            # detect_tcp_application); until then such frames are counted, not compared.
            not_hooked += 1
            continue
        compare_frame(capture, frame, t, o, problems)
    return problems, len(our), dns_frames, not_hooked


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    if not shutil.which("tshark"):
        print("tshark not installed: skipping the DNS differential test")
        return 77
    tool = sys.argv[1]
    failed = passed = 0
    if not any(os.path.exists(p) for p in sys.argv[2:]):
        # Only the real-world captures beside the project can be absent: a skip, not a pass.
        print(f"SKIP: {' '.join(sys.argv[2:])}: absent")
        return 77
    for capture in captures(sys.argv[2:]):
        problems, frames, dns_frames, not_hooked = compare(tool, capture)
        name = os.path.relpath(capture)
        if problems:
            failed += 1
            print(f"FAIL {name}: {len(problems)} disagreements")
            for p in problems[:20]:
                print("    " + p)
        else:
            passed += 1
            note = f", {not_hooked} DNS-over-TCP frames not compared (TCP hook-up missing)" if not_hooked else ""
            print(f"ok   {name}: {frames} frames, {dns_frames} with DNS{note}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
