// The manual page and the shell completion scripts, written from the same CLI11 option
// table that --help prints, so that they cannot say something else: the build runs
// `tlsdissect --generate man|bash|zsh FILE` and installs what it writes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace tlsdissect {

// tlsdissect.1 (roff, man(7) macros).
std::string manual_page(const CLI::App& app);
// A bash completion script (complete -F): options, their fixed choices, field names
// after -e and -Y, files elsewhere.
std::string bash_completion(const CLI::App& app);
// A zsh completion function (_tlsdissect, #compdef tlsdissect).
std::string zsh_completion(const CLI::App& app);

// `tlsdissect --generate WHAT FILE`, the build step: writes that text to FILE. Returns
// the exit status (2 for an unknown WHAT or a file that cannot be written).
int generate_documentation(const CLI::App& app, const std::string& what, const std::string& file);

}  // namespace tlsdissect
