// The correlator's in-slot vectors: elements stay in order and intact as they move from the inline
// part to the heap, and an emptied vector is ready for the next connection.

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "util/small_vector.hpp"

using flowsleuth::detail::small_vector;

namespace {

struct item {
  std::uint32_t id = 0;
  std::int64_t time = 0;
};

std::vector<std::uint32_t> ids(const small_vector<item, 2>& v) {
  std::vector<std::uint32_t> out;
  for (const item& x : v) out.push_back(x.id);
  return out;
}

}  // namespace

TEST_CASE("small vector: inline up to N, then every element on the heap, in order") {
  small_vector<item, 2> v;
  CHECK(v.empty());
  v.push_back({1, 10});
  v.push_back({2, 20});
  const item* inline_data = v.data();
  CHECK(ids(v) == std::vector<std::uint32_t>{1, 2});
  v.push_back({3, 30});
  CHECK(v.data() != inline_data);  // moved out, all of them
  v.push_back({4, 40});
  CHECK(v.size() == 4);
  CHECK(ids(v) == std::vector<std::uint32_t>{1, 2, 3, 4});
  CHECK(v[1].time == 20);
  CHECK(v[3].time == 40);
  v[0].time = 11;  // elements are writable in place
  CHECK(v.begin()->time == 11);
}

TEST_CASE("small vector: cleared, it starts inline again and keeps nothing of before") {
  small_vector<item, 2> v;
  for (std::uint32_t i = 0; i < 5; ++i) v.push_back({i, i});
  v.clear();
  CHECK(v.empty());
  CHECK(v.begin() == v.end());
  v.push_back({7, 70});
  CHECK(ids(v) == std::vector<std::uint32_t>{7});
  v.push_back({8, 80});
  v.push_back({9, 90});
  CHECK(ids(v) == std::vector<std::uint32_t>{7, 8, 9});
}

TEST_CASE("small vector: a copy has the same elements, inline or spilled, and is independent") {
  small_vector<item, 2> spilled;
  for (std::uint32_t i = 0; i < 4; ++i) spilled.push_back({i, i * 10});
  small_vector<item, 2> copy = spilled;
  CHECK(ids(copy) == std::vector<std::uint32_t>{0, 1, 2, 3});
  copy[0].time = 99;
  CHECK(spilled[0].time == 0);
  small_vector<item, 2> small;
  small.push_back({5, 50});
  copy = small;  // back to inline
  CHECK(ids(copy) == std::vector<std::uint32_t>{5});
  copy.push_back({6, 60});
  copy.push_back({7, 70});
  CHECK(ids(copy) == std::vector<std::uint32_t>{5, 6, 7});
}
