// The reach commands of the role CLIs: a liaison's contact points (mediators
// manage them, liaisons list their own), a case's deliveries, and `notice ack`.
// Defined once here so that every CLI shows them alike. Not thread-safe.
#pragma once

#include "client/common/cli.h"

namespace baraza::cli {

// `contact add --liaison ID (--email A | --sms +NUMBER | --webhook URL)`,
// `contact list [--liaison ID]` and `contact remove ID` under `parent`.
// `manage` false: only `contact list` of the caller's own (liaisons).
void AddContactCommands(Program& p, CLI::App* parent, bool manage);
// `case deliveries ID`: where each notice of a case went and what became of it.
void AddCaseDeliveries(Program& p, CLI::App* kase);
// `notice ack ID`: the liaison read the notice (a read receipt on the record).
void AddNoticeAck(Program& p, CLI::App* notice);
// `notice list [--after ID] [--all]`: a page of the party's notices, or all of them.
void AddNoticeList(Program& p, CLI::App* notice);
// `notice watch [--after ID] [--count N] [--for S]`: notices as they arrive; on a
// lost connection it reconnects with backoff and resumes after the last one
// printed, so nothing is missed and nothing printed twice.
void AddNoticeWatch(Program& p, CLI::App* notice);

}  // namespace baraza::cli
