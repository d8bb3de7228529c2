#!/usr/bin/env python3
"""--walkthrough: the article of the bundled capture that mirrors the seed article
(captures/https-cname-tls12.pcap) covers every step the seed covers, with this capture's
values checked against tshark; the Chinese output (article, --ladder, --html page, the
article's HTML) has no English sentence left (message and field names, and the values
the capture itself holds, excepted); every bundled TLS, DTLS and QUIC capture gives an
article in both languages without error; the connection can be chosen.

With --real-world DIR instead: every capture under DIR/tls, DIR/quic, DIR/dtls and
DIR/modern gives an article in both languages (exit 0, no English sentence in the
Chinese one), and over TCP the article's Client Hello is tshark's (frame and random).

Usage: walkthrough_test.py TLSDISSECT SOURCE_DIR [--real-world DIR]
(exit 77 when DIR is absent)
"""
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
import tshark_cache  # noqa: E402

CAPTURE = "captures/https-cname-tls12.pcap"
KEYS = "captures/https-cname-tls12.keys"
ROOTS = "captures/test-roots.pem"

# The steps of the seed article, as headings (or parts of a section) of the walkthrough:
# (section number, text that must start a ### heading in it, direction or None).
SEED_STEPS = [
    ("3", "[1] Client Hello", "client → server"),
    ("3", "[2] Server Hello", "server → client"),
    ("3", "[3] Certificate", "server → client"),
    ("3", "[4] Server Key Exchange", "server → client"),
    ("3", "[5] Server Hello Done", "server → client"),
    ("3", "[6] Client Key Exchange", "client → server"),
    ("3", "[7] Change Cipher Spec", "client → server"),
    ("3", "[8] Finished", "client → server"),
    ("3", "New Session Ticket", "server → client"),
    ("3", "[9] Change Cipher Spec", "server → client"),
    ("3", "[10] Finished", "server → client"),
    ("4", "First Application Data record", "client → server"),
    ("4", "First Application Data record", "server → client"),
]

# Message and field names kept in English in the Chinese output, as Wireshark shows them.
KEPT_NAMES = [
    "Client Hello", "Server Hello", "Server Key Exchange", "Server Hello Done", "Client Key Exchange",
    "Change Cipher Spec", "Encrypted Handshake Message", "Encrypted Extensions", "New Session Ticket",
    "Certificate Verify", "Certificate Request", "Hello Verify Request", "Application Data", "Finished",
    "Certificate", "Alert", "Request In", "HelloRetryRequest", "EncryptedExtensions", "Decrypted",
]

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(tool, args, check=True):
    r = subprocess.run([tool, *args], capture_output=True, text=True, env=dict(os.environ, LC_ALL="C.UTF-8"))
    if check and r.returncode != 0:
        fail(f"tlsdissect {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()[:300]}")
    return r


def sections(md):
    """{"1": text, "2": text, ...} by the "## N." headings; and the ### subsections in order."""
    out, subs, current = {}, [], None
    for block in re.split(r"(?m)^(?=## )", md):
        m = re.match(r"## (\d)\.", block)
        if m:
            current = m.group(1)
            out[current] = block
            for sub in re.split(r"(?m)^(?=### )", block)[1:]:
                subs.append((current, sub))
    return out, subs


def subsection(subs, section, start, direction):
    for sec, text in subs:
        head = text.split("\n", 1)[0][4:]
        if sec == section and head.startswith(start) and (direction is None or direction in head):
            return text
    return None


def tshark_rows(capture, names, display_filter, keys=None):
    options = ["-o", f"tls.keylog_file:{keys}"] if keys else []
    rows = []
    for line in tshark_cache.fields(capture, names, options=options, display_filter=display_filter):
        rows.append(dict(zip(names, line.split("\t"))))
    return rows


