// X.509 v3 certificates (RFC 5280 section 4) as the TLS Certificate message carries them
// (RFC 5246 section 7.4.2, RFC 8446 section 4.4.2.2), with the field names of Wireshark's
// x509af, x509if, x509sat, x509ce, pkix1implicit, pkix1explicit and pkcs1 dissectors.
//
// Two views of the same bytes, each from the tool that is good at it:
//  - OpenSSL's X.509 parser (d2i_X509) decodes the certificate for the summary: names,
//    times, key, subjectAltName, basic constraints, policies; EVP_Digest the fingerprints.
//  - The DER walker (tls/der.hpp) frames each element for the tree, so every node has
//    its byte offset. The value inside one element (an OID, a string, a time, an integer,
//    a boolean, a bit string) is again decoded by OpenSSL's ASN.1 functions; the walker
//    never interprets content octets itself.
#include "tls/x509_walk.hpp"

#include "core/subtree_cache.hpp"

namespace tlsdissect {
namespace x509_detail {


// ---------------------------------------------------------------------------------------
// The summary, from OpenSSL's X.509 parser.

std::string asn1_string_utf8(const ASN1_STRING* s) {
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0) return escaped_bytes(Bytes(ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))));
    OpensslBytesPtr hold(utf8);
    return printable(std::string_view(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n)));
}

std::string rfc4514(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? printable(std::string_view(data, static_cast<std::size_t>(n))) : std::string();
}

std::string common_name(const X509_NAME* name) {
    int last = -1;
    for (int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(name, NID_commonName, i))
        last = i;
    if (last < 0) return {};
    return asn1_string_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
}

// Wireshark's label for a name: most specific RDN first, "id-at-commonName=…", the
// attributes of a multi-valued RDN in their encoded order, joined by "+".
std::string wireshark_name(const X509_NAME* name) {
    std::vector<std::string> rdns;
    int previous_set = -1;
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
        const int set = X509_NAME_ENTRY_set(entry);
        std::string attribute = describe_oid(X509_NAME_ENTRY_get_object(entry)).label() + "=" +
                                asn1_string_utf8(X509_NAME_ENTRY_get_data(entry));
        if (set == previous_set && !rdns.empty())
            rdns.back() += "+" + attribute;
        else
            rdns.push_back(std::move(attribute));
        previous_set = set;
    }
    std::reverse(rdns.begin(), rdns.end());
    return join(rdns, ",");
}

bool time_fields(const ASN1_TIME* t, std::string& iso, std::int64_t& epoch) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return false;
    iso = iso_time(tm);
    epoch = epoch_seconds(tm);
    return true;
}

std::vector<std::uint8_t> digest(Bytes der, const EVP_MD* md) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(der.data(), der.size(), out, &n, md, nullptr) != 1) return {};
    return {out, out + n};
}

// OpenSSL's key type names, with the RFC 8410 spelling for the Edwards curves.
std::string key_type_name(std::string_view name) {
    if (name == "ED25519") return "Ed25519";
    if (name == "ED448") return "Ed448";
    return std::string(name);
}

// JA4X's raw lists: the OIDs' DER content octets in hex ("550403"), comma-separated.
std::string oid_hex(const ASN1_OBJECT* oid) {
    const unsigned char* data = OBJ_get0_data(oid);
    return data ? hex_string(Bytes(data, OBJ_length(oid))) : std::string();
}

// Every attribute of every RDN, in encoded order (a multi-valued RDN gives each of its
// attributes, as the JA4 reference walks them).
std::string name_oids(const X509_NAME* name) {
    std::string out;
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        if (i) out += ',';
        out += oid_hex(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(name, i)));
    }
    return out;
}

std::string ja4x_of(const X509* x) {
    std::string extensions;
    for (int i = 0; i < X509_get_ext_count(x); ++i) {
        if (i) extensions += ',';
        extensions += oid_hex(X509_EXTENSION_get_object(X509_get_ext(x, i)));
    }
    return ja4x(name_oids(X509_get_issuer_name(x)), name_oids(X509_get_subject_name(x)), extensions);
}

