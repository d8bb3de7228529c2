// The generated TlsExtension and DnsType constants carry the registry's numbers and names.
#include <catch2/catch.hpp>

#include "core/iana_tables.hpp"

using namespace tlsdissect;

static_assert(static_cast<std::uint16_t>(TlsExtension::server_name) == 0);
static_assert(static_cast<std::uint16_t>(TlsExtension::supported_versions) == 43);
static_assert(static_cast<std::uint16_t>(TlsExtension::key_share) == 51);
static_assert(static_cast<std::uint16_t>(DnsType::CNAME) == 5);
static_assert(static_cast<std::uint16_t>(DnsType::NULL_) == 10);  // NULL is a C macro
static_assert(static_cast<std::uint16_t>(DnsType::NSAP_PTR) == 23);
static_assert(static_cast<std::uint16_t>(DnsType::HTTPS) == 65);

TEST_CASE("Generated enum constants name the same values as the name tables") {
    CHECK(name_of(kDnsTypes, static_cast<std::uint16_t>(DnsType::AAAA)) == "AAAA");
    CHECK(name_of(kTlsExtensionTypes, static_cast<std::uint16_t>(TlsExtension::application_layer_protocol_negotiation)) ==
          "application_layer_protocol_negotiation");
}
