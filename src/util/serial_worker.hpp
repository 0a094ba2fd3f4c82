#pragma once
// One background thread that runs jobs in the order they were pushed: a pipeline stage whose output
// must not depend on timing. At most `depth` jobs wait, so a slow stage holds its producer back
// instead of letting memory grow. An exception in a job stops the stage and is rethrown to the
// producer at its next push() or at drain().

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace flowsleuth::detail {

template <class Job>
class serial_worker {
 public:
  explicit serial_worker(std::function<void(Job&)> run, std::size_t depth = 2)
      : run_(std::move(run)), depth_(depth), thread_([this] { loop(); }) {}
  serial_worker(const serial_worker&) = delete;
  serial_worker& operator=(const serial_worker&) = delete;
  ~serial_worker() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      jobs_.clear();  // abandoned: the owner is going away (an error elsewhere)
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void push(Job&& job) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return jobs_.size() < depth_ || error_; });
    if (error_) std::rethrow_exception(error_);
    jobs_.push_back(std::move(job));
    lock.unlock();
    changed_.notify_all();
  }

  /// Waits for every pushed job to finish, then ends the thread.
  void drain() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void loop() {
    while (true) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      changed_.notify_all();  // room for the producer
      try {
        run_(job);
      } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
        jobs_.clear();
        changed_.notify_all();
        return;
      }
    }
  }

  std::function<void(Job&)> run_;
  std::size_t depth_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Job> jobs_;
  bool closed_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace flowsleuth::detail
