// The access policy as one table: which roles may call each RPC at all. What a
// role may then see (its own cases only; another's answers as missing) is the
// core's (workflow/access.h). tests/security/access_matrix.tsv is the full
// policy per case, walked against the real server. Used by every handler.
#pragma once

#include <string_view>

#include "services/workflow/model.h"
#include "services/workflow/status.h"

namespace baraza::api {

enum Callers : unsigned {
  kMediators = 1u << 0,
  kLiaisons = 1u << 1,
  kCommanders = 1u << 2,
  kObservers = 1u << 3,
  kEveryone = kMediators | kLiaisons | kCommanders,  // every role that takes part in cases
  kAnyToken = kEveryone | kObservers,
};

struct MethodAccess {
  std::string_view method;  // the RPC's name, e.g. "FileDispute"
  unsigned callers;         // Callers bits
  std::string_view why;     // said to a caller outside them
};

// Every RPC of baraza.v1, in the order of the proto. An RPC not listed is
// refused to everyone.
inline constexpr MethodAccess kAccessPolicy[] = {
    {"CreateContactGroup", kMediators, "only a mediator creates contact groups"},
    {"GetContactGroup", kMediators | kLiaisons, "commanders name groups by id; they do not read them"},
    {"ListContactGroups", kMediators | kLiaisons, "commanders do not list contact groups"},
    {"AddParty", kMediators, "only a mediator adds parties"},
    {"RegisterLiaison", kMediators, "only a mediator registers liaisons"},
    {"GetParticipationRecord", kMediators, "only a mediator reads participation records"},
    {"WhoAmI", kEveryone, ""},
    {"RegisterCommander", kMediators, "only a mediator registers commanders"},
    {"SetLanguage", kEveryone, ""},
    {"ListTokens", kMediators, "only a mediator lists tokens"},
    {"RevokeToken", kMediators, "only a mediator revokes tokens"},
    {"FileDispute", kMediators, "only a mediator files a dispute; a liaison asks a mediator"},
    {"GetCase", kEveryone, ""},
    {"ListCases", kEveryone, ""},
    {"RespondToNotice", kLiaisons, "only a party's liaison responds to a notice"},
    {"RequestExtension", kLiaisons, "only a party's liaison requests an extension"},
    {"GrantExtension", kMediators, "only a mediator grants an extension"},
    {"GrantCapacitySupport", kMediators, "only a mediator grants capacity support"},
    {"RecordSettlement", kMediators, "only a mediator records a settlement"},
    {"RecordMissionDecision", kMediators, "only a mediator records a mission decision"},
    {"WithdrawCase", kMediators, "only a mediator withdraws a case"},
    {"CloseCase", kMediators, "only a mediator closes a case"},
    {"ListCaseEvents", kEveryone, ""},
    {"FileContemplatedAction", kMediators | kCommanders,
     "only a mediator or a commander gives notice of contemplated action"},
    {"LogEmergencyAction", kCommanders, "only a peacekeeper commander logs an emergency action"},
    {"ExplainAction", kCommanders, "only the commander who logged the action explains it"},
    {"AppealAction", kLiaisons, "only the liaison of an affected party appeals"},
    {"AnswerAppeal", kCommanders, "only the commander who logged the action answers an appeal"},
    {"RuleOnAppeal", kMediators, "only a mediator rules on an appeal"},
    {"RegisterObserver", kMediators, "only a mediator registers observers"},
    {"PublishReport", kMediators, "only a mediator publishes a report"},
    {"GetReport", kAnyToken, ""},
    {"ListReports", kAnyToken, ""},
    {"ListNotices", kEveryone, "observers read published reports, not notices"},
    {"WatchNotices", kEveryone, "observers read published reports, not notices"},
    {"AddContactPoint", kMediators, "only a mediator adds contact points"},
    {"ListContactPoints", kEveryone, "contact points are seen only by mediators and their owners"},
    {"RemoveContactPoint", kMediators, "only a mediator removes contact points"},
    {"AcknowledgeNotice", kLiaisons, "only a liaison acknowledges a notice of its party"},
    {"ListDeliveries", kMediators, "only a mediator reads the outreach record of a case"},
};

// OK if the actor's role may call `method`; else PERMISSION_DENIED saying who may.
// The answer does not depend on any id in the request, so it reveals nothing.
Status Authorize(const Actor& actor, std::string_view method);

}  // namespace baraza::api
