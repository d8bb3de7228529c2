#include "output/sessions_printer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>

#include "dns/dns_transactions.hpp"
#include "tls/audit.hpp"
#include "tls/cipher_suites.hpp"
#include "output/json_writer.hpp"
#include "tls/fingerprints.hpp"
#include "tls/handshake_checks.hpp"
#include "tls/tls_connection.hpp"
#include "tlsdissect/text.hpp"
#include "transport/conversations.hpp"

namespace tlsdissect {

namespace {

using json = nlohmann::ordered_json;

json endpoint(const TcpConversation& conv, int side) {
    return json{{"ip", conv.address[side].to_string()}, {"port", conv.port[side]}};
}

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -> kx ECDHE, auth RSA, enc AES_128_GCM,
// mac AEAD, prf SHA256, from describe_cipher_suite(). TLS 1.3 suites name only the AEAD
// and hash; their key exchange and authentication come from the handshake (key_share
// group, certificate key).
json decompose_suite(std::uint16_t id, const TlsConnectionFacts& f) {
    const CipherSuiteInfo info = describe_cipher_suite(id);
    json j{{"id", id}, {"name", info.name}, {"kx", nullptr}, {"auth", nullptr}, {"enc", nullptr}, {"mac", nullptr},
           {"prf", nullptr}};
    if (!info.known) return j;
    if (info.tls13) {
        if (f.kx_group) {
            const std::string g = iana_name(kTlsSupportedGroups, *f.kx_group);
            j["kx"] = g.rfind("ffdhe", 0) == 0 ? "DHE" : (g.find("MLKEM") != std::string::npos ? "ECDHE-MLKEM" : "ECDHE");
        } else if (f.server_selected_psk) {
            j["kx"] = "PSK";
        }
        if (f.server_selected_psk && f.certificates.empty())
            j["auth"] = "PSK";
        else if (!f.certificates.empty())
            j["auth"] = f.certificates.front().public_key_algorithm == "EC" ? "ECDSA" : f.certificates.front().public_key_algorithm;
    } else {
        j["kx"] = info.key_exchange;
        j["auth"] = info.authentication == "anon" ? "NULL" : info.authentication;
    }
    j["enc"] = info.encryption;
    if (info.aead) {
        j["mac"] = "AEAD";
        j["prf"] = info.prf_hash;
    } else {
        j["mac"] = info.mac == "NULL" || info.mac.empty() ? json(nullptr)
                                                          : json("HMAC-" + (info.mac == "SHA" ? std::string("SHA1") : info.mac));
        // Before TLS 1.2 the PRF is MD5+SHA-1 whatever the suite says.
        const bool tls12 = f.negotiated_version && *f.negotiated_version >= 0x0303;
        j["prf"] = info.tls13 || tls12 ? json(info.prf_hash) : json("MD5+SHA1");
    }
    return j;
}

json cipher_suite_parts_json(const TlsConnectionFacts& f) {
    const CipherSuiteParts p = cipher_suite_parts(f);
    if (!p.known) return nullptr;
    return json{{"key_exchange", or_null(p.key_exchange)}, {"authentication", or_null(p.authentication)},
                {"encryption", p.encryption},           {"mac", p.mac},
                {"prf", p.prf},                         {"forward_secrecy", p.forward_secrecy}};
}

json chain_json(const ChainVerdict& v) {
    json path = json::array();
    for (const auto& l : v.path)
        path.push_back({{"subject", l.subject},
                        {"sent_index", l.sent_index >= 0 ? json(l.sent_index) : json(nullptr)},
                        {"self_signed", l.self_signed},
                        {"trusted", l.trusted},
                        {"signature_valid", l.signature_valid ? json(*l.signature_valid) : json(nullptr)},
                        {"valid_at_checked_time", l.valid_at_time}});
    return json{{"valid", v.valid},
                {"reason", or_null(v.reason)},
                {"checked_at", iso8601_utc(v.checked_at)},
                {"path_valid", v.path_valid},
                {"errors", v.errors},
                {"roots", v.roots},
                {"server_name", or_null(v.server_name)},
                {"name_matches", v.name_matches ? json(*v.name_matches) : json(nullptr)},
                {"matched_name", or_null(v.matched_name)},
                {"path", path},
                {"unused", v.unused}};
}

json hex_or_null(const std::vector<std::uint8_t>& b, bool seen) {
    if (!seen) return nullptr;
    return hex_string(b);
}

json certificate_json(const CertificateSummary& c) {
    return json{{"subject", or_null(c.subject)},
                {"issuer", or_null(c.issuer)},
                {"serial", or_null(c.serial_hex)},
                {"not_before", or_null(c.not_before)},
                {"not_after", or_null(c.not_after)},
                {"signature_algorithm", or_null(c.signature_algorithm)},
                {"public_key", {{"algorithm", or_null(c.public_key_algorithm)},
                                {"bits", c.public_key_bits ? json(c.public_key_bits) : json(nullptr)},
                                {"curve", or_null(c.curve)}}},
                {"san", c.san},
                {"is_ca", c.is_ca},
                {"sha256", or_null(c.sha256_hex)},
                {"sha1", or_null(c.sha1_hex)}};
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// DNS names compare case-insensitively, without a trailing dot.
bool same_name(std::string a, std::string b) {
    auto norm = [](std::string& s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!s.empty() && s.back() == '.') s.pop_back();
    };
    norm(a);
    norm(b);
    return a == b;
}

json dns_record(const DnsTransactionRecord& t) {
    json j;
    j["kind"] = "dns";
    j["id"] = t.id;
    j["query_frame"] = t.query_frame ? json(t.query_frame) : json(nullptr);
    j["response_frame"] = t.response_frame ? json(t.response_frame) : json(nullptr);
    j["response_time"] = t.response_frame ? json(static_cast<double>(t.response_time_ns) / 1e9) : json(nullptr);
    j["name"] = t.questions.empty() ? json(nullptr) : json(t.questions.front().name);
    j["type"] = t.questions.empty() ? json(nullptr) : json(dns_type_text(t.questions.front().type));
    j["rcode"] = t.response_frame ? json(upper(iana_name(kDnsRcodes, t.rcode))) : json(nullptr);
    j["transport"] = t.transport == DnsTransport::Tcp ? "tcp" : "udp";
    j["client"] = {{"ip", t.client.to_string()}, {"port", t.client_port}};
    j["server"] = {{"ip", t.server.to_string()}, {"port", t.server_port}};
    j["retransmissions"] = t.retransmissions;
    json answers = json::array();
    for (const auto& a : t.answers) {
        if (a.section != DnsSection::Answer) continue;
        answers.push_back({{"name", a.name}, {"type", dns_type_text(a.type)}, {"ttl", a.ttl}, {"data", a.data}});
    }
    j["answers"] = std::move(answers);
    return j;
}

json tls_session(const TcpConversation& conv, const TlsConnection& tls, const DnsTransactionTable& dns) {
    const TlsConnectionFacts& f = tls.facts();
    const int client = tls.client_side();
    const int server = 1 - client;
    json j;
    j["kind"] = "tls";
    j["stream"] = conv.stream;
    j["client"] = endpoint(conv, client);
    j["server"] = endpoint(conv, server);
    j["version"] = f.negotiated_version ? json(tls_version_name(*f.negotiated_version)) : json(nullptr);
    j["cipher_suite"] = f.cipher_suite ? decompose_suite(*f.cipher_suite, f) : json(nullptr);
    j["sni"] = or_null(f.sni);
    j["alpn"] = or_null(f.alpn_selected);
    j["resumed"] = f.server_hello.seen ? json(f.resumed) : json(nullptr);
    json hs = json::array();
    for (const auto& e : f.handshake) {
        const std::string dir = e.side == 0 ? "c2s" : "s2c";
        if (!e.type) {
            hs.push_back({{"frame", e.frame}, {"dir", dir}, {"type", nullptr}, {"name", "encrypted"}});
            continue;
        }
        std::string name(handshake_snake_name(*e.type));
        hs.push_back({{"frame", e.frame}, {"dir", dir}, {"type", *e.type}, {"name", name}});
    }
    // A Server Hello that was a HelloRetryRequest is named so (the first Server Hello
    // when an HRR happened).
    if (f.hello_retry_request) {
        for (auto& m : hs)
            if (m["name"] == "server_hello") {
                m["name"] = "hello_retry_request";
                break;
            }
    }
    j["handshake"] = std::move(hs);
    if (f.client_hello.seen) {
        const HelloFacts& h = f.client_hello;
        Fingerprint j3 = ja3(h);
        j["client_hello"] = {{"frame", h.frame},
                             {"version", h.version},
                             {"random", hex_or_null(f.client_random, true)},
                             {"session_id", hex_string(f.client_session_id)},
                             {"cipher_suites", h.cipher_suites},
                             {"compression_methods", h.compression_methods},
                             {"extensions", h.extensions},
                             {"supported_groups", h.supported_groups},
                             {"ec_point_formats", h.ec_point_formats},
                             {"signature_algorithms", h.signature_algorithms},
                             {"supported_versions", h.supported_versions},
                             {"alpn", h.alpn},
                             {"sni", or_null(f.sni)},
                             {"ja3", j3.text},
                             {"ja3_hash", j3.hash},
                             {"ja4", ja4(h, !f.sni.empty())}};
    } else {
        j["client_hello"] = nullptr;
    }
    if (f.server_hello.seen) {
        const HelloFacts& h = f.server_hello;
        Fingerprint j3s = ja3s(h);
        j["server_hello"] = {{"frame", h.frame},
                             {"version", h.version},
                             {"random", hex_string(f.server_random)},
                             {"session_id", hex_string(f.server_session_id)},
                             {"cipher_suite", h.cipher_suites.empty() ? json(nullptr) : json(h.cipher_suites.front())},
                             {"extensions", h.extensions},
                             {"selected_version", f.negotiated_version ? json(*f.negotiated_version) : json(nullptr)},
                             {"ja3s", j3s.text},
                             {"ja3s_hash", j3s.hash},
                             {"ja4s", ja4s(h)},
                             {"hello_retry_request", f.hello_retry_request}};
    } else {
        j["server_hello"] = nullptr;
    }
    json certs = json::array();
    for (const auto& c : f.certificates) certs.push_back(certificate_json(c));
    j["certificates"] = std::move(certs);
    json client_certs = json::array();
    for (const auto& c : f.client_certificates) client_certs.push_back(certificate_json(c));
    j["client_certificates"] = std::move(client_certs);
    if (f.kx_group || f.ske_signature_scheme || f.kx_public_key_length) {
        j["server_key_exchange"] = {
            {"group", f.kx_group ? json(iana_name(kTlsSupportedGroups, *f.kx_group)) : json(nullptr)},
            {"group_id", f.kx_group ? json(*f.kx_group) : json(nullptr)},
            {"public_key_length", f.kx_public_key_length ? json(f.kx_public_key_length) : json(nullptr)},
            {"signature_scheme", f.ske_signature_scheme ? json(iana_name(kTlsSignatureSchemes, *f.ske_signature_scheme))
                                                        : json(nullptr)}};
        const SignatureVerdict ske = server_key_exchange_verdict(f);
        j["server_key_exchange"]["signature_valid"] = ske.valid ? json(*ske.valid) : json(nullptr);
    } else {
        j["server_key_exchange"] = nullptr;
    }
    j["cipher_suite_parts"] = cipher_suite_parts_json(f);
    j["chain"] = f.chain ? chain_json(*f.chain) : json(nullptr);
    j["session_ticket"] = f.ticket_lifetime ? json{{"lifetime_hint", *f.ticket_lifetime}, {"length", f.ticket_length}}
                                            : json(nullptr);
    json alerts = json::array();
    for (const auto& a : f.alerts) {
        json level = a.encrypted ? json(nullptr) : json(a.level == 1 ? "warning" : a.level == 2 ? "fatal" : "unknown");
        json desc = a.encrypted ? json("encrypted") : json(iana_name(kTlsAlertDescriptions, a.description));
        alerts.push_back({{"frame", a.frame}, {"dir", a.side == 0 ? "c2s" : "s2c"}, {"level", level}, {"description", desc}});
    }
    j["alerts"] = std::move(alerts);
    // Timing: first Client Hello to the last handshake message (Finished is the last
    // one seen, encrypted or not, before application data).
    if (!f.handshake.empty()) {
        const auto& first = f.handshake.front();
        const auto& last = f.handshake.back();
        j["handshake_time"] = static_cast<double>(last.ts_ns - first.ts_ns) / 1e9;
    } else {
        j["handshake_time"] = nullptr;
    }
    // Decryption (--keylog or pcapng secrets): whether any record was decrypted, each
    // side's Finished checked against the transcript, and the first HTTP lines inside.
    j["decrypted"] = f.decrypted;
    auto verdict = [](const std::optional<bool>& v) { return v ? json(*v) : json(nullptr); };
    j["finished_verified"] = {{"client", verdict(f.finished_verified[0])}, {"server", verdict(f.finished_verified[1])}};
    j["http"] = {{"request_line", or_null(f.http_request_line)}, {"status_line", or_null(f.http_status_line)}};
    j["certificate_verify_valid"] = {{"client", verdict(f.certificate_verify_valid[0])},
                                     {"server", verdict(f.certificate_verify_valid[1])}};
    j["bytes"] = {{"c2s", conv.payload_bytes[client]}, {"s2c", conv.payload_bytes[server]}};
    j["first_frame"] = conv.first_frame;
    // The DNS answer that gave the client this server address, earlier in the capture.
    if (auto r = dns.resolution_for(conv.address[server], conv.first_frame)) {
        json chain = r->cname_chain;
        json sni_matches = nullptr;
        if (!f.sni.empty()) {
            bool m = same_name(f.sni, r->name);
            for (const auto& c : r->cname_chain) m = m || same_name(f.sni, c);
            sni_matches = m;
        }
        j["resolved_by"] = {{"frame", r->frame}, {"name", r->name}, {"cname_chain", chain}, {"sni_matches", sni_matches}};
    } else {
        j["resolved_by"] = nullptr;
    }
    return j;
}

// --audit: the connection's findings, ordered by frame.
json audit_findings(const TlsConnectionFacts& f, const AuditSettings& audit) {
    json findings = json::array();
    for (const auto& a : audit_connection(f, audit.lang))
        findings.push_back({{"id", a.id}, {"severity", audit_severity_name(a.severity)}, {"frame", a.frame}, {"why", a.why}});
    return findings;
}
// The whole-document form (--sessions without --jsonl) prints its records only at the
// end, in stream order (TLS) and query order (DNS). To keep memory flat on big captures
// each record is serialised as soon as it is complete, already indented for its place in
// the document, into a spool file; only its sort key, offset and length stay in memory.
class RecordSpool {
public:
    RecordSpool() : file_(std::tmpfile()) {}
    ~RecordSpool() {
        if (file_) std::fclose(file_);
    }
    RecordSpool(const RecordSpool&) = delete;
    RecordSpool& operator=(const RecordSpool&) = delete;

