// The teaching options: --explain, --ladder, --html. They register themselves here so
// that main.cpp only dispatches.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "explain/explain.hpp"

namespace tlsdissect {

struct TeachingOptions {
    std::string explain;  // empty: off; "auto" (from LANG), "en", "zh"
    bool ladder = false;
    std::string html;     // the page to write; empty: none
    std::string walkthrough;  // empty: off; "auto", "en", "zh"
    std::string sni;          // --walkthrough: the connection with this SNI
};

void add_teaching_options(CLI::App& app, TeachingOptions& options);

// `--explain` and `--walkthrough` may stand alone (language from the environment) or take a language:
// "--explain zh", "--explain=en". A bare `--explain` followed by anything that is not a
// language (a capture file, another option) becomes "--explain=auto", so that
// `tlsdissect --explain capture.pcap` reads the file. A word that looks like another
// language ("fr", "de_DE") and is not a file is taken as the language, to be refused
// by name rather than opened as a capture.
std::vector<std::string> normalize_teaching_args(int argc, char** argv);

// The language of the notes (--explain) and of the HTML page; empty when --explain is off
// and no page is written.
std::optional<ExplainLanguage> teaching_language(const TeachingOptions& options);
// The language of --walkthrough (from the environment for "auto").
ExplainLanguage walkthrough_language(const TeachingOptions& options);

}  // namespace tlsdissect
