// The writers' side shared by the SQLite and PostgreSQL stores: the queue of
// waiting writes, taken a batch at a time by a writer thread that commits them
// together (group commit), and a thread that gives the answers in commit order,
// so that the writer never spends its time packing replies. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "storage/case_store.h"
#include "storage/store_observer.h"

namespace baraza {

class WriteQueue {
 public:
  struct Job {
    CaseStore::WriteFn fn;
    CaseStore::DoneFn done;
    CaseStore::RequestRef key;
  };
  // Commits one batch in one transaction and returns each write's outcome;
  // sets `committed` false when the transaction as a whole was rolled back.
  using CommitFn = std::function<std::vector<Status>(std::vector<Job>& batch, bool& committed)>;

  WriteQueue() = default;
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;
  ~WriteQueue() { Stop(); }

  // Starts the writer thread ("baraza-writer"), which calls `commit` with at
  // most `max_batch` writes at a time, and the answering thread. `observer`
  // (may be null) hears of every batch, on the writer thread.
  void Start(int max_batch, CommitFn commit, WriterObserver* observer);
  // Queues a write; once stopping, `done` is called at once with UNAVAILABLE.
  void Write(CaseStore::WriteFn fn, CaseStore::DoneFn done, CaseStore::RequestRef key = {});
  // Finishes every queued write and gives every answer, then ends both threads.
  void Stop();

 private:
  void WriterLoop();
  void AnswerLoop();

  int max_batch_ = 1;
  CommitFn commit_;
  WriterObserver* observer_ = nullptr;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::deque<std::vector<std::pair<CaseStore::DoneFn, Status>>> done_queue_;
  bool done_stopping_ = false;
  std::thread answerer_;
};

}  // namespace baraza
