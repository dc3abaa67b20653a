// The role CLIs as a person at a terminal meets them: which token a command runs
// with, what a missing subcommand says, what an unreachable server says, and the
// shell completion each prints. Runs the real binaries against the real barazad.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

// Runs `command` with every BARAZA_* token variable cleared, then `env` set.
std::pair<int, std::string> RunWithEnv(const std::string& env, const std::string& command) {
  return RunCommand(
      "env -u BARAZA_TOKEN_FILE -u BARAZA_MEDIATOR_TOKEN_FILE -u BARAZA_LIAISON_TOKEN_FILE "
      "-u BARAZA_COMMANDER_TOKEN_FILE -u BARAZA_OBSERVER_TOKEN_FILE " +
      env + " " + command);
}
}  // namespace

TEST_CASE("a liaison command never runs with the mediator's token from the mediator's variable",
          "[e2e][cli]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  auto mediator = server.Client(server.mediator_token());
  Setup s = ThreeParties(mediator);
  std::string mediator_file = WriteTokenFile(dir, "m.token", server.mediator_token());
  std::string liaison_file = WriteTokenFile(dir, "l.token", s.silent_token);
  std::string liaison = std::string(BARAZA_LIAISON_PATH) + " --server " + server.address();

  auto [code, out] = RunWithEnv("BARAZA_MEDIATOR_TOKEN_FILE=" + mediator_file,
                                liaison + " whoami");
  INFO("with only the mediator's variable, liaison whoami printed: " << out);
  CHECK(code == 5);  // asked for a token, did not run
  CHECK_THAT(out, Catch::Contains("token file") && Catch::Contains("BARAZA_LIAISON_TOKEN_FILE"));
  auto [lcode, listed] = RunWithEnv("BARAZA_MEDIATOR_TOKEN_FILE=" + mediator_file,
                                    liaison + " notice list");
  INFO("liaison notice list printed: " << listed);
  CHECK(lcode == 5);

  // The liaison's own variable is read, and the mediator's CLI reads the mediator's.
  auto [ok, mine] = RunWithEnv("BARAZA_LIAISON_TOKEN_FILE=" + liaison_file,
                               liaison + " notice list");
  INFO("with the liaison's variable: " << mine);
  CHECK(ok == 0);
  auto [mcode, who] = RunWithEnv("BARAZA_MEDIATOR_TOKEN_FILE=" + mediator_file,
                                 std::string(BARAZA_MEDIATOR_PATH) + " --server " +
                                     server.address() + " whoami");
  INFO("mediator whoami: " << who);
  CHECK(mcode == 0);
  CHECK_THAT(who, Catch::Contains("mediator"));
}

TEST_CASE("the shared BARAZA_TOKEN_FILE is not read, and the CLI says which variable to set",
          "[e2e][cli]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  std::string mediator_file = WriteTokenFile(dir, "m.token", server.mediator_token());
  auto [code, out] = RunWithEnv("BARAZA_TOKEN_FILE=" + mediator_file,
                                std::string(BARAZA_COMMANDER_PATH) + " --server " +
                                    server.address() + " notice list");
  INFO(out);
  CHECK(code == 5);
  CHECK_THAT(out, Catch::Contains("BARAZA_TOKEN_FILE") &&
                      Catch::Contains("BARAZA_COMMANDER_TOKEN_FILE"));
  auto [hcode, help] = RunCommand(std::string(BARAZA_LIAISON_PATH) + " --help");
  CHECK(hcode == 0);
  CHECK_THAT(help, Catch::Contains("BARAZA_LIAISON_TOKEN_FILE"));
}

TEST_CASE("a command without its subcommand lists the subcommands with what each does",
          "[e2e][cli]") {
  struct Case {
    const char* path;
    const char* parent;
    std::vector<std::string> expected;  // subcommand names and a description
  };
  std::vector<Case> cases = {
      {BARAZA_MEDIATOR_PATH, "case", {"show", "history", "settle", "show a case"}},
      {BARAZA_MEDIATOR_PATH, "group", {"create", "list", "create a contact group"}},
      {BARAZA_LIAISON_PATH, "case", {"respond", "request-extension", "appeal",
                                     "ask the mediator for more time"}},
      {BARAZA_LIAISON_PATH, "notice", {"list", "watch", "ack"}},
  };
  for (const auto& c : cases) {
    auto [code, out] = RunWithEnv("", std::string(c.path) + " " + c.parent);
    INFO(c.path << " " << c.parent << " printed: " << out);
    CHECK(code == 2);
    for (const auto& word : c.expected) CHECK_THAT(out, Catch::Contains(word));
    CHECK_THAT(out, Catch::Contains(std::string(c.parent) + " needs a subcommand"));
  }
  // The program without any command lists its commands too.
  auto [code, out] = RunWithEnv("", BARAZA_OBSERVER_PATH);
  INFO(out);
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Contains("report"));
}

