#include "services/server/admin.h"

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>

#include "services/app/clock.h"
#include "services/auth/tokens.h"
#include "services/server/secret_file.h"
#include "services/workflow/case_machine.h"
#include "services/workflow/duration_text.h"
#include "storage/pg_migrate.h"
#include "storage/sqlite_backup.h"
#include "storage/sqlite_case_store.h"
#include "storage/store_open.h"

namespace baraza::admin {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;

UnixMillis NowMillis() { return SystemClock().Now(); }

std::string When(UnixMillis t) { return t == 0 ? "-" : workflow::FormatTime(t); }

// Opens an existing database; the operator's commands never create one. None
// reads a position, so none needs the data key: the audit compares sealed
// text as it is stored, and an operator can verify a copy kept without its key.
// `db` is an SQLite file or a postgresql:// URI (--store).
std::unique_ptr<OpenedStore> OpenExisting(const std::string& db) {
  if (!IsPostgres(db) && !std::filesystem::exists(db)) {
    std::cerr << "barazad: no database at " << db << " (pass --db, or start barazad once to create it)\n";
    return nullptr;
  }
  StoreOpenOptions options;
  options.location = db;
  options.without_data_key = true;
  auto store = OpenStore(options);
  if (!store.ok()) {
    std::cerr << "barazad: " << store.status().message() << "\n";
    return nullptr;
  }
  return std::make_unique<OpenedStore>(std::move(store).value());
}

int Fail(const Status& s) {
  std::cerr << "barazad: " << CodeName(s.code()) << ": " << s.message() << "\n";
  return kExitFailed;
}

// Progress of a copy on stderr: at most one line every two seconds, so that a
// small copy prints none and a long one shows that it moves.
CopyOptions CopyProgress() {
  using Clock = std::chrono::steady_clock;
  CopyOptions o;
  auto last = std::make_shared<Clock::time_point>(Clock::now());
  o.on_copy = [last](int64_t copied, int64_t total) {
    if (Clock::now() - *last < std::chrono::seconds(2) || copied == total) return;
    *last = Clock::now();
    std::cerr << "barazad: copied " << copied << " of " << total << " pages ("
              << (total > 0 ? copied * 100 / total : 100) << "%)...\n";
  };
  o.on_verify = [](int64_t n) { std::cerr << "barazad: verified " << n << " events of the copy...\n"; };
  return o;
}

}  // namespace

int IssueMediatorToken(const std::string& db, const std::string& label, Millis ttl,
                       const std::string& out) {
  if (Status s = workflow::CheckText("label", label, workflow::kMaxNameBytes, true); !s.ok())
    return Fail(s);
  if (ttl < 0) return Fail(Status::InvalidArgument("--ttl must not be negative"));
  auto store = OpenExisting(db);
  if (!store) return kExitFailed;
  auto token = auth::GenerateToken();
  if (!token.ok()) return Fail(token.status());
  // The file first (never overwriting one), then the record: a token nobody
  // holds is harmless, a record whose token was lost is not recoverable.
  if (Status s = WriteSecretFile(out, *token, /*replace=*/false); !s.ok()) return Fail(s);
  TokenRecord rec;
  rec.hash = auth::HashToken(*token);
  rec.role = Role::kMediator;
  rec.subject_id = 1;
  rec.label = label;
  rec.created_at = NowMillis();
  rec.expires_at = ttl > 0 ? rec.created_at + ttl : 0;
  Status s = store->store->WriteAndWait([&rec](WriteTx& tx) { return tx.InsertToken(rec); });
  if (!s.ok()) {
    ::unlink(out.c_str());
    return Fail(s);
  }
  std::cout << "issued mediator token " << rec.PublicId() << " (" << label << "), "
            << (ttl > 0 ? "expires " + When(rec.expires_at) : std::string("never expires"))
            << "; written to " << out << " (mode 0600)\n";
  return kExitOk;
}

int ListTokens(const std::string& db) {
  auto store = OpenExisting(db);
  if (!store) return kExitFailed;
  auto tokens = store->store->ListTokens();
  if (!tokens.ok()) return Fail(tokens.status());
  UnixMillis now = NowMillis();
  std::cout << std::left << std::setw(14) << "ID" << std::setw(11) << "ROLE" << std::setw(10)
            << "STATE" << std::setw(25) << "CREATED" << std::setw(25) << "EXPIRES" << "LABEL\n";
  for (const auto& t : *tokens) {
    const char* state = t.revoked_at != 0                        ? "revoked"
                        : (t.expires_at != 0 && now >= t.expires_at) ? "expired"
                                                                       : "valid";
    std::cout << std::setw(14) << t.PublicId() << std::setw(11) << Name(t.role)
              << std::setw(10) << state << std::setw(25) << When(t.created_at) << std::setw(25)
              << When(t.expires_at) << t.label << "\n";
  }
  std::cout << tokens->size() << " token(s)\n";
  return kExitOk;
}

