// What the role CLIs share: common flags (server, token file, output, config
// file), reading a token file safely, parsing durations and enum names, and
// mapping a gRPC error to a message on stderr and an exit code. Not thread-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/duration.pb.h>
#include <grpcpp/support/status.h>

#include "client/common/client.h"
#include "client/common/completion.h"
#include "services/workflow/duration_text.h"

namespace baraza::cli {

// Exit codes, the same for every role CLI (listed in each --help).
enum ExitCode {
  kExitOk = 0,
  kExitFailure = 1,      // anything not below
  kExitUsage = 2,        // bad command line
  kExitInvalid = 3,      // INVALID_ARGUMENT, OUT_OF_RANGE
  kExitNotFound = 4,     // NOT_FOUND
  kExitDenied = 5,       // PERMISSION_DENIED, UNAUTHENTICATED
  kExitConflict = 6,     // FAILED_PRECONDITION, ABORTED, ALREADY_EXISTS
  kExitUnavailable = 7,  // UNAVAILABLE, DEADLINE_EXCEEDED: the server is unreachable or busy
};

struct Common {
  std::string program;
  std::string server = "127.0.0.1:50051";
  std::string token_file;
  // BARAZA_<ROLE>_TOKEN_FILE, the only variable this CLI reads its token file from.
  std::string token_variable;
  bool token_file_given = false;  // --token-file on the command line or in --config
  std::string output = "table";
  int timeout_seconds = 10;
  // TLS (PEM files): the CA that signed barazad's certificate, and optionally
  // this client's own certificate and key when barazad requires one.
  std::string ca_file, cert_file, key_file;
  bool insecure = false;  // allow plaintext to a server that is not on loopback
  // --lang: the language barazad renders notices in for this command (default:
  // from LANG, e.g. fr_FR.UTF-8 → fr; unset or C: the reader's registered one).
  std::string lang;
  // --if-match: change the case only if its etag is still this one; and the case
  // it names, for the message when it is not.
  std::string if_match;
  const int64_t* if_match_case = nullptr;
  bool json() const { return output == "json"; }
  // -o id: only the id(s) of what the command returns, one per line, for scripts.
  bool id_only() const { return output == "id"; }
};

// Adds --server, --token-file, -o/--output, --timeout and --config (an INI/TOML
// file with the same keys, by default ~/.config/baraza/<role>.conf). The token
// file's variable is the role's own, BARAZA_<ROLE>_TOKEN_FILE.
void AddCommonFlags(CLI::App& app, Common& common, const std::string& role,
                    const std::string& default_token_file);

// Parses the command line and runs the chosen command. Returns the exit code.
// A command given without its subcommand lists the subcommands there are.
int Run(CLI::App& app, int argc, char** argv, const std::function<int()>& command);

// Connects with the token from --token-file. On failure prints why and sets *exit_code.
std::unique_ptr<client::BarazaClient> Connect(const Common& common, int* exit_code);

// One role CLI: its common flags, the command the command line chose, and the
// connection that command opens. Commands set `run` in their CLI11 callback.
struct Program {
  Program(CLI::App& app, const std::string& role, const std::string& default_token_file) : app(app) {
    AddCommonFlags(app, c, role, default_token_file);
  }
  // Connects with the token from --token-file; nullptr (and exit_code set) on failure.
  client::BarazaClient* Connect() {
    client = cli::Connect(c, &exit_code);
    return client.get();
  }
  // Adds `completion bash|zsh` (last, so the script covers every command), then
  // parses and runs.
  int Main(int argc, char** argv) {
    AddCompletionCommand(app, c.program, &run);
    return Run(app, argc, argv, [this] {
      c.token_file_given = app.get_option("--token-file")->count() > 0;
      return run ? run() : int(kExitUsage);
    });
  }

  CLI::App& app;
  Common c;
  std::function<int()> run;
  std::unique_ptr<client::BarazaClient> client;
  int exit_code = kExitOk;
};

// Inside a command's `run`: connects or returns the failure's exit code.
#define BARAZA_CONNECT_OR_FAIL(program) \
  auto* cl = (program).Connect();        \
  if (!cl) return (program).exit_code

// Parses a duration flag into `out`; prints how to write one and returns false if malformed.
bool SetDuration(const Common& c, const std::string& text, const char* flag,
                 google::protobuf::Duration* out);

// Fills the TLS part of `options` from --ca/--cert/--key; refuses plaintext to a
// server that is not on loopback unless --insecure. False with *error on failure.
bool ApplyTls(const Common& common, client::ClientOptions& options, std::string* error);

// Reads a token file, refusing one that others may read. Returns nullopt and
// sets *error when it cannot be used.
std::optional<std::string> ReadTokenFile(const std::string& path, std::string* error);

// Writes a secret (a new token) to a file only its owner can read.
bool WriteSecretFile(const std::string& path, const std::string& secret, std::string* error);

// Prints "<program>: <CODE>: <message>" to stderr and returns the exit code.
int ReportError(const Common& common, const grpc::Status& status);
int ExitCodeFor(grpc::StatusCode code);

using workflow::FormatDuration;
using workflow::ParseDuration;

// Enum values on the command line are the proto names without their prefix,
// in lower case with hyphens: PARTY_CATEGORY_ARMED_FACTION → "armed-faction".
std::string EnumLabel(const google::protobuf::EnumDescriptor* d, int value);
std::vector<std::string> EnumLabels(const google::protobuf::EnumDescriptor* d);
std::optional<int> ParseEnum(const google::protobuf::EnumDescriptor* d, const std::string& label);
// A CLI11 validator accepting exactly the labels of `d`.
CLI::Validator EnumValidator(const google::protobuf::EnumDescriptor* d);

// Text arguments: "@path" reads the text from a file ("@-" from stdin).
std::optional<std::string> ReadTextArg(const std::string& value, std::string* error);
// Reads @FILE text arguments in place; prints why and returns false if one cannot be read.
bool ResolveText(const Common& c, std::initializer_list<std::string*> values);

}  // namespace baraza::cli
