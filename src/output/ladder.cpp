#include "output/ladder.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "dns/dns_name.hpp"
#include "tls/handshake_checks.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr const char* kDim = "\x1b[2m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kCyan = "\x1b[36m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kReset = "\x1b[0m";

// Width of the space between the two lifelines, in terminal columns.
constexpr std::size_t kLadderWidth = 62;


std::size_t columns(const std::string& s) { return terminal_columns(s); }

std::string repeat(std::string_view piece, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += piece;
    return out;
}

std::string seconds(std::int64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(ns) / 1e9);
    return buf;
}

std::string milliseconds(std::int64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns) / 1e6);
    return buf;
}

std::string message_name(std::uint8_t type) { return handshake_type_name(type); }

}  // namespace

const LadderText& ladder_text(ExplainLanguage language) {
    static const LadderText kEnglish{
        "DNS query: ", "? (to resolver ", ")", "DNS answer: ", "no answer", " (after ", ")", "  \xe2\x97\x80 this address",
        "TCP handshake: SYN, SYN-ACK, ACK", "Change Cipher Spec (compatibility only)", "Application Data (", " bytes)",
        "[encrypted] server handshake, continued", "[encrypted] EncryptedExtensions \xe2\x80\xa6 Finished",
        "[encrypted] Finished", "[encrypted] handshake message", " (cookie, ", " (no cookie)", " (with the cookie)",
        "\xe2\x80\xa6 and more Application Data records:", " from the client", " from the server", ",",
        "[encrypted] Alert (likely close_notify)", "Alert: ", "fatal", "warning", "level ", ", ", "[resent] ", ", to #",
        "TCP connection reset (RST)", "TCP connection closed (FIN both ways)",
        "signature of ", "does not verify with its issuer's key", "chain to a trusted root (", ")", "server name ",
        "not in the certificate's names", "Server Key Exchange signature (", ")", "client Finished", "server Finished",
        "verify_data does not match the transcript",
        "TLS 1.3 handshake, resumed with a pre-shared key (ticket)", "TLS 1.3 handshake",
        "One round trip: the key shares travel in the hellos, and everything after the Server Hello is encrypted "
        "(Change Cipher Spec records only calm old middleboxes).",
        "TLS 1.3 inside QUIC: the messages travel in CRYPTO frames, the hellos in Initial packets (protected with keys "
        "anyone can derive from the client's first connection ID), the rest in Handshake packets; there are no TLS "
        "records and no Change Cipher Spec.",
        " The server asked for another key share first (HelloRetryRequest).",
        "TLS 1.2 abbreviated handshake: session resumed",
        "The client offered an earlier session (session ID or ticket) and the server accepted it: no certificate, no "
        "key exchange; the server sends Change Cipher Spec and Finished first.",
        " full handshake", "The 11 steps of the classic full handshake are numbered [1]..[11].",
        "TLS handshake that did not complete", "TLS connection (handshake not captured)",
        "Before any work of its own the server sent a cookie (Hello Verify Request) that the client had to echo in a "
        "second Client Hello: proof that the client receives at its address (RFC 6347 4.2.1).",
        "TLS connection, tcp.stream ", "DTLS connection, udp.stream ", "QUIC connection, udp.stream ", ": client ",
        " \xe2\x86\x92 server ", " frame       time  ", "client ", "server ", "Certificate chain as sent (leaf first):",
        ", valid until ", " (self-signed)", "(no TLS connection in this capture)", " line)", " lines)",
        "a load balancer's PROXY header: the client ", "(not named)", " had connected to ", "; then TLS:",
        "through the ", " proxy to ", "(no target named)", " upgrades the connection to TLS:", ". ",
        "Early Data, 0-RTT (",
        " It resumes the session of ", " (issued in frame ", ")."};
    static const LadderText kChinese{
        "DNS 查询：", "？（发往解析器 ", "）", "DNS 应答：", "无应答", "（用时 ", "）", "  \xe2\x97\x80 客户端连接的正是这个地址",
        "TCP 三次握手：SYN、SYN-ACK、ACK", "Change Cipher Spec（仅为兼容）", "Application Data（", " 字节）",
        "[已加密] 服务器握手消息（续）", "[已加密] EncryptedExtensions \xe2\x80\xa6 Finished",
        "[已加密] Finished", "[已加密] 握手消息", "（cookie，", "（无 cookie）", "（带 cookie）",
        "\xe2\x80\xa6 还有更多 Application Data 记录：", " 个来自客户端", " 个来自服务器", "，",
        "[已加密] Alert（很可能是 close_notify）", "Alert：", "致命", "警告", "级别 ", "，", "[重传] ", "，至 #",
        "TCP 连接被复位（RST）", "TCP 连接释放（双方各发送 FIN）",
        "签名：", "用颁发者的公钥验证失败", "证书链通向受信任的根证书（", "）", "服务器名 ",
        "不在证书所列的名称中", "Server Key Exchange 签名（", "）", "客户端 Finished", "服务器 Finished",
        "verify_data 与握手消息记录不符",
        "TLS 1.3 握手，用预共享密钥（会话票据）恢复会话", "TLS 1.3 握手",
        "只需一个往返：密钥共享参数随两个 Hello 消息发送，Server Hello 之后的一切都是加密的"
        "（Change Cipher Spec 记录只是为了让老旧的中间设备放行）。",
        "QUIC 中的 TLS 1.3：握手消息装在 CRYPTO 帧里，两个 Hello 消息在 Initial 包中（其保护密钥任何人都能由客户端的"
        "第一个连接 ID 推出），其余在 Handshake 包中；没有 TLS 记录，也没有 Change Cipher Spec。",
        "服务器先要求客户端换一个密钥共享参数（HelloRetryRequest）。",
        "TLS 1.2 简化握手：会话恢复",
        "客户端提出恢复先前的会话（会话 ID 或会话票据），服务器同意：没有证书，也没有密钥交换；服务器先发送 "
        "Change Cipher Spec 和 Finished。",
        " 完整握手", "经典完整握手的 11 个步骤编号为 [1]..[11]。",
        "未完成的 TLS 握手", "TLS 连接（握手未被抓到）",
        "服务器在做任何工作之前先发送了一个 cookie（Hello Verify Request），客户端必须在第二个 Client Hello 中原样带回："
        "以此证明客户端确实能在它声称的地址上收到数据（RFC 6347 4.2.1）。",
        "TLS 连接，tcp.stream ", "DTLS 连接，udp.stream ", "QUIC 连接，udp.stream ", "：客户端 ",
        " \xe2\x86\x92 服务器 ", "    帧       时间  ", "客户端 ", "服务器 ", "服务器发送的证书链（从叶证书开始）：",
        "，有效期至 ", "（自签名）", "（本抓包中没有 TLS 连接）", " 行）", " 行）",
        "负载均衡器的 PROXY 头部：客户端 ", "（未注明）", " 原本连接的是 ", "；随后是 TLS：",
        "经由 ", " 代理连接到 ", "（未注明目标）", " 把连接升级为 TLS：", "。", "早期数据，0-RTT（",
        "它恢复的是 ", " 的会话（在第 ", " 帧发出）。"};
    return language == ExplainLanguage::Zh ? kChinese : kEnglish;
}

