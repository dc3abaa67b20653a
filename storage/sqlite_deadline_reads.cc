#include "storage/sqlite_deadline_reads.h"

namespace baraza::sqlite {

Result<std::vector<Id>> CasesDue(Connection& c, UnixMillis now, int limit) {
  Query q(c,
          "SELECT case_id, MIN(due_at) AS due FROM deadlines WHERE due_at <= ? "
          "GROUP BY case_id ORDER BY due LIMIT ?");
  q.Bind(now).Bind(limit);
  std::vector<Id> out;
  while (q.Next()) out.push_back(q.Int(0));
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<Deadline>> DeadlinesOf(Connection& c, Id case_id) {
  Query q(c,
          "SELECT case_id, party_id, kind, due_at FROM deadlines WHERE case_id = ? "
          "ORDER BY due_at, party_id, kind");
  q.Bind(case_id);
  std::vector<Deadline> out;
  while (q.Next())
    out.push_back({q.Int(0), q.Int(1), static_cast<DeadlineKind>(q.Int(2)), q.Int(3)});
  BARAZA_RETURN_IF_ERROR(q.status());
  return out;
}

Result<StoreCounts> Counts(Connection& c, UnixMillis now) {
  StoreCounts out;
  {
    Query q(c, "SELECT state, COUNT(*) FROM cases GROUP BY state ORDER BY state");
    while (q.Next()) out.cases_by_state.emplace_back(static_cast<CaseState>(q.Int(0)), q.Int(1));
    BARAZA_RETURN_IF_ERROR(q.status());
  }
  // The index on due_at answers both counts and the minimum without a table scan
  // of the overdue part beyond its own rows.
  Query q(c,
          "SELECT (SELECT COUNT(*) FROM deadlines), "
          "(SELECT COUNT(*) FROM deadlines WHERE due_at <= ?1), "
          "(SELECT MIN(due_at) FROM deadlines WHERE due_at <= ?1)");
  q.Bind(now);
  if (!q.Next()) return q.status().ok() ? Status::Internal("no deadline counts") : q.status();
  out.deadlines_pending = q.Int(0);
  out.deadlines_overdue = q.Int(1);
  if (!q.IsNull(2)) out.oldest_overdue = q.Int(2);
  return out;
}

}  // namespace baraza::sqlite
