// DNSSEC records: DS, CDS, DLV (RFC 4034 section 5, RFC 7344, RFC 4431), RRSIG and SIG
// (RFC 4034 section 3, RFC 2535), NSEC (RFC 4034 section 4), NXT (RFC 2535 section
// 5), DNSKEY and CDNSKEY (RFC 4034 section 2, RFC 7344), NSEC3 and NSEC3PARAM (RFC 5155).
#include "dns/rdata_parts.hpp"

namespace tlsdissect::dns_rdata_detail {

namespace {

void type_bitmap(ByteReader& r, RdataContext& c, std::string& types) {
    while (!r.empty()) {
        const std::size_t at = r.offset();
        auto window = r.u8();
        auto length = r.u8();
        if (!all_read(window, length)) {
            c.short_read(c.rr, r, "type bit map window header");
            return;
        }
        if (*length == 0 || *length > 32) {
            c.bad(c.rr, "type bit map window " + std::to_string(*window) + " has length " + std::to_string(*length) +
                            " (RFC 4034 section 4.1.2: 1 to 32)",
                  at, 2);
            r.take_rest();
            return;
        }
        for (unsigned i = 0; i < *length; ++i) {
            const std::size_t byte_at = r.offset();
            auto bits = r.u8();
            if (!bits) {
                c.short_read(c.rr, r, "type bit map");
                return;
            }
            for (unsigned bit = 0; bit < 8; ++bit) {
                if (!(*bits & (0x80u >> bit))) continue;
                const std::uint16_t type = static_cast<std::uint16_t>(*window * 256u + i * 8u + bit);
                NodeRef n = c.rr.add(kBitmapType, std::uint64_t(type), byte_at, 1);
                if (n) n.set_text("RR type in bit map: ", dns_type_with_number(type));
                if (!types.empty()) types += ' ';
                types += dns_type_mnemonic(type);
            }
        }
    }
}

// RFC 2535 section 5.2: one bitmap from type 0 (NXT).
void nxt_bitmap(ByteReader& r, RdataContext& c) {
    std::uint16_t type = 0;
    while (!r.empty()) {
        const std::size_t at = r.offset();
        auto bits = r.u8();
        if (!bits) {
            c.short_read(c.rr, r, "type bit map");
            return;
        }
        for (unsigned bit = 0; bit < 8; ++bit, ++type) {
            if (!(*bits & (0x80u >> bit))) continue;
            NodeRef n = c.rr.add(kBitmapType, std::uint64_t(type), at, 1);
            if (n) n.set_text("RR type in bit map: ", dns_type_with_number(type));
        }
    }
}

// Single-name RDATA: NS, CNAME, PTR, DNAME, MB, MD, MF, MG, MR.

// RFC 4034 Appendix B: the key tag of a DNSKEY (algorithm 1 uses the key's low bits).
std::uint16_t key_tag(Bytes rdata, std::uint8_t algorithm) {
    if (algorithm == 1)
        return rdata.size() >= 4 ? static_cast<std::uint16_t>(rdata[rdata.size() - 3] << 8 | rdata[rdata.size() - 2]) : 0;
    std::uint32_t ac = 0;
    for (std::size_t i = 0; i < rdata.size(); ++i) ac += (i & 1) ? rdata[i] : std::uint32_t(rdata[i]) << 8;
    ac += (ac >> 16) & 0xffff;
    return static_cast<std::uint16_t>(ac & 0xffff);
}

}  // namespace

void rdata_ds(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto key = r.u16();
    auto algorithm = r.u8();
    auto digest_type = r.u8();
    if (!all_read(key, algorithm, digest_type)) {
        c.short_read(c.rr, r, "DS key tag, algorithm and digest type");
        return;
    }
    c.rr.add(kDsKeyId, std::uint64_t(*key), at, 2);
    c.rr.add(kDsAlgorithm, std::uint64_t(*algorithm), at + 2, 1);
    c.rr.add(kDsDigestType, std::uint64_t(*digest_type), at + 3, 1);
    Bytes digest = rest_field(r, c, kDsDigest, c.rr, "DS digest");
    c.record.data = std::to_string(*key) + " " + std::to_string(*algorithm) + " " + std::to_string(*digest_type) +
                    " " + hex_string(digest);
}

// RFC 4034 section 3.1 (RRSIG; SIG RFC 2535 has the same layout):
//   TYPE COVERED (16) | ALGORITHM (8) | LABELS (8) | ORIGINAL TTL (32) |
//   SIGNATURE EXPIRATION (32) | SIGNATURE INCEPTION (32) | KEY TAG (16) | SIGNER'S NAME | SIGNATURE
void rdata_rrsig(ByteReader& r, RdataContext& c) {
    const std::size_t at = r.offset();
    auto covered = r.u16();
    auto algorithm = r.u8();
    auto labels = r.u8();
    auto original_ttl = r.u32();
    auto expiration = r.u32();
    auto inception = r.u32();
    auto key_tag = r.u16();
    if (!all_read(covered, algorithm, labels, original_ttl, expiration, inception, key_tag)) {
        c.short_read(c.rr, r, "RRSIG fixed fields");
        return;
    }
    NodeRef n = c.rr.add(kRrsigTypeCovered, std::uint64_t(*covered), at, 2);
    if (n) n.set_text("Type Covered: ", dns_type_with_number(*covered));
    c.rr.add(kRrsigAlgorithm, std::uint64_t(*algorithm), at + 2, 1);
    c.rr.add(kRrsigLabels, std::uint64_t(*labels), at + 3, 1);
    add_duration(c.rr, kRrsigOriginalTtl, *original_ttl, at + 4);
    c.rr.add(kRrsigExpiration, std::int64_t(*expiration) * 1'000'000'000, at + 8, 4);
    c.rr.add(kRrsigInception, std::int64_t(*inception) * 1'000'000'000, at + 12, 4);
    c.rr.add(kRrsigKeyTag, std::uint64_t(*key_tag), at + 16, 2);
    DnsName signer = read_dns_name(r, c, kRrsigSigner, c.rr);
    if (c.stop) return;
    Bytes signature = rest_field(r, c, kRrsigSignature, c.rr, "RRSIG signature");
    c.record.data = dns_type_mnemonic(*covered) + " " + std::to_string(*algorithm) + " " + std::to_string(*labels) + " " +
                    std::to_string(*original_ttl) + " " + std::to_string(*expiration) + " " +
                    std::to_string(*inception) + " " + std::to_string(*key_tag) + " " + presentation(signer) + " " +
                    base64(signature);
}

// RFC 4034 section 4.1: NEXT DOMAIN NAME | TYPE BIT MAPS
void rdata_nsec(ByteReader& r, RdataContext& c) {
    DnsName next = read_dns_name(r, c, kNsecNext, c.rr);
    c.title = ", next domain name " + next.text;
    c.info = " " + next.text;
    if (c.stop) return;
    std::string types;
    type_bitmap(r, c, types);
    c.record.data = presentation(next) + (types.empty() ? "" : " " + types);
}

// RFC 2535 section 5.2: NEXT DOMAIN NAME | TYPE BIT MAP
void rdata_nxt(ByteReader& r, RdataContext& c) {
    DnsName next = read_dns_name(r, c, kNxtNext, c.rr);
    c.title = ", next domain name " + next.text;
    c.info = " " + next.text;
    c.record.data = presentation(next);
    if (c.stop) return;
    nxt_bitmap(r, c);
}


// RFC 4034 section 2.1 (DNSKEY, also CDNSKEY): FLAGS (16) | PROTOCOL (8) | ALGORITHM (8) | PUBLIC KEY
void rdata_dnskey(ByteReader& r, RdataContext& c) {
    const Bytes whole = r.rest();
    const bool whole_captured = r.captured_all();
    const std::size_t at = r.offset();
    auto flags = r.u16();
    auto protocol = r.u8();
    auto algorithm = r.u8();
    if (!all_read(flags, protocol, algorithm)) {
        c.short_read(c.rr, r, "DNSKEY flags, protocol and algorithm");
        return;
    }
    if (c.rr) {
        NodeRef f = c.rr.add(kDnskeyFlags, std::uint64_t(*flags), at, 2);
        f.add(kDnskeyZone, bool(*flags & 0x0100), at, 2)
            .set_text(bit_pattern(*flags, 0x0100, 16) + " = Zone Key: " +
                      ((*flags & 0x0100) ? "This is the zone key for specified zone" : "This is not a zone key"));
        f.add(kDnskeyRevoked, bool(*flags & 0x0080), at, 2)
            .set_text(bit_pattern(*flags, 0x0080, 16) + " = Key Revoked: " + ((*flags & 0x0080) ? "Yes" : "No"));
        f.add(kDnskeySep, bool(*flags & 0x0001), at, 2)
            .set_text(bit_pattern(*flags, 0x0001, 16) + " = Key Signing Key: " + ((*flags & 0x0001) ? "Yes" : "No"));
        f.add(kDnskeyReserved, std::uint64_t(*flags & 0xfe7e), at, 2)
            .set_text(bit_pattern(*flags, 0xfe7e, 16) + " = Reserved: 0x" + hex_u16(*flags & 0xfe7e));
        c.rr.add(kDnskeyProtocol, std::uint64_t(*protocol), at + 2, 1);
        c.rr.add(kDnskeyAlgorithm, std::uint64_t(*algorithm), at + 3, 1);
        if (whole_captured)
            c.rr.add_generated(kDnskeyKeyId, std::uint64_t(key_tag(whole, *algorithm)));
    }
    if (*protocol != 3)
        c.bad(c.rr, "DNSKEY protocol is " + std::to_string(*protocol) + " (RFC 4034 section 2.1.2: must be 3)", at + 2, 1);
    Bytes key = rest_field(r, c, kDnskeyPublicKey, c.rr, "DNSKEY public key");
    c.record.data = std::to_string(*flags) + " " + std::to_string(*protocol) + " " + std::to_string(*algorithm) + " " +
                    base64(key);
}

// RFC 5155 section 3.2 (NSEC3) and 4.2 (NSEC3PARAM):
//   HASH ALG (8) | FLAGS (8) | ITERATIONS (16) | SALT LENGTH (8) | SALT [| HASH LENGTH (8) | NEXT HASHED OWNER | TYPE BIT MAPS]
void rdata_nsec3(ByteReader& r, RdataContext& c, bool param) {
    const std::size_t at = r.offset();
    auto algo = r.u8();
    auto flags = r.u8();
    auto iterations = r.u16();
    auto salt_length = r.u8();
    if (!all_read(algo, flags, iterations, salt_length)) {
        c.short_read(c.rr, r, "NSEC3 parameters");
        return;
    }
    c.rr.add(kNsec3Algo, std::uint64_t(*algo), at, 1);
    NodeRef f = c.rr.add(kNsec3Flags, std::uint64_t(*flags), at + 1, 1);
    if (f)
        f.add(kNsec3OptOut, bool(*flags & 1), at + 1, 1)
            .set_text(bit_pattern(*flags, 0x01, 8) + " = NSEC3 Opt-out flag: " +
                      ((*flags & 1) ? "Additional insecure delegations allowed" : "Additional insecure delegations forbidden"));
    c.rr.add(kNsec3Iterations, std::uint64_t(*iterations), at + 2, 2);
    c.rr.add(kNsec3SaltLength, std::uint64_t(*salt_length), at + 4, 1);
    auto salt = r.bytes(*salt_length);
    if (!salt) {
        c.short_read(c.rr, r, "NSEC3 salt");
        r.take_rest();
        return;
    }
    if (*salt_length) c.rr.add(kNsec3Salt, byte_string(*salt), at + 5, *salt_length);
    c.record.data = std::to_string(*algo) + " " + std::to_string(*flags) + " " + std::to_string(*iterations) + " " +
                    (*salt_length ? hex_string(*salt) : std::string("-"));
    if (param) return;
    const std::size_t hash_at = r.offset();
    auto hash_length = r.u8();
    if (!hash_length) {
        c.short_read(c.rr, r, "NSEC3 hash length");
        return;
    }
    c.rr.add(kNsec3HashLength, std::uint64_t(*hash_length), hash_at, 1);
    auto hash = r.bytes(*hash_length);
    if (!hash) {
        c.short_read(c.rr, r, "NSEC3 next hashed owner");
        r.take_rest();
        return;
    }
    const std::string owner = base32hex(*hash);
    c.rr.add(kNsec3Hash, owner, hash_at + 1, *hash_length).set_generated();
    std::string types;
    type_bitmap(r, c, types);
    c.record.data += " " + owner + (types.empty() ? "" : " " + types);
}

// RFC 6698 section 2.1 (TLSA; SMIMEA RFC 8162): USAGE (8) | SELECTOR (8) | MATCHING TYPE (8) | DATA

}  // namespace tlsdissect::dns_rdata_detail
