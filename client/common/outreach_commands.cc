#include "client/common/outreach_commands.h"

#include <iomanip>
#include <iostream>
#include <memory>
#include <thread>

#include "client/common/print.h"
#include "services/workflow/case_machine.h"

namespace baraza::cli {
namespace {

std::string When(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return workflow::FormatTime(t.seconds() * 1000 + t.nanos() / 1000000);
}

void PrintContactPoint(const Common& c, const v1::ContactPoint& p) {
  if (c.id_only()) {
    std::cout << p.id() << "\n";
    return;
  }
  if (c.json()) return PrintJson(p);
  std::cout << std::left << std::setw(6) << p.id() << std::setw(10)
            << EnumLabel(v1::ContactKind_descriptor(), p.kind()) << std::setw(10)
            << (p.has_removed_at() ? "removed" : "in use") << p.address() << "\n";
}

void PrintContactPoints(const Common& c, const v1::ListContactPointsResponse& r) {
  if (c.json()) return PrintJson(r);
  if (!c.id_only())
    std::cout << std::left << std::setw(6) << "ID" << std::setw(10) << "KIND" << std::setw(10)
              << "STATE" << "ADDRESS\n";
  for (const auto& p : r.contact_points()) PrintContactPoint(c, p);
  if (r.contact_points_size() == 0) std::cerr << "no contact points\n";
}

void PrintDeliveries(const Common& c, const v1::ListDeliveriesResponse& r) {
  if (c.json()) return PrintJson(r);
  std::cout << std::left << std::setw(6) << "ID" << std::setw(8) << "NOTICE" << std::setw(7)
            << "PARTY" << std::setw(20) << "NOTICE KIND" << std::setw(9) << "CHANNEL"
            << std::setw(15) << "STATE" << std::setw(9) << "ATTEMPTS" << std::setw(25)
            << "UPDATED" << "DETAIL\n";
  for (const auto& d : r.deliveries())
    std::cout << std::setw(6) << d.id() << std::setw(8) << d.notice_id() << std::setw(7)
              << d.party_id() << std::setw(20)
              << EnumLabel(v1::NoticeKind_descriptor(), d.notice_kind()) << std::setw(9)
              << EnumLabel(v1::ContactKind_descriptor(), d.kind()) << std::setw(15)
              << EnumLabel(v1::DeliveryState_descriptor(), d.state()) << std::setw(9)
              << d.attempts() << std::setw(25) << When(d.updated_at()) << d.detail() << "\n";
  if (r.deliveries_size() == 0) std::cerr << "no deliveries\n";
}

}  // namespace

namespace {
// The request fields naming whose contact points: --liaison, --commander, or
// the mediators' own; the caller's own sets none.
template <typename Request>
void SetWhose(Request& req, ContactsOf whose, int64_t id) {
  if (whose == ContactsOf::kLiaison) req.set_liaison_id(id);
  if (whose == ContactsOf::kCommander) req.set_commander_id(id);
  if (whose == ContactsOf::kMediators) req.set_mediators(true);
}
}  // namespace

void AddContactCommands(Program& p, CLI::App* parent, ContactsOf whose) {
  const char* about = whose == ContactsOf::kLiaison     ? "a liaison's"
                      : whose == ContactsOf::kCommander ? "a commander's"
                      : whose == ContactsOf::kMediators ? "the mediators'"
                                                        : "your";
  auto* contact = parent->add_subcommand(
      "contact", std::string(about) + " contact points: where " +
                     (whose == ContactsOf::kOwn ? "your" : "their") + " notices are sent")
                      ->require_subcommand(1);
  auto id = std::make_shared<int64_t>(0);
  auto add_id = [&](CLI::App* cmd) {
    if (whose == ContactsOf::kLiaison)
      cmd->add_option("--liaison", *id, "liaison id (`group show` lists them)")
          ->required()->check(CLI::PositiveNumber);
    if (whose == ContactsOf::kCommander)
      cmd->add_option("--commander", *id, "commander id")->required()->check(CLI::PositiveNumber);
  };
  if (whose != ContactsOf::kOwn) {
    struct Flags {
      std::string email, sms, webhook;
    };
    auto f = std::make_shared<Flags>();
    auto* add = contact->add_subcommand(
        "add", std::string("add one address to ") + about +
                   " contact points (give exactly one of --email, --sms, --webhook)");
    add_id(add);
    auto* email = add->add_option("--email", f->email, "an e-mail address");
    auto* sms = add->add_option("--sms", f->sms, "a phone number in E.164 form, e.g. +252612345678");
    auto* hook = add->add_option("--webhook", f->webhook, "an https URL (http only to 127.0.0.1)");
    email->excludes(sms)->excludes(hook);
    sms->excludes(hook);
    add->callback([&p, f, id, whose] {
      p.run = [&p, f, id, whose] {
        v1::AddContactPointRequest req;
        SetWhose(req, whose, *id);
        if (!f->email.empty()) req.set_kind(v1::CONTACT_KIND_EMAIL), req.set_address(f->email);
        if (!f->sms.empty()) req.set_kind(v1::CONTACT_KIND_SMS), req.set_address(f->sms);
        if (!f->webhook.empty()) req.set_kind(v1::CONTACT_KIND_WEBHOOK), req.set_address(f->webhook);
        if (req.kind() == v1::CONTACT_KIND_UNSPECIFIED) {
          std::cerr << p.c.program << ": give one of --email, --sms or --webhook\n";
          return int(kExitUsage);
        }
        BARAZA_CONNECT_OR_FAIL(p);
        return CallAndPrint<v1::ContactPoint>(
            p.c, [&](auto* r) { return cl->AddContactPoint(req, r); }, PrintContactPoint);
      };
    });
    auto point = std::make_shared<int64_t>(0);
    auto* remove = contact->add_subcommand("remove", "stop sending to a contact point (it stays "
                                                     "on the record)");
    remove->add_option("contact_point_id", *point, "its id (`contact list`)")
        ->required()->check(CLI::PositiveNumber);
    remove->callback([&p, point] {
      p.run = [&p, point] {
        BARAZA_CONNECT_OR_FAIL(p);
        v1::RemoveContactPointRequest req;
        req.set_contact_point_id(*point);
        return CallAndPrint<v1::ContactPoint>(
            p.c, [&](auto* r) { return cl->RemoveContactPoint(req, r); }, PrintContactPoint);
      };
    });
  }
  auto* list = contact->add_subcommand("list", std::string(about) + " contact points");
  add_id(list);
  list->callback([&p, id, whose] {
    p.run = [&p, id, whose] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::ListContactPointsRequest req;
      SetWhose(req, whose, *id);
      return CallAndPrint<v1::ListContactPointsResponse>(
          p.c, [&](auto* r) { return cl->ListContactPoints(req, r); }, PrintContactPoints);
    };
  });
}

