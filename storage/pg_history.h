// Appending events to the tamper-evident history in PostgreSQL, each chained to
// its case's previous event and to the whole log (docs/security.md), as the
// SQLite store does (storage/sqlite_history.h). The writer's; one thread at a time.
#pragma once

#include <optional>
#include <string>

#include "storage/event_chain.h"
#include "storage/pg_connection.h"

namespace baraza::pg {

class HistoryWriter {
 public:
  explicit HistoryWriter(Connection& c) : c_(c) {}

  // Appends `e` with its details and the projection changes recorded with it
  // (may be empty). `new_case`: the case has no event yet (saves a look-up).
  Status Append(const Event& e, const std::string& details_json, const std::string& changes,
                bool new_case = false);
  // The whole log's last link. Only this writer appends, so once read it is
  // kept and moved on as events are appended.
  Result<chain::Head> LogHead();
  // The last event of a case: its sequence number and hash (0 and "" if none).
  struct Tail {
    int64_t seq = 0;
    std::string hash;
  };
  Result<Tail> CaseTail(Id case_id);

  // The write in progress succeeded (its events stand) or was rolled back.
  void WriteDone(bool ok);
  // The transaction did not commit: read the head again next time.
  void Forget() {
    head_ = good_head_ = std::nullopt;
    last_ = {};
  }

 private:
  Connection& c_;
  // The event appended last, so that a save's next event needs no look-up.
  Id last_case_ = -1;
  Tail last_;
  // The log head with this write's events, and with only the writes that succeeded.
  std::optional<chain::Head> head_, good_head_;
};

}  // namespace baraza::pg
