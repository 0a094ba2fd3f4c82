#pragma once
// A progress line on stderr for long runs: bytes, records/s and an ETA when the total is known.
// Drawn from its own thread every half second so parsing never waits on the terminal.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "util/human_size.hpp"

namespace flowsleuth::detail {

class progress_meter {
 public:
  progress_meter(bool enabled, std::uint64_t total, const std::atomic<std::uint64_t>& bytes,
                 const std::atomic<std::uint64_t>& records)
      : enabled_(enabled), total_(total), bytes_(bytes), records_(records) {
    if (!enabled_) return;
    start_ = std::chrono::steady_clock::now();
    thread_ = std::thread([this] { loop(); });
  }
  ~progress_meter() { finish(); }

  void finish() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (drawn_) std::fputs("\r\033[K", stderr);
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return done_; })) draw();
  }
  void draw() {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (secs < 1.0) return;  // short runs stay silent
    const std::uint64_t bytes_now = bytes_.load();
    const double b = static_cast<double>(bytes_now);
    const double recs = static_cast<double>(records_.load());
    std::string line = fmt::format("\r\033[Kreading: {}", human_size(bytes_now));
    if (total_ > 0) line += fmt::format(" of {}", human_size(total_));
    line += fmt::format(", {:.1f} M records/s", recs / secs / 1e6);
    if (total_ > 0 && b > 0 && b < static_cast<double>(total_)) {
      line += fmt::format(", ETA {:.0f} s", secs * (static_cast<double>(total_) - b) / b);
    }
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    drawn_ = true;
  }

  bool enabled_;
  std::uint64_t total_;
  const std::atomic<std::uint64_t>& bytes_;
  const std::atomic<std::uint64_t>& records_;
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  bool drawn_ = false;
};

}  // namespace flowsleuth::detail
