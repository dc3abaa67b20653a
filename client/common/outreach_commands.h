// The reach commands of the role CLIs: contact points (mediators manage them,
// liaisons and commanders list their own), a case's deliveries, and the notice
// commands. Defined once here so that every CLI shows them alike. Not thread-safe.
#pragma once

#include "client/common/cli.h"

namespace baraza::cli {

// Whose contact points a `contact` command is about.
enum class ContactsOf {
  kOwn,        // the caller's own (liaisons, commanders): `contact list` only
  kLiaison,    // a liaison's, named with --liaison (mediators)
  kCommander,  // a commander's, named with --commander (mediators)
  kMediators,  // the mediators' own (mediators)
};
// `contact add [--liaison ID | --commander ID] (--email A | --sms +NUMBER | --webhook URL)`,
// `contact list [--liaison ID | --commander ID]` and `contact remove ID` under `parent`.
void AddContactCommands(Program& p, CLI::App* parent, ContactsOf whose);
// `language TAG [--liaison ID | --commander ID]`: the language notices are
// rendered in for a liaison or commander (their own, or a mediator's naming one).
void AddLanguageCommand(Program& p, CLI::App* parent, ContactsOf whose);
// `case deliveries ID`: where each notice of a case went and what became of it.
void AddCaseDeliveries(Program& p, CLI::App* kase);
// `notice ack ID`: the liaison read the notice (a read receipt on the record).
void AddNoticeAck(Program& p, CLI::App* notice);
// `notice list [--after ID] [--all]`: a page of the caller's notices (its
// party's, the mediators', the commander's own), or all of them. `by_party`:
// also `--party ID` (mediators read any party's).
void AddNoticeList(Program& p, CLI::App* notice, bool by_party = false);
// `notice watch [--after ID] [--count N] [--for S]`: notices as they arrive; on a
// lost connection it reconnects with backoff and resumes after the last one
// printed, so nothing is missed and nothing printed twice.
void AddNoticeWatch(Program& p, CLI::App* notice);

}  // namespace baraza::cli
