// The correlator's live-connection index: keys found again after growth and after backward-shift
// deletions inside probe runs, stamps that never hide a slot old enough, and detach_all emptying the
// index in one pass (what the end of the input does) while slots are reused afterwards.

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "correlate/conn_table.hpp"

namespace {

struct value {
  int n = 0;
  void reset() noexcept { n = 0; }
};

// A deliberately poor hash: many keys share a home position, so probe runs are long and deletions
// inside them must shift later entries back.
struct clumped_hash {
  std::size_t operator()(std::uint32_t k) const noexcept { return (k / 8) * 0x9e3779b97f4a7c15ull; }
};

using table = flowsleuth::detail::conn_table<std::uint32_t, value, clumped_hash>;

}  // namespace

TEST_CASE("conn table: keys survive growth and deletions inside probe runs") {
  table t;
  for (std::uint32_t k = 0; k < 20000; ++k) t.find_or_insert(k).second.n = static_cast<int>(k) + 1;
  CHECK(t.size() == 20000);
  // Every third key leaves: the rest of each clump must still be found.
  for (std::uint32_t k = 0; k < 20000; k += 3) {
    REQUIRE(t.find(k, clumped_hash{}(k)) != nullptr);
    t.detach(t.find_or_insert(k));  // found, not inserted: the size stays
  }
  for (std::uint32_t k = 0; k < 20000; ++k) {
    const auto* s = t.find(k, clumped_hash{}(k));
    if (k % 3 == 0) {
      CHECK(s == nullptr);
    } else {
      REQUIRE(s != nullptr);
      CHECK(s->second.n == static_cast<int>(k) + 1);
    }
  }
  CHECK(t.size() == 20000 - 6667);
}

TEST_CASE("conn table: stamps select every slot whose time is below the bound") {
  table t;
  for (std::uint32_t k = 0; k < 1000; ++k) {
    auto& s = t.find_or_insert(k);
    t.raise_stamp(s, clumped_hash{}(k), k);
  }
  std::set<std::uint32_t> below;
  t.for_each_stamped_below(500, [&](table::slot& s) { below.insert(s.first); });
  CHECK(below.size() == 500);
  CHECK(*below.begin() == 0);
  CHECK(*below.rbegin() == 499);
}

TEST_CASE("conn table: detach_all hands over every slot once and leaves an empty, reusable index") {
  table t;
  for (std::uint32_t k = 0; k < 5000; ++k) t.find_or_insert(k).second.n = 1;
  std::vector<table::slot*> all;
  std::set<std::uint32_t> keys;
  t.detach_all([&](table::slot& s) {
    all.push_back(&s);
    keys.insert(s.first);
  });
  CHECK(all.size() == 5000);
  CHECK(keys.size() == 5000);
  CHECK(t.size() == 0);
  for (std::uint32_t k = 0; k < 5000; ++k) CHECK(t.find(k, clumped_hash{}(k)) == nullptr);
  // Given back, the slots serve new keys, emptied.
  t.give_back(all);
  for (std::uint32_t k = 10000; k < 15000; ++k) CHECK(t.find_or_insert(k).second.n == 0);
  CHECK(t.size() == 5000);
  for (std::uint32_t k = 10000; k < 15000; ++k) CHECK(t.find(k, clumped_hash{}(k)) != nullptr);
}
