// DNS query/response matching and the name -> address memory (see the header).
#include "dns/dns_transactions.hpp"

#include <algorithm>
#include <iterator>
#include <unordered_set>

#include "dns/dns_name.hpp"
#include "tlsdissect/text.hpp"

namespace tlsdissect {

namespace {

std::size_t mix(std::size_t h, std::size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2)); }

std::size_t hash_address(const NetAddress& a) {
    std::size_t h = a.family;
    for (auto b : a.bytes) h = mix(h, b);
    return h;
}

}  // namespace

std::size_t DnsTransactionTable::KeyHash::operator()(const Key& k) const noexcept {
    std::size_t h = hash_address(k.a);
    h = mix(h, hash_address(k.b));
    h = mix(h, k.a_port);
    h = mix(h, k.b_port);
    h = mix(h, static_cast<std::size_t>(k.transport));
    return mix(h, k.id);
}

std::size_t DnsTransactionTable::NetAddressHash::operator()(const NetAddress& a) const noexcept {
    return hash_address(a);
}

DnsTransactionTable::Key DnsTransactionTable::make_key(const DnsEndpoints& where, std::uint16_t id) {
    Key k;
    const bool src_first = std::tie(where.src, where.src_port) <= std::tie(where.dst, where.dst_port);
    k.a = src_first ? where.src : where.dst;
    k.a_port = src_first ? where.src_port : where.dst_port;
    k.b = src_first ? where.dst : where.src;
    k.b_port = src_first ? where.dst_port : where.src_port;
    k.transport = where.transport;
    k.id = id;
    return k;
}

std::vector<std::string> DnsTransactionTable::question_key(const std::vector<DnsQuestion>& questions) {
    std::vector<std::string> out;
    out.reserve(questions.size());
    for (const auto& q : questions)
        out.push_back(dns_name_key(q.name) + "/" + std::to_string(q.type) + "/" + std::to_string(q.klass));
    return out;
}

std::uint64_t DnsTransactionTable::question_digest(const std::vector<std::string>& question_key) {
    std::string joined;
    for (const auto& q : question_key) {
        joined += q;
        joined += '\n';
    }
    return fnv1a_64(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(joined.data()), joined.size()));
}

std::uint64_t DnsTransactionTable::find_answered(const Key& key, std::uint64_t question, bool any_question) const {
    return answered_.find_best(
        KeyHash{}(key),
        [&](const Answered& a) {
            return a.a_port == key.a_port && a.b_port == key.b_port && a.id == key.id &&
                   (any_question || a.question == question);
        },
        [](const Answered& a, std::uint64_t) { return a.age; });
}

void DnsTransactionTable::answer(const Key& key, std::deque<Transaction>& list, Transaction& t) {
    Answered a;
    a.hash = KeyHash{}(key);
    a.question = question_digest(t.question_key);
    a.query_frame = t.record.query_frame;
    a.response_frame = t.record.response_frame;
    a.query_ts_ns = t.record.query_ts_ns;
    a.age = t.age;
    a.a_port = key.a_port;
    a.b_port = key.b_port;
    a.id = key.id;
    a.multiple_responses = t.multiple_responses;
    a.client_is_a = t.record.client == key.a && t.record.client_port == key.a_port;
    while (answered_.size() >= kMaxDnsAnsweredKept) answered_.pop_front();
    answered_.push(a);
    age_order_.erase(t.age);
    --count_;
    const std::uint64_t age = t.age;
    list.erase(std::find_if(list.begin(), list.end(), [age](const Transaction& x) { return x.age == age; }));
    if (list.empty()) table_.erase(key);
}

void DnsTransactionTable::drop(const Key& key, std::uint64_t age) {
    age_order_.erase(age);
    auto it = table_.find(key);
    if (it == table_.end()) return;
    auto& list = it->second;
    for (auto t = list.begin(); t != list.end(); ++t) {
        if (t->age != age) continue;
        expired_unanswered_.push_back(std::move(t->record));
        if (expired_unanswered_.size() > kMaxDnsUnansweredKept) {
            expired_unanswered_.pop_front();
            ++dropped_;
            ++not_listed_;
        }
        list.erase(t);
        --count_;
        break;
    }
    if (list.empty()) table_.erase(it);
}