    // `text` is a record dumped with indent 2 at the top level; in the document it sits
    // inside an array inside the top-level object, four spaces further in. (JSON
    // strings never hold a raw newline, so every newline is a line break.)
    void add(std::uint64_t key, const std::string& text) {
        std::string indented;
        indented.reserve(text.size() + text.size() / 8);
        for (char c : text) {
            indented.push_back(c);
            if (c == '\n') indented.append("    ");
        }
        Entry e{key, 0, indented.size()};
        if (file_ && std::fwrite(indented.data(), 1, indented.size(), file_) == indented.size()) {
            e.offset = file_end_;
            file_end_ += indented.size();
            entries_.push_back(e);
            return;
        }
        // No spool file (or it failed): keep the text in memory.
        e.offset = memory_.size() | kInMemory;
        memory_ += indented;
        entries_.push_back(e);
    }

    // Writes `"name": [ ... ]` as nlohmann's indent-2 dump of the document does.
    void write_array(std::FILE* out, const char* name) {
        std::fprintf(out, "  \"%s\": ", name);
        if (entries_.empty()) {
            std::fputs("[]", out);
            return;
        }
        std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
        std::fputs("[\n", out);
        if (file_) std::fflush(file_);
        std::string text;
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            const Entry& e = entries_[i];
            text.resize(e.length);
            if (e.offset & kInMemory) {
                text.assign(memory_, e.offset & ~kInMemory, e.length);
            } else if (std::fseek(file_, static_cast<long>(e.offset), SEEK_SET) != 0 ||
                       std::fread(text.data(), 1, e.length, file_) != e.length) {
                text = "null";  // the spool file could not be read back
            }
            std::fputs("    ", out);
            std::fwrite(text.data(), 1, text.size(), out);
            std::fputs(i + 1 < entries_.size() ? ",\n" : "\n", out);
        }
        std::fputs("  ]", out);
        entries_.clear();
        memory_.clear();
        if (file_) {
            std::fclose(file_);
            file_ = std::tmpfile();
            file_end_ = 0;
        }
    }

private:
    static constexpr std::uint64_t kInMemory = std::uint64_t(1) << 63;
    struct Entry {
        std::uint64_t key;
        std::uint64_t offset;
        std::size_t length;
    };
    std::FILE* file_;
    std::uint64_t file_end_ = 0;  // records are only appended until write_array
    std::vector<Entry> entries_;
    std::string memory_;
};

class JsonSessionsPrinter final : public SessionsPrinter {
public:
    JsonSessionsPrinter(std::FILE* out, bool lines, DnsTransactionTable& dns, const AuditSettings* audit)
        : out_(out), lines_(lines), dns_(dns), audit_(audit) {
        dns_.keep_completed(true);
    }

