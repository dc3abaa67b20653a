#include "services/web/pages.h"

#include <algorithm>

#include "services/workflow/case_machine.h"

namespace baraza::web {
namespace {

using workflow::FormatTime;

// Small, readable on a phone, and printable: no web fonts, no images, no script.
constexpr std::string_view kStyle = R"css(
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
background:#fff;margin:0 auto;max-width:46em;padding:0 1em 2em}
header{border-bottom:2px solid #1a1a1a;padding:.8em 0;margin-bottom:1em}
header a{color:#1a1a1a;font-weight:700;text-decoration:none}
h1{font-size:1.5em;line-height:1.25;margin:.4em 0}
h2{font-size:1.15em;border-bottom:1px solid #bbb;margin:1.6em 0 .4em;padding-bottom:.2em}
a{color:#0645ad}
dl{margin:0}dt{font-weight:600;margin-top:.6em}dd{margin:0 0 0 1.2em;white-space:pre-wrap;
overflow-wrap:anywhere}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
.meta{color:#555}.notice{border-left:4px solid #b35900;padding:.3em .8em;background:#fff6ec}
ul.list{padding-left:1.2em}ul.list li{margin:.5em 0}
footer{margin-top:2.5em;border-top:1px solid #bbb;padding-top:.6em;color:#555;font-size:.9em}
@media print{header a,footer{color:#000}a{color:#000;text-decoration:none}
.pager{display:none}body{max-width:none;font-size:11pt}}
)css";

std::string Page(const std::string& title, const std::string& body) {
  std::string out;
  out.reserve(body.size() + 2048);
  out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<title>";
  out += Escape(title);
  out += " — Baraza</title><style>";
  out += kStyle;
  out += "</style></head><body>\n<header><a href=\"/\">Baraza · published reports</a></header>\n"
         "<main>\n";
  out += body;
  out += "</main>\n<footer>Published by the mission's contact groups through Baraza. Every report "
         "is rendered from one template, the same whichever party it concerns, and carries the "
         "head of the tamper-evident history so that its record can be checked later.</footer>\n"
         "</body></html>\n";
  return out;
}

std::string Link(const std::string& href, const std::string& text) {
  return "<a href=\"" + Escape(href) + "\">" + Escape(text) + "</a>";
}

std::string GroupLine(const ContactGroup& g) {
  std::string out = std::string(Name(g.kind)) + " contact group";
  out += g.HasUnarmedStakeholders()
             ? "; includes unarmed stakeholders"
             : "; includes no unarmed stakeholders (civil society, women's groups, minorities, "
               "traditional authorities, NGOs)";
  return out;
}

std::string ReportItem(const Report& r) {
  std::string out = "<li>" + Link("/reports/" + std::to_string(r.id), r.title) +
                    "<br><span class=\"meta\">report #" + std::to_string(r.id) + ", published " +
                    Escape(FormatTime(r.published_at));
  if (r.corrects_report_id != 0)
    out += "; corrects report #" + std::to_string(r.corrects_report_id);
  return out + "</span></li>\n";
}

// Where a report's text goes on its pages: each line of each section, a long
// value cut into pieces (at a UTF-8 character's start) that continue on the
// next part, so that no page carries more than kPartBytes of escaped text.
// A section with no lines is one piece of its own (line kNoLines): its heading
// is shown with "none", so that every report shows every section of the
// template, in order, whatever the case (an emergency action invokes no standard).
struct Piece {
  int section = 0, line = 0;
  size_t offset = 0, length = 0;
};
constexpr int kNoLines = -1;
constexpr size_t kPartBytes = 36 * 1024;  // plus the page's frame: well under 50 KB
constexpr size_t kPieceBytes = 7 * 1024;  // at most 35 KB once escaped (every byte '&')

size_t EscapedSize(std::string_view text) {
  size_t n = 0;
  for (char ch : text) n += ch == '&' ? 5 : ch == '<' || ch == '>' ? 4 : ch == '"' || ch == '\'' ? 6 : 1;
  return n;
}

std::vector<std::vector<Piece>> LayOut(const Report& r) {
  std::vector<std::vector<Piece>> parts(1);
  size_t used = 0;
  for (int s = 0; s < static_cast<int>(r.sections.size()); ++s) {
    const auto& lines = r.sections[s].lines;
    if (lines.empty()) {
      size_t size = r.sections[s].heading.size() + 64;
      if (used + size > kPartBytes && used > 0) {
        parts.emplace_back();
        used = 0;
      }
      parts.back().push_back({s, kNoLines, 0, 0});
      used += size;
      continue;
    }
    for (int l = 0; l < static_cast<int>(lines.size()); ++l) {
      std::string_view value = lines[l].value;
      size_t offset = 0;
      do {  // bounded: each turn takes at least one character
        size_t length = std::min(kPieceBytes, value.size() - offset);
        while (offset + length < value.size() && length > 0 &&
               (static_cast<unsigned char>(value[offset + length]) & 0xC0) == 0x80)
          --length;  // do not cut a character in two
        if (length == 0) length = std::min<size_t>(1, value.size() - offset);
        size_t size = EscapedSize(value.substr(offset, length)) + lines[l].label.size() + 64;
        if (used + size > kPartBytes && used > 0) {
          parts.emplace_back();
          used = 0;
        }
        parts.back().push_back({s, l, offset, length});
        used += size;
        offset += length;
      } while (offset < value.size());
    }
  }
  return parts;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string IndexPage(const std::vector<ContactGroup>& groups, Id next_after) {
  std::string body = "<h1>Contact groups and their published reports</h1>\n";
  body += "<p class=\"meta\">What a contact group could not resolve privately may be published "
          "here, in the same form whichever party is concerned. A group appears once it has "
          "published a report.</p>\n";
  if (groups.empty()) body += "<p>No report has been published yet.</p>\n";
  body += "<ul class=\"list\">\n";
  for (const auto& g : groups)
    body += "<li>" + Link("/groups/" + std::to_string(g.id), g.name) +
            "<br><span class=\"meta\">" + Escape(GroupLine(g)) + "</span></li>\n";
  body += "</ul>\n";
  if (next_after != 0)
    body += "<p class=\"pager\">" + Link("/?after=" + std::to_string(next_after), "More groups") +
            "</p>\n";
  return Page("Published reports", body);
}

std::string GroupPage(const ContactGroup& group, const std::vector<Report>& reports,
                      Id next_before) {
  std::string body = "<h1>" + Escape(group.name) + "</h1>\n";
  body += "<p class=\"meta\">" + Escape(GroupLine(group)) + "</p>\n";
  body += "<h2>Published reports, newest first</h2>\n<ul class=\"list\">\n";
  for (const auto& r : reports) body += ReportItem(r);
  body += "</ul>\n";
  if (reports.empty()) body += "<p>No report on this page.</p>\n";
  if (next_before != 0)
    body += "<p class=\"pager\">" +
            Link("/groups/" + std::to_string(group.id) + "?before=" + std::to_string(next_before),
                 "Older reports") +
            "</p>\n";
  return Page(group.name, body);
}

std::string ReportPage(const Report& r, const ContactGroup& group,
                       const std::vector<Report>& corrected_by, int part) {
  std::vector<std::vector<Piece>> parts = LayOut(r);
  int n = static_cast<int>(parts.size());
  part = std::clamp(part, 1, n);
  std::string body = "<h1>" + Escape(r.title) + "</h1>\n";
  body += "<p class=\"meta\">Report #" + std::to_string(r.id) + ", published " +
          Escape(FormatTime(r.published_at)) + " by " +
          Link("/groups/" + std::to_string(group.id), group.name) + ".</p>\n";
  if (r.corrects_report_id != 0)
    body += "<p class=\"notice\">This report corrects " +
            Link("/reports/" + std::to_string(r.corrects_report_id),
                 "report #" + std::to_string(r.corrects_report_id)) +
            ", which stays published unchanged.</p>\n";
  for (const auto& later : corrected_by)
    body += "<p class=\"notice\">A later report corrects this one: " +
            Link("/reports/" + std::to_string(later.id), "report #" + std::to_string(later.id)) +
            ".</p>\n";
  std::string pager;
  if (n > 1) {
    std::string base = "/reports/" + std::to_string(r.id) + "?part=";
    pager = "<p class=\"pager\">Part " + std::to_string(part) + " of " + std::to_string(n);
    if (part > 1) pager += " · " + Link(base + std::to_string(part - 1), "previous part");
    if (part < n) pager += " · " + Link(base + std::to_string(part + 1), "next part");
    pager += "</p>\n";
  }
  body += pager;
  int open_section = -1;
  bool open_list = false;
  for (const Piece& p : parts[part - 1]) {
    if (p.section != open_section) {
      if (open_list) body += "</dl>\n";
      body += "<h2>" + Escape(r.sections[p.section].heading) + "</h2>\n";
      open_section = p.section;
      open_list = false;
    }
    if (p.line == kNoLines) {
      body += "<p class=\"meta\">none</p>\n";
      continue;
    }
    if (!open_list) body += "<dl>\n";
    open_list = true;
    const ReportLine& line = r.sections[p.section].lines[p.line];
    body += "<dt>" + Escape(line.label) + (p.offset > 0 ? " (continued)" : "") + "</dt><dd>" +
            Escape(std::string_view(line.value).substr(p.offset, p.length)) + "</dd>\n";
  }
  if (open_list) body += "</dl>\n";
  body += pager;
  return Page(r.title, body);
}

int ReportParts(const Report& r) { return static_cast<int>(LayOut(r).size()); }

std::string ErrorPage(int status, const std::string& message) {
  std::string title = status == 404 ? "Not found" : status == 405 ? "Not allowed" : "Error";
  return Page(title, "<h1>" + Escape(title) + "</h1>\n<p>" + Escape(message) + "</p>\n<p>" +
                         Link("/", "See every published report") + "</p>\n");
}

}  // namespace baraza::web
