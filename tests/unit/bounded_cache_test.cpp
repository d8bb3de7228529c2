// BoundedCache: values made once per key, the cache emptied (not grown) when full, and a
// miss's maker free to fill another cache.
#include <catch2/catch.hpp>

#include <string>

#include "core/bounded_cache.hpp"

using tlsdissect::BoundedCache;

TEST_CASE("BoundedCache makes each value once and remembers it") {
    BoundedCache<int, 8> cache;
    int made = 0;
    auto make = [&] { return ++made; };
    CHECK(cache.get_or_make(std::string("a"), make) == 1);
    CHECK(cache.get_or_make(std::string("b"), make) == 2);
    const std::string a = "a";
    CHECK(cache.get_or_make(a, make) == 1);  // an lvalue key, found
    CHECK(made == 2);
    CHECK(cache.size() == 2);
}

TEST_CASE("BoundedCache is emptied when full, then keeps the new entry") {
    BoundedCache<std::string, 3> cache;
    for (std::string k : {"1", "2", "3"}) cache.get_or_make(k, [&] { return "v" + k; });
    CHECK(cache.size() == 3);
    int made = 0;
    CHECK(cache.get_or_make(std::string("4"), [&] { ++made; return std::string("v4"); }) == "v4");
    CHECK(cache.size() == 1);
    CHECK(cache.get_or_make(std::string("1"), [&] { ++made; return std::string("again"); }) == "again");
    CHECK(made == 2);
    CHECK(cache.size() == 2);
}

TEST_CASE("BoundedCache lets the maker use another cache") {
    BoundedCache<int, 4> inner;
    BoundedCache<int, 4> outer;
    int& v = outer.get_or_make(std::string("k"), [&] { return inner.get_or_make(std::string("k"), [] { return 7; }) + 1; });
    CHECK(v == 8);
    CHECK(inner.size() == 1);
}
