#pragma once
// A direct-mapped, two-way cache in front of a string-keyed lookup, for short ids that repeat on
// nearly every record (ENI ids): a block sees a few hundred of them, and a cache probe is much
// cheaper than a hash-map lookup per record. Its key reads the id in whole words (a byte-wise hash
// tail stalled on store forwarding). Two ways per set: with one, a few hundred ids collide often
// enough that map lookups showed in profiles.
//
// The cache holds views: the text given to put() must outlive the cache or the next clear() (a
// node-based map's keys do).

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "util/hash.hpp"

namespace flowsleuth::detail {

template <class Value>
class short_string_cache {
 public:
  static std::uint64_t key_of(std::string_view s) noexcept {
    if (s.size() < 8) return fast_hash(s);
    // ENI ids differ in their last hex digits: the first and last words and the length make a good key.
    return (word_at(s.data() + s.size() - 8) ^ word_at(s.data()) ^ s.size()) * 0x9e3779b97f4a7c15ULL;
  }

  /// The cached value of `s` (whose key_of is `key`), or nullptr.
  const Value* find(std::string_view s, std::uint64_t key) const noexcept {
    const auto& ways = sets_[index(key)];
    for (const auto& w : ways) {
      if (w.key == key && same_text(w.text, s)) return &w.value;
    }
    return nullptr;
  }

  /// Remembers `value` for `text` (most recent first; the older way is dropped).
  void put(std::uint64_t key, std::string_view text, Value value) noexcept {
    auto& ways = sets_[index(key)];
    ways[1] = ways[0];
    ways[0] = {key, text, value};
  }

  void clear() noexcept { sets_ = {}; }

 private:
  struct way {
    std::uint64_t key = 0;
    std::string_view text;
    Value value{};
  };
  static constexpr std::size_t set_count = 512;

  static std::size_t index(std::uint64_t key) noexcept { return (key >> 32) & (set_count - 1); }
  static std::uint64_t word_at(const char* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  static bool same_text(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    if (n < 8 || n > 32) return a == b;
    std::uint64_t diff = word_at(a.data() + n - 8) ^ word_at(b.data() + n - 8);
    for (std::size_t i = 0; i + 8 < n; i += 8) diff |= word_at(a.data() + i) ^ word_at(b.data() + i);
    return diff == 0;
  }

  std::array<std::array<way, 2>, set_count> sets_{};
};

}  // namespace flowsleuth::detail
