#include "client/common/cli.h"

#include "client/common/terminal_safe.h"

#include "baraza_version.h"
#include "services/auth/loopback.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace baraza::cli {

void AddCommonFlags(CLI::App& app, Common& common, const std::string& role,
                    const std::string& default_token_file) {
  common.program = "baraza-" + role;
  if (const char* env = std::getenv("BARAZA_SERVER")) common.server = env;
  common.token_file = default_token_file;
  // Each role reads its own variable, never a shared one: a mediator who keeps
  // the mediator's token in the environment and runs a liaison's or a
  // commander's command to see what they see must not have it run, and be
  // recorded, as the mediator. The old shared BARAZA_TOKEN_FILE is therefore not
  // read at all (honouring it as a fallback would keep exactly that hazard);
  // Connect says so when it is set and nothing else names a token file.
  std::string upper = role;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  common.token_variable = "BARAZA_" + upper + "_TOKEN_FILE";
  if (const char* env = std::getenv(common.token_variable.c_str())) common.token_file = env;
  app.add_option("--server", common.server, "barazad address (env BARAZA_SERVER)")
      ->capture_default_str();
  app.add_option("--token-file", common.token_file,
                 "file holding your token, readable only by you (env " + common.token_variable +
                     "; the shared BARAZA_TOKEN_FILE is not read, so that another role's "
                     "token in your environment never reaches this command)")
      ->capture_default_str();
  app.add_option("-o,--output", common.output,
                 "output format: table, json, or id (only the ids, one per line, for scripts)")
      ->check(CLI::IsMember({"table", "json", "id"}))
      ->capture_default_str();
  if (const char* env = std::getenv("BARAZA_CA")) common.ca_file = env;
  app.add_option("--ca", common.ca_file,
                 "PEM file of the CA that signed barazad's certificate: connect with TLS "
                 "(env BARAZA_CA)");
  app.add_option("--cert", common.cert_file, "PEM client certificate, when barazad requires one");
  app.add_option("--key", common.key_file, "PEM private key of --cert");
  app.add_flag("--insecure", common.insecure,
               "allow sending your token in clear to a server that is not on this machine");
  if (const char* env = std::getenv("LANG")) common.lang = env;
  app.add_option("--lang", common.lang,
                 "language the server renders notices in (e.g. fr, ar, sw; default from LANG; "
                 "unknown ones fall back to English, and each notice says its language)");
  app.add_option("--timeout", common.timeout_seconds, "seconds to wait for the server per call")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  std::string home = std::getenv("HOME") ? std::getenv("HOME") : ".";
  app.set_config("--config", home + "/.config/baraza/" + role + ".conf",
                 "config file with the same keys as the flags (server, token-file, output)");
  app.footer(
      "Text arguments accept @FILE to read the text from a file (@- for stdin).\n"
      "Exit codes: 0 ok, 1 other failure, 2 bad command line, 3 invalid argument, 4 not found,\n"
      "5 permission denied or bad token, 6 not allowed in the case's current state,\n"
      "7 server unavailable.");
  app.set_version_flag("--version", VersionLine(common.program));
  app.require_subcommand(1);
  // Let the common flags come anywhere, e.g. `case show 3 -o json`.
  app.fallthrough();
}

namespace {

// When the command line stopped at a command that needs a subcommand (`case`,
// or nothing at all), prints the subcommands there with what each does, on
// stderr, and returns true. The parsed commands form a chain from the program
// down; the last one is where the subcommand is missing.
bool ListSubcommandsIfMissing(const CLI::App& app, const std::string& argv0) {
  const CLI::App* at = &app;
  std::string name = std::filesystem::path(argv0).filename().string();
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    name += " " + at->get_name();
  }
  if (at->get_require_subcommand_min() == 0) return false;
  auto subs = at->get_subcommands(
      [](const CLI::App* s) { return !s->get_name().empty() && !s->get_group().empty(); });
  size_t width = 0;
  for (const auto* s : subs) width = std::max(width, s->get_name().size());
  std::cerr << name << " needs a subcommand:\n";
  for (const auto* s : subs)
    std::cerr << "  " << s->get_name() << std::string(width + 2 - s->get_name().size(), ' ')
              << s->get_description() << "\n";
  std::cerr << "Run " << name << " SUBCOMMAND --help for its options." << std::endl;
  return true;
}

}  // namespace

