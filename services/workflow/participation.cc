#include "services/workflow/participation.h"

#include <sstream>
#include <string>

#include "services/workflow/outreach.h"

namespace baraza::workflow {
namespace {

bool ListsParty(const std::string& ids, Id party_id) {
  std::stringstream in(ids);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty() && std::stoll(item) == party_id) return true;
  return false;
}

std::string Detail(const Event& e, const char* key) {
  auto it = e.details.find(key);
  return it == e.details.end() ? std::string() : it->second;
}

}  // namespace

ParticipationRecord Tally(Id party_id, const std::vector<std::vector<Event>>& histories) {
  ParticipationRecord r;
  r.party_id = party_id;
  for (const auto& events : histories) {
    r.cases += 1;
    bool appealed = false;
    for (const Event& e : events) {
      const bool mine = e.party_id == party_id;
      switch (e.type) {
        case EventType::kNotified: r.notices_received += mine; break;
        case EventType::kResponded:
          if (mine && Detail(e, "answer") == "on time") r.answered_on_time += 1;
          if (mine && Detail(e, "answer") == "late") r.answered_late += 1;
          break;
        case EventType::kDefaultJudgementEntered: r.never_answered += mine; break;
        case EventType::kReferredToMediator: r.referred += mine; break;
        case EventType::kExtensionRequested: r.extensions_requested += mine; break;
        case EventType::kExtended: r.extensions_granted += mine; break;
        case EventType::kSupportGranted: r.support_granted += mine; break;
        case EventType::kEmergencyActionLogged:
          r.emergency_actions_affecting += ListsParty(Detail(e, "affected_party_ids"), party_id);
          break;
        case EventType::kAppealed:
          if (mine) {
            r.appeals_filed += 1;
            appealed = true;
          }
          break;
        case EventType::kRuled:
          if (appealed && ListsParty(Detail(e, "appellant_party_ids"), party_id)) {
            std::string ruling = Detail(e, "ruling");
            if (ruling == Name(Ruling::kUpheld)) r.appeals_upheld += 1;
            if (ruling == Name(Ruling::kUpheldWithRemedy)) r.appeals_upheld_with_remedy += 1;
            if (ruling == Name(Ruling::kOverturned)) r.appeals_overturned += 1;
            appealed = false;
          }
          break;
        default: break;
      }
    }
    r.appeals_pending += appealed;
    OutreachTally outreach = TallyOutreach(party_id, events);
    r.notices_sent += outreach.sent;
    r.notices_delivered += outreach.delivered;
    r.notices_read += outreach.read;
  }
  return r;
}

}  // namespace baraza::workflow
