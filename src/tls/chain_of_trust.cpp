// Chain-of-trust checks with OpenSSL: X509_check_issued and X509_verify for each link of
// the chain as sent, X509_verify_cert against a root store with the capture's time
// (X509_VERIFY_PARAM_set_time), X509_check_host / X509_check_ip_asc for the server name.
#include "tls/chain_of_trust.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "tls/openssl_handles.hpp"

namespace tlsdissect {

namespace {


X509Ptr decode(const std::vector<std::uint8_t>& der) {
    if (der.empty()) return nullptr;
    const unsigned char* p = der.data();
    X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!x) ERR_clear_error();
    return x;
}

std::string rfc4514(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string common_name(const X509_NAME* name) {
    const int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (i < 0) return {};
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

std::string asn1_time_iso(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::int64_t asn1_time_epoch(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return static_cast<std::int64_t>(timegm(&tm));
}

ChainLink link_for(X509* x, int sent_index, std::int64_t at) {
    ChainLink l;
    l.subject = rfc4514(X509_get_subject_name(x));
    l.name = common_name(X509_get_subject_name(x));
    if (l.name.empty()) l.name = l.subject;
    l.not_before = asn1_time_iso(X509_get0_notBefore(x));
    l.not_after = asn1_time_iso(X509_get0_notAfter(x));
    l.not_before_epoch = asn1_time_epoch(X509_get0_notBefore(x));
    l.not_after_epoch = asn1_time_epoch(X509_get0_notAfter(x));
    l.sent_index = sent_index;
    // Same name as its issuer and no contradicting key identifier (a leaf may be
    // self-signed without being a CA, so not X509_check_issued, which wants keyCertSign).
    l.self_signed = X509_self_signed(x, 0) == 1;
    time_t t = static_cast<time_t>(at);
    l.valid_at_time = X509_cmp_time(X509_get0_notBefore(x), &t) < 0 && X509_cmp_time(X509_get0_notAfter(x), &t) > 0;
    return l;
}

struct VerifyLog {
    std::vector<std::string> errors;
    int first_error = 0;
    std::string first_reason;
};

std::string describe_error(X509_STORE_CTX* ctx, int err) {
    std::string text = X509_verify_cert_error_string(err);
    X509* cert = X509_STORE_CTX_get_current_cert(ctx);
    if (!cert) return text;
    std::string who = rfc4514(X509_get_subject_name(cert));
    text += ": " + (who.empty() ? std::string("a certificate without a subject") : who);
    if (err == X509_V_ERR_CERT_HAS_EXPIRED)
        text += " (not after " + asn1_time_iso(X509_get0_notAfter(cert)) + ")";
    else if (err == X509_V_ERR_CERT_NOT_YET_VALID)
        text += " (not before " + asn1_time_iso(X509_get0_notBefore(cert)) + ")";
    return text;
}

// Records every problem and lets OpenSSL go on, so that all of them are reported.
int record_errors(int ok, X509_STORE_CTX* ctx) {
    if (ok) return 1;
    auto* log = static_cast<VerifyLog*>(X509_STORE_CTX_get_app_data(ctx));
    const int err = X509_STORE_CTX_get_error(ctx);
    if (log && log->errors.size() < kMaxChainLength * 4) {
        std::string text = describe_error(ctx, err);
        if (std::find(log->errors.begin(), log->errors.end(), text) == log->errors.end()) log->errors.push_back(text);
        if (!log->first_error) {
            log->first_error = err;
            log->first_reason = text;
        }
    }
    return 1;
}

// The store's certificate that issued `x`, if any (null when none).
X509Ptr issuer_in_store(X509_STORE* store, X509* x) {
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store, x, nullptr) != 1) return nullptr;
    X509* issuer = nullptr;
    if (X509_STORE_CTX_get1_issuer(&issuer, ctx.get(), x) != 1) {
        ERR_clear_error();
        return nullptr;
    }
    return X509Ptr(issuer);
}

// Does the store hold this very certificate (same subject, same bytes)?
bool store_holds(X509_STORE* store, X509* x) {
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store, x, nullptr) != 1) return false;
    STACK_OF(X509)* same_name = X509_STORE_CTX_get1_certs(ctx.get(), X509_get_subject_name(x));
    bool found = false;
    for (int i = 0; same_name && i < sk_X509_num(same_name); ++i) found = found || X509_cmp(sk_X509_value(same_name, i), x) == 0;
    sk_X509_pop_free(same_name, X509_free);
    ERR_clear_error();
    return found;
}

