#!/usr/bin/env python3
"""Colour on a terminal, as tshark --color gives it.

  * every row of `--color=always -s` on every bundled capture has the colours of the
    colouring rule tshark names for that frame (frame.coloring_rule.name with --color),
    the colours read from Wireshark's own colorfilters file (tshark prints the high byte
    of its 16-bit values); a frame tshark colours with no rule has no colour;
  * without COLORTERM=truecolor the nearest xterm-256 colours are used;
  * the tree: protocol rows in the packet's colours, [Malformed] in red;
  * never when piped (--color=auto, the default), nor with NO_COLOR or TERM=dumb on a
    terminal, nor with --color=never; on a terminal (a pty from script(1)) by default.
Usage: colour_test.py TLSDISSECT SOURCE_DIR
"""
import glob
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
import tshark_cache  # noqa: E402

COLORFILTERS = "/usr/share/wireshark/colorfilters"
ROW = re.compile(r"^\x1b\[38;2;(\d+);(\d+);(\d+)m\x1b\[48;2;(\d+);(\d+);(\d+)m *(\d+) .*\x1b\[0m$")
failures = []
# Rules tlsdissect leaves out: it does not dissect these protocols.
NOT_DISSECTED = {"HSRP State Change", "Spanning Tree Topology  Change", "OSPF State Change", "ICMP errors", "ARP",
                 "ICMP", "SCTP ABORT", "SMB", "DCERPC", "Routing", "System Event"}
# tshark gives the two tunnels' connections of this capture one tcp.stream and so takes
# the second's segments for retransmissions (user guide, "Tunnels").
SKIPPED = {"captures/gre-two-tunnels-tls13.pcap"}


# (capture, frame): an HTTP request in two TLS records: tlsdissect shows its first line
# in the first record's frame, tshark the request in the second's.
KNOWN = {("captures/tls13-key-update.pcap", 19), ("captures/tls13-key-update.pcap", 21)}


def excuse(rule, protocols, experts):
    """Why tshark's rule may differ from ours on this frame, or None."""
    if rule in NOT_DISSECTED:
        return "a protocol tlsdissect does not dissect"
    if rule == "HTTP" and ":http:tls" in protocols:
        return "tshark stacks TLS inside an HTTP CONNECT tunnel under http"
    if rule == "Bad TCP" and experts and all(m.startswith("Duplicate ACK") for m in experts.split(",")):
        return "tlsdissect does not label duplicate ACKs"
    return None


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def wireshark_rules():
    """rule name -> (foreground, background) as 8-bit RGB, from Wireshark's file."""
    rules = {}
    for line in open(COLORFILTERS, encoding="utf-8"):
        m = re.match(r"^@([^@]+)@.*@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]$", line.strip())
        if m:
            bg = tuple(int(v) >> 8 for v in m.group(2, 3, 4))
            fg = tuple(int(v) >> 8 for v in m.group(5, 6, 7))
            rules[m.group(1)] = (fg, bg)
    return rules


def run(tool, args, env_extra=None, tty=False):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    env.pop("COLORTERM", None)
    env.update(env_extra or {})
    if tty:
        cmd = " ".join(shlex.quote(a) for a in [tool, *args])
        r = subprocess.run(["script", "-qec", cmd, "/dev/null"], env=env, capture_output=True,
                           stdin=subprocess.DEVNULL)
        return r.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    return subprocess.run([tool, *args], env=env, capture_output=True).stdout.decode("utf-8", "replace")


