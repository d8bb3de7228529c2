#!/usr/bin/env python3
"""The DNS -> TLS links of `--sessions` (resolved_by, https_rr) against tshark.

    compare_dns_links.py TLSDISSECT CAPTURE_OR_DIR...

For every TLS record (TCP, DTLS or QUIC) that names a DNS answer:
- resolved_by: tshark shows, at that frame, a DNS response to the name the record
  gives, and its answers hold the server's address; the frame comes before the
  connection's first handshake message;
- https_rr: tshark shows, at that frame, a response to a query for that owner name
  whose HTTPS record's ALPN ids are the record's `alpn`, in order.
At least one link of each kind must be found over all the captures given (the bundled
captures have both: quic-ngtcp2-h3dns.pcap has an HTTPS record), so the test cannot
pass by finding nothing.
Captures with a `.keys` file next to them are read with it. Exit 77 when no capture
exists (a real-world folder that is absent).
"""
import json
import os
import subprocess
import sys

import tshark_cache

def dns_frames(capture):
    """frame -> {names, addresses, alpn, response} from tshark."""
    out = {}
    for line in tshark_cache.fields(capture, ["frame.number", "dns.flags.response", "dns.qry.name", "dns.a",
                                              "dns.aaaa", "dns.svcb.svcparam.alpn"],
                                    display_filter="dns"):
        cols = line.split("\t")
        if len(cols) < 6 or not cols[0].isdigit():
            continue
        out[int(cols[0])] = {
            "response": cols[1] in ("1", "True"),
            "names": {n.lower().rstrip(".") for n in cols[2].split(",") if n},
            "addresses": {a for a in (cols[3] + "," + cols[4]).split(",") if a},
            "alpn": [a for a in cols[5].split(",") if a],
        }
    return out


def main():
    tool, paths = sys.argv[1], sys.argv[2:]
    problems, found = [], {"resolved_by": 0, "https_rr": 0}
    seen = 0
    for capture in tshark_cache.capture_files(paths):
        seen += 1
        args = [tool, "--sessions", "--jsonl", "--quiet"]
        if tshark_cache.key_log_of(capture):
            args += ["--keylog", tshark_cache.key_log_of(capture)]
        out = subprocess.run(args + [capture], capture_output=True, text=True)
        records = [json.loads(l) for l in out.stdout.splitlines() if l.startswith('{"kind":"tls"')]
        linked = [r for r in records if (r.get("resolved_by") or {}).get("source") is None
                  and (r.get("resolved_by") or r.get("https_rr"))]
        if not linked:
            continue
        dns = dns_frames(capture)
        for r in linked:
            first = min((m["frame"] for m in r["handshake"]), default=None)
            rb = r.get("resolved_by")
            if rb:
                found["resolved_by"] += 1
                d = dns.get(rb["frame"])
                names = {n.lower().rstrip(".") for n in [rb["name"]] + rb["cname_chain"]}
                if not d or not d["response"]:
                    problems.append(f"{capture}: stream {r['stream']}: resolved_by frame {rb['frame']} is no DNS response")
                elif rb["name"].lower().rstrip(".") not in d["names"] and not names & d["names"]:
                    problems.append(f"{capture}: stream {r['stream']}: frame {rb['frame']} asks {d['names']}, not {rb['name']}")
                elif r["server"]["ip"] not in d["addresses"]:
                    problems.append(f"{capture}: stream {r['stream']}: frame {rb['frame']} answers {d['addresses']}, "
                                    f"not the server {r['server']['ip']}")
                if first is not None and rb["frame"] >= first:
                    problems.append(f"{capture}: stream {r['stream']}: resolved_by frame {rb['frame']} after the handshake")
            hr = r.get("https_rr")
            if hr:
                found["https_rr"] += 1
                d = dns.get(hr["frame"])
                if not d or not d["response"]:
                    problems.append(f"{capture}: stream {r['stream']}: https_rr frame {hr['frame']} is no DNS response")
                elif hr["name"].lower().rstrip(".") not in d["names"]:
                    problems.append(f"{capture}: stream {r['stream']}: frame {hr['frame']} asks {d['names']}, not {hr['name']}")
                elif d["alpn"] != hr["alpn"]:
                    problems.append(f"{capture}: stream {r['stream']}: frame {hr['frame']}: tshark's ALPN {d['alpn']}, "
                                    f"tlsdissect {hr['alpn']}")
    for p in problems:
        print("FAIL", p)
    print(f"{seen} captures: {found['resolved_by']} resolved_by and {found['https_rr']} https_rr links checked, "
          f"{len(problems)} wrong")
    if seen == 0:
        return 77
    if problems:
        return 1
    if not all(found.values()):
        print("FAIL not every kind of link was found: the check did not run")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
