// Confidential text at rest in the SQLite store: which columns are sealed
// (the text of mediator-only positions), the data key's check at open, and the
// sealing of plain text an older database holds. Writer connection and readers;
// one connection, one thread at a time. Design: docs/security.md, "At rest".
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "storage/data_cipher.h"
#include "storage/projection.h"
#include "storage/sqlite_connection.h"

namespace baraza::sqlite {

// A position's row as stored: the text of a mediator-only position sealed
// under the row's key (case, position). FAILED_PRECONDITION without a cipher.
Result<projection::Row> StoredPositionRow(const DataCipher* cipher, Id case_id, const Position& p);
// A stored position's text in plain text: a mediator-only one opened (DATA_LOSS
// when it does not open), any other as it is.
Result<std::string> PlainPositionText(const DataCipher* cipher, Id case_id, const Position& p);

// Where the data key comes from (SqliteCaseStore::Options).
struct DataKeySource {
  std::string file;      // the key file
  bool trusted = false;  // a systemd credential: its mode is not checked, it is never created
};
// The cipher for the database on `c` (of schema 8): the key in `source` must be
// the one the database names. A database that names none (new, or older than
// sealing) takes the key in the file, or a new one written there, and its
// mediator-only positions still in plain text are sealed into the history,
// in one transaction. FAILED_PRECONDITION naming the file and the fix when the
// key is missing for a database that has one, or is not its key.
Result<std::unique_ptr<DataCipher>> OpenDataKey(Connection& c, const DataKeySource& source);

}  // namespace baraza::sqlite
