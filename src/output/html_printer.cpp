#include "output/html_printer.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "output/field_format.hpp"
#include "output/ladder.hpp"
#include "output/pictures.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

using json = nlohmann::ordered_json;

// The page's own words, in the two languages of the notes.
struct PageWords {
    const char* lang;
    const char* packets;
    const char* fields;
    const char* bytes;
    const char* ladders;
    const char* chain;
    const char* chain_intro;
    const char* chain_checks;
    const char* no_checks;
    const char* level;
    const char* none;
    const char* hint;
    const char* cut;
    const char* columns;  // the packet list's header cells
    const char* dns_lookup;
    const char* frame_bytes;  // the hex pane's title of the frame's bytes; N: their count
};

constexpr PageWords kEnglish{
    "en", "Packets", "Fields", "Bytes", "Handshake ladder", "Chain of trust",
    "What the certificates in the capture say, from the root the client must already trust down to the site's "
    "certificate. Each certificate names its issuer; the issuer's key signs it.",
    "Verification", "No verification result in this build (signatures and the root store are not checked here).",
    "validation level", "No TLS connection in this capture.",
    "Click a packet, then a field: its bytes light up on the right. Green lines are notes.",
    "packets were left out of this page (limit reached)",
    "<th>No.</th><th>Time</th><th>Source</th><th>Destination</th><th>Protocol</th><th>Length</th><th>Info</th>",
    "DNS lookup", "Frame (N bytes)"};

constexpr PageWords kChinese{
    "zh", "\xe6\x95\xb0\xe6\x8d\xae\xe5\x8c\x85", "\xe5\xad\x97\xe6\xae\xb5", "\xe5\xad\x97\xe8\x8a\x82",
    "\xe6\x8f\xa1\xe6\x89\x8b\xe6\x97\xb6\xe5\xba\x8f\xe5\x9b\xbe", "\xe4\xbf\xa1\xe4\xbb\xbb\xe9\x93\xbe",
    "\xe6\x8a\x93\xe5\x8c\x85\xe4\xb8\xad\xe7\x9a\x84\xe8\xaf\x81\xe4\xb9\xa6\xe6\x89\x80\xe5\xa3\xb0\xe6\x98\x8e"
    "\xe7\x9a\x84\xe5\x86\x85\xe5\xae\xb9\xef\xbc\x9a\xe4\xbb\x8e\xe5\xae\xa2\xe6\x88\xb7\xe7\xab\xaf\xe5\xbf\x85"
    "\xe9\xa1\xbb\xe4\xba\x8b\xe5\x85\x88\xe4\xbf\xa1\xe4\xbb\xbb\xe7\x9a\x84\xe6\xa0\xb9\xe8\xaf\x81\xe4\xb9\xa6"
    "\xe5\x88\xb0\xe7\xbd\x91\xe7\xab\x99\xe8\xaf\x81\xe4\xb9\xa6\xe3\x80\x82\xe6\xaf\x8f\xe5\xbc\xa0\xe8\xaf\x81"
    "\xe4\xb9\xa6\xe5\x86\x99\xe6\x98\x8e\xe9\xa2\x81\xe5\x8f\x91\xe8\x80\x85\xef\xbc\x8c\xe7\x94\xb1\xe9\xa2\x81"
    "\xe5\x8f\x91\xe8\x80\x85\xe7\x9a\x84\xe5\xaf\x86\xe9\x92\xa5\xe7\xad\xbe\xe5\x90\x8d\xe3\x80\x82",
    "\xe9\xaa\x8c\xe8\xaf\x81",
    "\xe6\x9c\xac\xe7\x89\x88\xe6\x9c\xac\xe6\xb2\xa1\xe6\x9c\x89\xe9\xaa\x8c\xe8\xaf\x81\xe7\xbb\x93\xe6\x9e\x9c"
    "\xef\xbc\x88\xe6\x9c\xaa\xe6\xa3\x80\xe6\x9f\xa5\xe7\xad\xbe\xe5\x90\x8d\xe5\x92\x8c\xe6\xa0\xb9\xe8\xaf\x81"
    "\xe4\xb9\xa6\xe5\xba\x93\xef\xbc\x89\xe3\x80\x82",
    "\xe9\xaa\x8c\xe8\xaf\x81\xe7\xba\xa7\xe5\x88\xab",
    "\xe6\x9c\xac\xe6\x8a\x93\xe5\x8c\x85\xe4\xb8\xad\xe6\xb2\xa1\xe6\x9c\x89 TLS \xe8\xbf\x9e\xe6\x8e\xa5\xe3\x80\x82",
    "\xe7\x82\xb9\xe5\x87\xbb\xe4\xb8\x80\xe4\xb8\xaa\xe6\x95\xb0\xe6\x8d\xae\xe5\x8c\x85\xef\xbc\x8c\xe5\x86\x8d"
    "\xe7\x82\xb9\xe5\x87\xbb\xe4\xb8\x80\xe4\xb8\xaa\xe5\xad\x97\xe6\xae\xb5\xef\xbc\x9a\xe5\x8f\xb3\xe4\xbe\xa7"
    "\xe4\xbc\x9a\xe9\xab\x98\xe4\xba\xae\xe5\xae\x83\xe7\x9a\x84\xe5\xad\x97\xe8\x8a\x82\xe3\x80\x82"
    "\xe7\xbb\xbf\xe8\x89\xb2\xe7\x9a\x84\xe8\xa1\x8c\xe6\x98\xaf\xe8\xaf\xb4\xe6\x98\x8e\xe3\x80\x82",
    "\xe4\xb8\xaa\xe6\x95\xb0\xe6\x8d\xae\xe5\x8c\x85\xe6\x9c\xaa\xe6\x94\xbe\xe5\x85\xa5\xe6\x9c\xac\xe9\xa1\xb5"
    "\xef\xbc\x88\xe5\xb7\xb2\xe8\xbe\xbe\xe4\xb8\x8a\xe9\x99\x90\xef\xbc\x89",
    "<th>序号</th><th>时间</th><th>源地址</th><th>目的地址</th><th>协议</th><th>长度</th><th>信息</th>",
    "DNS 解析", "帧（N 字节）"};

