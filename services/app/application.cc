#include "services/app/application.h"

#include <map>
#include <memory>

#include "services/auth/tokens.h"
#include "services/workflow/access.h"
#include "services/workflow/report.h"

namespace baraza {

using workflow::CheckText;
using workflow::kMaxNameBytes;
using workflow::kMaxTextBytes;
using workflow::Transition;

namespace {

Status NoSuchCase(Id case_id) {
  // The same answer whether the case is missing or hidden, so ids cannot be probed.
  return Status::NotFound("case " + std::to_string(case_id) + " does not exist");
}

Status NoSuchGroup(Id group_id) {
  return Status::NotFound("contact group " + std::to_string(group_id) + " does not exist");
}

Status RequireMediator(const Actor& actor, const char* what) {
  if (actor.role == Role::kMediator) return Status::Ok();
  return Status::PermissionDenied(std::string("only a mediator may ") + what);
}

// Checks that a mediator registers someone with a usable name, then makes the token.
Result<std::string> NewTokenFor(const Actor& actor, const char* what, const std::string& name) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, what));
  BARAZA_RETURN_IF_ERROR(CheckText("name", name, kMaxNameBytes, true));
  return auth::GenerateToken();
}

// The stored form of a newly issued token: its hash, never the token itself.
TokenRecord RecordOf(const std::string& token, Role role, Id subject_id, std::string label,
                     UnixMillis created_at, Millis ttl = 0) {
  TokenRecord rec;
  rec.hash = auth::HashToken(token);
  rec.role = role;
  rec.subject_id = subject_id;
  rec.label = std::move(label);
  rec.created_at = created_at;
  rec.expires_at = ttl > 0 ? created_at + ttl : 0;
  return rec;
}

// A token lifetime from a request: 0 means the default; negative is refused.
Result<Millis> TokenTtl(Millis requested) {
  if (requested == 0) return Application::kDefaultTokenTtl;
  BARAZA_RETURN_IF_ERROR(workflow::CheckDuration("token lifetime", requested));
  return requested;
}

// An earlier request of `actor` with the same id: nullopt if none (a new
// request), the stored one if it asked the same, INVALID_ARGUMENT if not.
Result<std::optional<StoredRequest>> PriorRequest(WriteTx& tx, const Actor& actor,
                                                  const RequestKey& key) {
  if (key.id.empty()) return std::optional<StoredRequest>();
  auto prior = tx.FindRequest(actor.Label(), key.id);
  if (!prior.ok() || !prior->has_value()) return prior;
  if ((*prior)->fingerprint != key.fingerprint)
    return Status::InvalidArgument("request_id \"" + key.id +
                                   "\" was already used for a different request; send a new "
                                   "request with a new request_id");
  return prior;
}

// Answers a retry with the case it changed, as the case stands now: the first
// answer if nothing changed since, else its later state (which includes it).
// Storing only the version, not the encoded case, halves the writer's encoding work.
Status Replayed(WriteTx& tx, const StoredRequest& prior, CaseRef& out) {
  auto c = tx.GetCaseShared(prior.object_id);
  if (!c.ok()) return c.status();
  out = std::move(c).value();
  return Status::Ok();
}

Status RememberRequest(WriteTx& tx, const Actor& actor, const RequestKey& key, Id object_id,
                       std::string response, UnixMillis now) {
  if (key.id.empty()) return Status::Ok();
  return tx.InsertRequest(
      StoredRequest{actor.Label(), key.id, key.fingerprint, object_id, std::move(response), now});
}

}  // namespace

Application::Application(CaseStore& store, Clock& clock, NoticeHub& hub, workflow::Policy policy)
    : store_(store), clock_(clock), hub_(hub), policy_(std::move(policy)) {}

void Application::SetDeadlineListener(std::function<void(UnixMillis)> listener) {
  deadline_listener_ = std::move(listener);
}

Result<Actor> Application::Authenticate(const std::string& token) {
  return Identify(auth::HashToken(token)).actor;
}

