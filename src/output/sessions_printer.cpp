#include "output/sessions_printer.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <memory>
#include <map>

#include "core/background_worker.hpp"
#include "core/bounded_cache.hpp"
#include "dns/dns_name.hpp"
#include "dns/dns_transactions.hpp"
#include "tls/audit.hpp"
#include "tls/cipher_suites.hpp"
#include "output/json_writer.hpp"
#include "tls/fingerprints.hpp"
#include "tls/handshake_checks.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

void endpoint(JsonWriter& w, std::string_view key, const ConnectionView& conv, int side) {
    w.key(key).object().member("ip", conv.address[side].to_string()).member("port", conv.port[side]).end();
}

// Only for a connection inside tunnels (records of others are unchanged): "path", the
// protocols it was reached through, outermost first, ending with its own IP and
// transport (["ip", "gre", "erspan", "ip", "tcp"]); "outer", each hop before its own IP
// header: {protocol, src, dst} for an IP header, {protocol, id} for a tunnel with an
// identifier (VNI, GRE key, ERSPAN session, GTP TEID, MPLS label, PPPoE session).
void tunnel_path(JsonWriter& w, const ConnectionView& conv) {
    if (!conv.path.tunnelled()) return;
    w.key("path").array();
    for (std::size_t i = 0; i < conv.path.size; ++i) w.value(conv.path.hops[i].protocol);
    w.value(conv.transport).end();
    w.key("outer").array();
    for (std::size_t i = 0; i + 1 < conv.path.size; ++i) {
        const PathHop& hop = conv.path.hops[i];
        w.object().member("protocol", hop.protocol);
        if (hop.src.family)
            w.member("src", hop.src.to_string()).member("dst", hop.dst.to_string());
        else if (hop.id || hop.id_is_network)
            w.member("id", hop.id);
        w.end();
    }
    w.end();
}

// "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -> kx ECDHE, auth RSA, enc AES_128_GCM,
// mac AEAD, prf SHA256, from describe_cipher_suite(). TLS 1.3 suites name only the AEAD
// and hash; their key exchange and authentication come from the handshake (key_share
// group, certificate key).
void decompose_suite(JsonWriter& w, std::uint16_t id, const TlsConnectionFacts& f) {
    const CipherSuiteInfo& info = describe_cipher_suite(id);
    w.object().member("id", id).member("name", info.name);
    if (!info.known) {
        for (const char* k : {"kx", "auth", "enc", "mac", "prf"}) w.key(k).null();
        w.end();
        return;
    }
    w.key("kx");
    if (!info.tls13) {
        w.value(info.key_exchange);
    } else if (f.kx_group) {
        const std::string g(iana_name(kTlsSupportedGroups, *f.kx_group));
        w.value(g.rfind("ffdhe", 0) == 0 ? "DHE" : (g.find("MLKEM") != std::string::npos ? "ECDHE-MLKEM" : "ECDHE"));
    } else if (f.server_selected_psk) {
        w.value("PSK");
    } else {
        w.null();
    }
    w.key("auth");
    if (!info.tls13) {
        w.value(info.authentication == "anon" ? std::string("NULL") : info.authentication);
    } else if (f.server_selected_psk && f.certificates.empty()) {
        w.value("PSK");
    } else if (!f.certificates.empty()) {
        const std::string& key = f.certificates.front().public_key_algorithm;
        w.value(key == "EC" ? std::string("ECDSA") : key);
    } else {
        w.null();
    }
    w.member("enc", info.encryption);
    if (info.aead) {
        w.member("mac", "AEAD").member("prf", info.prf_hash);
    } else {
        w.member_if("mac", !(info.mac == "NULL" || info.mac.empty()),
                    [&] { return "HMAC-" + (info.mac == "SHA" ? std::string("SHA1") : info.mac); });
        // Before TLS 1.2 the PRF is MD5+SHA-1 whatever the suite says.
        const bool tls12 = f.negotiated_version && *f.negotiated_version >= 0x0303;
        w.member("prf", info.tls13 || tls12 ? info.prf_hash : std::string("MD5+SHA1"));
    }
    w.end();
}

void cipher_suite_parts_json(JsonWriter& w, const TlsConnectionFacts& f) {
    const CipherSuiteParts p = cipher_suite_parts(f);
    if (!p.known) {
        w.null();
        return;
    }
    w.object()
        .member_or_null("key_exchange", p.key_exchange)
        .member_or_null("authentication", p.authentication)
        .member("encryption", p.encryption)
        .member("mac", p.mac)
        .member("prf", p.prf)
        .member("forward_secrecy", p.forward_secrecy)
        .end();
}