int Run(CLI::App& app, int argc, char** argv, const std::function<int()>& command) {
  // Much of what a command prints was written by another party: shown, never obeyed.
  MakeStandardStreamsTerminalSafe();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RequiredError& e) {
    if (ListSubcommandsIfMissing(app, argc > 0 ? argv[0] : "")) return kExitUsage;
    app.exit(e);
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return command();
}

std::optional<std::string> ReadTokenFile(const std::string& path, std::string* error) {
  if (path.empty()) {
    *error = "no token file: pass --token-file FILE (a mediator gives each liaison one)";
    return std::nullopt;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    *error = "cannot read token file " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    *error = "token file " + path + " can be read by others; run: chmod 600 " + path;
    return std::nullopt;
  }
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty()) {
    *error = "token file " + path + " is empty";
    return std::nullopt;
  }
  return token;
}

bool WriteSecretFile(const std::string& path, const std::string& secret, std::string* error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    *error = "cannot create " + path + ": " + std::strerror(errno) +
             (errno == EEXIST ? " (choose a new file; an existing token is never overwritten)" : "");
    return false;
  }
  std::string line = secret + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) *error = "cannot write " + path;
  return ok;
}

namespace {

bool ReadPemFile(const std::string& path, const char* flag, std::string* out, std::string* error) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) {
    *error = std::string("cannot read ") + flag + " " + path;
    return false;
  }
  *out = text.str();
  return true;
}

}  // namespace

bool ApplyTls(const Common& common, client::ClientOptions& options, std::string* error) {
  if (common.cert_file.empty() != common.key_file.empty()) {
    *error = "--cert and --key go together";
    return false;
  }
  if (common.ca_file.empty()) {
    if (!common.cert_file.empty()) {
      *error = "--cert needs --ca (a client certificate is sent only over TLS)";
      return false;
    }
    if (!auth::IsLoopback(common.server) && !common.insecure) {
      *error = "refusing to send your token in clear to " + common.server +
               ": pass --ca with the CA of barazad's certificate (TLS), or --insecure if the "
               "link is protected otherwise";
      return false;
    }
    return true;
  }
  if (!ReadPemFile(common.ca_file, "--ca", &options.tls_root_pem, error)) return false;
  if (common.cert_file.empty()) return true;
  return ReadPemFile(common.cert_file, "--cert", &options.tls_cert_pem, error) &&
         ReadPemFile(common.key_file, "--key", &options.tls_key_pem, error);
}

std::unique_ptr<client::BarazaClient> Connect(const Common& common, int* exit_code) {
  std::string error;
  if (!common.token_file_given && std::getenv("BARAZA_TOKEN_FILE") &&
      !std::getenv(common.token_variable.c_str()))
    std::cerr << common.program << ": BARAZA_TOKEN_FILE is not read (one variable for every "
              << "role would let one role's token run another's commands); set "
              << common.token_variable << " or pass --token-file" << std::endl;
  auto token = ReadTokenFile(common.token_file, &error);
  if (!token) {
    if (common.token_file.empty())
      error = "no token file: pass --token-file FILE or set " + common.token_variable +
              (common.program == "baraza-liaison" ? " (a mediator gives each liaison one)" : "");
    std::cerr << common.program << ": " << error << std::endl;
    *exit_code = kExitDenied;
    return nullptr;
  }
  client::ClientOptions options;
  if (!ApplyTls(common, options, &error)) {
    std::cerr << common.program << ": " << error << std::endl;
    *exit_code = kExitUsage;
    return nullptr;
  }
  options.server = common.server;
  options.token = *token;
  options.timeout = std::chrono::seconds(common.timeout_seconds);
  // "fr_FR.UTF-8" → "fr_FR"; "C" and "POSIX" name no language. Only a tag's
  // characters are sent (gRPC metadata is ASCII): anything else sends none.
  std::string lang = common.lang.substr(0, common.lang.find_first_of(".@"));
  bool tag = !lang.empty() && lang.size() <= 35 &&
             std::all_of(lang.begin(), lang.end(), [](char ch) {
               return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
             });
  if (tag && lang != "C" && lang != "POSIX") options.language = lang;
  return std::make_unique<client::BarazaClient>(options);
}

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return kExitOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE: return kExitInvalid;
    case grpc::StatusCode::NOT_FOUND: return kExitNotFound;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED: return kExitDenied;
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::ALREADY_EXISTS: return kExitConflict;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED: return kExitUnavailable;
    default: return kExitFailure;
  }
}

