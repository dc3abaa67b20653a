#include "client/common/print.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <iomanip>
#include <iostream>

namespace baraza::cli {
namespace {

using google::protobuf::util::TimeUtil;

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  std::string s = TimeUtil::ToString(t);  // 2026-11-25T06:35:25.275Z
  s = s.substr(0, 19);
  s[10] = ' ';
  return s + "Z";
}

template <typename Descriptor>
std::string Label(const Descriptor* d, int v) {
  return EnumLabel(d, v);
}

void Row(const std::string& key, const std::string& value) {
  std::cout << std::left << std::setw(20) << (key + ":") << value << "\n";
}

void Id(int64_t id) { std::cout << id << std::endl; }

std::string Ids(const google::protobuf::RepeatedField<int64_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

// What an emergency action was, its explanations and its appeals.
void PrintAction(const v1::Case& k) {
  const auto& a = k.action();
  Row("occurred", Time(a.occurred_at()) + " at " + a.location());
  Row("threat", a.threat());
  Row("kept narrow", a.narrowness());
  Row("affected parties", Ids(k.affected_party_ids()));
  Row("appeal deadline", Time(k.appeal_deadline()));
  for (const auto& e : k.explanations())
    std::cout << "explanation #" << e.id() << " (" << Time(e.at()) << "): " << e.text() << "\n";
  for (const auto& ap : k.appeals()) {
    std::cout << "appeal #" << ap.id() << " by party " << ap.party_id() << " (" << Time(ap.filed_at())
              << "): " << ap.grounds() << "\n";
    if (!ap.requested_remedy().empty()) std::cout << "    asks: " << ap.requested_remedy() << "\n";
    if (ap.has_answer()) std::cout << "    answer: " << ap.answer().text() << "\n";
  }
}

}  // namespace

void PrintJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  std::cout << out;
  if (out.empty() || out.back() != '\n') std::cout << "\n";
}

void PrintGroup(const Common& c, const v1::ContactGroup& g) {
  if (c.id_only()) return Id(g.id());
  if (c.json()) return PrintJson(g);
  Row("group", std::to_string(g.id()) + "  " + g.name());
  Row("kind", Label(v1::GroupKind_descriptor(), g.kind()));
  if (!g.purpose().empty()) Row("purpose", g.purpose());
  Row("time zone", g.time_zone().empty() ? "UTC" : g.time_zone());
  std::cout << "parties:\n";
  for (const auto& p : g.parties())
    std::cout << "  " << std::setw(6) << p.id() << "  " << std::setw(24) << std::left
              << Label(v1::PartyCategory_descriptor(), p.category()) << " " << p.name() << "  ("
              << p.liaison_count() << " liaison" << (p.liaison_count() == 1 ? "" : "s") << ")\n";
  if (g.parties_size() == 0) std::cout << "  (none yet: add one with `party add`)\n";
  if (g.parties_size() > 0 && !g.has_unarmed_stakeholders())
    std::cerr << "warning: group " << g.id()
              << " has no unarmed stakeholders (civil society, women's groups, minorities, "
                 "traditional authorities, NGOs); the process needs them.\n";
}

void PrintGroups(const Common& c, const v1::ListContactGroupsResponse& r) {
  if (c.id_only()) {
    for (const auto& g : r.groups()) Id(g.id());
    return;
  }
  if (c.json()) return PrintJson(r);
  std::cout << std::left << std::setw(8) << "ID" << std::setw(10) << "KIND" << std::setw(9)
            << "PARTIES" << "NAME\n";
  for (const auto& g : r.groups())
    std::cout << std::setw(8) << g.id() << std::setw(10) << Label(v1::GroupKind_descriptor(), g.kind())
              << std::setw(9) << g.parties_size() << g.name() << "\n";
  if (!r.next_page_token().empty())
    std::cerr << "more: --page-token " << r.next_page_token() << "\n";
}

void PrintParty(const Common& c, const v1::Party& p) {
  if (c.id_only()) return Id(p.id());
  if (c.json()) return PrintJson(p);
  Row("party", std::to_string(p.id()) + "  " + p.name());
  Row("group", std::to_string(p.group_id()));
  Row("category", Label(v1::PartyCategory_descriptor(), p.category()));
}