std::string escape(std::string_view s) { return html_escape(s); }

// One node as [text, offset, length, source, generated, note, children].
json node_array(const Tree& tree, std::int32_t id, const std::vector<std::string_view>& notes) {
    const Node& n = tree.node(id);
    json children = json::array();
    for (std::int32_t c = n.first_child; c != kNoNode; c = tree.node(c).next_sibling)
        if (!tree.node(c).hidden) children.push_back(node_array(tree, c, notes));
    const std::string_view note = notes[static_cast<std::size_t>(id)];
    return json::array({display_line(n), n.offset, n.length, n.source, n.generated ? 1 : 0,
                        std::string(note), n.def ? std::string(n.def->filter) : std::string(), std::move(children)});
}

std::string date_of(std::int64_t epoch) { return utc_time(epoch, "%Y-%m-%d %H:%M:%S"); }

std::string arrow_cell(const LadderRow& r) {
    std::string label = escape(r.label);
    if (r.step) label = "<b class=step>" + std::to_string(r.step) + "</b> " + label;
    switch (r.dir) {
        case LadderDir::ClientToServer: return "<td class='msg c2s'>" + label + " <span class=arrow>\xe2\x94\x80\xe2\x94\x80\xe2\x96\xb6</span></td>";
        case LadderDir::ServerToClient: return "<td class='msg s2c'><span class=arrow>\xe2\x97\x80\xe2\x94\x80\xe2\x94\x80</span> " + label + "</td>";
        case LadderDir::Both: return "<td class='msg both'>\xe2\x97\x80\xe2\x95\x90 " + label + " \xe2\x95\x90\xe2\x96\xb6</td>";
        case LadderDir::Dns: return "<td class='msg dns'>\xe2\x87\xa2 " + label + "</td>";
        case LadderDir::Note: return "<td class='msg note'>" + label + "</td>";
    }
    return "<td></td>";
}

// "tcp.stream 3"; over UDP (DTLS, QUIC) "DTLS, udp.stream 3".
std::string stream_name(const LadderConnection& c) {
    if (c.transport == "tcp") return "tcp.stream " + std::to_string(c.stream);
    std::string name = c.transport;
    for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return name + ", udp.stream " + std::to_string(c.stream);
}

