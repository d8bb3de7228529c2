// --explain: a short plain-language note beside the fields a teacher walks through
// (what the field is for, who chose it, what it protects against), in English or
// Chinese. The notes are data (data/explain/<lang>.tsv, compiled into the binary by
// tools/gen_explain_tables.py); the dissectors know nothing about them: a note is found
// from the node's display-filter name, the handshake message around it and, for generic
// nodes, its type.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tlsdissect/field.hpp"

namespace tlsdissect {

enum class ExplainLanguage : std::uint8_t { En, Zh };

// "en" / "zh" (also "en_US.UTF-8", "zh_CN"…); empty for anything else.
std::optional<ExplainLanguage> explain_language_from_name(std::string_view name);
// The language the environment asks for: the first set of LC_ALL, LC_MESSAGES, LANG;
// Chinese when it starts with "zh", else English.
ExplainLanguage explain_language_from_environment();

struct ExplainEntry {
    std::string_view key;
    std::string_view en;
    std::string_view zh;
};
// Every note, sorted by key.
std::span<const ExplainEntry> explain_entries();
// The note for exactly this key; empty when there is none.
std::string_view explain_lookup(std::string_view key, ExplainLanguage language);

// The keys tried for one node, most specific first: NAME#TYPE@MESSAGE, NAME#TYPE,
// NAME@MESSAGE, NAME (the #TYPE forms only for tls.handshake and tls.handshake.extension).
std::vector<std::string> explain_keys(const Tree& tree, std::int32_t id, std::string_view message);

// The notes of one packet's tree, by node id (empty: no note). A key's note is given
// once per packet, at its first node, so a certificate chain does not repeat them.
class Explainer {
public:
    explicit Explainer(ExplainLanguage language) : language_(language) {}
    ExplainLanguage language() const { return language_; }
    const std::vector<std::string_view>& notes(const Tree& tree);

private:
    void walk(const Tree& tree, std::int32_t id, std::string_view message);

    ExplainLanguage language_;
    std::vector<std::string_view> notes_;
    std::vector<std::string_view> given_;  // keys' notes already given in this packet
};

}  // namespace tlsdissect
