// A published report's values as meaning: the template (report.cc) writes
// English; this reads each value back into catalogue messages so a reader gets
// the same sections and data with only the words changed. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "services/workflow/message.h"
#include "services/workflow/model.h"

namespace baraza::workflow {

// The messages that say `line`'s value (more than one for a list of parties,
// joined by "; "), or none when the value is data or what a person wrote and
// is shown as stored (a description, a number, a hash). What a person wrote is
// only ever a kText argument, never a pattern.
std::vector<Message> ReportValue(const ReportLine& line);

// "report.title" with {case} and {title} for "Report on case #7: <title>";
// an empty message for a title of another form.
Message ReportTitle(const std::string& title);

}  // namespace baraza::workflow