std::string ladder_html(const LadderConnection& c, std::int64_t start_ns, const PageWords& w) {
    const std::string stream = stream_name(c);
    const LadderText& lw = ladder_text(c.language);
    std::string h = "<section class=ladder><h3>" + stream + ": " + escape(c.client) +
                    " \xe2\x86\x92 " + escape(c.server) + "</h3><p class=facts>";
    if (!c.sni.empty()) h += "SNI <b>" + escape(c.sni) + "</b> \xc2\xb7 ";
    if (!c.version.empty()) h += escape(c.version) + " \xc2\xb7 ";
    if (!c.cipher_suite.empty()) h += escape(c.cipher_suite);
    h += "</p><p class=form><b>" + escape(c.form) + "</b>" + (c.form_note.empty() ? "" : ". " + escape(c.form_note)) +
         "</p><figure class=picture>" + ladder_svg(c, start_ns) + "</figure>";
    if (const std::string dns = dns_svg(c); !dns.empty())
        h += std::string("<h4>") + w.dns_lookup + "</h4><figure class=picture>" + dns + "</figure>";
    h += std::string("<table class=ladder-table><thead><tr><th>#</th><th>t</th><th class=lane>") + lw.lane_client +
         escape(c.client) + "<span class=right>" + lw.lane_server + escape(c.server) + "</span></th></tr></thead><tbody>";
    for (const auto& r : c.rows) {
        char t[32];
        std::snprintf(t, sizeof t, "%.6f", static_cast<double>(r.ts_ns - start_ns) / 1e9);
        h += std::string("<tr") + (r.frame ? " data-frame='" + std::to_string(r.frame) + "'" : "") + "><td>" +
             (r.frame ? std::to_string(r.frame) : "") + "</td><td>" + t + "</td>" + arrow_cell(r) + "</tr>";
    }
    return h + "</tbody></table></section>";
}

// The chain-of-trust section of one connection: root (the last certificate sent, or the
// issuer it names) at the top, the site's certificate at the bottom.
std::string chain_html(const LadderConnection& c, const PageWords& pw) {
    const CertificateWords& w = certificate_words(c.language);
    // tcp.stream and udp.stream count apart: the key names its transport ("tcp 3", "udp 3").
    std::string h = "<section class=chain data-stream='" + std::string(c.transport == "tcp" ? "tcp " : "udp ") +
                    std::to_string(c.stream) + "'><h3>" + stream_name(c) +
                    (c.sni.empty() ? "" : " \xc2\xb7 " + escape(c.sni)) + "</h3><ol class=certs>";
    const std::int64_t at = c.first_ts_ns / 1'000'000'000;
    if (!c.certificates.empty() && c.certificates.back().parsed &&
        c.certificates.back().issuer != c.certificates.back().subject)
        h += "<li class='cert outside'>" + escape(c.certificates.back().issuer) + "</li>";
    for (std::size_t k = c.certificates.size(); k-- > 0;) {
        const CertificateSummary& s = c.certificates[k];
        h += "<li class=cert>";
        if (!s.parsed) {
            h += "certificate " + std::to_string(k + 1) + " (not decodable)</li>";
            continue;
        }
        h += "<div class=subject>" + escape(s.subject) + "</div><div>" +
             (s.subject == s.issuer ? std::string(w.self_signed) : std::string(w.issued_by) + w.colon + escape(s.issuer)) +
             "</div>";
        const char* state = at < s.not_before_epoch ? w.not_yet : at > s.not_after_epoch ? w.expired : w.ok;
        const bool good = state == w.ok;
        h += std::string("<div>") + w.valid + w.colon + date_of(s.not_before_epoch) + " \xe2\x86\x92 " +
             date_of(s.not_after_epoch) + " UTC \xc2\xb7 " + w.at_capture + w.colon + "<span class=" + (good ? "ok" : "bad") +
             ">" + state + "</span></div>";
        h += std::string("<div>") + (s.is_ca ? w.ca : w.leaf) + " \xc2\xb7 " + w.key + w.colon + escape(s.public_key_algorithm) +
             (s.public_key_bits ? " " + std::to_string(s.public_key_bits) : "") + (s.curve.empty() ? "" : " " + escape(s.curve));
        if (const std::string level = cabf_validation_level(s.policies); !level.empty())
            h += std::string(" \xc2\xb7 ") + pw.level + w.colon + escape(level);
        if (!s.san.empty()) {
            h += " \xc2\xb7 SAN:";
            for (const auto& n : s.san) h += " " + escape(n);
        }
        h += "</div></li>";
    }
    h += "</ol><figure class=picture>" + chain_svg(c) + "</figure>";
    // ---- Chain verification verdicts -------------------------------------------------
    // One line per ChainCheck in LadderConnection::chain_checks (signature of each
    // certificate, root store, validity at capture time, SNI against the SAN list). To show
    // a new verdict, append a ChainCheck where the check runs; nothing here changes.
    h += std::string("<div class=checks><h4>") + pw.chain_checks + "</h4><ul>";
    if (c.chain_checks.empty()) h += std::string("<li class=muted>") + pw.no_checks + "</li>";
    for (const auto& v : c.chain_checks)
        h += std::string("<li class=") + (v.ok ? "ok" : "bad") + ">" + (v.ok ? "\xe2\x9c\x94 " : "\xe2\x9c\x98 ") +
             escape(v.what) + (v.detail.empty() ? "" : ": " + escape(v.detail)) + "</li>";
    h += "</ul></div></section>";
    return h;
}

