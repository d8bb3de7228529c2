// Key schedule and Finished checks for one connection (see tls_decryption.hpp).
#include "tls/tls_decryption.hpp"

#include <algorithm>
#include <cstring>

namespace tlsdissect {

namespace {

std::vector<std::uint8_t> concat_bytes(Bytes a, Bytes b) {
    std::vector<std::uint8_t> out(a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

}  // namespace

void TlsDecryption::set_unavailable(int role, std::string why) {
    active_[role].reset();
    why_not_[role] = std::move(why);
}

void TlsDecryption::on_change_cipher_spec(int role) {
    // TLS 1.3: a compatibility record only (RFC 8446 appendix D.4); so is a client's
    // before any Server Hello when its Client Hello offered TLS 1.3 (0-RTT).
    if (tls13_ || (version_ == 0 && client_offered_tls13_)) return;
    protected_[role] = true;
    if (pending_[role]) {
        active_[role] = std::move(pending_[role]);
        why_not_[role].clear();
    } else if (why_not_[role].empty()) {
        set_unavailable(role, "no keys for this handshake");
    } else {
        active_[role].reset();
    }
}

void TlsDecryption::start_tls12(const TlsConnectionFacts& facts) {
    for (int role = 0; role < 2; ++role) pending_[role].reset();
    auto fail = [&](const std::string& why) {
        for (int role = 0; role < 2; ++role) why_not_[role] = why;
    };
    if (master_secret_.empty()) {
        fail(suite_.key_exchange == "RSA"
                 ? "the key log has no CLIENT_RANDOM line for this Client Random, nor an RSA line for its pre-master secret"
                 : "the key log has no CLIENT_RANDOM line for this Client Random");
        return;
    }
    if (!suite_.known || suite_.mode == CipherMode::Unknown) {
        fail("records of " + suite_.name + " are not decrypted");
        return;
    }
    const std::size_t mac = suite_.mode == CipherMode::Cbc || suite_.mode == CipherMode::Stream ||
                                    suite_.mode == CipherMode::Null
                                ? static_cast<std::size_t>(suite_.mac_bytes)
                                : 0;
    const std::size_t key = static_cast<std::size_t>(suite_.key_bytes);
    const std::size_t iv = static_cast<std::size_t>(suite_.fixed_iv_bytes);
    // RFC 5246 section 6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random).
    const auto seed = concat_bytes(facts.server_random, facts.client_random);
    auto block = tls_prf(version_, suite_.prf_hash, master_secret_, "key expansion", seed, 2 * (mac + key + iv));
    if (!block) {
        fail("OpenSSL cannot compute the PRF for " + suite_.name);
        return;
    }
    Bytes b(*block);
    Bytes mac_key[2] = {b.subspan(0, mac), b.subspan(mac, mac)};
    Bytes write_key[2] = {b.subspan(2 * mac, key), b.subspan(2 * mac + key, key)};
    Bytes write_iv[2] = {b.subspan(2 * (mac + key), iv), b.subspan(2 * (mac + key) + iv, iv)};
    for (int role = 0; role < 2; ++role) {
        std::string error;
        pending_[role] = make_tls12_decryptor(suite_, version_, write_key[role], write_iv[role], mac_key[role],
                                              facts.encrypt_then_mac, error);
        if (!pending_[role]) why_not_[role] = error;
    }
}

// An RSA key exchange (RFC 5246 section 7.4.7.1): the Client Key Exchange carries
// EncryptedPreMasterSecret (with a 2-byte length from TLS 1.0 on); a key log's RSA line
// gives the pre-master secret for its first 8 bytes. The master secret is then
// PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)
// (section 8.1), or with extended_master_secret PRF(pre_master_secret, "extended master
// secret", session_hash), the hash of the handshake up to this message (RFC 7627 section 4).
void TlsDecryption::master_from_rsa_premaster(Bytes body, const TlsConnectionFacts& facts) {
    if (version_ >= 0x0301) {
        if (body.size() < 2 || body.size() - 2 != static_cast<std::size_t>(body[0] << 8 | body[1])) return;
        body = body.subspan(2);
    }
    const std::vector<std::uint8_t>* premaster = keys_.find_rsa_premaster(body);
    if (!premaster) return;
    std::optional<Secret> master;
    if (facts.extended_master_secret) {
        std::optional<Secret> session_hash;
        if (version_ >= 0x0303) {
            session_hash = transcript_hash(suite_.prf_hash);
        } else if (!transcript_overflow_) {
            auto md5 = digest_of("MD5", transcript_), sha1 = digest_of("SHA1", transcript_);
            if (md5 && sha1) session_hash = concat_bytes(*md5, *sha1);
        }
        if (session_hash && !transcript_incomplete_)
            master = tls_prf(version_, suite_.prf_hash, *premaster, "extended master secret", *session_hash, 48);
    } else {
        master = tls_prf(version_, suite_.prf_hash, *premaster, "master secret",
                         concat_bytes(facts.client_random, facts.server_random), 48);
    }
    if (!master) return;
    master_secret_ = std::move(*master);
    start_tls12(facts);
}

void TlsDecryption::start_tls13(const TlsConnectionFacts&) {
    protected_[0] = protected_[1] = true;
    // Each side separately: a key log written by one peer may hold only its own secrets.
    const Secret* secret[2] = {nullptr, nullptr};
    if (secrets_) {
        secret[0] = &secrets_->client_handshake_traffic_secret;
        secret[1] = &secrets_->server_handshake_traffic_secret;
    }
    static const char* const kLabel[2] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET"};
    for (int role = 0; role < 2; ++role) {
        if (!secret[role] || secret[role]->empty()) {
            set_unavailable(role, std::string("the key log has no ") + kLabel[role] + " for this Client Random");
            continue;
        }
        handshake_secret_[role] = traffic_secret_[role] = *secret[role];
        std::string error;
        active_[role] = make_tls13_decryptor(suite_, traffic_secret_[role], error);
        if (!active_[role]) set_unavailable(role, error);
    }
}

void TlsDecryption::start_early_data(const TlsConnectionFacts& facts) {
    early_.clear();
    early_window_ = early_expected_ = true;
    protected_[0] = true;
    early_why_not_.clear();
    const SessionSecrets* secrets = keys_.find(facts.client_random);
    if (!secrets || secrets->client_early_traffic_secret.empty()) {
        early_why_not_ = "early data (0-RTT): the key log has no CLIENT_EARLY_TRAFFIC_SECRET for this Client Random";
        return;
    }
    const Secret& secret = secrets->client_early_traffic_secret;
    for (const std::uint16_t id : facts.client_hello.cipher_suites) {
        if ((id >> 8) != 0x13) continue;  // the TLS 1.3 suites (RFC 8446 appendix B.4)
        const CipherSuiteInfo& suite = describe_cipher_suite(id);
        if (!suite.known || digest_length(suite.prf_hash) != secret.size()) continue;
        std::string error;
        if (auto d = make_tls13_decryptor(suite, secret, error)) early_.push_back(std::move(d));
    }
    if (early_.empty())
        early_why_not_ = "early data (0-RTT): no TLS 1.3 cipher suite of the Client Hello fits the "
                         "CLIENT_EARLY_TRAFFIC_SECRET";
}

void TlsDecryption::end_early_data() {
    early_window_ = early_expected_ = false;
    early_.clear();
}

void TlsDecryption::skip_record(int role) {
    if (role == 0 && early_window_ && (early_expected_ || !active_[0])) {
        for (auto& e : early_) e->skip();
    } else if (active_[role]) {
        active_[role]->skip();
    }
}

OpenedRecord TlsDecryption::open_record(int role, std::uint8_t type, std::uint16_t version, Bytes fragment) {
    OpenedRecord out;
    RecordDecryptor* main = active_[role].get();
    std::vector<RecordDecryptor*> order;
    const bool trying = role == 0 && early_window_;  // a failed try does not use up a sequence number
    if (trying) {
        if (main && !early_expected_) order.push_back(main);
        for (auto& e : early_) order.push_back(e.get());
        if (main && early_expected_) order.push_back(main);
    } else if (main) {
        order.push_back(main);
    }
    for (RecordDecryptor* d : order) {
        const std::uint64_t seq = d->sequence();
        DecryptedRecord r = d->decrypt(type, version, fragment);
        if (!r.ok) {
            if (trying) d->set_sequence(seq);
            if (out.cipher.empty()) {
                out.record = std::move(r);
                out.sequence = seq;
                out.cipher = d->cipher_label();
            }
            continue;
        }
        out.record = std::move(r);
        out.sequence = seq;
        out.cipher = d->cipher_label();
        if (d == main) {
            if (trying) end_early_data();  // the client is past its early data
        } else {
            out.early_data = true;
            // This suite is the PSK's: keep its decryptor only.
            for (auto& e : early_)
                if (e.get() == d) {
                    auto keep = std::move(e);
                    early_.clear();
                    early_.push_back(std::move(keep));
                    break;
                }
        }
        return out;
    }
    if (trying && early_.empty()) {
        // No early keys: a record that the handshake keys do not open is early data.
        out.early_data_without_key = true;
        if (order.empty()) out.record.error = early_why_not_;
    }
    return out;
}

std::optional<Secret> TlsDecryption::transcript_hash(const std::string& hash) const {
    if (transcript_overflow_) return std::nullopt;
    return digest_of(hash, transcript_);
}

FinishedVerdict TlsDecryption::check_finished(int role, Bytes verify_data, const TlsConnectionFacts&) const {
    FinishedVerdict v;
    if (tls13_ ? !secrets_ : master_secret_.empty()) {
        v.reason = "no key for this connection";
        return v;
    }
    if (transcript_overflow_) {
        v.reason = "the handshake is too long to keep its transcript";
        return v;
    }
    if (transcript_incomplete_) {
        v.reason = "part of the handshake could not be decrypted";
        return v;
    }
    std::optional<Secret> expected;
    if (tls13_) {
        const Secret& base = handshake_secret_[role];
        const std::size_t n = digest_length(suite_.prf_hash);
        if (base.empty() || n == 0) {
            v.reason = "no handshake traffic secret";
            return v;
        }
        auto finished_key = hkdf_expand_label(suite_.prf_hash, base, "finished", {}, n);
        auto hash = transcript_hash(suite_.prf_hash);
        if (finished_key && hash) expected = hmac_of(suite_.prf_hash, *finished_key, *hash);
    } else {
        if (version_ < 0x0301) {
            v.reason = "SSL 3.0 Finished messages are not checked";
            return v;
        }
        const char* label = role == 0 ? "client finished" : "server finished";
        std::optional<Secret> hash;
        if (version_ >= 0x0303) {
            hash = transcript_hash(suite_.prf_hash);
        } else {
            auto md5 = digest_of("MD5", transcript_), sha1 = digest_of("SHA1", transcript_);
            if (md5 && sha1) hash = concat_bytes(*md5, *sha1);
        }
        if (hash) expected = tls_prf(version_, suite_.prf_hash, master_secret_, label, *hash, 12);
    }
    if (!expected) {
        v.reason = "OpenSSL cannot compute the expected verify_data";
        return v;
    }
    v.checked = true;
    v.correct = expected->size() == verify_data.size() &&
                std::equal(expected->begin(), expected->end(), verify_data.begin(), verify_data.end());
    v.expected_hex = hex_string(*expected);
    return v;
}

FinishedVerdict TlsDecryption::on_handshake_message(int role, Bytes message, const TlsConnectionFacts& facts) {
    FinishedVerdict verdict;
    if (message.size() < header_) return verdict;
    const std::uint8_t type = message[0];
    if (type == kHelloRequest) return verdict;  // not part of the transcript (RFC 5246 7.4.1.1)
    if (type == kClientHello && !(tls13_ && hello_retry_)) {
        // A new handshake (the first, or a renegotiation): a new transcript.
        transcript_.clear();
        transcript_overflow_ = false;
        transcript_incomplete_ = false;
        const auto& offered = facts.client_hello.supported_versions;
        client_offered_tls13_ = std::find(offered.begin(), offered.end(), 0x0304) != offered.end();
        if (role == 0 && header_ == 4 && facts.early_data_offered && client_offered_tls13_ && version_ == 0)
            start_early_data(facts);
    }
    if (facts.early_data_accepted == false) early_expected_ = false;
    if (role == 0 && type == kEndOfEarlyData) early_expected_ = false;
    if (type == kFinished && role >= 0 && role <= 1) verdict = check_finished(role, message.subspan(header_), facts);
    // TLS 1.3 post-handshake messages (New Session Ticket, KeyUpdate) are not part of the
    // transcript; a server may send tickets before the client's Finished.
    const bool post_handshake = tls13_ && (application_keys_[0] || (role == 1 && application_keys_[1]));
    if (transcript_.size() + message.size() > kMaxTranscriptBytes) {
        transcript_overflow_ = true;
        transcript_.clear();
    }
    const std::vector<std::uint8_t> before_hrr = type == kServerHello ? transcript_ : std::vector<std::uint8_t>{};
    if (!transcript_overflow_ && !post_handshake) transcript_.insert(transcript_.end(), message.begin(), message.end());

    if (type == kServerHello) {
        const bool hrr = message.size() >= header_ + 34 &&
                         std::memcmp(message.data() + header_ + 2, kHelloRetryRequestRandom, 32) == 0;
        if (facts.cipher_suite) suite_ = describe_cipher_suite(*facts.cipher_suite);
        if (hrr && !facts.server_hello.cipher_suites.empty())
            suite_ = describe_cipher_suite(facts.server_hello.cipher_suites[0]);
        version_ = tls_equivalent_version(facts.negotiated_version.value_or(0));
        tls13_ = facts.tls13();
        if (hrr) {
            // RFC 8446 section 4.4.1: the first Client Hello is replaced by message_hash.
            hello_retry_ = true;
            tls13_ = true;
            // The client sends no early data after a HelloRetryRequest; its next Client
            // Hello is plaintext.
            end_early_data();
            protected_[0] = false;
            auto h = digest_of(suite_.prf_hash, before_hrr);
            if (h && !transcript_overflow_) {
                std::vector<std::uint8_t> t = {kMessageHash, 0, 0, static_cast<std::uint8_t>(h->size())};
                t.insert(t.end(), h->begin(), h->end());
                t.insert(t.end(), message.begin(), message.end());
                transcript_ = std::move(t);
            }
            return verdict;
        }
        hello_retry_ = false;
        secrets_ = keys_.find(facts.client_random);
        master_secret_ = secrets_ && !tls13_ ? secrets_->master_secret : Secret{};
        if (tls13_)
            start_tls13(facts);
        else
            start_tls12(facts);
        return verdict;
    }
    if (!tls13_) {
        if (type == kClientKeyExchange && role == 0 && master_secret_.empty() && suite_.key_exchange == "RSA")
            master_from_rsa_premaster(message.subspan(header_), facts);
        return verdict;
    }
    auto switch_to = [&](int r, const Secret& secret, const char* missing) {
        traffic_secret_[r] = secret;
        if (secret.empty()) {
            set_unavailable(r, std::string("the key log has no ") + missing + " for this Client Random");
            return;
        }
        std::string error;
        active_[r] = make_tls13_decryptor(suite_, secret, error);
        if (!active_[r]) set_unavailable(r, error);
    };
    if (type == kFinished && role == 0) end_early_data();
    if (type == kFinished && secrets_ && !application_keys_[role]) {
        application_keys_[role] = true;
        if (role == 1)
            switch_to(1, secrets_->server_traffic_secret_0, "SERVER_TRAFFIC_SECRET_0");
        else
            switch_to(0, secrets_->client_traffic_secret_0, "CLIENT_TRAFFIC_SECRET_0");
    } else if (type == kKeyUpdate && !traffic_secret_[role].empty()) {
        // RFC 8446 section 7.2: application_traffic_secret_N+1.
        const std::size_t n = digest_length(suite_.prf_hash);
        auto next = hkdf_expand_label(suite_.prf_hash, traffic_secret_[role], "traffic upd", {}, n);
        switch_to(role, next ? *next : Secret{}, "usable traffic secret");
    }
    return verdict;
}

}  // namespace tlsdissect
