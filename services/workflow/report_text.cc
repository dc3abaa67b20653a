#include "services/workflow/report_text.h"

#include <cctype>
#include <string_view>

#include "services/workflow/event_text.h"

namespace baraza::workflow {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool IsLabel(const std::string& label, std::initializer_list<const char*> labels) {
  for (const char* l : labels)
    if (label == l) return true;
  return false;
}

Message Msg(const char* id) {
  Message m;
  m.id = id;
  return m;
}

Message Words(const std::string& english) { return Msg("report.line.words").Words("value", english); }

// "<name> (<category>)" as report.cc's PartyName writes it, the category one
// of PartyCategory's names; else the mission or the value as stored.
Message Party(const std::string& value) {
  if (value == "the mission" || value == "none") return Words(value);
  for (PartyCategory c : {PartyCategory::kArmedFaction, PartyCategory::kGovernment,
                          PartyCategory::kCivilSociety, PartyCategory::kWomensGroup,
                          PartyCategory::kEthnoculturalMinority,
                          PartyCategory::kTraditionalAuthority, PartyCategory::kNgo,
                          PartyCategory::kMission}) {
    std::string suffix = std::string(" (") + Name(c) + ")";
    if (EndsWith(value, suffix) && value.size() > suffix.size())
      return Msg("report.line.party")
          .Text("name", value.substr(0, value.size() - suffix.size()))
          .Words("category", Name(c));
  }
  return Msg("report.line.as_written").Text("text", value);
}

// "<time>: <text>" (an explanation, an appeal, a position, an answer).
std::vector<Message> Dated(const std::string& value) {
  if (value == "none") return {Words(value)};
  if (value.size() < 25 || value.compare(23, 2, ": ") != 0) return {};
  auto t = ParseFormattedTime(value.substr(0, 23));
  if (!t) return {};
  return {Msg("report.line.dated").Time("time", *t).Text("text", value.substr(25))};
}

constexpr std::string_view kStillOpenHead =
    "This case is still open. This report records it as it stood on ";
constexpr std::string_view kStillOpenTail = "; it is not the outcome.";
constexpr std::string_view kCheckHead =
    "Every change to a case is an event in a hash-chained history. Keep the history head "
    "above: the mission's `barazad audit verify --head ";
constexpr std::string_view kCheckTail =
    "` fails if any event written before this report was later edited, deleted, moved or cut off.";
constexpr std::string_view kNoLiaison = " (no liaison was registered to receive it)";

}  // namespace

std::vector<Message> ReportValue(const ReportLine& line) {
  const std::string& label = line.label;
  const std::string& v = line.value;
  if (IsLabel(label, {"Kind", "Status", "Role in the case", "Answer", "Standard", "Dimension"}))
    return {Words(v)};
  if (IsLabel(label, {"Raised by", "Party"})) return {Party(v)};
  if (IsLabel(label, {"Accepted by", "Default judgement entered against"})) {
    std::vector<Message> out;
    size_t start = 0;
    while (true) {  // bounded: each turn moves past one "; "
      size_t end = v.find("; ", start);
      out.push_back(Party(v.substr(start, end == std::string::npos ? std::string::npos : end - start)));
      if (end == std::string::npos) break;
      start = end + 2;
    }
    return out;
  }
  if (IsLabel(label, {"Raised on", "When", "Deadline", "Published"})) {
    if (auto t = ParseFormattedTime(v)) return {Msg("report.line.time").Time("time", *t)};
    return {};
  }
  if (IsLabel(label, {"Commander's explanation", "Appeal", "Position shared with the group",
                      "Commander's answer"}))
    return Dated(v);
  if (label == "Notified") {
    bool unreached = EndsWith(v, kNoLiaison);
    auto t = ParseFormattedTime(unreached ? v.substr(0, v.size() - kNoLiaison.size()) : v);
    if (!t) return {};
    return {Msg("report.line.notified").Time("time", *t).Text("reached", unreached ? "no" : "yes")};
  }
  if (label == "Note" && StartsWith(v, kStillOpenHead) && EndsWith(v, kStillOpenTail)) {
    auto t = ParseFormattedTime(v.substr(kStillOpenHead.size(),
                                         v.size() - kStillOpenHead.size() - kStillOpenTail.size()));
    if (t) return {Msg("report.line.still_open").Time("time", *t)};
    return {};
  }
  if (label == "Corrects") {
    // "report #<id> of <time>, which stands unchanged beside this one"
    constexpr std::string_view head = "report #", tail = ", which stands unchanged beside this one";
    if (!StartsWith(v, head) || !EndsWith(v, tail)) return {};
    std::string middle = v.substr(head.size(), v.size() - head.size() - tail.size());
    size_t of = middle.find(" of ");
    if (of == std::string::npos || !AllDigits(std::string_view(middle).substr(0, of))) return {};
    auto t = ParseFormattedTime(middle.substr(of + 4));
    if (!t) return {};
    return {Msg("report.line.corrects").Text("report", middle.substr(0, of)).Time("time", *t)};
  }
  if (label == "Outreach") {
    // "<n> notice(s) sent, <n> delivered, <n> read"
    size_t sp = v.find(' ');
    size_t c1 = v.find(" sent, ");
    size_t d = v.find(" delivered, ");
    if (sp == std::string::npos || c1 == std::string::npos || d == std::string::npos ||
        !EndsWith(v, " read"))
      return {};
    std::string sent = v.substr(0, sp), delivered = v.substr(c1 + 7, d - c1 - 7),
                read = v.substr(d + 12, v.size() - d - 12 - 5);
    if (!AllDigits(sent) || !AllDigits(delivered) || !AllDigits(read)) return {};
    return {Msg("report.line.outreach")
                .Number("sent", std::stoll(sent))
                .Number("delivered", std::stoll(delivered))
                .Number("read", std::stoll(read))};
  }
  if (label == "Capacity support received") {
    if (v == "none") return {Words(v)};
    for (SupportKind k : {SupportKind::kTranslation, SupportKind::kTransport, SupportKind::kTraining,
                          SupportKind::kMaterials, SupportKind::kTime}) {
      std::string head = std::string(Name(k)) + ": ";
      if (StartsWith(v, head))
        return {Msg("report.line.support").Words("kind", Name(k)).Text("reason", v.substr(head.size()))};
    }
    return {};
  }
  if (label == "Outcome") {
    constexpr std::string_view ruling = "ruling on appeal: ", decision = "decision of the mission: ";
    if (StartsWith(v, ruling))
      return {Msg("report.line.ruling").Words("ruling", v.substr(ruling.size()))};
    if (StartsWith(v, decision))
      return {Msg("report.line.decision").Words("decision", v.substr(decision.size()))};
    return {Words(v)};
  }
  if (label == "How to check" && StartsWith(v, kCheckHead) && EndsWith(v, kCheckTail))
    return {Msg("report.line.how_to_check")
                .Text("head", v.substr(kCheckHead.size(),
                                       v.size() - kCheckHead.size() - kCheckTail.size()))};
  if (IsLabel(label, {"Last event of this case"}) && v == "none") return {Words(v)};
  return {};
}

Message ReportTitle(const std::string& title) {
  constexpr std::string_view head = "Report on case #";
  if (!StartsWith(title, head)) return {};
  size_t colon = title.find(": ", head.size());
  if (colon == std::string::npos) return {};
  std::string id = title.substr(head.size(), colon - head.size());
  if (!AllDigits(id)) return {};
  return Msg("report.title").Text("case", id).Text("title", title.substr(colon + 2));
}

}  // namespace baraza::workflow
