// Value -> name tables from the IANA registries for TLS and DNS: cipher suites,
// extensions, groups, signature schemes, alerts, handshake types, ... and DNS RR types,
// classes, opcodes, RCODEs, EDNS options, SvcParamKeys, DNSSEC algorithms, DS digests.
//
// The arrays are generated at build time by tools/gen_iana_tables.py from the registry
// CSVs in data/iana (data/iana/README.md says where each copy comes from); each is sorted
// by value and holds one name per value, for FieldDef::names and name_of().
#pragma once

#include <string_view>

#include "tlsdissect/field.hpp"

namespace tlsdissect {

#include "iana_tls.inc"
#include "iana_dns.inc"

}  // namespace tlsdissect