Application::Identity Application::Identify(const std::string& hash) {
  std::optional<TokenRecord> record;
  auto fresh_since = std::chrono::steady_clock::now() - kTokenCacheTtl;
  {
    std::shared_lock lock(tokens_mu_);
    if (auto it = tokens_.find(hash); it != tokens_.end() && it->second.loaded_at > fresh_since)
      record = it->second.record;
  }
  if (!record) {
    auto found = store_.FindToken(hash);
    if (!found.ok()) return {found.status(), ""};
    if (!found->has_value())
      return {Status::Unauthenticated(
                  "the token is not known to this server; ask a mediator for one"),
              ""};
    record = **found;
    std::unique_lock lock(tokens_mu_);
    if (tokens_.size() >= kTokenCacheSize) tokens_.clear();  // bounded; refilled on use
    tokens_[hash] = {*record, std::chrono::steady_clock::now()};
  }
  const TokenRecord& t = *record;
  UnixMillis now = clock_.Now();
  if (t.revoked_at != 0)
    return {Status::Unauthenticated("the token was revoked; ask a mediator for a new one"),
            t.PublicId()};
  if (t.expires_at != 0 && now >= t.expires_at)
    return {Status::Unauthenticated("the token expired; ask a mediator for a new one"),
            t.PublicId()};
  Actor a;
  a.role = t.role;
  a.subject_id = t.subject_id;
  a.party_id = t.party_id;
  a.group_id = t.group_id;
  return {a, t.PublicId()};
}

Result<std::string> Application::IssueFirstMediatorToken() {
  auto count = store_.CountTokens(Role::kMediator);
  if (!count.ok()) return count.status();
  if (*count > 0) return std::string();
  auto token = auth::GenerateToken();
  if (!token.ok()) return token.status();
  TokenRecord rec = RecordOf(*token, Role::kMediator, 1, "first mediator", clock_.Now());
  BARAZA_RETURN_IF_ERROR(store_.WriteAndWait([rec](WriteTx& tx) { return tx.InsertToken(rec); }));
  return token;
}

void Application::RegisterCommander(const Actor& actor, const std::string& name,
                                    Callback<RegisteredCommander> done, Millis token_ttl,
                                    const std::string& language) {
  auto token = NewTokenFor(actor, "register a commander", name);
  if (!token.ok()) return done(token.status());
  auto tag = LanguageTag(language);
  if (!tag.ok()) return done(tag.status());
  auto ttl = TokenTtl(token_ttl);
  if (!ttl.ok()) return done(ttl.status());
  auto out = std::make_shared<RegisteredCommander>();
  out->token = *token;
  out->commander.name = name;
  out->commander.created_at = clock_.Now();
  out->commander.language = *tag;
  store_.Write(
      [out, ttl = *ttl](WriteTx& tx) {
        auto id = tx.InsertCommander(out->commander);
        if (!id.ok()) return id.status();
        out->commander.id = *id;
        return tx.InsertToken(RecordOf(out->token, Role::kCommander, *id,
                                       "commander " + out->commander.name,
                                       out->commander.created_at, ttl));
      },
      [out, done](Status s) { s.ok() ? done(*out) : done(s); });
}

void Application::RegisterObserver(const Actor& actor, const std::string& name,
                                   Callback<RegisteredObserver> done, Millis token_ttl) {
  auto token = NewTokenFor(actor, "register an observer", name);
  if (!token.ok()) return done(token.status());
  auto ttl = TokenTtl(token_ttl);
  if (!ttl.ok()) return done(ttl.status());
  auto out = std::make_shared<RegisteredObserver>();
  out->token = *token;
  // Observers change nothing, so they need no table of their own: the token is all.
  out->record = RecordOf(*token, Role::kObserver, 0, "observer " + name, clock_.Now(), *ttl);
  store_.Write([out](WriteTx& tx) { return tx.InsertToken(out->record); },
               [out, done](Status s) { s.ok() ? done(*out) : done(s); });
}

Result<std::vector<TokenRecord>> Application::ListTokens(const Actor& actor) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "list tokens"));
  return store_.ListTokens();
}

