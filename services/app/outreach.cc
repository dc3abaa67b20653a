// The Application's part in reaching people: who reads which notices, contact
// points, acknowledgements and stream deliveries, and recording what the
// delivery worker and gateways report. Each change of a delivery is recorded
// in its case in the same write.
#include <map>
#include <memory>
#include <sstream>

#include "services/app/application.h"
#include "services/outreach/channel.h"
#include "services/workflow/access.h"

namespace baraza {
namespace {

Status NoSuchNotice(Id id) {
  return Status::NotFound("notice " + std::to_string(id) + " does not exist");
}

struct Written {
  Delivery delivery;
  std::vector<Notice> notices;
  UnixMillis next_deadline = 0;
  bool changed = false;
};

// "baraza-n<notice>-c<contact point>" back into its two ids.
bool ParseKey(const std::string& key, Id& notice_id, Id& contact_point_id) {
  long long n = 0, c = 0;
  char tail = 0;
  if (std::sscanf(key.c_str(), "baraza-n%lld-c%lld%c", &n, &c, &tail) != 2) return false;
  notice_id = n;
  contact_point_id = c;
  return Delivery{0, n, 0, 0, c}.IdempotencyKey() == key;
}

}  // namespace

Result<std::vector<Notice>> Application::ListNotices(const Actor& actor, Id party_id, Id after_id,
                                                     int limit) {
  std::optional<Recipient> to = actor.Reads();
  if (!to) return Status::PermissionDenied("only liaisons, mediators and commanders read notices");
  if (party_id != 0) {
    if (actor.role == Role::kLiaison && party_id != actor.party_id)
      return Status::PermissionDenied("a liaison reads only the notices of its own party");
    if (actor.role == Role::kCommander)
      return Status::PermissionDenied("a commander reads only its own notices; leave party_id 0");
    if (actor.role == Role::kMediator) {
      auto p = store_.GetParty(party_id);
      if (!p.ok()) return p.status();
      to = Recipient::Party(party_id);
    }
  }
  return store_.ListNotices(*to, after_id, limit);
}

void Application::SetLanguage(const Actor& actor, Id liaison_id, Id commander_id,
                              const std::string& language, Callback<std::string> done) {
  auto tag = LanguageTag(language);
  if (!tag.ok()) return done(tag.status());
  Role role = Role::kLiaison;
  Id id = 0;
  if (liaison_id < 0 || commander_id < 0)
    return done(Status::InvalidArgument("liaison_id and commander_id must not be negative"));
  if (liaison_id != 0 && commander_id != 0)
    return done(Status::InvalidArgument("name a liaison or a commander, not both"));
  if (actor.role == Role::kMediator) {
    if (liaison_id == 0 && commander_id == 0)
      return done(Status::InvalidArgument("name the liaison (liaison_id) or the commander "
                                          "(commander_id) whose language it is; the mediators' "
                                          "own is barazad's --mediator-language"));
    role = liaison_id != 0 ? Role::kLiaison : Role::kCommander;
    id = liaison_id != 0 ? liaison_id : commander_id;
  } else if (actor.role == Role::kLiaison || actor.role == Role::kCommander) {
    Id named = actor.role == Role::kLiaison ? liaison_id : commander_id;
    Id other = actor.role == Role::kLiaison ? commander_id : liaison_id;
    if (other != 0 || (named != 0 && named != actor.subject_id))
      return done(Status::PermissionDenied("a liaison or commander sets only its own language"));
    role = actor.role;
    id = actor.subject_id;
  } else {
    return done(Status::PermissionDenied("only mediators, liaisons and commanders set a language"));
  }
  UnixMillis now = clock_.Now();
  store_.Write(
      [role, id, stored = *tag, now](WriteTx& tx) {
        return tx.SetReaderLanguage(role, id, stored, now);
      },
      [this, role, id, stored = *tag, done = std::move(done)](Status s) {
        if (s.ok()) texts_.Forget(role, id);
        if (!s.ok()) return done(s);
        done(stored);
      });
}

void Application::SetOutboxListener(std::function<void()> listener) {
  outbox_listener_ = std::move(listener);
}

void Application::AddContactPoint(const Actor& actor, const ContactPoint& wanted,
                                  Callback<ContactPoint> done, const RequestKey& key) {
  if (wanted.kind == ContactKind::kStream)
    return done(Status::InvalidArgument("kind: a stream is not an address"));
  if (Status s = outreach::ValidateAddress(outreach::ChannelOf(wanted.kind), wanted.address);
      !s.ok())
    return done(Status::InvalidArgument("address: " + s.message()));
  auto out = std::make_shared<ContactPoint>();
  out->role = wanted.role;
  out->liaison_id = wanted.role == Role::kLiaison ? wanted.liaison_id : 0;
  out->commander_id = wanted.role == Role::kCommander ? wanted.commander_id : 0;
  out->kind = wanted.kind;
  out->address = wanted.address;
  out->created_at = clock_.Now();
  WriteKeyed(actor, key,
      [out, actor, key](WriteTx& tx) -> Status {
        if (!key.id.empty()) {
          BARAZA_ASSIGN_OR_RETURN(auto prior, tx.FindRequest(actor.Label(), key.id));
          if (prior) {
            if (prior->fingerprint != key.fingerprint)
              return Status::InvalidArgument("request_id \"" + key.id +
                                             "\" was already used for a different request");
            out->id = prior->object_id;
            return Status::Ok();
          }
        }
        if (out->role == Role::kLiaison) {
          BARAZA_ASSIGN_OR_RETURN(Liaison l, tx.GetLiaison(out->liaison_id));
          out->party_id = l.party_id;
        } else if (out->role == Role::kCommander) {
          BARAZA_RETURN_IF_ERROR(tx.GetCommander(out->commander_id).status());
        }
        BARAZA_ASSIGN_OR_RETURN(out->id, tx.InsertContactPoint(*out));
        if (key.id.empty()) return Status::Ok();
        return tx.InsertRequest(
            StoredRequest{actor.Label(), key.id, key.fingerprint, out->id, {}, out->created_at});
      },
      [this, out, done](Status s) {
        if (!s.ok()) return done(s);
        done(store_.GetContactPoint(out->id));
      });
}

void Application::RemoveContactPoint(const Actor& actor, Id contact_point_id,
                                     Callback<ContactPoint> done, const RequestKey& key) {
  auto out = std::make_shared<ContactPoint>();
  UnixMillis now = clock_.Now();
  store_.Write(
      [out, contact_point_id, now](WriteTx& tx) -> Status {
        BARAZA_ASSIGN_OR_RETURN(*out, tx.RemoveContactPoint(contact_point_id, now));
        return Status::Ok();
      },
      [out, done](Status s) { s.ok() ? done(*out) : done(s); });
}

Result<std::vector<ContactPoint>> Application::ListContactPoints(const Actor& actor, Role role,
                                                                 Id id) {
  // Liaisons and commanders list their own unless they name someone else.
  if (id == 0 && role == actor.role && role != Role::kMediator) id = actor.subject_id;
  if (id == 0 && role != Role::kMediator)
    return Status::InvalidArgument(role == Role::kCommander ? "commander_id: name the commander"
                                                            : "liaison_id: name the liaison");
  ContactPoint probe;
  probe.role = role;
  probe.liaison_id = role == Role::kLiaison ? id : 0;
  probe.commander_id = role == Role::kCommander ? id : 0;
  // Another's list is answered as an unknown person's: empty-handed.
  if (!workflow::CanSeeContactPoint(actor, probe))
    return Status::NotFound(role == Role::kMediator
                                ? std::string("only mediators see the mediators' contact points")
                                : (role == Role::kCommander ? "commander " : "liaison ") +
                                      std::to_string(id) + " has no contact points you may see");
  return store_.ListContactPoints(role, role == Role::kMediator ? 0 : id);
}

Result<std::vector<Delivery>> Application::ListDeliveries(const Actor& actor, Id case_id) {
  BARAZA_ASSIGN_OR_RETURN(CaseRef c, store_.GetCaseShared(case_id));
  return store_.ListDeliveries(c->id);
}

Status Application::ApplyDelivery(WriteTx& tx, const Delivery& before, Delivery& after,
                                  UnixMillis now, std::vector<Notice>& published,
                                  UnixMillis& next_deadline) {
  if (after.id == 0) {
    BARAZA_RETURN_IF_ERROR(tx.InsertDelivery(after));
  } else {
    BARAZA_RETURN_IF_ERROR(tx.UpdateDelivery(after));
  }
  BARAZA_ASSIGN_OR_RETURN(CaseRef c, tx.GetCaseShared(after.case_id));
  auto t = workflow::RecordDelivery(*c, before, after, now);
  if (!t) return Status::Ok();
  return Commit(tx, *t, published, next_deadline);
}

void Application::NoticeSeen(const Actor& actor, Id notice_id, DeliveryState state,
                             Callback<Notice> done) {
  if (actor.role != Role::kLiaison)
    return done(Status::PermissionDenied("only a liaison acknowledges a notice of its party"));
  auto out = std::make_shared<Written>();
  auto notice = std::make_shared<Notice>();
  UnixMillis now = clock_.Now();
  store_.Write(
      [this, actor, notice_id, state, now, out, notice](WriteTx& tx) -> Status {
        *out = {};  // the write may run again (a batch run again): nothing of a rolled-back run
        auto n = tx.GetNotice(notice_id);
        if (!n.ok() || !workflow::CanSeeNotice(actor, *n)) return NoSuchNotice(notice_id);
        *notice = *n;
        BARAZA_ASSIGN_OR_RETURN(auto found, tx.FindDelivery(notice_id, 0));
        Delivery before;
        if (found) {
          before = *found;
        } else {
          before.notice_id = notice_id;
          before.case_id = n->case_id;
          before.party_id = n->PartyId();
          before.liaison_id = actor.subject_id;
          before.kind = ContactKind::kStream;
          before.notice_kind = n->kind;
          before.state = DeliveryState::kQueued;  // not stored: nothing was sent this way yet
          before.updated_at = now;
        }
        const char* how = state == DeliveryState::kRead ? "acknowledged by the liaison"
                                                          : "written to the liaison's open stream";
        Delivery after = workflow::AfterReport(before, state, how, now);
        if (after.state == before.state && found) return Status::Ok();  // nothing new
        out->changed = true;
        return ApplyDelivery(tx, before, after, now, out->notices, out->next_deadline);
      },
      [this, out, notice, done](Status s) {
        if (!s.ok()) return done(s);
        if (out->changed) AfterCommit(out->notices, out->next_deadline);
        done(*notice);
      });
}

void Application::AcknowledgeNotice(const Actor& actor, Id notice_id, Callback<Notice> done) {
  NoticeSeen(actor, notice_id, DeliveryState::kRead, std::move(done));
}

void Application::NoticeStreamed(const Actor& actor, const Notice& notice) {
  // Outreach is recorded for parties; the mission's own people need no proof.
  if (actor.role != Role::kLiaison) return;
  NoticeSeen(actor, notice.id, DeliveryState::kDelivered, [](Result<Notice>) {});
}

void Application::RecordDeliveryAttempts(std::vector<DeliveryAttempt> attempts,
                                         Callback<int> done) {
  auto out = std::make_shared<Written>();
  auto recorded = std::make_shared<int>(0);
  UnixMillis now = clock_.Now();
  store_.Write(
      [this, attempts = std::move(attempts), now, out, recorded](WriteTx& tx) -> Status {
        *out = {};  // the write may run again: nothing of a rolled-back run
        *recorded = 0;
        std::map<Id, std::vector<workflow::DeliveryChange>> by_case;
        for (const DeliveryAttempt& a : attempts) {
          auto before = tx.GetDelivery(a.delivery_id);
          // Recorded once: an outcome already in (a retry of this call, or a
          // second worker) changes nothing.
          if (!before.ok() || before->state != DeliveryState::kQueued) continue;
          Delivery after = workflow::AfterAttempt(*before, a.outcome, a.detail, now, a.jitter,
                                                  retry_policy);
          BARAZA_RETURN_IF_ERROR(tx.UpdateDelivery(after));
          by_case[after.case_id].push_back({*before, after});
          ++*recorded;
        }
        // The cases whose parties' outreach moved get a version each; the
        // mission's own deliveries change only their rows (workflow::RecordDeliveries).
        for (const auto& [case_id, changes] : by_case) {
          BARAZA_ASSIGN_OR_RETURN(CaseRef c, tx.GetCaseShared(case_id));
          auto t = workflow::RecordDeliveries(*c, changes, now);
          if (!t) continue;
          BARAZA_RETURN_IF_ERROR(Commit(tx, *t, out->notices, out->next_deadline));
          out->changed = true;
        }
        return Status::Ok();
      },
      [this, out, recorded, done](Status s) {
        if (!s.ok()) return done(s);
        if (out->changed) AfterCommit(out->notices, out->next_deadline);
        done(*recorded);
      });
}

void Application::RecordDeliveryReport(const std::string& idempotency_key, bool delivered,
                                       const std::string& reason, Callback<Delivery> done) {
  Id notice_id = 0, point_id = 0;
  if (!ParseKey(idempotency_key, notice_id, point_id) || point_id == 0)
    return done(Status::NotFound("no delivery has the key \"" + idempotency_key.substr(0, 80) + "\""));
  auto out = std::make_shared<Written>();
  UnixMillis now = clock_.Now();
  store_.Write(
      [this, notice_id, point_id, delivered, reason, now, out,
       idempotency_key](WriteTx& tx) -> Status {
        *out = {};  // the write may run again: nothing of a rolled-back run
        BARAZA_ASSIGN_OR_RETURN(auto found, tx.FindDelivery(notice_id, point_id));
        if (!found)
          return Status::NotFound("no SMS delivery has the key \"" + idempotency_key + "\"");
        out->delivery = *found;
        BARAZA_ASSIGN_OR_RETURN(Delivery after,
                                workflow::AfterGatewayReport(*found, delivered, reason, now));
        if (after.state == found->state) return Status::Ok();
        out->delivery = after;
        out->changed = true;
        return ApplyDelivery(tx, *found, out->delivery, now, out->notices, out->next_deadline);
      },
      [this, out, done](Status s) {
        if (!s.ok()) return done(s);
        if (out->changed) AfterCommit(out->notices, out->next_deadline);
        done(out->delivery);
      });
}

}  // namespace baraza
