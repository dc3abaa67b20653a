#include "storage/sqlite_confidential.h"

#include <unistd.h>

#include <map>

#include "storage/case_codec.h"
#include "storage/data_key.h"
#include "storage/sql_history.h"
#include "storage/sql_record.h"
#include "storage/sqlite_record.h"
#include "storage/sqlite_schema.h"

namespace baraza::sqlite {

using projection::Row;
using projection::Table;

namespace {

constexpr int kTextColumn = 5;  // of projection's positions: case, id, party, visibility, at, text

// The row a sealed text belongs to: moved to any other row, it no longer opens.
std::string PositionAad(Id case_id, Id position_id) {
  return "baraza-position-v1:" + std::to_string(case_id) + ":" + std::to_string(position_id);
}

Status NoKey() {
  return Status::FailedPrecondition(
      "this store was opened without its data key; mediator-only positions can be neither "
      "written nor read");
}

Result<std::optional<std::string>> StoredKeyId(Connection& c) {
  Query q(c, "SELECT key_id FROM data_key WHERE id = 1");
  if (q.Next()) return std::optional<std::string>(q.Text(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  return std::optional<std::string>();
}

// Seals every mediator-only position of a database that has no key yet (so
// none is sealed: the key id and the sealing are written in one transaction),
// whatever its text looks like — a party may have stated "enc1:..." itself —
// each case's in an event of that case that records the rows as they now are
// (the old ones are replaced in the state sum), so that `audit verify` and
// `rebuild` agree.
Status SealPlainPositions(Connection& c, const DataCipher& cipher) {
  BARAZA_ASSIGN_OR_RETURN(std::vector<Row> rows,
                          sql::SelectRows(c, Table::kPositions, "visibility = ?",
                                     {static_cast<int64_t>(Visibility::kMediatorOnly)}));
  if (rows.empty()) return Status::Ok();
  std::map<Id, std::vector<Row>> by_case;
  for (Row& r : rows) by_case[std::get<int64_t>(r[0])].push_back(std::move(r));
  UnixMillis at = 0;
  {
    Query q(c, "SELECT COALESCE(MAX(at), 0) FROM events");
    if (q.Next()) at = q.Int(0);
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  BARAZA_ASSIGN_OR_RETURN(projection::StateSum sum, sql::RecordedSum(c));
  BARAZA_RETURN_IF_ERROR(
      c.Exec("DROP TRIGGER IF EXISTS positions_no_update; DROP TRIGGER IF EXISTS positions_no_delete"));
  sql::HistoryWriter<Connection> history(c);
  const std::string details = codec::EncodeDetails({{"sealed", "mediator-only positions"}});
  for (auto& [case_id, old_rows] : by_case) {
    projection::Recorder rec;
    rec.Reset(sum);
    for (const Row& old : old_rows) {
      Row sealed = old;
      Id id = std::get<int64_t>(old[1]);
      BARAZA_ASSIGN_OR_RETURN(std::string text,
                              cipher.Seal(std::get<std::string>(old[kTextColumn]),
                                          PositionAad(case_id, id)));
      sealed[kTextColumn] = text;
      Query q(c, "UPDATE positions SET text = ? WHERE case_id = ? AND id = ?");
      q.Bind(text).Bind(case_id).Bind(id);
      BARAZA_RETURN_IF_ERROR(q.Run());
      rec.Put(Table::kPositions, std::move(sealed), &old);
    }
    sum = rec.sum();
    BARAZA_ASSIGN_OR_RETURN(sql::HistoryWriter<Connection>::Tail tail, history.CaseTail(case_id));
    Event e;
    e.case_id = case_id;
    e.seq = tail.seq + 1;
    e.at = at;
    e.actor = "system";
    e.type = EventType::kRecordSealed;
    e.visibility = Visibility::kMediatorOnly;
    BARAZA_RETURN_IF_ERROR(history.Append(e, details, rec.Take()));
  }
  return c.Exec(kPositionGuards);
}

}  // namespace

Result<Row> StoredPositionRow(const DataCipher* cipher, Id case_id, const Position& p) {
  Row row = projection::PositionRow(case_id, p);
  if (p.visibility != Visibility::kMediatorOnly) return row;
  if (!cipher) return NoKey();
  BARAZA_ASSIGN_OR_RETURN(row[kTextColumn], cipher->Seal(p.text, PositionAad(case_id, p.id)));
  return row;
}

Result<std::string> PlainPositionText(const DataCipher* cipher, Id case_id, const Position& p) {
  if (p.visibility != Visibility::kMediatorOnly || !DataCipher::IsSealed(p.text)) return p.text;
  if (!cipher) return NoKey();
  auto plain = cipher->Open(p.text, PositionAad(case_id, p.id));
  if (!plain.ok())
    return Status(plain.status().code(), "position " + std::to_string(p.id) + " of case " +
                                             std::to_string(case_id) + ": " +
                                             plain.status().message());
  return plain;
}

Result<std::unique_ptr<DataCipher>> OpenDataKey(Connection& c, const DataKeySource& source) {
  BARAZA_ASSIGN_OR_RETURN(std::optional<std::string> stored, StoredKeyId(c));
  auto key = ReadDataKey(source.file, source.trusted);
  if (!key.ok() && key.status().code() != Code::kNotFound) return key.status();
  if (!key.ok() && stored)
    return Status::FailedPrecondition(
        "this database holds text sealed under data key " + *stored + ", but there is no key "
        "file at " + source.file + ". Put the database's key file back there (or pass "
        "--data-key-file); barazad never makes a new key for a database that has one");
  if (!key.ok() && source.trusted)
    return Status::FailedPrecondition("no data key in the credential " + source.file +
                                      "; barazad never writes a credential. Create one with "
                                      "`openssl rand -hex 32`");
  bool created = false;
  if (!key.ok()) {
    BARAZA_ASSIGN_OR_RETURN(std::string fresh, DataCipher::NewKey());
    BARAZA_RETURN_IF_ERROR(WriteNewDataKey(source.file, fresh));
    key = fresh;
    created = true;
  }
  BARAZA_ASSIGN_OR_RETURN(DataCipher cipher, DataCipher::FromKey(*key));
  if (stored && *stored != cipher.KeyId())
    return Status::FailedPrecondition(
        "the data key in " + source.file + " (id " + cipher.KeyId() + ") is not the key this "
        "database was sealed with (id " + *stored + "); start barazad with the database's own "
        "key file (--data-key-file)");
  if (!stored) {
    BARAZA_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
    Status s = SealPlainPositions(c, cipher);
    if (s.ok()) {
      Query q(c, "INSERT INTO data_key(id, key_id) VALUES(1, ?)");
      q.Bind(cipher.KeyId());
      s = q.Run();
    }
    if (s.ok()) s = c.Exec("COMMIT");
    if (!s.ok()) {
      c.Exec("ROLLBACK");
      // A key nothing was sealed with is no loss; a stale one would later be refused.
      if (created) ::unlink(source.file.c_str());
      return s;
    }
  }
  return std::make_unique<DataCipher>(std::move(cipher));
}

}  // namespace baraza::sqlite