void AddLanguageCommand(Program& p, CLI::App* parent, ContactsOf whose) {
  struct Flags {
    int64_t id = 0;
    std::string language;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = parent->add_subcommand(
      "language", std::string("set the language ") +
                      (whose == ContactsOf::kOwn ? "you read" : "they read") +
                      " notices in, by e-mail and SMS too (e.g. fr, ar, sw; \"\" for English)");
  if (whose == ContactsOf::kLiaison)
    cmd->add_option("--liaison", f->id, "liaison id")->required()->check(CLI::PositiveNumber);
  if (whose == ContactsOf::kCommander)
    cmd->add_option("--commander", f->id, "commander id")->required()->check(CLI::PositiveNumber);
  cmd->add_option("language", f->language, "a language tag: fr, ar, sw, pt-BR...")->required();
  cmd->callback([&p, f, whose] {
    p.run = [&p, f, whose] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::SetLanguageRequest req;
      if (whose == ContactsOf::kLiaison) req.set_liaison_id(f->id);
      if (whose == ContactsOf::kCommander) req.set_commander_id(f->id);
      req.set_language(f->language);
      return CallAndPrint<v1::SetLanguageResponse>(
          p.c, [&](auto* r) { return cl->SetLanguage(req, r); },
          [](const Common& c, const v1::SetLanguageResponse& r) {
            if (c.json()) return PrintJson(r);
            std::cout << "language: " << (r.language().empty() ? "(none: English)" : r.language())
                      << "; notices are rendered in " << r.rendered_in() << "\n";
          });
    };
  });
}

void AddCaseDeliveries(Program& p, CLI::App* kase) {
  auto id = std::make_shared<int64_t>(0);
  auto* cmd = kase->add_subcommand(
      "deliveries", "where each notice of a case went and what became of it (the outreach record)");
  cmd->add_option("case_id", *id, "case id")->required()->check(CLI::PositiveNumber);
  cmd->callback([&p, id] {
    p.run = [&p, id] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::ListDeliveriesRequest req;
      req.set_case_id(*id);
      return CallAndPrint<v1::ListDeliveriesResponse>(
          p.c, [&](auto* r) { return cl->ListDeliveries(req, r); }, PrintDeliveries);
    };
  });
}

