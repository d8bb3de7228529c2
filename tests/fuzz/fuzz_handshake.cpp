// Fuzz target: one TLS handshake message (header included) through
// dissect_handshake_message, with a tree and again without one (the --sessions path).
//
// Input: [u8 config] message bytes. config bit 0: the client sent it (else the
// server); bit 1: the capture was cut (the wire had 100 more bytes); bit 2: TLS 1.3 was
// negotiated before it (changes how Certificate and others parse); bit 3: a Client
// Hello was seen first (its facts are what a Server Hello is checked against).
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "tls/audit.hpp"
#include "tls/fingerprints.hpp"
#include "tls/tls_common.hpp"

using namespace tlsdissect;

namespace {

TlsConnectionFacts initial_facts(std::uint8_t config) {
    TlsConnectionFacts facts;
    if (config & 4) facts.negotiated_version = 0x0304;
    if (config & 8) {
        facts.client_hello.seen = true;
        facts.client_hello.version = 0x0303;
        facts.client_hello.cipher_suites = {0x1301, 0xc02f};
        facts.client_hello.supported_versions = {0x0304, 0x0303};
        facts.client_hello_version = 0x0303;
    }
    return facts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    const std::uint8_t config = in.u8();
    Bytes message = in.rest();
    const int side = (config & 1) ? 0 : 1;
    const std::size_t reported = message.size() + ((config & 2) ? 100 : 0);
    fuzz::Engine engine;
    {
        Tree tree;
        tree.frame_bytes = message;
        PacketColumns columns;
        PacketContext ctx = engine.context(&tree, &columns, 1, 1'000'000'000);
        TlsConnectionFacts facts = initial_facts(config);
        std::string info;
        NodeRef parent = tree.root();
        dissect_handshake_message(ByteReader(message, reported, 0), parent, side, facts, ctx, info);
        fuzz::render(tree);
        (void)ja3(facts.client_hello);
        (void)ja4(facts.client_hello, !facts.sni.empty());
        (void)ja3s(facts.server_hello);
        (void)ja4s(facts.server_hello);
        for (const auto& c : facts.certificates) (void)certificate_one_line(c);
        (void)audit_connection(facts, "en");  // --audit over whatever the message left (certificate DER too)
    }
    {
        PacketContext ctx = engine.context(nullptr, nullptr, 1, 1'000'000'000);
        TlsConnectionFacts facts = initial_facts(config);
        std::string info;
        dissect_handshake_message(ByteReader(message, reported, 0), NodeRef{}, side, facts, ctx, info);
    }
    return 0;
}
