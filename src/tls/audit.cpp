// --audit: findings from the facts of one TLS connection. References: RFC 7457 (known
// attacks on TLS), RFC 8996 (TLS 1.0/1.1 deprecated), RFC 7568 (SSL 3.0), RFC 6176
// (SSL 2.0), RFC 7465 (RC4), RFC 5746 (renegotiation_info), RFC 7627 (extended master
// secret), RFC 6520 (heartbeat), RFC 7507 (TLS_FALLBACK_SCSV), RFC 8446 4.1.3
// (downgrade sentinel), RFC 6125 (names in certificates, checked by OpenSSL).
#include "tls/audit.hpp"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "tls/cipher_suites.hpp"
#include "tls/tls_common.hpp"
#include "tlsdissect/field.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

// Below these sizes a key or group is weak (NIST SP 800-57, BSI TR-02102); below the
// second, broken in practice.
constexpr int kMinRsaBits = 2048, kBrokenRsaBits = 1024;
constexpr int kMinEcBits = 256, kBrokenEcBits = 160;
constexpr std::size_t kMinDhBits = 2048, kBrokenDhBits = 1024;

// Extension and cipher-suite code points (IANA TLS registries).
constexpr std::uint16_t kExtHeartbeat = 15;
constexpr std::uint16_t kExtRenegotiationInfo = 0xff01;
constexpr std::uint16_t kFallbackScsv = 0x5600;
constexpr std::uint16_t kTls13 = 0x0304;
// RFC 8446 4.1.3: the last eight bytes of a downgrading TLS 1.3 server's random.
constexpr std::uint8_t kDowngradeSentinel[7] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44};  // "DOWNGRD"

using Vars = std::vector<std::pair<std::string_view, std::string>>;

