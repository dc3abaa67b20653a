#include "services/app/delivery_worker.h"

#include <pthread.h>

#include <future>

#include <spdlog/spdlog.h>

#include "services/outreach/sms_text.h"
#include "services/workflow/case_machine.h"
#include "services/log/log_fields.h"

namespace baraza {
namespace {

workflow::AttemptOutcome OutcomeOf(outreach::Outcome o) {
  switch (o) {
    case outreach::Outcome::kDelivered: return workflow::AttemptOutcome::kDelivered;
    case outreach::Outcome::kSent: return workflow::AttemptOutcome::kSent;
    case outreach::Outcome::kFailed: return workflow::AttemptOutcome::kFailed;
    case outreach::Outcome::kRetry: break;
  }
  return workflow::AttemptOutcome::kRetry;
}

// The subject line of a notice's e-mail: what it is and which case.
std::string SubjectOf(const Notice& n) {
  std::string what = Name(n.kind);
  if (!what.empty()) what[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(what[0])));
  return "Baraza: " + what + " (case " + std::to_string(n.case_id) + ")";
}

}  // namespace

DeliveryWorker::DeliveryWorker(Application& app, SenderFactory make_senders, int threads,
                               int batch)
    : app_(app), make_senders_(std::move(make_senders)), threads_(std::max(1, threads)),
      batch_(batch) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

void DeliveryWorker::Start() {
  gatherer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baraza-outcomes");
    Gather();
  });
  for (int share = 0; share < threads_; ++share)
    workers_.emplace_back([this, share] {
      pthread_setname_np(pthread_self(), "baraza-outbox");
      Loop(share);
    });
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
  // The senders have waited for their outcomes: the gatherer has nothing left.
  {
    std::lock_guard lock(gather_mu_);
    gather_stopping_ = true;
  }
  gather_cv_.notify_all();
  if (gatherer_.joinable()) gatherer_.join();
}

std::future<void> DeliveryWorker::Record(Application::DeliveryAttempt attempt) {
  auto promise = std::make_shared<std::promise<void>>();
  auto future = promise->get_future();
  {
    std::lock_guard lock(gather_mu_);
    gathered_.push_back({std::move(attempt), std::move(promise)});
  }
  gather_cv_.notify_all();
  return future;
}

void DeliveryWorker::Gather() {
  // How long the first outcome waits for others, and the most in one write.
  constexpr auto kWindow = std::chrono::milliseconds(3);
  constexpr size_t kMost = 256;
  for (;;) {  // until Stop, once every sender has been answered
    std::vector<Outcome> batch;
    {
      std::unique_lock lock(gather_mu_);
      gather_cv_.wait(lock, [&] { return gather_stopping_ || !gathered_.empty(); });
      if (gathered_.empty()) return;  // stopping, and nothing is waiting
      gather_cv_.wait_for(lock, kWindow,
                          [&] { return gather_stopping_ || gathered_.size() >= kMost; });
      batch.swap(gathered_);
    }
    std::vector<Application::DeliveryAttempt> attempts;
    auto promises = std::make_shared<std::vector<std::shared_ptr<std::promise<void>>>>();
    for (auto& o : batch) {
      attempts.push_back(std::move(o.attempt));
      promises->push_back(std::move(o.recorded));
    }
    size_t count = attempts.size();
    app_.RecordDeliveryAttempts(std::move(attempts), [promises, count](Result<int> done) {
      if (!done.ok())
        spdlog::warn("outbox: the outcomes of {} deliveries were not recorded ({}); they will "
                     "be sent again",
                     count, done.status().message());
      for (auto& p : *promises) p->set_value();
    });
  }
}

void DeliveryWorker::Poke() {
  {
    std::lock_guard lock(mu_);
    ++pokes_;
  }
  cv_.notify_all();
}

