// The projection tables: the state barazad keeps beside its history (cases,
// positions, deadlines, tokens, ...), and how each change of a row is recorded
// in the history so that the history binds it. Pure values; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "services/workflow/model.h"
#include "services/workflow/status.h"
#include "storage/case_store.h"

namespace baraza::projection {

// Every table whose rows are derived from the history. The numbers are stored
// in the history (record::RowChange.table): never renumber one.
enum class Table : uint32_t {
  kContactGroups = 1,
  kParties = 2,
  kLiaisons = 3,
  kCommanders = 4,
  kTokens = 5,
  kCases = 6,
  kCaseParties = 7,
  kPositions = 8,
  kNotices = 9,
  kDeadlines = 10,
  kRequests = 11,
  kReports = 12,
  kContactPoints = 13,
  kDeliveries = 14,
};

struct TableSpec {
  Table table;
  const char* name;                  // the SQL table
  std::vector<const char*> columns;  // the key columns first
  size_t key_columns;
  int case_column;                   // the column naming the case; -1 if none
  const char* row_name;              // what a person calls one row ("position")
  // Columns added after the table was first recorded come last and default to
  // 0 or "". A row whose added columns are all 0 or "" digests as it did before they
  // existed, and a record made before them reads as such a row, so that an
  // older database's history still verifies. 0: no column was added.
  size_t first_columns = 0;
  // The type of each added column, 'i' (integer, default 0) or 't' (text,
  // default ""): what an older record's row is completed with. "": all integers.
  const char* added_kinds = "";
};
// Every projection table, in the order they are checked and rebuilt.
const std::vector<TableSpec>& Tables();
const TableSpec* Spec(uint32_t table);
const TableSpec& Spec(Table table);

// One stored value, and a row as its columns in TableSpec order.
using Cell = std::variant<int64_t, std::string>;
using Row = std::vector<Cell>;

// The table and key columns as bytes: unique across every projection table.
std::string KeyOf(Table table, const Row& row);
// The SHA-256 (32 bytes) of a row's table and every column.
std::string DigestOf(Table table, const Row& row);
// DigestOf, fed one column at a time (a table scan digests rows without making
// them): the same bytes, so the same digest. Reusable; not thread-safe.
class RowDigester {
 public:
  void Begin(Table table);
  void Int(int64_t v);
  void Text(const char* data, size_t size);
  std::string Finish() const;

 private:
  void Column();  // before each column's bytes: holds back added columns that are 0
  std::string bytes_;
  std::string held_;  // added columns, all 0 so far: digested only if a later one is not
  size_t column_ = 0;
  size_t first_columns_ = 0;
};
// The case a row belongs to; 0 for rows of no case (tokens, parties...).
Id CaseOf(Table table, const Row& row);
// What a person calls the row: "case 7", "position 2 of case 7", "token 3f2a9c01b2c4".
std::string Describe(Table table, const Row& row);

// The rows as the stores write them (column order of Tables()).
Row GroupRow(const ContactGroup& g);
Row PartyRow(const Party& p);
Row LiaisonRow(const Liaison& l);
Row CommanderRow(const Commander& c);
Row TokenRow(const TokenRecord& t);
Row CaseRow(const Case& c, const std::string& body);
Row CasePartyRow(Id party_id, Id case_id);
Row PositionRow(Id case_id, const Position& p);
Row NoticeRow(const Notice& n);
Notice NoticeOf(const Row& row);  // without its deliveries
Row DeadlineRow(const Deadline& d);
Row RequestRow(const StoredRequest& r);
Row ReportRow(const Report& r, const std::string& sections);
Row ContactPointRow(const ContactPoint& p);
Row DeliveryRow(const Delivery& d);
ContactPoint ContactPointOf(const Row& row);
Delivery DeliveryOf(const Row& row);

// How a case's pending deadlines change when it is saved with `wanted`: the
// stored ones no longer wanted are deleted, those new or moved are written
// (with the row each replaces). Both stores record them in this order.
struct DeadlineChange {
  Deadline deadline;              // the one deleted, or the one written
  std::optional<Deadline> old;    // for a moved one: as it was
  bool deleted = false;
};
std::vector<DeadlineChange> DiffDeadlines(std::vector<Deadline> stored,
                                          const std::vector<Deadline>& wanted);

// The sum (mod 2^256) of the digests of a set of rows: it changes by one
// addition per row written and one subtraction per row replaced or deleted,
// so the writer keeps it current cheaply, and a scan of the tables recomputes it.
class StateSum {
 public:
  void Add(const std::string& digest);
  void Subtract(const std::string& digest);
  std::string Bytes() const;  // 32 bytes, big-endian
  static Result<StateSum> FromBytes(const std::string& bytes);
  std::string Hex() const;
  bool operator==(const StateSum& other) const { return limbs_ == other.limbs_; }

 private:
  std::array<uint64_t, 4> limbs_{};  // least significant first
};

// One change as recorded: a row written (all columns) or deleted (key only).
struct Change {
  Table table;
  Row row;
  bool deleted = false;
};

// The changes of the write in progress and the state sum they lead to. Used
// by the SQLite store's writer; not thread-safe.
class Recorder {
 public:
  // Starts from the state sum the last committed write recorded.
  void Reset(const StateSum& committed) { sum_ = good_ = committed; changes_.clear(); }
  // A row written; `old` is the row it replaced, if there was one.
  void Put(Table table, Row row, const Row* old = nullptr);
  // A row deleted; `old` is the whole row as it was.
  void Delete(Table table, const Row& old);
  bool empty() const { return changes_.empty(); }
  // The changes so far and the sum after them, encoded for the history; clears them.
  std::string Take();
  // The write succeeded (its sum stands) or was rolled back (back to the last good sum).
  void WriteDone(bool ok);
  const StateSum& sum() const { return sum_; }
  // The changes not taken yet, for a registry event's summary.
  const std::vector<Change>& pending() const { return changes_; }

 private:
  StateSum sum_, good_;
  std::vector<Change> changes_;
};

// The changes recorded with one event, and the state sum after them.
struct Decoded {
  std::vector<Change> changes;
  StateSum sum;
};
// The event that carries a write's changes of rows that belong to no case
// (contact groups, parties, liaisons, commanders, tokens, requests): the
// registry's own history, case 0. `at`: the latest time the write touched.
Event RegistryEvent(int64_t seq, UnixMillis at, const std::vector<Change>& changes);

// Encodes changes and the sum after them (record::Changes).
std::string Encode(const std::vector<Change>& changes, const StateSum& sum);
Result<Decoded> Decode(const std::string& bytes);

}  // namespace baraza::projection
