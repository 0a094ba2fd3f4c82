// The diagnosis' flow index: every flow found again at the index it was given, through many grows
// of the open-addressing table, with keys that differ in one part only.

#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "diagnose/flow_store.hpp"

using flowsleuth::ip_address;
using flowsleuth::detail::flow_store;

TEST_CASE("flow store: each flow keeps its index through the index's growth") {
  flow_store store;
  struct key {
    ip_address client, server;
    std::uint8_t protocol;
    std::optional<std::uint16_t> port;
  };
  std::vector<key> keys;
  for (std::uint32_t i = 0; i < 60000; ++i) {
    // Neighbours differ in the client, the port, its presence, or the protocol alone.
    const auto client = ip_address::v4(0x0a000000u + i / 4);
    const auto server = ip_address::v4(0x0a010000u + i % 7);
    switch (i % 4) {
      case 0: keys.push_back({client, server, 6, std::uint16_t{443}}); break;
      case 1: keys.push_back({client, server, 6, std::uint16_t{444}}); break;
      case 2: keys.push_back({client, server, 17, std::uint16_t{443}}); break;
      default: keys.push_back({client, server, 1, std::nullopt}); break;
    }
  }
  for (std::uint32_t i = 0; i < keys.size(); ++i) {
    const auto& k = keys[i];
    REQUIRE(store.find_or_add(k.client, k.server, k.protocol, k.port) == i);  // new: the next index
  }
  CHECK(store.flows().size() == keys.size());
  for (std::uint32_t i = 0; i < keys.size(); ++i) {
    const auto& k = keys[i];
    CHECK(store.find_or_add(k.client, k.server, k.protocol, k.port) == i);  // found, not added
    // The look-ahead's form, hashed by the caller, finds the same flow.
    CHECK(store.find_or_add(flow_store::hash(k.client, k.server, k.protocol, k.port), k.client, k.server, k.protocol,
                            k.port) == i);
    const auto& f = store.flows()[i];
    CHECK(f.client == k.client);
    CHECK(f.server_port() == k.port);
  }
  CHECK(store.flows().size() == keys.size());
}
