#include "storage/case_codec.h"

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <simdjson.h>
#include <string_view>

namespace baraza {

using nlohmann::json;

namespace {

// Reads the fields of one JSON object. Every accessor throws simdjson_error on
// a missing required field or a value of the wrong type (a fraction where an
// integer belongs, a number beyond 64 bits); the ...Or forms give a default
// only when the field is absent, as the earlier schema lacked them.
struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Fields {
 public:
  Fields(simdjson::dom::element e) : o_(e.get_object().value()) {}
  static int64_t AsInt(simdjson::dom::element e) {
    if (e.type() == simdjson::dom::element_type::DOUBLE) throw Malformed("it holds a fractional number where a whole number belongs");
    return e.get_int64().value();
  }

  int64_t Int(const char* k) const { return AsInt(o_[k].value()); }
  std::string Text(const char* k) const { return std::string(o_[k].get_string().value()); }
  bool Bool(const char* k) const { return o_[k].get_bool().value(); }
  simdjson::dom::array List(const char* k) const { return o_[k].get_array().value(); }
  Fields Object(const char* k) const { return Fields(o_[k].value()); }

  int64_t IntOr(const char* k, int64_t d) const {
    auto v = o_[k];
    return v.error() == simdjson::NO_SUCH_FIELD ? d : AsInt(v.value());
  }
  std::string TextOr(const char* k) const {
    auto v = o_[k];
    return v.error() == simdjson::NO_SUCH_FIELD ? std::string()
                                                : std::string(v.get_string().value());
  }
  bool BoolOr(const char* k, bool d) const {
    auto v = o_[k];
    return v.error() == simdjson::NO_SUCH_FIELD ? d : v.get_bool().value();
  }
  simdjson::dom::array ListOr(const char* k) const {
    auto v = o_[k];
    if (v.error() == simdjson::NO_SUCH_FIELD) return Empty();
    return v.get_array().value();
  }
  std::optional<Fields> ObjectOr(const char* k) const {
    auto v = o_[k];
    if (v.error() == simdjson::NO_SUCH_FIELD) return std::nullopt;
    return Fields(v.value());
  }

 private:
  // An empty array to iterate when an optional list is absent.
  static simdjson::dom::array Empty() {
    static thread_local simdjson::dom::parser parser;
    static thread_local simdjson::dom::array empty = parser.parse("[]", 2).get_array().value();
    return empty;
  }
  simdjson::dom::object o_;
};

Statement ReadStatement(const Fields& s) {
  Statement x;
  x.id = s.IntOr("id", 0);
  x.text = s.TextOr("text");
  x.commander_id = s.IntOr("commander_id", 0);
  x.at = s.IntOr("at", 0);
  return x;
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
    String(key);
    out_ += ':';
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
      // Most text needs no escaping: copy each run of it at once.
      size_t run = i;
      while (run < s.size() && IsPlain(s[run])) ++run;
      out_.append(s.data() + i, run - i);
      if (run == s.size()) break;
      i = run;
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
        default: {  // the other control characters; the rest were in the run
          static const char kHex[] = "0123456789abcdef";
          out_ += "\\u00";
          out_ += kHex[ch >> 4];
          out_ += kHex[ch & 15];
        }
      }
      ++i;
    }
    out_ += '"';
  }
  // Printable ASCII that JSON takes as it is.
  static bool IsPlain(char c) { return kPlain[static_cast<unsigned char>(c)]; }
  static constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> t{};
    for (int ch = 0x20; ch < 0x80; ++ch) t[ch] = ch != '"' && ch != '\\';
    return t;
  }();
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

std::string EncodeCaseJson(const Case& c, Positions positions) {
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
    // Outreach evidence, once there is some (older bodies have none).
    if (r.call_delivered_at) w.Field("call_delivered_at", r.call_delivered_at);
    if (r.reminder_delivered_at) w.Field("reminder_delivered_at", r.reminder_delivered_at);
    if (r.deliveries_failed) w.Field("deliveries_failed", r.deliveries_failed);
    if (!r.last_failure.empty()) w.Field("last_failure", r.last_failure);
    w.Close('}');
  });
  if (positions == Positions::kIncluded)
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