namespace {

// What the connection carried before TLS: a proxy's exchange or a STARTTLS dialogue,
// message by message, and the hand-over.
void add_exchange_rows(LadderConnection& c, const ConnectionView& conv, const LadderText& w) {
    constexpr std::size_t kLabelColumns = 54;
    for (const HandOverNote& h : conv.hand_overs) {
        std::string name = h.protocol;
        for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        for (std::size_t i = 0; i < h.steps.size(); ++i) {
            const ExchangeStep& s = h.steps[i];
            // A multi-line reply in one frame is one row: its first line and a count.
            std::size_t more = 0;
            while (i + 1 < h.steps.size() && h.steps[i + 1].frame == s.frame && h.steps[i + 1].from_client == s.from_client) {
                ++more;
                ++i;
            }
            std::string_view text = s.text;
            for (std::string_view prefix : {"C: ", "S: ", "Request: ", "Response: "})
                if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
            const bool header = h.protocol.rfind("proxy-", 0) == 0;  // its text names it already
            std::string label = header ? std::string(text) : name + " " + std::string(text);
            const std::string tail = more ? " (+" + std::to_string(more) + (more == 1 ? w.one_line : w.more_lines) : "";
            if (columns(label) + columns(tail) > kLabelColumns) {
                label.resize(kLabelColumns - columns(tail) - 1);
                while (!label.empty() && (static_cast<unsigned char>(label.back()) & 0xc0) == 0x80) label.pop_back();
                if (!label.empty() && static_cast<unsigned char>(label.back()) >= 0xc0) label.pop_back();
                label += "\xe2\x80\xa6";  // …
            }
            label += tail;
            // The exchange's client is the TLS client (who asked the proxy, or for STARTTLS).
            c.rows.push_back({s.frame, s.ts_ns, s.from_client ? LadderDir::ClientToServer : LadderDir::ServerToClient, 0,
                              label, false});
        }
        std::string note;
        if (h.protocol.rfind("proxy-", 0) == 0)
            note = std::string("\xe2\x86\xb3 ") + w.proxy_header + (h.origin.empty() ? std::string(w.not_named) : h.origin) +
                   w.had_connected + (h.target.empty() ? std::string(w.not_named) : h.target) + w.then_tls;
        else if (h.proxy)
            note = std::string("\xe2\x86\xb3 ") + w.through + name + w.proxy_to +
                   (h.target.empty() ? std::string(w.no_target) : h.target) + w.then_tls;
        else
            note = "\xe2\x86\xb3 " + name + w.upgrades;
        c.rows.push_back({0, h.steps.empty() ? 0 : h.steps.back().ts_ns, LadderDir::Note, 0, note, false});
    }
}

// The DNS lookups before this connection that resolved the server's address: the one
// the engine linked (resolved_by), and the other questions for the same name just before
// (a browser asks A and AAAA together).
void add_dns_rows(LadderConnection& c, const ConnectionView& conv, int server, const DnsTransactionTable& table,
                  const std::deque<DnsTransactionRecord>& done, const LadderText& w) {
    auto resolution = table.resolution_for(conv.address[server], conv.first_frame);
    if (!resolution) return;
    std::vector<const DnsTransactionRecord*> picked;
    for (auto it = done.rbegin(); it != done.rend() && picked.size() < kMaxLadderDnsPerConnection; ++it) {
        const DnsTransactionRecord& t = *it;
        if (t.questions.empty() || t.response_frame == 0 || t.response_frame >= conv.first_frame) continue;
        if (t.response_frame == resolution->frame || dns_names_equal(t.questions.front().name, resolution->name))
            picked.push_back(&t);
    }
    std::reverse(picked.begin(), picked.end());
    for (const DnsTransactionRecord* t : picked) {
        const DnsQuestion& q = t->questions.front();
        c.rows.push_back({t->query_frame, t->query_ts_ns, LadderDir::Dns, 0,
                          w.dns_query + dns_type_mnemonic(q.type) + " " + q.name + w.to_resolver +
                              t->server.to_string() + w.to_resolver_end,
                          false});
        std::string answer;
        std::string owner = q.name;
        for (const auto& a : t->answers) {
            if (a.section != DnsSection::Answer) continue;
            answer += (answer.empty() ? "" : ", ") + dns_type_mnemonic(a.type) + " " + a.data;
        }
        if (answer.empty()) answer = w.no_answer;
        std::string label = w.dns_answer + q.name + " \xe2\x86\x92 " + answer + w.after +
                            milliseconds(t->response_time_ns) + w.after_end;
        if (t->response_frame == resolution->frame) {
            label += w.this_address;
            c.dns_name = q.name;
            c.dns_query_frame = t->query_frame;
            c.dns_response_frame = t->response_frame;
            c.dns_chain.clear();
            for (const auto& a : t->answers)
                if (a.section == DnsSection::Answer)
                    c.dns_chain.push_back({a.name, dns_type_mnemonic(a.type), a.data,
                                           a.address && *a.address == conv.address[server]});
        }
        c.rows.push_back({t->response_frame, t->query_ts_ns + t->response_time_ns, LadderDir::Dns, 0, label, false});
    }
}

// The TLS 1.2 (and earlier) full-handshake step of a message, as the classic 11-step
// table numbers them; 0 for messages outside it (New Session Ticket, client certificate…).
int tls12_step(std::uint8_t type, int side) {
    switch (type) {
        case kClientHello: return side == 0 ? 1 : 0;
        case kServerHello: return side == 1 ? 2 : 0;
        case kCertificate: return side == 1 ? 3 : 0;
        case kServerKeyExchange: return 4;
        case kServerHelloDone: return 5;
        case kClientKeyExchange: return 6;
        case kFinished: return side == 0 ? 8 : 10;
        default: return 0;
    }
}

}  // namespace

