// --walkthrough's sentences and the ladder's words: both languages say the same things
// (the same placeholders, no key twice, nothing left empty), and the terminal width of
// Chinese text (two columns a character) keeps the ladder's columns aligned.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "output/ladder.hpp"
#include "output/walkthrough.hpp"

using namespace tlsdissect;

namespace {

std::multiset<std::string> placeholders(const std::string& text) {
    std::multiset<std::string> out;
    for (std::size_t p = text.find('{'); p != std::string::npos; p = text.find('{', p + 1)) {
        const auto close = text.find('}', p);
        if (close != std::string::npos) out.insert(text.substr(p, close - p + 1));
    }
    return out;
}

}  // namespace

TEST_CASE("walkthrough sentences have the same placeholders in English and Chinese") {
    const auto keys = walkthrough_text_keys();
    REQUIRE(keys.size() > 100);
    std::set<std::string_view> seen;
    for (std::string_view key : keys) {
        INFO(std::string(key));
        CHECK(seen.insert(key).second);
        const std::string en = walkthrough_text(key, ExplainLanguage::En);
        const std::string zh = walkthrough_text(key, ExplainLanguage::Zh);
        CHECK(placeholders(en) == placeholders(zh));
        if (key != "space") {
            CHECK_FALSE(en.empty());
            CHECK_FALSE(zh.empty());
        }
    }
    CHECK(walkthrough_text("frame_caption", ExplainLanguage::Zh, {{"frame", "8"}}) == "第 8 帧（协议树摘录）：");
    CHECK(walkthrough_text("no such key", ExplainLanguage::En) == "no such key");
}

TEST_CASE("terminal columns count East Asian wide characters twice") {
    CHECK(terminal_columns("Client Hello") == 12);
    CHECK(terminal_columns("客户端") == 6);
    CHECK(terminal_columns("（用时 0.376 ms）") == 2 + 4 + 9 + 2);
    CHECK(terminal_columns("\xe2\x94\x82\xe2\x97\x80") == 2);  // box drawing and arrows: one column each
    // The ladder's column heads line up with its rows in both languages.
    CHECK(terminal_columns(ladder_text(ExplainLanguage::En).frame_head) ==
          terminal_columns(ladder_text(ExplainLanguage::Zh).frame_head));
}
