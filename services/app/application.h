// Application: runs each request as one workflow-core command inside one store
// write (the case change, its events, notices and deadlines commit together),
// enforces who may see what, and publishes committed notices. Used by the gRPC
// handlers, the deadline scheduler and barazad's start-up. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <shared_mutex>
#include <unordered_map>
#include <string>
#include <vector>

#include "services/app/notice_text.h"
#include "services/app/clock.h"
#include "services/app/notice_hub.h"
#include "services/workflow/case_machine.h"
#include "services/workflow/outreach.h"
#include "services/workflow/participation.h"
#include "storage/case_store.h"

namespace baraza {

template <typename T>
using Callback = std::function<void(Result<T>)>;

struct RegisteredLiaison {
  Liaison liaison;
  std::string token;  // shown once
};

// Identifies a change request for idempotent retries: the client's request_id
// and a fingerprint of what was asked. An empty id means no deduplication.
struct RequestKey {
  std::string id;
  std::string fingerprint;
};

struct RegisteredObserver {
  TokenRecord record;  // its hash and label; PublicId() names it
  std::string token;   // shown once
};

struct RegisteredCommander {
  Commander commander;
  std::string token;  // shown once
};

class Application {
 public:
  Application(CaseStore& store, Clock& clock, NoticeHub& hub, workflow::Policy policy = {});

  // Notices in their reader's language and zone (services/app/notice_text.h).
  NoticeText& texts() { return texts_; }

  // Called after a commit that left the case with pending deadlines, with the
  // earliest of them (the scheduler re-arms its one timer if it is sooner).
  void SetDeadlineListener(std::function<void(UnixMillis)> listener);

  // --- tokens ---
  // Who a token belongs to, or why it is refused.
  struct Identity {
    Result<Actor> actor;   // UNAUTHENTICATED (saying why) if unknown, revoked or expired
    std::string token_id;  // the token's public id when this server knows it, else empty
  };
  // Finds who a bearer token belongs to; UNAUTHENTICATED if unknown, revoked or expired.
  Result<Actor> Authenticate(const std::string& token);
  // As Authenticate, by the token's SHA-256 (auth::HashToken), with its public id
  // for the log. Reads the store at most once per kTokenCacheTtl per token it
  // knows, so a long-lived stream may call it for every message it sends.
  Identity Identify(const std::string& token_hash);
  // On first start: issues the first mediator token and returns it. Returns an
  // empty string when a mediator token exists already.
  Result<std::string> IssueFirstMediatorToken();
  // Registers a peacekeeper commander and issues its token, valid for `token_ttl`
  // (0: kDefaultTokenTtl). Mediator only.
  void RegisterCommander(const Actor& actor, const std::string& name,
                         Callback<RegisteredCommander> done, Millis token_ttl = 0,
                         const std::string& language = "");
  // Sets the language `liaison_id` or `commander_id` reads notices in (its own
  // for a liaison or commander: ids 0 or its own; a mediator names exactly one);
  // answers the tag as stored.
  void SetLanguage(const Actor& actor, Id liaison_id, Id commander_id,
                   const std::string& language, Callback<std::string> done);
  // Issues an observer token: it reads published reports and nothing else.
  // Valid for `token_ttl` (0: kDefaultTokenTtl). Mediator only.
  void RegisterObserver(const Actor& actor, const std::string& name,
                        Callback<RegisteredObserver> done, Millis token_ttl = 0);
  // Every token issued (hashes only), for mediators.
  Result<std::vector<TokenRecord>> ListTokens(const Actor& actor);
  // Revokes a token by its public id; from then on it is UNAUTHENTICATED. Mediators.
  void RevokeToken(const Actor& actor, const std::string& token_id, Callback<TokenRecord> done,
                   const RequestKey& key = {});
  // How long liaison and commander tokens are valid when no lifetime is given.
  static constexpr Millis kDefaultTokenTtl = 90 * kDay;

