#include "services/server/server.h"

#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdlib>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <fstream>
#include <grpcpp/security/server_credentials.h>
#include <sstream>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <iostream>
#include <optional>
#include <spdlog/spdlog.h>

#include "services/api/outreach_service.h"
#include "services/api/handler_support.h"
#include "services/api/services.h"
#include "services/auth/loopback.h"
#include "services/process/tuning.h"
#include "services/scheduler/deadline_scheduler.h"
#include "services/server/backup_schedule.h"
#include "services/server/grpc_listener.h"
#include "services/server/outreach_setup.h"
#include "services/metrics/metrics.h"
#include "services/server/secret_file.h"
#include "services/web/public_site.h"
#include "services/workflow/duration_text.h"
#include "storage/store_open.h"

namespace baraza {
namespace {
constexpr int kMaxRequestBytes = 1 << 20;
// How long running calls get to finish once barazad is asked to stop. gRPC's
// Shutdown also waits, until this deadline, for every client to close its
// connection, which an idle client never does by itself: the grace is what a
// stop costs whenever anyone is connected, so it is short. A unary call takes
// milliseconds; one still running after this is cancelled, and a write it had
// handed to the store still commits (the store writes its queue out before it
// closes), so a retry with the same request_id gets its answer.
constexpr auto kShutdownGrace = std::chrono::milliseconds(300);
constexpr int kHandshakeTimeoutMs = 10'000;
constexpr int kMaxConnectionIdleMs = 5 * 60'000;

Result<std::string> ReadPem(const std::string& path, const char* flag) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty())
    return Status::InvalidArgument(std::string("cannot read ") + flag + " " + path);
  return text.str();
}

// The server's credentials: TLS from the options, or plaintext where allowed.
Result<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty())
    return Status::InvalidArgument("--tls-cert and --tls-key go together; give both or neither");
  if (o.tls_cert.empty()) {
    if (!o.tls_client_ca.empty())
      return Status::InvalidArgument("--tls-client-ca needs --tls-cert and --tls-key");
    if (!auth::IsLoopback(o.listen) && !o.insecure_listen)
      return Status::FailedPrecondition(
          "refusing to listen on " + o.listen +
          " without TLS: tokens and confidential positions would cross the network in clear. "
          "Give --tls-cert and --tls-key, listen on 127.0.0.1, or, only behind a tunnel you "
          "trust, add --insecure-listen");
    if (!auth::IsLoopback(o.listen))
      spdlog::warn("serving plaintext on {} (--insecure-listen): anyone on the path can read "
                   "tokens and positions", o.listen);
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  BARAZA_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(o.tls_cert, "--tls-cert"));
  BARAZA_ASSIGN_OR_RETURN(pair.private_key, ReadPem(o.tls_key, "--tls-key"));
  ssl.pem_key_cert_pairs.push_back(pair);
  if (!o.tls_client_ca.empty()) {
    BARAZA_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(o.tls_client_ca, "--tls-client-ca"));
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace


std::string DefaultCatalogueDir() {
  std::error_code ec;
  if (std::filesystem::is_directory(BARAZA_INSTALLED_CATALOGUE_DIR, ec))
    return BARAZA_INSTALLED_CATALOGUE_DIR;
  return BARAZA_SOURCE_CATALOGUE_DIR;
}