    void poll() override {
        for (auto& t : dns_.take_completed()) emit_dns(t.query_frame ? t.query_frame : t.response_frame, dns_record(t));
    }

    void tcp_closed(const TcpConversation& conv) override {
        const auto* tls = dynamic_cast<const TlsConnection*>(conv.app.get());
        if (!tls) return;
        json j = tls_session(conv, *tls, dns_);
        if (audit_) j["findings"] = audit_findings(tls->facts(), *audit_);
        if (lines_) {
            write(json_text(j, -1) + "\n");
        } else {
            j.erase("kind");
            sessions_.add(conv.stream, json_text(j, 2));
        }
    }

    void finish(const std::string& path, const CaptureReader& reader, std::uint64_t packets) override {
        poll();
        // Queries that never got an answer are transactions too.
        for (auto& t : dns_.unanswered()) emit_dns(t.query_frame, dns_record(t));
        if (lines_) return;
        json capture = {{"file", path},
                        {"format", reader.format() == CaptureFormat::PcapNg ? "pcapng" : "pcap"},
                        {"link_type", link_type_name(reader.link_type())},
                        {"packets", packets}};
        std::string text = json_text(capture, 2);
        std::string indented;
        for (char c : text) {
            indented.push_back(c);
            if (c == '\n') indented.append("  ");
        }
        write("{\n  \"capture\": " + indented + ",\n");
        sessions_.write_array(out_, "tls");
        write(",\n");
        dns_records_.write_array(out_, "dns");
        write("\n}\n");
    }

private:
    void write(const std::string& s) { std::fwrite(s.data(), 1, s.size(), out_); }
    void emit_dns(std::uint64_t key, json j) {
        if (lines_) {
            write(json_text(j, -1) + "\n");
        } else {
            j.erase("kind");
            dns_records_.add(key, json_text(j, 2));
        }
    }

    std::FILE* out_;
    bool lines_;
    DnsTransactionTable& dns_;
    const AuditSettings* audit_;
    RecordSpool sessions_;
    RecordSpool dns_records_;
};

}  // namespace

std::unique_ptr<SessionsPrinter> make_sessions_printer(std::FILE* out, bool lines, DnsTransactionTable& dns,
                                                       const AuditSettings* audit) {
    return std::make_unique<JsonSessionsPrinter>(out, lines, dns, audit);
}

}  // namespace tlsdissect
