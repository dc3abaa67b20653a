#include "services/workflow/event_text.h"

#include <cctype>
#include <ctime>
#include <set>

namespace baraza::workflow {
namespace {

// Details whose value is the core's fixed English words (Name() of an enum, or
// "on time"/"late"), translated as report.value.<words>.
const std::set<std::string>& WordKeys() {
  static const std::set<std::string> keys = {"kind",  "standards", "dimension", "answer",
                                             "visibility", "action", "outcome", "ruling",
                                             "state", "channel",   "notice_kind"};
  return keys;
}

// Details that are counts (for plurals).
const std::set<std::string>& CountKeys() {
  static const std::set<std::string> keys = {"liaisons", "reminder", "reminders_sent", "failed",
                                             "attempt"};
  return keys;
}

std::optional<int64_t> ParseCount(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return std::stoll(s);
}

std::string Underscored(const char* name) {
  std::string out = name;
  for (char& c : out)
    if (c == ' ') c = '_';
  return out;
}

}  // namespace

std::optional<UnixMillis> ParseFormattedTime(const std::string& text) {
  // "YYYY-MM-DD HH:MM:SS UTC": 23 characters, digits where digits belong.
  static constexpr char kShape[] = "dddd-dd-dd dd:dd:dd UTC";
  if (text.size() != sizeof kShape - 1) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  tm.tm_hour = std::stoi(text.substr(11, 2));
  tm.tm_min = std::stoi(text.substr(14, 2));
  tm.tm_sec = std::stoi(text.substr(17, 2));
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return std::nullopt;
  return static_cast<UnixMillis>(timegm(&tm)) * 1000;
}

Message EventMessage(const Event& e) {
  Message m;
  m.id = "event." + Underscored(Name(e.type));
  m.Text("party", e.party_id ? std::to_string(e.party_id) : std::string("none"));
  for (const auto& [key, value] : e.details) {
    if (key == "party") continue;  // never a detail today; the event's own party wins
    if (auto t = ParseFormattedTime(value)) {
      m.Time(key, *t);
    } else if (key.size() > 8 && key.compare(key.size() - 8, 8, "_seconds") == 0 &&
               ParseCount(value)) {
      m.Duration(key.substr(0, key.size() - 8), *ParseCount(value) * 1000);
    } else if (CountKeys().count(key) && ParseCount(value)) {
      m.Number(key, *ParseCount(value));
    } else if (WordKeys().count(key)) {
      m.Words(key, value);
    } else {
      m.Text(key, value);
    }
  }
  // A referral stored before it carried its keyword ("why") shows its stored reason.
  if (e.type == EventType::kReferredToMediator && !m.Find("why")) m.Text("why", "stored");
  if (e.type == EventType::kDecided && !m.Find("action")) m.Text("action", "none");
  return m;
}

}  // namespace baraza::workflow
