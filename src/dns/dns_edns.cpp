// The options of an EDNS OPT record (RFC 6891): NSID (RFC 5001), DAU/DHU/N3U (RFC 6975),
// client subnet (RFC 7871), cookies (RFC 7873), tcp-keepalive (RFC 7828), padding
// (RFC 7830), CHAIN (RFC 7901), extended errors (RFC 8914).
#include "dns/rdata_parts.hpp"

namespace tlsdissect {

using namespace dns_rdata_detail;

namespace {

// What the option is called where the IANA table copy in data/iana lacks it.
std::string option_name(std::uint16_t code) {
    std::string_view iana = name_of(kDnsEdnsOptions, code);
    if (!iana.empty()) return std::string(iana);
    if (code == kOptExtendedError) return "Extended DNS Error";
    return "Unknown (" + std::to_string(code) + ")";
}

void edns_option(std::uint16_t code, ByteReader v, NodeRef opt, RdataContext& c, std::string& suffix) {
    const std::size_t length = v.reported_remaining();
    const std::size_t at = v.offset();
    switch (code) {
        case kOptNsid: {  // RFC 5001: opaque, often ASCII
            Bytes b = v.rest();
            bool printable = !b.empty();
            for (auto ch : b) printable = printable && ch >= 0x20 && ch < 0x7f;
            if (printable) suffix = " \"" + dns_printable(b) + "\"";
            v.take_rest();
            return;
        }
        case kOptDauCode:
        case kOptDhuCode:
        case kOptN3uCode: {  // RFC 6975: a list of algorithm numbers
            const FieldDef& def = code == kOptDauCode ? kOptDau : code == kOptDhuCode ? kOptDhu : kOptN3u;
            while (!v.empty()) {
                const std::size_t a_at = v.offset();
                auto a = v.u8();
                if (!a) {
                    c.short_read(opt, v, "algorithm list");
                    return;
                }
                opt.add(def, std::uint64_t(*a), a_at, 1);
            }
            return;
        }
        case kOptClientSubnet: {
            // RFC 7871 section 6: FAMILY (16) | SOURCE PREFIX-LENGTH (8) | SCOPE PREFIX-LENGTH (8) | ADDRESS
            auto family = v.u16();
            auto source = v.u8();
            auto scope = v.u8();
            if (!all_read(family, source, scope)) {
                c.short_read(opt, v, "client subnet family and prefix lengths");
                return;
            }
            opt.add(kOptFamily, std::uint64_t(*family), at, 2);
            opt.add(kOptNetmask, std::uint64_t(*source), at + 2, 1);
            opt.add(kOptScope, std::uint64_t(*scope), at + 3, 1);
            const std::size_t addr_at = v.offset();
            const std::size_t addr_len = v.reported_remaining();
            auto addr = v.bytes(addr_len);
            if (!addr) {
                c.short_read(opt, v, "client subnet address");
                v.take_rest();
                return;
            }
            const std::size_t max_len = *family == 1 ? 4 : *family == 2 ? 16 : 0;
            const std::size_t max_prefix = max_len * 8;
            if (max_len && addr_len > max_len) {
                c.bad(opt, "client subnet address is " + std::to_string(addr_len) + " bytes, longer than an " +
                               (*family == 1 ? "IPv4" : "IPv6") + " address",
                      addr_at, addr_len);
                opt.add(kOptClientAddr, byte_string(*addr), addr_at, addr_len);
                suffix = " (bad length)";
                return;
            }
            if (max_len && *source > max_prefix)
                c.bad(opt, "source prefix length " + std::to_string(*source) + " exceeds " + std::to_string(max_prefix),
                      at + 2, 1);
            else if (max_len && addr_len != (*source + 7u) / 8u)
                c.bad(opt, "client subnet address is " + std::to_string(addr_len) + " bytes; a /" +
                               std::to_string(*source) + " needs " + std::to_string((*source + 7u) / 8u) +
                               " (RFC 7871 section 6)",
                      addr_at, addr_len);
            if (*family == 1) {
                Ipv4Address a = ipv4(*addr);
                opt.add(kOptClientAddr4, a, addr_at, addr_len);
                suffix = " " + to_string(a) + "/" + std::to_string(*source);
            } else if (*family == 2) {
                Ipv6Address a = ipv6(*addr);
                opt.add(kOptClientAddr6, a, addr_at, addr_len);
                suffix = " " + to_string(a) + "/" + std::to_string(*source);
            } else {
                opt.add(kOptClientAddr, byte_string(*addr), addr_at, addr_len);
            }
            return;
        }
        case kOptCookie: {
            // RFC 7873 section 4: client cookie (8) [| server cookie (8 to 32)]
            if (length != 8 && (length < 16 || length > 40))
                c.bad(opt, "COOKIE option of " + std::to_string(length) +
                               " bytes (RFC 7873 section 4: 8, or 16 to 40)",
                      at, length);
            auto client = v.bytes(length < 8 ? length : 8);
            if (!client) {
                c.short_read(opt, v, "client cookie");
                return;
            }
            opt.add(kOptCookieClient, byte_string(*client), at, client->size());
            if (!v.empty()) rest_field(v, c, kOptCookieServer, opt, "server cookie");
            return;
        }
        case kOptTcpKeepalive: {  // RFC 7828 section 3.1: empty, or TIMEOUT (16)
            if (length == 2) {
                auto t = v.u16();
                if (t) opt.add(kOptKeepalive, std::uint64_t(*t), at, 2).set_text("Timeout: ", *t, " (", *t / 10, ".", *t % 10, " seconds)");
                else
                    c.short_read(opt, v, "keepalive timeout");
            } else if (length != 0) {
                c.bad(opt, "edns-tcp-keepalive option of " + std::to_string(length) + " bytes (RFC 7828: 0 or 2)", at,
                      length);
            }
            v.take_rest();
            return;
        }
        case kOptPaddingCode:
            rest_field(v, c, kOptPadding, opt, "padding");
            return;
        case kOptChainCode: {  // RFC 7901: a name in wire format (not compressed)
            if (length) {
                auto b = v.bytes(length);
                opt.add(kOptChain, dns_printable(b ? *b : v.rest()), at, length);
            }
            v.take_rest();
            return;
        }
        case kOptExtendedError: {  // RFC 8914 section 2: INFO-CODE (16) | EXTRA-TEXT (UTF-8)
            auto info = v.u16();
            if (!info) {
                c.short_read(opt, v, "extended error info code");
                return;
            }
            opt.add(kOptEdeCode, std::uint64_t(*info), at, 2);
            suffix = " " + std::to_string(*info);
            if (!v.empty()) {
                auto b = v.bytes(v.reported_remaining());
                const std::string text = dns_printable(b ? *b : v.rest());
                opt.add(kOptEdeText, text, at + 2, length - 2);
                suffix += " \"" + text + "\"";
            }
            v.take_rest();
            return;
        }
        default:
            v.take_rest();
            return;
    }
}

}  // namespace

void dissect_edns_options(ByteReader r, RdataContext& c) {
    std::string data;
    while (!r.empty()) {
        const std::size_t at = r.offset();
        auto code = r.u16();
        auto length = r.u16();
        if (!all_read(code, length)) {
            c.short_read(c.rr, r, "EDNS option code and length");
            return;
        }
        NodeRef opt = c.rr.add(kOpt, std::monostate{}, at, 4u + *length);
        const std::string name = option_name(*code);
        opt.add(kOptCode, std::uint64_t(*code), at, 2)
            .set_text("Option Code: ", name, " (", *code, ")");
        opt.add(kOptLen, std::uint64_t(*length), at + 2, 2);
        auto value = r.child(*length);
        const bool lying = !value;
        if (lying) {
            c.bad(opt, "option length " + std::to_string(*length) + " exceeds the " +
                           std::to_string(r.reported_remaining()) + " bytes left in the OPT record",
                  at + 2, 2);
            value = r.take_rest();
        }
        if (value->reported_remaining() && opt) {
            Bytes b = value->rest();
            opt.add(kOptData, byte_string(b), value->offset(), value->reported_remaining());
        }
        std::string suffix;
        if (!lying) edns_option(*code, *value, opt, c, suffix);
        opt.set_text("Option: ", name, suffix);
        if (!data.empty()) data += ' ';
        data += name;
    }
    if (!data.empty()) c.record.data += (c.record.data.empty() ? "" : " ") + data;
}

}  // namespace tlsdissect