void PrintCase(const Common& c, const v1::Case& k) {
  if (c.id_only()) return Id(k.id());
  if (c.json()) return PrintJson(k);
  Row("case", std::to_string(k.id()) + "  " + k.title());
  Row("kind", Label(v1::CaseKind_descriptor(), k.kind()));
  Row("state", Label(v1::CaseState_descriptor(), k.state()));
  Row("etag", k.etag());  // for --if-match on the next change
  Row("group", std::to_string(k.group_id()));
  Row("filed by", k.filed_by_party_id()       ? "party " + std::to_string(k.filed_by_party_id())
                  : k.filed_by_commander_id() ? "the mission (commander " +
                                                    std::to_string(k.filed_by_commander_id()) + ")"
                                              : "the mission");
  Row("filed at", Time(k.filed_at()));
  std::string standards;
  for (int s : k.standards()) standards += (standards.empty() ? "" : ", ") + Label(v1::Standard_descriptor(), s);
  if (!standards.empty()) Row("standards", standards);
  Row("dimension", Label(v1::OperationalDimension_descriptor(), k.dimension()));
  Row("description", k.description());
  if (k.kind() == v1::CASE_KIND_EMERGENCY_ACTION) PrintAction(k);
  if (k.respondents_size()) std::cout << "respondents:\n";
  for (const auto& r : k.respondents())
    std::cout << "  party " << std::setw(6) << std::left << r.party_id() << std::setw(10)
              << Label(v1::RespondentStatus_descriptor(), r.status()) << " deadline "
              << Time(r.deadline()) << "  reminders " << r.reminders_sent() << "\n";
  if (k.positions_size()) std::cout << "positions:\n";
  for (const auto& p : k.positions())
    std::cout << "  #" << p.id() << " party " << p.party_id() << " ("
              << Label(v1::Visibility_descriptor(), p.visibility()) << ", " << Time(p.stated_at())
              << "): " << p.text() << "\n";
  for (const auto& r : k.extension_requests())
    std::cout << "extension request: party " << r.party_id() << " asks "
              << FormatDuration(r.requested().seconds() * 1000) << " (" << r.reason() << ")"
              << (r.open() ? " — open" : " — granted") << "\n";
  const auto& o = k.outcome();
  if (!o.text().empty()) Row("outcome", o.text());
  if (!o.rationale().empty()) Row("rationale", o.rationale());
  if (o.accepting_party_ids_size()) {
    std::string ids;
    for (auto id : o.accepting_party_ids()) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
    Row("accepted by", ids);
  }
  if (o.action_decision()) Row("action", Label(v1::ActionDecision_descriptor(), o.action_decision()));
  if (o.ruling()) Row("ruling", Label(v1::Ruling_descriptor(), o.ruling()));
  if (!o.remedy().empty()) Row("remedy", o.remedy());
  if (o.unchallenged()) Row("outcome", "unchallenged: no party appealed in the window");
  if (o.defaulted_party_ids_size()) {
    std::string ids;
    for (auto id : o.defaulted_party_ids()) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
    Row("default judgement", "against party " + ids);
  }
}

void PrintCases(const Common& c, const v1::ListCasesResponse& r) {
  if (c.id_only()) {
    for (const auto& k : r.cases()) Id(k.id());
    return;
  }
  if (c.json()) return PrintJson(r);
  std::cout << std::left << std::setw(8) << "ID" << std::setw(8) << "GROUP" << std::setw(20)
            << "STATE" << std::setw(22) << "NEXT DEADLINE" << "TITLE\n";
  for (const auto& k : r.cases()) {
    google::protobuf::Timestamp next;
    for (const auto& resp : k.respondents())
      if (resp.status() == v1::RESPONDENT_STATUS_AWAITING &&
          (next.seconds() == 0 || resp.deadline().seconds() < next.seconds()))
        next = resp.deadline();
    std::cout << std::setw(8) << k.id() << std::setw(8) << k.group_id() << std::setw(20)
              << Label(v1::CaseState_descriptor(), k.state()) << std::setw(22) << Time(next)
              << k.title() << "\n";
  }
  if (!r.next_page_token().empty()) std::cerr << "more: --page-token " << r.next_page_token() << "\n";
}

bool ShowLanguage(const Common& c, const std::string& language);