void DnsTransactionTable::expire(std::int64_t now_ns) {
    while (!age_order_.empty()) {
        auto oldest = age_order_.begin();
        const bool too_old = now_ns - oldest->second.ts_ns > kDnsTransactionTimeoutNs;
        if (!too_old && count_ <= kMaxDnsTransactions) break;
        if (!too_old) ++dropped_;
        const Key key = oldest->second.key;
        drop(key, oldest->first);
    }
    while (!answered_.empty() && now_ns - answered_.front().query_ts_ns > kDnsTransactionTimeoutNs) answered_.pop_front();
    while (!unsolicited_.empty() && now_ns - unsolicited_.front().ts_ns > kDnsTransactionTimeoutNs)
        unsolicited_.pop_front();
}

void DnsTransactionTable::complete(const Transaction& t) {
    if (!keep_completed_) return;
    completed_.push_back(t.record);
    if (completed_.size() > kMaxDnsTransactions) {
        completed_.pop_front();
        ++dropped_;
        ++not_listed_;
    }
}

DnsMatch DnsTransactionTable::observe(const DnsEndpoints& where, const DnsMessageFacts& message, std::uint64_t frame,
                                      std::int64_t ts_ns) {
    DnsMatch m;
    expire(ts_ns);
    if (!message.header_complete) return m;
    const Key key = make_key(where, message.id);
    std::vector<std::string> qkey = question_key(message.questions);

    if (!message.response) {
        auto& list = table_[key];
        if (!list.empty()) {
            // The latest transaction under the key, if not answered since.
            Transaction& last = list.back();
            const bool answered_later = answered_.find_newest(KeyHash{}(key), [&](const Answered& a) {
                return a.a_port == key.a_port && a.b_port == key.b_port && a.id == key.id && a.age > last.age;
            });
            if (!answered_later && last.question_key == qkey &&
                ts_ns - last.record.query_ts_ns < kDnsRetransmissionWindowNs) {
                ++last.record.retransmissions;
                m.retransmission = true;
                m.retransmit_of = last.record.query_frame;
                return m;
            }
        }
        Transaction t;
        t.record.id = message.id;
        t.record.transport = where.transport;
        t.record.client = where.src;
        t.record.server = where.dst;
        t.record.client_port = where.src_port;
        t.record.server_port = where.dst_port;
        t.record.query_frame = frame;
        t.record.query_ts_ns = ts_ns;
        t.record.questions = message.questions;
        for (const auto& q : message.questions)
            t.multiple_responses = t.multiple_responses || q.type == kDnsTypeAxfr || q.type == kDnsTypeIxfr;
        // A response that arrived before its query (packets out of time order).
        for (auto u = unsolicited_.rbegin(); u != unsolicited_.rend(); ++u) {
            if (!(u->key == key) || u->question_key != qkey) continue;
            m.response_in = u->frame;
            t.record.response_frame = u->frame;
            t.record.response_time_ns = u->ts_ns - ts_ns;
            unsolicited_.erase(std::next(u).base());
            break;
        }
        t.question_key = std::move(qkey);
        t.age = next_age_++;
        list.push_back(std::move(t));
        ++count_;
        age_order_.emplace(list.back().age, Age{key, frame, ts_ns});
        if (list.size() > kMaxDnsTransactionsPerKey) {
            ++dropped_;
            drop(key, list.front().age);  // leaves the latest
        }
        if (m.response_in) {
            auto& now_list = table_[key];
            complete(now_list.back());
            answer(key, now_list, now_list.back());
        }
        expire(ts_ns);
        return m;
    }

    Transaction* match = nullptr;
    auto it = table_.find(key);
    if (it != table_.end()) {
        auto& list = it->second;
        if (!qkey.empty()) {
            for (auto t = list.rbegin(); t != list.rend() && !match; ++t)
                if (t->question_key == qkey) match = &*t;
        } else {
            // mDNS answers carry no question: prefer the query that asked for an owner
            // name in the answers.
            std::unordered_set<std::string> owners;
            for (const auto* section : {&message.answers, &message.authorities, &message.additionals})
                for (const auto& rr : *section) owners.insert(dns_name_key(rr.name));
            for (auto t = list.rbegin(); t != list.rend() && !match; ++t) {
                for (const auto& q : t->record.questions)
                    if (owners.count(dns_name_key(q.name))) match = &*t;
            }
            if (!match && !list.empty()) match = &list.back();
        }
    }
    if (!match) {
        // Another response to an answered query: a retransmission, or the next message of
        // a zone transfer.
        if (const std::uint64_t found = find_answered(key, question_digest(qkey), qkey.empty())) {
            const Answered& a = answered_.at(found - 1);
            DnsTransactionRecord query;
            query.id = a.id;
            query.transport = key.transport;
            query.client = a.client_is_a ? key.a : key.b;
            query.server = a.client_is_a ? key.b : key.a;
            query.client_port = a.client_is_a ? key.a_port : key.b_port;
            query.server_port = a.client_is_a ? key.b_port : key.a_port;
            query.query_frame = a.query_frame;
            query.query_ts_ns = a.query_ts_ns;
            remember_resolutions(message, frame, &query);
            if (a.multiple_responses) {
                m.request_in = a.query_frame;
                m.time_ns = ts_ns - a.query_ts_ns;
            } else {
                // As Wireshark: the query's time belongs to the first response.
                m.retransmission = true;
                m.retransmit_of = a.response_frame;
            }
            return m;
        }
    }
    remember_resolutions(message, frame, match ? &match->record : nullptr);
    if (!match) {
        m.unsolicited = true;
        unsolicited_.push_back({key, std::move(qkey), frame, ts_ns});
        if (unsolicited_.size() > kMaxDnsUnsolicitedKept) unsolicited_.pop_front();
        return m;
    }
    match->record.response_frame = frame;
    match->record.response_time_ns = ts_ns - match->record.query_ts_ns;
    match->record.rcode = message.full_rcode();
    match->record.answers = message.answers;
    m.request_in = match->record.query_frame;
    m.time_ns = match->record.response_time_ns;
    complete(*match);
    answer(key, it->second, *match);
    return m;
}