void summarize(X509* x, CertificateSummary& s) {
    s.parsed = true;
    s.version = static_cast<int>(X509_get_version(x)) + 1;
    s.subject = rfc4514(X509_get_subject_name(x));
    s.issuer = rfc4514(X509_get_issuer_name(x));
    s.subject_cn = common_name(X509_get_subject_name(x));
    s.issuer_cn = common_name(X509_get_issuer_name(x));
    s.subject_display = wireshark_name(X509_get_subject_name(x));
    s.ja4x = ja4x_of(x);

    if (BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr)); bn) {
        if (char* hex = BN_bn2hex(bn.get())) {
            s.serial_hex = hex;
            OPENSSL_free(hex);
            std::transform(s.serial_hex.begin(), s.serial_hex.end(), s.serial_hex.begin(),
                           [](char c) { return c >= 'A' && c <= 'F' ? char(c - 'A' + 'a') : c; });
        }
    }
    time_fields(X509_get0_notBefore(x), s.not_before, s.not_before_epoch);
    time_fields(X509_get0_notAfter(x), s.not_after, s.not_after_epoch);

    const X509_ALGOR* sig_alg = nullptr;
    X509_get0_signature(nullptr, &sig_alg, x);
    if (sig_alg) {
        const ASN1_OBJECT* obj = nullptr;
        X509_ALGOR_get0(&obj, nullptr, nullptr, sig_alg);
        const int nid = OBJ_obj2nid(obj);
        s.signature_algorithm = nid != NID_undef ? OBJ_nid2ln(nid) : dotted_oid(obj);
    }

    if (EVP_PKEY* key = X509_get0_pubkey(x)) {
        if (const char* type = EVP_PKEY_get0_type_name(key)) s.public_key_algorithm = key_type_name(type);
        s.public_key_bits = EVP_PKEY_get_bits(key);
        char group[80];
        std::size_t group_len = 0;
        if (EVP_PKEY_get_group_name(key, group, sizeof group, &group_len) == 1) s.curve.assign(group, group_len);
    }
    if (s.public_key_algorithm.empty()) {
        // A key type this OpenSSL cannot load (ML-DSA before OpenSSL 3.5): its OID.
        ASN1_OBJECT* obj = nullptr;
        if (X509_PUBKEY_get0_param(&obj, nullptr, nullptr, nullptr, X509_get_X509_PUBKEY(x)) == 1 && obj) {
            const int nid = OBJ_obj2nid(obj);
            s.public_key_algorithm = nid != NID_undef ? OBJ_nid2ln(nid) : dotted_oid(obj);
        }
    }

    if (GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
        names) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
            const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
            if (g->type == GEN_DNS) {
                s.san.push_back(asn1_string_utf8(g->d.dNSName));
            } else if (g->type == GEN_IPADD) {
                const ASN1_OCTET_STRING* ip = g->d.iPAddress;
                char buf[INET6_ADDRSTRLEN];
                const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : ASN1_STRING_length(ip) == 16 ? AF_INET6 : 0;
                if (family && inet_ntop(family, ASN1_STRING_get0_data(ip), buf, sizeof buf)) s.san.emplace_back(buf);
            }
        }
    }
    if (BasicConstraintsPtr bc(static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x, NID_basic_constraints, nullptr, nullptr)));
        bc) {
        s.is_ca = bc->ca != 0;
        std::uint64_t len = 0;
        if (bc->pathlen && ASN1_INTEGER_get_uint64(&len, bc->pathlen) == 1)
            s.path_len = len > INT_MAX ? INT_MAX : static_cast<int>(len);
    }
    if (PoliciesPtr policies(static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(x, NID_certificate_policies, nullptr, nullptr)));
        policies) {
        for (int i = 0; i < sk_POLICYINFO_num(policies.get()); ++i)
            s.policies.push_back(dotted_oid(sk_POLICYINFO_value(policies.get(), i)->policyid));
    }
}

// Anomalies among the nodes added since `first`.
bool has_anomaly(const Tree& tree, std::size_t first) {
    for (std::size_t i = first; i < tree.size(); ++i) {
        const Node& n = tree.node(static_cast<std::int32_t>(i));
        if (n.def == &kMalformedField || n.def == &kTruncatedField) return true;
    }
    return false;
}

}  // namespace x509_detail

using namespace x509_detail;

