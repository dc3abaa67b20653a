// A party's participation record across all its cases, derived from the events
// of those cases (never typed in): what the paper says a party's standing rests
// on. Pure; thread-safe.
#pragma once

#include <vector>

#include "services/workflow/model.h"

namespace baraza::workflow {

struct ParticipationRecord {
  Id party_id = 0;
  int cases = 0;                   // cases the party is in
  int notices_received = 0;        // calls to negotiate (including contemplated actions)
  int answered_on_time = 0;        // first answer before the first deadline
  int answered_late = 0;           // first answer after it (after an extension)
  int never_answered = 0;          // default judgements entered against the party
  int referred = 0;                // silent, but referred to the mediator instead
  int extensions_requested = 0;
  int extensions_granted = 0;
  int support_granted = 0;
  int emergency_actions_affecting = 0;
  int appeals_filed = 0;
  int appeals_upheld = 0;               // the action was upheld: the appeal failed
  int appeals_upheld_with_remedy = 0;
  int appeals_overturned = 0;           // the appeal succeeded
  int appeals_pending = 0;
  // The outreach its cases' records show (workflow/outreach.h).
  int notices_sent = 0;
  int notices_delivered = 0;
  int notices_read = 0;
};

// `histories`: the events of each case the party is in, one vector per case.
ParticipationRecord Tally(Id party_id, const std::vector<std::vector<Event>>& histories);

}  // namespace baraza::workflow