// OpenSSL's default certificate directory when it is a hashed one (c_rehash names such
// as 9d66eef0.0) and no SSL_CERT_FILE or SSL_CERT_DIR overrides the defaults; else empty.
std::string hashed_default_cert_dir() {
    if (std::getenv(X509_get_default_cert_file_env()) || std::getenv(X509_get_default_cert_dir_env())) return {};
    const std::string dir = X509_get_default_cert_dir();
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() >= 10 && name[8] == '.' &&
            std::all_of(name.begin(), name.begin() + 8, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
            return dir;
    }
    return {};
}

}  // namespace

std::string iso8601_utc(std::int64_t epoch_seconds) {
    std::tm tm{};
    const time_t t = static_cast<time_t>(epoch_seconds);
    if (!gmtime_r(&t, &tm)) return {};
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

TrustStore::~TrustStore() { X509_STORE_free(store_); }

std::shared_ptr<const TrustStore> TrustStore::load(const std::string& path, std::string& error) {
    X509_STORE* store = X509_STORE_new();
    if (!store) {
        error = "out of memory";
        return nullptr;
    }
    auto result = std::shared_ptr<const TrustStore>(new TrustStore(store, path.empty() ? "the system store" : path));
    if (path.empty()) {
        // OpenSSL's default paths parse every certificate of the CA bundle file up front
        // (about 50 ms for Debian's 140 roots). The same roots are in the hashed
        // directory, where a lookup reads only the certificates it asks for by name.
        if (const std::string dir = hashed_default_cert_dir(); !dir.empty()) {
            if (X509_STORE_load_path(store, dir.c_str()) == 1) return result;
            ERR_clear_error();
        }
        if (X509_STORE_set_default_paths(store) != 1) {
            ERR_clear_error();
            error = "cannot open the system root store";
            return nullptr;
        }
        return result;
    }
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    std::size_t loaded = 0;
    if (std::filesystem::is_directory(status)) {
        // Hashed directories (c_rehash) are looked up by name; every PEM file is also loaded.
        if (X509_STORE_load_path(store, path.c_str()) != 1) ERR_clear_error();
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(path, ec))
            if (entry.is_regular_file(ec)) files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            if (X509_STORE_load_file(store, f.c_str()) == 1)
                ++loaded;
            else
                ERR_clear_error();
        }
    } else if (std::filesystem::exists(status)) {
        if (X509_STORE_load_file(store, path.c_str()) == 1) ++loaded;
        ERR_clear_error();
    } else {
        error = "cannot open " + path;
        return nullptr;
    }
    if (!loaded) {
        error = "no PEM certificates in " + path;
        return nullptr;
    }
    return result;
}

std::shared_ptr<const TrustStore> TrustStore::system() {
    static std::once_flag once;
    static std::shared_ptr<const TrustStore> store;
    std::call_once(once, [] {
        std::string error;
        store = load("", error);
    });
    return store;
}