namespace {
const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    default: return "ERROR";
  }
}
}  // namespace

// What to check when barazad cannot be reached. On this machine the person can
// start it; elsewhere they can only check what lies between them and it.
std::string UnreachableHint(const Common& common) {
  if (auth::IsLoopback(common.server))
    return " (is barazad running at " + common.server + "? start it with ./deploy/run.sh" +
           (common.ca_file.empty() ? "; if it serves TLS, pass --ca with the CA of its certificate"
                                   : "") +
           ")";
  std::string tls = common.ca_file.empty()
                        ? "if barazad serves TLS, pass --ca with the CA of its certificate"
                        : "that --ca " + common.ca_file +
                              " signed barazad's certificate and that the certificate names " +
                              auth::HostOf(common.server);
  return " (cannot reach barazad at " + common.server +
         ": check the address and port with whoever runs it, that the network between "
         "here and there lets the port through, " + tls + ", and that barazad is running)";
}

int ReportError(const Common& common, const grpc::Status& status) {
  std::string message = status.error_message();
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
    message += UnreachableHint(common);
  if (status.error_code() == grpc::StatusCode::ABORTED && !common.if_match.empty() &&
      common.if_match_case) {
    std::string id = std::to_string(*common.if_match_case);
    message += " — see what changed with `" + common.program + " case show " + id +
               "` (and `case history " + id + "`), then, if your change still applies, run "
               "it again with --if-match and the etag shown there";
  }
  std::cerr << common.program << ": " << CodeName(status.error_code()) << ": " << message
            << std::endl;
  return ExitCodeFor(status.error_code());
}

namespace {
std::string CommonPrefix(const google::protobuf::EnumDescriptor* d) {
  // UNSPECIFIED value names the prefix: PARTY_CATEGORY_UNSPECIFIED → PARTY_CATEGORY_
  std::string first = d->value(0)->name();
  return first.substr(0, first.size() - std::strlen("UNSPECIFIED"));
}
}  // namespace

std::string EnumLabel(const google::protobuf::EnumDescriptor* d, int value) {
  const auto* v = d->FindValueByNumber(value);
  if (!v) return std::to_string(value);
  std::string name = v->name().substr(CommonPrefix(d).size());
  for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::vector<std::string> EnumLabels(const google::protobuf::EnumDescriptor* d) {
  std::vector<std::string> out;
  for (int i = 1; i < d->value_count(); ++i) out.push_back(EnumLabel(d, d->value(i)->number()));
  return out;
}

std::optional<int> ParseEnum(const google::protobuf::EnumDescriptor* d, const std::string& label) {
  for (int i = 1; i < d->value_count(); ++i)
    if (EnumLabel(d, d->value(i)->number()) == label) return d->value(i)->number();
  return std::nullopt;
}

CLI::Validator EnumValidator(const google::protobuf::EnumDescriptor* d) {
  std::string all;
  for (const auto& l : EnumLabels(d)) all += (all.empty() ? "" : "|") + l;
  return CLI::Validator(
      [d, all](std::string& value) -> std::string {
        if (ParseEnum(d, value)) return {};
        return "'" + value + "' is not one of " + all;
      },
      "{" + all + "}");
}

bool ResolveText(const Common& c, std::initializer_list<std::string*> values) {
  for (std::string* v : values) {
    std::string error;
    auto text = ReadTextArg(*v, &error);
    if (!text) {
      std::cerr << c.program << ": " << error << std::endl;
      return false;
    }
    *v = *text;
  }
  return true;
}

bool SetDuration(const Common& c, const std::string& text, const char* flag,
                 google::protobuf::Duration* out) {
  auto ms = ParseDuration(text);
  if (!ms) {
    std::cerr << c.program << ": " << flag << " '" << text
              << "' is not a duration; write it like 90s, 15m, 36h, 7d or 1h30m" << std::endl;
    return false;
  }
  out->set_seconds(*ms / 1000);
  out->set_nanos(static_cast<int32_t>((*ms % 1000) * 1000000));
  return true;
}

std::optional<std::string> ReadTextArg(const std::string& value, std::string* error) {
  if (value.empty() || value[0] != '@') return value;
  std::string path = value.substr(1);
  std::stringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) {
      *error = "cannot read " + path + ": " + std::strerror(errno);
      return std::nullopt;
    }
    buffer << in.rdbuf();
  }
  return buffer.str();
}

}  // namespace baraza::cli
