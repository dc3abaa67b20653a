#include "services/workflow/model.h"

#include <algorithm>

namespace baraza {

const char* Name(GroupKind v) {
  switch (v) {
    case GroupKind::kStanding: return "standing";
    case GroupKind::kAdHoc: return "ad hoc";
  }
  return "?";
}

const char* Name(PartyCategory v) {
  switch (v) {
    case PartyCategory::kArmedFaction: return "armed faction";
    case PartyCategory::kGovernment: return "government";
    case PartyCategory::kCivilSociety: return "civil society";
    case PartyCategory::kWomensGroup: return "women's group";
    case PartyCategory::kEthnoculturalMinority: return "ethnocultural minority";
    case PartyCategory::kTraditionalAuthority: return "traditional authority";
    case PartyCategory::kNgo: return "NGO";
    case PartyCategory::kMission: return "mission";
  }
  return "?";
}

const char* Name(Standard v) {
  switch (v) {
    case Standard::kMandate: return "the mandate";
    case Standard::kPeaceAgreement: return "a peace agreement";
    case Standard::kInternationalLaw: return "international law";
    case Standard::kUnCharter: return "the UN Charter";
    case Standard::kUniversalMorality: return "universal morality";
    case Standard::kAggressorVictim: return "the aggressor/victim distinction";
    case Standard::kPeaceProcess: return "the peace process";
  }
  return "?";
}

const char* Name(Dimension v) {
  switch (v) {
    case Dimension::kUseOfForce: return "use of force";
    case Dimension::kHumanitarianAid: return "humanitarian aid";
    case Dimension::kInfrastructure: return "infrastructure";
    case Dimension::kDdr: return "DDR";
    case Dimension::kElectionSupport: return "election support";
    case Dimension::kGovernanceAssistance: return "governance assistance";
    case Dimension::kEducationTraining: return "education/training";
    case Dimension::kGoodOffices: return "good offices";
  }
  return "?";
}

const char* Name(CaseState v) {
  switch (v) {
    case CaseState::kNegotiating: return "NEGOTIATING";
    case CaseState::kAwaitingDecision: return "AWAITING_DECISION";
    case CaseState::kSettled: return "SETTLED";
    case CaseState::kDefaultJudgement: return "DEFAULT_JUDGEMENT";
    case CaseState::kMissionDecision: return "MISSION_DECISION";
    case CaseState::kWithdrawn: return "WITHDRAWN";
    case CaseState::kClosed: return "CLOSED";
    case CaseState::kAppealWindow: return "APPEAL_WINDOW";
    case CaseState::kUnderAppeal: return "UNDER_APPEAL";
    case CaseState::kRuled: return "RULED";
  }
  return "?";
}

const char* Name(Visibility v) {
  return v == Visibility::kGroup ? "group" : "mediator only";
}

const char* Name(Role v) {
  switch (v) {
    case Role::kMediator: return "mediator";
    case Role::kLiaison: return "liaison";
    case Role::kCommander: return "commander";
    case Role::kSystem: return "barazad";
    case Role::kObserver: return "observer";
  }
  return "?";
}

const char* Name(RespondentStatus v) {
  switch (v) {
    case RespondentStatus::kAwaiting: return "awaiting";
    case RespondentStatus::kAnswered: return "answered";
    case RespondentStatus::kDefaulted: return "defaulted";
    case RespondentStatus::kReferred: return "referred";
  }
  return "?";
}

const char* Name(SupportKind v) {
  switch (v) {
    case SupportKind::kTranslation: return "translation";
    case SupportKind::kTransport: return "transport";
    case SupportKind::kTraining: return "training";
    case SupportKind::kMaterials: return "materials";
    case SupportKind::kTime: return "time";
  }
  return "?";
}

const char* Name(EventType v) {
  switch (v) {
    case EventType::kFiled: return "filed";
    case EventType::kNotified: return "notified";
    case EventType::kReminded: return "reminded";
    case EventType::kResponded: return "responded";
    case EventType::kExtensionRequested: return "extension requested";
    case EventType::kExtended: return "extended";
    case EventType::kSupportGranted: return "support granted";
    case EventType::kSettled: return "settled";
    case EventType::kDefaultJudgementEntered: return "default judgement entered";
    case EventType::kReferredToMediator: return "referred to mediator";
    case EventType::kDecided: return "decided";
    case EventType::kWithdrawn: return "withdrawn";
    case EventType::kClosed: return "closed";
    case EventType::kEmergencyActionLogged: return "emergency action logged";
    case EventType::kExplained: return "explained";
    case EventType::kAppealed: return "appealed";
    case EventType::kAppealAnswered: return "appeal answered";
    case EventType::kRuled: return "ruled";
    case EventType::kClosedUnchallenged: return "closed unchallenged";
    case EventType::kReportPublished: return "report published";
    case EventType::kRecordSealed: return "record sealed";
    case EventType::kRegistryChanged: return "registry changed";
    case EventType::kDeliveryUpdated: return "delivery updated";
  }
  return "?";
}

const char* Name(NoticeKind v) {
  switch (v) {
    case NoticeKind::kCallToNegotiate: return "call to negotiate";
    case NoticeKind::kReminder: return "reminder";
    case NoticeKind::kDeadlineExtended: return "deadline extended";
    case NoticeKind::kDefaultJudgement: return "default judgement";
    case NoticeKind::kOutcome: return "outcome";
    case NoticeKind::kCaseFiled: return "case filed";
    case NoticeKind::kEmergencyAction: return "emergency action";
    case NoticeKind::kAppeal: return "appeal";
    case NoticeKind::kExtensionRequested: return "extension requested";
    case NoticeKind::kReferred: return "referred to the mediator";
    case NoticeKind::kAwaitingDecision: return "awaiting decision";
    case NoticeKind::kAwaitingRuling: return "awaiting ruling";
  }
  return "?";
}

const char* Name(CaseKind v) {
  switch (v) {
    case CaseKind::kDispute: return "dispute";
    case CaseKind::kContemplatedAction: return "contemplated action";
    case CaseKind::kEmergencyAction: return "emergency action";
  }
  return "?";
}

const char* Name(ActionDecision v) {
  switch (v) {
    case ActionDecision::kProceed: return "proceed";
    case ActionDecision::kModify: return "modify";
    case ActionDecision::kAbandon: return "abandon";
  }
  return "?";
}

const char* Name(Ruling v) {
  switch (v) {
    case Ruling::kUpheld: return "upheld";
    case Ruling::kUpheldWithRemedy: return "upheld with remedy";
    case Ruling::kOverturned: return "overturned";
  }
  return "?";
}

bool IsUnarmed(PartyCategory c) {
  return c != PartyCategory::kArmedFaction && c != PartyCategory::kGovernment &&
         c != PartyCategory::kMission;
}

const Party* ContactGroup::FindParty(Id party_id) const {
  for (const auto& p : parties)
    if (p.id == party_id) return &p;
  return nullptr;
}

bool ContactGroup::HasUnarmedStakeholders() const {
  return std::any_of(parties.begin(), parties.end(),
                     [](const Party& p) { return IsUnarmed(p.category); });
}

std::string Actor::Label() const {
  if (role == Role::kSystem) return "barazad";
  return std::string(Name(role)) + ":" + std::to_string(subject_id);
}

std::optional<Recipient> Actor::Reads() const {
  switch (role) {
    case Role::kLiaison: return Recipient::Party(party_id);
    case Role::kMediator: return Recipient::Mediators();
    case Role::kCommander: return Recipient::Commander(subject_id);
    default: return std::nullopt;
  }
}

std::string Recipient::Label() const {
  switch (role) {
    case Role::kLiaison: return "party " + std::to_string(id);
    case Role::kMediator: return "the mediators";
    case Role::kCommander: return "commander " + std::to_string(id);
    default: return "nobody";
  }
}

Recipient ContactPoint::Receives() const {
  switch (role) {
    case Role::kMediator: return Recipient::Mediators();
    case Role::kCommander: return Recipient::Commander(commander_id);
    default: return Recipient::Party(party_id);
  }
}

Respondent* Case::FindRespondent(Id party_id) {
  for (auto& r : respondents)
    if (r.party_id == party_id) return &r;
  return nullptr;
}

const Respondent* Case::FindRespondent(Id party_id) const {
  return const_cast<Case*>(this)->FindRespondent(party_id);
}

bool Case::IsAffected(Id party_id) const {
  return std::find(affected_party_ids.begin(), affected_party_ids.end(), party_id) !=
         affected_party_ids.end();
}

bool Case::InvolvesParty(Id party_id) const {
  return party_id != 0 && (party_id == filed_by_party_id || FindRespondent(party_id) != nullptr ||
                           IsAffected(party_id));
}

std::vector<Id> Case::PartyIds() const {
  std::vector<Id> ids;
  if (filed_by_party_id != 0) ids.push_back(filed_by_party_id);
  for (const auto& r : respondents) ids.push_back(r.party_id);
  for (Id p : affected_party_ids) ids.push_back(p);
  return ids;
}

}  // namespace baraza

namespace baraza {

const char* Name(ContactKind v) {
  switch (v) {
    case ContactKind::kEmail: return "email";
    case ContactKind::kSms: return "sms";
    case ContactKind::kWebhook: return "webhook";
    case ContactKind::kStream: return "stream";
  }
  return "?";
}

const char* Name(DeliveryState v) {
  switch (v) {
    case DeliveryState::kQueued: return "queued";
    case DeliveryState::kSent: return "sent";
    case DeliveryState::kDelivered: return "delivered";
    case DeliveryState::kRead: return "read";
    case DeliveryState::kFailed: return "failed";
    case DeliveryState::kUndeliverable: return "undeliverable";
  }
  return "?";
}

}  // namespace baraza
