// The registration of every protocol module in the dissector tables.
#pragma once

#include "core/dissector_tables.hpp"

namespace tlsdissect {

void register_all_protocols(DissectorTables& tables);

}  // namespace tlsdissect