std::string fill(std::string_view key, bool zh, const Vars& vars) {
    std::string_view text;
    for (const auto& t : audit_texts())
        if (t.key == key) text = zh ? t.zh : t.en;
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        bool replaced = false;
        if (text[i] == '{') {
            for (const auto& [name, value] : vars) {
                if (text.substr(i + 1, name.size()) == name && i + 1 + name.size() < text.size() &&
                    text[i + 1 + name.size()] == '}') {
                    out += value;
                    i += name.size() + 2;
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out += text[i++];
    }
    return out;
}

template <typename T>
bool has(const std::vector<T>& v, T x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

const TlsHandshakeEvent* server_message(const TlsConnectionFacts& f, std::uint8_t type) {
    for (const auto& e : f.handshake)
        if (e.side == 1 && e.type && *e.type == type) return &e;
    return nullptr;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The subject as a finding names it: its commonName, else the whole RFC 4514 subject.
std::string cert_name(const CertificateSummary& c) {
    if (!c.subject_cn.empty()) return "CN=" + c.subject_cn;
    return c.subject.empty() ? std::string("(no subject)") : c.subject;
}

// Does the leaf certificate name `host`? Empty when OpenSSL cannot tell (bad DER).
// Names are matched against subjectAltName only (RFC 6125 6.4.4: clients that see a
// DNS-ID ignore the CN, and browsers ignore it always); wildcards as OpenSSL does.
std::optional<bool> certificate_names(const CertificateSummary& c, const std::string& host) {
    if (c.der.empty()) return std::nullopt;
    const unsigned char* p = c.der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(c.der.size()));
    if (!x) return std::nullopt;
    int rc = X509_check_ip_asc(x, host.c_str(), 0);
    if (rc == -2)  // not an IP address: a host name
        rc = X509_check_host(x, host.data(), host.size(),
                             X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr);
    X509_free(x);
    if (rc < 0) return std::nullopt;
    return rc == 1;
}

struct Collector {
    bool zh;
    std::vector<AuditFinding> out;
    void add(std::string_view id, AuditSeverity s, std::uint64_t frame, std::string_view key, const Vars& vars = {}) {
        if (frame == 0) return;  // nothing in the capture shows it
        out.push_back({id, s, frame, fill(key, zh, vars)});
    }
    void add(std::string_view id, AuditSeverity s, std::uint64_t frame, const Vars& vars = {}) {
        add(id, s, frame, id, vars);
    }
};

void audit_client_hello(const TlsConnectionFacts& f, Collector& c) {
    if (f.sslv2_client_hello_frame) c.add("sslv2_hello", AuditSeverity::Medium, f.sslv2_client_hello_frame);
    std::size_t weak = 0;
    std::string first;
    for (auto s : f.client_hello.cipher_suites) {
        if (is_grease(s)) continue;
        const CipherSuiteInfo& info = describe_cipher_suite(s);
        if (!cipher_is_weak(info)) continue;
        if (weak++ == 0) first = info.name;
    }
    for (auto spec : f.sslv2_cipher_specs) {
        // A TLS suite in an SSLv2 hello has a zero first byte; every SSL 2.0 kind is weak.
        if ((spec >> 16) == 0 && !cipher_is_weak(describe_cipher_suite(static_cast<std::uint16_t>(spec)))) continue;
        if (weak++ == 0)
            first = (spec >> 16) == 0 ? cipher_suite_name(static_cast<std::uint16_t>(spec))
                                      : "SSL 2.0 cipher kind 0x" + hex_digits(spec, 6);
    }
    const std::uint64_t hello_frame = f.client_hello.seen ? f.client_hello.frame : f.sslv2_client_hello_frame;
    if (weak) c.add("weak_cipher_offered", AuditSeverity::Low, hello_frame, {{"count", std::to_string(weak)}, {"suite", first}});
    if (has(f.client_hello.cipher_suites, kFallbackScsv) ||
        std::any_of(f.sslv2_cipher_specs.begin(), f.sslv2_cipher_specs.end(), [](auto s) { return s == kFallbackScsv; }))
        c.add("fallback_scsv", AuditSeverity::Info, hello_frame);
}

void audit_server_hello(const TlsConnectionFacts& f, Collector& c) {
    if (!f.server_hello.seen || !f.negotiated_version) return;
    const std::uint64_t frame = f.server_hello.frame;
    // DTLS versions are judged as the TLS versions whose cryptography they use.
    const std::uint16_t v = tls_equivalent_version(*f.negotiated_version);
    const bool tls13 = f.tls13();
    const bool ssl = v <= 0x0300 && v != 0;  // SSL 3.0 (0x0300) or SSL 2.0 (0x0002)
    if (!tls13 && v < 0x0303)
        c.add("old_protocol", ssl ? AuditSeverity::High : AuditSeverity::Medium, frame,
              {{"version", tls_version_name(*f.negotiated_version)}});
    if (f.cipher_suite) {
        const CipherSuiteInfo& info = describe_cipher_suite(*f.cipher_suite);
        const Vars suite{{"suite", info.name}};
        if (cipher_is_weak(info)) c.add("weak_cipher_chosen", AuditSeverity::High, frame, suite);
        if (info.known && info.export_grade && info.key_exchange == "RSA")
            c.add("export_rsa", AuditSeverity::High, frame, suite);
        if (info.known && !info.tls13 && !info.forward_secrecy && !info.anonymous && !info.signalling)
            c.add("no_forward_secrecy", AuditSeverity::Medium, frame, suite);
        if (v == 0x0300 && info.mode == CipherMode::Cbc) c.add("cbc_in_ssl3", AuditSeverity::High, frame, suite);
    }
    const auto& comp = f.server_hello.compression_methods;
    if (!comp.empty() && comp.front() != 0)
        c.add("compression", AuditSeverity::High, frame,
              {{"method", comp.front() == 1 ? std::string("DEFLATE") : "method " + std::to_string(comp.front())}});
    if (!tls13) {
        if (!has(f.server_hello.extensions, kExtRenegotiationInfo))
            c.add("insecure_renegotiation", AuditSeverity::Medium, frame);
        if (v >= 0x0301 && v <= 0x0303 && !f.extended_master_secret)
            c.add("no_extended_master_secret", AuditSeverity::Low, frame);
    }
    if (has(f.client_hello.extensions, kExtHeartbeat) && has(f.server_hello.extensions, kExtHeartbeat))
        c.add("heartbeat", AuditSeverity::Low, frame);
    if (!tls13 && f.server_random.size() == 32 &&
        std::memcmp(f.server_random.data() + 24, kDowngradeSentinel, sizeof kDowngradeSentinel) == 0 &&
        (f.server_random[31] == 0 || f.server_random[31] == 1)) {
        if (has(f.client_hello.supported_versions, kTls13))
            c.add("downgrade_sentinel", AuditSeverity::High, frame);
        else
            c.add("downgrade_sentinel", AuditSeverity::Info, frame, "downgrade_sentinel.info");
    }
}

void audit_key_exchange(const TlsConnectionFacts& f, Collector& c) {
    const TlsHandshakeEvent* ske = server_message(f, kServerKeyExchange);
    if (!ske) return;
    if (f.dh_prime_length) {
        const std::size_t bits = f.dh_prime_length * 8;
        if (bits < kMinDhBits)
            c.add("weak_dh_group", bits < kBrokenDhBits ? AuditSeverity::High : AuditSeverity::Medium, ske->frame,
                  {{"bits", std::to_string(bits)}});
    }
}

// Signatures: SHA-1 and MD5 in the chain (a self-signed root's own signature is never
// relied on) and in the Server Key Exchange's SignatureAndHashAlgorithm (hash byte
// 1 = MD5, 2 = SHA-1; RFC 5246 7.4.1.4.1).
void audit_signatures(const TlsConnectionFacts& f, const TlsHandshakeEvent* cert_msg, Collector& c) {
    struct Candidate {
        AuditSeverity severity;
        std::uint64_t frame;
        std::string_view key;
        Vars vars;
    };
    std::optional<Candidate> worst;
    auto consider = [&](Candidate cand) {
        if (!worst || cand.severity > worst->severity) worst = std::move(cand);
    };
    if (cert_msg) {
        for (const auto& cert : f.certificates) {
            if (!cert.parsed || cert.subject == cert.issuer) continue;
            const std::string alg = lower(cert.signature_algorithm);
            const bool md5 = alg.find("md5") != std::string::npos || alg.find("md2") != std::string::npos;
            const bool sha1 = alg.find("sha1") != std::string::npos || alg == "shawithrsaencryption";
            if (md5 || sha1)
                consider({md5 ? AuditSeverity::High : AuditSeverity::Medium, cert_msg->frame, "weak_signature",
                          {{"subject", cert_name(cert)}, {"alg", cert.signature_algorithm}}});
        }
    }
    if (f.ske_signature_scheme) {
        const std::uint16_t s = *f.ske_signature_scheme;
        const int hash = s >> 8, sig = s & 0xff;
        if ((hash == 1 || hash == 2) && sig >= 1 && sig <= 3)
            if (const TlsHandshakeEvent* ske = server_message(f, kServerKeyExchange))
                consider({hash == 1 ? AuditSeverity::High : AuditSeverity::Medium, ske->frame, "weak_signature.ske",
                          {{"alg", signature_scheme_name(s)}}});
    }
    if (worst) c.add("weak_signature", worst->severity, worst->frame, worst->key, worst->vars);
}

void audit_certificates(const TlsConnectionFacts& f, Collector& c) {
    const TlsHandshakeEvent* cert_msg = server_message(f, kCertificate);
    audit_signatures(f, cert_msg, c);
    if (!cert_msg || f.certificates.empty()) return;
    const std::uint64_t frame = cert_msg->frame;
    const std::int64_t now = cert_msg->ts_ns / 1'000'000'000;
    // Keys: the weakest one in the chain as sent.
    const CertificateSummary* weak = nullptr;
    AuditSeverity weak_severity = AuditSeverity::Info;
    for (const auto& cert : f.certificates) {
        if (!cert.parsed || cert.public_key_bits <= 0) continue;
        const std::string& alg = cert.public_key_algorithm;
        const int bits = cert.public_key_bits;
        std::optional<AuditSeverity> s;
        if ((alg == "RSA" || alg == "RSA-PSS" || alg == "DSA") && bits < kMinRsaBits)
            s = bits < kBrokenRsaBits ? AuditSeverity::High : AuditSeverity::Medium;
        else if (alg == "EC" && bits < kMinEcBits)
            s = bits < kBrokenEcBits ? AuditSeverity::High : AuditSeverity::Medium;
        if (s && (!weak || *s > weak_severity || (*s == weak_severity && bits < weak->public_key_bits))) {
            weak = &cert;
            weak_severity = *s;
        }
    }
    if (weak)
        c.add("weak_key", weak_severity, frame,
              {{"subject", cert_name(*weak)}, {"bits", std::to_string(weak->public_key_bits)}, {"alg", weak->public_key_algorithm}});
    // Validity at the time the Certificate message was captured; the certificate nearest
    // the leaf is named.
    for (const auto& cert : f.certificates) {
        if (!cert.parsed || cert.not_after.empty() || now <= cert.not_after_epoch) continue;
        c.add("cert_expired", AuditSeverity::High, frame, {{"subject", cert_name(cert)}, {"date", cert.not_after}});
        break;
    }
    for (const auto& cert : f.certificates) {
        if (!cert.parsed || cert.not_before.empty() || now >= cert.not_before_epoch) continue;
        c.add("cert_not_yet_valid", AuditSeverity::High, frame, {{"subject", cert_name(cert)}, {"date", cert.not_before}});
        break;
    }
    if (!f.sni.empty())
        if (auto named = certificate_names(f.certificates.front(), f.sni); named && !*named)
            c.add("name_mismatch", AuditSeverity::High, frame,
                  {{"sni", f.sni}, {"subject", cert_name(f.certificates.front())}});
}

}  // namespace

std::string_view audit_severity_name(AuditSeverity s) {
    switch (s) {
        case AuditSeverity::Info: return "info";
        case AuditSeverity::Low: return "low";
        case AuditSeverity::Medium: return "medium";
        case AuditSeverity::High: return "high";
    }
    return "info";
}

std::optional<AuditSeverity> parse_audit_severity(std::string_view word) {
    for (auto s : {AuditSeverity::Info, AuditSeverity::Low, AuditSeverity::Medium, AuditSeverity::High})
        if (audit_severity_name(s) == word) return s;
    return std::nullopt;
}

std::string audit_default_lang() {
    const char* lang = std::getenv("LANG");
    return lang && std::strncmp(lang, "zh", 2) == 0 ? "zh" : "en";
}

std::vector<AuditFinding> audit_connection(const TlsConnectionFacts& f, const std::string& lang) {
    Collector c{lang.rfind("zh", 0) == 0, {}};
    audit_client_hello(f, c);
    audit_server_hello(f, c);
    audit_key_exchange(f, c);
    audit_certificates(f, c);
    for (auto frame : f.overlong_heartbeat_frames) c.add("heartbleed_attempt", AuditSeverity::High, frame);
    std::stable_sort(c.out.begin(), c.out.end(), [](const AuditFinding& a, const AuditFinding& b) { return a.frame < b.frame; });
    return c.out;
}

namespace {

// --audit findings, as expert notes at the frame that shows each.
constexpr FieldDef kAuditInfo{"tls.audit", "Audit", FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Chat};
constexpr FieldDef kAuditLow{"tls.audit", "Audit", FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Note};
constexpr FieldDef kAuditMedium{"tls.audit", "Audit", FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Warn};
constexpr FieldDef kAuditHigh{"tls.audit", "Audit", FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Error};
constexpr FieldDef kAuditId{"tls.audit.id", "Finding", FieldType::String};
constexpr FieldDef kAuditSeverity{"tls.audit.severity", "Severity", FieldType::String};
constexpr FieldDef kAuditWhy{"tls.audit.why", "Why", FieldType::String};

}  // namespace

void note_audit_findings(const TlsConnectionFacts& facts, const AuditSettings& audit,
                         std::pair<std::size_t, std::size_t>& audited, std::string& ids, NodeRef layer,
                         std::uint64_t frame) {
    const std::pair<std::size_t, std::size_t> seen{facts.handshake.size(), facts.overlong_heartbeat_frames.size()};
    if (seen == audited) return;
    audited = seen;
    for (const AuditFinding& f : audit_connection(facts, audit.lang)) {
        if (f.frame != frame) continue;
        const std::string id(f.id);
        if ((" " + ids + ",").find(" " + id + ",") != std::string::npos) continue;
        ids += (ids.empty() ? "" : ", ") + id;
        if (!layer) continue;
        const std::string severity(audit_severity_name(f.severity));
        const FieldDef& def = f.severity == AuditSeverity::High     ? kAuditHigh
                              : f.severity == AuditSeverity::Medium ? kAuditMedium
                              : f.severity == AuditSeverity::Low    ? kAuditLow
                                                                    : kAuditInfo;
        NodeRef n = layer.expert(def, "Audit (" + severity + "): " + id + ": " + f.why);
        n.add_generated(kAuditId, id);
        n.add_generated(kAuditSeverity, severity);
        n.add_generated(kAuditWhy, f.why).set_hidden();  // already in the line above; for -e and -Y
    }
}

}  // namespace tlsdissect
