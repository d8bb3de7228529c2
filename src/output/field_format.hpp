// How a node's value reads: in the tree ("Type: IPv4 (0x0800)") and as tshark's
// `-T fields` prints it ("0x0800").
#pragma once

#include <string>

#include "tlsdissect/field.hpp"

namespace tlsdissect {

// The whole line the tree shows for a node, without indentation; generated and
// expert nodes come in [brackets].
std::string display_line(const Node& node);
// The value alone, as `tshark -T fields -e NAME` prints it.
std::string field_value(const Node& node);

}  // namespace tlsdissect
