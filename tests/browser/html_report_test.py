#!/usr/bin/env python3
"""Browser test of `tlsdissect --html`: headless Chromium opens the generated page,
the test clicks field lines in the tree with real mouse events (DevTools protocol), and
checks that the bytes the hex pane highlights are exactly that field's bytes: the same
data source, offset and length as `tlsdissect --json` reports, and, for a field in the
frame itself, as tshark's PDML (pos, size). A screenshot of the page is saved.

Usage: html_report_test.py TLSDISSECT SOURCE_DIR ARTIFACT_DIR
Exit 77 (skipped) only when Chromium is not installed.

The DevTools WebSocket is spoken with the standard library (a minimal RFC 6455 client),
so the test needs nothing beyond Debian's chromium package.
"""
import base64
import http.client
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
import tshark_cache  # noqa: E402

CAPTURE = "captures/https-cname-tls12.pcap"
# (frame, field, occurrence, compare with tshark): fields in the frame and in the
# reassembled buffer of the certificate message. tshark's PDML gives a field's position in
# its own data source, frame or reassembled buffer, as --json does. X.509 fields are not
# compared: tlsdissect's DER nodes cover the whole TLV, Wireshark's only the value.
CASES = [
    (8, "tls.handshake.random", 0, True),
    (8, "tls.handshake.extensions_server_name", 0, True),
    (14, "tls.handshake.certificate_length", 1, True),
    (14, "x509af.serialNumber", 0, False),
    (14, "tls.handshake.sig", 0, True),
]


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames, masked from the client."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError("WebSocket handshake refused: " + head.split(b"\r\n", 1)[0].decode(errors="replace"))
        self.buffer = head.split(b"\r\n\r\n", 1)[1]

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        header += mask
        self.sock.sendall(bytes(header) + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise RuntimeError("DevTools closed the WebSocket")
            if opcode in (0x9, 0xA):
                continue
            message += data
            if b0 & 0x80:
                return message.decode()


class DevTools:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.receive())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"page script failed: {r['exceptionDetails']}")
        return r["result"].get("value")


def find_field(layers, field, occurrence):
    """The `occurrence`-th node named `field` in a --json packet's layers (depth first)."""
    seen = []

    def walk(nodes):
        for n in nodes:
            if n.get("field") == field:
                seen.append(n)
            walk(n.get("children", []))

    walk(layers)
    return seen[occurrence] if len(seen) > occurrence else None


def pdml_position(capture, frame, field, occurrence):
    """tshark's (pos, size) of the `occurrence`-th `field` in `frame`, or None."""
    import xml.etree.ElementTree as ET
    r = tshark_cache.run(["-r", capture, "-Y", f"frame.number == {frame}", "-T", "pdml"])
    if r.returncode:
        raise subprocess.CalledProcessError(r.returncode, "tshark", r.stdout_bytes, r.stderr_bytes)
    out = r.stdout_bytes
    found = [f for f in ET.fromstring(out).iter("field") if f.get("name") == field]
    if len(found) <= occurrence:
        return None
    return int(found[occurrence].get("pos")), int(found[occurrence].get("size"))


