#include "cli/teaching_options.hpp"

#include <sys/stat.h>

#include <cctype>

namespace tlsdissect {

void add_teaching_options(CLI::App& app, TeachingOptions& o) {
    app.add_option("--explain", o.explain,
                   "After each important field, a short note on what it is for (en or zh; alone: from "
                   "LC_ALL/LC_MESSAGES/LANG, zh when it starts with zh, else en)")
        ->check(CLI::Validator(
            [](std::string& language) -> std::string {
                if (language == "auto" || language == "en" || language == "zh") return {};
                return "'" + language + "' is not a language of the notes; --explain takes en or zh, or no "
                       "value for the environment's language";
            },
            "{auto,en,zh}", "language"));  // the choices as IsMember writes them (man page, completion)
    app.add_flag("--ladder", o.ladder,
                 "Instead of packets, draw each TLS connection as a client/server message diagram with frame "
                 "numbers, times, the DNS lookup before it and the numbered steps of the handshake");
    app.add_option("--html", o.html,
                   "Write a self-contained HTML page (packet list, field tree, hex pane, ladder, chain of trust, "
                   "notes in the --explain language) to this file instead of printing packets; with --walkthrough, "
                   "the article as a page with pictures");
    app.add_option("--walkthrough", o.walkthrough,
                   "Instead of packets, write the article of one TLS connection (en or zh; alone: from the "
                   "environment): DNS lookup, TCP handshake, every TLS message with this capture's values and "
                   "what they mean, application data, close. Markdown, or HTML with --html. The connection: "
                   "--sni NAME, --stream N, --frames N, else the first complete handshake")
        ->check(CLI::IsMember({"auto", "en", "zh"}));
    app.add_option("--sni", o.sni, "With --walkthrough: the first connection whose Client Hello names this server");
}

namespace {

// "fr", "de_DE", "pt-BR": a language asked for, not a capture file name (when no such file exists).
bool looks_like_language(const std::string& word) {
    auto letters = [&](std::size_t from, std::size_t n) {
        for (std::size_t i = from; i < from + n; ++i)
            if (i >= word.size() || !std::isalpha(static_cast<unsigned char>(word[i]))) return false;
        return true;
    };
    const bool code = (word.size() == 2 && letters(0, 2)) || (word.size() == 3 && letters(0, 3)) ||
                      (word.size() == 5 && letters(0, 2) && (word[2] == '_' || word[2] == '-') && letters(3, 2));
    struct stat st {};
    return code && ::stat(word.c_str(), &st) != 0;
}

}  // namespace

std::vector<std::string> normalize_teaching_args(int argc, char** argv) {
    std::vector<std::string> args(argv, argv + argc);
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--") break;
        if (args[i] != "--explain" && args[i] != "--walkthrough") continue;
        const bool language_next = i + 1 < args.size() && (args[i + 1] == "en" || args[i + 1] == "zh" ||
                                                           args[i + 1] == "auto" || looks_like_language(args[i + 1]));
        if (language_next) {
            args[i] += "=" + args[i + 1];
            args.erase(args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        } else {
            args[i] += "=auto";
        }
    }
    return args;
}

ExplainLanguage walkthrough_language(const TeachingOptions& o) {
    if (auto l = explain_language_from_name(o.walkthrough)) return *l;
    return explain_language_from_environment();
}

std::optional<ExplainLanguage> teaching_language(const TeachingOptions& o) {
    if (o.explain.empty() && o.html.empty()) return std::nullopt;
    if (auto l = explain_language_from_name(o.explain)) return l;
    return explain_language_from_environment();
}

}  // namespace tlsdissect