int RevokeToken(const std::string& db, const std::string& token_id) {
  auto store = OpenExisting(db);
  if (!store) return kExitFailed;
  Result<TokenRecord> revoked = Status::Internal("not run");
  UnixMillis now = NowMillis();
  Status s = store->store->WriteAndWait([&](WriteTx& tx) {
    revoked = tx.RevokeToken(token_id, now);
    return revoked.status();
  });
  if (!s.ok()) return Fail(s);
  std::cout << "revoked token " << revoked->PublicId() << " (" << revoked->label
            << "); a running barazad refuses it within a second\n";
  return kExitOk;
}

int AuditVerify(const std::string& db, const std::optional<std::string>& head) {
  std::optional<chain::Head> kept;
  if (head) {
    auto parsed = chain::Head::Parse(*head);
    if (!parsed.ok()) return Fail(parsed.status());
    kept = *parsed;
  }
  auto store = OpenExisting(db);
  if (!store) return kExitFailed;
  auto audit = store->audit(kept, [](int64_t n) {
    std::cerr << "barazad: verified " << n << " events...\n";
  });
  if (!audit.ok()) return Fail(audit.status());
  if (!audit->ok()) {
    if (audit->first_break) std::cout << "BROKEN: " << *audit->first_break << "\n";
    for (const auto& m : audit->mismatches) std::cout << "MISMATCH: " << m << "\n";
    if (audit->mismatch_count > static_cast<int64_t>(audit->mismatches.size()))
      std::cout << "... and " << audit->mismatch_count - audit->mismatches.size() << " more\n";
    if (!audit->first_break && !IsPostgres(db))
      std::cout << "the history is intact; `barazad rebuild --db " << db
                << "` (barazad stopped) recomputes the state from it\n";
    return kExitFailed;
  }
  std::cout << "ok: " << audit->head.events << " events and the state verified"
            << (kept ? ", including the kept head " + kept->ToString().substr(0, 20) + "..." : "")
            << "\nhead " << audit->head.ToString() << "\n";
  return kExitOk;
}

int AuditHead(const std::string& db) {
  auto store = OpenExisting(db);
  if (!store) return kExitFailed;
  auto audit = store->audit(std::nullopt, {});
  if (!audit.ok()) return Fail(audit.status());
  if (!audit->ok()) {
    std::cerr << "barazad: the history does not verify, so it has no head to keep: "
              << (audit->first_break ? *audit->first_break : audit->mismatches.front()) << "\n";
    return kExitFailed;
  }
  std::cout << audit->head.ToString() << "\n";
  return kExitOk;
}

int Rebuild(const std::string& db) {
  if (!std::filesystem::exists(db)) {
    std::cerr << "barazad: no database at " << db << " (pass --db)\n";
    return kExitFailed;
  }
  std::cerr << "barazad: rebuilding the state of " << db << " from its history...\n";
  auto rows = SqliteCaseStore::Rebuild(db);
  if (!rows.ok()) return Fail(rows.status());
  std::cout << "rebuilt " << *rows << " rows from the history\n";
  return AuditVerify(db, std::nullopt);
}

int Backup(const std::string& db, const std::string& out) {
  auto copy = BackupDatabase(db, out, CopyProgress());
  if (!copy.ok()) return Fail(copy.status());
  std::cout << "ok: " << db << " copied to " << out << " (" << copy->bytes << " bytes); "
            << copy->head.events << " events and the state verified\n"
            << "head " << copy->head.ToString() << "\n";
  return kExitOk;
}

int Restore(const std::string& from, const std::string& db, const std::optional<std::string>& head) {
  CopyOptions options = CopyProgress();
  if (head) {
    auto parsed = chain::Head::Parse(*head);
    if (!parsed.ok()) return Fail(parsed.status());
    options.kept = *parsed;
  }
  auto copy = RestoreDatabase(from, db, options);
  if (!copy.ok()) return Fail(copy.status());
  std::cout << "ok: " << from << " restored to " << db << " (" << copy->bytes << " bytes); "
            << copy->head.events << " events and the state verified"
            << (head ? ", including the kept head" : "") << "\n"
            << "head " << copy->head.ToString() << "\n"
            << (head ? "" : "compare it with the head you kept when the backup was made\n");
  return kExitOk;
}

int Migrate(const std::string& from, const std::string& to) {
  if (from.rfind("sqlite:", 0) != 0) {
    std::cerr << "barazad: --from \"" << from << "\" must be sqlite:FILE (the database to copy)\n";
    return 2;
  }
  if (!IsPostgres(to)) {
    std::cerr << "barazad: --to \"" << to << "\" must be a postgresql:// URI\n";
    return 2;
  }
  auto moved = MigrateSqliteToPostgres(from.substr(7), to, [](int64_t rows) {
    std::cerr << "barazad: copied " << rows << " rows...\n";
  });
  if (!moved.ok()) return Fail(moved.status());
  std::cout << "copied " << moved->rows << " rows\nhead of " << from << ": "
            << moved->from.ToString() << "\nhead of the PostgreSQL copy: " << moved->to.ToString()
            << "\n";
  if (moved->from.ToString() != moved->to.ToString()) {
    std::cerr << "barazad: the heads differ; do not serve the copy\n";
    return kExitFailed;
  }
  std::cout << "ok: the heads are equal. Start barazad with --store and the same data key "
               "(--data-key-file, default <db>.key)\n";
  return kExitOk;
}

}  // namespace baraza::admin