Status RunServer(const ServerOptions& options) {
  auto credentials = Credentials(options);
  if (!credentials.ok()) return credentials.status();
  auto files = process::RaiseOpenFileLimit();
  if (!files.error.empty())
    spdlog::warn("open files: {} (could not raise it to the hard limit {}: {})", files.now,
                 files.hard, files.error);
  else
    spdlog::info("open files: {} (the hard limit; was {})", files.now, files.before);
  auto limits = ResolveLimits(options.limits, files.now, !options.public_page.empty());
  if (!limits.ok()) return limits.status();
  spdlog::info("limits: {}", Describe(*limits, !options.public_page.empty()));
  api::Throttle().set_free_failures(options.auth_slow_after);
  if (options.auth_slow_after > 0)
    spdlog::info("authentication: an address is slowed after {} failures", options.auth_slow_after);
  else
    spdlog::warn("authentication: failures are never slowed (--auth-slow-after 0)");
  // Before anything is opened or issued: a token file others can read, or a
  // link planted where the first token would be written, stops the start.
  BARAZA_RETURN_IF_ERROR(CheckSecretFile(options.token_file));
  // Everything barazad creates from here on — the database, its WAL and shared
  // memory, backups, secrets — is its owner's alone: a copied disk or another
  // local user must not read confidential positions or contact points.
  ::umask(077);
  std::error_code ec;
  auto db_dir = std::filesystem::path(options.db_path).parent_path();
  if (!db_dir.empty()) std::filesystem::create_directories(db_dir, ec);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string file = options.db_path + suffix;
    struct stat st {};
    if (::lstat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
      ::chmod(file.c_str(), st.st_mode & 0700);
      spdlog::warn("{} was readable by others (mode {:o}); made it the owner's alone (0600)",
                   file, st.st_mode & 0777);
    }
  }

  // Metrics: bound before the database is opened, so that a bad --metrics
  // stops the start before anything is written. Declared before everything
  // that reports to it, so that it outlives them.
  std::unique_ptr<metrics::Metrics> meter;
  if (!options.metrics.empty()) {
    auto started = metrics::Metrics::Start(options.metrics);
    if (!started.ok()) return started.status();
    meter = std::move(started).value();
    if (!auth::IsLoopback(options.metrics))
      spdlog::warn("metrics on {} can be read by anyone who reaches it (no token): case "
                   "counts and activity", options.metrics);
  }
  api::SetRpcObserver(meter.get());
  struct ClearRpcObserver {
    ~ClearRpcObserver() { api::SetRpcObserver(nullptr); }
  } clear_rpc_observer;
  // The catalogues first: a broken pattern refuses the start, naming file and line,
  // so that the server never serves half-translated.
  std::string catalogue_dir = options.catalogue_dir.empty() ? DefaultCatalogueDir()
                                                            : options.catalogue_dir;
  auto catalogues = i18n::Catalogues::Load(catalogue_dir);
  if (!catalogues.ok()) return catalogues.status();
  spdlog::info("catalogues: {} ({})", catalogue_dir, [&] {
    std::string list;
    for (const auto& l : (*catalogues)->Languages()) list += (list.empty() ? "" : ", ") + l;
    return list;
  }());
  auto renderer = std::make_shared<const i18n::Renderer>(*catalogues);
  auto mediator_language = LanguageTag(options.mediator_language);
  if (!mediator_language.ok())
    return Status::InvalidArgument("--mediator-language: " + mediator_language.status().message());


  // The store: the SQLite file (--db), or PostgreSQL (--store postgresql://...).
  // Either way the data key is a file outside the database, by default beside
  // --db, so that a mission moved to PostgreSQL keeps its key.
  const bool postgres = !options.store.empty();
  if (postgres && !IsPostgres(options.store))
    return Status::InvalidArgument("--store \"" + options.store +
                                   "\" is not a postgresql:// URI; for SQLite use --db FILE");
  if (postgres && !options.backup.dir.empty())
    return Status::InvalidArgument(
        "--backup-dir copies an SQLite file; back a PostgreSQL store up with PostgreSQL's own "
        "tools (pg_basebackup, a standby; docs/operations.md)");
  StoreOpenOptions store_options;
  store_options.location = postgres ? options.store : options.db_path;
  store_options.observer = meter.get();
  store_options.data_key_file = options.data_key_file;
  if (const char* creds = std::getenv("CREDENTIALS_DIRECTORY");
      store_options.data_key_file.empty() && creds) {
    std::string credential = std::string(creds) + "/baraza-data-key";
    if (std::filesystem::exists(credential)) {
      store_options.data_key_file = credential;
      store_options.data_key_trusted = true;  // systemd made it the service's alone
    }
  }
  if (postgres && store_options.data_key_file.empty())
    store_options.data_key_file = options.db_path + ".key";
  store_options.serving = true;
  auto store = OpenStore(store_options);
  if (!store.ok()) return store.status();
  // Never serve, nor enter a judgement on, a record edited behind the server's
  // back: the chain's tail and the state's sum (or, asked, the whole history).
  if (options.verify_on_start) {
    auto audit = store->audit(std::nullopt, [](int64_t n) {
      spdlog::info("start-up: verified {} events of the history...", n);
    });
    if (!audit.ok()) return audit.status();
    if (!audit->ok())
      return Status::DataLoss("the history does not verify (" +
                              (audit->first_break ? *audit->first_break
                                                  : audit->mismatches.front()) +
                              "); barazad will not serve a broken record. See `barazad audit "
                              "verify` for every finding; `barazad rebuild` recomputes the "
                              "tables from an intact history");
    spdlog::info("start-up: the whole history verified ({} events)", audit->head.events);
  } else {
    BARAZA_RETURN_IF_ERROR(store->check_on_start());
  }
  SystemClock clock;
  NoticeHub hub;
  Application app(*store->store, clock, hub);
  app.texts().SetRenderer(renderer);
  app.texts().SetMediatorLanguage(*mediator_language);
  // On PostgreSQL, another barazad may serve the same database: the notices it
  // commits reach those watching through this one too. Stopped before the hub goes.
  struct StopWatchingOthers {
    OpenedStore& store;
    ~StopWatchingOthers() {
      if (store.watch_other_writers) store.watch_other_writers(nullptr);
    }
  } stop_watching_others{*store};
  if (store->watch_other_writers)
    store->watch_other_writers([&hub](const std::vector<Notice>& n) { hub.Publish(n); });

  auto first_token = app.IssueFirstMediatorToken();
  if (!first_token.ok()) return first_token.status();
  if (!first_token->empty()) {
    BARAZA_RETURN_IF_ERROR(WriteSecretFile(options.token_file, *first_token, /*replace=*/true));
    spdlog::info("first start: mediator token written to {}", options.token_file);
  }

  DeadlineScheduler scheduler(app, 30 * kSecond, meter.get());
  if (meter)
    meter->WatchState({[&clock] { return clock.Now(); },
                       [&store](UnixMillis now) { return store->store->Counts(now); },
                       [&hub] { return static_cast<int64_t>(hub.SubscriberCount()); }});
  // Before the store and the hub go: no scrape reads them after.
  struct StopWatching {
    metrics::Metrics* meter;
    ~StopWatching() {
      if (meter) meter->StopWatchingState();
    }
  } stop_watching{meter.get()};
  app.SetDeadlineListener([&scheduler](UnixMillis due) { scheduler.Poke(due); });
  // Notices go out over e-mail, SMS and webhooks from the outbox, off the writer.
  OutreachOptions reach = options.outreach;
  const auto beside_db = db_dir.empty() ? std::filesystem::path(".") : db_dir;
  if (reach.webhook_secret_file.empty()) reach.webhook_secret_file = beside_db / "webhook.secret";
  if (reach.report_secret_file.empty())
    reach.report_secret_file = beside_db / "delivery-reports.secret";
  auto outreach = Outreach::Start(app, reach);
  if (!outreach.ok()) return outreach.status();

  api::ContactGroupServiceImpl groups(app);
  api::AccessServiceImpl access(app);
  api::CaseServiceImpl cases(app);
  api::NoticeServiceImpl notices(app, hub);
  api::ReportServiceImpl reports(app);
  api::OutreachServiceImpl outreach_service(app);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // barazad accepts connections itself, under the caps of --max-connections and
  // --max-connections-per-peer, and hands them to gRPC (grpc_listener.h says why).
  GrpcListener listener({limits->connections, limits->connections_per_peer}, api::Refusals());
  auto port = listener.Listen(options.listen);
  if (!port.ok()) return port.status();
  auto acceptor = builder.experimental().AddExternalConnectionAcceptor(
      grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD, *credentials);
  // Texts are at most 64 KiB each; anything near this size is a mistake or an attack.
  builder.SetMaxReceiveMessageSize(kMaxRequestBytes);
  // Compressed requests are refused from their headers (UNIMPLEMENTED), before
  // any byte is inflated: gRPC 1.51 checks a compressed message against the
  // limit above before inflating it, not while, so 64 KiB of gzip grew to 64 MiB
  // in memory before it was refused (tests/security/resource_limits_test.cc).
  // Baraza's clients never compress; answers may still be compressed.
  builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_DEFLATE, false);
  builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, false);
  // Channelz (gRPC's live introspection service) is not served by barazad, yet
  // by default every call updates its counters.
  builder.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 0);
  // Calls in flight per connection: with the connection caps, this bounds what
  // one address (and everyone) can hold open — memory and notice streams.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits->streams_per_connection);
  // A connection that has not finished its HTTP/2 (and TLS) greeting within
  // 10 s is closed (gRPC's default is 120 s): an idle socket holds a slot only briefly.
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, kHandshakeTimeoutMs);
  // A connection with no call for 5 minutes is closed politely (GOAWAY); the
  // client library reconnects on its next call. Open notice streams are calls.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, kMaxConnectionIdleMs);
  builder.RegisterService(&groups);
  builder.RegisterService(&access);
  builder.RegisterService(&cases);
  builder.RegisterService(&notices);
  builder.RegisterService(&reports);
  builder.RegisterService(&outreach_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return Status::Internal("gRPC would not start the server");
  listener.Start(std::move(acceptor));
  // On any return from here, the listener stops handing connections to gRPC
  // before the server is destroyed (a connection handed to a server that is
  // shutting down is never closed). Stop is idempotent.
  struct StopListener {
    GrpcListener& listener;
    ~StopListener() { listener.Stop(); }
  } stop_listener{listener};
  auto* health = server->GetHealthCheckService();
  health->SetServingStatus(false);

  // Deadlines that fell due while the server was down are handled before it
  // reports SERVING.
  auto caught_up = scheduler.CatchUp();
  if (!caught_up.ok()) return caught_up.status();
  if (caught_up->cases > 0)
    spdlog::info("start-up: {} case(s) were due while barazad was down; {} event(s) written",
                 caught_up->cases, caught_up->events);
  scheduler.Start();
  health->SetServingStatus(true);
  // On PostgreSQL the database may go away while barazad serves: health says
  // NOT_SERVING until it answers again (checked every second). Writes meanwhile
  // fail UNAVAILABLE, and the store reconnects by itself.
  struct HealthWatch {
    std::mutex mu;
    std::condition_variable cv;
    bool stop = false;
    std::thread thread;
    void Stop() {
      {
        std::lock_guard lock(mu);
        stop = true;
      }
      cv.notify_all();
      if (thread.joinable()) thread.join();
    }
    ~HealthWatch() { Stop(); }
  } health_watch;
  if (store->ping) {
    health_watch.thread = std::thread([&health_watch, &store, health] {
      bool serving = true;
      std::unique_lock lock(health_watch.mu);
      while (!health_watch.cv.wait_for(lock, std::chrono::seconds(1),
                                       [&] { return health_watch.stop; })) {
        lock.unlock();
        Status s = store->ping();
        lock.lock();
        if (health_watch.stop || s.ok() == serving) continue;
        serving = s.ok();
        health->SetServingStatus(serving);
        if (serving) spdlog::info("the database answers again: SERVING");
        else spdlog::warn("the database does not answer ({}): NOT_SERVING", s.message());
      }
    });
  }

  // Periodic backups on a thread of their own; a failed one is logged and
  // barazad serves on.
  std::optional<BackupSchedule> backups;
  if (!options.backup.dir.empty()) {
    backups.emplace(options.db_path, options.backup, clock);
    spdlog::info("backups every {} into {}, keeping the newest {}",
                 workflow::FormatDuration(options.backup.every), options.backup.dir,
                 options.backup.keep);
    backups->Start();
  }

  web::PublicSite site(*store->store, {limits->page_connections, limits->page_connections_per_peer},
                       api::Refusals(), renderer.get());
  if (!options.public_page.empty()) {
    BARAZA_RETURN_IF_ERROR(site.Start(options.public_page));
    std::string page_host = options.public_page.substr(0, options.public_page.rfind(':'));
    // Machine-readable line for scripts and tests; keep its form.
    std::cout << "barazad public page on http://" << page_host << ":" << site.port() << "/"
              << std::endl;
  }

  if (meter) {
    std::string metrics_host = options.metrics.substr(0, options.metrics.rfind(':'));
    // Machine-readable line for scripts and tests; keep its form.
    std::cout << "barazad metrics on http://" << metrics_host << ":" << meter->port()
              << "/metrics" << std::endl;
  }
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  // Machine-readable line for scripts and tests; keep its form.
  std::cout << "barazad listening on " << host << ":" << *port << std::endl;
  spdlog::info("serving; database {}", postgres ? "on PostgreSQL" : options.db_path);

  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signo) {
    spdlog::info("signal {}: shutting down", signo);
  });
  signals_io.run();

  // Stop: say NOT_SERVING, end the notice streams with UNAVAILABLE (before the
  // shutdown, so that they are not counted among the calls it waits for),
  // refuse new calls, let running calls finish (at most kShutdownGrace), then
  // stop the deadlines and close the database (when the store goes out of scope).
  health_watch.Stop();
  health->SetServingStatus(false);
  listener.Stop();  // no new connections; those open finish their calls
  site.Stop();
  if (store->watch_other_writers) store->watch_other_writers(nullptr);
  hub.Close();
  server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  scheduler.Stop();
  if (backups) backups->Stop();  // a copy in progress stops and leaves nothing
  (*outreach)->Stop();
  server->Wait();
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace baraza