constexpr const char* kStyle = R"CSS(
:root { --fg:#1b1b1b; --bg:#fff; --muted:#666; --hl:#ffd54f; --sel:#e3f2fd; --c2s:#0b62a4; --s2c:#9a4b00; }
* { box-sizing: border-box; }
body { font: 20px/1.4 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: var(--fg); background: var(--bg); }
header { padding: .4em 1em; background: #263238; color: #fff; display: flex; gap: 1em; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 1.2em; margin: 0; }
header .hint { color: #cfd8dc; font-size: .8em; }
header button { font-size: .8em; }
main { display: grid; grid-template-columns: 1fr 1fr; grid-template-rows: 30vh 60vh; gap: 4px; padding: 4px; }
.pane { overflow: auto; border: 1px solid #ccc; background: #fff; }
.pane h2 { position: sticky; top: 0; margin: 0; font-size: .8em; background: #eceff1; padding: 2px 6px; z-index: 1; }
#packets { grid-column: 1 / 3; }
table { border-collapse: collapse; width: 100%; }
#packet-table td, #packet-table th { padding: 1px 8px; white-space: nowrap; font-size: .85em; text-align: left; }
#packet-table tr.selected { background: var(--sel); }
#packet-table tbody tr { cursor: pointer; }
.mono, #tree, #hex, .ladder-table { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; }
#tree { font-size: .85em; padding: 0 .4em; }
#tree details { margin-left: 1.1em; }
#tree .leaf { margin-left: 2.2em; }
#tree summary { cursor: pointer; white-space: nowrap; }
.field { cursor: pointer; white-space: pre; }
.field.generated { color: #555; font-style: italic; }
.field.selected { background: var(--hl); outline: 1px solid #c79a00; }
.note::before { content: "i"; display: inline-block; width: 1.2em; height: 1.2em; line-height: 1.2em; margin-right: .4em; border-radius: 50%; background: #689f38; color: #fff; text-align: center; font-weight: bold; font-style: normal; }
.note { margin: 0 0 .2em 2.2em; color: #355; font-family: system-ui, "Noto Sans CJK SC", sans-serif; font-size: .95em; background: #f1f8e9; border-left: 4px solid #8bc34a; padding: 0 .4em; white-space: normal; }
#hex { font-size: .85em; padding: 0 .4em; }
.hexsrc h3 { font-size: .8em; margin: .4em 0 0; color: var(--muted); }
.hexrow { white-space: pre; }
.hexrow .off { color: var(--muted); }
.hexrow span.b.hl, .hexrow span.a.hl { background: var(--hl); }
section.ladder, section.chain { margin: 1em; }
.ladder-table td { padding: 0 .5em; white-space: nowrap; font-size: .85em; }
.ladder-table th { text-align: left; font-size: .8em; color: var(--muted); }
.ladder-table th.lane .right { float: right; }
.ladder-table tr[data-frame] { cursor: pointer; }
.ladder-table tr[data-frame]:hover { background: var(--sel); }
.msg { width: 100%; border-left: 3px solid #90a4ae; border-right: 3px solid #90a4ae; }
.msg.c2s { color: var(--c2s); }
.msg.s2c { color: var(--s2c); text-align: right; }
.msg.both { text-align: center; }
.msg.dns, .msg.note { color: var(--muted); border: none; }
.step { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 1em; background: #263238; color: #fff; font-size: .8em; }
.certs { list-style: none; padding-left: 0; }
.cert { border: 1px solid #b0bec5; border-radius: 6px; padding: .3em .6em; margin: 0 0 .2em; }
.cert + .cert::before { content: "\2193  signs"; display: block; color: var(--muted); font-size: .7em; }
.cert.outside { border-style: dashed; color: var(--muted); }
.subject { font-weight: bold; }
.ok { color: #1b5e20; } .bad { color: #b71c1c; font-weight: bold; } .muted { color: var(--muted); }
.checks { border: 2px dashed #90a4ae; padding: .2em .8em; }
.checks h4 { margin: .2em 0; }
h2.section { margin: 1em 1em 0; }
figure.picture { margin: .6em 0; }
figure.picture svg { max-width: 100%; height: auto; border: 1px solid #cfd8dc; }
@media print {
  body { font-size: 11pt; }
  header button, header .hint { display: none; }
  main { display: block; }
  .pane { overflow: visible; border: none; height: auto; }
  #packets { display: none; }
  #tree details { display: block; }
  @page { size: A4; margin: 12mm; }
  section.chain, figure.picture { break-inside: avoid; }
}
)CSS";

constexpr const char* kScript = R"JS(
(function () {
  const data = JSON.parse(document.getElementById('capture-data').textContent);
  const packetBody = document.querySelector('#packet-table tbody');
  const treeDiv = document.getElementById('tree');
  const hexDiv = document.getElementById('hex');
  let current = null;
  window.tlsdissectSelection = null;

  data.packets.forEach(function (p, i) {
    const tr = document.createElement('tr');
    tr.dataset.frame = p.n;
    [p.n, p.t, p.src, p.dst, p.proto, p.len, p.info].forEach(function (v) {
      const td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
    });
    tr.addEventListener('click', function () { selectPacket(i); });
    packetBody.appendChild(tr);
  });

  function hexOf(s) { const out = []; for (let i = 0; i < s.length; i += 2) out.push(parseInt(s.substr(i, 2), 16)); return out; }

  function renderHex(p) {
    hexDiv.innerHTML = '<h2>' + data.words.bytes + '</h2>';
    const sources = [{ name: data.words.frame.replace('N', p.b.length / 2), b: p.b }].concat(p.s);
    sources.forEach(function (src, si) {
      const box = document.createElement('div'); box.className = 'hexsrc'; box.id = 'src-' + si;
      const h = document.createElement('h3'); h.textContent = src.name; box.appendChild(h);
      const bytes = hexOf(src.b);
      for (let off = 0; off < bytes.length; off += 16) {
        const row = document.createElement('div'); row.className = 'hexrow';
        const o = document.createElement('span'); o.className = 'off'; o.textContent = off.toString(16).padStart(4, '0') + '  ';
        row.appendChild(o);
        const ascii = [];
        for (let k = 0; k < 16; k++) {
          const i = off + k;
          const s = document.createElement('span');
          if (i < bytes.length) {
            s.className = 'b'; s.dataset.src = si; s.dataset.i = i;
            s.textContent = bytes[i].toString(16).padStart(2, '0');
            const a = document.createElement('span'); a.className = 'a'; a.dataset.src = si; a.dataset.i = i;
            a.textContent = bytes[i] >= 32 && bytes[i] < 127 ? String.fromCharCode(bytes[i]) : '.';
            ascii.push(a);
          } else { s.textContent = '  '; }
          row.appendChild(s); row.appendChild(document.createTextNode(k === 7 ? '  ' : ' '));
        }
        row.appendChild(document.createTextNode(' '));
        ascii.forEach(function (a) { row.appendChild(a); });
        box.appendChild(row);
      }
      hexDiv.appendChild(box);
    });
  }

  function renderNode(n, parent) {
    // n = [text, offset, length, source, generated, note, field, children]
    const line = document.createElement('span');
    line.className = 'field' + (n[4] ? ' generated' : '');
    line.textContent = n[0];
    line.dataset.offset = n[1]; line.dataset.length = n[2]; line.dataset.source = n[3]; line.dataset.field = n[6];
    line.addEventListener('click', function (ev) { ev.preventDefault(); ev.stopPropagation(); selectField(line); });
    let note = null;
    if (n[5]) { note = document.createElement('div'); note.className = 'note'; note.textContent = n[5]; }
    if (n[7].length) {
      const d = document.createElement('details');
      const s = document.createElement('summary'); s.appendChild(line); d.appendChild(s);
      if (note) d.appendChild(note);
      n[7].forEach(function (c) { renderNode(c, d); });
      parent.appendChild(d);
      return d;
    }
    const div = document.createElement('div'); div.className = 'leaf'; div.appendChild(line);
    if (note) div.appendChild(note);
    parent.appendChild(div);
    return div;
  }

  function selectPacket(i) {
    current = data.packets[i];
    document.querySelectorAll('#packet-table tr.selected').forEach(function (r) { r.classList.remove('selected'); });
    packetBody.children[i].classList.add('selected');
    treeDiv.innerHTML = '<h2>' + data.words.fields + '</h2>';
    current.tree.forEach(function (n) {
      const el = renderNode(n, treeDiv);
      if (el.tagName === 'DETAILS' && (n[0].indexOf('Transport Layer Security') === 0 || n[0].indexOf('Domain Name System') === 0))
        openAll(el);
    });
    renderHex(current);
    window.tlsdissectSelection = null;
  }

  function openAll(el) { el.open = true; el.querySelectorAll('details').forEach(function (d) { d.open = true; }); }

  function selectField(line) {
    document.querySelectorAll('.field.selected').forEach(function (e) { e.classList.remove('selected'); });
    document.querySelectorAll('#hex .hl').forEach(function (e) { e.classList.remove('hl'); });
    line.classList.add('selected');
    const src = +line.dataset.source, off = +line.dataset.offset, len = +line.dataset.length;
    window.tlsdissectSelection = { source: src, offset: off, length: len, field: line.dataset.field };
    let first = null;
    for (let i = off; i < off + len; i++) {
      document.querySelectorAll('#src-' + src + ' [data-i="' + i + '"]').forEach(function (e) { e.classList.add('hl'); if (!first) first = e; });
    }
    if (first) first.scrollIntoView({ block: 'nearest' });
  }

  document.querySelectorAll('.ladder-table tr[data-frame]').forEach(function (tr) {
    tr.addEventListener('click', function () { selectFrame(+tr.dataset.frame); window.scrollTo(0, 0); });
  });

  function selectFrame(frame) {
    const i = data.packets.findIndex(function (p) { return p.n === frame; });
    if (i >= 0) { selectPacket(i); packetBody.children[i].scrollIntoView({ block: 'nearest' }); }
  }

  let size = 20;
  document.getElementById('bigger').addEventListener('click', function () { size += 2; document.body.style.fontSize = size + 'px'; });
  document.getElementById('smaller').addEventListener('click', function () { size = Math.max(10, size - 2); document.body.style.fontSize = size + 'px'; });

  // #frame=N selects that packet on load (for a link, or a test).
  function fromHash() {
    const m = /frame=(\d+)/.exec(location.hash);
    if (m) selectFrame(+m[1]); else if (data.packets.length && !current) selectPacket(0);
  }
  window.addEventListener('hashchange', fromHash);
  // Printing shows the selected packet's whole tree.
  window.addEventListener('beforeprint', function () { treeDiv.querySelectorAll('details').forEach(function (d) { d.open = true; }); });
  fromHash();
})();
)JS";

class HtmlPrinter final : public PacketPrinter {
public:
    HtmlPrinter(std::string path, ExplainLanguage language)
        : path_(std::move(path)), explainer_(language), words_(language == ExplainLanguage::Zh ? kChinese : kEnglish),
          collector_(language) {}
    bool wants_tree() const override { return true; }
    bool wants_columns() const override { return true; }
    void attach(FrameDissector& dissector) override { collector_.attach(dissector); }
    void begin_file(const CaptureFileInfo& info) override { file_ = info.path; }

    void packet(const FrameInfo& frame, const Tree* tree, const PacketColumns* columns) override {
        collector_.packet(frame);
        if (packets_.size() >= kMaxHtmlPackets) {
            ++left_out_;
            return;
        }
        json p;
        p["n"] = frame.number;
        char t[32];
        std::snprintf(t, sizeof t, "%.6f", static_cast<double>(frame.since_first_ns) / 1e9);
        p["t"] = t;
        p["src"] = columns ? columns->source : "";
        p["dst"] = columns ? columns->destination : "";
        p["proto"] = columns ? columns->protocol : "";
        p["len"] = frame.original_length;
        p["info"] = columns ? columns->info : "";
        p["b"] = hex_string(tree->frame_bytes);
        json sources = json::array();
        for (const auto& s : tree->extra_sources) sources.push_back({{"name", s.name}, {"b", hex_string(s.bytes)}});
        p["s"] = std::move(sources);
        const auto& notes = explainer_.notes(*tree);
        json nodes = json::array();
        for (std::int32_t id = tree->node(0).first_child; id != kNoNode; id = tree->node(id).next_sibling)
            if (!tree->node(id).hidden) nodes.push_back(node_array(*tree, id, notes));
        p["tree"] = std::move(nodes);
        packets_.push_back(std::move(p));
    }

    void end_file() override {
        const auto connections = collector_.take_connections();
        json doc;
        doc["file"] = file_;
        doc["words"] = {{"fields", words_.fields}, {"bytes", words_.bytes}, {"frame", words_.frame_bytes}};
        doc["packets"] = std::move(packets_);
        packets_ = json::array();
        std::string data = doc.dump(-1, ' ', false, json::error_handler_t::replace);
        // Inside <script>, "</" would end the element.
        for (std::size_t pos = 0; (pos = data.find("</", pos)) != std::string::npos; pos += 3) data.replace(pos, 2, "<\\/");

        std::string h = std::string("<!DOCTYPE html>\n<html lang='") + words_.lang +
                        "'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
                        "<title>tlsdissect: " + escape(file_) + "</title><style>" + kStyle + "</style></head><body>";
        h += "<header><h1>tlsdissect \xc2\xb7 " + escape(file_) + "</h1><span class=hint>" + words_.hint +
             "</span><button id=smaller>A\xe2\x88\x92</button><button id=bigger>A+</button></header>";
        if (left_out_) h += "<p class=bad>" + std::to_string(left_out_) + " " + words_.cut + "</p>";
        h += std::string("<main><div class=pane id=packets><h2>") + words_.packets +
             "</h2><table id=packet-table><thead><tr>" + words_.columns + "</tr></thead><tbody></tbody></table></div>"
             "<div class=pane id=tree></div><div class=pane id=hex></div></main>";
        h += std::string("<h2 class=section>") + words_.ladders + "</h2>";
        if (connections.empty()) h += std::string("<p class='muted section'>") + words_.none + "</p>";
        for (const auto& c : connections) h += ladder_html(c, collector_.capture_start_ns(), words_);
        h += std::string("<h2 class=section id=chain-of-trust>") + words_.chain + "</h2><p class=section>" +
             words_.chain_intro + "</p>";
        for (const auto& c : connections)
            if (!c.certificates.empty()) h += chain_html(c, words_);
        h += "<script type='application/json' id='capture-data'>" + data + "</script><script>" + kScript +
             "</script></body></html>\n";
        std::FILE* f = std::fopen(path_.c_str(), "wb");
        int error = f ? 0 : errno;
        if (f) {
            if (std::fwrite(h.data(), 1, h.size(), f) != h.size()) error = errno;
            if (std::fclose(f) != 0 && error == 0) error = errno;  // fclose flushes: a full disk shows here
        }
        if (error != 0) {
            std::fprintf(stderr, "tlsdissect: %s: cannot write: %s\n", path_.c_str(), std::strerror(error));
            failed_ = true;
        }
    }
    bool failed() const override { return failed_; }

private:
    std::string path_;
    std::string file_;
    Explainer explainer_;
    const PageWords& words_;
    LadderCollector collector_;
    json packets_ = json::array();
    std::size_t left_out_ = 0;
    bool failed_ = false;
};

}  // namespace

std::unique_ptr<PacketPrinter> make_html_printer(const std::string& path, ExplainLanguage language) {
    return std::make_unique<HtmlPrinter>(path, language);
}

}  // namespace tlsdissect
