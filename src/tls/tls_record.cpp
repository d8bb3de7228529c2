// The framing-independent parts of the TLS record layer: record-header plausibility,
// alert (RFC 8446 section 6) and heartbeat (RFC 6520) contents.
#include "tls/tls_record.hpp"

#include <string>

#include "tls/tls_common.hpp"
#include "tlsdissect/read_field.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kAlertMessage{"tls.alert_message", "Alert Message", FieldType::None};
constexpr ValueName kAlertLevels[] = {{1, "Warning"}, {2, "Fatal"}};
constexpr FieldDef kAlertLevel{"tls.alert_message.level", "Level", FieldType::UInt, Base::Dec, kAlertLevels, 0, 8};
constexpr FieldDef kAlertDesc{"tls.alert_message.desc", "Description", FieldType::UInt, Base::Dec, kTlsAlertDescriptions, 0, 8};
constexpr FieldDef kEncryptedAlert{"tls.alert_message.encrypted", "Encrypted Alert", FieldType::Bytes};
constexpr ValueName kHeartbeatTypes[] = {{1, "heartbeat_request"}, {2, "heartbeat_response"}};
constexpr FieldDef kHeartbeatMessage{"tls.heartbeat_message", "Heartbeat Message", FieldType::None};
constexpr FieldDef kHeartbeatType{"tls.heartbeat_message.type", "Type", FieldType::UInt, Base::Dec, kHeartbeatTypes, 0, 8};
constexpr FieldDef kHeartbeatLength{"tls.heartbeat_message.payload_length", "Payload Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kHeartbeatPayload{"tls.heartbeat_message.payload", "Payload", FieldType::Bytes};
constexpr FieldDef kHeartbeatPadding{"tls.heartbeat_message.padding", "Padding", FieldType::Bytes};
constexpr FieldDef kHeartbleed{"tls.heartbeat_message.payload_length.invalid", "Heartbeat payload length exceeds the record",
                               FieldType::Expert, Base::None, {}, 0, 0, {}, Severity::Error};

}  // namespace

bool plausible_record_header(Bytes b) {
    if (b.size() < 5) return false;
    if (b[0] < kChangeCipherSpec || b[0] > kHeartbeat) return false;
    if (b[1] != 3 || b[2] > 4) return false;
    const std::size_t len = static_cast<std::size_t>(b[3] << 8 | b[4]);
    return len > 0 && len <= kMaxTlsRecordPayload;
}

bool plausible_sslv2_hello(Bytes b) {
    // 2-byte length with the top bit, msg type 1, version 0x0002 or 0x03xx.
    return b.size() >= 5 && (b[0] & 0x80) && b[2] == 1 && ((b[3] == 0 && b[4] == 2) || b[3] == 3);
}

std::optional<TlsAlertFields> dissect_alert(ByteReader f, NodeRef body) {
    NodeRef msg = body.add(kAlertMessage, std::monostate{}, f.offset(), 2);
    auto level = f.u8();
    auto desc = f.u8();
    if (!desc) {
        msg.short_read(f, "alert");
        return std::nullopt;
    }
    msg.add(kAlertLevel, std::uint64_t(*level), f.offset() - 2, 1);
    msg.add(kAlertDesc, std::uint64_t(*desc), f.offset() - 1, 1);
    if (!f.empty()) body.malformed("trailing bytes after the alert", f.offset(), f.remaining());
    return TlsAlertFields{*level, *desc};
}

std::string alert_info(const TlsAlertFields& alert) {
    std::string level_name(name_of(kAlertLevels, alert.level));
    return "Alert (Level: " + (level_name.empty() ? std::to_string(alert.level) : level_name) +
           ", Description: " + std::string(iana_name(kTlsAlertDescriptions, alert.description)) + ")";
}

void add_encrypted_alert(ByteReader f, NodeRef body) {
    Bytes b = f.rest();
    body.add_bytes(kEncryptedAlert, b, f.offset(), f.reported_remaining())
        .set_text("Alert Message: Encrypted Alert");
}

std::optional<TlsHeartbeatFields> dissect_heartbeat(ByteReader f, NodeRef body) {
    NodeRef hb = body.add(kHeartbeatMessage, std::monostate{}, f.offset(), f.reported_remaining());
    const std::size_t length = f.reported_remaining();
    auto hb_type = f.u8();
    auto plen = f.u16();
    if (!plen) {
        hb.short_read(f, "heartbeat");
        return std::nullopt;
    }
    hb.add(kHeartbeatType, std::uint64_t(*hb_type), f.offset() - 3, 1);
    hb.add(kHeartbeatLength, std::uint64_t(*plen), f.offset() - 2, 2);
    TlsHeartbeatFields fields{*hb_type, *plen, false};
    // The padding is at least 16 bytes; a payload_length beyond what the record holds
    // is the Heartbleed over-read (CVE-2014-0160).
    if (3u + *plen + 16u > length) {
        fields.overlong = true;
        hb.expert(kHeartbleed, "Heartbeat payload length " + std::to_string(*plen) + " exceeds the " +
                                   std::to_string(length > 19 ? length - 19 : 0) +
                                   " bytes the record can hold (Heartbleed, CVE-2014-0160)");
        Bytes rest = f.rest();
        hb.add_bytes(kHeartbeatPayload, rest, f.offset(), f.remaining());
        return fields;
    }
    read_bytes(f, *plen, hb, kHeartbeatPayload);
    Bytes pad = f.rest();
    hb.add_bytes(kHeartbeatPadding, pad, f.offset(), f.remaining());
    return fields;
}

}  // namespace tlsdissect