def main(argv):
    tool, src = os.path.abspath(argv[1]), argv[2]
    os.chdir(src)
    if not os.path.exists(COLORFILTERS):
        print(f"no {COLORFILTERS} (tshark's data): cannot check the colours")
        return 1
    rules = wireshark_rules()
    by_colour = {}
    for name, colours in rules.items():
        by_colour.setdefault(colours, set()).add(name)
    rows = 0
    seen_rules = set()
    tolerated = 0
    for capture in sorted(glob.glob("captures/*.pcap") + glob.glob("captures/*.pcapng")):
        if capture in SKIPPED:
            continue
        keys = os.path.splitext(capture)[0] + ".keys"
        tshark_keys = ["-o", f"tls.keylog_file:{keys}"] if os.path.exists(keys) else []
        our_keys = ["--keylog", keys] if os.path.exists(keys) else []
        tshark_rows = {}
        excused = {}
        for line in tshark_cache.run(["-n", "-r", capture, *tshark_keys, "--color", "-T", "fields",
                                      "-e", "frame.number", "-e", "frame.coloring_rule.name", "-e", "frame.protocols",
                                      "-e", "_ws.expert.message"]).stdout.splitlines():
            number, rule, protocols, experts = (line.split("\t") + ["", "", ""])[:4]
            tshark_rows[int(number)] = rule
            excused[int(number)] = (capture, int(number)) in KNOWN or excuse(rule, protocols, experts)
        ours = run(tool, ["--color=always", "-s", *our_keys, capture],
                   {"COLORTERM": "truecolor"}).rstrip("\n").split("\n")
        if len(ours) != len(tshark_rows):
            fail(f"{capture}: {len(ours)} rows, tshark {len(tshark_rows)} frames")
            continue
        for line in ours:
            m = ROW.match(line)
            if not m:
                number = int(line.split()[0])
                if tshark_rows.get(number) and not excused.get(number):
                    fail(f"{capture} frame {number}: no colour, tshark's rule is {tshark_rows[number]!r}")
                continue
            colours = (tuple(map(int, m.group(1, 2, 3))), tuple(map(int, m.group(4, 5, 6))))
            number = int(m.group(7))
            names = by_colour.get(colours, set())
            rows += 1
            if tshark_rows.get(number) not in names and excused.get(number):
                tolerated += 1
            elif tshark_rows.get(number) not in names:
                fail(f"{capture} frame {number}: colours {colours} are rule {sorted(names) or 'none'}, "
                     f"tshark's rule is {tshark_rows.get(number)!r}")
            else:
                seen_rules.add(tshark_rows[number])
    print(f"{rows} coloured rows as tshark colours them ({tolerated} known differences); "
          f"rules seen: {', '.join(sorted(seen_rules))}")
    for needed in ("TCP", "UDP", "TCP SYN/FIN", "Bad TCP", "TCP RST"):
        if needed not in seen_rules:
            fail(f"no bundled capture shows the {needed!r} rule")

    capture = "captures/tls12-reordered.pcap"
    # 256 colours without COLORTERM.
    first = run(tool, ["--color=always", "-s", "-c", "1", capture])
    if not first.startswith("\x1b[38;5;") or "\x1b[48;5;" not in first:
        fail(f"without COLORTERM: {first[:40]!r}, expected xterm-256 colours")
    # The tree: protocol rows in the packet's colours, [Malformed] in red.
    tree = run(tool, ["--color=always", "captures/dtls10.pcap"], {"COLORTERM": "truecolor"})
    udp = "\x1b[38;2;18;39;46m\x1b[48;2;218;238;255m"
    if udp + "Frame 1: " not in tree or udp + "User Datagram Protocol" not in tree:
        fail("tree: the protocol rows of a UDP packet are not in the UDP rule's colours")
    if not re.search(r"\n +\x1b\[31m\[Malformed: [^\n]*\x1b\[0m\n", tree):
        fail("tree: [Malformed] is not red")
    # When to colour.
    esc = "\x1b["
    if esc in run(tool, ["-s", "-c", "3", capture]):
        fail("colour in a pipe (--color=auto)")
    if esc not in run(tool, ["-s", "-c", "3", capture], {"TERM": "xterm"}, tty=True):
        fail("no colour on a terminal")
    if esc in run(tool, ["-s", "-c", "3", capture], {"TERM": "xterm", "NO_COLOR": "1"}, tty=True):
        fail("colour on a terminal with NO_COLOR set")
    if esc in run(tool, ["-s", "-c", "3", capture], {"TERM": "dumb"}, tty=True):
        fail("colour on a dumb terminal")
    if esc in run(tool, ["--color=never", "-s", "-c", "3", capture], {"TERM": "xterm"}, tty=True):
        fail("colour with --color=never")
    if esc not in run(tool, ["--color=always", "-s", "-c", "3", capture], {"NO_COLOR": "1"}):
        fail("no colour with --color=always (it overrides NO_COLOR)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
