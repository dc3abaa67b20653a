#include "services/scheduler/deadline_runner.h"

#include <future>
#include <set>

namespace baraza {

Result<DeadlineRunner::Report> DeadlineRunner::RunDue(UnixMillis now) {
  Report report;
  std::set<Id> seen;
  // Bounded: each pass handles only cases not seen before, so the loop ends
  // once every due case has been looked at.
  for (;;) {
    auto due = app_.store().CasesDue(now, batch_ + static_cast<int>(seen.size()));
    if (!due.ok()) return due.status();
    std::vector<Id> fresh;
    for (Id id : *due)
      if (seen.insert(id).second) fresh.push_back(id);
    if (fresh.empty()) return report;

    // Submit the whole batch before waiting, so the writer commits it together.
    std::vector<std::future<Result<int>>> results;
    results.reserve(fresh.size());
    // For the observer: when each case's due deadlines fell due (read before
    // the change replaces them).
    std::vector<std::vector<UnixMillis>> due_at(observer_ ? fresh.size() : 0);
    for (size_t i = 0; i < due_at.size(); ++i)
      if (auto ds = app_.store().DeadlinesOf(fresh[i]); ds.ok())
        for (const auto& d : *ds)
          if (d.due_at <= now) due_at[i].push_back(d.due_at);
    for (Id id : fresh) {
      auto promise = std::make_shared<std::promise<Result<int>>>();
      results.push_back(promise->get_future());
      app_.HandleDeadlines(id, now, [promise](Result<int> r) { promise->set_value(std::move(r)); });
    }
    Status first_error;
    for (size_t i = 0; i < results.size(); ++i) {
      auto r = results[i].get();
      report.cases += 1;
      if (r.ok()) {
        report.events += *r;
        if (observer_)
          for (UnixMillis at : due_at[i]) observer_->DeadlineHandled(now - at);
      } else if (first_error.ok()) {
        first_error = r.status();
      }
    }
    if (!first_error.ok()) return first_error;
  }
}

}  // namespace baraza