std::string dns_transaction_uid(const DnsTransactionRecord& t) {
    std::string key = concat(t.transport == DnsTransport::Tcp ? "dns/tcp " : "dns/udp ", t.client.endpoint_text(t.client_port),
                             ' ', t.server.endpoint_text(t.server_port), ' ', t.id, ' ', t.query_ts_ns);
    return stable_uid('D', key);
}

void DnsTransactionTable::remember_resolutions(const DnsMessageFacts& message, std::uint64_t frame,
                                               const DnsTransactionRecord* query) {
    if (message.full_rcode() != 0 || message.answers.empty()) return;
    const std::string qname = message.questions.empty() ? std::string() : message.questions.front().name;
    // The CNAME chain from the name asked, through the answer section (RFC 1034 section 3.6.2).
    std::vector<std::string> chain;
    std::string current = dns_name_key(qname);
    while (!qname.empty() && chain.size() < kMaxDnsCnameChain) {
        const DnsRecord* next = nullptr;
        for (const auto& rr : message.answers)
            if (rr.type == kDnsTypeCname && dns_name_key(rr.name) == current) next = &rr;
        if (!next) break;
        chain.push_back(next->target);
        current = dns_name_key(next->target);
    }
    const std::string uid = query ? dns_transaction_uid(*query) : std::string();
    for (const auto& rr : message.answers) {
        if (rr.type == kDnsTypeHttps && !rr.alpn.empty()) remember_binding(rr, frame);
        if ((rr.type == kDnsTypeHttps || rr.type == kDnsTypeSvcb) && !rr.ech_configs.empty()) {
            if (ech_bindings_.size() >= kMaxDnsEchBindings) ech_bindings_.pop_front();
            ech_bindings_.push_back({frame, rr.name, {}, rr.ech_configs});
        }
        if (!rr.address || (rr.type != kDnsTypeA && rr.type != kDnsTypeAaaa)) continue;
        DnsResolution res;
        res.frame = frame;
        res.transaction_uid = uid;
        const std::string owner = dns_name_key(rr.name);
        if (!qname.empty() && owner == dns_name_key(qname)) {
            res.name = qname;
        } else {
            std::size_t k = 0;
            while (k < chain.size() && dns_name_key(chain[k]) != owner) ++k;
            if (!qname.empty() && k < chain.size()) {
                res.name = qname;
                res.cname_chain.assign(chain.begin(), chain.begin() + static_cast<long>(k + 1));
            } else {
                res.name = rr.name;  // not reached from the question: the owner is what resolved
            }
        }
        auto& list = resolutions_[*rr.address];
        list.push_back(std::move(res));
        if (list.size() > kMaxDnsResolutionsPerAddress) {
            list.pop_front();
            continue;
        }
        resolution_order_.push_back(*rr.address);
        if (++resolution_count_ <= kMaxDnsResolutions) continue;
        const NetAddress oldest = resolution_order_.front();
        resolution_order_.pop_front();
        auto old = resolutions_.find(oldest);
        if (old != resolutions_.end()) {
            old->second.pop_front();
            if (old->second.empty()) resolutions_.erase(old);
        }
        --resolution_count_;
    }
}

