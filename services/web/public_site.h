// PublicSite: barazad's read-only public web page (Boost.Beast, HTTP/1.1, on
// its own address and thread): the contact groups that published reports, and
// each report. It reads only published reports and their groups from the store,
// never a case. Connections are capped in all and per address; under pressure
// idle ones are closed sooner, and a newcomer takes an idle connection of the
// address holding most. Start/Stop from one thread; serving runs on its own thread.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "services/i18n/renderer.h"
#include "services/net/connection_gate.h"
#include "services/net/refusal_log.h"
#include "services/workflow/status.h"
#include "storage/case_store.h"

namespace baraza::web {

// How a request is answered, without any socket: used by the server and tests.
struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
};
// Answers GET `target` (path and query) from the store; `?lang=` picks the
// language of the page's words from `renderer`'s catalogues (English without one).
Response Route(CaseStore& store, const std::string& target,
               const i18n::Renderer* renderer = nullptr);

class PublicSite {
 public:
  // `limits`: connections at once, in all and from one address; refusals are
  // logged through `refusals` (shared with the gRPC port: one line a second per address).
  // `renderer`: the catalogues of `?lang=` (may be null: English only); it must
  // outlive the site.
  PublicSite(CaseStore& store, net::ConnectionGate::Limits limits, net::RefusalLog& refusals,
             const i18n::Renderer* renderer = nullptr);
  ~PublicSite();

  // Listens on `listen` ("host:port"; port 0 picks one) and serves until Stop.
  Status Start(const std::string& listen);
  // The port it listens on, once started.
  int port() const { return port_; }
  // Closes the listener and every connection, and joins the thread.
  void Stop();

 private:
  struct Impl;
  CaseStore& store_;
  const i18n::Renderer* renderer_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace baraza::web
