// barazad's own commands for the operator, run on the database file (also while
// the server runs): `token issue|list|revoke` for mediator tokens, `audit
// verify|head` for the tamper-evident history, `backup` and `restore`. Used by main.cc.
#pragma once

#include <optional>
#include <string>

#include "services/workflow/model.h"

namespace baraza::admin {

// Each returns the process exit code and prints what a person needs to act.

// Issues a mediator token valid for `ttl` (0: never expires) into a new file
// `out` (mode 0600); the token is never printed.
int IssueMediatorToken(const std::string& db, const std::string& label, Millis ttl,
                       const std::string& out);
// Lists every token: id, role, label, created, expires, revoked. Never hashes.
int ListTokens(const std::string& db);
// Revokes a token by its id; a running server refuses it within a second.
int RevokeToken(const std::string& db, const std::string& token_id);

// Walks the whole history and compares the state with it; prints "ok" and the
// head, or the first event that was edited, deleted or moved and every row of
// the state that differs from the history (exit 1). `head`: one printed earlier
// by AuditHead, checked too (catches a log cut short or rewritten).
int AuditVerify(const std::string& db, const std::optional<std::string>& head);
// Verifies, then prints only the head ("<events>:<hash>") to keep outside.
int AuditHead(const std::string& db);
// Recomputes the state from an intact history (barazad stopped), then verifies.
int Rebuild(const std::string& db);

// Copies the database (barazad may be serving it) into the new file `out`
// (mode 0600, never overwritten), verified; prints the copy's head.
int Backup(const std::string& db, const std::string& out);
// Puts the backup `from` in place as the database `db`, which must not exist,
// verified (against `head` too when given); prints its head.
int Restore(const std::string& from, const std::string& db, const std::optional<std::string>& head);

// Copies the SQLite database `from` ("sqlite:FILE") into the empty PostgreSQL
// database `to` (a postgresql:// URI); prints both heads, which must be equal.
int Migrate(const std::string& from, const std::string& to);

}  // namespace baraza::admin
