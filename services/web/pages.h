// The public web page's HTML, rendered from model values: plain HTML and CSS,
// no script, small enough for a slow link, printable; every text that came from
// a user is escaped. Pure (no I/O); used by PublicSite. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "services/workflow/model.h"

namespace baraza::web {

// The words of a page in one language (`?lang=`): its tag and direction, and
// the text of each fixed message (PublicSite fills `text` from the catalogues;
// without it, or when a catalogue lacks a message, the English given here is
// used). Report labels and headings are looked up as "report.<words>"
// ("Raised on" → report.raised_on), so that a report stored once in the
// template's English reads in every language: same sections, same data.
struct PageWords {
  std::string lang = "en";
  std::string dir = "ltr";  // "rtl" for Arabic
  // The message rendered in `lang` (UTF-8, not escaped); "" when no catalogue has it.
  std::function<std::string(const Message&)> text;
  // A report with its title and the template's values (states, roles, times,
  // counts in words) in `lang`, times in `zone`; data and what people wrote as
  // stored (services/i18n/report_words.h). Unset: the stored English.
  std::function<Report(const Report&, const std::string& zone)> report;
  // Other languages offered, as (tag, the language's own name), for the switcher.
  std::vector<std::pair<std::string, std::string>> languages;

  std::string Say(const Message& m, const std::string& english) const;
  std::string Say(const char* id, const std::string& english) const;
  // `path` with this language kept in its query ("?lang=ar"); English adds none.
  std::string Href(const std::string& path) const;
};

// Escapes & < > " ' so that text is shown as text, never read as markup.
std::string Escape(std::string_view text);

// "/": the groups that have published reports. `next_after` is the id to page
// on from (0: the last page).
std::string IndexPage(const std::vector<ContactGroup>& groups, Id next_after,
                      const PageWords& words = {});

// "/groups/<id>": one group and its published reports, newest first;
// `next_before` is the report id to page on from (0: the last page).
std::string GroupPage(const ContactGroup& group, const std::vector<Report>& reports,
                      Id next_before, const PageWords& words = {});

// "/reports/<id>?part=<n>": one report with its history head and how to check
// it. `corrected_by`: later reports that correct this one. A report whose texts
// would make a page over 50 KB is laid out in parts (long texts continue on the
// next part); `part` counts from 1 and must be at most ReportParts(report).
std::string ReportPage(const Report& report, const ContactGroup& group,
                       const std::vector<Report>& corrected_by, int part = 1,
                       const PageWords& words = {});
int ReportParts(const Report& report);

// A page for an error (404, 405, 500), saying what to do.
std::string ErrorPage(int status, const std::string& message, const PageWords& words = {});

}  // namespace baraza::web