Result<Case> DecodeCaseJson(const std::string& text) {
  // simdjson's DOM parser: the cache misses of every read decode a case, and
  // nlohmann's tree made that the largest cost of a read. One parser per
  // thread keeps its buffers. A field of the wrong type, a fractional or
  // out-of-range number, or text that is not UTF-8 is refused with a status.
  static thread_local simdjson::dom::parser parser;
  try {
    Fields j(parser.parse(text).value());
    Case c;
    c.id = j.Int("id");
    c.group_id = j.Int("group_id");
    c.kind = static_cast<CaseKind>(j.Int("kind"));
    c.state = static_cast<CaseState>(j.Int("state"));
    c.title = j.Text("title");
    c.description = j.Text("description");
    for (auto s : j.List("standards")) c.standards.push_back(static_cast<Standard>(Fields::AsInt(s)));
    c.dimension = static_cast<Dimension>(j.Int("dimension"));
    c.filed_by_party_id = j.Int("filed_by_party_id");
    c.window = j.Int("window");
    c.filed_at = j.Int("filed_at");
    c.updated_at = j.Int("updated_at");
    for (Fields r : j.List("respondents")) {
      Respondent x;
      x.party_id = r.Int("party_id");
      x.status = static_cast<RespondentStatus>(r.Int("status"));
      x.notified_at = r.Int("notified_at");
      x.deadline = r.Int("deadline");
      x.answered_at = r.Int("answered_at");
      x.reminders_sent = static_cast<int>(r.Int("reminders_sent"));
      x.call_delivered_at = r.IntOr("call_delivered_at", 0);
      x.reminder_delivered_at = r.IntOr("reminder_delivered_at", 0);
      x.deliveries_failed = static_cast<int>(r.IntOr("deliveries_failed", 0));
      x.last_failure = r.TextOr("last_failure");
      c.respondents.push_back(std::move(x));
    }
    for (Fields p : j.ListOr("positions")) {
      Position x;
      x.id = p.Int("id");
      x.party_id = p.Int("party_id");
      x.text = p.Text("text");
      x.visibility = static_cast<Visibility>(p.Int("visibility"));
      x.stated_at = p.Int("stated_at");
      c.positions.push_back(std::move(x));
    }
    for (Fields r : j.List("extension_requests")) {
      ExtensionRequest x;
      x.party_id = r.Int("party_id");
      x.requested = r.Int("requested");
      x.reason = r.Text("reason");
      x.requested_at = r.Int("requested_at");
      x.open = r.Bool("open");
      c.extension_requests.push_back(std::move(x));
    }
    Fields o = j.Object("outcome");
    c.outcome.text = o.Text("text");
    c.outcome.rationale = o.Text("rationale");
    for (auto id : o.List("accepting")) c.outcome.accepting_party_ids.push_back(Fields::AsInt(id));
    for (auto id : o.List("defaulted")) c.outcome.defaulted_party_ids.push_back(Fields::AsInt(id));
    if (int d = static_cast<int>(o.IntOr("action_decision", 0)))
      c.outcome.action_decision = static_cast<ActionDecision>(d);
    if (int r = static_cast<int>(o.IntOr("ruling", 0))) c.outcome.ruling = static_cast<Ruling>(r);
    c.outcome.remedy = o.TextOr("remedy");
    c.outcome.unchallenged = o.BoolOr("unchallenged", false);
    c.filed_by_commander_id = j.IntOr("filed_by_commander_id", 0);
    if (auto a = j.ObjectOr("action")) {
      c.action.occurred_at = a->IntOr("occurred_at", 0);
      c.action.location = a->TextOr("location");
      c.action.threat = a->TextOr("threat");
      c.action.narrowness = a->TextOr("narrowness");
    }
    for (auto id : j.ListOr("affected_party_ids")) c.affected_party_ids.push_back(Fields::AsInt(id));
    c.appeal_deadline = j.IntOr("appeal_deadline", 0);
    for (Fields e : j.ListOr("explanations")) c.explanations.push_back(ReadStatement(e));
    for (Fields a : j.ListOr("appeals")) {
      Appeal x;
      x.id = a.Int("id");
      x.party_id = a.Int("party_id");
      x.grounds = a.Text("grounds");
      x.requested_remedy = a.Text("requested_remedy");
      x.filed_at = a.Int("filed_at");
      if (auto answer = a.ObjectOr("answer")) x.answer = ReadStatement(*answer);
      c.appeals.push_back(std::move(x));
    }
    c.version = j.Int("version");
    c.event_count = j.Int("event_count");
    return c;
  } catch (const simdjson::simdjson_error& e) {
    return Status::Internal(std::string("a stored case could not be read: ") + e.what());
  } catch (const Malformed& e) {
    return Status::Internal(std::string("a stored case could not be read: ") + e.what());
  }
}

// Byte for byte what nlohmann's dump() wrote before (the events' hash chain
// covers this text; tests/storage/case_codec_test.cc compares the two), without
// building a tree: three events are encoded for every FileDispute.
std::string EncodeDetails(const std::map<std::string, std::string>& details) {
  JsonWriter w;
  w.Open('{');
  for (const auto& [key, value] : details) w.Field(key, value);
  w.Close('}');
  return w.Take();
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

namespace {
constexpr std::string_view kMessageMark = "\x1em1";
}  // namespace

std::string EncodeMessage(const Message& m) {
  json args = json::array();
  for (const auto& a : m.args) {
    if (a.kind == MessageArg::Kind::kText)
      args.push_back(json::array({a.name, static_cast<int>(a.kind), a.text}));
    else
      args.push_back(json::array({a.name, static_cast<int>(a.kind), a.number}));
  }
  return std::string(kMessageMark) + json{{"id", m.id}, {"args", std::move(args)}}.dump();
}

std::optional<Message> DecodeMessage(std::string_view stored) {
  if (stored.substr(0, kMessageMark.size()) != kMessageMark) return std::nullopt;
  try {
    json j = json::parse(stored.substr(kMessageMark.size()));
    Message m;
    m.id = j.at("id").get<std::string>();
    if (m.id.empty()) return std::nullopt;
    for (const auto& a : j.at("args")) {
      MessageArg arg;
      arg.name = a.at(0).get<std::string>();
      int kind = a.at(1).get<int>();
      if (kind < 1 || kind > 4) return std::nullopt;
      arg.kind = static_cast<MessageArg::Kind>(kind);
      if (arg.kind == MessageArg::Kind::kText) arg.text = a.at(2).get<std::string>();
      else arg.number = a.at(2).get<int64_t>();
      m.args.push_back(std::move(arg));
    }
    return m;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace codec
}  // namespace baraza
