// Who may see what: the confidentiality rules of DOMAIN.md as pure functions
// over the model, used by the application before anything leaves the server. Thread-safe.
#pragma once

#include <memory>

#include "services/workflow/model.h"

namespace baraza::workflow {

// Mediators and the server see every case; a commander the cases it filed or
// logged; a liaison the cases its party is in (as filer, respondent or affected
// party) and the emergency actions of its group, of which every party is told.
// Others see none.
bool CanSeeCase(const Actor& actor, const Case& c);

// A liaison sees events visible to the group and those about its own party.
bool CanSeeEvent(const Actor& actor, const Event& e);

// A liaison sees notices addressed to its own party, a commander its own; a
// mediator any (the mediators' own and every party's).
bool CanSeeNotice(const Actor& actor, const Notice& n);

// The case as `actor` may read it: another party's MEDIATOR_ONLY positions and
// extension requests are removed. Call only after CanSeeCase. Takes the case by
// value: callers that own it move it in and nothing is copied.
Case RedactFor(const Actor& actor, Case c);
// The same for a shared, immutable case: the case itself when `actor` may see
// all of it (a mediator always), else a redacted copy.
std::shared_ptr<const Case> RedactFor(const Actor& actor, std::shared_ptr<const Case> c);

// Contact points are confidential: a mediator sees every one, a liaison or a
// commander only its own, nobody else any.
bool CanSeeContactPoint(const Actor& actor, const ContactPoint& p);

// A mediator sees every group; a liaison only its own party's group.
bool CanSeeGroup(const Actor& actor, Id group_id);

}  // namespace baraza::workflow
