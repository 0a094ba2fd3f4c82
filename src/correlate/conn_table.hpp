#pragma once
// The live connections of the correlator: an open-addressing index (linear probing, backward-shift
// deletion) over pooled slots. A resolved connection's slot is reused, the capacity of its views
// included, so a steady stream of connections allocates nothing once the pool has grown to the number
// live at once; and a slot handed to the resolver thread stays where it is while the index grows.
//
// Each index entry also holds a stamp, the latest time noted for its connection (clamped to 32 bits):
// the sweeps that look for connections to resolve then read the index front to back and visit only
// slots old enough to be candidates, instead of fetching every live slot from memory.
//
// Threads: one thread (the merge) finds, inserts, detaches and takes slots; give_back() may be called
// from the resolver thread.

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "util/prefetch.hpp"

namespace flowsleuth::detail {

template <class Key, class Value, class Hash>
class conn_table {
 public:
  struct alignas(64) slot {
    Key first;
    Value second;
  };

  conn_table() { entries_.resize(1u << 12); }

  /// The slot of `k`, inserted (with a fresh Value) when absent. `h` is Hash{}(k).
  slot& find_or_insert(const Key& k, std::uint64_t h) {
    std::size_t i = h & mask();
    while (entries_[i].s) {
      if (entries_[i].hash == tag_of(h) && entries_[i].s->first == k) return *entries_[i].s;
      i = (i + 1) & mask();
    }
    slot* s = take();
    s->first = k;
    entries_[i] = {s, tag_of(h), 0};
    if (++size_ * 2 > entries_.size()) grow();
    return *s;
  }

  slot& find_or_insert(const Key& k) { return find_or_insert(k, Hash{}(k)); }

  /// The slot of `k`, or nullptr. `h` is Hash{}(k).
  const slot* find(const Key& k, std::uint64_t h) const {
    for (std::size_t i = h & mask(); entries_[i].s; i = (i + 1) & mask()) {
      if (entries_[i].hash == tag_of(h) && entries_[i].s->first == k) return entries_[i].s;
    }
    return nullptr;
  }

  /// Raises the stamp of indexed slot `s` (whose hash is `h`) to `t`: right after find_or_insert, the
  /// entry is still in cache. Times outside 0..2^32-1 are clamped, which keeps for_each_stamped_below
  /// from ever skipping a slot whose time is below its bound.
  void raise_stamp(const slot& s, std::uint64_t h, std::int64_t t) noexcept {
    std::size_t i = h & mask();
    while (entries_[i].s != &s) i = (i + 1) & mask();
    const auto c = static_cast<std::uint32_t>(std::clamp<std::int64_t>(t, 0, UINT32_MAX));
    entries_[i].stamp = std::max(entries_[i].stamp, c);
  }

  // Hints for a lookup soon to come (correlator::merge fetches a few records ahead): the index
  // entry first, then, once that is cached, the slot it points to.
  void prefetch_entry(std::uint64_t h) const noexcept { prefetch(&entries_[h & mask()]); }
  void prefetch_slot(std::uint64_t h) const noexcept {
    const entry& e = entries_[h & mask()];
    if (e.s && e.hash == tag_of(h)) prefetch_range(e.s, sizeof(slot));
  }

  /// Removes `s` from the index; the slot stays valid until given back.
  void detach(slot& s) {
    const std::uint64_t h = Hash{}(s.first);
    std::size_t i = h & mask();
    while (entries_[i].s != &s) i = (i + 1) & mask();
    // Backward shift: pull later entries of the probe run into the hole, so lookups need no tombstones.
    std::size_t j = i;
    while (true) {
      j = (j + 1) & mask();
      if (!entries_[j].s) break;
      const std::size_t home = entries_[j].hash & mask();
      const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!stays) {
        entries_[i] = entries_[j];
        i = j;
      }
    }
    entries_[i] = {};
    --size_;
  }

  /// Slots done with (resolved): back to the pool, emptied by Value::reset() (which keeps capacity).
  void give_back(const std::vector<slot*>& done) {
    for (slot* s : done) s->second.reset();
    std::lock_guard lock(returned_mutex_);
    returned_.insert(returned_.end(), done.begin(), done.end());
  }

  std::size_t size() const noexcept { return size_; }

  /// Removes every slot from the index at once, handing each to `f` in index order (not meaningful:
  /// callers sort what they need ordered). At the end of the input every live connection goes: one by
  /// one, detach() shifted probe runs for each (~5 % of the run, on one core).
  template <class F>
  void detach_all(F&& f) {
    for (auto& e : entries_) {
      if (e.s) f(*e.s);
      e = {};
    }
    size_ = 0;
  }

  /// Every indexed slot whose stamp is below `t` (all slots whose noted times are all below t, and
  /// perhaps others: callers check the slot itself).
  template <class F>
  void for_each_stamped_below(std::int64_t t, F&& f) {
    if (t <= 0) return;
    for (const auto& e : entries_) {
      if (e.s && static_cast<std::int64_t>(e.stamp) < t) f(*e.s);
    }
  }

 private:
  // The hash's low 32 bits (the index never has 2^32 entries, so home positions come from them too)
  // and the stamp: 16 bytes an entry, as before stamps.
  struct entry {
    slot* s = nullptr;
    std::uint32_t hash = 0;
    std::uint32_t stamp = 0;
  };
  static std::uint32_t tag_of(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h); }
  static constexpr std::size_t chunk_slots = 4096;

  std::size_t mask() const noexcept { return entries_.size() - 1; }

  slot* take() {
    if (free_.empty()) {
      std::lock_guard lock(returned_mutex_);
      free_.swap(returned_);
    }
    if (free_.empty()) {
      chunks_.push_back(std::make_unique<slot[]>(chunk_slots));
      slot* base = chunks_.back().get();
      free_.reserve(chunk_slots);
      for (std::size_t n = chunk_slots; n-- > 0;) free_.push_back(base + n);
    }
    slot* s = free_.back();
    free_.pop_back();
    // The next new connection's slot, last touched when it was given back: fetched while this one fills.
    if (!free_.empty()) prefetch_range(free_.back(), sizeof(slot));
    return s;
  }

  void grow() {
    std::vector<entry> old(entries_.size() * 2);
    old.swap(entries_);
    for (const auto& e : old) {
      if (!e.s) continue;
      std::size_t i = e.hash & mask();
      while (entries_[i].s) i = (i + 1) & mask();
      entries_[i] = e;
    }
  }

  std::vector<entry> entries_;
  std::size_t size_ = 0;
  std::vector<std::unique_ptr<slot[]>> chunks_;
  std::vector<slot*> free_;
  std::mutex returned_mutex_;
  std::vector<slot*> returned_;
};

}  // namespace flowsleuth::detail
