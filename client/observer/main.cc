// baraza-observer: the observer's command line — the public, donors, the
// Security Council read what contact groups published, and nothing else.
// Thin: parse, call barazad, print.
#include "client/common/commands.h"

using namespace baraza;
using namespace baraza::cli;

int main(int argc, char** argv) {
  CLI::App app{"baraza-observer: read the reports contact groups have published — each rendered "
               "from one template whichever party it concerns, with the head of the "
               "tamper-evident history to check the record against later."};
  Program p(app, "observer", "");
  auto* report = app.add_subcommand("report", "published reports")->require_subcommand(1);
  AddReportReading(p, report);
  return p.Main(argc, argv);
}
