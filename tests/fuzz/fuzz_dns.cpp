// Fuzz target: one DNS message through parse_dns_message (DNS, mDNS and LLMNR), with a
// tree and without one, plus the heuristic that recognises DNS on other ports; then
// the facts go through a DnsTransactionTable as a query and as its response.
//
// Input: [u8 config] message bytes. config bits 0-1: flavor (0 DNS, 1 mDNS, 2 LLMNR);
// bit 2: the capture was cut (the wire had 50 more bytes).
#include <cstdint>
#include <string>

#include "dns/dns_message.hpp"
#include "dns/dns_transactions.hpp"
#include "fuzz_support.hpp"

using namespace tlsdissect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::InputCursor in(data, size);
    const std::uint8_t config = in.u8();
    const DnsFlavor flavor = (config & 3) == 1 ? DnsFlavor::Mdns : (config & 3) == 2 ? DnsFlavor::Llmnr : DnsFlavor::Dns;
    Bytes message = in.rest();
    const std::size_t reported = message.size() + ((config & 4) ? 50 : 0);

    Tree tree;
    tree.frame_bytes = message;
    NodeRef layer = tree.root().add(dns_layer_field(flavor), std::monostate{}, 0, message.size());
    std::string info;
    DnsMessageFacts facts = parse_dns_message(ByteReader(message, reported, 0), layer, flavor, &info);
    fuzz::render(tree);

    DnsMessageFacts plain = parse_dns_message(ByteReader(message, reported, 0), NodeRef{}, flavor, nullptr);
    // The facts do not depend on whether a tree is built.
    FUZZ_CHECK(plain.malformed == facts.malformed);
    FUZZ_CHECK(plain.questions.size() == facts.questions.size());
    FUZZ_CHECK(plain.answers.size() == facts.answers.size());
    (void)plausible_dns_message(message);

    DnsTransactionTable table;
    DnsEndpoints query;
    query.src.family = query.dst.family = 4;
    query.src.bytes[0] = query.dst.bytes[0] = 127;
    query.dst.bytes[3] = 53;
    query.src_port = 40000;
    query.dst_port = 53;
    DnsEndpoints response = query;
    std::swap(response.src, response.dst);
    std::swap(response.src_port, response.dst_port);
    DnsMessageFacts as_query = facts;
    as_query.response = false;
    DnsMessageFacts as_response = facts;
    as_response.response = true;
    (void)table.observe(query, as_query, 1, 1'000'000'000);
    (void)table.observe(response, as_response, 2, 1'001'000'000);
    (void)table.observe(response, as_response, 3, 1'002'000'000);
    (void)table.resolution_for(query.src, 4);
    (void)table.unanswered();
    return 0;
}
