// Server: assembles barazad — the store (SQLite or PostgreSQL), the application, the deadline
// scheduler and the gRPC services — and runs it until asked to stop. Used by
// main.cc; one instance per process.
#pragma once

#include <memory>
#include <string>

#include "services/server/backup_schedule.h"
#include "services/server/limits.h"
#include "services/server/outreach_setup.h"
#include "services/workflow/status.h"

namespace baraza {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 picks a free one
  std::string db_path = "var/baraza.db";
  // A postgresql:// URI: the store is that PostgreSQL database instead of the
  // SQLite file (docs/storage.md, "PostgreSQL"); --db then only places the
  // data key (--db + ".key") and the secrets beside it.
  std::string store;
  std::string token_file = "var/mediator.token";  // the first mediator token goes here
  // The key that seals mediator-only text at rest (docs/security.md, "At rest").
  // Empty: the systemd credential `baraza-data-key` if there is one
  // ($CREDENTIALS_DIRECTORY), else the database's path + ".key" (created 0600
  // on the first start).
  std::string data_key_file;
  // TLS: with a certificate and key the server speaks only TLS; with a client
  // CA it also requires and verifies client certificates.
  std::string tls_cert, tls_key, tls_client_ca;
  // Plaintext on a non-loopback address is refused unless this is set.
  bool insecure_listen = false;
  // host:port of the read-only public web page of published reports; empty: off.
  std::string public_page;
  // Verify the whole history and state at start (as `barazad audit verify`)
  // instead of the chain's tail and the state's sum.
  bool verify_on_start = false;
  // Where notices go out (docs/notifications.md).
  OutreachOptions outreach;
  // Periodic backups (docs/operations.md); off while `backup.dir` is empty.
  BackupScheduleOptions backup;
  // Connections and streams at once (docs/security.md); 0s derive from the open-file limit.
  ConnectionLimits limits;
  // Failed authentications from one address before its calls are slowed; 0 never.
  int auth_slow_after = 5;
  // host:port to serve Prometheus metrics on (GET /metrics); empty: off.
  std::string metrics;
  // The message catalogues (catalogues/<lang>.txt, docs/i18n.md); every pattern
  // is checked at start and a broken one refuses the start. Empty: the default.
  std::string catalogue_dir;
  // The mediators' language (a BCP 47 tag; empty: English): their notices are
  // delivered in it (e-mail, SMS, webhook) and read in it when a call names none.
  // The mission's mediators are one reader with shared contact points, so it is
  // the operator's to set, at start (docs/i18n.md); no party can change it.
  std::string mediator_language;
};

// Where barazad finds its catalogues when --catalogue-dir is not given: the
// installed copy (<prefix>/share/baraza/catalogues) if there is one, else the
// source tree's it was built from.
std::string DefaultCatalogueDir();


// Opens the store, catches up on deadlines that fell due while the server was
// down, serves until SIGINT or SIGTERM, then shuts down cleanly.
Status RunServer(const ServerOptions& options);

}  // namespace baraza