  // --- contact groups ---
  // Every change below takes a RequestKey: a retry with the same key answers as
  // the first call did and writes nothing; the same id with another fingerprint
  // is INVALID_ARGUMENT.
  void CreateContactGroup(const Actor& actor, const ContactGroup& group, Callback<ContactGroup> done,
                          const RequestKey& key = {});
  Result<ContactGroup> GetContactGroup(const Actor& actor, Id group_id);
  Result<std::vector<ContactGroup>> ListContactGroups(const Actor& actor, Id after_id, int limit);
  void AddParty(const Actor& actor, const Party& party, Callback<Party> done,
                const RequestKey& key = {});
  // Registers a liaison for a party and issues its token, valid for `token_ttl`
  // (0: kDefaultTokenTtl). Mediator only.
  void RegisterLiaison(const Actor& actor, Id party_id, const std::string& name,
                       Callback<RegisteredLiaison> done, Millis token_ttl = 0,
                       const std::string& language = "");

  // --- cases ---
  // Makes a new case in `group` with the id the store reserved; a function of the core.
  using CaseFactory = std::function<Result<workflow::Transition>(
      Id case_id, const ContactGroup& group, const Actor&, UnixMillis now)>;
  // Runs `make` inside one write with the group as it stands and commits the new
  // case with its events, notices and deadlines.
  void OpenCase(const Actor& actor, Id group_id, CaseFactory make, Callback<Case> done,
                const RequestKey& key = {});
  void FileDispute(const Actor& actor, const workflow::DisputeFiling& filing, Callback<Case> done,
                   const RequestKey& key = {});
  // Shared with the store's cache: a mediator's read copies nothing.
  Result<CaseRef> GetCase(const Actor& actor, Id case_id);
  Result<std::vector<CaseRef>> ListCases(const Actor& actor, CaseFilter filter);
  Result<std::vector<Event>> ListCaseEvents(const Actor& actor, Id case_id);
  // A party's participation record, derived from the events of all its cases. Mediators.
  Result<workflow::ParticipationRecord> GetParticipationRecord(const Actor& actor, Id party_id);

  // A command of the core applied to the current case at the time of the write.
  using CaseCommand =
      std::function<Result<workflow::Transition>(const Case&, const Actor&, UnixMillis now)>;
  // Loads the case in the write transaction, checks the actor may see it and,
  // when `etag` is given, that the case has not changed since (else ABORTED),
  // applies `command` and commits. The answer is the case as the actor may read it.
  void ChangeCase(const Actor& actor, Id case_id, CaseCommand command, Callback<CaseRef> done,
                  const RequestKey& key = {}, const std::string& etag = {});

  // --- reports ---
  // Publishes a report on a case (mediators): renders it from the one template
  // with the history's head as it stands, and commits it with the case's
  // `report published` event in one write. `corrects_report_id` (or 0) names a
  // report of the same case that this one corrects.
  void PublishReport(const Actor& actor, Id case_id, Id corrects_report_id,
                     Callback<Report> done, const RequestKey& key = {});
  // Published reports are public: any valid token reads them.
  Result<Report> GetReport(const Actor& actor, Id report_id);
  Result<std::vector<Report>> ListReports(const Actor& actor, const ReportFilter& filter);

  // --- notices ---
  // Liaisons: their own party's (party_id 0 or their own). Mediators: a party's
  // when they name one, else the mediators' own. Commanders: their own.
  Result<std::vector<Notice>> ListNotices(const Actor& actor, Id party_id, Id after_id, int limit);