LadderConnection build_ladder(const TlsSessionView& tls, const DnsTransactionTable& table,
                              const std::deque<DnsTransactionRecord>& dns_done, ExplainLanguage language) {
    const LadderText& w = ladder_text(language);
    const ConnectionView& conv = tls.connection;
    const TlsConnectionFacts& f = tls.facts;
    const int client = tls.client_side;
    const int server = 1 - client;
    LadderConnection c;
    c.language = language;
    c.stream = conv.stream;
    c.transport = conv.transport;
    c.client = conv.endpoint_text(client);
    c.server = conv.endpoint_text(server);
    c.sni = f.sni;
    if (f.negotiated_version) c.version = tls_version_name(*f.negotiated_version);
    if (f.cipher_suite) c.cipher_suite = cipher_suite_name(*f.cipher_suite);
    c.first_frame = conv.first_frame;
    c.server_address = conv.address[server].to_string();
    c.first_ts_ns = conv.first_ts_ns;
    c.certificates = f.certificates;
    // The verdicts of tls/chain_of_trust and tls/signature_check, where they were computed.
    if (f.chain && f.chain->checked) {
        c.chain_checked = true;
        c.chain_valid = f.chain->path_valid;
        c.chain_reason = f.chain->reason;
        for (const auto& link : f.chain->path)
            if (link.signature_valid) c.link_signatures.push_back({link.name, *link.signature_valid});
        for (const auto& link : f.chain->path)
            if (link.signature_valid)
                c.chain_checks.push_back({w.signature_of + link.name, *link.signature_valid,
                                          *link.signature_valid ? "" : w.signature_bad});
        c.chain_checks.push_back({w.chain_root + f.chain->roots + w.chain_root_end, f.chain->path_valid,
                                  f.chain->path_valid ? "" : f.chain->reason});
        if (f.chain->name_matches)
            c.chain_checks.push_back({w.server_name + f.chain->server_name, *f.chain->name_matches,
                                      *f.chain->name_matches ? "" : w.name_bad});
    }
    const SignatureVerdict ske = server_key_exchange_verdict(f);
    if (ske.valid) {
        c.chain_checks.push_back({w.ske_signature + ske.algorithm + w.ske_signature_end, *ske.valid, ske.reason});
        c.ske_signature_valid = ske.valid;
        c.ske_signature_algorithm = ske.algorithm;
    }
    if (f.finished_verified[0] || f.finished_verified[1]) {
        for (int role = 0; role < 2; ++role)
            if (f.finished_verified[role])
                c.chain_checks.push_back({role == 0 ? w.client_finished : w.server_finished, *f.finished_verified[role],
                                          *f.finished_verified[role] ? "" : w.finished_bad});
    }

    const bool tls13 = f.tls13();
    const bool full12 = !tls13 && f.server_hello.seen && !f.resumed;
    c.tls13 = tls13;
    c.resumed = f.resumed || f.server_selected_psk;
    c.quic = f.quic;
    c.dtls = f.dtls;
    c.complete = f.server_hello.seen && (f.app_data_records[0] + f.app_data_records[1] > 0 ||
                                         (f.finished_verified[0] && f.finished_verified[1]));
    const bool zh = language == ExplainLanguage::Zh;
    if (tls13) {
        c.form = f.server_selected_psk ? w.form13_resumed : w.form13;
        c.form_note = w.note13;
        if (f.quic) c.form_note = w.note_quic;
        if (f.hello_retry_request) c.form_note += w.note_hrr;
    } else if (f.resumed) {
        c.form = w.form12_resumed;
        c.form_note = w.note12_resumed;
    } else if (f.server_hello.seen) {
        c.form = (c.version.empty() ? std::string("TLS") : c.version) + w.full_handshake;
        c.form_note = w.note_full;
    } else {
        c.form = f.client_hello.seen ? w.form_incomplete : w.form_no_handshake;
    }
    if (f.dtls && f.hello_verify_request_frame)
        c.form_note += std::string(c.form_note.empty() || zh ? "" : " ") + w.note_dtls_cookie;
    if (const ResumptionOffer* o = f.resumed_with()) {
        const ResumptionSource& src = *o->source;
        c.form_note += concat(w.resumes_session, src.transport == "tcp" ? "tcp" : "udp", ".stream ", src.stream,
                              w.resumes_issued_in, src.frame, w.resumes_end);
    }

    add_dns_rows(c, conv, server, table, dns_done, w);
    if (conv.syn_ts_ns >= 0) {
        std::string label = w.tcp_handshake;
        if (conv.irtt_ns > 0) label += (zh ? "（" : " (") + milliseconds(conv.irtt_ns) + (zh ? "）" : ")");
        c.rows.push_back({conv.first_frame, conv.syn_ts_ns, LadderDir::Both, 0, label, false});
    }

    add_exchange_rows(c, conv, w);

    // Handshake messages, Change Cipher Spec and application-data records in wire order.
    struct Seen {
        bool ccs[2] = {false, false};
        bool finished[2] = {false, false};
        bool app = false;
        bool client_app = false;  // TLS 1.3: the client's first encrypted record was seen
        bool server_flight = false;
    } seen;
    bool hrr_pending = f.hello_retry_request;
    bool typed_after_server_hello = false;  // TLS 1.3 decrypted: types known after the (last) Server Hello
    for (const auto& e : f.handshake) {
        if (e.type == kServerHello)
            typed_after_server_hello = false;
        else if (e.type && e.side == 1)
            typed_after_server_hello = true;
    }
    auto add_record = [&](const TlsRecordEvent& r) {
        const LadderDir dir = r.side == 0 ? LadderDir::ClientToServer : LadderDir::ServerToClient;
        if (r.content_type == kChangeCipherSpec) {
            int step = 0;
            if (full12 && !seen.ccs[r.side]) step = r.side == 0 ? 7 : 9;
            seen.ccs[r.side] = true;
            c.rows.push_back({r.frame, r.ts_ns, dir, step,
                              tls13 ? w.ccs_compat : "Change Cipher Spec", false});
            return;
        }
        if (r.early_data) {
            c.rows.push_back({r.frame, r.ts_ns, dir, 0, w.early_data + std::to_string(r.length) + w.app_data_bytes, false});
            return;
        }
        std::string label = w.app_data + std::to_string(r.length) + w.app_data_bytes;
        int step = 0;
        bool encrypted = true;
        if (tls13 && !typed_after_server_hello && !seen.client_app) {
            if (r.side == 1) {
                label = seen.server_flight ? w.enc_server_continued : w.enc_server_flight;
                seen.server_flight = true;
            } else {
                label = w.enc_finished;
                seen.client_app = true;
            }
        } else if (!seen.app) {
            if (full12) step = 11;
            seen.app = true;
        }
        c.rows.push_back({r.frame, r.ts_ns, dir, step, label, encrypted});
    };
    std::size_t next_record = 0;
    bool cookie_sent = false, cookie_echoed = false;  // DTLS: the HelloVerifyRequest round trip
    for (std::size_t i = 0; i < f.handshake.size(); ++i) {
        while (next_record < f.record_events.size() && f.record_events[next_record].handshake_before <= i)
            add_record(f.record_events[next_record++]);
        const TlsHandshakeEvent& e = f.handshake[i];
        const LadderDir dir = e.side == 0 ? LadderDir::ClientToServer : LadderDir::ServerToClient;
        if (!e.type) {
            // Encrypted: in TLS 1.2 the first one after Change Cipher Spec is Finished.
            std::string label = w.enc_handshake;
            int step = 0;
            if (!tls13 && seen.ccs[e.side] && !seen.finished[e.side]) {
                label = w.enc_finished;
                if (full12) step = e.side == 0 ? 8 : 10;
                seen.finished[e.side] = true;
            }
            c.rows.push_back({e.frame, e.ts_ns, dir, step, label, true});
            continue;
        }
        std::string label = message_name(*e.type);
        if (*e.type == kServerHello && hrr_pending) {
            label = "HelloRetryRequest";
            hrr_pending = false;
        }
        int step = full12 ? tls12_step(*e.type, e.side) : 0;
        if (*e.type == kFinished) {
            if (seen.finished[e.side]) step = 0;
            seen.finished[e.side] = true;
        }
        if (*e.type == kClientHello && i > 0) step = 0;  // a second Client Hello (after HRR or renegotiation)
        if (f.dtls && *e.type == kHelloVerifyRequest) {
            label += w.cookie + std::to_string(f.dtls_cookie.size()) + w.app_data_bytes;
            cookie_sent = true;
        }
        if (f.dtls && f.hello_verify_request_frame && *e.type == kClientHello) {
            // The cookie round trip: the handshake proper starts with the Client Hello that echoes it.
            if (!cookie_sent) {
                label += w.no_cookie;
                step = 0;
            } else if (!cookie_echoed) {
                label += w.with_cookie;
                step = full12 ? 1 : 0;
                cookie_echoed = true;
            }
        }
        c.rows.push_back({e.frame, e.ts_ns, dir, step, label, false});
    }
    while (next_record < f.record_events.size()) add_record(f.record_events[next_record++]);
    const std::uint64_t more[2] = {
        f.app_data_records[0] > kMaxAppDataEventsPerSide ? f.app_data_records[0] - kMaxAppDataEventsPerSide : 0,
        f.app_data_records[1] > kMaxAppDataEventsPerSide ? f.app_data_records[1] - kMaxAppDataEventsPerSide : 0};
    if (more[0] || more[1]) {
        LadderRow r;
        r.dir = LadderDir::Note;
        r.label = w.more_app_data;
        if (more[0]) r.label += (zh ? "" : " ") + std::to_string(more[0]) + w.from_client;
        if (more[1]) r.label += std::string(more[0] ? w.list_comma : "") + (zh ? "" : " ") + std::to_string(more[1]) + w.from_server;
        r.ts_ns = c.rows.empty() ? 0 : c.rows.back().ts_ns;
        r.frame = 0;
        c.rows.push_back(r);
    }
    // Alerts, after the last row of their frame.
    for (const auto& a : f.alerts) {
        std::string label;
        if (a.encrypted) {
            label = w.enc_alert;
        } else {
            label = w.alert + (a.level == 2 ? std::string(w.fatal) : a.level == 1 ? std::string(w.warning) : w.level + std::to_string(a.level)) +
                    w.alert_sep + std::string(iana_name(kTlsAlertDescriptions, a.description));
        }
        LadderRow r{a.frame, a.ts_ns, a.side == 0 ? LadderDir::ClientToServer : LadderDir::ServerToClient, 0, label,
                    a.encrypted};
        auto pos = std::find_if(c.rows.begin(), c.rows.end(),
                                [&](const LadderRow& x) { return x.frame != 0 && x.frame > a.frame; });
        c.rows.insert(pos, r);
    }
    // DTLS: a flight sent again after a timeout, one row per run of one side's
    // retransmitted messages, where its first frame falls.
    for (std::size_t i = 0; i < f.dtls_retransmitted.size();) {
        const TlsHandshakeEvent& first = f.dtls_retransmitted[i];
        std::size_t j = i;
        std::vector<std::string> names;
        std::uint64_t last_frame = first.frame;
        for (; j < f.dtls_retransmitted.size() && f.dtls_retransmitted[j].side == first.side; ++j) {
            const std::string n = message_name(f.dtls_retransmitted[j].type.value_or(0));
            if (names.empty() || names.back() != n) names.push_back(n);
            last_frame = f.dtls_retransmitted[j].frame;
        }
        // Short enough for the diagram: the first and last message of the run.
        std::string label = w.resent + names.front();
        if (names.size() > 2) label += " \xe2\x80\xa6";
        if (names.size() > 1) label += " " + names.back();
        if (last_frame != first.frame) label += w.resent_to + std::to_string(last_frame);
        LadderRow r{first.frame, first.ts_ns, first.side == 0 ? LadderDir::ClientToServer : LadderDir::ServerToClient, 0,
                    label, false};
        auto pos = std::find_if(c.rows.begin(), c.rows.end(),
                                [&](const LadderRow& x) { return x.frame != 0 && x.frame > first.frame; });
        c.rows.insert(pos, r);
        i = j;
    }
    if (conv.closed_ts_ns >= 0)
        c.rows.push_back({0, conv.closed_ts_ns, LadderDir::Note, 0,
                          conv.reset ? w.tcp_reset : w.tcp_closed, false});
    return c;
}

