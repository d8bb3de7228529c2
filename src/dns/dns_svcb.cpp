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
            case 5: {  // ech: an ECHConfigList (draft-ietf-tls-esni), shown as bytes
                Bytes ech = rest_field(v, c, kSvcEch, param, "ECHConfigList");
                shown = base64(ech);
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
        param.set_text("SvcParam: " + item);
        c.record.data += " " + item;
    }
}

// RFC 8945 section 4.2: ALGORITHM NAME | TIME SIGNED (48) | FUDGE (16) | MAC SIZE (16) | MAC |
//   ORIGINAL ID (16) | ERROR (16) | OTHER LEN (16) | OTHER DATA

}  // namespace tlsdissect::dns_rdata_detail
