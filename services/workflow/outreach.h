// Reaching the parties: where a notice goes (the outbox entries of its
// recipients' contact points) and what each delivery's outcome does to the
// case (the outreach a default judgement rests on). Addresses are checked by
// the channel that delivers to them (services/outreach/channel.h).
// Pure workflow core: values in, values out; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "services/workflow/case_machine.h"
#include "services/workflow/model.h"
#include "services/workflow/status.h"

namespace baraza::workflow {

// The outbox entries of a notice: one per contact point in use (the caller
// passes those of the liaisons of the notice's party). With none, one entry
// recorded as undeliverable, so that the record shows the notice reached nobody.
std::vector<Delivery> PlanDeliveries(const Notice& n, const std::vector<ContactPoint>& points,
                                     UnixMillis now);

// Notes, in the case a notice belongs to, the planned deliveries that cannot
// be made (no contact point): they count as failed outreach for the party.
void NoteUndeliverable(Case& c, const std::vector<Delivery>& planned);

// How often and how long a channel is tried before its delivery fails for good.
struct RetryPolicy {
  int max_attempts = 6;
  Millis first_delay = 5 * kSecond;
  Millis max_delay = 3600 * kSecond;
};

// What one attempt to send a delivery came to (the channel's answer).
enum class AttemptOutcome { kDelivered, kSent, kRetry, kFailed };

// The delivery after an attempt: delivered, sent, failed for good, or queued
// again after an exponential backoff with `jitter` (in [0, 1): a fraction of
// the delay added, so that retries of many deliveries spread out).
Delivery AfterAttempt(Delivery d, AttemptOutcome outcome, const std::string& detail,
                      UnixMillis now, double jitter, const RetryPolicy& policy);

// A delivery report from a gateway, or a liaison's acknowledgement (kRead):
// the delivery's new state. A report never moves a delivery backwards (a late
// "failed" after "delivered" or "read" changes nothing).
Delivery AfterReport(Delivery d, DeliveryState reported, const std::string& detail, UnixMillis now);

// An SMS gateway's report on delivery `d`. Only an SMS takes one: the receiver
// of an e-mail or a webhook may be a party's, and must not report its opponent
// reached. NOT_FOUND for any other delivery, as for an unknown key.
Result<Delivery> AfterGatewayReport(const Delivery& d, bool delivered, const std::string& reason,
                                    UnixMillis now);

// Records a delivery's change in its case: an event (mediator-only: it names
// the channel, never the address) and, for a call to negotiate or a reminder
// that reached the party, or a delivery that failed, the respondent's
// outreach evidence. Nothing to record (the state did not change): nullopt.
std::optional<Transition> RecordDelivery(const Case& c, const Delivery& before,
                                         const Delivery& after, UnixMillis now);

// One change of one delivery: as it was, as it is now.
struct DeliveryChange {
  Delivery before;
  Delivery after;
};
// RecordDelivery of several deliveries of one case, as one transition: one
// event each, one new version of the case. Nothing to record: nullopt.
std::optional<Transition> RecordDeliveries(const Case& c,
                                           const std::vector<DeliveryChange>& changes,
                                           UnixMillis now);

// What a case's record shows of the notices to one party (from its delivery
// events): how many went out on some channel, reached the party (a mail
// relay's acceptance, a gateway's report, an open stream, a read receipt), and
// were read. Counts only: no channel, address or reply, so a report may show it.
struct OutreachTally {
  int sent = 0;
  int delivered = 0;
  int read = 0;
  OutreachTally& operator+=(const OutreachTally& o);
  std::string Words() const;  // "3 notices sent, 2 delivered, 1 read"
};
OutreachTally TallyOutreach(Id party_id, const std::vector<Event>& events);

// Why a default judgement cannot be entered against a respondent whose window
// closed, from the outreach the record shows; empty when it may be.
std::string OutreachShortfall(const Respondent& r, const std::string& party_name);

}  // namespace baraza::workflow
