#include "client/common/outreach_commands.h"

#include <iomanip>
#include <iostream>
#include <memory>

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

void AddContactCommands(Program& p, CLI::App* parent, bool manage) {
  auto* contact = parent->add_subcommand(
      "contact", manage ? "a liaison's contact points: where its notices are sent"
                        : "your contact points: where your notices are sent")
                      ->require_subcommand(1);
  if (manage) {
    struct Flags {
      int64_t liaison = 0;
      std::string email, sms, webhook;
    };
    auto f = std::make_shared<Flags>();
    auto* add = contact->add_subcommand("add", "add one address to a liaison (give exactly one "
                                               "of --email, --sms, --webhook)");
    add->add_option("--liaison", f->liaison, "liaison id (`group show` lists them)")
        ->required()->check(CLI::PositiveNumber);
    auto* email = add->add_option("--email", f->email, "an e-mail address");
    auto* sms = add->add_option("--sms", f->sms, "a phone number in E.164 form, e.g. +252612345678");
    auto* hook = add->add_option("--webhook", f->webhook, "an https URL (http only to 127.0.0.1)");
    email->excludes(sms)->excludes(hook);
    sms->excludes(hook);
    add->callback([&p, f] {
      p.run = [&p, f] {
        v1::AddContactPointRequest req;
        req.set_liaison_id(f->liaison);
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
    auto id = std::make_shared<int64_t>(0);
    auto* remove = contact->add_subcommand("remove", "stop sending to a contact point (it stays "
                                                     "on the record)");
    remove->add_option("contact_point_id", *id, "its id (`contact list`)")
        ->required()->check(CLI::PositiveNumber);
    remove->callback([&p, id] {
      p.run = [&p, id] {
        BARAZA_CONNECT_OR_FAIL(p);
        v1::RemoveContactPointRequest req;
        req.set_contact_point_id(*id);
        return CallAndPrint<v1::ContactPoint>(
            p.c, [&](auto* r) { return cl->RemoveContactPoint(req, r); }, PrintContactPoint);
      };
    });
  }
  auto liaison = std::make_shared<int64_t>(0);
  auto* list = contact->add_subcommand("list", manage ? "a liaison's contact points"
                                                      : "your contact points");
  if (manage)
    list->add_option("--liaison", *liaison, "liaison id")->required()->check(CLI::PositiveNumber);
  list->callback([&p, liaison] {
    p.run = [&p, liaison] {
      BARAZA_CONNECT_OR_FAIL(p);
      v1::ListContactPointsRequest req;
      req.set_liaison_id(*liaison);
      return CallAndPrint<v1::ListContactPointsResponse>(
          p.c, [&](auto* r) { return cl->ListContactPoints(req, r); }, PrintContactPoints);
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

}  // namespace baraza::cli
