// --explain notes: both languages have the same keys, and every field that the teaching
// article annotates (seed article: DNS with a CNAME, then a TLS 1.2 ECDHE-RSA handshake)
// gets a note on the bundled capture that reproduces it, captures/https-cname-tls12.pcap.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

#include "explain/explain.hpp"
#include "tls/x509.hpp"
#include "tlsdissect/capture.hpp"
#include "tlsdissect/dissect.hpp"

using namespace tlsdissect;

namespace {

std::map<std::string, std::string> read_tsv(const std::string& lang) {
    std::ifstream in(std::string(TLSDISSECT_SOURCE_DIR) + "/data/explain/" + lang + ".tsv");
    std::map<std::string, std::string> notes;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        notes[line.substr(0, tab)] = line.substr(tab + 1);
    }
    return notes;
}

// (frame in https-cname-tls12.pcap, field the article annotates there, the note's key)
struct Annotated {
    std::uint64_t frame;
    std::string_view field;
    std::string_view key;
};
constexpr Annotated kArticleFields[] = {
    // DNS answer with its CNAME chain, "Request In" and "Time".
    {2, "dns.qry.name", "dns.qry.name"},
    {2, "dns.cname", "dns.cname"},
    {2, "dns.a", "dns.a"},
    {2, "dns.response_to", "dns.response_to"},
    {2, "dns.time", "dns.time"},
    // 1. Client Hello
    {8, "tls.handshake", "tls.handshake#client_hello"},
    {8, "tls.handshake.version", "tls.handshake.version@client_hello"},
    {8, "tls.handshake.random", "tls.handshake.random@client_hello"},
    {8, "tls.handshake.session_id_length", "tls.handshake.session_id_length@client_hello"},
    {8, "tls.handshake.ciphersuites", "tls.handshake.ciphersuites"},
    {8, "tls.handshake.comp_methods", "tls.handshake.comp_methods"},
    {8, "tls.handshake.extension", "tls.handshake.extension#server_name"},
    {8, "tls.handshake.extensions_server_name", "tls.handshake.extensions_server_name"},
    // 2. Server Hello
    {10, "tls.handshake", "tls.handshake#server_hello"},
    {10, "tls.handshake.version", "tls.handshake.version@server_hello"},
    {10, "tls.handshake.random", "tls.handshake.random@server_hello"},
    {10, "tls.handshake.session_id_length", "tls.handshake.session_id_length@server_hello"},
    {10, "tls.handshake.ciphersuite", "tls.handshake.ciphersuite@server_hello"},
    {10, "tls.handshake.comp_method", "tls.handshake.comp_method@server_hello"},
    {10, "tls.handshake.extension", "tls.handshake.extension#renegotiation_info"},
    // 3. Certificate: the chain and each certificate field
    {14, "tls.handshake", "tls.handshake#certificate"},
    {14, "tls.handshake.certificates", "tls.handshake.certificates"},
    {14, "x509af.version", "x509af.version"},
    {14, "x509af.serialNumber", "x509af.serialNumber"},
    {14, "x509af.signature_element", "x509af.signature_element"},
    {14, "x509af.issuer", "x509af.issuer"},
    {14, "x509af.validity_element", "x509af.validity_element"},
    {14, "x509af.subject", "x509af.subject"},
    {14, "x509af.subjectPublicKeyInfo_element", "x509af.subjectPublicKeyInfo_element"},
    {14, "x509af.extensions", "x509af.extensions"},
    {14, "x509af.algorithmIdentifier_element", "x509af.algorithmIdentifier_element"},
    {14, "x509af.encrypted", "x509af.encrypted"},
    // 4. Server Key Exchange, 5. Server Hello Done
    {14, "tls.handshake.ecdh_params", "tls.handshake.ecdh_params"},
    {14, "tls.handshake.server_named_curve", "tls.handshake.server_named_curve"},
    {14, "tls.handshake.server_point", "tls.handshake.server_point"},
    {14, "tls.handshake.sig", "tls.handshake.sig@server_key_exchange"},
    // 6. Client Key Exchange, 7. Change Cipher Spec, 8. Finished (encrypted)
    {16, "tls.handshake", "tls.handshake#client_key_exchange"},
    {16, "tls.handshake.client_point", "tls.handshake.client_point"},
    {16, "tls.change_cipher_spec", "tls.change_cipher_spec"},
    {16, "tls.handshake.encrypted", "tls.handshake.encrypted"},
    // 8.1 New Session Ticket, 9. Change Cipher Spec, 10. Finished
    {17, "tls.handshake", "tls.handshake#new_session_ticket"},
    {17, "tls.handshake.session_ticket_lifetime_hint", "tls.handshake.session_ticket_lifetime_hint"},
    {17, "tls.handshake.session_ticket", "tls.handshake.session_ticket"},
    // 11. Application Data
    {18, "tls.app_data", "tls.app_data"},
};

// Annotated in the article but absent from the bundled capture (other clients send them):
// a note must exist all the same.
constexpr std::string_view kArticleKeysElsewhere[] = {
    "tls.handshake.extension#grease",
    "tls.handshake.extension#status_request",
    "tls.handshake.extension#signed_certificate_timestamp",
    "tls.handshake.extension#application_layer_protocol_negotiation",
    "tls.handshake.extension#session_ticket@server_hello",
    "tls.handshake.extension#extended_master_secret",
    "tls.handshake.extension#signature_algorithms",
    "tls.handshake#server_hello_done",
    "tls.handshake#finished",
    "tls.handshake.verify_data",
    "x509af.issuerUniqueIdentifier",
    "x509af.subjectUniqueIdentifier",
    "x509ce.CertificatePoliciesSyntax",
    "tlsdissect.x509.validation_level",
    "tls.handshake.extension#supported_versions",
    "tls.handshake.extension#key_share",
    "tls.handshake.extension#pre_shared_key",
    "tls.handshake.extension#psk_key_exchange_modes",
    "tls.handshake.extension#early_data",
    "tls.alert_message.desc",
};

}  // namespace