def start_chromium(chromium, profile):
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--allow-file-access-from-files", "--window-size=1600,1000",
            f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port_file = os.path.join(profile, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(port_file):
            with open(port_file) as f:
                lines = f.read().split()
            if lines:
                return proc, int(lines[0])
        if proc.poll() is not None:
            raise RuntimeError("chromium exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
        time.sleep(0.1)
    raise RuntimeError("chromium did not open its DevTools port")


def find_chromium():
    """Chromium's path; None (and a SKIP line) when it is not installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: chromium is not installed (Debian package `chromium`; tools/install-deps.sh installs it)")
    return chromium


def stop_chromium(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def page_websocket(port):
    for _ in range(50):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/json/list")
        targets = json.loads(conn.getresponse().read())
        pages = [t for t in targets if t.get("type") == "page" and "webSocketDebuggerUrl" in t]
        if pages:
            return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    raise RuntimeError("no page target in chromium")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    tlsdissect, source_dir, artifacts = sys.argv[1:]
    chromium = find_chromium()
    if not chromium:
        return 77
    capture = os.path.join(source_dir, CAPTURE)
    os.makedirs(artifacts, exist_ok=True)
    page = os.path.join(artifacts, "html_report_test.html")
    subprocess.run([tlsdissect, "--explain", "en", "--html", page, capture], check=True)
    packets = {p["frame"]: p for p in json.loads(subprocess.run([tlsdissect, "--json", capture], capture_output=True,
                                                                   check=True).stdout)}
    failures = []
    with tempfile.TemporaryDirectory(prefix="td-explain-chromium-") as profile:
        proc, port = start_chromium(chromium, profile)
        try:
            devtools = DevTools(WebSocket(page_websocket(port)))
            devtools.call("Page.enable")
            devtools.call("Runtime.enable")
            devtools.call("Emulation.setDeviceMetricsOverride", width=1600, height=1000, deviceScaleFactor=1, mobile=False)
            for frame, field, occurrence, compare in CASES:
                expected = find_field(packets[frame]["layers"], field, occurrence)
                if expected is None:
                    failures.append(f"frame {frame}: --json has no {field}")
                    continue
                want = (expected.get("source", 0), expected["offset"], expected["length"])
                if compare:
                    pdml = pdml_position(capture, frame, field, occurrence)
                    if pdml != (want[1], want[2]):
                        failures.append(f"frame {frame} {field}: --json says offset/length {want[1:]}, tshark {pdml}")
                devtools.call("Page.navigate", url="file://" + os.path.abspath(page) + f"#frame={frame}")
                for _ in range(100):
                    ready = devtools.evaluate(
                        "document.readyState === 'complete' && !!document.querySelector('#packet-table tr.selected') && "
                        f"document.querySelector('#packet-table tr.selected').dataset.frame === '{frame}'")
                    if ready:
                        break
                    time.sleep(0.1)
                else:
                    failures.append(f"frame {frame}: the page did not select the packet")
                    continue
                # Where the field's line is on screen (opening the tree down to it, as a user would).
                box = devtools.evaluate(f"""(function() {{
                    const lines = [...document.querySelectorAll('#tree .field')].filter(e => e.dataset.field === {json.dumps(field)});
                    const e = lines[{occurrence}];
                    if (!e) return null;
                    for (let d = e.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
                    e.scrollIntoView({{block: 'center'}});
                    const r = e.getBoundingClientRect();
                    return {{x: r.left + Math.min(20, r.width / 2), y: r.top + r.height / 2}};
                }})()""")
                if not box:
                    failures.append(f"frame {frame}: no tree line for {field}")
                    continue
                for kind in ("mousePressed", "mouseReleased"):
                    devtools.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left",
                                  clickCount=1)
                got = devtools.evaluate("""(function() {
                    const hl = [...document.querySelectorAll('#hex span.b.hl')];
                    if (!hl.length) return null;
                    const src = new Set(hl.map(e => e.dataset.src));
                    const idx = hl.map(e => +e.dataset.i).sort((a, b) => a - b);
                    return {sources: [...src], first: idx[0], count: idx.length,
                            contiguous: idx.every((v, k) => v === idx[0] + k)};
                })()""")
                if not got:
                    failures.append(f"frame {frame} {field}: clicking highlighted no bytes")
                    continue
                have = (int(got["sources"][0]) if len(got["sources"]) == 1 else got["sources"], got["first"], got["count"])
                if have != want or not got["contiguous"]:
                    failures.append(f"frame {frame} {field}: highlighted (source, offset, length) {have}, "
                                    f"contiguous {got['contiguous']}; the field is {want}")
                else:
                    print(f"ok: frame {frame} {field}: source {want[0]}, bytes {want[1]}..{want[1] + want[2] - 1}")
                if frame == CASES[-1][0] and field == CASES[-1][1]:
                    shot = devtools.call("Page.captureScreenshot", format="png")
                    path = os.path.join(artifacts, "html_report_test.png")
                    with open(path, "wb") as f:
                        f.write(base64.b64decode(shot["data"]))
                    print(f"screenshot: {path}")
            # The ladder and the chain-of-trust section are on the page.
            sections = devtools.evaluate("[document.querySelectorAll('.ladder-table tr').length, "
                                         "document.querySelectorAll('section.chain .cert').length]")
            if not sections or sections[0] < 12 or sections[1] < 3:
                failures.append(f"ladder rows / chain certificates on the page: {sections}")
        finally:
            stop_chromium(proc)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
