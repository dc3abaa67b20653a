#include "storage/case_codec.h"

#include <nlohmann/json.hpp>

namespace baraza {

using nlohmann::json;

void to_json(json& j, const Respondent& r) {
  j = json{{"party_id", r.party_id},        {"status", static_cast<int>(r.status)},
           {"notified_at", r.notified_at},  {"deadline", r.deadline},
           {"answered_at", r.answered_at},  {"reminders_sent", r.reminders_sent}};
}
void from_json(const json& j, Respondent& r) {
  r.party_id = j.at("party_id");
  r.status = static_cast<RespondentStatus>(j.at("status").get<int>());
  r.notified_at = j.at("notified_at");
  r.deadline = j.at("deadline");
  r.answered_at = j.at("answered_at");
  r.reminders_sent = j.at("reminders_sent");
}
void to_json(json& j, const Position& p) {
  j = json{{"id", p.id}, {"party_id", p.party_id}, {"text", p.text},
           {"visibility", static_cast<int>(p.visibility)}, {"stated_at", p.stated_at}};
}
void from_json(const json& j, Position& p) {
  p.id = j.at("id");
  p.party_id = j.at("party_id");
  p.text = j.at("text");
  p.visibility = static_cast<Visibility>(j.at("visibility").get<int>());
  p.stated_at = j.at("stated_at");
}
void to_json(json& j, const ExtensionRequest& r) {
  j = json{{"party_id", r.party_id}, {"requested", r.requested}, {"reason", r.reason},
           {"requested_at", r.requested_at}, {"open", r.open}};
}
void from_json(const json& j, ExtensionRequest& r) {
  r.party_id = j.at("party_id");
  r.requested = j.at("requested");
  r.reason = j.at("reason");
  r.requested_at = j.at("requested_at");
  r.open = j.at("open");
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EmergencyAction, occurred_at, location, threat,
                                                narrowness)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Statement, id, text, commander_id, at)

void to_json(json& j, const Appeal& a) {
  j = json{{"id", a.id},           {"party_id", a.party_id},
           {"grounds", a.grounds}, {"requested_remedy", a.requested_remedy},
           {"filed_at", a.filed_at}};
  if (a.answer) j["answer"] = *a.answer;
}
void from_json(const json& j, Appeal& a) {
  a.id = j.at("id");
  a.party_id = j.at("party_id");
  a.grounds = j.at("grounds");
  a.requested_remedy = j.at("requested_remedy");
  a.filed_at = j.at("filed_at");
  if (j.contains("answer")) a.answer = j.at("answer").get<Statement>();
}

namespace {

// A stored case holds only integers, strings, booleans, arrays and objects.
// A float would be converted to an integer field out of range (undefined
// behaviour), so a tree holding one is refused before any field is read.
bool HoldsFloat(const json& j) {
  if (j.is_number_float()) return true;
  if (j.is_structured()) {
    for (const auto& item : j) {
      if (HoldsFloat(item)) return true;
    }
  }
  return false;
}

}  // namespace

