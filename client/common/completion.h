// Shell completion for the role CLIs: `<cli> completion bash|zsh` prints a script
// generated from the CLI11 command tree itself (subcommands and options, walked
// recursively), so it cannot drift from the commands. Not thread-safe.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace baraza::cli {

// Adds `completion SHELL` to `app`; it sets *run to print the script for the
// tree as it stands when the command line is parsed (every command added by then).
void AddCompletionCommand(CLI::App& app, const std::string& program, std::function<int()>* run);

// The completion script for `program` over `app`'s tree; `shell` is "bash" or "zsh".
std::string CompletionScript(const CLI::App& app, const std::string& program,
                             const std::string& shell);

}  // namespace baraza::cli