namespace {

// What OpenSSL makes of one complete certificate: decoding it is costly (OpenSSL 3
// builds its public key through the decoder framework, over a million instructions a
// certificate), and the same certificates come back in every connection to a server.
struct DecodedCertificate {
    CertificateSummary summary;     // with der set when OpenSSL decoded it
    std::string error;              // why it could not (empty when it could)
    std::vector<std::uint8_t> sha256, sha1;
};

// Certificates remembered by their DER bytes; the cache is emptied when full.
constexpr std::size_t kDecodedCertificateEntries = 2048;

DecodedCertificate decode_certificate_uncached(Bytes bytes);

const DecodedCertificate& decode_certificate(Bytes bytes) {
    static thread_local BoundedCache<DecodedCertificate, kDecodedCertificateEntries> cache;
    const std::string_view key(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return cache.get_or_make(key, [&] { return decode_certificate_uncached(bytes); });
}

DecodedCertificate decode_certificate_uncached(Bytes bytes) {
    OpensslErrorScope errors;
    DecodedCertificate d;
    Bytes cert_der = bytes;
    const unsigned char* p = bytes.data();
    X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
    if (x) {
        cert_der = bytes.first(static_cast<std::size_t>(p - bytes.data()));
        summarize(x.get(), d.summary);
        d.summary.der.assign(cert_der.begin(), cert_der.end());
    } else {
        const char* reason = ERR_reason_error_string(ERR_peek_last_error());
        d.error = std::string("OpenSSL cannot decode the certificate") + (reason ? std::string(": ") + reason : "");
    }
    d.sha256 = digest(cert_der, EVP_sha256());
    d.sha1 = digest(cert_der, EVP_sha1());
    d.summary.sha256_hex = hex_string(d.sha256);
    d.summary.sha1_hex = hex_string(d.sha1);
    return d;
}

}  // namespace

// The trees of certificates seen before, by their DER bytes: walking a certificate costs
// about 170,000 instructions and dozens of allocations (OID texts, names joined), adding
// its recorded nodes again about 30,000 and no allocation, and the same few certificates
// come back in thousands of connections. A recording holds 4 to 16 KB (about 10 times the
// DER), so the budget keeps a few hundred certificates.
constexpr std::size_t kCertificateTreeEntries = 1024;
constexpr std::size_t kCertificateTreeBytes = std::size_t{6} << 20;

CertificateSummary dissect_x509_certificate(ByteReader der, NodeRef parent) {
    // OpenSSL sees only complete certificates; a cut one is [Truncated] by the walk.
    const Bytes bytes = der.rest();
    if (der.remaining() != der.reported_remaining() || bytes.empty() || bytes.size() > LONG_MAX) {
        if (parent) {
            OpensslErrorScope errors;
            CertificateWalk(der).run(parent);
        }
        return {};
    }
    if (!parent) return decode_certificate(bytes).summary;

    // The nodes depend on the bytes alone (offsets aside): the walk, OpenSSL's verdict and
    // the generated digests. Nothing else is kept from a certificate but its summary.
    static thread_local SubtreeCache<> trees(kCertificateTreeEntries, kCertificateTreeBytes);
    if (const RecordedSubtree* recorded = trees.find(bytes)) {
        recorded->replay(parent, der.offset());
        return decode_certificate(bytes).summary;
    }
    const std::size_t first_node = parent.tree()->size();
    {
        OpensslErrorScope errors;
        CertificateWalk(der).run(parent);
    }
    const DecodedCertificate& d = decode_certificate(bytes);
    if (!d.error.empty() && !has_anomaly(*parent.tree(), first_node))
        parent.malformed(d.error, der.offset(), bytes.size());
    parent.add_generated(kFingerprintSha256, ByteString{d.sha256});
    parent.add_generated(kFingerprintSha1, ByteString{d.sha1});
    if (!d.summary.ja4x.empty()) parent.add_generated(kJa4x, d.summary.ja4x);
    trees.keep(RecordedSubtree::record(*parent.tree(), parent.id(), first_node, bytes, der.offset()));
    return d.summary;
}

std::string certificate_pem(const std::vector<std::uint8_t>& der) {
    OpensslErrorScope errors;
    const unsigned char* p = der.data();
    X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!x || !bio || PEM_write_bio_X509(bio.get(), x.get()) != 1) return {};
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string certificate_one_line(const CertificateSummary& s) {
    if (!s.parsed) return "certificate (not decodable)";
    auto who = [](const std::string& cn, const std::string& full) { return cn.empty() ? full : "CN=" + cn; };
    std::string out = who(s.subject_cn, s.subject);
    if (s.subject == s.issuer)
        out += " (self-signed)";
    else
        out += " \xe2\x86\x90 " + who(s.issuer_cn, s.issuer);
    if (s.not_after.size() >= 10) out += ", valid until " + s.not_after.substr(0, 10);
    return out;
}

// CA/Browser Forum Baseline Requirements section 7.1.6.1 (reserved policy OIDs) and the
// EV Guidelines section 9.3.2.
std::string cabf_validation_level(const std::vector<std::string>& policy_oids) {
    static constexpr std::pair<std::string_view, std::string_view> kLevels[] = {
        {"2.23.140.1.1", "EV (extended validation)"},
        {"2.23.140.1.2.2", "OV (organization validated)"},
        {"2.23.140.1.2.3", "IV (individual validated)"},
        {"2.23.140.1.2.1", "DV (domain validated)"},
    };
    std::string out;
    for (const auto& [oid, level] : kLevels) {
        if (std::find(policy_oids.begin(), policy_oids.end(), oid) == policy_oids.end()) continue;
        if (!out.empty()) out += ", ";
        out += level;
    }
    return out;
}

}  // namespace tlsdissect

