// TLS extensions (RFC 8446 section 4.2; RFC 6066 server_name, max_fragment_length,
// status_request; RFC 8422 groups and point formats; RFC 7301 ALPN; RFC 7627 extended
// master secret; RFC 7366 encrypt-then-MAC; RFC 5746 renegotiation_info; RFC 5077
// session tickets; RFC 7685 padding; RFC 6520 heartbeat; RFC 8449 record size limit;
// RFC 8879 compress_certificate; draft-ietf-tls-esni encrypted_client_hello).
// Unknown and GREASE (RFC 8701) extensions are data, shown with their bytes.
#include "tls/tls_common.hpp"
#include "tls/tls_fields.hpp"
#include "tlsdissect/read_field.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

constexpr FieldDef kExtension{"tls.handshake.extension", "Extension", FieldType::None};
constexpr FieldDef kExtType{"tls.handshake.extension.type", "Type", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kExtLength{"tls.handshake.extension.len", "Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kExtData{"tls.handshake.extension.data", "Data", FieldType::Bytes};
// use_srtp (RFC 5764 section 4.1.1). The "DTLS-SRTP Protection Profiles" registry has six
// entries (RFC 5764 section 4.1.2, RFC 7714 section 14.2), too few for a generated table.
constexpr ValueName kSrtpProfiles[] = {
    {0x0001, "SRTP_AES128_CM_HMAC_SHA1_80"}, {0x0002, "SRTP_AES128_CM_HMAC_SHA1_32"},
    {0x0005, "SRTP_NULL_HMAC_SHA1_80"},      {0x0006, "SRTP_NULL_HMAC_SHA1_32"},
    {0x0007, "SRTP_AEAD_AES_128_GCM"},       {0x0008, "SRTP_AEAD_AES_256_GCM"},
};
constexpr FieldDef kSrtpProfilesLen{"dtls.use_srtp.protection_profiles_length", "SRTP Protection Profiles Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSrtpProfile{"dtls.use_srtp.protection_profile", "SRTP Protection Profile", FieldType::UInt, Base::Hex, kSrtpProfiles, 0, 16};
constexpr FieldDef kSrtpMkiLen{"dtls.use_srtp.mki_length", "MKI Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kSrtpMki{"dtls.use_srtp.mki", "MKI", FieldType::Bytes};
// connection_id (RFC 9146 section 3): struct { opaque cid<0..2^8-1>; } ConnectionId;
constexpr FieldDef kCidLength{"dtls.connection_id_length", "Connection ID length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kCid{"dtls.connection_id", "Connection ID", FieldType::Bytes};

constexpr FieldDef kSniListLen{"tls.handshake.extensions_server_name_list_len", "Server Name list length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr ValueName kSniTypes[] = {{0, "host_name"}};
constexpr FieldDef kSniType{"tls.handshake.extensions_server_name_type", "Server Name Type", FieldType::UInt, Base::Dec, kSniTypes, 0, 8};
constexpr FieldDef kSniLen{"tls.handshake.extensions_server_name_len", "Server Name length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSni{"tls.handshake.extensions_server_name", "Server Name", FieldType::String};
constexpr FieldDef kGroupsLen{"tls.handshake.extensions_supported_groups_length", "Supported Groups List Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kGroups{"tls.handshake.extensions_supported_groups", "Supported Groups", FieldType::None};
constexpr FieldDef kGroup{"tls.handshake.extensions_supported_group", "Supported Group", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kPointFormatsLen{"tls.handshake.extensions_ec_point_formats_length", "EC point formats Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kPointFormat{"tls.handshake.extensions_ec_point_format", "EC point format", FieldType::UInt, Base::Dec, kTlsEcPointFormats, 0, 8};
constexpr FieldDef kAlpnLen{"tls.handshake.extensions_alpn_len", "ALPN Extension Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kAlpnList{"tls.handshake.extensions_alpn_list", "ALPN Protocol", FieldType::None};
constexpr FieldDef kAlpnStrLen{"tls.handshake.extensions_alpn_str_len", "ALPN string length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kAlpnStr{"tls.handshake.extensions_alpn_str", "ALPN Next Protocol", FieldType::String};
constexpr FieldDef kVersionsLen{"tls.handshake.extensions.supported_versions_len", "Supported Versions length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kVersion{"tls.handshake.extensions.supported_version", "Supported Version", FieldType::UInt, Base::Hex, {}, 0, 16};
constexpr FieldDef kKeyShareLen{"tls.handshake.extensions_key_share_client_length", "Client Key Share Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kKeyShareEntry{"tls.handshake.extensions_key_share_entry", "Key Share Entry", FieldType::None};
constexpr FieldDef kKeyShareGroup{"tls.handshake.extensions_key_share_group", "Group", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kKeyShareSelected{"tls.handshake.extensions_key_share_selected_group", "Selected Group", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kKeyExchangeLen{"tls.handshake.extensions_key_share_key_exchange_length", "Key Exchange Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kKeyExchange{"tls.handshake.extensions_key_share_key_exchange", "Key Exchange", FieldType::Bytes};
constexpr FieldDef kPskModesLen{"tls.extension.psk_ke_modes_length", "PSK Key Exchange Modes Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kPskMode{"tls.extension.psk_ke_mode", "PSK Key Exchange Mode", FieldType::UInt, Base::Dec, kTlsPskKeyExchangeModes, 0, 8};
constexpr FieldDef kPskIdentitiesLen{"tls.handshake.extensions.psk.identities.length", "Identities Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kPskIdentity{"tls.handshake.extensions.psk.identity", "PSK Identity", FieldType::None};
constexpr FieldDef kPskIdentityLen{"tls.handshake.extensions.psk.identity.identity_length", "Identity Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kPskIdentityData{"tls.handshake.extensions.psk.identity.identity", "Identity", FieldType::Bytes};
constexpr FieldDef kPskTicketAge{"tls.handshake.extensions.psk.identity.obfuscated_ticket_age", "Obfuscated Ticket Age", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr FieldDef kPskBindersLen{"tls.handshake.extensions.psk.binders.length", "PSK Binders length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kPskBinders{"tls.handshake.extensions.psk.binders", "PSK Binders", FieldType::Bytes};
constexpr FieldDef kPskSelected{"tls.handshake.extensions.psk.identity.selected", "Selected Identity", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kTicketData{"tls.handshake.extensions.session_ticket", "Session Ticket", FieldType::Bytes};
constexpr FieldDef kRenegLen{"tls.handshake.extensions_reneg_info_len", "Renegotiation info extension length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kReneg{"tls.handshake.extensions_reneg_info", "Renegotiation info", FieldType::Bytes};
constexpr FieldDef kStatusResponders{"tls.handshake.extensions_status_request_responder_ids_len", "Responder ID list Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kStatusExts{"tls.handshake.extensions_status_request_exts_len", "Request Extensions Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kPadding{"tls.handshake.extensions_padding_data", "Padding Data", FieldType::Bytes};
constexpr ValueName kHeartbeatModes[] = {{1, "peer_allowed_to_send"}, {2, "peer_not_allowed_to_send"}};
constexpr FieldDef kHeartbeatMode{"tls.handshake.extension.heartbeat.mode", "Mode", FieldType::UInt, Base::Dec, kHeartbeatModes, 0, 8};
constexpr FieldDef kRecordSizeLimit{"tls.record_size_limit", "Record Size Limit", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kCompressAlgsLen{"tls.compress_certificate.algorithms_length", "Algorithms Length", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr ValueName kMaxFragment[] = {{1, "512"}, {2, "1024"}, {3, "2048"}, {4, "4096"}};
constexpr FieldDef kMaxFragmentLength{"tls.handshake.max_fragment_length", "Maximum Fragment Length", FieldType::UInt, Base::Dec, kMaxFragment, 0, 8};
constexpr FieldDef kCookieLen{"tls.handshake.extensions.cookie_len", "Cookie length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kCookie{"tls.handshake.extensions.cookie", "Cookie", FieldType::Bytes};
constexpr FieldDef kMaxEarlyData{"tls.early_data.max_early_data_size", "Maximum Early Data Size", FieldType::UInt, Base::Dec, {}, 0, 32};
constexpr ValueName kEchTypes[] = {{0, "Outer Client Hello"}, {1, "Inner Client Hello"}};
constexpr FieldDef kEchType{"tls.ech.client_hello_type", "Client Hello type", FieldType::UInt, Base::Dec, kEchTypes, 0, 8};
constexpr FieldDef kEchKdf{"tls.ech.cipher_suite.kdf_id", "KDF Id", FieldType::UInt, Base::Hex, kHpkeKdfIds, 0, 16};
constexpr FieldDef kEchAead{"tls.ech.cipher_suite.aead_id", "AEAD Id", FieldType::UInt, Base::Hex, kHpkeAeadIds, 0, 16};
constexpr FieldDef kEchConfigId{"tls.ech.config_id", "Config Id", FieldType::UInt, Base::Dec, {}, 0, 8};
constexpr FieldDef kEchEncLen{"tls.ech.enc_length", "Enc length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kEchEnc{"tls.ech.enc", "Enc", FieldType::Bytes};
constexpr FieldDef kEchPayloadLen{"tls.ech.payload_length", "Payload length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kEchPayload{"tls.ech.payload", "Payload", FieldType::Bytes};

constexpr FieldDef kSctsLen{"tls.sct.scts_length", "Serialized SCT List Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSct{"tls.sct", "Signed Certificate Timestamp", FieldType::None};
constexpr FieldDef kSctLen{"tls.sct.sct_length", "Serialized SCT Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr ValueName kSctVersions[] = {{0, "v1"}};
constexpr FieldDef kSctVersion{"tls.sct.sct_version", "SCT Version", FieldType::UInt, Base::Dec, kSctVersions, 0, 8};
constexpr FieldDef kSctLogId{"tls.sct.sct_logid", "Log ID", FieldType::Bytes};
constexpr FieldDef kSctTimestamp{"tls.sct.sct_timestamp", "Timestamp", FieldType::AbsTime};
constexpr FieldDef kSctExtLen{"tls.sct.sct_extensions_length", "Extensions length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSctSigLen{"tls.sct.sct_signature_length", "Signature Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kSctSig{"tls.sct.sct_signature", "Signature", FieldType::Bytes};
constexpr FieldDef kStatusV2Len{"tls.handshake.extensions_status_request_list_len", "Certificate Status List Length", FieldType::UInt, Base::Dec, {}, 0, 16};
constexpr FieldDef kStatusV2ReqLen{"tls.handshake.extensions_status_request_len", "Certificate Status Request Length", FieldType::UInt, Base::Dec, {}, 0, 16};

// "x25519 (0x001d)"
void append_named(std::string& out, std::span<const ValueName> table, std::uint16_t v) {
    append_parts(out, iana_name(table, v, true), " (0x", Hex(v, 4), ")");
}

void append_group_named(std::string& out, std::uint16_t v) { append_named(out, kTlsSupportedGroups, v); }
// "rsa_pss_rsae_sha256 (0x0804)"
void append_scheme_named(std::string& out, std::uint16_t v) {
    if (std::string_view n = iana_name(kTlsSignatureSchemes, v, true); n != "Unknown")
        out += n;
    else
        out += signature_scheme_name(v);
    append_parts(out, " (0x", Hex(v, 4), ")");
}

std::string supported_version_text(std::uint16_t v) {
    return "Supported Version: " + tls_version_name(v) + " (0x" + hex_u16(v) + ")";
}

void u16_list(ByteReader& r, NodeRef ext, const FieldDef& len_def, const FieldDef& list_def, const FieldDef& item_def,
              void (*append_name)(std::string&, std::uint16_t), const char* noun,
              std::vector<std::uint16_t>* out = nullptr) {
    const std::size_t at = r.offset();
    auto list = read_u16_prefixed(r, ext, len_def);
    if (!list) {
        ext.short_read(r, noun);
        return;
    }
    const std::size_t n = list->reported_remaining() / 2;
    NodeRef l = ext.add(list_def, std::monostate{}, list->offset(), list->reported_remaining());
    l.set_text(list_def.label, " (", n, " ", noun, ")");
    if (list->reported_remaining() % 2) l.malformed(std::string(noun) + " list of odd length", at, 2);
    while (list->reported_remaining() >= 2) {
        auto v = read_u16(*list, l, item_def, [&](std::string& text, std::uint16_t x) {
            append_parts(text, item_def.label, ": ");
            append_name(text, x);
        });
        if (!v) {
            l.short_read(*list, noun);
            break;
        }
        if (out) out->push_back(*v);
    }
}

void key_share(ByteReader& r, NodeRef ext, std::uint8_t type, TlsConnectionFacts& facts) {
    auto entry = [&](ByteReader& from, NodeRef parent) -> bool {
        const std::size_t at = from.offset();
        auto group = from.u16();
        if (!group) {
            parent.short_read(from, "key share entry");
            return false;
        }
        NodeRef e = parent.add(kKeyShareEntry, std::monostate{}, at, from.reported_remaining() + 2);
        e.add(kKeyShareGroup, std::uint64_t(*group), at, 2)
            .set_text("Group: ", iana_name(kTlsSupportedGroups, *group, true), " (", *group, ")");
        auto kx = read_u16_opaque(from, e, kKeyExchangeLen, kKeyExchange);
        if (!kx) {
            e.short_read(from, "key exchange");
            return false;
        }
        e.set_length(4 + kx->reported_remaining());
        e.set_text("Key Share Entry: Group: ", iana_name(kTlsSupportedGroups, *group, true),
                   ", Key Exchange length: ", kx->reported_remaining());
        if (type == kServerHello) {
            facts.kx_group = *group;
            facts.kx_public_key_length = kx->reported_remaining();
        }
        return true;
    };
    if (type == kClientHello) {
        // struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
        auto shares = read_u16_prefixed(r, ext, kKeyShareLen);
        if (!shares) {
            ext.short_read(r, "client key shares");
            return;
        }
        while (!shares->empty() && entry(*shares, ext)) {}
    } else if (type == kServerHello && facts.parsing_hello_retry_request) {
        // struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;
        if (!read_u16(r, ext, kKeyShareSelected, [](std::uint16_t g) {
                return concat("Selected Group: ", iana_name(kTlsSupportedGroups, g, true), " (", g, ")");
            }))
            ext.short_read(r, "selected group");
    } else {
        entry(r, ext);
    }
}

void pre_shared_key(ByteReader& r, NodeRef ext, std::uint8_t type, TlsConnectionFacts& facts) {
    if (type == kServerHello) {
        // uint16 selected_identity
        if (auto selected = read_u16(r, ext, kPskSelected)) {
            facts.server_selected_psk = true;
            facts.selected_psk_identity = *selected;
        } else {
            ext.short_read(r, "selected identity");
        }
        return;
    }
    // struct { PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>; } OfferedPsks;
    // struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;
    facts.client_offered_psk = true;
    auto ids = read_u16_prefixed(r, ext, kPskIdentitiesLen);
    if (!ids) {
        ext.short_read(r, "PSK identities");
        return;
    }
    std::uint16_t identity = 0;
    while (!ids->empty()) {
        const std::size_t iat = ids->offset();
        auto id = ids->u16_prefixed();
        const std::size_t age_at = ids->offset();
        auto age = ids->u32();
        if (!id || !age) {
            ext.short_read(*ids, "PSK identity");
            break;
        }
        // Both read before either is shown: a cut identity gets one anomaly and no half entry.
        NodeRef n = ext.add(kPskIdentity, std::monostate{}, iat, id->reported_remaining() + 6);
        n.add(kPskIdentityLen, std::uint64_t(id->reported_remaining()), iat, 2);
        n.add_bytes(kPskIdentityData, id->rest(), iat + 2, id->reported_remaining());
        n.add(kPskTicketAge, std::uint64_t(*age), age_at, 4);
        facts.note_offer(ResumptionKind::Ticket, id->rest(), true, identity++);
    }
    if (!read_u16_opaque(r, ext, kPskBindersLen, kPskBinders)) ext.short_read(r, "PSK binders");
}

void alpn(ByteReader& r, NodeRef ext, std::uint8_t type, TlsConnectionFacts& facts) {
    // opaque ProtocolName<1..2^8-1>; struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
    auto list = read_u16_prefixed(r, ext, kAlpnLen);
    if (!list) {
        ext.short_read(r, "ALPN list");
        return;
    }
    NodeRef l = ext.add(kAlpnList, std::monostate{}, list->offset(), list->reported_remaining());
    while (!list->empty()) {
        auto name = read_u8_prefixed(*list, l, kAlpnStrLen);
        if (!name) {
            l.short_read(*list, "ALPN protocol");
            break;
        }
        Bytes b = name->rest();
        std::string proto(b.begin(), b.end());
        l.add(kAlpnStr, proto, name->offset(), name->reported_remaining());
        if (type == kClientHello) {
            facts.alpn_offered.push_back(proto);
            facts.current_client_hello().alpn.push_back(proto);
        } else {
            facts.alpn_selected = proto;
            // JA4S fingerprints the Server Hello alone: an ALPN in the (TLS 1.3, encrypted)
            // EncryptedExtensions is not part of it, so keys do not change it.
            if (type == kServerHello) facts.server_hello.alpn.assign(1, proto);
        }
    }
}

void server_name(ByteReader& r, NodeRef ext, std::uint8_t type, TlsConnectionFacts& facts) {
    if (r.empty()) return;  // the server's empty acknowledgement
    // struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
    // struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
    auto list = read_u16_prefixed(r, ext, kSniListLen);
    if (!list) {
        ext.short_read(r, "server name list");
        return;
    }
    while (!list->empty()) {
        const std::size_t nat = list->offset();
        auto name_type = list->u8();
        auto name = list->u16_prefixed();
        if (!name) {
            ext.short_read(*list, "server name");
            break;
        }
        Bytes b = name->rest();
        std::string host(b.begin(), b.end());
        ext.add(kSniType, std::uint64_t(*name_type), nat, 1);
        ext.add(kSniLen, std::uint64_t(name->reported_remaining()), nat + 1, 2);
        ext.add(kSni, host, nat + 3, name->reported_remaining());
        if (type == kClientHello && *name_type == 0 && facts.sni.empty()) facts.sni = host;
    }
}

// RFC 5764 section 4.1.1:
//   uint8 SRTPProtectionProfile[2];
//   SRTPProtectionProfile SRTPProtectionProfiles<2..2^16-1>;
//   struct { SRTPProtectionProfiles SRTPProtectionProfiles; opaque srtp_mki<0..255>; } UseSRTPData;
void use_srtp(ByteReader& r, NodeRef ext) {
    auto profiles = read_u16_prefixed(r, ext, kSrtpProfilesLen);
    if (!profiles) {
        ext.short_read(r, "SRTP protection profiles");
        r.take_rest();
        return;
    }
    if (profiles->reported_remaining() % 2) ext.malformed("SRTP protection profile list of odd length", profiles->offset(), profiles->reported_remaining());
    while (profiles->reported_remaining() >= 2) {
        if (!read_u16(*profiles, ext, kSrtpProfile)) {
            ext.short_read(*profiles, "SRTP protection profile");
            break;
        }
    }
    auto mki_len = read_u8(r, ext, kSrtpMkiLen);
    if (!mki_len) {
        ext.short_read(r, "SRTP MKI length");
        return;
    }
    if (*mki_len == 0) return;
    if (!read_bytes(r, *mki_len, ext, kSrtpMki)) {
        ext.short_read(r, "SRTP MKI");
        r.take_rest();
    }
}

void extension_body(std::uint16_t ext_type, ByteReader& r, NodeRef ext, std::uint8_t hs_type, int side,
                    TlsConnectionFacts& facts) {
    // Before TLS 1.3 draft 23 key_share was extension 40 (now unassigned): the same body.
    constexpr std::uint16_t kDraftKeyShare = 40;
    const auto id = ext_type == kDraftKeyShare ? TlsExtension::key_share : static_cast<TlsExtension>(ext_type);
    switch (id) {
        case TlsExtension::use_srtp:
            use_srtp(r, ext);
            break;
        case TlsExtension::connection_id: {
            auto cid = read_u8_opaque(r, ext, kCidLength, kCid, EmptyField::Omit);
            if (!cid) {
                ext.short_read(r, "connection ID");
                break;
            }
            if (hs_type == kClientHello || (hs_type == kServerHello && !facts.parsing_hello_retry_request)) {
                Bytes b = cid->rest();
                facts.dtls_cid[hs_type == kClientHello ? 0 : 1] = std::vector<std::uint8_t>(b.begin(), b.end());
            }
            break;
        }
        case TlsExtension::server_name:
            server_name(r, ext, hs_type, facts);
            break;
        case TlsExtension::max_fragment_length:
            read_u8(r, ext, kMaxFragmentLength);
            break;
        case TlsExtension::status_request:
            // struct { CertificateStatusType status_type; OCSPStatusRequest request; }  (empty from servers)
            if (r.empty()) break;
            // RFC 8446 section 4.4.2.1: in a TLS 1.3 certificate entry, a CertificateStatus.
            if (hs_type == kCertificate) {
                dissect_certificate_status(r, ext);
                break;
            }
            read_u8(r, ext, kCertStatusType);
            read_u16_prefixed(r, ext, kStatusResponders);
            read_u16_prefixed(r, ext, kStatusExts);
            break;
        case TlsExtension::supported_groups:
            u16_list(r, ext, kGroupsLen, kGroups, kGroup, append_group_named, "groups",
                     hs_type == kClientHello ? &facts.current_client_hello().supported_groups : nullptr);
            break;
        case TlsExtension::ec_point_formats: {
            auto list = read_u8_prefixed(r, ext, kPointFormatsLen);
            if (!list) {
                ext.short_read(r, "EC point formats");
                break;
            }
            while (auto f = read_u8(*list, ext, kPointFormat))
                if (hs_type == kClientHello) facts.current_client_hello().ec_point_formats.push_back(*f);
            break;
        }
        case TlsExtension::signature_algorithms:
        case TlsExtension::signature_algorithms_cert:
            u16_list(r, ext, kSigAlgsLen, kSigAlgs, kSigAlg, append_scheme_named, "algorithms",
                     id == TlsExtension::signature_algorithms && hs_type == kClientHello ? &facts.current_client_hello().signature_algorithms : nullptr);
            break;
        case TlsExtension::heartbeat:
            read_u8(r, ext, kHeartbeatMode);
            break;
        case TlsExtension::application_layer_protocol_negotiation:
            alpn(r, ext, hs_type, facts);
            break;
        case TlsExtension::padding:
            read_rest(r, ext, kPadding);
            break;
        case TlsExtension::encrypt_then_mac:
            if (hs_type == kServerHello) facts.encrypt_then_mac = true;
            break;
        case TlsExtension::extended_master_secret:
            if (hs_type == kServerHello) facts.extended_master_secret = true;
            break;
        case TlsExtension::compress_certificate: {
            auto list = read_u8_prefixed(r, ext, kCompressAlgsLen);
            if (!list) {
                ext.short_read(r, "compression algorithms");
                break;
            }
            while (read_u16(*list, ext, kCertCompressionAlg)) {}
            break;
        }
        case TlsExtension::record_size_limit:
            read_u16(r, ext, kRecordSizeLimit);
            break;
        case TlsExtension::session_ticket:
            if (const Bytes ticket = read_rest(r, ext, kTicketData, EmptyField::Omit);
                !ticket.empty() && hs_type == kClientHello) {
                facts.client_offered_ticket = true;
                facts.note_offer(ResumptionKind::Ticket, ticket);
            }
            break;
        case TlsExtension::pre_shared_key:
            pre_shared_key(r, ext, hs_type, facts);
            break;
        case TlsExtension::early_data:
            if (hs_type == kNewSessionTicket) {
                read_u32(r, ext, kMaxEarlyData);
            } else if (hs_type == kClientHello && facts.client_hello_slot == TlsConnectionFacts::ClientHelloSlot::First) {
                facts.early_data_offered = true;
            } else if (hs_type == kEncryptedExtensions && facts.early_data_offered) {
                facts.early_data_accepted = true;
            }
            break;
        case TlsExtension::supported_versions:
            if (hs_type == kClientHello) {
                auto list = read_u8_prefixed(r, ext, kVersionsLen);
                if (!list) {
                    ext.short_read(r, "supported versions");
                    break;
                }
                while (auto v = read_u16(*list, ext, kVersion, supported_version_text))
                    facts.current_client_hello().supported_versions.push_back(*v);
            } else if (auto v = read_u16(r, ext, kVersion, supported_version_text)) {
                if (hs_type == kServerHello) {
                    facts.negotiated_version = *v;
                    facts.server_hello.supported_versions.assign(1, *v);
                }
            }
            break;
        case TlsExtension::cookie: {
            auto cookie = read_u16_opaque(r, ext, kCookieLen, kCookie);
            if (!cookie) {
                ext.short_read(r, "cookie");
                break;
            }
            // A DTLS 1.3 HelloRetryRequest's cookie plays the HelloVerifyRequest's part (RFC 9147 5.1).
            if (facts.dtls && facts.parsing_hello_retry_request) {
                Bytes b = cookie->rest();
                facts.dtls_cookie.assign(b.begin(), b.end());
            }
            break;
        }
        case TlsExtension::psk_key_exchange_modes: {
            auto list = read_u8_prefixed(r, ext, kPskModesLen);
            if (!list) {
                ext.short_read(r, "PSK key exchange modes");
                break;
            }
            while (read_u8(*list, ext, kPskMode)) {}
            break;
        }
        case TlsExtension::key_share:
            key_share(r, ext, hs_type, facts);
            break;
        case TlsExtension::delegated_credential:  // RFC 9345: the client's SignatureSchemeList
            if (hs_type == kClientHello) {
                u16_list(r, ext, kSigAlgsLen, kSigAlgs, kSigAlg, append_scheme_named, "algorithms");
            } else {
                read_rest(r, ext, kExtData);
            }
            break;
        case TlsExtension::status_request_v2: {
            // RFC 6961: struct { CertificateStatusType status_type; uint16 request_length;
            //   select (status_type) {...} request; } CertificateStatusRequestItemV2;
            //   CertificateStatusRequestItemV2 certificate_status_req_list<1..2^16-1>;
            if (r.empty()) break;
            auto list = read_u16_prefixed(r, ext, kStatusV2Len);
            if (!list) {
                ext.short_read(r, "certificate status request list");
                break;
            }
            while (!list->empty()) {
                // Both read before either is shown, so a cut item gets one anomaly and no half item.
                const std::size_t item_at = list->offset();
                auto t = list->u8();
                auto req = list->u16_prefixed();
                if (!req) {
                    ext.short_read(*list, "certificate status request");
                    break;
                }
                ext.add(kCertStatusType, std::uint64_t(*t), item_at, 1);
                ext.add(kStatusV2ReqLen, std::uint64_t(req->reported_remaining()), item_at + 1, 2);
            }
            break;
        }
        case TlsExtension::signed_certificate_timestamp:
            if (!r.empty()) dissect_sct_list(r, ext);
            break;
        case TlsExtension::encrypted_client_hello:
            // ECHClientHello: uint8 type; then for outer: HpkeSymmetricCipherSuite (kdf, aead),
            // uint8 config_id, opaque enc<0..2^16-1>, opaque payload<1..2^16-1>.
            if (hs_type == kClientHello) {
                auto t = read_u8(r, ext, kEchType);
                if (!t || *t != 0) break;
                auto kdf = read_u16(r, ext, kEchKdf);
                auto aead = read_u16(r, ext, kEchAead);
                auto config_id = read_u8(r, ext, kEchConfigId);
                auto enc = read_u16_opaque(r, ext, kEchEncLen, kEchEnc);
                auto payload = read_u16_opaque(r, ext, kEchPayloadLen, kEchPayload);
                if (kdf && aead && config_id)
                    facts.ech = TlsConnectionFacts::EchOffer{*kdf, *aead, *config_id, enc ? enc->reported_remaining() : 0,
                                                             payload ? payload->reported_remaining() : 0};
            } else {
                read_rest(r, ext, kExtData);
            }
            break;
        case TlsExtension::quic_transport_parameters:
            dissect_quic_transport_parameters(r, ext);
            break;
        case TlsExtension::renegotiation_info:
            if (!read_u8_opaque(r, ext, kRenegLen, kReneg, EmptyField::Omit)) ext.short_read(r, "renegotiation info");
            break;
        default:
            read_rest(r, ext, kExtData, EmptyField::Omit);
            break;
    }
    (void)side;
}

}  // namespace

// RFC 6962 section 3.3:
//   opaque SerializedSCT<1..2^16-1>;
//   struct { SerializedSCT sct_list <1..2^16-1>; } SignedCertificateTimestampList;
//   struct { Version sct_version; LogID id; uint64 timestamp; CtExtensions extensions;
//            digitally-signed struct { ... }; } SignedCertificateTimestamp;
void dissect_sct_list(ByteReader& r, NodeRef parent) {
    auto list = read_u16_prefixed(r, parent, kSctsLen);
    if (!list) {
        parent.short_read(r, "SCT list");
        r.take_rest();
        return;
    }
    const NodeRef len_node = parent.last_child();
    const std::size_t list_length = list->reported_remaining();
    std::size_t count = 0;
    while (!list->empty()) {
        const std::size_t sat = list->offset();
        auto sct = list->u16_prefixed();
        if (!sct) {
            parent.short_read(*list, "SCT");
            break;
        }
        ++count;
        NodeRef n = parent.add(kSct, std::monostate{}, sat, sct->reported_remaining() + 2);
        n.add(kSctLen, std::uint64_t(sct->reported_remaining()), sat, 2);
        auto version = sct->u8();
        auto log = sct->bytes(32);
        auto ts = log ? sct->u64() : std::nullopt;  // a failed read consumes nothing: stop at the first
        if (!version || !log || !ts) {
            n.short_read(*sct, "SCT");
            continue;
        }
        n.add(kSctVersion, std::uint64_t(*version), sat + 2, 1);
        n.add_bytes(kSctLogId, *log, sat + 3, 32);
        n.add(kSctTimestamp, std::int64_t(*ts) * 1'000'000, sat + 35, 8);  // milliseconds
        if (!read_u16_prefixed(*sct, n, kSctExtLen)) {
            n.short_read(*sct, "SCT extensions");
            continue;
        }
        auto alg = read_u16(*sct, n, kSigAlg,
                            [](std::string& text, std::uint16_t a) {
                                text += "Signature Algorithm: ";
                                append_scheme_named(text, a);
                            });
        if (!alg) {
            n.short_read(*sct, "SCT signature");
            continue;
        }
        if (!read_u16_opaque(*sct, n, kSctSigLen, kSctSig)) n.short_read(*sct, "SCT signature");
    }
    len_node.set_text("Serialized SCT List Length: " + std::to_string(list_length) + " (" + std::to_string(count) +
                      (count == 1 ? " SCT)" : " SCTs)"));
}

// RFC 8446 section 4.2:
//   struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
void dissect_extensions(ByteReader block, NodeRef parent, std::uint8_t hs_type, int side, TlsConnectionFacts& facts) {
    while (!block.empty()) {
        const std::size_t at = block.offset();
        auto type = block.u16();
        auto len = block.u16();
        if (!len) {
            parent.short_read(block, "extension header");
            return;
        }
        auto data = block.child(*len);
        NodeRef ext = parent.add(kExtension, std::monostate{}, at, 4u + *len);
        auto name = [&] {
            std::string_view n = iana_name(kTlsExtensionTypes, *type, true);
            return n == "Unknown" ? "Unknown type " + std::to_string(*type) : std::string(n);
        };
        if (ext) {
            const std::string_view n = iana_name(kTlsExtensionTypes, *type, true);
            if (n == "Unknown")
                ext.set_text("Extension: Unknown type ", *type, " (len=", *len, ")");
            else
                ext.set_text("Extension: ", n, " (len=", *len, ")");
            NodeRef t = ext.add(kExtType, std::uint64_t(*type), at, 2);
            if (n == "Unknown")
                t.set_text("Type: Unknown type ", *type, " (", *type, ")");
            else
                t.set_text("Type: ", n, " (", *type, ")");
            ext.add(kExtLength, std::uint64_t(*len), at + 2, 2);
        }
        if (!data) {
            ext.short_read(block, "extension " + name());
            return;
        }
        ByteReader r = *data;
        HelloFacts* hello = hs_type == kClientHello ? &facts.current_client_hello()
                            : (hs_type == kServerHello ? &facts.server_hello : nullptr);
        if (hello) hello->extensions.push_back(*type);
        extension_body(*type, r, ext, hs_type, side, facts);
        if (!r.empty() && r.captured_all())
            ext.malformed(std::to_string(r.remaining()) + " trailing bytes in the " + name() + " extension", r.offset(),
                          r.remaining());
    }
}

}  // namespace tlsdissect