void PrintEvents(const Common& c, const v1::ListCaseEventsResponse& r) {
  if (c.id_only()) {
    for (const auto& e : r.events()) Id(e.seq());
    return;
  }
  if (c.json()) return PrintJson(r);
  for (const auto& e : r.events()) {
    std::cout << std::setw(4) << std::right << e.seq() << std::left << "  " << Time(e.at()) << "  "
              << std::setw(14) << e.actor() << std::setw(26) << Label(v1::EventType_descriptor(), e.type());
    if (e.party_id()) std::cout << "party " << e.party_id() << " ";
    std::map<std::string, std::string> details(e.details().begin(), e.details().end());
    for (const auto& [k, v] : details) std::cout << k << "=" << v << " ";
    std::cout << "\n";
    // The event as a sentence in the reader's language (--lang), when the server says one.
    if (!e.text().empty())
      std::cout << "      " << (ShowLanguage(c, e.language()) ? "[" + e.language() + "] " : "")
                << e.text() << "\n";
  }
}

// Whether to say which language a notice's text is in: when it is not English,
// or when another language was asked for (--lang, LANG) and English came instead.
bool ShowLanguage(const Common& c, const std::string& language) {
  if (language.empty()) return false;
  if (language != "en") return true;
  std::string asked = c.lang.substr(0, c.lang.find_first_of("_-.@"));
  return !asked.empty() && asked != "en" && asked != "C" && asked != "POSIX";
}

void PrintNotice(const Common& c, const v1::Notice& n) {
  if (c.id_only()) return Id(n.id());
  if (c.json()) {
    // One line per notice (a stream of JSON lines), named as every other command's JSON.
    std::string out;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(n, &out, options);
    std::cout << out << std::endl;
    return;
  }
  std::cout << "#" << n.id() << "  " << Time(n.created_at()) << "  case " << n.case_id() << "  "
            << Label(v1::NoticeKind_descriptor(), n.kind()) << "\n    "
            << (ShowLanguage(c, n.language()) ? "[" + n.language() + "] " : "")
            << n.text() << std::endl;
}

void PrintNotices(const Common& c, const v1::ListNoticesResponse& r) {
  if (c.json()) return PrintJson(r);
  for (const auto& n : r.notices()) PrintNotice(c, n);
  if (r.notices_size() == 0) std::cerr << "no notices\n";
}

void PrintRecord(const Common& c, const v1::ParticipationRecord& r) {
  if (c.id_only()) return Id(r.party_id());
  if (c.json()) return PrintJson(r);
  Row("party", std::to_string(r.party_id()));
  Row("cases", std::to_string(r.cases()));
  Row("notices received", std::to_string(r.notices_received()));
  Row("outreach", std::to_string(r.notices_sent()) + " notices sent, " +
                      std::to_string(r.notices_delivered()) + " delivered, " +
                      std::to_string(r.notices_read()) + " read");
  Row("answered on time", std::to_string(r.answered_on_time()));
  Row("answered late", std::to_string(r.answered_late()));
  Row("never answered", std::to_string(r.never_answered()) + " (default judgements)");
  Row("referred", std::to_string(r.referred()));
  Row("extensions", std::to_string(r.extensions_requested()) + " asked, " +
                        std::to_string(r.extensions_granted()) + " granted");
  Row("support granted", std::to_string(r.support_granted()));
  Row("emergency actions", std::to_string(r.emergency_actions_affecting()) + " affecting it");
  Row("appeals", std::to_string(r.appeals_filed()) + " filed: " +
                     std::to_string(r.appeals_overturned()) + " overturned, " +
                     std::to_string(r.appeals_upheld_with_remedy()) + " upheld with remedy, " +
                     std::to_string(r.appeals_upheld()) + " upheld, " +
                     std::to_string(r.appeals_pending()) + " pending");
}

void PrintWhoAmI(const Common& c, const v1::WhoAmIResponse& w) {
  if (c.id_only()) return Id(w.party_id());
  if (c.json()) return PrintJson(w);
  Row("role", Label(v1::Role_descriptor(), w.role()));
  Row("subject", w.subject());
  if (w.party_id()) Row("party", std::to_string(w.party_id()));
  if (w.group_id()) Row("group", std::to_string(w.group_id()));
}