void AddNoticeAck(Program& p, CLI::App* notice) {
  auto id = std::make_shared<int64_t>(0);
  auto* cmd = notice->add_subcommand(
      "ack", "confirm you read a notice: a read receipt on your party's record");
  cmd->add_option("notice_id", *id, "the notice's id (`notice list`)")
      ->required()->check(CLI::PositiveNumber);
  cmd->callback([&p, id] {
    p.run = [&p, id] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::AcknowledgeNoticeRequest req;
      req.set_notice_id(*id);
      return CallAndPrint<v1::Notice>(p.c, [&](auto* r) { return cl->AcknowledgeNotice(req, r); },
                                      PrintNotice);
    };
  });
}

void AddNoticeList(Program& p, CLI::App* notice, bool by_party) {
  struct Flags {
    int64_t after = 0, party = 0;
    bool all = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = notice->add_subcommand("list", "list your notices, oldest first, a page at a time "
                                             "(--all: every one)");
  if (by_party)
    cmd->add_option("--party", f->party, "a party's notices instead of the mediators' own")
        ->check(CLI::PositiveNumber);
  cmd->add_option("--after", f->after, "only notices after this id")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--all", f->all, "follow the pages to the last notice");
  cmd->callback([&p, f] {
    p.run = [&p, f] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::ListNoticesResponse all;
      v1::ListNoticesRequest req;
      req.set_party_id(f->party);
      req.set_after_notice_id(f->after);
      for (int page = 0; page < 100000; ++page) {  // bounded by the notices there are
        v1::ListNoticesResponse resp;
        auto status = cl->ListNotices(req, &resp);
        if (!status.ok()) return ReportError(p.c, status);
        all.mutable_notices()->MergeFrom(resp.notices());
        all.set_next_after_notice_id(resp.next_after_notice_id());
        if (!f->all || resp.next_after_notice_id() == 0) break;
        req.set_after_notice_id(resp.next_after_notice_id());
      }
      PrintNotices(p.c, all);
      if (all.next_after_notice_id() != 0 && !p.c.json() && !p.c.id_only())
        std::cerr << "more notices follow: --after " << all.next_after_notice_id()
                  << ", or --all\n";
      return int(kExitOk);
    };
  });
}

void AddNoticeWatch(Program& p, CLI::App* notice) {
  struct Flags {
    int64_t after = 0;
    int count = 0, seconds = 0;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = notice->add_subcommand(
      "watch", "print notices as they arrive (missed ones first); reconnects by itself; stop "
               "with Ctrl-C");
  cmd->add_option("--after", f->after, "start after this notice id (0: from the first)");
  cmd->add_option("--count", f->count, "stop after this many notices")->check(CLI::NonNegativeNumber);
  cmd->add_option("--for", f->seconds, "stop after this many seconds")->check(CLI::NonNegativeNumber);
  cmd->callback([&p, f] {
    p.run = [&p, f] {
      BARAZA_CONNECT_OR_FAIL(p);
      using Clock = std::chrono::system_clock;
      const auto until = f->seconds > 0 ? Clock::now() + std::chrono::seconds(f->seconds)
                                        : Clock::time_point::max();
      int64_t last = f->after;
      int seen = 0;
      auto backoff = std::chrono::milliseconds(500);
      for (int attempt = 0; attempt < 10000; ++attempt) {  // bounded: --for, --count or errors
        auto ctx = cl->Context(/*with_deadline=*/false);
        if (f->seconds > 0) ctx->set_deadline(until);
        v1::WatchNoticesRequest req;
        req.set_after_notice_id(last);
        auto reader = cl->WatchNotices(ctx.get(), req);
        v1::Notice n;
        while ((f->count == 0 || seen < f->count) && reader->Read(&n)) {
          PrintNotice(p.c, n);
          last = n.id();
          ++seen;
          backoff = std::chrono::milliseconds(500);
        }
        if (f->count > 0 && seen >= f->count) {
          ctx->TryCancel();
          reader->Finish();
          return int(kExitOk);
        }
        auto status = reader->Finish();
        if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED && f->seconds > 0)
          return int(kExitOk);  // ran for the time asked
        // The server restarted (a stream it was still serving while it stopped ends
        // CANCELLED) or the link dropped: wait, then resume after `last`.
        if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
            status.error_code() != grpc::StatusCode::CANCELLED)
          return ReportError(p.c, status);
        auto wait = std::min<Clock::duration>(backoff, until - Clock::now());
        if (wait <= Clock::duration::zero()) return int(kExitOk);
        std::cerr << p.c.program << ": the notice stream was lost (" << status.error_message()
                  << "); reconnecting in "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()
                  << " ms, after notice " << last << "\n";
        std::this_thread::sleep_for(wait);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
      }
      return int(kExitFailure);
    };
  });
}

}  // namespace baraza::cli
