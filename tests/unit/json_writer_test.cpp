// append_json must give exactly nlohmann's dump() bytes, compact and indented.
#include <catch2/catch.hpp>

#include "output/json_writer.hpp"

using json = nlohmann::ordered_json;

namespace {

void same_as_dump(const json& j) {
    for (int indent : {-1, 2, 4}) {
        INFO("indent " << indent);
        CHECK(tlsdissect::json_text(j, indent) == j.dump(indent, ' ', false, json::error_handler_t::replace));
    }
}

}  // namespace

TEST_CASE("json_text equals nlohmann dump") {
    same_as_dump(nullptr);
    same_as_dump(true);
    same_as_dump(json::object());
    same_as_dump(json::array());
    same_as_dump(std::int64_t(-9223372036854775807LL - 1));
    same_as_dump(std::uint64_t(18446744073709551615ULL));
    for (double d : {0.0, 1.0, -2.5, 1e-5, 0.000123, 1e16, 1e300, 123456789.125, 5.7e-05})
        same_as_dump(d);
    same_as_dump(std::numeric_limits<double>::quiet_NaN());
    same_as_dump("plain ascii ~ {}[]:,");
    same_as_dump("quote \" backslash \\ tab \t newline \n nul " + std::string(1, '\0') + " del \x7f");
    same_as_dump("UTF-8 \xc3\xa9\xe4\xb8\xad and invalid \xff\xc3 bytes \xe4\xb8");
    json nested = {{"kind", "tls"},
                   {"empty_obj", json::object()},
                   {"empty_arr", json::array()},
                   {"list", {1, 2, {{"a", nullptr}, {"b\"", {3.5, "x\x01"}}}}},
                   {"\xff key", false}};
    same_as_dump(nested);
    same_as_dump(json::array({nested, nested}));
}
