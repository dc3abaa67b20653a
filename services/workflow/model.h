// The domain model of the workflow core: contact groups, parties, cases, events,
// notices and deadlines, as plain values. No I/O; values are not synchronised.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/workflow/position_list.h"
#include "services/workflow/message.h"

namespace baraza {

using Id = int64_t;
// Wall-clock time in milliseconds since the Unix epoch. The core never reads a
// clock: callers pass `now` in.
using UnixMillis = int64_t;
using Millis = int64_t;

inline constexpr Millis kSecond = 1000;
inline constexpr Millis kDay = 24 * 3600 * kSecond;

enum class GroupKind { kStanding = 1, kAdHoc = 2 };

enum class PartyCategory {
  kArmedFaction = 1,
  kGovernment,
  kCivilSociety,
  kWomensGroup,
  kEthnoculturalMinority,
  kTraditionalAuthority,
  kNgo,
  kMission,
};

enum class Standard {
  kMandate = 1,
  kPeaceAgreement,
  kInternationalLaw,
  kUnCharter,
  kUniversalMorality,
  kAggressorVictim,
  kPeaceProcess,
};

enum class Dimension {
  kUseOfForce = 1,
  kHumanitarianAid,
  kInfrastructure,
  kDdr,
  kElectionSupport,
  kGovernanceAssistance,
  kEducationTraining,
  kGoodOffices,
};

// The paper's three kinds of case: a dispute; a notice of contemplated
// coercive or preventive action; an emergency action taken first and open to
// appeal afterwards.
enum class CaseKind { kDispute = 1, kContemplatedAction, kEmergencyAction };

enum class CaseState {
  kNegotiating = 1,
  kAwaitingDecision,
  kSettled,
  kDefaultJudgement,
  kMissionDecision,
  kWithdrawn,
  kClosed,
  kAppealWindow,  // emergency action logged; affected parties may appeal
  kUnderAppeal,   // at least one appeal filed; others may still appeal in the window
  kRuled,         // the mediator ruled on the appeal(s)
};

// What the mission decided on a contemplated action.
enum class ActionDecision { kProceed = 1, kModify, kAbandon };
// The ruling on an appealed emergency action.
enum class Ruling { kUpheld = 1, kUpheldWithRemedy, kOverturned };

enum class Visibility { kGroup = 1, kMediatorOnly };
// kObserver: the public, donors, the Security Council — reads published reports only.
enum class Role { kMediator = 1, kLiaison, kCommander, kSystem, kObserver };
enum class RespondentStatus { kAwaiting = 1, kAnswered, kDefaulted, kReferred };
enum class SupportKind { kTranslation = 1, kTransport, kTraining, kMaterials, kTime };

enum class EventType {
  kFiled = 1,
  kNotified,
  kReminded,
  kResponded,
  kExtensionRequested,
  kExtended,
  kSupportGranted,
  kSettled,
  kDefaultJudgementEntered,
  kReferredToMediator,
  kDecided,
  kWithdrawn,
  kClosed,
  kEmergencyActionLogged,
  kExplained,
  kAppealed,
  kAppealAnswered,
  kRuled,
  kClosedUnchallenged,
  kReportPublished,  // a report on the case was published (details: report_id, history_head)
  kRecordSealed,     // the stored state was sealed into the history (migration to schema 5)
  kRegistryChanged,  // groups, parties, liaisons, commanders or tokens changed (case 0 only)
  kDeliveryUpdated,  // a notice's delivery was sent, delivered, read or failed (details say which)
};

enum class NoticeKind {
  kCallToNegotiate = 1,
  kReminder,
  kDeadlineExtended,
  kDefaultJudgement,
  kOutcome,
  kCaseFiled,
  kEmergencyAction,  // an emergency action affected the party, or its group
  kAppeal,           // an appeal was filed on a case the party is in
  // Notices to the mission's mediators: what waits on them.
  kExtensionRequested,  // a party asked for more time
  kReferred,            // a case was referred to the mediator (no default judgement)
  kAwaitingDecision,    // every respondent answered: the case awaits an outcome
  kAwaitingRuling,      // an emergency action was appealed: it awaits a ruling
};

enum class DeadlineKind { kReminder = 1, kWindowClose, kAppealWindowClose };

// How a notice reaches a person: e-mail through the mission's relay, SMS through
// a gateway, a webhook of another system; kStream is a live WatchNotices stream
// or an acknowledgement, which need no contact point.
enum class ContactKind { kEmail = 1, kSms, kWebhook, kStream };
// Where one delivery of a notice stands. kSent: a gateway accepted it (a
// delivery report may follow); kDelivered: it reached the person's mail relay,
// phone (by report), system or open stream; kRead: the liaison acknowledged it.
enum class DeliveryState { kQueued = 1, kSent, kDelivered, kRead, kFailed, kUndeliverable };

const char* Name(GroupKind v);
const char* Name(PartyCategory v);
const char* Name(Standard v);
const char* Name(Dimension v);
const char* Name(CaseState v);
const char* Name(Visibility v);
const char* Name(Role v);
const char* Name(RespondentStatus v);
const char* Name(SupportKind v);
const char* Name(EventType v);
const char* Name(NoticeKind v);
const char* Name(CaseKind v);
const char* Name(ActionDecision v);
const char* Name(Ruling v);
const char* Name(ContactKind v);
const char* Name(DeliveryState v);

// True for the stakeholders the paper asks to include besides the armed:
// civil society, women's groups, minorities, traditional authorities, NGOs.
bool IsUnarmed(PartyCategory c);

struct Party {
  Id id = 0;
  Id group_id = 0;
  std::string name;
  PartyCategory category = PartyCategory::kCivilSociety;
  int liaison_count = 0;
  UnixMillis created_at = 0;
};

struct ContactGroup {
  Id id = 0;
  std::string name;
  std::string purpose;
  GroupKind kind = GroupKind::kStanding;
  // How long affected parties have to appeal an emergency action in this group.
  Millis appeal_window = 7 * kDay;
  UnixMillis created_at = 0;
  std::vector<Party> parties;
  // Where the group meets: an IANA time zone ("Africa/Mogadishu"), in which its
  // notices show deadlines (with UTC beside them). "": UTC. Stored times stay UTC.
  std::string time_zone;

