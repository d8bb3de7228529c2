#!/usr/bin/env python3
"""Browser test of the teaching pictures: headless Chromium opens the --walkthrough
article (HTML, English and Chinese) and the --html page (Chinese) of the bundled capture
that mirrors the seed article, and checks that the pictures are drawn: the handshake
sequence diagram (one arrow group per ladder row, lifelines for resolver, client,
server), the certificate chain (one box per certificate sent, a verdict on each link),
the DNS CNAME chain (the name asked, each CNAME, the address); that the pages fit an A4
page's width and print to PDF. Screenshots and PDFs are kept in ARTIFACT_DIR.

Usage: pictures_test.py TLSDISSECT SOURCE_DIR ARTIFACT_DIR
Exit 77 (skipped) only when Chromium is not installed.
"""
import base64
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from html_report_test import DevTools, WebSocket, page_websocket, find_chromium, start_chromium, stop_chromium  # noqa: E402

CAPTURE = "captures/https-cname-tls12.pcap"
KEYS = "captures/https-cname-tls12.keys"
ROOTS = "captures/test-roots.pem"
# A4 at 96 dpi is 794 px wide; the page must not be wider than that (minus nothing: the
# print margins come from @page).
A4_WIDTH = 794

MEASURE = """(function() {
  const svg = sel => [...document.querySelectorAll(sel)];
  const box = e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
  const ladder = svg('svg.ladder-svg')[0], chain = svg('svg.chain-svg')[0], dns = svg('svg.dns-svg')[0];
  return {
    ladder: ladder ? {size: box(ladder), frames: [...ladder.querySelectorAll('g[data-frame]')].map(g => +g.dataset.frame),
                      text: ladder.textContent} : null,
    chain: chain ? {size: box(chain), boxes: chain.querySelectorAll('g.cert-box').length, text: chain.textContent} : null,
    dns: dns ? {size: box(dns), boxes: dns.querySelectorAll('rect').length - 1, text: dns.textContent} : null,
    scrollWidth: document.documentElement.scrollWidth,
    background: getComputedStyle(document.body).backgroundColor,
  };
})()"""


def wait_loaded(devtools):
    for _ in range(100):
        if devtools.evaluate("document.readyState === 'complete'"):
            return True
        time.sleep(0.1)
    return False


def check_page(devtools, path, name, artifacts, expect, failures, width):
    devtools.call("Emulation.setDeviceMetricsOverride", width=width, height=1100, deviceScaleFactor=1, mobile=False)
    devtools.call("Page.navigate", url="file://" + os.path.abspath(path))
    if not wait_loaded(devtools):
        failures.append(f"{name}: the page did not load")
        return
    m = devtools.evaluate(MEASURE)
    for part in ("ladder", "chain", "dns"):
        if not m.get(part):
            failures.append(f"{name}: no {part} picture")
            continue
        w, h = m[part]["size"]
        if w < 300 or h < 100:
            failures.append(f"{name}: the {part} picture is {w}x{h} px")
    if m.get("ladder"):
        missing = [f for f in expect["frames"] if f not in m["ladder"]["frames"]]
        if missing:
            failures.append(f"{name}: the sequence diagram has no arrow for frames {missing}")
        for word in expect["lanes"]:
            if word not in m["ladder"]["text"]:
                failures.append(f"{name}: the sequence diagram does not name {word!r}")
    if m.get("chain"):
        if m["chain"]["boxes"] != 3:
            failures.append(f"{name}: {m['chain']['boxes']} certificate boxes, the capture has 3")
        if m["chain"]["text"].count(expect["signature_ok"]) != 2:
            failures.append(f"{name}: the chain picture does not show both links' signature checks")
    if m.get("dns"):
        for want in ("www.example.test", "www.cdn.example.test", "edge.cdn.example.test", "127.0.0.2",
                     expect["connected"]):
            if want not in m["dns"]["text"]:
                failures.append(f"{name}: the CNAME picture lacks {want!r}")
    if width == A4_WIDTH and m["scrollWidth"] > A4_WIDTH + 1:
        failures.append(f"{name}: the page is {m['scrollWidth']} px wide, wider than A4 ({A4_WIDTH} px)")
    if m["background"] not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"):
        failures.append(f"{name}: background {m['background']}, not light")
    # The first screen, and the whole page.
    for suffix, beyond in (("", False), ("-full", True)):
        shot = devtools.call("Page.captureScreenshot", format="png", captureBeyondViewport=beyond)
        png = os.path.join(artifacts, f"{name}{suffix}.png")
        with open(png, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    pdf = devtools.call("Page.printToPDF", paperWidth=8.27, paperHeight=11.69, printBackground=True,
                        preferCSSPageSize=True)
    data = base64.b64decode(pdf["data"])
    with open(os.path.join(artifacts, f"{name}.pdf"), "wb") as f:
        f.write(data)
    if not data.startswith(b"%PDF") or data.count(b"/Type /Page") < 2:
        failures.append(f"{name}: printing to A4 PDF gave {data.count(b'/Type /Page')} page objects")
    print(f"ok: {name}: pictures drawn; screenshot {png}")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    tlsdissect, source_dir, artifacts = sys.argv[1:]
    chromium = find_chromium()
    if not chromium:
        return 77
    os.makedirs(artifacts, exist_ok=True)
    capture = os.path.join(source_dir, CAPTURE)
    common = [tlsdissect, "--roots", os.path.join(source_dir, ROOTS), "--keylog", os.path.join(source_dir, KEYS)]
    pages = {}
    for lang in ("en", "zh"):
        path = os.path.join(artifacts, f"walkthrough-{lang}.html")
        subprocess.run(common + ["--walkthrough", lang, "--html", path, capture], check=True)
        pages[f"walkthrough-{lang}"] = path
    path = os.path.join(artifacts, "html-page-zh.html")
    subprocess.run(common + ["--explain", "zh", "--html", path, capture], check=True)
    pages["html-page-zh"] = path
    frames = [1, 2, 5, 8, 10, 14, 16, 17, 18, 19, 20, 22]
    expect = {
        "en": {"frames": frames, "lanes": ["DNS resolver", "client", "server"],
               "signature_ok": "signature checked with the issuer's key: correct",
               "connected": "the client connected to this address"},
        "zh": {"frames": frames, "lanes": ["DNS 解析器", "客户端", "服务器"],
               "signature_ok": "用颁发者公钥验证签名：正确", "connected": "客户端连接的正是这个地址"},
    }
    failures = []
    with tempfile.TemporaryDirectory(prefix="td-pictures-chromium-") as profile:
        proc, port = start_chromium(chromium, profile)
        try:
            devtools = DevTools(WebSocket(page_websocket(port)))
            devtools.call("Page.enable")
            devtools.call("Runtime.enable")
            for name, path in pages.items():
                lang = "zh" if name.endswith("zh") else "en"
                # The article is a handout: it must fit A4. The --html page is for a projector.
                width = A4_WIDTH if name.startswith("walkthrough") else 1600
                check_page(devtools, path, name, artifacts, expect[lang], failures, width)
        finally:
            stop_chromium(proc)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
