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
    for (double d : {0.0, -0.0, 1.0, -2.5, 1e-5, 1e-7, 0.000123, 1e16, 1e21, 1e300, 123456789.125, 5.7e-05,
                     1796508079.740166, 0.1 + 0.2, std::numeric_limits<double>::max(),
                     std::numeric_limits<double>::denorm_min()})
        same_as_dump(d);
    same_as_dump(std::numeric_limits<double>::quiet_NaN());
    same_as_dump(std::numeric_limits<double>::infinity());
    same_as_dump("plain ascii ~ {}[]:,");
    same_as_dump("quote \" backslash \\ tab \t newline \n nul " + std::string(1, '\0') + " del \x7f");
    same_as_dump("UTF-8 \xc3\xa9\xe4\xb8\xad and invalid \xff\xc3 bytes \xe4\xb8");
    // Well-formed UTF-8 is written as it is (DEL too); each kind of ill-formed sequence
    // goes through nlohmann's replacement.
    same_as_dump("TCP Flags: \xc2\xb7\xc2\xb7S\xc2\xb7 \xe2\x80\xa6 \xf0\x9f\x94\x92 \x7f \xf4\x8f\xbf\xbf");
    for (const char* bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
                            "\xc2", "\xe2\x82", "x\x80y", "\xc2\x85"})
        same_as_dump(std::string("a ") + bad + " b");
    json nested = {{"kind", "tls"},
                   {"empty_obj", json::object()},
                   {"empty_arr", json::array()},
                   {"list", {1, 2, {{"a", nullptr}, {"b\"", {3.5, "x\x01"}}}}},
                   {"\xff key", false}};
    same_as_dump(nested);
    same_as_dump(json::array({nested, nested}));
}

namespace {

// Drives a JsonWriter through the same document, value by value.
void write_through(tlsdissect::JsonWriter& w, const json& j) {
    switch (j.type()) {
        case json::value_t::null: w.null(); return;
        case json::value_t::boolean: w.value(j.get<bool>()); return;
        case json::value_t::number_integer: w.value(j.get<std::int64_t>()); return;
        case json::value_t::number_unsigned: w.value(j.get<std::uint64_t>()); return;
        case json::value_t::number_float: w.value(j.get<double>()); return;
        case json::value_t::string: w.value(j.get_ref<const std::string&>()); return;
        case json::value_t::object:
            w.object();
            for (auto it = j.begin(); it != j.end(); ++it) {
                w.key(it.key());
                write_through(w, it.value());
            }
            w.end();
            return;
        case json::value_t::array:
            w.array();
            for (const auto& v : j) write_through(w, v);
            w.end();
            return;
        default: FAIL("unexpected JSON type");
    }
}

void writer_same_as_dump(const json& j) {
    for (int indent : {-1, 2, 4}) {
        for (int level : {0, 2}) {
            INFO("indent " << indent << " level " << level);
            std::string out;
            tlsdissect::JsonWriter w(out, indent, level);
            write_through(w, j);
            std::string expected;
            tlsdissect::append_json(expected, j, indent, level);
            CHECK(out == expected);
            if (level == 0) CHECK(out == j.dump(indent, ' ', false, json::error_handler_t::replace));
        }
    }
}

}  // namespace

TEST_CASE("JsonWriter writes what nlohmann dump writes") {
    writer_same_as_dump(nullptr);
    writer_same_as_dump(json::object());
    writer_same_as_dump(json::array());
    writer_same_as_dump(json::array({json::array(), json::object(), json::array({json::object()})}));
    json nested = {{"kind", "tls"},
                   {"empty_obj", json::object()},
                   {"empty_arr", json::array()},
                   {"list", {1, -2, {{"a", nullptr}, {"b\"", {3.5, 5.6e-05, "x\x01"}}}}},
                   {"\xff key", false},
                   {"utf8", "\xe4\xb8\xad\xff"}};
    writer_same_as_dump(nested);
    writer_same_as_dump(json::array({nested, nested}));
    // Numbers in nlohmann's shortest form, written without a document.
    json numbers = json::array();
    for (double d : {0.0, -0.0, 1.0, -2.5, 1e-7, 1e16, 1e21, 1e300, 1796508079.740166, 0.1 + 0.2,
                     std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min(),
                     std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity()})
        numbers.push_back(d);
    writer_same_as_dump(numbers);
    // Strings: well-formed UTF-8 as it is, the rest through nlohmann's replacement.
    json strings = json::array({"TCP Flags: \xc2\xb7\xc2\xb7S\xc2\xb7", "\xf0\x9f\x94\x92 \x7f", "\xc0\xaf",
                                "\xed\xa0\x80", "\xf4\x90\x80\x80", "cut \xe2\x82", "\xc2\x85", "tab\t\"q\"\\"});
    writer_same_as_dump(strings);
}

TEST_CASE("JsonWriter helpers: members, optionals, lists, null for empty strings") {
    std::string out;
    tlsdissect::JsonWriter w(out);
    std::optional<int> none;
    w.object()
        .member("a", std::uint16_t{771})
        .member("b", std::optional<bool>(true))
        .member("c", none)
        .member("d", std::vector<std::uint16_t>{1, 2})
        .member("e", std::vector<std::string>{})
        .member_or_null("f", "")
        .member_or_null("g", "x")
        .end();
    CHECK(out == R"({"a":771,"b":true,"c":null,"d":[1,2],"e":[],"f":null,"g":"x"})");
}

TEST_CASE("JsonWriter number lists match nlohmann dump at every indentation and depth") {
    const std::vector<std::uint16_t> list{771, 4865, 0, 65535};
    const std::vector<std::uint16_t> none;
    const std::vector<int> signed_list{-1, 2};
    for (int indent : {-1, 2, 4}) {
        for (int level : {0, 3}) {
            std::string out;
            tlsdissect::JsonWriter w(out, indent, level);
            w.object().member("a", list).member("b", none).key("c").array().value(list).value(none).end();
            w.member("d", signed_list).end();
            json j = {{"a", list}, {"b", none}, {"c", {list, none}}, {"d", signed_list}};
            std::string expected;
            tlsdissect::append_json(expected, j, indent, level);
            INFO("indent " << indent << " level " << level);
            CHECK(out == expected);
        }
    }
}