void DnsTransactionTable::remember_binding(const DnsRecord& rr, std::uint64_t frame) {
    const std::string key = dns_name_key(rr.name);
    auto& list = bindings_[key];
    list.push_back({frame, rr.name, rr.alpn, {}});
    if (list.size() > kMaxDnsResolutionsPerAddress) {
        list.pop_front();
        return;
    }
    binding_order_.push_back(key);
    if (binding_order_.size() <= kMaxDnsResolutions) return;
    auto old = bindings_.find(binding_order_.front());
    binding_order_.pop_front();
    if (old != bindings_.end()) {
        old->second.pop_front();
        if (old->second.empty()) bindings_.erase(old);
    }
}

std::optional<DnsServiceBinding> DnsTransactionTable::service_binding_for(std::string_view host, std::uint16_t port,
                                                                          std::uint64_t before_frame) const {
    if (host.empty()) return std::nullopt;
    const std::string owner =
        port == 443 ? std::string(host) : "_" + std::to_string(port) + "._https." + std::string(host);
    auto it = bindings_.find(dns_name_key(owner));
    if (it == bindings_.end()) return std::nullopt;
    for (auto b = it->second.rbegin(); b != it->second.rend(); ++b)
        if (b->frame < before_frame) return *b;
    return std::nullopt;
}

std::optional<DnsEchConfig> DnsTransactionTable::ech_config_for(std::uint8_t config_id, std::string_view public_name,
                                                                 std::uint64_t before_frame) const {
    for (auto b = ech_bindings_.rbegin(); b != ech_bindings_.rend(); ++b) {
        if (b->frame >= before_frame) continue;
        for (const EchConfigSummary& c : b->ech_configs)
            if (c.complete && c.config_id == config_id && (public_name.empty() || dns_names_equal(c.public_name, public_name)))
                return DnsEchConfig{b->frame, b->name, c};
    }
    return std::nullopt;
}

std::optional<DnsResolution> DnsTransactionTable::resolution_for(const NetAddress& address,
                                                                 std::uint64_t before_frame) const {
    auto it = resolutions_.find(address);
    if (it == resolutions_.end()) return std::nullopt;
    for (auto r = it->second.rbegin(); r != it->second.rend(); ++r)
        if (r->frame < before_frame) return *r;
    return std::nullopt;
}

std::vector<DnsTransactionRecord> DnsTransactionTable::unanswered() const {
    std::vector<DnsTransactionRecord> out(expired_unanswered_.begin(), expired_unanswered_.end());
    std::vector<DnsTransactionRecord> pending;
    for (const auto& [key, list] : table_)
        for (const auto& t : list)
            if (t.record.response_frame == 0) pending.push_back(t.record);
    std::sort(pending.begin(), pending.end(),
              [](const auto& x, const auto& y) { return x.query_frame < y.query_frame; });
    out.insert(out.end(), pending.begin(), pending.end());
    return out;
}

bool DnsResolution::names(std::string_view host) const {
    if (dns_names_equal(host, name)) return true;
    for (const auto& c : cname_chain)
        if (dns_names_equal(host, c)) return true;
    return false;
}

std::vector<DnsTransactionRecord> DnsTransactionTable::take_completed() {
    if (completed_.empty()) return {};  // the common case: asked after every packet
    std::vector<DnsTransactionRecord> out(std::make_move_iterator(completed_.begin()),
                                          std::make_move_iterator(completed_.end()));
    completed_.clear();
    return out;
}

}  // namespace tlsdissect
