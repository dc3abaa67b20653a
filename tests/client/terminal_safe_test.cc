// The CLIs' terminal filter: control characters from another party's text are shown
// as '?', never obeyed; every printable character, in any script, passes unchanged.
#include <catch2/catch.hpp>

#include "client/common/terminal_safe.h"

using baraza::cli::TerminalSafe;

TEST_CASE("escape sequences, carriage returns and bells are shown as '?'") {
  CHECK(TerminalSafe("ok\x1b[2Jgone") == "ok?[2Jgone");
  CHECK(TerminalSafe("a\x1b]52;c;Y3VybA==\x07z") == "a?]52;c;Y3VybA==?z");
  CHECK(TerminalSafe("settled\rdefault") == "settled?default");
  CHECK(TerminalSafe(std::string("nul\0here", 8)) == "nul?here");
  CHECK(TerminalSafe("del\x7f") == "del?");
}

TEST_CASE("C1 controls written as UTF-8 are shown as '?'") {
  CHECK(TerminalSafe("x\xc2\x9b" "31mred") == "x?31mred");  // CSI, U+009B
  CHECK(TerminalSafe("\xc2\x80\xc2\x9f") == "??");
}

TEST_CASE("newlines, tabs and every script's letters pass unchanged") {
  const std::string text =
      "line one\n\tindented: £5 © 1\xc2\xa0" "000 — « affaire » ; حالة ; ケース ; 😀\n";
  CHECK(TerminalSafe(text) == text);
  CHECK(TerminalSafe("ends with \xc2") == "ends with \xc2");  // a lone lead byte is not a control
}