void DeliveryWorker::Loop(int share) {
  Senders senders = make_senders_();
  std::mt19937_64 random{std::random_device{}()};
  for (;;) {
    uint64_t seen;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = pokes_;
    }
    if (SendDue(share, senders, random)) continue;  // more may be due
    // Nothing due: sleep until the next retry is due, a poke, or at most a second.
    auto next = app_.store().NextDeliveryAt();
    UnixMillis now = app_.clock().Now();
    Millis wait = 1000;
    if (next.ok() && next->has_value()) wait = std::clamp<Millis>(**next - now, 0, 1000);
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(wait),
                 [&] { return stopping_ || pokes_ != seen; });
  }
}

bool DeliveryWorker::SendDue(int share, Senders& senders, std::mt19937_64& random) {
  // Every thread reads the queue's head and keeps its share: a receiver that is
  // slow (or made slow by a party) delays only the contact points of its share.
  auto due = app_.store().DueDeliveries(app_.clock().Now(), batch_ * threads_);
  if (!due.ok()) {
    spdlog::warn("outbox: cannot read queued deliveries: {}", due.status().message());
    return false;
  }
  std::vector<std::future<void>> recorded;
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  for (const Delivery& d : *due) {
    if (d.contact_point_id % threads_ != share) continue;
    if (static_cast<int>(recorded.size()) >= batch_) break;
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    outreach::SendResult r = SendOne(d, senders);
    ++attempts_;
    log::ScopedLogFields fields(log::WithCase(d.case_id));
    if (r.outcome == outreach::Outcome::kFailed || r.outcome == outreach::Outcome::kRetry)
      spdlog::info("outbox: delivery {} ({} of notice {}) {}: {}", d.id, Name(d.kind),
                   d.notice_id, outreach::OutcomeName(r.outcome), r.detail);
    recorded.push_back(Record({d.id, OutcomeOf(r.outcome), r.detail, jitter(random)}));
  }
  for (auto& f : recorded) f.wait();  // bounded: every write is answered
  return !recorded.empty();
}

outreach::SendResult DeliveryWorker::SendOne(const Delivery& d, Senders& senders) {
  // A contact point removed since the notice was queued gets nothing more.
  auto point = app_.store().GetContactPoint(d.contact_point_id);
  if (point.ok() && point->removed_at != 0)
    return {outreach::Outcome::kFailed, "the contact point was removed before it was sent"};
  auto notice = app_.store().GetNotice(d.notice_id);
  if (!notice.ok()) return {outreach::Outcome::kRetry, notice.status().message()};
  outreach::Message m;
  m.idempotency_key = d.IdempotencyKey();
  m.channel = outreach::ChannelOf(d.kind);
  m.address = d.address;
  // In the reader's language, its times in the group's zone: a liaison's or a
  // commander's registered language; the mediators' notices in theirs. The
  // subject too, except a notice stored as English text before messages (as then).
  NoticeText& texts = app_.texts();
  std::string language = i18n::kFallbackLanguage;
  if (d.liaison_id != 0) language = texts.LanguageOfLiaison(d.liaison_id);
  else if (point.ok() && point->role == Role::kCommander)
    language = texts.LanguageOfCommander(point->commander_id);
  else if (point.ok() && point->role == Role::kMediator)
    language = texts.LanguageOfMediators();
  m.subject = notice->message.empty() ? SubjectOf(*notice) : texts.Subject(*notice, language);
  Notice rendered = *notice;
  texts.Render(rendered, language);
  m.text = rendered.text;
  if (notice->deadline) m.text += "\n\n" + texts.DeadlineLine(*notice, language);
  m.short_text = outreach::FitSms(texts.Short(*notice, language));
  m.case_id = notice->case_id;
  m.notice_id = notice->id;
  m.notice_kind = Name(notice->kind);
  m.deadline_unix_ms = notice->deadline;
  outreach::Sender* sender =
      m.channel == outreach::Channel::kEmail ? senders.email.get() : senders.webhook.get();
  if (!sender)
    return {outreach::Outcome::kRetry,
            m.channel == outreach::Channel::kEmail
                ? "barazad has no mail relay configured (--smtp-relay)"
                : "barazad has no webhook sender configured"};
  return sender->Send(m);
}

}  // namespace baraza
