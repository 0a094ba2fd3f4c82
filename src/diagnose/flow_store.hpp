#pragma once
// The diagnosis' per-flow counters (client IP, server IP, protocol, server port). On real logs flows
// number in the hundreds of thousands and grow with the input, and most are healthy and only counted:
// each is ~72 bytes in one deque (no allocation of its own), found through an open-addressing index
// of 8-byte entries, and the client ports of every connection are noted in one shared list that only
// listed flows read at the end.

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "flowsleuth/ip_address.hpp"
#include "util/hash.hpp"
#include "util/prefetch.hpp"

namespace flowsleuth::detail {

struct flow_acc {
  ip_address client, server;
  std::uint8_t protocol = 0;
  std::int8_t worst_rank = 99;  ///< severity rank of the worst connection so far
  bool has_port = false;
  bool drift_noted = false;
  std::uint16_t port = 0;
  std::uint32_t listed = 0;  ///< 1 + index of its finding, once a report lists the flow; 0 before
  /// Connections while the flow is not listed, all of them ok (anything else lists it); a listed flow
  /// counts per verdict beside its finding. Most flows are never listed: 4 bytes, not 32, for each.
  std::uint32_t unlisted_ok = 0;
  std::int64_t first = INT64_MAX, last = INT64_MIN;
  std::int64_t first_reject = INT64_MAX;  ///< INT64_MAX: none

  std::optional<std::uint16_t> server_port() const noexcept {
    return has_port ? std::optional<std::uint16_t>(port) : std::nullopt;
  }
};

/// One connection's client port, for the flow's failing and working port ranges.
struct port_note {
  std::uint32_t flow = 0;
  std::uint16_t port = 0;
  bool failed = false;
};

class flow_store {
 public:
  flow_store() : entries_(1u << 12, 0) {}

  /// The key's hash: callers that look ahead compute it once for the fetches and the lookup.
  static std::uint64_t hash(const ip_address& client, const ip_address& server, std::uint8_t protocol,
                            std::optional<std::uint16_t> port) noexcept {
    const std::uint64_t seed = std::uint64_t{protocol} << 32 | (port ? 0x10000u | *port : 0u);
    return mix64(mix_address(mix_address(seed, client), server));
  }

  /// The index of the flow of these endpoints, created when new. `h` is hash() of them.
  std::uint32_t find_or_add(std::uint64_t h, const ip_address& client, const ip_address& server,
                            std::uint8_t protocol, std::optional<std::uint16_t> port) {
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    std::size_t i = home(tag);
    while (entries_[i]) {
      if (static_cast<std::uint32_t>(entries_[i] >> 32) == tag) {
        const std::uint32_t index = static_cast<std::uint32_t>(entries_[i]) - 1;
        const flow_acc& f = flows_[index];
        if (f.protocol == protocol && f.has_port == port.has_value() && f.port == port.value_or(0) &&
            f.client == client && f.server == server) {
          return index;
        }
      }
      i = (i + 1) & mask();
    }
    flow_acc& f = flows_.emplace_back();
    f.client = client;
    f.server = server;
    f.protocol = protocol;
    f.has_port = port.has_value();
    f.port = port.value_or(0);
    entries_[i] = std::uint64_t{tag} << 32 | flows_.size();
    // Up to three quarters full: a miss probes ~8 entries on average, one cache line of 8-byte entries,
    // and the index is a third smaller than at half full (784 k flows: 8 MB, not 16).
    if (++size_ * 4 > entries_.size() * 3) grow();
    return static_cast<std::uint32_t>(flows_.size() - 1);
  }
  std::uint32_t find_or_add(const ip_address& client, const ip_address& server, std::uint8_t protocol,
                            std::optional<std::uint16_t> port) {
    return find_or_add(hash(client, server, protocol, port), client, server, protocol, port);
  }

  // Hints for a find_or_add soon to come (the index and the flows are far larger than the caches):
  // the index entry first, then, once that is cached, the flow it names. `h` is hash() of the key.
  void prefetch_entry(std::uint64_t h) const noexcept { prefetch(&entries_[home(static_cast<std::uint32_t>(h >> 32))]); }
  void prefetch_flow(std::uint64_t h) const noexcept {
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    const std::uint64_t e = entries_[home(tag)];
    if (e && static_cast<std::uint32_t>(e >> 32) == tag) {
      // 72 bytes in 512-byte deque nodes: most flows straddle two cache lines, the counters in the second.
      prefetch_range(&flows_[static_cast<std::uint32_t>(e) - 1], sizeof(flow_acc));
    }
  }

  std::deque<flow_acc>& flows() noexcept { return flows_; }
  std::deque<port_note>& ports() noexcept { return ports_; }

  /// The index is not needed once every connection was added.
  void drop_index() {
    entries_ = {};
    size_ = 0;
  }

 private:
  std::size_t mask() const noexcept { return entries_.size() - 1; }
  // An entry's place comes from the tag it keeps (the hash's high half), so growing the index reads
  // the entries alone: taken from the flows, it cost a cache miss per flow (~1 % of `diagnose`). The
  // tag's bits above the index size still tell flows of one place apart.
  std::size_t home(std::uint32_t tag) const noexcept { return tag & mask(); }

  void grow() {
    std::vector<std::uint64_t> old(entries_.size() * 2, 0);
    old.swap(entries_);
    for (std::uint64_t e : old) {
      if (!e) continue;
      std::size_t i = home(static_cast<std::uint32_t>(e >> 32));
      while (entries_[i]) i = (i + 1) & mask();
      entries_[i] = e;
    }
  }

  std::deque<flow_acc> flows_;
  std::vector<std::uint64_t> entries_;  ///< hash's high 32 bits << 32 | 1 + flow index; 0: empty
  std::size_t size_ = 0;
  std::deque<port_note> ports_;  ///< a deque: millions of notes, grown without a copy
};

}  // namespace flowsleuth::detail