void PrintTokens(const Common& c, const v1::ListTokensResponse& r) {
  if (c.id_only()) {
    for (const auto& t : r.tokens()) std::cout << t.id() << "\n";
    return;
  }
  if (c.json()) return PrintJson(r);
  std::cout << std::left << std::setw(14) << "ID" << std::setw(11) << "ROLE" << std::setw(9)
            << "STATE" << std::setw(22) << "EXPIRES" << "LABEL\n";
  auto now = TimeUtil::GetCurrentTime();
  for (const auto& t : r.tokens()) {
    const char* state = t.has_revoked_at()                             ? "revoked"
                        : t.has_expires_at() && t.expires_at() <= now ? "expired"
                                                                        : "valid";
    std::cout << std::setw(14) << t.id() << std::setw(11) << Label(v1::Role_descriptor(), t.role())
              << std::setw(9) << state << std::setw(22)
              << (t.has_expires_at() ? Time(t.expires_at()) : std::string("never")) << t.label()
              << "\n";
  }
}

void PrintToken(const Common& c, const v1::TokenInfo& t) {
  if (c.id_only()) {
    std::cout << t.id() << "\n";
    return;
  }
  if (c.json()) return PrintJson(t);
  Row("token", t.id());
  Row("role", Label(v1::Role_descriptor(), t.role()));
  Row("label", t.label());
  Row("expires", t.has_expires_at() ? Time(t.expires_at()) : std::string("never"));
  Row("revoked", t.has_revoked_at() ? Time(t.revoked_at()) : std::string("no"));
}

namespace {

// Markdown would read *, _, #, [, <, ` and friends in a party's text as markup.
std::string MarkdownText(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (std::string_view("\\`*_[]<>#|").find(ch) != std::string_view::npos) out += '\\';
    out += ch;
    if (ch == '\n') out += "  ";  // continuation lines stay inside the list item
  }
  return out;
}

// Indents the continuation lines of a multi-line value under its label.
std::string Indented(const std::string& text, const std::string& indent) {
  std::string out;
  for (char ch : text) {
    out += ch;
    if (ch == '\n') out += indent;
  }
  return out;
}

}  // namespace

void PrintReports(const Common& c, const v1::ListReportsResponse& r) {
  if (c.id_only()) {
    for (const auto& k : r.reports()) Id(k.id());
    return;
  }
  if (c.json()) return PrintJson(r);
  std::cout << std::left << std::setw(8) << "ID" << std::setw(8) << "CASE" << std::setw(8)
            << "GROUP" << std::setw(22) << "PUBLISHED" << std::setw(10) << "CORRECTS" << "TITLE\n";
  for (const auto& k : r.reports())
    std::cout << std::setw(8) << k.id() << std::setw(8) << k.case_id() << std::setw(8)
              << k.group_id() << std::setw(22) << Time(k.published_at()) << std::setw(10)
              << (k.corrects_report_id() ? std::to_string(k.corrects_report_id()) : "-")
              << k.title() << "\n";
  if (!r.next_page_token().empty()) std::cerr << "more: --page-token " << r.next_page_token() << "\n";
}

void PrintReport(const Common& c, const v1::Report& r, ReportFormat format) {
  if (c.id_only()) return Id(r.id());
  if (c.json()) return PrintJson(r);
  std::string meta = "Report #" + std::to_string(r.id()) + ", published " + Time(r.published_at()) +
                     ", contact group " + std::to_string(r.group_id());
  if (r.corrects_report_id())
    meta += "; corrects report #" + std::to_string(r.corrects_report_id());
  if (format == ReportFormat::kMarkdown) {
    std::cout << "# " << MarkdownText(r.title()) << "\n\n_" << MarkdownText(meta) << "_\n";
    for (const auto& s : r.sections()) {
      std::cout << "\n## " << MarkdownText(s.heading()) << "\n\n";
      for (const auto& l : s.lines())
        std::cout << "- **" << MarkdownText(l.label()) << ":** " << MarkdownText(l.value()) << "\n";
    }
    return;
  }
  std::cout << r.title() << "\n" << std::string(std::min<size_t>(r.title().size(), 78), '=') << "\n"
            << meta << "\n";
  for (const auto& s : r.sections()) {
    std::cout << "\n" << s.heading() << "\n" << std::string(s.heading().size(), '-') << "\n";
    for (const auto& l : s.lines())
      std::cout << "  " << l.label() << ": " << Indented(l.value(), "    ") << "\n";
  }
}

}  // namespace baraza::cli
