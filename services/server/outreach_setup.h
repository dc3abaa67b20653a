// barazad's reach, assembled from its options: the senders (mail relay, SMS
// gateway, webhooks), the delivery worker and the receiver of delivery reports.
// Used by server.cc; started after the store, stopped before it.
#pragma once

#include <memory>
#include <string>

#include "services/app/application.h"

namespace baraza {

struct OutreachOptions {
  std::string smtp_relay;          // smtp://host:port or smtps://; empty: e-mail waits
  std::string mail_from = "baraza@localhost";
  std::string smtp_user;
  std::string smtp_password_file;  // the relay's password, mode 0600
  std::string sms_gateway;         // https URL the SMS gateway takes messages at
  std::string webhook_secret_file;  // HMAC key, made on first start; empty: beside the database
  std::string delivery_reports;    // host:port to receive delivery reports on; empty: off
  // HMAC key of delivery reports, known to the SMS gateway only (never to the
  // systems that receive webhooks: they could forge a report). Made on first
  // start; empty: delivery-reports.secret beside the database.
  std::string report_secret_file;
};

class Outreach {
 public:
  // Reads (or on first start makes) the signing secret, starts the delivery
  // worker and, when asked, the receiver of delivery reports.
  static Result<std::unique_ptr<Outreach>> Start(Application& app, const OutreachOptions& o);
  ~Outreach();
  // Stops receiving reports, finishes the attempt in progress, records it.
  void Stop();
  int reports_port() const;

 private:
  struct Impl;
  explicit Outreach(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace baraza