  // --- reach (services/app/outreach.cc; docs/notifications.md) ---
  // Contact points of a liaison, of the mediators or of a commander: mediators
  // manage them; a liaison or a commander lists its own (id 0: the caller).
  // Another's are answered as missing. `wanted` says whose (role, liaison_id or
  // commander_id), the kind and the address.
  void AddContactPoint(const Actor& actor, const ContactPoint& wanted,
                       Callback<ContactPoint> done, const RequestKey& key = {});
  void RemoveContactPoint(const Actor& actor, Id contact_point_id, Callback<ContactPoint> done,
                          const RequestKey& key = {});
  // `role` and `id` as in CaseStore::ListContactPoints.
  Result<std::vector<ContactPoint>> ListContactPoints(const Actor& actor, Role role, Id id);
  // A liaison read a notice of its party: a read receipt in the case's record.
  void AcknowledgeNotice(const Actor& actor, Id notice_id, Callback<Notice> done);
  // A notice was written to a liaison's open stream: delivered.
  void NoticeStreamed(const Actor& actor, const Notice& notice);
  // The delivery worker's outcome of one attempt (jitter in [0, 1) spreads retries).
  struct DeliveryAttempt {
    Id delivery_id = 0;
    workflow::AttemptOutcome outcome = workflow::AttemptOutcome::kRetry;
    std::string detail;
    double jitter = 0;
  };
  // Several outcomes in one write, each case's as one new version of it (a
  // dispute's deliveries to four contact points cost one case write, not four).
  // An attempt whose outcome is in already, or whose delivery is unknown, is
  // skipped. `done` gets how many were recorded.
  void RecordDeliveryAttempts(std::vector<DeliveryAttempt> attempts, Callback<int> done);
  // A gateway's delivery report for the delivery with that idempotency key.
  void RecordDeliveryReport(const std::string& idempotency_key, bool delivered,
                            const std::string& reason, Callback<Delivery> done);
  // Every delivery of a case's notices (mediators).
  Result<std::vector<Delivery>> ListDeliveries(const Actor& actor, Id case_id);
  // Called after a commit that queued deliveries (the worker wakes up).
  void SetOutboxListener(std::function<void()> listener);
  workflow::RetryPolicy retry_policy;

  // --- deadlines ---
  // Applies the server's own moves to one case at `now` (reminders, default
  // judgements); `done` gets the number of events written.
  void HandleDeadlines(Id case_id, UnixMillis now, Callback<int> done);

  Clock& clock() { return clock_; }
  CaseStore& store() { return store_; }

 private:
  // Plans the transition's deliveries and saves it (its next case moves into
  // the store; `saved`, when given, shares it).
  Status Commit(WriteTx& tx, workflow::Transition& t, std::vector<Notice>& published,
                UnixMillis& next_deadline, CaseRef* saved = nullptr);
  void AfterCommit(const std::vector<Notice>& notices, UnixMillis next_deadline);
  // store_.Write for a change made under the client's request key (the store
  // may look the key up with the others of its batch).
  void WriteKeyed(const Actor& actor, const RequestKey& key, CaseStore::WriteFn fn,
                  CaseStore::DoneFn done) {
    CaseStore::RequestRef ref;
    if (!key.id.empty()) ref = {actor.Label(), key.id};
    store_.Write(std::move(fn), std::move(done), std::move(ref));
  }
  // Stores a delivery's new state and records it in its case, in the caller's write.
  Status ApplyDelivery(WriteTx& tx, const Delivery& before, Delivery& after, UnixMillis now,
                       std::vector<Notice>& published, UnixMillis& next_deadline);
  // A stream write or an acknowledgement: the liaison's delivery of a notice.
  void NoticeSeen(const Actor& actor, Id notice_id, DeliveryState state, Callback<Notice> done);

  // Known tokens by hash, so that most calls do not read the database to
  // authenticate. RevokeToken puts the revoked record in at once; an entry is trusted for
  // kTokenCacheTtl only, so a revocation written by another process
  // (`barazad token revoke`) takes effect within that time.
  static constexpr size_t kTokenCacheSize = 10000;
  static constexpr std::chrono::milliseconds kTokenCacheTtl{1000};
  struct CachedToken {
    TokenRecord record;
    std::chrono::steady_clock::time_point loaded_at;
  };
  std::shared_mutex tokens_mu_;
  std::unordered_map<std::string, CachedToken> tokens_;

  CaseStore& store_;
  Clock& clock_;
  NoticeHub& hub_;
  workflow::Policy policy_;
  std::function<void(UnixMillis)> deadline_listener_;
  std::function<void()> outbox_listener_;
  NoticeText texts_{store_};
};

}  // namespace baraza