namespace {

// The chain's path and its validation at `at_epoch`, without the server name; `leaf`
// receives the decoded leaf (null when it cannot be decoded).
ChainVerdict verify_path(const std::vector<CertificateSummary>& sent, std::int64_t at_epoch, const TrustStore& roots,
                         X509Ptr& leaf) {
    ChainVerdict v;
    v.checked_at = at_epoch;
    v.roots = roots.description();
    if (sent.empty()) return v;
    v.checked = true;
    std::vector<X509Ptr> certs;
    for (const auto& s : sent) certs.push_back(decode(s.der));
    if (!certs[0]) {
        v.reason = "the server certificate cannot be decoded";
        v.errors.push_back(v.reason);
        return v;
    }
    X509_STORE* store = roots.store();

    // The path as sent: from the leaf, each certificate's issuer among the others, then
    // in the root store.
    std::vector<bool> used(certs.size(), false);
    used[0] = true;
    std::vector<ChainLink> leaf_first;
    std::vector<X509Ptr> from_store;
    X509* current = certs[0].get();
    int current_index = 0;
    leaf_first.push_back(link_for(current, 0, at_epoch));
    while (leaf_first.size() < kMaxChainLength) {
        ChainLink& link = leaf_first.back();
        link.trusted = store_holds(store, current);
        if (link.self_signed) {
            EVP_PKEY* key = X509_get0_pubkey(current);
            link.signature_valid = key && X509_verify(current, key) == 1;
            break;
        }
        X509* issuer = nullptr;
        int issuer_index = -1;
        // An issuer by name and key identifier first; then by name alone, so that a wrong
        // intermediate (right name, other key) shows on the path with a failed signature.
        for (int pass = 0; pass < 2 && !issuer; ++pass) {
            for (std::size_t i = 1; i < certs.size(); ++i) {
                if (used[i] || !certs[i]) continue;
                const bool fits = pass == 0 ? X509_check_issued(certs[i].get(), current) == X509_V_OK
                                            : X509_NAME_cmp(X509_get_subject_name(certs[i].get()),
                                                            X509_get_issuer_name(current)) == 0;
                if (fits) {
                    issuer = certs[i].get();
                    issuer_index = static_cast<int>(i);
                    break;
                }
            }
        }
        if (!issuer) {
            if (X509Ptr s = issuer_in_store(store, current)) {
                issuer = s.get();
                from_store.push_back(std::move(s));
            }
        }
        if (!issuer) break;
        EVP_PKEY* key = X509_get0_pubkey(issuer);
        link.signature_valid = key && X509_verify(current, key) == 1;
        ERR_clear_error();
        if (issuer_index >= 0) used[static_cast<std::size_t>(issuer_index)] = true;
        current = issuer;
        current_index = issuer_index;
        leaf_first.push_back(link_for(current, current_index, at_epoch));
    }
    v.path.assign(leaf_first.rbegin(), leaf_first.rend());
    for (std::size_t i = 1; i < certs.size(); ++i)
        if (!used[i]) v.unused.push_back(static_cast<int>(i));

    // Path validation as a TLS client does it, at the capture's time.
    X509StackPtr untrusted(sk_X509_new_null());
    for (std::size_t i = 1; i < certs.size(); ++i)
        if (certs[i]) sk_X509_push(untrusted.get(), certs[i].get());
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    VerifyLog log;
    if (ctx && X509_STORE_CTX_init(ctx.get(), store, certs[0].get(), untrusted.get()) == 1) {
        X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
        X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at_epoch));
        X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
        X509_STORE_CTX_set_app_data(ctx.get(), &log);
        X509_STORE_CTX_set_verify_cb(ctx.get(), record_errors);
        const int rc = X509_verify_cert(ctx.get());
        v.path_valid = rc == 1 && log.errors.empty();
        if (rc != 1 && log.errors.empty()) {
            log.first_error = X509_STORE_CTX_get_error(ctx.get());
            log.first_reason = X509_verify_cert_error_string(log.first_error);
            log.errors.push_back(log.first_reason);
        }
    } else {
        log.first_reason = "OpenSSL cannot set up the verification";
        log.errors.push_back(log.first_reason);
    }
    ERR_clear_error();
    v.error = log.first_error;
    v.errors = log.errors;
    v.reason = log.first_reason;
    v.valid = v.path_valid;
    leaf = std::move(certs[0]);
    return v;
}

void finish_verdict(ChainVerdict& v, const std::vector<CertificateSummary>& sent, const std::string& server_name);

// The server name against the leaf (subjectAltName; CN only when there is no SAN), and
// the verdict that follows from the path's and the name's.
void check_name(ChainVerdict& v, X509* leaf, const std::vector<CertificateSummary>& sent,
                const std::string& server_name) {
    v.server_name = server_name;
    if (!leaf) return;
    if (!server_name.empty()) {
        char* peer = nullptr;
        int m = X509_check_ip_asc(leaf, server_name.c_str(), 0);
        if (m == 1) {
            v.matched_name = server_name;
        } else {
            m = X509_check_host(leaf, server_name.data(), server_name.size(), 0, &peer);
            if (m == 1 && peer) v.matched_name = peer;
            OPENSSL_free(peer);
        }
        v.name_matches = m == 1;
        ERR_clear_error();
    }
    finish_verdict(v, sent, server_name);
}