void Application::RevokeToken(const Actor& actor, const std::string& token_id,
                              Callback<TokenRecord> done, const RequestKey& key) {
  Status s = RequireMediator(actor, "revoke a token");
  if (s.ok()) s = CheckText("token id", token_id, kMaxNameBytes, true);
  if (!s.ok()) return done(s);
  struct Outcome {
    TokenRecord token;
    bool replayed = false;  // a retry: the first call revoked it
  };
  auto out = std::make_shared<Outcome>();
  UnixMillis now = clock_.Now();
  WriteKeyed(actor, key,
      [out, actor, key, token_id, now](WriteTx& tx) -> Status {
        auto prior = PriorRequest(tx, actor, key);
        if (!prior.ok()) return prior.status();
        out->replayed = prior->has_value();
        if (out->replayed) return Status::Ok();
        auto revoked = tx.RevokeToken(token_id, now);
        if (!revoked.ok()) return revoked.status();
        out->token = *revoked;
        return RememberRequest(tx, actor, key, 0, token_id, now);
      },
      [this, out, done, token_id](Status s) {
        if (!s.ok()) return done(s);
        if (out->replayed) {  // answer with the token as stored
          auto all = store_.ListTokens();
          if (!all.ok()) return done(all.status());
          for (const auto& t : *all)
            if (t.PublicId() == token_id) out->token = t;
        }
        // The revoked record, not a gap: open notice streams re-check their token
        // on every notice, and find it refused here without a read of the store.
        if (!out->token.hash.empty()) {
          std::unique_lock lock(tokens_mu_);
          tokens_[out->token.hash] = {out->token, std::chrono::steady_clock::now()};
        }
        done(out->token);
      });
}

// ----------------------------------------------------------------- groups ---

void Application::CreateContactGroup(const Actor& actor, const ContactGroup& group,
                                     Callback<ContactGroup> done, const RequestKey& key) {
  Status s = RequireMediator(actor, "create a contact group");
  if (s.ok()) s = CheckText("name", group.name, kMaxNameBytes, true);
  if (s.ok()) s = CheckText("purpose", group.purpose, kMaxTextBytes, false);
  if (s.ok()) s = workflow::CheckDuration("appeal window", group.appeal_window);
  if (s.ok()) s = CheckTimeZone(group.time_zone);
  if (!s.ok()) return done(s);
  auto out = std::make_shared<ContactGroup>(group);
  out->created_at = clock_.Now();
  out->parties.clear();
  WriteKeyed(actor, key,
      [out, actor, key](WriteTx& tx) -> Status {
        auto prior = PriorRequest(tx, actor, key);
        if (!prior.ok()) return prior.status();
        if (*prior) {
          auto g = tx.GetGroup((*prior)->object_id);
          if (g.ok()) *out = *g;
          return g.status();
        }
        auto id = tx.InsertGroup(*out);
        if (!id.ok()) return id.status();
        out->id = *id;
        return RememberRequest(tx, actor, key, *id, {}, out->created_at);
      },
      [out, done](Status s) { s.ok() ? done(*out) : done(s); });
}

Result<ContactGroup> Application::GetContactGroup(const Actor& actor, Id group_id) {
  if (!workflow::CanSeeGroup(actor, group_id)) return NoSuchGroup(group_id);
  return store_.GetGroup(group_id);
}

Result<std::vector<ContactGroup>> Application::ListContactGroups(const Actor& actor, Id after_id,
                                                                 int limit) {
  if (actor.role == Role::kLiaison) {
    std::vector<ContactGroup> out;
    if (actor.group_id > after_id) {
      auto g = store_.GetGroup(actor.group_id);
      if (!g.ok()) return g.status();
      out.push_back(std::move(g).value());
    }
    return out;
  }
  if (actor.role != Role::kMediator)
    return Status::PermissionDenied("only mediators and liaisons may list contact groups");
  return store_.ListGroups(after_id, limit);
}

void Application::AddParty(const Actor& actor, const Party& party, Callback<Party> done,
                           const RequestKey& key) {
  Status s = RequireMediator(actor, "add a party");
  if (s.ok()) s = CheckText("name", party.name, kMaxNameBytes, true);
  if (!s.ok()) return done(s);
  auto out = std::make_shared<Party>(party);
  out->created_at = clock_.Now();
  out->liaison_count = 0;
  WriteKeyed(actor, key,
      [out, actor, key](WriteTx& tx) -> Status {
        auto prior = PriorRequest(tx, actor, key);
        if (!prior.ok()) return prior.status();
        if (*prior) {
          auto p = tx.GetParty((*prior)->object_id);
          if (p.ok()) *out = *p;
          return p.status();
        }
        auto id = tx.InsertParty(*out);
        if (!id.ok()) return id.status();
        out->id = *id;
        return RememberRequest(tx, actor, key, *id, {}, out->created_at);
      },
      [out, done](Status s) { s.ok() ? done(*out) : done(s); });
}

