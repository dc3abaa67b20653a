#include "services/server/outreach_setup.h"

#include <fstream>
#include <optional>
#include <future>
#include <sstream>

#include <spdlog/spdlog.h>

#include "services/app/delivery_worker.h"
#include "services/auth/loopback.h"
#include "services/auth/tokens.h"
#include "services/outreach/report_receiver.h"
#include "services/outreach/smtp_sender.h"
#include "services/outreach/webhook_sender.h"
#include "services/server/secret_file.h"

namespace baraza {
namespace {

// The first line of a secret file that only its owner may read.
Result<std::string> ReadSecret(const std::string& path, const char* flag) {
  BARAZA_RETURN_IF_ERROR(CheckSecretFile(path));
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty())
    return Status::InvalidArgument(std::string("cannot read ") + flag + " " + path);
  return line;
}

// A signing key read from `path`, or made there on first start.
Result<std::string> Secret(const std::string& path, const char* flag, const char* give_to) {
  std::ifstream probe(path);
  if (!probe) {
    BARAZA_ASSIGN_OR_RETURN(std::string secret, auth::GenerateToken());
    BARAZA_RETURN_IF_ERROR(WriteSecretFile(path, secret, /*replace=*/false));
    spdlog::info("first start: a signing secret was written to {} (give it to {})", path,
                 give_to);
    return secret;
  }
  return ReadSecret(path, flag);
}

// Whether an smtp:// or smtps:// URL names a relay on this machine.
bool RelayOnLoopback(const std::string& url) {
  auto at = url.find("://");
  std::string rest = at == std::string::npos ? url : url.substr(at + 3);
  std::string host_port = rest.substr(0, rest.find('/'));
  if (host_port.find(':') == std::string::npos || host_port.back() == ']') host_port += ":25";
  return auth::IsLoopback(host_port);
}

}  // namespace

struct Outreach::Impl {
  std::unique_ptr<DeliveryWorker> worker;
  std::unique_ptr<outreach::ReportReceiver> reports;
};

Outreach::Outreach(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Outreach::~Outreach() { Stop(); }

Result<std::unique_ptr<Outreach>> Outreach::Start(Application& app, const OutreachOptions& o) {
  BARAZA_ASSIGN_OR_RETURN(std::string secret,
                          Secret(o.webhook_secret_file, "--webhook-secret-file",
                                 "the SMS gateway and the systems that receive webhooks, to "
                                 "verify what barazad sends"));
  std::optional<outreach::SmtpOptions> smtp;
  if (!o.smtp_relay.empty()) {
    smtp.emplace();
    smtp->url = o.smtp_relay;
    smtp->from = o.mail_from;
    smtp->user = o.smtp_user;
    // Notices are confidential and their acceptance counts as outreach: a relay
    // off this machine is spoken to over TLS only, so that nobody on the path
    // can read a notice or answer for the relay.
    smtp->require_tls = !RelayOnLoopback(o.smtp_relay);
    if (!o.smtp_password_file.empty()) {
      BARAZA_ASSIGN_OR_RETURN(smtp->password,
                              ReadSecret(o.smtp_password_file, "--smtp-password-file"));
    }
  } else {
    spdlog::warn("no mail relay (--smtp-relay): e-mail notices wait in the outbox");
  }
  outreach::WebhookOptions hooks;
  hooks.secret = secret;
  hooks.sms_gateway_url = o.sms_gateway;
  // Each of the worker's threads gets senders of its own.
  auto make_senders = [smtp, hooks] {
    DeliveryWorker::Senders senders;
    if (smtp) senders.email = outreach::NewSmtpSender(*smtp);
    senders.webhook = outreach::NewWebhookSender(hooks);
    return senders;
  };

  auto impl = std::make_unique<Impl>();
  impl->worker = std::make_unique<DeliveryWorker>(app, make_senders);
  DeliveryWorker* worker = impl->worker.get();
  app.SetOutboxListener([worker] { worker->Poke(); });
  worker->Start();
  if (!o.delivery_reports.empty()) {
    BARAZA_ASSIGN_OR_RETURN(std::string report_secret,
                            Secret(o.report_secret_file, "--delivery-report-secret-file",
                                   "the SMS gateway alone, to sign its delivery reports"));
    impl->reports = std::make_unique<outreach::ReportReceiver>();
    BARAZA_RETURN_IF_ERROR(impl->reports->Start(
        o.delivery_reports, report_secret,
        [&app](const std::string& key, bool delivered, const std::string& reason) -> Status {
          auto promise = std::make_shared<std::promise<Status>>();
          auto answer = promise->get_future();
          app.RecordDeliveryReport(key, delivered, reason,
                                   [promise](Result<Delivery> r) { promise->set_value(r.status()); });
          if (answer.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
            return Status::Unavailable("the report could not be recorded in time; send it again");
          return answer.get();
        }));
    std::string host = o.delivery_reports.substr(0, o.delivery_reports.rfind(':'));
    // Machine-readable line for scripts and tests; keep its form.
    std::printf("barazad delivery reports on http://%s:%d/v1/delivery-reports\n", host.c_str(),
                impl->reports->port());
    std::fflush(stdout);
  }
  return std::unique_ptr<Outreach>(new Outreach(std::move(impl)));
}

void Outreach::Stop() {
  if (!impl_) return;
  if (impl_->reports) impl_->reports->Stop();
  if (impl_->worker) impl_->worker->Stop();
}

int Outreach::reports_port() const { return impl_->reports ? impl_->reports->port() : 0; }

}  // namespace baraza
