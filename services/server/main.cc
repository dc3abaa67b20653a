// barazad: the Baraza server, and the operator's commands on its database
// (`barazad token ...`, `barazad audit ...`, `barazad backup|restore`). See
// README.md and docs/ (docs/operations.md for backups).
#include <CLI/CLI.hpp>
#include <grpc/support/log.h>
#include <iostream>
#include <spdlog/spdlog.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "baraza_version.h"
#include "services/log/json_format.h"
#include "services/process/tuning.h"
#include "services/server/admin.h"
#include "services/server/config_file.h"
#include "services/server/server.h"
#include "services/workflow/duration_text.h"

int main(int argc, char** argv) {
  baraza::process::Tune();
  CLI::App app{"barazad — the Baraza case server: contact groups, disputes, notices and "
               "deadlines that the server enforces itself.\nWith no command it serves; "
               "`token`, `audit`, `rebuild`, `backup` and `restore` work on the database file, "
               "`migrate` moves it to PostgreSQL."};
  baraza::ServerOptions options;
  app.add_option("--listen", options.listen, "address to serve gRPC on (host:port; port 0 picks one)")
      ->capture_default_str();
  app.add_option("--db", options.db_path, "SQLite database file (created if missing)")
      ->capture_default_str();
  app.add_option("--store", options.store,
                 "a PostgreSQL database instead of the SQLite file: postgresql://user@host:port/db"
                 "?connect_timeout=5 (its schema is created if missing; --db then only places "
                 "<db>.key). `token` and `audit` work on it too");
  app.add_option("--mediator-token-file", options.token_file,
                 "where the first mediator token is written on first start (mode 0600)")
      ->capture_default_str();
  app.add_option("--data-key-file", options.data_key_file,
                 "key that seals mediator-only text at rest (default: the systemd credential "
                 "baraza-data-key, else <db>.key, created 0600 on first start; keep a copy "
                 "apart from the backups)");
  app.add_option("--tls-cert", options.tls_cert, "PEM certificate chain: serve TLS only")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", options.tls_key, "PEM private key of --tls-cert")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-client-ca", options.tls_client_ca,
                 "PEM CA: require and verify a client certificate signed by it")
      ->check(CLI::ExistingFile);
  app.add_flag("--insecure-listen", options.insecure_listen,
               "allow plaintext on a non-loopback address (tokens would cross the network "
               "in clear; only behind a tunnel you trust)");
  app.add_option("--public-page", options.public_page,
                 "serve the read-only web page of published reports on host:port "
                 "(e.g. 127.0.0.1:8080); off unless given");
  app.add_option("--catalogue-dir", options.catalogue_dir,
                 "the message catalogues, one <lang>.txt per language (docs/i18n.md); "
                 "default: " + baraza::DefaultCatalogueDir());
  app.add_option("--mediator-language", options.mediator_language,
                 "the language the mediators' notices are delivered in, and read in when a "
                 "call names none (e.g. fr, ar); default: English");
  app.add_flag("--verify-on-start", options.verify_on_start,
               "verify the whole history and state before serving (as `audit verify`), not "
               "only the chain's tail and the state's sum");
  auto& reach = options.outreach;
  app.add_option("--smtp-relay", reach.smtp_relay,
                 "mail relay for e-mail notices, smtp://host:port (STARTTLS when offered) or "
                 "smtps://host:port; without it e-mail notices wait in the outbox")
      ->group("Reach (docs/notifications.md)");
  app.add_option("--mail-from", reach.mail_from, "sender address of e-mail notices")
      ->capture_default_str()->group("Reach (docs/notifications.md)");
  app.add_option("--smtp-user", reach.smtp_user, "user name at the mail relay")
      ->group("Reach (docs/notifications.md)");
  app.add_option("--smtp-password-file", reach.smtp_password_file,
                 "file holding the relay's password (mode 0600)")
      ->group("Reach (docs/notifications.md)");
  app.add_option("--sms-gateway", reach.sms_gateway,
                 "https URL of the SMS gateway's webhook (RapidPro/TextIt, Twilio or Africa's "
                 "Talking relay): SMS notices are POSTed there, signed")
      ->group("Reach (docs/notifications.md)");
  app.add_option("--webhook-secret-file", reach.webhook_secret_file,
                 "HMAC-SHA256 key barazad signs webhooks and SMS requests with (made on first start; "
                 "default: webhook.secret beside --db)")
      ->group("Reach (docs/notifications.md)");
  app.add_option("--delivery-report-secret-file", reach.report_secret_file,
                 "HMAC-SHA256 key the SMS gateway signs delivery reports with; give it to the "
                 "gateway only (made on first start; default: delivery-reports.secret beside --db)")
      ->group("Reach (docs/notifications.md)");
  app.add_option("--delivery-reports", reach.delivery_reports,
                 "host:port to receive signed delivery reports from the SMS gateway on "
                 "(POST /v1/delivery-reports); off unless given")
      ->group("Reach (docs/notifications.md)");
  const char* limits_group = "Limits (docs/security.md)";
  auto& limits = options.limits;
  app.add_option("--max-connections", limits.connections,
                 "gRPC connections at once, all clients together (0: from the open-file limit); "
                 "more are closed as they arrive, or take one of the address holding most")
      ->capture_default_str()->group(limits_group);
  app.add_option("--max-connections-per-peer", limits.connections_per_peer,
                 "gRPC connections at once from one address (0: an eighth of the total, 4 to 256)")
      ->capture_default_str()->group(limits_group);
  app.add_option("--max-streams-per-connection", limits.streams_per_connection,
                 "calls in flight on one gRPC connection (100 when 0)")
      ->capture_default_str()->group(limits_group);
  app.add_option("--page-max-connections", limits.page_connections,
                 "public page connections at once (0: a quarter of the open-file limit)")
      ->capture_default_str()->group(limits_group);
  app.add_option("--page-max-connections-per-peer", limits.page_connections_per_peer,
                 "public page connections at once from one address (0: an eighth, 4 to 64)")
      ->capture_default_str()->group(limits_group);
  app.add_option("--auth-slow-after", options.auth_slow_after,
                 "failed authentications from one address before its calls are refused for a "
                 "growing while (1 s, doubling to 30 s); 0 never slows. Behind a proxy or "
                 "tunnel every client shares its address")
      ->capture_default_str()->check(CLI::NonNegativeNumber)->group(limits_group);
  std::string backup_every = "60";
  auto* backup_dir_opt =
      app.add_option("--backup-dir", options.backup.dir,
                     "take a verified backup every --backup-every into this folder "
                     "(barazad-<UTC time>.db); off unless given")
          ->group("Backups (docs/operations.md)");
  auto* backup_every_opt =
      app.add_option("--backup-every", backup_every,
                     "minutes between two backups (or a duration: 90s, 6h)")
          ->capture_default_str()->group("Backups (docs/operations.md)");
  auto* backup_keep_opt =
      app.add_option("--backup-keep", options.backup.keep,
                     "backups kept in --backup-dir; older ones are removed")
          ->capture_default_str()->check(CLI::Range(1, 1000000))->group("Backups (docs/operations.md)");
  backup_every_opt->needs(backup_dir_opt);
  backup_keep_opt->needs(backup_dir_opt);
  std::string log_level = "info";
  // Checked here: spdlog reads a name it does not know as "off", so a typo
  // would silence the log.
  app.add_option("--log-level", log_level, "how much to log")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  std::string log_format = "text";
  app.add_option("--log-format", log_format,
                 "text: spdlog's usual lines; json: one object per line with time, level, "
                 "message and, where known, case, rpc and peer")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--metrics", options.metrics,
                 "serve Prometheus metrics on host:port at /metrics (e.g. 127.0.0.1:9464; "
                 "port 0 picks one); off unless given. Anyone who reaches it reads them: keep "
                 "it on loopback or a network you trust")
      ->group("Operations (docs/operations.md)");
  app.set_version_flag("--version", baraza::VersionLine("barazad"));
  app.footer("Stop with SIGINT or SIGTERM: running calls get 0.3 s to finish, the database is "
             "closed cleanly.");
  app.fallthrough();  // `barazad audit verify --db FILE`: server flags may follow a command

  // --- barazad token issue|list|revoke ---
  auto* token = app.add_subcommand("token", "mediator tokens: issue, list, revoke (on --db)");
  token->footer("Liaison and commander tokens are issued and revoked with baraza-mediator.");
  token->require_subcommand(1);
  auto* issue = token->add_subcommand("issue", "issue a new mediator token into a new file");
  std::string label = "mediator", ttl_text = "0", out;
  issue->add_option("--label", label, "who holds it, shown in lists")->capture_default_str();
  issue->add_option("--ttl", ttl_text, "lifetime, e.g. 30d or 12h; 0 never expires")
      ->capture_default_str();
  issue->add_option("--out", out, "file to create for the token (mode 0600; never overwritten)")
      ->required();
  token->add_subcommand("list", "every token: id, role, state, created, expires, label");
  auto* revoke = token->add_subcommand("revoke", "revoke a token by the id `token list` shows");
  std::string token_id;
  revoke->add_option("id", token_id, "the token's id (12 hex digits)")->required();

  // --- barazad audit verify|head ---
  auto* audit = app.add_subcommand("audit", "the tamper-evident history (on --db)");
  audit->footer("Exit status 1 when the history does not verify. See docs/security.md.");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand(
      "verify", "recompute the hash chain and the state from it; report the first event "
                "edited, deleted or moved and every row of the state that differs");
  std::string head;
  verify->add_option("--head", head,
                     "a head printed earlier by `audit head`; catches a log cut short or "
                     "rewritten since");
  audit->add_subcommand("head", "verify, then print the head to keep outside the server");

  // --- barazad rebuild ---
  auto* rebuild = app.add_subcommand(
      "rebuild", "recompute the state (cases, positions, deadlines, tokens...) from the history "
                 "(on --db; stop barazad first)");
  rebuild->footer("Refused when the history itself does not verify: then restore a backup.");

  // --- barazad backup | restore ---
  auto* backup = app.add_subcommand(
      "backup", "copy the database (on --db; barazad may be serving it) into a new file, "
                "verify the copy and print its head");
  std::string backup_out;
  backup->add_option("--out", backup_out, "the file to create (mode 0600; never overwritten)")
      ->required();
  backup->footer("Keep the printed head apart from the backup. See docs/operations.md.");
  auto* restore = app.add_subcommand(
      "restore", "put a backup in place as a new database (--db, which must not exist), "
                 "verified; prints its head");
  std::string restore_from, restore_head;
  restore->add_option("--from", restore_from, "the backup file")->required();
  restore->add_option("--head", restore_head,
                      "the head kept when the backup was made; the backup must contain it");
  restore->footer("Start barazad on the restored database afterwards. See docs/operations.md.");

  // --- barazad migrate ---
  auto* migrate = app.add_subcommand(
      "migrate", "copy an SQLite database (barazad stopped on it) into an empty PostgreSQL "
                 "database; both verified, both heads printed");
  std::string migrate_from, migrate_to;
  migrate->add_option("--from", migrate_from, "sqlite:FILE, the database to copy")->required();
  migrate->add_option("--to", migrate_to, "postgresql://..., an empty database")->required();
  migrate->footer("Then start barazad with --store and the same --data-key-file (default "
                  "<db>.key). See docs/operations.md.");

  baraza::server::AddConfigFile(app);
  if (int code = baraza::server::ParseCommandLine(app, argc, argv); code >= 0) return code;

  if (*migrate) return baraza::admin::Migrate(migrate_from, migrate_to);
  // `token` and `audit` work on the store barazad would serve.
  const std::string store_location = options.store.empty() ? options.db_path : options.store;
  if (!options.store.empty() && (*backup || *restore || *rebuild)) {
    std::cerr << "barazad: backup, restore and rebuild work on an SQLite file (--db); for "
                 "PostgreSQL use its own tools (docs/operations.md)\n";
    return 2;
  }

  if (*backup) return baraza::admin::Backup(options.db_path, backup_out);
  if (*restore)
    return baraza::admin::Restore(restore_from, options.db_path,
                                  restore_head.empty() ? std::nullopt : std::optional(restore_head));

  if (*token) {
    if (token->got_subcommand("issue")) {
      auto ttl = baraza::workflow::ParseDuration(ttl_text);
      if (ttl_text == "0") ttl = 0;
      if (!ttl) {
        std::cerr << "barazad: --ttl \"" << ttl_text << "\" is not a duration like 30d or 12h\n";
        return 2;
      }
      return baraza::admin::IssueMediatorToken(store_location, label, *ttl, out);
    }
    if (token->got_subcommand("list")) return baraza::admin::ListTokens(store_location);
    return baraza::admin::RevokeToken(store_location, token_id);
  }
  if (*rebuild) return baraza::admin::Rebuild(options.db_path);
  if (*audit) {
    if (audit->got_subcommand("head")) return baraza::admin::AuditHead(store_location);
    return baraza::admin::AuditVerify(store_location,
                                      head.empty() ? std::nullopt : std::optional(head));
  }

  if (!options.backup.dir.empty()) {
    // A plain number is minutes; a duration with its unit is taken as written.
    bool minutes = !backup_every.empty() &&
                   backup_every.find_first_not_of("0123456789") == std::string::npos;
    auto every = baraza::workflow::ParseDuration(minutes ? backup_every + "m" : backup_every);
    if (!every || *every <= 0) {
      std::cerr << "barazad: --backup-every \"" << backup_every
                << "\" is not a number of minutes (or a duration like 90s or 6h) above 0\n";
      return 2;
    }
    options.backup.every = *every;
  }

  if (log_format == "json") {
    // Plain stderr: a JSON line must carry no colour codes.
    auto logger = spdlog::stderr_logger_mt("barazad");
    logger->set_formatter(baraza::log::MakeFormatter(log_format));
    spdlog::set_default_logger(logger);
    // gRPC's own messages become JSON lines too, instead of its own format.
    gpr_set_log_function([](gpr_log_func_args* a) {
      auto level = a->severity == GPR_LOG_SEVERITY_ERROR  ? spdlog::level::err
                   : a->severity == GPR_LOG_SEVERITY_INFO ? spdlog::level::info
                                                          : spdlog::level::debug;
      spdlog::log(level, "grpc: {} ({}:{})", a->message, a->file, a->line);
    });
  } else {
    spdlog::set_default_logger(spdlog::stderr_color_mt("barazad"));
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  baraza::Status s = baraza::RunServer(options);
  if (!s.ok()) {
    if (log_format == "json") spdlog::critical("barazad: {}", s.message());
    else std::cerr << "barazad: " << s.message() << std::endl;
    return 1;
  }
  return 0;
}
