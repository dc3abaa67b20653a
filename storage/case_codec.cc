#include "storage/case_codec.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <string_view>

namespace baraza {

using nlohmann::json;

void from_json(const json& j, Respondent& r) {
  r.party_id = j.at("party_id");
  r.status = static_cast<RespondentStatus>(j.at("status").get<int>());
  r.notified_at = j.at("notified_at");
  r.deadline = j.at("deadline");
  r.answered_at = j.at("answered_at");
  r.reminders_sent = j.at("reminders_sent");
}
void from_json(const json& j, Position& p) {
  p.id = j.at("id");
  p.party_id = j.at("party_id");
  p.text = j.at("text");
  p.visibility = static_cast<Visibility>(j.at("visibility").get<int>());
  p.stated_at = j.at("stated_at");
}
void from_json(const json& j, ExtensionRequest& r) {
  r.party_id = j.at("party_id");
  r.requested = j.at("requested");
  r.reason = j.at("reason");
  r.requested_at = j.at("requested_at");
  r.open = j.at("open");
}

void from_json(const json& j, EmergencyAction& a) {
  EmergencyAction d;
  a.occurred_at = j.value("occurred_at", d.occurred_at);
  a.location = j.value("location", d.location);
  a.threat = j.value("threat", d.threat);
  a.narrowness = j.value("narrowness", d.narrowness);
}
void from_json(const json& j, Statement& s) {
  Statement d;
  s.id = j.value("id", d.id);
  s.text = j.value("text", d.text);
  s.commander_id = j.value("commander_id", d.commander_id);
  s.at = j.value("at", d.at);
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

// Writes JSON straight into one string, with no tree in between: the writer
// thread encodes every case it saves, so this is on the path of every write.
// Text is escaped as JSON requires; bytes that are not UTF-8 become U+FFFD, as
// nlohmann's dump with error_handler_t::replace would do.
class JsonWriter {
 public:
  JsonWriter() { out_.reserve(1024); }
  void Open(char bracket) {
    Separate();
    out_ += bracket;
    first_ = true;
  }
  void Close(char bracket) {
    out_ += bracket;
    first_ = false;
  }
  JsonWriter& Key(std::string_view key) {
    Separate();
    out_ += '"';
    out_ += key;  // keys are ours: plain ASCII
    out_ += "\":";
    first_ = true;  // the value follows without a comma
    return *this;
  }
  void Value(int64_t v) {
    Separate();
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
  }
  void Value(int v) { Value(static_cast<int64_t>(v)); }
  void Value(bool v) {
    Separate();
    out_ += v ? "true" : "false";
  }
  void Value(const std::string& v) {
    Separate();
    String(v);
  }
  template <typename T>
  JsonWriter& Field(std::string_view key, const T& v) {
    Key(key);
    Value(v);
    return *this;
  }
  template <typename Items, typename Fn>
  void Array(std::string_view key, const Items& items, Fn each) {
    Key(key);
    Open('[');
    for (const auto& item : items) each(item);
    Close(']');
  }
  std::string Take() { return std::move(out_); }

 private:
  void Separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void String(std::string_view s) {
    out_ += '"';
    size_t i = 0;
    while (i < s.size()) {
      unsigned char ch = static_cast<unsigned char>(s[i]);
      if (ch >= 0x80) {
        size_t n = Utf8Length(s, i);
        if (n == 0) {
          out_ += "\xEF\xBF\xBD";  // U+FFFD
          ++i;
        } else {
          out_.append(s.data() + i, n);
          i += n;
        }
        continue;
      }
      switch (ch) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (ch < 0x20) {
            static const char kHex[] = "0123456789abcdef";
            out_ += "\\u00";
            out_ += kHex[ch >> 4];
            out_ += kHex[ch & 15];
          } else {
            out_ += static_cast<char>(ch);
          }
      }
      ++i;
    }
    out_ += '"';
  }
  // The length of the well-formed UTF-8 sequence starting at s[i], or 0.
  static size_t Utf8Length(std::string_view s, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b = byte(i);
    size_t n = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k)
      if ((byte(i + k) & 0xC0) != 0x80) return 0;
    unsigned char b1 = byte(i + 1);
    if (b == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b == 0xED && b1 > 0x9F) return 0;   // surrogates
    if (b == 0xF0 && b1 < 0x90) return 0;   // overlong
    if (b == 0xF4 && b1 > 0x8F) return 0;   // above U+10FFFF
    return n;
  }

