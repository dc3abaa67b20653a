// Every message of the shipped catalogues with sample arguments, for the golden
// tests (tests/i18n/golden_test.cc) and the SMS length test. Not thread-safe.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "services/i18n/catalogue.h"
#include "services/workflow/message.h"

namespace baraza::testing {

// Deadlines across the end of summer time in Europe/Paris (2026-10-25 01:00
// UTC): the old one in CEST (UTC+2), the new one in CET (UTC+1).
inline constexpr int64_t kBeforeDst = 1792843200000;  // 2026-10-24 12:00:00 UTC
inline constexpr int64_t kAfterDst = 1793016000000;   // 2026-10-26 12:00:00 UTC

// The arguments that appear in `pattern` ("{name" or "{name,"), each with a
// sample value; number arguments take `n`.
inline Message SampleMessage(const std::string& id, const std::string& pattern, int64_t n) {
  Message m;
  m.id = id;
  auto uses = [&](const std::string& name) {
    return pattern.find("{" + name + "}") != std::string::npos ||
           pattern.find("{" + name + ",") != std::string::npos;
  };
  struct Sample {
    const char* name;
    MessageArg::Kind kind;
    const char* text;
    int64_t number;
  };
  const Sample samples[] = {
      {"case", MessageArg::Kind::kText, "123", 0},
      {"title", MessageArg::Kind::kText, "Checkpoint on the port road", 0},
      {"dimension", MessageArg::Kind::kText, "humanitarian_aid", 0},
      {"deadline", MessageArg::Kind::kTime, "", kAfterDst},
      {"old_deadline", MessageArg::Kind::kTime, "", kBeforeDst},
      {"occurred_at", MessageArg::Kind::kTime, "", kBeforeDst},
      {"reason", MessageArg::Kind::kText, "our delegate is travelling", 0},
      {"party", MessageArg::Kind::kText, "7", 0},
      {"extension", MessageArg::Kind::kDuration, "", 3 * 24 * 3600 * 1000LL},
      {"reminder", MessageArg::Kind::kNumber, "", -1},
      {"why", MessageArg::Kind::kText, "outreach", 0},
      {"failed", MessageArg::Kind::kNumber, "", -1},
      {"last", MessageArg::Kind::kText, "unknown subscriber", 0},
      {"respondents", MessageArg::Kind::kNumber, "", -1},
      {"decision", MessageArg::Kind::kText, "modify", 0},
      {"ruling", MessageArg::Kind::kText, "upheld_with_remedy", 0},
      {"remedy", MessageArg::Kind::kText, "rebuild the market stalls", 0},
      {"location", MessageArg::Kind::kText, "Kismayo port", 0},
      {"group", MessageArg::Kind::kText, "Kismayo contact group", 0},
      {"text", MessageArg::Kind::kText, "the convoy was under fire", 0},
      {"appeal", MessageArg::Kind::kText, "2", 0},
      {"grounds", MessageArg::Kind::kText, "the roadblock was lawful", 0},
      // Case events (event.*): their details as services/workflow/event_text.cc types them.
      {"kind", MessageArg::Kind::kWords, "contemplated action", 0},
      {"standards", MessageArg::Kind::kWords, "the mandate, the peace process", 0},
      {"window", MessageArg::Kind::kDuration, "", 10 * 24 * 3600 * 1000LL},
      {"liaisons", MessageArg::Kind::kNumber, "", -1},
      {"answer", MessageArg::Kind::kWords, "late", 0},
      {"position_id", MessageArg::Kind::kText, "4", 0},
      {"visibility", MessageArg::Kind::kWords, "mediator only", 0},
      {"new_deadline", MessageArg::Kind::kTime, "", kAfterDst},
      {"accepting_party_ids", MessageArg::Kind::kText, "2,3", 0},
      {"reminders_sent", MessageArg::Kind::kNumber, "", -1},
      {"rationale", MessageArg::Kind::kText, "the checkpoint endangers the convoys", 0},
      {"action", MessageArg::Kind::kWords, "modify", 0},
      {"outcome", MessageArg::Kind::kWords, "MISSION_DECISION", 0},
      {"appeal_deadline", MessageArg::Kind::kTime, "", kAfterDst},
      {"affected_party_ids", MessageArg::Kind::kText, "2,3", 0},
      {"appeal_id", MessageArg::Kind::kText, "2", 0},
      {"reasons", MessageArg::Kind::kText, "the action was narrow", 0},
      {"report_id", MessageArg::Kind::kText, "5", 0},
      {"history_head", MessageArg::Kind::kText, "12:ab12", 0},
      {"notice", MessageArg::Kind::kText, "9", 0},
      {"notice_kind", MessageArg::Kind::kWords, "reminder", 0},
      {"channel", MessageArg::Kind::kWords, "sms", 0},
      {"state", MessageArg::Kind::kWords, "delivered", 0},
      {"attempt", MessageArg::Kind::kNumber, "", 2},
      // Report values (report.line.*, report.title).
      {"value", MessageArg::Kind::kWords, "answered on time", 0},
      {"name", MessageArg::Kind::kText, "Juba Valley Alliance", 0},
      {"category", MessageArg::Kind::kWords, "armed faction", 0},
      {"time", MessageArg::Kind::kTime, "", kBeforeDst},
      {"reached", MessageArg::Kind::kText, "no", 0},
      {"report", MessageArg::Kind::kText, "4", 0},
      {"sent", MessageArg::Kind::kNumber, "", -1},
      {"delivered", MessageArg::Kind::kNumber, "", 2},
      {"read", MessageArg::Kind::kNumber, "", 1},
      {"head", MessageArg::Kind::kText, "12:ab12", 0},
  };
  for (const auto& s : samples) {
    if (!uses(s.name)) continue;
    // Events and report lines carry the core's words (kWords); notices, the page and
    // mail.subject a keyword their patterns select on.
    const bool words = id.rfind("event.", 0) == 0 || id.rfind("report.", 0) == 0;
    const std::string name = s.name;
    if (name == "kind" && !words) {
      m.Text("kind", "call_to_negotiate");
      continue;
    }
    if (words && (name == "dimension" || name == "ruling" || name == "decision")) {
      m.Words(name, name == "dimension" ? "humanitarian aid"
                    : name == "ruling"  ? "upheld with remedy"
                                        : "modify");
      continue;
    }
    if (s.kind == MessageArg::Kind::kText) m.Text(s.name, s.text);
    else if (s.kind == MessageArg::Kind::kWords) m.Words(s.name, s.text);
    else if (s.kind == MessageArg::Kind::kNumber) m.Number(s.name, s.number < 0 ? n : s.number);
    else if (s.kind == MessageArg::Kind::kTime) m.Time(s.name, s.number);
    else m.Duration(s.name, s.number);
  }
  return m;
}

// Whether a pattern has a number argument (so it is rendered with each count).
inline bool HasCount(const std::string& pattern) {
  for (const char* name : {"reminder", "failed", "respondents", "liaisons", "reminders_sent", "sent"})
    if (pattern.find("{" + std::string(name)) != std::string::npos) return true;
  return false;
}

}  // namespace baraza::testing