// The verdict that follows from the path's and the name's.
void finish_verdict(ChainVerdict& v, const std::vector<CertificateSummary>& sent, const std::string& server_name) {
    v.valid = v.path_valid && v.name_matches.value_or(true);
    if (v.path_valid && !v.valid) {
        std::string names;
        for (const auto& n : sent[0].san) names += (names.empty() ? "" : ", ") + n;
        v.reason = "the server name " + server_name + " is not a name of the certificate (" +
                   (names.empty() ? "no subjectAltName" : "SAN: " + names) + ")";
    }
}

}  // namespace

ChainVerdict verify_chain(const std::vector<CertificateSummary>& sent, const std::string& server_name,
                          std::int64_t at_epoch, const TrustStore& roots) {
    X509Ptr leaf;
    ChainVerdict v = verify_path(sent, at_epoch, roots, leaf);
    check_name(v, leaf.get(), sent, server_name);
    return v;
}

ChainVerdict ChainVerifier::verify(const std::vector<CertificateSummary>& sent, const std::string& server_name,
                                   std::int64_t at_epoch) {
    if (!roots_) roots_ = TrustStore::system();
    if (!roots_) {
        ChainVerdict v;
        v.checked_at = at_epoch;
        v.checked = !sent.empty();
        v.reason = "no root store could be loaded";
        return v;
    }
    // The path verdict depends on the chain and the time, not on the server name: it is
    // kept per chain, with the decoded leaf to match each connection's name against.
    std::string key;
    for (const auto& c : sent) key += c.sha256_hex.empty() ? std::string("?") : c.sha256_hex;
    auto it = cache_.find(key);
    if (it != cache_.end() && at_epoch >= it->second.valid_from && at_epoch <= it->second.valid_until) {
        Cached& c = it->second;
        ChainVerdict v = c.verdict;
        v.checked_at = at_epoch;
        auto known = c.names.find(server_name);
        if (known != c.names.end()) {
            v.server_name = server_name;
            v.name_matches = known->second.first;
            v.matched_name = known->second.second;
            finish_verdict(v, sent, server_name);
            return v;
        }
        check_name(v, c.leaf.get(), sent, server_name);
        if (c.names.size() >= kChainNameCacheEntries) c.names.clear();
        c.names.emplace(server_name, std::make_pair(v.name_matches, v.matched_name));
        return v;
    }
    X509Ptr leaf;
    ChainVerdict v = verify_path(sent, at_epoch, *roots_, leaf);
    // Reusable at another time only when no certificate's validity decided anything.
    bool all_valid_now = !v.path.empty() && leaf;
    for (const auto& l : v.path) all_valid_now = all_valid_now && l.valid_at_time;
    if (all_valid_now) {
        // The window in which every path certificate is valid: OpenSSL (and link_for)
        // take a certificate as valid from its notBefore second on, and as expired from
        // its notAfter second on.
        Cached c{v, INT64_MIN, INT64_MAX, nullptr, {}};
        for (const auto& l : v.path) {
            c.valid_from = std::max(c.valid_from, l.not_before_epoch);
            c.valid_until = std::min(c.valid_until, l.not_after_epoch - 1);
        }
        X509_up_ref(leaf.get());
        c.leaf = std::shared_ptr<X509>(leaf.get(), X509_free);
        if (cache_.size() >= kChainVerdictCacheEntries) cache_.clear();
        cache_[key] = std::move(c);
    }
    check_name(v, leaf.get(), sent, server_name);
    return v;
}

// ---------------------------------------------------------------------------------------
// The "[Chain of trust]" subtree. Not on the wire: every node is generated.