  const Party* FindParty(Id party_id) const;
  bool HasUnarmedStakeholders() const;
};

struct Liaison {
  Id id = 0;
  Id party_id = 0;
  std::string name;
  UnixMillis created_at = 0;
  std::string language;  // the language notices are rendered in for it ("fr"); "": English
};

// Who a notice is for, and whose contact points it goes to: the liaisons of a
// party, the mission's mediators (all of them), or one commander.
struct Recipient {
  Role role = Role::kLiaison;
  Id id = 0;  // the party (kLiaison) or the commander (kCommander); 0 for kMediator

  static Recipient Party(Id party_id) { return {Role::kLiaison, party_id}; }
  static Recipient Mediators() { return {Role::kMediator, 0}; }
  static Recipient Commander(Id commander_id) { return {Role::kCommander, commander_id}; }
  std::string Label() const;  // "party 3", "the mediators", "commander 2"
  bool operator==(const Recipient&) const = default;
  auto operator<=>(const Recipient&) const = default;
};

// A peacekeeper commander known to the server (tokens are issued per commander).
struct Commander {
  Id id = 0;
  std::string name;
  UnixMillis created_at = 0;
  std::string language;  // as a liaison's
};

// Who acts. Mediators and the system act for the mission; a liaison speaks for
// exactly one party.
struct Actor {
  Role role = Role::kSystem;
  Id subject_id = 0;   // mediator, liaison or commander id
  Id party_id = 0;     // for liaisons
  Id group_id = 0;     // for liaisons
  std::string Label() const;  // "mediator:1", "liaison:7", "barazad"
  // Whose notices this actor reads: its party's, the mediators', its own (a
  // commander's); nullopt for the system and observers.
  std::optional<Recipient> Reads() const;
  static Actor System() { return Actor{}; }
};

struct Respondent {
  Id party_id = 0;
  RespondentStatus status = RespondentStatus::kAwaiting;
  UnixMillis notified_at = 0;
  UnixMillis deadline = 0;
  UnixMillis answered_at = 0;
  int reminders_sent = 0;
  // The outreach the record shows: when a call to negotiate and a reminder
  // first reached the party, and the deliveries that failed (with the last reason).
  UnixMillis call_delivered_at = 0;
  UnixMillis reminder_delivered_at = 0;
  int deliveries_failed = 0;
  std::string last_failure;
};

struct Position {
  Id id = 0;  // 1, 2, ... within the case
  Id party_id = 0;
  std::string text;
  Visibility visibility = Visibility::kGroup;
  UnixMillis stated_at = 0;
};
// What a position occupies in memory (for PositionList's count, which bounds the case cache).
inline size_t ListItemBytes(const Position& p) { return sizeof(Position) + p.text.size(); }

struct ExtensionRequest {
  Id party_id = 0;
  Millis requested = 0;
  std::string reason;
  UnixMillis requested_at = 0;
  bool open = true;
};

struct Outcome {
  std::string text;
  std::string rationale;
  std::vector<Id> accepting_party_ids;
  std::vector<Id> defaulted_party_ids;
  std::optional<ActionDecision> action_decision;  // contemplated actions
  std::optional<Ruling> ruling;                   // appealed emergency actions
  std::string remedy;                             // with a ruling
  bool unchallenged = false;  // emergency action closed with no appeal in the window
};

// What a commander did without prior consultation, as logged.
struct EmergencyAction {
  UnixMillis occurred_at = 0;
  std::string location;
  std::string threat;      // the clear and immediate threat to civilians
  std::string narrowness;  // how it was kept to stopping the harm
};

// A commander's explanation of the action, or answer to an appeal.
struct Statement {
  Id id = 0;  // 1, 2, ... within the case
  std::string text;
  Id commander_id = 0;
  UnixMillis at = 0;
};

struct Appeal {
  Id id = 0;  // 1, 2, ... within the case
  Id party_id = 0;
  std::string grounds;
  std::string requested_remedy;
  UnixMillis filed_at = 0;
  std::optional<Statement> answer;
};

struct Case {
  Id id = 0;
  Id group_id = 0;
  CaseKind kind = CaseKind::kDispute;
  CaseState state = CaseState::kNegotiating;
  std::string title;
  std::string description;
  std::vector<Standard> standards;
  Dimension dimension = Dimension::kUseOfForce;
  Id filed_by_party_id = 0;  // 0: the mission
  Id filed_by_commander_id = 0;  // the commander who filed it, if one did
  Millis window = 0;
  UnixMillis filed_at = 0;
  UnixMillis updated_at = 0;
  std::vector<Respondent> respondents;
  AppendOnlyList<Position> positions;  // shared between versions (position_list.h)
  std::vector<ExtensionRequest> extension_requests;
  Outcome outcome;
  // Emergency actions only.
  EmergencyAction action;
  std::vector<Id> affected_party_ids;
  UnixMillis appeal_deadline = 0;
  std::vector<Statement> explanations;
  std::vector<Appeal> appeals;
  int64_t version = 0;      // bumped by every transition
  int64_t event_count = 0;  // seq of the last event written

