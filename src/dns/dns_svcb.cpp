// SVCB and HTTPS records (RFC 9460): priority, target and the service parameters,
// with the ECH configuration list they carry.
#include "dns/rdata_parts.hpp"

namespace tlsdissect::dns_rdata_detail {

namespace {

// ALPN ids of an HTTPS record kept for the DNS -> TLS link (a record lists two or three).
constexpr std::size_t kMaxSvcAlpnKept = 16;

std::string svc_key_name(std::uint16_t key) {
    std::string_view name = name_of(kDnsSvcParamKeys, key);
    return name.empty() ? "key" + std::to_string(key) : std::string(name);  // RFC 9460 section 2.1
}

// The ECH version this decoder reads (RFC 9849 section 4).
constexpr std::uint16_t kEchVersionRfc9849 = 0xfe0d;

// An HPKE algorithm by its registry name, "Unknown (0x0040)" for one not in the table.
std::string hpke_name(std::span<const ValueName> table, std::uint16_t id) {
    std::string_view name = name_of(table, id);
    return name.empty() ? "Unknown (0x" + hex_u16(id) + ")" : std::string(name);
}

std::string hpke_suite_text(std::uint16_t kdf, std::uint16_t aead) {
    return hpke_name(kHpkeKdfIds, kdf) + ", " + hpke_name(kHpkeAeadIds, aead);
}

// A u8 or u16 read and shown under `parent`; empty (and the anomaly added) when cut.
template <typename T>
std::optional<T> read_shown(ByteReader& r, NodeRef parent, const FieldDef& def, RdataContext& c, std::string_view what) {
    const std::size_t at = r.offset();
    std::optional<T> v;
    if constexpr (sizeof(T) == 1)
        v = r.u8();
    else
        v = r.u16();
    if (!v) {
        c.short_read(parent, r, what);
        return v;
    }
    parent.add(def, std::uint64_t(*v), at, sizeof(T));
    return v;
}

// A u16- or u8-length-prefixed vector: its length shown under `parent`, the child reader.
std::optional<ByteReader> shown_vector(ByteReader& r, bool u16_length, NodeRef parent, const FieldDef& length_def,
                                       RdataContext& c, std::string_view what) {
    const std::size_t at = r.offset();
    auto v = u16_length ? r.u16_prefixed() : r.u8_prefixed();
    if (!v) {
        c.short_read(parent, r, what);
        return v;
    }
    parent.add(length_def, std::uint64_t(v->reported_remaining()), at, u16_length ? 2 : 1);
    return v;
}

// RFC 9849 section 4:
//   opaque HpkePublicKey<1..2^16-1>;
//   struct { HpkeKdfId kdf_id; HpkeAeadId aead_id; } HpkeSymmetricCipherSuite;
//   struct { uint8 config_id; HpkeKemId kem_id; HpkePublicKey public_key;
//            HpkeSymmetricCipherSuite cipher_suites<4..2^16-4>; } HpkeKeyConfig;
//   struct { uint16 type; opaque data<0..2^16-1>; } ECHConfigExtension;
//   struct { HpkeKeyConfig key_config; uint8 maximum_name_length; opaque public_name<1..255>;
//            ECHConfigExtension extensions<0..2^16-1>; } ECHConfigContents;
void ech_config_contents(ByteReader& r, NodeRef cfg, RdataContext& c, EchConfigSummary& s) {
    auto id = read_shown<std::uint8_t>(r, cfg, kEchConfigId, c, "config id");
    if (!id) return;
    s.config_id = *id;
    auto kem = read_shown<std::uint16_t>(r, cfg, kEchKem, c, "KEM id");
    if (!kem) return;
    s.kem_id = *kem;
    auto key = shown_vector(r, true, cfg, kEchPublicKeyLength, c, "public key");
    if (!key) return;
    s.public_key_length = key->reported_remaining();
    if (s.public_key_length == 0) c.bad(cfg, "empty HPKE public key (RFC 9849: <1..2^16-1>)", key->offset(), 0);
    rest_field(*key, c, kEchPublicKey, cfg, "public key");
    auto suites = shown_vector(r, true, cfg, kEchSuitesLength, c, "cipher suites");
    if (!suites) return;
    if (suites->reported_remaining() < 4 || suites->reported_remaining() % 4)
        c.bad(cfg, "cipher suites of " + std::to_string(suites->reported_remaining()) +
                       " bytes (RFC 9849: a non-empty list of 4-byte suites)",
              suites->offset(), suites->reported_remaining());
    while (suites->reported_remaining() >= 4) {
        const std::size_t at = suites->offset();
        NodeRef suite = cfg.add(kEchSuite, std::monostate{}, at, 4);
        auto kdf = read_shown<std::uint16_t>(*suites, suite, kEchKdf, c, "KDF id");
        auto aead = kdf ? read_shown<std::uint16_t>(*suites, suite, kEchAead, c, "AEAD id") : std::nullopt;
        if (!kdf || !aead) return;
        suite.set_text("Cipher Suite: " + hpke_suite_text(*kdf, *aead));
        s.cipher_suites.emplace_back(*kdf, *aead);
    }
    if (!suites->empty()) rest_field(*suites, c, kEchExtensionData, cfg, "cipher suites");
    auto max_name = read_shown<std::uint8_t>(r, cfg, kEchMaxNameLength, c, "maximum name length");
    if (!max_name) return;
    s.maximum_name_length = *max_name;
    auto name = shown_vector(r, false, cfg, kEchPublicNameLength, c, "public name");
    if (!name) return;
    const std::size_t name_at = name->offset();
    const std::size_t name_length = name->reported_remaining();
    auto name_bytes = name->bytes(name_length);
    if (!name_bytes) {
        c.short_read(cfg, *name, "public name");
        return;
    }
    s.public_name = dns_printable(*name_bytes);
    cfg.add(kEchPublicName, s.public_name, name_at, name_length);
    if (name_length == 0) c.bad(cfg, "empty public name (RFC 9849: <1..255>)", name_at, 0);
    auto extensions = shown_vector(r, true, cfg, kEchExtensionsLength, c, "extensions");
    if (!extensions) return;
    while (!extensions->empty()) {
        const std::size_t at = extensions->offset();
        auto type = extensions->u16();
        auto data = type ? extensions->u16_prefixed() : std::nullopt;
        if (!type || !data) {
            c.short_read(cfg, *extensions, "ECHConfig extension");
            return;
        }
        cfg.add(kEchExtensionType, std::uint64_t(*type), at, 2);
        rest_field(*data, c, kEchExtensionData, cfg, "ECHConfig extension data");
        if (s.extensions.size() < kMaxEchConfigsKept) s.extensions.push_back(*type);
    }
    s.complete = true;
}

// RFC 9849 section 4:
//   struct { uint16 version; uint16 length;
//            select (ECHConfig.version) { case 0xfe0d: ECHConfigContents contents; } } ECHConfig;
//   ECHConfig ECHConfigList<4..2^16-1>;
void ech_config_list(ByteReader r, NodeRef parent, RdataContext& c) {
    auto list = shown_vector(r, true, parent, kEchListLength, c, "ECHConfigList");
    if (!list) return;
    std::size_t count = 0;
    while (!list->empty()) {
        const std::size_t at = list->offset();
        auto version = list->u16();
        auto body = version ? list->u16_prefixed() : std::nullopt;
        if (!version || !body) {
            c.short_read(parent, *list, "ECHConfig");
            return;
        }
        ++count;
        NodeRef cfg = parent.add(kEchConfig, std::monostate{}, at, 4 + body->reported_remaining());
        cfg.add(kEchVersion, std::uint64_t(*version), at, 2);
        cfg.add(kEchLength, std::uint64_t(body->reported_remaining()), at + 2, 2);
        EchConfigSummary s;
        s.version = *version;
        if (*version != kEchVersionRfc9849) {
            // Another version's contents (a draft's, or a later one): kept as bytes.
            rest_field(*body, c, kEchContents, cfg, "ECHConfig contents");
            cfg.set_text("ECHConfig: version 0x", Hex(*version, 4), " (not read)");
        } else {
            ech_config_contents(*body, cfg, c, s);
            if (s.complete && !body->empty())
                c.bad(cfg, std::to_string(body->reported_remaining()) + " bytes left over in the ECHConfig",
                      body->offset(), body->reported_remaining());
            std::string suites;
            for (const auto& [kdf, aead] : s.cipher_suites)
                suites += (suites.empty() ? "" : "; ") + hpke_suite_text(kdf, aead);
            cfg.set_text("ECHConfig: id " + std::to_string(s.config_id) + ", public name " + s.public_name + ", " +
                         hpke_name(kHpkeKemIds, s.kem_id) + (suites.empty() ? "" : ", " + suites));
        }
        if (c.record.ech_configs.size() < kMaxEchConfigsKept) c.record.ech_configs.push_back(std::move(s));
    }
    if (count == 0) c.bad(parent, "empty ECHConfigList (RFC 9849: <4..2^16-1>)", r.offset(), 0);
}

}  // namespace

void rdata_svcb(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto priority = r.u16();
    if (!priority) {
        c.short_read(c.rr, r, "SvcPriority");
        return;
    }
    c.rr.add(kSvcbPriority, std::uint64_t(*priority), at, 2);
    DnsName target = read_dns_name(r, c, kSvcbTarget, c.rr);
    c.record.target = target.text;
    c.record.data = std::to_string(*priority) + " " + presentation(target);
    if (c.stop) return;
    if (*priority == 0 && !r.empty())
        c.bad(c.rr, "AliasMode record (SvcPriority 0) carries SvcParams (RFC 9460 section 2.4.2)", r.offset(),
              r.reported_remaining());
    std::optional<std::uint16_t> previous_key;
    while (!r.empty()) {
        const std::size_t param_at = r.offset();
        auto key = r.u16();
        auto length = r.u16();
        if (!all_read(key, length)) {
            c.short_read(c.rr, r, "SvcParam key and length");
            return;
        }
        NodeRef param = c.rr.add(kSvcParam, std::monostate{}, param_at, 4u + *length);
        param.add(kSvcParamKey, std::uint64_t(*key), param_at, 2);
        param.add(kSvcParamLength, std::uint64_t(*length), param_at + 2, 2);
        const std::string key_name = svc_key_name(*key);
        if (previous_key && *key <= *previous_key)
            c.bad(param, "SvcParamKey " + std::to_string(*key) + " after " + std::to_string(*previous_key) +
                             " (RFC 9460 section 2.2: keys in strictly increasing order)",
                  param_at, 2);
        previous_key = *key;
        auto value_reader = r.child(*length);
        if (!value_reader) {
            c.bad(param, "SvcParamValue length " + std::to_string(*length) + " exceeds the " +
                             std::to_string(r.reported_remaining()) + " bytes left in the record",
                  param_at + 2, 2);
            value_reader = r.take_rest();
        }
        ByteReader v = *value_reader;
        std::string shown;  // "h3,h2", "443", ...
        bool bad_length = false;
        bool cut = false;  // a read ran out of bytes (reported once)
        auto ran_out = [&](std::string_view what) {
            cut = true;
            // A wrong length was reported already; a capture cut is news.
            if (!bad_length || v.failure() == ShortRead::Truncated) c.short_read(param, v, what);
        };
        auto list_separator = [&] {
            if (!shown.empty()) shown += ',';
        };
        switch (*key) {
            case 0:  // mandatory: a non-empty list of keys
                bad_length = *length == 0 || *length % 2;
                while (!v.empty()) {
                    const std::size_t k_at = v.offset();
                    auto k = v.u16();
                    if (!k) {
                        ran_out("mandatory key");
                        break;
                    }
                    param.add(kSvcMandatory, std::uint64_t(*k), k_at, 2);
                    list_separator();
                    shown += svc_key_name(*k);
                }
                break;
            case 1:  // alpn: non-empty list of non-empty length-prefixed ids
                bad_length = *length == 0;
                while (!v.empty()) {
                    const std::size_t id_at = v.offset();
                    auto id_length = v.u8();
                    if (!id_length) {
                        ran_out("ALPN id length");
                        break;
                    }
                    param.add(kSvcAlpnLength, std::uint64_t(*id_length), id_at, 1);
                    auto id = v.bytes(*id_length);
                    if (!id) {
                        ran_out("ALPN id");
                        break;
                    }
                    if (*id_length == 0) c.bad(param, "empty ALPN id", id_at, 1);
                    const std::string text = dns_printable(*id);
                    param.add(kSvcAlpn, text, id_at + 1, *id_length);
                    if (c.record.alpn.size() < kMaxSvcAlpnKept) c.record.alpn.push_back(text);
                    list_separator();
                    shown += text;
                }
                break;
            case 2:  // no-default-alpn: empty
                bad_length = *length != 0;
                break;
            case 3: {  // port
                bad_length = *length != 2;
                const std::size_t p_at = v.offset();
                auto port = v.u16();
                if (!port) {
                    ran_out("port");
                    break;
                }
                param.add(kSvcPort, std::uint64_t(*port), p_at, 2);
                shown = std::to_string(*port);
                break;
            }
            case 4:  // ipv4hint: non-empty list of IPv4 addresses
            case 6:  // ipv6hint
            {
                const std::size_t size = *key == 4 ? 4 : 16;
                bad_length = *length == 0 || *length % size;
                while (!v.empty()) {
                    const std::size_t a_at = v.offset();
                    auto a = v.bytes(size);
                    if (!a) {
                        ran_out(*key == 4 ? "IPv4 hint" : "IPv6 hint");
                        break;
                    }
                    list_separator();
                    if (size == 4) {
                        param.add(kSvcIpv4, ipv4(*a), a_at, 4);
                        shown += to_string(ipv4(*a));
                    } else {
                        param.add(kSvcIpv6, ipv6(*a), a_at, 16);
                        shown += to_string(ipv6(*a));
                    }
                }
                break;
            }
            case 5: {  // ech: an ECHConfigList (RFC 9849 section 4), as bytes then decoded
                const ByteReader list = v;
                Bytes ech = rest_field(v, c, kSvcEch, param, "ECHConfigList");
                shown = base64(ech);
                ech_config_list(list, param ? param.last_child() : NodeRef{}, c);
                break;
            }
            case 7: {  // dohpath (RFC 9461): a URI template
                const std::size_t at_path = v.offset();
                auto b = v.bytes(v.reported_remaining());
                if (!b) ran_out("dohpath");
                shown = dns_printable(b ? *b : v.rest());
                param.add(kSvcDohPath, shown, at_path, *length);
                v.take_rest();
                break;
            }
            default:
                rest_field(v, c, kSvcParamValue, param, "SvcParamValue");
                break;
        }
        if (bad_length)
            c.bad(param, key_name + " value of " + std::to_string(*length) + " bytes has the wrong length (RFC 9460)",
                  param_at + 2, 2);
        else if (!v.empty() && !cut)
            c.bad(param, std::to_string(v.reported_remaining()) + " bytes left over in the " + key_name + " value",
                  v.offset(), v.reported_remaining());
        const std::string item = key_name + (*key == 2 ? "" : "=" + shown);
        param.set_text("SvcParam: ", item);
        c.record.data += " " + item;
    }
}

// RFC 8945 section 4.2: ALGORITHM NAME | TIME SIGNED (48) | FUDGE (16) | MAC SIZE (16) | MAC |
//   ORIGINAL ID (16) | ERROR (16) | OTHER LEN (16) | OTHER DATA

}  // namespace tlsdissect::dns_rdata_detail