namespace {

constexpr FieldDef kChain{"tls.chain", "Chain of trust", FieldType::None};
constexpr FieldDef kChainPath{"tls.chain.path", "Root \xe2\x86\x92 leaf", FieldType::String};
constexpr FieldDef kChainCertificate{"tls.chain.certificate", "Certificate", FieldType::String};
constexpr FieldDef kChainSignature{"tls.chain.certificate.signature_valid", "Signature valid", FieldType::Bool};
constexpr FieldDef kChainUnused{"tls.chain.unused", "Sent but not on the path", FieldType::String};
constexpr FieldDef kChainRoots{"tls.chain.roots", "Root store", FieldType::String};
constexpr FieldDef kChainCheckedAt{"tls.chain.checked_at", "Checked at", FieldType::AbsTime};
constexpr FieldDef kChainValid{"tls.chain.valid", "Chain valid", FieldType::Bool};
constexpr FieldDef kChainError{"tls.chain.error", "Problem", FieldType::String};
constexpr FieldDef kChainNameMatches{"tls.chain.server_name_matches", "Server name matches", FieldType::Bool};

std::string ordinal_role(const ChainVerdict& v, std::size_t i) {
    if (i + 1 == v.path.size()) return "Leaf";
    if (i == 0 && v.path[i].self_signed) return "Root";
    return "Intermediate";
}

}  // namespace

void add_chain_of_trust_nodes(NodeRef parent, const ChainVerdict& v) {
    if (!parent || !v.checked) return;
    NodeRef chain = parent.add_generated(kChain, std::monostate{});
    chain.set_text("Chain of trust");
    const char* arrow = " \xe2\x86\x92 ";  // →
    std::string path;
    for (const auto& l : v.path) path += (path.empty() ? "" : arrow) + l.name;
    chain.add_generated(kChainPath, path).set_text("Root", arrow, "leaf: ", path);
    for (std::size_t i = 0; i < v.path.size(); ++i) {
        const ChainLink& l = v.path[i];
        std::string where = l.sent_index >= 0 ? "certificate " + std::to_string(l.sent_index + 1) + " as sent"
                                              : "from the root store";
        if (l.trusted && l.sent_index >= 0) where += ", in the root store";
        std::string text = ordinal_role(v, i) + ": " + l.subject + " (" + where + ")";
        if (l.self_signed)
            text += ", self-signed";
        else if (i > 0)
            text += ", signed by " + v.path[i - 1].name;
        text += !l.signature_valid ? ": signature not checked (issuer not available)"
                                   : *l.signature_valid ? ": signature valid" : ": signature INVALID";
        if (!l.valid_at_time) text += "; not valid at the capture time (" + l.not_before + " to " + l.not_after + ")";
        NodeRef c = chain.add_generated(kChainCertificate, l.subject);
        c.set_text(text);
        if (l.signature_valid)
            c.add_generated(kChainSignature, *l.signature_valid).set_hidden();  // for -Y and -e
    }
    for (int i : v.unused)
        chain.add_generated(kChainUnused, std::to_string(i + 1))
            .set_text("Certificate ", i + 1, " as sent is not on the path from the leaf");
    chain.add_generated(kChainRoots, v.roots).set_text("Root store: ", v.roots);
    chain.add_generated(kChainCheckedAt, std::int64_t(v.checked_at) * 1000000000)
        .set_text("Validity checked at: ", iso8601_utc(v.checked_at), " (capture time of this message)");
    NodeRef valid = chain.add_generated(kChainValid, v.path_valid);
    valid.set_text(v.path_valid ? "Chain: valid" : "Chain: invalid (" + v.reason + ")");
    if (v.errors.size() > 1 || (!v.path_valid && v.errors.size() == 1 && v.errors[0] != v.reason))
        for (const auto& e : v.errors) valid.add_generated(kChainError, e).set_text("Problem: ", e);
    if (!v.server_name.empty() && v.name_matches) {
        NodeRef n = chain.add_generated(kChainNameMatches, *v.name_matches);
        if (*v.name_matches) {
            n.set_text("Server name: " + v.server_name + " matches " +
                       (v.matched_name == v.server_name ? std::string("SAN ") : std::string("SAN pattern ")) +
                       v.matched_name);
        } else {
            n.set_text("Server name: ", v.server_name, " does NOT match the certificate");
        }
    }
}

}  // namespace tlsdissect