def check_seed_capture(tool, src):
    capture, keys, roots = (os.path.join(src, p) for p in (CAPTURE, KEYS, ROOTS))
    md = run(tool, ["--roots", roots, "--keylog", keys, "--walkthrough", "en", capture]).stdout
    sec, subs = sections(md)
    for n in "123456":
        if n not in sec:
            fail(f"no section {n} in the article")
    if failures:
        return

    # 1. DNS: the query and the answer with its CNAME chain, as tshark reads them.
    answers = tshark_rows(capture, ["frame.number", "dns.id", "dns.response_to", "dns.qry.name", "dns.cname", "dns.a"],
                          "dns.flags.response == 1 && dns.a")
    if not answers:
        fail("tshark finds no DNS answer with an address")
    else:
        a = answers[0]
        text = sec["1"]
        for want in [f"Frame {a['dns.response_to']}, as", f"Frame {a['frame.number']}, as", f"`{a['dns.id']}`",
                     f"`{a['dns.qry.name']}`", f"`{a['dns.a']}`"] + [f"`{c}`" for c in a["dns.cname"].split(",")]:
            if want not in text:
                fail(f"section 1 (DNS) lacks {want!r} (tshark: {a})")
        if "CNAME" not in text:
            fail("section 1 does not explain the CNAME answer")
        print(f"ok: DNS query frame {a['dns.response_to']}, answer frame {a['frame.number']}, "
              f"CNAME chain {a['dns.cname']} -> {a['dns.a']}")

    # 2. TCP: SYN, SYN-ACK, ACK with their raw sequence and acknowledgment numbers.
    tcp = tshark_rows(capture, ["frame.number", "tcp.flags", "tcp.seq_raw", "tcp.ack_raw"], "tcp.stream == 0")[:3]
    flags = [int(r["tcp.flags"], 16) & 0x12 for r in tcp]
    if flags != [0x02, 0x12, 0x10]:
        fail(f"tshark's first three segments of tcp.stream 0 are not SYN, SYN-ACK, ACK: {tcp}")
    else:
        text = sec["2"]
        for r, name, values in zip(tcp, ("SYN", "SYN-ACK", "ACK"),
                                   (["tcp.seq_raw"], ["tcp.seq_raw", "tcp.ack_raw"], ["tcp.ack_raw"])):
            if f"Frame {r['frame.number']} ({name})" not in text:
                fail(f"section 2 does not name frame {r['frame.number']} as the {name}")
            for v in values:
                if f"`{r[v]}`" not in text:
                    fail(f"section 2: the {name}'s {v} {r[v]} (tshark) is not in the article")
        print("ok: TCP three-way handshake, frames " + ", ".join(r["frame.number"] for r in tcp))

    # 3. Every TLS message of the seed, in its frame, with tshark's values.
    names = ["frame.number", "tls.handshake.type", "tls.handshake.random", "tls.handshake.ciphersuite",
             "tls.handshake.extensions_server_name", "tls.handshake.server_named_curve", "tls.handshake.server_point",
             "tls.handshake.sig_hash_alg", "tls.handshake.client_point", "tls.handshake.session_ticket_lifetime_hint",
             "tls.handshake.session_ticket_length", "x509sat.uTF8String"]
    rows = tshark_rows(capture, names, "tls.handshake", keys)
    frames_of = {}
    for r in rows:
        for t in r["tls.handshake.type"].split(","):
            frames_of.setdefault(int(t), []).append(r)
    ccs = [r["frame.number"] for r in tshark_rows(capture, ["frame.number"], "tls.change_cipher_spec")]
    app = tshark_rows(capture, ["frame.number", "ip.src"], "tls.app_data", keys)
    step_frames = {
        "[1] Client Hello": frames_of[1][0]["frame.number"], "[2] Server Hello": frames_of[2][0]["frame.number"],
        "[3] Certificate": frames_of[11][0]["frame.number"], "[4] Server Key Exchange": frames_of[12][0]["frame.number"],
        "[5] Server Hello Done": frames_of[14][0]["frame.number"],
        "[6] Client Key Exchange": frames_of[16][0]["frame.number"],
        "[7] Change Cipher Spec": ccs[0], "[9] Change Cipher Spec": ccs[1],
        "[8] Finished": frames_of[20][0]["frame.number"], "[10] Finished": frames_of[20][1]["frame.number"],
        "New Session Ticket": frames_of[4][0]["frame.number"],
    }
    client_ip = tshark_rows(capture, ["ip.src"], "tls.handshake.type == 1")[0]["ip.src"]
    first_app = {}
    for r in app:
        first_app.setdefault("client → server" if r["ip.src"] == client_ip else "server → client", r["frame.number"])
    for section, start, direction in SEED_STEPS:
        text = subsection(subs, section, start, direction)
        if text is None:
            fail(f"no step {start!r} ({direction}) in section {section}")
            continue
        frame = first_app[direction] if start.startswith("First") else step_frames[start]
        if f"(frame {frame}, {direction})" not in text.split("\n", 1)[0]:
            fail(f"{start} ({direction}): tshark has it in frame {frame}; the heading says {text.splitlines()[0]!r}")
        if f"Frame {frame}, as the packet tree shows it" not in text:
            fail(f"{start}: no tree excerpt of frame {frame}")
    print("ok: every step of the seed article has its section, in tshark's frame")

    def values_in(step, direction, row, fields, fmt="`{}`"):
        text = subsection(subs, "3", step, direction) or ""
        for f in fields:
            for v in row[f].split(","):
                if v and fmt.format(v) not in text:
                    fail(f"{step}: {f} {v} (tshark, frame {row['frame.number']}) is not in its section")

    ch, sh = frames_of[1][0], frames_of[2][0]
    values_in("[1] Client Hello", None, ch, ["tls.handshake.random", "tls.handshake.extensions_server_name"])
    values_in("[1] Client Hello", None, ch, ["tls.handshake.ciphersuite"], "({})")
    values_in("[2] Server Hello", None, sh, ["tls.handshake.random"])
    values_in("[2] Server Hello", None, sh, ["tls.handshake.ciphersuite"], "({})")
    sh_text = subsection(subs, "3", "[2] Server Hello", None) or ""
    for part in ("ECDHE", "RSA", "AES_128_GCM", "SHA256"):
        if f"`{part}" not in sh_text:
            fail(f"Server Hello: the chosen suite is not decomposed ({part} missing)")
    ske = frames_of[12][0]
    values_in("[4] Server Key Exchange", None, ske, ["tls.handshake.server_point"])
    values_in("[4] Server Key Exchange", None, ske, ["tls.handshake.server_named_curve", "tls.handshake.sig_hash_alg"],
              "({})")
    ske_text = subsection(subs, "3", "[4] Server Key Exchange", None) or ""
    if "checked the signature with the certificate's public key: correct" not in ske_text:
        fail("Server Key Exchange: the signature check is not reported")
    values_in("[6] Client Key Exchange", None, frames_of[16][0], ["tls.handshake.client_point"])
    values_in("New Session Ticket", None, frames_of[4][0],
              ["tls.handshake.session_ticket_lifetime_hint", "tls.handshake.session_ticket_length"])
    cert_text = subsection(subs, "3", "[3] Certificate", None) or ""
    for cn in set(frames_of[11][0]["x509sat.uTF8String"].split(",")):
        if cn not in cert_text:
            fail(f"Certificate: {cn!r} (tshark) is not in the chain")
    for want in ("at the capture time", "`valid`"):
        if want not in cert_text:
            fail(f"Certificate: the validation at capture time is not reported ({want!r})")
    for step in ("[8] Finished", "[10] Finished"):
        if "recomputed it from the key log: `correct`" not in (subsection(subs, "3", step, None) or ""):
            fail(f"{step}: the Finished check is not reported")
    print("ok: random, suites (offered, chosen, decomposed), SNI, key exchange, signature, certificates, "
          "ticket values agree with tshark")

    # 4 and 5: the decrypted request, the alerts and the FINs.
    uri = tshark_rows(capture, ["http.request.uri"], "http.request", keys)[0]["http.request.uri"]
    if uri not in sec["4"]:
        fail(f"section 4: the decrypted request for {uri} (tshark) is not shown")
    for r in tshark_rows(capture, ["frame.number"], "tls.alert_message", keys):
        if f"Alert (frame {r['frame.number']}," not in sec["5"]:
            fail(f"section 5: the alert in frame {r['frame.number']} (tshark) is missing")
    for r in tshark_rows(capture, ["frame.number"], "tcp.stream == 0 && tcp.flags.fin == 1"):
        if f"TCP FIN (frame {r['frame.number']}," not in sec["5"]:
            fail(f"section 5: the FIN in frame {r['frame.number']} (tshark) is missing")
    print("ok: application data decrypted, alerts and FINs in section 5")


