// Any bytes as describe-* JSON and as a topology YAML file: never throw, never crash; and whatever
// loads can be evaluated (a path between every pair of described addresses).
#include <cstdint>
#include <string_view>

#include "flowsleuth/config_loader.hpp"
#include "flowsleuth/enforcement.hpp"

using namespace flowsleuth;

namespace {

std::size_t exercise(const config_load_result& r) {
  std::size_t total = r.problems.size();
  std::vector<ip_address> addresses;
  for (const auto& [id, e] : r.topo.enis) {
    for (const auto& a : e.private_addresses) {
      if (addresses.size() < 4) addresses.push_back(a);
    }
  }
  for (const auto& from : addresses) {
    for (const auto& to : addresses) {
      if (from.fam() != to.fam()) continue;
      total += explain_path(r.topo, from, to, 6, 443).request.steps.size();
    }
  }
  return total;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t total = exercise(load_config_text("describe.json", text));
  total += exercise(load_config_text("topology.yaml", text));
  total += exercise(load_config_text("pl-0123456789abcdef0.json", text));
  return total == SIZE_MAX ? 1 : 0;
}
