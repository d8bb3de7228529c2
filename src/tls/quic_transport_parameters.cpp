// The quic_transport_parameters extension (RFC 9000 section 18; RFC 9221 max_datagram_
// frame_size, RFC 9287 grease_quic_bit, RFC 9368 version_information, the ACK frequency
// draft's min_ack_delay), with Wireshark's tls.quic.* names. Each parameter is an
// (id, length, value) triple of QUIC variable-length integers.
#include <string>

#include "tls/tls_common.hpp"
#include "tlsdissect/read_field.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kParameter{"tls.quic.parameter", "Parameter", FieldType::None};
constexpr FieldDef kType{"tls.quic.parameter.type", "Type", FieldType::UInt};
constexpr FieldDef kLength{"tls.quic.parameter.length", "Length", FieldType::UInt};
constexpr FieldDef kValue{"tls.quic.parameter.value", "Value", FieldType::Bytes};
constexpr FieldDef kChosenVersion{"tls.quic.parameter.vi.chosen_version", "Chosen Version", FieldType::UInt, Base::Hex, {}, 0, 32};
constexpr FieldDef kOtherVersion{"tls.quic.parameter.vi.other_version", "Other Version", FieldType::UInt, Base::Hex, {}, 0, 32};

struct Known {
    std::uint64_t id;
    std::string_view name;
    enum Kind : std::uint8_t { Integer, Bytes, Flag, Other } kind;
    FieldDef field;
};

constexpr Known kKnown[] = {
    {0x00, "original_destination_connection_id", Known::Bytes,
     {"tls.quic.parameter.original_destination_connection_id", "original_destination_connection_id", FieldType::Bytes}},
    {0x01, "max_idle_timeout", Known::Integer, {"tls.quic.parameter.max_idle_timeout", "max_idle_timeout", FieldType::UInt}},
    {0x02, "stateless_reset_token", Known::Bytes,
     {"tls.quic.parameter.stateless_reset_token", "stateless_reset_token", FieldType::Bytes}},
    {0x03, "max_udp_payload_size", Known::Integer,
     {"tls.quic.parameter.max_udp_payload_size", "max_udp_payload_size", FieldType::UInt}},
    {0x04, "initial_max_data", Known::Integer, {"tls.quic.parameter.initial_max_data", "initial_max_data", FieldType::UInt}},
    {0x05, "initial_max_stream_data_bidi_local", Known::Integer,
     {"tls.quic.parameter.initial_max_stream_data_bidi_local", "initial_max_stream_data_bidi_local", FieldType::UInt}},
    {0x06, "initial_max_stream_data_bidi_remote", Known::Integer,
     {"tls.quic.parameter.initial_max_stream_data_bidi_remote", "initial_max_stream_data_bidi_remote", FieldType::UInt}},
    {0x07, "initial_max_stream_data_uni", Known::Integer,
     {"tls.quic.parameter.initial_max_stream_data_uni", "initial_max_stream_data_uni", FieldType::UInt}},
    {0x08, "initial_max_streams_bidi", Known::Integer,
     {"tls.quic.parameter.initial_max_streams_bidi", "initial_max_streams_bidi", FieldType::UInt}},
    {0x09, "initial_max_streams_uni", Known::Integer,
     {"tls.quic.parameter.initial_max_streams_uni", "initial_max_streams_uni", FieldType::UInt}},
    {0x0a, "ack_delay_exponent", Known::Integer,
     {"tls.quic.parameter.ack_delay_exponent", "ack_delay_exponent", FieldType::UInt}},
    {0x0b, "max_ack_delay", Known::Integer, {"tls.quic.parameter.max_ack_delay", "max_ack_delay", FieldType::UInt}},
    {0x0c, "disable_active_migration", Known::Flag, {}},
    {0x0d, "preferred_address", Known::Other, {}},
    {0x0e, "active_connection_id_limit", Known::Integer,
     {"tls.quic.parameter.active_connection_id_limit", "Active Connection ID Limit", FieldType::UInt}},
    {0x0f, "initial_source_connection_id", Known::Bytes,
     {"tls.quic.parameter.initial_source_connection_id", "Initial Source Connection ID", FieldType::Bytes}},
    {0x10, "retry_source_connection_id", Known::Bytes,
     {"tls.quic.parameter.retry_source_connection_id", "Retry Source Connection ID", FieldType::Bytes}},
    {0x11, "version_information", Known::Other, {}},
    {0x20, "max_datagram_frame_size", Known::Integer,
     {"tls.quic.parameter.max_datagram_frame_size", "max_datagram_frame_size", FieldType::UInt}},
    {0x2ab2, "grease_quic_bit", Known::Flag, {}},
    {0xff04de1b, "min_ack_delay", Known::Integer, {"tls.quic.parameter.min_ack_delay", "min_ack_delay", FieldType::UInt}},
};

std::optional<std::uint64_t> read_varint(ByteReader& r, NodeRef parent, const FieldDef& def) {
    const std::size_t at = r.offset();
    auto v = r.quic_varint();
    if (v && parent) parent.add(def, *v, at, r.offset() - at);
    return v;
}

}  // namespace

void dissect_quic_transport_parameters(ByteReader& r, NodeRef ext) {
    while (!r.empty()) {
        const std::size_t at = r.offset();
        NodeRef p = ext.add(kParameter, std::monostate{}, at, 0);
        auto id = read_varint(r, p, kType);
        auto length = id ? read_varint(r, p, kLength) : std::nullopt;
        auto value = length ? r.child(static_cast<std::size_t>(std::min<std::uint64_t>(*length, r.reported_remaining() + 1)))
                            : std::nullopt;
        if (!value) {
            ext.short_read(r, "transport parameter");
            (void)r.take_rest();
            return;
        }
        const Known* known = nullptr;
        for (const Known& k : kKnown)
            if (k.id == *id) known = &k;
        const bool grease = *id >= 27 && (*id - 27) % 31 == 0;
        std::string name = known ? std::string(known->name) : grease ? "GREASE" : "Unknown";
        std::string shown;
        const std::size_t value_at = value->offset();
        if (known && known->kind == Known::Integer) {
            ByteReader v = *value;
            if (auto n = read_varint(v, p, known->field)) shown = " " + std::to_string(*n);
        } else if (known && known->kind == Known::Bytes) {
            Bytes b = value->rest();
            p.add_bytes(known->field, b, value_at, b.size());
            shown = b.empty() ? "" : " " + hex_string(b);
        } else if (known && *id == 0x11) {
            ByteReader v = *value;
            bool first = true;
            while (v.remaining() >= 4) {
                read_u32(v, p, first ? kChosenVersion : kOtherVersion);
                first = false;
            }
        } else if (!value->rest().empty()) {
            p.add_bytes(kValue, value->rest(), value_at, value->reported_remaining());
        }
        if (p) {
            p.set_length(r.offset() - at);
            p.set_text("Parameter: ", name, " (len=", *length, ")", shown);
        }
    }
}

}  // namespace tlsdissect