# ---- No English sentence in the Chinese output ----------------------------------------

class VisibleText(html.parser.HTMLParser):
    """The text a reader sees, without <code>, <pre>, <script>, <style> (values and trees)."""
    SKIP = {"code", "pre", "script", "style", "title"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1
        if tag in ("p", "li", "div", "text", "td", "th", "h1", "h2", "h3", "h4", "tr"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def capture_values(tool, src, capture, keys):
    """Strings the capture itself holds (names, subjects, suites): data, not sentences."""
    args = ["--roots", os.path.join(src, ROOTS), "--sessions", capture] + (["--keylog", keys] if keys else [])
    doc = json.loads(run(tool, args).stdout or "{}")
    values = set()

    def walk(v):
        if isinstance(v, str):
            values.add(v)
            # The attribute values of an RFC 4514 name (a certificate's common name).
            for part in v.split(",") if "=" in v else []:
                values.add(part.split("=", 1)[-1])
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(doc)
    return sorted((v for v in values if len(v) > 3), key=len, reverse=True)


ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z']*(?:[ \-,]+[A-Za-z][A-Za-z']*){3,}")


def english_left(text, values):
    text = re.sub(r"~~~text\n.*?~~~", "", text, flags=re.S)  # tree excerpts and text pictures
    text = re.sub(r"`[^`]*`", "", text)                        # values
    for v in values:
        text = text.replace(v, "◇")
    text = re.sub(r"CN=[^←，,（(\n]*", "◇", text)
    for name in KEPT_NAMES:
        text = text.replace(name, "◇")
    return [m.group(0) for m in ENGLISH_RUN.finditer(text)]


