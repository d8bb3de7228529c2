// The display-filter field names the dissectors declare, with their types: the table
// tools/gen_field_names.py generates from the FieldDef declarations at build time. The
// filter compiler uses it to reject unknown names and to read a literal as the field's
// type.
#pragma once

#include <span>
#include <string_view>

#include "tlsdissect/field.hpp"

namespace tlsdissect {

struct FieldName {
    std::string_view name;  // the display-filter name, as in FieldDef::filter
    FieldType type;
    std::string_view label;
    bool has_value_names;   // the FieldDef has a value -> name table
};

// Every declared field, sorted by name, then type; one entry per name and type.
std::span<const FieldName> field_names();

// The entries for `name` (several when a name is declared with different types);
// empty when no dissector declares it.
std::span<const FieldName> find_field_name(std::string_view name);

// The declared name closest to a misspelt `name` (a typo, a swapped pair of letters),
// or empty when none is close enough to suggest.
std::string_view closest_field_name(std::string_view name);

// How a type reads in messages: "unsigned integer", "IPv4 address", ...
std::string_view type_description(FieldType type);

}  // namespace tlsdissect
