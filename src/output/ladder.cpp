#include "output/ladder.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "dns/dns_name.hpp"
#include "tls/handshake_checks.hpp"

namespace tlsdissect {

namespace {

constexpr const char* kDim = "\x1b[2m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kCyan = "\x1b[36m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kReset = "\x1b[0m";

// Width of the space between the two lifelines, in terminal columns.
constexpr std::size_t kLadderWidth = 62;


// Terminal columns of a UTF-8 string (every code point one column: the labels are
// ASCII apart from arrows and box drawing).
std::size_t columns(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xc0) != 0x80) ++n;
    return n;
}

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

// What the connection carried before TLS: a proxy's exchange or a STARTTLS dialogue,
// message by message, and the hand-over.
void add_exchange_rows(LadderConnection& c, const ConnectionView& conv) {
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
            const std::string tail = more ? " (+" + std::to_string(more) + (more == 1 ? " line)" : " lines)") : "";
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
            note = "\xe2\x86\xb3 a load balancer's PROXY header: the client " +
                   (h.origin.empty() ? std::string("(not named)") : h.origin) + " had connected to " +
                   (h.target.empty() ? std::string("(not named)") : h.target) + "; then TLS:";
        else if (h.proxy)
            note = "\xe2\x86\xb3 through the " + name + " proxy to " +
                   (h.target.empty() ? std::string("(no target named)") : h.target) + "; then TLS:";
        else
            note = "\xe2\x86\xb3 " + name + " upgrades the connection to TLS:";
        c.rows.push_back({0, h.steps.empty() ? 0 : h.steps.back().ts_ns, LadderDir::Note, 0, note, false});
    }
}

