#include "explain/explain.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "tls/tls_common.hpp"

namespace tlsdissect {

namespace {

constexpr ExplainEntry kEntries[] = {
#include "explain_tables.inc"
};

// Generic nodes whose meaning depends on a type held by one of their children.
struct TypedNode {
    std::string_view field;
    std::string_view type_field;
};
constexpr TypedNode kTypedNodes[] = {
    {"tls.handshake", "tls.handshake.type"},
    {"tls.handshake.extension", "tls.handshake.extension.type"},
};

// "application_layer_protocol_negotiation"; "Reserved (GREASE)" -> "grease".
std::string key_word(std::string_view name) {
    std::string out;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u))
            out.push_back(static_cast<char>(std::tolower(u)));
        else if (!out.empty() && out.back() != '_')
            out.push_back('_');
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

// The type word for a node of kTypedNodes: the handshake message or extension name.
std::string type_word(const Tree& tree, std::int32_t id, std::string_view type_field) {
    for (std::int32_t c = tree.node(id).first_child; c != kNoNode; c = tree.node(c).next_sibling) {
        const Node& n = tree.node(c);
        if (!n.def || n.def->filter != type_field) continue;
        const auto* v = std::get_if<std::uint64_t>(&n.value);
        if (!v) return {};
        if (type_field == "tls.handshake.type" || type_field == "dtls.handshake.type")
            return std::string(handshake_snake_name(static_cast<std::uint8_t>(*v)));
        if (is_grease(static_cast<std::uint16_t>(*v))) return "grease";
        return key_word(iana_name(kTlsExtensionTypes, *v));
    }
    return {};
}

}  // namespace

std::optional<ExplainLanguage> explain_language_from_name(std::string_view name) {
    auto starts = [&](std::string_view p) {
        return name.size() >= p.size() && name.substr(0, p.size()) == p &&
               (name.size() == p.size() || !std::isalpha(static_cast<unsigned char>(name[p.size()])));
    };
    if (starts("zh")) return ExplainLanguage::Zh;
    if (starts("en")) return ExplainLanguage::En;
    return std::nullopt;
}

ExplainLanguage explain_language_from_environment() {
    for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* v = std::getenv(var);
        if (!v || !*v) continue;
        return std::string_view(v).substr(0, 2) == "zh" ? ExplainLanguage::Zh : ExplainLanguage::En;
    }
    return ExplainLanguage::En;
}

std::span<const ExplainEntry> explain_entries() { return kEntries; }

std::string_view explain_lookup(std::string_view key, ExplainLanguage language) {
    const auto* it = std::lower_bound(std::begin(kEntries), std::end(kEntries), key,
                                      [](const ExplainEntry& e, std::string_view k) { return e.key < k; });
    if (it == std::end(kEntries) || it->key != key) return {};
    return language == ExplainLanguage::Zh ? it->zh : it->en;
}

std::vector<std::string> explain_keys(const Tree& tree, std::int32_t id, std::string_view message) {
    const Node& n = tree.node(id);
    if (!n.def || n.def->filter.empty()) return {};
    // DTLS shows the TLS fields as dtls.*: a DTLS note first, else the TLS field's note.
    std::vector<std::string_view> filters = {n.def->filter};
    if (n.def->filter.rfind("dtls", 0) == 0) filters.push_back(n.def->filter.substr(1));
    std::vector<std::string> keys;
    for (std::string_view filter : filters) {
        std::string name(filter);
        for (const auto& t : kTypedNodes) {
            if (t.field != filter) continue;
            std::string word = type_word(tree, id, t.type_field);
            if (word.empty() && filters.size() > 1) word = type_word(tree, id, "d" + std::string(t.type_field));
            if (!word.empty()) name += "#" + word;
            break;
        }
        if (!message.empty()) keys.push_back(name + "@" + std::string(message));
        keys.push_back(name);
    }
    return keys;
}

const std::vector<std::string_view>& Explainer::notes(const Tree& tree) {
    notes_.assign(tree.size(), std::string_view());
    given_.clear();
    for (std::int32_t id = tree.node(0).first_child; id != kNoNode; id = tree.node(id).next_sibling)
        walk(tree, id, {});
    return notes_;
}

void Explainer::walk(const Tree& tree, std::int32_t id, std::string_view message) {
    const Node& n = tree.node(id);
    if (n.hidden) return;
    // A handshake message is the context of the fields inside it.
    if (n.def && (n.def->filter == "tls.handshake" || n.def->filter == "dtls.handshake")) {
        for (std::int32_t c = n.first_child; c != kNoNode; c = tree.node(c).next_sibling) {
            const Node& t = tree.node(c);
            if (t.def && (t.def->filter == "tls.handshake.type" || t.def->filter == "dtls.handshake.type"))
                if (const auto* v = std::get_if<std::uint64_t>(&t.value))
                    message = handshake_snake_name(static_cast<std::uint8_t>(*v));
        }
    }
    for (const auto& key : explain_keys(tree, id, message)) {
        const auto* it = std::lower_bound(std::begin(kEntries), std::end(kEntries), std::string_view(key),
                                          [](const ExplainEntry& e, std::string_view k) { return e.key < k; });
        if (it == std::end(kEntries) || it->key != key) continue;
        if (std::find(given_.begin(), given_.end(), it->key) == given_.end()) {
            given_.push_back(it->key);
            notes_[static_cast<std::size_t>(id)] = language_ == ExplainLanguage::Zh ? it->zh : it->en;
        }
        break;
    }
    for (std::int32_t c = n.first_child; c != kNoNode; c = tree.node(c).next_sibling) walk(tree, c, message);
}

}  // namespace tlsdissect