std::string render_ladder(const LadderConnection& c, std::int64_t capture_start_ns, bool color) {
    auto paint = [&](const char* code, const std::string& s) { return color ? code + s + kReset : s; };
    const LadderText& w = ladder_text(c.language);
    std::string out;
    std::string title = (c.transport == "dtls"   ? w.title_dtls
                          : c.transport == "quic" ? w.title_quic
                                                  : w.title_tls) +
                        std::to_string(c.stream) + w.title_client + c.client + w.title_server + c.server;
    out += paint(kBold, title) + "\n";
    std::string facts;
    if (!c.sni.empty()) facts += "SNI " + c.sni;
    if (!c.version.empty()) facts += (facts.empty() ? "" : " \xc2\xb7 ") + c.version;
    if (!c.cipher_suite.empty()) facts += (facts.empty() ? "" : " \xc2\xb7 ") + c.cipher_suite;
    if (!facts.empty()) out += "  " + facts + "\n";
    out += "  " + paint(kBold, c.form) + (c.form_note.empty() ? "" : w.sentence_sep + c.form_note) + "\n\n";

    const std::string frame_head = w.frame_head;
    std::string left = w.lane_client + c.client;
    std::string right = w.lane_server + c.server;
    std::size_t gap = kLadderWidth + 2 > columns(left) + columns(right) ? kLadderWidth + 2 - columns(left) - columns(right) : 1;
    out += paint(kDim, frame_head + left + std::string(gap, ' ') + right) + "\n";
    for (const auto& r : c.rows) {
        char head[64];
        if (r.frame)
            std::snprintf(head, sizeof head, "%6llu %10s  ", static_cast<unsigned long long>(r.frame),
                          seconds(r.ts_ns - capture_start_ns).c_str());
        else
            std::snprintf(head, sizeof head, "%6s %10s  ", "", seconds(r.ts_ns - capture_start_ns).c_str());
        std::string line = head;
        std::string label = r.label;
        if (r.step) label = (r.dir == LadderDir::ServerToClient ? label + " [" + std::to_string(r.step) + "]"
                                                                 : "[" + std::to_string(r.step) + "] " + label);
        const std::size_t room = kLadderWidth > columns(label) + 3 ? kLadderWidth - columns(label) - 3 : 1;
        switch (r.dir) {
            case LadderDir::ClientToServer:
                line += "\xe2\x94\x82 " + paint(r.encrypted ? kDim : kCyan, label) + " " +
                        repeat("\xe2\x94\x80", room) + "\xe2\x96\xb6\xe2\x94\x82";
                break;
            case LadderDir::ServerToClient:
                line += "\xe2\x94\x82\xe2\x97\x80" + repeat("\xe2\x94\x80", room) + " " +
                        paint(r.encrypted ? kDim : kYellow, label) + " \xe2\x94\x82";
                break;
            case LadderDir::Both: {
                const std::size_t both = room > 1 ? room - 1 : 0;  // one more column for the second arrowhead
                const std::size_t side = both / 2;
                line += "\xe2\x94\x82\xe2\x97\x80" + repeat("\xe2\x95\x90", side) + " " + label + " " +
                        repeat("\xe2\x95\x90", both - side) + "\xe2\x96\xb6\xe2\x94\x82";
                break;
            }
            case LadderDir::Dns:
                line += paint(kDim, "\xe2\x87\xa2 ") + label;
                break;
            case LadderDir::Note:
                line += paint(kDim, label);
                break;
        }
        out += line + "\n";
    }
    if (!c.certificates.empty()) {
        out += std::string("\n  ") + w.chain_head + "\n";
        for (std::size_t i = 0; i < c.certificates.size(); ++i)
            out += "    " + std::to_string(i + 1) + ". " + certificate_line(c.certificates[i], c.language) + "\n";
    }
    return out;
}

