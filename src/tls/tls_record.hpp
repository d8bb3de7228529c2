// The parts of the TLS record layer that do not depend on how records are framed, so
// that TLS over TCP, DTLS and QUIC share them: recognising a record header, and the
// contents of alert (RFC 8446 section 6) and heartbeat (RFC 6520) records.
#pragma once

#include <cstdint>
#include <optional>

#include "tlsdissect/byte_reader.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

// A plausible TLS record header: a known content type, version 3.x (x <= 4), and a
// length within kMaxTlsRecordPayload.
bool plausible_record_header(Bytes b);
// An SSLv2-compatible Client Hello (RFC 5246 appendix E.2).
bool plausible_sslv2_hello(Bytes b);

struct TlsAlertFields {
    std::uint8_t level = 0;
    std::uint8_t description = 0;
};

// RFC 8446 section 6: struct { AlertLevel level; AlertDescription description; } Alert;
// A plaintext alert (two bytes) under `body`; nothing when cut short (a Truncated node
// says so). Trailing bytes are Malformed.
std::optional<TlsAlertFields> dissect_alert(ByteReader f, NodeRef body);
// "Alert (Level: Fatal, Description: Handshake Failure)", the Info column's words.
std::string alert_info(const TlsAlertFields& alert);
// The node of an alert whose contents are encrypted.
void add_encrypted_alert(ByteReader f, NodeRef body);

struct TlsHeartbeatFields {
    std::uint8_t type = 0;             // 1 request, 2 response
    std::uint16_t payload_length = 0;
    bool overlong = false;             // payload_length beyond the record: Heartbleed
};

// RFC 6520 section 4:
//   struct { HeartbeatMessageType type; uint16 payload_length;
//            opaque payload[HeartbeatMessage.payload_length]; opaque padding[padding_length]; } HeartbeatMessage;
// Nothing when the header is cut short.
std::optional<TlsHeartbeatFields> dissect_heartbeat(ByteReader f, NodeRef body);

}  // namespace tlsdissect