def check_chinese(tool, src):
    cases = [("https-cname-tls12", True), ("tls13-openssl", True), ("tls12-resume-ticket", True),
             ("quic-ngtcp2-v1", True), ("dtls12-cookie", True), ("tls13-hrr", True)]
    with tempfile.TemporaryDirectory(prefix="td-walkthrough-") as tmp:
        for name, with_keys in cases:
            capture = os.path.join(src, "captures", name + ".pcap")
            keys = os.path.join(src, "captures", name + ".keys")
            keys = keys if with_keys and os.path.exists(keys) else None
            common = ["--roots", os.path.join(src, ROOTS)] + (["--keylog", keys] if keys else [])
            values = capture_values(tool, src, capture, keys)
            outputs = {
                "--walkthrough zh": run(tool, common + ["--walkthrough", "zh", capture]).stdout,
                "--ladder --explain zh": run(tool, common + ["--ladder", "--explain", "zh", capture]).stdout,
            }
            for what, args in (("--walkthrough zh --html", ["--walkthrough", "zh"]), ("--html (zh)", ["--explain", "zh"])):
                page = os.path.join(tmp, name + ".html")
                run(tool, common + args + ["--html", page, capture])
                parser = VisibleText()
                with open(page, encoding="utf-8") as f:
                    parser.feed(f.read())
                outputs[what] = "".join(parser.parts)
            before = len(failures)
            for what, text in outputs.items():
                if not text.strip():
                    fail(f"{name}: {what} printed nothing")
                left = english_left(text, values)
                if left:
                    fail(f"{name}: {what}: English left in the Chinese output: {left[:5]}")
            en = run(tool, common + ["--walkthrough", "en", capture]).stdout
            if "## 3." not in en or "## 3." not in outputs["--walkthrough zh"]:
                fail(f"{name}: the article has no TLS section")
            if len(failures) == before:
                print(f"ok: {name}: Chinese article, ladder and pages without English sentences")


