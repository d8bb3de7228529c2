// Shared by the TLS dissectors: version and name helpers, GREASE, the per-connection
// facts the handshake parsers fill in, and the parser entry points.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/iana_tables.hpp"
#include "core/packet_context.hpp"
#include "tls/chain_of_trust.hpp"
#include "tls/resumption.hpp"
#include "tls/x509.hpp"

namespace tlsdissect {

// RFC 8446 section 5.1: a record's plaintext is at most 2^14 bytes; ciphertext may add
// up to 256 bytes (TLS 1.3) or 2048 (TLS 1.2 and older, RFC 5246 section 6.2.3).
inline constexpr std::size_t kMaxTlsRecordPayload = (1u << 14) + 2048;
// Largest handshake message reassembled across records (certificate chains of real
// sites stay well below 64 KiB).
inline constexpr std::size_t kMaxHandshakeMessage = 256u << 10;

enum TlsContentType : std::uint8_t {
    kChangeCipherSpec = 20,
    kAlert = 21,
    kHandshake = 22,
    kApplicationData = 23,
    kHeartbeat = 24,
};

// DTLS content types beyond TLS's (RFC 9146 connection ID records, RFC 9147 ACK).
enum DtlsContentType : std::uint8_t {
    kTls12Cid = 25,
    kDtlsAck = 26,
};

enum TlsHandshakeType : std::uint8_t {
    kHelloRequest = 0, kClientHello = 1, kServerHello = 2, kHelloVerifyRequest = 3,
    kNewSessionTicket = 4, kEndOfEarlyData = 5, kEncryptedExtensions = 8, kCertificate = 11,
    kServerKeyExchange = 12, kCertificateRequest = 13, kServerHelloDone = 14,
    kCertificateVerify = 15, kClientKeyExchange = 16, kFinished = 20, kCertificateUrl = 21,
    kCertificateStatus = 22, kKeyUpdate = 24, kCompressedCertificate = 25, kMessageHash = 254,
};

// "TLS 1.2", "SSL 3.0", "TLS 1.3 (draft 23)", "DTLS 1.2"; "Unknown (0x....)".
std::string tls_version_name(std::uint16_t version);
// The protocol column form: "TLSv1.2", "SSLv3", "SSLv2".
std::string tls_version_short(std::uint16_t version);
// The TLS version whose cryptography a DTLS version uses (RFC 6347 section 1, RFC 9147):
// DTLS 1.0 is TLS 1.1, DTLS 1.2 is TLS 1.2, DTLS 1.3 is TLS 1.3; other versions unchanged.
constexpr std::uint16_t tls_equivalent_version(std::uint16_t v) {
    return v == 0xfeff ? 0x0302 : v == 0xfefd ? 0x0303 : v == 0xfefc ? 0x0304 : v;
}
bool is_grease(std::uint16_t value);
// "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"; "Reserved (GREASE)"; "Unknown (0x....)".
std::string cipher_suite_name(std::uint16_t suite);
// A SignatureScheme (RFC 8446 4.2.3) by its IANA name; a TLS 1.2 hash and signature
// pair without one (RFC 5246 7.4.1.4.1) as Wireshark names it, hash then signature
// ("SHA224 RSA" for 0x0301); GREASE; else "Unknown".
std::string signature_scheme_name(std::uint16_t scheme);
std::string handshake_type_name(std::uint8_t type);  // "Client Hello" (Wireshark's words)
std::string_view handshake_snake_name(std::uint8_t type);  // "client_hello" (RFC names)
// A value-name lookup in one of the IANA tables with GREASE and unknown handled.
std::string_view iana_name(std::span<const ValueName> table, std::uint64_t value, bool grease_possible = false);

// The Server Hello random of a HelloRetryRequest (RFC 8446 section 4.1.3).
extern const std::uint8_t kHelloRetryRequestRandom[32];

struct TlsHandshakeEvent {
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    int side = 0;                    // 0 client, 1 server
    std::optional<std::uint8_t> type;  // empty: encrypted, type unknown
};

struct TlsAlertEvent {
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    int side = 0;
    bool encrypted = false;
    std::uint8_t level = 0, description = 0;
};

// A Change Cipher Spec or application-data record, for the ladder (--ladder):
// `handshake_before` counts the handshake events before it, so both lists interleave in
// wire order.
struct TlsRecordEvent {
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    int side = 0;
    std::uint8_t content_type = 0;
    std::size_t length = 0;
    std::size_t handshake_before = 0;
    bool early_data = false;  // TLS 1.3 0-RTT application data from the client
};
// The ladder shows the first few application-data records of each side, and counts the rest.
inline constexpr std::uint64_t kMaxAppDataEventsPerSide = 8;
inline constexpr std::size_t kMaxRecordEvents = 64;
// --sessions lists the JA4H of a connection's first HTTP requests (a long-lived HTTP/2
// or HTTP/3 connection may carry thousands; the record counts the rest).
inline constexpr std::size_t kMaxHttpRequestsKept = 64;

// The lists of a Client Hello or Server Hello, in wire order (GREASE included), for
// fingerprints and the sessions model.
struct HelloFacts {
    bool seen = false;
    std::uint64_t frame = 0;
    std::uint16_t version = 0;
    std::vector<std::uint16_t> cipher_suites;  // one for a Server Hello
    std::vector<std::uint8_t> compression_methods;
    std::vector<std::uint16_t> extensions;
    std::vector<std::uint16_t> supported_groups;
    std::vector<std::uint8_t> ec_point_formats;
    std::vector<std::uint16_t> signature_algorithms;
    std::vector<std::uint16_t> supported_versions;
    std::vector<std::string> alpn;
};

// What the handshake tells about a connection; filled as messages are parsed.
struct TlsConnectionFacts {
    // `client_hello` is the first Client Hello, the one fingerprint databases and the JA4
    // reference use. After a HelloRetryRequest the client sends a second one (RFC 8446
    // section 4.1.4): `client_hello_retry`, with its own lists. Any later one (a
    // renegotiation, a DTLS Client Hello with the cookie) fills `client_hello_later`, so
    // that the connection's fingerprints do not depend on having the keys.
    HelloFacts client_hello, server_hello, client_hello_retry, client_hello_later;
    enum class ClientHelloSlot : std::uint8_t { First, Retry, Later };
    ClientHelloSlot client_hello_slot = ClientHelloSlot::First;  // the one being parsed
    HelloFacts& current_client_hello() {
        return client_hello_slot == ClientHelloSlot::First   ? client_hello
               : client_hello_slot == ClientHelloSlot::Retry ? client_hello_retry
                                                              : client_hello_later;
    }
    std::optional<std::uint16_t> negotiated_version;  // from supported_versions or the Server Hello
    std::optional<std::uint16_t> cipher_suite;
    std::optional<std::uint16_t> client_hello_version;
    std::vector<std::uint8_t> client_session_id, server_session_id;
    std::vector<std::uint8_t> client_random, server_random;
    std::string sni;
    std::vector<std::string> alpn_offered;
    std::string alpn_selected;
    bool client_offered_ticket = false;     // a non-empty session_ticket extension
    bool client_offered_psk = false;
    bool server_selected_psk = false;
    // TLS 1.3 0-RTT (RFC 8446 section 4.2.10): the first Client Hello's early_data
    // extension; the server's answer (an early_data extension in its Encrypted Extensions:
    // accepted; without one, or a Server Hello that selected no PSK: rejected; unknown
    // while the Encrypted Extensions stay encrypted).
    bool early_data_offered = false;
    std::optional<bool> early_data_accepted;
    bool server_sent_certificate = false;
    bool hello_retry_request = false;
    bool parsing_hello_retry_request = false;  // the Server Hello being parsed is an HRR
    bool resumed = false;
    bool encrypt_then_mac = false;
    bool extended_master_secret = false;
    std::uint8_t ecdhe_curve_type = 0;
    std::optional<std::uint16_t> kx_group;
    std::optional<std::uint16_t> ske_signature_scheme;
    std::size_t kx_public_key_length = 0;
    std::optional<std::uint32_t> ticket_lifetime;
    std::size_t ticket_length = 0;
    // Resumption across connections (tls/resumption.hpp). Where this connection is, set by
    // the transport that carries it, so that what its server issues can be found again.
    std::string_view transport = "tcp";  // "tcp", "dtls", "quic"
    std::uint32_t stream = 0;            // tcp.stream or udp.stream
    std::int64_t first_ts_ns = 0;        // its first packet (part of its uid)
    // What the Client Hello offered to resume with (session ID, session_ticket extension,
    // PSK identities), each with where it was issued when an earlier connection did; at
    // most kMaxResumptionOffers. The TLS 1.3 PSK identity the server selected.
    std::vector<ResumptionOffer> resumption_offers;
    // The outer Client Hello's encrypted_client_hello extension (RFC 9849 section 5):
    // the HPKE suite and the id of the ECHConfig the client encrypted with.
    struct EchOffer {
        std::uint16_t kdf = 0, aead = 0;
        std::uint8_t config_id = 0;
        std::size_t enc_length = 0, payload_length = 0;
    };
    std::optional<EchOffer> ech;
    std::optional<std::uint16_t> selected_psk_identity;
    void note_offer(ResumptionKind kind, Bytes bytes, bool psk = false, std::uint16_t identity = 0);
    // The offer the server accepted, when the session was resumed with something an
    // earlier connection of the capture issued (null otherwise).
    const ResumptionOffer* resumed_with() const;
    std::vector<CertificateSummary> certificates;  // the server's chain, as sent
    std::vector<CertificateSummary> client_certificates;
    std::vector<TlsHandshakeEvent> handshake;
    std::vector<TlsAlertEvent> alerts;
    // With a key log (tls_decryption.hpp): a record was decrypted; each side's Finished
    // checked against the transcript (empty: not checked); the first HTTP lines inside.
    bool decrypted = false;
    std::optional<bool> finished_verified[2];
    std::string http_request_line, http_status_line;
    // The JA4H of each decrypted HTTP request, with the frame that completed its head;
    // at most kMaxHttpRequestsKept (the rest are counted).
    struct HttpRequestFingerprint {
        std::uint64_t frame = 0;
        std::string ja4h;
    };
    std::vector<HttpRequestFingerprint> http_requests;
    std::uint64_t http_requests_not_kept = 0;
    void note_http_request(std::uint64_t frame, const std::string& ja4h) {
        if (http_requests.size() < kMaxHttpRequestsKept)
            http_requests.push_back({frame, ja4h});
        else
            ++http_requests_not_kept;
    }
    // TLS 1.3 CertificateVerify of each side, checked once decrypted (empty: not checked).
    std::optional<bool> certificate_verify_valid[2];
    // Server Key Exchange (TLS 1.0-1.2): the signed params and the signature, for the check.
    std::vector<std::uint8_t> ske_params, ske_signature;
    // The server chain's verdict, when it was checked while dissecting (tls/chain_of_trust.hpp).
    std::optional<ChainVerdict> chain;
    // Suites that authenticate with a certificate (not PSK, SRP or anonymous).
    bool cipher_suite_needs_certificate() const {
        if (!cipher_suite) return false;
        std::string n = cipher_suite_name(*cipher_suite);
        return n.find("_PSK_") == std::string::npos && n.find("_anon_") == std::string::npos &&
               n.find("_SRP_") == std::string::npos && n.rfind("TLS_", 0) == 0;
    }
    std::vector<TlsRecordEvent> record_events;  // CCS and the first application data (bounded)
    std::uint64_t app_data_records[2] = {0, 0};  // by side (0 client)
    void note_record(std::uint64_t frame, std::int64_t ts_ns, int side, std::uint8_t type, std::size_t length,
                     bool early_data = false) {
        if (early_data) ++early_data_records;
        if (type == kApplicationData && app_data_records[side & 1]++ >= kMaxAppDataEventsPerSide) return;
        if (record_events.size() < kMaxRecordEvents)
            record_events.push_back({frame, ts_ns, side & 1, type, length, handshake.size(), early_data});
    }
    std::uint64_t early_data_records = 0;  // 0-RTT application-data records seen (decrypted or not)
    // The first letter of JA4 and JA4S: QUIC, DTLS or TLS over TCP.
    char ja4_transport() const { return quic ? 'q' : dtls ? 'd' : 't'; }
    // Before any Server Hello, after a Client Hello that offered TLS 1.3 and early data:
    // the client's records are TLS 1.3 ones (Wireshark labels them so too).
    bool tls13_early_data_window() const {
        if (server_hello.seen || !early_data_offered) return false;
        for (const std::uint16_t v : client_hello.supported_versions)
            if (v == 0x0304) return true;
        return false;
    }
    bool tls13() const {
        return negotiated_version &&
               (*negotiated_version == 0x0304 || *negotiated_version == 0xfefc || (*negotiated_version >> 8) == 0x7f);
    }
    // QUIC (RFC 9000, RFC 9001): the handshake travels in CRYPTO frames; the version,
    // the client's first Destination Connection ID and tshark's quic.connection.number.
    bool quic = false;
    std::uint32_t quic_version = 0;
    std::vector<std::uint8_t> quic_initial_dcid;
    std::uint32_t quic_connection = 0;
    // Each time the client went on from a new address or port (RFC 9000 section 9): the
    // first frame from there, its udp.stream and the new "address:port".
    struct PathChange {
        std::uint64_t frame = 0;
        std::uint32_t stream = 0;
        std::string client;
    };
    std::vector<PathChange> quic_migrations;
    // DTLS (RFC 6347, RFC 9147): handshake headers carry message_seq and fragment
    // fields, a Client Hello a cookie, and HelloVerifyRequest exists.
    bool dtls = false;
    std::vector<std::uint8_t> dtls_cookie;     // the HelloVerifyRequest's cookie
    // connection_id extension (RFC 9146): the CID each side asked its peer to put in the
    // records it sends to it (by role: 0 the client's, in its Client Hello).
    std::optional<std::vector<std::uint8_t>> dtls_cid[2];
    std::uint64_t hello_verify_request_frame = 0;
    std::uint64_t dtls_retransmissions = 0;     // handshake messages seen again
    // The first retransmitted messages or fragments, for the ladder (bounded by kMaxRecordEvents).
    std::vector<TlsHandshakeEvent> dtls_retransmitted;
    // For --audit (src/tls/audit.hpp).
    std::size_t dh_prime_length = 0;            // bytes of the DHE prime p in the Server Key Exchange
    std::uint64_t sslv2_client_hello_frame = 0; // an SSLv2-format Client Hello arrived in this frame
    std::vector<std::uint32_t> sslv2_cipher_specs;  // its cipher specs (3-byte SSLv2 kinds)
    // Plaintext heartbeat messages whose payload_length exceeds the record (Heartbleed);
    // at most kMaxOverlongHeartbeats are kept.
    std::vector<std::uint64_t> overlong_heartbeat_frames;
};
inline constexpr std::size_t kMaxOverlongHeartbeats = 16;

// Per-direction state the record layer keeps while parsing.
struct TlsDirectionState {
    bool change_cipher_spec_seen = false;  // later handshake records are encrypted (TLS <= 1.2)
    bool encrypted = false;                // everything after this point is encrypted
};

// Parses one plaintext handshake message (header included in `message`) into `parent`.
// `side` 0 is the client. Updates `facts`. Adds the Info text ("Client Hello") to `info`.
void dissect_handshake_message(ByteReader message, NodeRef parent, int side, TlsConnectionFacts& facts,
                               PacketContext& ctx, std::string& info);

// Extensions block of a Client Hello, Server Hello, Encrypted Extensions, Certificate
// entry, New Session Ticket, Certificate Request or HelloRetryRequest.
void dissect_extensions(ByteReader block, NodeRef parent, std::uint8_t handshake_type, int side,
                        TlsConnectionFacts& facts);

// A SignedCertificateTimestampList (RFC 6962 3.3), from the TLS extension or the
// certificate extension 1.3.6.1.4.1.11129.2.4.2.
void dissect_sct_list(ByteReader& list, NodeRef parent);
// The quic_transport_parameters extension's body (quic_transport_parameters.cpp).
void dissect_quic_transport_parameters(ByteReader& r, NodeRef ext);

// The body of a CertificateStatus (RFC 6066 section 8), as the handshake message of that
// name or a TLS 1.3 certificate entry's status_request extension carries it: the status
// type, then for OCSP the response's length and the response dissected (ocsp.*).
void dissect_certificate_status(ByteReader& r, NodeRef parent);

}  // namespace tlsdissect