TEST_CASE("Every --explain key has a note in both languages") {
    const auto en = read_tsv("en");
    const auto zh = read_tsv("zh");
    REQUIRE(en.size() > 100);
    std::set<std::string> en_keys, zh_keys, built;
    for (const auto& [k, v] : en) en_keys.insert(k);
    for (const auto& [k, v] : zh) zh_keys.insert(k);
    CHECK(en_keys == zh_keys);
    for (const auto& e : explain_entries()) {
        built.insert(std::string(e.key));
        CHECK_FALSE(e.en.empty());
        CHECK_FALSE(e.zh.empty());
        CHECK(e.en != e.zh);
    }
    CHECK(built == en_keys);
    for (const auto& [k, v] : en) CHECK(explain_lookup(k, ExplainLanguage::En) == v);
    for (const auto& [k, v] : zh) CHECK(explain_lookup(k, ExplainLanguage::Zh) == v);
    for (auto key : kArticleKeysElsewhere) {
        INFO(key);
        CHECK_FALSE(explain_lookup(key, ExplainLanguage::En).empty());
        CHECK_FALSE(explain_lookup(key, ExplainLanguage::Zh).empty());
    }
}

TEST_CASE("Each field the article annotates gets its note on the bundled capture") {
    for (ExplainLanguage lang : {ExplainLanguage::En, ExplainLanguage::Zh}) {
        CaptureError error = CaptureError::None;
        std::string why;
        auto reader =
            CaptureReader::open(std::string(TLSDISSECT_SOURCE_DIR) + "/captures/https-cname-tls12.pcap", error, why);
        REQUIRE(reader);
        FrameDissector dissector;
        Explainer explainer(lang);
        CapturedPacket packet;
        Tree tree;
        PacketColumns columns;
        FrameInfo info;
        std::size_t checked = 0;
        while (reader->next(packet) == ReadStatus::Packet) {
            dissector.dissect(packet, &tree, &columns, &info);
            const auto& notes = explainer.notes(tree);
            for (const auto& a : kArticleFields) {
                if (a.frame != info.number) continue;
                INFO("frame " << a.frame << " " << a.field << " -> " << a.key);
                const std::string_view want = explain_lookup(a.key, lang);
                REQUIRE_FALSE(want.empty());
                // The field's nodes in this frame: one of them carries the note.
                bool found = false, noted = false;
                for (std::size_t id = 1; id < tree.size(); ++id) {
                    const Node& n = tree.node(static_cast<std::int32_t>(id));
                    if (!n.def || n.def->filter != a.field) continue;
                    found = true;
                    if (notes[id] == want) noted = true;
                }
                CHECK(found);
                CHECK(noted);
                ++checked;
            }
        }
        CHECK(checked == std::size(kArticleFields));
    }
}

TEST_CASE("A list item has no note; the chosen suite has one; notes are given once per packet") {
    CaptureError error = CaptureError::None;
    std::string why;
    auto reader = CaptureReader::open(std::string(TLSDISSECT_SOURCE_DIR) + "/captures/https-cname-tls12.pcap", error, why);
    REQUIRE(reader);
    FrameDissector dissector;
    Explainer explainer(ExplainLanguage::En);
    CapturedPacket packet;
    Tree tree;
    PacketColumns columns;
    FrameInfo info;
    while (reader->next(packet) == ReadStatus::Packet) {
        dissector.dissect(packet, &tree, &columns, &info);
        const auto& notes = explainer.notes(tree);
        std::map<std::string_view, int> count;
        for (std::size_t id = 1; id < tree.size(); ++id) {
            const Node& n = tree.node(static_cast<std::int32_t>(id));
            if (!notes[id].empty()) ++count[notes[id]];
            // The offered suites (Client Hello) carry no note each; the chosen one does.
            if (n.def && n.def->filter == "tls.handshake.ciphersuite") {
                if (info.number == 8) CHECK(notes[id].empty());
                if (info.number == 10) CHECK_FALSE(notes[id].empty());
            }
        }
        for (const auto& [note, times] : count) CHECK(times == 1);
    }
}

TEST_CASE("The language comes from --explain or the locale") {
    CHECK(explain_language_from_name("zh") == ExplainLanguage::Zh);
    CHECK(explain_language_from_name("zh_CN.UTF-8") == ExplainLanguage::Zh);
    CHECK(explain_language_from_name("en") == ExplainLanguage::En);
    CHECK_FALSE(explain_language_from_name("auto"));
    CHECK_FALSE(explain_language_from_name("zhx"));
}

TEST_CASE("CA/Browser Forum policy OIDs give the validation level") {
    CHECK(cabf_validation_level({"2.23.140.1.2.1", "1.3.6.1.4.1.11129.2.5.3"}) == "DV (domain validated)");
    CHECK(cabf_validation_level({"2.23.140.1.2.2"}) == "OV (organization validated)");
    CHECK(cabf_validation_level({"2.23.140.1.2.3"}) == "IV (individual validated)");
    CHECK(cabf_validation_level({"2.16.840.1.114412.2.1", "2.23.140.1.1", "2.5.29.32.0"}) == "EV (extended validation)");
    CHECK(cabf_validation_level({"2.23.140.1.2.1", "2.23.140.1.2.2"}) == "OV (organization validated), DV (domain validated)");
    CHECK(cabf_validation_level({"2.5.29.32.0"}).empty());
    CHECK(cabf_validation_level({}).empty());
}