TEST_CASE("an unreachable server on this machine is met with the hint to start it with run.sh",
          "[e2e][cli]") {
  TempDir dir;
  std::string token = WriteTokenFile(dir, "l.token", std::string(67, 'a'));
  // A port nothing listens on: take one from a server, then stop it.
  ServerProcess server(dir);
  REQUIRE(server.Start());
  std::string address = server.address();
  REQUIRE(server.Stop() == 0);
  auto [code, out] = RunWithEnv("", std::string(BARAZA_LIAISON_PATH) + " --timeout 3 --server " +
                                        address + " --token-file " + token + " notice list");
  INFO(out);
  CHECK(code == 7);
  CHECK_THAT(out, Catch::Contains(address) && Catch::Contains("./deploy/run.sh"));
  // A barazad that is running with TLS is unreachable in plaintext too.
  CHECK_THAT(out, Catch::Contains("--ca"));
}

TEST_CASE("an unreachable remote server is met with what to check there, not with run.sh",
          "[e2e][cli]") {
  TempDir dir;
  std::string token = WriteTokenFile(dir, "l.token", std::string(67, 'a'));
  // 0.0.0.0 is not a loopback address to the CLI, yet a connection to it stays on
  // this machine (and is refused at once on a port nothing listens on).
  ServerProcess server(dir);
  REQUIRE(server.Start());
  std::string port = server.address().substr(server.address().rfind(':'));
  REQUIRE(server.Stop() == 0);
  std::string address = "0.0.0.0" + port;
  auto [code, out] = RunWithEnv("", std::string(BARAZA_LIAISON_PATH) + " --timeout 3 --insecure " +
                                        "--server " + address + " --token-file " + token +
                                        " notice list");
  INFO(out);
  CHECK(code == 7);
  CHECK_THAT(out, Catch::Contains(address));
  CHECK_THAT(out, !Catch::Contains("run.sh"));
  CHECK_THAT(out, Catch::Contains("port") && Catch::Contains("network") &&
                      Catch::Contains("--ca"));
}

TEST_CASE("completion bash prints a script that completes subcommands at every level",
          "[e2e][cli]") {
  TempDir dir;
  struct Ask {
    const char* path;
    std::string words;  // the command line so far; the last word is being completed
    std::vector<std::string> offered, not_offered;
  };
  std::vector<Ask> asks = {
      {BARAZA_MEDIATOR_PATH, "baraza-mediator ca", {"case"}, {"group"}},
      {BARAZA_MEDIATOR_PATH, "baraza-mediator case sh", {"show"}, {"settle"}},
      {BARAZA_MEDIATOR_PATH, "baraza-mediator --server 127.0.0.1:1 group c", {"create"}, {}},
      // A file named like a command is an option's value, not that command.
      {BARAZA_MEDIATOR_PATH, "baraza-mediator --token-file case gr", {"group"}, {}},
      {BARAZA_MEDIATOR_PATH, "baraza-mediator group create --na", {"--name"}, {}},
      {BARAZA_LIAISON_PATH, "baraza-liaison case re", {"respond", "request-extension"}, {"appeal"}},
      {BARAZA_COMMANDER_PATH, "baraza-commander --tim", {"--timeout"}, {}},
      {BARAZA_OBSERVER_PATH, "baraza-observer r", {"report"}, {}},
  };
  for (const auto& a : asks) {
    std::string script = dir.file(std::filesystem::path(a.path).filename().string() + ".bash");
    auto [code, out] = RunCommand(std::string(a.path) + " completion bash > " + script);
    INFO(a.path << " completion bash: " << out);
    REQUIRE(code == 0);
    auto [syntax, said] = RunCommand("timeout 10 bash -n " + script);
    INFO("bash -n: " << said);
    CHECK(syntax == 0);
    // Source it, find the function it registered, and ask it as bash would.
    std::string ask =
        "timeout 10 bash -c 'source " + script + "; COMP_WORDS=(" + a.words +
        "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=\"${COMP_WORDS[*]}\"; "
        "fn=$(complete -p " + std::filesystem::path(a.path).filename().string() +
        " | sed -n \"s/.*-F \\([^ ]*\\) .*/\\1/p\"); test -n \"$fn\" || exit 9; "
        "\"$fn\"; printf \"<%s>\\n\" \"${COMPREPLY[@]}\"'";
    auto [acode, offered] = RunCommand(ask);
    INFO("completing '" << a.words << "' offered: " << offered);
    CHECK(acode == 0);
    for (const auto& w : a.offered) CHECK_THAT(offered, Catch::Contains("<" + w + ">"));
    for (const auto& w : a.not_offered) CHECK_THAT(offered, !Catch::Contains("<" + w + ">"));
  }
}