// The DNS lookups before this connection that resolved the server's address: the one
// the engine linked (resolved_by), and the other questions for the same name just before
// (a browser asks A and AAAA together).
void add_dns_rows(LadderConnection& c, const ConnectionView& conv, int server, const DnsTransactionTable& table,
                  const std::deque<DnsTransactionRecord>& done) {
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
                          "DNS query: " + dns_type_mnemonic(q.type) + " " + q.name + "? (to resolver " +
                              t->server.to_string() + ")",
                          false});
        std::string answer;
        std::string owner = q.name;
        for (const auto& a : t->answers) {
            if (a.section != DnsSection::Answer) continue;
            answer += (answer.empty() ? "" : ", ") + dns_type_mnemonic(a.type) + " " + a.data;
        }
        if (answer.empty()) answer = "no answer";
        std::string label = "DNS answer: " + q.name + " \xe2\x86\x92 " + answer + " (after " +
                            milliseconds(t->response_time_ns) + ")";
        if (t->response_frame == resolution->frame) label += "  \xe2\x97\x80 this address";
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
                              const std::deque<DnsTransactionRecord>& dns_done) {
    const ConnectionView& conv = tls.connection;
    const TlsConnectionFacts& f = tls.facts;
    const int client = tls.client_side;
    const int server = 1 - client;
    LadderConnection c;
    c.stream = conv.stream;
    c.transport = conv.transport;
    c.client = conv.endpoint_text(client);
    c.server = conv.endpoint_text(server);
    c.sni = f.sni;
    if (f.negotiated_version) c.version = tls_version_name(*f.negotiated_version);
    if (f.cipher_suite) c.cipher_suite = cipher_suite_name(*f.cipher_suite);
    c.first_frame = conv.first_frame;
    c.first_ts_ns = conv.first_ts_ns;
    c.certificates = f.certificates;
    // The verdicts of tls/chain_of_trust and tls/signature_check, where they were computed.
    if (f.chain && f.chain->checked) {
        for (const auto& link : f.chain->path)
            if (link.signature_valid)
                c.chain_checks.push_back({"signature of " + link.name, *link.signature_valid,
                                          *link.signature_valid ? "" : "does not verify with its issuer's key"});
        c.chain_checks.push_back({"chain to a trusted root (" + f.chain->roots + ")", f.chain->path_valid,
                                  f.chain->path_valid ? "" : f.chain->reason});
        if (f.chain->name_matches)
            c.chain_checks.push_back({"server name " + f.chain->server_name, *f.chain->name_matches,
                                      *f.chain->name_matches ? "" : "not in the certificate's names"});
    }
    const SignatureVerdict ske = server_key_exchange_verdict(f);
    if (ske.valid)
        c.chain_checks.push_back({"Server Key Exchange signature (" + ske.algorithm + ")", *ske.valid, ske.reason});
    if (f.finished_verified[0] || f.finished_verified[1]) {
        for (int role = 0; role < 2; ++role)
            if (f.finished_verified[role])
                c.chain_checks.push_back({std::string(role == 0 ? "client" : "server") + " Finished", *f.finished_verified[role],
                                          *f.finished_verified[role] ? "" : "verify_data does not match the transcript"});
    }

    const bool tls13 = f.tls13();
    const bool full12 = !tls13 && f.server_hello.seen && !f.resumed;
    if (tls13) {
        c.form = f.server_selected_psk ? "TLS 1.3 handshake, resumed with a pre-shared key (ticket)" : "TLS 1.3 handshake";
        c.form_note = "One round trip: the key shares travel in the hellos, and everything after the Server Hello "
                      "is encrypted (Change Cipher Spec records only calm old middleboxes).";
        if (f.quic)
            c.form_note = "TLS 1.3 inside QUIC: the messages travel in CRYPTO frames, the hellos in Initial packets "
                          "(protected with keys anyone can derive from the client's first connection ID), the rest "
                          "in Handshake packets; there are no TLS records and no Change Cipher Spec.";
        if (f.hello_retry_request) c.form_note += " The server asked for another key share first (HelloRetryRequest).";
    } else if (f.resumed) {
        c.form = "TLS 1.2 abbreviated handshake: session resumed";
        c.form_note = "The client offered an earlier session (session ID or ticket) and the server accepted it: no "
                      "certificate, no key exchange; the server sends Change Cipher Spec and Finished first.";
    } else if (f.server_hello.seen) {
        c.form = (c.version.empty() ? std::string("TLS") : c.version) + " full handshake";
        c.form_note = "The 11 steps of the classic full handshake are numbered [1]..[11].";
    } else {
        c.form = f.client_hello.seen ? "TLS handshake that did not complete" : "TLS connection (handshake not captured)";
    }
    if (f.dtls && f.hello_verify_request_frame)
        c.form_note += std::string(c.form_note.empty() ? "" : " ") +
                       "Before any work of its own the server sent a cookie (Hello Verify Request) that the client "
                       "had to echo in a second Client Hello: proof that the client receives at its address "
                       "(RFC 6347 4.2.1).";

    add_dns_rows(c, conv, server, table, dns_done);
    if (conv.syn_ts_ns >= 0) {
        std::string label = "TCP handshake: SYN, SYN-ACK, ACK";
        if (conv.irtt_ns > 0) label += " (" + milliseconds(conv.irtt_ns) + ")";
        c.rows.push_back({conv.first_frame, conv.syn_ts_ns, LadderDir::Both, 0, label, false});
    }

    add_exchange_rows(c, conv);

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
                              tls13 ? "Change Cipher Spec (compatibility only)" : "Change Cipher Spec", false});
            return;
        }
        std::string label = "Application Data (" + std::to_string(r.length) + " bytes)";
        int step = 0;
        bool encrypted = true;
        if (tls13 && !typed_after_server_hello && !seen.client_app) {
            if (r.side == 1) {
                label = seen.server_flight ? "[encrypted] server handshake, continued"
                                           : "[encrypted] EncryptedExtensions \xe2\x80\xa6 Finished";
                seen.server_flight = true;
            } else {
                label = "[encrypted] Finished";
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
            std::string label = "[encrypted] handshake message";
            int step = 0;
            if (!tls13 && seen.ccs[e.side] && !seen.finished[e.side]) {
                label = "[encrypted] Finished";
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
            label += " (cookie, " + std::to_string(f.dtls_cookie.size()) + " bytes)";
            cookie_sent = true;
        }
        if (f.dtls && f.hello_verify_request_frame && *e.type == kClientHello) {
            // The cookie round trip: the handshake proper starts with the Client Hello that echoes it.
            if (!cookie_sent) {
                label += " (no cookie)";
                step = 0;
            } else if (!cookie_echoed) {
                label += " (with the cookie)";
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
        r.label = "\xe2\x80\xa6 and more Application Data records:";
        if (more[0]) r.label += " " + std::to_string(more[0]) + " from the client";
        if (more[1]) r.label += std::string(more[0] ? "," : "") + " " + std::to_string(more[1]) + " from the server";
        r.ts_ns = c.rows.empty() ? 0 : c.rows.back().ts_ns;
        r.frame = 0;
        c.rows.push_back(r);
    }
    // Alerts, after the last row of their frame.
    for (const auto& a : f.alerts) {
        std::string label;
        if (a.encrypted) {
            label = "[encrypted] Alert (likely close_notify)";
        } else {
            label = std::string("Alert: ") + (a.level == 2 ? "fatal" : a.level == 1 ? "warning" : "level " + std::to_string(a.level)) +
                    ", " + iana_name(kTlsAlertDescriptions, a.description);
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
        std::string label = "[resent] " + names.front();
        if (names.size() > 2) label += " \xe2\x80\xa6";
        if (names.size() > 1) label += " " + names.back();
        if (last_frame != first.frame) label += ", to #" + std::to_string(last_frame);
        LadderRow r{first.frame, first.ts_ns, first.side == 0 ? LadderDir::ClientToServer : LadderDir::ServerToClient, 0,
                    label, false};
        auto pos = std::find_if(c.rows.begin(), c.rows.end(),
                                [&](const LadderRow& x) { return x.frame != 0 && x.frame > first.frame; });
        c.rows.insert(pos, r);
        i = j;
    }
    if (conv.closed_ts_ns >= 0)
        c.rows.push_back({0, conv.closed_ts_ns, LadderDir::Note, 0,
                          conv.reset ? "TCP connection reset (RST)" : "TCP connection closed (FIN both ways)", false});
    return c;
}

std::string render_ladder(const LadderConnection& c, std::int64_t capture_start_ns, bool color) {
    auto paint = [&](const char* code, const std::string& s) { return color ? code + s + kReset : s; };
    std::string out;
    std::string title = (c.transport == "dtls"   ? "DTLS connection, udp.stream "
                          : c.transport == "quic" ? "QUIC connection, udp.stream "
                                                  : "TLS connection, tcp.stream ") +
                        std::to_string(c.stream) + ": client " + c.client +
                        " \xe2\x86\x92 server " + c.server;
    out += paint(kBold, title) + "\n";
    std::string facts;
    if (!c.sni.empty()) facts += "SNI " + c.sni;
    if (!c.version.empty()) facts += (facts.empty() ? "" : " \xc2\xb7 ") + c.version;
    if (!c.cipher_suite.empty()) facts += (facts.empty() ? "" : " \xc2\xb7 ") + c.cipher_suite;
    if (!facts.empty()) out += "  " + facts + "\n";
    out += "  " + paint(kBold, c.form) + (c.form_note.empty() ? "" : ". " + c.form_note) + "\n\n";

    const std::string frame_head = " frame       time  ";
    std::string left = "client " + c.client;
    std::string right = "server " + c.server;
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
        out += "\n  Certificate chain as sent (leaf first):\n";
        for (std::size_t i = 0; i < c.certificates.size(); ++i)
            out += "    " + std::to_string(i + 1) + ". " + certificate_one_line(c.certificates[i]) + "\n";
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
    connections_.push_back(build_ladder(session, *dns_, dns_done_));
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
    LadderPrinter(std::FILE* out, bool color) : out_(out), color_(color) {}
    bool wants_tree() const override { return false; }
    bool wants_columns() const override { return false; }
    void attach(FrameDissector& dissector) override { collector_.attach(dissector); }
    void packet(const FrameInfo& frame, const Tree*, const PacketColumns*) override { collector_.packet(frame); }
    void end_file() override {
        const auto connections = collector_.take_connections();
        if (connections.empty()) std::fputs("(no TLS connection in this capture)\n", out_);
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
};

}  // namespace

std::unique_ptr<PacketPrinter> make_ladder_printer(std::FILE* out, bool color) {
    return std::make_unique<LadderPrinter>(out, color);
}

}  // namespace tlsdissect
