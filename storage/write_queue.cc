#include "storage/write_queue.h"

#include <pthread.h>

#include <chrono>

namespace baraza {

void WriteQueue::Start(int max_batch, CommitFn commit, WriterObserver* observer) {
  max_batch_ = max_batch > 0 ? max_batch : 1;
  commit_ = std::move(commit);
  observer_ = observer;
  // Threads are named, so that `top -H` and profiles tell them apart.
  answerer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baraza-answers");
    AnswerLoop();
  });
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "baraza-writer");
    WriterLoop();
  });
}

void WriteQueue::Write(CaseStore::WriteFn fn, CaseStore::DoneFn done, CaseStore::RequestRef key) {
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(Job{std::move(fn), std::move(done), std::move(key)});
      queue_cv_.notify_one();
      return;
    }
  }
  done(Status::Unavailable("barazad is shutting down; retry once it is back"));
}

void WriteQueue::Stop() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(done_mu_);
    done_stopping_ = true;
  }
  done_cv_.notify_all();
  if (answerer_.joinable()) answerer_.join();  // after every answer was given
}

void WriteQueue::WriterLoop() {
  std::vector<Job> batch;
  for (;;) {
    batch.clear();
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const auto began = std::chrono::steady_clock::now();
    bool committed = true;
    std::vector<Status> results = commit_(batch, committed);
    if (observer_)
      observer_->BatchDone(static_cast<int>(batch.size()),
                           std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - began).count(),
                           committed);
    // Every answer, failures included, goes out from the answering thread.
    std::vector<std::pair<CaseStore::DoneFn, Status>> answers;
    answers.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i)
      answers.emplace_back(std::move(batch[i].done), std::move(results[i]));
    {
      std::lock_guard lock(done_mu_);
      done_queue_.push_back(std::move(answers));
    }
    done_cv_.notify_one();
  }
}

void WriteQueue::AnswerLoop() {
  for (;;) {
    std::vector<std::pair<CaseStore::DoneFn, Status>> answers;
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait(lock, [&] { return done_stopping_ || !done_queue_.empty(); });
      if (done_queue_.empty()) return;  // stopping, and every answer given
      answers = std::move(done_queue_.front());
      done_queue_.pop_front();
    }
    for (auto& [done, status] : answers) done(std::move(status));
  }
}

}  // namespace baraza