  std::string out_;
  bool first_ = true;
};

}  // namespace

namespace codec {

std::string EncodeCase(const Case& c) {
  JsonWriter w;
  w.Open('{');
  w.Field("id", c.id).Field("group_id", c.group_id).Field("kind", static_cast<int>(c.kind));
  w.Field("state", static_cast<int>(c.state)).Field("title", c.title);
  w.Field("description", c.description);
  w.Array("standards", c.standards, [&](Standard s) { w.Value(static_cast<int>(s)); });
  w.Field("dimension", static_cast<int>(c.dimension));
  w.Field("filed_by_party_id", c.filed_by_party_id).Field("window", c.window);
  w.Field("filed_at", c.filed_at).Field("updated_at", c.updated_at);
  w.Array("respondents", c.respondents, [&](const Respondent& r) {
    w.Open('{');
    w.Field("party_id", r.party_id).Field("status", static_cast<int>(r.status));
    w.Field("notified_at", r.notified_at).Field("deadline", r.deadline);
    w.Field("answered_at", r.answered_at).Field("reminders_sent", r.reminders_sent);
    w.Close('}');
  });
  w.Array("positions", c.positions, [&](const Position& p) {
    w.Open('{');
    w.Field("id", p.id).Field("party_id", p.party_id).Field("text", p.text);
    w.Field("visibility", static_cast<int>(p.visibility)).Field("stated_at", p.stated_at);
    w.Close('}');
  });
  w.Array("extension_requests", c.extension_requests, [&](const ExtensionRequest& r) {
    w.Open('{');
    w.Field("party_id", r.party_id).Field("requested", r.requested).Field("reason", r.reason);
    w.Field("requested_at", r.requested_at).Field("open", r.open);
    w.Close('}');
  });
  w.Key("outcome").Open('{');
  const Outcome& o = c.outcome;
  w.Field("text", o.text).Field("rationale", o.rationale);
  w.Array("accepting", o.accepting_party_ids, [&](Id id) { w.Value(id); });
  w.Array("defaulted", o.defaulted_party_ids, [&](Id id) { w.Value(id); });
  w.Field("action_decision", o.action_decision ? static_cast<int>(*o.action_decision) : 0);
  w.Field("ruling", o.ruling ? static_cast<int>(*o.ruling) : 0);
  w.Field("remedy", o.remedy).Field("unchallenged", o.unchallenged);
  w.Close('}');
  w.Field("filed_by_commander_id", c.filed_by_commander_id);
  w.Key("action").Open('{');
  w.Field("occurred_at", c.action.occurred_at).Field("location", c.action.location);
  w.Field("threat", c.action.threat).Field("narrowness", c.action.narrowness);
  w.Close('}');
  w.Array("affected_party_ids", c.affected_party_ids, [&](Id id) { w.Value(id); });
  w.Field("appeal_deadline", c.appeal_deadline);
  auto statement = [&](const Statement& s) {
    w.Open('{');
    w.Field("id", s.id).Field("text", s.text).Field("commander_id", s.commander_id);
    w.Field("at", s.at);
    w.Close('}');
  };
  w.Array("explanations", c.explanations, statement);
  w.Array("appeals", c.appeals, [&](const Appeal& a) {
    w.Open('{');
    w.Field("id", a.id).Field("party_id", a.party_id).Field("grounds", a.grounds);
    w.Field("requested_remedy", a.requested_remedy).Field("filed_at", a.filed_at);
    if (a.answer) {
      w.Key("answer");
      statement(*a.answer);
    }
    w.Close('}');
  });
  w.Field("version", c.version).Field("event_count", c.event_count);
  w.Close('}');
  return w.Take();
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