void chain_json(JsonWriter& w, const ChainVerdict& v) {
    w.object()
        .member("valid", v.valid)
        .member_or_null("reason", v.reason)
        .member("checked_at", iso8601_utc(v.checked_at))
        .member("path_valid", v.path_valid)
        .member("errors", v.errors)
        .member("roots", v.roots)
        .member_or_null("server_name", v.server_name)
        .member("name_matches", v.name_matches)
        .member_or_null("matched_name", v.matched_name);
    w.key("path").array();
    for (const auto& l : v.path) {
        w.object().member("subject", l.subject).key("sent_index");
        if (l.sent_index >= 0)
            w.value(l.sent_index);
        else
            w.null();
        w.member("self_signed", l.self_signed)
            .member("trusted", l.trusted)
            .member("signature_valid", l.signature_valid)
            .member("valid_at_checked_time", l.valid_at_time)
            .end();
    }
    w.end().member("unused", v.unused).end();
}

void write_certificate(JsonWriter& w, const CertificateSummary& c, bool files);

// Certificate objects as text, by fingerprint and place in the document: the same
// chain comes back in every connection to a server. Bounded (emptied when full).
constexpr std::size_t kCertificateTextMemoEntries = 1024;

// `files` (--export-certs): the certificate was written as files named by its SHA-256.
void certificate_json(JsonWriter& w, const CertificateSummary& c, bool files) {
    if (c.sha256_hex.empty()) {
        write_certificate(w, c, files);
        return;
    }
    static thread_local BoundedCache<std::string, kCertificateTextMemoEntries> memo;
    std::string key = c.sha256_hex;
    key += ':';
    key += std::to_string(w.indent());
    key += ':';
    key += std::to_string(w.depth());
    key += files ? ":f" : "";
    w.raw(memo.get_or_make(std::move(key), [&] {
        std::string text;
        JsonWriter t(text, w.indent(), w.depth());
        write_certificate(t, c, files);
        return text;
    }));
}

