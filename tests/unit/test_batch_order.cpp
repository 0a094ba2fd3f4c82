// The order a batch of connections is resolved in (by first time, untimed last, then 5-tuple) does not
// depend on how it is sorted: the per-second buckets give what one comparison sort of the batch gives,
// on dense batches, on batches too spread out for buckets, and with connections that have no time.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include "correlate/correlation_state.hpp"

using flowsleuth::ip_address;
using flowsleuth::detail::conn_key;
using flowsleuth::detail::order_entry;
using flowsleuth::detail::sort_by_time_then_key;

namespace {

std::vector<order_entry> random_batch(std::size_t n, std::int64_t base, std::int64_t spread, int untimed_per_100,
                                      std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<order_entry> v;
  for (std::size_t i = 0; i < n; ++i) {
    order_entry e{};
    e.first = static_cast<int>(rng() % 100) < untimed_per_100 ? INT64_MAX
                                                              : base + static_cast<std::int64_t>(rng() % spread);
    // Few distinct addresses and ports, so that keys share prefixes and some repeat within a second.
    const bool v6 = rng() % 8 == 0;
    auto addr = [&] {
      const std::uint32_t host = 0x0a000000u | (rng() % 16);
      return v6 ? *ip_address::parse("fd00::" + std::to_string(rng() % 16)) : ip_address::v4(host);
    };
    e.key = conn_key{addr(), addr(), static_cast<std::uint16_t>(rng() % 4), static_cast<std::uint16_t>(rng() % 4),
                     static_cast<std::uint8_t>(rng() % 2 ? 6 : 17)};
    v.push_back(e);
  }
  return v;
}

auto as_tuples(const std::vector<order_entry>& v) {
  std::vector<std::tuple<std::int64_t, ip_address, std::uint16_t, ip_address, std::uint16_t, std::uint8_t>> out;
  for (const auto& e : v) out.emplace_back(e.first, e.key.a, e.key.pa, e.key.b, e.key.pb, e.key.protocol);
  return out;
}

void check_same_order(std::vector<order_entry> batch) {
  auto expected = as_tuples(batch);
  std::sort(expected.begin(), expected.end());
  sort_by_time_then_key(batch);
  CHECK(as_tuples(batch) == expected);
}

}  // namespace

TEST_CASE("batch order: dense batches (bucketed by second) come out as one full sort orders them") {
  check_same_order(random_batch(5000, 1714521600, 300, 0, 1));
  check_same_order(random_batch(5000, 1714521600, 3, 0, 2));  // hundreds in each second
}

TEST_CASE("batch order: connections without a time come after every timed one") {
  auto batch = random_batch(3000, 1714521600, 600, 10, 3);
  check_same_order(batch);
  sort_by_time_then_key(batch);
  CHECK(batch.back().first == INT64_MAX);
  CHECK(batch.front().first != INT64_MAX);
}

TEST_CASE("batch order: spread-out and small batches take the plain sort, with the same result") {
  check_same_order(random_batch(2000, 0, 1'000'000'000, 5, 4));  // far more seconds than connections
  check_same_order(random_batch(10, 1714521600, 5, 20, 5));
  check_same_order(random_batch(0, 0, 1, 0, 6));
  check_same_order(random_batch(500, 1714521600, 1, 100, 7));  // all untimed
}
