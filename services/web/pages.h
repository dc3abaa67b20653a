// The public web page's HTML, rendered from model values: plain HTML and CSS,
// no script, small enough for a slow link, printable; every text that came from
// a user is escaped. Pure (no I/O); used by PublicSite. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "services/workflow/model.h"

namespace baraza::web {

// Escapes & < > " ' so that text is shown as text, never read as markup.
std::string Escape(std::string_view text);

// "/": the groups that have published reports. `next_after` is the id to page
// on from (0: the last page).
std::string IndexPage(const std::vector<ContactGroup>& groups, Id next_after);

// "/groups/<id>": one group and its published reports, newest first;
// `next_before` is the report id to page on from (0: the last page).
std::string GroupPage(const ContactGroup& group, const std::vector<Report>& reports,
                      Id next_before);

// "/reports/<id>?part=<n>": one report with its history head and how to check
// it. `corrected_by`: later reports that correct this one. A report whose texts
// would make a page over 50 KB is laid out in parts (long texts continue on the
// next part); `part` counts from 1 and must be at most ReportParts(report).
std::string ReportPage(const Report& report, const ContactGroup& group,
                       const std::vector<Report>& corrected_by, int part = 1);
int ReportParts(const Report& report);

// A page for an error (404, 405, 500), saying what to do.
std::string ErrorPage(int status, const std::string& message);

}  // namespace baraza::web