void Application::RegisterLiaison(const Actor& actor, Id party_id, const std::string& name,
                                  Callback<RegisteredLiaison> done, Millis token_ttl,
                                  const std::string& language) {
  auto token = NewTokenFor(actor, "register a liaison", name);
  if (!token.ok()) return done(token.status());
  auto tag = LanguageTag(language);
  if (!tag.ok()) return done(tag.status());
  auto ttl = TokenTtl(token_ttl);
  if (!ttl.ok()) return done(ttl.status());
  auto out = std::make_shared<RegisteredLiaison>();
  out->token = *token;
  out->liaison.party_id = party_id;
  out->liaison.name = name;
  out->liaison.created_at = clock_.Now();
  out->liaison.language = *tag;
  store_.Write(
      [out, ttl = *ttl](WriteTx& tx) {
        auto party = tx.GetParty(out->liaison.party_id);
        if (!party.ok()) return party.status();
        auto id = tx.InsertLiaison(out->liaison);
        if (!id.ok()) return id.status();
        out->liaison.id = *id;
        TokenRecord rec = RecordOf(out->token, Role::kLiaison, *id, "liaison " + out->liaison.name,
                                   out->liaison.created_at, ttl);
        rec.party_id = party->id;
        rec.group_id = party->group_id;
        return tx.InsertToken(rec);
      },
      [out, done](Status s) { s.ok() ? done(*out) : done(s); });
}

// ------------------------------------------------------------------ cases ---

Status Application::Commit(WriteTx& tx, Transition& t, std::vector<Notice>& published,
                           UnixMillis& next_deadline, CaseRef* saved) {
  // The outbox: each notice goes to every contact point of its party's
  // liaisons, in this same transaction (nothing sent for a change that did not
  // commit, nothing committed left unsent).
  std::map<Recipient, std::vector<ContactPoint>> points;
  for (Notice& n : t.notices) {
    if (!points.count(n.to)) {
      BARAZA_ASSIGN_OR_RETURN(points[n.to], tx.ContactPointsFor(n.to));
    }
    n.deliveries = workflow::PlanDeliveries(n, points[n.to], n.created_at);
    workflow::NoteUndeliverable(t.next, n.deliveries);
  }
  auto deadlines = workflow::PendingDeadlines(t.next, policy_);
  // The store keeps the case itself and the reply shares it: no copy.
  CaseRef next = std::make_shared<const Case>(std::move(t.next));
  BARAZA_RETURN_IF_ERROR(tx.SaveCase(next, t.events, t.notices, deadlines));
  if (saved) *saved = std::move(next);
  published.insert(published.end(), t.notices.begin(), t.notices.end());
  for (const auto& d : deadlines)
    if (next_deadline == 0 || d.due_at < next_deadline) next_deadline = d.due_at;
  return Status::Ok();
}

void Application::AfterCommit(const std::vector<Notice>& notices, UnixMillis next_deadline) {
  if (!notices.empty()) hub_.Publish(notices);
  // Wake the delivery worker only when something waits to be sent.
  bool queued = false;
  for (const Notice& n : notices)
    for (const Delivery& d : n.deliveries) queued = queued || d.state == DeliveryState::kQueued;
  if (queued && outbox_listener_) outbox_listener_();
  if (next_deadline != 0 && deadline_listener_) deadline_listener_(next_deadline);
}

namespace {
// What one write leaves behind for the reply and for AfterCommit; reset at the
// start of each run (a store may run a write again: CaseStore::Write).
struct Committed {
  CaseRef next;
  std::vector<Notice> notices;
  UnixMillis next_deadline = 0;
  int events = 0;
};
}  // namespace

void Application::OpenCase(const Actor& actor, Id group_id, CaseFactory make,
                           Callback<Case> done, const RequestKey& key) {
  if (actor.role == Role::kLiaison)
    return done(Status::PermissionDenied("a liaison does not open cases; ask a mediator"));
  auto out = std::make_shared<Committed>();
  WriteKeyed(actor, key,
      [this, actor, group_id, make = std::move(make), out, key](WriteTx& tx) -> Status {
        *out = {};  // a batch run again runs its writes again: nothing of the first run stays
        auto prior = PriorRequest(tx, actor, key);
        if (!prior.ok()) return prior.status();
        if (*prior) return Replayed(tx, **prior, out->next);
        auto group = tx.GetGroup(group_id);
        if (!group.ok()) return group.status();
        auto id = tx.NextCaseId();
        if (!id.ok()) return id.status();
        UnixMillis now = clock_.Now();
        auto t = make(*id, *group, actor, now);
        if (!t.ok()) return t.status();
        BARAZA_RETURN_IF_ERROR(
            RememberRequest(tx, actor, key, *id, "v" + std::to_string(t->next.version), now));
        return Commit(tx, *t, out->notices, out->next_deadline, &out->next);
      },
      [this, out, done](Status s) {
        if (!s.ok()) return done(s);
        AfterCommit(out->notices, out->next_deadline);
        done(*out->next);  // a new case: small to copy
      });
}

