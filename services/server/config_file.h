// barazad's config file (/etc/baraza/barazad.conf): the serving flags' long names as
// keys, read by CLI11 before the command line, which wins. Used by main.cc only.
#pragma once

#include <CLI/CLI.hpp>

namespace baraza::server {

// Where the packaged service keeps its settings; read when it exists, unless
// --config names another file (which then must exist).
inline constexpr const char* kDefaultConfigFile = "/etc/baraza/barazad.conf";

// Adds --config to `app`. Call after every option and command is added: options of
// the commands (`token issue --out`, `backup --out`...) are refused in the file,
// since a file that runs a backup instead of serving would surprise everyone.
void AddConfigFile(CLI::App& app);

// Parses the command line (and the config file). Returns -1 to go on, or the exit
// status to return: 0 after --help/--version, 2 on any error, which is printed
// naming the config file and the key when it lies there.
int ParseCommandLine(CLI::App& app, int argc, char** argv);

}  // namespace baraza::server