void write_certificate(JsonWriter& w, const CertificateSummary& c, bool files) {
    w.object()
        .member_or_null("subject", c.subject)
        .member_or_null("issuer", c.issuer)
        .member_or_null("serial", c.serial_hex)
        .member_or_null("not_before", c.not_before)
        .member_or_null("not_after", c.not_after)
        .member_or_null("signature_algorithm", c.signature_algorithm);
    w.key("public_key").object().member_or_null("algorithm", c.public_key_algorithm).key("bits");
    if (c.public_key_bits)
        w.value(c.public_key_bits);
    else
        w.null();
    w.member_or_null("curve", c.curve).end();
    w.member("san", c.san)
        .member("is_ca", c.is_ca)
        .member_or_null("sha256", c.sha256_hex)
        .member_or_null("sha1", c.sha1_hex)
        .member_or_null("ja4x", c.ja4x)
        .key("files");
    // The names --export-certs gave it in its folder (only certificates OpenSSL decoded
    // are written: the PEM form needs a certificate).
    if (files && !c.der.empty())
        w.object().member("der", c.sha256_hex + ".der").member("pem", c.sha256_hex + ".pem").end();
    else
        w.null();
    w.end();
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// `kind`: the "kind" member, written in JSON Lines only (the document groups by kind).
// What every record starts with: its uid, the capture file, and its start and end times
// as epoch seconds (a string with nine decimals, like tshark's frame.time_epoch, since a
// JSON number would lose the nanoseconds) and RFC 3339 UTC. `end_ns` < 0: no end (null).
void record_identity(JsonWriter& w, const std::string& uid, const std::string& file, std::int64_t start_ns,
                     std::int64_t end_ns) {
    w.member("uid", uid).member("capture_file", file);
    w.member("start_epoch", epoch_time_ns(start_ns)).member("start_time", rfc3339_utc_ns(start_ns));
    if (end_ns < 0) {
        w.key("end_epoch").null().key("end_time").null();
        return;
    }
    w.member("end_epoch", epoch_time_ns(end_ns)).member("end_time", rfc3339_utc_ns(end_ns));
}

void dns_record(JsonWriter& w, const DnsTransactionRecord& t, bool kind, const std::string& file) {
    w.object();
    if (kind) w.member("kind", "dns");
    record_identity(w, dns_transaction_uid(t), file, t.query_ts_ns,
                    t.response_frame ? t.query_ts_ns + t.response_time_ns : -1);
    w.member("id", t.id).key("query_frame");
    if (t.query_frame)
        w.value(t.query_frame);
    else
        w.null();
    w.member_if("response_frame", t.response_frame != 0, [&] { return t.response_frame; });
    w.member_if("response_time", t.response_frame != 0, [&] { return static_cast<double>(t.response_time_ns) / 1e9; });
    w.member_if("name", !t.questions.empty(), [&] { return t.questions.front().name; });
    w.member_if("type", !t.questions.empty(), [&] { return dns_type_mnemonic(t.questions.front().type); });
    w.member_if("rcode", t.response_frame != 0, [&] { return upper(std::string(iana_name(kDnsRcodes, t.rcode))); });
    w.member("transport", t.transport == DnsTransport::Tcp ? "tcp" : "udp");
    w.key("client").object().member("ip", t.client.to_string()).member("port", t.client_port).end();
    w.key("server").object().member("ip", t.server.to_string()).member("port", t.server_port).end();
    w.member("retransmissions", t.retransmissions);
    w.key("answers").array();
    for (const auto& a : t.answers) {
        if (a.section != DnsSection::Answer) continue;
        w.object()
            .member("name", a.name)
            .member("type", dns_type_mnemonic(a.type))
            .member("ttl", a.ttl)
            .member("data", a.data)
            .end();
    }
    w.end().end();
}

// `h`: f.client_hello, f.client_hello_retry or f.server_hello.
void hello_json(JsonWriter& w, const TlsConnectionFacts& f, const HelloFacts& h) {
    const bool client = &h != &f.server_hello;
    if (!h.seen) {
        w.null();
        return;
    }
    w.object().member("frame", h.frame).member("version", h.version);
    if (client) {
        const Fingerprint j3 = ja3(h);
        w.member("random", hex_string(f.client_random))
            .member("session_id", hex_string(f.client_session_id))
            .member("cipher_suites", h.cipher_suites)
            .member("compression_methods", h.compression_methods)
            .member("extensions", h.extensions)
            .member("supported_groups", h.supported_groups)
            .member("ec_point_formats", h.ec_point_formats)
            .member("signature_algorithms", h.signature_algorithms)
            .member("supported_versions", h.supported_versions)
            .member("alpn", h.alpn)
            .member_or_null("sni", f.sni)
            .member("ja3", j3.text)
            .member("ja3_hash", j3.hash)
            .member("ja4", ja4(h, !f.sni.empty(), f.ja4_transport()));
    } else {
        const Fingerprint j3s = ja3s(h);
        w.member("random", hex_string(f.server_random)).member("session_id", hex_string(f.server_session_id));
        w.member_if("cipher_suite", !h.cipher_suites.empty(), [&] { return h.cipher_suites.front(); });
        w.member("extensions", h.extensions)
            .member("selected_version", f.negotiated_version)
            .member("ja3s", j3s.text)
            .member("ja3s_hash", j3s.hash)
            .member("ja4s", ja4s(h, f.ja4_transport()))
            .member("hello_retry_request", f.hello_retry_request);
    }
    w.end();
}

// The record of one TLS connection; `kind` as for dns_record. --audit adds "findings".
// `verdict_at` non-null: the Server Key Exchange signature is checked elsewhere (on the
// background thread); a 4-byte `null` holds its place and *verdict_at gets its offset.
// `file` is the capture file.
void tls_session(JsonWriter& w, const TlsSessionView& tls, const DnsTransactionTable& dns, bool kind,
                 const AuditSettings* audit, std::size_t* verdict_at, const std::string& file,
                 bool certificate_files) {
    const ConnectionView& conv = tls.connection;
    const TlsConnectionFacts& f = tls.facts;
    const int client = tls.client_side;
    const int server = 1 - client;
    w.object();
    if (kind) w.member("kind", "tls");
    record_identity(w, conv.uid(client), file, conv.first_ts_ns, std::max(conv.last_ts_ns, conv.first_ts_ns));
    w.member("stream", conv.stream);
    // TLS over TCP records carry no transport key (their stream is tcp.stream); DTLS
    // records say "dtls", and their stream is the udp.stream.
    if (conv.transport != "tcp") w.member("transport", std::string(conv.transport));
    if (f.quic) {
        // The QUIC version, the client's first Destination Connection ID (from which the
        // Initial keys come) and tshark's quic.connection.number.
        w.key("quic")
            .object()
            .member("version", "0x" + hex_u32(f.quic_version))
            .member("initial_dcid", hex_string(f.quic_initial_dcid))
            .member("connection_number", std::uint64_t(f.quic_connection))
            .key("migrations")
            .array();
        for (const auto& m : f.quic_migrations)
            w.object().member("frame", m.frame).member("stream", m.stream).member("client", m.client).end();
        w.end().end();
    }
    if (f.dtls) {
        // The cookie exchange (RFC 6347 4.2.1) and how many handshake messages came again.
        // DTLS 1.3 has no HelloVerifyRequest: its HelloRetryRequest carries the cookie.
        w.key("dtls").object().key("cookie");
        if (f.hello_verify_request_frame || !f.dtls_cookie.empty())
            w.value(hex_string(f.dtls_cookie));
        else
            w.null();
        w.key("hello_verify_request_frame");
        if (f.hello_verify_request_frame)
            w.value(f.hello_verify_request_frame);
        else
            w.null();
        w.member("handshake_retransmissions", f.dtls_retransmissions).end();
    }
    endpoint(w, "client", conv, client);
    endpoint(w, "server", conv, server);
    tunnel_path(w, conv);
    w.member_if("version", f.negotiated_version.has_value(),
                [&] { return tls_version_name(*f.negotiated_version); });
    w.key("cipher_suite");
    if (f.cipher_suite)
        decompose_suite(w, *f.cipher_suite, f);
    else
        w.null();
    w.member_or_null("sni", f.sni).member_or_null("alpn", f.alpn_selected).key("resumed");
    if (f.server_hello.seen)
        w.value(f.resumed);
    else
        w.null();
    // The connection and frame that issued what the session was resumed with.
    const ResumptionOffer* resumed_with = f.resumed_with();
    w.key("resumes");
    if (resumed_with)
        w.value(resumed_with->source->uid);
    else
        w.null();
    w.key("resumed_from");
    if (resumed_with) {
        const ResumptionSource& src = *resumed_with->source;
        w.object()
            .member("uid", src.uid)
            .member("transport", std::string(src.transport))
            .member("stream", src.stream)
            .member("frame", src.frame)
            .member("by", resumed_with->kind == ResumptionKind::SessionId ? "session_id"
                          : resumed_with->psk                              ? "psk"
                                                                           : "session_ticket")
            .end();
    } else {
        w.null();
    }
    // Only when the client offered 0-RTT: what became of it.
    if (f.early_data_offered) {
        w.key("early_data").object().member(
            "server", !f.early_data_accepted ? "unknown" : *f.early_data_accepted ? "accepted" : "rejected");
        w.member("records", f.early_data_records).end();
    }
    // A Server Hello that was a HelloRetryRequest is named so (the first Server Hello
    // when an HRR happened).
    bool hrr_named = !f.hello_retry_request;
    w.key("handshake").array();
    for (const auto& e : f.handshake) {
        w.object().member("frame", e.frame).member("dir", e.side == 0 ? "c2s" : "s2c");
        if (!e.type) {
            w.key("type").null().member("name", "encrypted").end();
            continue;
        }
        std::string_view name = handshake_snake_name(*e.type);
        if (!hrr_named && name == "server_hello") {
            name = "hello_retry_request";
            hrr_named = true;
        }
        w.member("type", *e.type).member("name", name).end();
    }
    w.end();
    w.key("client_hello");
    hello_json(w, f, f.client_hello);
    w.key("client_hello_retry");
    hello_json(w, f, f.client_hello_retry);
    w.key("server_hello");
    hello_json(w, f, f.server_hello);
    w.key("certificates").array();
    for (const auto& c : f.certificates) certificate_json(w, c, certificate_files);
    w.end().key("client_certificates").array();
    for (const auto& c : f.client_certificates) certificate_json(w, c, certificate_files);
    w.end().key("server_key_exchange");
    if (f.kx_group || f.ske_signature_scheme || f.kx_public_key_length) {
        w.object().key("group");
        if (f.kx_group)
            w.value(iana_name(kTlsSupportedGroups, *f.kx_group));
        else
            w.null();
        w.member("group_id", f.kx_group).key("public_key_length");
        if (f.kx_public_key_length)
            w.value(f.kx_public_key_length);
        else
            w.null();
        w.member_if("signature_scheme", f.ske_signature_scheme.has_value(),
                    [&] { return signature_scheme_name(*f.ske_signature_scheme); });
        w.key("signature_valid");
        if (verdict_at) {
            *verdict_at = w.size();
            w.null();
        } else {
            w.value(server_key_exchange_verdict(f).valid);
        }
        w.end();
    } else {
        w.null();
    }
    w.key("cipher_suite_parts");
    cipher_suite_parts_json(w, f);
    w.key("chain");
    if (f.chain)
        chain_json(w, *f.chain);
    else
        w.null();
    w.key("session_ticket");
    if (f.ticket_lifetime)
        w.object().member("lifetime_hint", *f.ticket_lifetime).member("length", f.ticket_length).end();
    else
        w.null();
    w.key("alerts").array();
    for (const auto& a : f.alerts) {
        w.object().member("frame", a.frame).member("dir", a.side == 0 ? "c2s" : "s2c").key("level");
        if (a.encrypted)
            w.null().member("description", "encrypted");
        else
            w.value(a.level == 1 ? "warning" : a.level == 2 ? "fatal" : "unknown")
                .member("description", iana_name(kTlsAlertDescriptions, a.description));
        w.end();
    }
    w.end();
    // Timing: first Client Hello to the last handshake message (Finished is the last
    // one seen, encrypted or not, before application data).
    w.member_if("handshake_time", !f.handshake.empty(), [&] {
        return static_cast<double>(f.handshake.back().ts_ns - f.handshake.front().ts_ns) / 1e9;
    });
    // Decryption (--keylog or pcapng secrets): whether any record was decrypted, each
    // side's Finished checked against the transcript, and the first HTTP lines inside.
    w.member("decrypted", f.decrypted);
    w.key("finished_verified")
        .object()
        .member("client", f.finished_verified[0])
        .member("server", f.finished_verified[1])
        .end();
    w.key("http")
        .object()
        .member_or_null("request_line", f.http_request_line)
        .member_or_null("status_line", f.http_status_line)
        .key("requests")
        .array();
    // Each decrypted request's JA4H, at the frame that completed its head.
    for (const auto& r : f.http_requests) w.object().member("frame", r.frame).member("ja4h", r.ja4h).end();
    w.end().member("requests_not_listed", f.http_requests_not_kept).end();
    w.key("certificate_verify_valid")
        .object()
        .member("client", f.certificate_verify_valid[0])
        .member("server", f.certificate_verify_valid[1])
        .end();
    w.key("bytes").object().member("c2s", conv.payload_bytes[client]).member("s2c", conv.payload_bytes[server]).end();
    w.member("first_frame", conv.first_frame);
    // A proxy the client went through (the last one) and a STARTTLS-style upgrade.
    const HandOverNote* proxy = nullptr;
    const HandOverNote* upgrade = nullptr;
    for (const HandOverNote& h : conv.hand_overs) (h.proxy ? proxy : upgrade) = &h;
    if (proxy)
        w.key("proxy")
            .object()
            .member("kind", proxy->protocol)
            .member_or_null("target", proxy->target)
            .member("frame", proxy->frame)
            .member_if("origin", !proxy->origin.empty(), [&] { return proxy->origin; })
            .end();
    if (upgrade) w.member("starttls", upgrade->protocol);
    // The DNS answer that gave the client this server address, earlier in the capture;
    // through a proxy, the address the proxy was asked for, or the name it was given
    // (the client did not resolve that one itself).
    w.key("resolved_by");
    const NetAddress& asked = proxy && proxy->target_address.family ? proxy->target_address : conv.address[server];
    if (proxy && !proxy->target_address.family && !proxy->target_host.empty()) {
        w.object().member("frame", proxy->frame).key("uid").null();
        w.member("name", proxy->target_host).key("cname_chain").array().end();
        w.member_if("sni_matches", !f.sni.empty(), [&] { return dns_names_equal(f.sni, proxy->target_host); });
        w.member("source", proxy->protocol);
        w.end();
    } else if (auto r = dns.resolution_for(asked, conv.first_frame)) {
        w.object().member("frame", r->frame).member_or_null("uid", r->transaction_uid);
        w.member("name", r->name).member("cname_chain", r->cname_chain);
        w.member_if("sni_matches", !f.sni.empty(), [&] { return r->names(f.sni); });
        w.end();
    } else {
        w.null();
    }
    // The HTTPS record (RFC 9460) that told the client which protocols the server speaks
    // (an "h3" in it is how a browser learns to try QUIC), for the name it asked for.
    w.key("https_rr");
    std::string host = f.sni;
    if (host.empty() && !proxy)
        if (auto r = dns.resolution_for(asked, conv.first_frame)) host = r->name;
    if (auto b = dns.service_binding_for(host, conv.port[server], conv.first_frame))
        w.object().member("frame", b->frame).member("name", b->name).member("alpn", b->alpn).end();
    else
        w.null();
    // ECH (RFC 9849): what the outer Client Hello's encrypted_client_hello extension
    // offered, and the DNS record that published the configuration it names by id.
    w.key("ech");
    if (f.ech) {
        w.object()
            .member("config_id", std::uint64_t(f.ech->config_id))
            .member("kdf_id", std::uint64_t(f.ech->kdf))
            .member("aead_id", std::uint64_t(f.ech->aead))
            .member("enc_length", std::uint64_t(f.ech->enc_length))
            .member("payload_length", std::uint64_t(f.ech->payload_length))
            .key("config");
        if (auto e = dns.ech_config_for(f.ech->config_id, f.sni, f.client_hello.frame ? f.client_hello.frame
                                                                                        : conv.first_frame)) {
            w.object()
                .member("frame", e->frame)
                .member("name", e->name)
                .member("public_name", e->config.public_name)
                .member("kem_id", std::uint64_t(e->config.kem_id))
                .member("maximum_name_length", std::uint64_t(e->config.maximum_name_length))
                .key("cipher_suites")
                .array();
            for (const auto& [kdf, aead] : e->config.cipher_suites)
                w.object().member("kdf_id", std::uint64_t(kdf)).member("aead_id", std::uint64_t(aead)).end();
            w.end().end();
        } else {
            w.null();
        }
        w.end();
    } else {
        w.null();
    }
    // --audit: the connection's findings, ordered by frame.
    if (audit) {
        w.key("findings").array();
        for (const auto& a : audit_connection(f, audit->lang))
            w.object()
                .member("id", a.id)
                .member("severity", audit_severity_name(a.severity))
                .member("frame", a.frame)
                .member("why", a.why)
                .end();
        w.end();
    }
    w.end();
}

// DNS records kept for the whole-document form (--sessions without --jsonl), whose
// "dns" array follows the streamed "tls" one: in memory up to kDnsRecordsInMemory
// bytes, then in a temporary file, so that a DNS flood keeps memory flat. Each record is
// serialised when complete, already indented for its place in the document; only its
// sort key (the query frame), offset and length stay in memory past the budget.
constexpr std::size_t kDnsRecordsInMemory = 1 << 20;

class RecordSpool {
public:
    RecordSpool() = default;
    ~RecordSpool() {
        if (file_) std::fclose(file_);
    }
    RecordSpool(const RecordSpool&) = delete;
    RecordSpool& operator=(const RecordSpool&) = delete;

    // `text` is a record written with indent 2 at level 2, its place in the document
    // (inside an array inside the top-level object).
    void add(std::uint64_t key, const std::string& text) {
        // A DNS message is at most 65535 bytes: its record is far below kMaxLength.
        if (text.size() > kMaxLength) return add(key, "null");
        if (memory_.size() + text.size() > kDnsRecordsInMemory && !file_ && !file_failed_) {
            file_ = std::tmpfile();
            file_failed_ = !file_;
        }
        if (file_ && std::fwrite(text.data(), 1, text.size(), file_) == text.size()) {
            entries_.push_back({key, file_end_ << kLengthBits | text.size()});
            file_end_ += text.size();
            return;
        }
        // No spool file (or it failed): keep the text in memory.
        entries_.push_back({key, kInMemory | memory_.size() << kLengthBits | text.size()});
        memory_ += text;
    }

    // Writes `"name": [ ... ]` as nlohmann's indent-2 dump of the document does.
    void write_array(std::FILE* out, const char* name) {
        std::fprintf(out, "  \"%s\": ", name);
        if (entries_.empty()) {
            std::fputs("[]", out);
            return;
        }
        // Usually in order already (answers come in the order of their queries): then
        // without stable_sort's buffer of half the entries.
        auto by_key = [](const Entry& a, const Entry& b) { return a.key < b.key; };
        if (!std::is_sorted(entries_.begin(), entries_.end(), by_key))
            std::stable_sort(entries_.begin(), entries_.end(), by_key);
        std::fputs("[\n", out);
        if (file_) std::fflush(file_);
        std::string text;
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            const Entry& e = entries_[i];
            const std::size_t length = e.where & kMaxLength;
            const std::uint64_t offset = (e.where & ~kInMemory) >> kLengthBits;
            text.resize(length);
            if (e.where & kInMemory) {
                text.assign(memory_, offset, length);
            } else if (std::fseek(file_, static_cast<long>(offset), SEEK_SET) != 0 ||
                       std::fread(text.data(), 1, length, file_) != length) {
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
            file_ = nullptr;
            file_end_ = 0;
        }
    }

private:
    // Entry::where: in memory or in the file (the top bit), the offset (39 bits: 512 GiB)
    // and the length (24 bits).
    static constexpr std::uint64_t kInMemory = std::uint64_t(1) << 63;
    static constexpr unsigned kLengthBits = 24;
    static constexpr std::uint64_t kMaxLength = (std::uint64_t(1) << kLengthBits) - 1;
    struct Entry {
        std::uint64_t key;
        std::uint64_t where;
    };
    std::FILE* file_ = nullptr;
    bool file_failed_ = false;
    std::uint64_t file_end_ = 0;  // records are only appended until write_array
    std::deque<Entry> entries_;  // grows without copying (16 bytes a record past the budget)
    std::string memory_;
};

// Records wait here, in the order they were completed, until the signature checks
// they hold a place for are done; at most this many (then the printer waits for the
// oldest). Four times the worker's batch, and the worker wakes a waiting printer per check:
// with batches of 32 and a wake-up per batch, the printer filled this queue while a batch
// was gathered and then waited for the whole batch, so the threads took turns.
constexpr std::size_t kMaxPendingRecords = 64;
// Record buffers kept for reuse (a record is about 12 KB).
constexpr std::size_t kSpareRecordBuffers = 64;

class JsonSessionsPrinter final : public SessionsPrinter {
public:
    JsonSessionsPrinter(std::FILE* out, bool lines, DnsTransactionTable& dns, const AuditSettings* audit,
                        Shard shard, unsigned jobs, std::string file, bool certificate_files)
        : out_(out), lines_(lines), dns_(dns), audit_(audit), shard_(shard), file_(std::move(file)),
          certificate_files_(certificate_files),
          worker_(BackgroundWorker::threads_for(jobs)) {
        dns_.keep_completed(true);
    }

    void poll() override {
        for (auto& t : dns_.take_completed()) emit_dns(t.query_frame ? t.query_frame : t.response_frame, t);
    }

    void tls_session_ended(const TlsSessionView& tls) override {
        const ConnectionView& c = tls.connection;
        if (!shard_.keeps(c.address[0], c.port[0], c.address[1], c.port[1])) return;
        const TlsConnectionFacts& f = tls.facts;
        Pending p;
        p.key = tls.connection.stream;
        take_buffer(p.text);
        JsonWriter w(p.text, lines_ ? -1 : 2, lines_ ? 0 : 2);
        // The one expensive check of a record, a public-key signature verification, runs
        // on the background thread while this one goes on with the capture.
        const bool later = worker_.threaded() && !f.ske_signature.empty();
        tls_session(w, tls, dns_, lines_, audit_, later ? &p.verdict_at : nullptr, file_, certificate_files_);
        if (later && p.verdict_at != std::string::npos) {
            p.check = take_check();
            p.check->inputs.assign(f);
            worker_.submit(*p.check);
        }
        push(std::move(p));
    }

    void finish(const std::string& path, const CaptureReader& reader, std::uint64_t packets,
                const LimitsReached& limits) override {
        poll();
        // Queries that never got an answer are transactions too.
        for (auto& t : dns_.unanswered()) emit_dns(t.query_frame, t);
        drain(Drain::All);
        if (lines_) return;
        // The "tls" array was streamed; then the DNS records, then what the capture was.
        write(tls_records_ ? "\n  ]" : "{\n  \"tls\": []");
        write(",\n");
        dns_records_.write_array(out_, "dns");
        std::string text = ",\n  \"capture\": ";
        JsonWriter w(text, 2, 1);
        w.object()
            .member("file", path)
            .member("format", reader.format() == CaptureFormat::PcapNg ? "pcapng" : "pcap")
            .member("link_type", link_type_name(reader.link_type()))
            .member("packets", packets)
            .member_if("shard", !shard_.all(),
                       [&] { return std::to_string(shard_.index + 1) + "/" + std::to_string(shard_.count); });
        if (limits.any()) {
            // Only when a limit was reached: what the records above are missing.
            w.key("limits_reached")
                .object()
                .member("tcp_connections_given_up", limits.tcp_connections_given_up)
                .member("tcp_bytes_given_up", limits.tcp_bytes_given_up)
                .member("dns_transactions_not_listed", limits.dns_transactions_not_listed)
                .end();
        }
        w.end();
        text += "\n}\n";
        write(text);
        tls_records_ = 0;
    }

private:
    // A Server Key Exchange check for the background thread; kept and used again.
    struct SignatureJob final : BackgroundJob {
        ServerKeyExchangeCheck inputs;
        std::optional<bool> valid;
        void run() override { valid = inputs.run().valid; }
    };
    struct Pending {
        std::string text;
        std::uint64_t key = 0;  // DNS: the spool's sort key, the first frame
        bool dns = false;
        std::size_t verdict_at = std::string::npos;
        std::unique_ptr<SignatureJob> check;  // the verdict to write at verdict_at
    };
    std::unique_ptr<SignatureJob> take_check() {
        if (spare_checks_.empty()) return std::make_unique<SignatureJob>();
        std::unique_ptr<SignatureJob> job = std::move(spare_checks_.back());
        spare_checks_.pop_back();
        return job;
    }

    void write(const std::string& s) { std::fwrite(s.data(), 1, s.size(), out_); }
    void emit_dns(std::uint64_t key, const DnsTransactionRecord& t) {
        if (!shard_.keeps(t.client, t.client_port, t.server, t.server_port)) return;
        Pending p;
        p.key = key;
        p.dns = true;
        take_buffer(p.text);
        JsonWriter w(p.text, lines_ ? -1 : 2, lines_ ? 0 : 2);
        dns_record(w, t, lines_, file_);
        push(std::move(p));
    }
    // Record texts are written into buffers used before: a record is about 12 KB, and a
    // fresh allocation of that size per record made glibc consolidate its free lists
    // every time.
    void take_buffer(std::string& text) {
        if (!spare_.empty()) {
            text = std::move(spare_.back());
            spare_.pop_back();
            text.clear();
        }
    }
    void push(Pending p) {
        pending_.push_back(std::move(p));
        drain(pending_.size() > kMaxPendingRecords ? Drain::Oldest : Drain::Ready);
    }
    // Prints (or spools) the records at the front whose checks are done; Oldest first
    // waits for the oldest record's check; All waits for every one (at the end).
    enum class Drain { Ready, Oldest, All };
    void drain(Drain how) {
        bool wait = how != Drain::Ready;
        if (wait) worker_.flush();  // the checks still in the caller's batch, before waiting
        while (!pending_.empty()) {
            Pending& p = pending_.front();
            if (p.check) {
                if (!p.check->done()) {
                    if (!wait) return;
                    worker_.wait(*p.check);
                }
                const std::optional<bool> v = p.check->valid;
                p.text.replace(p.verdict_at, 4, v ? (*v ? "true" : "false") : "null");
                spare_checks_.push_back(std::move(p.check));
            }
            if (lines_) {
                p.text.push_back('\n');
                write(p.text);
            } else if (p.dns) {
                dns_records_.add(p.key, p.text);
            } else {
                // Streamed into the document's "tls" array, in the order connections ended.
                write(tls_records_++ ? ",\n    " : "{\n  \"tls\": [\n    ");
                write(p.text);
            }
            if (spare_.size() < kSpareRecordBuffers) spare_.push_back(std::move(p.text));
            pending_.pop_front();
            wait = how == Drain::All;
        }
    }

    std::FILE* out_;
    bool lines_;
    DnsTransactionTable& dns_;
    const AuditSettings* audit_;
    Shard shard_;
    std::uint64_t tls_records_ = 0;  // written to the current document so far
    std::string file_;
    bool certificate_files_;
    RecordSpool dns_records_;
    std::deque<Pending> pending_;
    std::vector<std::string> spare_;  // buffers of records already written
    std::vector<std::unique_ptr<SignatureJob>> spare_checks_;  // checks whose verdict was written
    BackgroundWorker worker_;  // last: its thread stops before the records it fills go
};

}  // namespace

std::unique_ptr<SessionsPrinter> make_sessions_printer(std::FILE* out, bool lines, DnsTransactionTable& dns,
                                                       const AuditSettings* audit, Shard shard, unsigned jobs,
                                                       std::string file, bool certificate_files) {
    return std::make_unique<JsonSessionsPrinter>(out, lines, dns, audit, shard, jobs, std::move(file),
                                                 certificate_files);
}

}  // namespace tlsdissect