namespace codec {

std::string EncodeCase(const Case& c) {
  json standards = json::array();
  for (Standard s : c.standards) standards.push_back(static_cast<int>(s));
  json j{{"id", c.id},
         {"group_id", c.group_id},
         {"kind", static_cast<int>(c.kind)},
         {"state", static_cast<int>(c.state)},
         {"title", c.title},
         {"description", c.description},
         {"standards", standards},
         {"dimension", static_cast<int>(c.dimension)},
         {"filed_by_party_id", c.filed_by_party_id},
         {"window", c.window},
         {"filed_at", c.filed_at},
         {"updated_at", c.updated_at},
         {"respondents", c.respondents},
         {"positions", c.positions},
         {"extension_requests", c.extension_requests},
         {"outcome",
          {{"text", c.outcome.text},
           {"rationale", c.outcome.rationale},
           {"accepting", c.outcome.accepting_party_ids},
           {"defaulted", c.outcome.defaulted_party_ids},
           {"action_decision", c.outcome.action_decision ? static_cast<int>(*c.outcome.action_decision) : 0},
           {"ruling", c.outcome.ruling ? static_cast<int>(*c.outcome.ruling) : 0},
           {"remedy", c.outcome.remedy},
           {"unchallenged", c.outcome.unchallenged}}},
         {"filed_by_commander_id", c.filed_by_commander_id},
         {"action", c.action},
         {"affected_party_ids", c.affected_party_ids},
         {"appeal_deadline", c.appeal_deadline},
         {"explanations", c.explanations},
         {"appeals", c.appeals},
         {"version", c.version},
         {"event_count", c.event_count}};
  return j.dump();
}

Result<Case> DecodeCase(const std::string& text) {
  try {
    json j = json::parse(text);
    if (HoldsFloat(j)) {
      return Status::Internal("a stored case could not be read: it holds a fractional number");
    }
    Case c;
    c.id = j.at("id");
    c.group_id = j.at("group_id");
    c.kind = static_cast<CaseKind>(j.at("kind").get<int>());
    c.state = static_cast<CaseState>(j.at("state").get<int>());
    c.title = j.at("title");
    c.description = j.at("description");
    for (int s : j.at("standards")) c.standards.push_back(static_cast<Standard>(s));
    c.dimension = static_cast<Dimension>(j.at("dimension").get<int>());
    c.filed_by_party_id = j.at("filed_by_party_id");
    c.window = j.at("window");
    c.filed_at = j.at("filed_at");
    c.updated_at = j.at("updated_at");
    c.respondents = j.at("respondents").get<std::vector<Respondent>>();
    c.positions = j.at("positions").get<std::vector<Position>>();
    c.extension_requests = j.at("extension_requests").get<std::vector<ExtensionRequest>>();
    const json& o = j.at("outcome");
    c.outcome.text = o.at("text");
    c.outcome.rationale = o.at("rationale");
    c.outcome.accepting_party_ids = o.at("accepting").get<std::vector<Id>>();
    c.outcome.defaulted_party_ids = o.at("defaulted").get<std::vector<Id>>();
    if (int d = o.value("action_decision", 0)) c.outcome.action_decision = static_cast<ActionDecision>(d);
    if (int r = o.value("ruling", 0)) c.outcome.ruling = static_cast<Ruling>(r);
    c.outcome.remedy = o.value("remedy", "");
    c.outcome.unchallenged = o.value("unchallenged", false);
    c.filed_by_commander_id = j.value("filed_by_commander_id", Id{0});
    c.action = j.value("action", EmergencyAction{});
    c.affected_party_ids = j.value("affected_party_ids", std::vector<Id>{});
    c.appeal_deadline = j.value("appeal_deadline", UnixMillis{0});
    c.explanations = j.value("explanations", std::vector<Statement>{});
    c.appeals = j.value("appeals", std::vector<Appeal>{});
    c.version = j.at("version");
    c.event_count = j.at("event_count");
    return c;
  } catch (const json::exception& e) {
    return Status::Internal(std::string("a stored case could not be read: ") + e.what());
  }
}

std::string EncodeDetails(const std::map<std::string, std::string>& details) {
  return json(details).dump();
}

std::map<std::string, std::string> DecodeDetails(const std::string& text) {
  try {
    return json::parse(text).get<std::map<std::string, std::string>>();
  } catch (const json::exception&) {
    return {{"error", "details could not be read"}};
  }
}

std::string EncodeSections(const std::vector<ReportSection>& sections) {
  json out = json::array();
  for (const auto& s : sections) {
    json lines = json::array();
    for (const auto& l : s.lines) lines.push_back(json::array({l.label, l.value}));
    out.push_back(json{{"heading", s.heading}, {"lines", std::move(lines)}});
  }
  return out.dump();
}

Result<std::vector<ReportSection>> DecodeSections(const std::string& text) {
  try {
    std::vector<ReportSection> out;
    for (const auto& s : json::parse(text)) {
      ReportSection section;
      section.heading = s.at("heading").get<std::string>();
      for (const auto& l : s.at("lines"))
        section.lines.push_back({l.at(0).get<std::string>(), l.at(1).get<std::string>()});
      out.push_back(std::move(section));
    }
    return out;
  } catch (const json::exception& e) {
    return Status::Internal(std::string("a stored report could not be read: ") + e.what());
  }
}

}  // namespace codec
}  // namespace baraza
