#include "services/web/pages.h"

#include <algorithm>
#include <cctype>

#include "services/i18n/renderer.h"
#include "services/workflow/case_machine.h"
#include "services/workflow/report_text.h"

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
dl{margin:0}dt{font-weight:600;margin-top:.6em}dd{margin:0;margin-inline-start:1.2em;white-space:pre-wrap;
overflow-wrap:anywhere}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
.meta{color:#555}.notice{border-inline-start:4px solid #b35900;padding:.3em .8em;background:#fff6ec}
ul.list{padding-inline-start:1.2em}nav.langs{float:inline-end;font-size:.9em}nav.langs a{font-weight:400;margin-inline-start:.5em}nav.langs a[aria-current]{font-weight:700}ul.list li{margin:.5em 0}
footer{margin-top:2.5em;border-top:1px solid #bbb;padding-top:.6em;color:#555;font-size:.9em}
@media print{header a,footer{color:#000}a{color:#000;text-decoration:none}
.pager{display:none}body{max-width:none;font-size:11pt}}
)css";

// A message whose arguments may hold links: `links` replace the markers
// kLinkMark + index in the escaped text, so the words around them are escaped
// and the links are not.
constexpr std::string_view kLinkMark = "\uE000";
std::string Mark(size_t i) { return std::string(kLinkMark) + static_cast<char>('0' + i); }
std::string WithLinks(std::string escaped, const std::vector<std::string>& links) {
  for (size_t i = 0; i < links.size(); ++i) {
    std::string mark = Mark(i);
    for (size_t at = escaped.find(mark); at != std::string::npos; at = escaped.find(mark, at))
      escaped.replace(at, mark.size(), links[i]), at += links[i].size();
  }
  return escaped;
}

Message Msg(const char* id) {
  Message m;
  m.id = id;
  return m;
}

std::string Page(const std::string& title, const std::string& body, const PageWords& w) {
  std::string out;
  out.reserve(body.size() + 2048);
  out += "<!doctype html>\n<html lang=\"" + Escape(w.lang) + "\" dir=\"" + Escape(w.dir) +
         "\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<title>";
  out += Escape(title);
  out += " — Baraza</title><style>";
  out += kStyle;
  out += "</style></head><body>\n<header><a href=\"" + Escape(w.Href("/")) + "\">" +
         Escape(w.Say("page.header", "Baraza · published reports")) + "</a>";
  if (!w.languages.empty()) {
    out += "<nav class=\"langs\">";
    for (const auto& [tag, name] : w.languages)
      out += " <a href=\"?lang=" + Escape(tag) + "\" lang=\"" + Escape(tag) +
             "\" dir=\"auto\"" + (tag == w.lang ? " aria-current=\"page\"" : "") + ">" +
             Escape(name) + "</a>";
    out += "</nav>";
  }
  out += "</header>\n<main>\n";
  out += body;
  out += "</main>\n<footer>" +
         Escape(w.Say("page.footer",
                      "Published by the mission's contact groups through Baraza. Every report "
                      "is rendered from one template, the same whichever party it concerns, and "
                      "carries the head of the tamper-evident history so that its record can be "
                      "checked later.")) +
         "</footer>\n</body></html>\n";
  return out;
}

// A link to a page of this site, in the page's language; its text isolated
// (<bdi>): a name in another script keeps its own direction inside a sentence.
std::string Link(const PageWords& w, const std::string& path, const std::string& text) {
  return "<a href=\"" + Escape(w.Href(path)) + "\"><bdi>" + Escape(text) + "</bdi></a>";
}

std::string GroupLine(const ContactGroup& g, const PageWords& w) {
  std::string english = std::string(Name(g.kind)) + " contact group";
  english += g.HasUnarmedStakeholders()
                 ? "; includes unarmed stakeholders"
                 : "; includes no unarmed stakeholders (civil society, women's groups, "
                   "minorities, traditional authorities, NGOs)";
  Message m = Msg("page.group_line");
  m.Text("kind", g.kind == GroupKind::kStanding ? "standing" : "ad_hoc")
      .Text("unarmed", g.HasUnarmedStakeholders() ? "yes" : "no");
  return w.Say(m, english);
}

std::string Published(const PageWords& w, UnixMillis at) {
  Message m = Msg("page.time");
  m.Time("time", at);
  return w.Say(m, FormatTime(at));
}

std::string ReportItem(const Report& r, const PageWords& w) {
  Message m = Msg("page.report_item");
  m.Text("report", std::to_string(r.id)).Text("time", Published(w, r.published_at));
  Message title = workflow::ReportTitle(r.title);
  std::string out = "<li>" + Link(w, "/reports/" + std::to_string(r.id),
                                  title.empty() ? r.title : w.Say(title, r.title)) +
                    "<br><span class=\"meta\">" +
                    Escape(w.Say(m, "report #" + std::to_string(r.id) + ", published " +
                                        FormatTime(r.published_at)));
  if (r.corrects_report_id != 0) {
    Message c = Msg("page.report_item_corrects");
    c.Text("report", std::to_string(r.corrects_report_id));
    out += Escape(w.Say(c, "; corrects report #" + std::to_string(r.corrects_report_id)));
  }
  return out + "</span></li>\n";
}

// Whether the value of a line with this label is the template's own words (a
// state, a role, a kind), never a party's: only those are translated.
bool TemplateValue(const std::string& label) {
  for (const char* l : {"Kind", "Status", "Raised by", "Role in the case", "Answer", "Outcome",
                        "Standard", "Dimension"})
    if (label == l) return true;
  return false;
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

std::string PageWords::Say(const Message& m, const std::string& english) const {
  if (!text) return english;
  std::string out = text(m);
  return out.empty() ? english : out;
}

std::string PageWords::Say(const char* id, const std::string& english) const {
  return Say(Msg(id), english);
}

std::string PageWords::Href(const std::string& path) const {
  if (lang.empty() || lang == "en") return path;
  return path + (path.find('?') == std::string::npos ? "?" : "&") + "lang=" + lang;
}

std::string IndexPage(const std::vector<ContactGroup>& groups, Id next_after,
                      const PageWords& w) {
  std::string body =
      "<h1>" + Escape(w.Say("page.index_heading", "Contact groups and their published reports")) +
      "</h1>\n";
  body += "<p class=\"meta\">" +
          Escape(w.Say("page.index_intro",
                       "What a contact group could not resolve privately may be published "
                       "here, in the same form whichever party is concerned. A group appears "
                       "once it has published a report.")) +
          "</p>\n";
  if (groups.empty())
    body += "<p>" + Escape(w.Say("page.index_empty", "No report has been published yet.")) +
            "</p>\n";
  body += "<ul class=\"list\">\n";
  for (const auto& g : groups)
    body += "<li>" + Link(w, "/groups/" + std::to_string(g.id), g.name) +
            "<br><span class=\"meta\">" + Escape(GroupLine(g, w)) + "</span></li>\n";
  body += "</ul>\n";
  if (next_after != 0)
    body += "<p class=\"pager\">" +
            Link(w, "/?after=" + std::to_string(next_after), w.Say("page.more_groups", "More groups")) +
            "</p>\n";
  return Page(w.Say("page.index_title", "Published reports"), body, w);
}

std::string GroupPage(const ContactGroup& group, const std::vector<Report>& reports,
                      Id next_before, const PageWords& w) {
  std::string body = "<h1 dir=\"auto\">" + Escape(group.name) + "</h1>\n";
  body += "<p class=\"meta\">" + Escape(GroupLine(group, w)) + "</p>\n";
  body += "<h2>" + Escape(w.Say("page.group_reports", "Published reports, newest first")) +
          "</h2>\n<ul class=\"list\">\n";
  for (const auto& r : reports) body += ReportItem(r, w);
  body += "</ul>\n";
  if (reports.empty())
    body += "<p>" + Escape(w.Say("page.group_empty", "No report on this page.")) + "</p>\n";
  if (next_before != 0)
    body += "<p class=\"pager\">" +
            Link(w, "/groups/" + std::to_string(group.id) + "?before=" + std::to_string(next_before),
                 w.Say("page.older_reports", "Older reports")) +
            "</p>\n";
  return Page(group.name, body, w);
}

std::string ReportPage(const Report& stored, const ContactGroup& group,
                       const std::vector<Report>& corrected_by, int part, const PageWords& w) {
  // The values in the page's language first, so that parts are laid out on what is shown.
  const bool translated = static_cast<bool>(w.report);
  const Report r = translated ? w.report(stored, group.time_zone) : stored;
  std::vector<std::vector<Piece>> parts = LayOut(r);
  int n = static_cast<int>(parts.size());
  part = std::clamp(part, 1, n);
  std::string body = "<h1 dir=\"auto\">" + Escape(r.title) + "</h1>\n";
  Message meta = Msg("page.report_meta");
  meta.Text("report", std::to_string(r.id))
      .Text("time", Published(w, r.published_at))
      .Text("group", Mark(0));
  body += "<p class=\"meta\">" +
          WithLinks(Escape(w.Say(meta, "Report #" + std::to_string(r.id) + ", published " +
                                           FormatTime(r.published_at) + " by " + Mark(0) + ".")),
                    {Link(w, "/groups/" + std::to_string(group.id), group.name)}) +
          "</p>\n";
  auto report_link = [&](Id id) {
    Message m = Msg("page.report_link");
    m.Text("report", std::to_string(id));
    return Link(w, "/reports/" + std::to_string(id), w.Say(m, "report #" + std::to_string(id)));
  };
  if (r.corrects_report_id != 0) {
    Message m = Msg("page.report_corrects");
    m.Text("link", Mark(0));
    body += "<p class=\"notice\">" +
            WithLinks(Escape(w.Say(m, "This report corrects " + Mark(0) +
                                          ", which stays published unchanged.")),
                      {report_link(r.corrects_report_id)}) +
            "</p>\n";
  }
  for (const auto& later : corrected_by) {
    Message m = Msg("page.report_corrected_by");
    m.Text("link", Mark(0));
    body += "<p class=\"notice\">" +
            WithLinks(Escape(w.Say(m, "A later report corrects this one: " + Mark(0) + ".")),
                      {report_link(later.id)}) +
            "</p>\n";
  }
  std::string pager;
  if (n > 1) {
    std::string base = "/reports/" + std::to_string(r.id) + "?part=";
    Message m = Msg("page.part");
    m.Number("part", part).Number("parts", n);
    pager = "<p class=\"pager\">" +
            Escape(w.Say(m, "Part " + std::to_string(part) + " of " + std::to_string(n)));
    if (part > 1)
      pager += " · " + Link(w, base + std::to_string(part - 1), w.Say("page.previous_part", "previous part"));
    if (part < n)
      pager += " · " + Link(w, base + std::to_string(part + 1), w.Say("page.next_part", "next part"));
    pager += "</p>\n";
  }
  body += pager;
  int open_section = -1;
  bool open_list = false;
  const std::string none = w.Say("page.none", "none");
  const std::string continued = w.Say("page.continued", "(continued)");
  for (const Piece& p : parts[part - 1]) {
    if (p.section != open_section) {
      if (open_list) body += "</dl>\n";
      const std::string& heading = r.sections[p.section].heading;
      body += "<h2>" + Escape(w.Say(i18n::WordsId(heading, "report.").c_str(), heading)) + "</h2>\n";
      open_section = p.section;
      open_list = false;
    }
    if (p.line == kNoLines) {
      body += "<p class=\"meta\">" + Escape(none) + "</p>\n";
      continue;
    }
    if (!open_list) body += "<dl>\n";
    open_list = true;
    const ReportLine& line = r.sections[p.section].lines[p.line];
    std::string_view value = std::string_view(line.value).substr(p.offset, p.length);
    std::string shown = translated ? std::string(value)
                        : line.value == "none" ? none
                        : TemplateValue(line.label) && p.offset == 0 && p.length == line.value.size()
                            ? w.Say(i18n::WordsId(line.value).c_str(),
                                    line.value)
                            : std::string(value);
    body += "<dt>" + Escape(w.Say(i18n::WordsId(line.label, "report.").c_str(), line.label)) +
            (p.offset > 0 ? " " + Escape(continued) : "") + "</dt><dd dir=\"auto\">" +
            Escape(shown) + "</dd>\n";
  }
  if (open_list) body += "</dl>\n";
  body += pager;
  return Page(r.title, body, w);
}

int ReportParts(const Report& r) { return static_cast<int>(LayOut(r).size()); }

std::string ErrorPage(int status, const std::string& message, const PageWords& w) {
  std::string title = status == 404   ? w.Say("page.not_found", "Not found")
                      : status == 405 ? w.Say("page.not_allowed", "Not allowed")
                                      : w.Say("page.error", "Error");
  return Page(title, "<h1>" + Escape(title) + "</h1>\n<p>" + Escape(message) + "</p>\n<p>" +
                         Link(w, "/", w.Say("page.see_all", "See every published report")) +
                         "</p>\n", w);
}

}  // namespace baraza::web