void LadderCollector::attach(FrameDissector& dissector) {
    dns_ = &dissector.sessions().dns();
    dns_->keep_completed(true);
    dissector.sessions().add_listener(this);
}

void LadderCollector::tls_session_ended(const TlsSessionView& session) {
    if (!dns_) return;
    poll();
    connections_.push_back(build_ladder(session, *dns_, dns_done_, language_));
}

void LadderCollector::poll() {
    if (!dns_) return;
    for (auto& t : dns_->take_completed()) {
        dns_done_.push_back(std::move(t));
        if (dns_done_.size() > kMaxLadderDnsKept) dns_done_.pop_front();
    }
}

void LadderCollector::packet(const FrameInfo& frame) {
    if (!started_) {
        start_ns_ = frame.ts_ns;
        started_ = true;
    }
    poll();
}

std::vector<LadderConnection> LadderCollector::take_connections() {
    std::vector<LadderConnection> out = std::move(connections_);
    connections_.clear();
    started_ = false;  // the next file has its own start
    std::stable_sort(out.begin(), out.end(), [](const LadderConnection& a, const LadderConnection& b) {
        return a.stream < b.stream;
    });
    return out;
}

namespace {

class LadderPrinter final : public PacketPrinter {
public:
    LadderPrinter(std::FILE* out, bool color, ExplainLanguage language)
        : out_(out), color_(color), collector_(language) {}
    bool wants_tree() const override { return false; }
    bool wants_columns() const override { return false; }
    void attach(FrameDissector& dissector) override { collector_.attach(dissector); }
    void packet(const FrameInfo& frame, const Tree*, const PacketColumns*) override { collector_.packet(frame); }
    void end_file() override {
        const auto connections = collector_.take_connections();
        if (connections.empty()) {
            std::fputs(ladder_text(language_).no_connection, out_);
            std::fputc('\n', out_);
        }
        for (const auto& c : connections) {
            std::string text = render_ladder(c, collector_.capture_start_ns(), color_);
            if (printed_) text.insert(0, "\n");
            printed_ = true;
            std::fwrite(text.data(), 1, text.size(), out_);
        }
    }

private:
    std::FILE* out_;
    bool color_;
    bool printed_ = false;
    LadderCollector collector_;
    ExplainLanguage language_ = collector_.language();
};

}  // namespace

