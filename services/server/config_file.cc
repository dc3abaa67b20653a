// barazad's config file: see config_file.h.
#include "services/server/config_file.h"

#include <iostream>
#include <string>

namespace baraza::server {
namespace {

void CommandLineOnly(CLI::App& command) {
  for (CLI::Option* option : command.get_options()) option->configurable(false);
  for (CLI::App* sub : command.get_subcommands([](CLI::App*) { return true; }))
    CommandLineOnly(*sub);
}

// The file the error came from: the one given, else the default.
std::string ConfigFileName(CLI::App& app) {
  CLI::Option* config = app.get_config_ptr();
  if (config != nullptr && config->count() > 0) return config->as<std::string>();
  return kDefaultConfigFile;
}

}  // namespace

void AddConfigFile(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) CommandLineOnly(*sub);
  app.set_config("--config", kDefaultConfigFile,
                 "settings file: the long flags' names as keys (listen = \"0.0.0.0:50051\"), "
                 "for serving and the commands' --db; a flag on the command line wins. "
                 "Read when it exists; one given here must exist (docs/operations.md)");
  // Unknown keys are refused: a misspelt key would otherwise be dropped without a word.
  app.allow_config_extras(CLI::config_extras_mode::error);
}

int ParseCommandLine(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::ConfigError& e) {
    std::string what = e.what();
    const std::string unknown = "INI was not able to parse ";
    const std::string not_allowed = ": This option is not allowed in a configuration file";
    std::string file = ConfigFileName(app);
    if (what.rfind(unknown, 0) == 0) {
      std::cerr << "barazad: " << file << ": unknown key \"" << what.substr(unknown.size())
                << "\"; the keys are barazad's long flags without the dashes "
                   "(see barazad --help)\n";
    } else if (auto at = what.find(not_allowed); at != std::string::npos) {
      std::cerr << "barazad: " << file << ": \"" << what.substr(0, at)
                << "\" cannot be set in the config file; only the server's flags can "
                   "(give a command's options on its command line)\n";
    } else {
      std::cerr << "barazad: " << file << ": " << what << "\n";
    }
    return 2;
  } catch (const CLI::FileError& e) {
    std::cerr << "barazad: cannot read the config file " << ConfigFileName(app)
              << " (no such file, or not readable by this user); give --config an existing "
                 "file, or leave it out to use "
              << kDefaultConfigFile << " when there is one\n";
    return 2;
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; any other mistake 2, as the CLIs do, so that the
    // service's RestartPreventExitStatus= does not restart a setting it refuses.
    return app.exit(e) == 0 ? 0 : 2;
  }
}

}  // namespace baraza::server