TEST_CASE("completion zsh prints a script naming every subcommand", "[e2e][cli]") {
  TempDir dir;
  std::string script = dir.file("mediator.zsh");
  auto [code, out] = RunCommand(std::string(BARAZA_MEDIATOR_PATH) + " completion zsh > " + script);
  REQUIRE(code == 0);
  std::ifstream in(script);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("#compdef baraza-mediator"));
  for (const char* word : {"group", "case", "settle", "extend", "--token-file"})
    CHECK_THAT(text, Catch::Contains(word));
  auto [has_zsh, where] = RunCommand("command -v zsh");
  if (has_zsh == 0) {
    auto [syntax, said] = RunCommand("timeout 10 zsh -n " + script);
    INFO("zsh -n: " << said);
    CHECK(syntax == 0);
  } else {
    WARN("zsh is not installed: the zsh script's syntax was not checked");
  }
  // An unknown shell is a usage error, naming the ones there are.
  auto [bad, said] = RunCommand(std::string(BARAZA_MEDIATOR_PATH) + " completion fish");
  CHECK(bad == 2);
  CHECK_THAT(said, Catch::Contains("bash"));
}

TEST_CASE("case respond --if-match changes the case only at that etag, and a stale one says what to do",
          "[e2e][cli]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  auto mediator = server.Client(server.mediator_token());
  Setup s = ThreeParties(mediator);
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  std::string read_etag = filed.etag();
  REQUIRE_FALSE(read_etag.empty());
  std::string liaison = std::string(BARAZA_LIAISON_PATH) + " --server " + server.address() +
                        " --token-file " + WriteTokenFile(dir, "l.token", s.silent_token);
  std::string respond = liaison + " case respond " + std::to_string(filed.id()) +
                        " --position 'We will open the road.' --if-match ";

  // `case show` prints the etag to pass.
  auto [scode, shown] = RunCommand(liaison + " case show " + std::to_string(filed.id()));
  INFO(shown);
  CHECK_THAT(shown, Catch::Contains(read_etag));

  // Another party answers first: the case is no longer as the liaison read it.
  REQUIRE(server.Client(s.answers_token).RespondToNotice(Answer(filed.id(), "Agreed."), &filed).ok());
  auto [stale, said] = RunCommand(respond + read_etag);
  INFO("with the stale etag: " << said);
  CHECK(stale == 6);
  CHECK_THAT(said, Catch::Contains("changed since you read it") &&
                       Catch::Contains("case show " + std::to_string(filed.id())) &&
                       Catch::Contains("--if-match"));
  CHECK(RespondentOf(GetCase(mediator, filed.id()), s.silent).status() ==
        v1::RESPONDENT_STATUS_AWAITING);  // nothing written

  auto [ok, out] = RunCommand(respond + GetCase(mediator, filed.id()).etag());
  INFO("with the current etag: " << out);
  CHECK(ok == 0);
  CHECK(RespondentOf(GetCase(mediator, filed.id()), s.silent).status() !=
        v1::RESPONDENT_STATUS_AWAITING);
}

TEST_CASE("a party's text with terminal escapes reaches the mediator's terminal as plain text",
          "[e2e][cli]") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.Start());
  auto mediator = server.Client(server.mediator_token());
  Setup s = ThreeParties(mediator);
  v1::Case filed;
  REQUIRE(mediator.FileDispute(Dispute(s, 3600), &filed).ok());
  // A hostile position: clears the screen, sets the terminal's title and clipboard
  // (OSC 52), rewrites the line (CR), and a C1 CSI (U+009B) in UTF-8.
  const std::string hostile =
      "We accept.\x1b[2J\x1b]0;owned\x07\x1b]52;c;Y3VybA==\x07\rsettled\xc2\x9b"
      "31m red";
  REQUIRE(server.Client(s.answers_token).RespondToNotice(Answer(filed.id(), hostile), &filed).ok());
  std::string cli = std::string(BARAZA_MEDIATOR_PATH) + " --server " + server.address() +
                    " --token-file " + WriteTokenFile(dir, "m.token", server.mediator_token());
  for (const std::string command : {"case show", "case history"}) {
    auto [code, out] = RunCommand(cli + " " + command + " " + std::to_string(filed.id()));
    INFO(command << " printed: " << out);
    CHECK(code == 0);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
    CHECK(out.find('\r') == std::string::npos);
    CHECK(out.find("\xc2\x9b") == std::string::npos);
    if (command == "case show") CHECK_THAT(out, Catch::Contains("We accept.?[2J"));
  }
}
