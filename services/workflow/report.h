// Even-handed publication (the paper's Red Cross model): one template renders
// every report — the same sections, in the same order, with the same wording,
// whichever party it concerns, the mission included. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "services/workflow/case_machine.h"

namespace baraza::workflow {

// What the template needs besides the case, gathered by the caller inside the
// write that publishes the report.
struct ReportContext {
  const ContactGroup* group = nullptr;  // the case's group, with its parties (names)
  std::vector<Event> events;            // the case's history so far, in order
  std::string history_head;             // the whole log's head before publication
  std::string case_head;                // the hash of the case's last event
  Id report_id = 0;                     // the id the store reserved
  const Report* corrected = nullptr;    // the report this one corrects, if any
};

struct Publication {
  Transition transition;  // the case with its `report published` event
  Report report;
};

// Publishes a report on `c`: renders it and records the publication in the
// case's history. Mediators only; any state (a report on an open case says
// so). A correction must name a report of the same case.
Result<Publication> PublishReport(const Case& c, const ReportContext& ctx, const Actor& actor,
                                  UnixMillis now);

// The template itself. Only what the whole group may read goes in: positions
// and events marked MEDIATOR_ONLY never appear.
Report RenderReport(const Case& c, const ReportContext& ctx, const std::string& published_by,
                    UnixMillis now);

// A report's fixed wording — its headings and line labels, in order — without
// any of its data. Two reports on cases of the same shape have equal skeletons,
// whichever parties they concern.
std::vector<std::string> Skeleton(const Report& r);

// Whether a case in this state has not reached its outcome yet.
bool IsOpen(CaseState s);

}  // namespace baraza::workflow
