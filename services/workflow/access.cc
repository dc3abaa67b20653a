#include "services/workflow/access.h"

#include <algorithm>

namespace baraza::workflow {

namespace {
bool SeesEverything(const Actor& a) {
  return a.role == Role::kMediator || a.role == Role::kSystem;
}
}  // namespace

bool CanSeeCase(const Actor& actor, const Case& c) {
  if (SeesEverything(actor)) return true;
  if (actor.role == Role::kCommander)
    return c.filed_by_commander_id != 0 && c.filed_by_commander_id == actor.subject_id;
  if (actor.role != Role::kLiaison) return false;
  if (c.InvolvesParty(actor.party_id)) return true;
  // Every party of the group is told of an emergency action (emergency_machine.cc)
  // and the group reviews it: a party reads what its notice named.
  return c.kind == CaseKind::kEmergencyAction && actor.group_id == c.group_id;
}

bool CanSeeEvent(const Actor& actor, const Event& e) {
  if (SeesEverything(actor)) return true;
  if (e.visibility == Visibility::kGroup) return true;
  // A mediator-only event of a party is that party's liaisons' too. Only a
  // liaison speaks for a party: a commander (party 0) never matches one, nor an
  // event of no party (the delivery of a notice to the mediators, say).
  return actor.role == Role::kLiaison && e.party_id != 0 && e.party_id == actor.party_id;
}

bool CanSeeNotice(const Actor& actor, const Notice& n) {
  if (SeesEverything(actor)) return true;
  auto reads = actor.Reads();
  return reads && *reads == n.to;
}

namespace {
bool HiddenFrom(const Actor& actor, const Position& p) {
  return p.visibility == Visibility::kMediatorOnly && p.party_id != actor.party_id;
}
bool HiddenFrom(const Actor& actor, const ExtensionRequest& r) {
  return r.party_id != actor.party_id;
}
}  // namespace

Case RedactFor(const Actor& actor, Case out) {
  if (SeesEverything(actor)) return out;
  out.positions.EraseIf([&](const Position& p) { return HiddenFrom(actor, p); });
  std::erase_if(out.extension_requests,
                [&](const ExtensionRequest& r) { return HiddenFrom(actor, r); });
  return out;
}

std::shared_ptr<const Case> RedactFor(const Actor& actor, std::shared_ptr<const Case> c) {
  if (SeesEverything(actor)) return c;
  auto hidden = [&](const auto& item) { return HiddenFrom(actor, item); };
  if (std::none_of(c->positions.begin(), c->positions.end(), hidden) &&
      std::none_of(c->extension_requests.begin(), c->extension_requests.end(), hidden))
    return c;
  return std::make_shared<const Case>(RedactFor(actor, *c));
}

bool CanSeeGroup(const Actor& actor, Id group_id) {
  if (SeesEverything(actor)) return true;
  return actor.role == Role::kLiaison && actor.group_id == group_id;
}

bool CanSeeContactPoint(const Actor& actor, const ContactPoint& p) {
  if (actor.role == Role::kMediator) return true;
  if (actor.role == Role::kLiaison)
    return p.role == Role::kLiaison && actor.subject_id == p.liaison_id;
  return actor.role == Role::kCommander && p.role == Role::kCommander &&
         actor.subject_id == p.commander_id;
}

}  // namespace baraza::workflow
