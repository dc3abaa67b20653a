// Drives the workflow core with arbitrary command sequences and clock moves, and
// checks what must always hold: no crash or undefined behaviour; a refusal comes
// with a message; an accepted command moves the version on by one and numbers
// its events on from the last; the server's own moves are idempotent and never
// act before their time.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/workflow/case_machine.h"
#include "services/workflow/outreach.h"
#include "services/workflow/emergency_machine.h"

using namespace baraza;
using namespace baraza::workflow;

namespace {

struct Input {
  const uint8_t* p;
  size_t n;
  uint8_t Byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  int64_t Small() { return Byte() % 8; }
  std::string Text() {
    size_t len = Byte() % 12;
    std::string s;
    for (size_t i = 0; i < len && n > 0; ++i) s.push_back(static_cast<char>(Byte()));
    return s;
  }
};

void Check(bool ok) {
  if (!ok) std::abort();
}

ContactGroup Group() {
  ContactGroup g;
  g.id = 1;
  g.name = "g";
  g.appeal_window = 7 * kDay;
  for (Id p = 1; p <= 4; ++p)
    g.parties.push_back({p, 1, "p" + std::to_string(p), PartyCategory::kArmedFaction,
                         static_cast<int>(p % 3), 0});
  return g;
}

Actor Who(Input& in) {
  switch (in.Byte() % 4) {
    case 0: return Actor{Role::kMediator, 1, 0, 0};
    case 1: return Actor{Role::kCommander, 1 + in.Small() % 2, 0, 0};
    case 2: return Actor::System();
    default: {
      Id p = in.Small() % 5;
      return Actor{Role::kLiaison, 10 + p, p, 1};
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  const ContactGroup group = Group();
  UnixMillis now = 1'780'000'000'000;
  Result<Transition> opened = Status::Internal("unset");
  if (in.Byte() % 3 == 0) {
    EmergencyFiling f;
    f.group_id = 1;
    f.title = in.Text();
    f.description = in.Text();
    f.action.occurred_at = now - static_cast<int64_t>(in.Byte()) * 60'000;
    f.action.location = in.Text();
    f.action.threat = in.Text();
    f.action.narrowness = in.Text();
    for (int i = in.Byte() % 4; i >= 0; --i) f.affected_party_ids.push_back(in.Small());
    opened = LogEmergencyAction(1, f, group, Who(in), now);
  } else {
    DisputeFiling f;
    f.group_id = 1;
    f.title = in.Text();
    f.description = in.Text();
    f.standards = {static_cast<Standard>(1 + in.Byte() % 7)};
    f.filed_by_party_id = in.Small() % 5;
    for (int i = in.Byte() % 4; i >= 0; --i) f.respondent_party_ids.push_back(in.Small());
    f.window = static_cast<Millis>(in.Byte()) * 3'600'000 - 3'600'000;
    opened = in.Byte() % 2 ? FileDispute(1, f, group, Who(in), now)
                           : FileContemplatedAction(1, f, group, Who(in), now);
  }
  if (!opened.ok()) {
    Check(!opened.status().message().empty());
    return 0;
  }
  Case c = opened->next;
  for (int step = 0; step < 64 && in.n > 0; ++step) {
    now += static_cast<int64_t>(in.Byte()) * 3'600'000 - 40 * 3'600'000;  // back and forth
    Actor who = Who(in);
    Result<Transition> t = Status::Internal("unset");
    switch (in.Byte() % 15) {
      case 0: t = Respond(c, in.Text(), in.Byte() % 2 ? Visibility::kGroup : Visibility::kMediatorOnly, who, now); break;
      case 1: t = RequestExtension(c, static_cast<Millis>(in.Byte()) * 60'000, in.Text(), who, now); break;
      case 2: t = GrantExtension(c, in.Small(), static_cast<Millis>(in.Byte()) * 60'000, in.Text(), who, now); break;
      case 3: t = GrantCapacitySupport(c, in.Small(), static_cast<SupportKind>(1 + in.Byte() % 5), in.Text(), static_cast<Millis>(in.Byte()) * 60'000, who, now); break;
      case 4: t = RecordSettlement(c, in.Text(), {in.Small()}, who, now); break;
      case 5: {
        std::optional<ActionDecision> d;
        if (in.Byte() % 2) d = static_cast<ActionDecision>(1 + in.Byte() % 3);
        t = RecordMissionDecision(c, in.Text(), in.Text(), d, who, now);
        break;
      }
      case 6: t = Withdraw(c, in.Text(), who, now); break;
      case 7: t = Close(c, who, now); break;
      case 8: t = ExplainAction(c, in.Text(), who, now); break;
      case 9: t = FileAppeal(c, in.Text(), in.Text(), who, now); break;
      case 10: t = AnswerAppeal(c, in.Small(), in.Text(), who, now); break;
      case 11: t = RuleOnAppeal(c, static_cast<Ruling>(1 + in.Byte() % 3), in.Text(), in.Text(), who, now); break;
      case 12: {
        // A delivery of one of the case's notices changes state: outreach evidence
        // only, never the case's state or a respondent's status.
        Delivery before;
        before.id = 1 + in.Small();
        before.case_id = c.id;
        before.party_id = in.Small();
        before.notice_kind = static_cast<NoticeKind>(1 + in.Byte() % 8);
        Delivery after = before;
        after.state = static_cast<DeliveryState>(1 + in.Byte() % 6);
        after.attempts = in.Byte() % 3;
        after.detail = in.Text();
        auto d = RecordDelivery(c, before, after, now);
        if (!d) continue;
        Check(d->next.state == c.state);
        Check(d->next.respondents.size() == c.respondents.size());
        for (size_t i = 0; i < c.respondents.size(); ++i) {
          Check(d->next.respondents[i].status == c.respondents[i].status);
          const auto& r = d->next.respondents[i];
          Check(r.reminder_delivered_at == 0 || r.reminder_delivered_at <= r.deadline ||
                r.reminder_delivered_at == c.respondents[i].reminder_delivered_at);
        }
        t = std::move(*d);
        break;
      }
      default: {
        // The server's own move: never before a pending deadline, and idempotent.
        auto pending = PendingDeadlines(c);
        Transition d = OnDeadlines(c, group, now);
        bool any_due = false;
        for (const auto& dl : pending) any_due |= dl.due_at <= now;
        if (!any_due) Check(d.events.empty());
        Transition again = OnDeadlines(d.next, group, now);
        Check(again.events.empty());
        // A default judgement only against a party a reminder reached in time.
        for (const auto& e : d.events) {
          if (e.type != EventType::kDefaultJudgementEntered) continue;
          const Respondent* r = c.FindRespondent(e.party_id);
          Check(r && r->reminder_delivered_at != 0 && r->reminder_delivered_at <= r->deadline);
        }
        if (!d.events.empty()) {
          Check(d.next.version == c.version + 1);
          c = d.next;
        }
        continue;
      }
    }
    if (!t.ok()) {
      Check(!t.status().message().empty());
      continue;
    }
    Check(t->next.version == c.version + 1);
    int64_t seq = c.event_count;
    for (const auto& e : t->events) Check(e.seq == ++seq);
    Check(t->next.event_count == seq);
    c = t->next;
  }
  return 0;
}