std::unique_ptr<PacketPrinter> make_ladder_printer(std::FILE* out, bool color, ExplainLanguage language) {
    return std::make_unique<LadderPrinter>(out, color, language);
}

std::string certificate_line(const CertificateSummary& s, ExplainLanguage language) {
    std::string line = certificate_one_line(s);
    if (language != ExplainLanguage::Zh) return line;
    const LadderText& en = ladder_text(ExplainLanguage::En);
    const LadderText& zh = ladder_text(ExplainLanguage::Zh);
    for (auto [from, to] : {std::pair{en.valid_until, zh.valid_until}, std::pair{en.self_signed, zh.self_signed}})
        if (auto pos = line.find(from); pos != std::string::npos) line.replace(pos, std::string_view(from).size(), to);
    return line;
}

std::size_t terminal_columns(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = c;
        std::size_t len = 1;
        if (c >= 0xf0) { cp = c & 0x07; len = 4; }
        else if (c >= 0xe0) { cp = c & 0x0f; len = 3; }
        else if (c >= 0xc0) { cp = c & 0x1f; len = 2; }
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
        i += len;
        if ((c & 0xc0) == 0x80) continue;
        const bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                          (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                          (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                          (cp >= 0xffe0 && cp <= 0xffe6);
        n += wide ? 2 : 1;
    }
    return n;
}

}  // namespace tlsdissect