void Application::FileDispute(const Actor& actor, const workflow::DisputeFiling& filing,
                              Callback<Case> done, const RequestKey& key) {
  if (actor.role != Role::kMediator) return done(RequireMediator(actor, "file a dispute"));
  OpenCase(actor, filing.group_id,
           [filing](Id id, const ContactGroup& group, const Actor& who, UnixMillis now) {
             return workflow::FileDispute(id, filing, group, who, now);
           },
           std::move(done), key);
}

void Application::ChangeCase(const Actor& actor, Id case_id, CaseCommand command,
                             Callback<CaseRef> done, const RequestKey& key, const std::string& etag) {
  auto out = std::make_shared<Committed>();
  WriteKeyed(actor, key,
      [this, actor, case_id, command = std::move(command), out, key, etag](WriteTx& tx) -> Status {
        *out = {};  // as in OpenCase: the write may run again
        auto prior = PriorRequest(tx, actor, key);
        if (!prior.ok()) return prior.status();
        if (*prior) {
          if ((*prior)->object_id != case_id)
            return Status::InvalidArgument("request_id \"" + key.id +
                                           "\" was already used for another case");
          return Replayed(tx, **prior, out->next);
        }
        auto shared = tx.GetCaseShared(case_id);  // the command makes the next version
        if (!shared.ok()) return shared.status();
        const Case& c = **shared;
        if (!workflow::CanSeeCase(actor, c)) return NoSuchCase(case_id);
        if (!etag.empty() && etag != c.Etag())
          return Status::Aborted("case " + std::to_string(case_id) +
                                 " has changed since you read it (it is now " +
                                 Name(c.state) + ", etag " + c.Etag() +
                                 "); read it again and decide whether your change still applies");
        UnixMillis now = clock_.Now();
        auto t = command(c, actor, now);
        if (!t.ok()) return t.status();
        BARAZA_RETURN_IF_ERROR(
            RememberRequest(tx, actor, key, case_id, "v" + std::to_string(t->next.version), now));
        // The saved case is the one the reply shares (no copy of a long case).
        return Commit(tx, *t, out->notices, out->next_deadline, &out->next);
      },
      [this, actor, out, done](Status s) {
        if (!s.ok()) return done(s);
        AfterCommit(out->notices, out->next_deadline);
        done(workflow::RedactFor(actor, std::move(out->next)));
      });
}

Result<CaseRef> Application::GetCase(const Actor& actor, Id case_id) {
  auto c = store_.GetCaseShared(case_id);
  if (!c.ok()) return c.status();
  if (!workflow::CanSeeCase(actor, **c)) return NoSuchCase(case_id);
  return workflow::RedactFor(actor, std::move(c).value());
}

Result<std::vector<CaseRef>> Application::ListCases(const Actor& actor, CaseFilter filter) {
  if (actor.role == Role::kLiaison) {
    if (filter.party_id != 0 && filter.party_id != actor.party_id)
      return Status::PermissionDenied("a liaison lists only the cases of its own party");
    filter.party_id = actor.party_id;
  } else if (actor.role == Role::kCommander) {
    filter.party_id = 0;
    filter.commander_id = actor.subject_id;  // a commander lists the cases it filed
  } else if (actor.role != Role::kMediator) {
    return Status::PermissionDenied("only mediators, liaisons and commanders may list cases");
  }
  auto cases = store_.ListCasesShared(filter);
  if (!cases.ok()) return cases.status();
  for (auto& c : *cases) c = workflow::RedactFor(actor, std::move(c));
  return cases;
}

Result<std::vector<Event>> Application::ListCaseEvents(const Actor& actor, Id case_id) {
  auto c = store_.GetCaseShared(case_id);
  if (!c.ok()) return c.status();
  if (!workflow::CanSeeCase(actor, **c)) return NoSuchCase(case_id);
  auto events = store_.ListEvents(case_id);
  if (!events.ok()) return events.status();
  std::erase_if(*events, [&](const Event& e) { return !workflow::CanSeeEvent(actor, e); });
  return events;
}