def check_choice(tool, src):
    capture = os.path.join(src, "captures/tls12-resume-ticket.pcap")
    streams = [int(s) for s in tshark_cache.fields(capture, ["tcp.stream"], display_filter="tls.handshake.type == 1")]
    if len(streams) < 2:
        fail("tls12-resume-ticket.pcap should hold two connections")
        return
    second = run(tool, ["--walkthrough", "en", "--stream", str(streams[1]), capture]).stdout
    if f"`tcp.stream == {streams[1]}`" not in second or "abbreviated handshake: session resumed" not in second:
        fail("--stream chooses the second (resumed) connection")
    sni = tshark_cache.fields(capture, ["tls.handshake.extensions_server_name"], display_filter="tls.handshake.type == 1")[0]
    by_sni = run(tool, ["--walkthrough", "en", "--sni", sni.upper(), capture]).stdout
    if f"`tcp.stream == {streams[0]}`" not in by_sni:
        fail("--sni chooses the first connection that names the server (case-insensitive)")
    frame = tshark_cache.fields(capture, ["frame.number"], display_filter=f"tcp.stream == {streams[1]}")[-1]
    by_frame = run(tool, ["--walkthrough", "en", "--frames", frame, capture]).stdout
    if f"`tcp.stream == {streams[1]}`" not in by_frame:
        fail("--frames chooses the connection of that frame")
    r = run(tool, ["--walkthrough", "en", "--sni", "nowhere.invalid", capture], check=False)
    if r.stdout or "no connection matches" not in r.stderr:
        fail(f"--sni with no match: {r.stderr.strip()!r}")
    r = run(tool, ["--walkthrough", "en", "-s", capture], check=False)
    if r.returncode != 2:
        fail("--walkthrough with -s is a usage error")
    print("ok: --stream, --sni, --frames choose the connection")


def check_real_world(tool, src, real):
    files = []
    for sub in ("tls", "quic", "dtls", "modern"):
        folder = os.path.join(real, sub)
        if os.path.isdir(folder):
            files += sorted(os.path.join(folder, f) for f in os.listdir(folder)
                            if f.endswith((".pcap", ".pcapng", ".cap", ".gz")))
    articles = 0
    for capture in files:
        name = os.path.relpath(capture, real)
        keys = os.path.splitext(capture)[0] + ".keys"
        common = ["--keylog", keys] if os.path.exists(keys) else []
        before = len(failures)
        en = run(tool, common + ["--walkthrough", "en", capture], check=False)
        zh = run(tool, common + ["--walkthrough", "zh", capture], check=False)
        for lang, r in (("en", en), ("zh", zh)):
            if r.returncode not in (0, 4, 5, 6):
                fail(f"{name}: --walkthrough {lang}: exit {r.returncode}: {r.stderr.strip()[:200]}")
        if not en.stdout:
            continue  # no TLS connection (said on stderr)
        articles += 1
        left = english_left(zh.stdout, capture_values(tool, src, capture, keys if common else None))
        if left:
            fail(f"{name}: English left in the Chinese article: {left[:3]}")
        m = re.search(r"`tcp\.stream == (\d+)`", en.stdout)
        if m:
            rows = tshark_rows(capture, ["frame.number", "tls.handshake.random"],
                               f"tcp.stream == {m.group(1)} && tls.handshake.type == 1")
            if rows and rows[0]["tls.handshake.random"]:
                r = rows[0]
                if f"Client Hello (frame {r['frame.number']}," not in en.stdout or \
                        f"`{r['tls.handshake.random'].split(',')[0]}`" not in en.stdout:
                    fail(f"{name}: the article's Client Hello is not tshark's (frame {r['frame.number']})")
        if len(failures) == before:
            print(f"ok: {name}")
    print(f"{len(files)} captures, {articles} articles")


def main():
    if len(sys.argv) not in (3, 5):
        print(__doc__)
        return 2
    tool, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.chdir(src)
    if len(sys.argv) == 5:
        real = sys.argv[4]
        if not os.path.isdir(real):
            print(f"SKIP: {real}: absent")
            return 77
        check_real_world(tool, src, os.path.abspath(real))
        return 1 if failures else 0
    check_seed_capture(tool, src)
    check_chinese(tool, src)
    check_choice(tool, src)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