  Respondent* FindRespondent(Id party_id);
  const Respondent* FindRespondent(Id party_id) const;
  // Filer (if a party), respondents and affected parties: the parties that may read the case.
  bool InvolvesParty(Id party_id) const;
  std::vector<Id> PartyIds() const;
  bool IsAffected(Id party_id) const;
  // Names this version of the case; changes with every transition.
  std::string Etag() const { return "c" + std::to_string(id) + "v" + std::to_string(version); }
};

struct Event {
  Id case_id = 0;
  int64_t seq = 0;
  UnixMillis at = 0;
  std::string actor;
  EventType type = EventType::kFiled;
  Id party_id = 0;
  Visibility visibility = Visibility::kGroup;
  std::map<std::string, std::string> details;
};

// One line of a published report: `label` is the template's fixed wording,
// the same in every report; `value` is the case's data.
struct ReportLine {
  std::string label;
  std::string value;
  bool operator==(const ReportLine&) const = default;
};

struct ReportSection {
  std::string heading;  // fixed wording from the template
  std::vector<ReportLine> lines;
  bool operator==(const ReportSection&) const = default;
};

// A report on a case, rendered once from one template (workflow/report.h) when
// a mediator publishes it, and never changed after: a correction is a new
// report that names the one it corrects.
struct Report {
  Id id = 0;  // assigned by the store
  Id case_id = 0;
  Id group_id = 0;
  Id corrects_report_id = 0;  // 0: corrects none
  UnixMillis published_at = 0;
  std::string published_by;  // Actor::Label() of the mediator
  std::string title;
  // The tamper-evident history as it stood just before publication: the whole
  // log's head ("<events>:<hex>", as `barazad audit head` prints it) and the
  // hash of the case's last event.
  std::string history_head;
  std::string case_head;
  std::vector<ReportSection> sections;
  bool operator==(const Report&) const = default;
};

// An address where a liaison, the mediators or a commander receive notices.
// Confidential: only mediators and the person it belongs to ever see it.
struct ContactPoint {
  Id id = 0;  // assigned by the store
  Role role = Role::kLiaison;  // whose: a liaison's, the mediators', a commander's
  Id liaison_id = 0;    // kLiaison only
  Id party_id = 0;      // kLiaison only: the liaison's party
  Id commander_id = 0;  // kCommander only
  ContactKind kind = ContactKind::kEmail;
  std::string address;  // e-mail address, E.164 number, or https URL
  UnixMillis created_at = 0;
  UnixMillis removed_at = 0;  // 0: in use
  // The notices it receives.
  Recipient Receives() const;
};

// One notice on its way to one contact point (the outbox). Created with the
// notice, in the same transaction; sent by the delivery worker off the writer.
struct Delivery {
  Id id = 0;         // assigned by the store
  Id notice_id = 0;  // assigned by the store with the notice
  Id case_id = 0;
  Id party_id = 0;
  Id contact_point_id = 0;  // 0 for an undeliverable notice, a stream or an acknowledgement
  Id liaison_id = 0;
  ContactKind kind = ContactKind::kEmail;
  std::string address;
  NoticeKind notice_kind = NoticeKind::kCallToNegotiate;
  DeliveryState state = DeliveryState::kQueued;
  int attempts = 0;
  UnixMillis next_attempt_at = 0;  // for kQueued: when to try (again)
  std::string detail;              // the last outcome, as a person can act on it
  UnixMillis updated_at = 0;
  // The key every attempt of this delivery carries, so a receiver can deduplicate.
  std::string IdempotencyKey() const {
    return "baraza-n" + std::to_string(notice_id) + "-c" + std::to_string(contact_point_id);
  }
};

struct Notice {
  Id id = 0;  // assigned by the store
  Id case_id = 0;
  Recipient to;  // a party's liaisons, the mediators or a commander
  // The party it is addressed to; 0 for the mediators' and commanders' notices.
  Id PartyId() const { return to.role == Role::kLiaison ? to.id : 0; }
  NoticeKind kind = NoticeKind::kCallToNegotiate;
  // The words: a notice stored as English text before messages existed, or
  // `message` rendered for one reader (empty until rendered).
  std::string text;
  UnixMillis created_at = 0;
  UnixMillis deadline = 0;  // 0 when none runs
  // The outbox entries planned for it (application); stored with it, ids filled in.
  std::vector<Delivery> deliveries;
  // What it says, as its meaning, rendered in the reader's language and zone when
  // read or delivered. Empty for a notice stored before messages existed.
  Message message;
  // The language `text` is in, once rendered for a reader ("" until then).
  std::string language;
};

// A moment at which the server must act on a case without being asked.
struct Deadline {
  Id case_id = 0;
  Id party_id = 0;
  DeadlineKind kind = DeadlineKind::kWindowClose;
  UnixMillis due_at = 0;
  bool operator==(const Deadline&) const = default;
};

}  // namespace baraza