Result<workflow::ParticipationRecord> Application::GetParticipationRecord(const Actor& actor,
                                                                         Id party_id) {
  BARAZA_RETURN_IF_ERROR(RequireMediator(actor, "read a participation record"));
  auto party = store_.GetParty(party_id);
  if (!party.ok()) return party.status();
  std::vector<std::vector<Event>> histories;
  CaseFilter filter;
  filter.party_id = party_id;
  filter.limit = 500;
  // Bounded: each page moves before_id down, and ids are positive.
  for (;;) {
    auto page = store_.ListCasesShared(filter);
    if (!page.ok()) return page.status();
    for (const CaseRef& c : *page) {
      auto events = store_.ListEvents(c->id);
      if (!events.ok()) return events.status();
      histories.push_back(std::move(events).value());
    }
    if (static_cast<int>(page->size()) < filter.limit) break;
    filter.before_id = page->back()->id;
  }
  return workflow::Tally(party_id, histories);
}

void Application::PublishReport(const Actor& actor, Id case_id, Id corrects_report_id,
                                Callback<Report> done, const RequestKey& key) {
  if (actor.role != Role::kMediator) return done(RequireMediator(actor, "publish a report"));
  auto out = std::make_shared<Report>();
  WriteKeyed(actor, key,
      [this, actor, case_id, corrects_report_id, out, key](WriteTx& tx) -> Status {
        auto prior = PriorRequest(tx, actor, key);
        if (!prior.ok()) return prior.status();
        if (*prior) {
          BARAZA_ASSIGN_OR_RETURN(*out, tx.GetReport((*prior)->object_id));
          return Status::Ok();
        }
        BARAZA_ASSIGN_OR_RETURN(CaseRef shared, tx.GetCaseShared(case_id));
        const Case& c = *shared;
        BARAZA_ASSIGN_OR_RETURN(ContactGroup group, tx.GetGroup(c.group_id));
        std::optional<Report> corrected;
        if (corrects_report_id != 0) {
          BARAZA_ASSIGN_OR_RETURN(corrected, tx.GetReport(corrects_report_id));
        }
        workflow::ReportContext ctx;
        ctx.group = &group;
        BARAZA_ASSIGN_OR_RETURN(ctx.events, tx.ListEvents(case_id));
        BARAZA_ASSIGN_OR_RETURN(HistoryHeads heads, tx.Heads(case_id));
        ctx.history_head = heads.log;
        ctx.case_head = heads.case_last;
        BARAZA_ASSIGN_OR_RETURN(ctx.report_id, tx.NextReportId());
        ctx.corrected = corrected ? &*corrected : nullptr;
        UnixMillis now = clock_.Now();
        BARAZA_ASSIGN_OR_RETURN(auto publication, workflow::PublishReport(c, ctx, actor, now));
        *out = publication.report;
        BARAZA_RETURN_IF_ERROR(tx.InsertReport(*out));
        BARAZA_RETURN_IF_ERROR(RememberRequest(tx, actor, key, out->id, "report", now));
        // A publication sends no notice and moves no deadline: nothing for AfterCommit.
        std::vector<Notice> unused;
        UnixMillis next_deadline = 0;
        return Commit(tx, publication.transition, unused, next_deadline);
      },
      [out, done](Status s) { s.ok() ? done(*out) : done(s); });
}

Result<Report> Application::GetReport(const Actor&, Id report_id) {
  return store_.GetReport(report_id);
}

Result<std::vector<Report>> Application::ListReports(const Actor&, const ReportFilter& filter) {
  return store_.ListReports(filter);
}

// -------------------------------------------------------------- deadlines ---

void Application::HandleDeadlines(Id case_id, UnixMillis now, Callback<int> done) {
  auto out = std::make_shared<Committed>();
  store_.Write(
      [this, case_id, now, out](WriteTx& tx) -> Status {
        *out = {};  // as in OpenCase: the write may run again
        auto c = tx.GetCaseShared(case_id);
        if (!c.ok()) return c.status();
        auto group = tx.GetGroup((*c)->group_id);
        if (!group.ok()) return group.status();
        Transition t = workflow::OnDeadlines(**c, *group, now, policy_);
        out->events = static_cast<int>(t.events.size());
        if (t.events.empty()) return Status::Ok();
        return Commit(tx, t, out->notices, out->next_deadline);
      },
      [this, out, done](Status s) {
        if (!s.ok()) return done(s);
        AfterCommit(out->notices, out->next_deadline);
        done(out->events);
      });
}

}  // namespace baraza
